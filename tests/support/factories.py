"""Small, valid catalog and profile data for tests to copy and break on purpose, and a private copy
of the bundled resources for tests that damage them."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

from kiosk.core.paths import KioskPaths, resources_root


def service(agency_id: str, slug: str, title_fa: str, title_en: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": f"{agency_id}.{slug}",
        "title": {"fa": title_fa, "en": title_en},
        "summary": {"fa": f"{title_fa} به‌صورت برخط.", "en": f"{title_en} online."},
        "audience": {"fa": "همه شهروندان", "en": "All citizens"},
        "documents": [{"fa": "کارت ملی", "en": "National ID card"}],
        "fee": {"kind": "fixed", "rial": 250000},
        "time": {"unit": "workday", "min": 3, "max": 7},
        "channels": [
            {"kind": "web", "address": "https://my.gov.ir/"},
            {"kind": "ussd", "address": "*4#"},
            {"kind": "phone", "address": "1522"},
        ],
        "steps": [{"fa": "وارد سامانه شوید.", "en": "Sign in."}, {"fa": "فرم را پر کنید.", "en": "Fill in the form."}],
        "keywords": {"fa": ["قبض", "بدهی"], "en": ["bill"]},
    }
    data.update(overrides)
    return data


def agency(
    agency_id: str, name_fa: str, name_en: str, services: list[dict[str, Any]], **overrides: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": agency_id,
        "name": {"fa": name_fa, "en": name_en},
        "short_name": {"fa": name_fa[:28], "en": name_en[:28]},
        "icon": "water",
        "color": "#1565c0",
        "about": {"fa": "درباره این دستگاه.", "en": "About this agency."},
        "contact": {"phone": "1522", "web": "https://example.ir"},
        "services": services,
    }
    data.update(overrides)
    return data


SAMPLE_AGENCIES = [
    agency(
        "water",
        "شرکت آب و فاضلاب",
        "Water and Wastewater",
        [
            service("water", "bill", "پرداخت قبض آب", "Pay a water bill"),
            service(
                "water",
                "connection",
                "درخواست انشعاب آب",
                "Apply for a water connection",
                keywords={"fa": ["انشعاب", "کنتور"], "en": ["connection", "meter"]},
            ),
        ],
    ),
    agency(
        "civil",
        "ثبت احوال",
        "Civil Registration",
        [
            service(
                "civil",
                "smart-card",
                "کارت هوشمند ملی",
                "Smart national ID card",
                keywords={"fa": ["کارت ملی", "شناسنامه"], "en": ["id card"]},
            ),
            service(
                "civil",
                "birth",
                "ثبت ولادت نوزاد",
                "Register a birth",
                fee={"kind": "free"},
                time={"unit": "instant"},
                related=["civil.smart-card"],
            ),
            service(
                "civil",
                "post-code",
                "استعلام کد پستی ۱۰ رقمی",
                "Postal code lookup",
                fee={"kind": "variable", "note": {"fa": "بسته به مورد", "en": "Depends"}},
            ),
        ],
        icon="civil-registration",
        color="#6a1b9a",
    ),
]


def write_catalog(directory: Path, agencies: list[dict[str, Any]] | None = None, **manifest: Any) -> Path:
    """Write a catalog directory; returns it. ``agencies`` defaults to a deep copy of the sample."""
    agencies = copy.deepcopy(SAMPLE_AGENCIES) if agencies is None else agencies
    (directory / "agencies").mkdir(parents=True, exist_ok=True)
    data = {"format": 1, "version": "test-1", "agencies": [a["id"] for a in agencies]}
    data.update(manifest)
    (directory / "catalog.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    for item in agencies:
        path = directory / "agencies" / f"{item['id']}.json"
        path.write_text(json.dumps(item, ensure_ascii=False, indent=1), encoding="utf-8")
    return directory


PROFILE_TOML = """\
format = 1
title = { fa = "پیشخوان آزمایشی", en = "Test kiosk" }
accent = "#0f766e"
logo = "logos/pishkhan.svg"
language = "fa"
idle_timeout_seconds = 90
mode = "demo"
currency = "toman"
agencies = ["water", "civil"]

[server]
url = "http://127.0.0.1:8765"
"""


def label(fa: str, en: str) -> dict[str, str]:
    return {"fa": fa, "en": en}


# A form with every kind of field, for the request-flow tests.
EVERY_FIELD_FORM = {
    "fields": [
        {"id": "full_name", "kind": "text", "label": label("نام و نام خانوادگی", "Full name"), "max_length": 60},
        {"id": "national_id", "kind": "national_id", "label": label("کد ملی", "National ID")},
        {"id": "mobile", "kind": "mobile", "label": label("شماره همراه", "Mobile number")},
        {"id": "postal_code", "kind": "postal_code", "label": label("کد پستی", "Postal code")},
        {
            "id": "address",
            "kind": "long_text",
            "label": label("نشانی", "Address"),
            "required": False,
            "help": label("محله، خیابان، کوچه و پلاک", "District, street, alley and number"),
        },
        {
            "id": "subscription",
            "kind": "number",
            "label": label("شماره اشتراک", "Subscription number"),
            "min_digits": 6,
            "max_digits": 10,
            "required": False,
        },
        {
            "id": "usage",
            "kind": "choice",
            "label": label("نوع کاربری", "Use"),
            "choices": [
                {"id": "home", "label": label("مسکونی", "Home")},
                {"id": "business", "label": label("تجاری", "Business")},
            ],
        },
        {"id": "visit_date", "kind": "jalali_date", "label": label("تاریخ بازدید", "Visit date"), "when": "future"},
        {"id": "agree", "kind": "consent", "label": label("با بازدید مأمور موافقم", "I agree to an inspection visit")},
        {
            "id": "last_visit",
            "kind": "jalali_date",
            "label": label("تاریخ آخرین بازدید", "Date of the last visit"),
            "when": "past",
            "required": False,
        },
    ]
}


def agencies_with_a_form() -> list[dict[str, Any]]:
    agencies = copy.deepcopy(SAMPLE_AGENCIES)
    agencies[0]["services"][1]["form"] = copy.deepcopy(EVERY_FIELD_FORM)
    return agencies


def copy_resources(tmp_path: Path) -> KioskPaths:
    """A private copy of the resources and translations, for tests that damage them."""
    root = tmp_path / "root"
    shutil.copytree(resources_root() / "resources", root / "resources")
    shutil.copytree(resources_root() / "translations", root / "translations")
    return KioskPaths(root=root, data=tmp_path / "data")


def without_agency(document: dict[str, Any], agency_id: str) -> None:
    """Take an agency out of a catalog document, and every reference to its services: a valid
    catalog in itself, but not for a profile that shows that agency."""
    document["agencies"] = [a for a in document["agencies"] if a["id"] != agency_id]
    for agency in document["agencies"]:
        for service in agency["services"]:
            if "related" in service:
                service["related"] = [r for r in service["related"] if not r.startswith(f"{agency_id}.")]
