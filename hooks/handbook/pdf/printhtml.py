"""The built site's pages as one print document: the HTML WeasyPrint lays out into the PDF.

Each page's article, as MkDocs and the theme rendered it, is taken from the built HTML file (no
Markdown is converted again) and cleaned in one pass of a tag scanner: the theme's chrome (edit
button, permalinks, scripts) is dropped, every ``id`` gets the page's key as a prefix so that the
pages' anchors cannot clash, links between pages become links within the document, and images
may only come from the built site. A cover and a table of contents go in front.

The scanner reads the HTML that MkDocs writes (well-formed, attributes quoted); it is not a
general HTML parser, and it need not be one for safety: whatever WeasyPrint is asked to load
still goes through :class:`handbook.pdf.fetch.SiteFetcher`, which serves only files of the site.
"""

from __future__ import annotations

import html
import importlib.resources
import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from urllib.parse import quote, unquote, urlsplit

from handbook.publish import Edition, PageRef

# Links that stay links in the PDF: they lead out of it and a reader can follow them.
EXTERNAL_SCHEMES: Final = frozenset({"http", "https", "mailto", "tel"})
# Elements of the theme or of interaction that have no place on paper: left out with all they hold.
DROPPED_CLASSES: Final = frozenset({"headerlink", "md-content__button", "md-source-file", "hb-noprint"})
DROPPED_ELEMENTS: Final = frozenset(
    {"script", "style", "link", "noscript", "template", "iframe", "object", "embed", "video", "audio",
     "form", "button", "input", "select", "textarea", "dialog", "source", "track", "base", "meta"}
)  # fmt: skip
# Elements whose content HTML reads as text up to their end tag.
_RAW_TEXT: Final = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"})
_VOID: Final = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
# Stylesheets of the theme itself: the PDF has its own lean print.css instead (WeasyPrint's time
# grows with the size of the CSS); the project's own stylesheets (extra_css) are kept.
_THEME_ASSETS: Final = "assets/"

_TOKEN: Final = re.compile(
    r"<!--.*?(?:-->|\Z)|<(/?)([A-Za-z][A-Za-z0-9:_-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.DOTALL
)
_ATTRIBUTE: Final = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_SCHEME: Final = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_ARTICLE: Final = re.compile(r"<article\b[^>]*\bmd-content__inner\b[^>]*>")
_BODY: Final = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_HEAD_LINK: Final = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_LINK_MARK: Final = re.compile(r"\x00(\d+)\x00")
_DROPPED_ATTRIBUTES: Final = frozenset(
    {"srcset", "name", "ping", "formaction", "action", "poster", "background"}
)
_TABLE_PARTS: Final = frozenset({"table", "tr", "td", "th"})
# Column widths, in characters of table text: a line of a table across the page, the padding of
# a cell, the longest word a column makes room for (longer ones wrap) and the narrowest column.
_LINE_LENGTH: Final = 95
_CELL_PADDING: Final = 2
_LONG_WORD: Final = 18
_SHORT_CELL: Final = 12
_MIN_PERCENT: Final = 4.0


@dataclass(frozen=True)
class Refusal:
    """Something a page asks for that the PDF leaves out: an image or a link from outside the site."""

    page: str  # the built page, relative to the site: services/payroll.html
    url: str
    what: str  # "image", "link"
    reason: str

    def message(self) -> str:
        return f"handbook: PDF: {self.page}: {self.what} {self.url} left out ({self.reason})"


@dataclass(frozen=True)
class PrintPage:
    """One site page in the print document."""

    ref: PageRef
    key: str  # the page's anchor, and the prefix of every id on it: p-services-payroll
    level: int  # depth in the bookmarks: 1 for top-level pages and sections
    running: str  # the running header's left part: its section or parent page
    part: str | None  # the navigation section this page opens, printed above its title


# Links between the pages, in the print documents of a PDF made in parts: WeasyPrint keeps them as
# links to this address (it cannot resolve an anchor of another part), and the parts' joining
# (:mod:`handbook.pdf.join`) turns each into a link to its destination in the whole PDF.
LINK_BASE: Final = "https://pdf-link.invalid/"


@dataclass
class PrintDocument:
    """The HTML that WeasyPrint lays out, whole or in parts, and what assembling it left out.

    The pages' articles are kept apart (``sections``) so that the PDF can be laid out in parts
    (:meth:`part`) behind a front matter (:meth:`front`: cover and contents) made last, when the
    page numbers are known; :attr:`html` is the same document in one piece."""

    head: str  # from the doctype to </head>
    body: str  # the <body> start tag
    cover: str
    pages: list[PrintPage]
    sections: list[str]  # one per page, its links still marks: see :meth:`_linked`
    targets: list[str]  # the anchor each link mark leads to
    refused: list[Refusal] = field(default_factory=list)

    def keys(self) -> list[str]:
        """The anchors of the pages, in order."""
        return [page.key for page in self.pages]

    def _linked(self, section: str, base: str) -> str:
        def anchor(match: re.Match[str]) -> str:
            name = self.targets[int(match.group(1))]
            return html.escape(base + "#" + quote(name, safe="-_.~!$&'()*+,;=:@/?"), quote=True)

        return _LINK_MARK.sub(anchor, section)

    @property
    def html(self) -> str:
        """The whole document: cover, contents (page numbers by WeasyPrint), every page."""
        parts = [self.head, self.body, self.cover, _contents(self.pages, None, "")]
        parts.extend(self._linked(section, "") for section in self.sections)
        parts.append(_TAIL)
        return "".join(parts)

    def front(self, numbers: dict[str, str]) -> str:
        """Cover and contents alone, the contents' page numbers given (page key -> number)."""
        head = self.head.replace("</head>", _PART_STYLE + "</head>")
        return "".join((head, self.body, self.cover, _contents(self.pages, numbers, LINK_BASE), _TAIL))

    def part(self, start: int, end: int) -> str:
        """The pages ``start`` to ``end`` (exclusive) alone, links between pages to :data:`LINK_BASE`,
        without the page number (the joining adds it: :func:`numbers_overlay`)."""
        parts = [self.head.replace("</head>", _PART_STYLE + "</head>"), self.body]
        parts.extend(self._linked(section, LINK_BASE) for section in self.sections[start:end])
        parts.append(_TAIL)
        return "".join(parts)

    def split(self, size: int) -> list[tuple[int, int]]:
        """Runs of pages of about *size* characters of HTML each (a page longer than that alone)."""
        runs: list[tuple[int, int]] = []
        start, length = 0, 0
        for index, section in enumerate(self.sections):
            if length and length + len(section) > size:
                runs.append((start, index))
                start, length = index, 0
            length += len(section)
        if start < len(self.sections):
            runs.append((start, len(self.sections)))
        return runs

    def numbers_overlay(self, first: int, last: int, total: int) -> str:
        """Pages that hold only the page number, for pages *first* to *last* (counted from 1) of
        *total*: laid over the parts' pages, where the number's place was left empty."""
        marks = "".join(
            f'<div class="pdf-number" data-number="Page {number} of {total}"></div>'
            for number in range(first, last + 1)
        )
        head = self.head.replace("</head>", _NUMBERS_STYLE + "</head>")
        return f"{head}{self.body}{marks}{_TAIL}"


_TAIL: Final = "\n</body>\n</html>\n"
# A part leaves the page number out: the joining lays it over the page (numbers_overlay).
_PART_STYLE: Final = "<style>@page { @bottom-right { content: none; } }</style>\n"
# The page numbers alone, where print.css puts them on every page but the cover.
_NUMBERS_STYLE: Final = """<style>
@page { @top-left { content: none; } @top-right { content: none; } @bottom-left { content: none; }
  @bottom-right { content: string(hb-number) "  ·  Built " string(hb-date); } }
.pdf-number { string-set: hb-number attr(data-number); break-before: page; }
.pdf-number:first-child { break-before: auto; }
</style>
"""


def print_css() -> str:
    """The PDF's own stylesheet, shipped in the package."""
    return importlib.resources.files(__package__).joinpath("print.css").read_text(encoding="utf-8")


def page_key(dest_uri: str) -> str:
    """The anchor of a page: ``services/payroll.html`` -> ``p-services-payroll``. Never holds
    ``--``, which separates the key from the ids of the page."""
    stem = dest_uri[:-5] if dest_uri.endswith(".html") else dest_uri
    return "p-" + (re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "page")


def reading_order(pages: Sequence[PageRef]) -> list[tuple[PageRef, PageRef | None]]:
    """The pages as given, each page of a folder (``services/payroll.md``) moved right after
    that folder's index page (``services/index.md``), with the parent it was moved under."""
    uris = {page.src_uri for page in pages}
    children: dict[str, list[PageRef]] = {}
    parents: dict[str, PageRef] = {}
    by_uri = {page.src_uri: page for page in pages}
    for page in pages:
        folder, name = posixpath.split(page.src_uri)
        index = posixpath.join(folder, "index.md")
        if folder and name != "index.md" and index in uris:
            children.setdefault(index, []).append(page)
            parents[page.src_uri] = by_uri[index]
    ordered: list[tuple[PageRef, PageRef | None]] = []
    for page in pages:
        if page.src_uri in parents:
            continue
        ordered.append((page, None))
        ordered.extend((child, page) for child in children.get(page.src_uri, []))
    return ordered


def plan_pages(pages: Sequence[PageRef]) -> list[PrintPage]:
    """Keys, bookmark levels and running headers of the pages, in reading order."""
    planned: list[PrintPage] = []
    keys: set[str] = set()
    levels: dict[str, int] = {}
    seen_sections: set[str] = set()
    for ref, parent in reading_order(pages):
        key = page_key(ref.dest_uri)
        number = 2
        while key in keys:
            key, number = f"{page_key(ref.dest_uri)}-{number}", number + 1
        keys.add(key)
        part = None
        if parent is not None:
            level, running = levels[parent.src_uri] + 1, parent.title
        elif ref.section is not None:
            level, running = 2, ref.section
            if ref.section not in seen_sections:
                part = ref.section
                seen_sections.add(ref.section)
        else:
            level, running = 1, ref.title
        levels[ref.src_uri] = level
        planned.append(PrintPage(ref, key, level, running, part))
    return planned


def _attributes(text: str) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    for match in _ATTRIBUTE.finditer(text):
        name, double, single, bare = match.groups()
        value = double if double is not None else single if single is not None else bare
        found.append((name, None if value is None else html.unescape(value)))
    return found


def _start_tag(name: str, attributes: Iterable[tuple[str, str | None]], closed: bool) -> str:
    parts = [f"<{name}"]
    for key, value in attributes:
        parts.append(f" {key}" if value is None else f' {key}="{html.escape(value, quote=True)}"')
    parts.append(" />" if closed else ">")
    return "".join(parts)


class _Page:
    """One page's article, cleaned; links to other pages wait for every page's ids (:func:`assemble`)."""

    def __init__(self, plan: PrintPage, site_pages: dict[str, str], links: list[tuple[str, str]]) -> None:
        self.plan = plan
        self.dest = plan.ref.dest_uri
        self.folder = posixpath.dirname(self.dest)
        self.site_pages = site_pages  # built page -> its key
        self.links = links  # shared by all pages: (target key, fragment) per placeholder
        self.ids: set[str] = set()
        self.refused: list[Refusal] = []

    def refuse(self, url: str, what: str, reason: str) -> None:
        self.refused.append(Refusal(self.dest, url, what, reason))

    def site_path(self, url: str) -> str | None:
        """The file of the site a relative URL of this page names (without query or fragment),
        or None when it leaves the site."""
        path = unquote(urlsplit(url).path)
        joined = path.lstrip("/") if path.startswith("/") else posixpath.join(self.folder, path)
        normal = posixpath.normpath(joined) if joined else self.dest
        if normal == "." or path.endswith("/"):
            normal = posixpath.join("" if normal == "." else normal, "index.html")
        if normal.startswith("../") or normal == ".." or normal.startswith("/"):
            return None
        return normal

    def link(self, href: str) -> str | None:
        """Where a link leads in the PDF: a placeholder for an anchor of the document, the URL
        itself when it leads out, or None when it becomes plain text."""
        href = href.strip()
        if not href:
            return None
        scheme = _SCHEME.match(href)
        if scheme:
            if scheme.group(1).lower() in EXTERNAL_SCHEMES:
                return href
            self.refuse(href, "link", f"{scheme.group(1).lower()}: links are not kept")
            return None
        if href.startswith("//"):
            self.refuse(href, "link", "network-path links are not kept")
            return None
        if href.startswith("#"):
            target, fragment = self.plan.key, unquote(href[1:])
        else:
            path = self.site_path(href)
            if path is None:
                self.refuse(href, "link", "it points outside the site")
                return None
            target_key = self.site_pages.get(path)
            if target_key is None:  # a file of the site that is not a page of the PDF
                return None
            target, fragment = target_key, unquote(urlsplit(href).fragment)
        self.links.append((target, fragment))
        return f"\x00{len(self.links) - 1}\x00"

    def image(self, src: str) -> str | None:
        """The address of an image for WeasyPrint (relative to the site folder), or None."""
        src = src.strip()
        if not src:
            return None
        scheme = _SCHEME.match(src)
        if scheme:
            if scheme.group(1).lower() == "data" and src[5:].lstrip().lower().startswith("image/"):
                return src
            self.refuse(src, "image", "only images of the built site are included")
            return None
        if src.startswith("//"):
            self.refuse(src, "image", "only images of the built site are included")
            return None
        path = self.site_path(src)
        if path is None:
            self.refuse(src, "image", "it points outside the site")
            return None
        return quote(path)

    def clean(self, article: str) -> str:
        out: list[str] = []
        position = 0
        anchors: list[str] = []  # per open <a>: kept as a "link", a "tel" link, or left as "text"
        tables: list[_Table] = []  # the open tables, innermost last
        svg_depth = 0
        while True:
            match = _TOKEN.search(article, position)
            text = article[position:] if match is None else article[position : match.start()]
            out.append(text)
            if tables and text:
                tables[-1].text(text, unbroken=bool(anchors) and anchors[-1] == "tel")
            if match is None:
                break
            position = match.end()
            closing, raw_name, attribute_text = match.groups()
            if raw_name is None:  # a comment
                continue
            name = raw_name.lower()
            if closing:
                if svg_depth:
                    svg_depth -= name == "svg"
                    # an SVG keeps its own links, styles and ids (its CSS and markers refer to them)
                elif name == "a":
                    if anchors and anchors.pop() == "text":
                        continue
                elif name in DROPPED_ELEMENTS:
                    continue
                elif name in _TABLE_PARTS and tables:
                    if name == "table":
                        tables.pop().close(out)
                    else:
                        tables[-1].end(name)
                out.append(match.group())
                continue
            self_closed = attribute_text.rstrip().endswith("/")
            if name in DROPPED_ELEMENTS and not (svg_depth and name == "style"):
                position = self._skip(article, name, position, self_closed)
                continue
            if not attribute_text.strip(" \t\n/"):
                attributes: list[tuple[str, str | None]] = []
                tag: str | None = match.group()
                if name == "a" and not svg_depth:
                    anchors.append("text")  # no href: a named anchor at most; nothing to follow
                    tag = None
            else:
                attributes = _attributes(attribute_text.rstrip("/"))
                classes = next((value for key, value in attributes if key.lower() == "class"), None) or ""
                if classes and not DROPPED_CLASSES.isdisjoint(classes.split()):
                    position = self._skip(article, name, position, self_closed)
                    continue
                tag = self._tag(raw_name, attributes, self_closed, svg_depth > 0, anchors)
            if name == "svg":
                svg_depth += not self_closed
            elif not svg_depth and name in _TABLE_PARTS:
                if name == "table":
                    tables.append(_Table(len(out)))
                elif tables:
                    tables[-1].start(name, attributes)
            if tag is not None:
                out.append(tag)
        return "".join(out)

    def _tag(
        self,
        raw_name: str,
        attributes: list[tuple[str, str | None]],
        closed: bool,
        in_svg: bool,
        anchors: list[str],
    ) -> str | None:
        """A start tag with its ids prefixed and its addresses resolved; None leaves it out."""
        name = raw_name.lower()
        kept: list[tuple[str, str | None]] = []
        for original, value in attributes:
            key = original.lower()
            if value is None:
                kept.append((original, value))
            elif key == "id" and not in_svg:
                self.ids.add(value)
                kept.append((key, f"{self.plan.key}--{value}"))
            elif key in ("href", "xlink:href") and (name == "a" or name == "area"):
                target = self.link(value)
                if target is not None:
                    kept.append((key, target))
            elif in_svg and key in ("href", "xlink:href") and name in ("image", "feimage", "use"):
                if name == "use" and value.startswith("#"):
                    kept.append((key, value))
                    continue
                source = self.image(value)
                if source is None:
                    return None
                kept.append((key, source))
            elif key == "src" and name == "img":
                source = self.image(value)
                if source is None:
                    alt = next((v for k, v in attributes if k.lower() == "alt" and v), None)
                    text = f"[image left out: {alt}]" if alt else "[image left out]"
                    return f'<span class="pdf-left-out">{html.escape(text)}</span>'
                kept.append((key, source))
            elif key in _DROPPED_ATTRIBUTES or key.startswith("on"):  # no scripts, no other sources
                continue
            else:
                kept.append((original, value))
        if name == "a" and not in_svg:
            href = next((v for k, v in kept if k in ("href", "xlink:href")), None)
            anchors.append("text" if href is None else "tel" if href.lower().startswith("tel:") else "link")
            if href is None:
                ids = [(k, v) for k, v in kept if k == "id"]
                return _start_tag("span", ids, False) + "</span>" if ids else None
        return _start_tag(raw_name, kept, closed)

    @staticmethod
    def _skip(text: str, name: str, position: int, self_closed: bool) -> int:
        """The position after the element that starts just before *position*."""
        if self_closed or name in _VOID:
            return position
        if name in _RAW_TEXT:
            end = re.compile(rf"</{re.escape(name)}\s*>", re.IGNORECASE).search(text, position)
            return len(text) if end is None else end.end()
        depth = 1
        while depth:
            match = _TOKEN.search(text, position)
            if match is None:
                return len(text)
            position = match.end()
            closing, raw_name, attributes = match.groups()
            if raw_name is None or raw_name.lower() != name:
                continue
            if closing:
                depth -= 1
            elif not attributes.rstrip().endswith("/"):
                depth += 1
        return position


class _Table:
    """The column widths of a table, from the length of its cells' text.

    WeasyPrint lays a table with these out with ``table-layout: fixed``, instead of measuring the
    text of every cell, several times over, to find the widths (its ``auto`` layout: most of the
    PDF's time on pages made mostly of tables). The text still wraps within its column (even
    inside a long word), so nothing is cut off. Tables with merged cells keep the auto layout."""

    def __init__(self, index: int) -> None:
        self.index = index  # where its start tag is in the output
        self.rows: list[list[tuple[int, int]]] = []  # per cell: text length, longest word
        self.cell: list[int] | None = None
        self.merged = False

    def start(self, name: str, attributes: list[tuple[str, str | None]]) -> None:
        if name == "tr":
            self.rows.append([])
        elif name in ("td", "th"):
            spans = (value for key, value in attributes if key.lower() in ("colspan", "rowspan"))
            self.merged = self.merged or any((value or "1").strip() != "1" for value in spans)
            if not self.rows:
                self.rows.append([])
            self.cell = [0, 0]

    def text(self, text: str, unbroken: bool) -> None:
        """Count a piece of a cell's text; an *unbroken* piece (a phone number) is one word."""
        if self.cell is not None:
            words = (html.unescape(text) if "&" in text else text).split()
            if words:
                length = sum(map(len, words)) + len(words)
                self.cell[0] += length
                # Phone numbers are bold digits, wider than the average letter.
                self.cell[1] = max(self.cell[1], length * 5 // 4 if unbroken else max(map(len, words)))

    def end(self, name: str) -> None:
        if name in ("td", "th") and self.cell is not None and self.rows:
            length, word = self.cell
            # A short cell ("2 Moderate", "RTO") keeps to one line, as it would in a browser.
            self.rows[-1].append((length, length if length <= _SHORT_CELL else word))
            self.cell = None

    def close(self, out: list[str]) -> None:
        rows = [row for row in self.rows if row]
        columns = len(rows[0]) if rows else 0
        if self.merged or columns < 2 or any(len(row) != columns for row in rows):
            return
        widest = [_CELL_PADDING + max(row[j][0] for row in rows) for j in range(columns)]
        narrowest = [_CELL_PADDING + min(_LONG_WORD, max(row[j][1] for row in rows)) for j in range(columns)]
        # A table whose words do not fit across the page is printed smaller (print.css).
        wide = sum(narrowest) > _LINE_LENGTH
        line = _LINE_LENGTH * 8 // 7 if wide else _LINE_LENGTH
        spare = line - sum(narrowest)
        stretch = [wide - narrow for wide, narrow in zip(widest, narrowest, strict=True)]
        if sum(widest) <= line:
            widths = [float(w) for w in widest]
        elif spare <= 0 or not sum(stretch):
            widths = [float(n) for n in narrowest]
        else:
            widths = [n + spare * s / sum(stretch) for n, s in zip(narrowest, stretch, strict=True)]
        total = sum(widths)
        percent = [max(_MIN_PERCENT, 100 * w / total) for w in widths]
        scale = 100 / sum(percent)
        cols = "".join(f'<col style="width: {p * scale:.1f}%">' for p in percent)
        tag = out[self.index]
        marker = ' data-pdf-widths="wide"' if wide else " data-pdf-widths"
        out[self.index] = f"{tag[:-1].rstrip('/')}{marker}><colgroup>{cols}</colgroup>"


def _article(text: str, dest: str) -> str:
    match = _ARTICLE.search(text)
    if match is not None:
        end = text.rfind("</article>")
        return text[match.end() : end if end > match.end() else len(text)]
    body = _BODY.search(text)
    if body is None:
        raise ValueError(f"{dest}: no page content found (neither the theme's article nor a <body>)")
    end = text.lower().rfind("</body>")
    return text[body.end() : end if end > body.end() else len(text)]


def site_stylesheets(first_page: str, dest: str) -> list[str]:
    """The project's own stylesheets (extra_css) a built page links, relative to the site folder;
    the theme's own (under assets/) are left to the screen."""
    folder = posixpath.dirname(dest)
    found: list[str] = []
    head_end = first_page.find("</head>")
    for match in _HEAD_LINK.finditer(first_page, 0, head_end if head_end >= 0 else len(first_page)):
        attributes = {key.lower(): value for key, value in _attributes(match.group()[5:-1].rstrip("/"))}
        rel, href = (attributes.get("rel") or "").lower().split(), attributes.get("href")
        if "stylesheet" not in rel or not href or _SCHEME.match(href) or href.startswith("/"):
            continue
        path = posixpath.normpath(posixpath.join(folder, urlsplit(href).path))
        if not path.startswith((_THEME_ASSETS, "../")) and path not in found:
            found.append(path)
    return found


def _iso(edition: Edition) -> str:
    return edition.build.built_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _cover(edition: Edition) -> str:
    e = html.escape
    build = edition.build
    classification = edition.classification or ""
    lines = [
        '<section class="pdf-cover">',
        f'<p class="pdf-cover-organisation">{e(edition.organisation)}</p>',
        f"<h1>{e(edition.title)}</h1>",
    ]
    if classification:
        lines.append(f'<p class="pdf-cover-classification">{e(classification)}</p>')
    lines += [
        '<table class="pdf-cover-facts"><tbody>',
        f"<tr><th>Built</th><td>{e(build.stamp)}</td></tr>",
        f"<tr><th>Data commit</th><td>{e(build.commit_text)}</td></tr>",
        "</tbody></table>",
        '<p class="pdf-cover-warning"><strong>Uncontrolled when printed: check the date.</strong> '
        f"This copy shows the plans as they were on {e(build.date)}; the handbook's site has the "
        "current ones.</p>",
        "</section>",
    ]
    return "\n".join(lines)


def _contents(planned: Sequence[PrintPage], numbers: dict[str, str] | None, base: str) -> str:
    """The table of contents; its page numbers from WeasyPrint (``target-counter``) when *numbers*
    is None, else printed as given (page key -> number) for a PDF made in parts."""
    e = html.escape

    def entry(css: str, key: str, title: str) -> str:
        number = "" if numbers is None else f' data-page="{e(numbers[key])}"'
        return f'<li class="{css}"><a href="{e(base)}#{key}"{number}>{e(title)}</a></li>'

    lines = ['<nav class="pdf-toc" id="pdf-contents">', "<h1>Contents</h1>", "<ul>"]
    for page in planned:
        if page.part is not None:
            lines.append(entry("pdf-toc-part", page.key, page.part))
        lines.append(entry(f"pdf-toc-l{min(page.level, 4)}", page.key, page.ref.title))
    lines += ["</ul>", "</nav>"]
    return "\n".join(lines)


def assemble(site_dir: Path, pages: Sequence[PageRef], edition: Edition) -> PrintDocument:
    """The print document of the built site in *site_dir*, pages in the order given."""
    planned = plan_pages(pages)
    site_pages = {page.ref.dest_uri: page.key for page in planned}
    links: list[tuple[str, str]] = []
    bodies: list[str] = []
    ids: dict[str, set[str]] = {}
    refused: list[Refusal] = []
    stylesheets: list[str] = []
    for number, plan in enumerate(planned):
        # NUL never reaches a document (HTML reads it as U+FFFD); here it marks the links.
        text = (site_dir / plan.ref.dest_uri).read_text(encoding="utf-8").replace("\x00", "\ufffd")
        if number == 0:
            stylesheets = site_stylesheets(text, plan.ref.dest_uri)
        page = _Page(plan, site_pages, links)
        bodies.append(page.clean(_article(text, plan.ref.dest_uri)))
        ids[plan.key] = page.ids
        refused.extend(page.refused)
    # A fragment the target page does not have leads to the page's start: no dead link.
    targets = [
        f"{target}--{fragment}" if fragment and fragment in ids[target] else target
        for target, fragment in links
    ]

    e = html.escape
    iso = _iso(edition)
    head = "\n".join(
        [
            "<!doctype html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f"<title>{e(edition.title)}</title>",
            f'<meta name="author" content="{e(edition.organisation)}">',
            f'<meta name="description" content="{e(edition.title)}, {e(edition.organisation)}, '
            f'built {e(edition.build.stamp)}">',
            f'<meta name="dcterms.created" content="{iso}">',
            f'<meta name="dcterms.modified" content="{iso}">',
            *(f'<link rel="stylesheet" href="{e(quote(sheet))}">' for sheet in stylesheets),
            f"<style>\n{print_css()}</style>",
            "</head>\n",
        ]
    )
    # What every page's header and footer print (print.css), whichever part of the PDF it is in.
    body = (
        f'<body data-classification="{e(edition.classification or "")}" '
        f'data-date="{e(edition.build.date)}">\n'
    )
    sections: list[str] = []
    for plan, text in zip(planned, bodies, strict=True):
        title = e(plan.ref.title)
        running = e(plan.running)
        section = [
            f'\n<section class="pdf-page" id="{plan.key}" data-title="{title}" data-running="{running}">'
        ]
        # The section's bookmark comes first: its pages' bookmarks go under it.
        if plan.part is not None:
            section.append(f'<p class="pdf-part" data-title="{e(plan.part)}">{e(plan.part)}</p>')
        section.append(f'<article class="md-typeset pdf-l{min(plan.level, 6)}" data-title="{title}">')
        section.append(text)
        section.append("</article></section>")
        sections.append("".join(section))
    return PrintDocument(head, body, _cover(edition) + "\n", planned, sections, targets, refused)
