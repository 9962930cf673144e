"""People and roles in a real browser (headless Chromium): the administrator invites someone, who
sets a password by the one-time link and logs in; disabling them ends their session at once; a case
worker sees their own agency only, and each role's menu holds only the pages it may open."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from harness.central_server import RunningCentral
from tests.support.browser import PASSWORD, log_in, shoot
from tests.support.kiosk_client import KioskClient

NEW_PASSWORD = "a sentence only nima knows"


def test_an_invited_user_sets_a_password_logs_in_and_is_shut_out_when_disabled(
    central: RunningCentral, staff_page: Page, new_page: Callable[[], Page]
) -> None:
    admin = staff_page
    admin.goto("/users")
    invite = admin.locator("section.invite form")
    invite.locator('input[name="name"]').fill("nima")
    invite.locator('input[name="role"][value="case_worker"]').check()
    invite.locator('input[name="other_agencies"]').fill("mazandaran-water")
    with admin.expect_navigation():
        invite.locator('[type="submit"]').click()
    link = admin.locator(".link-box bdi").inner_text().strip()
    assert "/welcome/" in link
    shoot(admin, "user-invited")
    # Nima, in a browser of his own, sets a password by the link.
    nima = new_page()
    nima.goto(link)
    expect(nima.locator("h1")).to_have_text("خوش آمدید")
    nima.locator('input[name="password"]').fill(NEW_PASSWORD)
    nima.locator('input[name="again"]').fill(NEW_PASSWORD + " typo")
    with nima.expect_navigation():
        nima.locator('form [type="submit"]').click()
    expect(nima.get_by_role("alert")).to_contain_text("دو گذرواژه یکی نیستند")
    nima.locator('input[name="password"]').fill(NEW_PASSWORD)
    nima.locator('input[name="again"]').fill(NEW_PASSWORD)
    with nima.expect_navigation():
        nima.locator('form [type="submit"]').click()
    expect(nima.locator("h1")).to_have_text("گذرواژه ثبت شد")
    log_in(nima, "nima", NEW_PASSWORD)
    assert nima.url.endswith("/requests")
    expect(nima.locator("header nav")).not_to_contain_text("کاربران")
    # The administrator disables him: his very next page is the login form.
    admin.goto("/users")
    with admin.expect_navigation():
        admin.locator("table.users tr", has_text="nima").get_by_role("link", name="مدیریت").click()
    with admin.expect_navigation():
        admin.get_by_role("button", name="غیرفعال کردن").click()
    expect(admin.get_by_role("status")).to_contain_text("غیرفعال شد")
    nima.goto("/requests")
    assert "/login" in nima.url
    # And the audit log says who did what to whom.
    admin.goto("/audit")
    rows = admin.locator("table.audit tbody tr")
    expect(rows.nth(0)).to_contain_text("غیرفعال کردن")
    expect(rows.nth(1)).to_contain_text("گذاشتن گذرواژه با پیوند")
    expect(rows.nth(2)).to_contain_text("دعوت با پیوند یک‌بار مصرف")
    shoot(admin, "audit")


def test_a_case_worker_sees_their_agency_only(
    central: RunningCentral, kiosk: KioskClient, log_in_as: Callable[..., Page], tmp_path: Path
) -> None:
    water = kiosk.submit(kiosk.body()).json()["reference"]
    civil = kiosk.submit(kiosk.body(service_id="civil.birth", agency_id="civil")).json()["reference"]
    page = log_in_as("cat", agencies=("water",))  # a case worker (some agencies, no role given)
    expect(page.locator("table.list tbody tr")).to_have_count(1)
    expect(page.locator("header nav a")).to_have_text(["درخواست‌ها"])
    page.goto(f"/requests/{civil}")
    expect(page.locator("h1")).to_have_text("پیدا نشد")
    page.goto(f"/requests/{water}")
    expect(page.locator("h1")).not_to_have_text("پیدا نشد")
    for path in ("/users", "/audit", "/fleet", "/usage"):
        page.goto(path)
        expect(page.locator("h1")).to_have_text("این صفحه برای شما نیست")
    page.goto("/requests")
    with page.expect_download() as download_info:
        page.locator('a[href^="/requests.zip"]').click()
    saved = tmp_path / "cat.zip"
    download_info.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert archive.namelist() == ["water.connection.csv"]


def test_each_role_has_its_own_menu(central: RunningCentral, new_page: Callable[[], Page]) -> None:
    menus = {
        ("ava", "admin"): ["درخواست‌ها", "پیشخوان‌ها", "آمار استفاده", "خدمات", "انتشارها", "کاربران", "گزارش کارها"],
        ("sam", "supervisor"): ["درخواست‌ها", "آمار استفاده", "کاربران"],
        ("cat", "case_worker"): ["درخواست‌ها"],
        ("vic", "viewer"): ["آمار استفاده"],
        ("eli", "editor"): ["خدمات", "انتشارها"],
        ("rey", "reviewer"): ["خدمات", "انتشارها"],
    }
    for (name, role), menu in menus.items():
        central.store.people.add(name, PASSWORD, ["water"], all_agencies=role in ("admin", "viewer"), role=role)
        page = new_page()
        log_in(page, name)
        expect(page.locator("header nav a")).to_have_text(menu)
        expect(page.locator("header .who")).to_contain_text(name)
