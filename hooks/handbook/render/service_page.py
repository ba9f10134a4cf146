"""The recovery page of one service, ordered for a responder in the middle of an outage: at a glance,
before you start, the numbered steps, after recovery, then the reference material."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from handbook.dataset import Dataset
from handbook.durations import Duration
from handbook.model import Service
from handbook.problems import Problem
from handbook.render import paths
from handbook.render.common import Contact, Status, contact, estimate_status, level_name, source_path
from handbook.render.diagrams import service_diagram
from handbook.render.environment import render
from handbook.render.text import block, markdown_html, tel_link
from handbook.rules.graph import hard_dependencies


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    assignee: Contact | None
    duration: Duration | None
    starts: Duration | None  # elapsed time when the step starts; None once a duration is unknown
    ends: Duration | None
    details: Markup
    verify: Markup


def _steps(data: Dataset, service: Service, page: str) -> list[Step]:
    steps: list[Step] = []
    elapsed: Duration | None = Duration(0)
    for number, step in enumerate(service.recovery.steps if service.recovery else (), start=1):
        ends = elapsed + step.duration if elapsed is not None and step.duration is not None else None
        steps.append(
            Step(
                number,
                step.title,
                contact(data, step.assignee, page),
                step.duration,
                elapsed,
                ends,
                block(markdown_html(step.details)),
                block(markdown_html(step.verify), "hb-md hb-verify"),
            )
        )
        elapsed = ends
    return steps


def _impact_rows(data: Dataset, service: Service) -> list[dict[str, Any]]:
    """One row per category, one cell per configured interval; omitted intervals carry the last
    level forward, and before the first one the level is 0 (the data format's rule)."""
    rows = []
    for category in data.handbook.impact.categories:
        given = service.bia.impact.get(category.id, {})
        level, cells = 0, []
        for interval in data.handbook.impact.intervals:
            if interval in given:
                level = given[interval]
            cells.append({"level": level, "name": level_name(data, level)})
        rows.append({"name": category.name, "cells": cells})
    return rows


def _dependencies(data: Dataset, service: Service, page: str) -> dict[str, list[dict[str, Any]]]:
    needed: list[dict[str, Any]] = []
    degraded: list[dict[str, Any]] = []
    sites: list[dict[str, Any]] = []
    vendors: list[dict[str, Any]] = []
    for dep in service.depends_on:
        if dep.service is not None:
            other = data.services[dep.service]
            entry = {
                "name": other.name,
                "href": paths.html_link(page, paths.service(other.id)),
                "rto": other.bia.rto,
                "estimate": data.facts[other.id].estimate,
                "status": estimate_status(data, other.id),
                "note": dep.note,
            }
            (degraded if dep.degraded else needed).append(entry)
        elif dep.site is not None:
            site = data.sites[dep.site]
            href = paths.html_link(page, paths.site(site.id))
            sites.append({"name": site.name, "href": href, "note": dep.note, "degraded": dep.degraded})
        elif dep.vendor is not None:
            vendor = data.vendors[dep.vendor]
            vendors.append(_vendor(vendor, page, dep.note, dep.degraded))
    return {"needed": needed, "degraded": degraded, "sites": sites, "vendors": vendors}


def _vendor(vendor: Any, page: str, note: str | None = None, degraded: bool = False) -> dict[str, Any]:
    return {
        "name": vendor.name,
        "href": paths.html_link(page, paths.vendor(vendor.id)),
        "phone": vendor.support_phone,
        "tel": tel_link(vendor.support_phone),
        "email": vendor.support_email,
        "hours": vendor.support_hours,
        "recovery_time": vendor.recovery_time,
        "note": note,
        "degraded": degraded,
    }


def _backups(data: Dataset, service: Service) -> list[dict[str, Any]]:
    rows = []
    for backup in service.backups:
        last = data.last_success(service.id, backup.name)
        if data.backup_runs is None:
            evidence = "no evidence"
        elif last is None:
            evidence = "no successful run on record"
        elif data.backup_within_frequency(service.id, backup):
            evidence = "within frequency"
        else:
            evidence = "overdue"
        location = None
        if backup.location is not None:
            loc = backup.location
            place = data.sites.get(loc.id) if loc.kind == "site" else data.vendors.get(loc.id)
            location = place.name if place is not None else loc.id
        rows.append(
            {
                "backup": backup,
                "location": location,
                "last": f"{last:%Y-%m-%d %H:%M} UTC" if last else "",
                "evidence": evidence,
            }
        )
    return rows


def risks_by_record(data: Dataset) -> dict[tuple[str, str], set[int]]:
    """The positions in the register of the risks naming each record (kind, id)."""
    found: dict[tuple[str, str], set[int]] = {}
    for position, risk in enumerate(data.risks):
        for affected in risk.affects:
            found.setdefault((affected.kind, affected.id), set()).add(position)
    return found


def _risks(data: Dataset, service: Service, by_record: dict[tuple[str, str], set[int]] | None) -> list[Any]:
    """Risks naming this service, one of its sites or one of its vendors, in register order."""
    if by_record is None:
        by_record = risks_by_record(data)
    refs = {("service", service.id)} | {(d.kind, d.id) for d in service.depends_on if d.kind != "service"}
    positions: set[int] = set()
    for ref in refs:
        positions |= by_record.get(ref, set())
    return [data.risks[i] for i in sorted(positions)]


def _dependants(data: Dataset, service: Service, page: str) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for other, dep in data.dependants(service.id):
        entry = found.setdefault(
            other.id,
            {"name": other.name, "href": paths.html_link(page, paths.service(other.id)), "rto": other.bia.rto,
             "degraded": True},
        )  # fmt: skip
        entry["degraded"] = entry["degraded"] and dep.degraded  # degraded only if every link is
    return list(found.values())


def _review(data: Dataset, service: Service) -> dict[str, Any]:
    if service.review is None:
        return {"text": "never reviewed", "stale": True, "by": None}
    days = (data.today - service.review.last_reviewed).days
    stale = data.older_than(service.review.last_reviewed, data.handbook.review_interval)
    return {"text": f"last reviewed {service.review.last_reviewed} ({days} days ago)", "stale": stale,
            "by": service.review.reviewed_by}  # fmt: skip


def service_page(
    data: Dataset,
    service: Service,
    warnings: list[Problem],
    risks: dict[tuple[str, str], set[int]] | None = None,
) -> str:
    """The page of *service*; *risks* is :func:`risks_by_record` of the data, made once for all
    the pages (made here if not given)."""
    page = paths.service(service.id)
    facts = data.facts[service.id]
    status: Status = estimate_status(data, service.id)
    continuity = service.continuity
    recovery = service.recovery
    alternate = None
    if continuity is not None and continuity.alternate_site is not None:
        site = data.sites[continuity.alternate_site]
        alternate = {"name": site.name, "href": paths.html_link(page, paths.site(site.id))}
    exercises = []
    for exercise in data.exercises_of(service.id):
        exercises.append(
            {
                "title": exercise.title,
                "href": paths.html_link(page, paths.exercise(exercise.id)),
                "date": exercise.date,
                "kind": exercise.kind,
                "outcome": exercise.outcome or ("scheduled" if exercise.date > data.today else "no outcome"),
                "achieved": exercise.achieved.get(service.id),
            }
        )
    review = _review(data, service)
    context = {
        "service": service,
        "tier": facts.tier,
        "tier_given": facts.tier_given,
        "estimate": facts.estimate,
        "status": status,
        "critical_path": [data.services[sid].name for sid in facts.critical_path[1:]],
        "owner": contact(data, service.owner, page),
        "team": contact(data, service.team, page),
        "authority": contact(data, recovery.authority if recovery else None, page),
        "strategy": (continuity.strategy or "").replace("-", " ") if continuity else "",
        "recovery_time": continuity.recovery_time if continuity else None,
        "alternate": alternate,
        "warnings": warnings,
        "health_href": paths.html_link(page, paths.HEALTH),
        "deps": _dependencies(data, service, page),
        "activation": block(markdown_html(recovery.activation if recovery else None)),
        "steps": _steps(data, service, page),
        "validation": block(markdown_html(recovery.validation if recovery else None)),
        "reconstitution": block(markdown_html(recovery.reconstitution if recovery else None)),
        "workaround": block(markdown_html(continuity.workaround if continuity else None)),
        "mbco": block(markdown_html(service.bia.mbco)),
        "resources": block(markdown_html(service.bia.resources)),
        "description": block(markdown_html(service.description)),
        "communications": [
            {"c": c, "owner": contact(data, c.owner, page), "message": block(markdown_html(c.message))}
            for c in service.communications
        ],
        "intervals": data.handbook.impact.intervals,
        "impact_rows": _impact_rows(data, service),
        "backups": _backups(data, service),
        "assets": [
            {
                "asset": a,
                "site": data.sites[a.site].name if a.site else None,
                "vendor": data.vendors[a.vendor].name if a.vendor else None,
            }
            for a in service.assets
        ],
        "vendors": [_vendor(data.vendors[v], page) for v in _vendor_ids(service)],
        "risks": [
            {"risk": r, "href": paths.html_link(page, paths.RISKS, r.id)}
            for r in _risks(data, service, risks)
        ],
        "exercises": exercises,
        "review": review,
        "reviewer": contact(data, review["by"], page),
        "dependants": _dependants(data, service, page),
        "diagram": service_diagram(data, service.id, page),
        "source": source_path(data, service._node.file),
        "hard_dependencies": hard_dependencies(service, data.services),
        "today": data.today,
    }
    return render("service.md.j2", **context)


def _vendor_ids(service: Service) -> list[str]:
    """Vendors the service depends on or whose products it runs, in order of first mention."""
    ids = [d.vendor for d in service.depends_on if d.vendor] + [a.vendor for a in service.assets if a.vendor]
    return list(dict.fromkeys(ids))
