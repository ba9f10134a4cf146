"""The printed handbook: one PDF that WeasyPrint makes from the built site's pages.

The pages are those MkDocs rendered for the site (:mod:`handbook.pdf.printhtml` joins their
articles into one print document behind a cover and a table of contents); the look on paper is
the package's lean ``print.css`` plus the project's own stylesheets. WeasyPrint reads nothing
but files of the built site (:mod:`handbook.pdf.fetch`); whatever a page asks for from elsewhere
is left out and reported as a warning.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from handbook import publish
from handbook.pdf.fetch import REFUSED, SiteFetcher
from handbook.pdf.printhtml import PrintDocument, assemble
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


class _WeasyPrintLog(logging.Handler):
    """Collects what WeasyPrint reports while it lays out and writes, to pass it on."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _weasyprint_log() -> Iterator[_WeasyPrintLog]:
    logger = logging.getLogger("weasyprint")
    handler = _WeasyPrintLog()
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def write_pdf(site_dir: Path, pages: Sequence[PageRef], edition: Edition, out: Path) -> PdfResult:
    """Write the PDF of the built site in *site_dir* to *out*, pages in the order given.

    *out* is replaced only by a complete file. Every image or link left out (it points outside the
    site) is logged as a warning, as is every problem WeasyPrint reports."""
    # Imported here: it takes a while, and `mkdocs serve` without the PDF never needs it.
    import weasyprint  # type: ignore[import-untyped]

    left_out: list[str] = []
    fetcher = SiteFetcher(site_dir)
    with _weasyprint_log() as reported:
        with publish.phase("PDF layout"):
            document = assemble(site_dir, pages, edition)
            for refusal in document.refused:
                left_out.append(refusal.message())
                log.warning(left_out[-1])
            base_url = site_dir.resolve().as_uri() + "/"
            rendered = weasyprint.HTML(string=document.html, base_url=base_url, url_fetcher=fetcher).render()
            log.info(
                "handbook: PDF: %d pages of paper, %d pages of the site", len(rendered.pages), len(pages)
            )
        with publish.phase("PDF write"):
            temp = publish.temporary(out)
            try:
                rendered.write_pdf(temp)
                os.replace(temp, out)
            except BaseException:
                temp.unlink(missing_ok=True)
                raise
    for url, reason in fetcher.refused:
        left_out.append(f"handbook: PDF: {url} not read ({reason})")
        log.warning(left_out[-1])
    for record in reported.records:
        message = record.getMessage()
        if REFUSED in message:  # reported above, with the reason
            continue
        # WeasyPrint's errors are things left out of the PDF (an image it could not read, a link
        # to a missing anchor); its warnings are CSS it ignores (the project's stylesheets are
        # written for browsers too), for the debug log only.
        level = logging.WARNING if record.levelno >= logging.ERROR else logging.DEBUG
        log.log(level, "handbook: PDF: WeasyPrint: %s", message)
    return PdfResult(len(rendered.pages), len(pages), left_out)
