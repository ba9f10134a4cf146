"""Dependency diagrams as inline SVG, drawn at build time: a service's neighbourhood for its recovery
page and the disrupted part of the graph for a what-if. The layout is our own, layered in the
manner of Sugiyama, so a diagram needs no JavaScript and no tool beyond Python, and shows the same in
the site, the offline copy and the PDF.

The layout, in stages:

1. **Ranks.** What a service depends on sits above it: a node's rank is one more than the highest
   rank among its dependencies (longest path). A node whose dependants are all further down is
   pulled down towards them, so a supplier sits just above the service that needs it. Only links
   marked ``degraded: true`` can close a circle; the one that closes it is left out of the ranking
   and drawn anyway.
2. **Rows.** A rank wider than the page wraps into several rows; a link that spans rows gets an
   invisible waypoint in every row it crosses, so it runs through a gap, never through a box.
3. **Order.** Barycentre sweeps down and up reorder each row to cut crossings; the order with the
   fewest crossings wins.
4. **Places.** Each box moves towards the mean of its neighbours' places, as near as the order and
   the gaps allow (a least-squares fit under the order, by pooling adjacent violators). Boxes are as
   wide as their label, so none overlap and every label fits its box.

Text widths come from a conservative table of character widths (DejaVu Sans, among the widest of
the common sans-serif fonts, rounded up), since the page's own font is unknown at build time.

Diagrams stay bounded: a service diagram shows at most ``MAX_GROUP`` dependencies, ``MAX_GROUP``
services two levels up and ``MAX_GROUP`` dependants, and a what-if at most ``MAX_WHATIF`` nodes,
nearest the loss first; what is left out is counted in a line under the diagram ("Not drawn: 212
disrupted services, further from the loss"), while the page's own lists hold everything. In a
what-if, a link that a chain of drawn links already implies is left out (``_reduce``): at the
size of a site loss, every link would bury the picture in lines.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import math
from bisect import bisect_right, insort
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from markupsafe import Markup, escape

from handbook.dataset import Dataset
from handbook.durations import Duration
from handbook.model import Dependency
from handbook.render import paths

MAX_GROUP: Final = 12
MAX_WHATIF: Final = 40

# Geometry, in SVG user units (CSS pixels at full size).
FONT: Final = 12.0
LINE: Final = 15.0
CAPTION_FONT: Final = 9.5
CAPTION_LINE: Final = 12.0
PAD_X: Final = 8.0
PAD_Y: Final = 5.0
MAX_LINE_WIDTH: Final = 150.0
MAX_LINES: Final = 3
MIN_NODE_WIDTH: Final = 60.0
NODE_GAP: Final = 18.0
WAYPOINT_GAP: Final = 8.0
ROW_GAP: Final = 42.0
LEGEND_WIDTH: Final = 560.0
MAX_ROW_WIDTH: Final = 720.0
MARGIN: Final = 6.0
ARROW: Final = 7.0
ORDER_ROUNDS: Final = 3  # down and up sweeps to cut crossings
PLACE_ROUNDS: Final = 1  # down and up passes towards the neighbours' mean, before a last one
BOLD: Final = 1.2  # how much wider bold text is than regular, at most

HARD_COLOUR: Final = "#37474f"
DEGRADED_COLOUR: Final = "#8d5524"
DEGRADED_DASH: Final = "6 4"


# --- text --------------------------------------------------------------------------------------

# Advance widths in em, each class rounded up to its widest character in DejaVu Sans.
_WIDTH_CLASSES: Final = (
    (0.34, " 'ijlI.,:;|!J\u00b7\u2019"),
    (0.42, "ft-()[]r/\\"),
    (0.53, '"*_`?sz'),
    (0.64, "cLFkvxyPTYaoeESbdghnpqu$0123456789{}"),
    (0.70, "KABVRXZC"),
    (0.80, "UHNDGOQ&"),
    (0.85, "w#+<=>^~"),
    (1.0, "Mm%W@\u2026\u2014"),
)
_WIDTHS: Final = {ch: width for width, chars in _WIDTH_CLASSES for ch in chars}


def _char_width(ch: str) -> float:
    known = _WIDTHS.get(ch)
    if known is not None:
        return known
    if ord(ch) >= 0x1F000:  # pictographs
        return 1.3
    return 1.0 if ord(ch) >= 0x2E80 else 0.8  # CJK and wider; other letters (é, Ö, Ω)


@functools.lru_cache(maxsize=16384)
def text_width(text: str, size: float = FONT, bold: bool = False) -> float:
    """An upper bound of the width of *text* in a common sans-serif font, in user units."""
    return sum(_char_width(ch) for ch in text) * size * (BOLD if bold else 1.0)


def _split_word(word: str, limit: float, bold: bool) -> list[str]:
    pieces, current = [], ""
    for ch in word:
        if current and text_width(current + ch, FONT, bold) > limit:
            pieces.append(current)
            current = ""
        current += ch
    return [*pieces, current] if current else pieces


@functools.lru_cache(maxsize=16384)
def wrap(label: str, bold: bool = False) -> tuple[str, ...]:
    """A label in at most MAX_LINES lines of at most MAX_LINE_WIDTH, broken at spaces (inside a word
    only when the word alone is too long); what does not fit ends in an ellipsis."""
    words: list[str] = []
    for word in label.split():
        words += (
            _split_word(word, MAX_LINE_WIDTH, bold)
            if text_width(word, FONT, bold) > MAX_LINE_WIDTH
            else [word]
        )
    lines: list[str] = []
    for word in words:
        if lines and text_width(f"{lines[-1]} {word}", FONT, bold) <= MAX_LINE_WIDTH:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > MAX_LINES:
        last = lines[MAX_LINES - 1]
        while last and text_width(last + "\u2026", FONT, bold) > MAX_LINE_WIDTH:
            last = last[:-1].rstrip()
        lines = [*lines[: MAX_LINES - 1], last + "\u2026"]
    return tuple(lines) or ("",)


# --- the graph to draw -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Look:
    fill: str
    stroke: str
    stroke_width: float
    text: str
    dash: str | None = None
    bold: bool = False
    shape: str = "round"  # round | square | cut (corners cut off: lost)


_LOOKS: Final = {
    "focus": _Look("#e8eaf6", "#1a237e", 2.5, "#0d1033", bold=True),
    "service": _Look("#ffffff", "#3949ab", 1.2, "#1a1a1a"),
    "place": _Look("#f1f1f1", "#5f5f5f", 1.2, "#1a1a1a", shape="square"),
    "more": _Look("#ffffff", "#8a8a8a", 1.0, "#444444", dash="3 3"),
    # What-if: told apart by colour, by fill darkness, by outline (shape, solid or dashed) and in
    # words (each box's first line), so they survive greyscale print and colour blindness.
    "lost": _Look("#5c0a0a", "#000000", 2.0, "#ffffff", bold=True, shape="cut"),
    "disrupted": _Look("#f8c4c4", "#b71c1c", 2.2, "#1a1a1a"),
    "degraded": _Look("#fff6d6", "#8d5524", 1.6, "#1a1a1a", dash="5 3"),
}


@dataclass(slots=True, eq=False)
class _Node:
    key: str  # kind:id, or a made-up key for a "more" box or a waypoint
    lines: tuple[str, ...] = ()
    caption: str = ""
    href: str | None = None
    look: str = "service"
    width: float = 0.0
    height: float = 0.0
    waypoint: bool = False
    hint: int = 0  # the order the caller added it in: the first guess of the order in a row
    row: int = 0
    order: int = 0
    x: float = 0.0  # centre
    y: float = 0.0  # top
    up: list[_Node] = field(default_factory=list)  # neighbours in the row above, in the drawing
    down: list[_Node] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Edge:
    dependant: str
    dependency: str
    degraded: bool


class _Graph:
    def __init__(self, data: Dataset, from_page: str) -> None:
        self.data = data
        self.from_page = from_page
        self.nodes: dict[str, _Node] = {}
        self.edges: dict[tuple[str, str], _Edge] = {}
        self.notes: list[str] = []

    def add(self, key: str, look: str, caption: str | None = None) -> _Node:
        node = self.nodes.get(key)
        if node is not None:
            return node
        kind, _, record_id = key.partition(":")
        if kind == "service":
            service = self.data.services[record_id]
            name = service.name
            if caption is None:
                caption = _service_caption(self.data.facts[record_id].tier.tier, service.bia.rto)
        elif kind == "site":
            name = self.data.sites[record_id].name
            caption = "site" if caption is None else caption
        else:
            name = self.data.vendors[record_id].name
            caption = "supplier" if caption is None else caption
        href = str(paths.html_link(self.from_page, paths.of(kind, record_id)))
        node = _new_node(key, name, caption, href, look, len(self.nodes))
        self.nodes[key] = node
        return node

    def more(self, key: str, count: int, what: str) -> _Node:
        node = _new_node(key, f"and {count} more", what, None, "more", len(self.nodes))
        self.nodes[key] = node
        return node

    def link(self, dependant: str, dependency: str, degraded: bool) -> None:
        if dependant == dependency:
            return
        known = self.edges.get((dependant, dependency))
        if known is None or (known.degraded and not degraded):  # a hard link wins over a degraded one
            self.edges[(dependant, dependency)] = _Edge(dependant, dependency, degraded)


def _reduce(edges: dict[tuple[str, str], _Edge]) -> dict[tuple[str, str], _Edge]:
    """The links that a longer chain of drawn links does not already imply (a transitive
    reduction that keeps the kind of each link): a hard link goes when a chain of hard links joins
    the same two boxes, a degraded one when any chain does. Reachability is kept, so a what-if still
    shows how the loss spreads to every box, with a fraction of the lines."""
    hard: dict[str, list[str]] = {}
    every: dict[str, list[str]] = {}
    for edge in edges.values():
        every.setdefault(edge.dependant, []).append(edge.dependency)
        if not edge.degraded:
            hard.setdefault(edge.dependant, []).append(edge.dependency)

    def reaches(start: str, goal: str, graph: dict[str, list[str]], avoid: str) -> bool:
        seen, stack = {start, avoid}, [start]
        while stack:
            for following in graph.get(stack.pop(), ()):
                if following == goal:
                    return True
                if following not in seen:
                    seen.add(following)
                    stack.append(following)
        return False

    kept = {}
    for pair, edge in edges.items():
        graph = every if edge.degraded else hard
        if not any(
            other != edge.dependency and reaches(other, edge.dependency, graph, edge.dependant)
            for other in graph.get(edge.dependant, ())
        ):
            kept[pair] = edge
    return kept


@functools.lru_cache(maxsize=256)
def _service_caption(tier: int, rto: Duration) -> str:
    return f"tier {tier} \u00b7 RTO {rto}"


def _new_node(key: str, name: str, caption: str, href: str | None, look: str, hint: int) -> _Node:
    lines, width, height = _measure(name, caption, look)
    return _Node(key, lines, caption, href, look, width, height, hint=hint)


@functools.lru_cache(maxsize=16384)
def _measure(name: str, caption: str, look: str) -> tuple[tuple[str, ...], float, float]:
    """A box's lines, width and height: as wide as its widest line, as tall as its lines."""
    bold = _LOOKS[look].bold
    lines = wrap(name, bold)
    inner = max(max(text_width(line, FONT, bold) for line in lines), text_width(caption, CAPTION_FONT))
    width = max(MIN_NODE_WIDTH, math.ceil(inner + 2 * PAD_X))
    height = 2 * PAD_Y + LINE * len(lines) + (CAPTION_LINE if caption else 0.0)
    return lines, width, height


# --- layout ------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Route:
    edge: _Edge
    chain: list[_Node]  # lower end first, then the waypoints upwards, then the upper end
    arrow_up: bool  # the dependency is the upper end (the usual case)
    same_row: bool = False


@dataclass(slots=True)
class _Layout:
    rows: list[list[_Node]]
    routes: list[_Route]
    row_top: list[float]
    row_height: list[float]
    width: float
    height: float


def _ranks(nodes: dict[str, _Node], edges: Iterable[_Edge]) -> dict[str, int]:
    deps: dict[str, list[str]] = {key: [] for key in nodes}

    def depends(start: str, goal: str) -> bool:
        seen, stack = {start}, [start]
        while stack:
            for dep in deps[stack.pop()]:
                if dep == goal:
                    return True
                if dep not in seen:
                    seen.add(dep)
                    stack.append(dep)
        return False

    # Hard links never close a circle (the checker refuses one); a degraded link that would is
    # left out of the ranking, and drawn all the same.
    for edge in sorted(edges, key=lambda e: e.degraded):
        if not edge.degraded or not depends(edge.dependency, edge.dependant):
            deps[edge.dependant].append(edge.dependency)
    rank: dict[str, int] = {}
    visiting: set[str] = set()

    def visit(key: str) -> None:
        visiting.add(key)
        highest = -1
        for dep in deps[key]:
            if dep in visiting:
                continue  # a circle after all (bad data): not ranked
            if dep not in rank:
                visit(dep)
            highest = max(highest, rank[dep])
        visiting.discard(key)
        rank[key] = highest + 1

    for key in nodes:
        if key not in rank:
            visit(key)
    # Pull a node down to just above its highest dependant when it has at least as many dependants
    # as dependencies below that (a supplier beside the service that needs it, not at the top).
    forward = [(e.dependant, e.dependency) for e in edges if rank[e.dependant] > rank[e.dependency]]
    above: dict[str, list[str]] = {key: [] for key in nodes}
    below: dict[str, list[str]] = {key: [] for key in nodes}
    for dependant, dependency in forward:
        above[dependant].append(dependency)
        below[dependency].append(dependant)
    for key in sorted(nodes, key=lambda k: -rank[k]):
        if below[key] and len(below[key]) >= len(above[key]):
            rank[key] = max(rank[key], min(rank[d] for d in below[key]) - 1)
    used = {r: i for i, r in enumerate(sorted(set(rank.values())))}
    return {key: used[r] for key, r in rank.items()}


def _rows(nodes: dict[str, _Node], ranks: dict[str, int], deps: dict[str, list[str]]) -> list[list[_Node]]:
    """Nodes in rows, top to bottom: each rank in order of its dependencies' places, wrapped into
    rows no wider than MAX_ROW_WIDTH."""
    by_rank: dict[int, list[_Node]] = {}
    for node in nodes.values():
        by_rank.setdefault(ranks[node.key], []).append(node)
    place: dict[str, float] = {}
    rows: list[list[_Node]] = []
    for rank in sorted(by_rank):
        members = by_rank[rank]

        def guess(node: _Node) -> tuple[float, int]:
            seen = [place[d] for d in deps[node.key] if d in place]
            return (sum(seen) / len(seen) if seen else 0.5, node.hint)

        members.sort(key=guess)
        total = sum(n.width for n in members) + NODE_GAP * (len(members) - 1)
        count = max(1, math.ceil(total / MAX_ROW_WIDTH))
        # Rows of about equal width: a row ends where the next box would overrun the share by
        # more than half its own width.
        target = total / count
        chunks: list[list[_Node]] = [[]]
        filled = 0.0
        for node in members:
            if chunks[-1] and filled + node.width / 2 > target:
                chunks.append([])
                filled = 0.0
            chunks[-1].append(node)
            filled += node.width + NODE_GAP
        for chunk in chunks:
            for index, node in enumerate(chunk):
                place[node.key] = (index + 0.5) / len(chunk)
        rows += chunks
    for index, row in enumerate(rows):
        for order, node in enumerate(row):
            node.row, node.order = index, order
    return rows


def _crossings(rows: list[list[_Node]]) -> int:
    total = 0
    for row in rows[1:]:
        pairs = sorted((upper.order, node.order) for node in row for upper in node.up)
        seen: list[int] = []
        for _, lower in pairs:
            total += len(seen) - bisect_right(seen, lower)
            insort(seen, lower)
    return total


def _sweep(rows: list[list[_Node]], downwards: bool) -> None:
    indices = range(1, len(rows)) if downwards else range(len(rows) - 2, -1, -1)
    for index in indices:
        row = rows[index]

        def barycentre(node: _Node) -> tuple[float, int]:
            others = node.up if downwards else node.down
            if not others:
                return (float(node.order), node.order)
            return (sum(o.order for o in others) / len(others), node.order)

        row.sort(key=barycentre)
        for order, node in enumerate(row):
            node.order = order


def _order(rows: list[list[_Node]]) -> None:
    if all(len(row) < 2 for row in rows):
        return
    best = [list(row) for row in rows]
    fewest = _crossings(rows)
    for downwards in (True, False) * ORDER_ROUNDS:
        if fewest == 0:
            break
        _sweep(rows, downwards)
        found = _crossings(rows)
        if found < fewest:
            fewest, best = found, [list(row) for row in rows]
    for index, row in enumerate(best):
        rows[index] = row
        for order, node in enumerate(row):
            node.order = order


def _offsets(row: list[_Node]) -> list[float]:
    """Each centre's least distance from the first centre of its row."""
    offsets = [0.0]
    for left, right in itertools.pairwise(row):
        gap = WAYPOINT_GAP if left.waypoint or right.waypoint else NODE_GAP
        offsets.append(offsets[-1] + (left.width + right.width) / 2 + gap)
    return offsets


def _fit(row: list[_Node], offsets: list[float], wanted: list[float]) -> None:
    """Centres as near the wanted ones as the row's order and gaps allow: with each centre less its
    least offset from the first, the fit is a non-decreasing sequence, found by pooling adjacent
    violators."""
    if len(row) == 1:
        row[0].x = wanted[0]
        return
    sums: list[float] = []
    counts: list[int] = []
    for want, offset in zip(wanted, offsets, strict=False):
        total, count = want - offset, 1
        while sums and sums[-1] * count > total * counts[-1]:  # the previous block's mean is higher
            total += sums.pop()
            count += counts.pop()
        sums.append(total)
        counts.append(count)
    index = 0
    for total, count in zip(sums, counts, strict=False):
        mean = total / count
        for _ in range(count):
            row[index].x = mean + offsets[index]
            index += 1


def _toward(row: list[_Node], offsets: list[float], up: bool, down: bool) -> None:
    wanted = []
    for node in row:
        total, count = 0.0, 0
        if up and node.up:
            for other in node.up:
                total += other.x
            count += len(node.up)
        if down and node.down:
            for other in node.down:
                total += other.x
            count += len(node.down)
        wanted.append(total / count if count else node.x)
    _fit(row, offsets, wanted)


def _place(rows: list[list[_Node]]) -> None:
    offsets = [_offsets(row) for row in rows]
    for row, row_offsets in zip(rows, offsets, strict=True):
        middle = row_offsets[-1] / 2
        for node, offset in zip(row, row_offsets, strict=True):
            node.x = offset - middle
    if len(rows) < 2:
        return
    last = len(rows) - 1
    for _ in range(PLACE_ROUNDS):
        for index in range(1, last + 1):
            _toward(rows[index], offsets[index], True, False)
        for index in range(last - 1, -1, -1):
            _toward(rows[index], offsets[index], False, True)
    for index in range(last + 1):
        _toward(rows[index], offsets[index], True, True)


def _layout(nodes: dict[str, _Node], edges: list[_Edge]) -> _Layout:
    ranks = _ranks(nodes, edges)
    deps: dict[str, list[str]] = {key: [] for key in nodes}
    for edge in edges:
        deps[edge.dependant].append(edge.dependency)
    rows = _rows(nodes, ranks, deps)
    routes: list[_Route] = []
    # Each waypoint goes into its row where the upper end of its link stands across that end's own
    # row, so a fan's links pass down the middle of the rows below it; waypoints side by side keep
    # the order of what they lead to below, so they do not cross.
    waypoints: list[list[tuple[float, _Node]]] = [[] for _ in rows]
    for edge in edges:
        a, b = nodes[edge.dependant], nodes[edge.dependency]
        if a.row == b.row:
            routes.append(_Route(edge, [a, b], arrow_up=False, same_row=True))
            continue
        lower, upper = (a, b) if a.row > b.row else (b, a)
        across = (upper.order + 0.5) / len(rows[upper.row])
        chain = [lower]
        for index in range(lower.row - 1, upper.row, -1):
            waypoint = _Node(f"~{len(routes)}-{index}", waypoint=True, row=index)
            waypoints[index].append((across, waypoint))
            chain.append(waypoint)
        chain.append(upper)
        for below, above in itertools.pairwise(chain):
            below.up.append(above)
            above.down.append(below)
        routes.append(_Route(edge, chain, arrow_up=upper is b))
    for index in range(len(rows) - 2, 0, -1):  # bottom up: what is below is placed first
        if not waypoints[index]:
            continue
        real = rows[index]
        under = len(rows[index + 1])
        placed = [((order + 0.5) / len(real), 0.0, node) for order, node in enumerate(real)]
        placed += [(across, (w.down[0].order + 0.5) / under, w) for across, w in waypoints[index]]
        rows[index] = [node for _, _, node in sorted(placed, key=lambda item: item[:2])]
        for order, node in enumerate(rows[index]):
            node.order = order
    _order(rows)
    _place(rows)
    left = min(row[0].x - row[0].width / 2 for row in rows)
    right = max(row[-1].x + row[-1].width / 2 for row in rows)
    shift = MARGIN - left
    row_top, row_height, y = [], [], MARGIN + (24.0 if any(r.same_row for r in routes) else 0.0)
    for row in rows:
        height = max(n.height for n in row)
        row_top.append(y)
        row_height.append(height)
        for node in row:
            node.x = round(node.x + shift - node.width / 2) + node.width / 2  # whole-unit box edges
            node.y = round(y + (height - node.height) / 2)
        y += height + ROW_GAP
    return _Layout(rows, routes, row_top, row_height, right - left + 2 * MARGIN, y - ROW_GAP + MARGIN)


# --- drawing -----------------------------------------------------------------------------------


def _n(value: float) -> str:
    """A coordinate, to the nearest unit (a pixel at full size)."""
    return str(round(value))


def _ports(layout: _Layout) -> dict[tuple[int, int], float]:
    """Where each route meets each of its two boxes: spread along the box's top or bottom edge in
    the order of where the route goes next, so arrows do not pile up on one point."""
    attach: dict[tuple[int, bool], list[tuple[float, int, int]]] = {}  # (node, top?) -> (x next, route, end)
    nodes_by_id: dict[int, _Node] = {}
    for index, route in enumerate(layout.routes):
        for end in (0, 1):  # the lower end (the first of the chain), the upper end (the last)
            node = route.chain[-end]
            other = route.chain[1] if end == 0 else route.chain[-2]
            top = True if route.same_row else end == 0
            nodes_by_id[id(node)] = node
            attach.setdefault((id(node), top), []).append((other.x, index, end))
    ports: dict[tuple[int, int], float] = {}
    for (node_id, _), items in attach.items():
        node = nodes_by_id[node_id]
        items.sort()
        span = min(node.width - 2 * PAD_X, 12.0 * (len(items) - 1))
        for i, (_, index, end) in enumerate(items):
            offset = 0.0 if len(items) == 1 else span * (i / (len(items) - 1) - 0.5)
            ports[(index, end)] = node.x + offset
    return ports


def _arrow(x: float, tip: float, up: bool) -> str:
    base = tip + ARROW if up else tip - ARROW
    return f"M{x:.0f} {tip:.0f}L{x - 4:.0f} {base:.0f}L{x + 4:.0f} {base:.0f}Z"


def _route_path(
    layout: _Layout, route: _Route, index: int, ports: dict[tuple[int, int], float]
) -> tuple[str, str]:
    """The route as a path (vertical through rows, a smooth S-curve across each gap) and its
    arrowhead, which points at the dependency."""
    chain = route.chain
    if route.same_row:
        a, b = chain
        xa, xb = ports[(index, 0)], ports[(index, 1)]
        top = layout.row_top[a.row] - 22
        end = b.y - ARROW
        path = f"M{xa:.0f} {a.y:.0f}C{xa:.0f} {top:.0f} {xb:.0f} {top:.0f} {xb:.0f} {end:.0f}"
        return path, _arrow(xb, b.y, up=False)
    # Stations: (x, y where the route enters the row, y where it leaves it), bottom to top.
    stations: list[tuple[float, float, float]] = []
    last = len(chain) - 1
    for position, node in enumerate(chain):
        top, bottom = layout.row_top[node.row], layout.row_top[node.row] + layout.row_height[node.row]
        if position == 0:
            start = node.y if route.arrow_up else node.y - ARROW
            stations.append((ports[(index, 0)], start, min(top, start)))
        elif position == last:
            end = node.y + node.height + (ARROW if route.arrow_up else 0.0)
            stations.append((ports[(index, 1)], max(bottom, end), end))
        else:
            stations.append((node.x, bottom, top))
    x, enter, leave = stations[0]
    parts = [f"M{x:.0f} {enter:.0f}"]
    if leave != enter:
        parts.append(f"V{leave:.0f}")
    for nx, nenter, nleave in stations[1:]:
        middle = (leave + nenter) / 2
        parts.append(f"C{x:.0f} {middle:.0f} {nx:.0f} {middle:.0f} {nx:.0f} {nenter:.0f}")
        if nleave != nenter:
            parts.append(f"V{nleave:.0f}")
        x, leave = nx, nleave
    if route.arrow_up:
        upper = chain[-1]
        arrow = _arrow(stations[-1][0], upper.y + upper.height, up=True)
    else:
        lower = chain[0]
        arrow = _arrow(stations[0][0], lower.y, up=False)
    return "".join(parts), arrow


def _shape(look: _Look, x: float, y: float, w: float, h: float) -> str:
    paint = f' fill="{look.fill}" stroke="{look.stroke}" stroke-width="{look.stroke_width:g}"'
    if look.dash:
        paint += f' stroke-dasharray="{look.dash}"'
    if look.shape == "cut":
        c = 7.0
        points = [(x + c, y), (x + w - c, y), (x + w, y + c), (x + w, y + h - c), (x + w - c, y + h),
                  (x + c, y + h), (x, y + h - c), (x, y + c)]  # fmt: skip
        return f'<polygon points="{" ".join(f"{px:.0f},{py:.0f}" for px, py in points)}"{paint}/>'
    rx = ' rx="6"' if look.shape == "round" else ""
    return f'<rect x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" height="{h:.0f}"{rx}{paint}/>'


def _baseline(line_top: float, line_height: float, size: float) -> float:
    # The middle of the line, moved down by about half the height of a capital.
    return line_top + line_height / 2 + size * 0.35


@functools.lru_cache(maxsize=8192)
def _node_body(lines: tuple[str, ...], caption: str, look_name: str, width: float, height: float) -> str:
    """A box and its text, with the box's top left corner at 0,0: the same for every diagram the
    node is in, so made once."""
    look = _LOOKS[look_name]
    parts = [_shape(look, 0, 0, width, height)]
    x = _n(width / 2)
    y = PAD_Y
    if caption:
        parts.append(
            f'<text x="{x}" y="{_baseline(y, CAPTION_LINE, CAPTION_FONT):.0f}" font-size="{CAPTION_FONT}"'
            f' fill="{look.text}">{escape(caption)}</text>'
        )
        y += CAPTION_LINE
    weight = ' font-weight="bold"' if look.bold else ""
    for line in lines:
        parts.append(
            f'<text x="{x}" y="{_baseline(y, LINE, FONT):.0f}"{weight} fill="{look.text}">'
            f"{escape(line)}</text>"
        )
        y += LINE
    return "".join(parts)


def _node_svg(node: _Node) -> str:
    body = _node_body(node.lines, node.caption, node.look, node.width, node.height)
    place = f'data-node="{node.key}" transform="translate({node.x - node.width / 2:.0f} {node.y:.0f})"'
    if node.href is None:
        return f"<g {place}>{body}</g>"
    return f'<a href="{node.href}" {place}>{body}</a>'


@dataclass(frozen=True, slots=True)
class _LegendItem:
    kind: str  # a look name, or link-hard / link-degraded
    text: str


@functools.lru_cache(maxsize=16)
def _legend(items: tuple[_LegendItem, ...]) -> tuple[str, float, float]:
    """The legend, in rows at most LEGEND_WIDTH wide from 0,0: its elements, height and width."""
    parts: list[str] = []
    x, y, widest = MARGIN, 0.0, 0.0
    row_height = 18.0
    for item in items:
        sample = 30.0
        item_width = sample + 6 + text_width(item.text, CAPTION_FONT + 1) + 16
        if x > MARGIN and x + item_width > LEGEND_WIDTH:
            x, y = MARGIN, y + row_height
        middle = y + row_height / 2
        if item.kind.startswith("link-"):
            soft = item.kind == "link-degraded"
            colour = DEGRADED_COLOUR if soft else HARD_COLOUR
            dash = f' stroke-dasharray="{DEGRADED_DASH}"' if soft else ""
            parts.append(
                f'<path d="M{x:.0f} {middle:.0f}H{x + sample - ARROW:.0f}" fill="none" stroke="{colour}"'
                f' stroke-width="1.4"{dash}/>'
                f'<path d="M{x + sample:.0f} {middle:.0f}L{x + sample - ARROW:.0f} {middle - 4:.0f}'
                f'L{x + sample - ARROW:.0f} {middle + 4:.0f}Z" fill="{colour}"/>'
            )
        else:
            parts.append(_shape(_LOOKS[item.kind], x, middle - 6, sample, 12))
        parts.append(
            f'<text x="{x + sample + 6:.0f}" y="{_baseline(y, row_height, CAPTION_FONT + 1):.0f}"'
            f' font-size="{CAPTION_FONT + 1:g}" text-anchor="start" fill="#1a1a1a">{escape(item.text)}</text>'
        )
        x += item_width
        widest = max(widest, x)
    return "".join(parts), y + row_height, widest


def _svg(
    graph: _Graph, diagram_id: str, title: str, description: str, legend: tuple[_LegendItem, ...]
) -> Markup:
    nodes, edges = graph.nodes, list(graph.edges.values())
    layout = _layout(nodes, edges)
    ports = _ports(layout)
    hard: list[str] = []
    soft: list[str] = []
    hard_arrows: list[str] = []
    soft_arrows: list[str] = []
    for index, route in enumerate(layout.routes):
        path, arrow = _route_path(layout, route, index, ports)
        edge = route.edge
        path = f'data-link="{edge.dependant} {edge.dependency}" d="{path}"'
        (soft if edge.degraded else hard).append(path)
        (soft_arrows if edge.degraded else hard_arrows).append(arrow)
    width = layout.width
    y = layout.height + 10
    notes = []
    for note in graph.notes:
        notes.append(
            f'<text x="{MARGIN:.0f}" y="{_baseline(y, 16, CAPTION_FONT + 1):.0f}"'
            f' font-size="{CAPTION_FONT + 1:g}" text-anchor="start" fill="#1a1a1a">{escape(note)}</text>'
        )
        width = max(width, MARGIN * 2 + text_width(note, CAPTION_FONT + 1))
        y += 16
    legend_svg, legend_height, legend_width = _legend(legend)
    width = math.ceil(max(width, legend_width + MARGIN))
    height = math.ceil(y + 2 + legend_height + MARGIN)
    ident = f"hb-diagram-{diagram_id}"
    out = [
        f'<div class="hb-diagram" data-search-exclude="">\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}"'
        f' height="{height}" role="img" aria-labelledby="{ident}-title {ident}-desc" font-size="{FONT:g}"'
        f' text-anchor="middle">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]
    if hard:
        out.append(f'<g fill="none" stroke="{HARD_COLOUR}" stroke-width="1.4">')
        out += (f"<path {p}/>" for p in hard)
        out.append(f'</g><g fill="{HARD_COLOUR}">')
        out += (f'<path d="{p}"/>' for p in hard_arrows)
        out.append("</g>")
    if soft:
        out.append(
            f'<g fill="none" stroke="{DEGRADED_COLOUR}" stroke-width="1.4"'
            f' stroke-dasharray="{DEGRADED_DASH}">'
        )
        out += (f"<path {p}/>" for p in soft)
        out.append(f'</g><g fill="{DEGRADED_COLOUR}">')
        out += (f'<path d="{p}"/>' for p in soft_arrows)
        out.append("</g>")
    out += (_node_svg(node) for row in layout.rows for node in row if not node.waypoint)
    out += notes
    out.append(f'<g class="hb-legend" transform="translate(0 {y + 2:.0f})">{legend_svg}</g>')
    out.append("</svg>\n</div>")
    return Markup("\n".join(out))


# --- the two diagrams --------------------------------------------------------------------------


def _ref(dep: Dependency) -> str:
    """``dep.ref``, read straight from the fields: the model's property looks for the kind each
    time, and the diagrams ask tens of thousands of times at 1,000 services."""
    if dep.service is not None:
        return f"service:{dep.service}"
    return f"site:{dep.site}" if dep.site is not None else f"vendor:{dep.vendor}"


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _full_name(data: Dataset, key: str) -> str:
    kind, _, record_id = key.partition(":")
    if kind == "service":
        return data.services[record_id].name
    if kind == "site":
        return f"{data.sites[record_id].name} (site)"
    return f"{data.vendors[record_id].name} (supplier)"


def _names(data: Dataset, keys: list[str]) -> str:
    names = [_full_name(data, key) for key in keys]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _cap(count: int, limit: int) -> int:
    """How many of *count* items to draw: all when only one more than *limit* (an "and 1 more" box
    takes the room of the box it stands for)."""
    return count if count <= limit + 1 else limit


def _describe(graph: _Graph, opening: list[str], closing: list[str]) -> str:
    """The text alternative: every box drawn, in words, with what it needs."""
    sentences = list(opening)
    data = graph.data
    needs: dict[str, tuple[list[str], list[str]]] = {}
    for edge in graph.edges.values():
        if edge.dependant.startswith("more:") or edge.dependency.startswith("more:"):
            continue
        hard, soft = needs.setdefault(edge.dependant, ([], []))
        (soft if edge.degraded else hard).append(edge.dependency)
    for key, (hard, soft) in needs.items():
        if hard:
            sentences.append(f"{_full_name(data, key)} needs {_names(data, hard)}.")
        if soft:
            sentences.append(f"{_full_name(data, key)} runs degraded without {_names(data, soft)}.")
    return " ".join([*sentences, *closing, *graph.notes])


_LINKS_LEGEND: Final = (
    _LegendItem("link-hard", "needs (arrow points to what is needed)"),
    _LegendItem("link-degraded", "runs degraded without"),
)


def service_diagram(dataset: Dataset, service_id: str, from_page: str) -> Markup:
    """The neighbourhood of a service, as a raw HTML block (a ``<div>`` holding an ``<svg>``, kept
    out of the search index) for a Markdown page: what the service depends on, two levels up, and
    what depends on it, one level down, each box a link to its page relative to *from_page*."""
    data = dataset
    service = data.services[service_id]
    graph = _Graph(data, from_page)
    focus = f"service:{service_id}"
    graph.add(focus, "focus").href = None  # the page the diagram is on

    def look(key: str) -> str:
        return "service" if key.startswith("service:") else "place"

    # Level 1: what the service depends on (a repeated entry counts once; a hard link wins).
    level1: dict[str, bool] = {}
    for dep in service.depends_on:
        ref = _ref(dep)
        level1[ref] = level1.get(ref, True) and dep.degraded
    drawn1 = list(level1)[: _cap(len(level1), MAX_GROUP)]
    for key in drawn1:
        graph.add(key, look(key))
        graph.link(focus, key, level1[key])
    if len(level1) > len(drawn1):
        rest = len(level1) - len(drawn1)
        graph.more("more:needs", rest, "not drawn")
        graph.link(focus, "more:needs", False)
        graph.notes.append(f"Not drawn: {_count(rest, 'dependency', 'dependencies')} of {service.name}.")
    # Level 2: what those services depend on.
    level2: dict[str, None] = {}
    skipped: set[str] = set()
    for key in drawn1:
        kind, _, record_id = key.partition(":")
        if kind != "service":
            continue
        for dep in data.services[record_id].depends_on:
            ref = _ref(dep)
            if ref not in graph.nodes:
                if len(level2) >= MAX_GROUP:
                    skipped.add(ref)
                    continue
                graph.add(ref, look(ref))
                level2[ref] = None
            graph.link(key, ref, dep.degraded)
    if skipped:
        graph.notes.append(f"Not drawn: {len(skipped)} more two levels up.")
    # One level down: what depends on the service, the most critical first.
    dependants: dict[str, bool] = {}
    for other, dep in data.dependants(service_id):
        dependants[other.id] = dependants.get(other.id, True) and dep.degraded
    ordered = sorted(
        dependants,
        key=lambda sid: (
            data.facts[sid].tier.tier,
            data.services[sid].bia.rto,
            data.services[sid].name.lower(),
        ),
    )
    drawn_down = ordered[: _cap(len(ordered), MAX_GROUP)]
    for sid in drawn_down:
        graph.add(f"service:{sid}", "service")
        graph.link(f"service:{sid}", focus, dependants[sid])
    if len(ordered) > len(drawn_down):
        rest = len(ordered) - len(drawn_down)
        graph.more("more:dependants", rest, "not drawn")
        graph.link("more:dependants", focus, False)
        depend = "service that depends" if rest == 1 else "services that depend"
        graph.notes.append(f"Not drawn: {rest} more {depend} on {service.name}.")
    closing = [] if ordered else [f"No other service depends on {service.name}."]
    legend = (_LegendItem("focus", "this service"), *_LINKS_LEGEND)
    description = _describe(graph, [], closing)
    return _svg(graph, f"service-{service_id}", f"Dependencies of {service.name}", description, legend)


def _distances(data: Dataset, lost: list[str], affected: set[str]) -> dict[str, int]:
    """How many links each affected box is from the loss, following what depends on what."""
    users: dict[str, list[str]] = {}
    for key in affected:
        for dep in data.services[key.partition(":")[2]].depends_on:
            users.setdefault(_ref(dep), []).append(key)
    distance = dict.fromkeys(lost, 0)
    frontier = list(lost)
    while frontier:
        following = []
        for key in frontier:
            for user in users.get(key, ()):
                if user not in distance:
                    distance[user] = distance[key] + 1
                    following.append(user)
        frontier = following
    return distance


def whatif_diagram(
    dataset: Dataset, from_page: str, lost: Iterable[str], disrupted: set[str], degraded: set[str]
) -> Markup:
    """The disrupted part of the graph, as a raw HTML block (a ``<div>`` holding an ``<svg>``, kept
    out of the search index) for a Markdown page: what is lost (``kind:id``: sites, suppliers,
    services), the disrupted and the degraded services (ids) and the links between them, each box
    a link to its page relative to *from_page*.

    At most MAX_WHATIF boxes, those nearest the loss first, so every box drawn hangs from a lost
    one through boxes drawn; a line under the diagram counts the rest, which the page lists. Links
    implied by a chain of drawn links are left out (see ``_reduce``)."""
    data = dataset
    lost_all = list(dict.fromkeys(lost))
    lost_keys = lost_all[:MAX_WHATIF]
    affected = {f"service:{sid}" for sid in disrupted | degraded} - set(lost_all)
    distance = _distances(data, lost_keys, affected)

    def priority(key: str) -> tuple[int, int, Duration, str]:
        sid = key.partition(":")[2]
        service = data.services[sid]
        return (distance.get(key, len(affected) + 1), data.facts[sid].tier.tier, service.bia.rto, sid)

    ranked = sorted(affected, key=priority)
    drawn = ranked[: _cap(len(ranked), MAX_WHATIF - len(lost_keys))]
    graph = _Graph(data, from_page)
    for key in lost_keys:
        kind = key.partition(":")[0]
        graph.add(key, "lost", "LOST \u00b7 " + {"site": "site", "vendor": "supplier"}.get(kind, "service"))
    for key in drawn:
        service = data.services[key.partition(":")[2]]
        state = "disrupted" if service.id in disrupted else "degraded"
        graph.add(key, state, f"{state} \u00b7 RTO {service.bia.rto}")
    for key in drawn + [k for k in lost_keys if k.startswith("service:")]:
        for dep in data.services[key.partition(":")[2]].depends_on:
            ref = _ref(dep)
            if ref in graph.nodes:
                graph.link(key, ref, dep.degraded)
    # Links nearest the loss first: where degraded links make a circle, the layout keeps the first
    # one and so draws the loss spreading outwards.
    hint = {key: node.hint for key, node in graph.nodes.items()}
    graph.edges = _reduce(
        dict(sorted(graph.edges.items(), key=lambda item: (hint[item[0][1]], hint[item[0][0]])))
    )
    left_out = ranked[len(drawn) :]
    if len(lost_all) > len(lost_keys):
        graph.notes.append(f"Not drawn: {len(lost_all) - len(lost_keys)} more lost.")
    if left_out:
        more_disrupted = sum(1 for key in left_out if key.partition(":")[2] in disrupted)
        counts = [
            f"{n} {what}"
            for n, what in ((more_disrupted, "disrupted"), (len(left_out) - more_disrupted, "degraded"))
            if n
        ]
        noun = "service" if len(left_out) == 1 else "services"
        graph.notes.append(f"Not drawn: {' and '.join(counts)} {noun}, further from the loss.")
    drawn_disrupted = [key for key in drawn if key.partition(":")[2] in disrupted]
    drawn_degraded = [key for key in drawn if key.partition(":")[2] not in disrupted]
    sentences = [f"Lost: {_names(data, lost_keys)}."] if lost_keys else []
    if drawn_disrupted:
        sentences.append(f"Disrupted: {_names(data, drawn_disrupted)}.")
    if drawn_degraded:
        sentences.append(f"Degraded: {_names(data, drawn_degraded)}.")
    slug = "-".join(key.replace(":", "-") for key in sorted(lost_all))
    if len(slug) > 48:
        slug = hashlib.sha256(slug.encode()).hexdigest()[:12]
    legend = (
        _LegendItem("lost", "lost"),
        _LegendItem("disrupted", "disrupted"),
        _LegendItem("degraded", "degraded"),
        *_LINKS_LEGEND,
    )
    title = f"What is disrupted if we lose {_names(data, lost_all)}" if lost_all else "Nothing lost"
    return _svg(graph, f"whatif-{slug}", title, _describe(graph, sentences, []), legend)
