"""The validated data set and the facts derived from it once (tier, estimated recovery): what every
later stage (analysis, pages, PDF) reads."""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from handbook.durations import Duration
from handbook.model import (
    Backup,
    Dependency,
    Exercise,
    Handbook,
    Person,
    Risk,
    Scenario,
    Service,
    Site,
    Team,
    Tier,
    Vendor,
)


def build_now(environ: Mapping[str, str] | None = None) -> dt.datetime:
    """The build's instant: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else the clock."""
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return dt.datetime.now(tz=dt.UTC).replace(microsecond=0)


@dataclass(frozen=True, slots=True)
class BackupRun:
    """One row of evidence/backups.csv."""

    service: str
    backup: str
    finished_at: dt.datetime
    success: bool
    line: int


@dataclass(frozen=True, slots=True)
class ServiceFacts:
    """What the handbook derives about a service from the data."""

    tier: Tier
    tier_given: bool
    # Recovery time plus the longest estimate among non-degraded service dependencies; None when
    # unknown, and then unknown_because names the service without a recovery_time.
    estimate: Duration | None
    unknown_because: str | None
    # This service, then the dependency that sets its estimate, and so on down.
    critical_path: tuple[str, ...]


@dataclass(frozen=True)
class Dataset:
    root: Path
    now: dt.datetime
    handbook: Handbook
    people: Mapping[str, Person]
    teams: Mapping[str, Team]
    sites: Mapping[str, Site]
    vendors: Mapping[str, Vendor]
    risks: tuple[Risk, ...]
    services: Mapping[str, Service]
    scenarios: Mapping[str, Scenario]
    exercises: Mapping[str, Exercise]
    # None when data/evidence/backups.csv does not exist: backups then show "no evidence".
    backup_runs: tuple[BackupRun, ...] | None
    facts: Mapping[str, ServiceFacts]

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(dt.UTC).date()

    def party_name(self, party_id: str) -> str:
        party = self.people.get(party_id) or self.teams.get(party_id)
        return party.name if party else party_id

    def meets_rto(self, service_id: str) -> bool | None:
        """True or False when the estimate is known; None (unknown) otherwise."""
        estimate = self.facts[service_id].estimate
        if estimate is None:
            return None
        return estimate <= self.services[service_id].bia.rto

    @functools.cached_property
    def _last_successes(self) -> dict[tuple[str, str], dt.datetime]:
        last: dict[tuple[str, str], dt.datetime] = {}
        for run in self.backup_runs or ():
            # Rows after "now" are ignored, so a past SOURCE_DATE_EPOCH sees the past.
            if run.success and run.finished_at <= self.now:
                key = (run.service, run.backup)
                if key not in last or run.finished_at > last[key]:
                    last[key] = run.finished_at
        return last

    def older_than(self, day: dt.date, interval: Duration) -> bool:
        """Whether *day* lies more than *interval* before today, in whole days: the interval's last
        day still counts (reviewed exactly review_interval ago is not stale)."""
        return (self.today - day).days * 24 * 60 > interval.minutes

    def backup_within_frequency(self, service_id: str, backup: Backup) -> bool | None:
        """Whether the backup last succeeded within its frequency; None with no success on record."""
        last = self.last_success(service_id, backup.name)
        if last is None:
            return None
        return (self.now - last).total_seconds() <= backup.frequency.minutes * 60

    def last_success(self, service_id: str, backup: str) -> dt.datetime | None:
        """The latest successful run of a backup in the evidence, up to now."""
        return self._last_successes.get((service_id, backup))

    @functools.cached_property
    def _exercises_by_service(self) -> dict[str, list[Exercise]]:
        index: dict[str, list[Exercise]] = {}
        for exercise in sorted(self.exercises.values(), key=lambda e: (e.date, e.id), reverse=True):
            for service_id in exercise.services:
                index.setdefault(service_id, []).append(exercise)
        return index

    @functools.cached_property
    def _dependants(self) -> dict[str, list[tuple[Service, Dependency]]]:
        index: dict[str, list[tuple[Service, Dependency]]] = {}
        for other in sorted(self.services.values(), key=lambda s: (s.name.lower(), s.id)):
            for dep in other.depends_on:
                if dep.service is not None:
                    index.setdefault(dep.service, []).append((other, dep))
        return index

    def dependants(self, service_id: str) -> list[tuple[Service, Dependency]]:
        """Services depending on this one, by name, each with its dependency entry."""
        return list(self._dependants.get(service_id, ()))

    def exercises_of(self, service_id: str) -> list[Exercise]:
        """Exercises naming the service, newest first."""
        return list(self._exercises_by_service.get(service_id, ()))
