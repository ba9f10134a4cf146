"""The PDF, as a reader meets it: real ``mkdocs build`` runs, the PDF opened with pypdf.

The example data's PDF: a bookmark for every section and every service, every internal link
leading to a destination in the document, every service's name on its pages, the running header,
the footer and the cover. Then, on the small fixture data: two builds give the same bytes; pages
asking for files outside the site (``file:///etc/passwd``, another local path, ``http://``) get
nothing fetched and nothing embedded, and each is reported; a PDF that cannot be written leaves
the previous site and PDF as they were. Last, the print document and the URL fetcher on their own.
"""

from __future__ import annotations

import datetime as dt
import http.server
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest
from pypdf import PdfReader
from pypdf.generic import Destination

from handbook import pdf
from handbook.check import run_check
from handbook.durations import Duration
from handbook.pdf.fetch import SiteFetcher
from handbook.pdf.printhtml import assemble, page_key, reading_order
from handbook.publish import Edition, PageRef
from handbook.render.common import BuildInfo

from conftest import NOW, PAYROLL, build_copies, project_config, write_data

REPO = Path(__file__).resolve().parent.parent
STEM = "harbourline-logistics-ltd-continuity-handbook-2026-11-25"


# --- building ----------------------------------------------------------------------------------


def _project(folder: Path, data_dir: Path, docs_dir: Path = REPO / "docs") -> Path:
    return project_config(folder, data_dir, docs_dir)


def _build(config: Path, *, strict: bool = True) -> subprocess.CompletedProcess[str]:
    return build_copies(config, pdf=True, bundle=False, strict=strict)


@dataclass(frozen=True)
class Built:
    folder: Path
    log: str

    @property
    def pdf(self) -> Path:
        return self.folder / "dist" / f"{STEM}.pdf"

    @property
    def site_pdf(self) -> Path:
        return self.folder / "site" / f"{STEM}.pdf"


def _built(folder: Path, data_dir: Path, docs_dir: Path = REPO / "docs", *, strict: bool = True) -> Built:
    done = _build(_project(folder, data_dir, docs_dir), strict=strict)
    assert done.returncode == 0, done.stderr
    return Built(folder, done.stderr)


def _outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """Every bookmark as (depth, title, page index), in order."""
    found: list[tuple[int, str, int]] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                assert isinstance(item, Destination)
                found.append((depth, str(item.title), reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found


def _children(outline: list[tuple[int, str, int]], title: str) -> list[str]:
    """The titles of the bookmarks right under the first one called *title*."""
    start = next(i for i, (_, t, _) in enumerate(outline) if t == title)
    depth = outline[start][0]
    children = []
    for d, t, _ in outline[start + 1 :]:
        if d <= depth:
            break
        if d == depth + 1:
            children.append(t)
    return children


def _text(reader: PdfReader, index: int) -> str:
    return " ".join(reader.pages[index].extract_text().split())


# --- the example data's PDF -------------------------------------------------------------------


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _built(tmp_path_factory.mktemp("example"), REPO / "data")


@pytest.fixture(scope="module")
def reader(example: Built) -> PdfReader:
    return PdfReader(example.pdf)


@pytest.fixture(scope="module")
def services() -> list[str]:
    dataset = run_check(REPO / "data", NOW).dataset
    assert dataset is not None
    return sorted(service.name for service in dataset.services.values())


def test_the_build_writes_one_pdf_into_the_site_and_dist_and_logs_its_phases(example: Built) -> None:
    assert example.pdf.read_bytes() == example.site_pdf.read_bytes()
    assert example.pdf.read_bytes().startswith(b"%PDF-")
    for line in (
        "handbook: PDF parts (",
        "handbook: PDF joining done in",
        "pages of paper, ",
        "PDF: part 1 of ",
    ):
        assert line in example.log
    assert "left out" not in example.log and "not read" not in example.log
    assert not list((example.folder / "dist").glob(".*.part"))


def test_bookmarks_for_every_section_and_every_service(reader: PdfReader, services: list[str]) -> None:
    outline = _outline(reader)
    top = [title for depth, title, _ in outline if depth == 0]
    assert {"Services", "Contacts", "Analysis", "Places and suppliers", "Reference"} <= set(top)
    assert sorted(_children(outline, "Services")) == services
    assert {"Plan health", "BIA matrix", "Risk register", "Scenarios", "Exercises"} <= set(
        _children(outline, "Analysis")
    )
    assert {"Sites", "Suppliers"} <= set(_children(outline, "Places and suppliers"))
    # Each bookmark leads to the page that starts with its title, in reading order.
    pages = [page for _, _, page in outline]
    assert pages == sorted(pages)
    for depth, title, page in outline:
        if depth == 1 and title in services:
            assert title in _text(reader, page)


def test_every_internal_link_leads_to_a_destination_of_the_pdf(reader: PdfReader) -> None:
    names = set(reader.named_destinations)
    internal, external = 0, []
    for page in reader.pages:
        for annotation in page.get("/Annots", []):
            link = annotation.get_object()
            if link.get("/Subtype") != "/Link":
                continue
            if "/Dest" in link:
                assert str(link["/Dest"]) in names, link["/Dest"]
                internal += 1
            else:
                external.append(str(link["/A"]["/URI"]))
    assert internal > 500  # the contents, and the links between services, contacts, suppliers...
    assert all(url.startswith(("http://", "https://", "mailto:", "tel:")) for url in external), external
    assert any(url.startswith("tel:") for url in external)
    assert not any(".html" in url for url in external)  # links between pages stay in the PDF


def test_header_footer_and_contents(reader: PdfReader) -> None:
    outline = _outline(reader)
    total = len(reader.pages)
    payroll = next(page for depth, title, page in outline if title == "Payroll")
    text = _text(reader, payroll)
    assert text.startswith("Payroll At a glance")  # a new page, the service's title at its top
    assert "Services Payroll Internal" in text  # running header: the section, the service
    assert f"Page {payroll + 1} of {total}" in text
    assert "Internal - Harbourline staff and contracted recovery partners" in text
    assert "Built 2026-11-25" in text
    assert f"Page 3 of {total}" in _text(reader, 2)
    # A table longer than a page repeats its header row on the next one.
    bia = next(page for depth, title, page in outline if title == "BIA matrix")
    assert _text(reader, bia + 1).startswith("Service Tier RTO MTPD 1h 4h 1d"), _text(reader, bia + 1)[:80]
    contents = " ".join(_text(reader, i) for i in range(1, 4))
    assert re.search(rf"Payroll[\s.]*{payroll + 1}\b", contents), contents[:500]


def test_the_cover(reader: PdfReader) -> None:
    cover = _text(reader, 0)
    for words in (
        "Harbourline Logistics Ltd",
        "IT Service Continuity Handbook",
        "Internal - Harbourline staff",
        "Built 2026-11-25 12:00 UTC",
        "Data commit",
        "Uncontrolled when printed: check the date",
    ):
        assert words in cover
    assert "Page 1" not in cover  # no header or footer on the cover
    metadata = reader.metadata
    assert metadata is not None
    assert metadata.creation_date == metadata.modification_date == NOW
    assert metadata.title == "IT Service Continuity Handbook"


def test_every_service_starts_a_page(reader: PdfReader, services: list[str]) -> None:
    for _, title, page in _outline(reader):
        if title in services:
            # a service starts a page: its title at the top, the running header names it
            text = _text(reader, page)
            assert text.startswith(f"{title} At a glance") and f"Services {title} " in text, text[:120]


# --- small data: reproducible, hostile, failing -----------------------------------------------


def test_two_builds_give_the_same_bytes(tmp_path: Path) -> None:
    data = write_data(tmp_path / "data")
    first = _built(tmp_path / "one", data).pdf.read_bytes()
    second = _built(tmp_path / "two", data).pdf.read_bytes()
    assert first == second
    metadata = PdfReader(tmp_path / "one" / "dist" / f"{STEM}.pdf").metadata
    assert metadata is not None and metadata.creation_date == NOW


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Recorder.requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Recorder.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_nothing_outside_the_site_is_fetched_or_embedded_and_each_is_reported(
    tmp_path: Path, server: str
) -> None:
    data = write_data(
        tmp_path / "data",
        {
            "services/payroll.yaml": _payroll_with(
                f"Before anything: ![x](file:///etc/passwd) ![y]({server}/data.png) [z](file:///etc/passwd)"
            )
        },
    )
    docs = tmp_path / "docs"
    shutil.copytree(REPO / "docs", docs)
    (docs / "hostile.md").write_text(
        "# Hostile\n\n"
        "![a](file:///etc/passwd)\n\n"
        f"![b]({server}/b.png)\n\n"
        '<img src="/etc/passwd" alt="c">\n\n'
        '<img src="../../../../../../etc/passwd" alt="d">\n\n'
        f'<div style="background: url({server}/e.png)">styled</div>\n\n'
        f'<svg width="20" height="20"><image href="{server}/f.png" width="20" height="20"/></svg>\n\n'
        "[link out](file:///etc/passwd) and [a page](index.md)\n",
        encoding="utf-8",
    )
    built = _built(tmp_path / "project", data, docs, strict=False)

    assert _Recorder.requests == []
    for url in (
        "file:///etc/passwd",
        f"{server}/b.png",
        "/etc/passwd",
        "../../../../../../etc/passwd",
        f"{server}/e.png",
        f"{server}/f.png",
    ):
        assert re.search(rf"WARNING .*handbook: PDF: .*{re.escape(url)}", built.log), url
    pdf = built.pdf.read_bytes()
    assert b"/Subtype /Image" not in pdf
    reader = PdfReader(built.pdf)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "root:" not in text and "Hostile" in text
    assert "[image left out: b]" in text and "[image left out: d]" in text
    assert "Before anything" in text  # the data text is there; its image is not (sanitised away)


def _payroll_with(description: str) -> str:
    return PAYROLL.replace("team: infra\n", f"team: infra\ndescription: '{description}'\n", 1)


@pytest.mark.parametrize("failure", ["in the way", "strict"])
def test_a_failed_pdf_leaves_the_previous_site_and_pdf(tmp_path: Path, failure: str) -> None:
    data = write_data(tmp_path / "data")
    docs = tmp_path / "docs"
    shutil.copytree(REPO / "docs", docs)
    config = _project(tmp_path / "project", data, docs)
    assert _build(config).returncode == 0
    site = tmp_path / "project" / "site"
    before = {p: p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}
    pdf = tmp_path / "project" / "dist" / f"{STEM}.pdf"
    previous = pdf.read_bytes()

    if failure == "in the way":
        # A folder of the site where the PDF goes: WeasyPrint lays the PDF out, writing it fails.
        (docs / f"{STEM}.pdf").mkdir()
        (docs / f"{STEM}.pdf" / "notes.txt").write_text("in the way\n", encoding="utf-8")
        message = "making the copies failed; nothing was replaced"
    else:
        # An image from the network, left out of the PDF with a warning: --strict fails the build
        # before the copies replace the previous ones (MkDocs alone would fail it only after).
        with (docs / "editors.md").open("a", encoding="utf-8") as page:
            page.write("\n![map](https://example.invalid/map.png)\n")
        message = "1 warning(s) in a --strict build; nothing was replaced"
    done = _build(config)

    assert done.returncode != 0
    assert message in done.stderr
    assert "PDF parts (" in done.stderr
    assert {p: p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()} == before
    assert pdf.read_bytes() == previous
    leftovers = [p.name for p in (tmp_path / "project").rglob("*") if p.name.endswith(".part")]
    assert leftovers == []
    assert not (tmp_path / "project" / ".site.building").exists()


def test_a_wrong_number_of_pdf_jobs_fails_the_build_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _project(tmp_path / "project", write_data(tmp_path / "data"))
    monkeypatch.setenv("HANDBOOK_PDF_JOBS", "two")
    done = _build(config)
    assert done.returncode != 0
    assert "HANDBOOK_PDF_JOBS='two': give a number of processes, 1 or more" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "project" / "site").exists() and not (tmp_path / "project" / "dist").exists()
    for value, expected in (("1", 1), (" 3 ", 3)):
        monkeypatch.setenv("HANDBOOK_PDF_JOBS", value)
        assert pdf.jobs() == expected
    monkeypatch.delenv("HANDBOOK_PDF_JOBS")
    assert pdf.jobs() == len(os.sched_getaffinity(0))


# --- the print document and the fetcher on their own -----------------------------------------

ARTICLE = """<!doctype html><html><head>
<link rel="stylesheet" href="{up}assets/stylesheets/main.css">
<link rel="stylesheet" href="{up}stylesheets/handbook.css">
<script src="{up}x.js"></script></head><body><header class="md-header">chrome</header>
<article class="md-content__inner md-typeset">
<a href="https://git.example/edit" title="Edit this page" class="md-content__button md-icon">
<svg><path d="M1"/></svg></a>
<h1 id="top">{title}<a class="headerlink" href="#top" title="Permanent link">&para;</a></h1>
{body}
<script>alert(1)</script>
</article><footer>chrome</footer></body></html>
"""


def _site(tmp_path: Path, pages: dict[str, tuple[str, str]]) -> Path:
    site = tmp_path / "site"
    for dest, (title, body) in pages.items():
        path = site / dest
        path.parent.mkdir(parents=True, exist_ok=True)
        up = "../" * dest.count("/")
        path.write_text(ARTICLE.format(up=up, title=title, body=body), encoding="utf-8")
    return site


EDITION = Edition(
    "Harbourline <Logistics>",
    "Handbook",
    'Internal "staff"',
    Duration(43200),
    BuildInfo(dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC), "0123456789abcdef", False),
)


def _ref(dest: str, title: str, section: str | None = None) -> PageRef:
    return PageRef(dest.replace(".html", ".md"), dest, title, section)


def test_pages_of_a_folder_follow_its_index_page() -> None:
    pages = [
        _ref("index.html", "Home"),
        _ref("services/index.html", "Services"),
        _ref("risks.html", "Risks", "Analysis"),
        _ref("scenarios/index.html", "Scenarios", "Analysis"),
        _ref("editors/fields.html", "Fields", "Reference"),
        _ref("scenarios/flood.html", "Flood"),
        _ref("services/payroll.html", "Payroll"),
        _ref("services/wms.html", "WMS"),
    ]
    order = [(ref.dest_uri, parent.dest_uri if parent else None) for ref, parent in reading_order(pages)]
    assert order == [
        ("index.html", None),
        ("services/index.html", None),
        ("services/payroll.html", "services/index.html"),
        ("services/wms.html", "services/index.html"),
        ("risks.html", None),
        ("scenarios/index.html", None),
        ("scenarios/flood.html", "scenarios/index.html"),
        ("editors/fields.html", None),
    ]
    assert page_key("services/payroll.html") == "p-services-payroll"
    assert page_key("a--b/c.html") == "p-a-b-c"


def test_the_print_document_keeps_the_articles_and_turns_links_into_anchors(tmp_path: Path) -> None:
    site = _site(
        tmp_path,
        {
            "index.html": ("Home", '<p><a href="services/payroll.html#steps">steps</a></p>'),
            "services/index.html": ("Services", '<p><a href="payroll.html">Payroll</a></p>'),
            "services/payroll.html": (
                "Payroll",
                '<h2 id="steps">Steps</h2><p><a href="#steps">here</a> <a href="../missing.html">gone</a> '
                '<a href="https://example.org/x">out</a> <a href="tel:+441">call</a> '
                '<a href="file:///etc/passwd">secret</a> <a href="../index.html#nowhere">home</a> '
                '<a href="../SHA256SUMS">sums</a></p>'
                '<p><img src="../img/a.png" alt="a"> <img src="http://x.invalid/b.png" alt="b"> '
                '<img src="data:image/png;base64,iVBO" alt="c"></p>'
                "<table><thead><tr><th>Name</th><th>Phone</th></tr></thead><tbody>"
                "<tr><td>A long description of the thing</td>"
                '<td><a href="tel:+4420">+44 20 7946 0001</a></td></tr></tbody></table>'
                '<svg viewBox="0 0 10 10"><defs><marker id="arrow"/></defs>'
                '<a href="../index.html"><rect/></a></svg>',
            ),
        },
    )
    pages = [
        _ref("index.html", "Home"),
        _ref("services/index.html", "Services"),
        _ref("services/payroll.html", "Payroll"),
    ]
    document = assemble(site, pages, EDITION)
    html = document.html

    assert "chrome" not in html and "alert(1)" not in html and "<script" not in html
    assert "headerlink" not in html and "Edit this page" not in html
    assert "assets/stylesheets/main.css" not in html
    assert '<link rel="stylesheet" href="stylesheets/handbook.css">' in html
    assert '<section class="pdf-page" id="p-services-payroll" data-title="Payroll"' in html
    assert '<article class="md-typeset pdf-l2" data-title="Payroll">' in html
    assert 'id="p-services-payroll--steps"' in html and 'id="p-services-payroll--top"' in html
    assert '<a href="#p-services-payroll--steps">steps</a>' in html  # from another page
    assert '<a href="#p-services-payroll--steps">here</a>' in html  # on the same page
    assert '<a href="#p-services-payroll">Payroll</a>' in html  # to a page: its start
    assert '<a href="#p-index">home</a>' in html  # a missing anchor: the page's start
    assert "gone" in html and 'href="../missing.html"' not in html  # not in the PDF: text
    assert "sums" in html and "SHA256SUMS" not in html
    assert '<a href="https://example.org/x">out</a>' in html and '<a href="tel:+441">call</a>' in html
    assert "secret" in html and "file:///etc/passwd" not in html
    assert '<img src="img/a.png" alt="a">' in html  # relative to the site folder, WeasyPrint's base
    assert "x.invalid" not in html and "[image left out: b]" in html
    assert 'src="data:image/png;base64,iVBO"' in html
    assert 'viewBox="0 0 10 10"' in html and '<marker id="arrow"' in html  # an SVG keeps its ids
    assert '<a href="#p-index"><rect' in html
    assert re.search(r'<table data-pdf-widths><colgroup><col style="width: [0-9.]+%">', html)
    assert (
        "Harbourline &lt;Logistics&gt;" in html and 'data-classification="Internal &quot;staff&quot;"' in html
    )
    assert '<meta name="dcterms.created" content="2026-11-25T12:00:00Z">' in html
    assert sorted((r.what, r.url) for r in document.refused) == [
        ("image", "http://x.invalid/b.png"),
        ("link", "file:///etc/passwd"),
    ]


def test_the_fetcher_serves_files_of_the_site_only(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "img").mkdir(parents=True)
    (site / "img" / "a.svg").write_text("<svg/>", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    (site / "img" / "link.svg").symlink_to(secret)
    fetcher = SiteFetcher(site)

    response = fetcher.fetch((site / "img" / "a.svg").as_uri())
    assert response.read() == b"<svg/>" and response.content_type == "image/svg+xml"
    assert fetcher.fetch("data:image/svg+xml,%3Csvg/%3E").read() == b"<svg/>"
    for url in (
        (site / "img" / "link.svg").as_uri(),  # a symbolic link out of the site
        (site / "img" / ".." / ".." / "secret.txt").as_uri(),
        "file:///etc/passwd",
        "file://otherhost/etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.org/x.png",
        "data:text/html,<b>x</b>",
        "ftp://example.org/x",
    ):
        with pytest.raises(ValueError, match="refused by the handbook"):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 8


# --- the PDF made in parts against the same document laid out whole --------------------------


def _words(reader: PdfReader, index: int) -> list[str]:
    # The page number is laid over a part's page after the rest: compare the words, not their order.
    return sorted(reader.pages[index].extract_text().split())


def _links(reader: PdfReader) -> list[tuple[int, tuple[int, ...], str, int]]:
    """Per link: its page, its place, and where it leads (a URL, or a page of the PDF)."""
    names = reader.named_destinations
    found = []
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots", []):
            link = annotation.get_object()
            rect = tuple(round(float(v)) for v in link["/Rect"])
            if "/Dest" in link:
                destination = names[str(link["/Dest"])]
                found.append((number, rect, "page", reader.get_destination_page_number(destination)))
            else:
                found.append((number, rect, str(link["/A"]["/URI"]), -1))
    return sorted(found)


def test_a_pdf_made_in_parts_reads_as_the_document_laid_out_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import weasyprint  # type: ignore[import-untyped]

    rows = "".join(
        f'<tr><td>Row {n} of the long table</td><td><a href="tel:+44{n}">+44 {n}</a></td></tr>'
        for n in range(90)
    )
    pages = {"index.html": ("Home", '<p>Start: <a href="services/s7.html#steps">the last steps</a></p>')}
    for n in range(8):
        pages[f"services/s{n}.html"] = (
            f"Service {n}",
            f'<p>Needs <a href="s{(n + 3) % 8}.html">Service {(n + 3) % 8}</a>.</p>'
            + "<p>Words of a paragraph that fills the page. </p>" * (10 * n)
            + f'<h2 id="steps">Steps of {n}</h2><table><thead><tr><th>Step</th><th>Phone</th></tr></thead>'
            f"<tbody>{rows if n % 3 == 0 else rows[:400]}</tbody></table>"
            '<p><a href="../index.html">Home</a> <a href="https://example.org/x">out</a></p>',
        )
    site = _site(tmp_path, pages)
    (site / "stylesheets").mkdir()
    (site / "stylesheets" / "handbook.css").write_text("", encoding="utf-8")
    refs = [
        _ref("index.html", "Home"),
        *(_ref(f"services/s{n}.html", f"Service {n}", "Services") for n in range(8)),
    ]

    whole_pdf = tmp_path / "whole.pdf"
    document = assemble(site, refs, EDITION)
    weasyprint.HTML(
        string=document.html, base_url=site.as_uri() + "/", url_fetcher=SiteFetcher(site)
    ).write_pdf(whole_pdf)
    monkeypatch.setattr(pdf, "PART_SIZE", 6_000)  # a few pages of the site per part
    monkeypatch.setattr(pdf, "NUMBERS_PER_DOCUMENT", 7)
    assert len(document.split(pdf.PART_SIZE)) >= 4
    parts_pdf = tmp_path / "parts.pdf"
    result = pdf.write_pdf(site, refs, EDITION, parts_pdf)

    whole, parts = PdfReader(whole_pdf), PdfReader(parts_pdf)
    assert result.pages == len(parts.pages) == len(whole.pages) > 12
    for index in range(len(whole.pages)):
        assert _words(parts, index) == _words(whole, index), index
    assert f"Page 9 of {len(whole.pages)}" in " ".join(parts.pages[8].extract_text().split())
    assert _outline(parts) == _outline(whole)
    assert [depth for depth, _, _ in _outline(parts)][:3] == [0, 0, 1]  # Services, then its pages under it
    assert _links(parts) == _links(whole)
    assert sum(1 for link in _links(parts) if link[2] == "page") > 20
    assert parts.metadata is not None and parts.metadata.title == whole.metadata.title == "Handbook"
    assert not list(tmp_path.glob(".*.part"))
