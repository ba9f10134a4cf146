"""Every phase of the handbook's build, timed side by side at 50, 200 and 1,000 services, against its targets.

Not a test: it prints a Markdown report for a human (and writes it with ``--output``). One command
from a fresh clone, after ``scripts/setup``:

    .venv/bin/python benchmarks/bench_all.py --output docs/benchmark-latest.md

For each number of services it generates synthetic data (``handbook.synthetic``, seed 1) in a
temporary project (bench_site.make_project: the data under git, a copy of mkdocs.yml with the hooks,
and the floor project of the same pages as static files) and measures, medians over ``--runs``:

- in this process: load and validate (``run_check``), the analysis (``analysis.analyse``) and page
  generation (``render_pages``, the analysis pages included), each with the package's caches
  emptied first, as in a fresh build;
- ``handbook check`` as a command (bench_check);
- the site: ``mkdocs build`` with the hooks, PDF and zip off, against the floor, plain
  ``mkdocs build`` of the same pages from disk (bench_site);
- the complete build (site, PDF, zip) with the peak memory of its whole process tree, and the
  phases its log times (``handbook: <phase> done in <s> s``; the PDF phase is the sum of the
  phases named "PDF...", or the phase named just "PDF" when there is one);
- the PDF floor: WeasyPrint alone on the build's final print HTML (bench_pdf's workers), up to
  ``--pdf-floor-max`` services;
- the mkdocs-to-pdf plugin's whole build, at ``--plugin-at`` sizes, from a virtual environment of
  its own (made under .bench/ on first use, unless ``--to-pdf-python`` names one);
- the ``mkdocs serve`` rebuild after one edit, PDF off, at ``--serve-at`` sizes (bench_site).

Progress goes to stderr. Memory is in MB of 2**20 bytes (GB: 1,024 MB); a peak is the largest of
the runs. Exit status 1 if any phase failed (the report says which), 0 otherwise, targets met or not.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import hashlib
import importlib.metadata
import json
import os
import pathlib
import pickle
import platform
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_check  # noqa: E402
import bench_pdf  # noqa: E402
import bench_site  # noqa: E402

from handbook import analysis  # noqa: E402
from handbook.check import CheckResult, paused_cyclic_gc, run_check  # noqa: E402
from handbook.dataset import Dataset  # noqa: E402
from handbook.render.common import BuildInfo  # noqa: E402
from handbook.render.pages import render_pages  # noqa: E402

REPO = HERE.parent
NOW = bench_site.NOW
BENCH_PDF = HERE / "bench_pdf.py"

PLUGIN_VENV = REPO / ".bench" / "to-pdf-venv"
PLUGIN_REQUIREMENT = "mkdocs-to-pdf==0.12.1"
# Installed next to the plugin at the versions this process runs, so both builds use the same
# MkDocs, theme and WeasyPrint.
PLUGIN_PINNED = ("mkdocs", "mkdocs-material", "weasyprint")

# Targets (issue 6). Ratios are of medians; memory targets are judged on the largest run.
SITE_RATIO_TARGET = bench_site.RATIO_TARGET  # hooks site build / site floor, at 200 and 1,000
SITE_SECONDS_TARGET = 15.0  # hooks site build at 1,000 services
SITE_MB_TARGET = 60.0  # site/ at 1,000 services
PDF_RATIO_TARGET = bench_pdf.RATIO_TARGET  # our PDF phase / PDF floor
PLUGIN_TARGET = bench_pdf.PLUGIN_TARGET  # plugin whole build / our complete build, at 200
COMPLETE_PEAK_TARGET_MB = 2.5 * 1024  # complete build at 1,000 services, whole process tree
CHECK_TARGET = 3.0  # `handbook check` at 1,000 services
SERVE_TARGET = bench_site.SERVE_TARGET  # serve rebuild at 200 services

MET, MISSED, NOT_MEASURED = "met", "missed", "not measured"

_STARTED = time.monotonic()
T = TypeVar("T")


def progress(message: str) -> None:
    elapsed = time.monotonic() - _STARTED
    print(f"[{elapsed / 60:5.1f} min] {message}", file=sys.stderr, flush=True)


# --- what is measured -------------------------------------------------------------------------


@dataclass
class Run:
    """One measured subprocess."""

    seconds: float
    peak_mb: float = 0.0  # the whole process tree (bench_site.TreeMemory); 0: not measured
    log: str = ""
    own_mb: float = 0.0  # the main process alone (wait4's ru_maxrss), to compare


@dataclass
class SizeResult:
    services: int
    runs: int = 0
    pages: int = 0  # generated pages
    check: list[float] = field(default_factory=list)  # run_check, in process
    analysis: list[float] = field(default_factory=list)  # analysis.analyse, in process
    render: list[float] = field(default_factory=list)  # render_pages, in process
    command: list[float] = field(default_factory=list)  # `handbook check` as a subprocess
    site: list[Run] = field(default_factory=list)  # mkdocs build with hooks, PDF and zip off
    floor: list[Run] = field(default_factory=list)  # plain mkdocs build of the same pages
    site_mb: float | None = None
    complete: list[Run] = field(default_factory=list)  # mkdocs build with PDF and zip
    pdf_mb: float | None = None
    zip_mb: float | None = None
    pdf_floor: list[Run] = field(default_factory=list)  # WeasyPrint alone (its own clock)
    plugin: list[Run] = field(default_factory=list)  # mkdocs build with mkdocs-to-pdf
    serve: list[float] = field(default_factory=list)  # edit saved -> "Reloading browsers"
    notes: list[str] = field(default_factory=list)  # what was skipped, and why
    errors: list[str] = field(default_factory=list)  # what failed

    # Medians (None when not measured) and the ratios the targets are about.

    @property
    def site_seconds(self) -> float | None:
        return median(r.seconds for r in self.site)

    @property
    def floor_seconds(self) -> float | None:
        return median(r.seconds for r in self.floor)

    @property
    def site_ratio(self) -> float | None:
        return ratio(self.site_seconds, self.floor_seconds)

    @property
    def complete_seconds(self) -> float | None:
        return median(r.seconds for r in self.complete)

    @property
    def complete_peak_mb(self) -> float | None:
        return peak(self.complete)

    @property
    def pdf_seconds(self) -> float | None:
        return median(pdf_seconds(log_phases(r.log)) for r in self.complete)

    @property
    def pdf_floor_seconds(self) -> float | None:
        return median(r.seconds for r in self.pdf_floor)

    @property
    def pdf_ratio(self) -> float | None:
        return ratio(self.pdf_seconds, self.pdf_floor_seconds)

    @property
    def plugin_seconds(self) -> float | None:
        return median(r.seconds for r in self.plugin)

    @property
    def plugin_time_ratio(self) -> float | None:
        return ratio(self.plugin_seconds, self.complete_seconds)

    @property
    def plugin_memory_ratio(self) -> float | None:
        return ratio(peak(self.plugin), self.complete_peak_mb)

    @property
    def paper_pages(self) -> int | None:
        found = [n for r in self.complete if (n := paper_pages(r.log)) is not None]
        return found[-1] if found else None


def median(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def peak(runs: Sequence[Run]) -> float | None:
    known = [r.peak_mb for r in runs if r.peak_mb > 0]
    return max(known) if known else None


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


# --- the build log ----------------------------------------------------------------------------

_PHASE = re.compile(r"handbook: (.+?) done in ([0-9]+(?:\.[0-9]+)?) s\b")
_PAPER = re.compile(r"handbook: PDF: ([0-9]+) pages of paper")


def log_phases(log: str) -> dict[str, float]:
    """Seconds of each phase the hooks timed (``handbook: <phase> done in <s> s``), in the order
    first logged; a phase logged more than once is summed."""
    phases: dict[str, float] = {}
    for name, seconds in _PHASE.findall(log):
        phases[name] = phases.get(name, 0.0) + float(seconds)
    return phases


def pdf_seconds(phases: dict[str, float]) -> float | None:
    """The PDF phase: the phase named just "PDF" if there is one (it would enclose the others),
    else the sum of the phases whose name starts with "PDF"; None if none was logged."""
    if "PDF" in phases:
        return phases["PDF"]
    parts = [seconds for name, seconds in phases.items() if name.startswith("PDF")]
    return sum(parts) if parts else None


def paper_pages(log: str) -> int | None:
    found = _PAPER.findall(log)
    return int(found[-1]) if found else None


# --- the report -------------------------------------------------------------------------------


def secs(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:,.1f} s"
    return f"{value:.2f} s" if value >= 1 else f"{value:.3f} s"


def megabytes(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f} MB" if value >= 100 else f"{value:.1f} MB"


def times(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def phase_key(name: str) -> str:
    """A phase's name without the counts it may end with in parentheses ("PDF parts (12, 2 at a
    time)"), so that one row of the table holds it at every size."""
    return re.sub(r"\s*\([^()]*\)$", "", name)


def _by_key(phases: dict[str, float]) -> dict[str, float]:
    keyed: dict[str, float] = {}
    for name, seconds in phases.items():
        keyed[phase_key(name)] = keyed.get(phase_key(name), 0.0) + seconds
    return keyed


def _phase_names(results: Sequence[SizeResult]) -> list[str]:
    names: dict[str, None] = {}
    for result in results:
        for run in result.complete:
            names.update(dict.fromkeys(_by_key(log_phases(run.log))))
    return sorted(names, key=lambda name: not name.startswith("PDF"))  # PDF first, else as logged


def _phase_row(key: str) -> tuple[str, Callable[[SizeResult], str]]:
    return (
        f"- {key} (log)",
        lambda r: secs(median(_by_key(log_phases(run.log)).get(key) for run in r.complete)),
    )


def _hook_work(r: SizeResult) -> str:
    check = median(bench_site.hook_seconds(run.log, "check") for run in r.site)
    render = median(bench_site.hook_seconds(run.log, "render") for run in r.site)
    return f"{secs(check)}, {secs(render)}"


def phase_rows(results: Sequence[SizeResult]) -> list[tuple[str, Callable[[SizeResult], str]]]:
    """The rows of the phase table: a label and how to show one size's figure."""
    rows: list[tuple[str, Callable[[SizeResult], str]]] = [
        ("timed runs", lambda r: str(r.runs)),
        ("- of the complete build and the PDF floor", lambda r: str(len(r.complete))),
        ("generated pages", lambda r: f"{r.pages:,}"),
        ("load and validate (`run_check`, in process)", lambda r: secs(median(r.check))),
        ("analysis (`analysis.analyse`, in process)", lambda r: secs(median(r.analysis))),
        ("page generation (`render_pages`, in process, analysis included)", lambda r: secs(median(r.render))),
        ("`handbook check` (command)", lambda r: secs(median(r.command))),
        ("site build with hooks, PDF and zip off", lambda r: secs(r.site_seconds)),
        ("- of which check, page generation (log)", _hook_work),
        ("- peak memory (process tree)", lambda r: megabytes(peak(r.site))),
        ("- site/", lambda r: megabytes(r.site_mb)),
        ("site floor: plain `mkdocs build` of the same pages", lambda r: secs(r.floor_seconds)),
        ("- peak memory (process tree)", lambda r: megabytes(peak(r.floor))),
        ("**site build / site floor**", lambda r: times(r.site_ratio)),
        ("complete build: site, PDF and zip", lambda r: secs(r.complete_seconds)),
        ("- peak memory (process tree)", lambda r: megabytes(r.complete_peak_mb)),
        ("- PDF phase (log: PDF…)", lambda r: secs(r.pdf_seconds)),
    ]
    rows += [_phase_row(name) for name in _phase_names(results)]
    rows += [
        ("- pages of paper", lambda r: "-" if r.paper_pages is None else f"{r.paper_pages:,}"),
        ("- PDF, zip", lambda r: f"{megabytes(r.pdf_mb)}, {megabytes(r.zip_mb)}"),
        ("PDF floor: WeasyPrint alone on the print HTML", lambda r: secs(r.pdf_floor_seconds)),
        ("- peak memory (process tree)", lambda r: megabytes(peak(r.pdf_floor))),
        ("**our PDF phase / PDF floor**", lambda r: times(r.pdf_ratio)),
        ("mkdocs-to-pdf plugin: whole build", lambda r: secs(r.plugin_seconds)),
        ("- peak memory (process tree)", lambda r: megabytes(peak(r.plugin))),
        ("**plugin / our complete build, time**", lambda r: times(r.plugin_time_ratio)),
        ("**plugin / our complete build, peak memory**", lambda r: times(r.plugin_memory_ratio)),
        ("serve rebuild after one edit (PDF off)", lambda r: secs(median(r.serve))),
    ]
    return rows


def phases_table(results: Sequence[SizeResult]) -> str:
    head = "| phase (median) | " + " | ".join(f"{r.services:,} services" for r in results) + " |"
    lines = [head, "|---|" + "---:|" * len(results)]
    for label, show in phase_rows(results):
        lines.append(f"| {label} | " + " | ".join(show(r) for r in results) + " |")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Verdict:
    target: str
    services: int
    measured: str
    verdict: str  # MET, MISSED or NOT_MEASURED


def judge(results: Sequence[SizeResult]) -> list[Verdict]:
    """Every target with the figure it is judged on and whether it was met."""
    by_size = {r.services: r for r in results}
    verdicts: list[Verdict] = []

    def add(
        target: str,
        services: int,
        value: Callable[[SizeResult], float | None],
        met: Callable[[float], bool],
        show: Callable[[SizeResult, float], str],
    ) -> None:
        result = by_size.get(services)
        found = value(result) if result is not None else None
        if result is None or found is None:
            verdicts.append(Verdict(target, services, "-", NOT_MEASURED))
        else:
            verdicts.append(Verdict(target, services, show(result, found), MET if met(found) else MISSED))

    def site_ratio(r: SizeResult, x: float) -> str:
        return f"{times(x)} ({secs(r.site_seconds)} / {secs(r.floor_seconds)})"

    def pdf_ratio(r: SizeResult, x: float) -> str:
        return f"{times(x)} ({secs(r.pdf_seconds)} / {secs(r.pdf_floor_seconds)})"

    def plugin_time(r: SizeResult, x: float) -> str:
        return f"{times(x)} ({secs(r.plugin_seconds)} / {secs(r.complete_seconds)})"

    def plugin_memory(r: SizeResult, x: float) -> str:
        return f"{times(x)} ({megabytes(peak(r.plugin))} / {megabytes(r.complete_peak_mb)})"

    site_target = f"site build ≤ {SITE_RATIO_TARGET}x site floor"
    for n in (200, 1000):
        add(site_target, n, lambda r: r.site_ratio, lambda x: x <= SITE_RATIO_TARGET, site_ratio)
    site_time = f"site build < {SITE_SECONDS_TARGET:.0f} s"
    add(site_time, 1000, lambda r: r.site_seconds, lambda x: x < SITE_SECONDS_TARGET, lambda r, x: secs(x))
    site_size = f"site/ < {SITE_MB_TARGET:.0f} MB"
    add(site_size, 1000, lambda r: r.site_mb, lambda x: x < SITE_MB_TARGET, lambda r, x: megabytes(x))
    pdf_target = f"PDF phase ≤ {PDF_RATIO_TARGET}x PDF floor"
    for n in sorted(by_size) or [200]:
        add(pdf_target, n, lambda r: r.pdf_ratio, lambda x: x <= PDF_RATIO_TARGET, pdf_ratio)
    slower = f"plugin ≥ {PLUGIN_TARGET}x slower than our complete build"
    add(slower, 200, lambda r: r.plugin_time_ratio, lambda x: x >= PLUGIN_TARGET, plugin_time)
    more = "plugin's peak memory > our complete build's"
    add(more, 200, lambda r: r.plugin_memory_ratio, lambda x: x > 1.0, plugin_memory)
    memory = f"complete build's peak memory < {COMPLETE_PEAK_TARGET_MB / 1024:.1f} GB"
    add(
        memory,
        1000,
        lambda r: r.complete_peak_mb,
        lambda x: x < COMPLETE_PEAK_TARGET_MB,
        lambda r, x: megabytes(x),
    )
    check = f"`handbook check` < {CHECK_TARGET:.0f} s"
    add(check, 1000, lambda r: median(r.command), lambda x: x < CHECK_TARGET, lambda r, x: secs(x))
    serve = f"serve rebuild < {SERVE_TARGET:.0f} s"
    add(serve, 200, lambda r: median(r.serve), lambda x: x < SERVE_TARGET, lambda r, x: secs(x))
    return verdicts


def targets_table(verdicts: Sequence[Verdict]) -> str:
    lines = ["| target | services | measured | verdict |", "|---|---:|---|---|"]
    for v in verdicts:
        shown = f"**{v.verdict}**" if v.verdict == MISSED else v.verdict
        lines.append(f"| {v.target} | {v.services:,} | {v.measured} | {shown} |")
    return "\n".join(lines) + "\n"


def _listed(values: Iterable[float]) -> str:
    return ", ".join(secs(v).removesuffix(" s") for v in values) or "-"


def runs_section(results: Sequence[SizeResult]) -> str:
    """Every run's figure, for judging the spread behind a median."""
    lines: list[str] = []
    for r in results:
        parts = [
            ("run_check", r.check),
            ("analysis", r.analysis),
            ("render_pages", r.render),
            ("handbook check", r.command),
            ("site build", [x.seconds for x in r.site]),
            ("site floor", [x.seconds for x in r.floor]),
            ("complete build", [x.seconds for x in r.complete]),
            (
                "its PDF phase",
                [x for run in r.complete if (x := pdf_seconds(log_phases(run.log))) is not None],
            ),
            ("PDF floor", [x.seconds for x in r.pdf_floor]),
            ("plugin build", [x.seconds for x in r.plugin]),
            ("serve rebuild", r.serve),
        ]
        shown = "; ".join(f"{name} {_listed(values)}" for name, values in parts if values)
        lines.append(f"- {r.services:,} services, seconds: {shown}.")
        memory = [
            ("site build", r.site),
            ("site floor", r.floor),
            ("complete build", r.complete),
            ("PDF floor", r.pdf_floor),
            ("plugin build", r.plugin),
        ]
        peaks = "; ".join(
            f"{name} {', '.join(f'{x.peak_mb:,.0f} ({x.own_mb:,.0f})' for x in runs)}"
            for name, runs in memory
            if runs
        )
        if peaks:
            lines.append(f"  Peak MB of the process tree (of the main process alone): {peaks}.")
    return "\n".join(lines) + "\n"


def report(
    results: Sequence[SizeResult], command: str, facts: Sequence[str], probes: Sequence[tuple[str, float]]
) -> str:
    lines = [
        "# Benchmark of every phase",
        "",
        f"Command: `{command}`",
        "",
        *[f"- {fact}" for fact in facts],
        "- Speed probe (bench_site's 10M-step Python loop; lower is faster; compare tables only next "
        "to it): " + ", ".join(f"{secs(seconds)} {label}" for label, seconds in probes) + ".",
        "",
        "## Phases",
        "",
        phases_table(results),
        "Times are medians of the timed runs; peak memory is the largest run's sum over the build "
        "process and all its descendants (PSS, sampled every 0.2 s). The PDF floor's time is "
        "WeasyPrint's own (after its import), as the PDF phase is in the build's log. The plugin's "
        "build makes no zip; our complete build does.",
        "",
        "## Targets",
        "",
        targets_table(judge(results)),
    ]
    notes = [f"- {r.services:,} services: {note}" for r in results for note in r.notes]
    errors: list[str] = []
    for r in results:
        for error in r.errors:
            head, _, tail = error.partition("\n")
            errors.append(f"- {r.services:,} services: {head}")
            if tail.strip():  # the end of the failed command's log
                errors += ["", "  ```", *(f"  {line}" for line in tail.strip().splitlines()[-20:]), "  ```"]
    if errors:
        lines += ["## Failures", "", *errors, ""]
    if notes:
        lines += ["## Notes", "", *notes, ""]
    lines += ["## Every run", "", runs_section(results)]
    return "\n".join(lines)


# --- options ----------------------------------------------------------------------------------


def parse_runs_at(values: Sequence[str], option: str = "--runs-at") -> dict[int, int]:
    """``--runs-at 1000=1`` (repeatable, or comma-separated): timed runs at one size."""
    runs: dict[int, int] = {}
    for value in values:
        for item in value.split(","):
            size, sep, count = item.strip().partition("=")
            if not sep or not size.strip().isdigit() or not count.strip().isdigit() or int(count) < 1:
                raise ValueError(f"{option} {item!r}: write SERVICES=RUNS, e.g. 1000=1")
            runs[int(size)] = int(count)
    return runs


# --- the machine ------------------------------------------------------------------------------


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _proc_field(path: str, key: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as text:
            for line in text:
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return ""


def machine_facts(plugin_python: pathlib.Path | None) -> list[str]:
    memory = _proc_field("/proc/meminfo", "MemTotal")
    memory_text = f"{int(memory.split()[0]) / 2**20:.1f} GiB" if memory else "unknown"
    cpu = _proc_field("/proc/cpuinfo", "model name") or platform.processor() or "unknown"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "unknown"
    commit = _git("rev-parse", "--short", "HEAD").strip() or "unknown"
    changed = len(_git("status", "--porcelain").splitlines())
    packages = ", ".join(
        f"{name} {_version(name)}"
        for name in ("mkdocs", "mkdocs-material", "weasyprint", "pydyf", "markdown", "jinja2", "pydantic")
    )
    facts = [
        f"Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; repository at {commit}"
        + (f" with {changed} changed file(s)" if changed else ""),
        f"Machine: {os.cpu_count()} cores ({usable} usable), {memory_text}, {cpu}; load average at "
        f"start {load}",
        f"Python {platform.python_version()} ({platform.platform()}); {packages}",
    ]
    inherited = [f"{k}={v}" for k, v in sorted(os.environ.items()) if k.startswith("HANDBOOK_")]
    if inherited:  # the builds see them (but for HANDBOOK_PDF, _BUNDLE and _DIST, set per build)
        facts.append("Environment: " + " ".join(inherited))
    if plugin_python is not None:
        facts.append(f"mkdocs-to-pdf from {plugin_python}: {_plugin_versions(plugin_python)}")
    return facts


def _plugin_versions(python: pathlib.Path) -> str:
    code = (
        "import importlib.metadata as m\n"
        "for n in ('mkdocs-to-pdf', 'mkdocs', 'mkdocs-material', 'weasyprint'):\n"
        "    print(n, m.version(n))\n"
    )
    try:
        out = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "versions unknown"
    return ", ".join(out.split("\n")).strip(", ")


# --- the plugin's environment -----------------------------------------------------------------


def plugin_requirements() -> list[str]:
    return [PLUGIN_REQUIREMENT, *(f"{name}=={_version(name)}" for name in PLUGIN_PINNED)]


def plugin_python(venv: pathlib.Path = PLUGIN_VENV) -> pathlib.Path:
    """The python of a virtual environment with mkdocs-to-pdf and this project (editable), made on
    first use and reused after (a marker records what was installed)."""
    python = venv / "bin" / "python"
    marker = venv / ".bench-installed"
    # The project's dependencies may change: then pip runs again.
    project = hashlib.sha256((REPO / "pyproject.toml").read_bytes()).hexdigest()[:16]
    wanted = " ".join([*plugin_requirements(), "-e", str(REPO), f"(pyproject.toml {project})"])
    if python.exists() and marker.exists() and marker.read_text(encoding="utf-8") == wanted:
        return python
    progress(f"making {venv} with {PLUGIN_REQUIREMENT} and this project (once)")
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, stdout=sys.stderr)
    command = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*command, *plugin_requirements(), "-e", str(REPO)], check=True, stdout=sys.stderr)
    marker.write_text(wanted, encoding="utf-8")
    return python


# --- measuring one size -----------------------------------------------------------------------


def clear_caches() -> None:
    """Empty every functools cache of the handbook package, as a new build process starts."""
    for name, module in list(sys.modules.items()):
        if name == "handbook" or name.startswith("handbook."):
            for value in list(vars(module).values()):
                clear = getattr(value, "cache_clear", None)
                if callable(clear):
                    clear()


def _checked(result: CheckResult) -> Dataset:
    if result.dataset is None:
        raise RuntimeError("the synthetic data does not check clean")
    return result.dataset


def time_in_process(result: SizeResult, data_dir: pathlib.Path, runs: int) -> None:
    """run_check, then render_pages on what it returned (as the hook does), then, from a fresh
    check, the analysis alone; caches emptied before each."""
    commit, dirty = bench_site._git_commit(data_dir)
    for _ in range(runs):
        clear_caches()
        gc.collect()
        start = time.perf_counter()
        checked = run_check(data_dir, NOW)
        result.check.append(time.perf_counter() - start)
        dataset = _checked(checked)
        info = BuildInfo(dataset.now, commit, dirty)
        gc.collect()
        start = time.perf_counter()
        with paused_cyclic_gc():  # as the hook does
            render_pages(dataset, checked.problems, info)
        result.render.append(time.perf_counter() - start)
        del checked, dataset
        clear_caches()
        dataset = _checked(run_check(data_dir, NOW))
        gc.collect()
        start = time.perf_counter()
        with paused_cyclic_gc():
            analysis.analyse(dataset)
        result.analysis.append(time.perf_counter() - start)
        del dataset
    gc.collect()


def _measured(build: bench_site.Build, what: str) -> Run:
    if build.returncode != 0:
        raise RuntimeError(f"{what} exited with {build.returncode}:\n{build.log[-2000:]}")
    return Run(build.seconds, build.tree_peak_mb, build.log, build.peak_mb)


def _complete_env(dist: pathlib.Path) -> dict[str, str]:
    env = bench_site._env()
    env.update(HANDBOOK_PDF="true", HANDBOOK_BUNDLE="true", HANDBOOK_DIST=str(dist))
    return env


def _size_mb(folder: pathlib.Path, pattern: str) -> float | None:
    found = sorted(folder.glob(pattern))
    return found[-1].stat().st_size / 2**20 if found else None


def capture_print_html(config: pathlib.Path, tmp: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path]:
    """A build as the complete one (PDF and zip on) that saves the print HTML instead of laying it
    out (bench_pdf's capture worker); returns the HTML and the copy of the site it refers to."""
    state, html = tmp / "pdf-state.pickle", tmp / "print.html"
    command = [sys.executable, str(BENCH_PDF), "--worker", "capture-html", str(config), str(state), str(html)]
    _measured(
        bench_site.run_command(command, _complete_env(tmp / "dist-capture"), tmp / "capture.log"), "capture"
    )
    site, _, _ = pickle.loads(state.read_bytes())
    return html, pathlib.Path(site)


def pdf_floor(html: pathlib.Path, site: pathlib.Path, tmp: pathlib.Path) -> Run:
    """bench_pdf's floor worker: WeasyPrint alone renders and writes the print HTML. Its time is the
    worker's own (after importing WeasyPrint); its memory the whole process."""
    command = [
        sys.executable,
        str(BENCH_PDF),
        "--worker",
        "floor",
        str(html),
        str(site),
        str(tmp / "floor.pdf"),
    ]
    run = _measured(bench_site.run_command(command, bench_site._env(), tmp / "pdf-floor.log"), "PDF floor")
    reported = next(line for line in reversed(run.log.splitlines()) if line.startswith("{"))
    return Run(float(json.loads(reported)["seconds"]), run.peak_mb, run.log, run.own_mb)


def attempt(result: SizeResult, what: str, work: Callable[..., T], *args: object) -> T | None:
    """``work(*args)``; a failure is recorded for the report and the benchmark goes on."""
    try:
        return work(*args)
    except (Exception, SystemExit) as problem:
        message = str(problem).strip() or type(problem).__name__
        result.errors.append(f"{what} failed: {message[-1500:]}")
        progress(f"  {what} FAILED: {message.splitlines()[-1]}")
        return None


def check_command(result: SizeResult, data_dir: pathlib.Path) -> None:
    seconds, codes = bench_check.time_check(data_dir, result.runs)
    if set(codes) != {0}:
        raise RuntimeError(f"`handbook check` exited with {sorted(set(codes))}")
    result.command.extend(seconds)


def site_builds(result: SizeResult, project: bench_site.Project, tmp: pathlib.Path, warmup: int) -> None:
    """The hooks build (PDF and zip off) and the floor, alternated so that drift of the machine's
    speed hits both alike; warm-up runs first, untimed."""
    site_dir, floor_dir = tmp / "site-hooks", tmp / "site-floor"
    for run in range(warmup + result.runs):
        site = bench_site.run_build(project.hooked / "mkdocs.yml", site_dir, tmp / "site.log")
        floor = bench_site.run_build(project.floor / "mkdocs.yml", floor_dir, tmp / "floor.log")
        pair = _measured(site, "site build"), _measured(floor, "site floor")
        kind = "warm-up" if run < warmup else f"run {run - warmup + 1}/{result.runs}"
        progress(f"  {kind}: site build {secs(site.seconds)}, floor {secs(floor.seconds)}")
        if run >= warmup:
            result.site.append(pair[0])
            result.floor.append(pair[1])
    result.site_mb = bench_site.folder_mb(site_dir)[0]


def complete_build(result: SizeResult, config: pathlib.Path, tmp: pathlib.Path) -> None:
    dist = tmp / "dist-complete"
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(tmp / "site-complete")]
    built = _measured(
        bench_site.run_command(command, _complete_env(dist), tmp / "complete.log"), "complete build"
    )
    result.complete.append(built)
    result.pdf_mb, result.zip_mb = _size_mb(dist, "*.pdf"), _size_mb(dist, "*.zip")
    phases = ", ".join(f"{name} {secs(seconds)}" for name, seconds in log_phases(built.log).items())
    progress(f"  complete build {secs(built.seconds)}, peak {megabytes(built.peak_mb)} ({phases})")


def floor_run(result: SizeResult, html: pathlib.Path, site: pathlib.Path, tmp: pathlib.Path) -> None:
    result.pdf_floor.append(pdf_floor(html, site, tmp))
    last = result.pdf_floor[-1]
    progress(f"  PDF floor {secs(last.seconds)}, peak {megabytes(last.peak_mb)}")


def plugin_build(result: SizeResult, python: pathlib.Path, config: pathlib.Path, tmp: pathlib.Path) -> None:
    """The whole build with the mkdocs-to-pdf plugin instead of our PDF (bench_pdf's configuration:
    no nav, so that the plugin prints every page, as ours does)."""
    plugin_config = config.with_name("mkdocs-to-pdf.yml")  # next to data/, as the hooks expect
    plugin_config.write_text(bench_pdf._plugin_config(config.read_text(encoding="utf-8")), "utf-8")
    env = bench_site._env()  # our PDF and zip off: the plugin makes the PDF
    env["PYTHONPATH"] = str(REPO / "hooks")
    site = tmp / "site-plugin"
    command = [str(python), "-m", "mkdocs", "build", "-f", str(plugin_config), "-d", str(site)]
    built = _measured(bench_site.run_command(command, env, tmp / "plugin.log"), "mkdocs-to-pdf build")
    if not list(site.rglob("*.pdf")):
        raise RuntimeError("the mkdocs-to-pdf build wrote no PDF")
    result.plugin.append(built)
    progress(f"  mkdocs-to-pdf build {secs(built.seconds)}, peak {megabytes(built.peak_mb)}")


def serve_rebuild(result: SizeResult, project: bench_site.Project, edits: int, tmp: pathlib.Path) -> None:
    timed = bench_site.time_serve(project.hooked, edits, tmp)
    result.serve.extend(timed.seconds)
    if timed.error:
        raise RuntimeError(timed.error)
    progress(f"  serve rebuilds: {_listed(timed.seconds)} s")


def bench_size(
    services: int, runs: int, pdf_runs: int, args: argparse.Namespace, plugin: pathlib.Path | None
) -> SizeResult:
    """Every phase at one size: ``runs`` timed runs of each, but ``pdf_runs`` of the complete
    build and the PDF floor (the phases that take minutes)."""
    result = SizeResult(services, runs)
    with tempfile.TemporaryDirectory(prefix=f"bench-all-{services}-") as scratch:
        tmp = pathlib.Path(scratch) if args.keep is None else args.keep / f"n{services}"
        tmp.mkdir(parents=True, exist_ok=True)
        progress(f"{services} services: generating the data and the floor's pages")
        project = bench_site.make_project(tmp, services, args.seed, git=True)
        result.pages = project.pages
        config = project.hooked / "mkdocs.yml"

        progress(f"{services} services: run_check, analysis, render_pages in process x{runs}")
        attempt(result, "in-process timing", time_in_process, result, project.hooked / "data", runs)
        progress(f"{services} services: `handbook check` x{runs}")
        attempt(result, "`handbook check`", check_command, result, project.hooked / "data")
        progress(f"{services} services: site build and site floor x{runs} (+{args.warmup} warm-up)")
        attempt(result, "site builds", site_builds, result, project, tmp, args.warmup)

        captured = None
        if services <= args.pdf_floor_max:
            progress(f"{services} services: a build that saves the print HTML, for the PDF floor")
            captured = attempt(result, "capturing the print HTML", capture_print_html, config, tmp)
        else:
            result.notes.append(f"PDF floor skipped (over --pdf-floor-max {args.pdf_floor_max})")
        progress(f"{services} services: complete build{' and PDF floor' if captured else ''} x{pdf_runs}")
        for _ in range(pdf_runs):  # alternated, as the site builds
            attempt(result, "complete build", complete_build, result, config, tmp)
            if captured is not None:
                html, site = captured
                attempt(result, "PDF floor", floor_run, result, html, site, tmp)

        if plugin is None:
            result.notes.append("mkdocs-to-pdf not run (--no-plugin)")
        elif services in args.plugin_at:
            plugin_runs = args.plugin_runs or runs
            progress(f"{services} services: whole build with mkdocs-to-pdf x{plugin_runs}")
            for _ in range(plugin_runs):
                attempt(result, "mkdocs-to-pdf build", plugin_build, result, plugin, config, tmp)
            if plugin_runs != runs:
                result.notes.append(f"mkdocs-to-pdf: {plugin_runs} run(s)")

        if services in args.serve_at:
            progress(f"{services} services: `mkdocs serve`, {args.serve_edits} edits of one service")
            attempt(result, "serve rebuild", serve_rebuild, result, project, args.serve_edits, tmp)
    progress(f"{services} services: done")
    return result


# --- main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--services", type=int, nargs="+", default=[50, 200, 1000], help="default 50 200 1000"
    )
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each phase (default 3)")
    parser.add_argument(
        "--runs-at", action="append", default=[], metavar="N=RUNS", help="runs at one size, e.g. 1000=1"
    )
    parser.add_argument(
        "--pdf-runs-at",
        action="append",
        default=[],
        metavar="N=RUNS",
        help="runs of the complete build and the PDF floor at one size (default: that size's runs)",
    )
    parser.add_argument(
        "--warmup", type=int, default=1, help="untimed site builds and floors first (default 1)"
    )
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument(
        "--pdf-floor-max",
        type=int,
        default=1000,
        metavar="N",
        help="PDF floor up to N services (default 1000)",
    )
    parser.add_argument(
        "--plugin-at",
        type=int,
        nargs="*",
        default=[50, 200],
        help="mkdocs-to-pdf at these sizes (default 50 200)",
    )
    parser.add_argument("--plugin-runs", type=int, help="mkdocs-to-pdf builds per size (default: --runs)")
    parser.add_argument("--no-plugin", action="store_true", help="skip the mkdocs-to-pdf builds")
    parser.add_argument(
        "--to-pdf-python",
        type=pathlib.Path,
        help=f"python with mkdocs-to-pdf (default: made in {PLUGIN_VENV})",
    )
    parser.add_argument(
        "--serve-at", type=int, nargs="*", default=[200], help="serve rebuild at (default 200)"
    )
    parser.add_argument("--serve-edits", type=int, default=3, help="edits timed per serve (default 3)")
    parser.add_argument("--keep", type=pathlib.Path, help="work in this (new) folder and keep it")
    parser.add_argument("--output", type=pathlib.Path, help="also write the report to this Markdown file")
    args = parser.parse_args(argv)
    try:
        runs_at = parse_runs_at(args.runs_at)
        pdf_runs_at = parse_runs_at(args.pdf_runs_at, "--pdf-runs-at")
    except ValueError as problem:
        parser.error(str(problem))
    if args.runs < 1 or args.warmup < 0 or min(args.services) < 1 or args.serve_edits < 1:
        parser.error("--runs, --services and --serve-edits must be at least 1, --warmup at least 0")

    plugin: pathlib.Path | None = None
    if not args.no_plugin and set(args.plugin_at) & set(args.services):
        plugin = args.to_pdf_python or plugin_python()
    command = shlex.join(sys.orig_argv if argv is None else [sys.executable, __file__, *argv])
    facts = machine_facts(plugin)
    probes = [("before", bench_site.speed_probe())]
    progress(f"speed probe {secs(probes[0][1])}")
    results: list[SizeResult] = []
    for services in args.services:
        runs = runs_at.get(services, args.runs)
        results.append(bench_size(services, runs, pdf_runs_at.get(services, runs), args, plugin))
        probes.append((f"after {services:,} services", bench_site.speed_probe()))
        progress(f"speed probe {secs(probes[-1][1])}")
    text = report(results, command, facts, probes)
    print(text)
    if args.output is not None:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        progress(f"wrote {args.output}")
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
