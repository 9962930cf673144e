"""Agencies edit their services on the dashboard, over real HTTP on SQLite and PostgreSQL: a draft,
a second person's approval (never the author's), the administrator's forced publish only with a
written reason, a conflict said rather than overwritten, scheduled publishing claimed once, the
release history with its changes in Persian, rollback, each agency kept to its own services, and
every act in the audit log."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from harness.central_server import RunningCentral
from kiosk.central.clock import utcnow
from kiosk.central.store.people import Actor
from tests.support.factories import agencies_with_a_form, write_catalog

PASSWORD = "correct horse battery"


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


@contextmanager
def login(central: RunningCentral, name: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=central.url, timeout=30) as client:
        page = client.get("/login")
        response = client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": _csrf(page.text)})
        assert response.status_code == 303, response.text
        yield client


def setup(central: RunningCentral, tmp_path: Path) -> None:
    central.publish_catalog(write_catalog(tmp_path / "catalog", agencies_with_a_form()))
    people = central.store.people
    people.add("ava", PASSWORD, [], all_agencies=True)  # the province administrator
    people.add("eli", PASSWORD, ["water"], all_agencies=False, role="editor")
    people.add("ed2", PASSWORD, ["water"], all_agencies=False, role="editor")
    people.add("rey", PASSWORD, ["water"], all_agencies=False, role="reviewer")
    people.add("civ", PASSWORD, ["civil"], all_agencies=False, role="editor")


def edit_form(client: httpx.Client, service_id: str) -> dict[str, str]:
    """The edit form's fields as the page fills them in."""
    page = client.get(f"/services/{service_id}/edit")
    assert page.status_code == 200, page.text
    form = dict(re.findall(r'<input (?:type="hidden" )?name="(\w+)"[^>]*?value="([^"]*)"', page.text))
    form.update(re.findall(r'<input name="(\w+)"[^>]*?value="([^"]*)"', page.text))
    for name, value in re.findall(r'<textarea name="(\w+)"[^>]*>([^<]*)</textarea>', page.text, flags=re.S):
        form[name] = value
    form.update(re.findall(r'<input type="radio" name="(\w+)" value="(\w+)" checked', page.text))
    for name, options in re.findall(r'<select name="(\w+)">(.*?)</select>', page.text, flags=re.S):
        chosen = re.search(r'<option value="(\w*)" selected', options)
        form[name] = chosen.group(1) if chosen else ""
    form.update(re.findall(r'<input type="checkbox" name="(\w+)" value="(1)" checked', page.text))
    form["csrf_token"] = _csrf(page.text)
    return form


def propose(client: httpx.Client, service_id: str, **changes: str) -> httpx.Response:
    form = edit_form(client, service_id)
    form.update(changes)
    return client.post(f"/services/{service_id}/edit", data=form)


def draft_id(response: httpx.Response) -> int:
    assert response.status_code == 303, response.text
    return int(response.headers["location"].split("/")[-1].split("?")[0])


def act(client: httpx.Client, path: str, **form: str) -> httpx.Response:
    page = client.get("/services")
    return client.post(path, data={"csrf_token": _csrf(page.text), **form})


def published_bill(central: RunningCentral) -> dict[str, object]:
    document = central.store.catalogs.latest()
    assert document is not None
    water = next(a for a in json.loads(document.document)["agencies"] if a["id"] == "water")
    return next(s for s in water["services"] if s["id"] == "water.bill")


def test_an_editor_proposes_a_colleague_approves_and_the_release_goes_out(
    central: RunningCentral, tmp_path: Path
) -> None:
    setup(central, tmp_path)
    with login(central, "eli") as eli, login(central, "ed2") as ed2:
        steps = "وارد سامانه شوید.\nشمارهٔ اشتراک را بنویسید."
        saved = propose(eli, "water.bill", fee_rial="۳۰۰٬۰۰۰", steps_fa=steps, steps_en="Sign in.\nType the account.")
        number = draft_id(saved)
        page = eli.get(f"/services/drafts/{number}?done=saved")
        assert "در انتظار بررسی" in page.text
        assert "۲۵۰٬۰۰۰ ریال" in page.text and "۳۰۰٬۰۰۰ ریال" in page.text  # the fee, before and after
        assert "گام ۲ (فارسی)" in page.text and "شمارهٔ اشتراک را بنویسید." in page.text
        assert published_bill(central)["fee"] == {"kind": "fixed", "rial": 250000}  # a draft is not published

        refused = act(eli, f"/services/drafts/{number}/approve")
        assert refused.status_code == 422
        assert "نویسندهٔ یک پیش‌نویس نمی‌تواند آن را تأیید یا رد کند" in refused.text
        assert published_bill(central)["fee"] == {"kind": "fixed", "rial": 250000}

        approved = act(ed2, f"/services/drafts/{number}/approve")
        assert approved.status_code == 303, approved.text
    bill = published_bill(central)
    assert bill["fee"] == {"kind": "fixed", "rial": 300000}
    assert bill["steps"][1] == {"fa": "شمارهٔ اشتراک را بنویسید.", "en": "Type the account."}
    assert central.store.catalogs.latest_number() == 2
    with login(central, "rey") as rey:
        history = rey.get("/releases")
        assert "با بررسی" in history.text and "eli" in history.text and "ed2" in history.text
        release = rey.get("/releases/2")
        assert "کارمزد" in release.text and "۳۰۰٬۰۰۰ ریال" in release.text
        assert '"rial"' not in release.text  # field by field, not JSON
    with login(central, "ava") as ava:
        audit = ava.get("/audit").text
        for words in ("ذخیرهٔ پیش‌نویس خدمت", "تأیید پیش‌نویس", "انتشار فهرست خدمات"):
            assert words in audit


def test_a_forced_publish_needs_a_written_reason_that_stays_on_record(central: RunningCentral, tmp_path: Path) -> None:
    setup(central, tmp_path)
    with login(central, "eli") as eli:
        number = draft_id(propose(eli, "water.bill", fee_rial="400000"))
        assert act(eli, f"/services/drafts/{number}/force", reason="urgent fix").status_code == 403
    with login(central, "ava") as ava:
        refused = act(ava, f"/services/drafts/{number}/force", reason="  ")
        assert (
            refused.status_code == 422
            and "برای انتشار بدون بررسی، یا بازگشت به انتشار پیشین، دلیل را بنویسید" in refused.text
        )
        assert central.store.catalogs.latest_number() == 1
        reason = "the fee changed by law today; the reviewer is away"
        assert act(ava, f"/services/drafts/{number}/force", reason=reason).status_code == 303
        assert published_bill(central)["fee"] == {"kind": "fixed", "rial": 400000}
        assert reason in ava.get("/releases").text
        assert reason in ava.get(f"/services/drafts/{number}").text
        audit = ava.get("/audit").text
        assert "انتشار بدون بررسی" in audit and reason in audit


def test_a_change_published_meanwhile_is_a_conflict_not_overwritten(central: RunningCentral, tmp_path: Path) -> None:
    setup(central, tmp_path)
    with login(central, "eli") as eli, login(central, "ed2") as ed2, login(central, "rey") as rey:
        first = draft_id(propose(eli, "water.bill", fee_rial="300000"))
        second = draft_id(propose(ed2, "water.bill", title_fa="پرداخت قبض آب و فاضلاب"))
        assert act(rey, f"/services/drafts/{first}/approve").status_code == 303
        conflict = act(rey, f"/services/drafts/{second}/approve")
        assert conflict.status_code == 422
        assert "این خدمت پس از شروع این پیش‌نویس در انتشار دیگری تغییر کرده است" in conflict.text
    bill = published_bill(central)
    assert bill["fee"] == {"kind": "fixed", "rial": 300000}
    assert bill["title"]["fa"] == "پرداخت قبض آب"
    draft = central.store.drafts.get(second)
    assert draft is not None and draft.state == "conflict"


def test_a_rollback_publishes_an_older_release_again_with_its_reason(central: RunningCentral, tmp_path: Path) -> None:
    setup(central, tmp_path)
    with login(central, "eli") as eli, login(central, "rey") as rey:
        number = draft_id(propose(eli, "water.bill", fee_rial="300000"))
        act(rey, f"/services/drafts/{number}/approve")
        assert act(rey, "/releases/1/rollback", reason="wrong fee went out").status_code == 403
    with login(central, "ava") as ava:
        refused = act(ava, "/releases/1/rollback", reason="")
        assert refused.status_code == 422 and "دلیل" in refused.text
        done = act(ava, "/releases/1/rollback", reason="the new fee is not in force until next month")
        assert done.status_code == 303 and done.headers["location"] == "/releases/3"
        assert published_bill(central)["fee"] == {"kind": "fixed", "rial": 250000}
        page = ava.get("/releases/3").text
        assert "بازگشت به انتشار پیشین" in page and "the new fee is not in force" in page
        assert "۲۵۰٬۰۰۰ ریال" in page
        assert "بازگشت به انتشار پیشین" in ava.get("/audit").text
    assert central.store.catalogs.document(3) == central.store.catalogs.document(1)


def test_scheduled_publishing_waits_for_its_time_and_is_claimed_once(central: RunningCentral, tmp_path: Path) -> None:
    setup(central, tmp_path)
    with login(central, "eli") as eli, login(central, "rey") as rey:
        number = draft_id(propose(eli, "water.bill", fee_rial="300000"))
        bad = act(rey, f"/services/drafts/{number}/approve", publish_at="tomorrow")
        assert bad.status_code == 422 and "زمان انتشار درست نیست" in bad.text
        assert act(rey, f"/services/drafts/{number}/approve", publish_at="2099-01-01T08:00").status_code == 303
        assert "زمان‌بندی‌شده" in rey.get(f"/services/drafts/{number}").text
    drafts = central.store.drafts
    assert drafts.publish_due() == []
    assert central.store.catalogs.latest_number() == 1
    later = utcnow() + timedelta(days=365 * 80)
    assert drafts.publish_due(later) == [number]
    assert drafts.publish_due(later) == []  # taken once: a second process finds nothing to claim
    assert central.store.catalogs.latest_number() == 2
    assert published_bill(central)["fee"] == {"kind": "fixed", "rial": 300000}


def test_an_editor_sees_and_edits_only_their_agency(central: RunningCentral, tmp_path: Path) -> None:
    setup(central, tmp_path)
    with login(central, "eli") as eli:
        number = draft_id(propose(eli, "water.bill", fee_rial="300000"))
        assert "پرداخت قبض آب" in eli.get("/services").text
    with login(central, "civ") as civ:
        listing = civ.get("/services").text
        assert "پرداخت قبض آب" not in listing
        assert civ.get("/services/water.bill/edit").status_code == 404
        assert civ.get(f"/services/drafts/{number}").status_code == 404
        assert act(civ, f"/services/drafts/{number}/approve").status_code == 404
        assert civ.get("/requests").status_code == 403
    with login(central, "rey") as rey:
        assert rey.get("/services/water.bill/edit").status_code == 403  # a reviewer does not write drafts


def test_bad_input_gets_a_persian_message_and_keeps_what_was_typed(central: RunningCentral, tmp_path: Path) -> None:
    setup(central, tmp_path)
    with login(central, "eli") as eli:
        cases = {
            "fee_rial": ("دویست", "«کارمزد (ریال)» باید عددی از"),
            "service_code": ("12345", "شناسهٔ خدمت باید ۱۱ رقم باشد."),
            "national_window": ("http://my.gov.ir/x", "پیوند پنجرهٔ ملی باید نشانی کاملی باشد"),
            "last_verified": ("1405/09/17", "تاریخ آخرین بازبینی را از جعبهٔ تاریخ برگزینید."),
            "title_fa": ("ق" * 61, "بیش از ۶۰ نویسه در صفحهٔ پیشخوان جا نمی‌شود"),
            "steps_en": ("Only one line", "هر سطر فارسی ترجمهٔ انگلیسی همان سطر را می‌خواهد"),
        }
        for field, (value, message) in cases.items():
            response = propose(eli, "water.bill", **{field: value})
            assert response.status_code == 422, field
            assert message in response.text, field
            assert value.split("\n")[0] in response.text, field  # what was typed is still there
        same = propose(eli, "water.bill")
        assert same.status_code == 422 and "چیزی را تغییر نمی‌دهد" in same.text
        desk = propose(
            eli, "water.bill", service_code="۱۲۳۴۵۶۷۸۹۰۱", service_type="G2C", legal_basis_fa="قانون آب",
            legal_basis_en="Water Act", national_window="https://my.gov.ir/s/12345678901", last_verified="2026-12-01",
        )  # fmt: skip
        assert desk.status_code == 303, desk.text
    draft = central.store.drafts.get(draft_id(desk))
    assert draft is not None
    proposed = json.loads(draft.document)
    assert proposed["service_desk"]["service_code"] == "12345678901"
    assert proposed["last_verified"] == "2026-12-01"
    assert central.store.catalogs.latest_number() == 1


@pytest.mark.parametrize("backend", ["sqlite"])  # the database plays no part in drawing
@pytest.mark.parametrize("central_settings", [{"kiosk_program": ""}])
def test_a_draft_is_seen_as_kiosks_would_draw_it_before_it_is_approved(central: RunningCentral, tmp_path: Path) -> None:
    setup(central, tmp_path)
    with login(central, "eli") as eli, login(central, "rey") as rey:
        number = draft_id(propose(eli, "water.bill", title_fa="پرداخت قبض آب و فاضلاب"))
        assert f'href="/services/drafts/{number}/preview"' in rey.get(f"/services/drafts/{number}").text
        page = rey.get(f"/services/drafts/{number}/preview")
        assert page.status_code == 200, page.text
        images = re.findall(r'<img src="([^"]+)"', page.text)
        assert f"/services/drafts/{number}/preview/fa/landscape/card.png" in images
        assert f"/services/drafts/{number}/preview/en/portrait/card.png" in images
        drawn = rey.get(f"/services/drafts/{number}/preview/fa/landscape/card.png")
        assert drawn.status_code == 200 and drawn.headers["content-type"] == "image/png"
        published = rey.get("/catalog/preview/water.bill/fa/landscape/card.png")
        assert published.status_code == 200
        assert drawn.content != published.content, "the draft's card, not the published one"
    with login(central, "civ") as civ:
        assert civ.get(f"/services/drafts/{number}/preview").status_code == 404
        assert civ.get(f"/services/drafts/{number}/preview/fa/landscape/card.png").status_code == 404


@pytest.mark.parametrize("central_settings", [{"schedule_check_seconds": 0.2}])
def test_the_server_publishes_a_scheduled_draft_when_its_time_comes(central: RunningCentral, tmp_path: Path) -> None:
    setup(central, tmp_path)
    with login(central, "eli") as eli:
        number = draft_id(propose(eli, "water.bill", fee_rial="300000"))
    reviewer = central.store.people.by_name("rey")
    assert reviewer is not None
    scheduled = central.store.drafts.approve(number, Actor.of(reviewer), publish_at=utcnow() + timedelta(seconds=1))
    assert scheduled.state == "scheduled"  # (the server may already have published it: this machine is busy)
    deadline = time.monotonic() + 15
    while central.store.catalogs.latest_number() == 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert published_bill(central)["fee"] == {"kind": "fixed", "rial": 300000}
    draft = central.store.drafts.get(number)
    assert draft is not None and draft.state == "published" and draft.release_id == 2


def published_form(central: RunningCentral) -> list[dict[str, object]]:
    document = central.store.catalogs.latest()
    assert document is not None
    water = next(a for a in json.loads(document.document)["agencies"] if a["id"] == "water")
    return next(s for s in water["services"] if s["id"] == "water.connection")["form"]["fields"]


def test_the_request_forms_questions_are_edited_removed_and_added(central: RunningCentral, tmp_path: Path) -> None:
    setup(central, tmp_path)
    before = published_form(central)
    kinds = [q["kind"] for q in before]
    choice = kinds.index("choice")
    with login(central, "eli") as eli, login(central, "rey") as rey:
        same = propose(eli, "water.connection")
        assert same.status_code == 422 and "چیزی را تغییر نمی‌دهد" in same.text, "the form round-trips exactly"
        slot = len(before)  # the first empty box
        changes = {
            "q0_label_fa": "نام و نام خانوادگی مالک",
            f"q{choice}_choices_fa": "گزینهٔ یک\nگزینهٔ دو\nگزینهٔ سه",
            f"q{choice}_choices_en": "One\nTwo\nThree",
            "q1_remove": "1",
            f"q{slot}_label_fa": "شمارهٔ پرونده",
            f"q{slot}_label_en": "File number",
            f"q{slot}_kind": "number",
            f"q{slot}_id": "file_number",
            f"q{slot}_required": "1",
        }
        number = draft_id(propose(eli, "water.connection", **changes))
        review = rey.get(f"/services/drafts/{number}").text
        assert "نام و نام خانوادگی مالک" in review and "شمارهٔ پرونده (عدد)" in review
        assert act(rey, f"/services/drafts/{number}/approve").status_code == 303
        bad = propose(eli, "water.connection", **{f"q{slot}_label_fa": "پرسش", f"q{slot}_label_en": "Q",
                                                  f"q{slot}_kind": "choice", f"q{slot}_id": "Bad Id"})  # fmt: skip
        assert bad.status_code == 422
        assert "فقط حروف کوچک انگلیسی، رقم و _ باشد" in bad.text and "دست‌کم دو گزینه" in bad.text
    after = published_form(central)
    assert [q["id"] for q in after] == [q["id"] for q in before if q["id"] != before[1]["id"]] + ["file_number"]
    assert after[0]["label"]["fa"] == "نام و نام خانوادگی مالک"
    assert after[0].get("max_length") == before[0].get("max_length"), "settings of the kind kept"
    edited = next(q for q in after if q["kind"] == "choice")
    assert [c["label"]["en"] for c in edited["choices"]] == ["One", "Two", "Three"]
    assert [c["id"] for c in edited["choices"]][:2] == [c["id"] for c in before[choice]["choices"]][:2]
    assert after[-1] == {"id": "file_number", "kind": "number", "label": {"fa": "شمارهٔ پرونده", "en": "File number"}}


def test_the_ways_to_do_it_online_are_edited_a_line_each(central: RunningCentral, tmp_path: Path) -> None:
    setup(central, tmp_path)
    with login(central, "eli") as eli:
        lines = "web | https://abfa.example.ir/bill | سامانهٔ قبض | Bill site\nphone | ۱۵۲۲"
        number = draft_id(propose(eli, "water.bill", channels=lines))
        bad = propose(eli, "water.bill", channels="fax | 1234")
        assert bad.status_code == 422 and "از راه‌ها درست نیست" in bad.text and "fax | 1234" in bad.text
        refused = propose(eli, "water.bill", channels="web | http://abfa.example.ir/")
        assert refused.status_code == 422 and "پیشخوان این خدمت را نمی‌پذیرد" in refused.text
        assert "should be a full address starting with https://" in refused.text  # the kiosk's own check
    draft = central.store.drafts.get(number)
    assert draft is not None
    assert json.loads(draft.document)["channels"] == [
        {"kind": "web", "address": "https://abfa.example.ir/bill", "label": {"fa": "سامانهٔ قبض", "en": "Bill site"}},
        {"kind": "phone", "address": "1522"},
    ]
