"""Benchmark of the analysis stage on synthetic data: the recovery order, every what-if (each
scenario, site and supplier), the gap analysis, and the Markdown of the analysis pages.

Not a test: it prints numbers for a human (or a CI job summary) to compare. Target: the analysis
and its pages add under 2 s to a build at 1,000 services.

    .venv/bin/python benchmarks/bench_analysis.py --services 1000 --runs 7
"""

from __future__ import annotations

import argparse
import datetime
import gc
import pathlib
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

import markdown

# Python puts this script's folder first on the path: the check benchmark's probe is shared.
from bench_check import speed_probe

from handbook import analysis
from handbook.check import run_check
from handbook.dataset import Dataset
from handbook.render import analysis_pages
from handbook.render.common import GeneratedPage
from handbook.synthetic import generate

# Noon UTC on 2026-11-25: the generator's default "today".
NOW = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)


def timed(runs: int, work: Callable[[], object]) -> list[float]:
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return times


def convert(pages: list[GeneratedPage]) -> None:
    """The pages' Markdown to HTML with the site's Markdown extensions: MkDocs' main cost for them."""
    md = markdown.Markdown(extensions=["admonition", "attr_list", "tables", "toc"])
    for page in pages:
        md.reset().convert(page.content)


def phases(data: Dataset, runs: int) -> list[tuple[str, list[float]]]:
    graph = analysis.index(data)
    pages = analysis_pages.pages(data)
    return [
        ("index the graph", timed(runs, lambda: analysis.index(data))),
        ("recovery order", timed(runs, lambda: analysis.recovery_waves(data, graph))),
        ("critical paths (tiers 1-2)", timed(runs, lambda: analysis.critical_paths(data))),
        ("every what-if", timed(runs, lambda: analysis.all_whatifs(data, graph))),
        (
            "gap analysis",
            timed(runs, lambda: (analysis.service_gaps(data), analysis.vendor_gaps(data, graph))),
        ),
        ("all of the analysis", timed(runs, lambda: analysis.analyse(data))),
        ("analysis + its pages' Markdown", timed(runs, lambda: analysis_pages.pages(data))),
        ("those pages, Markdown to HTML", timed(runs, lambda: convert(pages))),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--services", type=int, default=1000, help="number of services (default 1000)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs (default 7)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.services < 1:
        parser.error("--runs and --services must be at least 1")

    with tempfile.TemporaryDirectory(prefix="handbook-bench-") as tmp:
        probe = speed_probe()
        data_dir = pathlib.Path(tmp) / "data"
        generate(data_dir, args.services, seed=args.seed)
        result = run_check(data_dir, NOW)
        if result.dataset is None:
            print("the synthetic data has errors: nothing to analyse", file=sys.stderr)
            return 1
        data = result.dataset
        found = analysis.analyse(data)
        measured = phases(data, args.runs)
        probe_after = speed_probe()

    whatifs = found.whatifs.values()
    lines = [
        f"## Analysis of {args.services} synthetic services (seed {args.seed}, {args.runs} runs)",
        "",
        f"{len(found.whatifs)} what-ifs ({len(data.scenarios)} scenarios, {len(data.sites)} sites, "
        f"{len(data.vendors)} suppliers) reaching {sum(len(w.disrupted) for w in whatifs)} disrupted and "
        f"{sum(len(w.degraded) for w in whatifs)} degraded services in all; "
        f"{len(found.waves)} recovery waves; {len(found.paths)} critical paths; "
        f"{sum(len(p.content) for p in analysis_pages.pages(data)) / 1e6:.1f} MB of Markdown.",
        "",
        "| phase (in process) | median s | min s |",
        "|---|---:|---:|",
    ]
    lines += [f"| {name} | {statistics.median(t):.3f} | {min(t):.3f} |" for name, t in measured]
    lines += [
        "",
        f"Speed probe (10M-step Python loop, lower is faster): {probe:.2f} s before, "
        f"{probe_after:.2f} s after.",
        "",
    ]
    print("\n".join(lines), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
