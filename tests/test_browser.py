"""The built handbook in a real browser: headless Chromium (Debian's, driven by Playwright) opens
the example's pages from disk, as a responder's laptop would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from conftest import SOURCE_DATE_EPOCH

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without these, Chromium phones home at start and this machine's closed network refuses it.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
        "NO_MKDOCS_2_WARNING": "1",
        # The site alone, and nothing written into the repository's dist/.
        "HANDBOOK_PDF": "false",
        "HANDBOOK_BUNDLE": "false",
        "HANDBOOK_DIST": str(tmp_path_factory.mktemp("dist")),
    }
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(REPO / "mkdocs.yml"), "-d", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Debian's chromium is installed by scripts/setup"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("service", ["payroll", "wms", "core-network", "visitor-management"])
def test_at_a_glance_with_a_phone_number_is_on_the_first_screen(
    site: Path, browser: Browser, service: str
) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    # An old copy, so the copy-age banner shows too: the box must still fit on the first screen.
    page.clock.set_fixed_time((int(SOURCE_DATE_EPOCH) + 60 * 86400) * 1000)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith("file://") else None)
    page.goto((site / "services" / f"{service}.html").as_uri())
    assert "days ago" in page.locator("body").inner_text()
    box = page.locator(".admonition.glance").bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= 768, f"the at-a-glance box ends at {box['y'] + box['height']}px"
    phone = page.locator('.admonition.glance a[href^="tel:"]').first
    phone_box = phone.bounding_box()
    assert phone_box is not None and phone_box["y"] + phone_box["height"] <= 768
    assert phone.inner_text().startswith("+")
    assert outside == []
    page.close()


def test_a_service_page_prints_on_a4_without_cutting_anything(site: Path, browser: Browser) -> None:
    # A4 at 96 dpi is 794 px wide; with the print style's 12 mm margins the content gets ~703 px.
    page = browser.new_page(viewport={"width": 703, "height": 1000})
    page.emulate_media(media="print")
    page.goto((site / "services" / "payroll.html").as_uri())
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"content is {overflow}px wider than the A4 page"
    # Navigation and header are not printed; phone numbers and steps are, at a legible size.
    assert not page.locator(".md-sidebar--primary").is_visible()
    sizes = page.evaluate(
        "[...document.querySelectorAll('.md-content a[href^=\"tel:\"], .md-content h3')]"
        ".map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert sizes and min(sizes) >= 12, sizes  # 12 CSS px = 9 pt
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    page.close()


def test_commands_in_steps_are_copyable_code_blocks(site: Path, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto((site / "services" / "payroll.html").as_uri())
    block = page.locator(".hb-md pre > code").first
    assert "payfile.py" in block.inner_text()
    # Material adds its copy button to every code block once the page's script has run.
    button = page.locator('.hb-md pre button[data-md-type="copy"]').first
    button.wait_for(state="attached", timeout=5000)
    assert button.get_attribute("title") == "Copy to clipboard"
    page.close()
