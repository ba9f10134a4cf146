"""First stage: finds the files of a data folder as the data format lays them out and reads each
YAML file into a node tree, collecting every problem of layout and syntax."""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from handbook.problems import Location, Problem, Severity
from handbook.structure import did_you_mean
from handbook.yamlsource import AnyNode, YamlError, parse, read_text

# Single files at the top of data/ and the record kind each holds.
TOP_FILES: Final = {
    "handbook.yaml": "handbook",
    "people.yaml": "people",
    "sites.yaml": "sites",
    "vendors.yaml": "vendors",
    "risks.yaml": "risks",
}
REQUIRED_FILES: Final = ("handbook.yaml", "people.yaml")
# Folders of one record per file.
FOLDERS: Final = {"services": "service", "scenarios": "scenario", "exercises": "exercise"}
EVIDENCE_DIR: Final = "evidence"
BACKUPS_CSV: Final = "backups.csv"


@dataclass(frozen=True)
class SourceFile:
    path: Path
    kind: str  # handbook, people, sites, vendors, risks, service, scenario, exercise
    node: AnyNode | None  # None when the file could not be read
    text: str = ""  # the decoded text, for rules that look at the file as a whole


@dataclass
class Tree:
    """What a data folder holds: every YAML file read, the evidence file, and the problems so far."""

    root: Path
    files: list[SourceFile] = field(default_factory=list)
    backups_csv: Path | None = None
    problems: list[Problem] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[SourceFile]:
        return [f for f in self.files if f.kind == kind]


def _error(path: Path, code: str, message: str, hint: str, line: int = 1, column: int = 1) -> Problem:
    return Problem(Location(path, line, column), Severity.ERROR, code, "", message, hint)


def _walk(root: Path) -> list[Path]:
    """Every entry below *root*, without following symbolic links, in a stable order."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        dirnames.sort()
        # Symbolic links to folders show up among dirnames; report them like files.
        found.extend(here / name for name in dirnames if (here / name).is_symlink())
        found.extend(here / name for name in sorted(filenames))
    return found


def _layout_problems(root: Path, entries: list[Path]) -> list[Problem]:
    problems: list[Problem] = []
    by_folded: dict[str, list[Path]] = defaultdict(list)
    for path in entries:
        by_folded[path.relative_to(root).as_posix().casefold()].append(path)
    for same in by_folded.values():
        if len(same) > 1:
            names = ", ".join(p.relative_to(root).as_posix() for p in same)
            for path in same[1:]:
                problems.append(
                    _error(
                        path,
                        "case-clash",
                        f"file names differ only in letter case: {names}",
                        "rename one; Windows and macOS see them as one file",
                    )
                )
    return problems


def load_tree(root: Path) -> Tree:
    """Read every data file under *root*; problems are collected, never raised."""
    tree = Tree(root)
    entries = _walk(root)
    tree.problems.extend(_layout_problems(root, entries))
    for path in entries:
        relative = path.relative_to(root)
        parts = relative.parts
        if path.is_symlink():
            tree.problems.append(
                _error(
                    path, "symlink", "symbolic links are not allowed under data/", "copy the file in instead"
                )
            )
            continue
        if parts[0] == EVIDENCE_DIR:
            if len(parts) == 2 and parts[1] == BACKUPS_CSV:
                tree.backups_csv = path
            continue  # other files in evidence/ are ignored
        suffix = path.suffix
        if suffix.lower() in (".yml", ".yaml") and suffix != ".yaml":
            tree.problems.append(
                _error(
                    path,
                    "file-extension",
                    f"'{path.name}' ends in {suffix}, so it would be skipped",
                    f"rename it to {path.stem}.yaml",
                )
            )
            continue
        if suffix != ".yaml":
            continue  # a README, .gitkeep: not data
        kind: str | None = None
        if len(parts) == 1:
            kind = TOP_FILES.get(parts[0])
            if kind is None:
                hint = did_you_mean(parts[0], list(TOP_FILES)) or (
                    f"data files are {', '.join(TOP_FILES)} and the folders {', '.join(FOLDERS)}"
                )
                tree.problems.append(_error(path, "unknown-file", f"'{parts[0]}' is not a data file", hint))
                continue
        elif len(parts) == 2 and parts[0] in FOLDERS:
            kind = FOLDERS[parts[0]]
        else:
            folder = parts[0]
            hint = (
                did_you_mean(folder, list(FOLDERS)) or f"records go in {', '.join(f + '/' for f in FOLDERS)}"
            )
            tree.problems.append(
                _error(
                    path,
                    "unknown-file",
                    f"'{relative.as_posix()}' is not where the data format reads records",
                    hint,
                )
            )
            continue
        try:
            text = read_text(path)
            node, found = parse(path, text)
        except YamlError as exc:
            tree.problems.append(exc.problem)
            tree.files.append(SourceFile(path, kind, None))
            continue
        tree.problems.extend(found)
        tree.files.append(SourceFile(path, kind, node, text))

    present = {f.path.relative_to(root).as_posix() for f in tree.files}
    for name in REQUIRED_FILES:
        if name not in present:
            tree.problems.append(
                _error(
                    root / name,
                    "missing-file",
                    f"{name} is missing",
                    "every data folder needs it; see the data format",
                )
            )
    if not tree.of_kind("service"):
        tree.problems.append(
            _error(
                root / "services", "missing-file", "no service files in services/", "add services/<id>.yaml"
            )
        )
    return tree
