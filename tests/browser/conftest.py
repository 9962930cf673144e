"""Browser fixtures: the real central server on 127.0.0.1 and Debian's Chromium, headless, driven by
Playwright (``tests/support/browser.py``), so dashboard tests click, type and measure as staff would.

- ``central``: the running server (SQLite), emptied before each test; ``central.url`` is its address.
- ``kiosk``: a kiosk registered with it that files requests over HTTP (``tests/support/kiosk_client``).
- ``page``: a fresh browser page (its own cookies) at 1366x768, its relative URLs on the server.
- ``staff_page``: the same, logged in through the login form as ``sara``, who sees every agency.
- ``log_in_as(name, agencies=(...), all_agencies=False)``: another user, added and logged in on a
  page of their own (for the views of other roles).

Without Chromium the tests skip on a developer's machine and fail under CI (``CI`` set), as the
PostgreSQL tests do: ``.ci/run`` installs Debian's ``chromium``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from harness.central_server import RunningCentral, start_central_server
from tests.support.browser import PASSWORD, VIEWPORT, chromium_path, launch, log_in
from tests.support.kiosk_client import KioskClient, kiosk_client


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    found = chromium_path()
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("Debian's chromium is not installed: CI must run the browser tests (see .ci/run)")
    pytest.skip("chromium is not installed: browser tests skipped on this machine")


@pytest.fixture(scope="session")
def playwright(chromium_executable: str) -> Iterator[Playwright]:
    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()


@pytest.fixture(scope="session")
def browser(playwright: Playwright, chromium_executable: str) -> Iterator[Browser]:
    chromium = launch(playwright, chromium_executable)
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture(scope="session")
def central_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningCentral]:
    with start_central_server(tmp_path_factory.mktemp("central-browser")) as server:
        yield server


@pytest.fixture
def central(central_server: RunningCentral) -> RunningCentral:
    central_server.reset()
    return central_server


@pytest.fixture
def kiosk(central: RunningCentral) -> Iterator[KioskClient]:
    with kiosk_client(central) as client:
        yield client


@pytest.fixture
def new_page(browser: Browser, central: RunningCentral) -> Iterator[Callable[[], Page]]:
    """Pages of their own (separate cookies, so separate logins), closed after the test."""
    contexts: list[BrowserContext] = []

    def make() -> Page:
        context = browser.new_context(base_url=central.url, viewport=VIEWPORT, locale="fa-IR", accept_downloads=True)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[[], Page]) -> Page:
    return new_page()


@pytest.fixture
def log_in_as(central: RunningCentral, new_page: Callable[[], Page]) -> Callable[..., Page]:
    def make(name: str, agencies: tuple[str, ...] = (), all_agencies: bool = False) -> Page:
        central.store.people.add(name, PASSWORD, list(agencies), all_agencies=all_agencies)
        page = new_page()
        log_in(page, name)
        return page

    return make


@pytest.fixture
def staff_page(log_in_as: Callable[..., Page]) -> Page:
    return log_in_as("sara", all_agencies=True)
