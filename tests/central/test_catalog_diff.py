"""The readable changes between two versions of a service, or two releases: field by field in
Persian words, never JSON."""

from __future__ import annotations

import copy

from kiosk.central.catalog_diff import release_changes, service_changes
from tests.support.factories import SAMPLE_AGENCIES


def test_a_fee_a_step_and_the_service_desk_facts_are_told_in_persian() -> None:
    before = copy.deepcopy(SAMPLE_AGENCIES[0]["services"][0])
    after = copy.deepcopy(before)
    after["fee"] = {"kind": "fixed", "rial": 300000}
    after["steps"][1] = {"fa": "شمارهٔ اشتراک را بنویسید.", "en": "Type the account number."}
    after["service_desk"] = {"service_code": "12345678901", "service_type": "G2B"}
    after["last_verified"] = "2026-11-30"
    changes = {c.label: (c.before, c.after) for c in service_changes(before, after)}
    assert changes["کارمزد"] == ("۲۵۰٬۰۰۰ ریال", "۳۰۰٬۰۰۰ ریال")
    assert changes["گام ۲ (فارسی)"] == ("فرم را پر کنید.", "شمارهٔ اشتراک را بنویسید.")
    assert changes["گام ۲ (انگلیسی)"] == ("Fill in the form.", "Type the account number.")
    assert changes["شناسهٔ خدمت"] == ("", "۱۲۳۴۵۶۷۸۹۰۱")
    assert changes["نوع خدمت"] == ("", "G2B")
    assert changes["آخرین بازبینی"] == ("", "۱۴۰۵/۰۹/۰۹")
    assert "عنوان (فارسی)" not in changes, "unchanged fields are not listed"


def test_a_release_names_the_services_it_added_removed_and_changed() -> None:
    before = {"agencies": copy.deepcopy(SAMPLE_AGENCIES)}
    after = copy.deepcopy(before)
    water = after["agencies"][0]["services"]
    water[0]["title"]["fa"] = "پرداخت قبض آب و فاضلاب"
    removed = water.pop(1)
    added = copy.deepcopy(removed)
    added["id"] = "water.meter"
    water.append(added)
    found = {c.service_id: c for c in release_changes(before, after)}
    assert set(found) == {"water.bill", "water.connection", "water.meter"}
    assert found["water.bill"].kind == "changed" and found["water.bill"].title == "پرداخت قبض آب و فاضلاب"
    assert [c.label for c in found["water.bill"].changes] == ["عنوان (فارسی)"]
    assert found["water.connection"].kind == "removed"
    assert found["water.meter"].kind == "added"
    assert release_changes(before, before) == []
