"""The offline bundle: the built site as one zip that works opened from disk.

The site is built once for the intranet and the offline copy (Material's offline plugin: search
from ``file://``, no directory URLs; our own Worker stand-in instead of a CDN's). This module only
packs it:

- ``SHA256SUMS`` in the site root: the SHA-256 of every other file, in the format of
  ``sha256sum -c``, written before zipping so that the zip holds it (and so does ``site/``);
- the zip: one top folder named after the edition (organisation and build date), the files in
  sorted order, every timestamp the build instant (``SOURCE_DATE_EPOCH``; zip cannot say anything
  before 1980), fixed permissions and a fixed compression level, so the same site always gives
  the same bytes.

The zip is written to the path it is given, a temporary file that the caller moves into place once
complete; if writing fails half-way the partial file is removed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
import zipfile
from collections.abc import Iterable
from pathlib import Path

from handbook.publish import Edition, phase

CHECKSUMS = "SHA256SUMS"
# The earliest time a zip entry can carry (MS-DOS date).
_ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
_CHUNK = 1 << 20


def site_files(site_dir: Path) -> list[str]:
    """Every file of the site, as POSIX paths relative to it, sorted by their UTF-8 bytes."""
    found: list[str] = []
    for root, dirs, files in os.walk(site_dir):
        dirs.sort()
        base = Path(root)
        for name in files:
            path = base / name
            mode = path.lstat().st_mode
            if not stat.S_ISREG(mode):
                # A link or a special file would not survive the zip as what it is: say so.
                raise ValueError(f"{path}: not a regular file; the offline copy holds only files")
            found.append(path.relative_to(site_dir).as_posix())
    return sorted(found, key=_order)


def _order(name: str) -> bytes:
    return name.encode("utf-8", "surrogateescape")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def checksum_line(digest: str, name: str) -> str:
    """One line of ``sha256sum`` output (text mode), escaped as GNU coreutils does for names with a
    backslash or a line break."""
    if "\\" in name or "\n" in name or "\r" in name:
        name = name.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
        return f"\\{digest}  {name}\n"
    return f"{digest}  {name}\n"


def write_checksums(site_dir: Path, names: Iterable[str]) -> Path:
    """Write ``SHA256SUMS`` into the site root, covering *names* (relative to it)."""
    lines = [checksum_line(sha256_file(site_dir / name), name) for name in names if name != CHECKSUMS]
    target = site_dir / CHECKSUMS
    target.write_text("".join(lines), encoding="utf-8", newline="\n")
    return target


def _zip_time(edition: Edition) -> tuple[int, int, int, int, int, int]:
    when = max(edition.build.built_at.astimezone(dt.UTC), _ZIP_EPOCH)
    # Zip stores even seconds; say so rather than let the library round.
    return (when.year, when.month, when.day, when.hour, when.minute, when.second - when.second % 2)


def write_zip(site_dir: Path, names: Iterable[str], edition: Edition, out: Path) -> None:
    """Zip *names* from *site_dir* under one top folder, byte-for-byte the same for the same site."""
    stamp = _zip_time(edition)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        folder = zipfile.ZipInfo(f"{edition.stem}/", stamp)
        folder.create_system = 3  # Unix, so the permissions below are read
        folder.external_attr = (stat.S_IFDIR | 0o755) << 16 | 0x10  # and MS-DOS's directory flag
        archive.writestr(folder, b"")
        for name in names:
            entry = zipfile.ZipInfo(f"{edition.stem}/{name}", stamp)
            entry.create_system = 3
            entry.external_attr = (stat.S_IFREG | 0o644) << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            with (site_dir / name).open("rb") as source, archive.open(entry, "w") as sink:
                while chunk := source.read(_CHUNK):
                    sink.write(chunk)


def write_bundle(site_dir: Path, edition: Edition, out: Path) -> None:
    """Write ``SHA256SUMS`` into *site_dir*, then the zip of *site_dir* to *out*."""
    try:
        with phase("checksums"):
            names = [n for n in site_files(site_dir) if n != CHECKSUMS]
            write_checksums(site_dir, names)
        with phase("zip"):
            write_zip(site_dir, sorted([*names, CHECKSUMS], key=_order), edition, out)
    except BaseException:
        out.unlink(missing_ok=True)
        raise
