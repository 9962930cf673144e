"""The dashboard's requests in a real browser (headless Chromium): a long answer or error never
widens a page, and staff log in, filter, open a request, change its status and export, by clicking."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from harness.central_server import RunningCentral
from tests.support.browser import page_width, shoot, widest_elements
from tests.support.forms import CATALOG_DIR, answers, bundled_catalog, form_services
from tests.support.kiosk_client import KioskClient

LONG = 2000  # the longest answer the API takes (MAX_FIELD_CHARS)


def file(kiosk: KioskClient, service_id: str, variant: int = 0, **fields: str) -> tuple[str, str]:
    """A request for a bundled service, every question answered; returns (reference, tracking code)."""
    service = next(s for s in form_services() if s.id == service_id)
    values = {**answers(service, variant), **fields}
    body = kiosk.body(
        service_id=service.id, agency_id=service.agency_id, catalog_version=bundled_catalog().version, fields=values
    )
    response = kiosk.submit(body)
    assert response.status_code == 201, response.text
    return response.json()["reference"], body["tracking_code"]


def assert_fits(page: Page) -> None:
    width = page_width(page)
    assert width.fits, f"{page.url}: {width.scroll} px wide in a {width.window} px window; {widest_elements(page)}"


@pytest.mark.parametrize(("name", "unbroken"), [("persian", "ب" * LONG), ("latin", "x" * LONG), ("digits", "۱" * LONG)])
def test_a_long_unbroken_answer_leaves_the_request_at_the_window_width(
    central: RunningCentral, kiosk: KioskClient, staff_page: Page, name: str, unbroken: str
) -> None:
    central.publish_catalog(CATALOG_DIR)
    # Twice with the same national ID: the page shows the pair side by side, the long answer in both.
    file(kiosk, "health-insurance.complaint", description=unbroken, facility_name=unbroken)
    reference, _ = file(kiosk, "health-insurance.complaint", description=unbroken, facility_name=unbroken)
    staff_page.goto(f"/requests/{reference}")
    expect(staff_page.locator("#duplicates")).to_be_visible()
    shoot(staff_page, f"request-long-answer-{name}")
    assert_fits(staff_page)
    button = staff_page.locator(".status-form [type=submit]").bounding_box()
    assert button is not None and 0 <= button["x"] and button["x"] + button["width"] <= page_width(staff_page).window
    staff_page.goto("/requests")
    assert_fits(staff_page)


def test_a_long_heartbeat_error_leaves_the_fleet_at_the_window_width(
    central: RunningCentral, kiosk: KioskClient, staff_page: Page
) -> None:
    central.add_kiosk("ن" * 200)
    beat = {
        "version": "9" * 100, "profile": "p" * 100, "mode": "live", "catalog_version": "c" * 100,
        "queue_depth": 10**9, "oldest_pending_seconds": 10**10, "rejected": 10**9, "last_error": "e" * LONG,
    }  # fmt: skip
    sent = kiosk.http.post(f"/api/v1/kiosks/{kiosk.number}/heartbeat", json=beat, headers=kiosk.auth)
    assert sent.status_code == 200, sent.text
    staff_page.goto("/fleet")
    expect(staff_page.locator(".error-text")).to_be_visible()
    shoot(staff_page, "fleet-long-error")
    assert_fits(staff_page)


def test_staff_filter_open_change_status_and_export(
    central: RunningCentral, kiosk: KioskClient, staff_page: Page, tmp_path: Path
) -> None:
    central.publish_catalog(CATALOG_DIR)
    _, permit = file(kiosk, "sari-municipality.building-permit", variant=1, full_name="زهرا احمدی")
    file(kiosk, "sari-municipality.complaint-137")
    file(kiosk, "mazandaran-water.bill-objection")
    page = staff_page
    page.goto("/requests")
    expect(page.locator("table.list tbody tr")).to_have_count(3)
    shoot(page, "requests")
    # Filter by service: the list holds that service's request only.
    page.locator('select[name="service"]').select_option(label="درخواست پروانه ساختمانی")
    with page.expect_navigation():
        page.locator('form.filters [type="submit"]').click()
    filtered = page.url
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("تخریب و نوسازی")  # the choice, by its label
    # Open it: every answer under its question, in Persian.
    with page.expect_navigation():
        rows.first.locator("a").first.click()
    answers_shown = page.locator("dl.answers")
    for label, value in (("نوع کار", "تخریب و نوسازی"), ("کد ملی مالک", "۰۰۱۲۳۴۵۶۷۹"), ("کد پستی ملک", "۴۸۱۶۸۳۴۵۶۷")):
        expect(answers_shown).to_contain_text(label)
        expect(answers_shown).to_contain_text(value)
    expect(answers_shown).not_to_contain_text("work_type")
    shoot(page, "request-detail")
    # Change its status: a rejection without a reason is refused in Persian, with one it is kept.
    page.locator('select[name="status"]').select_option("rejected")
    with page.expect_navigation():
        page.locator(".status-form [type=submit]").click()
    expect(page.get_by_role("alert")).to_contain_text("دلیل")
    page.locator('select[name="status"]').select_option("rejected")
    page.locator('textarea[name="reason"]').fill("نقشهٔ ساختمان پیوست نشده است.")
    with page.expect_navigation():
        page.locator(".status-form [type=submit]").click()
    expect(page.locator("h1 .status-rejected")).to_be_visible()
    expect(page.locator("ol.history")).to_contain_text("نقشهٔ ساختمان پیوست نشده است.")
    assert [r["status"] for r in central.requests() if r["tracking_code"] == permit] == ["rejected"]
    # Export what the list shows: this service's CSV, its questions in Persian.
    page.goto(filtered)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="خروجی CSV همین خدمت").click()
    download = download_info.value
    assert download.suggested_filename.startswith("pishkhan-sari-municipality.building-permit-")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    rows_csv = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    header, [row] = rows_csv[0], rows_csv[1:]
    cells = dict(zip(header, row, strict=True))
    assert cells["کد رهگیری"] == permit and cells["وضعیت"] == "ردشده"
    assert cells["نوع کار"] == "تخریب و نوسازی" and cells["نام و نام خانوادگی مالک"] == "زهرا احمدی"
    assert header[:2] == ["شمارهٔ مرجع", "کد رهگیری"]
    # Without a service chosen: every service, one CSV each, in a zip.
    page.goto("/requests")
    with page.expect_download() as download_info:
        page.locator('a[href^="/requests.zip"]').click()
    saved = tmp_path / "all.zip"
    download_info.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert sorted(archive.namelist()) == [
            "mazandaran-water.bill-objection.csv", "sari-municipality.building-permit.csv",
            "sari-municipality.complaint-137.csv",
        ]  # fmt: skip
