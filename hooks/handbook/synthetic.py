"""Synthetic data: writes a valid ``data/`` folder of any size for the tests and benchmarks of every stage.

The organisation it describes is invented, but shaped like a real one: a
layered dependency graph with foundation services at the bottom, business
impact that grows over time, backups with evidence, exercises and risks.
The same arguments always give the same bytes, so a benchmark or a failing
test can be reproduced from its seed alone.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import functools
import pathlib
import random
import re
import sys
from collections.abc import Sequence
from typing import TypeAlias

# Durations are kept in minutes while generating and written in the
# format's own notation only at the end.
MINUTE = 1
HOUR = 60
DAY = 24 * HOUR
WEEK = 7 * DAY

DEFAULT_TODAY = datetime.date(2026, 11, 25)

# The generated handbook.yaml declares exactly these scales; everything below
# is chosen to sit inside them.
INTERVALS: tuple[int, ...] = (HOUR, 4 * HOUR, DAY, 3 * DAY, WEEK)
INTOLERABLE = 4
TIERS: tuple[tuple[int, str, int], ...] = (
    (1, "Mission critical", 4 * HOUR),
    (2, "Business critical", DAY),
    (3, "Business operational", 3 * DAY),
    (4, "Administrative", 2 * WEEK),
)
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("financial", "Financial"),
    ("operational", "Operational"),
    ("reputational", "Reputational"),
    ("legal", "Legal and regulatory"),
    ("safety", "Health and safety"),
)

# Per tier: RTOs to pick from, and recovery times. Every recovery time is
# below the tier's smallest RTO, so a foundation service's estimate never
# eats a dependant's whole objective.
RTO_CHOICES: dict[int, tuple[int, ...]] = {
    1: (HOUR, 2 * HOUR, 4 * HOUR),
    2: (8 * HOUR, 12 * HOUR, DAY),
    3: (2 * DAY, 3 * DAY),
    4: (WEEK, 2 * WEEK),
}
RECOVERY_TIME_CHOICES: dict[int, tuple[int, ...]] = {
    1: (15, 30, 45),
    2: (30, HOUR, 2 * HOUR),
    3: (HOUR, 2 * HOUR, 4 * HOUR),
    4: (2 * HOUR, 4 * HOUR, 8 * HOUR),
}
RPO_CHOICES: dict[int, tuple[int, ...]] = {
    1: (15, HOUR),
    2: (HOUR, 4 * HOUR),
    3: (4 * HOUR, DAY),
    4: (DAY, WEEK),
}
STRATEGIES: dict[int, tuple[str, ...]] = {
    1: ("active-active", "hot-standby"),
    2: ("hot-standby", "warm-standby"),
    3: ("warm-standby", "cold-standby", "restore-from-backup"),
    4: ("restore-from-backup", "rebuild", "manual-workaround", "vendor-managed"),
}
# Foundation services are the most critical; higher layers spread out.
FOUNDATION_TIER_WEIGHTS = (8, 2, 0, 0)
LAYER_TIER_WEIGHTS = (15, 30, 30, 25)
UPPER_LAYERS = 4
DEPENDENCY_COUNT_WEIGHTS = (5, 30, 30, 20, 15)  # 0..4 service dependencies

# ---------------------------------------------------------------------------
# Word lists: invented names only, never real people or companies.
# fmt: off

ORGANISATIONS = (
    "Northwind Mutual",
    "Harbourside Insurance Group",
    "Ashgrove Building Society",
    "Meridian Retail",
    "Fenwick and Hale Logistics",
    "Kestrel Energy Services",
)
FIRST_NAMES = (
    "Aisha", "Alex", "Amara", "Ben", "Carys", "Chen", "Daniel", "Deepa", "Elena", "Emeka",
    "Fatima", "Finn", "Grace", "Hamza", "Hannah", "Ibrahim", "Isla", "Jack", "Jana", "Kai",
    "Kwame", "Laura", "Leon", "Lucia", "Maya", "Mohammed", "Nadia", "Noah", "Olga", "Oscar",
    "Priya", "Rhys", "Rosa", "Sam", "Sofia", "Tariq", "Tom", "Una", "Victor", "Wei",
    "Yusuf", "Zara",
)
SURNAMES = (
    "Adeyemi", "Baker", "Brennan", "Campbell", "Chowdhury", "Clarke", "Davies", "Evans",
    "Fischer", "Garcia", "Green", "Hughes", "Iqbal", "Jensen", "Kaur", "Kowalski", "Lewis",
    "Lindqvist", "Morgan", "Murphy", "Nakamura", "Novak", "Okafor", "Patel", "Quinn",
    "Rahman", "Reid", "Rossi", "Singh", "Taylor", "Thompson", "Usman", "Varga", "Walsh",
    "Williams", "Wright", "Young", "Zhang",
)
EXECUTIVES = (
    ("cio", "Chief Information Officer"),
    ("cfo", "Chief Financial Officer"),
    ("head-infra", "Head of Infrastructure"),
    ("continuity", "Business Continuity Manager"),
)
ROLES = (
    "Service Owner", "Platform Engineer", "Database Administrator", "Network Engineer",
    "Application Support Analyst", "Systems Engineer", "Product Manager", "Site Reliability Engineer",
    "Security Analyst", "Service Desk Lead", "Integration Developer", "Operations Manager",
)
TEAMS = (
    ("infra", "Infrastructure Operations"),
    ("network", "Network Services"),
    ("dba", "Database Administration"),
    ("iam", "Identity and Access"),
    ("finance-apps", "Finance Applications"),
    ("customer-platforms", "Customer Platforms"),
    ("data-platform", "Data Platform"),
    ("workplace", "Workplace Technology"),
    ("service-desk", "Service Desk"),
    ("secops", "Security Operations"),
    ("integration", "Integration Services"),
    ("hr-systems", "HR Systems"),
    ("supply-chain", "Supply Chain Systems"),
    ("digital", "Digital Channels"),
    ("analytics", "Analytics and Reporting"),
)
SITES: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("dc-london", "London data centre", "data-centre", "1 Example Street, London", ("flood", "power")),
    ("dc-manchester", "Manchester data centre", "data-centre", "20 Sample Road, Manchester", ("power",)),
    ("cloud-eu-west", "Cloud region EU West", "cloud-region", "", ("regional outage",)),
)
CITIES = (
    "Leeds", "Bristol", "Glasgow", "Cardiff", "Belfast", "Edinburgh", "Birmingham",
    "Newcastle", "Nottingham", "Sheffield", "Southampton", "Aberdeen", "Dublin", "Frankfurt",
)
EXTRA_SITE_KINDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("office", "office", ("fire", "access loss")),
    ("colo", "colocation", ("power", "cooling")),
    ("dc", "data-centre", ("flood", "power", "cooling")),
    ("cloud", "cloud-region", ("regional outage",)),
)
VENDORS = (
    ("Acme Cloud", "IaaS hosting"),
    ("Globex Networks", "WAN and internet links"),
    ("Initech Software", "ERP licences and support"),
    ("Umbrella Hosting", "Managed colocation"),
    ("Stark Telecom", "Telephony and contact centre"),
    ("Wayne Data Services", "Offsite backup storage"),
    ("Cyberdyne Systems", "Monitoring SaaS"),
    ("Soylent Payments", "Card payment processing"),
    ("Tyrell Identity", "Multi-factor authentication"),
    ("Oceanic Print", "Print and mail services"),
    ("Vandelay Industries", "Hardware maintenance"),
    ("Hooli Workspace", "Email and collaboration"),
)
FOUNDATIONS = (
    "Identity Provider", "Core Network", "DNS Resolver", "Storage Fabric",
    "Virtualisation Cluster", "Database Platform", "Message Bus", "Certificate Authority",
    "Directory Service", "Email Relay", "Backup Platform", "Monitoring Platform",
    "Container Platform", "File Service", "Remote Access VPN", "Load Balancer",
    "Log Platform", "Time Service",
)
DOMAINS = (
    "Claims", "Payroll", "Billing", "Customer", "Order", "Invoice", "Policy", "Pricing",
    "Treasury", "Inventory", "Shipping", "Procurement", "Pension", "Member", "Partner",
    "Booking", "Ticketing", "Loyalty", "Contract", "Document", "Payment", "Quote",
    "Warehouse", "Fleet", "Timesheet", "Expense", "Recruitment", "Learning", "Compliance",
    "Audit", "Reporting", "Forecast", "Catalogue", "Supplier", "Returns", "Collections",
    "Lending", "Savings", "Underwriting", "Benefits",
)
NOUNS = (
    "Ledger", "Portal", "Gateway", "Engine", "Service", "Hub", "Register", "Workbench",
    "Scheduler", "Archive", "Tracker", "Console", "Exchange", "Router", "Reconciler",
    "Store", "Manager", "Desk", "Feed", "Broker",
)
DEPARTMENTS = (
    "Finance", "Operations", "Sales", "Customer Service", "HR", "Legal", "Logistics",
    "Marketing", "Risk", "Procurement",
)
PEAK_PERIODS = (
    "month end", "quarter end", "last 5 working days of each month", "Monday mornings",
    "January sales", "year end close", "tax year end", "renewal season in March",
)
ASSET_NOTES = {
    "server": ("RHEL 9 VM with 4 vCPU", "Windows Server 2022", "Ubuntu 24.04 LTS"),
    "database": ("PostgreSQL 16", "SQL Server 2022", "Oracle 19c", "MariaDB 11"),
    "application": ("Kubernetes deployment", "Java 21 service", "Vendor package v7"),
    "network": ("Load balancer virtual server", "Firewall rule set"),
    "storage": ("NFS share on the storage fabric", "Object storage bucket"),
    "licence": ("Named user licences", "Processor licences"),
    "data": ("Customer records", "Reference data extracts"),
}
BACKUP_METHODS = (
    "WAL archiving", "nightly snapshot", "incremental-forever", "log shipping",
    "object storage replication", "database dump",
)
DEPENDENCY_NOTES = (
    "users sign in through it", "stores its records there", "sends events through it",
    "reads reference data from it", "posts journals to it", "looks up customers in it",
    "receives nightly extracts from it", "prints and mails its letters through it",
)
AUDIENCES = (
    ("All staff", "Intranet banner and email"),
    ("Customers", "Status page and social media"),
    ("Service desk", "Incident bridge and chat channel"),
    ("Executive team", "Phone call from the incident commander"),
    ("Regulator", "Formal notification by the compliance officer"),
    ("Business users", "Email to the distribution list"),
)
EXERCISE_KINDS = ("walkthrough", "tabletop", "simulation", "parallel", "full-interruption", "component")
RISK_TEMPLATES: tuple[tuple[str, str, str], ...] = (
    ("Flooding of {name}", "natural", "site"),
    ("Extended power loss at {name}", "facility", "site"),
    ("Cooling failure at {name}", "facility", "site"),
    ("Ransomware encrypts {name}", "cyber", "service"),
    ("Data corruption in {name}", "technical", "service"),
    ("Failed change takes down {name}", "technical", "service"),
    ("Insolvency of {name}", "supplier", "vendor"),
    ("Prolonged outage at {name}", "supplier", "vendor"),
    ("Loss of key staff supporting {name}", "people", "service"),
)
MITIGATIONS = (
    "Replication to a second site", "Quarterly restore tests", "Immutable offsite backups",
    "Second supplier under contract", "Cross-training and runbooks", "UPS and generator",
    "Change freeze at peak periods", "Endpoint detection and response", "Raised floor",
    "Escrow agreement for source code",
)

# fmt: on

# ---------------------------------------------------------------------------
# YAML text. The generator writes YAML itself so the formatting is stable and
# every plain-text value is quoted exactly when YAML 1.1 or 1.2 would read it
# as something other than text (the format makes that an error).


class Plain(str):
    """A value written as is: durations and other tokens the generator built itself."""


class Markdown(str):
    """A markdown field: written as a literal block when it spans lines."""


class Phone(str):
    """A phone number: always quoted, as the format asks."""


class FlowMap(dict[str, "Node"]):
    """A mapping written on one line: references and impact levels."""


Node: TypeAlias = str | int | bool | datetime.date | list["Node"] | dict[str, "Node"]

# Words YAML 1.1 reads as booleans or null; any letter case is quoted.
_RESERVED_WORDS = frozenset({"y", "yes", "n", "no", "true", "false", "on", "off", "null"})
# Starting with a letter and holding none of YAML's indicators (":", "#", quotes,
# brackets), a value can only be a string in either YAML version.
_PLAIN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9 .,;()/&'+%@_-]*")
# Ids such as exercises' "2026-05-claims-ledger" start with digits but their
# letters rule out numbers and dates.
_DIGIT_ID = re.compile(r"[0-9]+(?:-[0-9]+)*-[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


def _plain_ok(text: str, flow: bool) -> bool:
    if text != text.strip() or text.lower() in _RESERVED_WORDS:
        return False
    if flow and "," in text:
        return False
    return bool(_PLAIN_TEXT.fullmatch(text) or _DIGIT_ID.fullmatch(text))


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@functools.lru_cache(maxsize=65536)
def _text(text: str, flow: bool) -> str:
    # Cached: names, notes and ids repeat across thousands of files. Only
    # exact str reaches here, so a Plain or Phone never shares an entry.
    if "\n" in text:
        raise ValueError(f"multi-line text must be Markdown: {text!r}")
    return text if _plain_ok(text, flow) else _quote(text)


def _scalar(value: Node, flow: bool = False) -> str:
    if isinstance(value, str):
        if type(value) is Plain:
            return str(value)
        if type(value) is Phone:
            return _quote(value)
        return _text(str(value), flow)  # str() strips the subclass: one cache entry per text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"not a scalar: {value!r}")


def _flow(value: Node) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_flow(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    return _scalar(value, flow=True)


def _emit_mapping(mapping: dict[str, Node], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for key, value in mapping.items():
        if isinstance(value, FlowMap):
            out.append(f"{pad}{key}: {_flow(value)}")
        elif isinstance(value, dict):
            out.append(f"{pad}{key}:")
            _emit_mapping(value, indent + 2, out)
        elif isinstance(value, list):
            if not value or not isinstance(value[0], dict):
                out.append(f"{pad}{key}: {_flow(value)}")
                continue
            # A list of records: block style, first key on the dash line.
            out.append(f"{pad}{key}:")
            for item in value:
                if not isinstance(item, dict):
                    raise TypeError(f"{key}: a list mixes records and values")
                if isinstance(item, FlowMap):
                    out.append(f"{pad}  - {_flow(item)}")
                    continue
                lines: list[str] = []
                _emit_mapping(item, indent + 4, lines)
                lines[0] = f"{pad}  - {lines[0][indent + 4 :]}"
                out.extend(lines)
        elif isinstance(value, Markdown) and "\n" in value.rstrip("\n"):
            body = value.rstrip("\n").split("\n")
            if body[0].startswith(" "):
                raise ValueError("a literal block must not start with spaces")
            out.append(f"{pad}{key}: |")
            out.extend(f"{pad}  {line}" if line else "" for line in body)
        else:
            out.append(f"{pad}{key}: {_scalar(value)}")


def to_yaml(document: dict[str, Node]) -> str:
    """One YAML document in the handbook's house style: block mappings, flow lists, literal markdown."""
    out: list[str] = []
    _emit_mapping(document, 0, out)
    return "\n".join(out) + "\n"


@functools.lru_cache(maxsize=1024)
def duration(minutes: int) -> Plain:
    """Minutes in the format's notation, largest unit first: 90 -> 1h30m."""
    if minutes == 0:
        return Plain("0m")
    parts = []
    for unit, size in (("w", WEEK), ("d", DAY), ("h", HOUR), ("m", MINUTE)):
        count, minutes = divmod(minutes, size)
        if count:
            parts.append(f"{count}{unit}")
    return Plain("".join(parts))


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# ---------------------------------------------------------------------------
# The organisation, as plain records; turned into YAML documents at the end.


@dataclasses.dataclass
class Person:
    id: str
    name: str
    role: str
    email: str
    index: int


@dataclasses.dataclass
class Team:
    id: str
    name: str
    members: list[Person]

    @property
    def lead(self) -> Person:
        return self.members[0]


@dataclasses.dataclass
class Site:
    id: str
    name: str
    kind: str
    address: str
    hazards: tuple[str, ...]


@dataclasses.dataclass
class Vendor:
    id: str
    name: str
    provides: str
    contract: str
    phone: str
    email: str
    recovery_time: int | None


@dataclasses.dataclass
class Dependency:
    service: Service | None
    vendor: Vendor | None
    degraded: bool
    note: str


@dataclasses.dataclass
class Backup:
    name: str
    frequency: int


@dataclasses.dataclass
class Service:
    number: int
    id: str
    name: str
    domain: str
    layer: int
    tier: int
    rto: int
    recovery_time: int | None
    team: Team
    owner: Person
    site: Site
    dependencies: list[Dependency] = dataclasses.field(default_factory=list)
    backups: list[Backup] = dataclasses.field(default_factory=list)

    @property
    def slug(self) -> str:
        """Name then number (``claims-ledger-0042``): how hosts and backups are named."""
        _, number, rest = self.id.split("-", 2)
        return f"{rest}-{number}"

    # The data format's estimated recovery: own recovery time after the
    # slowest non-degraded dependency; None when unknown.
    estimate: int | None = None


class _Ids:
    """Hands out unique, valid ids by adding a counter on a clash."""

    _WINDOWS = frozenset(
        {"con", "nul", "aux", "prn"} | {f"com{i}" for i in range(1, 10)} | {f"lpt{i}" for i in range(1, 10)}
    )

    def __init__(self) -> None:
        self._used: set[str] = set()

    def take(self, base: str) -> str:
        base = slugify(base)[:60].strip("-") or "x"
        candidate, counter = base, 1
        while candidate in self._used or candidate in self._WINDOWS:
            counter += 1
            candidate = f"{base}-{counter}"
        self._used.add(candidate)
        return candidate


class _Generator:
    """One generation run: every random choice comes from one seeded stream, in a fixed order."""

    def __init__(self, services: int, seed: int, today: datetime.date) -> None:
        if services < 1:
            raise ValueError("at least one service is needed")
        self.count = services
        self.seed = seed
        self.rng = random.Random(seed)
        self.today = today
        # Evidence and staleness are judged at noon UTC of today, the instant
        # SOURCE_DATE_EPOCH names in the project's reproducible builds.
        self.now = datetime.datetime.combine(today, datetime.time(12, 0), tzinfo=datetime.UTC)
        self.organisation = self.rng.choice(ORGANISATIONS)
        self.domain = slugify(self.organisation) + ".example"
        self.people: list[Person] = []
        self.teams: list[Team] = []
        self.sites: list[Site] = []
        self.vendors: list[Vendor] = []
        self.services: list[Service] = []
        self.scenario_ids: list[str] = []
        self.files: dict[str, str] = {}
        self._rpo: dict[str, int] = {}

    # -- helpers -------------------------------------------------------------

    def days_ago(self, low: int, high: int) -> datetime.date:
        return self.today - datetime.timedelta(days=self.rng.randint(low, high))

    def weighted(self, options: Sequence[int], weights: Sequence[int]) -> int:
        return self.rng.choices(options, weights=weights)[0]

    def phone(self, prefix: str, index: int) -> Phone:
        # Ofcom's ranges reserved for drama: never a real subscriber.
        return Phone(f"{prefix}{index % 1000:03d}")

    # -- records -------------------------------------------------------------

    def make_people(self) -> None:
        party_ids = _Ids()
        person_count = max(12, self.count // 5)
        emails: set[str] = set()
        for index in range(person_count):
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(SURNAMES)
            if index < len(EXECUTIVES):
                person_id, role = party_ids.take(EXECUTIVES[index][0]), EXECUTIVES[index][1]
            else:
                person_id, role = party_ids.take(f"{first[0]}{last}"), self.rng.choice(ROLES)
            local, counter = f"{first}.{last}".lower(), 1
            email = f"{local}@{self.domain}"
            while email in emails:
                counter += 1
                email = f"{local}{counter}@{self.domain}"
            emails.add(email)
            self.people.append(Person(person_id, f"{first} {last}", role, email, index))

        team_count = max(3, self.count // 20)
        staff = self.people[len(EXECUTIVES) :]
        for index in range(team_count):
            base_id, name = TEAMS[index % len(TEAMS)]
            if index >= len(TEAMS):
                name = f"{name} {index // len(TEAMS) + 1}"
            team_id = party_ids.take(
                base_id if index < len(TEAMS) else f"{base_id}-{index // len(TEAMS) + 1}"
            )
            # Round-robin keeps team sizes even at every scale.
            members = staff[index::team_count] or [self.people[2]]
            self.teams.append(Team(team_id, name, list(members)))

    def make_sites(self) -> None:
        ids = _Ids()
        for site_id, name, kind, address, hazards in SITES:
            self.sites.append(Site(ids.take(site_id), name, kind, address, hazards))
        for index in range(3 + self.count // 100 - len(SITES)):
            city = CITIES[index % len(CITIES)]
            prefix, kind, hazards = EXTRA_SITE_KINDS[index % len(EXTRA_SITE_KINDS)]
            label = {
                "office": "office",
                "colocation": "colocation suite",
                "data-centre": "data centre",
                "cloud-region": "cloud region",
            }[kind]
            site_id = ids.take(f"{prefix}-{city}")
            number = site_id.rsplit("-", 1)[1] if site_id[-1].isdigit() else ""
            name = f"{city} {label}" + (f" {number}" if number else "")
            address = "" if kind == "cloud-region" else f"{self.rng.randint(1, 200)} Example Way, {city}"
            self.sites.append(Site(site_id, name, kind, address, hazards))

    def make_vendors(self) -> None:
        ids = _Ids()
        for index in range(5 + self.count // 50):
            base, provides = VENDORS[index % len(VENDORS)]
            round_ = index // len(VENDORS)
            name = base if round_ == 0 else f"{base} {round_ + 1}"
            vendor_id = ids.take(name)
            short = slugify(base).split("-")[0].upper()
            contract = f"{short}-{2022 + index % 4}-{100 + index:03d}"
            recovery = self.rng.choice((None, 2 * HOUR, 4 * HOUR, 8 * HOUR, DAY))
            self.vendors.append(
                Vendor(
                    vendor_id,
                    name,
                    provides,
                    contract,
                    f"+1 555 01{index % 100:02d}",
                    f"support@{vendor_id}.example",
                    recovery,
                )
            )

    def layer_bounds(self) -> list[tuple[int, int]]:
        """Index ranges of the layers: about 5% foundation, the rest in equal upper layers."""
        foundation = max(1, round(self.count * 0.05))
        rest = self.count - foundation
        bounds = [(0, foundation)]
        start = foundation
        for layer in range(UPPER_LAYERS):
            size = rest // UPPER_LAYERS + (1 if layer < rest % UPPER_LAYERS else 0)
            if size:
                bounds.append((start, start + size))
                start += size
        return bounds

    def make_services(self) -> None:
        width = max(4, len(str(self.count)))
        bounds = self.layer_bounds()
        for layer, (start, end) in enumerate(bounds):
            below = bounds[layer - 1][0] if layer else 0
            last = layer == len(bounds) - 1 and layer > 0
            for index in range(start, end):
                self.services.append(self.make_service(index, layer, width, (below, start), last))

    def make_service(self, index: int, layer: int, width: int, below: tuple[int, int], last: bool) -> Service:
        """One service; *below* is the index range of the layer under it."""
        rng = self.rng
        number = index + 1
        if layer == 0:
            base = FOUNDATIONS[index % len(FOUNDATIONS)]
            domain = base.split()[0]
            tier = self.weighted((1, 2, 3, 4), FOUNDATION_TIER_WEIGHTS)
        else:
            domain = rng.choice(DOMAINS)
            base = f"{domain} {rng.choice(NOUNS)}"
            tier = self.weighted((1, 2, 3, 4), LAYER_TIER_WEIGHTS)
        name = f"{base} {number:0{width}d}"
        service_id = f"svc-{number:0{width}d}-{slugify(base)}"
        rto = rng.choice(RTO_CHOICES[tier])
        recovery_time: int | None = rng.choice(RECOVERY_TIME_CHOICES[tier])
        team = rng.choice(self.teams)
        owner = team.lead if rng.random() < 0.6 else rng.choice(team.members)
        # Most services sit in the two data centres or the cloud region.
        site = self.sites[rng.randrange(3)] if rng.random() < 0.8 else rng.choice(self.sites)
        service = Service(
            number, service_id, name, domain, layer, tier, rto, recovery_time, team, owner, site
        )

        if layer > 0:
            self.choose_dependencies(service, below)
        if rng.random() < 0.4:
            vendor = rng.choice(self.vendors)
            # A contract slower than the RTO cannot be leaned on: the service
            # must run without the vendor, so the link is degraded.
            slow = vendor.recovery_time is not None and vendor.recovery_time > rto
            note = "runs with reduced features without it" if slow else vendor.provides
            service.dependencies.append(Dependency(None, vendor, slow, note))
        # A few top-layer services have no timed recovery (an honest unknown);
        # nothing depends on them, so no other estimate turns unknown.
        if last and rng.random() < 0.03:
            service.recovery_time = None
        hard = [d.service.estimate for d in service.dependencies if d.service is not None and not d.degraded]
        if service.recovery_time is not None:
            service.estimate = service.recovery_time + max((e for e in hard if e is not None), default=0)
        return service

    def choose_dependencies(self, service: Service, below: tuple[int, int]) -> None:
        """0-4 services of earlier layers, each within the dependant's RTO and estimate budget.

        Candidates are sampled rather than filtered, keeping generation linear
        in the number of services.
        """
        rng = self.rng
        wanted = self.weighted(range(5), DEPENDENCY_COUNT_WEIGHTS)
        chosen: set[str] = set()
        budget = service.rto - (service.recovery_time or 0)
        below_start, end = below
        for slot in range(wanted):
            degraded = rng.random() < 0.15
            for attempt in range(25):
                # The first link tries the layer just below first, so the graph has depth.
                low = below_start if slot == 0 and attempt < 10 else 0
                candidate = self.services[rng.randrange(low, end)]
                if candidate.id in chosen:
                    continue
                if not degraded and (
                    candidate.rto > service.rto or candidate.estimate is None or candidate.estimate > budget
                ):
                    continue
                chosen.add(candidate.id)
                note = rng.choice(DEPENDENCY_NOTES)
                if degraded:
                    note = f"{note}; runs slower without it"
                service.dependencies.append(Dependency(candidate, None, degraded, note))
                break

    def make_backups(self, service: Service) -> None:
        rpo = self.rpo_of(service)
        primary_frequency = self.rng.choice(
            [f for f in (15, 30, HOUR, 4 * HOUR, 12 * HOUR, DAY) if f <= rpo] or [rpo]
        )
        service.backups.append(Backup(f"{service.slug}-db", primary_frequency))
        if self.rng.random() < 0.7:
            service.backups.append(Backup(f"{service.slug}-offsite", max(DAY, primary_frequency)))
        if self.rng.random() < 0.3:
            service.backups.append(Backup(f"{service.slug}-config", DAY))

    def rpo_of(self, service: Service) -> int:
        # The RPO is drawn once per service and remembered: several sections need it.
        cached = self._rpo.get(service.id)
        if cached is None:
            cached = self.rng.choice(RPO_CHOICES[service.tier])
            self._rpo[service.id] = cached
        return cached

    # -- documents -----------------------------------------------------------

    def handbook_document(self) -> dict[str, Node]:
        return {
            "organisation": self.organisation,
            "title": "IT Service Continuity Handbook",
            "classification": "Internal",
            "review_interval": Plain("52w"),
            "exercise_interval": Plain("52w"),
            "copy_warning_after": Plain("30d"),
            "impact": {
                "categories": [FlowMap(id=cid, name=name) for cid, name in CATEGORIES],
                "levels": [
                    FlowMap(level=0, name="None"),
                    FlowMap(level=1, name="Minor", description="Absorbed within normal operations"),
                    FlowMap(level=2, name="Moderate"),
                    FlowMap(level=3, name="Major"),
                    FlowMap(level=4, name="Severe", description="Threatens the organisation"),
                ],
                "intolerable": INTOLERABLE,
                "intervals": [duration(i) for i in INTERVALS],
            },
            "tiers": [FlowMap(tier=t, name=n, max_rto=duration(m)) for t, n, m in TIERS],
            "risk": {
                "likelihood": ["Rare", "Unlikely", "Possible", "Likely", "Almost certain"],
                "impact": ["Insignificant", "Minor", "Moderate", "Major", "Catastrophic"],
                "appetite": 9,
            },
        }

    def people_document(self) -> dict[str, Node]:
        rng = self.rng
        by_person: dict[str, Team] = {}
        for team in self.teams:
            for member in team.members:
                by_person.setdefault(member.id, team)
        people: list[Node] = []
        for person in self.people:
            record: dict[str, Node] = {
                "id": person.id,
                "name": person.name,
                "role": person.role,
                "phone": self.phone("+44 20 7946 0", person.index),
            }
            if rng.random() < 0.7:
                record["mobile"] = self.phone("+44 7700 900", person.index)
            record["email"] = person.email
            home = by_person.get(person.id)
            if home is not None and len(home.members) > 1 and rng.random() < 0.6:
                deputy = rng.choice([m for m in home.members if m.id != person.id])
                record["deputy"] = deputy.id
            people.append(record)
        teams: list[Node] = []
        for index, team in enumerate(self.teams):
            teams.append(
                {
                    "id": team.id,
                    "name": team.name,
                    "lead": team.lead.id,
                    "members": [m.id for m in team.members],
                    "phone": self.phone("+44 161 496 0", index),
                    "email": f"{team.id}-oncall@{self.domain}",
                    "escalation": [team.id, team.lead.id, self.people[2].id, self.people[0].id],
                }
            )
        return {"people": people, "teams": teams}

    def sites_document(self) -> dict[str, Node]:
        sites: list[Node] = []
        for site in self.sites:
            record: dict[str, Node] = {"id": site.id, "name": site.name, "kind": site.kind}
            if site.address:
                record["address"] = site.address
            record["hazards"] = list(site.hazards)
            record["contact"] = self.teams[0].id
            sites.append(record)
        return {"sites": sites}

    def vendors_document(self) -> dict[str, Node]:
        vendors: list[Node] = []
        for vendor in self.vendors:
            record: dict[str, Node] = {
                "id": vendor.id,
                "name": vendor.name,
                "provides": vendor.provides,
                "contract": vendor.contract,
                "support_phone": Phone(vendor.phone),
                "support_email": vendor.email,
                "support_hours": self.rng.choice(("24x7", "Business hours, Monday to Friday")),
                "sla": self.rng.choice(
                    ("4h response, 99.9% monthly", "1h response for priority 1", "Next business day")
                ),
            }
            if vendor.recovery_time is not None:
                record["recovery_time"] = duration(vendor.recovery_time)
            vendors.append(record)
        return {"vendors": vendors}

    def impact(self, mtpd: int) -> FlowMap:
        """Levels that only grow, reaching the intolerable level no earlier than the MTPD."""
        rng = self.rng
        categories = [CATEGORIES[0][0], CATEGORIES[1][0]]
        categories += [cid for cid, _ in CATEGORIES[2:] if rng.random() < (0.2 if cid == "safety" else 0.6)]
        primary = rng.choice(categories[:2])
        impact = FlowMap()
        for category in [cid for cid, _ in CATEGORIES if cid in categories]:
            levels: dict[str, Node] = FlowMap()
            level = 0
            for interval in INTERVALS[rng.randrange(2) :]:
                cap = INTOLERABLE if interval >= mtpd else INTOLERABLE - 1
                new = min(cap, level + rng.choice((0, 1, 1, 2)))
                if category == primary and interval == mtpd:
                    # The business cannot go on past the MTPD: that is what it means.
                    new = INTOLERABLE
                if new > level:
                    levels[duration(interval)] = new
                    level = new
            if levels:
                impact[category] = levels
        return impact

    def mtpd_of(self, rto: int) -> int:
        longer = [i for i in INTERVALS if i > rto] + [2 * WEEK, 3 * WEEK, 4 * WEEK]
        longer = [i for i in longer if i > rto]
        return longer[0] if self.rng.random() < 0.7 else longer[1]

    def service_document(self, service: Service) -> dict[str, Node]:
        rng = self.rng
        domain = service.domain.lower()
        department = rng.choice(DEPARTMENTS)
        words = service.name.split()
        document: dict[str, Node] = {
            "id": service.id,
            "name": service.name,
            "description": self.description(service, department),
            "aliases": [
                "".join(w[0] for w in words[:-1]) + str(service.number),
                " ".join(words[:-1]).lower(),
            ],
            "owner": service.owner.id,
            "team": service.team.id,
        }
        # A quarter leave the tier out, so it is derived from the RTO.
        if rng.random() < 0.75:
            document["tier"] = service.tier
        depends: list[Node] = []
        for dep in service.dependencies:
            if dep.service is not None:
                link: dict[str, Node] = {"service": dep.service.id, "note": dep.note}
                if dep.degraded:
                    link["degraded"] = True
                depends.append(link)
        depends.append({"site": service.site.id, "note": "primary hosting"})
        for dep in service.dependencies:
            if dep.vendor is not None:
                link = {"vendor": dep.vendor.id, "note": dep.note}
                if dep.degraded:
                    link["degraded"] = True
                depends.append(link)
        document["depends_on"] = depends

        mtpd = self.mtpd_of(service.rto)
        rpo = self.rpo_of(service)
        bia: dict[str, Node] = {
            "impact": self.impact(mtpd),
            "mtpd": duration(mtpd),
            "rto": duration(service.rto),
            "rpo": duration(rpo),
            "mbco": Markdown(
                f"{department} handles urgent {domain} work by hand at a quarter of normal volume."
            ),
        }
        if rng.random() < 0.4:
            bia["peak_periods"] = rng.sample(PEAK_PERIODS, rng.randint(1, 2))
        bia["resources"] = Markdown(
            f"Two engineers of {service.team.name} with console access, and the printed runbook."
        )
        document["bia"] = bia

        alternate = rng.choice(
            [s for s in self.sites if s.id != service.site.id and s.kind != "office"] or self.sites
        )
        document["assets"] = self.assets(service)
        self.make_backups(service)
        document["backups"] = self.backups(service, alternate)
        strategy = rng.choice(STRATEGIES[service.tier])
        continuity: dict[str, Node] = {"strategy": strategy, "alternate_site": alternate.id}
        if service.recovery_time is not None:
            continuity["recovery_time"] = duration(service.recovery_time)
        continuity["workaround"] = Markdown(
            f"{department} logs {domain} requests on the paper form kept in the continuity box\n"
            f"and keys them in once {service.name} is back.\n"
        )
        document["continuity"] = continuity
        document["recovery"] = self.recovery(service, strategy, alternate, department)
        document["communications"] = self.communications(service, department)
        document["review"] = {"last_reviewed": self.days_ago(5, 330), "reviewed_by": service.owner.id}
        return document

    def description(self, service: Service, department: str) -> Markdown:
        users = self.rng.sample(DEPARTMENTS, 2)
        if service.layer == 0:
            first = f"Shared {service.name.rsplit(' ', 1)[0].lower()} that other services are built on."
        else:
            first = f"Runs {service.domain.lower()} processing for {department}."
        if self.rng.random() < 0.5:
            return Markdown(first)
        return Markdown(f"{first}\n\nMain users:\n\n- {users[0]}\n- {users[1]}\n")

    def assets(self, service: Service) -> list[Node]:
        rng = self.rng
        assets: list[Node] = []
        extra = rng.sample(["server", "network", "storage", "licence", "data"], rng.randint(0, 2))
        kinds = ["application", "database", *extra]
        for number, kind in enumerate(kinds, start=1):
            asset: dict[str, Node] = {
                "name": f"{service.slug}-{kind}-{number:02d}",
                "kind": kind,
                "site": service.site.id,
            }
            if kind == "licence" and self.vendors:
                asset["vendor"] = rng.choice(self.vendors).id
            asset["note"] = rng.choice(ASSET_NOTES[kind])
            assets.append(asset)
        return assets

    def backups(self, service: Service, alternate: Site) -> list[Node]:
        rng = self.rng
        records: list[Node] = []
        for index, backup in enumerate(service.backups):
            # One copy always leaves the building: the only one, or the second.
            offsite = index == 1 or len(service.backups) == 1
            record: dict[str, Node] = {
                "name": backup.name,
                "frequency": duration(backup.frequency),
                "retention": Plain(rng.choice(("7d", "35d", "90d"))),
                "method": rng.choice(BACKUP_METHODS),
                "offsite": offsite,
            }
            if offsite:
                vendor = next((v for v in self.vendors if "backup" in v.provides.lower()), None)
                if vendor is not None and rng.random() < 0.3:
                    record["location"] = FlowMap(vendor=vendor.id)
                else:
                    record["location"] = FlowMap(site=alternate.id)
            else:
                record["location"] = FlowMap(site=service.site.id)
            record["restore_tested"] = self.days_ago(10, 200)
            records.append(record)
        return records

    def recovery(self, service: Service, strategy: str, alternate: Site, department: str) -> dict[str, Node]:
        rng = self.rng
        slug = service.slug
        checks = [
            f"curl -fsS https://{d.service.slug}.internal.example/health"
            for d in service.dependencies
            if d.service is not None and not d.degraded
        ] or [f"ping -c 3 gw.{service.site.id}.internal.example"]
        vendor = (
            next((d.vendor for d in service.dependencies if d.vendor is not None), None) or self.vendors[0]
        )
        steps: dict[str, tuple[str, str, str]] = {
            "confirm": (
                "Confirm the outage and open an incident",
                f"Check the monitoring dashboard for {service.name}, then open a priority 1 incident:\n\n"
                f"```shell\nincident open --service {service.id} --priority P1\n```\n",
                "The incident ticket exists and the bridge line is open.",
            ),
            "deps": (
                "Check that dependencies are running",
                "Each dependency must answer before this service can recover:\n\n"
                "```shell\n" + "\n".join(checks) + "\n```\n",
                "Every check returns HTTP 200.",
            ),
            "stop": (
                "Stop writes on the primary",
                f"```shell\nsudo systemctl stop {slug}-app.service\n```\n",
                f"No `{slug}-app` process runs on the primary.",
            ),
            "promote": (
                f"Promote the standby in {alternate.name}",
                f"On the standby database host in {alternate.id}:\n\n"
                "```shell\nsudo -u postgres pg_ctl promote -D /var/lib/postgresql/16/main\n```\n",
                "`SELECT pg_is_in_recovery()` returns false.",
            ),
            "restore": (
                "Restore the latest good backup",
                "List the snapshots, then restore the newest one that finished:\n\n"
                f"```shell\nrestic -r s3:backup.internal.example/{slug} snapshots --latest 3\n"
                f"restic -r s3:backup.internal.example/{slug} restore latest --target /srv/{slug}\n```\n",
                "The restore log ends without errors and the row counts match the last report.",
            ),
            "traffic": (
                f"Move traffic to {alternate.name}",
                f"```shell\nlbctl pool set {slug} --active {alternate.id}\n```\n",
                f"The load balancer shows all requests reaching {alternate.id}.",
            ),
            "rebuild": (
                "Rebuild the application servers",
                f"```shell\nansible-playbook site.yml --limit {slug} --tags rebuild\n```\n",
                "The playbook recap shows no failed hosts.",
            ),
            "dns": (
                "Point DNS at the recovered service",
                f"```shell\ndnsctl set {slug}.internal.example"
                f" CNAME {slug}.{alternate.id}.internal.example --ttl 60\n```\n",
                f"`dig +short {slug}.internal.example` shows the new target.",
            ),
            "start": (
                "Start the application",
                f"```shell\nsudo systemctl start {slug}-app.service\n"
                f"journalctl -u {slug}-app.service --since -10m\n```\n",
                "The journal shows the service listening.",
            ),
            "smoke": (
                "Run the smoke tests",
                f"```shell\n./smoke-test.sh --target https://{slug}.internal.example\n```\n",
                "All smoke tests pass.",
            ),
            "jobs": (
                "Re-enable scheduled jobs",
                f"```shell\nsudo systemctl start {slug}-batch.timer\nsystemctl list-timers '{slug}-*'\n```\n",
                "The next batch run is scheduled.",
            ),
            "vendor": (
                f"Raise a priority 1 case with {vendor.name}",
                f"Call {vendor.name} support on {vendor.phone} and quote contract {vendor.contract}.\n\n"
                f"```text\nService affected: {service.name}\nPriority: 1\n"
                f"Call back: {service.team.name} on-call line\n```\n",
                "The vendor has given a case number and a first update time.",
            ),
            "workaround": (
                "Start the manual workaround",
                f"Tell {department} to switch to the paper process and record the start time:\n\n"
                f"```text\n{service.name} is down.\n"
                f"Use the manual {service.domain.lower()} form until further notice.\n```\n",
                f"{department} confirms the paper process is running.",
            ),
            "handback": (
                "Hand the service back to the business",
                f"Tell the service desk and {department} that {service.name} is back:\n\n"
                f"```text\n{service.name} restored. Report any problem to the service desk.\n```\n",
                f"{department} confirms normal work has resumed.",
            ),
        }
        sequences = {
            "active-active": ["confirm", "deps", "traffic", "smoke", "jobs", "handback"],
            "hot-standby": ["confirm", "deps", "stop", "promote", "dns", "start", "smoke", "handback"],
            "warm-standby": ["confirm", "deps", "promote", "start", "dns", "smoke", "jobs", "handback"],
            "cold-standby": ["confirm", "deps", "restore", "start", "dns", "smoke", "handback"],
            "restore-from-backup": [
                "confirm",
                "deps",
                "stop",
                "restore",
                "start",
                "smoke",
                "jobs",
                "handback",
            ],
            "rebuild": ["confirm", "deps", "rebuild", "restore", "start", "smoke", "handback"],
            "manual-workaround": ["confirm", "workaround", "deps", "restore", "start", "handback"],
            "vendor-managed": ["confirm", "vendor", "deps", "smoke", "handback"],
        }
        sequence = list(sequences[strategy])
        # Keep the first and last step; drop middle ones to vary the length (3-8).
        target = rng.randint(3, len(sequence))
        while len(sequence) > target:
            del sequence[rng.randrange(1, len(sequence) - 1)]
        step_time = max(5, ((service.recovery_time or HOUR) // len(sequence)) // 5 * 5)
        authority = service.team.lead if service.tier > 2 else self.people[2]
        recovery_steps: list[Node] = []
        for key in sequence:
            title, details, verify = steps[key]
            recovery_steps.append(
                {
                    "title": title,
                    "assignee": service.team.id,
                    "duration": duration(step_time),
                    "details": Markdown(details),
                    "verify": Markdown(verify),
                }
            )
        return {
            "activation": Markdown(
                f"{service.name} unavailable, or answering slower than 10 seconds, "
                f"for more than {duration(max(15, service.rto // 4))}."
            ),
            "authority": authority.id,
            "steps": recovery_steps,
            "validation": Markdown(
                f"{department} completes one {service.domain.lower()} transaction end to end."
            ),
            "reconstitution": Markdown(
                f"Fail back to {service.site.name} in the next maintenance window,\n"
                "then re-run the smoke tests and close the incident.\n"
            ),
        }

    def communications(self, service: Service, department: str) -> list[Node]:
        rng = self.rng
        records: list[Node] = []
        for audience, channel in rng.sample(AUDIENCES, rng.randint(1, 3)):
            records.append(
                {
                    "audience": audience,
                    "channel": channel,
                    "owner": rng.choice((service.owner.id, service.team.id, self.people[3].id)),
                    "when": "On activation, then every 2 hours",
                    "message": Markdown(
                        f"{service.name} is unavailable. {department} is using the manual process;\n"
                        "the next update follows within 2 hours.\n"
                    ),
                }
            )
        return records

    def risks_document(self) -> dict[str, Node]:
        rng = self.rng
        ids = _Ids()
        risks: list[Node] = []
        for index in range(12 + self.count // 20):
            title, category, kind = RISK_TEMPLATES[index % len(RISK_TEMPLATES)]
            affects: list[Node]
            if kind == "site":
                site = rng.choice(self.sites)
                name, affects = site.name, [FlowMap(site=site.id)]
            elif kind == "vendor":
                vendor = rng.choice(self.vendors)
                name, affects = vendor.name, [FlowMap(vendor=vendor.id)]
            else:
                picked = rng.sample(self.services, min(len(self.services), rng.randint(1, 3)))
                name, affects = picked[0].name, [FlowMap(service=s.id) for s in picked]
            likelihood, impact = rng.randint(1, 5), rng.randint(1, 5)
            score = likelihood * impact
            treatment = (
                rng.choice(("mitigate", "mitigate", "transfer"))
                if score > 9
                else rng.choice(("mitigate", "accept"))
            )
            risks.append(
                {
                    "id": ids.take(title.format(name=name)),
                    "title": title.format(name=name),
                    "category": category,
                    "likelihood": likelihood,
                    "impact": impact,
                    "affects": affects,
                    "treatment": treatment,
                    # Every risk names its mitigations, so none is accepted bare.
                    "mitigations": rng.sample(MITIGATIONS, rng.randint(1, 3)),
                    "owner": rng.choice(self.people).id,
                }
            )
        return {"risks": risks}

    def scenario_documents(self) -> None:
        ids = _Ids()
        foundation = [s for s in self.services if s.layer == 0]
        lost_options: list[tuple[str, str, str, str]] = []
        for index in range(max(len(self.sites), len(self.vendors), len(foundation))):
            if index < len(self.sites):
                s = self.sites[index]
                lost_options.append(
                    ("site", s.id, s.name, "Fire, flood or a long power cut makes the site unusable.")
                )
            if index < len(foundation):
                f = foundation[index]
                lost_options.append(
                    ("service", f.id, f.name, "A failed upgrade or corruption takes the service down.")
                )
            if index < len(self.vendors):
                v = self.vendors[index]
                lost_options.append(("vendor", v.id, v.name, "The supplier stops delivering its service."))
        for kind, target, name, why in lost_options[: 3 + self.count // 100]:
            scenario_id = ids.take(f"loss-of-{target}")
            self.scenario_ids.append(scenario_id)
            self.files[f"scenarios/{scenario_id}.yaml"] = to_yaml(
                {
                    "id": scenario_id,
                    "title": f"Loss of {name}",
                    "description": Markdown(why),
                    "lost": [FlowMap({kind: target})],
                }
            )

    def exercise_documents(self) -> None:
        """Every tier-1 and tier-2 service is exercised within the last year; none's latest one failed."""
        rng = self.rng
        total = 5 + self.count // 10
        scheduled = max(1, total // 10)
        historic = max(1, total // 10)
        recent = max(1, total - scheduled - historic)
        critical = [s for s in self.services if s.tier <= 2]
        others = [s for s in self.services if s.tier > 2]
        covered = critical + rng.sample(others, len(others) // 4)
        rng.shuffle(covered)
        groups: list[list[Service]] = [[] for _ in range(recent)]
        for index, service in enumerate(covered):
            groups[index % recent].append(service)
        for group in groups:
            if not group:
                group.append(rng.choice(self.services))
        plans: list[tuple[datetime.date, list[Service], str | None]] = []
        for group in groups:
            plans.append(
                (self.days_ago(7, 330), group, rng.choice(("passed", "passed", "passed-with-issues")))
            )
        # Older exercises only name services exercised again since, so an old
        # failure is never anyone's latest result.
        pool = covered or self.services
        for _ in range(historic):
            group = rng.sample(pool, min(len(pool), rng.randint(1, 4)))
            plans.append(
                (self.days_ago(400, 700), group, rng.choice(("passed", "passed-with-issues", "failed")))
            )
        for _ in range(scheduled):
            group = rng.sample(self.services, min(len(self.services), rng.randint(1, 4)))
            plans.append((self.today + datetime.timedelta(days=rng.randint(14, 120)), group, None))
        ids = _Ids()
        for date, group, outcome in plans:
            kind = rng.choice(EXERCISE_KINDS)
            first = group[0]
            exercise_id = ids.take(f"{date:%Y-%m}-{first.slug}-{kind}")
            title = f"{first.name} {kind.replace('-', ' ')}" + (
                f" and {len(group) - 1} more" if len(group) > 1 else ""
            )
            document: dict[str, Node] = {
                "id": exercise_id,
                "title": title,
                "date": date,
                "kind": kind,
                "services": [s.id for s in group],
            }
            if self.scenario_ids and rng.random() < 0.3:
                document["scenario"] = rng.choice(self.scenario_ids)
            if outcome is not None:
                document["outcome"] = outcome
                achieved = FlowMap()
                for service in group:
                    if service.estimate is not None and rng.random() < 0.6:
                        achieved[service.id] = duration(
                            min(service.rto, service.estimate + rng.choice((0, 15, 30)))
                        )
                if achieved:
                    document["achieved"] = achieved
                if outcome != "passed":
                    document["findings"] = Markdown(
                        f"The runbook for {first.name} missed a step:\n\n"
                        "- the standby needed a manual DNS change\n"
                    )
                    document["actions"] = self.actions(first, date)
            self.files[f"exercises/{exercise_id}.yaml"] = to_yaml(document)

    def actions(self, service: Service, date: datetime.date) -> list[Node]:
        rng = self.rng
        actions: list[Node] = []
        for title in rng.sample(
            (
                "Add the DNS change to the runbook",
                "Keep a printed copy at the alternate site",
                "Automate the failover check",
                "Update the call tree",
            ),
            rng.randint(1, 2),
        ):
            # Open actions are due in the future; finished ones kept their past due date.
            done = rng.random() < 0.5
            due = (
                date + datetime.timedelta(days=rng.randint(14, 60))
                if done
                else self.today + datetime.timedelta(days=rng.randint(7, 120))
            )
            actions.append(
                {
                    "title": title,
                    "owner": rng.choice((service.owner.id, service.team.id)),
                    "due": due,
                    "status": "done" if done else "open",
                }
            )
        return actions

    def evidence(self) -> str:
        """Backup runs: for each backup a success inside its frequency, an earlier failure and success."""
        rng = self.rng
        rows: list[tuple[datetime.datetime, str, str, str]] = []
        for service in self.services:
            for backup in service.backups:
                # Last success between a tenth and a half of the frequency ago.
                offset = max(1, backup.frequency * rng.randint(10, 50) // 100)
                last = self.now - datetime.timedelta(minutes=offset)
                previous = last - datetime.timedelta(minutes=backup.frequency)
                rows.append((last, service.id, backup.name, "success"))
                rows.append((previous, service.id, backup.name, rng.choice(("success", "failed"))))
                rows.append(
                    (
                        previous - datetime.timedelta(minutes=backup.frequency),
                        service.id,
                        backup.name,
                        "success",
                    )
                )
        rows.sort()
        lines = ["service,backup,finished_at,status"]
        lines += [f"{sid},{name},{at:%Y-%m-%dT%H:%M:%SZ},{status}" for at, sid, name, status in rows]
        return "\n".join(lines) + "\n"

    def run(self) -> dict[str, str]:
        self.make_people()
        self.make_sites()
        self.make_vendors()
        self.make_services()
        self.files["handbook.yaml"] = to_yaml(self.handbook_document())
        self.files["people.yaml"] = to_yaml(self.people_document())
        self.files["sites.yaml"] = to_yaml(self.sites_document())
        self.files["vendors.yaml"] = to_yaml(self.vendors_document())
        for service in self.services:
            self.files[f"services/{service.id}.yaml"] = to_yaml(self.service_document(service))
        self.files["risks.yaml"] = to_yaml(self.risks_document())
        self.scenario_documents()
        self.exercise_documents()
        self.files["evidence/backups.csv"] = self.evidence()
        self.files["README.md"] = (
            f"{README_MARKER}\n\nSynthetic data written by `python -m handbook.synthetic`"
            f" ({len(self.services)} services, seed {self.seed}, today {self.today.isoformat()}).\n"
            "Every name, number and address in it is invented.\n"
        )
        return self.files


README_MARKER = "# Synthetic continuity data"
_GENERATED_DIRS = ("services", "scenarios", "exercises")


def _prepare(out_dir: pathlib.Path) -> None:
    """Make *out_dir* ready: new, empty, or a previous synthetic folder whose records are cleared.

    Clearing matters: a smaller regeneration must not leave an earlier run's
    services behind. Anything else is refused, so a real data folder given by
    mistake is never touched.
    """
    if not out_dir.exists():
        out_dir.mkdir(parents=True)
        return
    entries = list(out_dir.iterdir())
    if not entries:
        return
    readme = out_dir / "README.md"
    if not (readme.is_file() and readme.read_text(encoding="utf-8").startswith(README_MARKER)):
        raise FileExistsError(f"{out_dir} is not empty and was not written by handbook.synthetic")
    for folder in _GENERATED_DIRS:
        path = out_dir / folder
        if path.is_dir():
            for file in path.glob("*.yaml"):
                file.unlink()


def generate(
    out_dir: pathlib.Path,
    services: int,
    seed: int = 1,
    today: datetime.date = DEFAULT_TODAY,
) -> None:
    """Write a complete, valid data folder with *services* services into *out_dir*.

    The same arguments give byte-identical files. Dates (reviews, exercises,
    backup evidence) are placed relative to *today*, judged at 12:00 UTC.
    """
    generator = _Generator(services, seed, today)
    files = generator.run()
    out_dir = pathlib.Path(out_dir)
    _prepare(out_dir)
    for folder in ("services", "scenarios", "exercises", "evidence"):
        (out_dir / folder).mkdir(exist_ok=True)
    for relative in sorted(files):
        # newline="" keeps "\n" on every platform: byte-identical output.
        with open(out_dir / relative, "w", encoding="utf-8", newline="") as handle:
            handle.write(files[relative])


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m handbook.synthetic",
        description="Write a synthetic but valid handbook data folder.",
    )
    parser.add_argument("out_dir", type=pathlib.Path, metavar="OUT_DIR")
    parser.add_argument("--services", type=int, required=True, metavar="N", help="number of services")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--today",
        type=_date,
        default=DEFAULT_TODAY,
        metavar="YYYY-MM-DD",
        help=f"the day dates are relative to (default {DEFAULT_TODAY.isoformat()})",
    )
    args = parser.parse_args(argv)
    if args.services < 1:
        parser.error("--services must be at least 1")
    try:
        generate(args.out_dir, args.services, seed=args.seed, today=args.today)
    except FileExistsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
