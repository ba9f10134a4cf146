"""Benchmark of the site build on synthetic data: the hooks build against a static floor, and a serve rebuild.

Not a test: it prints numbers for a human (or a CI job summary) to compare.

    .venv/bin/python benchmarks/bench_site.py --services 50 200 1000 --runs 3 --output site.md

For each number of services it writes a temporary project (a copy of the repository's
mkdocs.yml next to a synthetic data/ folder) and measures:

- the *hooks build*: ``python -m mkdocs build`` of that project as a subprocess, which checks the
  data and generates every page in memory (wall time, the child's peak resident memory, the size
  of the site);
- the *floor*: the same Markdown, rendered once in this process and written to disk with a copy
  of docs/, built by plain ``mkdocs build`` with the same configuration minus the hooks: what
  MkDocs alone costs for a site of that size;
- the *serve rebuild*: ``mkdocs serve`` on a free local port; one service file's name is edited
  and the time until the server logs "Reloading browsers" is taken, as an editor waits for it.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import json
import os
import pathlib
import pstats
import queue
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field

import yaml

from handbook.check import run_check
from handbook.render.common import BuildInfo
from handbook.render.pages import render_pages
from handbook.synthetic import generate

# Noon UTC on 2026-11-25: the generator's default "today", so the synthetic
# plans are judged on the day they were written for.
SOURCE_DATE_EPOCH = 1795608000
NOW = datetime.datetime.fromtimestamp(SOURCE_DATE_EPOCH, tz=datetime.UTC)

REPO = pathlib.Path(__file__).resolve().parent.parent
HOOKS = REPO / "hooks" / "handbook_hooks.py"
DOCS = REPO / "docs"
MKDOCS_YML = REPO / "mkdocs.yml"

RATIO_TARGET = 1.25  # hooks build / floor, at 200 services
SERVE_TARGET = 5.0  # seconds from saving a file to the browser reloading, at 200 services

SERVE_START_TIMEOUT = 900.0  # the first build of `mkdocs serve`
SERVE_REBUILD_TIMEOUT = 300.0  # each rebuild after an edit


def _env() -> dict[str, str]:
    return dict(
        os.environ,
        SOURCE_DATE_EPOCH=str(SOURCE_DATE_EPOCH),
        NO_MKDOCS_2_WARNING="1",
        PYTHONUNBUFFERED="1",
        # The site alone: the PDF and the zip are timed by benchmarks/bench_all.py.
        HANDBOOK_PDF="false",
        HANDBOOK_BUNDLE="false",
    )


# --- the two configurations -------------------------------------------------------------------

_HOOKS_BLOCK = re.compile(r"^hooks:[^\n]*\n(?:(?:[ \t]+[^\n]*|[ \t]*)\n)*", re.MULTILINE)
_DOCS_DIR = re.compile(r"^docs_dir:[^\n]*$", re.MULTILINE)
_CUSTOM_DIR = re.compile(r"^([ \t]+custom_dir:[ \t]*)([^\s#]+)", re.MULTILINE)


class _AnyTagLoader(yaml.SafeLoader):
    """Reads mkdocs.yml for a sanity check whatever tags (``!ENV``, ``!!python/name``) it uses."""


_AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def mkdocs_config(docs_dir: pathlib.Path, hooks: bool) -> str:
    """The repository's mkdocs.yml with absolute paths: the hooks entry (or none), docs_dir and a
    theme custom_dir when there is one. Everything else (theme, nav, not_in_nav, extensions,
    validation) stays as written."""
    text = MKDOCS_YML.read_text(encoding="utf-8")
    if not _HOOKS_BLOCK.search(text):
        raise SystemExit(f"{MKDOCS_YML}: no top-level `hooks:` list to rewrite")
    block = f"hooks:\n  - {json.dumps(str(HOOKS))}\n" if hooks else ""
    text = _HOOKS_BLOCK.sub(lambda _: block, text, count=1)
    docs_line = f"docs_dir: {json.dumps(str(docs_dir))}"
    text = (
        _DOCS_DIR.sub(lambda _: docs_line, text, count=1)
        if _DOCS_DIR.search(text)
        else text + docs_line + "\n"
    )
    text = _CUSTOM_DIR.sub(lambda m: m.group(1) + json.dumps(str((REPO / m.group(2)).resolve())), text)
    parsed = yaml.load(text, Loader=_AnyTagLoader)  # a SafeLoader
    assert parsed["docs_dir"] == str(docs_dir)
    assert parsed.get("hooks") == ([str(HOOKS)] if hooks else None), parsed.get("hooks")
    return text


def _git(project: pathlib.Path, *args: str) -> str:
    command = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    command += ["-c", "commit.gpgsign=false", *args]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, check=True).stdout


def _git_commit(data_dir: pathlib.Path) -> tuple[str | None, bool]:
    """What the hook computes: the data folder's commit and whether it has uncommitted changes."""
    try:
        commit = _git(data_dir, "rev-parse", "HEAD").strip()
        dirty = bool(_git(data_dir, "status", "--porcelain", "--", ".").strip())
    except (OSError, subprocess.CalledProcessError):
        return None, False
    return commit or None, dirty


@dataclass
class Project:
    hooked: pathlib.Path  # mkdocs.yml with the hooks, data/ next to it
    floor: pathlib.Path  # mkdocs.yml without hooks, docs/ holding every page
    pages: int
    generate_seconds: float
    render_seconds: float  # run_check + render_pages in this process, for the floor


def make_project(tmp: pathlib.Path, services: int, seed: int, git: bool) -> Project:
    hooked = tmp / "hooked"
    hooked.mkdir()
    start = time.perf_counter()
    generate(hooked / "data", services, seed=seed)
    generate_seconds = time.perf_counter() - start
    (hooked / "mkdocs.yml").write_text(mkdocs_config(DOCS, hooks=True), encoding="utf-8")
    if git:  # the hook asks git for the data's commit: give it one, as in a real clone
        _git(hooked, "init", "-q")
        _git(hooked, "add", "-A")
        _git(hooked, "commit", "-q", "-m", "synthetic data")

    floor = tmp / "floor"
    shutil.copytree(DOCS, floor / "docs")
    start = time.perf_counter()
    result = run_check(hooked / "data", NOW)
    if result.dataset is None:
        raise SystemExit(f"synthetic data with {services} services does not check clean")
    commit, dirty = _git_commit(hooked / "data")
    pages = render_pages(result.dataset, result.problems, BuildInfo(result.dataset.now, commit, dirty))
    render_seconds = time.perf_counter() - start
    for page in pages:
        target = floor / "docs" / page.path
        if target.exists():
            raise SystemExit(f"docs/{page.path} would hide a generated page")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.content, encoding="utf-8")
    (floor / "mkdocs.yml").write_text(mkdocs_config(floor / "docs", hooks=False), encoding="utf-8")
    return Project(hooked, floor, len(pages), generate_seconds, render_seconds)


# --- builds -----------------------------------------------------------------------------------


@dataclass
class Build:
    seconds: float
    peak_mb: float  # this child's own peak resident set
    returncode: int
    log: str
    tree_peak_mb: float = 0.0  # the child and all its descendants together (TreeMemory), 0 if unknown


def _peak_mb(maxrss: int) -> float:
    # Linux reports kilobytes, macOS bytes.
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024


class TreeMemory:
    """Samples the memory of a process and all its descendants together, every *interval* seconds,
    in a thread, and keeps the largest sum: a child's own ``ru_maxrss`` misses worker processes.

    Each process counts its proportional set size (``Pss`` of /proc/PID/smaps_rollup: pages shared
    between processes divided among them, so forked workers are not counted twice), or its resident
    set where that is not readable. Linux only: elsewhere the peak stays 0."""

    def __init__(self, root: int, interval: float = 0.2) -> None:
        self.root = root
        self.interval = interval
        self.peak_kb = 0
        self.samples = 0
        self.kind = "PSS"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def peak_mb(self) -> float:
        return self.peak_kb / 1024

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            self.sample()
            if self._stop.wait(self.interval):
                return

    def sample(self) -> int:
        total = sum(self._kb(pid) for pid in tree_pids(self.root))
        self.samples += 1
        self.peak_kb = max(self.peak_kb, total)
        return total

    def _kb(self, pid: int) -> int:
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
                for line in rollup:
                    if line.startswith("Pss:"):
                        return int(line.split()[1])
        except (OSError, ValueError):
            pass
        try:
            with open(f"/proc/{pid}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        self.kind = "PSS or RSS"
                        return int(line.split()[1])
        except (OSError, ValueError):
            pass
        return 0  # gone, a zombie, or not Linux


def tree_pids(root: int) -> list[int]:
    """*root* and every process descending from it, from the parent ids in /proc/PID/stat."""
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return [root]
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="utf-8", errors="replace") as stat:
                # "pid (command) state ppid ...": the command may hold spaces and parentheses.
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def run_command(command: list[str], env: dict[str, str], logs: pathlib.Path) -> Build:
    """*command* as a subprocess, its output (stdout and stderr) kept in *logs*: wall time, its own
    peak memory (``wait4``'s rusage) and the peak of its whole process tree (TreeMemory)."""
    with open(logs, "w+b") as out:
        start = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        with TreeMemory(child.pid) as tree:
            _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return Build(seconds, _peak_mb(usage.ru_maxrss), child.returncode, text, tree.peak_mb)


def run_build(
    config: pathlib.Path, site: pathlib.Path, logs: pathlib.Path, env: dict[str, str] | None = None
) -> Build:
    """One ``python -m mkdocs build`` as a subprocess (by default the site alone: PDF and zip off)."""
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(site)]
    return run_command(command, _env() if env is None else env, logs)


def folder_mb(folder: pathlib.Path) -> tuple[float, int]:
    """Size in MiB of every file under *folder*, and how many HTML pages it holds."""
    size, html = 0, 0
    for root, _, files in os.walk(folder):
        for name in files:
            size += os.path.getsize(os.path.join(root, name))
            html += name.endswith(".html")
    return size / (1024 * 1024), html


_HOOK_TIMES = {
    "check": re.compile(r"handbook: checked .* in ([0-9.]+) s"),
    "render": re.compile(r"handbook: generated \d+ pages in ([0-9.]+) s"),
}
_WARNING = re.compile(r"^WARNING", re.MULTILINE)


def hook_seconds(log: str, what: str) -> float | None:
    found = _HOOK_TIMES[what].search(log)
    return float(found.group(1)) if found else None


# --- serve ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Serve:
    seconds: list[float] = field(default_factory=list)  # edit saved -> "Reloading browsers"
    built: list[float] = field(default_factory=list)  # MkDocs' own "Documentation built in"
    error: str | None = None


def _wait_for(lines: queue.Queue[tuple[float, str]], needle: str, timeout: float) -> tuple[float, list[str]]:
    """The time the first line holding *needle* was read, and every line read until then."""
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no {needle!r} within {timeout:.0f} s; last lines: {seen[-5:]}")
        try:
            at, line = lines.get(timeout=left)
        except queue.Empty:
            continue
        seen.append(line)
        if needle in line:
            return at, seen
        if line.startswith(("ERROR", "Aborted")):
            raise RuntimeError(f"mkdocs serve failed: {line.strip()}")


def _built_in(lines: list[str]) -> float | None:
    for line in reversed(lines):
        found = re.search(r"Documentation built in ([0-9.]+) seconds", line)
        if found:
            return float(found.group(1))
    return None


def time_serve(project: pathlib.Path, edits: int, tmp: pathlib.Path) -> Serve:
    """``mkdocs serve`` on a free port; *edits* times: rename one service, time the rebuild."""
    port = _free_port()
    command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(project / "mkdocs.yml")]
    command += ["-a", f"127.0.0.1:{port}"]
    env = _env()
    env["TMPDIR"] = str(tmp)  # where serve builds its site: gone with our temporary folder
    services = sorted((project / "data" / "services").glob("*.yaml"))
    service = services[len(services) // 2]
    original = service.read_text(encoding="utf-8")
    result = Serve()
    lines: queue.Queue[tuple[float, str]] = queue.Queue()
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )

    def read() -> None:
        assert server.stdout is not None
        for line in server.stdout:
            lines.put((time.monotonic(), line))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        _wait_for(lines, "Serving on", SERVE_START_TIMEOUT)
        time.sleep(1.0)  # let the file watcher settle
        for edit in range(edits):
            renamed = rf"\g<1> (edited {edit + 1})"
            text, changed = re.subn(r"^(name: .*)$", renamed, original, count=1, flags=re.MULTILINE)
            if not changed:
                raise RuntimeError(f"{service}: no top-level name to edit")
            saved = time.monotonic()
            service.write_text(text, encoding="utf-8")
            reloaded, seen = _wait_for(lines, "Reloading browsers", SERVE_REBUILD_TIMEOUT)
            result.seconds.append(reloaded - saved)
            built = _built_in(seen)
            if built is not None:
                result.built.append(built)
            time.sleep(0.5)
    except (TimeoutError, RuntimeError) as problem:
        result.error = str(problem)
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGINT)  # lets serve remove its temporary site
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=15)
        reader.join(timeout=5)
        service.write_text(original, encoding="utf-8")
    return result


# --- profile ----------------------------------------------------------------------------------

# Where the time of a hooks build goes: (label, file fragment, function name), cumulative seconds.
_PROFILE_POINTS = [
    ("whole build (mkdocs.commands.build.build)", "mkdocs/commands/build.py", "build"),
    ("on_config hook", "handbook_hooks.py", "on_config"),
    ("  run_check (load + validate)", "handbook/check.py", "run_check"),
    ("  git rev-parse + status", "handbook_hooks.py", "_git_commit"),
    ("on_files hook", "handbook_hooks.py", "on_files"),
    (
        "  render_shared (this process's share, and waiting for the helper's)",
        "handbook/render/pages.py",
        "render_shared",
    ),
    ("    service pages", "handbook/render/service_page.py", "service_page"),
    ("    Markdown fields to safe HTML (markdown_html)", "handbook/render/text.py", "markdown_html"),
    ("  File.generated", "mkdocs/structure/files.py", "generated"),
    ("  Files.get_file_from_path", "mkdocs/structure/files.py", "get_file_from_path"),
    ("MkDocs: read pages (Page.read_source)", "mkdocs/structure/pages.py", "read_source"),
    ("MkDocs: page Markdown to HTML (Page.render)", "mkdocs/structure/pages.py", "render"),
    (
        "hook: pages split into headings and blocks (on_page_markdown)",
        "handbook/render/rawblocks.py",
        "prepare",
    ),
    ("hook: pages put back together (on_page_content)", "handbook/render/rawblocks.py", "finish"),
    (
        "MkDocs: write pages (_build_page: search entry + theme template)",
        "mkdocs/commands/build.py",
        "_build_page",
    ),
    (
        "  Material search: each page's entries (read in the helper)",
        "material/plugins/search/plugin.py",
        "on_page_context",
    ),
    (
        "  Jinja templates (the theme around each page; pages generated here)",
        "jinja2/environment.py",
        "render",
    ),
    ("MkDocs: 404 and sitemap templates", "mkdocs/commands/build.py", "_build_theme_template"),
    ("Material search: write the index", "material/plugins/search/plugin.py", "on_post_build"),
]


def profile_build(project: pathlib.Path, site: pathlib.Path, out: pathlib.Path | None) -> str:
    """cProfile of one hooks build in this process; the cumulative time at known points."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ.update(SOURCE_DATE_EPOCH=str(SOURCE_DATE_EPOCH), NO_MKDOCS_2_WARNING="1")
    os.environ.update(HANDBOOK_PDF="false", HANDBOOK_BUNDLE="false")  # the site alone, as timed
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    profiler.disable()
    wall = time.perf_counter() - start
    if out is not None:
        profiler.dump_stats(str(out))
    stats = pstats.Stats(profiler)
    rows = []
    for label, fragment, name in _PROFILE_POINTS:
        total = sum(
            stat[3]
            for (file, _, function), stat in stats.stats.items()  # type: ignore[attr-defined]
            if function == name and file.replace(os.sep, "/").endswith(fragment)
        )
        rows.append(f"| {label} | {total:.2f} |")
    lines = [
        f"In-process hooks build under cProfile: {wall:.2f} s wall (profiling inflates it).",
        "",
        "| where | cumulative s |",
        "|---|---:|",
        *rows,
        "",
    ]
    return "\n".join(lines)


# --- report -----------------------------------------------------------------------------------


def speed_probe() -> float:
    """Seconds for a fixed pure-Python loop: this machine's speed at the time of the run (see
    bench_check.py: a table is comparable to another only next to its probe)."""
    start = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - start


@dataclass
class Result:
    services: int
    project: Project
    hooks: list[Build]
    floor: list[Build]
    site_mb: float
    floor_site_mb: float
    html: int
    floor_html: int
    serve: Serve | None

    @property
    def ratio(self) -> float:
        return statistics.median(b.seconds for b in self.hooks) / statistics.median(
            b.seconds for b in self.floor
        )


def _median(values: list[float | None]) -> str:
    known = [v for v in values if v is not None]
    return f"{statistics.median(known):.2f}" if known else "-"


def _serve_cell(serve: Serve | None) -> str:
    if serve is None:
        return "not run"
    if not serve.seconds:
        return f"failed: {serve.error}"
    return f"{statistics.median(serve.seconds):.2f} s"


def report_one(r: Result) -> str:
    hooks = [b.seconds for b in r.hooks]
    floor = [b.seconds for b in r.floor]
    codes = ", ".join(str(c) for c in sorted({b.returncode for b in r.hooks + r.floor}))
    warned = max(len(_WARNING.findall(b.log)) for b in r.hooks)
    floor_warned = max(len(_WARNING.findall(b.log)) for b in r.floor)
    peaks = f"{max(b.peak_mb for b in r.hooks):.0f} / {max(b.peak_mb for b in r.floor):.0f}"
    check = _median([hook_seconds(b.log, "check") for b in r.hooks])
    render = _median([hook_seconds(b.log, "render") for b in r.hooks])
    lines = [
        f"### {r.services} services: {r.project.pages} generated pages, {len(hooks)} runs",
        "",
        "| N | hooks median s | hooks min s | floor median s | floor min s | hooks/floor | site MB "
        "| peak MB (hooks / floor) | serve rebuild |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {r.services} | {statistics.median(hooks):.2f} | {min(hooks):.2f} "
        f"| {statistics.median(floor):.2f} | {min(floor):.2f} | {r.ratio:.2f} | {r.site_mb:.1f} "
        f"| {peaks} | {_serve_cell(r.serve)} |",
        "",
        f"Inside the hooks build (its log, median): check {check} s, page generation {render} s. "
        f"The same check + render in this process: {r.project.render_seconds:.2f} s. "
        f"HTML pages: {r.html} (floor {r.floor_html}); floor site {r.floor_site_mb:.1f} MB; "
        f"WARNING lines: {warned} (floor {floor_warned}); exit codes {codes}. "
        f"Ratio of the minima: {min(hooks) / min(floor):.2f}. "
        f"Data generated in {r.project.generate_seconds:.2f} s.",
    ]
    if r.serve is not None and r.serve.seconds:
        waits = r.serve.seconds
        lines[-1] += (
            f" Serve rebuild over {len(waits)} edits: median {statistics.median(waits):.2f} s, "
            f"min {min(waits):.2f} s, of which MkDocs reports {_median(list(r.serve.built))} s building."
        )
    if r.serve is not None and r.serve.error:
        lines[-1] += f" Serve: {r.serve.error}"
    lines.append("")
    return "\n".join(lines) + "\n"


def report_summary(results: list[Result], probe: float, probe_after: float, seed: int) -> str:
    lines = [
        f"## Site build on synthetic services (seed {seed})",
        "",
        "| N | pages | hooks build, median | min | floor, median | min | hooks/floor | site | peak memory "
        "| serve rebuild |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        hooks = [b.seconds for b in r.hooks]
        floor = [b.seconds for b in r.floor]
        lines.append(
            f"| {r.services} | {r.project.pages} | {statistics.median(hooks):.2f} s | {min(hooks):.2f} s "
            f"| {statistics.median(floor):.2f} s | {min(floor):.2f} s | {r.ratio:.2f} | {r.site_mb:.1f} MB "
            f"| {max(b.peak_mb for b in r.hooks):.0f} MB | {_serve_cell(r.serve)} |"
        )
    lines += [
        "",
        f"Targets at 200 services: hooks/floor <= {RATIO_TARGET}, serve rebuild < {SERVE_TARGET:.0f} s. "
        f"Speed probe (10M-step Python loop, lower is faster): {probe:.2f} s before, "
        f"{probe_after:.2f} s after.",
        "",
    ]
    return "\n".join(lines)


def bench(services: int, args: argparse.Namespace) -> Result:
    with tempfile.TemporaryDirectory(prefix="handbook-site-bench-") as name:
        tmp = pathlib.Path(name)
        project = make_project(tmp, services, args.seed, git=not args.no_git)
        hooks_site, floor_site = tmp / "site-hooks", tmp / "site-floor"
        hooks: list[Build] = []
        floor: list[Build] = []
        for run in range(args.warmup + args.runs):
            # Alternate the two, so drift in the machine's speed hits both alike.
            pair = (
                run_build(project.hooked / "mkdocs.yml", hooks_site, tmp / "hooks.log"),
                run_build(project.floor / "mkdocs.yml", floor_site, tmp / "floor.log"),
            )
            for built, label in zip(pair, ("hooks", "floor"), strict=True):
                if built.returncode != 0:
                    raise SystemExit(f"{label} build failed at {services} services:\n{built.log[-3000:]}")
            if run >= args.warmup:
                hooks.append(pair[0])
                floor.append(pair[1])
        site_mb, html = folder_mb(hooks_site)
        floor_site_mb, floor_html = folder_mb(floor_site)
        serve = None
        if services in args.serve and args.serve_edits > 0:
            serve = time_serve(project.hooked, args.serve_edits, tmp)
        if args.profile and services in args.profile:
            try:
                text = profile_build(project.hooked, tmp / "site-profile", args.profile_output)
            except Exception as problem:  # the timings above still stand
                text = f"Profile failed: {type(problem).__name__}: {problem}\n"
            print(f"\n#### Profile at {services} services\n\n{text}", flush=True)
        return Result(services, project, hooks, floor, site_mb, floor_site_mb, html, floor_html, serve)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--services", type=int, nargs="+", default=[50, 200, 1000], help="default 50 200 1000"
    )
    parser.add_argument("--runs", type=int, default=3, help="timed builds of each kind (default 3)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed builds of each kind first (default 1)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument(
        "--serve",
        type=int,
        nargs="*",
        default=[50, 200],
        help="sizes to time a serve rebuild at (default 50 200)",
    )
    parser.add_argument("--serve-edits", type=int, default=3, help="edits timed per serve (default 3)")
    parser.add_argument("--no-git", action="store_true", help="leave the temporary project out of git")
    parser.add_argument("--profile", type=int, nargs="*", help="cProfile a hooks build at these sizes")
    parser.add_argument("--profile-output", type=pathlib.Path, help="write that profile's raw stats here")
    parser.add_argument("--output", type=pathlib.Path, help="also write the tables to this Markdown file")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0 or min(args.services) < 1:
        parser.error("--runs and --services must be at least 1, --warmup at least 0")

    probe = speed_probe()
    results: list[Result] = []
    parts: list[str] = []
    for services in args.services:
        result = bench(services, args)
        results.append(result)
        parts.append(report_one(result))
        print(parts[-1], flush=True)
    probe_after = speed_probe()
    text = report_summary(results, probe, probe_after, args.seed) + "\n" + "\n".join(parts)
    print(report_summary(results, probe, probe_after, args.seed), end="")
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    failed = any(r.serve is not None and r.serve.error for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
