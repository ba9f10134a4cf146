"""Where every generated page lives and how pages link to each other: the one place that knows.

Paths are MkDocs source paths (``services/payroll.md``); links between pages are relative
Markdown links, so MkDocs checks them and rewrites them for the site and the offline copy.
"""

from __future__ import annotations

import posixpath
from typing import Final

from markupsafe import Markup

HOME: Final = "index.md"
SERVICES: Final = "services/index.md"
CONTACTS: Final = "contacts.md"
SITES: Final = "sites/index.md"
VENDORS: Final = "vendors/index.md"
RISKS: Final = "risks.md"
BIA: Final = "bia.md"
EXERCISES: Final = "exercises/index.md"
SCENARIOS: Final = "scenarios/index.md"
HEALTH: Final = "plan-health.md"
GLOSSARY: Final = "glossary.md"
FIELDS: Final = "editors/fields.md"
PROBLEM_CODES: Final = "editors/problems.md"


def service(service_id: str) -> str:
    return f"services/{service_id}.md"


def site(site_id: str) -> str:
    return f"sites/{site_id}.md"


def vendor(vendor_id: str) -> str:
    return f"vendors/{vendor_id}.md"


def scenario(scenario_id: str) -> str:
    return f"scenarios/{scenario_id}.md"


def exercise(exercise_id: str) -> str:
    return f"exercises/{exercise_id}.md"


def of(kind: str, record_id: str) -> str:
    """The page of a record named by a reference kind: service, site or vendor."""
    return {"service": service, "site": site, "vendor": vendor, "scenario": scenario, "exercise": exercise}[
        kind
    ](record_id)


def link(from_page: str, to_page: str, anchor: str | None = None) -> Markup:
    """A relative link target from one page to another (ids are [a-z0-9-], so it needs no escaping)."""
    target = posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")
    return Markup(target + (f"#{anchor}" if anchor else ""))
