"""Tracking a request at a kiosk: the status for anyone with the code, the staff's reason only with a
second factor (the last four digits of the mobile number the citizen gave), wrong tries counted in
the database. Guessing codes next to a known one used to reveal other citizens' reasons."""

from __future__ import annotations

import copy
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from harness.central_server import RunningCentral, start_central_server
from kiosk.central.clock import utcnow
from tests.support.factories import agencies_with_a_form, write_catalog
from tests.support.kiosk_client import KioskClient

REASON = "مدارک ناقص است"
STATUS_KEYS = {
    "tracking_code", "service_id", "agency_id", "status", "status_changed_at", "reason", "reason_withheld",
    "second_factor",
}  # fmt: skip


def filed(central: RunningCentral, kiosk: KioskClient, reason: str | None = REASON, **overrides: Any) -> str:
    body = kiosk.body(**overrides)
    assert kiosk.submit(body).status_code == 201
    if reason is not None:
        central.set_status(body["tracking_code"], "rejected", reason)
    return str(body["tracking_code"])


def look(kiosk: KioskClient, code: str) -> httpx.Response:
    return kiosk.http.get(f"/api/v1/requests/{code}", headers=kiosk.auth)


def tell(kiosk: KioskClient, code: str, digits: Any) -> httpx.Response:
    return kiosk.http.post(f"/api/v1/requests/{code}/status", json={"mobile_last4": digits}, headers=kiosk.auth)


def test_looking_up_a_code_shows_the_status_but_never_the_reason(central: RunningCentral, kiosk: KioskClient) -> None:
    code = filed(central, kiosk)
    answer = look(kiosk, code)
    assert answer.status_code == 200
    data = answer.json()
    assert set(data) == STATUS_KEYS
    assert (data["status"], data["reason"], data["reason_withheld"]) == ("rejected", None, True)
    assert data["second_factor"] == "mobile_last4"
    assert REASON not in answer.text and "4567" not in answer.text
    unrejected = filed(central, kiosk, reason=None)
    data = look(kiosk, unrejected).json()
    assert (data["status"], data["reason"], data["reason_withheld"]) == ("received", None, False)


def test_the_mobile_s_last_four_digits_show_the_reason(central: RunningCentral, kiosk: KioskClient) -> None:
    code = filed(central, kiosk)  # mobile 09121234567
    for digits in ("4567", "۴۵۶۷", "٤٥٦٧"):  # ASCII, Persian and Arabic-Indic digits
        answer = tell(kiosk, code, digits)
        assert answer.status_code == 200, answer.text
        data = answer.json()
        assert set(data) == STATUS_KEYS
        assert (data["status"], data["reason"], data["reason_withheld"]) == ("rejected", REASON, False)
    wrong = tell(kiosk, code, "4568")
    assert wrong.status_code == 403
    assert set(wrong.json()) == {"detail"} and REASON not in wrong.text
    for malformed in ("456", "45678", "45a7", 4567, "", None):
        assert tell(kiosk, code, malformed).status_code == 422, malformed
    assert kiosk.http.post(f"/api/v1/requests/{code}/status", json={}, headers=kiosk.auth).status_code == 422
    assert tell(kiosk, "001000100011", "4567").status_code == 404
    assert tell(kiosk, "123", "4567").status_code == 404
    assert kiosk.http.post(f"/api/v1/requests/{code}/status", json={"mobile_last4": "4567"}).status_code == 401


def test_five_wrong_tries_within_an_hour_lock_a_code(central: RunningCentral, kiosk: KioskClient) -> None:
    code = filed(central, kiosk)
    other = filed(central, kiosk)
    assert [tell(kiosk, code, f"{n:04d}").status_code for n in range(5)] == [403] * 5
    locked = tell(kiosk, code, "0005")
    assert locked.status_code == 429
    assert 3500 < int(locked.headers["Retry-After"]) <= 3600
    assert tell(kiosk, code, "4567").status_code == 429  # the right digits too, until the hour is over
    assert look(kiosk, code).status_code == 200  # the status itself is not locked
    assert tell(kiosk, other, "4567").status_code == 200  # another code is not
    # An hour after the first wrong try, the code takes tries again.
    with central.store.db.write() as session:
        session.execute(text("UPDATE tracking_failures SET first_at = :at"), {"at": utcnow() - timedelta(minutes=61)})
    assert tell(kiosk, code, "4567").status_code == 200


def test_wrong_tries_are_counted_across_server_processes(tmp_path: Path, db_url: str | None) -> None:
    url = db_url or f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    with (
        start_central_server(tmp_path / "shared", db_url=url) as a,
        start_central_server(tmp_path / "shared", db_url=url) as b,
    ):
        number, token = a.add_kiosk("Shared")
        with httpx.Client(timeout=30) as http:
            client = KioskClient(number, token, http)
            body = client.body()
            headers = {**client.auth, "Idempotency-Key": str(uuid.uuid4())}
            assert http.post(f"{a.url}/api/v1/requests", json=body, headers=headers).status_code == 201
            a.set_status(body["tracking_code"], "rejected", REASON)
            statuses = [
                http.post(f"{server.url}/api/v1/requests/{body['tracking_code']}/status",
                          json={"mobile_last4": "0000"}, headers=client.auth).status_code
                for server in (a, b, a, b, a, b)
            ]  # fmt: skip
        assert statuses == [403] * 5 + [429]


def test_a_request_without_a_mobile_never_shows_its_reason_at_a_kiosk(
    central: RunningCentral, kiosk: KioskClient
) -> None:
    code = filed(central, kiosk, fields={"full_name": "علی رضایی", "national_id": "0012345679", "consent": True})
    data = look(kiosk, code).json()
    assert (data["second_factor"], data["reason"], data["reason_withheld"]) == (None, None, True)
    answer = tell(kiosk, code, "4567")
    assert answer.status_code == 403 and REASON not in answer.text


def _catalog(tmp_path: Path, central: RunningCentral, change: Any) -> None:
    agencies = copy.deepcopy(agencies_with_a_form())
    form = agencies[0]["services"][1]["form"]  # water.connection
    change(form)
    central.publish_catalog(write_catalog(tmp_path / "catalog", agencies))  # version test-1, as kiosk.body()


def test_the_catalog_names_the_mobile_field(central: RunningCentral, kiosk: KioskClient, tmp_path: Path) -> None:
    def rename(form: dict[str, Any]) -> None:
        [field] = [f for f in form["fields"] if f["kind"] == "mobile"]
        field["id"] = "phone"

    _catalog(tmp_path, central, rename)
    # The form's mobile field is "phone"; "mobile" here is some other answer that looks like one.
    fields = {"full_name": "علی رضایی", "phone": "0912 765 4321", "mobile": "09121234567", "consent": True}
    code = filed(central, kiosk, fields=fields)
    assert look(kiosk, code).json()["second_factor"] == "mobile_last4"
    assert tell(kiosk, code, "4567").status_code == 403
    assert tell(kiosk, code, "4321").json()["reason"] == REASON
    # A catalog this server has not seen: the answer that reads as a mobile number is taken.
    unknown = filed(central, kiosk, catalog_version="not-published", fields={"full_name": "x", "tel": "+989121112233"})
    assert look(kiosk, unknown).json()["second_factor"] == "mobile_last4"
    assert tell(kiosk, unknown, "2233").status_code == 200
    # A national ID or postal code of ten digits starting with 9 reads as a mobile number: not taken.
    not_mobile = {"national_id": "9123456780", "postal_code": "9876543210", "consent": True}
    no_mobile = filed(central, kiosk, catalog_version="not-published", fields=not_mobile)
    assert look(kiosk, no_mobile).json()["second_factor"] is None


def test_a_form_without_a_mobile_field_has_no_second_factor(
    central: RunningCentral, kiosk: KioskClient, tmp_path: Path
) -> None:
    _catalog(tmp_path, central, lambda form: form.update(fields=[f for f in form["fields"] if f["kind"] != "mobile"]))
    code = filed(central, kiosk)  # its "mobile" answer is no mobile field of the form it was filed with
    assert look(kiosk, code).json()["second_factor"] is None
    assert tell(kiosk, code, "4567").status_code == 403


@pytest.mark.parametrize("central_settings", [{"rate_per_minute": 600}])
def test_the_tracking_calls_are_in_the_contract(central: RunningCentral, kiosk: KioskClient) -> None:
    spec = kiosk.http.get("/openapi.json").json()
    post = spec["paths"]["/api/v1/requests/{tracking_code}/status"]["post"]
    assert {"200", "401", "403", "404", "422", "429"} <= set(post["responses"])
    status = spec["components"]["schemas"]["RequestStatusOut"]["properties"]
    assert {"reason_withheld", "second_factor"} <= set(status)
