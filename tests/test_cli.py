"""The ``handbook`` command line: exit codes, the default data folder, and the three output formats."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from handbook.cli import main
from handbook.schema import SCHEMAS

import conftest
from conftest import PAYROLL, PEOPLE, write_data

REPO = Path(__file__).resolve().parent.parent
SERVICE = "services/payroll.yaml"
# The data format's message form: path:line:col: severity: field.path: message (hint)
LINE = re.compile(
    r"(?P<file>[^:\n]+):(?P<line>[1-9][0-9]*):(?P<col>[1-9][0-9]*): (?P<severity>error|warning): (?P<text>.+)"
)

# Two errors in payroll, one in people: an unquoted 'no' (2:7) and an unknown key (bia.rop).
ERRORS = {
    SERVICE: PAYROLL.replace("name: Payroll", "name: no").replace("  rto: 1d\n", "  rto: 1d\n  rop: 1h\n"),
    "people.yaml": PEOPLE.replace(
        "    role: Head of Infrastructure\n", "    role: Head of Infrastructure\n    rol: x\n"
    ),
}
# Only a plan-health warning: payroll was never reviewed.
WARNINGS = {SERVICE: PAYROLL.replace("review:\n  last_reviewed: 2026-06-01\n", "")}


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", conftest.SOURCE_DATE_EPOCH)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory the CLI runs in; data folders are written below it."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- exit codes


def test_clean_folder_exits_0_and_prints_nothing_on_stdout(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_data(workdir / "data")
    code, out, err = run(capsys, "check", "data")
    assert code == 0
    assert out == ""
    assert "0 errors, 0 warnings" in err


def test_clean_folder_under_strict_exits_0(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_data(workdir / "data")
    code, out, _ = run(capsys, "check", "data", "--strict")
    assert (code, out) == (0, "")


def test_warnings_only_exit_0(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_data(workdir / "data", WARNINGS)
    code, out, err = run(capsys, "check", "data")
    assert code == 0
    assert out.splitlines() == [
        "data/services/payroll.yaml:1:5: warning: id: the plan has never been reviewed"
        " (review it with the owner and add review.last_reviewed)"
    ]
    assert "0 errors, 1 warning" in err


def test_warnings_under_strict_exit_1(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_data(workdir / "data", WARNINGS)
    code, out, _ = run(capsys, "check", "--strict", "data")
    assert code == 1
    assert ": warning: " in out


def test_errors_exit_1(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_data(workdir / "data", ERRORS)
    code, _, err = run(capsys, "check", "data")
    assert code == 1
    assert "3 errors, 0 warnings" in err


def test_errors_exit_1_under_strict_too(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_data(workdir / "data", ERRORS)
    assert run(capsys, "check", "data", "--strict")[0] == 1


def test_missing_folder_exits_2(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "no-such-folder")
    assert code == 2
    assert out == ""
    assert "no-such-folder" in err


def test_a_file_instead_of_a_folder_exits_2(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "handbook.yaml").write_text("organisation: x\n", encoding="utf-8")
    assert run(capsys, "check", "handbook.yaml")[0] == 2


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "--bogus"],
        ["check", "data", "--format", "xml"],
        ["frobnicate"],
        [],
        ["check", "a", "b"],
    ],
)
def test_bad_usage_exits_2(workdir: Path, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    write_data(workdir / "data")
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_data_dir_defaults_to_data(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_data(workdir / "data", ERRORS)
    code, out, err = run(capsys, "check")
    assert code == 1
    assert out.splitlines()[0].startswith("data/people.yaml:")
    assert "handbook check: data:" in err


def test_data_dir_default_without_a_data_folder_exits_2(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "check")[0] == 2


def test_data_dir_default_clean(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_data(workdir / "data")
    assert run(capsys, "check") == (0, "", "handbook check: data: 0 errors, 0 warnings\n")


def test_clock_comes_from_source_date_epoch(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Reviewed 2026-06-01; with a 52-week interval the review is stale from 2027-05-31.
    write_data(workdir / "data")
    assert run(capsys, "check", "data")[0] == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(conftest.NOW.timestamp()) + 400 * 86400))
    code, out, _ = run(capsys, "check", "data", "--strict")
    assert code == 1
    assert "review-stale" not in out  # text output shows messages, not codes
    assert "warning" in out


# --------------------------------------------------------------------------- text output


def test_text_output_is_in_the_spec_form_sorted_by_file_and_line(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_data(workdir / "data", ERRORS)
    code, out, _ = run(capsys, "check", "data")
    assert code == 1
    rop_line = ERRORS[SERVICE].splitlines().index("  rop: 1h") + 1
    assert out.splitlines() == [
        "data/people.yaml:5:5: error: people[0].rol: unknown key 'rol' (did you mean 'role'?)",
        "data/services/payroll.yaml:2:7: error: name: 'no' reads as a boolean in YAML, not as text"
        ' (quote it: "no")',
        f"data/services/payroll.yaml:{rop_line}:3: error: bia.rop: unknown key 'rop' (did you mean 'rto'?)",
    ]
    for line in out.splitlines():
        assert LINE.fullmatch(line), line


def test_text_output_of_many_problems_is_sorted(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    changes = dict(ERRORS)
    changes["services/network.yaml"] = "id: network\nname: [\n"
    changes["sites.yaml"] = "sites:\n  - id: dc-london\n    name: on\n    kind: data-centre\n"
    write_data(workdir / "data", changes)
    _, out, _ = run(capsys, "check", "data")
    keys = []
    for line in out.splitlines():
        match = LINE.fullmatch(line)
        assert match, line
        keys.append((match["file"], int(match["line"]), int(match["col"])))
    assert keys == sorted(keys)
    assert [k[0] for k in keys] == sorted(k[0] for k in keys)
    assert {k[0] for k in keys} == {
        "data/people.yaml",
        "data/services/network.yaml",
        "data/services/payroll.yaml",
        "data/sites.yaml",
    }


def test_every_problem_is_one_line_even_when_the_data_holds_line_breaks(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A quoted key with a line break, and a file that is one multi-line plain scalar.
    changes = {
        SERVICE: PAYROLL.replace("name: Payroll\n", 'name: Payroll\n"x\\ny": 1\n'),
        "services/network.yaml": "first\n\nsecond\n",
    }
    write_data(workdir / "data", changes)
    code, out, err = run(capsys, "check", "data")
    assert code == 1
    assert "2 errors" in err
    lines = out.split("\n")[:-1]
    assert len(lines) == 2, lines
    for line in lines:
        assert LINE.fullmatch(line), line
    assert lines[0].startswith("data/services/network.yaml:1:1: error: ")
    assert lines[1].startswith("data/services/payroll.yaml:3:1: error: ")


def test_paths_are_shown_relative_to_the_working_directory(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_data(workdir / "data", WARNINGS)
    _, relative, _ = run(capsys, "check", "data")
    _, absolute, _ = run(capsys, "check", str(workdir / "data"))
    assert relative == absolute
    assert relative.startswith("data/services/payroll.yaml:1:5: warning: ")


def test_output_is_the_same_on_every_run(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_data(workdir / "data", ERRORS)
    first = run(capsys, "check", "data")
    second = run(capsys, "check", "data")
    assert first == second


# --------------------------------------------------------------------------- github annotations


def test_github_format_prints_error_annotations(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_data(workdir / "data", ERRORS)
    code, out, _ = run(capsys, "check", "data", "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 3
    assert lines[0] == (
        "::error file=data/people.yaml,line=5,col=5,title=unknown-key::"
        "people[0].rol: unknown key 'rol' (did you mean 'role'?)"
    )
    assert lines[1] == (
        "::error file=data/services/payroll.yaml,line=2,col=7,title=unquoted-text::"
        "name: 'no' reads as a boolean in YAML, not as text (quote it: \"no\")"
    )
    for line in lines:
        assert re.fullmatch(
            r"::error file=[^,:]+,line=[1-9][0-9]*,col=[1-9][0-9]*,title=[a-z0-9-]+::.+", line
        ), line


def test_github_format_prints_warning_annotations(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_data(workdir / "data", WARNINGS)
    code, out, _ = run(capsys, "check", "data", "--format=github")
    assert code == 0
    assert out.splitlines() == [
        "::warning file=data/services/payroll.yaml,line=1,col=5,title=review-stale::"
        "id: the plan has never been reviewed (review it with the owner and add review.last_reviewed)"
    ]


def test_github_format_escapes_newlines_and_percent(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A quoted key holding a newline and a percent sign: one annotation, one line.
    text = PAYROLL.replace("name: Payroll\n", 'name: Payroll\n"50%\\nkey": x\n')
    write_data(workdir / "data", {SERVICE: text})
    code, out, _ = run(capsys, "check", "data", "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("::error file=data/services/payroll.yaml,line=3,col=1,title=unknown-key::")
    # The percent sign is escaped for the workflow command; the line break is shown as \n.
    assert "%25" in lines[0] and "50%25\\nkey" in lines[0]


# --------------------------------------------------------------------------- json


def test_json_format_lists_objects_with_exactly_the_documented_keys(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_data(workdir / "data", ERRORS)
    code, out, _ = run(capsys, "check", "data", "--format", "json")
    assert code == 1
    records = json.loads(out)
    assert isinstance(records, list)
    assert len(records) == 3
    for record in records:
        assert set(record) == {"file", "line", "column", "severity", "code", "path", "message"}
        assert isinstance(record["line"], int) and record["line"] >= 1
        assert isinstance(record["column"], int) and record["column"] >= 1
    assert records[1] == {
        "file": "data/services/payroll.yaml",
        "line": 2,
        "column": 7,
        "severity": "error",
        "code": "unquoted-text",
        "path": "name",
        "message": "'no' reads as a boolean in YAML, not as text (quote it: \"no\")",
    }
    assert [(r["file"], r["line"]) for r in records] == sorted((r["file"], r["line"]) for r in records)


def test_json_format_of_a_clean_folder_is_an_empty_list(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_data(workdir / "data")
    code, out, _ = run(capsys, "check", "data", "--format", "json")
    assert code == 0
    assert json.loads(out) == []


def test_json_format_of_warnings(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_data(workdir / "data", WARNINGS)
    code, out, _ = run(capsys, "check", "data", "--format", "json", "--strict")
    assert code == 1
    (record,) = json.loads(out)
    assert (record["severity"], record["code"], record["path"]) == ("warning", "review-stale", "id")


def test_json_format_of_a_yaml_error_has_an_empty_path(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_data(workdir / "data", {SERVICE: "id: payroll\nname: &n Payroll\n"})
    _, out, _ = run(capsys, "check", "data", "--format", "json")
    (record,) = json.loads(out)
    message = record.pop("message")
    assert record == {
        "file": "data/services/payroll.yaml",
        "line": 2,
        "column": 7,
        "severity": "error",
        "code": "yaml-anchor",
        "path": "",
    }
    # The message carries its hint in parentheses, as in the text form.
    assert message.startswith("anchors (&n) are not allowed (")
    assert message.endswith(")")


# --------------------------------------------------------------------------- python -m handbook


def test_python_dash_m_handbook_runs_as_a_real_process(tmp_path: Path) -> None:
    write_data(tmp_path / "data", ERRORS)
    write_data(tmp_path / "clean")
    env = {**os.environ, "SOURCE_DATE_EPOCH": conftest.SOURCE_DATE_EPOCH}
    failed = subprocess.run(
        [sys.executable, "-m", "handbook", "check", "data"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert failed.returncode == 1, failed.stderr
    assert failed.stdout.splitlines()[1].startswith("data/services/payroll.yaml:2:7: error: name: ")
    assert "Traceback" not in failed.stderr
    clean = subprocess.run(
        [sys.executable, "-m", "handbook", "check", "clean"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (clean.returncode, clean.stdout) == (0, ""), clean.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "handbook", "check", "nowhere"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert missing.returncode == 2


# --------------------------------------------------------------------------- schema --check


def test_committed_schemas_are_current(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    code, out, err = run(capsys, "schema", "--check", "--output", "schemas")
    assert code == 0, err
    assert out == ""


def test_schema_check_fails_on_a_changed_schema(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(REPO / "schemas", workdir / "schemas")
    assert run(capsys, "schema", "--check", "--output", "schemas")[0] == 0
    target = workdir / "schemas" / "service.schema.json"
    schema = json.loads(target.read_text(encoding="utf-8"))
    schema["description"] = "edited by hand"
    target.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "schema", "--check", "--output", "schemas")
    assert code == 1
    assert "service.schema.json" in err
    assert "handbook.schema.json" not in err


def test_schema_check_fails_on_a_missing_schema(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(REPO / "schemas", workdir / "schemas")
    (workdir / "schemas" / "people.schema.json").unlink()
    code, _, err = run(capsys, "schema", "--check", "--output", "schemas")
    assert code == 1
    assert "people.schema.json" in err


def test_schema_writes_what_check_then_accepts(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema", "--output", "out")
    assert code == 0
    assert sorted(Path(p).name for p in out.splitlines()) == sorted(f"{n}.schema.json" for n in SCHEMAS)
    assert run(capsys, "schema", "--check", "--output", "out")[0] == 0
    for name in SCHEMAS:
        assert (workdir / "out" / f"{name}.schema.json").read_bytes() == (
            REPO / "schemas" / f"{name}.schema.json"
        ).read_bytes()
