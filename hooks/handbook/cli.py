"""The ``handbook`` command line: ``check`` a data folder (more commands join as the stages grow)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from handbook import __version__
from handbook.check import run_check
from handbook.problems import Severity, count, format_github, format_json, format_text
from handbook.schema import SCHEMAS, render, write_all

FORMATTERS = {"text": format_text, "github": format_github, "json": format_json}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="handbook",
        description="Continuity Handbook: check and build IT service continuity plans kept as data.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser(
        "check",
        help="validate a data folder and report every error and plan-health warning",
        description=(
            "Validate DATA_DIR. Exit 0 when there is no error (warnings are printed), 1 with errors "
            "(or with warnings under --strict), 2 on a usage error."
        ),
    )
    check.add_argument(
        "data_dir", nargs="?", default="data", metavar="DATA_DIR", help="the data folder (default: data)"
    )
    check.add_argument("--strict", action="store_true", help="fail on plan-health warnings too")
    check.add_argument(
        "--format",
        choices=sorted(FORMATTERS),
        default="text",
        help="text (default), github annotations, or json",
    )
    schema = commands.add_parser(
        "schema",
        help="write the JSON Schemas for editors (schemas/*.schema.json)",
        description="Write one JSON Schema per data file kind, generated from the validator's model.",
    )
    schema.add_argument(
        "--output", default="schemas", metavar="DIR", help="where to write them (default: schemas)"
    )
    schema.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when the files in DIR are not current"
    )
    return parser


def schema_command(args: argparse.Namespace) -> int:
    directory = Path(args.output)
    if args.check:
        stale = [
            name
            for name in SCHEMAS
            if not (directory / f"{name}.schema.json").is_file()
            or (directory / f"{name}.schema.json").read_text(encoding="utf-8") != render(name)
        ]
        for name in stale:
            print(f"handbook schema: {directory / f'{name}.schema.json'} is not current", file=sys.stderr)
        if stale:
            print("handbook schema: run 'handbook schema' to regenerate", file=sys.stderr)
        return 1 if stale else 0
    for path in write_all(directory):
        print(path)
    return 0


def check_command(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir)
    if not data_dir.is_dir():
        print(f"handbook check: error: {data_dir} is not a folder", file=sys.stderr)
        return 2
    result = run_check(data_dir)
    sys.stdout.write(FORMATTERS[args.format](result.problems, Path.cwd()))
    errors, warnings = count(result.problems, Severity.ERROR), count(result.problems, Severity.WARNING)
    summary = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    if errors and result.dataset is None:
        summary += " (plan-health warnings are judged once the errors are fixed)"
    print(f"handbook check: {data_dir}: {summary}", file=sys.stderr)
    if errors or (args.strict and warnings):
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "check":
        return check_command(args)
    if args.command == "schema":
        return schema_command(args)
    return 2  # pragma: no cover - argparse rejects unknown commands first
