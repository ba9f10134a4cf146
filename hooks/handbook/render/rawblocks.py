"""Generated pages through MkDocs without converting what needs no converting.

Most generated pages are headings (Markdown: MkDocs gives them their ids and permalinks, makes the
table of contents and takes the page title from the first) between raw HTML blocks: the tables,
paragraphs and diagrams the templates write as HTML. Python-Markdown passes a raw block through
unchanged, but only after an HTML parser has walked it to find where it ends, and MkDocs walks the
whole page once more looking for ids: at 1,000 services that was most of the site's build.

:func:`prepare` finds the headings and the blocks between them (:func:`split`). The hook then
gives MkDocs only the title to convert: :class:`Headings` converts each other heading line once
for the whole build, with the site's own Markdown settings, and a page whose headings all come out
with ids of their own (none made unique by a suffix, as a second heading of the same name would
be) is put together from those and MkDocs' title (:meth:`Prepared.finish`). Any other split page
MkDocs converts all the headings of. The result is the HTML (and table of contents, and ids)
that converting the whole page gives, byte for byte: ``tests/test_rawblocks.py`` holds every
generated page of the example, fixture, hostile and synthetic data to it. A raw block is kept
exactly as Python-Markdown keeps it, with the one newline it adds after a block that a blank line
follows.

A page that holds anything else (a Markdown paragraph, list or table) is not split: MkDocs
converts it whole, as any page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import markdown
from markdown.extensions.toc import nest_toc_tokens

# Tags a raw block of ours starts with: block-level for Python-Markdown (so it keeps the block as
# written) and never self-closing.
_BLOCK_TAGS: Final = frozenset({"div", "table", "p", "ul", "ol", "dl", "pre", "blockquote", "details"})
_OPENING: Final = re.compile(r"<([a-z]+)[\s>]")
_HEADING: Final = re.compile(r"#{1,6} [^\n]*\S")
# After a block's end tag: the rest of its line empty and the next line blank (Python-Markdown's
# test for keeping a newline after the block).
_BLANK_AFTER: Final = re.compile(r"([ ]*\n){2}")
_TAG_EDGES: dict[str, re.Pattern[str]] = {}

_ID: Final = re.compile(r"\sid=\"([^\"]*)\"")
_NAME: Final = re.compile(r"\sname=\"([^\"]*)\"")


@dataclass(frozen=True)
class Split:
    """A page's headings, and what goes between them."""

    headings: tuple[str, ...]  # the Markdown lines
    pieces: tuple[str | None, ...]  # in page order: a raw block, or None where a heading goes

    @property
    def markdown(self) -> str:
        """The headings as a page of their own, one paragraph each."""
        return "\n\n".join(self.headings) + "\n"

    @property
    def blocks(self) -> tuple[str, ...]:
        return tuple(piece for piece in self.pieces if piece is not None)

    def join(self, headings: Sequence[str]) -> str:
        """The page: the converted *headings*, one each, with the blocks back between them."""
        out: list[str] = []
        next_heading = iter(headings)
        for piece in self.pieces:
            out.append(next(next_heading) if piece is None else piece)
        return "\n".join(out)


def _edges(tag: str) -> re.Pattern[str]:
    found = _TAG_EDGES.get(tag)
    if found is None:
        found = _TAG_EDGES[tag] = re.compile(rf"<(/?){tag}(?=[\s>/])")
    return found


def _block_end(text: str, start: int, tag: str) -> int | None:
    """Where the element opened at *start* ends (after its end tag), counting only its own tag:
    our blocks are well-formed HTML, in which that is where the element closes."""
    depth = 0
    for edge in _edges(tag).finditer(text, start):
        if edge.group(1):
            depth -= 1
            if depth == 0:
                close = text.find(">", edge.end())
                return None if close < 0 else close + 1
        else:
            depth += 1
    return None


def split(text: str) -> Split | None:
    """The headings of the Markdown *text* and the raw HTML blocks between them, or None when
    the page holds anything but headings, raw blocks and blank lines, or starts with a block (the
    title is the first heading only when nothing comes before it)."""
    headings: list[str] = []
    pieces: list[str | None] = []
    position, size = 0, len(text)
    while position < size:
        end_of_line = text.find("\n", position)
        if end_of_line < 0:
            end_of_line = size
        line = text[position:end_of_line]
        if not line.strip():
            position = end_of_line + 1
            continue
        if line[0] == "#":
            if not _HEADING.fullmatch(line):
                return None
            headings.append(line)
            pieces.append(None)
            position = end_of_line + 1
            continue
        if not pieces and "\n#" in text:
            return None
        opening = _OPENING.match(line)
        if opening is None or opening.group(1) not in _BLOCK_TAGS:
            return None
        tag = opening.group(1)
        if line.endswith(f"</{tag}>") and line.count(f"<{tag}") == 1:
            end: int | None = end_of_line  # a block of one line, the most common kind
        else:
            end = _block_end(text, position, tag)
        if end is None or (end < size and text[end] != "\n"):
            return None  # something after the end tag on its line: not a block of ours
        block = text[position:end]
        if _BLANK_AFTER.match(text, end):
            block += "\n"
        if pieces and pieces[-1] is not None:
            pieces[-1] += "\n" + block  # blocks in a row: paragraphs in a row, a newline apart
        else:
            pieces.append(block)
        position = end + 1
    return Split(tuple(headings), tuple(pieces))


def lines(converted: str, count: int) -> list[str] | None:
    """The headings MkDocs converted, one a line: None unless there are *count* of them."""
    found = converted.split("\n") if converted else []
    if len(found) != count or not all(h.startswith("<h") and h.endswith(">") for h in found):
        return None
    return found


def anchor_ids(blocks: Sequence[str]) -> set[str]:
    """The ids (and ``<a name>``) in the blocks: what MkDocs would have found in the raw HTML, for
    checking links to them. An ``id="..."`` counts where it is inside a tag, not in text."""
    found: set[str] = set()
    for block in blocks:
        for pattern, needle in ((_ID, ' id="'), (_NAME, ' name="')):
            if needle not in block:
                continue
            for match in pattern.finditer(block):
                start = match.start()
                tag = block.rfind("<", 0, start)
                if tag <= block.rfind(">", 0, start):
                    continue  # in text, not in a tag
                if pattern is _NAME and not (block.startswith("<a", tag) and block[tag + 2].isspace()):
                    continue  # MkDocs counts the name of an <a> only
                found.add(html.unescape(match.group(1)))
    return found


@dataclass(frozen=True)
class Heading:
    html: str  # the <hN> element, permalink included
    token: Mapping[str, Any]  # its entry in the table of contents (Python-Markdown's toc token)


@dataclass(frozen=True)
class Converted:
    """A split page's headings after its title, converted: their HTML and table of contents."""

    headings: tuple[Heading, ...]

    @property
    def ids(self) -> set[str]:
        return {str(h.token["id"]) for h in self.headings}


class Headings:
    """Heading lines converted one at a time with the site's Markdown settings, each line once.

    A heading converts alike on any page, but for its id: Python-Markdown makes an id unique on
    its page with a suffix (``backups_1``). :meth:`page` therefore takes the converted headings
    only for a page where no two of them share an id (the title's, which MkDocs converts, is
    compared in :meth:`Prepared.finish`); any other page MkDocs converts as usual."""

    def __init__(self, extensions: Sequence[Any], configs: Mapping[str, Any] | None) -> None:
        self._md = markdown.Markdown(extensions=list(extensions), extension_configs=dict(configs or {}))
        self._seen: dict[str, Heading | None] = {}

    def _one(self, line: str) -> Heading | None:
        if line in self._seen:
            return self._seen[line]
        converted = self._md.reset().convert(line)
        tokens: list[dict[str, Any]] = getattr(self._md, "toc_tokens", [])
        found = None
        if "\n" not in converted and len(tokens) == 1 and not tokens[0].get("children"):
            found = Heading(converted, tokens[0])
        self._seen[line] = found
        return found

    def page(self, split: Split) -> Converted | None:
        """The page's headings after the title converted, or None if one cannot be taken as it is."""
        converted: list[Heading] = []
        ids: set[str] = set()
        for line in split.headings[1:]:
            heading = self._one(line)
            if heading is None or heading.token["id"] in ids:
                return None
            ids.add(str(heading.token["id"]))
            converted.append(heading)
        return Converted(tuple(converted))


@dataclass(frozen=True)
class Finished:
    """A split page converted: its HTML, its table of contents (None: MkDocs made it, from all the
    headings) and the ids MkDocs did not see."""

    html: str
    toc_tokens: list[dict[str, Any]] | None
    ids: set[str]


@dataclass(frozen=True)
class Prepared:
    """A page on its way through MkDocs: what MkDocs is given to convert, and the rest."""

    markdown: str  # the page's Markdown, as it came
    split: Split
    converted: Converted | None  # its headings after the title, when all could be taken from Headings

    @property
    def for_mkdocs(self) -> str:
        """The title alone, when the other headings are converted already; else every heading."""
        return self.split.headings[0] + "\n" if self.converted is not None else self.split.markdown

    def finish(self, converted: str, toc: Sequence[Any]) -> Finished | None:
        """The page from what MkDocs made of :attr:`for_mkdocs`: its HTML and its table of contents
        (MkDocs' AnchorLinks: title, id, level, children). None if that is not what it should be,
        or the title's id is that of another heading (MkDocs must then convert the page whole)."""
        if self.converted is None:
            headings = lines(converted, len(self.split.headings))
            if headings is None:
                return None
            return Finished(self.split.join(headings), None, anchor_ids(self.split.blocks))
        title = lines(converted, 1)
        if title is None or not title[0].startswith("<h1") or len(toc) != 1 or toc[0].children:
            return None
        if toc[0].id in self.converted.ids:
            return None
        html = self.split.join([title[0]] + [h.html for h in self.converted.headings])
        flat: Any = [{"level": toc[0].level, "id": toc[0].id, "name": toc[0].title}]
        flat += [dict(h.token) for h in self.converted.headings]
        nested: Any = nest_toc_tokens(flat)
        return Finished(html, list(nested), self.converted.ids | anchor_ids(self.split.blocks))


def prepare(text: str, headings: Headings | None) -> Prepared | None:
    """A generated page's Markdown made ready for MkDocs, or None to leave it as it is."""
    found = split(text)
    if found is None:
        return None
    converted = None
    if headings is not None and found.headings and found.headings[0].startswith("# "):
        converted = headings.page(found)
    return Prepared(text, found, converted)
