"""The pages about sites, suppliers, scenarios and exercises, rendered from the fixture data folder."""

from __future__ import annotations

import re

import markdown
from pageview import view

from handbook.check import CheckResult
from handbook.render import places
from handbook.render.common import GeneratedPage

from conftest import EXERCISE, PAYROLL, SITES, VENDORS, CheckFn

TIMES = "\u00d7"  # the multiplication sign of "likelihood x impact"


def _pages(result: CheckResult) -> dict[str, GeneratedPage]:
    assert result.errors == [], result.errors
    assert result.dataset is not None
    return {page.path: page for page in places.pages(result.dataset, result.warnings)}


def _html(content: str) -> str:
    """The page as MkDocs would turn it into HTML (the extensions of mkdocs.yml that matter here)."""
    return markdown.markdown(content, extensions=["tables", "admonition", "attr_list"])


SCHEDULED = """\
id: 2027-01-payroll-walkthrough
title: Payroll walkthrough with the new bank portal
date: 2027-01-10
kind: walkthrough
services: [payroll]
"""

WITH_ACTIONS = (
    EXERCISE
    + """\
scenario: loss-of-london
findings: The bank token was in the **London** safe.
actions:
  - title: Keep a second bank token in Manchester
    owner: jdoe
    due: 2026-11-01
    status: open
  - title: Write the token down in the plan
    owner: infra
    due: 2026-12-20
    status: open
  - title: Buy a safe
    owner: asmith
    due: 2026-06-01
    status: done
"""
)


def test_every_site_vendor_scenario_and_exercise_has_its_page(check: CheckFn) -> None:
    result = check({"exercises/2027-01-payroll-walkthrough.yaml": SCHEDULED})
    pages = _pages(result)
    assert result.dataset is not None
    data = result.dataset
    expected = {"sites/index.md", "vendors/index.md", "scenarios/index.md", "exercises/index.md"}
    expected |= {f"sites/{i}.md" for i in data.sites}
    expected |= {f"vendors/{i}.md" for i in data.vendors}
    expected |= {f"scenarios/{i}.md" for i in data.scenarios}
    expected |= {f"exercises/{i}.md" for i in data.exercises}
    assert set(pages) == expected
    assert len(pages) == len(expected)  # no page twice
    # The Edit button: list files for sites and vendors, the record's own file otherwise.
    assert pages["sites/dc-london.md"].source == data.root / "sites.yaml"
    assert pages["vendors/acme-cloud.md"].source == data.root / "vendors.yaml"
    assert pages["scenarios/loss-of-london.md"].source == data.root / "scenarios" / "loss-of-london.yaml"
    assert pages["exercises/2026-05-failover.md"].source == data.root / "exercises" / "2026-05-failover.yaml"
    # Every page starts with its title.
    assert pages["sites/index.md"].content.startswith("# Sites\n")
    assert pages["vendors/index.md"].content.startswith("# Suppliers\n")
    assert pages["exercises/index.md"].content.startswith("# Exercises\n")
    assert "# London data centre\n" in pages["sites/dc-london.md"].content


def test_site_page_lists_what_runs_there(check: CheckFn) -> None:
    payroll = PAYROLL.replace(
        "    offsite: true\n",
        "    offsite: true\n    location: {site: dc-manchester}\n",
    ).replace(
        "  - vendor: acme-cloud\n",
        "  - vendor: acme-cloud\n  - site: dc-london\n    degraded: true\n",
    )
    payroll += "assets:\n  - {name: payroll-db-01, kind: database, site: dc-london, vendor: acme-cloud}\n"
    pages = _pages(check({"services/payroll.yaml": payroll}))

    london = view(pages["sites/dc-london.md"].content)
    depends = london.split("### Services that depend on it")[1].split("###")[0]
    assert "| [Core network](../services/network.html) | 1 · Mission critical | 2h | stops |" in depends
    assert "| [Payroll](../services/payroll.html) | 2 · Business critical | 1d | runs degraded |" in depends
    assets = london.split("### Assets at this site")[1].split("###")[0]
    assert "[Payroll](../services/payroll.html) | payroll-db-01 | database | Acme Cloud |" in assets
    assert (
        f"[Flooding of the London data centre](../risks.html#flood-london) | 2 {TIMES} 4 = 8 | mitigate |"
        in london
    )
    assert "[Infrastructure Operations](../contacts.html#infra)" in london
    assert "No service uses this site as its alternate site." in london

    manchester = view(pages["sites/dc-manchester.md"].content)
    recover = manchester.split("### Services that recover here")[1].split("###")[0]
    assert "| [Payroll](../services/payroll.html) | 2 · Business critical | 1d | warm standby |" in recover
    backups = manchester.split("### Backups kept here")[1].split("##")[0]
    assert "| [Payroll](../services/payroll.html) | payroll-db | 1h |" in backups
    assert "No service names this site in its dependencies." in manchester

    index = view(pages["sites/index.md"].content)
    assert "| [London data centre](dc-london.html) | data centre | — | — | 2 |" in index
    assert "| [Manchester data centre](dc-manchester.html) | data centre | — | — | 0 |" in index
    # Rows sorted by name, and the tables really are tables once MkDocs renders them.
    assert index.index("London data centre") < index.index("Manchester data centre")
    assert (
        _html(pages["sites/dc-london.md"].content).count("<table>") == 4
    )  # at a glance, dependants, assets, risks


def test_vendor_page_weighs_contracted_recovery_against_the_rto(check: CheckFn) -> None:
    pages = _pages(check())
    acme = view(pages["vendors/acme-cloud.md"].content)
    assert "[&#43;1 555 0100](tel:+15550100)" in acme
    row = "| [Payroll](../services/payroll.html) | 2 · Business critical | 1d | stops |"
    assert f'{row} <span class="hb-status hb-met">fits</span> with 22h to spare |' in acme
    assert "the contracted recovery of 2h <span" in acme

    pages = _pages(check({"vendors.yaml": VENDORS.replace("recovery_time: 2h", "recovery_time: 2d")}))
    acme = view(pages["vendors/acme-cloud.md"].content)
    assert f'{row} <span class="hb-status hb-missed">exceeds</span> the RTO by 1d |' in acme
    assert "Payroll (RTO 1d), the contracted recovery of 2d" in acme
    index = view(pages["vendors/index.md"].content)
    assert "| [Acme Cloud](acme-cloud.html) | — | [&#43;1 555 0100](tel:+15550100) | — | 2d | 1 |" in index

    pages = _pages(check({"vendors.yaml": VENDORS.replace("    recovery_time: 2h\n", "")}))
    acme = view(pages["vendors/acme-cloud.md"].content)
    assert f'{row} <span class="hb-status hb-unknown">no contracted time</span> |' in acme
    assert "The contract commits to no recovery time" in acme


def test_vendor_needed_only_degraded_is_marked(check: CheckFn) -> None:
    payroll = PAYROLL.replace("  - vendor: acme-cloud\n", "  - vendor: acme-cloud\n    degraded: true\n")
    acme = view(_pages(check({"services/payroll.yaml": payroll}))["vendors/acme-cloud.md"].content)
    assert "| [Payroll](../services/payroll.html) | 2 · Business critical | 1d | runs degraded |" in acme
    assert "No service stops without Acme Cloud." in acme


def test_exercises_index_shows_overdue_actions_and_scheduled_exercises(check: CheckFn) -> None:
    pages = _pages(
        check(
            {
                "exercises/2026-05-failover.yaml": WITH_ACTIONS,
                "exercises/2027-01-payroll-walkthrough.yaml": SCHEDULED,
            }
        )
    )
    index = view(pages["exercises/index.md"].content)
    results = index.split("## Results")[1].split("## Open actions")[0]
    scheduled = "| 2027-01-10 | "
    scheduled += "[Payroll walkthrough with the new bank portal](2027-01-payroll-walkthrough.html)"
    assert f"{scheduled} | walkthrough | [Payroll](../services/payroll.html) | **scheduled** |" in results
    assert (
        "[Core network](../services/network.html), [Payroll](../services/payroll.html) | passed |" in results
    )
    assert results.index("2027-01-10") < results.index("2026-05-14")  # newest first

    actions = index.split("## Open actions")[1].split("## Next due")[0]
    assert "2 open actions, 1 overdue." in actions
    overdue = (
        "| Keep a second bank token in Manchester | [Failover to Manchester](2026-05-failover.html) | "
        "[Jane Doe](../contacts.html#jdoe) · [&#43;44 20 7946 0001](tel:+442079460001) | 2026-11-01 | "
        '<span class="hb-status hb-missed">overdue</span> by 24 days |'
    )
    assert overdue in actions
    assert '<span class="hb-status hb-open">open</span> due in 25 days |' in actions
    assert "Buy a safe" not in actions  # done

    next_due = index.split("## Next due")[1]
    # network (tier 1) and payroll (tier 2) were exercised on 2026-05-14; the interval is 52w = 364 days.
    assert (
        "| [Core network](../services/network.html) | 1 · Mission critical | 2026-05-14 | "
        '2027-05-13 | <span class="hb-status hb-met">on schedule</span> due in 169 days | — |'
    ) in next_due
    assert "| [2027-01-10](2027-01-payroll-walkthrough.html) |" in next_due


def test_next_due_says_overdue_and_never_exercised_in_words(check: CheckFn) -> None:
    old = EXERCISE.replace("date: 2026-05-14", "date: 2025-10-01").replace("[payroll, network]", "[payroll]")
    index = view(_pages(check({"exercises/2026-05-failover.yaml": old}))["exercises/index.md"].content)
    next_due = index.split("## Next due")[1]
    never = (
        "| [Core network](../services/network.html) | 1 · Mission critical | never | now: never exercised |"
    )
    assert f'{never} <span class="hb-status hb-missed">overdue</span> never exercised |' in next_due
    # 2025-10-01 + 364 days = 2026-09-30, 56 days before 2026-11-25.
    late = "| [Payroll](../services/payroll.html) | 2 · Business critical | 2025-10-01 | "
    late += "2026-09-30 |"
    assert f'{late} <span class="hb-status hb-missed">overdue</span> by 56 days |' in next_due
    assert next_due.index("Core network") < next_due.index("Payroll")  # never exercised comes first


def test_exercise_page_compares_achieved_time_with_the_rto(check: CheckFn) -> None:
    pages = _pages(
        check({"exercises/2026-05-failover.yaml": WITH_ACTIONS.replace("payroll: 5h", "payroll: 1d2h")})
    )
    page = view(pages["exercises/2026-05-failover.md"].content)
    assert "| **Scenario** | [Loss of the London data centre](../scenarios/loss-of-london.html) |" in page
    assert "| **Outcome** | passed |" in page
    assert (
        "| [Payroll](../services/payroll.html) | 1d | 1d2h | "
        '<span class="hb-status hb-missed">missed</span> by 2h |' in page
    )
    network = "| [Core network](../services/network.html) | 2h | — | "
    assert f'{network}<span class="hb-status hb-unknown">not measured' in page
    assert "**London**" in page  # findings are markdown
    assert (
        "| Keep a second bank token in Manchester | [Jane Doe](../contacts.html#jdoe) · "
        "[&#43;44 20 7946 0001](tel:+442079460001) | 2026-11-01 | "
        '<span class="hb-status hb-missed">overdue</span> by 24 days |'
    ) in page
    assert "| Buy a safe | [Alan Smith](../contacts.html#asmith)" in page
    assert '<span class="hb-status hb-met">done</span> |' in page
    assert "Keep a second bank token in Manchester" in page.split("**Warnings**")[1]  # the overdue warning

    met = view(_pages(check())["exercises/2026-05-failover.md"].content)
    assert '| 1d | 5h | <span class="hb-status hb-met">met</span> 19h to spare |' in met

    scheduled = _pages(check({"exercises/2027-01-payroll-walkthrough.yaml": SCHEDULED}))
    page = view(scheduled["exercises/2027-01-payroll-walkthrough.md"].content)
    assert "| **Date** | 2027-01-10 (scheduled) |" in page
    assert "| **Outcome** | **scheduled** |" in page
    assert '<span class="hb-status hb-unknown">not yet run</span>' in page
    assert "The exercise has not taken place yet." in page


def test_scenario_pages_link_what_is_lost_and_the_exercises_that_played_it(check: CheckFn) -> None:
    scenario = """\
    id: loss-of-london
    title: Loss of the London data centre
    description: The *whole* site is gone.
    lost: [{site: dc-london}, {vendor: acme-cloud}, {service: network}]
    """
    pages = _pages(
        check({"scenarios/loss-of-london.yaml": scenario, "exercises/2026-05-failover.yaml": WITH_ACTIONS})
    )
    page = view(pages["scenarios/loss-of-london.md"].content)
    assert "<em>whole</em>" in page
    assert "- Site [London data centre](../sites/dc-london.html)\n" in page
    assert "- Supplier [Acme Cloud](../vendors/acme-cloud.html)\n" in page
    assert "- Service [Core network](../services/network.html)\n" in page
    assert (
        "| 2026-05-14 | [Failover to Manchester](../exercises/2026-05-failover.html) | "
        "walkthrough | passed |" in page
    )
    assert "what-if" not in page.lower()
    index = view(pages["scenarios/index.md"].content)
    assert (
        "| [Loss of the London data centre](loss-of-london.html) | "
        "site [London data centre](../sites/dc-london.html)" in index
    )
    assert index.rstrip().endswith("| 1 |\n</tbody>\n</table>")


def test_data_text_cannot_inject_html_or_links(check: CheckFn) -> None:
    sites = SITES.replace("name: London data centre", 'name: "<script>alert(1)</script>"').replace(
        "name: Manchester data centre", "name: Manchester data centre\n    address: '**bold** | `code` # x'"
    )
    vendors = VENDORS.replace(
        "name: Acme Cloud", 'name: "[x](javascript:alert(1))"\n    provides: "<img src=x onerror=alert(1)>"'
    )
    exercise = EXERCISE.replace("title: Failover to Manchester", 'title: "</td><script>x</script>"')
    pages = _pages(
        check({"sites.yaml": sites, "vendors.yaml": vendors, "exercises/2026-05-failover.yaml": exercise})
    )
    for page in pages.values():
        assert "<script" not in page.content, page.path
        assert "](javascript:" not in page.content, page.path
        assert "<img" not in page.content, page.path
        html = _html(page.content)
        assert "<script" not in html, page.path
        assert not re.search(r"""href=["']?\s*javascript""", html, re.I), page.path
        assert "<img" not in html and "<strong>bold" not in html, page.path
    site = pages["sites/dc-london.md"].content
    assert "# &#60;script&#62;alert(1)&#60;/script&#62;\n" in site
    assert "[&#60;script&#62;alert(1)&#60;/script&#62;](dc-london.html)" in view(
        pages["sites/index.md"].content
    )
    vendor = view(pages["vendors/index.md"].content)
    assert "[&#91;x&#93;(javascript:alert(1))](acme-cloud.html)" in vendor
    # A pipe in the data stays inside its table cell.
    row = next(line for line in view(pages["sites/index.md"].content).splitlines() if "Manchester" in line)
    assert row.count("|") == 6
