"""The offline bundle, as a responder meets it: real ``mkdocs build`` runs of the example data, the zip
unzipped into an empty folder, checked with ``sha256sum -c`` and opened from ``file://`` in headless
Chromium (Debian's, driven by Playwright) with every request that is not ``file://`` recorded.

Also: two builds with the same SOURCE_DATE_EPOCH give the same bytes, a failed build (bad data, or
a failure after MkDocs has written the staged site) leaves the previous site, zip and PDF as they
were, `mkdocs serve` makes no copies unless asked, and the CI examples in the docs are the files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import stat
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect, sync_playwright
from test_browser import CHROMIUM, CHROMIUM_ARGS

from handbook.check import run_check

from conftest import NOW, SOURCE_DATE_EPOCH, build_copies, project_config, write_data

REPO = Path(__file__).resolve().parent.parent
STEM = "harbourline-logistics-ltd-continuity-handbook-2026-11-25"
BUILT = "2026-11-25 12:00 UTC"
# A service, one of its other names (checked against its YAML below), and where the search starts.
SEARCHES = [("payroll", "PaySphere", "index.html"), ("wms", "pick and pack", "services/payroll.html")]


# --- building ----------------------------------------------------------------------------------


def _build(
    config: Path, *, pdf: bool = False, file_size_limit: int | None = None
) -> subprocess.CompletedProcess[str]:
    return build_copies(config, pdf=pdf, bundle=True, file_size_limit=file_size_limit)


@dataclass(frozen=True)
class Built:
    folder: Path
    log: str

    @property
    def site(self) -> Path:
        return self.folder / "site"

    @property
    def zip(self) -> Path:
        return self.folder / "dist" / f"{STEM}.zip"

    @property
    def pdf(self) -> Path:
        return self.folder / "dist" / f"{STEM}.pdf"


def _built(folder: Path, data_dir: Path = REPO / "data", *, pdf: bool = False) -> Built:
    done = _build(project_config(folder, data_dir), pdf=pdf)
    assert done.returncode == 0, done.stderr
    return Built(folder, done.stderr)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The example, as `scripts/build` makes it: site, PDF (inside the site too) and zip."""
    return _built(tmp_path_factory.mktemp("first"), pdf=True)


@pytest.fixture(scope="module")
def unzipped(first: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundle unzipped into an empty folder: its one top folder."""
    where = tmp_path_factory.mktemp("unzipped")
    assert not any(where.iterdir())
    with zipfile.ZipFile(first.zip) as archive:
        archive.extractall(where)
    assert [p.name for p in where.iterdir()] == [STEM]
    return where / STEM


@pytest.fixture(scope="module")
def commit() -> str:
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=REPO / "data", capture_output=True, text=True, check=True
    ).stdout.strip()


# --- the zip -----------------------------------------------------------------------------------


def test_build_writes_the_zip_named_with_organisation_and_date(first: Built) -> None:
    assert first.zip.is_file()
    assert "handbook: zip done in" in first.log and "handbook: checksums done in" in first.log
    assert f"wrote {first.zip.relative_to(first.folder)}" in first.log or f"wrote {first.zip}" in first.log
    assert not list((first.folder / "dist").glob(".*.part")), "no temporary file is left"
    assert not (first.folder / ".site.building").exists()
    assert (first.site / "SHA256SUMS").is_file(), "the site root has the checksums too"


def test_the_zip_is_the_site_under_one_top_folder(first: Built) -> None:
    with zipfile.ZipFile(first.zip) as archive:
        names = archive.namelist()
    assert names[0] == f"{STEM}/"
    files = [n.removeprefix(f"{STEM}/") for n in names[1:]]
    assert all(n.startswith(f"{STEM}/") for n in names)
    assert files == sorted(files, key=lambda n: n.encode())
    assert set(files) == set(_tree(first.site)), "the zip holds what site/ holds"
    assert "SHA256SUMS" in files and "index.html" in files and "services/payroll.html" in files
    assert "search/search_index.js" in files, "the offline plugin's index, for search from file://"
    assert f"{STEM}.pdf" in files


def test_zip_entries_carry_the_build_time_and_fixed_permissions(first: Built) -> None:
    with zipfile.ZipFile(first.zip) as archive:
        entries = archive.infolist()
    assert {e.date_time for e in entries} == {(2026, 11, 25, 12, 0, 0)}
    assert {e.create_system for e in entries} == {3}
    assert {stat.S_IMODE(e.external_attr >> 16) for e in entries if not e.is_dir()} == {0o644}
    assert {e.compress_type for e in entries if not e.is_dir()} == {zipfile.ZIP_DEFLATED}


def test_sha256sums_covers_every_file_of_the_bundle(unzipped: Path) -> None:
    listed: dict[str, str] = {}
    for line in (unzipped / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = {p.relative_to(unzipped).as_posix() for p in unzipped.rglob("*") if p.is_file()}
    assert set(listed) == files - {"SHA256SUMS"}
    wrong = [n for n, d in listed.items() if hashlib.sha256((unzipped / n).read_bytes()).hexdigest() != d]
    assert not wrong
    done = subprocess.run(
        ["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=unzipped, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": OK\n") == len(listed)


def test_the_pdf_in_dist_is_the_one_in_the_bundle(first: Built, unzipped: Path) -> None:
    assert first.pdf.read_bytes().startswith(b"%PDF-")
    assert first.pdf.read_bytes() == (unzipped / f"{STEM}.pdf").read_bytes()


class _Loads(HTMLParser):
    """Every URL a page makes the browser fetch by itself: scripts, styles, images, frames, media."""

    LOADS: ClassVar = {
        ("script", "src"),
        ("link", "href"),
        ("img", "src"),
        ("img", "srcset"),
        ("iframe", "src"),
    }
    MEDIA: ClassVar = {"source", "video", "audio", "embed", "object", "track", "image", "use"}

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            media = tag in self.MEDIA and name in ("src", "href", "data")
            if value and ((tag, name) in self.LOADS or media):
                self.urls.append((tag, value))
            if value and name == "style" and "url(" in value:
                self.urls.append((tag, value))


def test_no_file_of_the_bundle_loads_from_the_network(unzipped: Path) -> None:
    remote = re.compile(r"(https?:)?//", re.I)
    found = []
    for page in sorted(unzipped.rglob("*.html")):
        parser = _Loads()
        parser.feed(page.read_text(encoding="utf-8"))
        found += [f"{page.relative_to(unzipped)}: <{t}> {u}" for t, u in parser.urls if remote.search(u)]
        if "unpkg.com" in page.read_text(encoding="utf-8"):
            found.append(f"{page.relative_to(unzipped)}: names unpkg.com")
    for css in sorted(unzipped.rglob("*.css")):
        text = css.read_text(encoding="utf-8")
        urls = re.findall(r"url\(\s*['\"]?(?:https?:)?//[^)]*", text)
        found += [f"{css.relative_to(unzipped)}: {u}" for u in urls]
        found += [f"{css.relative_to(unzipped)}: @import" for _ in re.findall(r"@import", text)]
    assert not found, "\n".join(found)


def test_the_worker_stand_in_is_ours_and_on_every_page(unzipped: Path) -> None:
    missing = []
    # 404.html is for a web server (it links from the site root); a copy on disk never shows it.
    for page in sorted(p for p in unzipped.rglob("*.html") if p.name != "404.html"):
        tags = re.findall(r'<script src="([^"]*iframe-worker[^"]*)"', page.read_text(encoding="utf-8"))
        if len(tags) != 1 or not (page.parent / tags[0]).resolve().is_file():
            missing.append(f"{page.relative_to(unzipped)}: {tags}")
    assert not missing, "\n".join(missing)
    assert (unzipped / "javascripts" / "iframe-worker.js").read_bytes() == (
        REPO / "docs" / "javascripts" / "iframe-worker.js"
    ).read_bytes()


def test_home_page_says_how_to_verify_the_copy(unzipped: Path, commit: str) -> None:
    home = (unzipped / "index.html").read_text(encoding="utf-8")
    about = home[home.index('id="about-this-copy"') :]
    assert f"Built {BUILT} from data commit {commit[:12]}" in about
    assert '<a href="SHA256SUMS">SHA256SUMS</a>' in about
    assert "sha256sum -c SHA256SUMS" in about
    assert f'<a href="{STEM}.pdf">' in about


# --- the same bytes twice, nothing lost on failure ---------------------------------------------


def test_two_builds_give_the_same_bytes(first: Built, tmp_path: Path) -> None:
    second = _built(tmp_path / "second", pdf=True)
    assert _tree(second.site) == _tree(first.site)
    assert second.zip.read_bytes() == first.zip.read_bytes()
    assert second.pdf.read_bytes() == first.pdf.read_bytes()


def _outputs(built: Built) -> dict[str, bytes]:
    outputs = {f"site/{k}": v for k, v in _tree(built.site).items()}
    outputs.update({f"dist/{k}": v for k, v in _tree(built.folder / "dist").items()})
    return outputs


@pytest.fixture
def own_data(tmp_path: Path) -> Built:
    """A build of a copy of the example data (outside git), whose data a test may break."""
    shutil.copytree(REPO / "data", tmp_path / "data")
    return _built(tmp_path / "project", tmp_path / "data")


def test_bad_data_leaves_site_zip_and_pdf_as_they_were(own_data: Built) -> None:
    before = _outputs(own_data)
    payroll = own_data.folder.parent / "data" / "services" / "payroll.yaml"
    payroll.write_text(payroll.read_text(encoding="utf-8").replace("rto: ", "rto: 4 hours #", 1), "utf-8")
    done = _build(own_data.folder / "mkdocs.yml")
    assert done.returncode != 0
    assert "payroll.yaml" in done.stderr and "nothing was built" in done.stderr
    assert _outputs(own_data) == before


def test_a_failure_after_the_site_is_written_leaves_everything_as_it_was(own_data: Built) -> None:
    before = _outputs(own_data)
    largest = max(p.stat().st_size for p in own_data.site.rglob("*") if p.is_file())
    bundle = own_data.zip.stat().st_size
    assert largest + 64 * 1024 < bundle
    # A build that died earlier left a temporary file; this one removes it.
    stale = own_data.folder / "dist" / f".{STEM}.zip.{_exited_pid()}.part"
    stale.write_bytes(b"half a zip")

    # The disk fills up while the zip is written: MkDocs has written the whole staged site by then.
    done = _build(own_data.folder / "mkdocs.yml", file_size_limit=(largest + bundle) // 2)
    assert done.returncode != 0
    assert "handbook: making the copies failed; nothing was replaced" in done.stderr, done.stderr
    assert "File too large" in done.stderr
    assert "Traceback" not in done.stderr
    assert not stale.exists()
    assert _outputs(own_data) == before
    assert not list((own_data.folder / "dist").glob(".*.part"))
    assert not (own_data.folder / ".site.building").exists()


def _exited_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


# --- mkdocs serve ------------------------------------------------------------------------------


@pytest.mark.parametrize(("bundle", "made"), [(None, False), ("true", True)])
def test_serve_makes_no_copies_unless_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bundle: str | None, made: bool
) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from handbook import serve

    config = project_config(tmp_path / "project", write_data(tmp_path / "data"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.delenv("HANDBOOK_PDF", raising=False)
    monkeypatch.delenv("HANDBOOK_BUNDLE", raising=False)
    monkeypatch.delenv("HANDBOOK_DIST", raising=False)
    if bundle is not None:
        monkeypatch.setenv("HANDBOOK_BUNDLE", bundle)
    try:
        serve.start("serve")
        build(load_config(config_file=str(config), site_dir=str(tmp_path / "served")))
    finally:
        serve.start("build")
    dist = tmp_path / "project" / "dist"
    assert sorted(p.suffix for p in dist.glob("*")) == ([".zip"] if made else [])
    assert (tmp_path / "served" / "SHA256SUMS").exists() is made
    assert (tmp_path / "served" / "index.html").is_file()


# --- the footer is the data's text -------------------------------------------------------------


def test_footer_and_search_tags_show_data_as_text(tmp_path: Path) -> None:
    organisation = "<script>alert(1)</script> & Sons"
    classification = '"><img src=x onerror=alert(2)>'
    alias = "<img src=x onerror=alert(3)>"
    data = write_data(tmp_path / "data")
    payroll = (data / "services" / "payroll.yaml").read_text(encoding="utf-8")
    payroll = payroll.replace("name: Payroll\n", f"name: Payroll\naliases: [PaySphere, {alias!r}]\n")
    (data / "services" / "payroll.yaml").write_text(payroll, encoding="utf-8")
    handbook = (data / "handbook.yaml").read_text(encoding="utf-8")
    handbook = handbook.replace("organisation: Harbourline Logistics Ltd", f"organisation: {organisation!r}")
    handbook = handbook.replace("classification: Internal", f"classification: {classification!r}")
    (data / "handbook.yaml").write_text(handbook, encoding="utf-8")
    assert run_check(data, NOW).errors == []
    built = _built(tmp_path / "project", data)
    page = (built.site / "services" / "payroll.html").read_text(encoding="utf-8")
    footer = page[page.index('id="hb-edition"') :]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Sons" in footer
    assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in footer or "&quot;&gt;&lt;img" in footer
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    # Material's search shows an entry's tags as HTML: the aliases are there, escaped.
    index = json.loads((built.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    tags = {e["location"]: e.get("tags") for e in index["docs"]}
    assert tags["services/payroll.html"] == ["PaySphere", "&lt;img src=x onerror=alert(3)&gt;"]
    assert tags["index.html"] is None


# --- in the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Debian's chromium is installed by scripts/setup"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith("file://") else None)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    page.close()
    assert outside == [], "requests that are not file://"
    assert errors == [], "script errors"


@pytest.mark.parametrize(("service", "alias", "start"), SEARCHES)
def test_search_from_file_finds_a_service_by_alias_and_opens_it(
    unzipped: Path, page: Page, service: str, alias: str, start: str
) -> None:
    record = yaml.safe_load((REPO / "data" / "services" / f"{service}.yaml").read_text(encoding="utf-8"))
    assert alias in record["aliases"]
    page.clock.install(time=NOW + dt.timedelta(hours=1))  # Material's search needs running timers
    page.goto((unzipped / start).as_uri())
    assert page.evaluate("window.Worker === window.IFrameWorker"), "our stand-in runs the search worker"
    page.locator('input[data-md-component="search-query"]').click()
    page.keyboard.type(alias)
    first = page.locator(".md-search-result__item").first.locator("a").first
    expect(first).to_have_attribute("href", re.compile(rf"/services/{service}\.html\?h="), timeout=15_000)
    expect(first.locator("h1")).to_have_text(record["name"])
    first.click()
    page.wait_for_url(re.compile(rf"/services/{service}\.html"))
    assert page.url.startswith((unzipped / "services" / f"{service}.html").as_uri())
    expect(page.locator("article h1")).to_have_text(re.compile(rf"^{re.escape(record['name'])}"))


def test_a_nested_page_shows_the_build_date_and_commit(unzipped: Path, page: Page, commit: str) -> None:
    page.clock.set_fixed_time(NOW)
    page.goto((unzipped / "services" / "payroll.html").as_uri())
    footer = page.locator("#hb-edition")
    expect(footer).to_be_visible()
    expect(footer).to_contain_text(f"Built {BUILT} from data commit {commit[:12]}")
    expect(footer).to_contain_text("Harbourline Logistics Ltd")


@pytest.mark.parametrize(
    ("age", "banner"),
    [
        (dt.timedelta(0), None),
        (dt.timedelta(days=29, hours=23), None),
        (dt.timedelta(days=30, minutes=1), "30 days"),
        (dt.timedelta(days=45, hours=3), "45 days"),
        (dt.timedelta(days=400), "400 days"),
    ],
)
@pytest.mark.parametrize("path", ["index.html", "services/payroll.html"])
def test_an_old_copy_says_so_when_viewed(
    unzipped: Path, page: Page, commit: str, age: dt.timedelta, banner: str | None, path: str
) -> None:
    """copy_warning_after is 30d in the example: the banner appears once the copy is older."""
    page.clock.set_fixed_time(NOW + age)
    page.goto((unzipped / path).as_uri())
    stale = page.locator("#hb-stale")
    if banner is None:
        expect(stale).to_be_hidden()
        return
    expect(stale).to_be_visible()
    expect(stale).to_contain_text(
        f"This copy was built {banner} ago, on {BUILT}, from data commit {commit[:12]};"
        " check for a newer one."
    )


# --- publishing: the CI examples ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_ci_examples_are_in_the_docs_as_they_are_in_the_files(name: str) -> None:
    text = (REPO / "ci-examples" / name).read_text(encoding="utf-8")
    docs = (REPO / "docs" / "publishing.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```yaml\n(# ci-examples/([^:]+):.*?)^```$", docs, re.S | re.M)
    assert (text, name) in blocks, f"docs/publishing.md does not hold ci-examples/{name} as it is"
    workflow = yaml.safe_load(text)
    assert isinstance(workflow, dict)
    assert "handbook check data" in text and "scripts/build" in text
    assert "dist/*.zip" in text and "dist/*.pdf" in text
