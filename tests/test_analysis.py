"""The analysis stage: recovery waves, critical paths, what-ifs and gaps on small graphs worked out by
hand; the order and the what-if rules as properties of the example and a synthetic data set; the
``whatif`` and ``order`` commands; the analysis pages."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from handbook import analysis
from handbook.analysis import UnknownReference, WhatIf
from handbook.check import run_check
from handbook.cli import main
from handbook.dataset import Dataset
from handbook.durations import Duration
from handbook.render import analysis_pages, paths, places
from handbook.synthetic import generate

import conftest
from conftest import NOW, CheckFn

REPO = Path(__file__).resolve().parent.parent

# The fixture's exercise, scenario and evidence name payroll and network; the graphs below replace
# the services, so those files go too (a scenario of its own is added where a test needs one).
NO_FIXTURE_SERVICES: dict[str, str | bytes | None] = {
    "services/network.yaml": None,
    "services/payroll.yaml": None,
    "exercises/2026-05-failover.yaml": None,
    "scenarios/loss-of-london.yaml": None,
    "evidence/backups.csv": None,
}


def service(
    sid: str,
    deps: tuple[str, ...] = (),
    *,
    rto: str = "1d",
    recovery: str | None = "1h",
    extra: str = "",
) -> str:
    """A service file: *deps* as ``kind:id``, a leading ``~`` for ``degraded: true``."""
    lines = [f"id: {sid}", f"name: Service {sid.upper()}", "owner: jdoe", "team: infra"]
    if deps:
        lines.append("depends_on:")
        for dep in deps:
            kind, _, rid = dep.lstrip("~").partition(":")
            lines.append(f"  - {kind}: {rid}")
            if dep.startswith("~"):
                lines.append("    degraded: true")
    lines += ["bia:", "  mtpd: 2w", f"  rto: {rto}", "  rpo: 1d"]
    if recovery is not None:
        lines += ["continuity:", f"  recovery_time: {recovery}"]
    return "\n".join(lines) + "\n" + extra


def dataset(check: CheckFn, services: dict[str, str], more: dict[str, str | None] | None = None) -> Dataset:
    files: dict[str, str | bytes | None] = {**NO_FIXTURE_SERVICES}
    files.update({f"services/{sid}.yaml": text for sid, text in services.items()})
    files.update(more or {})
    result = check(files)
    assert result.errors == [], [p.format() for p in result.errors]
    assert result.dataset is not None
    return result.dataset


def names(impacts: tuple[analysis.Impact, ...] | list[analysis.Impact]) -> list[str]:
    return [i.service for i in impacts]


def by_id(result: WhatIf) -> dict[str, analysis.Impact]:
    return {i.service: i for i in (*result.disrupted, *result.degraded)}


def hours(count: float) -> Duration:
    return Duration(int(count * 60))


# --- small graphs, by hand -----------------------------------------------------------------------


def test_chain_from_a_site(check: CheckFn) -> None:
    # a needs the London site; b needs a; c needs b.
    data = dataset(
        check,
        {
            "a": service("a", ("site:dc-london",), recovery="1h", rto="2h"),
            "b": service("b", ("service:a",), recovery="2h", rto="4h"),
            "c": service("c", ("service:b",), recovery="3h", rto="4h"),
        },
    )
    assert analysis.recovery_waves(data) == [["a"], ["b"], ["c"]]
    result = analysis.whatif(data, ["site:dc-london"])
    assert result.lost == (("site", "dc-london"),)
    assert names(result.disrupted) == ["a", "b", "c"]  # by RTO, then tier, then id
    assert result.degraded == ()
    found = by_id(result)
    assert [found[s].estimate for s in "abc"] == [hours(1), hours(3), hours(6)]
    assert [found[s].meets_rto for s in "abc"] == [True, True, False]
    assert [found[s].wave for s in "abc"] == [1, 2, 3]
    assert found["a"].via == ("site", "dc-london")
    assert found["c"].via == ("service", "b")
    assert names(result.first_wave) == ["a"]
    assert result.longest is not None and result.longest.service == "c"
    # All three are tier 1 (max_rto 4h); only c's estimate misses its RTO.
    assert names(result.first_tier_missing) == ["c"]
    # The critical path: c, then what sets its estimate, down to the first to recover.
    path = analysis.critical_path(data, "c")
    assert [(p.service, p.recovery_time, p.cumulative) for p in path] == [
        ("c", hours(3), hours(6)),
        ("b", hours(2), hours(3)),
        ("a", hours(1), hours(1)),
    ]


def test_diamond(check: CheckFn) -> None:
    # top needs left and right; both need base. The slower side (right) sets the estimate.
    data = dataset(
        check,
        {
            "base": service("base", ("vendor:acme-cloud",), recovery="1h", rto="4h"),
            "left": service("left", ("service:base",), recovery="2h", rto="1d"),
            "right": service("right", ("service:base",), recovery="4h", rto="8h"),
            "top": service("top", ("service:left", "service:right"), recovery="1h", rto="1d"),
        },
    )
    # Within a wave: tier (right is tier 2, left tier 2 too), then RTO (8h before 1d).
    assert analysis.recovery_waves(data) == [["base"], ["right", "left"], ["top"]]
    assert [p.service for p in analysis.critical_path(data, "top")] == ["top", "right", "base"]
    assert data.facts["top"].estimate == hours(6)
    result = analysis.whatif(data, [("vendor", "acme-cloud")])
    found = by_id(result)
    assert names(result.disrupted) == ["base", "right", "left", "top"]
    assert found["top"].estimate == hours(6) and found["top"].wave == 3
    # Losing only the right side: top's estimate counts only what is disrupted.
    result = analysis.whatif(data, ["service:right"])
    assert names(result.disrupted) == ["right", "top"]
    found = by_id(result)
    assert found["right"].lost_itself and found["right"].via is None
    assert found["right"].estimate == hours(4)  # base is not disrupted: it adds nothing
    assert found["top"].estimate == hours(5)
    assert names(result.first_wave) == ["right"]


def test_degraded_links(check: CheckFn) -> None:
    data = dataset(
        check,
        {
            "a": service("a", ("site:dc-london",)),
            # x runs worse without a; ya cannot run without x, so it runs worse too.
            "x": service("x", ("~service:a",)),
            "ya": service("ya", ("service:x",)),
            # z runs worse without a but cannot run without b, which a's loss stops.
            "b": service("b", ("service:a",)),
            "z": service("z", ("~service:a", "service:b")),
            # w runs worse without the site itself.
            "w": service("w", ("~site:dc-london",)),
            # v is untouched: it only names the site as an asset's place and as its alternate site.
            "v": service(
                "v",
                (),
                extra="assets:\n  - name: v-db\n    kind: database\n    site: dc-london\n",
            ).replace("continuity:\n", "continuity:\n  alternate_site: dc-london\n"),
        },
    )
    result = analysis.whatif(data, ["site:dc-london"])
    assert sorted(names(result.disrupted)) == ["a", "b", "z"]
    assert sorted(names(result.degraded)) == ["w", "x", "ya"]
    found = by_id(result)
    assert found["x"].via == ("service", "a") and found["ya"].via == ("service", "x")
    assert found["w"].via == ("site", "dc-london")
    # A degraded service keeps running: no estimate and no judgement in the scenario.
    assert found["x"].estimate is None and found["x"].meets_rto is None
    assert found["x"].wave == 0
    # The recovery waves ignore degraded links: x and w need no service.
    waves = analysis.recovery_waves(data)
    assert waves[0] == ["a", "v", "w", "x"]
    assert set(waves[1]) == {"b", "ya"}


def test_unknown_estimates(check: CheckFn) -> None:
    data = dataset(
        check,
        {
            "a": service("a", ("site:dc-london",)),
            "u": service("u", ("service:a",), recovery=None),
            "top": service("top", ("service:u",), recovery="1h"),
            "other": service("other", ("service:a",), recovery="2h"),
        },
    )
    result = analysis.whatif(data, ["site:dc-london"])
    found = by_id(result)
    assert found["u"].estimate is None and found["u"].unknown_because == "u"
    assert found["top"].estimate is None and found["top"].unknown_because == "u"
    assert found["top"].meets_rto is None
    assert found["other"].estimate == hours(3)
    assert names(result.unknown) == ["top", "u"]
    assert result.longest is not None and result.longest.service == "other"
    assert analysis.critical_path(data, "top")[-1].service == "u"
    assert analysis.critical_path(data, "top")[-1].recovery_time is None


def test_a_lost_vendor_through_two_services(check: CheckFn) -> None:
    data = dataset(
        check,
        {
            "s1": service("s1", ("vendor:acme-cloud",), recovery="30m", rto="4h"),
            "s2": service("s2", ("service:s1",), recovery="1h", rto="4h"),
            "s3": service("s3", ("service:s2",), recovery="2h", rto="4h"),
            "free": service("free", ()),
        },
    )
    result = analysis.whatif(data, ["vendor:acme-cloud"])
    assert names(result.disrupted) == ["s1", "s2", "s3"]
    found = by_id(result)
    assert found["s3"].via == ("service", "s2")
    assert found["s3"].estimate == Duration(3 * 60 + 30)
    assert found["s3"].meets_rto is True
    # Each names the supplier lines to call: s1 depends on Acme Cloud.
    assert found["s1"].vendors == ("acme-cloud",) and found["s3"].vendors == ()


def test_site_loss_flags_an_alternate_site_that_is_lost_too(check: CheckFn) -> None:
    alt = "continuity:\n  alternate_site: dc-manchester\n  recovery_time"
    data = dataset(
        check,
        {
            "a": service("a", ("site:dc-london",)).replace("continuity:\n  recovery_time", alt),
            "b": service("b", ("site:dc-manchester",)),
        },
    )
    one = by_id(analysis.whatif(data, ["site:dc-london"]))
    assert one["a"].alternate_site == "dc-manchester" and not one["a"].alternate_site_lost
    both = analysis.whatif(data, ["site:dc-london", "site:dc-manchester", "site:dc-london"])
    assert both.lost == (("site", "dc-london"), ("site", "dc-manchester"))  # each once
    assert by_id(both)["a"].alternate_site_lost
    assert names(both.first_wave) == ["a", "b"]


def test_references_name_the_nearest_known_one(check: CheckFn) -> None:
    data = dataset(check, {"payroll": service("payroll", ())})
    assert analysis.parse_reference(data, "site:dc-london") == ("site", "dc-london")
    cases = {
        "site:dc-londn": "no site 'dc-londn' (did you mean 'dc-london'?)",
        "sit:dc-london": "no kind 'sit' (did you mean 'site'?)",
        "dc-london": "(did you mean 'site:dc-london'?)",
        "vendor:payroll": "(did you mean 'service:payroll'?)",
        "service:zzz": "no service 'zzz' (known: payroll)",
    }
    for text, expected in cases.items():
        with pytest.raises(UnknownReference) as caught:
            analysis.parse_reference(data, text)
        assert expected in str(caught.value), (text, str(caught.value))
    with pytest.raises(UnknownReference, match="no scenario 'los' \\(the data has none\\)"):
        analysis.scenario_lost(data, "los")


def test_gaps(check: CheckFn) -> None:
    exercise = """\
        id: 2026-05-failover
        title: Failover
        date: 2026-05-14
        kind: walkthrough
        services: [timed, untimed]
        outcome: passed
        achieved: {timed: 5h}
        """
    later = exercise.replace("2026-05-failover", "2026-06-failover").replace("2026-05-14", "2026-06-14")
    later = later.replace("{timed: 5h}", "{timed: 3h}")
    backups = "backups:\n  - name: db\n    frequency: 4h\n  - name: logs\n    frequency: 1h\n"
    data = dataset(
        check,
        {
            "timed": service("timed", (), rto="4h", recovery="2h", extra=backups),
            "untimed": service("untimed", (), rto="4h", recovery="6h"),
            "never": service("never", (), rto="1d", recovery=None),
            "slow": service("slow", ("vendor:acme-cloud",), rto="1h"),
            "relaxed": service("relaxed", ("vendor:acme-cloud",), rto="1d"),
            "lenient": service("lenient", ("~vendor:acme-cloud",), rto="30m"),
        },
        {
            "exercises/2026-05-failover.yaml": exercise,
            "exercises/2026-06-failover.yaml": later,
            "evidence/backups.csv": (
                "service,backup,finished_at,status\n"
                "timed,db,2026-11-25T06:00:00Z,success\n"
                "timed,logs,2026-11-25T11:30:00Z,failed\n"
                "timed,logs,2026-11-25T10:00:00Z,success\n"
            ),
        },
    )
    gaps = {g.service: g for g in analysis.service_gaps(data)}
    timed = gaps["timed"]
    assert (timed.achieved, timed.achieved_in, timed.achieved_status) == (hours(3), "2026-06-failover", "met")
    assert timed.best_frequency == hours(1) and timed.frequency_status == "met"
    assert timed.backup_age == hours(2) and timed.backup_status == "met"  # the logs backup, 10:00
    assert gaps["untimed"].exercised and gaps["untimed"].achieved_status == "unverified"
    assert gaps["untimed"].estimate_status == "missed"
    never = gaps["never"]
    assert not never.exercised and never.achieved_status == "unverified"  # never "met"
    assert never.estimate_status == "unknown" and never.frequency_status == "unknown"
    assert never.backup_status == "unknown"
    # Most critical tier first, then RTO.
    assert [g.service for g in analysis.service_gaps(data)][:2] == ["lenient", "slow"]
    vendor = analysis.vendor_gaps(data)[0]
    assert vendor.vendor == "acme-cloud" and vendor.recovery_time == hours(2)
    # The degraded link does not count: lenient runs without the supplier.
    assert [(n.service, n.status) for n in vendor.needs] == [("slow", "missed"), ("relaxed", "met")]
    assert vendor.status == "missed"


def test_backups_without_an_evidence_file_are_unverified(check: CheckFn) -> None:
    backups = "backups:\n  - name: db\n    frequency: 4h\n"
    data = dataset(check, {"a": service("a", (), extra=backups)})
    assert analysis.service_gap(data, "a").backup_status == "unverified"


# --- properties of the example and of a synthetic data set ---------------------------------------


@pytest.fixture(scope="module")
def example() -> Dataset:
    result = run_check(REPO / "data", NOW)
    assert result.dataset is not None
    return result.dataset


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    root = tmp_path_factory.mktemp("analysis") / "data"
    generate(root, 300, seed=3)
    result = run_check(root, NOW)
    assert result.dataset is not None, [p.format() for p in result.errors][:5]
    return result.dataset


def assert_order_holds(data: Dataset) -> None:
    waves = analysis.recovery_waves(data)
    position = {sid: n for n, wave in enumerate(waves) for sid in wave}
    assert sorted(position) == sorted(data.services)  # every service, once
    assert sum(len(w) for w in waves) == len(data.services)
    for sid, s in data.services.items():
        hard = [d.service for d in s.depends_on if d.service and not d.degraded]
        # Every service comes after every service it needs, and right after the latest of them.
        assert all(position[d] < position[sid] for d in hard), sid
        assert position[sid] == max((position[d] + 1 for d in hard), default=0), sid
    for wave in waves:
        keys = [(data.facts[s].tier.tier, data.services[s].bia.rto, s) for s in wave]
        assert keys == sorted(keys)


def assert_whatif_rules_hold(data: Dataset, result: WhatIf) -> None:
    """The spec's rules, checked link by link: nothing reached is left out, nothing else is in."""
    lost = set(result.lost)
    disrupted = {i.service for i in result.disrupted}
    degraded = {i.service for i in result.degraded}
    assert not disrupted & degraded
    for sid, s in data.services.items():
        refs = [((d.kind, d.id), d.degraded) for d in s.depends_on]
        hard_hit = any(
            not deg and (ref in lost or (ref[0] == "service" and ref[1] in disrupted)) for ref, deg in refs
        )
        soft_hit = any(
            ref in lost or (ref[0] == "service" and (ref[1] in disrupted or ref[1] in degraded))
            for ref, _ in refs
        )
        if ("service", sid) in lost:
            assert sid in disrupted
        elif hard_hit:
            assert sid in disrupted, sid
        elif soft_hit:
            assert sid in degraded, sid
        else:
            assert sid not in disrupted and sid not in degraded, sid
    for impact in result.disrupted:
        if impact.estimate is not None:
            assert impact.meets_rto == (impact.estimate <= impact.rto)
    keys = [(i.rto, i.tier, i.service) for i in result.disrupted]
    assert keys == sorted(keys)


def test_order_puts_every_service_after_all_it_needs_example(example: Dataset) -> None:
    assert_order_holds(example)


def test_order_puts_every_service_after_all_it_needs_synthetic(synthetic: Dataset) -> None:
    assert_order_holds(synthetic)


def test_every_whatif_follows_the_rules(example: Dataset, synthetic: Dataset) -> None:
    for data in (example, synthetic):
        found = analysis.all_whatifs(data)
        assert len(found) == len(data.scenarios) + len(data.sites) + len(data.vendors)
        for result in found.values():
            assert_whatif_rules_hold(data, result)
        # A synthetic site loses something, so the rules were exercised on a real cascade.
        assert any(len(r.disrupted) > 3 for r in found.values())


def test_example_whatif_of_the_primary_data_centre(example: Dataset) -> None:
    result = analysis.whatif(example, ["site:dc-trafford-park"])
    assert names(result.first_wave) == ["core-network"]
    assert "customer-portal" in names(result.degraded)
    # The scenario that loses the site gives the same answer.
    scenario = analysis.whatif(example, analysis.scenario_lost(example, "loss-of-trafford-park"))
    assert names(scenario.disrupted) == names(result.disrupted)


# --- the command line ----------------------------------------------------------------------------


@pytest.fixture
def pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", conftest.SOURCE_DATE_EPOCH)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_whatif_json_has_the_documented_shape(
    data_dir: Path, capsys: pytest.CaptureFixture[str], pinned: None
) -> None:
    code, out, err = run(capsys, "whatif", "--lose", "site:dc-london", "--format", "json", str(data_dir))
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "lost": ["site:dc-london"],
        "disrupted": [
            {"service": "network", "tier": 1, "rto": "2h", "estimated_recovery": "1h", "meets_rto": True},
            # Payroll needs the network: 6h of its own plus 1h.
            {"service": "payroll", "tier": 2, "rto": "1d", "estimated_recovery": "7h", "meets_rto": True},
        ],
        "degraded": [],
    }


def test_whatif_json_gives_null_for_unknown(
    data_dir: Path, capsys: pytest.CaptureFixture[str], pinned: None
) -> None:
    payroll = data_dir / "services" / "payroll.yaml"
    payroll.write_text(payroll.read_text(encoding="utf-8").replace("  recovery_time: 6h\n", ""), "utf-8")
    code, out, _ = run(capsys, "whatif", "--lose", "vendor:acme-cloud", "--format", "json", str(data_dir))
    assert code == 0
    assert json.loads(out)["disrupted"] == [
        {"service": "payroll", "tier": 2, "rto": "1d", "estimated_recovery": None, "meets_rto": None}
    ]


def test_whatif_runs_a_scenario_and_prints_text(
    data_dir: Path, capsys: pytest.CaptureFixture[str], pinned: None
) -> None:
    code, out, err = run(capsys, "whatif", "--scenario", "loss-of-london", str(data_dir))
    assert (code, err) == (0, "")
    assert out.startswith(
        "What if we lose site:dc-london (London data centre)\n"
        "Scenario loss-of-london: Loss of the London data centre\n"
    )
    assert "2 disrupted, 0 degraded." in out
    assert "Recover first: network." in out
    assert "Longest estimated recovery: payroll, 7h." in out
    assert "dc-manchester" in out  # payroll's alternate site
    code, out_json, _ = run(
        capsys, "whatif", "--scenario", "loss-of-london", "--format", "json", str(data_dir)
    )
    assert json.loads(out_json)["lost"] == ["site:dc-london"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--lose", "site:dc-londn"], "no site 'dc-londn' (did you mean 'dc-london'?)"),
        (["--lose", "vendr:acme-cloud"], "no kind 'vendr' (did you mean 'vendor'?)"),
        (["--lose", "payrol"], "(did you mean 'service:payroll'?)"),
        (["--scenario", "loss-of-londn"], "no scenario 'loss-of-londn' (did you mean 'loss-of-london'?)"),
        ([], "name what is lost: --lose KIND:ID or --scenario ID"),
    ],
)
def test_whatif_usage_errors_exit_2_with_a_suggestion(
    data_dir: Path, capsys: pytest.CaptureFixture[str], pinned: None, argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, "whatif", *argv, str(data_dir))
    assert code == 2
    assert out == ""
    assert err.startswith("handbook whatif: error: ") and message in err


def test_whatif_and_order_on_data_with_errors_exit_1(
    data_dir: Path, capsys: pytest.CaptureFixture[str], pinned: None
) -> None:
    payroll = data_dir / "services" / "payroll.yaml"
    payroll.write_text(payroll.read_text(encoding="utf-8").replace("rto: 1d", "rto: 1 day"), "utf-8")
    for argv in (["whatif", "--lose", "site:dc-london"], ["order"]):
        code, out, err = run(capsys, *argv, str(data_dir))
        assert code == 1 and out == ""
        assert "payroll.yaml" in err and "error: bia.rto" in err
        assert "run 'handbook check' and fix them first" in err
    code, _, err = run(capsys, "order", str(data_dir / "missing"))
    assert code == 2 and "is not a folder" in err


def test_order_json_and_text(data_dir: Path, capsys: pytest.CaptureFixture[str], pinned: None) -> None:
    code, out, err = run(capsys, "order", "--format", "json", str(data_dir))
    assert (code, err) == (0, "")
    assert json.loads(out) == {"waves": [["network"], ["payroll"]]}
    code, out, _ = run(capsys, "order", str(data_dir))
    assert code == 0
    assert "Recovery order: 2 services in 2 waves" in out
    assert out.index("Wave 1") < out.index("network") < out.index("Wave 2") < out.index("payroll")


# --- the pages -----------------------------------------------------------------------------------


def test_analysis_pages_and_their_links(check: CheckFn) -> None:
    result = check()
    assert result.dataset is not None
    data = result.dataset
    pages = {p.path: p for p in analysis_pages.pages(data)}
    expected = {paths.ORDER, paths.GAPS, paths.WHATIFS}
    expected |= {paths.whatif("site", s) for s in data.sites}
    expected |= {paths.whatif("vendor", v) for v in data.vendors}
    expected |= {paths.whatif("scenario", s) for s in data.scenarios}
    assert set(pages) == expected
    london = pages["whatif/site-dc-london.md"].content
    # Left out of search (each service has its own page there), then the title.
    assert london.startswith("---\nsearch:\n  exclude: true\n---\n# What if we lose London data centre\n")
    # Disrupted before degraded; each service linked to its recovery page; the status in words.
    assert london.index("## Disrupted services") < london.index("## Degraded services")
    assert '<a href="../services/network.html">Core network</a>' in london
    assert "meets RTO" in london
    # The long tables are raw HTML, linking to the built pages.
    assert '<a href="../services/payroll.html">Payroll</a>' in london
    # Who to call, with tel: links, each party once with what it recovers and what it owns; and
    # the supplier line involved.
    jane = (
        '<a href="../contacts.html#jdoe">Jane Doe</a> · <a href="tel:+442079460001">&#43;44 20 7946 0001</a>'
    )
    assert f"<tr><td>{jane}</td><td>—</td><td>" in london
    acme = '<a href="../vendors/acme-cloud.html">Acme Cloud</a></td>'
    acme += '<td><a href="tel:+15550100">&#43;1 555 0100</a>'
    assert acme in london
    assert '<a href="../sites/dc-manchester.html">Manchester data centre</a>' in london  # alternate site
    scenario = pages["whatif/scenario-loss-of-london.md"]
    assert scenario.source == data.root / "scenarios" / "loss-of-london.yaml"
    order = pages[paths.ORDER].content
    assert "## Wave 1 { #wave-1 }" in order and "## Critical paths" in order
    # Payroll's critical path, first to recover first, each link with its own time.
    path = '<a href="../services/network.html">Core network</a> 1h (back at 1h) → '
    assert f'{path}<a href="../services/payroll.html">Payroll</a> 6h (back at 7h)' in order
    gaps = pages[paths.GAPS].content
    assert "unverified" in gaps or "met" in gaps
    index = pages[paths.WHATIFS].content
    assert "(site-dc-london.md)" in index and "(vendor-acme-cloud.md)" in index


def test_site_vendor_and_scenario_pages_link_to_their_whatif(check: CheckFn) -> None:
    result = check()
    assert result.dataset is not None
    pages = {p.path: p.content for p in places.pages(result.dataset, result.warnings)}
    assert 'href="../whatif/site-dc-london.html"' in pages["sites/dc-london.md"]
    assert 'href="../whatif/vendor-acme-cloud.html"' in pages["vendors/acme-cloud.md"]
    assert 'href="../whatif/scenario-loss-of-london.html"' in pages["scenarios/loss-of-london.md"]


def test_analysis_is_fast_at_scale(synthetic: Dataset) -> None:
    # 300 services here; the benchmark measures 1,000 (docs/performance.md). A loose bound that
    # only catches a quadratic slip, not the machine's mood.
    start = time.perf_counter()
    found = analysis.analyse(synthetic)
    elapsed = time.perf_counter() - start
    assert len(found.whatifs) == len(synthetic.scenarios) + len(synthetic.sites) + len(synthetic.vendors)
    assert elapsed < 5
