"""What outlives one build of ``mkdocs serve``: MkDocs loads the configuration, and with it the hook
module, anew for every rebuild, so state meant to span rebuilds cannot live in the hook.

Only two things do: whether this process is serving (told once, at start-up) and the converted
HTML of generated pages, keyed by their content, so an unchanged page is not converted again.
Neither changes what a build produces.
"""

from __future__ import annotations

from typing import Any

serving = False
# Generated page source path -> what the hook kept of its conversion (opaque here).
converted: dict[str, Any] = {}


def start(command: str) -> None:
    """Called at start-up with MkDocs' command; any command but serve starts from nothing."""
    global serving
    serving = command == "serve"
    converted.clear()
