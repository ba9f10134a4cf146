"""Rules between records: ids match file names, ids are unique, references point at records that exist."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from handbook.model import (
    Dependency,
    Exercise,
    PeopleFile,
    PlaceReference,
    Reference,
    Risk,
    Scenario,
    Service,
    Site,
)
from handbook.problems import Location, Problem, Severity
from handbook.structure import LocPart, did_you_mean, problem_at

KIND_WORDS = {
    "service": "service",
    "site": "site",
    "vendor": "vendor",
    "person": "person",
    "team": "team",
    "party": "person or team",
    "scenario": "scenario",
}


@dataclass
class KnownIds:
    """Every id the data declares, valid record or not, so one broken file does not make every
    reference to it an error too."""

    ids: dict[str, dict[str, Location]] = field(default_factory=dict)
    # Kinds whose file could not be read: references to them cannot be judged this run.
    unreadable: set[str] = field(default_factory=set)

    def mark_unreadable(self, kind: str) -> None:
        self.unreadable.add(kind)
        if kind in ("person", "team"):
            self.unreadable.add("party")

    def add(self, kind: str, record_id: str, location: Location) -> None:
        self.ids.setdefault(kind, {}).setdefault(record_id, location)
        if kind in ("person", "team"):
            self.ids.setdefault("party", {}).setdefault(record_id, location)

    def of(self, kind: str) -> Mapping[str, Location]:
        return self.ids.get(kind, {})


def check_reference(
    known: KnownIds, record: object, parts: tuple[LocPart, ...], kind: str, value: str | None
) -> Iterator[Problem]:
    """An unknown-reference problem when *value* names no *kind* record."""
    if value is None or kind in known.unreadable:
        return
    pool = known.of(kind)
    if value in pool:
        return
    hint = did_you_mean(value, sorted(pool))
    message = f"no {KIND_WORDS[kind]} '{value}'"
    if kind == "person" and value in known.of("team"):
        message, hint = f"'{value}' is a team, not a person", "name a person here"
    yield problem_at(record, parts, Severity.ERROR, "unknown-reference", message, hint)  # type: ignore[arg-type]


def _refs(
    known: KnownIds,
    record: object,
    base: tuple[LocPart, ...],
    refs: Iterable[Reference | Dependency | PlaceReference],
) -> Iterator[Problem]:
    for i, ref in enumerate(refs):
        yield from check_reference(known, record, (*base, i, ref.kind), ref.kind, ref.id)


def service_references(known: KnownIds, service: Service) -> Iterator[Problem]:
    s = service
    yield from check_reference(known, s, ("owner",), "party", s.owner)
    yield from check_reference(known, s, ("team",), "party", s.team)
    yield from _refs(known, s, ("depends_on",), s.depends_on)
    for i, asset in enumerate(s.assets):
        yield from check_reference(known, s, ("assets", i, "site"), "site", asset.site)
        yield from check_reference(known, s, ("assets", i, "vendor"), "vendor", asset.vendor)
    for i, backup in enumerate(s.backups):
        if backup.location is not None:
            loc = backup.location
            yield from check_reference(known, s, ("backups", i, "location", loc.kind), loc.kind, loc.id)
    if s.continuity is not None:
        yield from check_reference(
            known, s, ("continuity", "alternate_site"), "site", s.continuity.alternate_site
        )
    if s.recovery is not None:
        yield from check_reference(known, s, ("recovery", "authority"), "party", s.recovery.authority)
        for i, step in enumerate(s.recovery.steps):
            yield from check_reference(known, s, ("recovery", "steps", i, "assignee"), "party", step.assignee)
    for i, comm in enumerate(s.communications):
        yield from check_reference(known, s, ("communications", i, "owner"), "party", comm.owner)
    if s.review is not None:
        yield from check_reference(known, s, ("review", "reviewed_by"), "party", s.review.reviewed_by)


def people_references(known: KnownIds, people: PeopleFile) -> Iterator[Problem]:
    for person in people.people:
        yield from check_reference(known, person, ("deputy",), "party", person.deputy)
    for team in people.teams:
        yield from check_reference(known, team, ("lead",), "person", team.lead)
        for i, member in enumerate(team.members):
            yield from check_reference(known, team, ("members", i), "person", member)
        for i, party in enumerate(team.escalation):
            yield from check_reference(known, team, ("escalation", i), "party", party)


def site_references(known: KnownIds, site: Site) -> Iterator[Problem]:
    yield from check_reference(known, site, ("contact",), "party", site.contact)


def risk_references(known: KnownIds, risk: Risk) -> Iterator[Problem]:
    yield from _refs(known, risk, ("affects",), risk.affects)
    yield from check_reference(known, risk, ("owner",), "party", risk.owner)


def scenario_references(known: KnownIds, scenario: Scenario) -> Iterator[Problem]:
    yield from _refs(known, scenario, ("lost",), scenario.lost)


def exercise_references(known: KnownIds, exercise: Exercise) -> Iterator[Problem]:
    for i, service in enumerate(exercise.services):
        yield from check_reference(known, exercise, ("services", i), "service", service)
    yield from check_reference(known, exercise, ("scenario",), "scenario", exercise.scenario)
    for i, action in enumerate(exercise.actions):
        yield from check_reference(known, exercise, ("actions", i, "owner"), "party", action.owner)
