"""Shared fixtures: a small, valid data folder written from inline YAML, and a pinned clock."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from handbook.check import CheckResult, run_check

# The day the example data and these fixtures are judged against.
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
SOURCE_DATE_EPOCH = str(int(NOW.timestamp()))

# `mkdocs build` makes the PDF unless told not to (mkdocs.yml: handbook_pdf auto), and laying out
# the example's 260 pages takes longer than all the other tests: the builds of these tests skip it
# unless they ask for it (tests/test_pdf.py, tests/test_bundle.py set HANDBOOK_PDF themselves).
os.environ.setdefault("HANDBOOK_PDF", "false")
# Builds that make the zip write it here rather than into the repository's dist/.
os.environ.setdefault("HANDBOOK_DIST", tempfile.mkdtemp(prefix="handbook-test-dist-"))

REPO = Path(__file__).resolve().parent.parent


def project_config(folder: Path, data_dir: Path, docs_dir: Path = REPO / "docs") -> Path:
    """The project's mkdocs.yml in *folder* (site/ and dist/ land there) around *data_dir*."""
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("hooks/handbook_hooks.py", str(REPO / "hooks" / "handbook_hooks.py"))
    config = config.replace("docs_dir: docs", f"docs_dir: {docs_dir}")
    config = config.replace("custom_dir: overrides", f"custom_dir: {REPO / 'overrides'}")
    config, found = re.subn(r"(?m)^(\s*handbook_data:\s*)\S+", lambda m: f"{m.group(1)}{data_dir}", config)
    assert found == 1
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    return folder / "mkdocs.yml"


def build_copies(
    config: Path, *, pdf: bool, bundle: bool, strict: bool = True, file_size_limit: int | None = None
) -> subprocess.CompletedProcess[str]:
    """`mkdocs build` of *config* as `scripts/build` runs it, with the copies asked for, into the
    site/ and dist/ beside it."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "HANDBOOK_DIST"},  # dist/ beside mkdocs.yml
        "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
        "NO_MKDOCS_2_WARNING": "1",
        "HANDBOOK_BUNDLE": "true" if bundle else "false",
        "HANDBOOK_PDF": "true" if pdf else "false",
    }
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(config), *(["--strict"] if strict else [])]
    if file_size_limit is not None:
        # As on a full disk: writing past the limit fails with EFBIG (Python ignores SIGXFSZ).
        command = ["bash", "-c", f'ulimit -f {file_size_limit // 1024} && exec "$@"', "bash", *command]
    return subprocess.run(command, cwd=config.parent, env=env, capture_output=True, text=True, check=False)


HANDBOOK = """\
organisation: Harbourline Logistics Ltd
classification: Internal
impact:
  categories:
    - {id: financial, name: Financial}
    - {id: operational, name: Operational}
  levels:
    - {level: 0, name: None}
    - {level: 1, name: Minor}
    - {level: 2, name: Moderate}
    - {level: 3, name: Major}
    - {level: 4, name: Severe}
  intolerable: 4
  intervals: [1h, 4h, 1d, 3d, 1w]
tiers:
  - {tier: 1, name: Mission critical, max_rto: 4h}
  - {tier: 2, name: Business critical, max_rto: 1d}
  - {tier: 3, name: Business operational, max_rto: 3d}
  - {tier: 4, name: Administrative, max_rto: 2w}
"""

PEOPLE = """\
people:
  - id: jdoe
    name: Jane Doe
    role: Head of Infrastructure
    phone: "+44 20 7946 0001"
    deputy: asmith
  - id: asmith
    name: Alan Smith
    phone: "+44 20 7946 0002"
teams:
  - id: infra
    name: Infrastructure Operations
    lead: jdoe
    members: [jdoe, asmith]
    escalation: [infra, jdoe]
"""

SITES = """\
sites:
  - id: dc-london
    name: London data centre
    kind: data-centre
    contact: infra
  - id: dc-manchester
    name: Manchester data centre
    kind: data-centre
"""

VENDORS = """\
vendors:
  - id: acme-cloud
    name: Acme Cloud
    support_phone: "+1 555 0100"
    recovery_time: 2h
"""

RISKS = """\
risks:
  - id: flood-london
    title: Flooding of the London data centre
    likelihood: 2
    impact: 4
    affects: [{site: dc-london}]
    treatment: mitigate
    mitigations: [Replication to Manchester]
    owner: jdoe
"""

NETWORK = """\
id: network
name: Core network
owner: infra
depends_on:
  - site: dc-london
bia:
  impact:
    operational: {1h: 3, 4h: 4}
  mtpd: 4h
  rto: 2h
  rpo: 1d
continuity:
  strategy: hot-standby
  recovery_time: 1h
recovery:
  steps:
    - title: Fail over the core switches
      assignee: infra
      duration: 30m
review:
  last_reviewed: 2026-06-01
  reviewed_by: jdoe
"""

PAYROLL = """\
id: payroll
name: Payroll
owner: jdoe
team: infra
depends_on:
  - service: network
  - vendor: acme-cloud
bia:
  impact:
    financial: {1d: 2, 3d: 4}
  mtpd: 3d
  rto: 1d
  rpo: 4h
backups:
  - name: payroll-db
    frequency: 1h
    offsite: true
continuity:
  strategy: warm-standby
  alternate_site: dc-manchester
  recovery_time: 6h
recovery:
  steps:
    - title: Confirm the outage
      duration: 15m
review:
  last_reviewed: 2026-06-01
"""

EXERCISE = """\
id: 2026-05-failover
title: Failover to Manchester
date: 2026-05-14
kind: walkthrough
services: [payroll, network]
outcome: passed
achieved: {payroll: 5h}
"""

SCENARIO = """\
id: loss-of-london
title: Loss of the London data centre
lost: [{site: dc-london}]
"""

BACKUPS_CSV = """\
service,backup,finished_at,status
payroll,payroll-db,2026-11-25T11:00:00Z,success
"""

FILES = {
    "handbook.yaml": HANDBOOK,
    "people.yaml": PEOPLE,
    "sites.yaml": SITES,
    "vendors.yaml": VENDORS,
    "risks.yaml": RISKS,
    "services/network.yaml": NETWORK,
    "services/payroll.yaml": PAYROLL,
    "exercises/2026-05-failover.yaml": EXERCISE,
    "scenarios/loss-of-london.yaml": SCENARIO,
    "evidence/backups.csv": BACKUPS_CSV,
}


def write_data(root: Path, changes: dict[str, str | bytes | None] | None = None) -> Path:
    """Write the valid fixture folder with *changes*: path -> new text (dedented), bytes, or None to drop."""
    files: dict[str, str | bytes | None] = {**FILES, **(changes or {})}
    for name, content in files.items():
        if content is None:
            continue
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return write_data(tmp_path / "data")


CheckFn = Callable[..., CheckResult]


@pytest.fixture
def check(tmp_path: Path) -> CheckFn:
    """check({"services/payroll.yaml": "..."}) -> CheckResult of the fixture folder with those changes."""

    def run(changes: dict[str, str | bytes | None] | None = None, now: dt.datetime = NOW) -> CheckResult:
        root = write_data(tmp_path / "data", changes)
        return run_check(root, now)

    return run


def found(result: CheckResult) -> list[tuple[str, int, int, str]]:
    """(file relative to the data folder, line, column, code) of every problem."""
    out = []
    for p in result.problems:
        parts = p.file.parts
        rel = "/".join(parts[parts.index("data") + 1 :]) if "data" in parts else p.file.name
        out.append((rel, p.line, p.column, p.code))
    return out
