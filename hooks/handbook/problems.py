"""Problems are values: every finding of the loader and the validator, with where it is and how to fix it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a data file; line and column count from 1."""

    file: Path
    line: int = 1
    column: int = 1


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding, in the data format's message form ``file:line:col: severity: path: message (hint)``."""

    location: Location
    severity: Severity
    code: str
    path: str
    message: str
    hint: str = ""

    @property
    def file(self) -> Path:
        return self.location.file

    @property
    def line(self) -> int:
        return self.location.line

    @property
    def column(self) -> int:
        return self.location.column

    @property
    def text(self) -> str:
        """The message with its hint, without location or severity, on one line: data quoted in
        a message may hold line breaks, and each message is one line (one CI annotation)."""
        prefix = f"{self.path}: " if self.path else ""
        hint = f" ({self.hint})" if self.hint else ""
        return _one_line(f"{prefix}{self.message}{hint}")

    def sort_key(self) -> tuple[str, int, int, int, str, str]:
        return (
            self.file.as_posix(),
            self.line,
            self.column,
            0 if self.severity is Severity.ERROR else 1,
            self.code,
            self.text,
        )

    def format(self, base: Path | None = None) -> str:
        return f"{display_path(self.file, base)}:{self.line}:{self.column}: {self.severity}: {self.text}"


def _one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


def display_path(file: Path, base: Path | None = None) -> str:
    """The path as an editor would type it: relative to *base* (the working directory) when inside it."""
    if base is not None:
        try:
            return file.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            pass
    return file.as_posix()


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Sorted by file, line and column; exact duplicates (one cause reached twice) dropped."""
    unique = {(p.location, p.severity, p.code, p.path, p.message, p.hint): p for p in problems}
    return sorted(unique.values(), key=Problem.sort_key)


def count(problems: Sequence[Problem], severity: Severity) -> int:
    return sum(1 for p in problems if p.severity is severity)


def format_text(problems: Sequence[Problem], base: Path | None = None) -> str:
    return "".join(p.format(base) + "\n" for p in problems)


def _github_escape(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(problems: Sequence[Problem], base: Path | None = None) -> str:
    """GitHub Actions workflow commands: each problem becomes an annotation on its file and line."""
    lines = []
    for p in problems:
        level = "error" if p.severity is Severity.ERROR else "warning"
        props = ",".join(
            [
                f"file={_github_escape(display_path(p.file, base), property_value=True)}",
                f"line={p.line}",
                f"col={p.column}",
                f"title={_github_escape(p.code, property_value=True)}",
            ]
        )
        lines.append(f"::{level} {props}::{_github_escape(p.text)}\n")
    return "".join(lines)


def format_json(problems: Sequence[Problem], base: Path | None = None) -> str:
    records = [
        {
            "file": display_path(p.file, base),
            "line": p.line,
            "column": p.column,
            "severity": str(p.severity),
            "code": p.code,
            "path": p.path,
            "message": p.message + (f" ({p.hint})" if p.hint else ""),
        }
        for p in problems
    ]
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


def as_dict(problem: Problem) -> dict[str, object]:
    data = asdict(problem)
    data["severity"] = str(problem.severity)
    return data
