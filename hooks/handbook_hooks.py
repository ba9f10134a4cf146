"""MkDocs hooks: the only MkDocs-aware code. Adapts MkDocs events to the ``handbook`` package.

- ``on_config`` checks the data before MkDocs empties ``site/``: an error in data/ fails the build
  with the same messages as ``handbook check`` and leaves the previous site in place.
- ``on_files`` adds the generated pages in memory (never written into docs/), a helper process
  making part of them where there is a core for it (``handbook.render.parallel``).
- ``on_page_markdown`` / ``on_page_content`` give MkDocs only the title of a generated page of
  headings and HTML blocks and put the page together around it (``handbook.render.rawblocks``);
  ``on_env`` keeps the theme's navigation per folder (``handbook.render.themecache``), and the
  search index is read the fast way (``handbook.render.searchindex``). The site is the same.
- ``on_page_context`` points the Edit button of a generated page at its YAML file.
- ``on_post_build`` makes the PDF and the offline bundle from the built site (``handbook.publish``)
  and ends the log with the plan-health count; ``on_serve`` watches data/.

``mkdocs build`` writes the site into a staging folder; only when the site, the PDF and the zip are
all complete do they replace the previous ones, so a failed build leaves those exactly as they were.

Each build starts from nothing: what a build needs is made in ``on_config``.
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from handbook import bundle, publish, serve
from handbook.check import CheckResult, paused_cyclic_gc, run_check
from handbook.dataset import Dataset
from handbook.problems import Severity, count, format_text
from handbook.publish import Edition, PageRef
from handbook.render import parallel, paths, rawblocks, searchindex, themecache
from handbook.render.common import BuildInfo, GeneratedPage
from handbook.render.pages import render_shared, share_pages

log = logging.getLogger("mkdocs.plugins.handbook")


@dataclass
class _Build:
    data_dir: Path
    # The checked data: needed until the pages are generated, then let go (see on_files).
    result: CheckResult | None
    dataset: Dataset | None
    info: BuildInfo
    sources: dict[str, Path]  # generated page path -> the data file it shows
    edition: Edition
    warnings: int = 0
    files_key: str = ""  # the set of pages of this build: links resolve against it
    # Publishing (None when serving without outputs): the final site folder (MkDocs writes into a
    # staging folder meanwhile), dist/, and which copies to make.
    site_dir: Path | None = None
    dist_dir: Path | None = None
    make_pdf: bool = False
    make_bundle: bool = False
    nav_order: list[tuple[str, str | None]] | None = None  # (src_uri, top-level section) in nav order
    strict_warnings: _WarningCount | None = None  # `mkdocs build --strict`: the warnings so far
    pages: dict[str, PageRef] | None = None  # src_uri -> the built page
    shared: Any = None  # the helper process's share of the generated pages (handbook.render.parallel)
    headings: rawblocks.Headings | None = None  # heading lines converted once each (rawblocks)
    search_tags: dict[str, list[str]] = field(default_factory=dict)  # generated page -> its search tags


class _WarningCount(logging.Handler):
    """The warnings of a ``--strict`` build. MkDocs fails such a build only after on_post_build,
    when the copies would already have replaced the previous ones; counted here, a warning (an
    image left out of the PDF, say) fails it before anything is replaced (see _publish)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1

    def stop(self) -> None:
        logging.getLogger("mkdocs").removeHandler(self)


@dataclass
class _Converted:
    """A generated page as MkDocs converted it, kept between the rebuilds of `mkdocs serve`."""

    key: str  # hash of the page's Markdown and of the set of pages its links resolve against
    html: str
    toc: Any
    anchors: set[str] | None
    links_to_anchors: dict[str, dict[str, str]]  # target source path -> {anchor: link}


_build: _Build | None = None
# `mkdocs serve` rebuilds on every save. It skips what only a published copy needs (today the
# search index) unless HANDBOOK_SERVE_SEARCH=true asks for it, and, since MkDocs converts every
# page's Markdown again on every save (most of a rebuild), it reuses the HTML of a generated page
# whose Markdown, and the set of pages its links resolve against, did not change: converting
# would give the same HTML. That state lives in handbook.serve, because MkDocs imports this file
# anew for every rebuild.


def on_startup(command: str, dirty: bool) -> None:
    serve.start(command)


def _skip_search_when_serving(config: MkDocsConfig) -> None:
    if not serve.serving or os.environ.get("HANDBOOK_SERVE_SEARCH", "").lower() in ("1", "true", "yes"):
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
    # The same search index, read faster than Material's parser does (handbook.render.searchindex).
    searchindex.install(config.plugins)
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
    handbook = result.dataset.handbook
    info = BuildInfo(result.dataset.now, commit, dirty)
    _build = _Build(
        data_dir,
        result,
        result.dataset,
        info,
        {},
        Edition(
            handbook.organisation, handbook.title, handbook.classification, handbook.copy_warning_after, info
        ),
        warnings=count(result.problems, Severity.WARNING),
    )
    _build.headings = rawblocks.Headings(config.markdown_extensions, config.mdx_configs)
    _plan_outputs(config, _build)
    if config.strict and _build.site_dir is not None:
        _build.strict_warnings = _WarningCount()
        logging.getLogger("mkdocs").addHandler(_build.strict_warnings)
    # The home page's "About this copy" links the copies this build makes.
    _build.info = replace(
        info, pdf=f"{_build.edition.stem}.pdf" if _build.make_pdf else None, checksums=_build.make_bundle
    )
    _build.edition = replace(_build.edition, build=_build.info)
    # Every page's footer and its old-copy banner (overrides/partials/copyright.html, main.html).
    config.extra["handbook_edition"] = publish.theme_values(_build.edition)
    # A second process, where there is a core for it, makes part of the pages meanwhile.
    _build.shared = share_pages(result.dataset, result.problems, _build.info)
    log.info(
        "handbook: checked %s in %.2f s: %d services",
        data_dir,
        time.perf_counter() - started,
        len(result.dataset.services),
    )
    return config


def _pdf() -> ModuleType:
    """handbook.pdf, imported only by a build that makes the PDF: WeasyPrint takes most of a second
    to import, a tenth of a quick build's time."""
    from handbook import pdf

    return pdf


def _plan_outputs(config: MkDocsConfig, build: _Build) -> None:
    """Decide which copies this build makes, and stage the site unless serving."""
    try:
        build.make_pdf = publish.wanted(
            config.extra.get("handbook_pdf"), serving=serve.serving, name="handbook_pdf"
        )
        build.make_bundle = publish.wanted(
            config.extra.get("handbook_bundle"), serving=serve.serving, name="handbook_bundle"
        )
        if build.make_pdf:
            _pdf().jobs()  # a wrong HANDBOOK_PDF_JOBS fails the build before anything is written
    except ValueError as error:
        raise PluginError(str(error)) from None
    if serve.serving and not (build.make_pdf or build.make_bundle):
        return
    base = Path(config.config_file_path).parent
    build.dist_dir = base / str(config.extra.get("handbook_dist", "dist"))
    for stale in publish.clean_stale_parts(build.dist_dir):
        log.info("handbook: removed %s, left by a build that did not finish", stale)
    build.pages = {}
    if not serve.serving:
        # MkDocs empties its site_dir before writing; pointing it at a staging folder keeps the
        # previous site whole until this build has succeeded (see on_post_build).
        build.site_dir = Path(config.site_dir)
        staged = publish.staging_dir(build.site_dir)
        publish.discard([staged])
        config.site_dir = str(staged)
    for name, made in (("PDF", build.make_pdf), ("offline bundle", build.make_bundle)):
        log.info("handbook: %s: %s", name, "on" if made else "off")


def on_files(files: Files, config: MkDocsConfig) -> Files:
    assert _build is not None, "on_config runs first"
    started = time.perf_counter()
    with paused_cyclic_gc():
        assert _build.dataset is not None and _build.result is not None
        pages: list[GeneratedPage] = render_shared(
            _build.dataset, _build.result.problems, _build.info, _build.shared
        )
    _build.shared = None
    # The data set is millions of small objects; held for the rest of the build, the garbage
    # collector would walk them again and again while MkDocs renders (measured: a third more time
    # than the same pages from disk). The pages are all that is needed from here on.
    _build.result = _build.dataset = None
    docs_dir = Path(config.docs_dir)
    names = sorted([f.src_uri for f in files] + [p.path for p in pages])
    _build.files_key = hashlib.sha256("\n".join(names).encode()).hexdigest()
    for page in pages:
        if files.get_file_from_path(page.path) is not None:
            raise PluginError(f"docs/{page.path} would hide the generated page of the same name; rename it")
        file = File.generated(config, page.path, content=page.content)
        if page.search_tags:
            # Material's search shows tags as HTML, like titles and texts: escaped, they read as text.
            _build.search_tags[page.path] = [html.escape(tag) for tag in page.search_tags]
        if page.source is not None:
            _build.sources[page.path] = page.source
            # Relative to docs/: MkDocs joins it to repo_url + edit_uri, which resolves the "..".
            file.edit_uri = Path(os.path.relpath(page.source, docs_dir)).as_posix()
        files.append(file)
    log.info("handbook: generated %d pages in %.2f s", len(pages), time.perf_counter() - started)
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if _build is not None and (tags := _build.search_tags.get(page.file.src_uri)):
        page.meta["tags"] = tags  # for search only: no tags plugin shows them on the page
    if page.file.generated_by is None or _build is None:
        return markdown
    if serve.serving:
        key = hashlib.sha256((_build.files_key + "\0" + markdown).encode()).hexdigest()
        entry: _Converted | None = serve.converted.get(page.file.src_uri)
        page.handbook_key = key  # type: ignore[attr-defined]  # read back in on_page_content
        if entry is not None and entry.key == key:
            page.handbook_converted = entry  # type: ignore[attr-defined]
            # Only the title heading is converted: MkDocs takes the page title from it.
            return next((line for line in markdown.splitlines() if line.startswith("# ")), "")
    # A page of headings and raw HTML blocks: MkDocs converts the title (or all the headings), the
    # rest goes back in in on_page_content: the same HTML as converting it whole (handbook.render.rawblocks).
    prepared = rawblocks.prepare(markdown, _build.headings)
    if prepared is None:
        return markdown
    page.handbook_raw = prepared  # type: ignore[attr-defined]
    return prepared.for_mkdocs


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    entry: _Converted | None = getattr(page, "handbook_converted", None)
    if entry is not None:
        page.toc = entry.toc
        page.present_anchor_ids = entry.anchors
        page.links_to_anchors = {
            target: links
            for uri, links in entry.links_to_anchors.items()
            if (target := files.get_file_from_path(uri)) is not None
        }
        return entry.html
    prepared: rawblocks.Prepared | None = getattr(page, "handbook_raw", None)
    if prepared is not None:
        finished = prepared.finish(html, list(page.toc or []))
        if finished is not None:
            html = finished.html
            if finished.toc_tokens is not None:
                page.toc = get_toc(finished.toc_tokens)
            page.present_anchor_ids = (page.present_anchor_ids or set()) | finished.ids
        else:  # not what prepare expected: convert the page whole after all
            log.debug("handbook: %s: converting the whole page", page.file.src_uri)
            page.markdown = prepared.markdown
            page.render(config, files)
            html = page.content or ""
    key: str | None = getattr(page, "handbook_key", None)
    if key is not None:
        links = {f.src_uri: dict(a) for f, a in (page.links_to_anchors or {}).items()}
        serve.converted[page.file.src_uri] = _Converted(key, html, page.toc, page.present_anchor_ids, links)
    return html


def on_env(env: Any, config: MkDocsConfig, files: Files) -> Any:
    # The navigation of a page it does not list is the same for every page of a folder: rendered
    # once per folder (handbook.render.themecache).
    themecache.install(env)
    return env


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    if _build is not None and _build.pages is not None:
        order: list[tuple[str, str | None]] = []

        def walk(items: list[Any], section: str | None) -> None:
            for item in items:
                if isinstance(item, Section):
                    walk(item.children, section or item.title)
                elif isinstance(item, Page):
                    order.append((item.file.src_uri, section))

        walk(nav.items, None)
        _build.nav_order = order
    return nav


def on_page_context(context: Any, page: Page, config: MkDocsConfig, nav: Any) -> Any:
    # A generated page's title comes from its first heading, which the renderer has escaped; the
    # theme prints it as it is (and overrides/main.html escapes it again where Material's
    # striptags would undo that). Front matter titles are printed raw, so generated pages never
    # carry one: a renderer that wrote one would be a bug.
    if page.file.generated_by is not None and "title" in page.meta:
        raise PluginError(f"generated page {page.file.src_uri} carries a title in its front matter")
    if _build is not None and _build.pages is not None:
        title = html.unescape(re.sub(r"<[^>]*>", "", page.title or ""))
        _build.pages[page.file.src_uri] = PageRef(page.file.src_uri, page.file.dest_uri, title, None)
    return context


def _reading_order(build: _Build) -> list[PageRef]:
    """Every built page: the navigation's pages in its order, then the rest by path."""
    assert build.pages is not None
    ordered: list[PageRef] = []
    for src_uri, section in build.nav_order or []:
        if (ref := build.pages.pop(src_uri, None)) is not None:
            ordered.append(PageRef(ref.src_uri, ref.dest_uri, ref.title, section))
    ordered.extend(build.pages[uri] for uri in sorted(build.pages))
    return ordered


@event_priority(-200)  # after Material's offline plugin (-100) has written the search index script
def on_post_build(config: MkDocsConfig) -> None:
    assert _build is not None
    parallel.close()  # its work is done (the search index is written): its memory goes back now
    try:
        if _build.pages is not None:
            _publish(config, _build)
    finally:
        if _build.strict_warnings is not None:
            _build.strict_warnings.stop()
    _log_warnings(_build)


def _publish(config: MkDocsConfig, build: _Build) -> None:
    """Make the PDF and the zip from the built site, then put site, PDF and zip in place."""
    assert build.dist_dir is not None
    built = Path(config.site_dir)
    edition = build.edition
    pages = _reading_order(build)
    moves: list[tuple[Path, Path]] = []
    try:
        if build.make_pdf:
            # The PDF goes into the site (and so into the bundle), and a copy into dist/.
            target = build.dist_dir / f"{edition.stem}.pdf"
            temp = publish.temporary(target)
            moves.append((temp, target))
            _pdf().write_pdf(built, pages, edition, built / f"{edition.stem}.pdf")
            shutil.copyfile(built / f"{edition.stem}.pdf", temp)
        if build.make_bundle:
            target = build.dist_dir / f"{edition.stem}.zip"
            temp = publish.temporary(target)
            moves.append((temp, target))  # listed first: a failure half-way discards it
            bundle.write_bundle(built, edition, temp)
        if build.strict_warnings is not None and build.strict_warnings.count:
            count = build.strict_warnings.count
            raise PluginError(f"handbook: {count} warning(s) in a --strict build; nothing was replaced")
    except Exception as error:
        publish.discard([temp for temp, _ in moves] + ([built] if build.site_dir is not None else []))
        if isinstance(error, PluginError):
            raise
        raise PluginError(f"handbook: making the copies failed; nothing was replaced: {error}") from error
    if build.site_dir is not None:
        publish.promote(built, build.site_dir, moves)
        config.site_dir = str(build.site_dir)
    else:
        publish.promote_files(moves)
    for _, target in moves:
        log.info("handbook: wrote %s", target)


def on_build_error(error: Exception) -> None:
    parallel.close()
    if _build is not None and _build.strict_warnings is not None:
        _build.strict_warnings.stop()
    # A failed build leaves the previous site: drop the staging folder.
    if _build is not None and _build.site_dir is not None:
        publish.discard([publish.staging_dir(_build.site_dir)])


def _log_warnings(build: _Build) -> None:
    warnings = build.warnings
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
