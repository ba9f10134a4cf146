"""The typed, immutable records of the data format: declared once, read by the validator, the JSON
Schemas for editors and the field reference.

Each class is one record kind of ``../shared/spec/data-format.md``; field descriptions are the
editors' documentation. Scalars are strict: the loader hands over text for every quoted value and
only what YAML 1.1 and 1.2 agree on for plain ones, so a plain ``no`` never becomes ``False`` here.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, ClassVar, Final, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    Strict,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from handbook.durations import DURATION_PATTERN, Duration
from handbook.durations import HINT as DURATION_HINT

MAX_TEXT: Final = 500
MAX_MARKDOWN: Final = 20_000
ID_PATTERN: Final = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_ID_RE: Final = re.compile(ID_PATTERN)
WINDOWS_RESERVED: Final = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(1, 10)] + [f"lpt{i}" for i in range(1, 10)]
)


def _require_text(value: object) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "expected text")
    return value


def _check_id(value: object) -> str:
    text = _require_text(value)
    if len(text) > 64 or not _ID_RE.match(text):
        raise PydanticCustomError(
            "bad-id",
            "'{value}' is not a valid id",
            {
                "value": text,
                "hint": "lowercase letters, digits and single hyphens, at most 64 characters: dc-london-1",
            },
        )
    if text in WINDOWS_RESERVED:
        raise PydanticCustomError(
            "reserved-id",
            "'{value}' is a name Windows reserves",
            {"value": text, "hint": "choose another id, so the handbook builds on every machine"},
        )
    return text


def _text_checker(limit: int, kind: str) -> Any:
    def check(value: object) -> str:
        text = _require_text(value)
        if len(text) > limit:
            raise PydanticCustomError(
                "too-long",
                "{kind} of {length:,} characters is longer than the {limit:,} allowed",
                {"kind": kind, "length": len(text), "limit": limit, "hint": "shorten it"},
            )
        return text

    return check


def _duration_checker(zero_ok: bool) -> Any:
    def check(value: object) -> Duration:
        if isinstance(value, Duration):
            return value
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise PydanticCustomError("string_type", "expected a duration", {"hint": DURATION_HINT})
        text = str(value)
        if isinstance(value, (int, float)):
            raise PydanticCustomError(
                "bad-duration",
                "'{value}' is not a duration: the unit is missing",
                {"value": text, "hint": DURATION_HINT},
            )
        try:
            duration = Duration.parse(text)
        except ValueError:
            raise PydanticCustomError(
                "bad-duration", "'{value}' is not a duration", {"value": text, "hint": DURATION_HINT}
            ) from None
        if duration.minutes == 0 and not zero_ok:
            raise PydanticCustomError(
                "bad-duration", "'{value}' must be longer than zero", {"value": text, "hint": DURATION_HINT}
            )
        return duration

    return check


def _check_date(value: object) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    text = value if isinstance(value, str) else getattr(value, "text", repr(value))
    if getattr(value, "reading", None) == "date":  # a plain 2026-13-45 reaches here as ambiguous
        value = text
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "bad-date",
                "'{value}' is not a day of the calendar",
                {"value": value, "hint": "write YYYY-MM-DD"},
            ) from None
    raise PydanticCustomError(
        "bad-date", "'{value}' is not a date", {"value": text, "hint": "write YYYY-MM-DD"}
    )


_DURATION_SCHEMA: Final = {"type": "string", "pattern": DURATION_PATTERN}

Id = Annotated[
    str, PlainValidator(_check_id), WithJsonSchema({"type": "string", "pattern": ID_PATTERN, "maxLength": 64})
]
Text = Annotated[
    str,
    PlainValidator(_text_checker(MAX_TEXT, "text")),
    WithJsonSchema({"type": "string", "maxLength": MAX_TEXT}),
]
Markdown = Annotated[
    str,
    PlainValidator(_text_checker(MAX_MARKDOWN, "markdown")),
    WithJsonSchema({"type": "string", "maxLength": MAX_MARKDOWN}),
]
PositiveDuration = Annotated[
    Duration,
    PlainValidator(_duration_checker(zero_ok=False)),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({**_DURATION_SCHEMA, "not": {"pattern": "^(0[wdhm])+$"}}),
]
Duration0 = Annotated[
    Duration,
    PlainValidator(_duration_checker(zero_ok=True)),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(_DURATION_SCHEMA),
]
Date = Annotated[
    dt.date,
    PlainValidator(_check_date),
    PlainSerializer(dt.date.isoformat, return_type=str),
    WithJsonSchema({"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}),
]
Int = Annotated[int, Strict()]
Bool = Annotated[bool, Strict()]


class Record(BaseModel):
    """A mapping in a data file: unknown keys are errors, ``x-`` keys are the editors' own."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        arbitrary_types_allowed=True,
        json_schema_extra={"patternProperties": {"^x-": {}}},
    )
    # The node the record was read from and its field path in the file (("people", 3)), set by
    # handbook.structure.attach_nodes for pointing problems at lines. Plain attributes rather than
    # pydantic private ones: those cost a setup per record, and a data folder has tens of thousands.
    _node: ClassVar[Any] = None
    _path: ClassVar[tuple[str | int, ...]] = ()
    # Whether rules point at the records inside this one through their own nodes (a tier, a person);
    # elsewhere they go through the enclosing record and a path, and nodes are not attached.
    located_children: ClassVar[bool] = False

    @model_validator(mode="before")
    @classmethod
    def _editor_keys_and_typos(cls, data: Any, info: ValidationInfo) -> Any:
        if not isinstance(data, dict):
            return data
        # __pydantic_fields__ is the plain dict behind model_fields, many times cheaper to reach.
        fields = cls.__pydantic_fields__
        if all(key in fields for key in data):
            return data  # the common case: nothing to drop
        kept = {key: value for key, value in data.items() if not key.startswith("x-")}
        unknown = [key for key in kept if key not in fields]
        if unknown and info.context is not None:
            # Reported here, where the record's fields are known, so "did you mean" can prefer
            # a field the mapping still lacks; the caller maps the dict back to its node.
            info.context["unknown_keys"].append((data, cls, unknown))
            kept = {key: value for key, value in kept.items() if key not in unknown}
        return kept


# --- handbook.yaml -----------------------------------------------------------------------------


class ImpactCategory(Record):
    id: Id = Field(description="Category id, used as a key in each service's bia.impact.")
    name: Text = Field(description="Name shown in the BIA tables.")


class ImpactLevel(Record):
    level: Int = Field(ge=0, description="0, 1, 2 ... in order from no impact upward.")
    name: Text = Field(description="Name of the level, e.g. Severe.")
    description: Text | None = Field(None, description="What the level means, shown in the glossary.")


class ImpactScale(Record):
    located_children: ClassVar[bool] = True
    categories: tuple[ImpactCategory, ...] = Field(min_length=1, description="Kinds of impact, in order.")
    levels: tuple[ImpactLevel, ...] = Field(min_length=1, description="Impact levels, ordered from 0 upward.")
    intolerable: Int | None = Field(
        None, description="The level at which disruption is no longer tolerable (default: the highest level)."
    )
    intervals: tuple[PositiveDuration, ...] = Field(
        min_length=1, description="Points in time after the start of a disruption, increasing: 1h, 4h, 1d ..."
    )


class Tier(Record):
    tier: Int = Field(gt=0, description="Tier number; numbers increase down the list.")
    name: Text = Field(description="Name of the tier, e.g. Mission critical.")
    max_rto: PositiveDuration = Field(description="Longest RTO of a service in this tier.")


class RiskScale(Record):
    likelihood: tuple[Text, ...] = Field(
        ("Rare", "Unlikely", "Possible", "Likely", "Almost certain"),
        min_length=5,
        max_length=5,
        description="Names of likelihood 1 to 5.",
    )
    impact: tuple[Text, ...] = Field(
        ("Insignificant", "Minor", "Moderate", "Major", "Catastrophic"),
        min_length=5,
        max_length=5,
        description="Names of impact 1 to 5.",
    )
    appetite: Int = Field(
        9, ge=1, le=25, description="Risks scoring above likelihood x impact = appetite need treatment."
    )


class Handbook(Record):
    located_children: ClassVar[bool] = True
    organisation: Text = Field(description="The organisation's name, on every page and the PDF cover.")
    title: Text = Field("IT Service Continuity Handbook", description="Title of the handbook.")
    classification: Text | None = Field(
        None, description="Classification printed on every page, e.g. Internal."
    )
    review_interval: PositiveDuration = Field(
        Duration(52 * 7 * 24 * 60), description="Plans not reviewed for longer are stale."
    )
    exercise_interval: PositiveDuration = Field(
        Duration(52 * 7 * 24 * 60),
        description="Tier-1 and tier-2 services not exercised for longer are flagged.",
    )
    copy_warning_after: PositiveDuration = Field(
        Duration(30 * 24 * 60), description="An offline copy older than this warns its reader."
    )
    impact: ImpactScale = Field(description="The BIA scales: categories, levels and intervals.")
    tiers: tuple[Tier, ...] = Field(min_length=1, description="Tiers, ordered from most critical.")
    risk: RiskScale = Field(default_factory=RiskScale, description="The risk register's scales and appetite.")


# --- people.yaml -------------------------------------------------------------------------------


class Person(Record):
    id: Id = Field(description="Unique among people and teams.")
    name: Text = Field(description="Full name.")
    role: Text | None = Field(None, description="Job title or role.")
    phone: Text | None = Field(None, description='Phone number, quoted: "+44 20 7946 0001".')
    mobile: Text | None = Field(None, description="Mobile number, quoted.")
    email: Text | None = Field(None, description="Email address.")
    deputy: Id | None = Field(None, description="Person or team standing in when this person is away.")


class Team(Record):
    id: Id = Field(description="Unique among people and teams.")
    name: Text = Field(description="Team name.")
    lead: Id | None = Field(None, description="The person who leads the team.")
    members: tuple[Id, ...] = Field((), description="Persons in the team.")
    phone: Text | None = Field(None, description="The team's on-call line, quoted.")
    email: Text | None = Field(None, description="The team's email address.")
    escalation: tuple[Id, ...] = Field((), description="The call tree: people and teams to call, in order.")


class PeopleFile(Record):
    located_children: ClassVar[bool] = True
    people: tuple[Person, ...] = Field(description="Everyone who owns, acts or is called.")
    teams: tuple[Team, ...] = Field((), description="Teams, with their call trees.")


# --- sites.yaml, vendors.yaml ------------------------------------------------------------------

SiteKind = Literal["data-centre", "office", "cloud-region", "colocation", "other"]


class Site(Record):
    id: Id = Field(description="Unique site id.")
    name: Text = Field(description="Site name.")
    kind: SiteKind | None = Field(None, description="data-centre, office, cloud-region, colocation or other.")
    address: Text | None = Field(None, description="Postal address.")
    hazards: tuple[Text, ...] = Field((), description="Hazards of the site, free words: flood, power ...")
    contact: Id | None = Field(None, description="Person or team responsible for the site.")


class SitesFile(Record):
    located_children: ClassVar[bool] = True
    sites: tuple[Site, ...] = Field((), description="Data centres, offices and cloud regions.")


class Vendor(Record):
    id: Id = Field(description="Unique vendor id.")
    name: Text = Field(description="Vendor name.")
    provides: Text | None = Field(None, description="What the vendor provides.")
    contract: Text | None = Field(None, description="Contract reference.")
    support_phone: Text | None = Field(None, description="Support line, quoted.")
    support_email: Text | None = Field(None, description="Support email address.")
    support_hours: Text | None = Field(None, description="When support answers, e.g. 24x7.")
    sla: Text | None = Field(None, description="Service levels in the contract, as text.")
    recovery_time: PositiveDuration | None = Field(
        None, description="The recovery time the contract commits to."
    )


class VendorsFile(Record):
    located_children: ClassVar[bool] = True
    vendors: tuple[Vendor, ...] = Field((), description="Suppliers and their support lines.")


# --- references --------------------------------------------------------------------------------

RefKind = Literal["service", "site", "vendor"]
_REF_KINDS: Final[tuple[RefKind, ...]] = ("service", "site", "vendor")


class _RefBase(Record):
    kinds: ClassVar[tuple[RefKind, ...]] = _REF_KINDS

    @model_validator(mode="after")
    def _exactly_one(self) -> _RefBase:
        named = [kind for kind in self.kinds if getattr(self, kind, None) is not None]
        if len(named) != 1:
            example = f"{{{self.kinds[0]}: some-id}}"
            raise PydanticCustomError(
                "bad-reference",
                "a reference names exactly one of {kinds}, not {count}",
                {"kinds": ", ".join(self.kinds), "count": len(named) or "none", "hint": f"write {example}"},
            )
        return self

    @property
    def kind(self) -> RefKind:
        return next(kind for kind in self.kinds if getattr(self, kind, None) is not None)

    @property
    def id(self) -> str:
        value: str = getattr(self, self.kind)
        return value

    @property
    def ref(self) -> str:
        """``kind:id``, as the command line and messages write it."""
        return f"{self.kind}:{self.id}"


def _one_of_schema(kinds: tuple[str, ...]) -> dict[str, Any]:
    return {"patternProperties": {"^x-": {}}, "oneOf": [{"required": [kind]} for kind in kinds]}


class Reference(_RefBase):
    """``{service: id}``, ``{site: id}`` or ``{vendor: id}``."""

    model_config = ConfigDict(json_schema_extra=_one_of_schema(_REF_KINDS))
    service: Id | None = Field(None, description="A service id.")
    site: Id | None = Field(None, description="A site id.")
    vendor: Id | None = Field(None, description="A vendor id.")


class Dependency(Reference):
    """A reference in ``depends_on``: what must work for the service to work."""

    note: Text | None = Field(None, description="Why the service needs it.")
    degraded: Bool = Field(
        False, description="true when the service still runs, worse, without it (default false)."
    )


class PlaceReference(_RefBase):
    """``{site: id}`` or ``{vendor: id}``: where a backup is kept."""

    kinds: ClassVar[tuple[RefKind, ...]] = ("site", "vendor")
    model_config = ConfigDict(json_schema_extra=_one_of_schema(("site", "vendor")))
    site: Id | None = Field(None, description="A site id.")
    vendor: Id | None = Field(None, description="A vendor id.")


# --- services/<id>.yaml ------------------------------------------------------------------------

AssetKind = Literal[
    "server", "database", "application", "network", "storage", "licence", "data", "facility", "other"
]
Strategy = Literal[
    "active-active",
    "hot-standby",
    "warm-standby",
    "cold-standby",
    "restore-from-backup",
    "rebuild",
    "manual-workaround",
    "vendor-managed",
    "none",
]
Level = Annotated[int, Strict(), Field(ge=0)]
ImpactKey = Annotated[
    Duration,
    PlainValidator(_duration_checker(zero_ok=False)),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(_DURATION_SCHEMA),
]


class Bia(Record):
    impact: dict[str, dict[ImpactKey, Level]] = Field(
        default_factory=dict,
        description="Category id -> {interval: level}; omitted intervals carry the last level forward.",
        json_schema_extra={
            "propertyNames": {"pattern": ID_PATTERN},
            "additionalProperties": {
                "type": "object",
                "propertyNames": {"pattern": DURATION_PATTERN},
                "additionalProperties": {"type": "integer", "minimum": 0},
            },
        },
    )
    mtpd: PositiveDuration = Field(description="Maximum tolerable period of disruption.")
    rto: PositiveDuration = Field(description="Recovery time objective: how soon the service must be back.")
    rpo: Duration0 = Field(
        description="Recovery point objective: how much data, in time, may be lost (0m allowed)."
    )
    mbco: Markdown | None = Field(None, description="Minimum business continuity objective (markdown).")
    peak_periods: tuple[Text, ...] = Field((), description="When an outage hurts most.")
    resources: Markdown | None = Field(
        None, description="Minimum staff, skills and facilities needed to recover (markdown)."
    )


class Asset(Record):
    name: Text = Field(description="Asset name, e.g. payroll-db-01.")
    kind: AssetKind = Field(
        description="server, database, application, network, storage, licence, data, facility or other."
    )
    site: Id | None = Field(None, description="Site id where it runs.")
    vendor: Id | None = Field(None, description="Vendor id that supplies it.")
    note: Text | None = Field(None, description="A short note, e.g. PostgreSQL 16.")


class Backup(Record):
    name: Text = Field(description="Unique within the service; matched by evidence/backups.csv.")
    frequency: PositiveDuration = Field(description="How often the backup runs.")
    retention: PositiveDuration | None = Field(None, description="How long copies are kept.")
    method: Text | None = Field(None, description="How it is taken, e.g. WAL archiving.")
    offsite: Bool = Field(False, description="true when a copy is kept off site (default false).")
    location: PlaceReference | None = Field(
        None, description="Where copies are kept: {site: id} or {vendor: id}."
    )
    restore_tested: Date | None = Field(None, description="Date of the last successful test restore.")


class Continuity(Record):
    strategy: Strategy | None = Field(None, description="How the service continues or comes back.")
    alternate_site: Id | None = Field(None, description="Site id the service recovers to.")
    recovery_time: Duration0 | None = Field(
        None, description="Estimated time to restore this service once everything it depends on works."
    )
    workaround: Markdown | None = Field(
        None, description="How the business carries on while IT is down (markdown)."
    )


class Step(Record):
    title: Text = Field(description="What to do, in a few words.")
    assignee: Id | None = Field(None, description="Person or team doing the step.")
    duration: Duration0 | None = Field(None, description="How long the step takes.")
    details: Markdown | None = Field(None, description="Commands, screens, where the keys are (markdown).")
    verify: Markdown | None = Field(None, description="How to know the step worked (markdown).")


class Recovery(Record):
    activation: Markdown | None = Field(None, description="When to invoke the plan (markdown).")
    authority: Id | None = Field(None, description="Person or team who may invoke the plan.")
    steps: tuple[Step, ...] = Field(
        (), description="The recovery steps, in order; the handbook numbers them."
    )
    validation: Markdown | None = Field(None, description="How to confirm the service is back (markdown).")
    reconstitution: Markdown | None = Field(None, description="How to return to normal (markdown).")


class Communication(Record):
    audience: Text = Field(description="Who is told.")
    channel: Text = Field(description="How they are told.")
    owner: Id | None = Field(None, description="Person or team who sends it.")
    when: Text | None = Field(None, description="When it is sent.")
    message: Markdown | None = Field(None, description="Message template (markdown).")


class Review(Record):
    last_reviewed: Date = Field(description="Date of the last review of the plan.")
    reviewed_by: Id | None = Field(None, description="Person or team who reviewed it.")


class Service(Record):
    id: Id = Field(description="Equals the file name without .yaml.")
    name: Text = Field(description="Service name.")
    description: Markdown | None = Field(None, description="What the service does (markdown).")
    aliases: tuple[Text, ...] = Field((), description="Other names, found by search.")
    owner: Id = Field(description="Person or team accountable for the plan.")
    team: Id | None = Field(None, description="Person or team that runs the recovery.")
    tier: Int | None = Field(
        None, gt=0, description="Tier number; when absent, the first tier whose max_rto >= rto."
    )
    depends_on: tuple[Dependency, ...] = Field((), description="What must work for this service to work.")
    bia: Bia = Field(description="Business impact analysis: impact over time, MTPD, RTO, RPO.")
    assets: tuple[Asset, ...] = Field(
        (), description="Servers, databases, licences ... the service is made of."
    )
    backups: tuple[Backup, ...] = Field((), description="Backups of the service's data.")
    continuity: Continuity | None = Field(
        None, description="The continuity strategy and estimated recovery time."
    )
    recovery: Recovery | None = Field(None, description="The plan a responder follows.")
    communications: tuple[Communication, ...] = Field((), description="Who is told what, when and how.")
    review: Review | None = Field(None, description="Last review of the plan; missing means never reviewed.")


# --- risks.yaml, scenarios, exercises ----------------------------------------------------------

RiskCategory = Literal["natural", "technical", "cyber", "supplier", "people", "facility", "other"]
Treatment = Literal["mitigate", "accept", "transfer", "avoid"]


class Risk(Record):
    id: Id = Field(description="Unique risk id.")
    title: Text = Field(description="The risk in a few words.")
    category: RiskCategory | None = Field(
        None, description="natural, technical, cyber, supplier, people, facility or other."
    )
    likelihood: Int = Field(ge=1, le=5, description="1 to 5; names from handbook.yaml.")
    impact: Int = Field(ge=1, le=5, description="1 to 5; names from handbook.yaml.")
    affects: tuple[Reference, ...] = Field((), description="Sites, vendors or services the risk affects.")
    treatment: Treatment | None = Field(None, description="mitigate, accept, transfer or avoid.")
    mitigations: tuple[Text, ...] = Field((), description="Controls in place or planned.")
    owner: Id | None = Field(None, description="Person or team who owns the risk.")

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


class RisksFile(Record):
    located_children: ClassVar[bool] = True
    risks: tuple[Risk, ...] = Field((), description="The risk register.")


class Scenario(Record):
    id: Id = Field(description="Equals the file name without .yaml.")
    title: Text = Field(description="Title of the scenario.")
    description: Markdown | None = Field(None, description="What happens (markdown).")
    lost: tuple[Reference, ...] = Field(
        min_length=1, description="Sites, vendors or services that are unavailable."
    )


ExerciseKind = Literal["walkthrough", "tabletop", "simulation", "parallel", "full-interruption", "component"]
Outcome = Literal["passed", "passed-with-issues", "failed"]


class Action(Record):
    title: Text = Field(description="What is to be done.")
    owner: Id = Field(description="Person or team who does it.")
    due: Date = Field(description="Due date.")
    status: Literal["open", "done"] = Field(description="open or done.")


class Exercise(Record):
    id: Id = Field(description="Equals the file name without .yaml.")
    title: Text = Field(description="Title of the exercise.")
    date: Date = Field(description="Day of the exercise; a later day means it is scheduled.")
    kind: ExerciseKind = Field(
        description="walkthrough, tabletop, simulation, parallel, full-interruption or component."
    )
    services: tuple[Id, ...] = Field(min_length=1, description="Services exercised.")
    scenario: Id | None = Field(None, description="Scenario id the exercise played.")
    outcome: Outcome | None = Field(
        None, description="passed, passed-with-issues or failed; only scheduled exercises may leave it out."
    )
    achieved: dict[Id, Duration0] = Field(
        default_factory=dict,
        description="Measured recovery time per service.",
        json_schema_extra={"propertyNames": {"pattern": ID_PATTERN}},
    )
    findings: Markdown | None = Field(None, description="What was learnt (markdown).")
    actions: tuple[Action, ...] = Field((), description="Follow-up actions.")
