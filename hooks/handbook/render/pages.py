"""Every page of the handbook from the validated data set: the home dashboard, the indexes and one
recovery page per service. ``render_pages`` is what the MkDocs hook calls."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from markupsafe import Markup

from handbook.codes import BY_CODE, CODES
from handbook.dataset import Dataset
from handbook.problems import Problem, Severity
from handbook.render import analysis_pages, paths, places, registers
from handbook.render.common import BuildInfo, GeneratedPage, contact, estimate_status, source_path
from handbook.render.environment import render
from handbook.render.service_page import service_page
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
                    "link": paths.link(page, paths.service(service.id)),
                    "owner": _owner_name(data, service.owner),
                    "status": estimate_status(data, service.id),
                    "last_exercise": _last_exercise(data, service.id),
                    "estimate": data.facts[service.id].estimate,
                    "warnings": len(found),
                }
            )
        tiers.append({"tier": tier, "rows": rows})
    return render("services.md.j2", tiers=tiers, health_link=paths.link(page, paths.HEALTH))


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
        {"vendor": v, "link": paths.link(page, paths.vendor(v.id)), "tel": tel_link(v.support_phone)}
        for v in sorted(data.vendors.values(), key=lambda v: v.name.lower())
    ]
    return render("contacts.md.j2", teams=teams, people=people, vendors=vendors)


def render_pages(data: Dataset, problems: list[Problem], build: BuildInfo) -> list[GeneratedPage]:
    """Every generated page of the handbook."""
    warnings = [p for p in problems if p.severity is Severity.WARNING]
    by_file = _warnings_by_file(warnings)
    pages = [
        GeneratedPage(paths.HOME, home(data, warnings, build)),
        GeneratedPage(paths.SERVICES, services_index(data, by_file)),
        GeneratedPage(paths.CONTACTS, contacts(data), data.root / "people.yaml"),
        GeneratedPage(paths.HEALTH, plan_health(data, warnings)),
    ]
    for service in data.services.values():
        file = service._node.file
        pages.append(
            GeneratedPage(
                paths.service(service.id),
                service_page(data, service, by_file.get(file, [])),
                file,
                search_tags=tuple(service.aliases),
            )
        )
    pages.extend(places.pages(data, warnings))
    pages.extend(registers.pages(data, warnings))
    pages.extend(analysis_pages.pages(data))
    return pages
