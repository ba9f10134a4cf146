"""Benchmark of the PDF step on synthetic data: against its floor, and against the mkdocs-to-pdf plugin.

Not a test: it prints numbers for a human (or a CI job summary) to compare.

    .venv/bin/python benchmarks/bench_pdf.py --services 50 200 --runs 3 --output pdf.md

For each number of services it writes a temporary project (synthetic data, a copy of the
repository's mkdocs.yml), builds the site once with the PDF on, in a child process that records
what the build hands to ``handbook.pdf.write_pdf`` (the site, the pages in reading order, the
edition) and the print HTML the PDF is laid out from. Then, each in a fresh child process, with
its wall time and its own peak memory (``wait4``):

- **ours**: ``handbook.pdf.write_pdf`` on that site, as the build calls it (the print document
  assembled from the built pages, WeasyPrint's layout and writing, the checks on what it reads);
- **floor**: WeasyPrint alone rendering the saved print HTML to a PDF, nothing else in the process;
- **build**: the whole ``mkdocs build`` with the PDF (site and PDF), as a user runs it;
- with ``--to-pdf-python PY``: the whole ``mkdocs build`` of the same site with the mkdocs-to-pdf
  plugin instead of our PDF (PY: the python of a virtual environment holding mkdocs-to-pdf and
  this project; never the project's own, the plugin is not one of its dependencies).

Times inside the children exclude Python's start-up and imports (WeasyPrint is imported before
the clock starts in both ours and floor); the two alternate run by run, so drift of a shared
machine hits both alike.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import pickle
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_site import MKDOCS_YML, SOURCE_DATE_EPOCH, mkdocs_config, speed_probe  # noqa: E402

from handbook.synthetic import generate  # noqa: E402

DOCS = MKDOCS_YML.parent / "docs"
RATIO_TARGET = 1.15  # ours / floor
PLUGIN_TARGET = 2.5  # mkdocs-to-pdf whole build / ours whole build, at 200 services


def _env(**extra: str) -> dict[str, str]:
    return dict(
        os.environ,
        SOURCE_DATE_EPOCH=str(SOURCE_DATE_EPOCH),
        NO_MKDOCS_2_WARNING="1",
        PYTHONUNBUFFERED="1",
        HANDBOOK_BUNDLE="false",
        **extra,
    )


# --- the child processes ----------------------------------------------------------------------


def worker_capture(
    config: pathlib.Path, state: pathlib.Path, html: pathlib.Path, render: bool = True
) -> None:
    """Build the site with the PDF, recording what the build hands to write_pdf. With *render*
    false the PDF is not made (an empty file stands in for it): only the print HTML is wanted."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from handbook import pdf

    real = pdf.write_pdf
    seen: dict[str, object] = {}

    def recording(site_dir, pages, edition, out, *more, **options):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        if render:
            result = real(site_dir, pages, edition, out, *more, **options)
        else:
            pathlib.Path(out).write_bytes(b"")
            result = pdf.PdfResult(0, len(pages), [])
        seen["seconds"] = time.perf_counter() - started
        seen["paper"] = result.pages
        # Kept for the other runs: the site folder is replaced when the build ends.
        keep = state.parent / "site-for-pdf"
        import shutil

        shutil.copytree(site_dir, keep, dirs_exist_ok=True)
        state.write_bytes(pickle.dumps((keep, list(pages), edition)))
        html.write_text(pdf.print_document(keep, pages, edition).html, encoding="utf-8")
        return result

    pdf.write_pdf = recording
    build(load_config(config_file=str(config)))
    print(json.dumps({"seconds": seen["seconds"], "pages": seen["paper"]}))


def worker_ours(state: pathlib.Path, out: pathlib.Path) -> None:
    import weasyprint  # noqa: F401  # imported before the clock, as in the floor

    from handbook import pdf

    site, pages, edition = pickle.loads(state.read_bytes())
    started = time.perf_counter()
    result = pdf.write_pdf(site, pages, edition, out)
    print(json.dumps({"seconds": time.perf_counter() - started, "pages": result.pages}))


def worker_floor(html: pathlib.Path, site: pathlib.Path, out: pathlib.Path) -> None:
    import weasyprint

    started = time.perf_counter()
    document = weasyprint.HTML(filename=str(html), base_url=str(site) + "/").render()
    document.write_pdf(str(out))
    print(json.dumps({"seconds": time.perf_counter() - started, "pages": len(document.pages)}))


# --- measuring --------------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float  # as the child measured it, or the wall time of a whole build
    peak_mb: float
    pages: int | None = None


def _peak(usage: object) -> float:
    maxrss = getattr(usage, "ru_maxrss", 0)
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024


def _spawn(command: list[str], env: dict[str, str], whole: bool = False) -> Run:
    """Run a child and take its own rusage with wait4 (Popen.wait would reap it first)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(command, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{err.read().decode()[-3000:]}")
        text = out.read().decode()
    if whole:
        return Run(wall, _peak(usage))
    found = json.loads(text.strip().splitlines()[-1])
    return Run(found["seconds"], _peak(usage), found.get("pages"))


@dataclass
class Result:
    services: int
    site_pages: int
    paper_pages: int
    print_html_mb: float
    ours: list[Run] = field(default_factory=list)
    floor: list[Run] = field(default_factory=list)
    build: list[Run] = field(default_factory=list)
    plugin: list[Run] = field(default_factory=list)
    plugin_error: str | None = None


def _plugin_config(text: str) -> str:
    """mkdocs.yml with the mkdocs-to-pdf plugin added. The plugin prints the navigation's pages
    only: with no ``nav`` and no ``not_in_nav``, MkDocs lists every page, so its PDF holds the
    same pages as ours (the services among them)."""
    text = re.sub(r"^not_in_nav:.*?(?=^\S)", "", text, count=1, flags=re.S | re.M)
    text = re.sub(r"^nav:.*?(?=^\S|\Z)", "", text, count=1, flags=re.S | re.M)
    return re.sub(r"^plugins:\n", "plugins:\n  - to-pdf:\n      cover: false\n", text, count=1, flags=re.M)


def bench(services: int, args: argparse.Namespace, tmp: pathlib.Path) -> Result:
    project = tmp / f"n{services}"
    project.mkdir()
    generate(project / "data", services, seed=args.seed)
    config = project / "mkdocs.yml"
    config.write_text(mkdocs_config(DOCS, hooks=True), encoding="utf-8")
    state, html = project / "pdf-state.pickle", project / "print.html"
    me = [sys.executable, str(pathlib.Path(__file__).resolve())]
    captured = _spawn(
        [*me, "--worker", "capture", str(config), str(state), str(html)], _env(HANDBOOK_PDF="true")
    )
    site, pages, _ = pickle.loads(state.read_bytes())
    result = Result(services, len(pages), captured.pages or 0, html.stat().st_size / 1e6)
    print(f"n={services}: {len(pages)} site pages, {result.paper_pages} pages of paper", flush=True)
    for run in range(args.runs):
        result.ours.append(_spawn([*me, "--worker", "ours", str(state), str(project / "ours.pdf")], _env()))
        result.floor.append(
            _spawn([*me, "--worker", "floor", str(html), str(site), str(project / "floor.pdf")], _env())
        )
        print(
            f"  run {run + 1}: ours {result.ours[-1].seconds:.1f} s, floor {result.floor[-1].seconds:.1f} s",
            flush=True,
        )
    if args.whole:
        build = [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(project / "built")]
        for _ in range(args.whole_runs):
            result.build.append(_spawn(build, _env(HANDBOOK_PDF="true"), whole=True))
            if args.to_pdf_python is not None:
                plugin_config = project / "mkdocs-to-pdf.yml"
                plugin_config.write_text(_plugin_config(config.read_text(encoding="utf-8")), "utf-8")
                command = [str(args.to_pdf_python), "-m", "mkdocs", "build", "-f", str(plugin_config)]
                command += ["-d", str(project / "plugin-site")]
                try:
                    env = _env(HANDBOOK_PDF="false", PYTHONPATH=str(MKDOCS_YML.parent / "hooks"))
                    result.plugin.append(_spawn(command, env, whole=True))
                except SystemExit as failed:
                    result.plugin_error = str(failed)[-500:]
    return result


def _median(runs: list[Run], what: str = "seconds") -> float:
    return statistics.median(getattr(run, what) for run in runs)


def report(results: list[Result], probes: tuple[float, float], runs: int) -> str:
    lines = [
        "| services | site pages | pages of paper | print HTML | ours, median | floor, median | ours / floor "
        "| peak memory, ours / floor |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        ours, floor = _median(r.ours), _median(r.floor)
        lines.append(
            f"| {r.services} | {r.site_pages} | {r.paper_pages} | {r.print_html_mb:.1f} MB | {ours:.1f} s "
            f"| {floor:.1f} s | {ours / floor:.2f} | {_median(r.ours, 'peak_mb'):.0f} / "
            f"{_median(r.floor, 'peak_mb'):.0f} MB |"
        )
    if any(r.build for r in results):
        lines += [
            "",
            "| services | whole build with our PDF, median | peak | with mkdocs-to-pdf, median | peak "
            "| speed-up |",
            "|---:|---:|---:|---:|---:|---:|",
        ]
        for r in results:
            if not r.build:
                continue
            ours = _median(r.build)
            if r.plugin:
                plugin = _median(r.plugin)
                theirs = f"{plugin:.1f} s | {_median(r.plugin, 'peak_mb'):.0f} MB | {plugin / ours:.2f}x"
            else:
                theirs = f"not run{': ' + r.plugin_error if r.plugin_error else ''} | - | -"
            lines.append(f"| {r.services} | {ours:.1f} s | {_median(r.build, 'peak_mb'):.0f} MB | {theirs} |")
    lines += [
        "",
        f"{runs} run(s) of each; targets: ours / floor at most {RATIO_TARGET}, mkdocs-to-pdf / ours at "
        f"least {PLUGIN_TARGET} at 200 services. Speed probe: {probes[0]:.2f} s before, "
        f"{probes[1]:.2f} s after.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--services", type=int, nargs="+", default=[50, 200], help="default 50 200")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of ours and the floor (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--whole", action="store_true", help="also time whole builds with the PDF")
    parser.add_argument("--whole-runs", type=int, default=1, help="whole builds of each kind (default 1)")
    parser.add_argument("--to-pdf-python", type=pathlib.Path, help="python of a venv with mkdocs-to-pdf")
    parser.add_argument("--output", type=pathlib.Path, help="also write the table to this Markdown file")
    parser.add_argument("--keep", type=pathlib.Path, help="work in this folder and keep it")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        kind, *rest = args.worker
        paths = [pathlib.Path(p) for p in rest]
        if kind == "capture-html":  # the print HTML only (benchmarks/bench_all.py)
            config, state, html = paths
            worker_capture(config, state, html, render=False)
        else:
            workers: dict[str, Callable[..., None]] = {
                "capture": worker_capture,
                "ours": worker_ours,
                "floor": worker_floor,
            }
            workers[kind](*paths)
        return 0
    if args.to_pdf_python is not None:
        args.whole = True
    probe = speed_probe()
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as scratch:
        tmp = args.keep or pathlib.Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        for services in args.services:
            results.append(bench(services, args, tmp))
    text = report(results, (probe, speed_probe()), args.runs)
    print(text, end="")
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
