"""Where every generated page lives and how pages link to each other: the one place that knows.

Paths are MkDocs source paths (``services/payroll.md``); links between pages are relative
Markdown links, so MkDocs checks them and rewrites them for the site and the offline copy.
"""

from __future__ import annotations

import functools
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
ORDER: Final = "analysis/order.md"
GAPS: Final = "analysis/gaps.md"
WHATIFS: Final = "whatif/index.md"


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


def whatif(kind: str, record_id: str) -> str:
    """The what-if page of a scenario, site or vendor (``whatif/site-dc-london.md``): the kind
    keeps a site and a vendor of the same id apart."""
    if kind not in ("scenario", "site", "vendor"):
        raise ValueError(f"no what-if page for a {kind}")
    return f"whatif/{kind}-{record_id}.md"


def of(kind: str, record_id: str) -> str:
    """The page of a record named by a reference kind: service, site or vendor."""
    return {"service": service, "site": site, "vendor": vendor, "scenario": scenario, "exercise": exercise}[
        kind
    ](record_id)


def link(from_page: str, to_page: str, anchor: str | None = None) -> Markup:
    """A relative link target from one page to another (ids are [a-z0-9-], so it needs no escaping)."""
    target = _relative(posixpath.dirname(from_page), to_page)
    return Markup(target + (f"#{anchor}" if anchor else ""))


@functools.lru_cache(maxsize=65536)
def _relative(from_folder: str, to_page: str) -> str:
    # relpath makes both paths absolute (a getcwd call each time); the analysis pages alone link
    # tens of thousands of times at 1,000 services, from a handful of folders.
    return posixpath.relpath(to_page, from_folder or ".")


def html_link(from_page: str, to_page: str, anchor: str | None = None) -> Markup:
    """A link target for raw HTML (an SVG diagram), which MkDocs leaves as written: it names the
    built page itself, ``payroll.html`` (the site sets ``use_directory_urls: false``, so a page
    ``x/y.md`` becomes ``x/y.html``, online and in the offline copy alike)."""
    built = to_page[: -len(".md")] + ".html" if to_page.endswith(".md") else to_page
    return link(from_page, built, anchor)
