"""Property-based tests: whatever an editor saves, ``handbook check`` answers with problems in the
data format's message form and an exit code, never a traceback."""

from __future__ import annotations

import contextlib
import io
import os
import re
import string
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from handbook import model
from handbook.cli import main

import conftest
from conftest import write_data

SETTINGS = settings(
    max_examples=200,
    deadline=None,
    database=None,  # nothing written into the repository
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

LINE = re.compile(
    r"(?P<file>[^\n]+?):(?P<line>-?[0-9]+):(?P<col>-?[0-9]+): (?P<severity>error|warning): (?P<text>.*)"
)
SUMMARY = re.compile(r"handbook check: .+: ([0-9]+) errors?, ([0-9]+) warnings?.*")


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One valid data folder per property, written once; each example replaces one file in it."""
    base = tmp_path_factory.mktemp("property")
    return {
        name: write_data(base / name / "data") for name in ("bytes", "handbook", "yaml", "yamlish", "tail")
    }


def check_cli(root: Path, target: str, content: bytes) -> tuple[int, list[str]]:
    """Write *content* as *target* in *root*, run ``handbook check root`` in-process, and assert what
    every answer must satisfy. Returns the exit code and the problem lines."""
    (root / target).write_bytes(content)
    out, err = io.StringIO(), io.StringIO()
    with (
        mock.patch.dict(os.environ, {"SOURCE_DATE_EPOCH": conftest.SOURCE_DATE_EPOCH}),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        code = main(["check", str(root)])
    assert code in (0, 1), (code, err.getvalue())
    # Lines as CI and editors read them: split at "\n" only (a message may hold other odd characters).
    printed = out.getvalue()
    assert printed == "" or printed.endswith("\n")
    lines = printed.split("\n")[:-1]
    errors = 0
    warnings = 0
    for line in lines:
        match = LINE.fullmatch(line)
        assert match, f"not in the form file:line:col: severity: ...: {line!r}"
        assert int(match["line"]) >= 1, line
        assert int(match["col"]) >= 1, line
        assert match["text"].strip(), line
        errors += match["severity"] == "error"
        warnings += match["severity"] == "warning"
    # The exit code follows the problems printed, and the summary counts them.
    assert code == (1 if errors else 0), lines
    summary = SUMMARY.fullmatch(err.getvalue().strip().splitlines()[-1])
    assert summary, err.getvalue()
    assert (int(summary[1]), int(summary[2])) == (errors, warnings)
    return code, lines


# --------------------------------------------------------------------------- (a) arbitrary bytes

YAMLISH_BYTES = st.lists(
    st.sampled_from(
        [
            b"id: payroll\n",
            b"name: ",
            b"\xef\xbb\xbf",
            b"\xff",
            b"\t",
            b"  ",
            b"- ",
            b": ",
            b"&a ",
            b"*a",
            b"!!str ",
            b"<<: ",
            b"---\n",
            b"[",
            b"]",
            b"{",
            b"}",
            b"\n",
            b'"',
            b"'",
            b"|\n",
            b"#",
            b"\x00",
            b"\r\n",
            b"\xc3\xa9",
            b"\xe2\x80",
            b"~",
            b"no",
            b"0800",
            b"1d",
            b"bia:\n  rto: ",
            b"x-a: ",
        ]
    ),
    max_size=40,
).map(b"".join)

ANY_BYTES = st.one_of(
    st.binary(max_size=600),
    YAMLISH_BYTES,
    st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.binary(max_size=40).map(lambda b: conftest.PAYROLL.encode() + b),
)


@SETTINGS
@given(content=ANY_BYTES)
@example(content=b"\x00")  # a control character
@example(content=b"0\n\n0")  # a multi-line plain scalar where a mapping belongs
@example(content=b'id: payroll\n"x\\ny": 1\n')  # a key holding a line break
@example(content=b"\xef\xbb\xbfa: 1\n\xff")  # a bad byte after a byte order mark
def test_arbitrary_bytes_as_a_service_file_never_crash_the_check(
    folders: dict[str, Path], content: bytes
) -> None:
    _, lines = check_cli(folders["bytes"], "services/payroll.yaml", content)
    if content.strip() == b"":
        assert any(": error: " in line for line in lines)


@SETTINGS
@given(content=ANY_BYTES)
@example(content=b".\n\n!")
@example(content=b"organisation: .inf\n")
def test_arbitrary_bytes_as_handbook_yaml_never_crash_the_check(
    folders: dict[str, Path], content: bytes
) -> None:
    code, _ = check_cli(folders["handbook"], "handbook.yaml", content)
    assert code == 1 or content.startswith(b"organisation")  # random bytes are never a valid handbook


# --------------------------------------------------------------------------- (b) arbitrary YAML


def _field_names() -> list[str]:
    names: set[str] = set()
    for value in vars(model).values():
        if isinstance(value, type) and issubclass(value, model.Record) and value is not model.Record:
            names.update(value.model_fields)
    return sorted(names)


FIELD_NAMES = _field_names()
REAL_VALUES = st.sampled_from(
    [
        "payroll",
        "network",
        "jdoe",
        "infra",
        "dc-london",
        "acme-cloud",
        "4h",
        "1d",
        "0m",
        "2w",
        "90m",
        "2026-06-01",
        "warm-standby",
        "database",
        "Payroll",
        "+1 555 0100",
        "password: hunter2",
    ]
)
KEYS = st.one_of(
    st.sampled_from(FIELD_NAMES),
    st.sampled_from(["x-note", "rop", "<<", "1d", "financial", "operational", "service", "site", "vendor"]),
    st.text(max_size=12),
)
LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=40),
    REAL_VALUES,
)
TREES = st.recursive(
    LEAVES,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(KEYS, children, max_size=6),
    ),
    max_leaves=40,
)
SERVICE_BASE: dict[str, Any] = {
    "id": "payroll",
    "name": "Payroll",
    "owner": "jdoe",
    "bia": {"mtpd": "3d", "rto": "1d", "rpo": "4h"},
    "backups": [{"name": "payroll-db", "frequency": "1h", "offsite": True}],  # evidence/backups.csv names it
}
DOCUMENTS = st.one_of(
    TREES,
    st.dictionaries(KEYS, TREES, max_size=10),
    # A mostly valid service with some fields replaced by arbitrary data: reaches the deeper rules.
    st.dictionaries(st.sampled_from(FIELD_NAMES), TREES, max_size=5).map(
        lambda extra: {**SERVICE_BASE, **extra}
    ),
    st.dictionaries(st.sampled_from(["mtpd", "rto", "rpo", "impact", "mbco", "rop"]), TREES, max_size=4).map(
        lambda bia: {**SERVICE_BASE, "bia": {**SERVICE_BASE["bia"], **bia}}
    ),
)


@SETTINGS
@given(document=DOCUMENTS, flow=st.booleans())
@example(document=float("inf"), flow=False)
@example(document={**SERVICE_BASE, "name": float("nan")}, flow=True)
@example(document={**SERVICE_BASE, "x\ny": 1}, flow=False)
def test_arbitrary_yaml_data_as_a_service_file_never_crash_the_check(
    folders: dict[str, Path], document: object, flow: bool
) -> None:
    text = yaml.safe_dump(document, default_flow_style=flow, allow_unicode=True, sort_keys=False)
    check_cli(folders["yaml"], "services/payroll.yaml", text.encode("utf-8"))


def test_the_yaml_strategy_reaches_a_clean_service(folders: dict[str, Path]) -> None:
    # The base the strategy mutates is itself a valid service (the property starts from sense).
    text = yaml.safe_dump(SERVICE_BASE, sort_keys=False)
    code, lines = check_cli(folders["yaml"], "services/payroll.yaml", text.encode())
    assert code == 0
    assert all(": warning: " in line for line in lines)
    assert "id" in FIELD_NAMES and "rpo" in FIELD_NAMES and "steps" in FIELD_NAMES


# --------------------------------------------------------------------------- (c) YAML-ish text

YAMLISH_ALPHABET = ":-[]{}&*!|>#'\"\t\n " + string.ascii_letters + string.digits


@SETTINGS
@given(text=st.text(alphabet=YAMLISH_ALPHABET, max_size=300))
@example(text="0\n\n0")
@example(text="id: payroll\nname: |\n  \tx\n")
def test_yamlish_text_as_a_service_file_never_crash_the_check(folders: dict[str, Path], text: str) -> None:
    check_cli(folders["yamlish"], "services/payroll.yaml", text.encode("utf-8"))


@SETTINGS
@given(tail=st.text(alphabet=YAMLISH_ALPHABET + ".,_+~%@/\\", max_size=120))
def test_yamlish_text_after_a_valid_service_never_crash_the_check(
    folders: dict[str, Path], tail: str
) -> None:
    check_cli(folders["tail"], "services/payroll.yaml", (conftest.PAYROLL + tail).encode("utf-8"))
