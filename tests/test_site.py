"""The built site, as a reader and a browser meet it: real ``mkdocs build --strict`` runs, one per data
folder and module, then the HTML is parsed page by page.

(a) The example data in data/: every service has its page, every relative link and anchor
resolves, search finds a service by its other names, owner and suppliers, service pages are
boosted in search, the Edit button opens the page's YAML file, and no page loads anything from the
network.

(b) Hostile data: markup, template syntax and script URLs in every kind of field. Whatever the
data holds, the site shows it as text and never runs it: not in the content, not in the <title>,
not in the header, navigation or table of contents, not in the search index.
"""

from __future__ import annotations

import html
import json
import os
import posixpath
import re
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from handbook.check import run_check
from handbook.dataset import Dataset

from conftest import NOW, SOURCE_DATE_EPOCH, write_data

REPO = Path(__file__).resolve().parent.parent


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml as plain YAML: its !ENV switches (read by MkDocs) are not needed here."""


_ConfigLoader.add_constructor("!ENV", lambda loader, node: None)
CONFIG = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_ConfigLoader)


# --- building ----------------------------------------------------------------------------------


def _mkdocs_build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        cwd=site.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _project(folder: Path) -> Path:
    """The project's mkdocs.yml next to a data folder of the test's own (as tests/test_build.py)."""
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("hooks/handbook_hooks.py", str(REPO / "hooks" / "handbook_hooks.py"))
    config = config.replace("docs_dir: docs", f"docs_dir: {REPO / 'docs'}")
    config = re.sub(r"(?m)^(\s*custom_dir:\s*)(\S+)", lambda m: f"{m.group(1)}{REPO / m.group(2)}", config)
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    return folder / "mkdocs.yml"


@dataclass
class Site:
    root: Path
    data: Dataset
    log: str

    def pages(self) -> list[Path]:
        return sorted(self.root.rglob("*.html"))

    def rel(self, page: Path) -> str:
        return page.relative_to(self.root).as_posix()

    def search_index(self) -> list[dict[str, object]]:
        index = json.loads((self.root / "search" / "search_index.json").read_text(encoding="utf-8"))
        docs: list[dict[str, object]] = index["docs"]
        return docs


def _built(folder: Path, config: Path, data_dir: Path) -> Site:
    done = _mkdocs_build(config, folder / "site")
    if done.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed ({done.returncode}):\n{done.stderr[-6000:]}")
    result = run_check(data_dir, NOW)
    assert result.dataset is not None
    return Site(folder / "site", result.dataset, done.stderr)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The example data with the project's own mkdocs.yml, built into a temporary folder."""
    folder = tmp_path_factory.mktemp("example")
    return _built(folder, REPO / "mkdocs.yml", REPO / "data")


# --- reading HTML ------------------------------------------------------------------------------

_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track"}
    | {"wbr"}
)


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    parent: Node | None = field(default=None, repr=False)
    children: list[Node | str] = field(default_factory=list, repr=False)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self) -> list[Node]:
        found = [self]
        for child in self.children:
            if isinstance(child, Node):
                found.extend(child.walk())
        return found

    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def find(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        return [
            n
            for n in self.walk()[1:]
            if (tag is None or n.tag == tag) and (cls is None or cls in n.classes())
        ]


class _TreeBuilder(HTMLParser):
    """A forgiving DOM from html.parser: what the page's markup makes of the data, tag by tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in _VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(page: Path) -> Node:
    builder = _TreeBuilder()
    builder.feed(page.read_text(encoding="utf-8"))
    builder.close()
    return builder.root


def _space(text: str) -> str:
    return " ".join(text.split())


def _url_attributes(node: Node) -> list[tuple[str, str]]:
    return [
        (name, value)
        for name, value in node.attrs.items()
        if value is not None
        and name in {"href", "src", "action", "formaction", "xlink:href", "poster", "data"}
    ]


_BAD_SCHEME = re.compile(r"(javascript|vbscript|data|file):", re.I)


def _bad_url(value: str) -> bool:
    # Browsers ignore ASCII whitespace and control characters inside a scheme.
    squeezed = re.sub(r"[\x00-\x20]", "", value)
    return bool(_BAD_SCHEME.match(squeezed))


# --- (a) the example data ----------------------------------------------------------------------


def test_example_builds_with_a_page_per_service(example: Site) -> None:
    assert example.data.services
    missing = [
        sid for sid in example.data.services if not (example.root / "services" / f"{sid}.html").is_file()
    ]
    assert not missing, "\n".join(map(str, missing))
    assert (example.root / "index.html").is_file()


def _is_external(url: str) -> bool:
    return bool(urlsplit(url).scheme) or url.startswith("//")


def _offline_pages(site: Site) -> list[Path]:
    # MkDocs writes 404.html for a web server to send at any address, so its links are absolute
    # from the site root on purpose; no reader opens it from the offline copy.
    return [page for page in site.pages() if site.rel(page) != "404.html"]


def test_every_relative_link_and_anchor_resolves(example: Site) -> None:
    ids: dict[Path, set[str]] = {}

    def ids_of(page: Path) -> set[str]:
        if page not in ids:
            ids[page] = {
                value
                for n in parse(page).walk()
                for name, value in n.attrs.items()
                if name in {"id", "name"} and value is not None
            }
        return ids[page]

    broken = []
    checked = 0
    for page in _offline_pages(example):
        for node in parse(page).find("a"):
            href = node.attrs.get("href")
            if href is None or _is_external(href):
                continue
            checked += 1
            where = f"{example.rel(page)}: <a href={href!r}> ({_space(node.text())!r})"
            parts = urlsplit(href)
            if parts.path.startswith("/"):
                broken.append(f"{where}: absolute path, breaks the offline copy")
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{where}: no file {target}")
                continue
            if not target.is_relative_to(example.root.resolve()):
                broken.append(f"{where}: leaves the site")
                continue
            fragment = unquote(parts.fragment)
            if fragment and target.suffix == ".html" and fragment not in ids_of(target):
                broken.append(f"{where}: no id {fragment!r} in {target.relative_to(example.root.resolve())}")
    assert checked > 100
    assert not broken, "\n".join(map(str, broken))


def _content_links(page: Path, root: Path) -> set[str]:
    """Pages the content area of *page* links to (site-relative paths, fragments dropped)."""
    found = set()
    for node in parse(page).find("a"):
        href = node.attrs.get("href")
        if not href or _is_external(href) or href.startswith("#"):
            continue
        target = (page.parent / unquote(urlsplit(href).path)).resolve()
        if target.is_file() and target.is_relative_to(root.resolve()):
            found.add(target.relative_to(root.resolve()).as_posix())
    return found


def test_every_record_is_within_two_clicks_of_the_home_page(example: Site) -> None:
    first = _content_links(example.root / "index.html", example.root)
    second = set().union(
        *(_content_links(example.root / page, example.root) for page in first if page.endswith(".html"))
    )
    reachable = first | second
    data = example.data
    expected = (
        {f"services/{sid}.html" for sid in data.services}
        | {f"sites/{sid}.html" for sid in data.sites}
        | {f"vendors/{vid}.html" for vid in data.vendors}
        | {f"scenarios/{sid}.html" for sid in data.scenarios}
        | {f"exercises/{eid}.html" for eid in data.exercises}
        | {"risks.html"}  # every risk is a section of the register, with its own anchor
    )
    assert expected - reachable == set()
    risks_page = (example.root / "risks.html").read_text(encoding="utf-8")
    assert all(f'id="{risk.id}"' in risks_page for risk in data.risks)


def test_local_scripts_and_stylesheets_exist(example: Site) -> None:
    missing = []
    for page in _offline_pages(example):
        for node in parse(page).walk():
            url = node.attrs.get("src") if node.tag == "script" else None
            url = node.attrs.get("href") if node.tag == "link" else url
            if url and not _is_external(url):
                target = page.parent / unquote(urlsplit(url).path)
                if not target.is_file():
                    missing.append(f"{example.rel(page)}: <{node.tag}> {url}")
    assert not missing, "\n".join(map(str, missing))


def _service_entries(site: Site, service_id: str) -> list[dict[str, object]]:
    location = f"services/{service_id}.html"
    return [
        e
        for e in site.search_index()
        if isinstance(e["location"], str)
        and (e["location"] == location or e["location"].startswith(location + "#"))
    ]


def test_search_finds_a_service_by_aliases_owner_and_suppliers(example: Site) -> None:
    data = example.data
    missing = []
    for sid, service in data.services.items():
        entries = _service_entries(example, sid)
        assert entries, f"no search entry for services/{sid}.html"
        # Material stores titles and texts as HTML: tags first, then character references.
        markup = " ".join(f"{e['title']} {e['text']}" for e in entries)
        text = _space(html.unescape(re.sub(r"<[^>]+>", " ", markup)))
        vendors = [d.vendor for d in service.depends_on if d.vendor] + [
            a.vendor for a in service.assets if a.vendor
        ]
        wanted = [service.name, *service.aliases, data.party_name(service.owner)]
        wanted += [data.vendors[v].name for v in dict.fromkeys(vendors)]
        missing += [f"{sid}: {w!r}" for w in wanted if _space(w) not in text]
    assert not missing, "\n".join(map(str, missing))
    assert any(s.aliases for s in data.services.values()), "the example has aliases to find"


def test_service_pages_are_boosted_in_search(example: Site) -> None:
    # service.md.j2 starts with the front matter `search: {boost: 4}`; Material's search plugin
    # copies a page's boost onto every entry of the page: the page itself and each of its sections.
    weak = []
    for sid in example.data.services:
        boosts = [e.get("boost") for e in _service_entries(example, sid)]
        if not all(isinstance(b, int | float) and b > 1 for b in boosts):
            weak.append(f"services/{sid}.html: boosts {boosts}")
    assert not weak, "\n".join(weak)


def _edit_link(page: Path) -> str | None:
    links = [n.attrs.get("href") for n in parse(page).find("a") if n.attrs.get("rel") == "edit"]
    assert len(links) <= 1
    return links[0] if links else None


def _repo_file_url(path: str) -> str:
    """The edit address of a file of the repository, as repo_url + edit_uri name docs/ files."""
    base = posixpath.join(str(CONFIG["repo_url"]).rstrip("/"), str(CONFIG["edit_uri"]).strip("/"))
    assert base.endswith("/docs"), "edit_uri names the docs folder"
    return posixpath.dirname(base) + "/" + path


def test_edit_button_opens_the_yaml_file_of_the_page(example: Site) -> None:
    wrong = []
    for sid in example.data.services:
        expected = _repo_file_url(f"data/services/{sid}.yaml")
        actual = _edit_link(example.root / "services" / f"{sid}.html")
        if actual != expected:
            wrong.append((sid, actual, expected))
    assert not wrong, "\n".join(map(str, wrong))
    assert _edit_link(example.root / "contacts.html") == _repo_file_url("data/people.yaml")
    assert _edit_link(example.root / "editors.html") == _repo_file_url("docs/editors.md")


def test_every_edit_button_opens_a_file_of_the_repository(example: Site) -> None:
    prefix = _repo_file_url("")
    wrong = []
    for page in example.pages():
        href = _edit_link(page)
        if href is None:
            continue
        if not href.startswith(prefix) or not (REPO / href.removeprefix(prefix)).is_file():
            wrong.append(f"{example.rel(page)}: {href}")
    assert not wrong, "\n".join(wrong)


def test_no_page_loads_anything_from_the_network(example: Site) -> None:
    remote = re.compile(r"\s*(https?:)?//", re.I)
    found = []
    for page in example.pages():
        raw = page.read_text(encoding="utf-8")
        for host in ("fonts.googleapis", "fonts.gstatic", "cdn.jsdelivr", "unpkg.com"):
            if host in raw:
                found.append(f"{example.rel(page)}: mentions {host}")
        for node in parse(page).walk():
            for name, value in _url_attributes(node):
                loads = (node.tag, name) in {
                    ("script", "src"),
                    ("link", "href"),
                    ("img", "src"),
                    ("iframe", "src"),
                }
                loads = loads or (node.tag in {"source", "video", "audio", "embed", "object"})
                if loads and remote.match(value):
                    found.append(f"{example.rel(page)}: <{node.tag} {name}={value!r}>")
            style = node.attrs.get("style") or ""
            if re.search(r"url\(\s*['\"]?\s*(https?:)?//", style):
                found.append(f"{example.rel(page)}: style {style!r}")
    for css in example.root.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        if "fonts.googleapis" in text or re.search(r"@import\s+(url\()?\s*['\"]?(https?:)?//", text):
            found.append(f"{css.relative_to(example.root)}: imports from the network")
    assert not found, "\n".join(map(str, found))


def _services_by_section(page: Path) -> dict[str, list[str]]:
    """Service ids linked from the first cell of each table row, under each h2 of the article."""
    article = parse(page).find("article")
    assert len(article) == 1
    found: dict[str, list[str]] = {}
    section = ""
    for node in article[0].walk():
        if node.tag == "h2":
            section = _space(node.text()).rstrip("¶").strip()
            found.setdefault(section, [])
        elif node.tag == "tr":
            cells = [c for c in node.children if isinstance(c, Node) and c.tag == "td"]
            links = cells[0].find("a") if cells else []
            href = links[0].attrs.get("href") or "" if links else ""
            if href.startswith("../services/") and href.endswith(".html") and section:
                found[section].append(href.removeprefix("../services/").removesuffix(".html"))
    return found


def test_whatif_page_of_each_site_names_what_the_command_prints(
    example: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from handbook.cli import main

    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    assert example.data.sites
    for site_id in example.data.sites:
        assert main(["whatif", "--lose", f"site:{site_id}", "--format", "json", str(REPO / "data")]) == 0
        printed = json.loads(capsys.readouterr().out)
        shown = _services_by_section(example.root / "whatif" / f"site-{site_id}.html")
        # Each table lists its services once; the "who to call" tables repeat them below.
        assert shown["Disrupted services"][: len(printed["disrupted"])] == [
            d["service"] for d in printed["disrupted"]
        ], site_id
        assert set(shown["Disrupted services"]) == {d["service"] for d in printed["disrupted"]}, site_id
        assert set(shown["Degraded services"]) == {d["service"] for d in printed["degraded"]}, site_id
        site_page = (example.root / "sites" / f"{site_id}.html").read_text(encoding="utf-8")
        assert f'href="../whatif/site-{site_id}.html"' in site_page


# --- (b) hostile data --------------------------------------------------------------------------

SERVICE_NAME = "<script>alert(1)</script>"
ALIAS = "<img src=x onerror=alert(1)>"
PERSON_NAME = '"><svg onload=alert(4)>'
TEAM_PHONE = "+44 20 <b>1</b>"
TEMPLATE = "{{ 7*7 }}"
RAW = "{% raw %}"
# A name that closes the <title> element if the theme prints it raw there.
VENDOR_NAME = "</title><script>alert(6)</script>"
SITE_NAME = "<svg onload=alert(8)>"
STEP_TITLE = "<img src=x onerror=alert(7)> {{ 7*7 }}"
RISK_TITLE = "[x](javascript:alert(10)) <b>bold</b>"
SCENARIO_TITLE = "{% raw %}<iframe src=javascript:alert(11)>"
EXERCISE_TITLE = "</title><style>*{display:none}</style>"

HOSTILE = {
    "people.yaml": """\
        people:
          - id: jdoe
            name: '"><svg onload=alert(4)>'
            role: "<i>role</i> {{ 7*7 }}"
            phone: "+44 20 7946 0001"
            email: "x@example.com"
            deputy: asmith
          - id: asmith
            name: Alan Smith
            phone: "+44 20 7946 0002"
        teams:
          - id: infra
            name: "Infrastructure <u>Operations</u>"
            lead: jdoe
            members: [jdoe, asmith]
            phone: "+44 20 <b>1</b>"
            escalation: [infra, jdoe]
        """,
    "sites.yaml": """\
        sites:
          - id: dc-london
            name: "<svg onload=alert(8)>"
            kind: data-centre
            address: "<a href='javascript:alert(12)'>here</a>"
            hazards: ["<script>alert(13)</script>"]
            contact: infra
          - id: dc-manchester
            name: Manchester data centre
            kind: data-centre
        """,
    "vendors.yaml": """\
        vendors:
          - id: acme-cloud
            name: "</title><script>alert(6)</script>"
            provides: "<script>alert(14)</script>"
            support_phone: "+1 555 0100"
            support_email: "support@acme.example"
            sla: "[sla](javascript:alert(15))"
            recovery_time: 2h
        """,
    "risks.yaml": """\
        risks:
          - id: flood-london
            title: "[x](javascript:alert(10)) <b>bold</b>"
            likelihood: 2
            impact: 4
            affects: [{site: dc-london}, {service: payroll}]
            treatment: mitigate
            mitigations: ["<script>alert(16)</script>"]
            owner: jdoe
        """,
    "scenarios/loss-of-london.yaml": """\
        id: loss-of-london
        title: "{% raw %}<iframe src=javascript:alert(11)>"
        description: |
          Raw <script>alert(17)</script> and [bad](javascript:alert(18)).
        lost: [{site: dc-london}]
        """,
    "exercises/2026-05-failover.yaml": """\
        id: 2026-05-failover
        title: "</title><style>*{display:none}</style>"
        date: 2026-05-14
        kind: walkthrough
        services: [payroll, network]
        outcome: passed
        achieved: {payroll: 5h}
        findings: |
          <img src=x onerror=alert(19)> [f](data:text/html;base64,PHNjcmlwdD5hbGVydCgyMCk8L3NjcmlwdD4=)
        actions:
          - title: "<script>alert(21)</script>"
            owner: jdoe
            due: 2027-01-01
            status: open
        """,
    "services/payroll.yaml": """\
        id: payroll
        name: "<script>alert(1)</script>"
        description: |
          Shows {{ 7*7 }} and {% raw %} as written, and {# not a comment #}.
        aliases:
          - "<img src=x onerror=alert(1)>"
        owner: jdoe
        team: infra
        depends_on:
          - service: network
            note: "<script>alert(22)</script>"
          - vendor: acme-cloud
        bia:
          impact:
            financial: {1d: 2, 3d: 4}
          mtpd: 3d
          rto: 1d
          rpo: 4h
          mbco: "<script>alert(23)</script>"
          peak_periods: ["{{ 7*7 }}"]
        backups:
          - name: payroll-db
            frequency: 1h
            offsite: true
            method: "<b>WAL</b>"
        assets:
          - name: "<img src=x onerror=alert(24)>"
            kind: database
            note: "{% endraw %}"
        continuity:
          strategy: warm-standby
          alternate_site: dc-manchester
          recovery_time: 6h
          workaround: "[w](file:///etc/passwd)"
        recovery:
          activation: "<a href=javascript:alert(25)>go</a>"
          authority: jdoe
          steps:
            - title: "<img src=x onerror=alert(7)> {{ 7*7 }}"
              assignee: infra
              duration: 15m
              details: |
                Open [click](javascript:alert(1)) first.

                <img src=x onerror=alert(2)>

                <script>alert(3)</script>

                [status](https://status.example/) and [desk](mailto:desk@example.com).
              verify: "<svg onload=alert(26)>"
          validation: "![pic](javascript:alert(27))"
          reconstitution: "```\\n<script>alert(28)</script>\\n```"
        communications:
          - audience: "<script>alert(29)</script>"
            channel: Email
            owner: jdoe
            message: "Hello <b onclick=alert(30)>all</b>"
        review:
          last_reviewed: 2026-06-01
          reviewed_by: jdoe
        """,
}

# What must read exactly as written on the service page.
SERVICE_PAGE_LITERALS = [
    SERVICE_NAME,
    ALIAS,
    PERSON_NAME,
    TEAM_PHONE,
    TEMPLATE,
    RAW,
    VENDOR_NAME,
    STEP_TITLE,
    "<img src=x onerror=alert(2)>",
    "<script>alert(3)</script>",
    "<script>alert(23)</script>",
    "<svg onload=alert(26)>",
]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Site:
    folder = tmp_path_factory.mktemp("hostile")
    data_dir = write_data(folder / "data", HOSTILE)
    result = run_check(data_dir, NOW)
    assert [p.format() for p in result.errors] == [], "the hostile data is valid data"
    return _built(folder, _project(folder), data_dir)


def test_hostile_data_never_becomes_a_script(hostile: Site) -> None:
    found = []
    for page in hostile.pages():
        for node in parse(page).find("script"):
            if "alert" in node.text() or node.attrs.get("src") == "x":
                parent = node.parent.tag if node.parent else ""
                found.append(f"{hostile.rel(page)}: <script> {node.text()[:80]!r} inside <{parent}>")
    assert not found, "\n".join(map(str, found))


def test_hostile_data_never_becomes_an_element(hostile: Site) -> None:
    found = []
    for page in hostile.pages():
        for node in parse(page).walk():
            if node.tag in {"iframe", "object", "embed", "u", "i", "b"}:
                found.append(f"{hostile.rel(page)}: <{node.tag}> {node.text()[:60]!r}")
            if node.tag == "style" and "display:none" in node.text():
                found.append(f"{hostile.rel(page)}: <style> {node.text()[:60]!r}")
            if node.tag == "img" and node.attrs.get("src") == "x":
                found.append(f"{hostile.rel(page)}: <img src=x>")
            if node.tag == "svg" and not node.children:
                found.append(f"{hostile.rel(page)}: empty <svg> (not an icon)")
    assert not found, "\n".join(map(str, found))


def test_hostile_data_adds_no_event_attribute(hostile: Site) -> None:
    # Material's own markup has no on* attribute at all, so the whole page is checked, content
    # area, header, navigation and footer alike.
    found = [
        f"{hostile.rel(page)}: <{node.tag} {name}={value!r}>"
        for page in hostile.pages()
        for node in parse(page).walk()
        for name, value in node.attrs.items()
        if name.startswith("on")
    ]
    assert not found, "\n".join(map(str, found))


def test_hostile_data_adds_no_script_url(hostile: Site) -> None:
    found = [
        f"{hostile.rel(page)}: <{node.tag} {name}={value!r}>"
        for page in hostile.pages()
        for node in parse(page).walk()
        for name, value in _url_attributes(node)
        if _bad_url(value)
    ]
    assert not found, "\n".join(map(str, found))


def test_hostile_text_shows_as_written_on_the_service_page(hostile: Site) -> None:
    article = parse(hostile.root / "services" / "payroll.html").find("article")
    assert len(article) == 1
    text = _space(article[0].text())
    missing = [literal for literal in SERVICE_PAGE_LITERALS if _space(literal) not in text]
    assert not missing, "\n".join(map(str, missing))
    assert not re.search(r"(?<!\d)49(?!\d)", text), "a template expression was evaluated"
    # The safe links of a markdown field stay links; the script link keeps its text only.
    hrefs = {n.attrs.get("href") for n in article[0].find("a")}
    assert {"https://status.example/", "mailto:desk@example.com", "tel:+44201"} <= hrefs


def test_hostile_text_shows_as_written_on_the_other_pages(hostile: Site) -> None:
    def text_of(path: str) -> str:
        articles = parse(hostile.root / path).find("article")
        assert len(articles) == 1, path
        return _space(articles[0].text())

    expectations = {
        "contacts.html": [PERSON_NAME, TEAM_PHONE, VENDOR_NAME, "Infrastructure <u>Operations</u>"],
        "services/index.html": [SERVICE_NAME, PERSON_NAME],
        "services/network.html": [SERVICE_NAME, SITE_NAME, RISK_TITLE],
        f"vendors/{'acme-cloud'}.html": [VENDOR_NAME, SERVICE_NAME],
        "sites/dc-london.html": [SITE_NAME, "<a href='javascript:alert(12)'>here</a>"],
        "scenarios/loss-of-london.html": [SCENARIO_TITLE, "<script>alert(17)</script>"],
        "exercises/2026-05-failover.html": [EXERCISE_TITLE, "<img src=x onerror=alert(19)>"],
    }
    missing = []
    for path, literals in expectations.items():
        text = text_of(path)
        missing += [f"{path}: {literal!r}" for literal in literals if _space(literal) not in text]
        if re.search(r"(?<!\d)49(?!\d)", text):
            missing.append(f"{path}: shows 49")
    assert not missing, "\n".join(map(str, missing))


def _title_of(page: Path) -> Node:
    # The document's own title: a diagram's <svg> holds a <title> of its own, for screen readers.
    (head,) = parse(page).find("head")
    titles = head.find("title")
    assert len(titles) == 1, f"{page.name}: {len(titles)} <title> elements"
    return titles[0]


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("services/payroll.html", SERVICE_NAME),
        ("vendors/acme-cloud.html", VENDOR_NAME),
        ("sites/dc-london.html", SITE_NAME),
        ("scenarios/loss-of-london.html", SCENARIO_TITLE),
        ("exercises/2026-05-failover.html", EXERCISE_TITLE),
    ],
)
def test_hostile_name_in_the_title_and_header_is_text(hostile: Site, path: str, name: str) -> None:
    page = hostile.root / path
    title = _title_of(page)
    assert [n.tag for n in title.walk()[1:]] == [], f"<title> holds elements: {title.text()!r}"
    assert title.text() == f"{name} - {CONFIG['site_name']}"
    topics = parse(page).find(cls="md-header__topic")
    assert topics, "the header names the page"
    shown = [_space(t.text()) for t in topics]
    assert _space(name) in shown, shown
    for topic in topics:
        assert {n.tag for n in topic.walk()[1:]} <= {"span"}, [n.tag for n in topic.walk()]


def test_hostile_headings_in_the_table_of_contents_are_text(hostile: Site) -> None:
    root = parse(hostile.root / "services" / "payroll.html")
    toc = [n for n in root.find("nav") if "md-nav--secondary" in n.classes()]
    assert toc, "the page has a table of contents"
    text = _space(toc[0].text())
    assert _space(STEP_TITLE) in text
    assert {n.tag for n in toc[0].walk()[1:]} <= {"label", "span", "svg", "path", "ul", "li", "a", "nav"}


def test_hostile_search_index_holds_text_not_markup(hostile: Site) -> None:
    # Material's search shows titles and texts as HTML: the data's markup must arrive escaped.
    found = []
    for entry in hostile.search_index():
        for key in ("title", "text"):
            value = str(entry.get(key, ""))
            tree = _TreeBuilder()
            tree.feed(value)
            tree.close()
            for node in tree.root.walk()[1:]:
                if node.tag in {"script", "img", "svg", "iframe", "style", "b", "u", "i"}:
                    found.append(f"{entry['location']} {key}: <{node.tag}>")
                found += [f"{entry['location']} {key}: {n}=" for n in node.attrs if n.startswith("on")]
                found += [f"{entry['location']} {key}: {u}" for _, u in _url_attributes(node) if _bad_url(u)]
    assert not found, "\n".join(map(str, found))
    payroll = " ".join(
        html.unescape(f"{e['title']} {e['text']}") for e in _service_entries(hostile, "payroll")
    )
    assert SERVICE_NAME in payroll and ALIAS in payroll and PERSON_NAME in payroll
