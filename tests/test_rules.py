"""The validator's rules, one test per problem code of handbook/codes.py, on minimal broken variants
of the small valid folder of tests/conftest.py (clock pinned to 2026-11-25T12:00Z).

Every test asserts where its problem points -- (file, line, column, code) -- with line and column
counted by hand from the inline YAML, and the message or hint where the data format
(../shared/spec/data-format.md) fixes it. Plan-health warnings are only judged on data without any
error, so each warning variant is otherwise valid and its expected list is exact.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from handbook.check import CheckResult
from handbook.codes import BY_CODE, CODES
from handbook.durations import Duration
from handbook.problems import Problem, Severity

from conftest import NOW, PAYROLL, found

# --- helpers ------------------------------------------------------------------------------------


def of_code(result: CheckResult, code: str) -> list[Problem]:
    return [p for p in result.problems if p.code == code]


def one(result: CheckResult, code: str) -> Problem:
    """The single problem of *code*; fails when there is none or more than one."""
    matches = of_code(result, code)
    assert len(matches) == 1, found(result)
    return matches[0]


def errors(result: CheckResult) -> list[tuple[str, int, int, str]]:
    return [f for f, p in zip(found(result), result.problems, strict=True) if p.severity is Severity.ERROR]


# A healthy extra service: tier 3 (RTO 3d), so it needs no exercise; steps and a recent review.
# Line numbers stay fixed whatever the arguments; `extra` is one line of YAML (blank by default).
#  1 id: {id}
#  2 name: {name}
#  3 owner: {owner}
#  4 {extra}
#  5 bia:
#  6   mtpd: {mtpd}
#  7   rto: {rto}
#  8   rpo: {rpo}
#  9 recovery:
# 10   steps:
# 11     - title: Restart the service
# 12 review:
# 13   last_reviewed: {reviewed}
SERVICE = """\
id: {id}
name: {name}
owner: {owner}
{extra}
bia:
  mtpd: {mtpd}
  rto: {rto}
  rpo: {rpo}
recovery:
  steps:
    - title: Restart the service
review:
  last_reviewed: {reviewed}
"""


def svc(
    id: str = "billing",
    name: str = "Billing",
    owner: str = "jdoe",
    extra: str = "",
    mtpd: str = "1w",
    rto: str = "3d",
    rpo: str = "1d",
    reviewed: str = "2026-06-01",
) -> str:
    return SERVICE.format(
        id=id, name=name, owner=owner, extra=extra, mtpd=mtpd, rto=rto, rpo=rpo, reviewed=reviewed
    )


# services/payroll.yaml of the fixture (conftest.PAYROLL), for variants made with str.replace:
#  1 id: payroll                   15   - name: payroll-db
#  2 name: Payroll                 16     frequency: 1h
#  3 owner: jdoe                   17     offsite: true
#  4 team: infra                   18 continuity:
#  5 depends_on:                   19   strategy: warm-standby
#  6   - service: network          20   alternate_site: dc-manchester
#  7   - vendor: acme-cloud        21   recovery_time: 6h
#  8 bia:                          22 recovery:
#  9   impact:                     23   steps:
# 10     financial: {1d: 2, 3d: 4} 24     - title: Confirm the outage
# 11   mtpd: 3d                    25       duration: 15m
# 12   rto: 1d                     26 review:
# 13   rpo: 4h                     27   last_reviewed: 2026-06-01
# 14 backups:
assert PAYROLL.splitlines()[12] == "  rpo: 4h" and PAYROLL.splitlines()[26] == "  last_reviewed: 2026-06-01"

# people.yaml with asmith's phone as a parameter (line 9, value at column 12).
PEOPLE = """\
people:
  - id: jdoe
    name: Jane Doe
    role: Head of Infrastructure
    phone: "+44 20 7946 0001"
    deputy: asmith
  - id: asmith
    name: Alan Smith
    phone: {phone}
teams:
  - id: infra
    name: Infrastructure Operations
    lead: jdoe
    members: [jdoe, asmith]
    escalation: [infra, jdoe]
"""


def people(phone: str = '"+44 20 7946 0002"') -> str:
    return PEOPLE.format(phone=phone)


# --- the fixture and the table of codes ---------------------------------------------------------


def test_fixture_is_valid_and_healthy(check):
    result = check()
    assert found(result) == []
    assert result.dataset is not None


def test_the_helpers_own_variants_are_clean(check):
    # The baselines the variants below start from must be clean themselves.
    assert found(check({"services/billing.yaml": svc(), "people.yaml": people()})) == []


def test_every_code_has_its_test():
    tests = {name for name in globals() if name.startswith("test_")}
    missing = [c.code for c in CODES if "test_" + c.code.replace("-", "_") not in tests]
    assert missing == []


# --- files --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("drop", "where"),
    [
        (["handbook.yaml"], "handbook.yaml"),
        (["people.yaml"], "people.yaml"),
        (["services/network.yaml", "services/payroll.yaml"], "services"),
    ],
)
def test_missing_file(check, drop, where):
    result = check(dict.fromkeys(drop))
    # Dropping people.yaml or every service also leaves references dangling; only this one is ours.
    assert [f for f in found(result) if f[3] == "missing-file"] == [(where, 1, 1, "missing-file")]


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("peoples.yaml", "did you mean 'people.yaml'?"),
        ("service/billing.yaml", "did you mean 'services'?"),
        ("services/old/billing.yaml", None),
    ],
)
def test_unknown_file(check, name, hint):
    result = check({name: svc()})
    assert found(result) == [(name, 1, 1, "unknown-file")]
    if hint is not None:
        assert one(result, "unknown-file").hint == hint


def test_files_that_are_not_yaml_are_ignored(check):
    result = check(
        {"services/README.md": "# Services\n", "scenarios/.gitkeep": "", "evidence/notes.yaml": "a: [\n"}
    )
    assert found(result) == []


@pytest.mark.parametrize(
    "name", ["services/billing.yml", "services/billing.YAML", "services/billing.Yaml", "sites.yml"]
)
def test_file_extension(check, name):
    result = check({name: svc()})
    assert found(result) == [(name, 1, 1, "file-extension")]
    problem = one(result, "file-extension")
    assert "rename it to" in problem.text and ".yaml" in problem.hint


def _case_sensitive(folder: Path) -> bool:
    folder.mkdir()
    (folder / "a").write_text("")
    return not (folder / "A").exists()


def test_case_clash(check, tmp_path):
    if not _case_sensitive(tmp_path / "case-probe"):
        pytest.skip("this filesystem folds letter case: Payroll.yaml would overwrite payroll.yaml")
    result = check({"services/Payroll.yaml": PAYROLL})
    clash = one(result, "case-clash")
    rel = found(CheckResult([clash], None))[0]
    assert rel[1:] == (1, 1, "case-clash")
    assert rel[0] in ("services/Payroll.yaml", "services/payroll.yaml")
    assert "services/Payroll.yaml" in clash.message and "services/payroll.yaml" in clash.message


@pytest.mark.parametrize("link", ["services/linked.yaml", "archive"])
def test_symlink(check, tmp_path, link):
    target = tmp_path / "outside"
    if link == "archive":  # a link to a folder
        target.mkdir()
        (target / "billing.yaml").write_text(textwrap.dedent(svc()))
    else:
        target.write_text(textwrap.dedent(svc(id="linked")))
    path = tmp_path / "data" / link
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)
    assert found(check()) == [(link, 1, 1, "symlink")]


def test_file_too_large(check):
    head = b"id: big\nname: Big\n"
    result = check({"services/big.yaml": head + b"#" * (1024 * 1024 + 1 - len(head))})
    assert found(result) == [("services/big.yaml", 1, 1, "file-too-large")]


def test_a_file_of_exactly_one_mebibyte_is_read(check):
    body = textwrap.dedent(svc(id="big")).encode()
    padded = body + b"# " + b"x" * (1024 * 1024 - len(body) - 3) + b"\n"
    assert len(padded) == 1024 * 1024
    assert found(check({"services/big.yaml": padded})) == []


# --- YAML ---------------------------------------------------------------------------------------


def test_encoding(check):
    # Line 2 is "name: Billing Café" in Latin-1: the é (0xe9) is byte 18 of the line.
    text = textwrap.dedent(svc(name="Billing Café")).encode("latin-1")
    result = check({"services/billing.yaml": text})
    assert found(result) == [("services/billing.yaml", 2, 18, "encoding")]
    assert "0xe9" in one(result, "encoding").message


def test_a_byte_order_mark_is_allowed(check):
    text = b"\xef\xbb\xbf" + textwrap.dedent(svc()).encode()
    assert found(check({"services/billing.yaml": text})) == []


@pytest.mark.parametrize("text", ["", "# nothing here yet\n", "\n\n"])
def test_empty_file(check, text):
    assert found(check({"services/billing.yaml": text})) == [("services/billing.yaml", 1, 1, "empty-file")]


def test_yaml_syntax(check):
    result = check(
        {
            "services/billing.yaml": """\
                id: billing
                name: Billing: Payroll
                owner: jdoe
            """
        }
    )
    # The parser complains at the second ': ' of line 2.
    assert found(result) == [("services/billing.yaml", 2, 14, "yaml-syntax")]


def test_tab_indent(check):
    text = "id: billing\nname: Billing\nowner: jdoe\nbia:\n\tmtpd: 1w\n\trto: 3d\n\trpo: 1d\n"
    result = check({"services/billing.yaml": text})
    assert found(result) == [("services/billing.yaml", 5, 1, "tab-indent")]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (svc(extra="name: Billing again"), (4, 1)),  # the second 'name' at the top
        (svc(rpo="1d\n  rto: 1d"), (9, 3)),  # a second 'rto' inside bia (lines shift by one)
    ],
)
def test_duplicate_key(check, text, where):
    result = check({"services/billing.yaml": text})
    assert found(result) == [("services/billing.yaml", *where, "duplicate-key")]


def test_yaml_anchor(check):
    result = check({"services/billing.yaml": svc(owner="&boss jdoe")})
    assert found(result) == [("services/billing.yaml", 3, 8, "yaml-anchor")]


def test_yaml_alias(check):
    result = check({"services/billing.yaml": svc(owner="*boss")})
    assert found(result) == [("services/billing.yaml", 3, 8, "yaml-alias")]


def test_yaml_merge_key(check):
    result = check(
        {
            "services/billing.yaml": """\
                id: billing
                name: Billing
                owner: jdoe
                bia:
                  <<: {mtpd: 1w, rto: 3d}
                  rpo: 1d
            """
        }
    )
    assert found(result) == [("services/billing.yaml", 5, 3, "yaml-merge-key")]


@pytest.mark.parametrize(
    ("extra", "column"),
    [
        ("description: !!str Billing", 14),
        ("description: !foo Billing", 14),
        ("description: !!python/object:os.system x", 14),
        ("aliases: !!seq [a, b]", 10),  # on a collection too
    ],
)
def test_yaml_tag(check, extra, column):
    result = check({"services/billing.yaml": svc(extra=extra)})
    assert found(result) == [("services/billing.yaml", 4, column, "yaml-tag")]


def test_yaml_multiple_documents(check):
    text = svc() + "---\nid: other\n"  # svc() has 13 lines: '---' is line 14
    result = check({"services/billing.yaml": text})
    assert found(result) == [("services/billing.yaml", 14, 1, "yaml-multiple-documents")]


def test_an_explicit_start_of_the_one_document_is_fine(check):
    assert found(check({"services/billing.yaml": "---\n" + svc()})) == []


@pytest.mark.parametrize(("brackets", "expected"), [(31, []), (32, [(4, 40)])])
def test_yaml_too_deep(check, brackets, expected):
    # The top mapping is level 1; 31 brackets reach level 32 (allowed), the 32nd bracket (at
    # column 8 + 32 of 'x-deep: [[[...') opens level 33.
    extra = "x-deep: " + "[" * brackets + "]" * brackets
    result = check({"services/billing.yaml": svc(extra=extra)})
    assert found(result) == [("services/billing.yaml", *where, "yaml-too-deep") for where in expected]


# --- shape of records ---------------------------------------------------------------------------


def test_unknown_key(check):
    # 'rop' is as near to 'rto' as to 'rpo'; the bia lacks rpo, so rpo is suggested.
    result = check(
        {
            "services/billing.yaml": """\
                id: billing
                name: Billing
                owner: jdoe
                bia:
                  mtpd: 1w
                  rto: 3d
                  rop: 1d
            """
        }
    )
    assert found(result) == [
        ("services/billing.yaml", 4, 1, "missing-field"),  # rpo, at the 'bia' key
        ("services/billing.yaml", 7, 3, "unknown-key"),
    ]
    problem = one(result, "unknown-key")
    assert problem.path == "bia.rop"
    assert problem.hint == "did you mean 'rpo'?"


def test_unknown_key_suggests_the_nearest_known_key(check):
    result = check({"services/billing.yaml": svc(extra="descripton: Bills customers")})
    assert found(result) == [("services/billing.yaml", 4, 1, "unknown-key")]
    assert one(result, "unknown-key").hint == "did you mean 'description'?"


def test_a_typo_as_the_only_key_of_a_reference_is_only_an_unknown_key(check):
    result = check({"services/billing.yaml": svc(extra="depends_on: [{team: infra}]")})
    assert found(result) == [("services/billing.yaml", 4, 15, "unknown-key")]


def test_x_keys_are_accepted_and_ignored(check):
    # Anything goes under an x- key: YAML 1.1 surprises, unknown shapes, at any level.
    result = check(
        {
            "services/billing.yaml": """\
                id: billing
                name: Billing
                owner: jdoe
                x-notes: {ticket: CHG-1, flags: [no, on, 3.10, 2026-01-01], owner: somebody}
                bia:
                  mtpd: 1w
                  rto: 3d
                  rpo: 1d
                  x-source: the 2025 BIA workshop
                recovery:
                  steps:
                    - title: Restart the service
                      x-runbook: [1, 2, 3]
                review:
                  last_reviewed: 2026-06-01
            """,
            "people.yaml": people().replace("    deputy: asmith\n", "    deputy: asmith\n    x-desk: 4.12\n"),
        }
    )
    assert found(result) == []


@pytest.mark.parametrize(
    ("text", "where", "path", "field"),
    [
        # A step without its title: at the step's mapping.
        (
            svc(extra="").replace("    - title: Restart the service", "    - duration: 15m"),
            (11, 7),
            "recovery.steps[0]",
            "title",
        ),
        # review without last_reviewed: at the 'review' key.
        (
            svc().replace("  last_reviewed: 2026-06-01", "  reviewed_by: jdoe"),
            (12, 1),
            "review",
            "last_reviewed",
        ),
        # No bia at all: at the top of the file.
        ("id: billing\nname: Billing\nowner: jdoe\n", (1, 1), "", "bia"),
    ],
)
def test_missing_field(check, text, where, path, field):
    result = check({"services/billing.yaml": text})
    assert found(result) == [("services/billing.yaml", *where, "missing-field")]
    problem = one(result, "missing-field")
    assert problem.path == path
    assert f"'{field}'" in problem.message


def test_empty_value(check):
    result = check({"services/billing.yaml": svc(owner="")})
    assert found(result) == [("services/billing.yaml", 3, 7, "empty-value")]
    assert one(result, "empty-value").path == "owner"


@pytest.mark.parametrize(
    ("extra", "column"),
    [
        ("depends_on: network", 13),  # text where a list is needed
        ('tier: "1"', 7),  # text where a number is needed
        ("aliases: {a: b}", 10),  # a mapping where a list is needed
        ("continuity: warm-standby", 13),  # text where a mapping is needed
        ('backups: [{name: db, frequency: 1h, offsite: "yes"}]', 46),  # text where true/false is needed
    ],
)
def test_wrong_type(check, extra, column):
    result = check({"services/billing.yaml": svc(extra=extra)})
    assert found(result) == [("services/billing.yaml", 4, column, "wrong-type")]


# (file, variant, (line, column), what YAML reads); the same value quoted is text.
UNQUOTED = [
    ("services/billing.yaml", lambda v: svc(name=v), "no", (2, 7), "boolean"),
    ("services/billing.yaml", lambda v: svc(name=v), "on", (2, 7), "boolean"),
    ("services/billing.yaml", lambda v: svc(name=v), "3.10", (2, 7), "number"),
    ("services/billing.yaml", lambda v: svc(name=v), "2026-05-14", (2, 7), "date"),
    ("services/billing.yaml", lambda v: svc(name=v), "Off", (2, 7), "boolean"),
    ("services/billing.yaml", lambda v: svc(name=v), "1:30", (2, 7), "number"),  # 1.1 sexagesimal
    ("services/billing.yaml", lambda v: svc(name=v), "0x1F", (2, 7), "number"),
    ("services/billing.yaml", lambda v: svc(name=v), "+12", (2, 7), "number"),
    ("services/billing.yaml", lambda v: svc(extra=f"description: {v}"), "1e3", (4, 14), "number"),  # 1.2 only
    ("services/billing.yaml", lambda v: svc(extra=f"aliases: [{v}, HR pay]"), "yes", (4, 11), "boolean"),
    ("people.yaml", lambda v: people(phone=v), "0800123456", (9, 12), "number"),
]


@pytest.mark.parametrize(("file", "variant", "value", "where", "reading"), UNQUOTED)
def test_unquoted_text(check, file, variant, value, where, reading):
    result = check({file: variant(value)})
    assert found(result) == [(file, *where, "unquoted-text")]
    problem = one(result, "unquoted-text")
    assert reading in problem.message
    assert "quote" in problem.hint


@pytest.mark.parametrize(("file", "variant", "value", "where", "reading"), UNQUOTED)
def test_the_same_text_quoted_is_fine(check, file, variant, value, where, reading):
    assert found(check({file: variant(f'"{value}"')})) == []


def test_text_that_both_yaml_versions_read_as_text_needs_no_quotes(check):
    assert found(check({"people.yaml": people(phone="+1 555 0100")})) == []


def test_a_plain_null_word_in_a_text_field_is_unquoted_text(check):
    # A value that YAML reads as null is text to quote (codes.py: "boolean, number, date or
    # null: quote it"), not a key without a value: Ms Null's name must survive.
    result = check({"services/billing.yaml": svc(name="Null")})
    assert found(result) == [("services/billing.yaml", 2, 7, "unquoted-text")]


@pytest.mark.parametrize("value", [".inf", "-.inf", ".NaN", ".nan"])
def test_infinity_and_nan_words_are_unquoted_text_not_a_crash(check, value):
    # Both YAML versions read these as floats; the check must report them like 3.10.
    result = check({"services/billing.yaml": svc(name=value)})
    assert found(result) == [("services/billing.yaml", 2, 7, "unquoted-text")]


def test_infinity_under_an_x_key_is_ignored_not_a_crash(check):
    assert found(check({"services/billing.yaml": svc(extra="x-budget: .inf")})) == []


def test_dates_may_be_quoted_or_not(check):
    assert found(check({"services/billing.yaml": svc(reviewed='"2026-06-01"')})) == []


# sites.yaml as in the fixture, with dc-london's kind on line 4 (value at column 11).
SITES_OK = """\
sites:
  - id: dc-london
    name: London data centre
    kind: data-centre
    contact: infra
  - id: dc-manchester
    name: Manchester data centre
"""


@pytest.mark.parametrize(
    ("file", "text", "where", "hint"),
    [
        (
            "sites.yaml",
            SITES_OK.replace("    kind: data-centre", "    kind: datacentre"),
            (4, 11),
            "did you mean 'data-centre'?",
        ),
        (
            "risks.yaml",
            """\
            risks:
              - id: flood-london
                title: Flooding of the London data centre
                likelihood: 6
                impact: 4
         """,
            (4, 17),
            None,
        ),
    ],
)
def test_bad_value(check, file, text, where, hint):
    result = check({file: text})
    assert found(result) == [(file, *where, "bad-value")]
    if hint is not None:
        assert one(result, "bad-value").hint == hint


# sites.yaml with a third site whose id is the parameter (line 8, value at column 9).
SITES = """\
sites:
  - id: dc-london
    name: London data centre
    kind: data-centre
    contact: infra
  - id: dc-manchester
    name: Manchester data centre
  - id: {id}
    name: Leeds office
"""


@pytest.mark.parametrize("bad", ["DC_Leeds", "Leeds", "dc--leeds", "leeds-", "-leeds", "leeds.1", "a" * 65])
def test_bad_id(check, bad):
    result = check({"sites.yaml": SITES.format(id=bad)})
    assert found(result) == [("sites.yaml", 8, 9, "bad-id")]


@pytest.mark.parametrize("good", ["leeds-1", "1-leeds", "a" * 64, "com10", "console"])
def test_good_ids(check, good):
    assert found(check({"sites.yaml": SITES.format(id=good)})) == []


@pytest.mark.parametrize("reserved", ["con", "prn", "aux", "nul", "com1", "com9", "lpt1", "lpt9"])
def test_reserved_id(check, reserved):
    result = check({"sites.yaml": SITES.format(id=reserved)})
    assert found(result) == [("sites.yaml", 8, 9, "reserved-id")]


def test_a_reserved_id_as_a_service_file_name(check):
    assert found(check({"services/aux.yaml": svc(id="aux")})) == [("services/aux.yaml", 1, 5, "reserved-id")]


@pytest.mark.parametrize(
    ("variant", "where", "ok"),
    [
        (lambda n: svc(name="x" * n), (2, 7), 500),  # plain text
        (lambda n: svc(extra="description: " + "y" * n), (4, 14), 20_000),  # markdown
    ],
)
def test_too_long(check, variant, where, ok):
    assert found(check({"services/billing.yaml": variant(ok)})) == []
    result = check({"services/billing.yaml": variant(ok + 1)})
    assert found(result) == [("services/billing.yaml", *where, "too-long")]


def test_bad_duration(check):
    # The spec's own example message.
    result = check({"services/billing.yaml": svc(rto="4 hours")})
    assert found(result) == [("services/billing.yaml", 7, 8, "bad-duration")]
    assert one(result, "bad-duration").text == "bia.rto: '4 hours' is not a duration (write 4h, 30m, 1d12h)"


@pytest.mark.parametrize(
    "bad", ["4H", "04h", "1h1d", "4", "4h4h", "1.5h", "h", "4h 30m", "-4h", "4hours", "P1D"]
)
def test_durations_refused(check, bad):
    result = check({"services/billing.yaml": svc(rto=bad)})
    assert found(result) == [("services/billing.yaml", 7, 8, "bad-duration")]
    if bad == "4":  # a bare number: the unit is not guessable
        assert "unit" in one(result, "bad-duration").message


@pytest.mark.parametrize("good", ["90m", "1d24h", "2d", "1w", "1d12h30m"])
def test_durations_accepted(check, good):
    # RTOs under 1d put the service in tier 1 or 2 (an exercise warning): errors only here.
    assert errors(check({"services/billing.yaml": svc(rto=good)})) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"services/billing.yaml": svc(rpo="0m")},
        {"services/billing.yaml": svc(extra="continuity: {recovery_time: 0m}")},
        {"services/payroll.yaml": PAYROLL.replace("      duration: 15m", "      duration: 0m")},
        {
            "exercises/2026-05-failover.yaml": """\
            id: 2026-05-failover
            title: Failover to Manchester
            date: 2026-05-14
            kind: walkthrough
            services: [payroll, network]
            outcome: passed
            achieved: {payroll: 0h}
         """
        },
    ],
    ids=["rpo", "recovery_time", "step-duration", "achieved"],
)
def test_zero_durations_where_allowed(check, changes):
    assert found(check(changes)) == []


@pytest.mark.parametrize(
    ("file", "text", "where"),
    [
        ("services/billing.yaml", svc(rto="0m"), (7, 8)),
        ("services/billing.yaml", svc(mtpd="0d"), (6, 9)),
        ("services/billing.yaml", svc(extra="backups: [{name: db, frequency: 0m, offsite: true}]"), (4, 33)),
        (
            "vendors.yaml",
            "vendors:\n  - id: acme-cloud\n    name: Acme Cloud\n    recovery_time: 0h\n",
            (4, 20),
        ),
    ],
    ids=["rto", "mtpd", "frequency", "vendor-recovery_time"],
)
def test_zero_durations_elsewhere_refused(check, file, text, where):
    assert found(check({file: text})) == [(file, *where, "bad-duration")]


@pytest.mark.parametrize(
    "bad", ["2026-13-01", "2026-02-29", "01/06/2026", "2026-6-1", "yesterday", "2026-06-01T10:00:00Z"]
)
def test_bad_date(check, bad):
    result = check({"services/billing.yaml": svc(reviewed=bad)})
    assert found(result) == [("services/billing.yaml", 13, 18, "bad-date")]
    assert one(result, "bad-date").path == "review.last_reviewed"


@pytest.mark.parametrize(
    "extra",
    [
        "depends_on: [{service: network, site: dc-london}]",  # two kinds
        "depends_on: [{note: only a note}]",  # no kind
    ],
)
def test_bad_reference(check, extra):
    result = check({"services/billing.yaml": svc(extra=extra)})
    assert found(result) == [("services/billing.yaml", 4, 14, "bad-reference")]
    assert one(result, "bad-reference").path == "depends_on[0]"


# --- between records ----------------------------------------------------------------------------


def test_id_mismatch(check):
    result = check({"services/billing.yaml": svc(id="biling")})
    assert found(result) == [("services/billing.yaml", 1, 5, "id-mismatch")]
    assert "billing.yaml" in one(result, "id-mismatch").text


@pytest.mark.parametrize(
    ("text", "where"),
    [
        # A team with a person's id: people and teams share one namespace.
        (people() + "  - id: asmith\n    name: Alan's team\n", (16, 9)),
        # Two people with one id.
        (people().replace("  - id: asmith\n", "  - id: jdoe\n"), (7, 9)),
    ],
)
def test_duplicate_id(check, text, where):
    result = check({"people.yaml": text})
    assert [f for f in found(result) if f[3] == "duplicate-id"] == [("people.yaml", *where, "duplicate-id")]


def test_duplicate_site_id(check):
    result = check({"sites.yaml": SITES.format(id="dc-london")})
    assert found(result) == [("sites.yaml", 8, 9, "duplicate-id")]


def test_unknown_reference(check):
    # The spec's own example, at the same place: line 3, column 8.
    result = check({"services/billing.yaml": svc(owner="jdo")})
    assert found(result) == [("services/billing.yaml", 3, 8, "unknown-reference")]
    assert one(result, "unknown-reference").text == "owner: no person or team 'jdo' (did you mean 'jdoe'?)"


def test_unknown_reference_in_depends_on(check):
    result = check({"services/billing.yaml": svc(extra="depends_on: [{service: netwrk}]")})
    assert found(result) == [("services/billing.yaml", 4, 24, "unknown-reference")]
    problem = one(result, "unknown-reference")
    assert problem.path == "depends_on[0].service"
    assert problem.hint == "did you mean 'network'?"


def test_a_team_is_not_a_person(check):
    result = check({"people.yaml": people().replace("    lead: jdoe", "    lead: infra")})
    assert found(result) == [("people.yaml", 13, 11, "unknown-reference")]


def test_people_and_teams_both_count_as_parties(check):
    assert found(check({"services/billing.yaml": svc(owner="infra", extra="team: asmith")})) == []


CRM = svc(id="crm", name="CRM", extra="depends_on: [{service: billing}]")


@pytest.mark.parametrize(
    ("billing", "expected"),
    [
        (svc(rto="4 hours"), (7, 8, "bad-duration")),
        (svc(name="Billing: Payroll"), (2, 14, "yaml-syntax")),
        ("", (1, 1, "empty-file")),
        (textwrap.dedent(svc(name="Café")).encode("latin-1"), (2, 10, "encoding")),
        (svc(id="biling"), (1, 5, "id-mismatch")),
    ],
    ids=["invalid-record", "syntax", "empty", "encoding", "id-mismatch"],
)
def test_a_reference_to_an_invalid_record_is_not_unknown(check, billing, expected):
    # crm depends on billing, whose own file is broken: one error, in billing's file only.
    result = check({"services/crm.yaml": CRM, "services/billing.yaml": billing})
    assert found(result) == [("services/billing.yaml", *expected)]


def test_a_reference_to_a_person_in_an_invalid_people_file_is_not_unknown(check):
    # asmith's record is invalid; jdoe's deputy and the team still name a declared person.
    result = check({"people.yaml": people(phone="0800123456")})
    assert found(result) == [("people.yaml", 9, 12, "unquoted-text")]


@pytest.mark.parametrize(
    ("file", "text", "expected"),
    [
        # A tab in people.yaml: every owner, team and contact names a person of that broken file.
        ("people.yaml", people().replace("    role:", "\trole:"), (4, 1, "tab-indent")),
        (
            "sites.yaml",
            SITES_OK.replace("    name: London data centre", "    name: [London"),
            (4, 9, "yaml-syntax"),
        ),
    ],
    ids=["people", "sites"],
)
def test_references_into_an_unreadable_file_are_not_unknown(check, file, text, expected):
    result = check({file: text})
    assert found(result) == [(file, *expected)]


NETWORK_ON_PAYROLL = """\
id: network
name: Core network
owner: infra
depends_on:
  - site: dc-london
  - service: payroll
    degraded: {degraded}
bia:
  impact:
    operational: {{1h: 3, 4h: 4}}
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
"""


def test_dependency_cycle(check):
    # payroll depends on network; network now on payroll (depends_on[1], line 6).
    result = check({"services/network.yaml": NETWORK_ON_PAYROLL.format(degraded="false")})
    assert found(result) == [("services/network.yaml", 6, 5, "dependency-cycle")]
    problem = one(result, "dependency-cycle")
    assert problem.path == "depends_on[1]"
    assert "network -> payroll -> network" in problem.message


def test_a_service_depending_on_itself_is_a_cycle(check):
    result = check({"services/billing.yaml": svc(extra="depends_on: [{service: billing}]")})
    assert found(result) == [("services/billing.yaml", 4, 14, "dependency-cycle")]
    assert "billing -> billing" in one(result, "dependency-cycle").message


@pytest.mark.parametrize(
    ("links", "named"),
    [
        ({"billing": "crm", "crm": "ledger", "ledger": "billing"}, "billing -> crm -> ledger -> billing"),
        ({"billing": "ledger", "ledger": "crm", "crm": "billing"}, "billing -> ledger -> crm -> billing"),
    ],
)
def test_a_longer_cycle_is_named_in_the_direction_of_dependency(check, links, named):
    changes = {
        f"services/{a}.yaml": svc(id=a, name=a.upper(), extra=f"depends_on: [{{service: {b}}}]")
        for a, b in links.items()
    }
    result = check(changes)
    assert [f[3] for f in found(result)] == ["dependency-cycle"]
    assert named in one(result, "dependency-cycle").message


def test_degraded_links_play_no_part_in_cycles_estimates_or_longer_rto(check):
    # Hard, this link would close a cycle; network (RTO 2h) would depend on payroll (RTO 1d) and
    # its estimate would be 1h + payroll's 7h. Degraded, none of that counts.
    result = check({"services/network.yaml": NETWORK_ON_PAYROLL.format(degraded="true")})
    assert found(result) == []
    assert result.dataset is not None
    assert result.dataset.facts["network"].estimate == Duration(60)


# --- consistency within a record ----------------------------------------------------------------


def test_rto_exceeds_mtpd(check):
    result = check({"services/billing.yaml": svc(mtpd="1w", rto="2w")})
    assert found(result) == [("services/billing.yaml", 7, 8, "rto-exceeds-mtpd")]
    assert one(result, "rto-exceeds-mtpd").path == "bia.rto"


def test_rto_equal_to_mtpd_is_fine(check):
    assert found(check({"services/billing.yaml": svc(mtpd="1w", rto="1w")})) == []


# billing with one line of bia.impact (line 6).
IMPACT = """\
id: billing
name: Billing
owner: jdoe
bia:
  impact:
    {line}
  mtpd: 1w
  rto: 3d
  rpo: 1d
"""


def test_unknown_category(check):
    result = check({"services/billing.yaml": IMPACT.format(line="financal: {1d: 2}")})
    assert found(result) == [("services/billing.yaml", 6, 15, "unknown-category")]
    assert one(result, "unknown-category").hint == "did you mean 'financial'?"


def test_unknown_interval(check):
    result = check({"services/billing.yaml": IMPACT.format(line="financial: {2d: 3}")})
    assert found(result) == [("services/billing.yaml", 6, 21, "unknown-interval")]
    assert one(result, "unknown-interval").path == "bia.impact.financial.2d"


@pytest.mark.parametrize(
    "line", ["financial: {60m: 1, 1d: 2}", "financial: {3d: 3, 1d: 2}", "operational: {1w: 4}"]
)
def test_impact_intervals_match_by_value_in_any_order(check, line):
    # 60m is 1h; keys written out of order are read in time order.
    assert errors(check({"services/billing.yaml": IMPACT.format(line=line)})) == []


def test_impact_level_out_of_scale(check):
    result = check({"services/billing.yaml": IMPACT.format(line="financial: {1d: 5}")})
    assert found(result) == [("services/billing.yaml", 6, 21, "impact-level-out-of-scale")]


def test_impact_falls(check):
    result = check({"services/billing.yaml": IMPACT.format(line="financial: {1d: 3, 3d: 2}")})
    assert found(result) == [("services/billing.yaml", 6, 28, "impact-falls")]


# handbook.yaml, line by line; variants replace one line.
HANDBOOK = """\
organisation: Harbourline Logistics Ltd
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


def test_the_inline_handbook_is_valid(check):
    assert found(check({"handbook.yaml": HANDBOOK})) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # A repeated interval: intervals[4], the second 3d.
        ("[1h, 4h, 1d, 3d, 1w]", "[1h, 4h, 1d, 3d, 3d, 1w]", [(13, 31)]),
        # Tier numbers must increase: the second tier says 1 again.
        ("{tier: 2, name: Business critical", "{tier: 1, name: Business critical", [(16, 12)]),
        # max_rto must increase: tier 3's 12h is shorter than tier 2's 1d.
        ("name: Business operational, max_rto: 3d", "name: Business operational, max_rto: 12h", [(17, 52)]),
        # Levels out of order: 3 then 2 (both are out of place).
        (
            "{level: 2, name: Moderate}\n    - {level: 3, name: Major}",
            "{level: 3, name: Major}\n    - {level: 2, name: Moderate}",
            [(9, 15), (10, 15)],
        ),
    ],
    ids=["intervals", "tier-numbers", "max-rto", "levels"],
)
def test_scale_order(check, old, new, expected):
    assert old in HANDBOOK
    result = check({"handbook.yaml": HANDBOOK.replace(old, new)})
    assert found(result) == [("handbook.yaml", *where, "scale-order") for where in expected]


def test_unknown_tier(check):
    result = check({"services/billing.yaml": svc(extra="tier: 7")})
    assert found(result) == [("services/billing.yaml", 4, 7, "unknown-tier")]


def test_duplicate_backup(check):
    extra = "backups: [{name: db, frequency: 1h}, {name: db, frequency: 1d}]"
    result = check({"services/billing.yaml": svc(extra=extra)})
    assert found(result) == [("services/billing.yaml", 4, 45, "duplicate-backup")]
    assert one(result, "duplicate-backup").path == "backups[1].name"


EXERCISE = """\
id: 2026-05-failover
title: Failover to Manchester
date: {date}
kind: walkthrough
services: [payroll, network]
{outcome}
"""


@pytest.mark.parametrize("date", ["2026-11-25", "2026-05-14"], ids=["today", "past"])
def test_missing_outcome(check, date):
    result = check({"exercises/2026-05-failover.yaml": EXERCISE.format(date=date, outcome="")})
    assert found(result) == [("exercises/2026-05-failover.yaml", 3, 7, "missing-outcome")]


def test_a_scheduled_exercise_may_leave_out_its_outcome(check):
    # Tomorrow's drill, beside the fixture's past exercise (which keeps the services exercised).
    drill = EXERCISE.format(date="2026-11-26", outcome="").replace("2026-05-failover", "2026-11-drill")
    assert found(check({"exercises/2026-11-drill.yaml": drill})) == []


def test_achieved_not_exercised(check):
    text = EXERCISE.format(date="2026-05-14", outcome="outcome: passed\nachieved: {payrol: 5h}")
    result = check({"exercises/2026-05-failover.yaml": text})
    # line 7 is 'achieved: {payrol: 5h}'; the value 5h is at column 20.
    assert found(result) == [("exercises/2026-05-failover.yaml", 7, 20, "achieved-not-exercised")]
    assert one(result, "achieved-not-exercised").hint == "did you mean 'payroll'?"


@pytest.mark.parametrize(
    ("extra", "column"),
    [
        ('x-admin: "password: Winter2024!"', 10),  # x- fields are scanned too
        ("x-db-password: Winter2024!", 16),  # the key names the secret
        ("description: Connect to postgres://app:Winter2024@db.example/app", 14),
        ("description: Key id AKIAIOSFODNN7EXAMPLE for the bucket", 14),
        ("description: Use ghp_abcdefghijklmnopqrstuvwxyz0123456789", 14),
        ("description: Then run mysql -pS3cret payroll", 14),
    ],
)
def test_credentials(check, extra, column):
    result = check({"services/billing.yaml": svc(extra=extra)})
    assert found(result) == [("services/billing.yaml", 4, column, "credentials")]


def test_credentials_in_a_block_scalar_point_at_their_line(check):
    result = check(
        {
            "services/billing.yaml": """\
                id: billing
                name: Billing
                owner: jdoe
                bia:
                  mtpd: 1w
                  rto: 3d
                  rpo: 1d
                recovery:
                  steps:
                    - title: Restore the database
                      details: |
                        Stop the application first.
                        Then run mysql -pS3cret payroll < dump.sql
                review:
                  last_reviewed: 2026-06-01
            """
        }
    )
    [(file, line, column, code)] = found(result)
    assert (file, line, code) == ("services/billing.yaml", 13, "credentials")
    # Column: where that line's text starts (9) or where the secret does (18); the '|' column (16)
    # means nothing on line 13.
    assert column in (9, 18)


@pytest.mark.parametrize(
    "extra", ["description: Enable password authentication", "description: The vault path erp/root holds it"]
)
def test_prose_that_names_a_secret_is_fine(check, extra):
    assert found(check({"services/billing.yaml": svc(extra=extra)})) == []


# --- evidence/backups.csv -----------------------------------------------------------------------


def test_evidence_header(check):
    csv = "service,backup,finished_at\npayroll,payroll-db,2026-11-25T11:00:00Z\n"
    result = check({"evidence/backups.csv": csv})
    assert found(result) == [("evidence/backups.csv", 1, 1, "evidence-header")]
    assert "status" in one(result, "evidence-header").message


def test_evidence_columns_in_any_order_with_extras_and_duplicate_rows(check):
    csv = (
        "job_id,status,finished_at,backup,service\n"
        "17,success,2026-11-25T11:00:00Z,payroll-db,payroll\n"
        "17,success,2026-11-25T11:00:00Z,payroll-db,payroll\n"
    )
    assert (
        found(check({"evidence/backups.csv": csv, "evidence/other.csv": "not,a\nreal,file,at all\n"})) == []
    )


@pytest.mark.parametrize(
    ("row", "field", "hint"),
    [
        ("payroll,payroll-dbx,2026-11-25T11:00:00Z,success", "backup", "did you mean 'payroll-db'?"),
        ("payrol,payroll-db,2026-11-25T11:00:00Z,success", "service", "did you mean 'payroll'?"),
        ("payroll,payroll-db,2026-11-25T11:00:00,success", "finished_at", None),  # no zone
        ("payroll,payroll-db,yesterday,success", "finished_at", None),
        ("payroll,payroll-db,2026-11-25T11:00:00Z,ok", "status", None),
    ],
)
def test_evidence_row(check, row, field, hint):
    csv = f"service,backup,finished_at,status\npayroll,payroll-db,2026-11-25T11:00:00Z,success\n{row}\n"
    result = check({"evidence/backups.csv": csv})
    assert found(result) == [("evidence/backups.csv", 3, 1, "evidence-row")]
    problem = one(result, "evidence-row")
    assert problem.path == field
    if hint is not None:
        assert problem.hint == hint


# --- plan health (warnings: the data has no error) -----------------------------------------------

# billing, tier 3 by choice (so it needs no exercise), depending on one thing.
#  1 id: billing          6   - {dep}        11 continuity: {continuity}
#  2 name: Billing        7 bia:             12 recovery: ...
#  3 owner: jdoe          8   mtpd: 1d
#  4 tier: 3              9   rto: {rto}
#  5 depends_on:         10   rpo: 1d
DEPENDENT = """\
id: billing
name: Billing
owner: jdoe
tier: 3
depends_on:
  - {dep}
bia:
  mtpd: 1d
  rto: {rto}
  rpo: 1d
continuity: {continuity}
recovery:
  steps:
    - title: Restart the billing run
review:
  last_reviewed: 2026-06-01
"""


def dependent(dep: str, rto: str, time: str | None = None, degraded: bool = False) -> str:
    """billing depending on *dep*; without *time* its own recovery time (so its estimate) is unknown."""
    return DEPENDENT.format(
        dep=f"{{{dep}, degraded: true}}" if degraded else dep,
        rto=rto,
        continuity=f"{{recovery_time: {time}}}" if time else "{}",
    )


@pytest.mark.parametrize(("degraded", "expected"), [(False, [(9, 8)]), (True, [])])
def test_dependency_longer_rto(check, degraded, expected):
    # billing (RTO 4h) depends on payroll (RTO 1d).
    result = check({"services/billing.yaml": dependent("service: payroll", "4h", degraded=degraded)})
    assert found(result) == [("services/billing.yaml", *w, "dependency-longer-rto") for w in expected]
    if expected:
        problem = one(result, "dependency-longer-rto")
        assert problem.severity is Severity.WARNING
        assert problem.path == "bia.rto"
        assert problem.message == "billing (RTO 4h) depends on payroll (RTO 1d)"
        assert "depends_on[0]" in problem.text


@pytest.mark.parametrize(("degraded", "expected"), [(False, [(9, 8)]), (True, [])])
def test_vendor_recovery_exceeds_rto(check, degraded, expected):
    # acme-cloud's contract commits to 2h; billing's RTO is 1h.
    result = check({"services/billing.yaml": dependent("vendor: acme-cloud", "1h", degraded=degraded)})
    assert found(result) == [("services/billing.yaml", *w, "vendor-recovery-exceeds-rto") for w in expected]
    if expected:
        problem = one(result, "vendor-recovery-exceeds-rto")
        assert problem.path == "bia.rto"
        assert "acme-cloud" in problem.message and "2h" in problem.message


@pytest.mark.parametrize(("degraded", "expected"), [(False, [(9, 8)]), (True, [])])
def test_estimate_exceeds_rto(check, degraded, expected):
    # 3h of its own after network's 1h is 4h, over the RTO of 3h; degraded, network does not count.
    result = check({"services/billing.yaml": dependent("service: network", "3h", "3h", degraded=degraded)})
    assert found(result) == [("services/billing.yaml", *w, "estimate-exceeds-rto") for w in expected]
    if expected:
        problem = one(result, "estimate-exceeds-rto")
        assert problem.path == "bia.rto"
        assert "4h" in problem.message and "3h" in problem.message


@pytest.mark.parametrize(("ledger_time", "expected"), [(None, []), ("0m", [(9, 8)])])
def test_an_unknown_estimate_never_warns(check, ledger_time, expected):
    # billing needs 4d of its own (over its RTO of 3d) after ledger; ledger without
    # recovery_time makes the estimate unknown, and an unknown estimate never warns.
    billing = """\
        id: billing
        name: Billing
        owner: jdoe
        depends_on: [{service: ledger}]
        continuity: {recovery_time: 4d}
        bia:
          mtpd: 1w
          rto: 3d
          rpo: 1d
        recovery:
          steps:
            - title: Restart the billing run
        review:
          last_reviewed: 2026-06-01
    """
    extra = f"continuity: {{recovery_time: {ledger_time}}}" if ledger_time else ""
    result = check({"services/billing.yaml": billing, "services/ledger.yaml": svc(id="ledger", extra=extra)})
    assert found(result) == [("services/billing.yaml", 8, 8, "estimate-exceeds-rto") for _ in expected]
    assert result.dataset is not None
    assert (result.dataset.facts["billing"].estimate is None) == (ledger_time is None)


@pytest.mark.parametrize("rto", ["1d", "3w"])
def test_tier_rto_mismatch(check, rto):
    # payroll given tier 1 (max_rto 4h); with RTO 3w the one warning is still this one.
    text = PAYROLL.replace("team: infra", "tier: 1").replace("  rto: 1d", f"  rto: {rto}")
    text = text.replace("  mtpd: 3d", "  mtpd: 4w").replace("financial: {1d: 2, 3d: 4}", "financial: {1d: 2}")
    result = check({"services/payroll.yaml": text})
    assert found(result) == [("services/payroll.yaml", 4, 7, "tier-rto-mismatch")]


def test_rto_exceeds_tiers(check):
    result = check({"services/billing.yaml": svc(mtpd="4w", rto="3w")})
    assert found(result) == [("services/billing.yaml", 7, 8, "rto-exceeds-tiers")]
    assert result.dataset is not None
    assert result.dataset.facts["billing"].tier.tier == 4


@pytest.mark.parametrize(("mtpd", "expected"), [("1w", [(7, 9)]), ("3d", [])])
def test_mtpd_exceeds_intolerable(check, mtpd, expected):
    # Operational impact reaches the intolerable level 4 at 3d.
    text = f"""\
        id: billing
        name: Billing
        owner: jdoe
        bia:
          impact:
            operational: {{1d: 3, 3d: 4}}
          mtpd: {mtpd}
          rto: 3d
          rpo: 1d
        recovery:
          steps:
            - title: Restart the billing run
        review:
          last_reviewed: 2026-06-01
    """
    result = check({"services/billing.yaml": text})
    assert found(result) == [("services/billing.yaml", *w, "mtpd-exceeds-intolerable") for w in expected]


@pytest.mark.parametrize(("rpo", "expected"), [("30m", [(16, 16)]), ("1h", [])])
def test_rpo_not_met(check, rpo, expected):
    # payroll's only backup runs every 1h: enough for an RPO of 1h, not of 30m.
    result = check({"services/payroll.yaml": PAYROLL.replace("  rpo: 4h", f"  rpo: {rpo}")})
    assert found(result) == [("services/payroll.yaml", *w, "rpo-not-met") for w in expected]
    if expected:
        assert one(result, "rpo-not-met").path == "backups[0].frequency"


def test_a_very_long_but_valid_frequency_is_judged_not_a_crash(check):
    # 200000000w is a duration by the format (an editor's slip); the check must still answer.
    text = PAYROLL.replace("    frequency: 1h", "    frequency: 200000000w")
    assert found(check({"services/payroll.yaml": text})) == [("services/payroll.yaml", 16, 16, "rpo-not-met")]


def test_no_offsite_backup(check):
    result = check({"services/payroll.yaml": PAYROLL.replace("    offsite: true", "    offsite: false")})
    assert found(result) == [("services/payroll.yaml", 15, 3, "no-offsite-backup")]


@pytest.mark.parametrize(
    ("recovery", "where"),
    [
        ("", (1, 5)),  # no recovery at all: a finding about the record, at its id
        ("recovery: {}", (4, 11)),
        ("recovery: {steps: []}", (4, 19)),
    ],
)
def test_no_recovery_steps(check, recovery, where):
    text = svc(extra=recovery).replace("recovery:\n  steps:\n    - title: Restart the service\n", "")
    result = check({"services/billing.yaml": text})
    assert found(result) == [("services/billing.yaml", *where, "no-recovery-steps")]


@pytest.mark.parametrize(
    ("reviewed", "expected"),
    [
        ("2025-11-26", []),  # 364 days ago: exactly the 52w review_interval, still in time
        ("2025-11-25", [(13, 18)]),  # 365 days ago: stale
    ],
)
def test_review_stale(check, reviewed, expected):
    result = check({"services/billing.yaml": svc(reviewed=reviewed)})
    assert found(result) == [("services/billing.yaml", *w, "review-stale") for w in expected]


def test_never_reviewed_is_stale_at_the_id(check):
    text = svc().replace("review:\n  last_reviewed: 2026-06-01\n", "")
    assert found(check({"services/billing.yaml": text})) == [("services/billing.yaml", 1, 5, "review-stale")]


TIER_1_AND_2_FLAGGED = [
    ("services/network.yaml", 1, 5, "not-exercised"),  # tier 1 (RTO 2h)
    ("services/payroll.yaml", 1, 5, "not-exercised"),  # tier 2 (RTO 1d)
]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"exercises/2026-05-failover.yaml": None}, TIER_1_AND_2_FLAGGED),
        # 364 days ago is within 52w; 365 days ago is not.
        (
            {
                "exercises/2026-05-failover.yaml": EXERCISE.format(
                    date="2025-11-26", outcome="outcome: passed"
                )
            },
            [],
        ),
        (
            {
                "exercises/2026-05-failover.yaml": EXERCISE.format(
                    date="2025-11-25", outcome="outcome: passed"
                )
            },
            TIER_1_AND_2_FLAGGED,
        ),
        # A scheduled exercise is not an exercise yet.
        (
            {"exercises/2026-05-failover.yaml": EXERCISE.format(date="2026-12-01", outcome="")},
            TIER_1_AND_2_FLAGGED,
        ),
    ],
    ids=["none", "364-days", "365-days", "scheduled"],
)
def test_not_exercised(check, changes, expected):
    assert found(check(changes)) == expected


@pytest.mark.parametrize(
    ("retest", "expected"),
    [
        (
            None,
            [
                ("services/network.yaml", 1, 5, "exercise-failed"),
                ("services/payroll.yaml", 1, 5, "exercise-failed"),
            ],
        ),
        ("2026-09-01", []),  # a later exercise passed
        (
            "2026-12-01",
            [
                ("services/network.yaml", 1, 5, "exercise-failed"),
                ("services/payroll.yaml", 1, 5, "exercise-failed"),
            ],
        ),
    ],
    ids=["failed", "passed-since", "retest-only-scheduled"],
)
def test_exercise_failed(check, retest, expected):
    changes = {
        "exercises/2026-05-failover.yaml": EXERCISE.format(date="2026-05-14", outcome="outcome: failed")
    }
    if retest is not None:
        outcome = "outcome: passed" if retest <= "2026-11-25" else ""
        changes["exercises/2026-09-retest.yaml"] = EXERCISE.format(date=retest, outcome=outcome).replace(
            "2026-05-failover", "2026-09-retest"
        )
    assert found(check(changes)) == expected


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (["payroll,payroll-db,2026-11-25T11:00:00Z,success"], []),  # exactly 1h ago: within 1h
        (["payroll,payroll-db,2026-11-25T10:59:00Z,success"], [(15, 11)]),  # 1h01m ago
        (["payroll,payroll-db,2026-11-25T11:30:00Z,failed"], [(15, 11)]),  # only a failure
        (["payroll,payroll-db,2026-11-25T10:00:00+01:00,success"], [(15, 11)]),  # 09:00Z, in another zone
    ],
    ids=["in-time", "late", "failed", "zone"],
)
def test_backup_evidence_stale(check, rows, expected):
    csv = "service,backup,finished_at,status\n" + "".join(r + "\n" for r in rows)
    result = check({"evidence/backups.csv": csv})
    assert found(result) == [("services/payroll.yaml", *w, "backup-evidence-stale") for w in expected]
    if expected:
        assert one(result, "backup-evidence-stale").path == "backups[0].name"


def test_without_the_evidence_file_nothing_warns_about_evidence(check):
    # Even a backup no evidence could vouch for: a new service with one.
    extra = "backups: [{name: ledger-db, frequency: 1h, offsite: true}]"
    assert found(check({"evidence/backups.csv": None, "services/billing.yaml": svc(extra=extra)})) == []


@pytest.mark.parametrize(
    ("due", "status", "expected"),
    [
        ("2026-11-24", "open", [(10, 10)]),
        ("2026-11-25", "open", []),  # due today: not yet overdue
        ("2026-11-24", "done", []),
    ],
)
def test_action_overdue(check, due, status, expected):
    text = f"""\
        id: 2026-05-failover
        title: Failover to Manchester
        date: 2026-05-14
        kind: walkthrough
        services: [payroll, network]
        outcome: passed
        actions:
          - title: Keep a second bank token in Manchester
            owner: jdoe
            due: {due}
            status: {status}
    """
    result = check({"exercises/2026-05-failover.yaml": text})
    assert found(result) == [("exercises/2026-05-failover.yaml", *w, "action-overdue") for w in expected]


@pytest.mark.parametrize(
    ("likelihood", "mitigations", "expected"),
    [
        (3, "", [(7, 16)]),  # 3 x 4 = 12, above the appetite of 9
        (3, "mitigations: []", [(7, 16)]),  # empty is no mitigation
        (3, "mitigations: [Sandbags]", []),
        (2, "", []),  # 2 x 4 = 8, within appetite
    ],
)
def test_risk_accepted_unmitigated(check, likelihood, mitigations, expected):
    text = f"""\
        risks:
          - id: flood-london
            title: Flooding of the London data centre
            likelihood: {likelihood}
            impact: 4
            affects: [{{site: dc-london}}]
            treatment: accept
            owner: jdoe
            {mitigations}
    """
    result = check({"risks.yaml": text})
    assert found(result) == [("risks.yaml", *w, "risk-accepted-unmitigated") for w in expected]


def test_warnings_are_warnings_and_errors_errors(check):
    # Each code's severity as codes.py declares it, on one variant of each kind.
    assert BY_CODE["dependency-longer-rto"].severity is Severity.WARNING
    warning = one(
        check({"services/billing.yaml": dependent("service: payroll", "4h")}), "dependency-longer-rto"
    )
    assert warning.severity is Severity.WARNING
    error = one(check({"services/billing.yaml": svc(rto="4 hours")}), "bad-duration")
    assert error.severity is Severity.ERROR


def test_warnings_wait_until_there_is_no_error(check):
    # An error anywhere (people.yaml) holds back payroll's stale review.
    text = PAYROLL.replace("  last_reviewed: 2026-06-01", "  last_reviewed: 2024-06-01")
    assert [f[3] for f in found(check({"services/payroll.yaml": text}))] == ["review-stale"]
    result = check({"services/payroll.yaml": text, "people.yaml": people(phone="0800123456")})
    assert found(result) == [("people.yaml", 9, 12, "unquoted-text")]
    assert result.dataset is None


# --- a whole run --------------------------------------------------------------------------------


def test_all_problems_of_a_run_are_reported_sorted_by_file_and_line(check):
    result = check(
        {
            "services/payroll.yaml": PAYROLL.replace("  rpo: 4h", "  rpo: 4 hours").replace(
                "name: Payroll", "name: no"
            ),
            "sites.yaml": SITES.format(id="Leeds"),
            "people.yaml": people(phone="0800123456"),
        }
    )
    assert found(result) == [
        ("people.yaml", 9, 12, "unquoted-text"),
        ("services/payroll.yaml", 2, 7, "unquoted-text"),
        ("services/payroll.yaml", 13, 8, "bad-duration"),
        ("sites.yaml", 8, 9, "bad-id"),
    ]
    assert all(p.file.is_absolute() for p in result.problems)


def test_the_message_form(check, tmp_path):
    # file:line:col: severity: path: message (hint), as editors and CI annotate.
    result = check({"services/billing.yaml": svc(owner="jdo")})
    line = one(result, "unknown-reference").format(tmp_path)
    assert (
        line == "data/services/billing.yaml:3:8: error: owner: no person or team 'jdo' (did you mean 'jdoe'?)"
    )


def test_now_is_the_clock_given(check):
    # The same stale-by-a-day review is fine one day earlier.
    # (without the evidence file, whose 11:00 run lies in the future of that clock.)
    changes = {"services/billing.yaml": svc(reviewed="2025-11-25"), "evidence/backups.csv": None}
    assert found(check(changes)) == [("services/billing.yaml", 13, 18, "review-stale")]
    assert found(check(changes, now=NOW - dt.timedelta(days=1))) == []
