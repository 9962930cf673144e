"""Agencies edit their services in a real browser (headless Chromium), and a kiosk receives the
result through its own catalog fetch (``kiosk.link.catalog_updates`` and its HTTP client) from the
real server on 127.0.0.1: an editor changes a fee and a step, their own approval is refused, a
second editor approves, the kiosk's next session has the new card; a forced publish without a
reason is refused; a rollback gives the kiosk the previous card again."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from playwright.sync_api import Page, expect

from harness.central_server import RunningCentral
from kiosk.core.catalog import Catalog, Service, bundled_icons
from kiosk.core.release_signing import parse_signing_key
from kiosk.link.catalog_updates import UPDATED, CatalogUpdater
from kiosk.link.client import CentralClient
from tests.support.browser import PASSWORD, log_in, shoot
from tests.support.factories import write_catalog


class KioskCatalog:
    """A kiosk's catalog updates against the server: each ``next_session`` asks once, as the kiosk
    does between citizens, and returns the catalog its next session shows."""

    def __init__(self, central: RunningCentral, folder: Path) -> None:
        _number, token = central.add_kiosk("browser booth", 9)
        self.received: list[Catalog] = []
        self.updater = CatalogUpdater(
            CentralClient(central.url, token), folder / "cache", folder / "etag", icons_dir=bundled_icons(),
            check_profile=lambda _catalog: [], on_ready=self.received.append, interval_seconds=3600,
            signing_keys=lambda: (parse_signing_key(central.signing_key),),  # provisioned: releases are verified
        )  # fmt: skip

    def next_session(self) -> Catalog:
        # On a thread of its own: Playwright's sync API keeps an event loop running on this one.
        with ThreadPoolExecutor(1) as thread:
            result = thread.submit(asyncio.run, self.updater.check_once()).result(timeout=60)
        assert result == UPDATED
        return self.received[-1]


def bill(catalog: Catalog) -> Service:
    return catalog.service("water.bill")


def test_an_edit_reviewed_published_and_rolled_back_reaches_the_kiosk(
    central: RunningCentral, new_page: Callable[[], Page], tmp_path: Path
) -> None:
    central.publish_catalog(write_catalog(tmp_path / "catalog"))
    people = central.store.people
    people.add("ava", PASSWORD, [], all_agencies=True)
    people.add("eli", PASSWORD, ["water"], all_agencies=False, role="editor")
    people.add("ed2", PASSWORD, ["water"], all_agencies=False, role="editor")
    kiosk = KioskCatalog(central, tmp_path)
    before = bill(kiosk.next_session())
    assert before.fee.rial == 250000

    # Eli changes the fee and the second step.
    eli = new_page()
    log_in(eli, "eli")
    assert eli.url.endswith("/services")
    with eli.expect_navigation():
        eli.locator('a[href="/services/water.bill/edit"]').click()
    shoot(eli, "service-edit")
    eli.locator('input[name="fee_rial"]').fill("۳۰۰۰۰۰")
    eli.locator('textarea[name="steps_fa"]').fill("وارد سامانه شوید.\nشمارهٔ اشتراک را بنویسید.")
    eli.locator('textarea[name="steps_en"]').fill("Sign in.\nType the account number.")
    with eli.expect_navigation():
        eli.get_by_role("button", name="ذخیرهٔ پیش‌نویس").click()
    expect(eli.get_by_role("status")).to_contain_text("در انتظار بررسی همکار دیگری")
    expect(eli.locator("table.diff")).to_contain_text("۳۰۰٬۰۰۰ ریال")
    # Her own approval is refused, and nothing is published.
    with eli.expect_navigation():
        eli.get_by_role("button", name="تأیید").click()
    expect(eli.get_by_role("alert")).to_contain_text("نویسندهٔ یک پیش‌نویس نمی‌تواند آن را تأیید یا رد کند")
    assert central.store.catalogs.latest_number() == 1

    # A second editor of the agency reviews the changes and approves.
    ed2 = new_page()
    log_in(ed2, "ed2")
    with ed2.expect_navigation():
        ed2.get_by_role("link", name="بررسی").click()
    expect(ed2.locator("table.diff")).to_contain_text("شمارهٔ اشتراک را بنویسید.")
    shoot(ed2, "service-review")
    with ed2.expect_navigation():
        ed2.get_by_role("button", name="تأیید و انتشار").click()
    expect(ed2.get_by_role("status")).to_contain_text("منتشر شد")

    after = bill(kiosk.next_session())
    assert after.fee.rial == 300000
    assert after.steps[1].fa == "شمارهٔ اشتراک را بنویسید."
    assert after.steps[1].en == "Type the account number."

    # The administrator: a forced publish without a reason is refused.
    with eli.expect_navigation():
        eli.goto("/services/water.bill/edit")
    eli.locator('input[name="fee_rial"]').fill("500000")
    with eli.expect_navigation():
        eli.get_by_role("button", name="ذخیرهٔ پیش‌نویس").click()
    draft_url = eli.url.split("?")[0]
    ava = new_page()
    log_in(ava, "ava")
    ava.goto(draft_url)
    with ava.expect_navigation():
        ava.get_by_role("button", name="انتشار بدون بررسی").click()
    expect(ava.get_by_role("alert")).to_contain_text("دلیل را بنویسید")
    assert central.store.catalogs.latest_number() == 2

    # History, with the change field by field; a rollback to release 1 reaches the kiosk.
    ava.goto("/releases/2")
    expect(ava.locator("table.diff")).to_contain_text("کارمزد")
    shoot(ava, "release-history")
    ava.goto("/releases/1")
    ava.locator('textarea[name="reason"]').fill("the new fee is not in force until next month")
    with ava.expect_navigation():
        ava.get_by_role("button", name="بازگشت به انتشار ۱").click()
    expect(ava.locator("h1")).to_contain_text("انتشار ۳")
    expect(ava.locator(".facts")).to_contain_text("the new fee is not in force until next month")
    restored = bill(kiosk.next_session())
    assert restored.fee.rial == 250000
    assert restored.steps == before.steps
