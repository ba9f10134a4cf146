"""The generated Markdown, page by page: golden files of the conftest fixture's pages, and the text
functions every page relies on (plain text shown literally, markdown sanitised, tel: addresses).

Regenerate the golden files with ``UPDATE_GOLDEN=1 pytest tests/test_render.py``: the run writes
them and fails, so the diff is reviewed (``git diff tests/golden``) before a green run compares.
"""

from __future__ import annotations

import difflib
import os
import re
import string
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from handbook.check import run_check
from handbook.render.common import BuildInfo, GeneratedPage
from handbook.render.pages import render_pages
from handbook.render.text import markdown_html, plain, tel

from conftest import NOW, write_data

GOLDEN = Path(__file__).resolve().parent / "golden"
GOLDEN_PAGES = [
    "services/payroll.md",
    "services/network.md",
    "index.md",
    "services/index.md",
    "contacts.md",
    "plan-health.md",
]
BUILD = BuildInfo(NOW, "0123456789abcdef0123", False)

# Every character plain() promises to neutralise: HTML's and Markdown's specials.
SPECIALS = "\\`*_{}[]()#+-.!|<>&\"':~=^$%@"
# The characters plain() always writes as references; the others are harmless within a line and
# escaped only where a line starts with them (the behaviour tests below hold for all SPECIALS).
ESCAPED = "\\`*_{}[]<>&|\"'"


# --- golden files ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, GeneratedPage]:
    # The folder is named data/ so that pages name their sources as editors do (data/services/...).
    root = write_data(tmp_path_factory.mktemp("render") / "data")
    result = run_check(root, NOW)
    assert [p.format() for p in result.errors] == []
    assert result.dataset is not None
    rendered = render_pages(result.dataset, result.problems, BUILD)
    by_path = {page.path: page for page in rendered}
    assert len(by_path) == len(rendered), "two generated pages share a path"
    return by_path


@pytest.mark.parametrize("path", GOLDEN_PAGES)
def test_page_matches_golden_file(pages: dict[str, GeneratedPage], path: str) -> None:
    assert path in pages, f"no generated page {path}"
    actual = pages[path].content
    golden = GOLDEN / path
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8", newline="\n")
        pytest.fail(
            f"wrote {golden.relative_to(GOLDEN.parent.parent)}: review `git diff tests/golden`, then rerun"
        )
    assert golden.is_file(), f"no golden file {golden}; run with UPDATE_GOLDEN=1 and review it"
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                f"golden/{path}",
                f"generated {path}",
            )
        )
        pytest.fail(f"{path} differs from its golden file (UPDATE_GOLDEN=1 rewrites it):\n{diff}")


def test_pages_name_the_data_file_behind_the_edit_button(pages: dict[str, GeneratedPage]) -> None:
    assert pages["services/payroll.md"].source is not None
    assert pages["services/payroll.md"].source.as_posix().endswith("data/services/payroll.yaml")
    assert pages["contacts.md"].source is not None
    assert pages["contacts.md"].source.name == "people.yaml"


def test_service_pages_boost_search_without_a_front_matter_title(pages: dict[str, GeneratedPage]) -> None:
    # The hook refuses a generated page whose front matter names a title (the theme prints it raw).
    for path in ("services/payroll.md", "services/network.md"):
        content = pages[path].content
        front, _, _ = content.removeprefix("---\n").partition("\n---\n")
        assert content.startswith("---\n") and "boost:" in front
        assert "title" not in front


def _is_text(line: str) -> bool:
    """A line of Markdown text: not blank, not a heading, not HTML (which may touch other HTML:
    the pages written as HTML blocks put one block on the line after another)."""
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith(("<", "#")) and not stripped.endswith(">")


def _blocks_are_separated(content: str) -> list[str]:
    """Lines of the page where a table or an HTML block touches a paragraph without a blank line."""
    lines = content.split("\n")
    bad = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        starts_table = stripped.startswith("|") and (i == 0 or not lines[i - 1].strip().startswith("|"))
        if starts_table and i > 0 and lines[i - 1].strip():
            bad.append(f"line {i + 1}: table starts right after text: {lines[i - 1]!r}")
        ends_table = stripped.startswith("|") and (
            i + 1 < len(lines) and not lines[i + 1].strip().startswith("|")
        )
        if ends_table and lines[i + 1].strip():
            bad.append(f"line {i + 1}: table ends right before text: {lines[i + 1]!r}")
        if line.startswith("<div") and i > 0 and _is_text(lines[i - 1]):
            bad.append(f"line {i + 1}: HTML block starts right after text: {lines[i - 1]!r}")
        if line == "</div>" and i + 1 < len(lines) and _is_text(lines[i + 1]):
            bad.append(f"line {i + 1}: HTML block ends right before text: {lines[i + 1]!r}")
    return bad


def test_tables_and_html_blocks_stand_apart_from_text(tmp_path: Path) -> None:
    # Markdown fields everywhere, so every block the service page can hold is there.
    service = """\
        id: payroll
        name: Payroll
        description: Pays *all* staff.
        aliases: [HR pay]
        owner: jdoe
        team: infra
        depends_on:
          - service: network
            note: SSO
          - vendor: acme-cloud
          - site: dc-london
        bia:
          impact:
            financial: {1d: 2, 3d: 4}
          mtpd: 3d
          rto: 1d
          rpo: 4h
          mbco: Staff paid **on time**.
          peak_periods: [month end]
          resources: Two officers.
        backups:
          - name: payroll-db
            frequency: 1h
            offsite: true
        assets:
          - name: db
            kind: database
        continuity:
          strategy: warm-standby
          recovery_time: 6h
          workaround: Re-issue last month's file.
        recovery:
          activation: Down for **2 hours**.
          authority: jdoe
          steps:
            - title: Confirm the outage
              duration: 15m
              details: |
                Check the status page.

                ```
                systemctl status payroll
                ```
              verify: Ticket exists.
            - title: Restore
              details: Restore the database.
          validation: Run the test report.
          reconstitution: Fail back.
        communications:
          - audience: All staff
            channel: Email
            message: Pay is *late*.
        """  # no review: a warning, so the page's and plan health's warning rows are there too
    root = write_data(tmp_path / "data", {"services/payroll.yaml": service})
    result = run_check(root, NOW)
    assert [p.format() for p in result.errors] == []
    assert result.dataset is not None and result.warnings
    for page in render_pages(result.dataset, result.problems, BUILD):
        assert _blocks_are_separated(page.content) == [], page.path


# --- plain text --------------------------------------------------------------------------------


class _Text(HTMLParser):
    """The text a reader sees, character references decoded, and every tag met."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _shown(source: str) -> tuple[str, list[str]]:
    """Markdown as the site converts it (mkdocs.yml's extensions): the visible text and the tags."""
    html = markdown.markdown(source, extensions=["admonition", "attr_list", "tables", "toc"])
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.text), parser.tags


def test_plain_turns_every_special_into_a_character_reference() -> None:
    for char in ESCAPED:
        assert str(plain(char)) == f"&#{ord(char)};", char
        assert str(plain(f"a{char}b")) == f"a&#{ord(char)};b", char
    out = str(plain(ESCAPED + " plain words 123"))
    assert not set(re.sub(r"&#\d+;", "", out)) & set(ESCAPED)
    assert out.endswith(" plain words 123")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# x", "&#35; x"),
        ("- x", "&#45; x"),
        ("12. x", "12&#46; x"),
        ("3) x", "3&#41; x"),
        ("    code", "&#32;   code"),
        ("!!! note", "&#33;!! note"),
        ("a - b. c # d", "a - b. c # d"),
    ],
)
def test_plain_escapes_line_start_markers_only_at_the_start(text: str, expected: str) -> None:
    assert str(plain(text)) == expected


def test_plain_makes_one_line() -> None:
    assert str(plain("first\nsecond\r\nthird")) == "first second third"


LITERALS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(4)>',
    "{{ 7*7 }} {% raw %} {# c #}",
    "*not emphasis* _nor this_ **nor** `code` ~~del~~",
    "[link](javascript:alert(1)) ![img](x.png) <http://a.example>",
    "# not a heading",
    "1. not a list",
    "- not a list",
    "+ not a list",
    "> not a quote",
    "| not | a | cell |",
    "{ #id .class } {: .x }",
    "&amp; &lt; &#60; &copy;",
    "back\\slash \\* \\_",
    "a  two spaces",
    "!!! note not an admonition",
    "=== not a heading",
    "--- not a rule",
    "user@example.com mailto:x@y.example",
    "100% $5 ^caret ~tilde :colon",
    'O\'Brien & "Sons"',
]


@pytest.mark.parametrize("text", LITERALS)
def test_plain_text_shows_literally_wherever_it_lands(text: str) -> None:
    value = str(plain(text))
    cases = {
        "paragraph": (f"Text {value} end\n", f"Text {text} end"),
        "paragraph start": (f"{value}\n", text),
        "heading": (f"## {value}\n", text),
        "table cell": (f"| A | B |\n|---|---|\n| {value} | x |\n", f"AB{text}x"),
        "link text": (f"[{value}](page.md)\n", text),
        "list item": (f"- {value}\n", text),
        "admonition": (f'!!! note "Note"\n\n    {value}\n', f"Note{text}"),
    }
    for where, (source, expected) in cases.items():
        shown, tags = _shown(source)
        assert re.sub(r"\s+", "", shown) == re.sub(r"\s+", "", expected), f"{where}: {source!r}"
        assert not {"script", "img", "svg", "em", "strong", "code", "del", "blockquote", "ol", "h1"} & set(
            tags
        ), f"{where}: {tags}"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=SPECIALS + "ab1 ", max_size=40))
@example("a *b* c")
@example("<<>>&&")
def test_plain_round_trips_any_mix_of_specials(text: str) -> None:
    shown, tags = _shown(f"| A |\n|---|\n| x {plain(text)} y |\n")
    assert shown.split("A", 1)[1].strip() == f"x {text} y".strip(), text
    assert set(tags) <= {"table", "thead", "tbody", "tr", "th", "td"}
    shown, tags = _shown(f"Text {plain(text)} end\n")
    assert shown == f"Text {text} end"
    assert tags == ["p"]


# --- markdown fields ---------------------------------------------------------------------------


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


def _hrefs(html: str) -> list[str | None]:
    return [attrs.get("href") for tag, attrs in _parse(html).elements if tag == "a"]


def test_markdown_html_shows_raw_html_as_text() -> None:
    source = (
        "<script>alert(3)</script>\n\nA <img src=x onerror=alert(2)> and <b onclick=x>b</b>.\n\n<div>x</div>"
    )
    html = str(markdown_html(source))
    parsed = _parse(html)
    assert {tag for tag, _ in parsed.elements} <= {"p"}
    text = "".join(parsed.text)
    assert "<script>alert(3)</script>" in text
    assert "<img src=x onerror=alert(2)>" in text
    assert "<b onclick=x>b</b>" in text


def test_markdown_html_has_no_event_attributes_or_scripts() -> None:
    sources = [
        '[x](http://a.example/ "t" onmouseover="y")',
        "<a href=x onclick=alert(1)>a</a>",
        "<svg onload=alert(1)>",
        "<script>alert(1)</script>",
        "```\n<script>alert(1)</script>\n```",
        "<!-- <script>alert(1)</script> -->",
        "<style>body{}</style>",
        "<iframe src=http://a.example></iframe>",
    ]
    for source in sources:
        for tag, attrs in _parse(str(markdown_html(source))).elements:
            assert tag not in {"script", "style", "iframe", "svg", "img", "object", "embed"}, source
            assert not [name for name in attrs if name.startswith("on")], source


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "&#106;avascript:alert(1)",
        "javascript&colon;alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "DATA:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "vbscript:msgbox(1)",
    ],
)
def test_markdown_html_drops_dangerous_links(link: str) -> None:
    for source in (
        f"[click]({link})",
        f"[click][1]\n\n[1]: {link}",
        f"<{link}>",
        f'<a href="{link}">click</a>',
    ):
        html = str(markdown_html(source))
        for href in _hrefs(html):
            assert href is None or not re.match(r"\s*(javascript|data|file|vbscript)", href, re.I), (
                source,
                html,
            )
        assert "".join(_parse(html).text).strip(), f"{source!r} left nothing to read"


@pytest.mark.parametrize(
    "link",
    [
        "http://status.example/",
        "https://status.example/page?q=1#part",
        "mailto:service.desk@example.com",
        "tel:+442079460001",
        "../contacts.md#jdoe",
        "runbook.html",
        "#step-2",
    ],
)
def test_markdown_html_keeps_safe_links(link: str) -> None:
    assert _hrefs(str(markdown_html(f"[open]({link})"))) == [link]


def test_markdown_html_keeps_fenced_code_as_pre_code() -> None:
    source = "Run:\n\n```\nsystemctl restart payroll\n<script>alert(1)</script> {{ 7*7 }}\n```\n"
    html = str(markdown_html(source))
    assert "<pre><code>systemctl restart payroll\n" in html
    pre = re.search(r"<pre><code>(.*?)</code></pre>", html, re.S)
    assert pre is not None
    parsed = _parse(pre.group(0))
    assert [tag for tag, _ in parsed.elements] == ["pre", "code"]
    assert "".join(parsed.text) == "systemctl restart payroll\n<script>alert(1)</script> {{ 7*7 }}\n"


def test_markdown_html_keeps_ordinary_markdown() -> None:
    html = str(markdown_html("Some *emphasis*, **strong**, `code`.\n\n- one\n- two\n\n1. first\n2. second"))
    tags = [tag for tag, _ in _parse(html).elements]
    for tag in ("em", "strong", "code", "ul", "ol", "li"):
        assert tag in tags


def test_markdown_html_demotes_headings_below_the_page_headings() -> None:
    tags = [tag for tag, _ in _parse(str(markdown_html("# One\n\n## Two\n\n### Three"))).elements]
    assert "h1" not in tags and "h2" not in tags
    assert tags[:2] == ["h3", "h4"]


def test_markdown_html_fields_share_no_definitions() -> None:
    # Abbreviations and link references belong to the field that defines them, never to the next.
    first = str(
        markdown_html("*[RTO]: Recovery time objective\n\nThe RTO, see [plan][1].\n\n[1]: https://a.example/")
    )
    assert "<abbr" in first and 'href="https://a.example/"' in first
    second = str(markdown_html("The RTO, see [plan][1]."))
    assert "<abbr" not in second and "<a" not in second and "[plan][1]" in second


def test_markdown_html_of_nothing_is_empty() -> None:
    assert str(markdown_html(None)) == ""
    assert str(markdown_html("")) == ""


# --- tel: addresses ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "address"),
    [
        ("+44 20 7946 0001", "tel:+442079460001"),
        ("+1 555 0100", "tel:+15550100"),
        ("(0800) 123-456", "tel:0800123456"),
        ("+1.555.010.0100", "tel:+15550100100"),
        ("+44 20 <b>1</b>", "tel:+44201"),
        ('"><svg onload=alert(4)>', "tel:4"),
        ("javascript:alert(1)", "tel:1"),
    ],
)
def test_tel_keeps_only_digits_and_plus(number: str, address: str) -> None:
    assert tel(number) == address


def _converted_in_full(text: str) -> str:
    from handbook.render import text as module

    html = module._converter().convert(text)
    html = module._HEADING.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) + 2}", html)
    return module.nh3.clean(
        html,
        tags=set(module.ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in module.ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(module.URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=string.printable + "éß€—·", max_size=60))
@example("Check the status page, then call the service desk.")
@example("1. first")
@example("    indented code")
@example("--- rule")
@example("Ends with two spaces  ")
def test_plain_sentence_shortcut_gives_what_conversion_gives(text: str) -> None:
    # markdown_html skips Markdown for one-line plain sentences; the result must be identical.
    from handbook.render.text import markdown_html

    markdown_html.cache_clear()
    assert str(markdown_html(text)) == (_converted_in_full(text) if text else "")


_LINE = st.text(alphabet=string.ascii_letters + string.digits + " .,;:?!'\"()/-+=~#*_`<>&|é€—·", max_size=30)


@st.composite
def _paragraphs_and_code(draw: st.DrawFn) -> str:
    """Texts made of paragraphs and fenced code blocks, most of them the kind the shortcut takes."""
    blocks = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            fence = draw(st.sampled_from(["```", "```sh", "```python", "~~~"]))
            code = draw(st.lists(_LINE, max_size=3))
            blocks.append("\n".join([fence, *code, fence[:3]]))
        else:
            blocks.append("\n".join(draw(st.lists(_LINE.filter(bool), min_size=1, max_size=3))))
    separator = draw(st.sampled_from(["\n\n", "\n\n\n", "\n"]))
    return separator.join(blocks) + draw(st.sampled_from(["", "\n", "\n\n"]))


@settings(max_examples=400, deadline=None)
@given(_paragraphs_and_code())
@example("Check the dashboard, then open an incident:\n\n```\nincident open --p1\n```")
@example('First paragraph\nstill the first.\n\nSecond.\n\n```sh\na && b > c\n\nd "e"\n```\n')
@example("```\n```")
@example("Text\n```\ncode\n```")
def test_paragraph_and_code_shortcut_gives_what_conversion_gives(text: str) -> None:
    # markdown_html skips Markdown for plain paragraphs and fenced code; the result must be identical.
    from handbook.render.text import markdown_html

    markdown_html.cache_clear()
    assert str(markdown_html(text)) == _converted_in_full(text)


def test_the_paragraph_and_code_shortcut_is_taken() -> None:
    from handbook.render.text import _paragraphs_and_code

    assert _paragraphs_and_code("Run this:\n\n```\nsystemctl start x\n```") == (
        "<p>Run this:</p>\n<pre><code>systemctl start x\n</code></pre>"
    )
    assert _paragraphs_and_code("A *word*.") is None
    assert _paragraphs_and_code("Text\n```\ncode\n```") is None  # a fence right after text
