"""One part of the PDF, laid out and written by WeasyPrint in a process of its own.

:func:`render` runs in a worker process (:mod:`handbook.pdf`): it lays out one print document,
writes it as a PDF file and returns what the joining needs and WeasyPrint cannot keep across
files: the number of pages, where every anchor and bookmark is, and what was left out. The
process ends after its part, so the memory of the layout goes back to the system.
"""

from __future__ import annotations

import logging
import resource
import time
from dataclasses import dataclass
from pathlib import Path

from handbook.pdf.fetch import SiteFetcher

# CSS pixels to PDF points: WeasyPrint's own scale.
PX: float = 0.75


@dataclass(frozen=True)
class Task:
    html: str
    site_dir: Path
    out: Path


@dataclass(frozen=True)
class Place:
    """A point of the part: its page (from 0) and PDF coordinates (points from the bottom left)."""

    page: int
    x: float
    y: float


@dataclass(frozen=True)
class Rendered:
    out: Path
    pages: int
    anchors: dict[str, Place]
    bookmarks: list[tuple[int, str, Place]]  # level, label, place; in reading order
    refused: list[tuple[str, str]]  # what the fetcher did not serve: url, reason
    reported: list[tuple[int, str]]  # what WeasyPrint logged: level, message
    seconds: float
    peak_mb: float  # the worker's peak memory (resident)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelno, record.getMessage()))


def render(task: Task) -> Rendered:
    """Lay out *task*'s document, write it to ``task.out`` and report what is where."""
    import weasyprint  # type: ignore[import-untyped]  # loaded by the fork server before the workers fork

    started = time.perf_counter()
    logger = logging.getLogger("weasyprint")
    collect = _Collect()
    logger.addHandler(collect)
    logger.propagate = False  # the parent logs what matters, once
    fetcher = SiteFetcher(task.site_dir)
    try:
        base_url = task.site_dir.resolve().as_uri() + "/"
        document = weasyprint.HTML(string=task.html, base_url=base_url, url_fetcher=fetcher).render()
        anchors: dict[str, Place] = {}
        bookmarks: list[tuple[int, str, Place]] = []
        for number, page in enumerate(document.pages):
            height = page.height
            for name, (x, y, *_) in page.anchors.items():
                anchors.setdefault(name, Place(number, x * PX, (height - y) * PX))
            for level, label, (x, y), _state in page.bookmarks:
                bookmarks.append((level, label, Place(number, x * PX, (height - y) * PX)))
        document.write_pdf(task.out)
        pages = len(document.pages)
    finally:
        logger.removeHandler(collect)
    return Rendered(
        task.out,
        pages,
        anchors,
        bookmarks,
        list(fetcher.refused),
        collect.records,
        time.perf_counter() - started,
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )
