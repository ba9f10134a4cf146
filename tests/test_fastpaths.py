"""The site built the way the hook builds it against the site built the long way, for the example
data and for hostile data: the same pages, the same search index, the same everything.

The long way switches off what the hook does to build faster: pages given to MkDocs whole
(handbook.render.rawblocks), Material's own search parser (searchindex), the theme's navigation
rendered for every page (themecache), one process (parallel), every markdown field converted
(text). Each page's article must be the same byte for byte; around it, the theme's HTML may
differ only in white space (themecache writes the navigation without its indentation)."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from test_site import HOSTILE

from handbook.check import run_check
from handbook.render import parallel
from handbook.render.common import BuildInfo
from handbook.render.pages import _helper_share, page_jobs, render_pages, render_shared, share_pages
from handbook.synthetic import generate

from conftest import NOW, PAYROLL, SOURCE_DATE_EPOCH, project_config, write_data

REPO = Path(__file__).resolve().parent.parent

LONG_WAY = """
import handbook.render.parallel, handbook.render.rawblocks, handbook.render.searchindex
import handbook.render.text, handbook.render.themecache
handbook.render.rawblocks.prepare = lambda text, headings: None
handbook.render.searchindex.install = lambda plugins: False
handbook.render.themecache.install = lambda env: 0
handbook.render.parallel.start = lambda state=None: False
handbook.render.text._paragraphs_and_code = lambda text: None
"""


def _build(config: Path, site: Path, long_way: bool) -> None:
    program = (LONG_WAY if long_way else "") + (
        "import sys\nfrom mkdocs.__main__ import cli\n"
        f"sys.argv = ['mkdocs', 'build', '--strict', '-f', {str(config)!r}, '-d', {str(site)!r}]\ncli()\n"
    )
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    env["HANDBOOK_PDF"] = env["HANDBOOK_BUNDLE"] = "false"
    command = [sys.executable, "-c", program]
    done = subprocess.run(command, cwd=config.parent, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-4000:]


_SPACE = re.compile(r"[ \t]*\n\s*")


def _differences(short: Path, long: Path) -> list[str]:
    found = []
    names = {p.relative_to(short).as_posix() for p in short.rglob("*") if p.is_file()}
    others = {p.relative_to(long).as_posix() for p in long.rglob("*") if p.is_file()}
    if names != others:
        found.append(f"files only one way: {sorted(names ^ others)[:10]}")
    for name in sorted(names & others):
        a, b = (short / name).read_bytes(), (long / name).read_bytes()
        if a == b:
            continue
        if not name.endswith(".html"):
            found.append(f"{name}: differs")
            continue
        text_a, text_b = a.decode(), b.decode()
        start_a, end_a = text_a.find("<article"), text_a.find("</article>")
        start_b, end_b = text_b.find("<article"), text_b.find("</article>")
        if text_a[start_a:end_a] != text_b[start_b:end_b]:
            found.append(f"{name}: the article differs")
        elif _SPACE.sub("\n", text_a[:start_a] + text_a[end_a:]) != _SPACE.sub(
            "\n", text_b[:start_b] + text_b[end_b:]
        ):
            found.append(f"{name}: the theme's HTML differs beyond white space")
    return found


@pytest.mark.parametrize("data", ["example", "hostile", "clash"])
def test_the_short_way_builds_the_same_site(tmp_path: Path, data: str) -> None:
    if data == "example":
        data_dir = REPO / "data"
    elif data == "hostile":
        data_dir = write_data(tmp_path / "data", HOSTILE)
    else:  # a service named like a section of its page: that page goes through MkDocs whole
        risks = PAYROLL.replace("Payroll", "Risks")
        data_dir = write_data(tmp_path / "data", {"services/payroll.yaml": risks})
    config = project_config(tmp_path / "project", data_dir)
    _build(config, tmp_path / "short", long_way=False)
    _build(config, tmp_path / "long", long_way=True)
    assert _differences(tmp_path / "short", tmp_path / "long") == []
    if data == "clash":
        assert 'id="risks_1"' in (tmp_path / "short" / "services" / "payroll.html").read_text()
    # It was the short way: the navigation is written compact there, and only there.
    nav = '<nav class="md-nav md-nav--primary'
    assert "\n  " not in (tmp_path / "short" / "services" / "payroll.html").read_text().split(nav)[1][:2000]
    assert "\n  " in (tmp_path / "long" / "services" / "payroll.html").read_text().split(nav)[1][:2000]


def test_pages_shared_with_the_helper_process_are_the_pages(tmp_path: Path) -> None:
    generate(tmp_path / "data", 40, seed=5, today=dt.date(2026, 11, 25))
    result = run_check(tmp_path / "data", NOW)
    assert result.dataset is not None
    build = BuildInfo(NOW, "0123456789ab", False)
    expected = render_pages(result.dataset, result.problems, build)
    try:
        shared = share_pages(result.dataset, result.problems, build)
        if shared is None:
            pytest.skip("no helper process here (one core, no fork, or threads running)")
        assert render_shared(result.dataset, result.problems, build, shared) == expected
    finally:
        parallel.close()
    # A helper that fails: this process makes its share.
    failed: Future[Any] = Future()
    failed.set_exception(RuntimeError("the helper died"))
    assert render_shared(result.dataset, result.problems, build, failed) == expected
    # The helper's share is about half of the work, taken from the end.
    jobs = page_jobs(result.dataset, result.problems, build)
    share = _helper_share(jobs)
    assert share == list(range(share[0], len(jobs)))
    theirs = sum(jobs[i][0] for i in share)
    assert 0.4 < theirs / sum(cost for cost, _ in jobs) < 0.6
