"""Benchmark of ``handbook check`` on synthetic data: validation time at scale, end to end and by phase.

Not a test: it prints numbers for a human (or a CI job summary) to compare.

    .venv/bin/python benchmarks/bench_check.py --services 1000 --runs 5 --output bench.md
"""

from __future__ import annotations

import argparse
import datetime
import gc
import os
import pathlib
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from handbook.check import paused_cyclic_gc, validate
from handbook.load import load_tree
from handbook.synthetic import generate

# Noon UTC on 2026-11-25: the generator's default "today", so the synthetic
# plans are judged on the day they were written for.
SOURCE_DATE_EPOCH = 1795608000
NOW = datetime.datetime.fromtimestamp(SOURCE_DATE_EPOCH, tz=datetime.UTC)


def _peak_child_mb() -> float:
    """Largest resident set of any child process waited for so far."""
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def time_check(data_dir: pathlib.Path, runs: int) -> tuple[list[float], list[int]]:
    """Wall-clock seconds and exit codes of ``python -m handbook check DIR``, once per run."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(SOURCE_DATE_EPOCH))
    command = [sys.executable, "-m", "handbook", "check", str(data_dir)]
    times: list[float] = []
    codes: list[int] = []
    for _ in range(runs):
        start = time.perf_counter()
        completed = subprocess.run(command, env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        codes.append(completed.returncode)
    return times, codes


def time_phases(data_dir: pathlib.Path, runs: int) -> list[tuple[str, list[float]]]:
    """In-process seconds of each phase: reading the files into node trees, then validating them
    (shapes, rules between records, derived facts, plan health)."""
    load_times: list[float] = []
    validate_times: list[float] = []
    for _ in range(runs):
        gc.collect()
        with paused_cyclic_gc():  # as run_check does
            start = time.perf_counter()
            tree = load_tree(data_dir)
            middle = time.perf_counter()
            validate(tree, NOW)
            end = time.perf_counter()
        load_times.append(middle - start)
        validate_times.append(end - middle)
    return [("load", load_times), ("validate", validate_times)]


def speed_probe() -> float:
    """Seconds for a fixed pure-Python loop: this machine's speed at the time of the run.

    Shared machines vary (here, the same loop took from 1.8 s to 3.2 s within minutes), so a
    table is comparable to another only next to its probe.
    """
    start = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - start


def report(
    services: int,
    seed: int,
    generate_seconds: float,
    times: list[float],
    codes: list[int],
    peak_mb: float,
    phases: list[tuple[str, list[float]]],
    probe: float,
    probe_after: float,
) -> str:
    exit_codes = ", ".join(str(c) for c in sorted(set(codes)))
    lines = [
        f"## handbook check on {services} synthetic services (seed {seed}, {len(times)} runs)",
        "",
        "| N | median s | min s | peak MB | exit code |",
        "|---:|---:|---:|---:|---:|",
        f"| {services} | {statistics.median(times):.3f} | {min(times):.3f} | {peak_mb:.1f} | {exit_codes} |",
        "",
    ]
    lines += ["| phase (in process) | median s | min s |", "|---|---:|---:|"]
    lines += [f"| {name} | {statistics.median(t):.3f} | {min(t):.3f} |" for name, t in phases]
    lines.append("")
    lines += [
        f"Data generated in {generate_seconds:.3f} s. Speed probe (10M-step Python loop, lower is "
        f"faster): {probe:.2f} s before, {probe_after:.2f} s after.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--services", type=int, default=1000, help="number of services (default 1000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--output", type=pathlib.Path, help="also write the table to this Markdown file")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.services < 1:
        parser.error("--runs and --services must be at least 1")

    with tempfile.TemporaryDirectory(prefix="handbook-bench-") as tmp:
        probe = speed_probe()
        data_dir = pathlib.Path(tmp) / "data"
        start = time.perf_counter()
        generate(data_dir, args.services, seed=args.seed)
        generate_seconds = time.perf_counter() - start
        times, codes = time_check(data_dir, args.runs)
        peak_mb = _peak_child_mb()
        phases = time_phases(data_dir, args.runs)
        probe_after = speed_probe()

    text = report(
        args.services, args.seed, generate_seconds, times, codes, peak_mb, phases, probe, probe_after
    )
    print(text, end="")
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    # A check that failed timed the wrong thing: let CI notice.
    return 0 if set(codes) == {0} else 1


if __name__ == "__main__":
    raise SystemExit(main())
