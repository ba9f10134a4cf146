"""The dependency diagrams (render/diagrams.py), read back as a reader's browser would.

Small hand-made graphs (a chain, a diamond, a degraded link, sites and suppliers, wide fans) hold
exactly the boxes and links they should; on the example data, every service diagram and every
site, supplier and scenario what-if parses as XML, keeps its boxes apart, its labels inside their
boxes and its lines out of the boxes; hostile names stay text; and in a real build every box links
to a page that exists, the diagrams stay out of the search index, and Chromium draws every label
inside its box.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from markupsafe import Markup

from handbook.check import run_check
from handbook.dataset import Dataset
from handbook.render import paths
from handbook.render.diagrams import MAX_GROUP, MAX_WHATIF, PAD_X, service_diagram, text_width, whatif_diagram

from conftest import NOW, SOURCE_DATE_EPOCH, CheckFn

REPO = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


# --- reading a diagram back -------------------------------------------------------------------


@dataclass
class Text:
    x: float
    y: float
    size: float
    bold: bool
    text: str


@dataclass
class Box:
    key: str
    x: float
    y: float
    w: float
    h: float
    href: str | None
    shape: str  # rect | polygon
    dashed: bool
    fill: str
    texts: list[Text] = field(default_factory=list)

    @property
    def label(self) -> str:
        return " ".join(t.text for t in self.texts if t.size == 12)

    @property
    def caption(self) -> str:
        return " ".join(t.text for t in self.texts if t.size != 12)


@dataclass
class Link:
    dependant: str
    dependency: str
    degraded: bool
    d: str


@dataclass
class Diagram:
    root: ET.Element
    svg: ET.Element
    boxes: dict[str, Box]
    links: list[Link]

    @property
    def keys(self) -> set[str]:
        return {k for k in self.boxes if not k.startswith("more:")}

    def pairs(self) -> set[tuple[str, str, bool]]:
        return {(link.dependant, link.dependency, link.degraded) for link in self.links}

    def text(self, tag: str) -> str:
        found = self.svg.find(SVG + tag)
        assert found is not None and found.text is not None
        return found.text

    def notes(self) -> list[str]:
        return [t.text or "" for t in self.svg.iter(SVG + "text")]


def _translate(node: ET.Element) -> tuple[float, float]:
    match = re.fullmatch(r"translate\((-?[\d.]+) (-?[\d.]+)\)", node.get("transform", ""))
    assert match, node.attrib
    return float(match.group(1)), float(match.group(2))


def read(markup: Markup) -> Diagram:
    assert isinstance(markup, Markup)
    root = ET.fromstring(str(markup))  # the whole block is well-formed XML
    assert root.tag == "div" and root.get("class") == "hb-diagram" and "data-search-exclude" in root.attrib
    (svg,) = list(root)
    assert svg.tag == SVG + "svg"
    boxes: dict[str, Box] = {}
    for node in svg.iter():
        key = node.get("data-node")
        if key is None:
            continue
        dx, dy = _translate(node)
        shape = node[0]
        if shape.tag == SVG + "rect":
            x, y = float(shape.get("x", 0)), float(shape.get("y", 0))
            w, h = float(shape.get("width", 0)), float(shape.get("height", 0))
        else:
            assert shape.tag == SVG + "polygon"
            points = [tuple(map(float, p.split(","))) for p in shape.get("points", "").split()]
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            x, y, w, h = min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)
        href = node.get("href") if node.tag == SVG + "a" else None
        box = Box(
            key, dx + x, dy + y, w, h, href, shape.tag[len(SVG) :], "stroke-dasharray" in shape.attrib,
            shape.get("fill", ""),
        )  # fmt: skip
        for text in node.findall(SVG + "text"):
            size = float(text.get("font-size", 12))
            box.texts.append(
                Text(dx + float(text.get("x", 0)), dy + float(text.get("y", 0)), size,
                     text.get("font-weight") == "bold", text.text or "")
            )  # fmt: skip
        assert key not in boxes, f"{key} drawn twice"
        boxes[key] = box
    links = []
    for group in svg.findall(SVG + "g"):
        for path in group.findall(SVG + "path"):
            if path.get("data-link"):
                dependant, dependency = path.get("data-link", "").split()
                links.append(
                    Link(dependant, dependency, "stroke-dasharray" in group.attrib, path.get("d", ""))
                )
    return Diagram(root, svg, boxes, links)


def _points(d: str) -> Iterator[tuple[float, float]]:
    """Points along a path of the diagrams' own commands (M, V, C), finely enough to meet a box."""
    tokens = re.findall(r"[MVC]|-?[\d.]+", d)
    x = y = 0.0
    i = 0
    while i < len(tokens):
        command = tokens[i]
        if command == "M":
            x, y = float(tokens[i + 1]), float(tokens[i + 2])
            i += 3
        elif command == "V":
            target = float(tokens[i + 1])
            for step in range(1, 11):
                yield x, y + (target - y) * step / 10
            y = target
            i += 2
        else:
            x1, y1, x2, y2, x3, y3 = map(float, tokens[i + 1 : i + 7])
            for step in range(1, 40):
                t = step / 40
                u = 1 - t
                yield (
                    u**3 * x + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t**3 * x3,
                    u**3 * y + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t**3 * y3,
                )
            x, y = x3, y3
            i += 7


@pytest.fixture(scope="module")
def dejavu() -> tuple[object, object] | None:
    """Advance widths of DejaVu Sans and DejaVu Sans Bold (when the machine has them)."""
    regular, bold = DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf"
    if not (regular.is_file() and bold.is_file()):
        return None
    from fontTools.ttLib import TTFont  # WeasyPrint's dependency

    return TTFont(regular), TTFont(bold)


def _font_width(font: object, text: str, size: float) -> float:
    cmap = font.getBestCmap()  # type: ignore[attr-defined]
    metrics = font["hmtx"]  # type: ignore[index]
    em = font["head"].unitsPerEm  # type: ignore[index]
    return sum(metrics[cmap[ord(ch)]][0] for ch in text if ord(ch) in cmap) / em * size


def assert_well_drawn(diagram: Diagram, fonts: tuple[object, object] | None = None) -> None:
    """No box overlaps another, every label sits inside its box, no line runs through a box, and
    the picture is named in words for those who cannot see it."""
    boxes = list(diagram.boxes.values())
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a.x + a.w <= b.x or b.x + b.w <= a.x or a.y + a.h <= b.y or b.y + b.h <= a.y
            assert apart, f"{a.key} and {b.key} overlap"
    for box in boxes:
        for text in box.texts:
            estimate = text_width(text.text, text.size, text.bold)
            widths = [estimate]
            if fonts is not None:
                real = _font_width(fonts[1] if text.bold else fonts[0], text.text, text.size)
                assert real <= estimate + 0.01, f"the estimate of {text.text!r} is below DejaVu Sans"
                widths.append(real)
            half = max(widths) / 2
            assert box.x + PAD_X / 2 <= text.x - half and text.x + half <= box.x + box.w - PAD_X / 2, (
                f"{text.text!r} does not fit across {box.key}"
            )
            assert box.y <= text.y - 0.75 * text.size and text.y + 0.25 * text.size <= box.y + box.h, (
                f"{text.text!r} does not fit down {box.key}"
            )
    for link in diagram.links:
        for x, y in _points(link.d):
            for box in boxes:
                inside = box.x + 1 < x < box.x + box.w - 1 and box.y + 1 < y < box.y + box.h - 1
                assert not inside, f"the line {link.dependant} -> {link.dependency} crosses {box.key}"
    labelled = diagram.svg.get("aria-labelledby", "").split()
    ids = {node.get("id") for node in diagram.svg.iter()}
    assert diagram.svg.get("role") == "img" and len(labelled) == 2 and set(labelled) <= ids
    desc = diagram.text("desc")
    for box in boxes:
        if not box.key.startswith("more:"):
            assert box.label.rstrip("\u2026").split()[0] in desc, f"{box.key} is not described"
    view = diagram.svg.get("viewBox", "").split()
    assert view[:2] == ["0", "0"] and view[2:] == [diagram.svg.get("width"), diagram.svg.get("height")]
    for box in boxes:
        assert box.x >= 0 and box.x + box.w <= float(view[2]) and box.y + box.h <= float(view[3])


# --- small graphs ------------------------------------------------------------------------------


def _service(sid: str, deps: list[str], name: str | None = None, rto: str = "1d") -> str:
    """A service file: deps as ``kind:id``, ending in ``~`` for a degraded link."""
    lines = [
        f"id: {sid}",
        f"name: {json.dumps(name or sid.replace('-', ' ').title())}",
        "owner: jdoe",
        "bia:",
        "  mtpd: 3d",
        f"  rto: {rto}",
        "  rpo: 4h",
        "continuity:",
        "  recovery_time: 1h",
    ]
    if deps:
        lines.append("depends_on:")
        for dep in deps:
            kind, _, rid = dep.rstrip("~").partition(":")
            lines.append(f"  - {{{kind}: {rid}{', degraded: true' if dep.endswith('~') else ''}}}")
    return "\n".join(lines) + "\n"


def dataset(check: CheckFn, graph: dict[str, list[str]], names: dict[str, str] | None = None) -> Dataset:
    """The fixture's data folder with these services only (and the fixture's sites and supplier)."""
    changes: dict[str, str | bytes | None] = {
        "services/network.yaml": None,
        "services/payroll.yaml": None,
        "exercises/2026-05-failover.yaml": None,
        "evidence/backups.csv": None,
    }
    for sid, deps in graph.items():
        changes[f"services/{sid}.yaml"] = _service(sid, deps, (names or {}).get(sid))
    result = check(changes)
    assert result.dataset is not None, [p.message for p in result.problems]
    return result.dataset


def diagram_of(data: Dataset, sid: str) -> Diagram:
    drawn = read(service_diagram(data, sid, paths.service(sid)))
    assert_well_drawn(drawn)
    return drawn


def test_a_chain_shows_two_levels_up_and_one_down(check: CheckFn) -> None:
    data = dataset(
        check,
        {"a": ["service:b"], "b": ["service:c"], "c": ["service:d"], "d": ["service:e"], "e": []},
    )
    c = diagram_of(data, "c")
    assert c.keys == {"service:c", "service:d", "service:e", "service:b"}
    assert c.pairs() == {
        ("service:c", "service:d", False),
        ("service:d", "service:e", False),
        ("service:b", "service:c", False),
    }
    # What it needs sits above it, what needs it below.
    assert c.boxes["service:e"].y < c.boxes["service:d"].y < c.boxes["service:c"].y < c.boxes["service:b"].y
    b = diagram_of(data, "b")
    assert b.keys == {"service:b", "service:c", "service:d", "service:a"}  # not e: three levels up
    e = diagram_of(data, "e")
    assert e.keys == {"service:e", "service:d"}  # not c: two levels down
    assert "No other service" not in e.text("desc")
    assert "No other service depends on A." in diagram_of(data, "a").text("desc")


def test_a_diamond_draws_the_shared_dependency_once(check: CheckFn) -> None:
    data = dataset(check, {"a": ["service:b", "service:c"], "b": ["service:d"], "c": ["service:d"], "d": []})
    a = diagram_of(data, "a")
    assert a.keys == {"service:a", "service:b", "service:c", "service:d"}
    assert a.pairs() == {
        ("service:a", "service:b", False),
        ("service:a", "service:c", False),
        ("service:b", "service:d", False),
        ("service:c", "service:d", False),
    }
    assert a.boxes["service:b"].y == a.boxes["service:c"].y
    assert "A needs B and C." in a.text("desc")


def test_a_degraded_link_is_dashed_and_the_legend_says_so(check: CheckFn) -> None:
    data = dataset(check, {"a": ["service:b~", "service:c"], "b": [], "c": []})
    a = diagram_of(data, "a")
    assert a.pairs() == {("service:a", "service:b", True), ("service:a", "service:c", False)}
    legend = " ".join(a.notes())
    assert "runs degraded without" in legend and "needs" in legend
    assert "A runs degraded without B." in a.text("desc")
    b = diagram_of(data, "b")
    assert b.pairs() == {("service:a", "service:b", True)}


def test_degraded_links_in_a_circle_are_drawn_both_ways(check: CheckFn) -> None:
    # Only degraded links may close a circle; both directions are drawn, nothing twice.
    data = dataset(check, {"a": ["service:b~", "service:c"], "b": ["service:a~"], "c": []})
    a = diagram_of(data, "a")
    assert a.keys == {"service:a", "service:b", "service:c"}
    assert a.pairs() == {
        ("service:a", "service:b", True),
        ("service:a", "service:c", False),
        ("service:b", "service:a", True),
    }


def test_sites_and_suppliers_are_boxes_that_link_to_their_pages(check: CheckFn) -> None:
    data = dataset(check, {"a": ["service:b", "vendor:acme-cloud"], "b": ["site:dc-london"]})
    a = diagram_of(data, "a")
    assert a.keys == {"service:a", "service:b", "vendor:acme-cloud", "site:dc-london"}
    assert a.boxes["service:b"].href == "b.html"
    assert a.boxes["vendor:acme-cloud"].href == "../vendors/acme-cloud.html"
    assert a.boxes["site:dc-london"].href == "../sites/dc-london.html"
    assert a.boxes["site:dc-london"].caption == "site"
    assert a.boxes["vendor:acme-cloud"].caption == "supplier"
    assert a.boxes["service:a"].texts[-1].bold  # the service itself stands out
    assert a.boxes["service:b"].caption == "tier 2 \u00b7 RTO 1d"
    # From another folder, the same boxes lead to the same pages.
    other = read(service_diagram(data, "a", "whatif/site-dc-london.md"))
    assert other.boxes["service:b"].href == "../services/b.html"


def test_wide_fans_are_capped_and_counted(check: CheckFn, tmp_path: Path) -> None:
    many = MAX_GROUP + 8
    graph: dict[str, list[str]] = {"hub": []}
    graph |= {f"user-{i:02d}": ["service:hub"] for i in range(many)}
    graph["needy"] = [f"service:user-{i:02d}" for i in range(many)]
    data = dataset(check, graph)
    hub = diagram_of(data, "hub")
    assert len(hub.keys) == 1 + MAX_GROUP
    assert "more:dependants" in hub.boxes and "and 8 more" in hub.boxes["more:dependants"].label
    assert any(n == "Not drawn: 8 more services that depend on Hub." for n in hub.notes())
    needy = diagram_of(data, "needy")
    assert len(needy.keys) == 1 + MAX_GROUP + 1  # its twelve, and the hub above two of them...
    assert "more:needs" in needy.boxes
    # One more than the cap is drawn, not counted: its box takes the room of "and 1 more".
    fewer = {"hub": []} | {f"user-{i:02d}": ["service:hub"] for i in range(MAX_GROUP + 1)}
    for sid in set(graph) - set(fewer):  # the check fixture writes to the same folder each time
        (tmp_path / "data" / "services" / f"{sid}.yaml").unlink()
    data = dataset(check, fewer)
    hub = diagram_of(data, "hub")
    assert len(hub.keys) == MAX_GROUP + 2 and "more:dependants" not in hub.boxes


def test_every_row_fits_a_page_width(check: CheckFn) -> None:
    names = {f"user-{i:02d}": f"A rather long service name number {i}" for i in range(MAX_GROUP)}
    data = dataset(check, {"hub": []} | {sid: ["service:hub"] for sid in names}, names)
    hub = diagram_of(data, "hub")
    assert float(hub.svg.get("width", 0)) < 800
    assert len({box.y for box in hub.boxes.values()}) >= 3  # the dependants wrap into rows


def test_hostile_names_stay_text(check: CheckFn) -> None:
    hostile = "<b onclick='x()'>Pay & \"roll\"</b> ]]> <!-- {{ 7*7 }} -->"
    data = dataset(check, {"a": ["service:b"], "b": []}, {"b": hostile})
    markup = service_diagram(data, "a", paths.service("a"))
    assert "<b " not in markup and "<!--" not in markup and "onclick='" not in markup
    a = read(markup)
    assert_well_drawn(a)
    assert not [
        n for n in a.svg.iter() if n.tag in ("b", SVG + "b") or any(k.startswith("on") for k in n.attrib)
    ]
    assert a.boxes["service:b"].label.rstrip("\u2026") in hostile
    assert hostile in a.text("desc")
    whatif = read(whatif_diagram(data, "whatif/x.md", ["service:b"], {"a", "b"}, set()))
    assert hostile in whatif.text("title")


def test_a_label_too_long_for_three_lines_ends_in_an_ellipsis(check: CheckFn) -> None:
    long_name = "Enterprise " * 20
    data = dataset(check, {"a": ["service:b"], "b": []}, {"b": long_name.strip()})
    b = diagram_of(data, "a").boxes["service:b"]
    assert len([t for t in b.texts if t.size == 12]) == 3 and b.label.endswith("\u2026")
    assert long_name.strip() in diagram_of(data, "a").text("desc")  # the full name, in words


# --- what-if -----------------------------------------------------------------------------------


def spread(data: Dataset, lost: list[str]) -> tuple[set[str], set[str]]:
    """Disrupted and degraded services, by the data format's rule, worked out here independently."""
    disrupted = {key.partition(":")[2] for key in lost if key.startswith("service:")}
    changed = True
    while changed:
        changed = False
        for sid, service in data.services.items():
            hit = any(
                not d.degraded and (d.ref in lost or (d.kind == "service" and d.id in disrupted))
                for d in service.depends_on
            )
            if sid not in disrupted and hit:
                disrupted.add(sid)
                changed = True
    degraded: set[str] = set()
    changed = True
    while changed:
        changed = False
        for sid, service in data.services.items():
            hit = any(
                d.ref in lost or (d.kind == "service" and (d.id in disrupted or d.id in degraded))
                for d in service.depends_on
            )
            if sid not in disrupted and sid not in degraded and hit:
                degraded.add(sid)
                changed = True
    return disrupted, degraded


def whatif_of(data: Dataset, lost: list[str], page: str = "whatif/x.md") -> Diagram:
    disrupted, degraded = spread(data, lost)
    drawn = read(whatif_diagram(data, page, lost, disrupted, degraded))
    assert_well_drawn(drawn)
    return drawn


def test_whatif_tells_lost_disrupted_and_degraded_apart(check: CheckFn) -> None:
    data = dataset(
        check,
        {
            "x": ["site:dc-london"],
            "yy": ["service:x"],
            "z": ["service:yy~"],
            "w": ["service:x", "site:dc-london"],
            "v": ["service:z"],
            "far": ["site:dc-manchester"],
        },
    )
    w = whatif_of(data, ["site:dc-london"])
    assert w.keys == {"site:dc-london", "service:x", "service:yy", "service:z", "service:w", "service:v"}
    lost, disrupted, degraded = w.boxes["site:dc-london"], w.boxes["service:x"], w.boxes["service:z"]
    # In words, by outline and by fill, not by colour alone.
    assert lost.caption.startswith("LOST") and disrupted.caption.startswith("disrupted")
    assert degraded.caption.startswith("degraded") and w.boxes["service:v"].caption.startswith("degraded")
    assert lost.shape == "polygon" and disrupted.shape == "rect" and degraded.shape == "rect"
    assert degraded.dashed and not disrupted.dashed
    assert len({lost.fill, disrupted.fill, degraded.fill}) == 3
    legend = " ".join(w.notes())
    assert "lost" in legend and "disrupted" in legend and "degraded" in legend
    # w -> dc-london is implied by w -> x -> dc-london: left out, so the lines stay few.
    assert w.pairs() == {
        ("service:x", "site:dc-london", False),
        ("service:yy", "service:x", False),
        ("service:z", "service:yy", True),
        ("service:w", "service:x", False),
        ("service:v", "service:z", False),
    }
    assert w.boxes["site:dc-london"].href == "../sites/dc-london.html"
    assert w.boxes["service:x"].href == "../services/x.html"
    desc = w.text("desc")
    assert "Lost: London data centre (site)." in desc and "Disrupted: " in desc and "Degraded: " in desc


def test_a_large_whatif_is_capped_nearest_the_loss_first(check: CheckFn) -> None:
    graph = {f"s{i:03d}": ["site:dc-london"] for i in range(30)}
    graph |= {f"t{i:03d}": [f"service:s{i % 30:03d}"] for i in range(60)}
    graph |= {f"u{i:03d}": [f"service:t{i:03d}~"] for i in range(10)}
    data = dataset(check, graph)
    w = whatif_of(data, ["site:dc-london"])
    assert len(w.boxes) == MAX_WHATIF
    assert {f"service:s{i:03d}" for i in range(30)} <= w.keys  # the nearest first
    assert not any(k.startswith("service:u") for k in w.keys)
    assert "Not drawn: 51 disrupted and 10 degraded services, further from the loss." in w.notes()
    for link in w.links:  # every box drawn hangs from the loss through boxes drawn
        assert link.dependency in w.boxes


def test_a_lost_service_is_drawn_lost(check: CheckFn) -> None:
    data = dataset(check, {"a": ["service:b"], "b": [], "c": ["service:a~"]})
    w = whatif_of(data, ["service:b"])
    assert w.keys == {"service:b", "service:a", "service:c"}
    assert w.boxes["service:b"].caption == "LOST \u00b7 service"
    assert w.pairs() == {("service:a", "service:b", False), ("service:c", "service:a", True)}
    nothing = whatif_of(data, ["service:c"])
    assert nothing.keys == {"service:c"}


# --- the example data --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example() -> Dataset:
    result = run_check(REPO / "data", NOW)
    assert result.dataset is not None
    return result.dataset


def test_every_service_diagram_of_the_example_is_well_drawn(
    example: Dataset, dejavu: tuple[object, object] | None
) -> None:
    for sid, service in example.services.items():
        drawn = read(service_diagram(example, sid, paths.service(sid)))
        assert_well_drawn(drawn, dejavu)
        wanted = {f"service:{sid}"} | {d.ref for d in service.depends_on}
        for dep in service.depends_on:
            if dep.kind == "service":
                wanted |= {d.ref for d in example.services[dep.id].depends_on}
        wanted |= {f"service:{other.id}" for other, _ in example.dependants(sid)}
        assert drawn.keys == wanted, sid  # the example's fans stay within the caps


def test_every_whatif_of_the_example_is_well_drawn(
    example: Dataset, dejavu: tuple[object, object] | None
) -> None:
    cases = [[f"site:{s}"] for s in example.sites] + [[f"vendor:{v}"] for v in example.vendors]
    cases += [[ref.ref for ref in scenario.lost] for scenario in example.scenarios.values()]
    for lost in cases:
        disrupted, degraded = spread(example, lost)
        drawn = read(whatif_diagram(example, "whatif/x.md", lost, disrupted, degraded))
        assert_well_drawn(drawn, dejavu)
        affected = {f"service:{sid}" for sid in disrupted | degraded}
        assert drawn.keys == set(lost) | affected, lost  # the example's losses stay within the cap
        for key in affected - set(lost):
            state = "disrupted" if key.partition(":")[2] in disrupted else "degraded"
            assert drawn.boxes[key].caption.startswith(state)


# --- in the built site -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("diagrams") / "site"
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    env |= {"HANDBOOK_PDF": "false", "HANDBOOK_BUNDLE": "false"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(REPO / "mkdocs.yml"), "-d", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return out


def _diagram_blocks(html: str) -> list[str]:
    return re.findall(r'<div class="hb-diagram" data-search-exclude="">.*?</svg>\s*</div>', html, re.S)


def test_service_pages_carry_their_diagram_and_every_box_leads_to_a_page(
    site: Path, example: Dataset
) -> None:
    broken = []
    for sid in example.services:
        page = site / "services" / f"{sid}.html"
        html = page.read_text(encoding="utf-8")
        blocks = _diagram_blocks(html)
        assert len(blocks) == 1, f"{sid}: {len(blocks)} diagrams"
        assert "<p><div" not in html and "&lt;svg" not in html  # passed through as HTML, not text
        drawn = read(Markup(blocks[0]))
        assert f"service:{sid}" in drawn.boxes
        for box in drawn.boxes.values():
            if box.href is None:
                continue
            target = page.parent / unquote(urlsplit(box.href).path)
            if not target.is_file():
                broken.append(f"services/{sid}.html: {box.key} -> {box.href}")
    assert not broken, "\n".join(broken)
    # Links in what-if diagrams, from their own folder, reach pages that exist too.
    for lost in [[f"site:{s}"] for s in example.sites]:
        page = f"whatif/site-{lost[0].partition(':')[2]}.md"
        disrupted, degraded = spread(example, lost)
        for box in read(whatif_diagram(example, page, lost, disrupted, degraded)).boxes.values():
            assert box.href is not None
            assert (site / posixpath.normpath(posixpath.join(posixpath.dirname(page), box.href))).is_file()


def test_diagrams_stay_out_of_the_search_index(site: Path, example: Dataset) -> None:
    # Each box's label would make every neighbour's page a hit for a service's name; the page's own
    # lists already name its neighbours once. Material skips elements marked data-search-exclude.
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    texts = " ".join(f"{e['title']} {e['text']}" for e in index["docs"])
    assert "arrow points to what is needed" not in texts
    assert "tier 1 \u00b7 RTO" not in texts and "Dependencies of " not in texts
    # Among the services' pages, the one that names a service most is still its own.
    for sid, service in example.services.items():
        counts: dict[str, int] = {}
        for entry in index["docs"]:
            page = str(entry["location"]).partition("#")[0]
            if not page.startswith("services/") or page == "services/index.html":
                continue
            counts[page] = counts.get(page, 0) + f"{entry['title']} {entry['text']}".count(service.name)
        assert max(counts, key=lambda p: counts[p]) == f"services/{sid}.html", sid


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def test_chromium_draws_every_label_inside_its_box(site: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is installed by scripts/setup")
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
    script = """() => Array.from(document.querySelectorAll('.hb-diagram [data-node]')).flatMap(node => {
        const box = node.querySelector('rect, polygon').getBBox();
        return Array.from(node.querySelectorAll('text')).map(t => {
            const b = t.getBBox();
            return [node.getAttribute('data-node'), t.textContent,
                    b.x - box.x, box.x + box.width - b.x - b.width,
                    b.y - box.y, box.y + box.height - b.y - b.height];
        });
    })"""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        outside = []
        for sid in ("payroll", "virtualisation", "tms", "customer-portal", "core-network"):
            page.goto((site / "services" / f"{sid}.html").as_uri())
            found = page.evaluate(script)
            assert found, sid
            outside += [f"{sid}: {row}" for row in found if min(row[2:]) < 0]
        browser.close()
    assert not outside, "\n".join(outside)
