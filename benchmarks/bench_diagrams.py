"""Benchmark of the dependency diagrams on synthetic data: one diagram per service (what its recovery
page holds) and one per site, supplier and scenario what-if.

Not a test: it prints numbers for a human to compare. Target: every service diagram together well
under 1 s at 1,000 services. Timed as the build runs them, with the cyclic collector paused.

    .venv/bin/python benchmarks/bench_diagrams.py --services 1000 --runs 5
"""

from __future__ import annotations

import argparse
import datetime
import pathlib
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

# Python puts this script's folder first on the path: the check benchmark's probe is shared.
from bench_check import speed_probe

from handbook.check import paused_cyclic_gc, run_check
from handbook.dataset import Dataset
from handbook.render import paths
from handbook.render.diagrams import service_diagram, whatif_diagram

NOW = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)


def spread(data: Dataset, lost: list[str]) -> tuple[set[str], set[str]]:
    """Disrupted and degraded services when *lost* is lost (the data format's rule, on its own
    here so the benchmark times the drawing alone)."""
    users: dict[str, list[tuple[str, bool]]] = {}
    for service in data.services.values():
        for dep in service.depends_on:
            users.setdefault(dep.ref, []).append((service.id, dep.degraded))
    disrupted = {key.partition(":")[2] for key in lost if key.startswith("service:")}
    frontier = list(lost)
    while frontier:
        key = frontier.pop()
        for sid, soft in users.get(key, ()):
            if not soft and sid not in disrupted:
                disrupted.add(sid)
                frontier.append(f"service:{sid}")
    degraded: set[str] = set()
    frontier = list(lost) + [f"service:{sid}" for sid in disrupted]
    while frontier:
        key = frontier.pop()
        for sid, _ in users.get(key, ()):
            if sid not in disrupted and sid not in degraded:
                degraded.add(sid)
                frontier.append(f"service:{sid}")
    return disrupted, degraded


def timed(runs: int, work: Callable[[], object]) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each run: on a shared machine the process waits for a CPU,
    and the CPU time is the fairer figure of the two."""
    wall, cpu = [], []
    for _ in range(runs):
        with paused_cyclic_gc():
            start, start_cpu = time.perf_counter(), time.process_time()
            work()
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--services", type=int, default=1000, help="number of services (default 1000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.services < 1:
        parser.error("--runs and --services must be at least 1")
    from handbook.synthetic import generate

    with tempfile.TemporaryDirectory(prefix="handbook-bench-") as tmp:
        probe = speed_probe()
        data_dir = pathlib.Path(tmp) / "data"
        generate(data_dir, args.services, seed=args.seed)
        result = run_check(data_dir, NOW)
        if result.dataset is None:
            print("the synthetic data has errors: nothing to draw", file=sys.stderr)
            return 1
        data = result.dataset
        whatifs = [[f"site:{s}"] for s in data.sites] + [[f"vendor:{v}"] for v in data.vendors]
        whatifs += [[ref.ref for ref in scenario.lost] for scenario in data.scenarios.values()]
        spreads = [(lost, *spread(data, lost)) for lost in whatifs]

        def services() -> None:
            for sid in data.services:
                service_diagram(data, sid, paths.service(sid))

        def what_ifs() -> None:
            for lost, disrupted, degraded in spreads:
                whatif_diagram(data, "whatif/x.md", lost, disrupted, degraded)

        measured = [
            (f"{len(data.services)} service diagrams", timed(args.runs, services)),
            (f"{len(spreads)} what-if diagrams", timed(args.runs, what_ifs)),
        ]
        size = sum(len(service_diagram(data, sid, paths.service(sid))) for sid in data.services)
        probe_after = speed_probe()
    lines = [
        f"## Diagrams of {args.services} synthetic services (seed {args.seed}, {args.runs} runs)",
        "",
        "| diagrams | median s | min s | median CPU s | min CPU s |",
        "|---|---:|---:|---:|---:|",
        *(
            f"| {name} | {statistics.median(wall):.3f} | {min(wall):.3f} | {statistics.median(cpu):.3f}"
            f" | {min(cpu):.3f} |"
            for name, (wall, cpu) in measured
        ),
        "",
        f"Service diagrams: {size / len(data.services) / 1024:.1f} KiB each on average.",
        f"Speed probe (10M-step Python loop, lower is faster): {probe:.2f} s before, "
        f"{probe_after:.2f} s after.",
        "",
    ]
    print("\n".join(lines), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
