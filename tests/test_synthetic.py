"""The synthetic data generator: deterministic, well-formed, and valid against the data format."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from handbook.check import run_check
from handbook.synthetic import generate, main

SERVICES = 48
TODAY = datetime.date(2026, 11, 25)
NOW = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)
ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
UNITS = {"w": 7 * 24 * 60, "d": 24 * 60, "h": 60, "m": 1}


def minutes(text: str) -> int:
    assert re.fullmatch(r"(?:[0-9]+[wdhm])+", text), text
    return sum(int(n) * UNITS[u] for n, u in re.findall(r"([0-9]+)([wdhm])", text))


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synthetic") / "data"
    generate(root, SERVICES, seed=7)
    return root


# The C loader when built: same YAML 1.1 reading, a tenth of the time.
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_all(root: Path) -> dict[str, Any]:
    loaded = {}
    for path in sorted(root.rglob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            loaded[path.relative_to(root).as_posix()] = yaml.load(handle, Loader=Loader)
    return loaded


@pytest.fixture(scope="module")
def loaded(data: Path) -> dict[str, Any]:
    return load_all(data)


def services_of(loaded: dict[str, Any]) -> dict[str, Any]:
    return {
        name.removeprefix("services/").removesuffix(".yaml"): doc
        for name, doc in loaded.items()
        if name.startswith("services/")
    }


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    generate(tmp_path / "a", SERVICES, seed=3)
    generate(tmp_path / "b", SERVICES, seed=3)
    generate(tmp_path / "c", SERVICES, seed=4)
    first, second, other = (files_of(tmp_path / name) for name in "abc")
    assert first == second
    assert first != other


def test_regenerating_a_smaller_folder_leaves_no_stale_services(tmp_path: Path) -> None:
    generate(tmp_path, 30)
    generate(tmp_path, 20)
    assert len(list((tmp_path / "services").glob("*.yaml"))) == 20


def test_refuses_a_folder_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "handbook.yaml").write_text("organisation: Real Ltd\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        generate(tmp_path, 5)
    assert (tmp_path / "handbook.yaml").read_text(encoding="utf-8") == "organisation: Real Ltd\n"


def test_command_line(tmp_path: Path) -> None:
    assert main([str(tmp_path / "out"), "--services", "12", "--seed", "2", "--today", "2026-01-31"]) == 0
    assert len(list((tmp_path / "out" / "services").glob("*.yaml"))) == 12


def test_one_file_per_service_and_ids_match_names(data: Path, loaded: dict[str, Any]) -> None:
    services = services_of(loaded)
    assert len(services) == SERVICES
    for folder in ("services", "scenarios", "exercises"):
        for path in (data / folder).glob("*.yaml"):
            record = loaded[f"{folder}/{path.name}"]
            assert record["id"] == path.stem
            assert ID.fullmatch(path.stem) and len(path.stem) <= 64


def test_every_file_parses_and_text_stays_text(loaded: dict[str, Any]) -> None:
    assert {"handbook.yaml", "people.yaml", "sites.yaml", "vendors.yaml", "risks.yaml"} <= set(loaded)

    # PyYAML reads YAML 1.1: a phone or name it would turn into a number or a
    # boolean would show up here as a non-string.
    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{path}[{index}]")
        elif path.rsplit(".", 1)[-1] in {"phone", "mobile", "support_phone", "name", "title", "note"}:
            assert isinstance(node, str), path

    for name, document in loaded.items():
        assert isinstance(document, dict), name
        walk(document, name)


def test_dependencies_resolve_and_form_no_cycle(loaded: dict[str, Any]) -> None:
    services = services_of(loaded)
    sites = {s["id"] for s in loaded["sites.yaml"]["sites"]}
    vendors = {v["id"] for v in loaded["vendors.yaml"]["vendors"]}
    graph: dict[str, list[str]] = {}
    for sid, service in services.items():
        graph[sid] = []
        for link in service.get("depends_on", []):
            if "service" in link:
                assert link["service"] in services
                graph[sid].append(link["service"])
            elif "site" in link:
                assert link["site"] in sites
            else:
                assert link["vendor"] in vendors

    state: dict[str, int] = {}

    def visit(node: str) -> None:
        state[node] = 1
        for nxt in graph[node]:
            assert state.get(nxt) != 1, f"cycle through {node} -> {nxt}"
            if nxt not in state:
                visit(nxt)
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_plans_meet_their_own_objectives(loaded: dict[str, Any]) -> None:
    """The rules behind the data format's errors and warnings, checked here without the validator."""
    services = services_of(loaded)
    intervals = [minutes(i) for i in loaded["handbook.yaml"]["impact"]["intervals"]]
    tiers = loaded["handbook.yaml"]["tiers"]
    estimates: dict[str, int] = {}

    def estimate(sid: str) -> int | None:
        if sid not in estimates:
            service = services[sid]
            own = service.get("continuity", {}).get("recovery_time")
            deps = [
                estimate(link["service"])
                for link in service["depends_on"]
                if "service" in link and not link.get("degraded")
            ]
            if own is None or None in deps:
                return None
            estimates[sid] = minutes(own) + max([d for d in deps if d is not None], default=0)
        return estimates[sid]

    for sid, service in services.items():
        bia = service["bia"]
        rto, mtpd, rpo = minutes(bia["rto"]), minutes(bia["mtpd"]), minutes(bia["rpo"])
        assert rto <= mtpd, sid
        for levels in bia["impact"].values():
            values = [levels[k] for k in sorted(levels, key=minutes)]
            assert values == sorted(values) and all(0 <= v <= 4 for v in values), sid
            assert all(minutes(k) in intervals for k in levels), sid
            intolerable = [minutes(k) for k, v in levels.items() if v >= 4]
            assert not intolerable or mtpd <= min(intolerable), sid
        if "tier" in service:
            assert rto <= minutes(tiers[service["tier"] - 1]["max_rto"]), sid
        for link in service["depends_on"]:
            if "service" in link and not link.get("degraded"):
                assert minutes(services[link["service"]]["bia"]["rto"]) <= rto, sid
        own_estimate = estimate(sid)
        assert own_estimate is None or own_estimate <= rto, sid
        backups = service["backups"]
        assert any(b.get("offsite") for b in backups), sid
        assert any(minutes(b["frequency"]) <= rpo for b in backups), sid
        assert 3 <= len(service["recovery"]["steps"]) <= 8, sid
        assert all("```" in step["details"] for step in service["recovery"]["steps"]), sid
        reviewed = service["review"]["last_reviewed"]
        assert TODAY - datetime.timedelta(weeks=52) <= reviewed <= TODAY, sid


def test_critical_services_exercised_and_backups_evidenced(data: Path, loaded: dict[str, Any]) -> None:
    services = services_of(loaded)
    tier_limits = [minutes(t["max_rto"]) for t in loaded["handbook.yaml"]["tiers"]]
    exercised: set[str] = set()
    for name, exercise in loaded.items():
        if (
            name.startswith("exercises/")
            and TODAY - datetime.timedelta(weeks=52) <= exercise["date"] <= TODAY
        ):
            exercised.update(exercise["services"])
        for action in exercise.get("actions", []) if name.startswith("exercises/") else []:
            assert action["status"] == "done" or action["due"] >= TODAY, name
    for sid, service in services.items():
        tier = service.get("tier") or next(
            i + 1 for i, limit in enumerate(tier_limits) if minutes(service["bia"]["rto"]) <= limit
        )
        if tier <= 2:
            assert sid in exercised, sid

    latest: dict[tuple[str, str], datetime.datetime] = {}
    lines = (data / "evidence" / "backups.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "service,backup,finished_at,status"
    for line in lines[1:]:
        sid, backup, finished, status = line.split(",")
        assert sid in services
        assert backup in {b["name"] for b in services[sid]["backups"]}
        when = datetime.datetime.fromisoformat(finished)
        if status == "success":
            latest[sid, backup] = max(latest.get((sid, backup), when), when)
    for sid, service in services.items():
        for backup in service["backups"]:
            when = latest[sid, backup["name"]]
            assert NOW - datetime.timedelta(minutes=minutes(backup["frequency"])) <= when <= NOW


def test_no_text_looks_like_a_credential(data: Path) -> None:
    keyword = re.compile(r"(password|passphrase|secret|token|api[ _-]?key)\s*[:=]", re.IGNORECASE)
    for path in data.rglob("*"):
        if path.is_file():
            assert not keyword.search(path.read_text(encoding="utf-8")), path


def test_generated_data_checks_clean(tmp_path: Path) -> None:
    # Benchmarks measure a valid data set: no errors, and no plan-health warnings either.
    generate(tmp_path, 60, seed=11)
    result = run_check(tmp_path, NOW)
    assert [p.format() for p in result.problems] == []
    assert result.dataset is not None and len(result.dataset.services) == 60
