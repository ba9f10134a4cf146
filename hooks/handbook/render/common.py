"""View-model pieces shared by several pages: who a party is and how to call them, the met / missed /
unknown status of an estimate, the name of an impact level, where a problem sits in the data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from markupsafe import Markup

from handbook.dataset import Dataset
from handbook.durations import Duration
from handbook.problems import Problem
from handbook.render import paths
from handbook.render.text import tel


@dataclass(frozen=True)
class GeneratedPage:
    """A page made from the data: where it goes (a MkDocs source path), its Markdown, and the data
    file it shows, for the Edit button."""

    path: str
    content: str
    source: Path | None = None
    # Other names the page is found by: search ranks a page whose tag matches above any text match
    # (Material's search indexes front-matter tags; the hook sets them, as plain text here).
    search_tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class BuildInfo:
    """What every page says about the copy: when it was built and from which data commit."""

    built_at: dt.datetime
    commit: str | None = None  # the data folder's git commit, None outside git
    dirty: bool = False  # uncommitted changes under data/ went into the build
    # The copies this build makes, for the home page's "About this copy": the PDF's file name in
    # the site root, and whether the site root gets SHA256SUMS (made with the offline bundle).
    pdf: str | None = None
    checksums: bool = False

    @property
    def date(self) -> str:
        return self.built_at.strftime("%Y-%m-%d")

    @property
    def stamp(self) -> str:
        return self.built_at.strftime("%Y-%m-%d %H:%M UTC")

    @property
    def commit_text(self) -> str:
        if self.commit is None:
            return "not under git"
        return self.commit[:12] + (" with uncommitted changes" if self.dirty else "")


NO_LINK: Final = Markup("")


@dataclass(frozen=True)
class Phone:
    label: str  # "phone", "mobile", "on-call"
    number: str
    href: Markup


@dataclass(frozen=True)
class Contact:
    """A person or team as a responder needs them: name, link to the contacts page, numbers."""

    id: str
    name: str
    kind: str  # person | team
    link: Markup
    phones: tuple[Phone, ...] = field(default=())
    email: str | None = None
    role: str | None = None
    href: Markup = NO_LINK  # the same target as ``link``, for HTML: the built page (paths.html_link)


def contact(data: Dataset, party_id: str | None, from_page: str) -> Contact | None:
    if party_id is None:
        return None
    person = data.people.get(party_id)
    if person is not None:
        phones = [Phone("phone", person.phone, tel(person.phone))] if person.phone else []
        if person.mobile:
            phones.append(Phone("mobile", person.mobile, tel(person.mobile)))
        return Contact(
            person.id,
            person.name,
            "person",
            paths.link(from_page, paths.CONTACTS, person.id),
            tuple(phones),
            person.email,
            person.role,
            paths.html_link(from_page, paths.CONTACTS, person.id),
        )
    team = data.teams[party_id]
    phones = [Phone("on-call", team.phone, tel(team.phone))] if team.phone else []
    return Contact(
        team.id,
        team.name,
        "team",
        paths.link(from_page, paths.CONTACTS, team.id),
        tuple(phones),
        team.email,
        None,
        paths.html_link(from_page, paths.CONTACTS, team.id),
    )


@dataclass(frozen=True)
class Status:
    """An estimate against an objective: always said in words, never by colour alone."""

    key: str  # met | missed | unknown
    label: str
    detail: str


def estimate_status(data: Dataset, service_id: str) -> Status:
    service = data.services[service_id]
    facts = data.facts[service_id]
    rto = service.bia.rto
    if facts.estimate is None:
        because = facts.unknown_because
        detail = (
            "no recovery_time in the plan"
            if because == service_id
            else f"{data.services[because].name} has no recovery_time"
            if because
            else ""
        )
        return Status("unknown", "unknown", detail)
    if facts.estimate <= rto:
        spare = Duration(rto.minutes - facts.estimate.minutes)
        return Status("met", "meets RTO", f"{spare} to spare" if spare.minutes else "exactly")
    late = Duration(facts.estimate.minutes - rto.minutes)
    return Status("missed", "misses RTO", f"by {late}")


def level_name(data: Dataset, level: int) -> str:
    levels = data.handbook.impact.levels
    return levels[level].name if 0 <= level < len(levels) else str(level)


def source_path(data: Dataset, file: Path) -> str:
    """A data file as editors name it: relative to the folder holding data/ (``data/services/x.yaml``)."""
    try:
        return file.relative_to(data.root.parent).as_posix()
    except ValueError:
        return file.as_posix()


def problems_by_file(problems: list[Problem]) -> dict[Path, list[Problem]]:
    grouped: dict[Path, list[Problem]] = {}
    for problem in problems:
        grouped.setdefault(problem.file, []).append(problem)
    return grouped
