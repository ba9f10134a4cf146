"""The analysis stage: from the validated data set to the answers planners ask ahead of time (the
recovery order, what a loss disrupts, where plans and evidence fall short of the objectives).
Pure functions over a :class:`~handbook.dataset.Dataset`; the pages and the command line word them.

The rules are those of ``../shared/spec/data-format.md`` ("Derived facts", "Recovery waves",
"Scenarios"). Everything here is linear in the size of the dependency graph: the graph is indexed
once (:func:`index`) and each what-if is one walk over the part of it that the loss reaches.
"""

from __future__ import annotations

import datetime as dt
import graphlib
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from handbook.dataset import Dataset
from handbook.durations import Duration
from handbook.model import Service
from handbook.structure import suggest

Kind = Literal["service", "site", "vendor"]
Ref = tuple[Kind, str]  # ("site", "dc-london"): what a what-if loses, as the data format names it
KINDS: Final[tuple[Kind, ...]] = ("site", "vendor", "service")
State = Literal["disrupted", "degraded"]


def ref_text(ref: Ref) -> str:
    """``("site", "dc-london")`` -> ``site:dc-london``, as the command line writes it."""
    return f"{ref[0]}:{ref[1]}"


# --- the dependency graph, indexed once ----------------------------------------------------------


@dataclass(frozen=True)
class DependencyIndex:
    """The dependency graph both ways, and the recovery waves of every service."""

    # Service -> the services it needs (degraded links aside), sorted.
    hard: Mapping[str, tuple[str, ...]]
    # What is depended on -> (dependant service, whether the link is degraded), each pair once.
    users: Mapping[Ref, tuple[tuple[str, bool], ...]]
    # Service -> its recovery wave, 1 for a service that needs no other.
    wave_of: Mapping[str, int]
    # Service -> the suppliers it depends on or has assets from: the support lines to call.
    vendors: Mapping[str, tuple[str, ...]]


def _vendors_of(service: Service) -> tuple[str, ...]:
    named = [d.vendor for d in service.depends_on if d.vendor is not None]
    named += [a.vendor for a in service.assets if a.vendor is not None]
    return tuple(dict.fromkeys(named))


def index(data: Dataset) -> DependencyIndex:
    """Index the data set's dependencies; the graph of hard links is acyclic in a checked data set."""
    hard: dict[str, tuple[str, ...]] = {}
    users: dict[Ref, list[tuple[str, bool]]] = {}
    for sid, service in data.services.items():
        needs: set[str] = set()
        for dep in service.depends_on:
            ref: Ref = (dep.kind, dep.id)
            users.setdefault(ref, []).append((sid, dep.degraded))
            if dep.service is not None and not dep.degraded:
                needs.add(dep.service)
        hard[sid] = tuple(sorted(needs))
    wave_of: dict[str, int] = {}
    for sid in graphlib.TopologicalSorter(hard).static_order():
        wave_of[sid] = 1 + max((wave_of[d] for d in hard[sid]), default=0)
    return DependencyIndex(
        hard,
        {ref: tuple(dict.fromkeys(pairs)) for ref, pairs in users.items()},
        {sid: wave_of[sid] for sid in data.services},
        {sid: _vendors_of(service) for sid, service in data.services.items()},
    )


def _by_priority(data: Dataset, ids: Iterable[str]) -> list[str]:
    """Most critical tier first, then the shortest RTO, then id: the order within a wave."""
    facts, services = data.facts, data.services
    return sorted(ids, key=lambda sid: (facts[sid].tier.tier, services[sid].bia.rto, sid))


# --- recovery order ------------------------------------------------------------------------------


def recovery_waves(data: Dataset, graph: DependencyIndex | None = None) -> list[list[str]]:
    """Every service in waves: a service comes after every service it needs (degraded links play no
    part), most critical tier first within a wave, then RTO, then id."""
    graph = graph or index(data)
    waves: list[list[str]] = [[] for _ in range(max(graph.wave_of.values(), default=0))]
    for sid, wave in graph.wave_of.items():
        waves[wave - 1].append(sid)
    return [_by_priority(data, wave) for wave in waves]


@dataclass(frozen=True)
class PathLink:
    """One service on a critical path: its own recovery time and the estimate up to it."""

    service: str
    recovery_time: Duration | None  # this service's continuity.recovery_time
    cumulative: Duration | None  # its estimated recovery: its own time plus everything below it


def critical_path(data: Dataset, service_id: str) -> list[PathLink]:
    """The chain of dependencies that sets the service's estimated recovery, from the service down
    to the first to recover; with an unknown estimate, down to the service without recovery_time."""
    links = []
    for sid in data.facts[service_id].critical_path:
        continuity = data.services[sid].continuity
        own = continuity.recovery_time if continuity else None
        links.append(PathLink(sid, own, data.facts[sid].estimate))
    return links


def critical_paths(data: Dataset) -> dict[str, list[PathLink]]:
    """The critical path of every service in the first two tiers, by service id."""
    critical = {t.tier for t in data.handbook.tiers[:2]}
    return {
        sid: critical_path(data, sid)
        for sid in sorted(data.services)
        if data.facts[sid].tier.tier in critical
    }


# --- what-if -------------------------------------------------------------------------------------


class UnknownReference(ValueError):
    """A what-if names something the data does not hold; the message says what was meant."""


def _did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)``; with no near one, the known ones when they are few."""
    known = sorted(candidates)
    match = suggest(word, known)
    if match:
        return f" (did you mean '{match}'?)"
    if known and len(known) <= 12:
        return f" (known: {', '.join(known)})"
    return ""


def _ids_of(data: Dataset, kind: Kind) -> Mapping[str, object]:
    return {"service": data.services, "site": data.sites, "vendor": data.vendors}[kind]


def parse_reference(data: Dataset, text: str) -> Ref:
    """``site:dc-london`` -> ``("site", "dc-london")``; an unknown kind or id raises
    :class:`UnknownReference` with the nearest known one."""
    kind, colon, record_id = text.partition(":")
    if not colon:
        # A bare id: name the kind that holds it, or the nearest id of any kind.
        holder = next((k for k in KINDS if text in _ids_of(data, k)), None)
        if holder is None:
            match = suggest(text, sorted({i for k in KINDS for i in _ids_of(data, k)}))
            holder = next((k for k in KINDS if match in _ids_of(data, k)), None) if match else None
            text_id = match
        else:
            text_id = text
        hint = f" (did you mean '{holder}:{text_id}'?)" if holder else ""
        raise UnknownReference(f"'{text}' is not KIND:ID: write site:ID, vendor:ID or service:ID{hint}")
    if kind not in KINDS:
        raise UnknownReference(
            f"'{text}': no kind '{kind}'{_did_you_mean(kind, KINDS)}: write site:ID, vendor:ID or service:ID"
        )
    checked: Kind = kind  # one of KINDS: tested above
    known = _ids_of(data, checked)
    if record_id not in known:
        other = next((k for k in KINDS if record_id in _ids_of(data, k)), None)
        hint = _did_you_mean(record_id, known)
        if other is not None and not hint.startswith(" (did"):
            hint = f" (did you mean '{other}:{record_id}'?)"
        elif not known:
            hint = f" (the data has no {checked})"
        raise UnknownReference(f"no {checked} '{record_id}'{hint}")
    return (checked, record_id)


def scenario_lost(data: Dataset, scenario_id: str) -> list[Ref]:
    """What a scenario of the data loses; an unknown scenario raises :class:`UnknownReference`."""
    scenario = data.scenarios.get(scenario_id)
    if scenario is None:
        where = " (the data has none)" if not data.scenarios else _did_you_mean(scenario_id, data.scenarios)
        raise UnknownReference(f"no scenario '{scenario_id}'{where}")
    return [(ref.kind, ref.id) for ref in scenario.lost]


@dataclass(frozen=True)
class Impact:
    """A service a what-if reaches, with what a responder needs to recover it."""

    service: str
    state: State
    tier: int
    rto: Duration
    # Disrupted: its recovery_time plus the longest estimate among its disrupted hard dependencies
    # (a lost site or vendor adds nothing). None when unknown, and for a degraded service, which
    # keeps running and has nothing to recover.
    estimate: Duration | None
    unknown_because: str | None  # the disrupted service without recovery_time that makes it unknown
    meets_rto: bool | None  # None when the estimate is unknown (or the service only runs degraded)
    via: Ref | None  # the lost thing or service it was reached through; None for a lost service
    lost_itself: bool  # a service the what-if names as lost
    alternate_site: str | None
    alternate_site_lost: bool  # it is meant to recover at a site this what-if loses
    owner: str
    team: str | None
    vendors: tuple[str, ...]  # suppliers it depends on or has assets from: the support lines to call
    wave: int  # its wave in the recovery order of the disrupted services (0 for degraded ones)


@dataclass(frozen=True)
class WhatIf:
    """What a loss disrupts and degrades, each ordered by RTO, then tier, then id."""

    lost: tuple[Ref, ...]
    disrupted: tuple[Impact, ...]
    degraded: tuple[Impact, ...]
    first_tier: int  # the number of the most critical tier, for the summary

    @property
    def first_tier_missing(self) -> list[Impact]:
        """Disrupted services of the most critical tier whose estimate misses their RTO."""
        return [i for i in self.disrupted if i.tier == self.first_tier and i.meets_rto is False]

    @property
    def unknown(self) -> list[Impact]:
        """Disrupted services whose estimate is unknown."""
        return [i for i in self.disrupted if i.estimate is None]

    @property
    def longest(self) -> Impact | None:
        """The disrupted service with the longest known estimate (the first by RTO among equals)."""
        known = [i for i in self.disrupted if i.estimate is not None]
        return max(known, key=lambda i: i.estimate or Duration(0)) if known else None

    @property
    def waves(self) -> list[list[Impact]]:
        """The disrupted services in recovery order: each after the disrupted services it needs."""
        waves: list[list[Impact]] = [[] for _ in range(max((i.wave for i in self.disrupted), default=0))]
        for impact in self.disrupted:
            waves[impact.wave - 1].append(impact)
        return [sorted(w, key=lambda i: (i.tier, i.rto, i.service)) for w in waves]

    @property
    def first_wave(self) -> list[Impact]:
        """What to recover first: the disrupted services that need no other disrupted service."""
        waves = self.waves
        return waves[0] if waves else []


def whatif(data: Dataset, lost: Iterable[Ref | str], graph: DependencyIndex | None = None) -> WhatIf:
    """What losing *lost* (references, or ``kind:id`` texts) disrupts and degrades.

    Disrupted: a lost service, and every service that needs something lost, directly or through
    other services, with no ``degraded: true`` link on the way. Degraded: a service reached only
    through such links, or depending on a degraded service, and not disrupted."""
    graph = graph or index(data)
    refs = tuple(dict.fromkeys(parse_reference(data, r) if isinstance(r, str) else r for r in lost))
    users = graph.users
    state: dict[str, State] = {}
    via: dict[str, Ref | None] = {}

    # Disrupted first, along hard links only: disruption wins over degradation wherever both reach.
    queue: deque[str] = deque()
    for kind, rid in refs:
        if kind == "service" and rid not in state:
            state[rid], via[rid] = "disrupted", None
            queue.append(rid)
    for ref in refs:
        for user, degraded in users.get(ref, ()):
            if not degraded and user not in state:
                state[user], via[user] = "disrupted", ref
                queue.append(user)
    while queue:
        sid = queue.popleft()
        ref = ("service", sid)
        for user, degraded in users.get(ref, ()):
            if not degraded and user not in state:
                state[user], via[user] = "disrupted", ref
                queue.append(user)
    disrupted = list(state)

    # Then degraded: over a degraded link from anything lost or disrupted, and onwards from a
    # degraded service over any link.
    sources: list[Ref] = [*refs, *(("service", sid) for sid in disrupted)]
    for ref in sources:
        for user, degraded in users.get(ref, ()):
            if degraded and user not in state:
                state[user], via[user] = "degraded", ref
                queue.append(user)
    while queue:
        sid = queue.popleft()
        ref = ("service", sid)
        for user, _ in users.get(ref, ()):
            if user not in state:
                state[user], via[user] = "degraded", ref
                queue.append(user)

    # Scenario estimates and waves, dependencies first (the global waves order them).
    estimate: dict[str, Duration | None] = {}
    because: dict[str, str | None] = {}
    wave: dict[str, int] = {}
    for sid in sorted(disrupted, key=lambda s: graph.wave_of[s]):
        continuity = data.services[sid].continuity
        own = continuity.recovery_time if continuity else None
        needs = [d for d in graph.hard[sid] if state.get(d) == "disrupted"]
        wave[sid] = 1 + max((wave[d] for d in needs), default=0)
        unknown = [d for d in needs if estimate[d] is None]
        if own is None:
            estimate[sid], because[sid] = None, sid
        elif unknown:
            estimate[sid], because[sid] = None, because[unknown[0]]
        else:
            estimate[sid] = own + max((estimate[d] or Duration(0) for d in needs), default=Duration(0))
            because[sid] = None

    lost_sites = {rid for kind, rid in refs if kind == "site"}
    lost_services = {rid for kind, rid in refs if kind == "service"}

    def impact(sid: str) -> Impact:
        service = data.services[sid]
        hit = state[sid]
        est = estimate.get(sid)
        alternate = service.continuity.alternate_site if service.continuity else None
        return Impact(
            service=sid,
            state=hit,
            tier=data.facts[sid].tier.tier,
            rto=service.bia.rto,
            estimate=est,
            unknown_because=because.get(sid),
            meets_rto=None if est is None else est <= service.bia.rto,
            via=via[sid],
            lost_itself=sid in lost_services,
            alternate_site=alternate,
            alternate_site_lost=alternate is not None and alternate in lost_sites,
            owner=service.owner,
            team=service.team,
            vendors=graph.vendors[sid],
            wave=wave.get(sid, 0),
        )

    def ordered(ids: Iterable[str]) -> tuple[Impact, ...]:
        services, facts = data.services, data.facts
        keyed = sorted(ids, key=lambda s: (services[s].bia.rto, facts[s].tier.tier, s))
        return tuple(impact(sid) for sid in keyed)

    return WhatIf(
        refs,
        ordered(disrupted),
        ordered(sid for sid, hit in state.items() if hit == "degraded"),
        data.handbook.tiers[0].tier,
    )


def all_whatifs(data: Dataset, graph: DependencyIndex | None = None) -> dict[str, WhatIf]:
    """The what-if of every scenario, site and vendor, keyed ``scenario:ID``, ``site:ID``, ``vendor:ID``."""
    graph = graph or index(data)
    found: dict[str, WhatIf] = {}
    for scenario_id in sorted(data.scenarios):
        found[f"scenario:{scenario_id}"] = whatif(data, scenario_lost(data, scenario_id), graph)
    for site_id in sorted(data.sites):
        found[f"site:{site_id}"] = whatif(data, [("site", site_id)], graph)
    for vendor_id in sorted(data.vendors):
        found[f"vendor:{vendor_id}"] = whatif(data, [("vendor", vendor_id)], graph)
    return found


# --- gap analysis --------------------------------------------------------------------------------

Judgement = Literal["met", "missed", "unknown", "unverified"]


@dataclass(frozen=True)
class ServiceGap:
    """A service's objectives against its plan and against the evidence that the plan works."""

    service: str
    tier: int
    # Required.
    rto: Duration
    rpo: Duration
    # Planned.
    estimate: Duration | None
    estimate_status: Judgement  # met | missed | unknown (no estimate)
    best_frequency: Duration | None  # the most frequent backup; None with no backup declared
    frequency_status: Judgement  # met | missed | unknown (no backup declared)
    # Evidenced.
    exercised: bool  # an exercise dated up to today names the service
    achieved: Duration | None  # the best time achieved in an exercise up to today
    achieved_in: str | None  # the exercise that achieved it
    achieved_status: Judgement  # met | missed | unverified (never exercised, or no time measured)
    last_backup: dt.datetime | None  # the latest successful run of any of its backups, up to now
    backup_age: Duration | None  # how old that run is: the data a loss now would cost
    backup_status: Judgement  # met | missed | unverified (no evidence file) | unknown (no backup)

    @property
    def gaps(self) -> int:
        """How many of the four judgements fall short (missed), for sorting the page."""
        judged = (self.estimate_status, self.frequency_status, self.achieved_status, self.backup_status)
        return sum(1 for j in judged if j == "missed")


@dataclass(frozen=True)
class VendorNeed:
    service: str
    rto: Duration
    status: Judgement  # met | missed | unknown (no contracted recovery time)


@dataclass(frozen=True)
class VendorGap:
    """A supplier's contracted recovery time against the RTOs of the services that need it."""

    vendor: str
    recovery_time: Duration | None
    needs: tuple[VendorNeed, ...]  # services depending on it without degraded: true, by RTO then id

    @property
    def status(self) -> Judgement:
        """Against the most demanding service: met, missed, unknown (no contracted time); met with
        no service needing it."""
        if not self.needs:
            return "met"
        return self.needs[0].status


def _against(value: Duration | None, objective: Duration, missing: Judgement) -> Judgement:
    if value is None:
        return missing
    return "met" if value <= objective else "missed"


def service_gap(data: Dataset, service_id: str) -> ServiceGap:
    service = data.services[service_id]
    facts = data.facts[service_id]
    rto, rpo = service.bia.rto, service.bia.rpo
    best_frequency = min((b.frequency for b in service.backups), default=None)
    past = [e for e in data.exercises_of(service_id) if e.date <= data.today]
    timed = [(e.achieved[service_id], e.id) for e in past if service_id in e.achieved]
    achieved, achieved_in = min(timed, key=lambda t: (t[0], t[1])) if timed else (None, None)
    successes = [data.last_success(service_id, b.name) for b in service.backups]
    last = max((s for s in successes if s is not None), default=None)
    age = None if last is None else Duration(int((data.now - last).total_seconds()) // 60)
    if not service.backups:
        backup_status: Judgement = "unknown"
    elif data.backup_runs is None:
        backup_status = "unverified"
    else:
        backup_status = _against(age, rpo, "missed")
    return ServiceGap(
        service=service_id,
        tier=facts.tier.tier,
        rto=rto,
        rpo=rpo,
        estimate=facts.estimate,
        estimate_status=_against(facts.estimate, rto, "unknown"),
        best_frequency=best_frequency,
        frequency_status=_against(best_frequency, rpo, "unknown"),
        exercised=bool(past),
        achieved=achieved,
        achieved_in=achieved_in,
        achieved_status=_against(achieved, rto, "unverified"),
        last_backup=last,
        backup_age=age,
        backup_status=backup_status,
    )


def service_gaps(data: Dataset) -> list[ServiceGap]:
    """Every service's gaps, most critical tier first, then RTO, then id."""
    return [service_gap(data, sid) for sid in _by_priority(data, data.services)]


def vendor_gaps(data: Dataset, graph: DependencyIndex | None = None) -> list[VendorGap]:
    """Every supplier's contracted recovery time against the services needing it, by vendor id."""
    graph = graph or index(data)
    out = []
    for vendor_id in sorted(data.vendors):
        contracted = data.vendors[vendor_id].recovery_time
        needing = {sid for sid, degraded in graph.users.get(("vendor", vendor_id), ()) if not degraded}
        needs = [
            VendorNeed(sid, rto, _against(contracted, rto, "unknown"))
            for sid, rto in sorted(
                ((s, data.services[s].bia.rto) for s in needing), key=lambda p: (p[1], p[0])
            )
        ]
        out.append(VendorGap(vendor_id, contracted, tuple(needs)))
    return out


def analyse(data: Dataset) -> Analysis:
    """Everything the analysis pages show, computed once over one index of the graph."""
    graph = index(data)
    return Analysis(
        graph=graph,
        waves=recovery_waves(data, graph),
        paths=critical_paths(data),
        whatifs=all_whatifs(data, graph),
        service_gaps=service_gaps(data),
        vendor_gaps=vendor_gaps(data, graph),
    )


@dataclass(frozen=True)
class Analysis:
    graph: DependencyIndex
    waves: Sequence[Sequence[str]]
    paths: Mapping[str, list[PathLink]]
    whatifs: Mapping[str, WhatIf]  # "scenario:ID", "site:ID", "vendor:ID" -> its what-if
    service_gaps: Sequence[ServiceGap]
    vendor_gaps: Sequence[VendorGap]
