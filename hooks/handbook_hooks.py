"""MkDocs hooks: the only MkDocs-aware code. Adapts MkDocs events to the ``handbook`` package.

- ``on_config`` checks the data before MkDocs empties ``site/``: an error in data/ fails the build
  with the same messages as ``handbook check`` and leaves the previous site in place.
- ``on_files`` adds the generated pages in memory (never written into docs/).
- ``on_page_context`` points the Edit button of a generated page at its YAML file.
- ``on_post_build`` ends the log with the plan-health count; ``on_serve`` watches data/.

Each build starts from nothing: what a build needs is made in ``on_config``.
"""

from __future__ import annotations

import logging
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from handbook.check import CheckResult, paused_cyclic_gc, run_check
from handbook.dataset import Dataset
from handbook.problems import Severity, count, format_text
from handbook.render import paths
from handbook.render.common import BuildInfo, GeneratedPage
from handbook.render.pages import render_pages

log = logging.getLogger("mkdocs.plugins.handbook")


@dataclass
class _Build:
    data_dir: Path
    result: CheckResult
    dataset: Dataset
    info: BuildInfo
    sources: dict[str, Path]  # generated page path -> the data file it shows


_build: _Build | None = None
# Set by on_startup: `mkdocs serve` rebuilds on every save, and skips what only a published copy
# needs (today the search index) unless HANDBOOK_SERVE_SEARCH=true asks for it.
_serving = False


def on_startup(command: str, dirty: bool) -> None:
    global _serving
    _serving = command == "serve"


def _skip_search_when_serving(config: MkDocsConfig) -> None:
    if not _serving or os.environ.get("HANDBOOK_SERVE_SEARCH", "").lower() in ("1", "true", "yes"):
        return
    for name, plugin in config.plugins.items():
        if name.endswith("search") and hasattr(plugin, "config") and "enabled" in plugin.config:
            # Material's search plugin checks `enabled` at every page and at the end of a build.
            plugin.config.enabled = False
            log.info(
                "handbook: serving: the search index is not rebuilt (HANDBOOK_SERVE_SEARCH=true to keep it)"
            )


def _data_dir(config: MkDocsConfig) -> Path:
    base = Path(config.config_file_path).parent
    return base / str(config.extra.get("handbook_data", "data"))


def _git_commit(data_dir: Path) -> tuple[str | None, bool]:
    """The commit the data folder is at, and whether data/ has uncommitted changes."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=data_dir, capture_output=True, text=True, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--", "."],
            cwd=data_dir,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None, False
    return commit or None, bool(status.strip())


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _build
    _build = None  # nothing from an earlier build of `mkdocs serve` survives a failed one
    _skip_search_when_serving(config)
    started = time.perf_counter()
    data_dir = _data_dir(config)
    result = run_check(data_dir)
    errors = count(result.problems, Severity.ERROR)
    if errors or result.dataset is None:
        raise PluginError(
            f"{errors} error(s) in {data_dir}; nothing was built:\n"
            + format_text(result.errors, Path.cwd()).rstrip()
        )
    commit, dirty = _git_commit(data_dir)
    _build = _Build(data_dir, result, result.dataset, BuildInfo(result.dataset.now, commit, dirty), {})
    log.info(
        "handbook: checked %s in %.2f s: %d services",
        data_dir,
        time.perf_counter() - started,
        len(result.dataset.services),
    )
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    assert _build is not None, "on_config runs first"
    started = time.perf_counter()
    with paused_cyclic_gc():
        pages: list[GeneratedPage] = render_pages(_build.dataset, _build.result.problems, _build.info)
    docs_dir = Path(config.docs_dir)
    for page in pages:
        if files.get_file_from_path(page.path) is not None:
            raise PluginError(f"docs/{page.path} would hide the generated page of the same name; rename it")
        file = File.generated(config, page.path, content=page.content)
        if page.source is not None:
            _build.sources[page.path] = page.source
            # Relative to docs/: MkDocs joins it to repo_url + edit_uri, which resolves the "..".
            file.edit_uri = Path(os.path.relpath(page.source, docs_dir)).as_posix()
        files.append(file)
    log.info("handbook: generated %d pages in %.2f s", len(pages), time.perf_counter() - started)
    return files


def on_page_context(context: Any, page: Page, config: MkDocsConfig, nav: Any) -> Any:
    # A generated page's title comes from its first heading, which the renderer has escaped; the
    # theme prints it as it is (and overrides/main.html escapes it again where Material's
    # striptags would undo that). Front matter titles are printed raw, so generated pages never
    # carry one: a renderer that wrote one would be a bug.
    if page.file.generated_by is not None and "title" in page.meta:
        raise PluginError(f"generated page {page.file.src_uri} carries a title in its front matter")
    return context


def on_post_build(config: MkDocsConfig) -> None:
    assert _build is not None
    warnings = count(_build.result.problems, Severity.WARNING)
    if warnings:
        log.info(
            "handbook: %d plan-health warning(s); see %s in the site, or run `handbook check`",
            warnings,
            paths.HEALTH.replace(".md", ".html"),
        )
    else:
        log.info("handbook: no plan-health warnings")


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    # Editing data/ rebuilds the handbook like editing docs/ does.
    server.watch(str(_data_dir(config)))
    return server
