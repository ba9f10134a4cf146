"""The JSON Schemas for editors: generated from the model, committed current, referenced from
every example file, accepting the example data and rejecting what the checker rejects."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from handbook.load import load_tree
from handbook.schema import SCHEMAS, render
from handbook.yamlsource import parse, to_json

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
SCHEMA_DIR = REPO / "schemas"
KIND_TO_SCHEMA = {
    "handbook": "handbook",
    "people": "people",
    "sites": "sites",
    "vendors": "vendors",
    "risks": "risks",
    "service": "service",
    "scenario": "scenario",
    "exercise": "exercise",
}
SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schema_is_current(name: str) -> None:
    committed = (SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8")
    assert committed == render(name), f"schemas/{name}.schema.json is stale: run `handbook schema`"


def _example_files() -> list[tuple[Path, str]]:
    tree = load_tree(DATA)
    return [(f.path, f.kind) for f in tree.files]


def test_example_has_every_kind_of_file() -> None:
    kinds = {kind for _, kind in _example_files()}
    assert kinds == set(KIND_TO_SCHEMA)


@pytest.mark.parametrize("path,kind", _example_files(), ids=lambda v: v.name if isinstance(v, Path) else v)
def test_example_file_references_its_schema_and_validates(path: Path, kind: str) -> None:
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    match = SCHEMA_LINE.match(first_line)
    assert match, f"{path} does not start with a yaml-language-server $schema line"
    target = (path.parent / match.group(1)).resolve()
    assert target == (SCHEMA_DIR / f"{KIND_TO_SCHEMA[kind]}.schema.json").resolve()
    node, problems = parse(path, path.read_text(encoding="utf-8"))
    assert problems == []
    errors = sorted(validator(KIND_TO_SCHEMA[kind]).iter_errors(to_json(node)), key=str)
    assert errors == [], "\n".join(e.message for e in errors)


def test_service_schema_rejects_what_the_checker_rejects() -> None:
    check = validator("service")
    good = {
        "id": "payroll",
        "name": "Payroll",
        "owner": "jdoe",
        "bia": {"mtpd": "3d", "rto": "1d", "rpo": "0m"},
    }
    assert list(check.iter_errors(good)) == []
    bad_cases = [
        {**good, "rop": "4h"},  # unknown key
        {**good, "bia": {**good["bia"], "rto": "4 hours"}},  # not a duration
        {**good, "bia": {**good["bia"], "rto": "0m"}},  # zero RTO
        {**good, "id": "Payroll"},  # not an id
        {**good, "depends_on": [{"service": "a", "site": "b"}]},  # two kinds in one reference
        {**good, "depends_on": [{"note": "x"}]},  # no kind
        {**good, "tier": "1"},  # text, not a number
        {key: value for key, value in good.items() if key != "owner"},  # missing required
    ]
    for case in bad_cases:
        assert list(check.iter_errors(case)), f"schema accepted {case}"
    assert list(check.iter_errors({**good, "x-cmdb-id": "CI00042"})) == []  # editors' own keys
