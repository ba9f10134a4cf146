"""The copies made from a built site: the PDF and the offline bundle, and how they reach ``dist/``.

MkDocs writes the site; everything here runs after it, on the built HTML, so the site, the offline
copy and the PDF show the same pages. Nothing is replaced until everything is complete: the site
is built into a staging folder beside ``site/``, the PDF and the zip into temporary files, and all
of them are moved into place at the end (:func:`promote`). A failure anywhere leaves the previous
``site/``, zip and PDF as they were.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from handbook.durations import Duration
from handbook.render.common import BuildInfo

log = logging.getLogger("mkdocs.plugins.handbook")

# The values `handbook_pdf` / `handbook_bundle` may take in mkdocs.yml (through !ENV): "auto" makes
# the output for `mkdocs build` and skips it for `mkdocs serve`.
AUTO = "auto"


@dataclass(frozen=True)
class Edition:
    """What a copy says about itself: whose handbook, how classified, when built, from what."""

    organisation: str
    title: str
    classification: str | None
    copy_warning_after: Duration
    build: BuildInfo

    @property
    def stem(self) -> str:
        """File name of the zip and the PDF, without suffix: organisation and build date."""
        slug = re.sub(r"[^a-z0-9]+", "-", self.organisation.lower()).strip("-") or "handbook"
        return f"{slug}-continuity-handbook-{self.build.date}"

    @property
    def epoch(self) -> int:
        """The build instant as a Unix time: every timestamp the copies carry."""
        return int(self.build.built_at.timestamp())


@dataclass(frozen=True)
class PageRef:
    """One built page, in reading order: what the PDF needs to place it."""

    src_uri: str  # MkDocs source path: services/payroll.md
    dest_uri: str  # built file, relative to the site folder: services/payroll.html
    title: str  # plain text (not HTML)
    section: str | None  # title of the top-level navigation section, None at the top level


def wanted(value: object, *, serving: bool, name: str) -> bool:
    """Whether an output is made: true/false from mkdocs.yml (!ENV), or "auto" (on unless serving)."""
    if value is None or (isinstance(value, str) and value.strip().lower() == AUTO):
        return not serving
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"extra.{name}: {value!r} is not true, false or auto")


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Log a phase's start and its time, for the build log's progress and timings."""
    started = time.perf_counter()
    log.info("handbook: %s ...", name)
    yield
    log.info("handbook: %s done in %.2f s", name, time.perf_counter() - started)


def staging_dir(site_dir: Path) -> Path:
    """Where a build writes its site before it replaces ``site_dir``."""
    return site_dir.parent / f".{site_dir.name}.building"


def temporary(path: Path) -> Path:
    """A temporary file next to *path*, moved over it once complete (same file system)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.with_name(f".{path.name}.{os.getpid()}.part")


_PART = re.compile(r"^\..+\.(\d+)\.part$")


def clean_stale_parts(folder: Path) -> list[Path]:
    """Remove the temporary files (:func:`temporary`) of builds that died before cleaning up: those
    of a process that no longer runs. A build still running in another process keeps its own."""
    removed = []
    for path in sorted(folder.glob(".*.part")) if folder.is_dir() else []:
        match = _PART.match(path.name)
        if match is None or (int(match.group(1)) != os.getpid() and _running(int(match.group(1)))):
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def theme_values(edition: Edition) -> dict[str, object]:
    """What the theme templates print on every page about the copy (``config.extra``): plain text,
    which the templates escape, and numbers for the browser's age check."""
    build = edition.build
    return {
        "organisation": edition.organisation,
        "classification": edition.classification or "",
        "built": build.stamp,
        "date": build.date,
        "built_ms": edition.epoch * 1000,
        "commit": build.commit_text,
        "commit_full": build.commit or "",
        "warn_after_minutes": edition.copy_warning_after.minutes,
        "warn_after": str(edition.copy_warning_after),
    }


def promote(staged_site: Path, site_dir: Path, files: Sequence[tuple[Path, Path]]) -> None:
    """Move the staged site over ``site_dir`` and each complete temporary file over its target."""
    old = site_dir.parent / f".{site_dir.name}.old"
    if old.exists():
        shutil.rmtree(old)
    if site_dir.exists():
        site_dir.rename(old)
    staged_site.rename(site_dir)
    promote_files(files)
    if old.exists():
        shutil.rmtree(old)


def promote_files(files: Sequence[tuple[Path, Path]]) -> None:
    for temp, target in files:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp, target)


def discard(paths: Sequence[Path]) -> None:
    """Remove what a failed build left half-made."""
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
