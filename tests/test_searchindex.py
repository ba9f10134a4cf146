"""The search index read the fast way (handbook.render.searchindex) against Material's own parser:
the same sections, on the example's pages, on hostile data and on generated HTML that exercises
the parser's rules and quirks; HTML only HTMLParser reads exactly is left to it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hypothesis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from material.plugins.search.plugin import Parser
from test_site import Site, example, hostile  # noqa: F401  (the built sites, as fixtures)

from handbook.render.searchindex import read, sections


def _material(content: str) -> list[tuple[Any, ...]]:
    parser = Parser()
    parser.feed(content)
    parser.close()
    return [(s.el.tag, s.id, s.depth, s.title, s.text, s.is_excluded()) for s in parser.data]


def _fast(content: str) -> list[tuple[Any, ...]] | None:
    found = sections(content)
    if found is None:
        return None
    return [(s.el.tag, s.id, s.depth, s.title, s.text, s.is_excluded()) for s in found]


def _article(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    start, end = text.find("<article"), text.find("</article>")
    return text[start : end + len("</article>")] if start >= 0 else text


def _same_on_every_page(site: Site) -> int:
    read_fast = 0
    for page in site.pages():
        content = _article(page)
        fast = _fast(content)
        if fast is not None:
            read_fast += 1
            assert fast == _material(content), site.rel(page)
        # read() is what the index is made of, fast or not.
        expected = [(s[1], s[3], s[4], s[5]) for s in _material(content)]
        assert read(content) == expected, site.rel(page)
    return read_fast


def test_every_page_of_the_example_reads_the_same(example: Site) -> None:  # noqa: F811
    assert _same_on_every_page(example) == len(example.pages())


def test_every_page_of_hostile_data_reads_the_same(hostile: Site) -> None:  # noqa: F811
    assert _same_on_every_page(hostile) > 0


QUIRKS = [
    # Headings with and without ids, the first not an h1: sections and their depths.
    '<h2 id="a">A<a class="headerlink" href="#a">¶</a></h2><p>one</p><h3>no id</h3><p>two</p>',
    '<h1 id="t">T</h1><div><h2 id="b">B</h2><p>x</p></div><p>after the div</p>',
    # An excluded element skips whatever is inside any open element of its tag name...
    '<div><p>in</p><div data-search-exclude=""><p>hidden</p></div><p>shown again</p></div>',
    # ...and a nested element of that name ends the skipping early.
    "<div data-search-exclude><div>inner</div>still hidden?</div><p>after</p>",
    '<table class="linenodiv"><tr><td>1</td></tr></table><p>code</p>',
    # Kept tags, emptied when they hold only space; pre keeps its line breaks.
    "<p> </p><ul>\n<li>a</li>\n<li> </li>\n</ul><pre><code>x\n  y\n</code></pre>",
    # Text in titles, permalinks left out; entities and line breaks.
    '<h2 id="c">A &amp; B\n<code>x</code><a class="headerlink" href="#c">&para;</a></h2>'
    "text &lt;tag&gt;\nmore",
    # Void and self-closing elements.
    '<p>a<br>b<br/>c<img src="x.png" alt="i"><span/>d</p><hr/><input type="checkbox">',
    # Attributes: duplicates, single quotes, no value, upper case.
    "<P CLASS='x' class=\"y\" hidden>Upper</P><DIV data-search-exclude>gone</DIV>",
    # Unbalanced and stray end tags.
    "<p>open<div>block</p></div></span><p>end",
    "",
    "text only",
]


@pytest.mark.parametrize("content", QUIRKS)
def test_quirks_read_the_same(content: str) -> None:
    fast = _fast(content)
    assert fast is not None
    assert fast == _material(content)


@pytest.mark.parametrize(
    "content",
    [
        "<script>var a = '<p>';</script><p>x</p>",
        "<style>p { }</style><p>x</p>",
        "<!-- a comment --><p>x</p>",
        "<!DOCTYPE html><p>x</p>",
        "<p>1 < 2</p>",
        "<p>a</></p>",
        "<a href=unquoted>x</a>",
        '<a title="unbalanced>x</a>',
    ],
)
def test_html_only_htmlparser_reads_exactly_is_left_to_it(content: str) -> None:
    assert sections(content) is None
    expected = [(s[1], s[3], s[4], s[5]) for s in _material(content)]
    assert read(content) == expected


_TAGS = ["p", "div", "span", "code", "pre", "li", "ul", "ol", "a", "h1", "h2", "h3", "sub", "sup", "table"]
_ATTRIBUTES = [
    "",
    ' id="x"',
    ' id="y"',
    " data-search-exclude",
    ' data-search-exclude=""',
    ' class="headerlink"',
    ' class="linenodiv"',
    ' class="other"',
]
_TEXT = st.sampled_from(["", " ", "\n", "  \n ", "word", "a &amp; b", "x\ny", "&lt;", "¶", "two words "])


@st.composite
def _html(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        choice = draw(st.integers(0, 9))
        if choice < 4 or depth > 3:
            parts.append(draw(_TEXT))
        elif choice == 4:
            parts.append(draw(st.sampled_from(["<br>", "<br/>", "<hr/>", '<img src="i">', "<span/>"])))
        elif choice == 5:
            parts.append(draw(st.sampled_from(["</p>", "</div>", "</li>", "</h2>"])))  # stray
        else:
            tag = draw(st.sampled_from(_TAGS))
            attributes = draw(st.sampled_from(_ATTRIBUTES))
            inner = draw(_html(depth + 1))
            parts.append(f"<{tag}{attributes}>{inner}</{tag}>")
    return "".join(parts)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_html())
@hypothesis.example('<div data-search-exclude><div id="x">a</div>b<h2 id="y">c</h2>d</div>e')
@hypothesis.example('<h2 id="x"><p>title para</p></h2><h2>no id<p>p</p></h2>')
def test_generated_html_reads_the_same(content: str) -> None:
    fast = _fast(content)
    if fast is None:  # only where the plugin's own parser fails (an end with no start to match)
        with pytest.raises(ValueError):
            _material(content)
        return
    assert fast == _material(content)
