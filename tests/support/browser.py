"""A real browser on the staff dashboard: Debian's ``chromium``, headless, driven by Playwright.

Playwright for Python (PyPI ``playwright``) talks to the browser over the Chrome DevTools protocol;
it is pointed at the system's Chromium with ``executable_path``, so nothing is downloaded
(``playwright install`` is never run). The fixtures in ``tests/browser/conftest.py`` use this:

    def test_something(central, staff_page):         # logged in as an administrator, at /requests
        staff_page.goto("/fleet")
        assert page_width(staff_page).fits

``KIOSK_BROWSER_SHOTS=/some/folder`` makes ``shoot(page, name)`` save a 1366x768 screenshot of the
whole page there (to look at what a test saw); without it, ``shoot`` does nothing.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Page, Playwright

# The window staff have on an office PC; tests that care about a narrower one set their own.
VIEWPORT = {"width": 1366, "height": 768}
CHROMIUM_ENV = "KIOSK_TEST_CHROMIUM"
SHOTS_ENV = "KIOSK_BROWSER_SHOTS"
PASSWORD = "browser test password"


def chromium_path() -> str | None:
    """Debian's Chromium (``KIOSK_TEST_CHROMIUM`` to use another), or None when there is none."""
    chosen = os.environ.get(CHROMIUM_ENV)
    if chosen:
        return chosen
    return shutil.which("chromium") or shutil.which("chromium-browser")


def launch(playwright: Playwright, executable: str) -> Browser:
    # Playwright adds --no-sandbox itself (its default, chromium_sandbox=False): the tests run as root.
    return playwright.chromium.launch(
        executable_path=executable,
        headless=True,
        args=["--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--lang=fa-IR"],
    )


def log_in(page: Page, name: str, password: str = PASSWORD) -> None:
    """Fill the login form as a person would; ends on the page the form sends them to."""
    page.goto("/login")
    page.locator('input[name="username"]').fill(name)
    page.locator('input[name="password"]').fill(password)
    with page.expect_navigation():
        page.locator('form[action="/login"] [type="submit"]').click()
    if page.url.endswith("/login") or "/login?" in page.url:
        raise AssertionError(f"{name} could not log in: {page.locator('.error').all_inner_texts()}")


@dataclass(frozen=True)
class Width:
    scroll: int  # document.documentElement.scrollWidth
    window: int  # window.innerWidth

    @property
    def fits(self) -> bool:
        return self.scroll <= self.window


def page_width(page: Page) -> Width:
    scroll, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return Width(int(scroll), int(window))


def widest_elements(page: Page, limit: int = 5) -> list[str]:
    """The elements reaching furthest past the window's edges, to say what widened a page."""
    return list(
        page.evaluate(
            """(limit) => {
                const w = window.innerWidth;
                const out = [];
                for (const e of document.querySelectorAll('body *')) {
                    const r = e.getBoundingClientRect();
                    const past = Math.max(r.right - w, -r.left);
                    if (past > 0) out.push([past, e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')]);
                }
                out.sort((a, b) => b[0] - a[0]);
                return out.slice(0, limit).map(([p, n]) => `${n}: ${Math.round(p)} px past the window`);
            }""",
            limit,
        )
    )


def shoot(page: Page, name: str) -> Path | None:
    """A screenshot of the whole page into ``$KIOSK_BROWSER_SHOTS/name.png``, when that is set."""
    folder = os.environ.get(SHOTS_ENV)
    if not folder:
        return None
    path = Path(folder) / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True, timeout=120_000)
    return path
