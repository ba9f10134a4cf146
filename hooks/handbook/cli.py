"""The ``handbook`` command line: ``check`` a data folder, ``whatif`` and ``order`` for the analysis,
``schema`` for the editors' JSON Schemas."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from handbook import __version__
from handbook.analysis import (
    Impact,
    Ref,
    UnknownReference,
    WhatIf,
    index,
    parse_reference,
    recovery_waves,
    ref_text,
    scenario_lost,
    whatif,
)
from handbook.check import run_check
from handbook.dataset import Dataset
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
    what = commands.add_parser(
        "whatif",
        help="what a loss of sites, suppliers or services disrupts, and how long recovery takes",
        description=(
            "Print the services disrupted and degraded by losing what --lose and --scenario name, "
            "ordered by RTO, with each one's estimated recovery against its RTO. Exit 0, 1 when "
            "DATA_DIR has errors, 2 on a usage error (an unknown id, with a suggestion)."
        ),
    )
    what.add_argument(
        "--lose",
        action="append",
        default=[],
        metavar="KIND:ID",
        help="something lost: site:ID, vendor:ID or service:ID (repeatable)",
    )
    what.add_argument("--scenario", metavar="ID", help="lose what the scenario data/scenarios/ID.yaml loses")
    what.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or json")
    what.add_argument(
        "data_dir", nargs="?", default="data", metavar="DATA_DIR", help="the data folder (default: data)"
    )
    order = commands.add_parser(
        "order",
        help="the recovery order: services in waves, each after everything it needs",
        description=(
            "Print the recovery waves: a service comes after every service it needs (degraded links "
            "aside), most critical tier first within a wave, then RTO, then id. Exit 0, 1 when "
            "DATA_DIR has errors, 2 on a usage error."
        ),
    )
    order.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or json")
    order.add_argument(
        "data_dir", nargs="?", default="data", metavar="DATA_DIR", help="the data folder (default: data)"
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


def _checked(command: str, data_dir: Path) -> tuple[Dataset | None, int]:
    """The data set of *data_dir*, or None and the exit code after saying why (on stderr, so that
    stdout holds only the answer)."""
    if not data_dir.is_dir():
        print(f"handbook {command}: error: {data_dir} is not a folder", file=sys.stderr)
        return None, 2
    result = run_check(data_dir)
    if result.dataset is None:
        sys.stderr.write(format_text(result.errors, Path.cwd()))
        errors = len(result.errors)
        print(
            f"handbook {command}: {data_dir}: {errors} error{'s' * (errors != 1)}; "
            "run 'handbook check' and fix them first",
            file=sys.stderr,
        )
        return None, 1
    return result.dataset, 0


def _impact_json(impact: Impact) -> dict[str, object]:
    return {
        "service": impact.service,
        "tier": impact.tier,
        "rto": str(impact.rto),
        "estimated_recovery": None if impact.estimate is None else str(impact.estimate),
        "meets_rto": impact.meets_rto,
    }


def _status_words(impact: Impact) -> str:
    if impact.state == "degraded":
        return "runs degraded"
    if impact.meets_rto is None:
        because = impact.unknown_because
        return "unknown" + (f" ({because} has no recovery_time)" if because else "")
    return "meets RTO" if impact.meets_rto else "misses RTO"


def _name_of(data: Dataset, ref: Ref) -> str:
    kind, rid = ref
    if kind == "service":
        return data.services[rid].name
    return data.sites[rid].name if kind == "site" else data.vendors[rid].name


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]


def _whatif_text(data: Dataset, result: WhatIf, scenario: str | None) -> str:
    lost = ", ".join(f"{ref_text(r)} ({_name_of(data, r)})" for r in result.lost)
    lines = [f"What if we lose {lost}"]
    if scenario is not None:
        lines.append(f"Scenario {scenario}: {data.scenarios[scenario].title}")
    lines.append("")
    missing, unknown, longest = result.first_tier_missing, result.unknown, result.longest
    first_tier = [i for i in result.disrupted if i.tier == result.first_tier]
    lines.append(f"{len(result.disrupted)} disrupted, {len(result.degraded)} degraded.")
    lines.append(
        f"Tier-{result.first_tier} services missing their RTO: {len(missing)} of {len(first_tier)} disrupted"
        + (f" ({', '.join(i.service for i in missing)})" if missing else "")
        + "."
    )
    if longest is not None:
        lines.append(f"Longest estimated recovery: {longest.service}, {longest.estimate}.")
    if unknown:
        lines.append(f"Unknown estimates: {len(unknown)} ({', '.join(i.service for i in unknown)}).")
    if result.first_wave:
        lines.append(f"Recover first: {', '.join(i.service for i in result.first_wave)}.")
    header = ["SERVICE", "TIER", "RTO", "ESTIMATE", "STATUS", "ALTERNATE SITE", "VIA"]
    for title, impacts in (("Disrupted", result.disrupted), ("Degraded", result.degraded)):
        lines += ["", f"{title} ({len(impacts)}), by RTO:"]
        if not impacts:
            lines.append("  none")
            continue
        rows = [header]
        for i in impacts:
            alternate = i.alternate_site or "-"
            if i.alternate_site_lost:
                alternate += " (also lost)"
            rows.append(
                [
                    i.service,
                    str(i.tier),
                    str(i.rto),
                    "-" if i.estimate is None else str(i.estimate),
                    _status_words(i),
                    alternate,
                    "lost itself" if i.lost_itself else ref_text(i.via) if i.via else "-",
                ]
            )
        lines += _table(rows)
    return "\n".join(lines) + "\n"


def whatif_command(args: argparse.Namespace) -> int:
    if not args.lose and not args.scenario:
        print("handbook whatif: error: name what is lost: --lose KIND:ID or --scenario ID", file=sys.stderr)
        return 2
    data, code = _checked("whatif", Path(args.data_dir))
    if data is None:
        return code
    try:
        lost = scenario_lost(data, args.scenario) if args.scenario else []
        lost += [parse_reference(data, text) for text in args.lose]
    except UnknownReference as exc:
        print(f"handbook whatif: error: {exc}", file=sys.stderr)
        return 2
    result = whatif(data, lost)
    if args.format == "json":
        document = {
            "lost": [ref_text(r) for r in result.lost],
            "disrupted": [_impact_json(i) for i in result.disrupted],
            "degraded": [_impact_json(i) for i in result.degraded],
        }
        print(json.dumps(document, indent=2))
    else:
        sys.stdout.write(_whatif_text(data, result, args.scenario))
    return 0


def order_command(args: argparse.Namespace) -> int:
    data, code = _checked("order", Path(args.data_dir))
    if data is None:
        return code
    waves = recovery_waves(data, index(data))
    if args.format == "json":
        print(json.dumps({"waves": waves}, indent=2))
        return 0
    lines = [f"Recovery order: {len(data.services)} services in {len(waves)} waves", ""]
    for number, wave in enumerate(waves, 1):
        lines.append(f"Wave {number} ({len(wave)}):")
        rows = [["SERVICE", "TIER", "RTO", "ESTIMATE", "STATUS"]]
        for sid in wave:
            facts = data.facts[sid]
            met = data.meets_rto(sid)
            status = "unknown" if met is None else "meets RTO" if met else "misses RTO"
            estimate = "-" if facts.estimate is None else str(facts.estimate)
            rows.append([sid, str(facts.tier.tier), str(data.services[sid].bia.rto), estimate, status])
        lines += [*_table(rows), ""]
    sys.stdout.write("\n".join(lines))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except BrokenPipeError:
        # The reader went away (`handbook order | head`): say nothing more, like other tools.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _run(args: argparse.Namespace) -> int:
    if args.command == "check":
        return check_command(args)
    if args.command == "whatif":
        return whatif_command(args)
    if args.command == "order":
        return order_command(args)
    if args.command == "schema":
        return schema_command(args)
    return 2  # pragma: no cover - argparse rejects unknown commands first
