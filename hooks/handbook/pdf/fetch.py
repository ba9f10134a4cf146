"""What WeasyPrint may load while it makes the PDF: files of the built site, and nothing else.

Every stylesheet, image and font WeasyPrint asks for goes through :class:`SiteFetcher`. It serves a
``file:`` URL only when the file, with every symbolic link resolved, lies inside the built site,
and an image written into the page as ``data:image/...``; anything else (another local path,
``http:``, ``https:``, ``ftp:``...) is refused and recorded, and never opened.
"""

from __future__ import annotations

import base64
import mimetypes
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, unquote_to_bytes, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

REFUSED = "refused by the handbook"  # in the error WeasyPrint logs: the refusal was reported already


class SiteFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint is untyped
    """A WeasyPrint URL fetcher that serves only files inside *site_dir*."""

    def __init__(self, site_dir: Path) -> None:
        super().__init__(timeout=1, allowed_protocols=("file", "data"), allow_redirects=False)
        self.root = site_dir.resolve()
        self.refused: list[tuple[str, str]] = []  # (url, reason), in the order asked
        self._lock = threading.Lock()

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "file":
            path = self._site_file(url)
            if path is not None:
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})
        elif scheme == "data":
            body = self._data_image(url)
            if body is not None:
                return URLFetcherResponse(url, body[1], {"Content-Type": body[0]})
            self._refuse(url, "only data: images are read")
        else:
            self._refuse(url, "only files of the built site are read")
        raise ValueError(f"{REFUSED}: {_short(url)}")

    def _site_file(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            self._refuse(url, "a file on another host")
            return None
        try:
            path = Path(url2pathname(unquote(parts.path))).resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            self._refuse(url, "no such file in the built site")
            return None
        if not path.is_relative_to(self.root):
            self._refuse(url, "outside the built site")
            return None
        if not path.is_file():
            self._refuse(url, "not a file")
            return None
        return path

    def _data_image(self, url: str) -> tuple[str, bytes] | None:
        header, comma, payload = url[5:].partition(",")
        if not comma:
            return None
        kind, *params = header.split(";")
        kind = kind.strip().lower()
        if not kind.startswith("image/"):
            return None
        try:
            if params and params[-1].strip().lower() == "base64":
                return kind, base64.b64decode(unquote(payload), validate=False)
            return kind, unquote_to_bytes(payload)
        except ValueError:
            return None

    def _refuse(self, url: str, reason: str) -> None:
        with self._lock:
            self.refused.append((_short(url), reason))


def _short(url: str) -> str:
    """A URL as reported: data: URLs are cut, they can be megabytes long."""
    return url if not url.lower().startswith("data:") or len(url) <= 60 else url[:57] + "..."
