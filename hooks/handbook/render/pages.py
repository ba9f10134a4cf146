"""Every page of the handbook from the validated data set: the home dashboard, the indexes and one
recovery page per service. ``render_pages`` is what the MkDocs hook calls."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from markupsafe import Markup

from handbook.check import paused_cyclic_gc
from handbook.codes import BY_CODE, CODES
from handbook.dataset import Dataset
from handbook.model import Service
from handbook.problems import Problem, Severity
from handbook.render import analysis_pages, parallel, paths, places, registers
from handbook.render.common import BuildInfo, GeneratedPage, contact, estimate_status, source_path
from handbook.render.environment import render
from handbook.render.service_page import risks_by_record, service_page
from handbook.render.text import tel_link


def _owner_name(data: Dataset, party: str) -> str:
    return data.party_name(party)


def _last_exercise(data: Dataset, service_id: str) -> str:
    past = [e for e in data.exercises_of(service_id) if e.date <= data.today]
    return f"{past[0].date} ({past[0].outcome})" if past else "never"


def _warnings_by_file(warnings: list[Problem]) -> dict[Path, list[Problem]]:
    grouped: dict[Path, list[Problem]] = {}
    for warning in warnings:
        grouped.setdefault(warning.file, []).append(warning)
    return grouped


def services_index(data: Dataset, warnings: dict[Path, list[Problem]]) -> str:
    page = paths.SERVICES
    tiers = []
    for tier in data.handbook.tiers:
        rows = []
        members = [s for s in data.services.values() if data.facts[s.id].tier.tier == tier.tier]
        for service in sorted(members, key=lambda s: (s.bia.rto, s.name.lower())):
            found = warnings.get(service._node.file, [])
            rows.append(
                {
                    "service": service,
                    "link": paths.html_link(page, paths.service(service.id)),
                    "owner": _owner_name(data, service.owner),
                    "status": estimate_status(data, service.id),
                    "last_exercise": _last_exercise(data, service.id),
                    "estimate": data.facts[service.id].estimate,
                    "warnings": len(found),
                }
            )
        tiers.append({"tier": tier, "rows": rows})
    return render("services.md.j2", tiers=tiers, health_link=paths.html_link(page, paths.HEALTH))


def home(data: Dataset, warnings: list[Problem], build: BuildInfo) -> str:
    page = paths.HOME
    by_tier = Counter(data.facts[s].tier.tier for s in data.services)
    by_code = Counter(w.code for w in warnings)

    def service_rows(ids: list[str], why: Callable[[str], str]) -> list[dict[str, Any]]:
        return [
            {"name": data.services[sid].name, "link": paths.link(page, paths.service(sid)), "why": why(sid)}
            for sid in sorted(ids, key=lambda i: (data.facts[i].tier.tier, data.services[i].name.lower()))
        ]

    def files_with(code: str) -> list[str]:
        ids = {
            sid
            for sid, s in data.services.items()
            for w in warnings
            if w.code == code and w.file == s._node.file
        }
        return sorted(ids)

    missed = [sid for sid in data.services if data.meets_rto(sid) is False]
    return render(
        "home.md.j2",
        organisation=data.handbook.organisation,
        title=data.handbook.title,
        classification=data.handbook.classification,
        build=build,
        tiers=[{"tier": t, "count": by_tier.get(t.tier, 0)} for t in data.handbook.tiers],
        total=len(data.services),
        health=[{"code": BY_CODE[c], "count": n} for c, n in sorted(by_code.items())],
        warnings=len(warnings),
        stale=service_rows(files_with("review-stale"), lambda sid: _review_text(data, sid)),
        untested=service_rows(files_with("not-exercised"), lambda sid: _exercised_text(data, sid)),
        gaps=service_rows(missed, lambda sid: _gap_text(data, sid)),
        links={
            "services": paths.link(page, paths.SERVICES),
            "contacts": paths.link(page, paths.CONTACTS),
            "health": paths.link(page, paths.HEALTH),
            "sites": paths.link(page, paths.SITES),
            "vendors": paths.link(page, paths.VENDORS),
            "risks": paths.link(page, paths.RISKS),
            "scenarios": paths.link(page, paths.SCENARIOS),
            "exercises": paths.link(page, paths.EXERCISES),
            "bia": paths.link(page, paths.BIA),
            "glossary": paths.link(page, paths.GLOSSARY),
        },
        counts={
            "sites": len(data.sites),
            "vendors": len(data.vendors),
            "risks": len(data.risks),
            "scenarios": len(data.scenarios),
            "exercises": len(data.exercises),
        },
        copy=_about_copy(data, build),
    )


def _about_copy(data: Dataset, build: BuildInfo) -> dict[str, Any]:
    """The home page's "About this copy": the copies this build makes, linked from the site root
    (where the home page is). Their names are made by the build, never by data text, but a file
    could only be linked raw (MkDocs does not know it), so they are escaped all the same."""

    def file_link(name: str) -> Markup:
        return Markup('<a href="{0}">{0}</a>').format(name)

    return {
        "warn_after": str(data.handbook.copy_warning_after),
        "pdf": file_link(build.pdf) if build.pdf else None,
        "checksums": file_link("SHA256SUMS") if build.checksums else None,
    }


def _exercised_text(data: Dataset, service_id: str) -> str:
    last = _last_exercise(data, service_id)
    return "never exercised" if last == "never" else f"last exercised {last}"


def _review_text(data: Dataset, service_id: str) -> str:
    review = data.services[service_id].review
    return f"last reviewed {review.last_reviewed}" if review else "never reviewed"


def _gap_text(data: Dataset, service_id: str) -> str:
    status = estimate_status(data, service_id)
    rto, estimate = data.services[service_id].bia.rto, data.facts[service_id].estimate
    return f"RTO {rto}, estimated {estimate}, {status.detail}"


def plan_health(data: Dataset, warnings: list[Problem]) -> str:
    page = paths.HEALTH
    services_by_file = {s._node.file: s for s in data.services.values()}
    exercises_by_file = {e._node.file: e for e in data.exercises.values()}
    groups = []
    for code in CODES:
        if code.severity is not Severity.WARNING:
            continue
        items = []
        for w in (w for w in warnings if w.code == code.code):
            target, name = None, source_path(data, w.file)
            if w.file in services_by_file:
                service = services_by_file[w.file]
                target, name = paths.link(page, paths.service(service.id)), service.name
            elif w.file in exercises_by_file:
                exercise = exercises_by_file[w.file]
                target, name = paths.link(page, paths.exercise(exercise.id)), exercise.title
            elif w.file.name == "risks.yaml":
                target, name = paths.link(page, paths.RISKS), "Risk register"
            items.append(
                {
                    "name": name,
                    "link": target,
                    "text": w.text,
                    "where": f"{source_path(data, w.file)}:{w.line}:{w.column}",
                }
            )
        groups.append(
            {"code": code, "findings": sorted(items, key=lambda i: (str(i["name"]).lower(), str(i["where"])))}
        )
    return render("plan_health.md.j2", groups=groups, total=len(warnings))


def contacts(data: Dataset) -> str:
    page = paths.CONTACTS
    teams = []
    for team in sorted(data.teams.values(), key=lambda t: t.name.lower()):
        teams.append(
            {
                "team": team,
                "lead": contact(data, team.lead, page),
                "members": [contact(data, m, page) for m in team.members],
                "escalation": [contact(data, p, page) for p in team.escalation],
                "contact": contact(data, team.id, page),
            }
        )
    people = []
    for person in sorted(data.people.values(), key=lambda p: p.name.lower()):
        people.append({"c": contact(data, person.id, page), "deputy": contact(data, person.deputy, page)})
    vendors = [
        {"vendor": v, "link": paths.html_link(page, paths.vendor(v.id)), "tel": tel_link(v.support_phone)}
        for v in sorted(data.vendors.values(), key=lambda v: v.name.lower())
    ]
    return render("contacts.md.j2", teams=teams, people=people, vendors=vendors)


Job = Callable[[], list[GeneratedPage]]


def page_jobs(data: Dataset, problems: list[Problem], build: BuildInfo) -> list[tuple[float, Job]]:
    """Every generated page of the handbook, as pieces of work in page order, each with a rough
    cost (in service pages) for sharing them between processes. Each piece depends only on the
    data, so any process holding the data makes the same pages."""
    warnings = [p for p in problems if p.severity is Severity.WARNING]
    by_file = _warnings_by_file(warnings)
    risks = risks_by_record(data)
    count = max(len(data.services), 1)

    def core() -> list[GeneratedPage]:
        return [
            GeneratedPage(paths.HOME, home(data, warnings, build)),
            GeneratedPage(paths.SERVICES, services_index(data, by_file)),
            GeneratedPage(paths.CONTACTS, contacts(data), data.root / "people.yaml"),
            GeneratedPage(paths.HEALTH, plan_health(data, warnings)),
        ]

    def one_service(service: Service) -> Job:
        def job() -> list[GeneratedPage]:
            file = service._node.file
            page = service_page(data, service, by_file.get(file, []), risks)
            return [GeneratedPage(paths.service(service.id), page, file, search_tags=tuple(service.aliases))]

        return job

    # Costs measured at 1,000 services, relative to a service page.
    jobs: list[tuple[float, Job]] = [(0.08 * count, core)]
    jobs += [(1.0, one_service(service)) for service in data.services.values()]
    jobs.append((0.1 * count, lambda: places.pages(data, warnings)))
    jobs.append((0.05 * count, lambda: registers.pages(data, warnings)))
    jobs.append((0.42 * count, lambda: analysis_pages.pages(data)))
    return jobs


def render_pages(data: Dataset, problems: list[Problem], build: BuildInfo) -> list[GeneratedPage]:
    """Every generated page of the handbook."""
    return [page for _, job in page_jobs(data, problems, build) for page in job()]


# --- sharing the work with the build's helper process (handbook.render.parallel) -------------------


# The helper's part of the work: a little under half. It is slower at the same work: a forked
# process copies each page of memory it touches (reference counts touch most), and it sends its
# pages back.
_HELPER_PART = 0.46


def _helper_share(jobs: list[tuple[float, Job]]) -> list[int]:
    """The pieces the helper makes: from the end, a little under half of the work."""
    total = sum(cost for cost, _ in jobs)
    share, taken = [], 0.0
    for index in range(len(jobs) - 1, 0, -1):
        if taken >= total * _HELPER_PART:
            break
        share.append(index)
        taken += jobs[index][0]
    return sorted(share)


def _render_share() -> dict[int, list[GeneratedPage]]:
    """In the helper: its share of the pages, from its copy of the data."""
    data, problems, build = parallel.state()
    with paused_cyclic_gc():
        jobs = page_jobs(data, problems, build)
        return {index: jobs[index][1]() for index in _helper_share(jobs)}


def share_pages(data: Dataset, problems: list[Problem], build: BuildInfo) -> Future[Any] | None:
    """Start the build's helper on its share of the pages (None without one); hand what this
    returns to :func:`render_shared`. The helper reads the data as it is now."""
    if not parallel.start((data, problems, build)):
        return None
    return parallel.submit(_render_share)


def render_shared(
    data: Dataset, problems: list[Problem], build: BuildInfo, shared: Future[Any] | None
) -> list[GeneratedPage]:
    """Every generated page, as :func:`render_pages` makes them, the helper's share from it."""
    jobs = page_jobs(data, problems, build)
    theirs = set(_helper_share(jobs)) if shared is not None else set()
    made = {index: job() for index, (_, job) in enumerate(jobs) if index not in theirs}
    if theirs:
        assert shared is not None
        try:
            made.update(shared.result())
        except Exception:  # the helper failed or died: make its share here
            made.update({index: jobs[index][1]() for index in theirs})
    return [page for index in range(len(jobs)) for page in made[index]]
