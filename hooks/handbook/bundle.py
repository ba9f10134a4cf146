"""The offline bundle: the built site as one zip that works opened from disk (placeholder)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from handbook.publish import Edition


def write_bundle(site_dir: Path, edition: Edition, out: Path) -> None:
    """Write the zip of *site_dir* to *out*."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(site_dir.rglob("*")):
            if path.is_file():
                archive.write(path, f"{edition.stem}/{path.relative_to(site_dir).as_posix()}")
