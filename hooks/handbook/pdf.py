"""The printed handbook: one PDF made by WeasyPrint from the built site's pages (placeholder)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from handbook.publish import Edition, PageRef


def write_pdf(site_dir: Path, pages: Sequence[PageRef], edition: Edition, out: Path) -> None:
    """Write the PDF of the built site in *site_dir* to *out*, pages in the order given."""
    raise NotImplementedError("the PDF is not made yet")
