"""The staff dashboard over real HTTP: login, sessions, CSRF, escaping, cookie flags, agency scoping,
filters, CSV, and pages that are Persian and right-to-left."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from harness.central_server import RunningCentral
from kiosk.central.jalali import persian_date
from kiosk.core.persian import to_persian_digits
from kiosk.core.tracking import format_for_reading
from tests.support.dashboard import PASSWORD, login
from tests.support.dashboard import csrf_of as _csrf
from tests.support.factories import write_catalog
from tests.support.kiosk_client import KioskClient


def shown(code: str) -> str:
    """A tracking code as the pages show it: Persian digits in groups of four."""
    return to_persian_digits(format_for_reading(code))


@pytest.fixture
def staff(central: RunningCentral) -> Iterator[httpx.Client]:
    central.store.people.add("sara", PASSWORD, [], all_agencies=True)
    with login(central) as client:
        yield client


def _page_csrf(client: httpx.Client, path: str = "/requests") -> str:
    return _csrf(client.get(path).text)


def test_every_page_needs_a_login(central: RunningCentral) -> None:
    with httpx.Client(base_url=central.url) as anonymous:
        for path in ("/requests", "/requests/1", "/requests.csv", "/requests.zip", "/fleet", "/usage?days=7"):
            response = anonymous.get(path)
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/login?next=%2F"), path
        assert anonymous.post("/requests/1/status", data={"status": "done", "csrf_token": "x"}).status_code == 303
        assert anonymous.get("/").headers["location"] == "/requests"


def test_wrong_password_is_401_and_sets_no_session(central: RunningCentral) -> None:
    central.store.people.add("sara", PASSWORD, [], all_agencies=True)
    with httpx.Client(base_url=central.url) as client:
        page = client.get("/login")
        for name, password in (("sara", "wrong password"), ("nobody", PASSWORD)):
            response = client.post(
                "/login", data={"username": name, "password": password, "csrf_token": _csrf(page.text)}
            )
            assert response.status_code == 401
            assert "نام کاربری یا گذرواژه درست نیست" in response.text
            assert "pishkhan_session" not in response.cookies
            page = response
        assert client.get("/requests").status_code == 303


def test_session_cookie_is_httponly_and_samesite(central: RunningCentral) -> None:
    central.store.people.add("sara", PASSWORD, [], all_agencies=True)
    with httpx.Client(base_url=central.url) as client:
        page = client.get("/login")
        login_cookie = page.headers["set-cookie"].lower()
        assert "httponly" in login_cookie and "samesite=strict" in login_cookie
        response = client.post(
            "/login", data={"username": "sara", "password": PASSWORD, "csrf_token": _csrf(page.text)}
        )
        session_cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("pishkhan_session="))
        flags = [part.strip().lower() for part in session_cookie.split(";")]
        assert "httponly" in flags
        assert "samesite=strict" in flags
        assert "path=/" in flags
        assert "secure" not in flags  # plain http on 127.0.0.1; see the next test for https


@pytest.mark.parametrize("central_settings", [{"secure_cookies": True}])
def test_cookies_are_secure_when_told_so(central: RunningCentral) -> None:
    central.store.people.add("sara", PASSWORD, [], all_agencies=True)
    with httpx.Client(base_url=central.url) as client:
        page = client.get("/login")
        assert "secure" in [p.strip().lower() for p in page.headers["set-cookie"].split(";")]


def test_login_form_needs_its_csrf_token_and_our_origin(central: RunningCentral) -> None:
    central.store.people.add("sara", PASSWORD, [], all_agencies=True)
    with httpx.Client(base_url=central.url) as client:
        token = _csrf(client.get("/login").text)
        form = {"username": "sara", "password": PASSWORD}
        assert client.post("/login", data=form).status_code == 422
        assert client.post("/login", data={**form, "csrf_token": "forged"}).status_code == 403
        foreign = {"Origin": "https://evil.example"}
        assert client.post("/login", data={**form, "csrf_token": token}, headers=foreign).status_code == 403
    with httpx.Client(base_url=central.url) as fresh:  # a token without its cookie is worthless
        assert fresh.post("/login", data={**form, "csrf_token": token}).status_code == 403


def test_login_only_redirects_to_our_own_pages(central: RunningCentral) -> None:
    central.store.people.add("sara", PASSWORD, [], all_agencies=True)
    for target, expected in (
        ("//evil.example/x", "/requests"),
        ("https://evil.example", "/requests"),
        ("/fleet", "/fleet"),
    ):
        with httpx.Client(base_url=central.url) as client:
            token = _csrf(client.get("/login", params={"next": target}).text)
            form = {"username": "sara", "password": PASSWORD, "csrf_token": token, "next": target}
            assert client.post("/login", data=form).headers["location"] == expected


def test_status_change_needs_csrf_and_the_kiosk_sees_it(
    central: RunningCentral, kiosk: KioskClient, staff: httpx.Client
) -> None:
    body = kiosk.body()
    reference = kiosk.submit(body).json()["reference"]
    url = f"/requests/{reference}/status"
    token = _page_csrf(staff, f"/requests/{reference}")
    assert staff.post(url, data={"status": "done", "csrf_token": "forged"}).status_code == 403
    assert staff.post(url, data={"status": "done"}).status_code == 422
    cross_site = staff.post(
        url, data={"status": "done", "csrf_token": token}, headers={"Origin": "https://evil.example"}
    )
    assert cross_site.status_code == 403
    assert central.requests()[0]["status"] == "received"

    refused = staff.post(url, data={"status": "rejected", "reason": "  ", "csrf_token": token})
    assert refused.status_code == 303 and "error=" in refused.headers["location"]
    assert central.requests()[0]["status"] == "received"

    done = staff.post(url, data={"status": "rejected", "reason": "مدارک ناقص است", "csrf_token": token})
    assert done.status_code == 303
    url = f"/api/v1/requests/{body['tracking_code']}/status"
    seen = kiosk.http.post(url, json={"mobile_last4": "4567"}, headers=kiosk.auth).json()
    assert (seen["status"], seen["reason"]) == ("rejected", "مدارک ناقص است")
    page = staff.get(f"/requests/{reference}").text
    assert "ردشده" in page and "sara" in page  # the history says who


def test_everything_shown_is_escaped(central: RunningCentral, kiosk: KioskClient, staff: httpx.Client) -> None:
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    body = kiosk.body()
    body["fields"] = {"full_name": hostile, "national_id": "0012345679", hostile[:50]: "x"}
    reference = kiosk.submit(body).json()["reference"]
    central.add_kiosk(hostile[:100])
    beat = {
        "version": hostile[:100], "profile": "p", "mode": "live", "catalog_version": "1", "queue_depth": 0,
        "oldest_pending_seconds": None, "rejected": 0, "last_error": hostile,
    }  # fmt: skip
    assert kiosk.http.post(f"/api/v1/kiosks/{kiosk.number}/heartbeat", json=beat, headers=kiosk.auth).status_code == 200
    token = _page_csrf(staff, f"/requests/{reference}")
    staff.post(f"/requests/{reference}/status", data={"status": "rejected", "reason": hostile, "csrf_token": token})
    for path in (f"/requests/{reference}", "/requests", "/fleet", f"/requests?code={hostile}"):
        page = staff.get(path).text
        assert "<script>" not in page and "<img src=x" not in page, path
    assert "&lt;script&gt;" in staff.get(f"/requests/{reference}").text


def test_pages_send_a_strict_content_security_policy(staff: httpx.Client) -> None:
    response = staff.get("/requests")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert "script-src" not in response.headers["content-security-policy"]  # so no script runs at all
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    assert "<script" not in response.text


def test_staff_see_only_their_agencies(central: RunningCentral, kiosk: KioskClient) -> None:
    water = kiosk.submit(kiosk.body()).json()["reference"]
    civil = kiosk.submit(kiosk.body(service_id="civil.birth", agency_id="civil")).json()["reference"]
    central.store.people.add("reza", PASSWORD, ["civil"], all_agencies=False)
    with login(central, "reza") as reza:
        listing = reza.get("/requests").text
        assert f"/requests/{civil}" in listing and f"/requests/{water}" not in listing
        assert reza.get(f"/requests/{water}").status_code == 404
        token = _page_csrf(reza)
        assert reza.post(f"/requests/{water}/status", data={"status": "done", "csrf_token": token}).status_code == 404
        exported = reza.get("/requests.csv", params={"service": "civil.birth"}).text
        assert "civil.birth" in exported and "water.connection" not in exported
        assert reza.get("/requests.csv", params={"service": "water.connection"}).text.count("\n") == 1  # header
    assert {r["status"] for r in central.requests()} == {"received"}


def test_demo_requests_are_marked_and_left_out_by_default(kiosk: KioskClient, staff: httpx.Client) -> None:
    live = kiosk.body()
    demo = kiosk.body(mode="demo")
    kiosk.submit(live)
    demo_reference = kiosk.submit(demo).json()["reference"]
    default = staff.get("/requests").text
    assert shown(live["tracking_code"]) in default
    assert shown(demo["tracking_code"]) not in default
    demos = staff.get("/requests", params={"mode": "demo"}).text
    assert shown(demo["tracking_code"]) in demos and "mode-demo" in demos
    assert "این درخواست نمایشی است" in staff.get(f"/requests/{demo_reference}").text


def test_filters_by_service_date_status_and_code(kiosk: KioskClient, staff: httpx.Client) -> None:
    a = kiosk.body()
    b = kiosk.body(service_id="water.bill")
    kiosk.submit(a)
    kiosk.submit(b)
    today = persian_date(datetime.now(UTC))
    page = staff.get("/requests", params={"service": "water.bill", "from": today, "to": today}).text
    assert shown(b["tracking_code"]) in page and shown(a["tracking_code"]) not in page
    assert shown(a["tracking_code"]) not in staff.get("/requests", params={"status": "done"}).text
    found = staff.get("/requests", params={"code": to_persian_digits(a["tracking_code"])}).text
    assert shown(a["tracking_code"]) in found and shown(b["tracking_code"]) not in found
    assert (
        "درخواستی با این شرط‌ها نیست" in staff.get("/requests", params={"from": "1300/01/01", "to": "1300/01/02"}).text
    )
    bad = staff.get("/requests", params={"from": "1405/13/40"})
    assert bad.status_code == 200 and "درست نیست" in bad.text


def test_csv_export_keeps_formulas_inert(central: RunningCentral, kiosk: KioskClient, staff: httpx.Client) -> None:
    body = kiosk.body()
    body["fields"]["full_name"] = '=HYPERLINK("https://evil.example")'
    kiosk.submit(body)
    central.set_status(body["tracking_code"], "rejected", "+98 call us")
    response = staff.get("/requests.csv", params={"service": "water.connection"})
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:2] == ["شمارهٔ مرجع", "کد رهگیری"]
    [row] = rows[1:]
    cells = dict(zip(rows[0], row, strict=True))
    assert cells["کد رهگیری"] == body["tracking_code"]
    assert cells["دلیل یا توضیح برای شهروند"] == "'+98 call us"
    assert cells["full_name"] == '\'=HYPERLINK("https://evil.example")'  # one column per question
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


def test_pages_are_persian_right_to_left_with_persian_digits(
    central: RunningCentral, kiosk: KioskClient, staff: httpx.Client, tmp_path: Path
) -> None:
    central.publish_catalog(write_catalog(tmp_path / "catalog"))
    body = kiosk.body()
    reference = kiosk.submit(body).json()["reference"]
    for path in ("/login", "/requests", f"/requests/{reference}", "/fleet", "/usage"):
        page = staff.get(path).text
        assert '<html dir="rtl" lang="fa">' in page, path
    listing = staff.get("/requests").text
    assert shown(body["tracking_code"]) in listing
    assert persian_date(datetime.now(UTC)) in listing  # Jalali date of today, in Persian digits
    assert "درخواست انشعاب آب" in listing  # the service's Persian title from the published catalog
    css = staff.get("/static/dashboard.css")
    assert css.status_code == 200 and "Vazirmatn" in css.text
    font = staff.get("/fonts/Vazirmatn-Regular.ttf")
    assert font.status_code == 200 and len(font.content) > 10_000


def test_duplicate_pair_is_shown_on_both_requests(
    central: RunningCentral, kiosk: KioskClient, staff: httpx.Client
) -> None:
    first = kiosk.submit(kiosk.body()).json()["reference"]
    second = kiosk.submit(kiosk.body(created_at="2026-11-23T14:02:00Z")).json()["reference"]
    for this, other in ((second, first), (first, second)):
        page = staff.get(f"/requests/{this}").text
        assert 'id="duplicates"' in page
        assert f'href="/requests/{other}"' in page
    assert "تکراری احتمالی" in staff.get("/requests").text
    only = staff.get("/requests", params={"duplicates": "1"}).text
    assert f"/requests/{second}" in only and f'href="/requests/{first}"' not in only


def test_fleet_page_shows_heartbeats(central: RunningCentral, kiosk: KioskClient, staff: httpx.Client) -> None:
    never, _ = central.add_kiosk("دفتر ساری")
    central.revoke_kiosk(never)
    beat = {
        "version": "0.3.1", "profile": "festival", "mode": "demo", "catalog_version": "1405.09.02-1",
        "queue_depth": 17, "oldest_pending_seconds": 7200, "rejected": 2, "last_error": "timeout",
    }  # fmt: skip
    kiosk.http.post(f"/api/v1/kiosks/{kiosk.number}/heartbeat", json=beat, headers=kiosk.auth)
    page = staff.get("/fleet").text
    assert "۱۷" in page and "۲ ساعت" in page and "festival" in page and "timeout" in page
    assert "دفتر ساری" in page and "باطل‌شده" in page and "هرگز" in page


def test_logout_ends_the_session(central: RunningCentral, staff: httpx.Client) -> None:
    cookie = staff.cookies["pishkhan_session"]
    assert staff.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    assert staff.post("/logout", data={"csrf_token": _page_csrf(staff)}).status_code == 303
    with httpx.Client(base_url=central.url, cookies={"pishkhan_session": cookie}) as replay:
        assert replay.get("/requests").status_code == 303


def test_password_guessing_is_slowed_down_without_locking_anyone_out(central: RunningCentral) -> None:
    """A wrong password makes the next try for that name wait (2, 4, 8... seconds), the right one too,
    without checking it; other names are not held up. In depth: test_login_throttle.py."""
    central.store.people.add("sara", PASSWORD, [], all_agencies=True)
    central.store.people.add("reza", PASSWORD, [], all_agencies=True)
    with httpx.Client(base_url=central.url) as client:
        page = client.get("/login")
        page = client.post("/login", data={"username": "sara", "password": "guess", "csrf_token": _csrf(page.text)})
        assert page.status_code == 401
        right = {"username": "SARA", "password": PASSWORD, "csrf_token": _csrf(page.text)}
        refused = client.post("/login", data=right)
        assert refused.status_code == 429  # for two seconds, even the right password
        assert 1 <= int(refused.headers["Retry-After"]) <= 2
        assert "ثانیهٔ دیگر دوباره امتحان کنید" in refused.text
        other = {"username": "reza", "password": PASSWORD, "csrf_token": _csrf(refused.text)}
        assert client.post("/login", data=other).status_code == 303  # other users are not held up


def test_fleet_page_filters_and_pages(
    central: RunningCentral, kiosk: KioskClient, staff: httpx.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kiosk.central import pages

    monkeypatch.setattr(pages, "FLEET_PAGE_SIZE", 2)
    central.publish_catalog(write_catalog(tmp_path / "catalog", version="test-2"))
    for number in (50, 51):
        central.add_kiosk(f"دفتر {number}", number)
    beat = {
        "version": "0.3.1", "profile": "festival", "mode": "live", "catalog_version": "test-1",
        "queue_depth": 3, "oldest_pending_seconds": 60, "rejected": 0, "last_error": None,
    }  # fmt: skip
    kiosk.http.post(f"/api/v1/kiosks/{kiosk.number}/heartbeat", json=beat, headers=kiosk.auth)
    first = staff.get("/fleet").text
    assert 'rel="next"' in first and "صفحهٔ بعد" in first and 'rel="prev"' not in first
    link = re.search(r'href="/fleet\?(after=\d+)"', first)
    assert link, first
    second = staff.get(f"/fleet?{link.group(1)}").text
    assert "دفتر 51" in second and 'rel="prev"' in second and 'rel="next"' not in second
    silent = staff.get("/fleet", params={"silent": "10m"}).text
    assert "دفتر 50" in silent and "festival" not in silent  # the kiosk that just sent one is not silent
    assert "festival" in staff.get("/fleet", params={"backlog": "1"}).text
    assert "دفتر 50" not in staff.get("/fleet", params={"backlog": "1"}).text
    behind = staff.get("/fleet", params={"catalog": "1"}).text  # its heartbeat names test-1, the newest is test-2
    assert "festival" in behind
    assert "festival" not in staff.get("/fleet", params={"refused": "1"}).text  # behind, but refused nothing
    why = "catalog: agencies[0].icon: 'ship' is not one of the kiosk's icons"
    kiosk.http.post(
        f"/api/v1/kiosks/{kiosk.number}/heartbeat", json={**beat, "catalog_refused": why}, headers=kiosk.auth
    )
    refused = staff.get("/fleet", params={"refused": "1"}).text
    assert "festival" in refused and "تازه‌ترین را رد کرد" in refused and why.replace("'", "&#39;") in refused
    assert "دفتر 50" not in refused
    for bad in ("silent=forever", "after=x", "before=-1", "backlog=yes", "after=۱۲", "after=99999999999999999999"):
        assert staff.get(f"/fleet?{bad}").status_code == 200


def test_list_pages_by_key_and_an_old_numbered_link_opens_the_first_page(
    central: RunningCentral, kiosk: KioskClient, staff: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kiosk.central import pages

    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    codes = [
        kiosk.submit(kiosk.body(created_at=f"2026-11-2{day}T10:00:00Z")).json()["tracking_code"] for day in range(1, 6)
    ]
    first = staff.get("/requests").text
    assert shown(codes[4]) in first and shown(codes[3]) in first and shown(codes[2]) not in first
    assert "صفحهٔ بعد" in first and 'rel="prev"' not in first
    after = re.search(r"after=([0-9]+-[0-9]+)", first)
    assert after, first
    second = staff.get("/requests", params={"after": after.group(1)}).text
    assert shown(codes[2]) in second and shown(codes[1]) in second and shown(codes[4]) not in second
    assert 'rel="prev"' in second and "صفحهٔ قبل" in second
    old = staff.get("/requests", params={"page": "3"})
    assert old.status_code == 200 and "صفحهٔ اول نشان داده شده است" in old.text and shown(codes[4]) in old.text
    for mangled in ("nonsense", "99999999999999999999-1", "20261207103000123456-0"):
        page = staff.get("/requests", params={"after": mangled})
        assert page.status_code == 200 and "پیوند این صفحه درست نیست" in page.text
