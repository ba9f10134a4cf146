"""benchmarks/bench_all.py's arithmetic on made-up figures: the build log it parses, the ratios,
the met / missed judgements and the tables. No build runs here."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_all.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_all", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_all"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


bench = _load()


def log(*phases: tuple[str, float], paper: int | None = None) -> str:
    """A build log as MkDocs prints the hooks' lines."""
    lines = ["INFO    -  Cleaning site directory", "INFO    -  handbook: checked data in 0.40 s: 50 services"]
    for name, seconds in phases:
        lines += [f"INFO    -  handbook: {name} ...", f"INFO    -  handbook: {name} done in {seconds:.2f} s"]
    if paper is not None:
        lines.append(f"INFO    -  handbook: PDF: {paper} pages of paper, 103 pages of the site")
    lines.append("INFO    -  Documentation built in 80.00 seconds")
    return "\n".join(lines) + "\n"


def run(seconds: float, peak_mb: float = 0.0, text: str = "") -> object:
    return bench.Run(seconds, peak_mb, text)


COMPLETE_LOG = log(
    ("PDF parts (3, 2 at a time)", 40.0),
    ("PDF contents and page numbers", 5.0),
    ("PDF joining", 1.0),
    ("checksums", 0.5),
    ("zip", 2.0),
    paper=346,
)


def test_the_log_phases_and_the_pdf_phase() -> None:
    phases = bench.log_phases(COMPLETE_LOG)
    assert phases == {
        "PDF parts (3, 2 at a time)": 40.0,
        "PDF contents and page numbers": 5.0,
        "PDF joining": 1.0,
        "checksums": 0.5,
        "zip": 2.0,
    }
    assert bench.pdf_seconds(phases) == pytest.approx(46.0)  # the phases named PDF..., not the zip's
    assert bench.paper_pages(COMPLETE_LOG) == 346
    # A phase named just "PDF" encloses the others: it is the PDF phase alone.
    assert bench.pdf_seconds({"PDF": 50.0, "PDF layout": 30.0, "PDF write": 15.0}) == 50.0
    assert bench.pdf_seconds(bench.log_phases(log(("zip", 2.0)))) is None
    assert bench.paper_pages(log()) is None
    # Counts in parentheses do not make a phase of their own in the table.
    assert bench.phase_key("PDF parts (12, 2 at a time)") == bench.phase_key("PDF parts (3, 2 at a time)")
    assert bench.phase_key("PDF joining") == "PDF joining"


def test_runs_at() -> None:
    assert bench.parse_runs_at(["1000=1"]) == {1000: 1}
    assert bench.parse_runs_at(["50=5,200=2", "1000=1"]) == {50: 5, 200: 2, 1000: 1}
    for wrong in ("1000", "1000=0", "n=1", "1000=x"):
        with pytest.raises(ValueError, match="SERVICES=RUNS"):
            bench.parse_runs_at([wrong])
    with pytest.raises(ValueError, match="--pdf-runs-at '1000=0'"):
        bench.parse_runs_at(["1000=0"], "--pdf-runs-at")


def at_200() -> object:
    result = bench.SizeResult(200, runs=3, pages=257)
    result.site = [run(12.5, 100), run(30.0, 120), run(12.0, 90)]  # median 12.5
    result.floor = [run(10.0, 60), run(9.0, 60), run(11.0, 70)]  # median 10.0
    result.complete = [run(100.0, 1000, COMPLETE_LOG), run(90.0, 800, COMPLETE_LOG), run(120.0, 900)]
    result.pdf_floor = [run(40.0, 3000), run(41.0, 3100), run(39.0, 2900)]  # median 40.0
    result.plugin = [run(250.0, 900)]  # 2.5 times our median of 100 s, less memory than our 1,000 MB
    result.serve = [4.0, 6.0, 5.5]  # median 5.5
    result.command = [0.8, 0.7, 0.9]
    return result


def at_1000() -> object:
    result = bench.SizeResult(1000, runs=1, pages=1169)
    result.site = [run(14.9, 300)]
    result.floor = [run(11.0, 150)]  # 1.35x
    result.site_mb = 60.0  # the target is under 60 MB
    result.complete = [run(400.0, 2600, log(("PDF parts (12, 2 at a time)", 300.0), paper=6000))]
    result.command = [2.9]
    return result


def verdicts(results: list[object]) -> dict[tuple[str, int], tuple[str, str]]:
    return {(v.target, v.services): (v.measured, v.verdict) for v in bench.judge(results)}


def test_ratios_are_of_medians() -> None:
    result = at_200()
    assert result.site_ratio == pytest.approx(1.25)
    assert result.pdf_seconds == pytest.approx(46.0)  # the third run logged no PDF phase
    assert result.pdf_ratio == pytest.approx(1.15)
    assert result.plugin_time_ratio == pytest.approx(2.5)
    assert result.complete_peak_mb == 1000  # the largest run, not the median
    assert result.plugin_memory_ratio == pytest.approx(0.9)


def test_targets_met_and_missed() -> None:
    found = verdicts([at_200(), at_1000()])
    assert found[("site build ≤ 1.25x site floor", 200)] == ("1.25x (12.50 s / 10.00 s)", bench.MET)
    assert found[("site build ≤ 1.25x site floor", 1000)][1] == bench.MISSED
    assert found[("site build < 15 s", 1000)] == ("14.90 s", bench.MET)
    assert found[("site/ < 60 MB", 1000)] == ("60.0 MB", bench.MISSED)
    assert found[("PDF phase ≤ 1.15x PDF floor", 200)] == ("1.15x (46.00 s / 40.00 s)", bench.MET)
    assert found[("PDF phase ≤ 1.15x PDF floor", 1000)] == ("-", bench.NOT_MEASURED)  # no floor there
    assert found[("plugin ≥ 2.5x slower than our complete build", 200)] == (
        "2.50x (250.0 s / 100.0 s)",
        bench.MET,
    )
    assert found[("plugin's peak memory > our complete build's", 200)][1] == bench.MISSED
    assert found[("complete build's peak memory < 2.5 GB", 1000)] == ("2,600 MB", bench.MISSED)
    assert found[("`handbook check` < 3 s", 1000)] == ("2.90 s", bench.MET)
    assert found[("serve rebuild < 5 s", 200)] == ("5.50 s", bench.MISSED)


def test_a_slower_site_misses_and_sizes_not_run_are_not_measured() -> None:
    result = at_200()
    result.site = [run(12.6), run(12.6), run(12.6)]
    result.plugin = [run(240.0, 1100)]
    found = verdicts([result])
    assert found[("site build ≤ 1.25x site floor", 200)][1] == bench.MISSED
    assert found[("plugin ≥ 2.5x slower than our complete build", 200)][1] == bench.MISSED
    assert found[("plugin's peak memory > our complete build's", 200)][1] == bench.MET
    assert found[("site build < 15 s", 1000)] == ("-", bench.NOT_MEASURED)
    assert found[("complete build's peak memory < 2.5 GB", 1000)] == ("-", bench.NOT_MEASURED)
    assert found[("`handbook check` < 3 s", 1000)] == ("-", bench.NOT_MEASURED)


def test_the_tables() -> None:
    results = [at_200(), at_1000()]
    table = bench.phases_table(results)
    rows = {line.split(" | ")[0].lstrip("| "): line for line in table.splitlines()}
    assert rows["**site build / site floor**"].endswith("| 1.25x | 1.35x |")
    assert rows["**our PDF phase / PDF floor**"].endswith("| 1.15x | - |")
    assert rows["- PDF phase (log: PDF…)"].endswith("| 46.00 s | 300.0 s |")
    # One row for the parts phase at both sizes, whatever counts its name carries.
    assert rows["- PDF parts (log)"].endswith("| 40.00 s | 300.0 s |")
    assert rows["- pages of paper"].endswith("| 346 | 6,000 |")
    # --pdf-runs-at: three runs of the cheap phases, one complete build.
    fewer = at_1000()
    fewer.runs = 3
    table_fewer = bench.phases_table([fewer]).splitlines()
    rows_fewer = {line.split(" | ")[0].lstrip("| "): line for line in table_fewer}
    assert rows_fewer["timed runs"].endswith("| 3 |")
    assert rows_fewer["- of the complete build and the PDF floor"].endswith("| 1 |")
    assert rows["**plugin / our complete build, time**"].endswith("| 2.50x | - |")
    assert all(line.count("|") == 4 for line in table.splitlines())
    assert bench.secs(1321.84) == "1,321.8 s" and bench.secs(12.345) == "12.35 s"
    targets = bench.targets_table(bench.judge(results))
    assert "| site/ < 60 MB | 1,000 | 60.0 MB | **missed** |" in targets
    assert "| `handbook check` < 3 s | 1,000 | 2.90 s | met |" in targets
    results[1].errors.append("PDF floor failed: worker exited with 1:\nTraceback\nMemoryError")
    text = bench.report(results, "bench_all.py --services 200 1000", ["Machine: test"], [("before", 0.4)])
    assert "Command: `bench_all.py --services 200 1000`" in text and "0.400 s before" in text
    assert "- 1,000 services: PDF floor failed: worker exited with 1:\n\n  ```\n  Traceback\n" in text
