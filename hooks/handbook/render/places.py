"""The pages about the places and events around the services: sites, suppliers, scenarios and exercises,
each with an index. Views here compute, sort and word every judgement; the templates only lay out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from handbook.dataset import Dataset
from handbook.durations import UNIT_MINUTES, Duration
from handbook.model import Asset, Backup, Dependency, Exercise, Risk, Scenario, Service, Site, Tier, Vendor
from handbook.problems import Problem
from handbook.render import paths
from handbook.render.common import Contact, GeneratedPage, Status, contact, source_path
from handbook.render.environment import render
from handbook.render.text import block, markdown_html, tel_link

# --- shared pieces -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Linked:
    """A record named on a page: its name and a relative link to its own page."""

    name: str
    link: Markup


@dataclass(frozen=True)
class ServiceUse:
    """A service as another page lists it: what it needs and how badly."""

    name: str
    link: Markup
    tier: Tier
    rto: Duration
    degraded: bool  # runs worse, but runs, without the place
    note: str | None
    fit: Status | None = None  # a supplier's contracted recovery against this service's RTO


@dataclass(frozen=True)
class AssetRow:
    service: Linked
    name: str
    kind: str
    place: str | None  # the asset's vendor on a site page, its site on a vendor page
    note: str | None


@dataclass(frozen=True)
class BackupRow:
    service: Linked
    name: str
    frequency: Duration
    retention: Duration | None
    method: str | None
    offsite: str  # yes | no
    restore_tested: dt.date | None


@dataclass(frozen=True)
class RiskRow:
    title: str
    link: Markup
    likelihood: int
    impact: int
    score: int
    treatment: str | None
    above_appetite: bool


Place = tuple[str, str]  # ("site" | "vendor" | "service", id)


@dataclass(frozen=True)
class Mentions:
    """Who names each site, supplier and scenario, gathered in one pass over the data so that every
    page is a lookup, not a scan of every service (a data folder may hold thousands)."""

    services: list[Service]  # by name
    depends: dict[Place, list[tuple[Service, Dependency]]]  # the first mention of a place per service
    assets: dict[Place, list[tuple[Service, Asset]]]
    alternates: dict[str, list[Service]]  # site id -> services recovering there
    backups: dict[Place, list[tuple[Service, Backup]]]
    risks: dict[Place, list[Risk]]
    played: dict[str, list[Exercise]]  # scenario id -> exercises

    @classmethod
    def of(cls, data: Dataset) -> Mentions:
        services = sorted(data.services.values(), key=lambda s: (s.name.lower(), s.id))
        mentions = cls(services, {}, {}, {}, {}, {}, {})
        for service in services:
            seen: set[Place] = set()
            for dep in service.depends_on:
                place = (dep.kind, dep.id)
                if place not in seen:
                    seen.add(place)
                    mentions.depends.setdefault(place, []).append((service, dep))
            for asset in service.assets:
                if asset.site:
                    mentions.assets.setdefault(("site", asset.site), []).append((service, asset))
                if asset.vendor:
                    mentions.assets.setdefault(("vendor", asset.vendor), []).append((service, asset))
            if service.continuity is not None and service.continuity.alternate_site is not None:
                mentions.alternates.setdefault(service.continuity.alternate_site, []).append(service)
            for backup in sorted(service.backups, key=lambda b: b.name.lower()):
                if backup.location is not None:
                    place = (backup.location.kind, backup.location.id)
                    mentions.backups.setdefault(place, []).append((service, backup))
        for risk in sorted(data.risks, key=lambda r: (-r.score, r.title.lower(), r.id)):
            for place in dict.fromkeys((a.kind, a.id) for a in risk.affects):
                mentions.risks.setdefault(place, []).append(risk)
        for exercise in data.exercises.values():
            if exercise.scenario is not None:
                mentions.played.setdefault(exercise.scenario, []).append(exercise)
        return mentions

    def running_at(self, site_id: str) -> int:
        """Services that depend on the site or have assets there."""
        place = ("site", site_id)
        ids = {s.id for s, _ in self.depends.get(place, ())} | {s.id for s, _ in self.assets.get(place, ())}
        return len(ids)


def _linked_service(data: Dataset, service_id: str, page: str) -> Linked:
    return Linked(data.services[service_id].name, paths.html_link(page, paths.service(service_id)))


def _days(count: int) -> str:
    return f"{count} day{'' if count == 1 else 's'}"


def _words(text: str | None) -> str | None:
    """An enumerated value as words: ``data-centre`` -> ``data centre``."""
    return text.replace("-", " ") if text else text


def _risks(data: Dataset, mentions: Mentions, place: Place, page: str) -> list[RiskRow]:
    appetite = data.handbook.risk.appetite
    return [
        RiskRow(
            r.title,
            paths.html_link(page, paths.RISKS, r.id),
            r.likelihood,
            r.impact,
            r.score,
            r.treatment,
            r.score > appetite,
        )
        for r in mentions.risks.get(place, ())
    ]


def _dependants(data: Dataset, mentions: Mentions, place: Place, page: str) -> list[ServiceUse]:
    """Services naming the site or vendor in depends_on, by name."""
    return [
        ServiceUse(
            service.name,
            paths.html_link(page, paths.service(service.id)),
            data.facts[service.id].tier,
            service.bia.rto,
            dep.degraded,
            dep.note,
        )
        for service, dep in mentions.depends.get(place, ())
    ]


def _backups_at(data: Dataset, mentions: Mentions, place: Place, page: str) -> list[BackupRow]:
    return [
        BackupRow(
            _linked_service(data, service.id, page),
            backup.name,
            backup.frequency,
            backup.retention,
            backup.method,
            "yes" if backup.offsite else "no",
            backup.restore_tested,
        )
        for service, backup in mentions.backups.get(place, ())
    ]


# --- sites ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteRow:
    name: str
    link: Markup
    kind: str | None
    address: str | None
    hazards: str
    services: int  # services depending on the site or with assets there


def _sorted_sites(data: Dataset) -> list[Site]:
    return sorted(data.sites.values(), key=lambda s: (s.name.lower(), s.id))


def sites_index(data: Dataset, mentions: Mentions) -> str:
    page = paths.SITES
    rows = [
        SiteRow(
            site.name,
            paths.html_link(page, paths.site(site.id)),
            _words(site.kind),
            site.address,
            ", ".join(site.hazards),
            mentions.running_at(site.id),
        )
        for site in _sorted_sites(data)
    ]
    return render("sites.md.j2", rows=rows)


def _assets(data: Dataset, mentions: Mentions, place: Place, page: str) -> list[AssetRow]:
    """Assets at a site (with their supplier) or from a supplier (with their site)."""
    rows = []
    for service, asset in mentions.assets.get(place, ()):
        if place[0] == "site":
            other = data.vendors[asset.vendor].name if asset.vendor else None
        else:
            other = data.sites[asset.site].name if asset.site else None
        rows.append(
            AssetRow(_linked_service(data, service.id, page), asset.name, asset.kind, other, asset.note)
        )
    return rows


def site_page(data: Dataset, mentions: Mentions, site: Site) -> str:
    page = paths.site(site.id)
    place = ("site", site.id)
    alternates = [
        ServiceUse(
            service.name,
            paths.html_link(page, paths.service(service.id)),
            data.facts[service.id].tier,
            service.bia.rto,
            False,
            _words(service.continuity.strategy) if service.continuity else None,
        )
        for service in mentions.alternates.get(site.id, ())
    ]
    return render(
        "site.md.j2",
        site=site,
        kind=_words(site.kind),
        hazards=", ".join(site.hazards),
        contact=contact(data, site.contact, page),
        dependants=_dependants(data, mentions, place, page),
        assets=_assets(data, mentions, place, page),
        alternates=alternates,
        backups=_backups_at(data, mentions, place, page),
        risks=_risks(data, mentions, place, page),
        whatif=paths.html_link(page, paths.whatif("site", site.id)),
        index=paths.html_link(page, paths.SITES),
        source=source_path(data, data.root / "sites.yaml"),
    )


# --- vendors -------------------------------------------------------------------------------------


def contracted_fit(contracted: Duration | None, rto: Duration) -> Status:
    """A supplier's contracted recovery time against a service's RTO, in words."""
    if contracted is None:
        return Status("unknown", "no contracted time", "")
    if contracted <= rto:
        spare = Duration(rto.minutes - contracted.minutes)
        return Status("met", "fits", f"with {spare} to spare" if spare.minutes else "exactly")
    return Status("missed", "exceeds", f"the RTO by {Duration(contracted.minutes - rto.minutes)}")


@dataclass(frozen=True)
class VendorRow:
    name: str
    link: Markup
    provides: str | None
    phone: str | None
    tel: Markup | None
    hours: str | None
    recovery_time: Duration | None
    services: int  # services naming the vendor in depends_on


def _sorted_vendors(data: Dataset) -> list[Vendor]:
    return sorted(data.vendors.values(), key=lambda v: (v.name.lower(), v.id))


def vendors_index(data: Dataset, mentions: Mentions) -> str:
    page = paths.VENDORS
    rows = [
        VendorRow(
            vendor.name,
            paths.html_link(page, paths.vendor(vendor.id)),
            vendor.provides,
            vendor.support_phone,
            tel_link(vendor.support_phone),
            vendor.support_hours,
            vendor.recovery_time,
            len(mentions.depends.get(("vendor", vendor.id), ())),
        )
        for vendor in _sorted_vendors(data)
    ]
    return render("vendors.md.j2", rows=rows)


@dataclass(frozen=True)
class Tightest:
    """The shortest RTO among the services that cannot run without the supplier."""

    service: str
    rto: Duration
    fit: Status


def vendor_page(data: Dataset, mentions: Mentions, vendor: Vendor) -> str:
    page = paths.vendor(vendor.id)
    place = ("vendor", vendor.id)
    dependants = [
        ServiceUse(
            u.name, u.link, u.tier, u.rto, u.degraded, u.note, contracted_fit(vendor.recovery_time, u.rto)
        )
        for u in _dependants(data, mentions, place, page)
    ]
    needed = [u for u in dependants if not u.degraded]
    tightest = None
    if needed:
        first = min(needed, key=lambda u: (u.rto, u.name.lower()))
        tightest = Tightest(first.name, first.rto, contracted_fit(vendor.recovery_time, first.rto))
    return render(
        "vendor.md.j2",
        vendor=vendor,
        tel=tel_link(vendor.support_phone),
        dependants=dependants,
        tightest=tightest,
        assets=_assets(data, mentions, place, page),
        backups=_backups_at(data, mentions, place, page),
        risks=_risks(data, mentions, place, page),
        whatif=paths.html_link(page, paths.whatif("vendor", vendor.id)),
        index=paths.html_link(page, paths.VENDORS),
        source=source_path(data, data.root / "vendors.yaml"),
    )


# --- exercises -----------------------------------------------------------------------------------


def _scheduled(data: Dataset, exercise: Exercise) -> bool:
    return exercise.date > data.today


def _outcome(data: Dataset, exercise: Exercise) -> str:
    if _scheduled(data, exercise):
        return "scheduled"
    return _words(exercise.outcome) or "no outcome recorded"


def _newest_first(exercises: list[Exercise]) -> list[Exercise]:
    return sorted(exercises, key=lambda e: (-e.date.toordinal(), e.title.lower(), e.id))


@dataclass(frozen=True)
class ExerciseRow:
    date: dt.date
    title: str
    link: Markup
    kind: str
    services: list[Linked]
    outcome: str
    scheduled: bool


def _exercise_rows(data: Dataset, exercises: list[Exercise], page: str) -> list[ExerciseRow]:
    return [
        ExerciseRow(
            e.date,
            e.title,
            paths.html_link(page, paths.exercise(e.id)),
            _words(e.kind) or e.kind,
            sorted(
                (_linked_service(data, sid, page) for sid in dict.fromkeys(e.services)),
                key=lambda s: s.name.lower(),
            ),
            _outcome(data, e),
            _scheduled(data, e),
        )
        for e in _newest_first(exercises)
    ]


def action_status(today: dt.date, status: str, due: dt.date) -> Status:
    """Where an exercise action stands, in words: done, due in N days, due today, overdue by N days."""
    if status == "done":
        return Status("met", "done", "")
    if due < today:
        return Status("missed", "overdue", f"by {_days((today - due).days)}")
    if due == today:
        return Status("open", "open", "due today")
    return Status("open", "open", f"due in {_days((due - today).days)}")


@dataclass(frozen=True)
class ActionRow:
    title: str
    exercise: Linked | None  # on the index: the exercise it came from
    owner: Contact | None
    due: dt.date
    status: Status


@dataclass(frozen=True)
class NextDue:
    """When a tier-1 or tier-2 service is next due an exercise."""

    name: str
    link: Markup
    tier: Tier
    last: dt.date | None
    due: dt.date | None  # None: never exercised, due now
    status: Status
    scheduled: list[ExerciseRow]


def _next_due(data: Dataset, mentions: Mentions, page: str) -> list[NextDue]:
    today = data.today
    # Whole days, as the not-exercised warning counts them: the interval's last day still counts.
    interval_days = data.handbook.exercise_interval.minutes // UNIT_MINUTES["d"]
    critical = {t.tier for t in data.handbook.tiers[:2]}
    rows = []
    for service in mentions.services:
        if data.facts[service.id].tier.tier not in critical:
            continue
        exercises = data.exercises_of(service.id)
        past = [e for e in exercises if e.date <= today]
        future = [e for e in exercises if e.date > today]
        last = past[0].date if past else None
        due = last + dt.timedelta(days=interval_days) if last else None
        if due is None:
            status = Status("missed", "overdue", "never exercised")
        elif due < today:
            status = Status("missed", "overdue", f"by {_days((today - due).days)}")
        elif due == today:
            status = Status("open", "due today", "")
        else:
            status = Status("met", "on schedule", f"due in {_days((due - today).days)}")
        scheduled = sorted(_exercise_rows(data, future, page), key=lambda r: (r.date, r.title.lower()))
        rows.append(
            NextDue(
                service.name,
                paths.html_link(page, paths.service(service.id)),
                data.facts[service.id].tier,
                last,
                due,
                status,
                scheduled,
            )
        )
    rows.sort(key=lambda r: (r.due or dt.date.min, r.name.lower()))
    return rows


def exercises_index(data: Dataset, mentions: Mentions) -> str:
    page = paths.EXERCISES
    actions = []
    for exercise in data.exercises.values():
        for action in exercise.actions:
            if action.status != "open":
                continue
            actions.append(
                ActionRow(
                    action.title,
                    Linked(exercise.title, paths.html_link(page, paths.exercise(exercise.id))),
                    contact(data, action.owner, page),
                    action.due,
                    action_status(data.today, action.status, action.due),
                )
            )
    actions.sort(key=lambda a: (a.due, a.title.lower(), a.exercise.name.lower() if a.exercise else ""))
    critical = data.handbook.tiers[:2]
    return render(
        "exercises.md.j2",
        rows=_exercise_rows(data, list(data.exercises.values()), page),
        actions=actions,
        overdue=sum(1 for a in actions if a.status.key == "missed"),
        next_due=_next_due(data, mentions, page),
        critical=critical,
        interval=data.handbook.exercise_interval,
        today=data.today,
    )


@dataclass(frozen=True)
class Exercised:
    """A service in an exercise: the time achieved against its RTO."""

    name: str
    link: Markup
    rto: Duration
    achieved: Duration | None
    result: Status


def achieved_status(achieved: Duration | None, rto: Duration, scheduled: bool) -> Status:
    if achieved is None:
        return Status("unknown", "not yet run" if scheduled else "not measured", "")
    if achieved <= rto:
        spare = Duration(rto.minutes - achieved.minutes)
        return Status("met", "met", f"{spare} to spare" if spare.minutes else "exactly")
    return Status("missed", "missed", f"by {Duration(achieved.minutes - rto.minutes)}")


def exercise_page(data: Dataset, exercise: Exercise, warnings: list[Problem]) -> str:
    page = paths.exercise(exercise.id)
    scheduled = _scheduled(data, exercise)
    services = []
    for sid in dict.fromkeys(exercise.services):
        service = data.services[sid]
        achieved = exercise.achieved.get(sid)
        services.append(
            Exercised(
                service.name,
                paths.html_link(page, paths.service(sid)),
                service.bia.rto,
                achieved,
                achieved_status(achieved, service.bia.rto, scheduled),
            )
        )
    services.sort(key=lambda s: s.name.lower())
    scenario = None
    if exercise.scenario is not None:
        played = data.scenarios[exercise.scenario]
        scenario = Linked(played.title, paths.html_link(page, paths.scenario(played.id)))
    actions = [
        ActionRow(
            a.title, None, contact(data, a.owner, page), a.due, action_status(data.today, a.status, a.due)
        )
        for a in exercise.actions
    ]
    return render(
        "exercise.md.j2",
        exercise=exercise,
        kind=_words(exercise.kind),
        scheduled=scheduled,
        outcome=_outcome(data, exercise),
        scenario=scenario,
        services=services,
        findings=block(markdown_html(exercise.findings)),
        actions=actions,
        warnings=[w.message for w in warnings],
        health_link=paths.html_link(page, paths.HEALTH),
        index=paths.html_link(page, paths.EXERCISES),
        source=source_path(data, exercise._node.file),
    )


# --- scenarios -----------------------------------------------------------------------------------

_KIND_WORDS = {"service": "service", "site": "site", "vendor": "supplier"}


@dataclass(frozen=True)
class Lost:
    kind: str
    name: str
    link: Markup


def _lost(data: Dataset, scenario: Scenario, page: str) -> list[Lost]:
    lost = []
    for ref in scenario.lost:
        record: Service | Site | Vendor = (
            data.services[ref.id]
            if ref.kind == "service"
            else data.sites[ref.id]
            if ref.kind == "site"
            else data.vendors[ref.id]
        )
        lost.append(
            Lost(_KIND_WORDS[ref.kind], record.name, paths.html_link(page, paths.of(ref.kind, ref.id)))
        )
    return lost


@dataclass(frozen=True)
class ScenarioRow:
    title: str
    link: Markup
    lost: list[Lost]
    exercises: int


def _sorted_scenarios(data: Dataset) -> list[Scenario]:
    return sorted(data.scenarios.values(), key=lambda s: (s.title.lower(), s.id))


def scenarios_index(data: Dataset, mentions: Mentions) -> str:
    page = paths.SCENARIOS
    rows = [
        ScenarioRow(
            s.title,
            paths.html_link(page, paths.scenario(s.id)),
            _lost(data, s, page),
            len(mentions.played.get(s.id, ())),
        )
        for s in _sorted_scenarios(data)
    ]
    return render("scenarios.md.j2", rows=rows)


def scenario_page(data: Dataset, mentions: Mentions, scenario: Scenario) -> str:
    page = paths.scenario(scenario.id)
    return render(
        "scenario.md.j2",
        scenario=scenario,
        description=block(markdown_html(scenario.description)),
        lost=_lost(data, scenario, page),
        exercises=_exercise_rows(data, mentions.played.get(scenario.id, []), page),
        whatif=paths.html_link(page, paths.whatif("scenario", scenario.id)),
        index=paths.html_link(page, paths.SCENARIOS),
        source=source_path(data, scenario._node.file),
    )


# --- all of them ---------------------------------------------------------------------------------


def pages(data: Dataset, warnings: list[Problem]) -> list[GeneratedPage]:
    """The index and one page per record for sites, suppliers, scenarios and exercises."""
    mentions = Mentions.of(data)
    sites_file: Path = data.root / "sites.yaml"
    vendors_file: Path = data.root / "vendors.yaml"
    by_file: dict[Path, list[Problem]] = {}
    for warning in warnings:
        by_file.setdefault(warning.file, []).append(warning)
    out = [
        GeneratedPage(paths.SITES, sites_index(data, mentions), sites_file if data.sites else None),
        GeneratedPage(paths.VENDORS, vendors_index(data, mentions), vendors_file if data.vendors else None),
        GeneratedPage(paths.SCENARIOS, scenarios_index(data, mentions)),
        GeneratedPage(paths.EXERCISES, exercises_index(data, mentions)),
    ]
    for site in _sorted_sites(data):
        out.append(GeneratedPage(paths.site(site.id), site_page(data, mentions, site), sites_file))
    for vendor in _sorted_vendors(data):
        out.append(GeneratedPage(paths.vendor(vendor.id), vendor_page(data, mentions, vendor), vendors_file))
    for scenario in _sorted_scenarios(data):
        page = scenario_page(data, mentions, scenario)
        out.append(GeneratedPage(paths.scenario(scenario.id), page, scenario._node.file))
    for exercise in sorted(data.exercises.values(), key=lambda e: e.id):
        file = exercise._node.file
        page = exercise_page(data, exercise, by_file.get(file, []))
        out.append(GeneratedPage(paths.exercise(exercise.id), page, file))
    return out
