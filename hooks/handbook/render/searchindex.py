"""The entries of Material's search index, made faster: the same entries, found with less work.

Material's search plugin reads each page's HTML with :class:`html.parser.HTMLParser`, which costs
a dozen Python calls per tag, and decides for every tag and every piece of text whether it is
skipped, kept or part of a title by scanning the list of open elements. At 1,000 services that was
a quarter of the site's build. :func:`sections` reads the same HTML with one regular expression
and keeps counts of the open elements instead, following the plugin's rules (its ``Parser``) step
by step, quirks included: elements compare by tag name, so a skipped ``<div>`` skips what is in
any open ``<div>``, and a title takes the text of any open element named like its heading.

The result is the plugin's own ``Section`` objects, which its ``SearchIndex`` turns into entries
as usual. HTML this reader does not follow exactly as ``HTMLParser`` would (a ``<`` that starts no
tag, ``<script>``, ``<style>``, comments, declarations) returns None, and the page is read by the
plugin's parser. ``tests/test_searchindex.py`` holds both to the same sections on every page of
the example site and of hostile data, and on generated HTML. The pages are read in the build's
helper process where there is one (:func:`read`, :mod:`handbook.render.parallel`).

:func:`install` swaps the plugin's index for :class:`FastSearchIndex` when the plugin is the one
this was written against (Material's ``search`` plugin with its ``SearchIndex``, ``Parser``,
``Section`` and ``Element``); with any other, it leaves the plugin as it is.
"""

from __future__ import annotations

import html
import logging
import re
from collections import defaultdict
from concurrent.futures import Future
from html.parser import HTMLParser
from typing import Any, Final

from handbook.render import parallel

log = logging.getLogger("mkdocs.plugins.handbook")

try:  # Material's search plugin: the index this speeds up
    from material.plugins.search import plugin as _material  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - Material is a dependency
    _material = None

_HEADINGS: Final = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_KEEP: Final = frozenset({"p", "code", "pre", "li", "ol", "ul", "sub", "sup"})
_ALWAYS_SKIPPED: Final = ("object", "script", "style")
_VOID: Final = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
# A start tag (quoted values may hold ">"), an end tag, or anything else that starts with "<".
_TAG: Final = re.compile(
    r"<(?:([a-zA-Z][^\s/>]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>|/([a-zA-Z][^\s/>]*)\s*>|)"
)
# Attributes with quoted values or none (Markdown writes no other kind; an unquoted value is left
# to HTMLParser, whose reading of one ending in "/" differs).
_ATTRIBUTE: Final = re.compile(r"([^\s\"'>/=]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'))?")
_ATTRIBUTES_WELL_FORMED: Final = re.compile(r"(?:\s+[^\s\"'>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'))?)*\s*/?")
# Elements whose content HTMLParser reads as text, not tags: a page holding one is left to it.
_RAW_TEXT: Final = tuple(
    sorted(
        set(getattr(HTMLParser, "CDATA_CONTENT_ELEMENTS", ()))
        | set(getattr(HTMLParser, "RCDATA_CONTENT_ELEMENTS", ()))
        | {"script", "style"}
    )
)
_RAW_TEXT_OPEN: Final = re.compile(r"<(?:" + "|".join(_RAW_TEXT) + r")[\s/>]", re.IGNORECASE)


def _attributes(text: str) -> dict[str, str | None]:
    """The attributes of a start tag as HTMLParser gives them (names in lower case, values with
    character references decoded), from text that :data:`_ATTRIBUTES_WELL_FORMED` matches."""
    found: dict[str, str | None] = {}
    for match in _ATTRIBUTE.finditer(text):
        name = match.group(1).lower()
        value = match.group(2) if match.group(2) is not None else match.group(3)
        # HTMLParser gives every pair; the plugin's dict() keeps the last of a name, as here.
        found[name] = None if value is None else html.unescape(value)
    return found


def sections(content: str) -> list[Any] | None:
    """The sections Material's search ``Parser`` finds in *content*, or None for HTML that only
    ``HTMLParser`` reads as it does.

    One loop over the tags and the text between them, the plugin's handlers written out in it (a
    call per tag and per piece of text was half the time); the comments name the handler."""
    if _material is None or _RAW_TEXT_OPEN.search(content) or "<!" in content or "<?" in content:
        return None
    Section, Element = _material.Section, _material.Element
    escape, unescape = html.escape, html.unescape
    headings, keep, void, always = _HEADINGS, _KEEP, _VOID, _ALWAYS_SKIPPED
    well_formed = _ATTRIBUTES_WELL_FORMED.fullmatch

    open_tags: list[str] = []  # the parser's context, by tag name
    counts: defaultdict[str, int] = defaultdict(int)  # open elements by tag name
    skipped: set[str] = set(always)  # tag names in the parser's skip set
    skipping = 0  # open elements whose tag is in `skipped`: while any, nothing is kept
    pre = 0  # open <pre>: their text keeps its line breaks and spaces
    permalinks = 0  # open <a class="headerlink">: their text is no part of a title
    links: list[bool] = []  # per open element: is it such an <a>
    data: list[Any] = []
    section: Any = None
    title_tag = ""  # the tag of the section's element: while one is open, text goes to the title

    parts = _TAG.split(content)
    last = len(parts) - 1
    # parts: text, then per tag (start name, attributes, end name), then text, and so on.
    for index in range(0, len(parts), 4):
        chunk = parts[index]
        if chunk and not skipping:  # handle_data
            if section is None:
                section = Section(Element("hx"))
                data.append(section)
                title_tag = "hx"
            if "&" in chunk:
                chunk = unescape(chunk)
            if chunk.isspace():
                if not pre:
                    chunk = " "
                if counts[title_tag]:
                    if not permalinks:
                        section.title.append(chunk)
                else:
                    text = section.text
                    if pre or not text or not text[-1].isspace():
                        text.append(chunk)
            else:
                if not pre:
                    chunk = chunk.replace("\n", " ")
                if counts[title_tag]:
                    if not permalinks:
                        section.title.append(escape(chunk, quote=False))
                else:
                    section.text.append(escape(chunk, quote=False))
        if index == last:
            break
        closing = parts[index + 3]
        if closing is not None:  # handle_endtag
            tag = closing.lower()
            if not open_tags or open_tags[-1] != tag:
                continue
        else:
            name = parts[index + 1]
            if name is None:
                return None  # a "<" that starts no tag: HTMLParser reads it as text, one way or another
            tag = name.lower()  # handle_starttag
            rest = parts[index + 2]
            attrs: dict[str, str | None] = _NO_ATTRIBUTES
            if rest:
                if not well_formed(rest):
                    return None
                if tag in headings or tag == "a" or "data-search-exclude" in rest or "linenodiv" in rest:
                    attrs = _attributes(rest)
            if tag in void:
                continue  # the plugin keeps no context for them (and <x/> ends nothing)
            open_tags.append(tag)
            counts[tag] += 1
            if tag == "pre":
                pre += 1
            if tag in skipped:
                skipping += 1
            link = tag == "a" and attrs.get("class") == "headerlink"
            links.append(link)
            if link:
                permalinks += 1
            if tag in headings and "id" in attrs:
                depth = len(open_tags)
                if tag != "h1" and not data:
                    section = Section(Element("hx"), depth)
                    data.append(section)
                section = Section(Element(tag, attrs), depth)
                if data:
                    section.id = attrs["id"]
                data.append(section)
                title_tag = tag
            if section is None:
                section = Section(Element("hx"))
                data.append(section)
                title_tag = "hx"
            excluded = False
            if attrs:
                for key, value in attrs.items():
                    if key == "data-search-exclude" or (key == "class" and value == "linenodiv"):
                        excluded = True  # the plugin adds the element to its skip set and stops
                        break
            if excluded:
                if tag not in skipped:
                    skipped.add(tag)
                    skipping = sum(counts[t] for t in skipped)
            elif tag in keep and not skipping:
                (section.title if counts[title_tag] else section.text).append(f"<{tag}>")
            if not rest.endswith("/"):
                continue
            # <x/>: HTMLParser calls the end handler right after the start: on to it, as for </x>
        # handle_endtag: an end tag, or the end of a self-closing <x/>
        if section.depth > len(open_tags):
            depth = len(open_tags)
            for earlier in reversed(data):
                if earlier.depth <= depth:
                    section.depth = float("inf")
                    section = earlier
                    title_tag = section.el.tag
                    break
        open_tags.pop()
        counts[tag] -= 1
        if tag == "pre":
            pre -= 1
        if links.pop():
            permalinks -= 1
        if tag in skipped:
            skipping -= 1
            if tag not in always:
                skipped.discard(tag)
                skipping = sum(counts[t] for t in skipped)
            continue
        if tag in keep and not skipping and not _close_kept(section, tag, counts[title_tag] > 0):
            return None  # the plugin's parser fails on this page: leave it to it
    return data


_NO_ATTRIBUTES: Final[dict[str, str | None]] = {}


def _close_kept(section: Any, tag: str, in_title: bool) -> bool:
    """The plugin's handling of the end of a kept element: an element that holds only space is
    dropped, any other closed. False where the plugin's parser would fail (no start to match)."""
    items = section.title if in_title else section.text
    opening = f"<{tag}>"
    if opening not in items:
        return False
    index = items.index(opening)
    for i in range(index + 1, len(items)):
        if not items[i].isspace():
            index = len(items)
            break
    if len(items) > index:
        del items[index:]
    else:
        items.append(f"</{tag}>")
    return True


def read(content: str) -> list[tuple[Any, list[str], list[str], bool]]:
    """What the index needs of a page's sections: id, title, text, and whether it is left out.
    Runs in the reader process (or in this one): plain data in, plain data out."""
    assert _material is not None
    found = sections(content)
    if found is None:
        parser = _material.Parser()
        parser.feed(content)
        parser.close()
        found = parser.data
    return [(s.id, s.title, s.text, s.is_excluded()) for s in found]


class _Section:
    """A section as the plugin's ``create_entry_for_section`` reads it."""

    __slots__ = ("id", "text", "title")

    def __init__(self, ident: Any, title: list[str], text: list[str]) -> None:
        self.id, self.title, self.text = ident, title, text


if _material is not None:

    class FastSearchIndex(_material.SearchIndex):  # type: ignore[misc]
        """Material's search index, reading pages with :func:`sections`, in the build's helper
        process where there is one (:mod:`handbook.render.parallel`): the pages are read there
        while this process renders the theme around them, and the entries are made, in page
        order, when the index is written."""

        def __init__(self, **config: Any) -> None:
            super().__init__(**config)
            self._pending: list[tuple[Any, Any, str]] = []  # (sections or their future, page, content)

        def add_entry_from_context(self, page: Any) -> None:
            search = page.meta.get("search") or {}
            if search.get("exclude"):
                return
            content = page.content
            work = parallel.submit(read, content)
            self._pending.append((work if work is not None else read(content), page, content))

        def _collect(self) -> None:
            for work, page, content in self._pending:
                if isinstance(work, Future):
                    try:
                        work = work.result()
                    except Exception:  # the helper died: read the page here
                        work = read(content)
                for ident, title, text, excluded in work:
                    if not excluded:
                        self.create_entry_for_section(_Section(ident, title, text), page.toc, page.url, page)
            self._pending.clear()

        def generate_search_index(self, prev: Any) -> str:
            self._collect()
            return str(super().generate_search_index(prev))


def install(plugins: Any) -> bool:
    """Swap the search index of Material's search plugin, once it has made it (its on_config),
    for a :class:`FastSearchIndex`. True if it did."""
    if _material is None:
        return False
    for plugin in plugins.values():
        index: Any = getattr(plugin, "search_index", None)
        if type(plugin) is not _material.SearchPlugin or type(index) is not _material.SearchIndex:
            continue
        expected = ("Section", "Element", "Parser")
        if not all(hasattr(_material, name) for name in expected) or index.entries:
            return False
        fast = FastSearchIndex(**index.config)
        plugin.search_index = fast
        return True
    return False
