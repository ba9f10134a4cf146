"""The handbook's registers and reference pages: the risk register with its heat map, the BIA matrix
of every service, the glossary of terms and configured scales, and the editors' field reference and
problem codes, generated from the model and the code table so they never drift from the checker."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal, Union, get_args, get_origin

import annotated_types
from markupsafe import Markup
from pydantic.fields import FieldInfo

from handbook import model
from handbook.dataset import Dataset
from handbook.durations import Duration
from handbook.model import ExerciseKind, Record, Risk, Service
from handbook.problems import Problem
from handbook.reference import render_problem_codes
from handbook.render import paths
from handbook.render.common import Contact, GeneratedPage, contact, level_name
from handbook.render.environment import render
from handbook.schema import SCHEMAS
from handbook.structure import format_path

# --- risk register -------------------------------------------------------------------------------

Band = Literal["low", "medium", "high"]


def band(score: int, appetite: int) -> Band:
    """A score's colour band: high above the appetite, medium in its upper half, low below."""
    if score > appetite:
        return "high"
    return "medium" if score * 2 > appetite else "low"


@dataclass(frozen=True)
class HeatRisk:
    id: str
    title: str


@dataclass(frozen=True)
class HeatCell:
    id: Markup  # heat_<likelihood>_<impact>: an underscore no record id has, so no risk's anchor clashes
    likelihood: int
    impact: int
    score: int
    band: Band
    above: bool
    risks: tuple[HeatRisk, ...]

    @property
    def count(self) -> str:
        return f"{len(self.risks)} risk" + ("" if len(self.risks) == 1 else "s")


@dataclass(frozen=True)
class HeatRow:
    likelihood: int
    name: str
    cells: tuple[HeatCell, ...]


@dataclass(frozen=True)
class Affected:
    kind: str
    name: str
    link: Markup


@dataclass(frozen=True)
class RiskView:
    risk: Risk
    likelihood_name: str
    impact_name: str
    above: bool
    owner: Contact | None
    affects: tuple[Affected, ...]
    warnings: tuple[str, ...]


def _sorted_risks(data: Dataset) -> list[Risk]:
    return sorted(data.risks, key=lambda r: (-r.score, r.id))


def heat_map(data: Dataset) -> list[HeatRow]:
    """Likelihood rows from 5 down to 1, impact columns 1 to 5; in each cell its risks by id."""
    scale = data.handbook.risk
    by_cell: dict[tuple[int, int], list[Risk]] = {}
    for risk in data.risks:
        by_cell.setdefault((risk.likelihood, risk.impact), []).append(risk)
    rows = []
    for likelihood in range(5, 0, -1):
        cells = []
        for impact in range(1, 6):
            score = likelihood * impact
            found = sorted(by_cell.get((likelihood, impact), []), key=lambda r: r.id)
            cells.append(
                HeatCell(
                    Markup(f"heat_{likelihood}_{impact}"),
                    likelihood,
                    impact,
                    score,
                    band(score, scale.appetite),
                    score > scale.appetite,
                    tuple(HeatRisk(r.id, r.title) for r in found),
                )
            )
        rows.append(HeatRow(likelihood, scale.likelihood[likelihood - 1], tuple(cells)))
    return rows


def _affected(data: Dataset, risk: Risk, page: str) -> tuple[Affected, ...]:
    records: dict[str, Mapping[str, Any]] = {
        "service": data.services,
        "site": data.sites,
        "vendor": data.vendors,
    }
    found = []
    for ref in risk.affects:
        place = records[ref.kind].get(ref.id)
        name = place.name if place is not None else ref.id
        found.append(Affected(ref.kind, name, paths.html_link(page, paths.of(ref.kind, ref.id))))
    return tuple(found)


def _risk_warnings(data: Dataset, risk: Risk, warnings: list[Problem]) -> tuple[str, ...]:
    """The plan-health findings about one risk (those in its file under its own path), each said
    from the risk's point of view: ``treatment: ...`` rather than ``risks[3].treatment: ...``."""
    if risk._node is None:
        return ()
    prefix = format_path(risk._path)
    found = []
    for w in sorted(warnings, key=Problem.sort_key):
        if w.file != risk._node.file or not (
            w.path == prefix or w.path.startswith((prefix + ".", prefix + "["))
        ):
            continue
        field = w.path[len(prefix) :].lstrip(".")
        found.append((f"{field}: " if field else "") + w.message + (f" ({w.hint})" if w.hint else ""))
    return tuple(found)


def risks_page(data: Dataset, warnings: list[Problem]) -> str:
    page = paths.RISKS
    scale = data.handbook.risk
    views = [
        RiskView(
            risk,
            scale.likelihood[risk.likelihood - 1],
            scale.impact[risk.impact - 1],
            risk.score > scale.appetite,
            contact(data, risk.owner, page),
            _affected(data, risk, page),
            _risk_warnings(data, risk, warnings),
        )
        for risk in _sorted_risks(data)
    ]
    appetite = scale.appetite
    return render(
        "risks.md.j2",
        rows=heat_map(data),
        impact_names=[(n, scale.impact[n - 1]) for n in range(1, 6)],
        appetite=appetite,
        medium_from=appetite // 2 + 1,
        risks=views,
        above=sum(1 for v in views if v.above),
        glossary_link=paths.html_link(page, paths.GLOSSARY, "risk-scales"),
        health_link=paths.html_link(page, paths.HEALTH),
    )


# --- BIA matrix ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelCell:
    level: int
    name: str


@dataclass(frozen=True)
class BiaRow:
    service: Service
    link: Markup
    tier: int
    tier_name: str
    cells: tuple[LevelCell, ...]


def worst_levels(data: Dataset, service: Service) -> list[int]:
    """At each configured interval, the highest level among the categories. Per category, before
    its first interval the level is 0 and omitted intervals carry the last level forward."""
    worst = [0] * len(data.handbook.impact.intervals)
    for category in data.handbook.impact.categories:
        given = service.bia.impact.get(category.id, {})
        level = 0
        for i, interval in enumerate(data.handbook.impact.intervals):
            level = given.get(interval, level)
            worst[i] = max(worst[i], level)
    return worst


def bia_rows(data: Dataset, page: str = paths.BIA) -> list[BiaRow]:
    def key(service: Service) -> tuple[int, Duration, str, str]:
        return (data.facts[service.id].tier.tier, service.bia.rto, service.name.lower(), service.id)

    rows = []
    for service in sorted(data.services.values(), key=key):
        tier = data.facts[service.id].tier
        cells = tuple(LevelCell(level, level_name(data, level)) for level in worst_levels(data, service))
        rows.append(
            BiaRow(service, paths.html_link(page, paths.service(service.id)), tier.tier, tier.name, cells)
        )
    return rows


def _intolerable(data: Dataset) -> LevelCell:
    scale = data.handbook.impact
    level = scale.intolerable if scale.intolerable is not None else scale.levels[-1].level
    return LevelCell(level, level_name(data, level))


def bia_page(data: Dataset) -> str:
    page = paths.BIA
    scale = data.handbook.impact
    return render(
        "bia.md.j2",
        intervals=scale.intervals,
        categories=[c.name for c in scale.categories],
        levels=[{"cell": LevelCell(lv.level, lv.name), "description": lv.description} for lv in scale.levels],
        intolerable=_intolerable(data),
        rows=bia_rows(data, page),
        glossary_link=paths.html_link(page, paths.GLOSSARY),
    )


# --- glossary ------------------------------------------------------------------------------------

# Each kind of exercise the data format knows, in words; a kind added to the model without words
# here fails the glossary (and its test) rather than going unexplained.
EXERCISE_KINDS: Final[dict[str, str]] = {
    "walkthrough": "The people who would carry out a plan read it through together, step by step, "
    "looking for gaps, wrong numbers and outdated names. Nothing is touched.",
    "tabletop": "A facilitator plays out a scenario in a meeting room, one development at a time, and the "
    "team talks through its decisions. Systems are not touched.",
    "simulation": "A realistic rehearsal with time pressure: people act as they would in an incident, using "
    "the real call trees and tools, but production keeps running.",
    "parallel": "The service is brought up at the alternate site or from backups alongside production, "
    "and its results are compared; live users stay on production.",
    "full-interruption": "Production is really switched off and the plan is followed for real: the "
    "strongest evidence, and the riskiest test.",
    "component": "One part of a plan is tested on its own: a test restore of one backup, a generator run, "
    "a failover of one database.",
}


def exercise_kinds() -> list[tuple[str, str]]:
    kinds = get_args(ExerciseKind)
    missing = [k for k in kinds if k not in EXERCISE_KINDS]
    if missing:
        raise KeyError(f"exercise kinds without a glossary entry: {', '.join(missing)}")
    return [(kind, EXERCISE_KINDS[kind]) for kind in kinds]


def glossary_page(data: Dataset) -> str:
    page = paths.GLOSSARY
    handbook = data.handbook
    return render(
        "glossary.md.j2",
        handbook=handbook,
        exercise_kinds=exercise_kinds(),
        intolerable=_intolerable(data),
        risk_values=[
            (n, likelihood, impact)
            for n, (likelihood, impact) in enumerate(
                zip(handbook.risk.likelihood, handbook.risk.impact, strict=True), 1
            )
        ],
        bia_link=paths.link(page, paths.BIA),
        risks_link=paths.link(page, paths.RISKS),
        health_link=paths.link(page, paths.HEALTH),
    )


# --- field reference -----------------------------------------------------------------------------

# The model's scalar types in the words the data format uses. Compared by equality: each is one
# Annotated alias of handbook.model, so a new scalar type must be named here (a test walks them all).
_SCALARS: Final[tuple[tuple[object, str], ...]] = (
    (model.Id, "id"),
    (model.Text, "text"),
    (model.Markdown, "markdown"),
    (model.PositiveDuration, "duration"),
    (model.ImpactKey, "duration"),
    (model.Duration0, "duration (0m allowed)"),
    (model.Date, "date"),
    (model.Int, "whole number"),
    (model.Level, "whole number"),
    (model.Bool, "true/false"),
    (str, "text"),
)
_PLURALS: Final = {"id": "ids", "reference": "references", "record": "records"}


@dataclass(frozen=True)
class Nested:
    """A record inside a record: the path suffix of its table (``[]`` for list items)."""

    cls: type[Record]
    suffix: str


@dataclass(frozen=True)
class TableLink:
    label: str
    link: Markup


@dataclass(frozen=True)
class FieldRow:
    name: str
    type: str
    see: TableLink | None
    required: str
    description: str


@dataclass(frozen=True)
class FieldTable:
    title: str  # the record's path in the file: "bia", "recovery.steps[]"; "" for the top level
    anchor: str
    record: str  # the model class, for readers of the code
    note: str
    rows: tuple[FieldRow, ...]


@dataclass(frozen=True)
class FileSection:
    file: str
    anchor: str
    tables: tuple[FieldTable, ...]


def _describe(hint: Any) -> tuple[str, Nested | None]:
    """A type hint of the model in editor words, and the record it holds, if any."""
    if get_origin(hint) in (Union, types.UnionType):
        members = [a for a in get_args(hint) if a is not type(None)]
        if len(members) != 1:
            raise TypeError(f"no editor words for the union {hint!r}")
        return _describe(members[0])
    origin = get_origin(hint)
    if origin is tuple:
        word, nested = _describe(get_args(hint)[0])
        nested = Nested(nested.cls, "[]" + nested.suffix) if nested else None
        return "list of " + _PLURALS.get(word, word), nested
    if origin is dict:
        key, value = get_args(hint)
        key_word, _ = _describe(key)
        value_word, nested = _describe(value)
        if nested is not None:
            raise TypeError(f"no editor words for a mapping of records {hint!r}")
        value_word = f"({value_word})" if value_word.startswith("mapping") else value_word
        return f"mapping of {key_word} to {value_word}", None
    if origin is Literal:
        return "one of " + " | ".join(str(a) for a in get_args(hint)), None
    if isinstance(hint, type) and issubclass(hint, Record):
        is_reference = issubclass(hint, model.Reference | model.PlaceReference)
        return ("reference" if is_reference else "record"), Nested(hint, "")
    for alias, word in _SCALARS:
        if hint == alias:
            return word, None
    raise TypeError(f"no editor words for {hint!r}: name it in handbook.render.registers._SCALARS")


def _constraints(info: FieldInfo) -> str:
    found: dict[str, object] = {}
    for item in info.metadata:
        for name in ("gt", "ge", "le", "lt", "min_length", "max_length"):
            if isinstance(item, annotated_types.BaseMetadata) and hasattr(item, name):
                found[name] = getattr(item, name)
    parts = []
    if "ge" in found and "le" in found:
        parts.append(f"{found['ge']} to {found['le']}")
    elif "ge" in found:
        parts.append(f"at least {found['ge']}")
    elif "le" in found:
        parts.append(f"at most {found['le']}")
    if "gt" in found:
        parts.append(f"above {found['gt']}")
    if "lt" in found:
        parts.append(f"below {found['lt']}")
    if "min_length" in found and found.get("min_length") == found.get("max_length"):
        parts.append(f"exactly {found['min_length']}")
    else:
        if "min_length" in found:
            parts.append(f"at least {found['min_length']}")
        if "max_length" in found:
            parts.append(f"at most {found['max_length']}")
    return ", ".join(parts)


def _as_yaml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_as_yaml(v) for v in value) + "]"
    return str(value)


def _required(info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    value = info.get_default(call_default_factory=True)
    if value is None or value == () or value == {}:
        return "optional"
    if isinstance(value, Record):
        return "optional (defaults below)"
    return f"default {_as_yaml(value)}"


def _anchor(kind: str, path: str) -> str:
    words = [w for w in path.replace("[]", "").replace("_", "-").split(".") if w]
    return "-".join(["fields", kind, *words])


def _record_note(cls: type[Record]) -> str:
    if issubclass(cls, model.Reference | model.PlaceReference):
        kinds = cls.kinds
        named = ", ".join(kinds[:-1]) + " or " + kinds[-1]
        return f"A reference names exactly one {named} by its id, e.g. {{{kinds[0]}: some-id}}."
    return ""


def _walk(kind: str, cls: type[Record], path: str) -> Iterator[FieldTable]:
    """The table of *cls* at *path*, then the tables of the records inside it, in field order."""
    hints = typing.get_type_hints(cls, include_extras=True)
    rows, inner = [], []
    for name, info in cls.model_fields.items():
        hint = hints[name]
        word, nested = _describe(hint)
        extra = _constraints(info)
        see = None
        if nested is not None:
            child = f"{path}.{name}" if path else name
            child += nested.suffix
            see = TableLink(child, paths.link(paths.FIELDS, paths.FIELDS, _anchor(kind, child)))
            inner.append((nested.cls, child))
        required = _required(info)
        if issubclass(cls, model.Reference | model.PlaceReference) and name in cls.kinds:
            required = "exactly one of " + ", ".join(cls.kinds)
        rows.append(
            FieldRow(name, word + (f", {extra}" if extra else ""), see, required, info.description or "")
        )
    yield FieldTable(path, _anchor(kind, path), cls.__name__, _record_note(cls), tuple(rows))
    for child_cls, child_path in inner:
        yield from _walk(kind, child_cls, child_path)


def field_sections() -> list[FileSection]:
    """One section per kind of data file, in the order of handbook.schema.SCHEMAS."""
    sections = []
    for kind, (cls, where) in SCHEMAS.items():
        tables = tuple(_walk(kind, cls, ""))
        anchors = [t.anchor for t in tables]
        if len(set(anchors)) != len(anchors):
            raise ValueError(f"two tables of {where} share an anchor: {anchors}")
        sections.append(FileSection(where, f"file-{kind}", tables))
    return sections


def fields_page() -> str:
    return render(
        "fields.md.j2",
        sections=field_sections(),
        max_text=f"{model.MAX_TEXT:,}",
        max_markdown=f"{model.MAX_MARKDOWN:,}",
        problems_link=paths.link(paths.FIELDS, paths.PROBLEM_CODES),
        glossary_link=paths.link(paths.FIELDS, paths.GLOSSARY),
    )


# --- problem codes -------------------------------------------------------------------------------


def problems_page() -> str:
    # Markdown written by handbook.reference from the code table, not from data: safe as it is.
    body = Markup(render_problem_codes())
    return render("problems.md.j2", body=body, fields_link=paths.link(paths.PROBLEM_CODES, paths.FIELDS))


# --- the pages -----------------------------------------------------------------------------------


def pages(data: Dataset, warnings: list[Problem]) -> list[GeneratedPage]:
    risks_file = data.root / "risks.yaml"
    return [
        GeneratedPage(paths.RISKS, risks_page(data, warnings), risks_file if risks_file.is_file() else None),
        GeneratedPage(paths.BIA, bia_page(data)),
        GeneratedPage(paths.GLOSSARY, glossary_page(data), data.root / "handbook.yaml"),
        GeneratedPage(paths.FIELDS, fields_page()),
        GeneratedPage(paths.PROBLEM_CODES, problems_page()),
    ]
