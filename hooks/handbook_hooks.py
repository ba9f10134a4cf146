"""MkDocs hooks: the only MkDocs-aware code. Adapts MkDocs events to the ``handbook`` package.

For now the build checks the data before MkDocs writes anything: an error in data/ fails the build
with the same messages as ``handbook check`` and leaves the previous site in place.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from handbook.check import run_check
from handbook.problems import Severity, count, format_text

log = logging.getLogger("mkdocs.plugins.handbook")


def _data_dir(config: MkDocsConfig) -> Path:
    base = Path(config.config_file_path).parent
    return base / str(config.extra.get("handbook_data", "data"))


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    # on_config runs before MkDocs empties site/, so bad data never costs the last good site.
    data_dir = _data_dir(config)
    result = run_check(data_dir)
    errors = count(result.problems, Severity.ERROR)
    if errors:
        raise PluginError(
            f"{errors} error(s) in {data_dir}; nothing was built:\n"
            + format_text(result.errors, Path.cwd()).rstrip()
        )
    warnings = count(result.problems, Severity.WARNING)
    log.info("handbook: %s checked, %d plan-health warning(s)", data_dir, warnings)
    return config


def on_serve(server, config: MkDocsConfig, builder):  # type: ignore[no-untyped-def]
    # Editing data/ rebuilds the handbook like editing docs/ does.
    server.watch(str(_data_dir(config)))
    return server
