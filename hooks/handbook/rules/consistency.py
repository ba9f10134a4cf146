"""Errors within one record, judged against the scales of handbook.yaml: scales in order, RTO within
MTPD, impact levels on the scale and never falling, exercises complete."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from handbook.durations import Duration
from handbook.model import Exercise, Handbook, Service
from handbook.problems import Problem, Severity
from handbook.structure import did_you_mean, node_at, problem_at
from handbook.yamlsource import Map

ERROR = Severity.ERROR


def handbook_scales(hb: Handbook) -> Iterator[Problem]:
    for i in range(1, len(hb.tiers)):
        before, tier = hb.tiers[i - 1], hb.tiers[i]
        if tier.tier <= before.tier:
            yield problem_at(
                tier,
                ("tier",),
                ERROR,
                "scale-order",
                f"tier {tier.tier} follows tier {before.tier}",
                "tier numbers increase down the list",
            )
        if tier.max_rto <= before.max_rto:
            yield problem_at(
                tier,
                ("max_rto",),
                ERROR,
                "scale-order",
                f"max_rto {tier.max_rto} is not longer than tier {before.tier}'s {before.max_rto}",
                "max_rto increases down the list",
            )
    for i, level in enumerate(hb.impact.levels):
        if level.level != i:
            yield problem_at(
                level,
                ("level",),
                ERROR,
                "scale-order",
                f"level {level.level} is number {i + 1} in the list",
                f"levels run 0, 1, 2 ... in order; write {i}",
            )
    for i in range(1, len(hb.impact.intervals)):
        if hb.impact.intervals[i] <= hb.impact.intervals[i - 1]:
            yield problem_at(
                hb.impact,
                ("intervals", i),
                ERROR,
                "scale-order",
                f"interval {hb.impact.intervals[i]} does not come after {hb.impact.intervals[i - 1]}",
                "intervals increase",
            )
    seen: set[str] = set()
    for category in hb.impact.categories:
        if category.id in seen:
            yield problem_at(
                category, ("id",), ERROR, "duplicate-id", f"category '{category.id}' is listed twice"
            )
        seen.add(category.id)
    levels = [level.level for level in hb.impact.levels]
    if hb.impact.intolerable is not None and hb.impact.intolerable not in levels:
        yield problem_at(
            hb.impact,
            ("intolerable",),
            ERROR,
            "bad-value",
            f"{hb.impact.intolerable} is not one of the levels",
            f"use one of {', '.join(map(str, levels))}",
        )


def service_consistency(hb: Handbook | None, service: Service) -> Iterator[Problem]:
    bia = service.bia
    if bia.rto > bia.mtpd:
        yield problem_at(
            service,
            ("bia", "rto"),
            ERROR,
            "rto-exceeds-mtpd",
            f"RTO {bia.rto} is longer than the MTPD {bia.mtpd}",
            "the service must be back before the business can no longer bear its loss",
        )
    names: dict[str, int] = {}
    for i, backup in enumerate(service.backups):
        if backup.name in names:
            yield problem_at(
                service,
                ("backups", i, "name"),
                ERROR,
                "duplicate-backup",
                f"backup '{backup.name}' is declared twice (first as backups[{names[backup.name]}])",
                "give each backup its own name",
            )
        names.setdefault(backup.name, i)
    if hb is None:
        return
    if service.tier is not None and service.tier not in {t.tier for t in hb.tiers}:
        yield problem_at(
            service,
            ("tier",),
            ERROR,
            "unknown-tier",
            f"tier {service.tier} is not configured",
            f"tiers are {', '.join(str(t.tier) for t in hb.tiers)}",
        )
    yield from _impact(hb, service)


def _impact(hb: Handbook, service: Service) -> Iterator[Problem]:
    categories = [c.id for c in hb.impact.categories]
    intervals = {d: str(d) for d in hb.impact.intervals}
    top = len(hb.impact.levels) - 1
    impact_node = node_at(service._node, ("bia", "impact"))[0]
    for category, by_interval in service.bia.impact.items():
        if category not in categories:
            yield problem_at(
                service,
                ("bia", "impact", category),
                ERROR,
                "unknown-category",
                f"no impact category '{category}'",
                did_you_mean(category, categories) or f"categories are {', '.join(categories)}",
            )
            continue
        # Key spellings as written, so messages and positions follow the file (60m is 1h).
        category_node = impact_node.get(category) if isinstance(impact_node, Map) else None
        written = {}
        if isinstance(category_node, Map):
            for key in category_node.entries:
                try:
                    written[Duration.parse(key)] = key
                except ValueError:
                    continue
        previous: tuple[Duration, int] | None = None
        for interval in sorted(by_interval):
            level = by_interval[interval]
            key = written.get(interval, str(interval))
            parts = ("bia", "impact", category, key)
            if interval not in intervals:
                yield problem_at(
                    service,
                    parts,
                    ERROR,
                    "unknown-interval",
                    f"{key} is not one of the impact intervals",
                    f"intervals are {', '.join(intervals.values())} (handbook.yaml)",
                )
            if level > top:
                yield problem_at(
                    service,
                    parts,
                    ERROR,
                    "impact-level-out-of-scale",
                    f"level {level} is above the highest level {top}",
                    f"use 0 to {top}",
                )
            if previous is not None and level < previous[1]:
                yield problem_at(
                    service,
                    parts,
                    ERROR,
                    "impact-falls",
                    f"level {level} at {key} is lower than {previous[1]} at {previous[0]}",
                    "impact only grows as a disruption goes on",
                )
            previous = (interval, level)


def exercise_consistency(exercise: Exercise, today: dt.date) -> Iterator[Problem]:
    if exercise.outcome is None and exercise.date <= today:
        yield problem_at(
            exercise,
            ("date",),
            ERROR,
            "missing-outcome",
            f"the exercise of {exercise.date} has no outcome",
            "add outcome: passed, passed-with-issues or failed (only scheduled exercises may leave it out)",
        )
    for service in exercise.achieved:
        if service not in exercise.services:
            yield problem_at(
                exercise,
                ("achieved", service),
                ERROR,
                "achieved-not-exercised",
                f"'{service}' is not among the exercise's services",
                did_you_mean(service, list(exercise.services)) or "add it to services or remove it here",
            )
