"""The loader's hazards: every way a data file can be unreadable, ambiguous or dangerous, each
reported at its exact file, line, column and code (data format, "Common rules" and "Precise rules")."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest

from handbook.check import run_check
from handbook.durations import Duration, is_duration
from handbook.problems import Severity
from handbook.yamlsource import MAX_DEPTH, MAX_FILE_BYTES, YamlError, parse, read_file, reading_of

from conftest import NOW, PAYROLL, PEOPLE, CheckFn, found, write_data

SERVICE = "services/payroll.yaml"


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line of *text* holding *needle*."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the text")


def payroll_with(old: str, new: str) -> str:
    assert PAYROLL.count(old) == 1, old
    return PAYROLL.replace(old, new)


# --------------------------------------------------------------------------- the fixture itself


def test_the_fixture_folder_checks_clean(check: CheckFn) -> None:
    result = check()
    assert found(result) == []
    assert result.dataset is not None


# --------------------------------------------------------------------------- malformed YAML


def test_unclosed_flow_sequence_is_a_syntax_error_at_the_parsers_mark(check: CheckFn) -> None:
    text = "id: payroll\nname: [Payroll\nowner: jdoe\n"
    result = check({SERVICE: text})
    assert found(result) == [(SERVICE, 3, 6, "yaml-syntax")]
    (problem,) = result.problems
    assert problem.severity is Severity.ERROR
    assert problem.message.startswith("malformed YAML: ")
    # The parser's own complaint is passed on.
    assert "expected ',' or ']'" in problem.message
    assert "flow sequence that starts at line 2" in problem.message
    assert "flow sequence" in problem.message


def test_bad_indentation_is_a_syntax_error_naming_the_parsers_complaint(check: CheckFn) -> None:
    text = "id: payroll\nname: Payroll\n owner: jdoe\n"
    result = check({SERVICE: text})
    assert found(result) == [(SERVICE, 3, 7, "yaml-syntax")]
    assert "mapping values are not allowed" in result.problems[0].message


def test_a_lone_dash_after_a_key_is_a_syntax_error(check: CheckFn) -> None:
    result = check({SERVICE: payroll_with("name: Payroll", "name: -")})
    assert found(result) == [(SERVICE, 2, 7, "yaml-syntax")]
    assert "sequence entries are not allowed" in result.problems[0].message


def test_syntax_error_in_handbook_yaml_names_that_file(check: CheckFn) -> None:
    result = check({"handbook.yaml": "organisation: {Harbourline\n"})
    assert [f for f in found(result) if f[0] == "handbook.yaml"] == [("handbook.yaml", 2, 1, "yaml-syntax")]
    assert all(f[3] == "yaml-syntax" for f in found(result))


def test_control_character_is_reported_at_its_line_and_column_on_one_line(check: CheckFn) -> None:
    # A control character is malformed YAML like any other: the message names where it is and,
    # like every message, is a single line (CI annotations are one line each).
    result = check({SERVICE: b"id: payroll\nname: Pay\x01roll\n"})
    assert found(result) == [(SERVICE, 2, 10, "yaml-syntax")]
    assert "\n" not in result.problems[0].text


def test_parse_raises_yaml_error_carrying_the_problem() -> None:
    with pytest.raises(YamlError) as caught:
        parse(Path("x.yaml"), "a: [1, 2\n")
    problem = caught.value.problem
    assert (problem.line, problem.column, problem.code) == (2, 1, "yaml-syntax")
    assert str(caught.value) == problem.format()


# --------------------------------------------------------------------------- tabs


def test_tab_as_the_whole_indentation(check: CheckFn) -> None:
    text = payroll_with("  mtpd: 3d\n", "\tmtpd: 3d\n")
    result = check({SERVICE: text})
    assert found(result) == [(SERVICE, line_of(text, "mtpd"), 1, "tab-indent")]
    assert "spaces" in result.problems[0].hint


def test_tab_after_a_space_in_the_indentation_is_at_the_tabs_column(check: CheckFn) -> None:
    text = payroll_with("  rto: 1d\n", " \trto: 1d\n")
    result = check({SERVICE: text})
    assert found(result) == [(SERVICE, line_of(text, "rto: 1d"), 2, "tab-indent")]


def test_tab_indentation_in_people_yaml(check: CheckFn) -> None:
    text = PEOPLE.replace("    name: Alan Smith\n", "\t\tname: Alan Smith\n")
    result = check({"people.yaml": text})
    assert [f for f in found(result) if f[0] == "people.yaml"] == [
        ("people.yaml", line_of(text, "Alan Smith"), 1, "tab-indent")
    ]


def test_tab_inside_block_scalar_content_after_space_indentation_is_fine(check: CheckFn) -> None:
    text = payroll_with(
        "      duration: 15m\n",
        "      duration: 15m\n"
        "      details: |\n"
        "        Check the status page.\n"
        "        \tThen call the service desk (this line starts with a tab).\n",
    )
    result = check({SERVICE: text})
    assert found(result) == []
    assert result.dataset is not None
    details = result.dataset.services["payroll"].recovery.steps[0].details  # type: ignore[union-attr]
    assert details == "Check the status page.\n\tThen call the service desk (this line starts with a tab).\n"


def test_tab_starting_the_first_line_of_block_scalar_content_is_fine(check: CheckFn) -> None:
    # YAML takes a block scalar's indentation from the leading *spaces* of its first line; the tab
    # after them is content. Not a tab used for indentation.
    text = payroll_with(
        "      duration: 15m\n",
        "      duration: 15m\n      details: |\n        \tsudo systemctl restart payroll\n",
    )
    result = check({SERVICE: text})
    assert found(result) == []


def test_a_tab_in_block_content_does_not_hide_a_later_syntax_error(check: CheckFn) -> None:
    # The tab on line 4 is legal block-scalar content; the error is the unclosed '[' on line 6.
    text = "id: payroll\ndescription: |\n  Runs monthly.\n  \tindented detail\nname: Payroll\nowner: [jdoe\n"
    result = check({SERVICE: text})
    assert found(result) == [(SERVICE, 7, 1, "yaml-syntax")]


# --------------------------------------------------------------------------- duplicate keys


def test_duplicate_key_is_reported_at_the_second_key_naming_the_first_line(check: CheckFn) -> None:
    text = payroll_with("name: Payroll\n", "name: Payroll\nname: Pay\n")
    result = check({SERVICE: text})
    assert found(result) == [(SERVICE, 3, 1, "duplicate-key")]
    (problem,) = result.problems
    assert "'name'" in problem.message
    assert "first at line 2" in problem.message


def test_two_duplicate_keys_are_both_reported(check: CheckFn) -> None:
    text = payroll_with("name: Payroll\n", "name: Payroll\nname: Pay\n")
    text = text.replace("  rto: 1d\n", "  rto: 1d\n  rto: 2d\n")
    result = check({SERVICE: text})
    rto_first = line_of(text, "rto: 1d")
    assert found(result) == [
        (SERVICE, 3, 1, "duplicate-key"),
        (SERVICE, rto_first + 1, 3, "duplicate-key"),
    ]
    assert f"first at line {rto_first}" in result.problems[1].message


def test_duplicate_key_inside_a_flow_mapping(check: CheckFn) -> None:
    text = payroll_with("financial: {1d: 2, 3d: 4}", "financial: {1d: 2, 1d: 4}")
    result = check({SERVICE: text})
    line = line_of(text, "financial")
    assert found(result) == [(SERVICE, line, 24, "duplicate-key")]
    assert f"first at line {line}" in result.problems[0].message


# ------------------------------------------------------------------ values YAML would not read as text


@pytest.mark.parametrize(
    ("value", "reading"),
    [
        ("no", "boolean"),
        ("on", "boolean"),
        ("yes", "boolean"),
        ("Off", "boolean"),
        ("true", "boolean"),
        ("3.10", "number"),
        ("1_000", "number"),
        ("0x1F", "number"),
        ("0o17", "number"),
        ("1:20", "number"),  # sexagesimal in YAML 1.1: 80
        ("1e3", "number"),
        ("+1", "number"),
        (".inf", "number"),
        ("-.inf", "number"),
        (".nan", "number"),
        ("2026-01-02", "date"),
        ("2026-13-45", "date"),  # YAML 1.1 resolves it as a timestamp (and then fails to build it)
    ],
)
def test_plain_text_field_that_yaml_reads_otherwise_is_unquoted_text(
    check: CheckFn, value: str, reading: str
) -> None:
    result = check({SERVICE: payroll_with("name: Payroll", f"name: {value}")})
    assert found(result) == [(SERVICE, 2, 7, "unquoted-text")]
    (problem,) = result.problems
    assert problem.path == "name"
    assert f"'{value}'" in problem.message
    assert reading in problem.message
    assert "quote it" in problem.hint


def test_phone_written_as_a_bare_number_is_unquoted_text(check: CheckFn) -> None:
    text = PEOPLE.replace('phone: "+44 20 7946 0001"', "phone: 0800123456")
    result = check({"people.yaml": text})
    assert found(result) == [("people.yaml", 5, 12, "unquoted-text")]
    assert result.problems[0].path == "people[0].phone"


@pytest.mark.parametrize(("value", "column"), [("~", 7), ("", 6)])
def test_null_in_a_text_field_is_an_empty_value(check: CheckFn, value: str, column: int) -> None:
    # An empty value is placed just after the colon, where the value would be.
    result = check({SERVICE: payroll_with("name: Payroll", f"name: {value}".rstrip())})
    assert found(result) == [(SERVICE, 2, column, "empty-value")]
    assert result.problems[0].path == "name"


@pytest.mark.parametrize("value", ["null", "Null", "NULL"])
def test_the_word_null_in_a_text_field_is_an_error(check: CheckFn, value: str) -> None:
    # Either "has no value" or "quote it": never silently the text 'null' or a missing name.
    result = check({SERVICE: payroll_with("name: Payroll", f"name: {value}")})
    assert len(found(result)) == 1
    assert found(result)[0][:3] == (SERVICE, 2, 7)
    assert found(result)[0][3] in ("empty-value", "unquoted-text")


@pytest.mark.parametrize(
    "value", ['"no"', "'3.10'", '"0800123456"', "'2026-01-02'", "'~'", "Payroll 2", "3.10.1"]
)
def test_quoted_or_plainly_textual_values_are_fine(check: CheckFn, value: str) -> None:
    result = check({SERVICE: payroll_with("name: Payroll", f"name: {value}")})
    assert found(result) == []
    assert result.dataset is not None
    assert result.dataset.services["payroll"].name == value.strip("'\"")


def test_phone_that_both_yaml_versions_read_as_text_is_fine(check: CheckFn) -> None:
    text = PEOPLE.replace('phone: "+44 20 7946 0001"', "phone: +1 555 0100")
    result = check({"people.yaml": text})
    assert found(result) == []
    assert result.dataset is not None
    assert result.dataset.people["jdoe"].phone == "+1 555 0100"


# --------------------------------------------------------------------------- encoding


def test_non_utf8_byte_is_reported_at_its_line_and_column(check: CheckFn) -> None:
    result = check({SERVICE: b"id: payroll\nname: Pa\xffyroll\n"})
    assert found(result) == [(SERVICE, 2, 9, "encoding")]
    assert "0xff" in result.problems[0].message


def test_non_utf8_byte_on_the_first_character(check: CheckFn) -> None:
    result = check({SERVICE: b"\xe9id: payroll\n"})
    assert found(result) == [(SERVICE, 1, 1, "encoding")]
    assert "0xe9" in result.problems[0].message


def test_latin1_file_is_reported_at_its_first_accented_letter(check: CheckFn) -> None:
    text = payroll_with("name: Payroll", "name: Paie (caf\xe9)")
    result = check({SERVICE: text.encode("latin-1")})
    assert found(result) == [(SERVICE, 2, 16, "encoding")]
    assert "0xe9" in result.problems[0].message


def test_encoding_column_counts_characters_not_bytes(check: CheckFn) -> None:
    # "Café " is five characters (six bytes); the bad byte is the 12th character of the line.
    data = "id: payroll\nname: Café ".encode() + b"\xff\n"
    result = check({SERVICE: data})
    assert found(result) == [(SERVICE, 2, 12, "encoding")]


@pytest.mark.parametrize(
    ("data", "line", "column"),
    [
        (b"\xef\xbb\xbfid: \xff\n", 1, 5),
        (b"\xef\xbb\xbfa: 1\n\xff\n", 2, 1),
        (b"\xef\xbb\xbfname: ok\nb: x\xff\n", 2, 5),
    ],
)
def test_encoding_error_after_a_byte_order_mark_names_the_bad_byte_and_its_place(
    check: CheckFn, data: bytes, line: int, column: int
) -> None:
    result = check({SERVICE: data})
    assert found(result) == [(SERVICE, line, column, "encoding")]
    assert "0xff" in result.problems[0].message


def test_utf8_byte_order_mark_is_accepted(check: CheckFn) -> None:
    result = check({SERVICE: b"\xef\xbb\xbf" + PAYROLL.encode("utf-8")})
    assert found(result) == []
    assert result.dataset is not None
    assert result.dataset.services["payroll"].id == "payroll"


def test_positions_after_a_byte_order_mark_are_not_shifted(check: CheckFn) -> None:
    text = payroll_with("name: Payroll", "name: no")
    result = check({SERVICE: b"\xef\xbb\xbf" + text.encode("utf-8")})
    assert found(result) == [(SERVICE, 2, 7, "unquoted-text")]


def test_non_ascii_text_is_read_as_utf8(check: CheckFn) -> None:
    result = check({SERVICE: payroll_with("name: Payroll", "name: Gehaltsabrechnung Zürich ✓ 給与").encode()})
    assert found(result) == []
    assert result.dataset is not None
    assert result.dataset.services["payroll"].name == "Gehaltsabrechnung Zürich ✓ 給与"


# ------------------------------------------------------------------ tags, anchors, aliases, merge keys


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("!foo Payroll", "!foo"),
        ("!!python/object/apply:os.system [echo pwned]", "python/object/apply:os.system"),
        ("!!str Payroll", "str"),
        ("! Payroll", "!"),
    ],
)
def test_tags_are_errors_at_the_tagged_value(check: CheckFn, value: str, shown: str) -> None:
    result = check({SERVICE: payroll_with("name: Payroll", f"name: {value}")})
    assert found(result) == [(SERVICE, 2, 7, "yaml-tag")]
    assert shown in result.problems[0].message


def test_tag_on_a_collection_is_an_error(check: CheckFn) -> None:
    result = check({SERVICE: payroll_with("depends_on:\n", "depends_on: !!seq\n")})
    assert found(result) == [(SERVICE, 5, 13, "yaml-tag")]


def test_python_tag_is_never_executed(check: CheckFn, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    value = f"!!python/object/apply:os.system ['touch {marker}']"
    result = check({SERVICE: payroll_with("name: Payroll", f"name: {value}")})
    assert found(result) == [(SERVICE, 2, 7, "yaml-tag")]
    assert not marker.exists()


def test_anchor_is_an_error_at_the_anchor(check: CheckFn) -> None:
    result = check({SERVICE: payroll_with("name: Payroll", "name: &n Payroll")})
    assert found(result) == [(SERVICE, 2, 7, "yaml-anchor")]
    assert "&n" in result.problems[0].message


def test_anchor_on_a_mapping_is_an_error(check: CheckFn) -> None:
    result = check({SERVICE: payroll_with("bia:\n", "bia: &b\n")})
    assert found(result) == [(SERVICE, 8, 6, "yaml-anchor")]


def test_alias_is_an_error_at_the_alias(check: CheckFn) -> None:
    # An alias without its anchor: the alias itself is what the format forbids.
    text = payroll_with("  rpo: 4h\n", "  rpo: 4h\nx-copy: *b\n")
    result = check({SERVICE: text})
    assert found(result) == [(SERVICE, line_of(text, "x-copy"), 9, "yaml-alias")]
    assert "*b" in result.problems[0].message


def test_anchor_and_alias_stop_at_the_first_anchor(check: CheckFn) -> None:
    text = "id: payroll\nname: &n Payroll\naliases: [*n]\n"
    result = check({SERVICE: text})
    assert found(result) == [(SERVICE, 2, 7, "yaml-anchor")]


def test_merge_key_is_an_error(check: CheckFn) -> None:
    text = payroll_with("  mtpd: 3d\n", "  <<: {mtpd: 3d}\n")
    result = check({SERVICE: text})
    assert found(result) == [(SERVICE, line_of(text, "<<"), 3, "yaml-merge-key")]


def test_merge_key_with_alias_reports_the_merge_key_first_when_anchor_free(check: CheckFn) -> None:
    text = "id: payroll\n<<: {name: Payroll}\n"
    result = check({SERVICE: text})
    assert found(result) == [(SERVICE, 2, 1, "yaml-merge-key")]


def test_quoted_merge_key_is_an_unknown_key_not_a_merge(check: CheckFn) -> None:
    text = payroll_with("  mtpd: 3d\n", '  mtpd: 3d\n  "<<": x\n')
    result = check({SERVICE: text})
    codes = {f[3] for f in found(result)}
    assert "yaml-merge-key" not in codes
    assert codes == {"unknown-key"}


# --------------------------------------------------------------------------- documents


def test_second_document_is_an_error_at_its_marker(check: CheckFn) -> None:
    text = PAYROLL + "---\n" + PAYROLL
    result = check({SERVICE: text})
    assert found(result) == [(SERVICE, PAYROLL.count("\n") + 1, 1, "yaml-multiple-documents")]


def test_second_document_after_an_implicit_first(check: CheckFn) -> None:
    result = check({SERVICE: "id: payroll\n---\nid: x\n"})
    assert found(result) == [(SERVICE, 2, 1, "yaml-multiple-documents")]


def test_one_document_with_explicit_markers_is_fine(check: CheckFn) -> None:
    result = check({SERVICE: "---\n" + PAYROLL + "...\n"})
    assert found(result) == []


# --------------------------------------------------------------------------- depth


def flow_nested(levels: int) -> str:
    """A service whose x- key holds *levels* nested flow sequences (the root mapping is one more)."""
    return PAYROLL + "x-deep: " + "[" * levels + "]" * levels + "\n"


def block_nested(levels: int) -> str:
    """A service whose x- key holds *levels* nested block mappings (the root mapping is one more)."""
    lines = [PAYROLL.rstrip("\n"), "x-deep:"]
    for i in range(levels):
        lines.append("  " * (i + 1) + f"k{i}:" + (" leaf" if i == levels - 1 else ""))
    return "\n".join(lines) + "\n"


def test_thirty_levels_of_nesting_is_not_a_depth_error(check: CheckFn) -> None:
    result = check({SERVICE: flow_nested(29)})  # 1 + 29 = 30 levels
    assert found(result) == []


def test_exactly_max_depth_is_allowed(check: CheckFn) -> None:
    result = check({SERVICE: flow_nested(MAX_DEPTH - 1)})  # 32 levels in all
    assert found(result) == []
    result = check({SERVICE: block_nested(MAX_DEPTH - 1)})
    assert found(result) == []


def test_nesting_deeper_than_32_levels_is_an_error_at_the_33rd(check: CheckFn) -> None:
    assert MAX_DEPTH == 32
    text = flow_nested(32)  # 33 levels
    result = check({SERVICE: text})
    line = text.count("\n")
    assert found(result) == [(SERVICE, line, len("x-deep: ") + 32, "yaml-too-deep")]


def test_block_nesting_deeper_than_32_levels_is_an_error(check: CheckFn) -> None:
    text = block_nested(40)
    result = check({SERVICE: text})
    # The 33rd container is the mapping holding k31, at k31's indentation.
    assert found(result) == [(SERVICE, line_of(text, "k31:"), 2 * 32 + 1, "yaml-too-deep")]


def test_a_thousand_levels_is_reported_at_the_33rd(check: CheckFn) -> None:
    levels = 1000
    result = check({SERVICE: "[" * levels + "]" * levels + "\n"})
    assert found(result) == [(SERVICE, 1, 33, "yaml-too-deep")]


def test_very_deep_nesting_fails_fast_without_recursion(check: CheckFn) -> None:
    levels = 200_000
    result = check({SERVICE: "[" * levels + "]" * levels + "\n"})
    assert found(result) == [(SERVICE, 1, 33, "yaml-too-deep")]


# --------------------------------------------------------------------------- size


def test_file_over_one_mib_is_too_large(check: CheckFn, tmp_path: Path) -> None:
    result = check()  # writes the folder
    path = tmp_path / "data" / SERVICE
    with path.open("r+b") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: the size is there, the bytes need not be
    result = run_check(tmp_path / "data", NOW)
    assert found(result) == [(SERVICE, 1, 1, "file-too-large")]
    assert "1,048,577" in result.problems[0].message


def test_file_of_exactly_one_mib_is_read(check: CheckFn, tmp_path: Path) -> None:
    data = PAYROLL.encode()
    data += b"#" * (MAX_FILE_BYTES - len(data) - 1) + b"\n"
    assert len(data) == MAX_FILE_BYTES
    result = check({SERVICE: data})
    assert found(result) == []


def test_size_is_checked_before_the_file_is_read(check: CheckFn, tmp_path: Path) -> None:
    check()
    path = tmp_path / "data" / SERVICE
    with path.open("r+b") as handle:
        handle.truncate(256 * 1024 * 1024)  # a sparse 256 MiB file
    tracemalloc.start()
    try:
        result = run_check(tmp_path / "data", NOW)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert found(result) == [(SERVICE, 1, 1, "file-too-large")]
    assert peak < 16 * 1024 * 1024, f"peak {peak:,} bytes: the file was read"


def test_read_file_refuses_a_large_file_directly(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 10)
    with pytest.raises(YamlError) as caught:
        read_file(path)
    assert caught.value.problem.code == "file-too-large"


# --------------------------------------------------------------------------- empty


@pytest.mark.parametrize("content", ["", "\n\n", "   \n", "# only a comment\n"])
def test_empty_file(check: CheckFn, content: str) -> None:
    result = check({SERVICE: content})
    assert found(result) == [(SERVICE, 1, 1, "empty-file")]


def test_empty_handbook_yaml(check: CheckFn) -> None:
    result = check({"handbook.yaml": ""})
    assert ("handbook.yaml", 1, 1, "empty-file") in found(result)
    assert not any(f[3] == "missing-file" for f in found(result))


# --------------------------------------------------------------------------- billion laughs

LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_billion_laughs_fails_fast_with_one_anchor_problem_and_small_memory(tmp_path: Path) -> None:
    root = write_data(tmp_path / "data", {SERVICE: LAUGHS})
    tracemalloc.start()
    try:
        result = run_check(root, NOW)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert found(result) == [(SERVICE, 1, 4, "yaml-anchor")]
    assert peak < 20 * 1024 * 1024, f"peak traced memory {peak:,} bytes"


def test_billion_laughs_as_handbook_yaml(tmp_path: Path) -> None:
    root = write_data(tmp_path / "data", {"handbook.yaml": LAUGHS})
    tracemalloc.start()
    try:
        result = run_check(root, NOW)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert ("handbook.yaml", 1, 4, "yaml-anchor") in found(result)
    assert [f for f in found(result) if f[0] == "handbook.yaml"] == [("handbook.yaml", 1, 4, "yaml-anchor")]
    assert peak < 20 * 1024 * 1024


# --------------------------------------------------------------------------- layout


def test_symlinked_file_under_data_is_an_error(check: CheckFn, tmp_path: Path) -> None:
    check()
    root = tmp_path / "data"
    os.symlink(root / SERVICE, root / "services" / "payroll-copy.yaml")
    result = run_check(root, NOW)
    assert found(result) == [("services/payroll-copy.yaml", 1, 1, "symlink")]


def test_symlink_pointing_outside_data_is_an_error_and_not_read(check: CheckFn, tmp_path: Path) -> None:
    check()
    root = tmp_path / "data"
    outside = tmp_path / "secret.yaml"
    outside.write_text("id: [unclosed\n", encoding="utf-8")
    os.symlink(outside, root / "sites.yaml.tmp")
    (root / "sites.yaml").unlink()
    os.symlink(outside, root / "sites.yaml")
    result = run_check(root, NOW)
    assert ("sites.yaml", 1, 1, "symlink") in found(result)
    assert ("sites.yaml.tmp", 1, 1, "symlink") in found(result)
    assert not any(f[3] == "yaml-syntax" for f in found(result))


def test_symlinked_folder_under_data_is_an_error(check: CheckFn, tmp_path: Path) -> None:
    check()
    root = tmp_path / "data"
    os.symlink(root / "services", root / "more-services")
    result = run_check(root, NOW)
    assert found(result) == [("more-services", 1, 1, "symlink")]


@pytest.mark.parametrize(
    "name", ["services/identity.yml", "services/identity.YAML", "sites.yml", "services/x.Yaml"]
)
def test_wrong_yaml_extension_is_an_error(check: CheckFn, name: str) -> None:
    result = check({name: "id: identity\n"})
    assert found(result) == [(name, 1, 1, "file-extension")]
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    assert f"{stem}.yaml" in result.problems[0].hint


def test_other_files_are_ignored(check: CheckFn) -> None:
    result = check({"README.md": "# data\n", "services/.gitkeep": "", "services/notes.txt": "x: [\n"})
    assert found(result) == []


def test_unknown_top_level_yaml_file(check: CheckFn) -> None:
    result = check({"contacts.yaml": "people: []\n"})
    assert found(result) == [("contacts.yaml", 1, 1, "unknown-file")]


def test_unknown_top_level_file_close_to_a_known_one_gets_a_suggestion(check: CheckFn) -> None:
    result = check({"peoples.yaml": "people: []\n"})
    assert found(result) == [("peoples.yaml", 1, 1, "unknown-file")]
    assert "did you mean 'people.yaml'?" in result.problems[0].hint


def test_yaml_file_in_an_unknown_folder_suggests_the_right_one(check: CheckFn) -> None:
    result = check({"service/x.yaml": "id: x\n"})
    assert found(result) == [("service/x.yaml", 1, 1, "unknown-file")]
    assert "did you mean 'services'?" in result.problems[0].hint


def test_yaml_file_in_an_unrelated_folder(check: CheckFn) -> None:
    result = check({"archive/old.yaml": "id: old\n"})
    assert found(result) == [("archive/old.yaml", 1, 1, "unknown-file")]


def test_yaml_file_in_a_subfolder_of_services(check: CheckFn) -> None:
    result = check({"services/old/payroll.yaml": PAYROLL})
    assert found(result) == [("services/old/payroll.yaml", 1, 1, "unknown-file")]


def test_missing_handbook_yaml(check: CheckFn) -> None:
    result = check({"handbook.yaml": None})
    assert found(result) == [("handbook.yaml", 1, 1, "missing-file")]
    assert "handbook.yaml" in result.problems[0].message


def test_missing_people_yaml(check: CheckFn) -> None:
    result = check({"people.yaml": None})
    assert ("people.yaml", 1, 1, "missing-file") in found(result)
    assert [f for f in found(result) if f[3] == "missing-file"] == [("people.yaml", 1, 1, "missing-file")]


def test_no_services(check: CheckFn) -> None:
    result = check(
        {
            "services/payroll.yaml": None,
            "services/network.yaml": None,
            "exercises/2026-05-failover.yaml": None,
            "evidence/backups.csv": None,
        }
    )
    assert found(result) == [("services", 1, 1, "missing-file")]


def test_services_folder_with_only_a_readme_has_no_services(check: CheckFn) -> None:
    result = check(
        {
            "services/payroll.yaml": None,
            "services/network.yaml": None,
            "services/README.md": "One file per service.\n",
            "exercises/2026-05-failover.yaml": None,
            "evidence/backups.csv": None,
        }
    )
    assert found(result) == [("services", 1, 1, "missing-file")]


def test_empty_folder_misses_every_required_file(tmp_path: Path) -> None:
    root = tmp_path / "data"
    root.mkdir()
    result = run_check(root, NOW)
    assert found(result) == [
        ("handbook.yaml", 1, 1, "missing-file"),
        ("people.yaml", 1, 1, "missing-file"),
        ("services", 1, 1, "missing-file"),
    ]


def test_unreadable_service_still_counts_as_a_known_id(check: CheckFn) -> None:
    # The exercise names payroll; a syntax error in payroll.yaml is the only problem reported.
    result = check({SERVICE: "id: payroll\nname: [\n"})
    assert {f[3] for f in found(result)} == {"yaml-syntax"}


# --------------------------------------------------------------------------- durations


@pytest.mark.parametrize(
    ("text", "minutes", "canonical"),
    [
        ("90m", 90, "1h30m"),
        ("1d24h", 2 * 1440, "2d"),
        ("2w", 2 * 7 * 1440, "2w"),
        ("0m", 0, "0m"),
        ("0h", 0, "0m"),
        ("30m", 30, "30m"),
        ("4h", 240, "4h"),
        ("1d12h", 1440 + 720, "1d12h"),
        ("10d", 10 * 1440, "10d"),
        ("14d", 14 * 1440, "2w"),
        ("1w1d1h1m", 7 * 1440 + 1440 + 60 + 1, "8d1h1m"),
        ("60m", 60, "1h"),
    ],
)
def test_duration_parse_and_canonical_text(text: str, minutes: int, canonical: str) -> None:
    duration = Duration.parse(text)
    assert duration.minutes == minutes
    assert str(duration) == canonical
    assert Duration.parse(str(duration)) == duration
    assert is_duration(text)


@pytest.mark.parametrize(
    "text",
    [
        "4H",
        "04h",
        "1h1d",
        "",
        "4",
        "1d1d",
        "h",
        " 4h",
        "4h ",
        "-1h",
        "1.5h",
        "4 h",
        "4hours",
        "1m1h",
        "00m",
        "4s",
    ],
)
def test_invalid_durations(text: str) -> None:
    with pytest.raises(ValueError):
        Duration.parse(text)
    assert not is_duration(text)


def test_duration_parse_refuses_non_text() -> None:
    with pytest.raises(ValueError):
        Duration.parse(4)  # type: ignore[arg-type]


def test_durations_compare_and_add_by_minutes() -> None:
    assert Duration.parse("60m") == Duration.parse("1h")
    assert Duration.parse("1d") > Duration.parse("23h59m")
    assert Duration.parse("1h") + Duration.parse("30m") == Duration.parse("90m")
    assert Duration.parse("90m").hours == 1.5


@pytest.mark.parametrize("minutes", [0, 1, 59, 60, 61, 1439, 1440, 10079, 10080, 10081, 20160, 123457])
def test_duration_text_round_trips(minutes: int) -> None:
    assert Duration.parse(str(Duration(minutes))).minutes == minutes


# --------------------------------------------------------------------------- reading_of


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("no", "boolean"),
        ("No", "boolean"),
        ("on", "boolean"),
        ("OFF", "boolean"),
        ("yes", "boolean"),
        ("y", "boolean"),
        ("true", "boolean"),
        ("FALSE", "boolean"),
        ("0800123456", "number"),
        ("3.10", "number"),
        ("1_000", "number"),
        ("0x1F", "number"),
        ("0o17", "number"),
        ("0b101", "number"),
        ("1:20", "number"),
        ("190:20:30", "number"),
        ("1e3", "number"),
        ("1.0e+3", "number"),
        ("+1", "number"),
        ("-0", "number"),
        (".5", "number"),
        (".inf", "number"),
        ("-.Inf", "number"),
        (".nan", "number"),
        ("2026-01-02", "date"),
        ("2026-1-2 10:00:00", "date"),
        ("2026-01-02T10:00:00Z", "date"),
        ("~", "null"),
        ("null", "null"),
        ("NULL", "null"),
        ("", "null"),
    ],
)
def test_reading_of_non_text(text: str, reading: str) -> None:
    assert reading_of(text) == reading


@pytest.mark.parametrize(
    "text",
    [
        "+1 555 0100",
        "Payroll",
        "3.10.1",
        "4h",
        "1,000",
        "nope",
        "yes please",
        "0:20x",
        "2026-01",
        "v1.2",
        "-",
        "TRUE story",
    ],
)
def test_reading_of_text(text: str) -> None:
    assert reading_of(text) is None
