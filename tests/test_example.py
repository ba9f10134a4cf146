"""The example organisation under data/: the handbook a newcomer builds first. It checks clean but
for its deliberate plan-health warnings, and it uses every field of the data format."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from handbook import model
from handbook.check import CheckResult, run_check
from handbook.problems import Severity

from conftest import NOW

DATA = Path(__file__).resolve().parent.parent / "data"

# The deliberate warnings listed in data/README.md, as (file, code, field path).
DELIBERATE = {
    ("services/proof-of-delivery.yaml", "dependency-longer-rto", "bia.rto"),
    ("services/payroll.yaml", "vendor-recovery-exceeds-rto", "bia.rto"),
    ("services/bi-reporting.yaml", "estimate-exceeds-rto", "bia.rto"),
    ("services/hr.yaml", "rpo-not-met", "backups[0].frequency"),
    ("services/visitor-management.yaml", "no-recovery-steps", "id"),
    ("services/intranet.yaml", "review-stale", "review.last_reviewed"),
    ("services/crm.yaml", "not-exercised", "id"),
    ("exercises/2026-06-trafford-park-simulation.yaml", "action-overdue", "actions[1].due"),
    ("risks.yaml", "risk-accepted-unmitigated", "risks[8].treatment"),
}


@pytest.fixture(scope="module")
def result() -> CheckResult:
    return run_check(DATA, NOW)


def test_example_has_no_errors(result: CheckResult) -> None:
    assert [p.format() for p in result.errors] == []
    assert result.dataset is not None


def test_example_warnings_are_exactly_the_deliberate_ones(result: CheckResult) -> None:
    warnings = {(p.file.relative_to(DATA).as_posix(), p.code, p.path) for p in result.warnings}
    assert warnings == DELIBERATE
    assert all(p.severity is Severity.WARNING for p in result.problems)


def test_example_readme_lists_every_deliberate_warning() -> None:
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    for file, _code, _path in DELIBERATE:
        assert file in readme


def test_example_size_and_spread(result: CheckResult) -> None:
    data = result.dataset
    assert data is not None
    assert len(data.services) >= 30
    assert {f.tier.tier for f in data.facts.values()} == {t.tier for t in data.handbook.tiers}
    assert len(data.sites) >= 3 and len(data.vendors) >= 5 and len(data.risks) >= 12
    assert len(data.scenarios) >= 3 and len(data.exercises) >= 5
    assert all(team.escalation for team in data.teams.values()), "every team has a call tree"
    assert data.backup_runs, "evidence/backups.csv is read"


def _records(value: object) -> typing.Iterator[BaseModel]:
    if isinstance(value, BaseModel):
        yield value
        for name in type(value).model_fields:
            yield from _records(getattr(value, name))
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _records(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _records(item)


def test_example_uses_every_field_of_the_format(result: CheckResult) -> None:
    data = result.dataset
    assert data is not None
    roots: list[object] = [
        data.handbook,
        *data.people.values(),
        *data.teams.values(),
        *data.sites.values(),
        *data.vendors.values(),
        *data.risks,
        *data.services.values(),
        *data.scenarios.values(),
        *data.exercises.values(),
    ]
    used: set[tuple[str, str]] = set()
    seen_classes: set[type[BaseModel]] = set()
    for root in roots:
        for record in _records(root):
            seen_classes.add(type(record))
            used.update((type(record).__name__, name) for name in record.model_fields_set)
    every = {
        (cls.__name__, name)
        for cls in vars(model).values()
        if isinstance(cls, type)
        and issubclass(cls, model.Record)
        and cls.model_fields
        and cls not in (model.PeopleFile, model.SitesFile, model.VendorsFile, model.RisksFile)
        for name in cls.model_fields
    }
    # PlaceReference.site/vendor and Reference.* are one field each per kind: all kinds are used.
    assert every - used == set()


@pytest.mark.parametrize(
    "field,literal",
    [
        ("strategy", model.Strategy),
        ("kind", model.AssetKind),
        ("site kind", model.SiteKind),
        ("exercise kind", model.ExerciseKind),
        ("outcome", model.Outcome),
        ("risk category", model.RiskCategory),
        ("treatment", model.Treatment),
    ],
)
def test_example_uses_every_enumerated_value(result: CheckResult, field: str, literal: object) -> None:
    data = result.dataset
    assert data is not None
    values = {
        "strategy": {s.continuity.strategy for s in data.services.values() if s.continuity},
        "kind": {a.kind for s in data.services.values() for a in s.assets},
        "site kind": {s.kind for s in data.sites.values()},
        "exercise kind": {e.kind for e in data.exercises.values()},
        "outcome": {e.outcome for e in data.exercises.values()},
        "risk category": {r.category for r in data.risks},
        "treatment": {r.treatment for r in data.risks},
    }[field]
    assert set(typing.get_args(literal)) <= values
