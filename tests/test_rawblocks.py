"""Generated pages through MkDocs the short way (handbook.render.rawblocks) against converting them
whole with the site's Markdown: the same HTML, table of contents and ids, page by page, for the
example data, the fixture data, hostile data and a synthetic data set."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from mkdocs.structure.toc import get_toc
from mkdocs.utils import meta
from test_site import HOSTILE

from handbook.check import run_check
from handbook.render import rawblocks
from handbook.render.common import BuildInfo
from handbook.render.pages import render_pages
from handbook.synthetic import generate

from conftest import NOW, PAYROLL, write_data

REPO = Path(__file__).resolve().parent.parent


class _AnyTag(yaml.SafeLoader):
    """mkdocs.yml as plain YAML (its !ENV values are not needed here)."""


_AnyTag.add_multi_constructor("", lambda loader, suffix, node: None)


def _site_markdown() -> tuple[list[str], dict[str, Any]]:
    """The Markdown extensions MkDocs converts the site's pages with: its own three, then those of
    mkdocs.yml, with their settings."""
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_AnyTag)
    names, settings = ["toc", "tables", "fenced_code"], {}
    for item in config["markdown_extensions"]:
        name, options = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        if name not in names:
            names.append(name)
        if options:
            settings[name] = options
    return names, settings


EXTENSIONS, SETTINGS = _site_markdown()


def _converter() -> markdown.Markdown:
    return markdown.Markdown(extensions=EXTENSIONS, extension_configs=SETTINGS)


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is not None and (name == "id" or (name == "name" and tag == "a")):
                self.found.add(value)


def _ids(html: str) -> set[str]:
    parser = _Ids()
    parser.feed(html)
    parser.close()
    return parser.found


def _tree(toc: Any) -> list[tuple[Any, ...]]:
    """A table of contents as MkDocs keeps it (get_toc): titles, ids, levels, children."""
    return [(link.title, link.id, link.level, _tree(link.children)) for link in toc]


def _finish(prepared: rawblocks.Prepared) -> tuple[rawblocks.Finished | None, str]:
    """What MkDocs gives the hook for the page (its conversion and table of contents), finished."""
    part = _converter()
    converted = part.convert(prepared.for_mkdocs)
    return prepared.finish(converted, list(get_toc(part.toc_tokens))), converted


def _compare(body: str, headings: rawblocks.Headings) -> tuple[bool, str]:
    """Whether the short way gives what converting *body* whole gives; which way it went."""
    whole = _converter()
    html = whole.convert(body)
    prepared = rawblocks.prepare(body, headings)
    if prepared is None:
        return True, "whole"
    finished, converted = _finish(prepared)
    assert finished is not None, "MkDocs' conversion of the headings is what prepare expected"
    if finished.toc_tokens is not None:
        toc = get_toc(finished.toc_tokens)
    else:
        mkdocs = _converter()
        mkdocs.convert(prepared.for_mkdocs)
        toc = get_toc(mkdocs.toc_tokens)
    # MkDocs finds the ids of what it converted itself; the rest come with the page.
    ids = finished.ids | _ids(converted)
    assert finished.html == html
    assert _tree(toc) == _tree(get_toc(whole.toc_tokens))
    assert ids == _ids(html)
    return True, "headings converted once each" if prepared.converted is not None else "headings by MkDocs"


def _pages_of(data_dir: Path) -> list[tuple[str, str]]:
    result = run_check(data_dir, NOW)
    assert result.dataset is not None, [p.format() for p in result.errors]
    pages = render_pages(result.dataset, result.problems, BuildInfo(NOW, "0123456789ab", False))
    return [(page.path, meta.get_data(page.content)[0]) for page in pages]


def _check_all(data_dir: Path) -> dict[str, int]:
    headings = rawblocks.Headings(EXTENSIONS, SETTINGS)
    ways: dict[str, int] = {}
    for path, body in _pages_of(data_dir):
        try:
            _, way = _compare(body, headings)
        except AssertionError as error:
            raise AssertionError(f"{path}: {error}") from error
        ways[way] = ways.get(way, 0) + 1
    return ways


def test_example_pages_are_the_same_either_way() -> None:
    ways = _check_all(REPO / "data")
    # Nearly every generated page goes the short way: what is converted whole is the few pages
    # still written in Markdown (home, plan health, glossary, field reference, what-if index).
    assert ways.get("headings converted once each", 0) > 80
    assert ways.get("whole", 0) <= 8


def test_fixture_and_hostile_pages_are_the_same_either_way(tmp_path: Path) -> None:
    _check_all(write_data(tmp_path / "fixture" / "data"))
    _check_all(write_data(tmp_path / "hostile" / "data", HOSTILE))


def test_synthetic_pages_are_the_same_either_way(tmp_path: Path) -> None:
    generate(tmp_path / "data", 60, seed=3, today=dt.date(2026, 11, 25))
    _check_all(tmp_path / "data")


def test_two_sections_of_one_id_are_made_unique_by_mkdocs(tmp_path: Path) -> None:
    # Two headings of the same words on one page: Markdown suffixes the second id, so the page's
    # headings cannot be taken one by one.
    body = "# Title\n\n<p>a</p>\n## Backups\n<p>b</p>\n### Backups\n<p>c</p>\n"
    headings = rawblocks.Headings(EXTENSIONS, SETTINGS)
    prepared = rawblocks.prepare(body, headings)
    assert prepared is not None and prepared.converted is None
    assert _compare(body, headings) == (True, "headings by MkDocs")
    assert 'id="backups_1"' in _converter().convert(body)


@pytest.mark.parametrize(
    "text",
    [
        "Some *Markdown* text.\n",  # a paragraph of Markdown
        "# Title\n\n- a list\n",
        "# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        "# Title\n\n<p>text</p> and more\n",  # something after the end tag on its line
        "<p>before the title</p>\n\n# Title\n",  # the title would not be the first element
        "# Title\n\n<span>inline</span>\n",  # not a block-level tag
        "#Title\n",  # not a heading MkDocs' templates write
    ],
)
def test_anything_but_headings_and_blocks_is_left_to_mkdocs(text: str) -> None:
    assert rawblocks.split(text) is None


def test_a_block_a_blank_line_follows_keeps_a_newline_as_python_markdown_does() -> None:
    body = "# T\n\n<p>a</p>\n<p>b</p>\n\n<div>\n<p>c</p>\n\n<p>d</p>\n</div>\n## U\n<p>e</p>"
    split = rawblocks.split(body)
    assert split is not None
    assert split.headings == ("# T", "## U")
    first = "<p>a</p>\n<p>b</p>\n\n<div>\n<p>c</p>\n\n<p>d</p>\n</div>"
    assert split.pieces == (None, first, None, "<p>e</p>")
    assert _compare(body, rawblocks.Headings(EXTENSIONS, SETTINGS))[0]


def test_ids_in_text_are_not_anchors() -> None:
    blocks = ['<p id="a">x id="no" name="no"</p><a name="n">y</a><input name="z"><span\nid="q&amp;r"></span>']
    assert rawblocks.anchor_ids(blocks) == {"a", "n", "q&r"}


def test_what_mkdocs_did_not_convert_as_expected_is_refused() -> None:
    prepared = rawblocks.prepare("# T\n\n<p>a</p>\n## U\n", rawblocks.Headings(EXTENSIONS, SETTINGS))
    assert prepared is not None and prepared.converted is not None
    title = list(get_toc([{"level": 1, "id": "t", "name": "T", "children": []}]))
    assert prepared.finish('<h1 id="t">T</h1>', title) is not None
    assert prepared.finish('<h2 id="t">T</h2>', title) is None
    assert prepared.finish('<h1 id="t">T</h1>\n<p>more</p>', title) is None
    # A title whose id another heading of the page has: MkDocs must convert the page whole.
    clash = list(get_toc([{"level": 1, "id": "u", "name": "U", "children": []}]))
    assert prepared.finish('<h1 id="u">U</h1>', clash) is None
    unsplit = rawblocks.prepare("# T\n\n<p>a</p>\n", None)
    assert unsplit is not None and unsplit.converted is None
    assert unsplit.finish("<h1>one</h1>\n<h2>two</h2>", []) is None


def test_a_service_named_like_a_section_is_made_unique_by_mkdocs(tmp_path: Path) -> None:
    # The title is converted by MkDocs, the sections from the cache: a service named "Risks" has
    # the id of its "Risks" section, and the page goes back to MkDocs whole (which suffixes it).
    named = PAYROLL.replace("name: Payroll", "name: Risks")
    data_dir = write_data(tmp_path / "data", {"services/payroll.yaml": named})
    body = dict(_pages_of(data_dir))["services/payroll.md"]
    prepared = rawblocks.prepare(body, rawblocks.Headings(EXTENSIONS, SETTINGS))
    assert prepared is not None and prepared.converted is not None
    finished, _ = _finish(prepared)
    assert finished is None
    assert 'id="risks_1"' in _converter().convert(body)
