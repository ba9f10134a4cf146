"""Data text to page text, safely: plain-text fields are shown exactly as written, markdown fields are
rendered with raw HTML off and sanitised, and nothing from the data can become active HTML,
a Markdown construct or a template."""

from __future__ import annotations

import functools
import re
from html import escape as _escape_html
from typing import Final

import markdown
import nh3
from markupsafe import Markup

# Characters that mean something to HTML or to Markdown anywhere in a line (emphasis, code, links,
# attribute lists, table cells, tags, entities, escapes, attribute quotes), written as numeric
# character references so they show as themselves wherever the text lands: in a table cell, a
# heading, a link text or an attribute. Only these: every reference costs Markdown a pattern
# match, and the site's pages hold thousands of data values.
_SPECIAL: Final = frozenset("\\`*_{}[]<>&|\"'")
_TRANSLATION: Final = {ord(c): f"&#{ord(c)};" for c in _SPECIAL}
# What only counts at the start of a line (headings, lists, quotes, rules, admonitions, setext
# underlines, indented code): escaped when the text begins with it.
_LINE_START: Final = re.compile(r"^(?:[ \t]|[#>+=:!~-]|[0-9]+(?=[.)]))")

ALLOWED_TAGS: Final = frozenset(
    {
        "p", "br", "hr", "em", "strong", "code", "pre", "kbd", "blockquote", "ul", "ol", "li",
        "a", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd",
        "del", "sup", "sub", "abbr",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: Final = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES: Final = frozenset({"http", "https", "mailto", "tel"})


def plain(text: object) -> Markup:
    """Plain text, shown exactly as written: every character HTML or Markdown would read becomes
    a character reference, and line breaks become spaces (plain fields are one line on the page)."""
    line = " ".join(str(text).splitlines()).translate(_TRANSLATION)
    match = _LINE_START.match(line)
    if match:
        if match.group().isdigit():  # "1. not a list": the full stop is what makes the list
            end = match.end()
            line = line[:end] + f"&#{ord(line[end])};" + line[end + 1 :]
        else:
            line = f"&#{ord(line[0])};" + line[1:]
    return Markup(line)


class _NoRawHtml(markdown.Extension):
    """Raw HTML in a markdown field is shown as text: its block and inline readers are removed."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


_CONVERTER: markdown.Markdown | None = None


def _converter() -> markdown.Markdown:
    # Making a converter costs far more than converting a field; one is reused, reset between
    # fields so nothing (abbreviations, references) carries from one field to the next.
    global _CONVERTER
    if _CONVERTER is None:
        _CONVERTER = markdown.Markdown(
            extensions=["fenced_code", "tables", "sane_lists", "def_list", "abbr", _NoRawHtml()],
            output_format="html",
        )
    return _CONVERTER.reset()


_HEADING = re.compile(r"<(/?)h([12])\b")
_MARKDOWN_CHARS = re.compile(r"[\\`*_{}\[\]<>&|#!\n\r\t]")
_BLOCK_START = re.compile(r"[0-9]+[.)]|[-+=:~]")


def _plain_sentence(text: str) -> bool:
    """One line of words, digits and punctuation nothing in Markdown or HTML reads, not starting
    like a block (list, numbered list, rule, setext line) nor with or after spaces."""
    return text == text.strip() and not _MARKDOWN_CHARS.search(text) and not _BLOCK_START.match(text)


_FENCE: Final = re.compile(r"```([A-Za-z0-9_+#.-]*)")
_AWKWARD: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _paragraphs_and_code(text: str) -> str | None:
    """The HTML converting *text* gives, for a text of plain-sentence paragraphs and ``` fenced
    code blocks, each after a blank line; None for any other text.

    Most recovery steps are a sentence or two and a command: converting them was most of the
    time of generating a service page. A property test holds this to converting, through the
    sanitiser both go through."""
    if _AWKWARD.search(text):
        return None
    lines = text.split("\n")
    while lines and not lines[-1]:
        lines.pop()
    blocks: list[str] = []
    i, count = 0, len(lines)
    while i < count:
        line = lines[i]
        if not line:
            i += 1
            continue
        if line.strip() != line or (blocks and lines[i - 1]):
            return None  # indented, trailing spaces, or a block without a blank line before it
        fence = _FENCE.fullmatch(line)
        if fence is not None:
            code: list[str] = []
            i += 1
            while i < count and lines[i] != "```":
                if lines[i].startswith("```") or (lines[i] and not lines[i].strip()):
                    return None
                code.append(lines[i] + "\n")
                i += 1
            if i == count or (i + 1 < count and lines[i + 1]):
                return None  # unclosed, or text right after the closing fence
            blocks.append(f"<pre><code>{_escape_html(''.join(code), quote=False)}</code></pre>")
            i += 1
            continue
        paragraph: list[str] = []
        while i < count and lines[i]:
            if not _plain_sentence(lines[i]) or lines[i].startswith("```"):
                return None
            paragraph.append(lines[i])
            i += 1
        blocks.append("<p>" + "\n".join(paragraph) + "</p>")
    return "\n".join(blocks)


@functools.lru_cache(maxsize=65536)
def markdown_html(text: str | None) -> Markup:
    """A markdown field as sanitised HTML: no raw HTML, no scripts or event attributes, links only
    to http, https, mailto, tel or relative addresses. Headings are demoted below the page's own.

    A pure function of the text, so it is memoised: `mkdocs serve` renders every page on every
    save, and the steps of the services that did not change need not be converted again."""
    if not text:
        return Markup("")
    # A one-line text with nothing Markdown or HTML reads is one paragraph: what converting it
    # gives, for a fraction of the cost (most steps' "verify" and many "details" are such).
    simple = f"<p>{text}</p>" if _plain_sentence(text) else _paragraphs_and_code(text)
    if simple is not None:
        html = simple
    else:
        html = _converter().convert(text)
        html = _HEADING.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) + 2}", html)
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return Markup(cleaned)


def block(html: Markup, css_class: str = "hb-md") -> Markup:
    """Rendered markdown as a raw HTML block that the page's own Markdown pass leaves alone."""
    if not html:
        return Markup("")
    # The empty line after the block ends it for Markdown, whatever the template puts next.
    return Markup(f'<div class="{css_class}">\n{html}\n</div>\n')


def tel(number: str) -> Markup:
    """A tel: address for a phone number as people write it: "+44 20 7946 0001" -> "+442079460001".
    Only digits and + remain, so the address is safe to print as it is."""
    return Markup("tel:" + re.sub(r"[^0-9+]", "", number))


def tel_link(number: str | None) -> Markup | None:
    """The tel: address of an optional phone number."""
    return tel(number) if number else None
