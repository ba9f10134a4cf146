"""Every problem code the checker can report, with its severity and what an editor does about it.

Codes are stable: CI scripts and editors' notes refer to them. The handbook's Problem codes page
(editors/problems.md, see handbook.reference) is generated from this table at every build.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from handbook.problems import Severity


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity
    group: str
    summary: str


E, W = Severity.ERROR, Severity.WARNING

CODES: Final[tuple[Code, ...]] = (
    # Files and YAML
    Code("missing-file", E, "files", "A required file (handbook.yaml, people.yaml, a service) is missing."),
    Code(
        "unknown-file", E, "files", "A .yaml file outside the layout of the data format; it would be skipped."
    ),
    Code("file-extension", E, "files", "A file ends in .yml or .YAML; rename it to .yaml so it is read."),
    Code("case-clash", E, "files", "Two file names differ only in letter case."),
    Code("symlink", E, "files", "A symbolic link under data/; copy the file in instead."),
    Code("file-too-large", E, "files", "A file larger than 1 MiB."),
    Code("encoding", E, "yaml", "The file is not UTF-8 (the first bad byte is named)."),
    Code("empty-file", E, "yaml", "The file holds no YAML document."),
    Code("yaml-syntax", E, "yaml", "Malformed YAML: the parser's complaint at its line."),
    Code("tab-indent", E, "yaml", "A tab is used for indentation; YAML needs spaces."),
    Code("duplicate-key", E, "yaml", "The same key twice in one mapping."),
    Code("yaml-anchor", E, "yaml", "An anchor (&name); the format is plain YAML."),
    Code("yaml-alias", E, "yaml", "An alias (*name); write the value out."),
    Code("yaml-merge-key", E, "yaml", "A merge key (<<); write the keys out."),
    Code("yaml-tag", E, "yaml", "A tag (!!python/..., !foo, !!str)."),
    Code("yaml-multiple-documents", E, "yaml", "More than one YAML document in a file."),
    Code("yaml-too-deep", E, "yaml", "Nesting deeper than 32 levels."),
    # Shape of records
    Code("unknown-key", E, "fields", "A key the record does not have; the hint names the nearest known key."),
    Code("missing-field", E, "fields", "A required field is missing."),
    Code("empty-value", E, "fields", "A key without a value."),
    Code("wrong-type", E, "fields", "Text where a list is needed, a list where a number is needed ..."),
    Code(
        "unquoted-text",
        E,
        "fields",
        "Plain text that YAML 1.1 or 1.2 reads as a boolean, number, date or null: quote it.",
    ),
    Code("bad-value", E, "fields", "A value outside the allowed set or range."),
    Code(
        "bad-id", E, "fields", "An id that is not lowercase letters, digits and single hyphens (at most 64)."
    ),
    Code("reserved-id", E, "fields", "An id Windows reserves as a file name (con, nul, com1 ...)."),
    Code("too-long", E, "fields", "Plain text over 500 characters or markdown over 20,000."),
    Code("bad-duration", E, "fields", "Not a duration like 4h, 30m, 1d12h (or zero where not allowed)."),
    Code("bad-date", E, "fields", "Not a date written YYYY-MM-DD."),
    Code("bad-reference", E, "fields", "A reference that does not name exactly one kind ({service: id})."),
    # Between records
    Code("id-mismatch", E, "references", "A record's id differs from its file name."),
    Code("duplicate-id", E, "references", "Two records of a kind (or a person and a team) share an id."),
    Code(
        "unknown-reference",
        E,
        "references",
        "A reference to an id that does not exist; the hint names the nearest.",
    ),
    Code(
        "dependency-cycle",
        E,
        "references",
        "Services depend on each other in a circle (degraded links aside).",
    ),
    Code("rto-exceeds-mtpd", E, "consistency", "The RTO is longer than the MTPD."),
    Code("unknown-category", E, "consistency", "An impact category not configured in handbook.yaml."),
    Code("unknown-interval", E, "consistency", "An impact interval not configured in handbook.yaml."),
    Code("impact-level-out-of-scale", E, "consistency", "An impact level outside the configured levels."),
    Code("impact-falls", E, "consistency", "An impact level lower than at an earlier interval."),
    Code(
        "scale-order",
        E,
        "consistency",
        "Tiers, levels or intervals in handbook.yaml out of order, or repeated.",
    ),
    Code("unknown-tier", E, "consistency", "A service's tier is not among the configured tiers."),
    Code("duplicate-backup", E, "consistency", "Two backups of one service share a name."),
    Code("missing-outcome", E, "consistency", "An exercise dated today or earlier has no outcome."),
    Code(
        "achieved-not-exercised",
        E,
        "consistency",
        "An exercise's achieved time names a service it did not exercise.",
    ),
    Code(
        "credentials", E, "consistency", "Something that looks like a password, private key or access token."
    ),
    Code("evidence-header", E, "evidence", "evidence/backups.csv lacks one of its four columns."),
    Code(
        "evidence-row",
        E,
        "evidence",
        "A row of evidence/backups.csv names an unknown service or backup, a bad time or status.",
    ),
    # Plan health
    Code("dependency-longer-rto", W, "plan health", "The service depends on a service with a longer RTO."),
    Code(
        "vendor-recovery-exceeds-rto",
        W,
        "plan health",
        "The service depends on a vendor whose contracted recovery time exceeds its RTO.",
    ),
    Code("estimate-exceeds-rto", W, "plan health", "The estimated recovery is longer than the RTO."),
    Code("tier-rto-mismatch", W, "plan health", "The given tier's max_rto is below the service's RTO."),
    Code("rto-exceeds-tiers", W, "plan health", "The RTO is longer than every tier's max_rto."),
    Code(
        "mtpd-exceeds-intolerable",
        W,
        "plan health",
        "The MTPD is longer than the time the BIA reaches the intolerable level.",
    ),
    Code("rpo-not-met", W, "plan health", "No backup runs at least as often as the RPO."),
    Code("no-offsite-backup", W, "plan health", "Backups are declared but none is kept off site."),
    Code("no-recovery-steps", W, "plan health", "The plan has no recovery steps."),
    Code("review-stale", W, "plan health", "The plan was never reviewed, or not within review_interval."),
    Code(
        "not-exercised",
        W,
        "plan health",
        "A tier-1 or tier-2 service with no exercise within exercise_interval.",
    ),
    Code("exercise-failed", W, "plan health", "The service's latest exercise failed."),
    Code(
        "backup-evidence-stale",
        W,
        "plan health",
        "No successful run of a backup in the evidence within its frequency.",
    ),
    Code("action-overdue", W, "plan health", "An open exercise action is past its due date."),
    Code(
        "risk-accepted-unmitigated", W, "plan health", "A risk above appetite is accepted with no mitigation."
    ),
)

BY_CODE: Final = {c.code: c for c in CODES}


def severity_of(code: str) -> Severity:
    return BY_CODE[code].severity
