"""The printed handbook: one PDF that WeasyPrint makes from the built site's pages.

The pages are those MkDocs rendered for the site (:mod:`handbook.pdf.printhtml` joins their
articles into one print document behind a cover and a table of contents); the look on paper is
the package's lean ``print.css`` plus the project's own stylesheets. WeasyPrint reads nothing
but files of the built site (:mod:`handbook.pdf.fetch`); whatever a page asks for from elsewhere
is left out and reported as a warning.

WeasyPrint keeps the layout of every page in memory until it writes the file (about 3 MB a page
of paper), and uses one core. So the document is laid out in parts of a few hundred pages, each
in a worker process of its own, as many at a time as there are cores (``HANDBOOK_PDF_JOBS``
sets how many), and the parts are joined (:mod:`handbook.pdf.join`) with the contents' page
numbers, the page numbers, the links and the bookmarks of one whole document. The parts do not
depend on the number of cores: the same site gives the same PDF on any machine.
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import os
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from handbook import publish
from handbook.pdf.fetch import REFUSED
from handbook.pdf.printhtml import PrintDocument, assemble
from handbook.pdf.worker import Rendered, Task, render
from handbook.publish import Edition, PageRef

log = logging.getLogger("mkdocs.plugins.handbook")

__all__ = ["PdfResult", "assemble", "print_document", "write_pdf"]


@dataclass(frozen=True)
class PdfResult:
    """What a PDF holds, and what was left out of it."""

    pages: int  # pages of paper
    site_pages: int  # pages of the site in it
    left_out: list[str]  # one message per image or link left out, as logged


def print_document(site_dir: Path, pages: Sequence[PageRef], edition: Edition) -> PrintDocument:
    """The HTML the PDF is laid out from (for benchmarks and for looking at it in a browser)."""
    return assemble(site_dir, pages, edition)


# Characters of print HTML per part: about 150 to 250 pages of paper, some 500 MB of WeasyPrint's
# memory while it lays them out. A fixed size, not one per core: the PDF must not depend on the machine.
PART_SIZE = 1_000_000
# Pages of page numbers per document laid over the pages (fixed, as PART_SIZE: parts run in parallel).
NUMBERS_PER_DOCUMENT = 500


def jobs() -> int:
    """How many parts are laid out at a time: ``HANDBOOK_PDF_JOBS``, else the cores this process may use."""
    value = os.environ.get("HANDBOOK_PDF_JOBS", "").strip()
    if value:
        if not value.isdigit() or int(value) < 1:
            raise ValueError(f"HANDBOOK_PDF_JOBS={value!r}: give a number of processes, 1 or more")
        return int(value)
    return max(1, len(os.sched_getaffinity(0)))


@contextmanager
def _workers(count: int) -> Iterator[ProcessPoolExecutor]:
    # A fork server with WeasyPrint loaded forks each worker: no import per part, nothing of the
    # MkDocs process copied, and each worker ends after its part, giving its memory back.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["weasyprint", "handbook.pdf.worker"])
    pool = ProcessPoolExecutor(max_workers=count, mp_context=context, max_tasks_per_child=1)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def write_pdf(site_dir: Path, pages: Sequence[PageRef], edition: Edition, out: Path) -> PdfResult:
    """Write the PDF of the built site in *site_dir* to *out*, pages in the order given.

    *out* is replaced only by a complete file. Every image or link left out (it points outside the
    site) is logged as a warning, as is every problem WeasyPrint reports."""
    with publish.phase("PDF"):
        return _write_pdf(site_dir, pages, edition, out)


def _write_pdf(site_dir: Path, pages: Sequence[PageRef], edition: Edition, out: Path) -> PdfResult:
    from handbook.pdf import join  # pikepdf: only when a PDF is made

    left_out: list[str] = []
    with publish.phase("PDF print document"):
        document = assemble(site_dir, pages, edition)
    for refusal in document.refused:
        left_out.append(refusal.message())
        log.warning(left_out[-1])
    runs = document.split(PART_SIZE)
    workers = min(jobs(), len(runs) + 1)
    results: list[Rendered] = []
    with tempfile.TemporaryDirectory(prefix="handbook-pdf-") as folder, _workers(workers) as pool:
        temp = Path(folder)

        def task(html: str, name: str) -> Future[Rendered]:
            return pool.submit(render, Task(html, site_dir, temp / f"{name}.pdf"))

        with publish.phase(f"PDF parts ({len(runs)}, {workers} at a time)"):
            # The front matter first with stand-in page numbers, to know how many pages it takes.
            probe = task(document.front(dict.fromkeys(document.keys(), "0000")), "front-0")
            parts = [task(document.part(start, end), f"part-{n:04d}") for n, (start, end) in enumerate(runs)]
            numbered = {future: n for n, future in enumerate(parts)}
            done_pages = 0
            for future in concurrent.futures.as_completed(parts):
                result = future.result()
                done_pages += result.pages
                log.info(
                    "handbook: PDF: part %d of %d: %d pages in %.1f s, %.0f MB (%d pages so far)",
                    numbered[future] + 1, len(runs), result.pages, result.seconds, result.peak_mb, done_pages,
                )  # fmt: skip
            rendered = [future.result() for future in parts]
            front = probe.result()
            results.extend(rendered)
        with publish.phase("PDF contents and page numbers"):
            # The contents with the page numbers, and the page numbers of every page, all at once:
            # both assume the contents take as many pages as with stand-in numbers, and are made
            # again in the rare case they do not.
            for attempt in range(1, 4):
                first = front.pages
                numbers = {
                    key: str(first + offset + part.anchors[key].page + 1)
                    for offset, part, keys in _offsets(rendered, runs, document)
                    for key in keys
                }
                contents = task(document.front(numbers), f"front-{attempt}")
                total = first + sum(part.pages for part in rendered)
                overlays = []
                for start in range(2, total + 1, NUMBERS_PER_DOCUMENT):
                    last = min(total, start + NUMBERS_PER_DOCUMENT - 1)
                    overlay = document.numbers_overlay(start, last, total)
                    overlays.append((start, task(overlay, f"numbers-{attempt}-{start:06d}")))
                front = contents.result()
                numbered_pages = [(start, future.result()) for start, future in overlays]
                results.append(front)
                results.extend(result for _, result in numbered_pages)
                if front.pages == first:
                    break
            else:
                raise RuntimeError("the contents' page count does not settle")
        with publish.phase("PDF joining"):
            temp_out = publish.temporary(out)
            try:
                joined = join.join(front, rendered, numbered_pages, document.keys(), temp_out)
                os.replace(temp_out, out)
            except BaseException:
                temp_out.unlink(missing_ok=True)
                raise
    log.info("handbook: PDF: %d pages of paper, %d pages of the site", joined.pages, len(pages))
    for name in joined.unresolved:
        left_out.append(f"handbook: PDF: a link to #{name} left out (no such anchor in the PDF)")
        log.warning(left_out[-1])
    _report(results, left_out)
    return PdfResult(joined.pages, len(pages), left_out)


def _offsets(
    rendered: Sequence[Rendered], runs: Sequence[tuple[int, int]], document: PrintDocument
) -> Iterator[tuple[int, Rendered, list[str]]]:
    """Per part: the pages before it (front matter not counted), the part, its pages' keys."""
    offset = 0
    for part, (start, end) in zip(rendered, runs, strict=True):
        yield offset, part, [page.key for page in document.pages[start:end]]
        offset += part.pages


def _report(results: Sequence[Rendered], left_out: list[str]) -> None:
    """What the parts' fetchers refused and what WeasyPrint reported, once each."""
    seen: set[str] = set()
    for result in results:
        for url, reason in result.refused:
            message = f"handbook: PDF: {url} not read ({reason})"
            if message not in seen:
                seen.add(message)
                left_out.append(message)
                log.warning(message)
    for result in results:
        for level, text in result.reported:
            if REFUSED in text or text in seen:  # reported above, with the reason
                continue
            seen.add(text)
            # WeasyPrint's errors are things left out of the PDF (an image it could not read, a
            # link to a missing anchor); its warnings are CSS it ignores (the project's
            # stylesheets are written for browsers too), for the debug log only.
            log.log(
                logging.WARNING if level >= logging.ERROR else logging.DEBUG,
                "handbook: PDF: WeasyPrint: %s",
                text,
            )
