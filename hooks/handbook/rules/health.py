"""Plan health: warnings about the plan, not the file. They are built into the handbook and never
stop a build; ``handbook check --strict`` fails on them."""

from __future__ import annotations

from collections.abc import Iterator

from handbook.dataset import Dataset
from handbook.model import Service
from handbook.problems import Problem, Severity
from handbook.structure import problem_at

WARNING = Severity.WARNING


def service_health(data: Dataset, service: Service) -> Iterator[Problem]:
    yield from _objectives(data, service)
    yield from _backups(data, service)
    yield from _plan(data, service)


def _objectives(data: Dataset, s: Service) -> Iterator[Problem]:
    rto = s.bia.rto
    for i, dep in enumerate(s.depends_on):
        if dep.degraded:
            continue
        if dep.service is not None and dep.service in data.services:
            other = data.services[dep.service].bia.rto
            if other > rto:
                yield problem_at(
                    s,
                    ("bia", "rto"),
                    WARNING,
                    "dependency-longer-rto",
                    f"{s.id} (RTO {rto}) depends on {dep.service} (RTO {other})",
                    f"depends_on[{i}]: shorten {dep.service}'s RTO, or mark the link 'degraded: true' "
                    f"if {s.id} runs without it",
                )
        if dep.vendor is not None and dep.vendor in data.vendors:
            contracted = data.vendors[dep.vendor].recovery_time
            if contracted is not None and contracted > rto:
                yield problem_at(
                    s,
                    ("bia", "rto"),
                    WARNING,
                    "vendor-recovery-exceeds-rto",
                    f"{s.id} (RTO {rto}) depends on vendor {dep.vendor}, whose contract commits to "
                    f"recovery in {contracted}",
                    f"depends_on[{i}]: renegotiate the contract or plan a workaround",
                )
    facts = data.facts[s.id]
    if facts.estimate is not None and facts.estimate > rto:
        chain = " -> ".join(
            f"{sid} ({data.services[sid].continuity.recovery_time})"  # type: ignore[union-attr]
            for sid in facts.critical_path
        )
        yield problem_at(
            s,
            ("bia", "rto"),
            WARNING,
            "estimate-exceeds-rto",
            f"estimated recovery {facts.estimate} is longer than the RTO {rto}",
            f"critical path: {chain}",
        )
    tiers = data.handbook.tiers
    if facts.tier_given and facts.tier.max_rto < rto:
        yield problem_at(
            s,
            ("tier",),
            WARNING,
            "tier-rto-mismatch",
            f"tier {facts.tier.tier} allows an RTO of at most {facts.tier.max_rto}, but the RTO is {rto}",
            "shorten the RTO or choose a later tier",
        )
    elif not facts.tier_given and rto > tiers[-1].max_rto:
        yield problem_at(
            s,
            ("bia", "rto"),
            WARNING,
            "rto-exceeds-tiers",
            f"RTO {rto} is longer than every tier's max_rto (the last, {tiers[-1].max_rto})",
            f"the service is put in tier {tiers[-1].tier}; check the RTO",
        )
    intolerable = data.handbook.impact.intolerable
    if intolerable is None:
        intolerable = len(data.handbook.impact.levels) - 1
    reached = [
        (interval, category)
        for category, levels in s.bia.impact.items()
        for interval, level in levels.items()
        if level >= intolerable
    ]
    if reached:
        first, category = min(reached)
        if s.bia.mtpd > first:
            yield problem_at(
                s,
                ("bia", "mtpd"),
                WARNING,
                "mtpd-exceeds-intolerable",
                f"MTPD {s.bia.mtpd} is longer than {first}, when the {category} impact becomes intolerable",
                "the plan tolerates more than the business can: shorten the MTPD or revisit the BIA",
            )


def _backups(data: Dataset, s: Service) -> Iterator[Problem]:
    if not s.backups:
        return
    fastest = min(range(len(s.backups)), key=lambda i: s.backups[i].frequency)
    if s.backups[fastest].frequency > s.bia.rpo:
        yield problem_at(
            s,
            ("backups", fastest, "frequency"),
            WARNING,
            "rpo-not-met",
            f"the most frequent backup runs every {s.backups[fastest].frequency}, "
            f"longer than the RPO {s.bia.rpo}",
            "back up at least as often as the RPO, or agree a longer RPO",
        )
    if not any(b.offsite for b in s.backups):
        yield problem_at(
            s,
            ("backups",),
            WARNING,
            "no-offsite-backup",
            f"none of the {len(s.backups)} backup(s) is kept off site",
            "keep a copy off site (offsite: true) so a site loss does not take the backups too",
        )
    if data.backup_runs is None:
        return
    for i, backup in enumerate(s.backups):
        last = data.last_success(s.id, backup.name)
        if last is None:
            yield problem_at(
                s,
                ("backups", i, "name"),
                WARNING,
                "backup-evidence-stale",
                f"backup '{backup.name}' has no successful run in evidence/backups.csv",
                "check the backup job and the evidence export",
            )
        elif not data.backup_within_frequency(s.id, backup):
            yield problem_at(
                s,
                ("backups", i, "name"),
                WARNING,
                "backup-evidence-stale",
                f"backup '{backup.name}' last succeeded {last:%Y-%m-%d %H:%M}Z, longer ago than its "
                f"frequency {backup.frequency}",
                "check the backup job and the evidence export",
            )


def _plan(data: Dataset, s: Service) -> Iterator[Problem]:
    if s.recovery is None or not s.recovery.steps:
        parts: tuple[str, ...] = ("recovery", "steps") if s.recovery is not None else ("id",)
        yield problem_at(
            s,
            parts,
            WARNING,
            "no-recovery-steps",
            "the plan has no recovery steps",
            "add recovery.steps: what a responder does, in order",
        )
    hb = data.handbook
    if s.review is None:
        yield problem_at(
            s,
            ("id",),
            WARNING,
            "review-stale",
            "the plan has never been reviewed",
            "review it with the owner and add review.last_reviewed",
        )
    elif data.older_than(s.review.last_reviewed, hb.review_interval):
        yield problem_at(
            s,
            ("review", "last_reviewed"),
            WARNING,
            "review-stale",
            f"last reviewed {s.review.last_reviewed}, "
            f"longer ago than the review interval {hb.review_interval}",
            "review the plan with its owner",
        )
    past = [e for e in data.exercises_of(s.id) if e.date <= data.today]
    critical = {t.tier for t in hb.tiers[:2]}
    tier = data.facts[s.id].tier.tier
    if tier in critical and (not past or data.older_than(past[0].date, hb.exercise_interval)):
        when = f"was last exercised on {past[0].date}" if past else "has never been exercised"
        yield problem_at(
            s,
            ("id",),
            WARNING,
            "not-exercised",
            f"this tier-{tier} service {when}, not within {hb.exercise_interval}",
            "plan an exercise in exercises/",
        )
    if past and past[0].outcome == "failed":
        yield problem_at(
            s,
            ("id",),
            WARNING,
            "exercise-failed",
            f"the latest exercise, {past[0].id} on {past[0].date}, failed",
            "act on its findings and exercise the plan again",
        )


def dataset_health(data: Dataset) -> Iterator[Problem]:
    for service in data.services.values():
        yield from service_health(data, service)
    for exercise in data.exercises.values():
        for i, action in enumerate(exercise.actions):
            if action.status == "open" and action.due < data.today:
                yield problem_at(
                    exercise,
                    ("actions", i, "due"),
                    WARNING,
                    "action-overdue",
                    f"open action '{action.title}' was due {action.due}",
                    f"{data.party_name(action.owner)} to finish it, or set a new due date",
                )
    appetite = data.handbook.risk.appetite
    for risk in data.risks:
        if risk.score > appetite and risk.treatment == "accept" and not risk.mitigations:
            yield problem_at(
                risk,
                ("treatment",),
                WARNING,
                "risk-accepted-unmitigated",
                f"risk scoring {risk.likelihood} x {risk.impact} = {risk.score}, above the appetite of "
                f"{appetite}, is accepted with no mitigation",
                "mitigate, transfer or avoid it, or list the mitigations in place",
            )
