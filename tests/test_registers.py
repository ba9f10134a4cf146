"""The register and reference pages (handbook.render.registers) on the small valid folder of
tests/conftest.py, clock pinned: the risk heat map and register, the BIA matrix, the glossary, the
field reference walked from the model, the problem codes, and what happens to hostile data text.

Expected values are worked out by hand from conftest's YAML, not read back from the code."""

from __future__ import annotations

import html
import re
import typing
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from pageview import view

from handbook import model
from handbook.check import CheckResult
from handbook.codes import CODES
from handbook.model import Record
from handbook.render import paths, registers
from handbook.render.common import GeneratedPage
from handbook.schema import SCHEMAS

from conftest import HANDBOOK, PAYROLL, RISKS, CheckFn

TIMES = "\N{MULTIPLICATION SIGN}"

# --- helpers ------------------------------------------------------------------------------------


def pages_of(result: CheckResult) -> dict[str, GeneratedPage]:
    assert result.dataset is not None, result.problems
    assert not result.errors, result.errors
    generated = registers.pages(result.dataset, result.warnings)
    return {page.path: page for page in generated}


def page(check: CheckFn, path: str, changes: dict[str, str | bytes | None] | None = None) -> str:
    return pages_of(check(changes))[path].content


def heat_cell(content: str, likelihood: int, impact: int) -> str:
    """The inside of the heat map's <td> for one likelihood and impact."""
    found = re.search(rf'<td id="heat_{likelihood}_{impact}"[^>]*>(.*?)</td>', content)
    assert found, f"no heat map cell {likelihood} x {impact}"
    return found.group(1)


def heat_cell_classes(content: str, likelihood: int, impact: int) -> set[str]:
    found = re.search(rf'<td id="heat_{likelihood}_{impact}" class="([^"]*)"', content)
    assert found
    return set(found.group(1).split())


def section(content: str, heading: str, level: int = 3) -> str:
    """From a heading (its text, before any { #id }) to the next heading of the same or a higher level."""
    marks = "#" * level
    lines = content.splitlines()
    start = next(
        i for i, line in enumerate(lines) if re.match(rf"{marks} {re.escape(heading)}( \{{|$)", line)
    )
    end = next(
        (i for i in range(start + 1, len(lines)) if re.match(rf"#{{1,{level}}} ", lines[i])),
        len(lines),
    )
    return "\n".join(lines[start:end])


def file_section(content: str, kind: str) -> str:
    """The field reference's section of one kind of file, found by its anchor."""
    lines = content.splitlines()
    start = next(
        i for i, line in enumerate(lines) if line.startswith("## ") and line.endswith(f"{{ #file-{kind} }}")
    )
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return "\n".join(lines[start:end])


def to_html(content: str) -> str:
    """The page as MkDocs turns it into HTML, with the site's Markdown extensions."""
    return markdown.markdown(content, extensions=["admonition", "attr_list", "tables", "toc"])


def risk_yaml(**fields: str) -> str:
    """risks.yaml with the fixture risk's fields replaced (values are YAML as written)."""
    text = RISKS
    for key, value in fields.items():
        text, count = re.subn(rf"^(    {key}:) .*$", rf"\1 {value}", text, flags=re.M)
        assert count == 1, key
    return text


# --- the pages ----------------------------------------------------------------------------------


def test_pages_are_generated_at_their_paths_with_their_edit_sources(check: CheckFn) -> None:
    result = check()
    generated = pages_of(result)
    assert list(generated) == [paths.RISKS, paths.BIA, paths.GLOSSARY, paths.FIELDS, paths.PROBLEM_CODES]
    root = result.dataset.root if result.dataset else Path()
    assert generated[paths.RISKS].source == root / "risks.yaml"
    assert generated[paths.GLOSSARY].source == root / "handbook.yaml"
    assert generated[paths.BIA].source is None
    assert generated[paths.FIELDS].source is None
    assert generated[paths.PROBLEM_CODES].source is None


def test_pages_are_the_same_on_every_build(check: CheckFn) -> None:
    first = {p: g.content for p, g in pages_of(check()).items()}
    second = {p: g.content for p, g in pages_of(check()).items()}
    assert first == second


def test_without_a_risks_file_the_register_is_empty_and_has_no_edit_source(check: CheckFn) -> None:
    generated = pages_of(check({"risks.yaml": None}))
    register = generated[paths.RISKS]
    assert register.source is None
    assert "0 risks, 0 above appetite" in register.content
    assert "The register holds no risks yet" in register.content
    assert "0 risks" in heat_cell(register.content, 2, 4)


# --- risk register ------------------------------------------------------------------------------


def test_heat_map_cell_holds_the_fixture_risk_and_its_count(check: CheckFn) -> None:
    content = page(check, paths.RISKS)
    cell = heat_cell(content, 2, 4)
    assert '<a href="#flood-london" title="Flooding of the London data centre">flood-london</a>' in cell
    assert '<span class="hb-heat-count">1 risk</span>' in cell
    assert "score 8" in cell
    assert "above appetite" not in cell  # 8 is within the default appetite of 9
    assert "hb-heat-medium" in heat_cell_classes(content, 2, 4)
    # Every other cell is empty, and says so with its count.
    for likelihood in range(1, 6):
        for impact in range(1, 6):
            if (likelihood, impact) != (2, 4):
                assert "0 risks" in heat_cell(content, likelihood, impact)
                assert "<a " not in heat_cell(content, likelihood, impact)


def test_heat_map_is_an_html_table_with_named_axes_likelihood_5_first(check: CheckFn) -> None:
    content = page(check, paths.RISKS)
    table = content[content.index('<table class="hb-heat">') : content.index("</table>") + len("</table>")]
    # Likelihood rows from 5 down to 1, impact columns 1 to 5.
    order = [(int(m[0]), int(m[1])) for m in re.findall(r'<td id="heat_(\d)_(\d)"', table)]
    assert order == [(lk, im) for lk in range(5, 0, -1) for im in range(1, 6)]
    for label in (
        "1 Insignificant",
        "3 Moderate",
        "5 Catastrophic",
        "5 Almost certain",
        "2 Unlikely",
        "1 Rare",
    ):
        assert f">{label}</th>" in table
    assert ">Likelihood</th>" in table and ">Impact</th>" in table
    # A raw HTML block: a blank line must follow it, and no line inside may be blank.
    assert "\n\n" not in table
    assert content[content.index("</table>") :].startswith("</table>\n\n")
    # Scores and bands: above the appetite of 9 is high and said in words; 5..9 medium; up to 4 low.
    assert "score 25" in heat_cell(content, 5, 5)
    assert "above appetite" in heat_cell(content, 2, 5)  # 10
    assert "hb-heat-high" in heat_cell_classes(content, 2, 5)
    assert "above appetite" not in heat_cell(content, 3, 3)  # 9: at the appetite, not above
    assert "hb-heat-medium" in heat_cell_classes(content, 3, 3)
    assert "hb-heat-low" in heat_cell_classes(content, 2, 2)
    # MkDocs renders it as a table, the links staying on the page.
    rendered = to_html(content)
    assert '<table class="hb-heat">' in rendered
    assert '<a href="#flood-london" title=' in rendered


def test_a_risk_above_appetite_is_said_above_appetite_in_words(check: CheckFn) -> None:
    content = page(check, paths.RISKS, {"risks.yaml": risk_yaml(likelihood="4", impact="5")})
    cell = heat_cell(content, 4, 5)
    assert 'href="#flood-london"' in cell
    assert "above appetite" in cell
    assert "1 risk" in cell
    assert "0 risks" in heat_cell(content, 2, 4)
    risk = view(section(content, "Flooding of the London data centre"))
    assert f"| **Score** | 4 {TIMES} 5 = **20** ·" in risk
    assert ">above appetite</span> (appetite 9)" in risk
    assert "| **Likelihood** | Likely (4) |" in risk
    assert "| **Impact** | Catastrophic (5) |" in risk
    assert "1 risks, 1 above appetite" not in content and "1 risk, 1 above appetite" in content


def test_the_appetite_comes_from_handbook_yaml(check: CheckFn) -> None:
    content = page(check, paths.RISKS, {"handbook.yaml": HANDBOOK + "risk:\n  appetite: 6\n"})
    assert "above appetite" in heat_cell(content, 2, 4)  # 8 > 6
    assert ">above appetite</span> (appetite 6)" in section(content, "Flooding of the London data centre")


def test_risk_section_shows_every_fact_of_the_risk(check: CheckFn) -> None:
    content = page(check, paths.RISKS)
    risk = view(section(content, "Flooding of the London data centre"))
    assert risk.startswith("### Flooding of the London data centre { #flood-london }")
    assert f"| **Score** | 2 {TIMES} 4 = **8** ·" in risk
    assert ">within appetite</span> (appetite 9)" in risk
    assert "| **Likelihood** | Unlikely (2) |" in risk
    assert "| **Impact** | Major (4) |" in risk
    assert "| **Category** | — |" in risk  # the fixture gives none
    assert "| **Treatment** | mitigate |" in risk
    assert "| **Owner** | [Jane Doe](contacts.html#jdoe)" in risk
    assert "| **Affects** | site [London data centre](sites/dc-london.html) |" in risk
    assert "- Replication to Manchester" in risk


def test_risk_section_links_what_it_affects_and_its_plan_health_warning(check: CheckFn) -> None:
    risks = """\
    risks:
      - id: carrier
        title: Carrier outage
        category: supplier
        likelihood: 5
        impact: 5
        affects: [{vendor: acme-cloud}, {service: payroll}]
        treatment: accept
    """
    content = page(check, paths.RISKS, {"risks.yaml": risks})
    risk = view(section(content, "Carrier outage"))
    assert "| **Category** | supplier |" in risk
    assert "vendor [Acme Cloud](vendors/acme-cloud.html), service [Payroll](services/payroll.html)" in risk
    assert "No mitigations recorded." in risk
    assert "| **Warnings** | treatment: risk scoring 5 x 5 = 25, above the appetite of 9, is accepted" in risk
    assert "([plan health](plan-health.html))" in risk


def test_risks_are_sorted_by_score_then_id(check: CheckFn) -> None:
    risks = RISKS + "".join(
        f"""\
  - id: {rid}
    title: Risk {rid}
    likelihood: {likelihood}
    impact: {impact}
"""
        for rid, likelihood, impact in [("b-low", 1, 1), ("z-high", 5, 5), ("a-mid", 4, 2), ("c-mid", 2, 4)]
    )
    content = page(check, paths.RISKS, {"risks.yaml": risks})
    order = re.findall(r"^### .* \{ #([a-z0-9-]+) \}$", content, re.M)
    assert order == ["z-high", "a-mid", "c-mid", "flood-london", "b-low"]
    # In a cell, by id.
    cell = heat_cell(content, 2, 4)
    assert cell.index("#c-mid") < cell.index("#flood-london")
    assert "2 risks" in cell


def test_no_risk_id_can_clash_with_the_pages_own_anchors(check: CheckFn) -> None:
    risks = RISKS + "".join(
        f"  - id: {rid}\n    title: Risk {rid}\n    likelihood: 2\n    impact: 4\n"
        for rid in ("heat-map", "risks", "heat-2-4")
    )
    rendered = to_html(page(check, paths.RISKS, {"risks.yaml": risks}))
    ids = re.findall(r' id="([^"]+)"', rendered)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for rid in ("heat-map", "risks", "heat-2-4", "flood-london"):
        assert f'<h3 id="{rid}">' in rendered
    assert '<td id="heat_2_4"' in rendered


# --- BIA matrix ---------------------------------------------------------------------------------

# Worked out by hand from conftest (intervals 1h, 4h, 1d, 3d, 1w; levels 0 None .. 4 Severe):
# network: operational {1h: 3, 4h: 4} -> 3, 4, then 4 carried forward; financial not given -> 0.
# payroll: financial {1d: 2, 3d: 4} -> 0 before 1d, 2, 4, 4 carried; operational not given -> 0.
NETWORK_WORST = [(3, "Major"), (4, "Severe"), (4, "Severe"), (4, "Severe"), (4, "Severe")]
PAYROLL_WORST = [(0, "None"), (0, "None"), (2, "Moderate"), (4, "Severe"), (4, "Severe")]


def bia_row(content: str, name: str) -> list[str]:
    line = next(line for line in view(content).splitlines() if line.startswith(f"| [{name}]("))
    return [cell.strip() for cell in line.strip("|").split("|")]


def levels(cells: list[str]) -> list[tuple[int, str]]:
    out = []
    for cell in cells:
        found = re.fullmatch(r'<span class="hb-level hb-level-(\d+)">(\d+) (.+)</span>', cell)
        assert found, cell
        assert found.group(1) == found.group(2)
        out.append((int(found.group(2)), found.group(3)))
    return out


def test_bia_matrix_shows_the_worst_level_per_interval(check: CheckFn) -> None:
    content = page(check, paths.BIA)
    assert "| Service | Tier | RTO | MTPD | 1h | 4h | 1d | 3d | 1w |" in view(content)
    network = bia_row(content, "Core network")
    assert network[0] == "[Core network](services/network.html)"
    assert network[1:4] == ["1", "2h", "4h"]
    assert levels(network[4:]) == NETWORK_WORST
    payroll = bia_row(content, "Payroll")
    assert payroll[0] == "[Payroll](services/payroll.html)"
    assert payroll[1:4] == ["2", "1d", "3d"]
    assert levels(payroll[4:]) == PAYROLL_WORST


def test_bia_worst_level_takes_the_highest_category_at_each_interval(check: CheckFn) -> None:
    both = PAYROLL.replace(
        "    financial: {1d: 2, 3d: 4}\n", "    financial: {1d: 2, 3d: 4}\n    operational: {1h: 1, 4h: 3}\n"
    )
    content = page(check, paths.BIA, {"services/payroll.yaml": both})
    assert levels(bia_row(content, "Payroll")[4:]) == [
        (1, "Minor"),
        (3, "Major"),
        (3, "Major"),
        (4, "Severe"),
        (4, "Severe"),
    ]


def test_bia_rows_are_sorted_by_tier_then_rto_then_name(check: CheckFn) -> None:
    def service(sid: str, name: str, rto: str) -> str:
        return f"id: {sid}\nname: {name}\nowner: jdoe\nbia:\n  mtpd: 3w\n  rto: {rto}\n  rpo: 1h\n"

    content = page(
        check,
        paths.BIA,
        {
            "services/zz-arrivals.yaml": service("zz-arrivals", "Arrivals board", "2h"),
            "services/aa-zeta.yaml": service("aa-zeta", "Zeta", "1h"),
            "services/archive.yaml": service("archive", "Archive", "2w"),
        },
    )
    names = re.findall(r"^\| \[([^\]]+)\]\(services/", view(content), re.M)
    # Tier 1: Zeta (1h), then Arrivals board and Core network (2h, by name); tier 2: Payroll; tier 4.
    assert names == ["Zeta", "Arrivals board", "Core network", "Payroll", "Archive"]


def test_bia_matrix_has_a_legend_of_the_levels(check: CheckFn) -> None:
    described = HANDBOOK.replace("{level: 4, name: Severe}", "{level: 4, name: Severe, description: Ruinous}")
    content = page(check, paths.BIA, {"handbook.yaml": described})
    legend = view(section(content, "Impact levels", level=2))
    assert '| <span class="hb-level hb-level-4">4 Severe</span> | Ruinous |' in legend
    assert '| <span class="hb-level hb-level-0">0 None</span> | — |' in legend
    assert "From\nlevel 4 (Severe) a disruption is intolerable" in content


def test_worst_levels_carry_forward(check: CheckFn) -> None:
    data = check().dataset
    assert data is not None
    assert registers.worst_levels(data, data.services["network"]) == [3, 4, 4, 4, 4]
    assert registers.worst_levels(data, data.services["payroll"]) == [0, 0, 2, 4, 4]


# --- glossary -----------------------------------------------------------------------------------


def test_glossary_lists_every_tier_with_its_max_rto(check: CheckFn) -> None:
    content = page(check, paths.GLOSSARY)
    tiers = section(content, "Tiers")
    for row in (
        "| 1 | Mission critical | 4h |",
        "| 2 | Business critical | 1d |",
        "| 3 | Business operational | 3d |",
        "| 4 | Administrative | 2w |",
    ):
        assert row in tiers


def test_glossary_defines_the_terms_and_shows_the_configured_scales(check: CheckFn) -> None:
    content = page(check, paths.GLOSSARY)
    for anchor in (
        "bia",
        "mtpd",
        "rto",
        "rpo",
        "mbco",
        "estimated-recovery",
        "tier",
        "degraded",
        "exercise-kinds",
    ):
        assert f"{{ #{anchor} }}" in content
    for kind in typing.get_args(model.ExerciseKind):
        assert f"| <code>{html.escape(kind).replace('-', '-')}</code> |" in content
    assert "| Operational | <code>operational</code> |" in content
    assert "| 4 | Severe | — |" in content
    assert "From level 4 (Severe) a disruption is intolerable" in content
    assert "1h, 4h, 1d, 3d, 1w." in content
    scales = section(content, "Risk scales")
    assert "| 1 | Rare | Insignificant |" in scales
    assert "| 5 | Almost certain | Catastrophic |" in scales
    assert "The risk appetite is\n9" in scales
    cycle = section(content, "Review and exercise cycle")
    assert "| <code>review_interval</code> | 52w |" in cycle
    assert "| <code>exercise_interval</code> | 52w |" in cycle
    assert "| <code>copy_warning_after</code> | 30d |" in cycle


def test_every_exercise_kind_has_words_in_the_glossary() -> None:
    assert [kind for kind, _ in registers.exercise_kinds()] == list(typing.get_args(model.ExerciseKind))


# --- field reference ----------------------------------------------------------------------------


def records_in(hint: object) -> list[type[Record]]:
    """Record classes inside a type hint (through Optional, tuple, dict, Annotated)."""
    if isinstance(hint, type) and issubclass(hint, Record):
        return [hint]
    return [cls for arg in typing.get_args(hint) for cls in records_in(arg)]


def reachable(root: type[Record]) -> list[type[Record]]:
    seen: list[type[Record]] = []
    todo = [root]
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.append(cls)
        for hint in typing.get_type_hints(cls).values():
            todo.extend(records_in(hint))
    return seen


def field_tables(text: str) -> list[tuple[str, ...]]:
    """The field names of each table of a section, in order."""
    tables = []
    for part in re.split(r"^### ", html.unescape(text), flags=re.M)[1:]:
        tables.append(tuple(re.findall(r"^\| <code>([^<]+)</code> \|", part, re.M)))
    return tables


def test_field_reference_lists_every_field_of_every_model_in_its_file_section(check: CheckFn) -> None:
    content = page(check, paths.FIELDS)
    covered: set[type[Record]] = set()
    for kind, (root, where) in SCHEMAS.items():
        text = file_section(content, kind)
        assert html.unescape(text.splitlines()[0]) == f"## {where} {{ #file-{kind} }}"
        tables = field_tables(text)
        for cls in reachable(root):
            covered.add(cls)
            # A table of the section lists exactly this record's fields, in the model's order.
            assert tuple(cls.model_fields) in tables, (where, cls.__name__)
    every = {
        obj
        for obj in vars(model).values()
        if isinstance(obj, type) and issubclass(obj, Record) and obj.model_fields
    }
    assert every <= covered, sorted(c.__name__ for c in every - covered)


def field_row(content: str, kind: str, name: str) -> list[str]:
    """The cells of a field's row, as text: split before unescaping, as Markdown splits them."""
    for line in file_section(content, kind).splitlines():
        cells = [html.unescape(cell.strip()) for cell in line.strip("|").split("|")]
        if cells[0] == f"<code>{name}</code>":
            return cells
    raise AssertionError(f"no field {name} in {kind}")


def test_field_reference_says_types_in_editor_words(check: CheckFn) -> None:
    content = page(check, paths.FIELDS)
    services = "service"
    rpo = field_row(content, services, "rpo")
    assert rpo[1:3] == ["duration (0m allowed)", "required"]
    assert rpo[3].startswith("Recovery point objective")
    assert field_row(content, services, "rto")[1:3] == ["duration", "required"]
    assert field_row(content, services, "mbco")[1:3] == ["markdown", "optional"]
    assert field_row(content, services, "owner")[1:3] == ["id", "required"]
    assert field_row(content, services, "degraded")[1:3] == ["true/false", "default false"]
    assert field_row(content, services, "restore_tested")[1] == "date"
    assert field_row(content, services, "tier")[1] == "whole number, above 0"
    assert field_row(content, services, "strategy")[1].startswith("one of active-active | hot-standby | ")
    assert field_row(content, services, "depends_on")[1] == (
        "list of references: [depends_on[]](fields.md#fields-service-depends-on)"
    )
    assert field_row(content, services, "bia")[1] == "record: [bia](fields.md#fields-service-bia)"
    assert (
        field_row(content, services, "impact")[1]
        == "mapping of text to (mapping of duration to whole number)"
    )
    assert "{ #fields-service-recovery-steps }" in content
    handbook = "handbook"
    assert field_row(content, handbook, "review_interval")[1:3] == ["duration", "default 52w"]
    assert field_row(content, handbook, "title")[2] == "default IT Service Continuity Handbook"
    assert field_row(content, handbook, "appetite")[1:3] == ["whole number, 1 to 25", "default 9"]
    assert field_row(content, "risks", "site")[2] == "exactly one of service, site, vendor"
    exercises = "exercise"
    assert field_row(content, exercises, "services")[1:3] == ["list of ids, at least 1", "required"]
    assert field_row(content, exercises, "achieved")[1] == "mapping of id to duration (0m allowed)"


def test_field_reference_links_resolve_within_the_page(check: CheckFn) -> None:
    content = page(check, paths.FIELDS)
    anchors = set(re.findall(r"\{ #([a-z0-9-]+) \}", content))
    for target in re.findall(r"\]\(fields\.md#([a-z0-9-]+)\)", content):
        assert target in anchors


def test_a_type_the_reference_cannot_name_is_an_error() -> None:
    with pytest.raises(TypeError, match="no editor words"):
        registers._describe(complex)


# --- problem codes ------------------------------------------------------------------------------


def test_problem_codes_page_lists_every_code(check: CheckFn) -> None:
    content = page(check, paths.PROBLEM_CODES)
    assert content.startswith("# Problem codes\n")
    for code in CODES:
        assert f"| `{code.code}` | {code.severity} |" in content
    assert "[field reference](fields.md)" in content


# --- hostile data text --------------------------------------------------------------------------


class _ElementList(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def _elements(markup: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _ElementList()
    parser.feed(markup)
    parser.close()
    return parser.found


def test_risk_text_is_shown_escaped_never_as_html_markdown_or_template(check: CheckFn) -> None:
    risks = risk_yaml(
        title="<img src=x onerror=alert(1)>", mitigations='["{{ 7*7 }}", "*bold* [x](javascript:y)"]'
    )
    content = page(check, paths.RISKS, {"risks.yaml": risks})
    assert "<img" not in content
    assert "49" not in content
    assert "&#60;img src=x onerror=alert(1)&#62;" in content
    assert "- &#123;&#123; 7&#42;7 &#125;&#125;" in view(content)
    rendered = to_html(content)
    # Inside a quoted attribute (the heat map's hover title) "<img" is text, not an element:
    # judge the parsed document, not the string.
    elements = _elements(rendered)
    assert not [tag for tag, _ in elements if tag == "img"]
    assert not [name for _, attrs in elements for name in attrs if name.startswith("on")]
    assert 'href="javascript' not in rendered
    assert "<em>bold</em>" not in rendered
    # Shown as written, in the heat map, the heading and the mitigation list.
    text = html.unescape(rendered)
    assert text.count("<img src=x onerror=alert(1)>") >= 2
    assert "{{ 7*7 }}" in text
    assert "*bold* [x](javascript:y)" in text
