"""evidence/backups.csv: backup job results exported from the backup tool, read row by row with
each problem at its CSV line."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from handbook.dataset import BackupRun
from handbook.model import Service
from handbook.problems import Location, Problem, Severity
from handbook.structure import did_you_mean
from handbook.yamlsource import YamlError, decode

COLUMNS: Final = ("service", "backup", "finished_at", "status")


def _problem(path: Path, line: int, code: str, field: str, message: str, hint: str = "") -> Problem:
    return Problem(Location(path, line, 1), Severity.ERROR, code, field, message, hint)


def read_backups(
    path: Path, services: Mapping[str, Service], known_services: set[str]
) -> tuple[tuple[BackupRun, ...], list[Problem]]:
    """Rows of the evidence file; rows naming unknown services or backups, bad times or statuses
    are errors. *known_services* holds every declared id, *services* the valid records."""
    try:
        text = decode(path, path.read_bytes())
    except YamlError as exc:
        return (), [exc.problem]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return (), [
            _problem(
                path,
                1,
                "evidence-header",
                "",
                f"the header lacks {', '.join(missing)}",
                f"the first line names the columns: {','.join(COLUMNS)}",
            )
        ]
    runs: list[BackupRun] = []
    problems: list[Problem] = []
    for row in reader:
        line = reader.line_num
        service_id, backup = (row.get("service") or "").strip(), (row.get("backup") or "").strip()
        status, finished = (row.get("status") or "").strip(), (row.get("finished_at") or "").strip()
        row_problems: list[Problem] = []
        if service_id not in known_services:
            row_problems.append(
                _problem(
                    path,
                    line,
                    "evidence-row",
                    "service",
                    f"no service '{service_id}'",
                    did_you_mean(service_id, sorted(known_services)),
                )
            )
        elif service_id in services:
            names = [b.name for b in services[service_id].backups]
            if backup not in names:
                row_problems.append(
                    _problem(
                        path,
                        line,
                        "evidence-row",
                        "backup",
                        f"service '{service_id}' declares no backup '{backup}'",
                        did_you_mean(backup, names) or f"its backups: {', '.join(names) or 'none'}",
                    )
                )
        when: dt.datetime | None = None
        with contextlib.suppress(ValueError):
            when = dt.datetime.fromisoformat(finished)
        if when is None or when.tzinfo is None:
            row_problems.append(
                _problem(
                    path,
                    line,
                    "evidence-row",
                    "finished_at",
                    f"'{finished}' is not a time with a zone",
                    "write ISO 8601 with a zone: 2026-11-23T22:00:00Z",
                )
            )
        if status not in ("success", "failed"):
            row_problems.append(
                _problem(
                    path,
                    line,
                    "evidence-row",
                    "status",
                    f"'{status}' is not success or failed",
                    did_you_mean(status, ["success", "failed"]),
                )
            )
        problems.extend(row_problems)
        if not row_problems and when is not None:
            runs.append(BackupRun(service_id, backup, when.astimezone(dt.UTC), status == "success", line))
    return tuple(runs), problems
