"""The parts of the PDF joined into one file, with what no single part could have.

WeasyPrint lays out each part on its own (:mod:`handbook.pdf.worker`), so within a part it knows
neither the page it starts on nor the anchors of the other parts. Joining (with pikepdf, i.e.
qpdf) puts back what the whole document would have had:

- the pages in order: front matter (cover and contents), then the parts;
- the page numbers ("Page n of N"), laid over each page from small documents of numbers alone;
- links between pages: each part links them to :data:`~handbook.pdf.printhtml.LINK_BASE`; each
  such link becomes a link to its named destination, and the destinations are written once for
  the whole file (every page's start and every anchor a link leads to);
- one tree of bookmarks across the parts, nested by level as WeasyPrint nests them.

The file is written with a fixed ``/ID``: the same parts give the same bytes.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pikepdf

from handbook.pdf.printhtml import LINK_BASE
from handbook.pdf.worker import Place, Rendered

_LINK_PREFIX = LINK_BASE + "#"


@dataclass(frozen=True)
class Joined:
    pages: int
    links: int  # links between pages, now in-document
    unresolved: list[str]  # anchors a link led to that no part has (their links are removed)


def join(
    front: Rendered,
    parts: Sequence[Rendered],
    numbers: Sequence[tuple[int, Rendered]],
    page_keys: Sequence[str],
    out: Path,
) -> Joined:
    """Join *front* and *parts* (in order) into *out*, laying each of *numbers* (first page it
    covers, counted from 1; its document) over the pages from there on. *page_keys*: the anchors
    of the site's pages, named destinations of the file whether or not a link leads to them."""
    opened: list[pikepdf.Pdf] = []
    try:
        pdf = pikepdf.open(front.out)
        opened.append(pdf)
        anchors: dict[str, tuple[int, Place]] = {}
        bookmarks: list[tuple[int, str, int, Place]] = []
        offset = 0
        for part in (front, *parts):
            if part is not front:
                source = pikepdf.open(part.out)
                opened.append(source)
                pdf.pages.extend(source.pages)
            for name, place in part.anchors.items():
                anchors.setdefault(name, (offset + place.page, place))
            bookmarks.extend(
                (level, label, offset + place.page, place) for level, label, place in part.bookmarks
            )
            offset += part.pages
        if len(pdf.pages) != offset:
            raise RuntimeError(f"the parts have {offset} pages, the joined file {len(pdf.pages)}")

        for first, overlay in numbers:
            source = pikepdf.open(overlay.out)
            opened.append(source)
            for index, page in enumerate(source.pages):
                _lay_over(pdf, pdf.pages[first - 1 + index], page, first + index)

        links, unresolved, used = _relink(pdf, anchors)
        destinations = pikepdf.NameTree.new(pdf)
        for name in sorted(used.union(key for key in page_keys if key in anchors)):
            number, place = anchors[name]
            destinations[name] = pikepdf.Array(
                [pdf.pages[number].obj, pikepdf.Name.XYZ, round(place.x, 3), round(place.y, 3), 0]
            )
        pdf.Root.Names = pikepdf.Dictionary(Dests=destinations.obj)
        _outline(pdf, bookmarks)
        pdf.Root.PageMode = pikepdf.Name.UseOutlines  # a reader opens the bookmarks beside the pages
        pdf.save(
            out,
            deterministic_id=True,
            fix_metadata_version=False,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
        )
        return Joined(offset, links, unresolved)
    finally:
        for opened_pdf in reversed(opened):
            opened_pdf.close()


def _lay_over(pdf: pikepdf.Pdf, page: pikepdf.Page, overlay: pikepdf.Page, number: int) -> None:
    """Draw *overlay* (same size) over *page*, the page *number*, under a name of its own: the
    pages of a part share one resource dictionary, and the same input must give the same bytes
    (pikepdf's own ``add_overlay`` picks a random name)."""
    name = pikepdf.Name(f"/HbPageNumber{number}")
    form = pdf.copy_foreign(overlay.as_form_xobject())
    page.add_resource(form, pikepdf.Name.XObject, name)
    page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
    page.contents_add(pikepdf.Stream(pdf, b"\nQ\nq\n" + bytes(name) + b" Do\nQ\n"), prepend=False)


def _relink(pdf: pikepdf.Pdf, anchors: dict[str, tuple[int, Place]]) -> tuple[int, list[str], set[str]]:
    """Links to LINK_BASE#name become links to the named destination *name*."""
    links = 0
    unresolved: list[str] = []
    used: set[str] = set()
    for page in pdf.pages:
        annotations = page.obj.get("/Annots")
        if annotations is None:
            continue
        kept = pikepdf.Array()
        for annotation in annotations:
            action = annotation.get("/A")
            uri = action.get("/URI") if action is not None else None
            if uri is None or not str(uri).startswith(_LINK_PREFIX):
                kept.append(annotation)
                continue
            name = unquote(str(uri)[len(_LINK_PREFIX) :])
            if name not in anchors:
                unresolved.append(name)  # left out: a link that leads nowhere is worse than none
                continue
            del annotation["/A"]
            annotation.Dest = pikepdf.String(name)
            used.add(name)
            links += 1
            kept.append(annotation)
        page.obj.Annots = kept
    return links, unresolved, used


def _outline(pdf: pikepdf.Pdf, bookmarks: Sequence[tuple[int, str, int, Place]]) -> None:
    """One tree: a bookmark goes under the last one before it of a lower level."""
    with pdf.open_outline() as outline:
        outline.root.clear()
        stack: list[tuple[int, pikepdf.OutlineItem]] = []  # (level, item), levels rising
        for level, label, number, place in bookmarks:
            item = pikepdf.OutlineItem(
                label, number, pikepdf.PageLocation.XYZ, left=round(place.x, 3), top=round(place.y, 3), zoom=0
            )
            levels = [entry[0] for entry in stack]
            del stack[bisect.bisect_left(levels, level) :]
            (stack[-1][1].children if stack else outline.root).append(item)
            stack.append((level, item))
