"""The analysis pages: the recovery order, one what-if page per scenario, site and supplier (with
their index), and the gap analysis. The numbers come from :mod:`handbook.analysis`; the views
here word every judgement and link every record; the templates only lay out."""

from __future__ import annotations

import datetime as dt
import functools
import posixpath
from dataclasses import dataclass, field

from markupsafe import Markup

from handbook.analysis import Analysis, Impact, Judgement, PathLink, Ref, ServiceGap, WhatIf, analyse
from handbook.dataset import Dataset
from handbook.durations import Duration
from handbook.render import paths
from handbook.render.common import Contact, GeneratedPage, Status, contact, estimate_status
from handbook.render.diagrams import whatif_diagram
from handbook.render.environment import render
from handbook.render.places import contracted_fit
from handbook.render.text import plain, tel_link

# --- shared pieces -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Named:
    """A record named on a page, linked to its own page: ``link`` for Markdown, ``href`` for the
    raw HTML tables (see :func:`_at`)."""

    name: str
    link: Markup
    href: Markup


@dataclass(frozen=True)
class Line:
    """A supplier's support line: name, link to its page, number and tel: address."""

    name: str
    link: Markup
    href: Markup
    phone: str | None
    tel: Markup | None
    hours: str | None


def _service(data: Dataset, service_id: str, page: str) -> Named:
    return _at(data.services[service_id].name, page, paths.service(service_id))


def _at(name: str, page: str, target: str) -> Named:
    """*name*, escaped, linked from *page* to *target*.

    The long tables of these pages (hundreds of rows per what-if at 1,000 services) are written
    as raw HTML, which Markdown passes through untouched: its inline links cost most of the
    build's time for these pages. Raw HTML is not rewritten by MkDocs, so it links to the built
    page (``href``); the site test follows every link of the built site."""
    return _named(name, posixpath.dirname(page), target)


@functools.lru_cache(maxsize=65536)
def _named(name: str, folder: str, target: str) -> Named:
    # At 1,000 services the what-if pages name services tens of thousands of times, all from one
    # folder: each name is escaped and each link made once. A pure function of its arguments, so
    # the cache holds across builds of `mkdocs serve`.
    page = posixpath.join(folder, "index.md")
    return Named(plain(name), paths.link(page, target), paths.html_link(page, target))


def _ref(data: Dataset, ref: Ref, page: str) -> Named:
    kind, rid = ref
    if kind == "service":
        return _service(data, rid, page)
    name = data.sites[rid].name if kind == "site" else data.vendors[rid].name
    return _at(name, page, paths.of(kind, rid))


def _spare(objective: Duration, value: Duration) -> str:
    spare = Duration(objective.minutes - value.minutes)
    return f"{spare} to spare" if spare.minutes else "exactly"


def _late(objective: Duration, value: Duration) -> str:
    return f"by {Duration(value.minutes - objective.minutes)}"


_KIND_WORDS = {"service": "service", "site": "site", "vendor": "supplier"}


# --- recovery order ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderRow:
    service: Named
    tier: int
    tier_name: str
    rto: Duration
    estimate: Duration | None
    status: Status


@dataclass(frozen=True)
class PathStep:
    """One link of a critical path in recovery order: its own time and when it is back."""

    service: Named
    recovery_time: Duration | None
    ready_at: Duration | None


@dataclass(frozen=True)
class PathRow:
    service: Named
    tier: int
    rto: Duration
    estimate: Duration | None
    status: Status
    steps: list[PathStep]


def _order_row(data: Dataset, sid: str, page: str) -> OrderRow:
    facts = data.facts[sid]
    return OrderRow(
        _service(data, sid, page),
        facts.tier.tier,
        facts.tier.name,
        data.services[sid].bia.rto,
        facts.estimate,
        estimate_status(data, sid),
    )


def _path_row(data: Dataset, sid: str, links: list[PathLink], page: str) -> PathRow:
    steps = [
        PathStep(_service(data, link.service, page), link.recovery_time, link.cumulative)
        for link in reversed(links)  # the first to recover first
    ]
    facts = data.facts[sid]
    return PathRow(
        _service(data, sid, page),
        facts.tier.tier,
        data.services[sid].bia.rto,
        facts.estimate,
        estimate_status(data, sid),
        steps,
    )


def order_page(data: Dataset, result: Analysis) -> str:
    page = paths.ORDER
    waves = [[_order_row(data, sid, page) for sid in wave] for wave in result.waves]
    services, facts = data.services, data.facts
    ordered = sorted(
        result.paths,
        key=lambda sid: (facts[sid].tier.tier, services[sid].bia.rto, services[sid].name.lower()),
    )
    critical = [_path_row(data, sid, result.paths[sid], page) for sid in ordered]
    return render(
        "order.md.j2",
        waves=waves,
        total=len(data.services),
        critical=critical,
        critical_tiers=data.handbook.tiers[:2],
        whatifs=paths.html_link(page, paths.WHATIFS),
        gaps=paths.html_link(page, paths.GAPS),
    )


# --- what-if -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImpactRow:
    """A reached service as its table row prints it: its values already escaped (:func:`_text`)."""

    service: Named
    lost_itself: bool
    tier: Markup
    rto: Markup
    estimate: Markup | None
    status: Status
    wave: Markup  # 0 for a degraded service
    via: Named | None
    via_lost: bool  # reached directly from what is lost (the page's subject: no link needed)
    alternate: Named | None
    alternate_lost: bool


@dataclass(frozen=True)
class Caller:
    """A person or team to call, with the services they recover and those they own."""

    contact: Contact
    href: Markup  # their entry on the contacts page, for the raw HTML table
    recovers: list[Named] = field(default_factory=list)
    owns: list[Named] = field(default_factory=list)


@dataclass(frozen=True)
class SupportLine:
    """A supplier to call, with the reached services that depend on it or have its assets."""

    line: Line
    services: list[Named] = field(default_factory=list)


@dataclass(frozen=True)
class Summary:
    disrupted: int
    degraded: int
    first_tier: str  # "Tier 1 (Mission critical)"
    first_tier_disrupted: int
    first_tier_missing: list[Named]
    longest: ImpactRow | None
    unknown: list[Named]
    first_wave: list[Named]
    alternate_lost: list[Named]


@functools.lru_cache(maxsize=4096)
def _text(value: object) -> Markup:
    """A value printed as text, escaped once: the what-if tables print the same few durations,
    tiers and verdicts thousands of times at 1,000 services."""
    return plain(value)


def _impact_status(data: Dataset, impact: Impact) -> Status:
    status = _impact_verdict(data, impact)
    return Status(status.key, _text(status.label), _text(status.detail))


def _impact_verdict(data: Dataset, impact: Impact) -> Status:
    if impact.state == "degraded":
        return Status("unknown", "runs degraded", "keeps running, worse")
    if impact.estimate is None:
        because = impact.unknown_because
        detail = (
            "no recovery_time in the plan"
            if because == impact.service
            else f"{data.services[because].name} has no recovery_time"
            if because
            else ""
        )
        return Status("unknown", "unknown", detail)
    if impact.estimate <= impact.rto:
        return Status("met", "meets RTO", _spare(impact.rto, impact.estimate))
    return Status("missed", "misses RTO", _late(impact.rto, impact.estimate))


def _line(data: Dataset, vendor_id: str, page: str) -> Line:
    vendor = data.vendors[vendor_id]
    named = _at(vendor.name, page, paths.vendor(vendor_id))
    return Line(
        named.name,
        named.link,
        named.href,
        vendor.support_phone,
        tel_link(vendor.support_phone),
        vendor.support_hours,
    )


def _impact_row(data: Dataset, impact: Impact, page: str, lost: tuple[Ref, ...]) -> ImpactRow:
    alternate = None
    if impact.alternate_site is not None:
        site = data.sites[impact.alternate_site]
        alternate = _at(site.name, page, paths.site(site.id))
    return ImpactRow(
        service=_service(data, impact.service, page),
        lost_itself=impact.lost_itself,
        tier=_text(impact.tier),
        rto=_text(impact.rto),
        estimate=None if impact.estimate is None else _text(impact.estimate),
        status=_impact_status(data, impact),
        wave=_text(impact.wave),
        via=_ref(data, impact.via, page) if impact.via else None,
        via_lost=impact.via is not None and impact.via in lost,
        alternate=alternate,
        alternate_lost=impact.alternate_site_lost,
    )


def _who_to_call(
    data: Dataset, impacts: tuple[Impact, ...], rows: dict[str, ImpactRow], page: str
) -> tuple[list[Caller], list[SupportLine]]:
    """Each person, team and supplier once, in the order of the most urgent service they serve
    (*impacts* come by RTO), with the services they recover, own or support."""
    callers: dict[str, Caller] = {}
    lines: dict[str, SupportLine] = {}

    def caller(party: str) -> Caller:
        if party not in callers:
            found = contact(data, party, page)
            assert found is not None
            callers[party] = Caller(found, paths.html_link(page, paths.CONTACTS, party))
        return callers[party]

    for impact in impacts:
        named = rows[impact.service].service
        caller(impact.team or impact.owner).recovers.append(named)
        if impact.team is not None and impact.team != impact.owner:
            caller(impact.owner).owns.append(named)
        for vendor in impact.vendors:
            if vendor not in lines:
                lines[vendor] = SupportLine(_line(data, vendor, page))
            lines[vendor].services.append(named)
    return list(callers.values()), list(lines.values())


@dataclass(frozen=True)
class WhatIfPage:
    """Which what-if a page shows: its path, title, what it loses and where it came from."""

    key: str  # "site:dc-london", "scenario:loss-of-london"
    path: str
    title: str
    subject: Named  # the scenario, site or supplier page
    subject_kind: str  # scenario | site | supplier


def whatif_pages_of(data: Dataset) -> list[WhatIfPage]:
    """Every what-if page: scenarios, then sites, then suppliers, each by name."""
    subjects: list[tuple[str, str, str, str, str]] = []  # kind, id, name, title, subject kind
    for sc in sorted(data.scenarios.values(), key=lambda s: (s.title.lower(), s.id)):
        subjects.append(("scenario", sc.id, sc.title, f"What if: {sc.title}", "scenario"))
    for site in sorted(data.sites.values(), key=lambda s: (s.name.lower(), s.id)):
        subjects.append(("site", site.id, site.name, f"What if we lose {site.name}", "site"))
    for vendor in sorted(data.vendors.values(), key=lambda v: (v.name.lower(), v.id)):
        subjects.append(("vendor", vendor.id, vendor.name, f"What if we lose {vendor.name}", "supplier"))
    found = []
    for kind, rid, name, title, subject_kind in subjects:
        path = paths.whatif(kind, rid)
        found.append(
            WhatIfPage(f"{kind}:{rid}", path, title, _at(name, path, paths.of(kind, rid)), subject_kind)
        )
    return found


def _summary(data: Dataset, result: WhatIf, rows: dict[str, ImpactRow], page: str) -> Summary:
    first = next(t for t in data.handbook.tiers if t.tier == result.first_tier)
    longest = result.longest
    return Summary(
        disrupted=len(result.disrupted),
        degraded=len(result.degraded),
        first_tier=f"Tier {first.tier} ({first.name})",
        first_tier_disrupted=sum(1 for i in result.disrupted if i.tier == first.tier),
        first_tier_missing=[rows[i.service].service for i in result.first_tier_missing],
        longest=rows[longest.service] if longest else None,
        unknown=[rows[i.service].service for i in result.unknown],
        first_wave=[rows[i.service].service for i in result.first_wave],
        alternate_lost=[rows[i.service].service for i in result.disrupted if i.alternate_site_lost],
    )


def whatif_page(data: Dataset, which: WhatIfPage, result: WhatIf, diagram: Markup | None = None) -> str:
    """One what-if page; *diagram* is inline SVG of the disrupted part of the graph, if any: it
    shows after the summary."""
    page = which.path
    disrupted = [_impact_row(data, i, page, result.lost) for i in result.disrupted]
    degraded = [_impact_row(data, i, page, result.lost) for i in result.degraded]
    impacts = (*result.disrupted, *result.degraded)
    by_id = {i.service: row for i, row in zip(impacts, disrupted + degraded, strict=True)}
    lost = [(_KIND_WORDS[ref[0]], _ref(data, ref, page)) for ref in result.lost]
    callers, lines = _who_to_call(data, impacts, by_id, page)
    return render(
        "whatif.md.j2",
        title=which.title,
        subject=which.subject,
        subject_kind=which.subject_kind,
        lost=lost,
        summary=_summary(data, result, by_id, page),
        diagram=diagram or Markup(""),
        disrupted=disrupted,
        degraded=degraded,
        callers=callers,
        lines=lines,
        order_href=paths.html_link(page, paths.ORDER),
        index_href=paths.html_link(page, paths.WHATIFS),
    )


@dataclass(frozen=True)
class WhatIfRow:
    title: str
    link: Markup
    disrupted: int
    degraded: int
    first_tier_missing: int
    longest: Duration | None
    unknown: int


def whatifs_index(data: Dataset, pages: list[WhatIfPage], result: Analysis) -> str:
    page = paths.WHATIFS
    groups: dict[str, list[WhatIfRow]] = {"scenario": [], "site": [], "supplier": []}
    for which in pages:
        what = result.whatifs[which.key]
        longest = what.longest
        groups[which.subject_kind].append(
            WhatIfRow(
                which.title,
                paths.link(page, which.path),
                len(what.disrupted),
                len(what.degraded),
                len(what.first_tier_missing),
                longest.estimate if longest else None,
                len(what.unknown),
            )
        )
    first = data.handbook.tiers[0]
    return render(
        "whatifs.md.j2",
        scenarios=groups["scenario"],
        sites=groups["site"],
        vendors=groups["supplier"],
        first_tier=f"tier {first.tier}",
        order=paths.link(page, paths.ORDER),
    )


def _subject_of(key: str) -> tuple[str, str]:
    kind, _, rid = key.partition(":")
    return kind, rid


# --- gap analysis --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GapRow:
    service: Named
    tier: int
    rto: Duration
    rpo: Duration
    estimate: Duration | None
    estimate_status: Status
    achieved: Duration | None
    achieved_in: Named | None
    achieved_status: Status
    frequency: Duration | None
    frequency_status: Status
    last_backup: str | None  # "2026-11-25 11:00 UTC"
    backup_status: Status
    gaps: int


@dataclass(frozen=True)
class NeedRow:
    service: Named
    rto: Duration
    fit: Status


@dataclass(frozen=True)
class VendorRow:
    vendor: Named
    recovery_time: Duration | None
    tightest: NeedRow | None
    needs: list[NeedRow] = field(default_factory=list)


def _gap_statuses(data: Dataset, gap: ServiceGap) -> tuple[Status, Status, Status, Status]:
    words: dict[Judgement, str] = {"met": "meets RTO", "missed": "misses RTO", "unknown": "unknown"}
    if gap.estimate is None:
        estimate = Status("unknown", "unknown", "no estimate")
    elif gap.estimate_status == "met":
        estimate = Status("met", words["met"], _spare(gap.rto, gap.estimate))
    else:
        estimate = Status("missed", words["missed"], _late(gap.rto, gap.estimate))
    if gap.achieved is None:
        achieved = Status("unknown", "unverified", "no time measured" if gap.exercised else "never exercised")
    elif gap.achieved_status == "met":
        achieved = Status("met", "met", _spare(gap.rto, gap.achieved))
    else:
        achieved = Status("missed", "missed", _late(gap.rto, gap.achieved))
    if gap.best_frequency is None:
        frequency = Status("unknown", "no backup", "")
    elif gap.frequency_status == "met":
        frequency = Status("met", "within RPO", "")
    else:
        frequency = Status("missed", "exceeds RPO", _late(gap.rpo, gap.best_frequency))
    if gap.backup_status == "unknown":
        backup = Status("unknown", "no backup", "")
    elif gap.backup_status == "unverified":
        backup = Status("unknown", "unverified", "no evidence file")
    elif gap.backup_age is None:
        backup = Status("missed", "no success on record", "")
    elif gap.backup_status == "met":
        backup = Status("met", "within RPO", f"{gap.backup_age} old")
    else:
        backup = Status("missed", "older than RPO", f"{gap.backup_age} old")
    return estimate, achieved, frequency, backup


def _stamp(when: dt.datetime | None) -> str | None:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if when else None


def gaps_page(data: Dataset, result: Analysis) -> str:
    page = paths.GAPS
    rows = []
    for gap in result.service_gaps:
        estimate, achieved, frequency, backup = _gap_statuses(data, gap)
        exercise = None
        if gap.achieved_in is not None:
            found = data.exercises[gap.achieved_in]
            exercise = _at(str(found.date), page, paths.exercise(found.id))
        rows.append(
            GapRow(
                _service(data, gap.service, page),
                gap.tier,
                gap.rto,
                gap.rpo,
                gap.estimate,
                estimate,
                gap.achieved,
                exercise,
                achieved,
                gap.best_frequency,
                frequency,
                _stamp(gap.last_backup),
                backup,
                gap.gaps,
            )
        )
    vendors = []
    for vg in sorted(result.vendor_gaps, key=lambda v: (data.vendors[v.vendor].name.lower(), v.vendor)):
        vendor = data.vendors[vg.vendor]
        needs = [
            NeedRow(_service(data, n.service, page), n.rto, contracted_fit(vg.recovery_time, n.rto))
            for n in vg.needs
        ]
        vendors.append(
            VendorRow(
                _at(vendor.name, page, paths.vendor(vendor.id)),
                vg.recovery_time,
                needs[0] if needs else None,
                needs,
            )
        )
    counts = {
        "estimate_missed": sum(1 for g in result.service_gaps if g.estimate_status == "missed"),
        "estimate_unknown": sum(1 for g in result.service_gaps if g.estimate_status == "unknown"),
        "unverified": sum(1 for g in result.service_gaps if g.achieved_status == "unverified"),
        "achieved_missed": sum(1 for g in result.service_gaps if g.achieved_status == "missed"),
        "frequency_missed": sum(1 for g in result.service_gaps if g.frequency_status == "missed"),
        "backup_missed": sum(1 for g in result.service_gaps if g.backup_status == "missed"),
        "vendor_missed": sum(1 for v in result.vendor_gaps if v.status == "missed"),
    }
    return render(
        "gaps.md.j2",
        rows=rows,
        vendors=vendors,
        counts=counts,
        total=len(rows),
        evidence=data.backup_runs is not None,
        order=paths.html_link(page, paths.ORDER),
        health=paths.html_link(page, paths.HEALTH),
        exercises=paths.html_link(page, paths.EXERCISES),
    )


# --- all of them ---------------------------------------------------------------------------------


def pages(data: Dataset, result: Analysis | None = None) -> list[GeneratedPage]:
    """The recovery order, the gap analysis, the what-if index and one what-if page per scenario,
    site and supplier."""
    result = result or analyse(data)
    whatifs = whatif_pages_of(data)
    out = [
        GeneratedPage(paths.ORDER, order_page(data, result)),
        GeneratedPage(paths.GAPS, gaps_page(data, result)),
        GeneratedPage(paths.WHATIFS, whatifs_index(data, whatifs, result)),
    ]
    for which in whatifs:
        kind, rid = _subject_of(which.key)
        source = data.scenarios[rid]._node.file if kind == "scenario" else None
        found = result.whatifs[which.key]
        diagram = whatif_diagram(
            data,
            which.path,
            [f"{kind}:{rid}" for kind, rid in found.lost],
            {i.service for i in found.disrupted},
            {i.service for i in found.degraded},
        )
        out.append(GeneratedPage(which.path, whatif_page(data, which, found, diagram), source))
    return out
