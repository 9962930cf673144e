"""Requests staff can read: every answer under its question's Persian label from the catalog release
the request was filed against, choices by their labels, dates in Jalali, Persian digits on the page;
the export one CSV per service with a column per question, safe to open in a spreadsheet."""

from __future__ import annotations

import copy
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.central_server import RunningCentral
from tests.support.factories import SAMPLE_AGENCIES, write_catalog
from tests.support.forms import (
    CATALOG_DIR,
    answer_pairs,
    answers,
    bundled_catalog,
    expected,
    form_services,
    variants,
)
from tests.support.kiosk_client import KioskClient

PASSWORD = "correct horse battery"
# The request's own columns before the questions' (reference, code, service, times, kiosk, ...).
REQUEST_COLUMNS = 13
# Not "sara": the shared server's login throttle outlives ``reset`` (test_dashboard locks sara out).
STAFF = "readable-staff"


@contextmanager
def login(central: RunningCentral, name: str = STAFF) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=central.url, timeout=30) as client:
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        response = client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token.group(1)})
        assert response.status_code == 303, response.text
        yield client


@pytest.fixture
def staff(central: RunningCentral) -> Iterator[httpx.Client]:
    central.store.people.add(STAFF, PASSWORD, [], all_agencies=True)
    with login(central) as client:
        yield client


def read_csv(response: httpx.Response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # so spreadsheet programs read the Persian as UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


def test_every_question_of_every_bundled_form_is_read_in_persian(
    central: RunningCentral, kiosk: KioskClient, staff: httpx.Client
) -> None:
    """On the detail page and in the service's CSV: each question under its label, each choice under
    its label, dates Jalali, consent «بله», digits Persian on the page and ASCII in the CSV."""
    central.publish_catalog(CATALOG_DIR)
    version = bundled_catalog().version
    filed: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for service in form_services():
        for variant in range(variants(service)):
            fields = answers(service, variant)
            body = kiosk.body(
                service_id=service.id, agency_id=service.agency_id, catalog_version=version, fields=fields
            )
            response = kiosk.submit(body)
            assert response.status_code == 201, response.text
            filed.setdefault(service.id, []).append((response.json()["reference"], fields))
    assert sum(len(s.form.fields) for s in form_services() if s.form) == 107  # 31 ids, labelled per service
    seen_choices: set[tuple[str, str, str]] = set()
    for service in form_services():
        assert service.form is not None
        for reference, fields in filed[service.id]:
            page = staff.get(f"/requests/{reference}").text
            shown = answer_pairs(page)
            wanted = [(q.label.fa, expected(q, fields[q.id])[0]) for q in service.form.fields]
            assert shown == wanted, service.id
            for question in service.form.fields:  # no raw id of a question or a choice is left
                assert not any(question.id in label for label, _ in shown), question.id
                if question.kind == "choice":
                    assert not any(value == fields[question.id] for _, value in shown)
                    seen_choices.add((service.id, question.id, dict(shown)[question.label.fa]))
        rows = read_csv(staff.get("/requests.csv", params={"service": service.id}))
        header, body = rows[0], rows[1:]
        assert header[:2] == ["شمارهٔ مرجع", "کد رهگیری"]
        assert header[REQUEST_COLUMNS:] == [q.label.fa for q in service.form.fields], service.id
        assert len(body) == len(filed[service.id])
        for row, (reference, fields) in zip(body, filed[service.id], strict=True):
            assert row[0] == reference
            assert row[2] == service.title.fa
            assert row[REQUEST_COLUMNS:] == [expected(q, fields[q.id])[1] for q in service.form.fields]
    every_choice = {
        (s.id, q.id, c.label.fa) for s in form_services() if s.form for q in s.form.fields for c in q.choices
    }
    assert seen_choices == every_choice


def test_labels_come_from_the_release_the_request_was_filed_against(
    central: RunningCentral, kiosk: KioskClient, staff: httpx.Client, tmp_path: Path
) -> None:
    """Its own release first; then the latest; then the bundled catalog; then the id itself."""

    def catalog(version: str, label: str, choice: str) -> Path:
        agencies = copy.deepcopy(SAMPLE_AGENCIES)
        agencies[0]["services"][1]["form"] = {
            "fields": [
                {"id": "usage", "kind": "choice", "label": {"fa": label, "en": "Use"},
                 "choices": [{"id": "home", "label": {"fa": choice, "en": "Home"}},
                             {"id": "shop", "label": {"fa": "تجاری", "en": "Shop"}}]},
                {"id": "visit", "kind": "jalali_date", "label": {"fa": "روز بازدید", "en": "Visit"}},
            ]
        }  # fmt: skip
        return write_catalog(tmp_path / version, agencies, version=version)

    central.publish_catalog(catalog("old-1", "نوع کاربری (قدیم)", "خانه"))
    central.publish_catalog(catalog("new-2", "نوع کاربری", "مسکونی"))
    fields = {"usage": "home", "visit": "2026-03-21", "meter_colour": "blue"}
    references = {
        version: kiosk.submit(kiosk.body(catalog_version=version, fields=fields)).json()["reference"]
        for version in ("old-1", "new-2", "never-published")
    }
    assert answer_pairs(staff.get(f"/requests/{references['old-1']}").text) == [
        ("نوع کاربری (قدیم)", "خانه"), ("روز بازدید", "۱ فروردین ۱۴۰۵"), ("meter_colour", "blue"),
    ]  # fmt: skip
    for version in ("new-2", "never-published"):  # the latest release
        assert answer_pairs(staff.get(f"/requests/{references[version]}").text)[0] == ("نوع کاربری", "مسکونی")
    # A service of the bundled catalog that no release here has: the bundled catalog's labels.
    service = form_services()[0]
    assert service.form is not None
    bundled = kiosk.submit(kiosk.body(service_id=service.id, agency_id=service.agency_id, fields=answers(service)))
    pairs = answer_pairs(staff.get(f"/requests/{bundled.json()['reference']}").text)
    assert [label for label, _ in pairs] == [q.label.fa for q in service.form.fields]
    # The CSV: the newest labels head the columns; each row's choice is read in its own release.
    rows = read_csv(staff.get("/requests.csv", params={"service": "water.connection"}))
    assert rows[0][REQUEST_COLUMNS:] == ["نوع کاربری", "روز بازدید", "meter_colour"]
    assert [row[REQUEST_COLUMNS] for row in rows[1:]] == ["خانه", "مسکونی", "مسکونی"]
    assert {row[REQUEST_COLUMNS + 1] for row in rows[1:]} == {"1405/01/01"}
    # A question the citizen left unanswered is shown, as «—».
    partial = kiosk.submit(kiosk.body(catalog_version="new-2", fields={"usage": "shop"})).json()["reference"]
    assert answer_pairs(staff.get(f"/requests/{partial}").text) == [("نوع کاربری", "تجاری"), ("روز بازدید", "—")]


def test_the_list_shows_a_few_answers_by_their_labels(
    central: RunningCentral, kiosk: KioskClient, staff: httpx.Client
) -> None:
    central.publish_catalog(CATALOG_DIR)
    service = next(s for s in form_services() if s.id == "sari-municipality.building-permit")
    fields = answers(service, 1)
    fields["full_name"] = "زهرا احمدی"
    kiosk.submit(kiosk.body(service_id=service.id, agency_id=service.agency_id, fields=fields))
    listing = staff.get("/requests").text
    assert "نام و نام خانوادگی مالک:</span> زهرا احمدی" in listing
    assert "نوع کار:</span> تخریب و نوسازی" in listing  # the choice «rebuild», by its label
    assert "rebuild" not in listing


def test_the_export_is_one_csv_per_service(central: RunningCentral, kiosk: KioskClient, staff: httpx.Client) -> None:
    central.publish_catalog(CATALOG_DIR)
    chosen = [s for s in form_services() if s.agency_id == "mazandaran-water"]
    for service in chosen:
        kiosk.submit(kiosk.body(service_id=service.id, agency_id=service.agency_id, fields=answers(service)))
    kiosk.submit(kiosk.body(service_id="water.connection", agency_id="water", mode="demo"))  # left out: live only
    # Without a chosen service: every service of the selection, one file each, in a zip.
    assert staff.get("/requests.csv").headers["location"] == "/requests.zip?mode=live"
    response = staff.get("/requests.zip", params={"agency": "mazandaran-water"})
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].startswith('attachment; filename="pishkhan-requests-')
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == sorted(f"{s.id}.csv" for s in chosen)
        for service in chosen:
            assert service.form is not None
            text = archive.read(f"{service.id}.csv").decode("utf-8")
            header = next(csv.reader(io.StringIO(text[1:])))
            assert header[REQUEST_COLUMNS:] == [q.label.fa for q in service.form.fields]
    # The list offers the export that fits its filter, and none when it holds nothing.
    assert 'href="/requests.zip?mode=live"' in staff.get("/requests").text
    assert (
        'href="/requests.csv?service=mazandaran-water.name-change'
        in staff.get("/requests", params={"service": "mazandaran-water.name-change"}).text
    )
    assert "/requests.zip" not in staff.get("/requests", params={"status": "done"}).text
    # Nothing to export, or a date it cannot read: back to the list, which says why.
    for params in ({"status": "done"}, {"from": "1405/13/40"}):
        refused = staff.get("/requests.zip", params=params)
        assert refused.status_code == 303 and refused.headers["location"].startswith("/requests?")
    refused = staff.get("/requests.csv", params={"service": chosen[0].id, "from": "1405/13/40"})
    assert refused.status_code == 303
    assert "درست نیست" in staff.get(refused.headers["location"]).text


def test_staff_export_only_their_agencies(central: RunningCentral, kiosk: KioskClient) -> None:
    kiosk.submit(kiosk.body())
    kiosk.submit(kiosk.body(service_id="civil.birth", agency_id="civil"))
    central.store.people.add("readable-reza", PASSWORD, ["civil"], all_agencies=False)
    with login(central, "readable-reza") as reza:
        with zipfile.ZipFile(io.BytesIO(reza.get("/requests.zip").content)) as archive:
            assert archive.namelist() == ["civil.birth.csv"]
        assert len(read_csv(reza.get("/requests.csv", params={"service": "water.connection"}))) == 1  # header only


def test_the_csv_keeps_formulas_inert(central: RunningCentral, kiosk: KioskClient, staff: httpx.Client) -> None:
    hostile = {
        "full_name": '=HYPERLINK("https://evil.example")', "national_id": "0012345679",
        "address": "\u200f=1+1", "note": " @SUM(A1)", "other": "＝1+1", "fine": "خیابان - ۱",
    }  # fmt: skip
    body = kiosk.body(fields=hostile)
    kiosk.submit(body)
    central.set_status(body["tracking_code"], "rejected", "+98 call us")
    rows = read_csv(staff.get("/requests.csv", params={"service": "water.connection"}))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["دلیل یا توضیح برای شهروند"] == "'+98 call us"
    assert row["full_name"] == "'" + hostile["full_name"]
    assert row["address"] == "'\u200f=1+1" and row["note"] == "' @SUM(A1)" and row["other"] == "'＝1+1"
    assert row["fine"] == "خیابان - 1"
    for cell in rows[1]:
        stripped = cell.lstrip(" \u200f")
        assert not stripped.startswith(("=", "+", "-", "@", "＝")), cell


def test_the_streamed_export_is_the_same_in_any_batches(
    central: RunningCentral, kiosk: KioskClient, staff: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read a few rows a round trip and sent a few letters a piece, an export is byte for byte what it
    is in big batches: the columns (read in a first pass) and the rows (in a second) cross batches."""
    from kiosk.central import exports
    from kiosk.central.store import requests

    central.publish_catalog(CATALOG_DIR)
    service = next(s for s in form_services() if s.agency_id == "mazandaran-water")
    for number in range(7):
        fields = {**answers(service), f"extra_{number % 3}": f"=HYPERLINK({number})"}  # columns no form asks for
        kiosk.submit(kiosk.body(service_id=service.id, agency_id=service.agency_id, fields=fields))
    kiosk.submit(kiosk.body(service_id="water.connection", agency_id="water"))
    whole_csv = staff.get("/requests.csv", params={"service": service.id}).content
    whole_zip = staff.get("/requests.zip").content
    monkeypatch.setattr(requests, "EXPORT_BATCH", 2)
    monkeypatch.setattr(exports, "CHUNK", 10)
    assert staff.get("/requests.csv", params={"service": service.id}).content == whole_csv
    assert whole_csv.decode("utf-8").count("\n") == 8  # the header and seven requests
    with (
        zipfile.ZipFile(io.BytesIO(staff.get("/requests.zip").content)) as small,
        zipfile.ZipFile(io.BytesIO(whole_zip)) as big,
    ):
        assert small.namelist() == big.namelist() == sorted([f"{service.id}.csv", "water.connection.csv"])
        assert all(small.read(name) == big.read(name) for name in big.namelist())
        assert small.read(f"{service.id}.csv") == whole_csv
