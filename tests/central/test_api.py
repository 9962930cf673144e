"""The kiosk API against the real server on 127.0.0.1, over SQLite and PostgreSQL: every status code
the contract names, and what is stored behind each."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import IntegrityError

from harness.central_server import RunningCentral, start_central_server
from kiosk.central.models import UsageEvent
from kiosk.core.tracking import make_tracking_code
from tests.support.factories import write_catalog
from tests.support.kiosk_client import KioskClient, kiosk_client


def heartbeat_body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": "0.1.0", "profile": "festival", "mode": "demo", "catalog_version": "test-1",
        "queue_depth": 3, "oldest_pending_seconds": 12.5, "rejected": 0, "last_error": None,
    }  # fmt: skip
    data.update(overrides)
    return data


# --- POST /api/v1/requests ----------------------------------------------------------------------


def test_new_request_is_201_and_stored(central: RunningCentral, kiosk: KioskClient) -> None:
    body = kiosk.body()
    response = kiosk.submit(body, key="5a0f7d1c-9a2b-4c3d-8e4f-0123456789ab")
    assert response.status_code == 201, response.text
    answer = response.json()
    assert set(answer) == {"reference", "tracking_code", "status", "received_at"}
    assert answer["tracking_code"] == body["tracking_code"]
    assert answer["status"] == "received"
    assert answer["received_at"].endswith("Z")
    [row] = central.requests()
    assert row["reference"] == answer["reference"]
    assert row["idempotency_key"] == "5a0f7d1c-9a2b-4c3d-8e4f-0123456789ab"
    assert row["fields"] == body["fields"]
    assert row["is_duplicate"] is False


def test_replay_with_the_same_key_and_body_is_200_with_the_first_answer(
    central: RunningCentral, kiosk: KioskClient
) -> None:
    body = kiosk.body()
    key = str(uuid.uuid4())
    first = kiosk.submit(body, key=key)
    # The same JSON with another key order and spacing is the same body.
    reordered = json.dumps(dict(reversed(list(body.items()))), ensure_ascii=False, indent=3)
    again = kiosk.http.post(
        "/api/v1/requests",
        content=reordered.encode("utf-8"),
        headers={**kiosk.auth, "Idempotency-Key": key, "Content-Type": "application/json"},
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert len(central.requests()) == 1


def test_same_key_with_another_body_is_422(central: RunningCentral, kiosk: KioskClient) -> None:
    body = kiosk.body()
    key = str(uuid.uuid4())
    assert kiosk.submit(body, key=key).status_code == 201
    changed = copy.deepcopy(body)
    changed["fields"]["full_name"] = "زهرا احمدی"
    response = kiosk.submit(changed, key=key)
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["detail"]
    assert len(central.requests()) == 1


def test_same_tracking_code_under_another_key_is_422(central: RunningCentral, kiosk: KioskClient) -> None:
    body = kiosk.body()
    assert kiosk.submit(body).status_code == 201
    response = kiosk.submit(body)
    assert response.status_code == 422
    assert "tracking_code" in response.json()["detail"]
    assert len(central.requests()) == 1


@pytest.mark.parametrize("headers", [{}, {"Idempotency-Key": "not-a-uuid"}, {"Idempotency-Key": ""}])
def test_missing_or_malformed_idempotency_key_is_400(kiosk: KioskClient, headers: dict[str, str]) -> None:
    response = kiosk.http.post("/api/v1/requests", json=kiosk.body(), headers={**kiosk.auth, **headers})
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]


def _bad_bodies(kiosk: KioskClient) -> list[tuple[str, dict[str, Any]]]:
    good = kiosk.body()
    code = good["tracking_code"]
    wrong_digit = code[:-1] + str((int(code[-1]) + 1) % 10)
    other_kiosk = make_tracking_code(kiosk.number + 1, 5000)
    cases: list[tuple[str, dict[str, Any]]] = [
        ("unknown top-level key", {**good, "priority": "high"}),
        ("missing key", {k: v for k, v in good.items() if k != "mode"}),
        ("mode not demo/live", {**good, "mode": "test"}),
        ("code with a wrong check digit", {**good, "tracking_code": wrong_digit}),
        ("code of another kiosk", {**good, "tracking_code": other_kiosk}),
        ("code with Persian digits", {**good, "tracking_code": "۰۰۱۰۰۰۰۰۱۰۰۱"}),
        ("code as a number", {**good, "tracking_code": int(code)}),
        ("fields not an object", {**good, "fields": ["a"]}),
        ("a field value that is a number", {**good, "fields": {"age": 30}}),
        ("a field value that is null", {**good, "fields": {"age": None}}),
        ("a field value that is an object", {**good, "fields": {"a": {"b": "c"}}}),
        ("a field over 2000 characters", {**good, "fields": {"note": "x" * 2001}}),
        ("41 fields", {**good, "fields": {f"f{i}": "x" for i in range(41)}}),
        ("created_at without a zone", {**good, "created_at": "2026-11-23T14:00:00"}),
        ("created_at not a date", {**good, "created_at": "yesterday"}),
        ("service of another agency", {**good, "service_id": "civil.birth"}),
        ("service_id not an id", {**good, "service_id": "WATER/connection"}),
        ("profile empty", {**good, "profile": ""}),
        ("body a list", [good]),  # type: ignore[list-item]
        ("body a string", "hello"),  # type: ignore[list-item]
    ]
    return cases


def test_invalid_bodies_are_422_never_500(central: RunningCentral, kiosk: KioskClient) -> None:
    for label, body in _bad_bodies(kiosk):
        response = kiosk.submit(body)
        assert response.status_code == 422, (label, response.status_code, response.text)
        assert "detail" in response.json(), label
    for raw in (b"{not json", b"", b"\xff\xfe", b"null", b"\xc3\x28", '{"a": "\u00e9"}'.encode("latin-1")):
        response = kiosk.http.post(
            "/api/v1/requests",
            content=raw,
            headers={**kiosk.auth, "Idempotency-Key": str(uuid.uuid4()), "Content-Type": "application/json"},
        )
        assert response.status_code == 422, (raw, response.text)
    assert central.requests() == []


def test_exactly_40_fields_of_2000_characters_are_accepted(kiosk: KioskClient) -> None:
    body = kiosk.body(fields={f"f{i}": "ی" * 1500 for i in range(40)})
    assert kiosk.submit(body).status_code == 413  # 40 x 1500 Persian letters is over 64 KB of UTF-8 ...
    body = kiosk.body(fields={f"f{i}": "x" * 1500 for i in range(40)})
    assert kiosk.submit(body).status_code == 201  # ... 60 KB of ASCII is not


def test_body_over_64_kb_is_413(central: RunningCentral, kiosk: KioskClient) -> None:
    body = kiosk.body(fields={"note": "x" * (70 * 1024)})
    assert kiosk.submit(body).status_code == 413

    def chunks() -> Any:  # no Content-Length: the server counts what arrives
        for _ in range(70):
            yield b"x" * 1024

    response = kiosk.http.post(
        "/api/v1/requests", content=chunks(), headers={**kiosk.auth, "Idempotency-Key": str(uuid.uuid4())}
    )
    assert response.status_code == 413
    assert central.requests() == []


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Basic dXNlcjpwYXNz", "Bearer 001.not-the-token", "Bearer 999.x", "Bearer junk"],
)
def test_missing_or_unknown_token_is_401(kiosk: KioskClient, authorization: str | None) -> None:
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    if authorization is not None:
        headers["Authorization"] = authorization
    response = kiosk.http.post("/api/v1/requests", json=kiosk.body(), headers=headers)
    assert response.status_code == 401
    assert isinstance(response.json()["detail"], str)
    for path in ("/api/v1/catalog", "/api/v1/requests/001000100011"):
        assert kiosk.http.get(path, headers=headers).status_code == 401


def test_revoked_kiosk_is_401_everywhere(central: RunningCentral, kiosk: KioskClient) -> None:
    assert kiosk.submit(kiosk.body()).status_code == 201  # the token is cached as good ...
    central.revoke_kiosk(kiosk.number)
    response = kiosk.submit(kiosk.body())  # ... and still refused at once after revocation
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]
    beat = kiosk.http.post(f"/api/v1/kiosks/{kiosk.number}/heartbeat", json=heartbeat_body(), headers=kiosk.auth)
    assert beat.status_code == 401


def test_a_token_does_not_work_for_another_kiosk_number(central: RunningCentral, kiosk: KioskClient) -> None:
    other_number, _ = central.add_kiosk("Other")
    secret = kiosk.token.split(".", 1)[1]
    forged = {"Authorization": f"Bearer {other_number:03d}.{secret}"}
    assert kiosk.http.get("/api/v1/catalog", headers=forged).status_code == 401


# --- POST /api/v1/requests/batch ----------------------------------------------------------------


def _batch(kiosk: KioskClient, items: list[tuple[str, Any]]) -> httpx.Response:
    body = {"requests": [{"idempotency_key": key, "request": request} for key, request in items]}
    return kiosk.http.post("/api/v1/requests/batch", json=body, headers=kiosk.auth)


def test_a_batch_answers_each_request_as_its_own_post_would(central: RunningCentral, kiosk: KioskClient) -> None:
    stored_alone = kiosk.body()
    alone_key = str(uuid.uuid4())
    assert kiosk.submit(stored_alone, key=alone_key).status_code == 201
    new = [(str(uuid.uuid4()), kiosk.body()) for _ in range(3)]
    wrong_digit = kiosk.body()
    wrong_digit["tracking_code"] = wrong_digit["tracking_code"][:-1] + str(
        (int(wrong_digit["tracking_code"][-1]) + 1) % 10
    )
    not_a_request = {**kiosk.body(), "surprise": 1}
    items = [
        new[0],
        (alone_key, stored_alone),  # a replay of a request the server already has
        (str(uuid.uuid4()), wrong_digit),
        new[1],
        ("not-a-uuid", kiosk.body()),
        (str(uuid.uuid4()), not_a_request),
        (alone_key, kiosk.body()),  # the same key with another body
        new[2],
    ]
    response = _batch(kiosk, items)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["status"] for r in results] == [201, 200, 422, 201, 400, 422, 422, 201]
    assert [r["idempotency_key"] for r in results][:4] == [items[0][0], alone_key, items[2][0], items[3][0]]
    assert "check digit" in results[2]["detail"]
    assert results[5]["detail"][0]["loc"] == ["request", "surprise"]
    assert "input" not in results[5]["detail"][0]  # never echoes what a citizen typed
    assert "Idempotency-Key" in results[6]["detail"]
    assert results[1]["receipt"]["tracking_code"] == stored_alone["tracking_code"]
    stored = {row["tracking_code"]: row for row in central.requests()}
    assert set(stored) == {stored_alone["tracking_code"], *(body["tracking_code"] for _key, body in new)}
    for (key, body), result in zip([new[0], new[1], new[2]], [results[0], results[3], results[7]], strict=True):
        assert result["receipt"]["reference"] == stored[body["tracking_code"]]["reference"]
        assert stored[body["tracking_code"]]["idempotency_key"] == key
    # The whole batch again is all replays (or the same refusals), and stores nothing new.
    again = _batch(kiosk, items).json()["results"]
    assert [r["status"] for r in again] == [200, 200, 422, 200, 400, 422, 422, 200]
    assert [again[i]["receipt"] for i in (0, 3, 7)] == [results[i]["receipt"] for i in (0, 3, 7)]
    assert len(central.requests()) == 4


def test_a_batch_that_repeats_a_key_or_a_code_is_stored_one_request_at_a_time(
    central: RunningCentral, kiosk: KioskClient
) -> None:
    body, other = kiosk.body(), kiosk.body()
    key = str(uuid.uuid4())
    same_code = {**kiosk.body(), "tracking_code": other["tracking_code"]}
    items = [(key, body), (key, body), (str(uuid.uuid4()), other), (str(uuid.uuid4()), same_code)]
    results = _batch(kiosk, items).json()["results"]
    assert [r["status"] for r in results] == [201, 200, 201, 422]
    assert results[0]["receipt"] == results[1]["receipt"]
    assert "tracking_code" in results[3]["detail"]
    assert sorted(r["tracking_code"] for r in central.requests()) == sorted(
        [body["tracking_code"], other["tracking_code"]]
    )


def test_a_batch_raced_by_another_process_is_stored_one_request_at_a_time(
    central: RunningCentral, kiosk: KioskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One of the batch's inserts fails in a way the insert does not absorb (an IntegrityError: a
    key or code taken only makes it do nothing): the batch is stored again one request at a time.
    That request is a 409 the kiosk retries (its retry then stores it); the others are stored all
    the same."""
    intake = central.store.requests._intake
    real_insert = intake._insert
    items = [(str(uuid.uuid4()), kiosk.body()) for _ in range(3)]
    raced_key = items[1][0]

    def raced(session: Any, identity: Any, key: str, *args: Any, **kwargs: Any) -> Any:
        if key == raced_key:
            raise IntegrityError("INSERT INTO requests", {}, Exception("UNIQUE constraint failed (raced)"))
        return real_insert(session, identity, key, *args, **kwargs)

    monkeypatch.setattr(intake, "_insert", raced)
    results = _batch(kiosk, items).json()["results"]
    assert [r["status"] for r in results] == [201, 409, 201]
    assert "another call" in results[1]["detail"]
    monkeypatch.undo()
    stored = {row["tracking_code"] for row in central.requests()}
    assert stored == {items[0][1]["tracking_code"], items[2][1]["tracking_code"]}
    retried = _batch(kiosk, items).json()["results"]
    assert [r["status"] for r in retried] == [200, 201, 200]


def test_a_batch_flags_possible_duplicates_within_itself(central: RunningCentral, kiosk: KioskClient) -> None:
    first = kiosk.body(created_at="2026-11-23T10:00:00Z")
    again = kiosk.body(created_at="2026-11-23T10:05:00Z")
    response = _batch(kiosk, [(str(uuid.uuid4()), first), (str(uuid.uuid4()), again)])
    assert [r["status"] for r in response.json()["results"]] == [201, 201]
    flags = {row["tracking_code"]: row["is_duplicate"] for row in central.requests()}
    assert flags == {first["tracking_code"]: False, again["tracking_code"]: True}


def test_a_batch_over_50_requests_or_empty_is_422_and_stores_nothing(
    central: RunningCentral, kiosk: KioskClient
) -> None:
    assert _batch(kiosk, [(str(uuid.uuid4()), kiosk.body()) for _ in range(51)]).status_code == 422
    assert _batch(kiosk, []).status_code == 422
    assert central.requests() == []
    full = _batch(kiosk, [(str(uuid.uuid4()), kiosk.body()) for _ in range(50)])
    assert [r["status"] for r in full.json()["results"]] == [201] * 50


def test_a_batch_needs_a_token_and_at_most_1_mb(kiosk: KioskClient) -> None:
    body = {"requests": [{"idempotency_key": str(uuid.uuid4()), "request": kiosk.body()}]}
    assert kiosk.http.post("/api/v1/requests/batch", json=body).status_code == 401
    too_big = {"requests": [{"idempotency_key": str(uuid.uuid4()), "request": {"x": "ا" * 600_000}}]}
    assert kiosk.http.post("/api/v1/requests/batch", json=too_big, headers=kiosk.auth).status_code == 413


@pytest.mark.parametrize("central_settings", [{"rate_per_minute": 2}])
def test_a_batch_is_one_call_for_the_rate(central: RunningCentral, kiosk: KioskClient) -> None:
    statuses = [_batch(kiosk, [(str(uuid.uuid4()), kiosk.body()) for _ in range(20)]).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert len(central.requests()) == 40


# --- rate and load ------------------------------------------------------------------------------


@pytest.mark.parametrize("central_settings", [{"rate_per_minute": 3}])
def test_a_kiosk_over_its_rate_gets_429_with_retry_after(central: RunningCentral, kiosk: KioskClient) -> None:
    statuses = [kiosk.submit(kiosk.body()).status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    limited = kiosk.submit(kiosk.body())
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    with kiosk_client(central, "Another") as other:  # the limit is per kiosk
        assert other.submit(other.body()).status_code == 201


@pytest.mark.parametrize("central_settings", [{"max_in_flight": 0}])
def test_an_overloaded_server_answers_503_with_retry_after(kiosk: KioskClient) -> None:
    response = kiosk.submit(kiosk.body())
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) >= 1
    assert kiosk.http.get("/login").status_code == 200  # the dashboard is not throttled


# --- possible duplicates and the testing switch -------------------------------------------------


def test_same_service_and_national_id_within_24_hours_is_flagged_never_dropped(
    central: RunningCentral, kiosk: KioskClient
) -> None:
    first = kiosk.body(created_at="2026-11-23T10:00:00Z")
    again = kiosk.body(created_at="2026-11-23T10:03:00Z")  # the citizen filed again: new key, new code
    again["fields"]["national_id"] = "۰۰۱۲۳۴۵۶۷۹"  # the same ID, typed with Persian digits
    other_service = kiosk.body(service_id="water.bill", created_at="2026-11-23T10:05:00Z")
    next_week = kiosk.body(created_at="2026-11-30T10:00:00Z")
    for body in (first, again, other_service, next_week):
        assert kiosk.submit(body).status_code == 201
    rows = {row["tracking_code"]: row for row in central.requests()}
    assert len(rows) == 4
    assert rows[first["tracking_code"]]["is_duplicate"] is False
    assert rows[again["tracking_code"]]["is_duplicate"] is True
    assert rows[again["tracking_code"]]["duplicate_of"] == rows[first["tracking_code"]]["reference"]
    assert rows[other_service["tracking_code"]]["is_duplicate"] is False
    assert rows[next_week["tracking_code"]]["is_duplicate"] is False


def test_national_ids_are_stored_only_as_keyed_hashes(central: RunningCentral, kiosk: KioskClient) -> None:
    assert kiosk.submit(kiosk.body()).status_code == 201
    engine = create_engine(central.settings.database_url)
    try:
        with engine.connect() as connection:
            [digest] = connection.execute(text("SELECT national_id_hmac FROM requests")).scalars()
    finally:
        engine.dispose()
    assert digest is not None and len(digest) == 64
    assert "0012345679" not in digest
    import hashlib

    assert digest != hashlib.sha256(b"0012345679").hexdigest()  # keyed, not a plain hash


@pytest.mark.parametrize("central_settings", [{"enforce_idempotency": False}])
def test_with_idempotency_off_every_post_is_stored(central: RunningCentral, kiosk: KioskClient) -> None:
    body = kiosk.body()
    key = str(uuid.uuid4())
    statuses = [kiosk.submit(body, key=key).status_code for _ in range(3)]
    assert statuses == [201, 201, 201]
    rows = central.requests()
    assert [r["idempotency_key"] for r in rows] == [key] * 3
    assert [r["is_duplicate"] for r in rows] == [False, True, True]


def test_idempotency_is_on_by_default(tmp_path: Path) -> None:
    from kiosk.central.settings import Settings

    assert Settings(data_dir=tmp_path).enforce_idempotency is True


# --- GET /api/v1/requests/{code} ----------------------------------------------------------------


def test_status_lookup_shows_staff_changes_and_no_personal_data(central: RunningCentral, kiosk: KioskClient) -> None:
    body = kiosk.body()
    assert kiosk.submit(body).status_code == 201
    code = body["tracking_code"]
    answer = kiosk.http.get(f"/api/v1/requests/{code}", headers=kiosk.auth)
    assert answer.status_code == 200
    data = answer.json()
    assert set(data) == {
        "tracking_code", "service_id", "agency_id", "status", "status_changed_at", "reason", "reason_withheld",
        "second_factor",
    }  # fmt: skip
    assert (data["status"], data["reason"], data["reason_withheld"]) == ("received", None, False)
    assert "0012345679" not in answer.text and "علی" not in answer.text and "4567" not in answer.text
    central.set_status(code, "rejected", "مدارک ناقص است")
    data = kiosk.http.get(f"/api/v1/requests/{code}", headers=kiosk.auth).json()
    assert (data["status"], data["reason"], data["reason_withheld"]) == ("rejected", None, True)
    assert data["status_changed_at"].endswith("Z")
    # The reason, with the mobile number's last four digits (tests/central/test_tracking_second_factor.py).
    told = kiosk.http.post(f"/api/v1/requests/{code}/status", json={"mobile_last4": "4567"}, headers=kiosk.auth)
    assert (told.json()["status"], told.json()["reason"]) == ("rejected", "مدارک ناقص است")


@pytest.mark.parametrize("code", ["001000100011", "123", "x" * 12, "%E2%80%AE" * 4])
def test_unknown_tracking_code_is_404(kiosk: KioskClient, code: str) -> None:
    response = kiosk.http.get(f"/api/v1/requests/{code}", headers=kiosk.auth)
    assert response.status_code == 404
    assert response.json() == {"detail": "not found"}


# --- GET /api/v1/catalog ------------------------------------------------------------------------


def test_catalog_404_then_etag_and_304(central: RunningCentral, kiosk: KioskClient, tmp_path: Path) -> None:
    assert kiosk.http.get("/api/v1/catalog", headers=kiosk.auth).status_code == 404
    etag = central.publish_catalog(write_catalog(tmp_path / "catalog"))
    first = kiosk.http.get("/api/v1/catalog", headers=kiosk.auth)
    assert first.status_code == 200
    assert first.headers["ETag"] == etag
    from kiosk.core.catalog import parse_catalog_document

    catalog = parse_catalog_document(first.json(), "served")
    assert [a.id for a in catalog.agencies] == ["water", "civil"]
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        cached = kiosk.http.get("/api/v1/catalog", headers={**kiosk.auth, "If-None-Match": header})
        assert cached.status_code == 304, header
        assert cached.content == b""
    stale = kiosk.http.get("/api/v1/catalog", headers={**kiosk.auth, "If-None-Match": '"1-stale"'})
    assert stale.status_code == 200
    document = first.json()
    document["version"] = "test-2"
    new_etag = central.publish_catalog(document)
    assert new_etag != etag
    newer = kiosk.http.get("/api/v1/catalog", headers={**kiosk.auth, "If-None-Match": etag})
    assert newer.status_code == 200
    assert newer.headers["ETag"] == new_etag
    assert newer.json()["version"] == "test-2"


def test_each_catalog_release_is_sent_signed_over_its_number_and_its_exact_bytes(
    central: RunningCentral, kiosk: KioskClient, tmp_path: Path
) -> None:
    from kiosk.core.release_signing import ReleaseRefused, parse_signing_key, verify_release

    key = parse_signing_key(central.signing_key)
    central.publish_catalog(write_catalog(tmp_path / "catalog"))
    first = kiosk.http.get("/api/v1/catalog", headers=kiosk.auth)
    release, signature = first.headers["X-Pishkhan-Release"], first.headers["X-Pishkhan-Signature"]
    assert release == "1"
    assert first.headers["X-Pishkhan-Signing-Key"] == central.store.release_signer.fingerprint
    assert verify_release([key], release, first.content, signature) == central.store.release_signer.fingerprint
    with pytest.raises(ReleaseRefused):
        verify_release([key], release, first.content.replace(b"water", b"watex", 1), signature)
    cached = kiosk.http.get("/api/v1/catalog", headers={**kiosk.auth, "If-None-Match": first.headers["ETag"]})
    assert cached.status_code == 304, "the kiosk keeps the release it verified"
    document = first.json()
    document["version"] = "test-2"
    central.publish_catalog(document)
    newer = kiosk.http.get("/api/v1/catalog", headers={**kiosk.auth, "If-None-Match": first.headers["ETag"]})
    assert newer.headers["X-Pishkhan-Release"] == "2"
    assert verify_release([key], "2", newer.content, newer.headers["X-Pishkhan-Signature"])
    assert (central.settings.data_dir / "signing.key").is_file(), "kept beside secret.key, not in the database"


# --- heartbeat and usage ------------------------------------------------------------------------


def test_heartbeat_is_recorded_and_answers_the_highest_sequence_of_the_kiosk_s_codes(
    central: RunningCentral, kiosk: KioskClient
) -> None:
    """A kiosk whose outbox was lost learns here which codes of its number are taken."""
    url = f"/api/v1/kiosks/{kiosk.number}/heartbeat"
    response = kiosk.http.post(url, json=heartbeat_body(), headers=kiosk.auth)
    assert response.status_code == 200
    assert response.json() == {"highest_sequence": None, "sealing_key": central.sealing_key}
    for sequence in (70_000_123, 5, 69_999_999):
        body = kiosk.body(tracking_code=make_tracking_code(kiosk.number, sequence))
        assert kiosk.submit(body).status_code == 201
    with kiosk_client(central, "Next booth", kiosk.number + 1) as other:  # its codes are not this kiosk's
        assert other.submit(other.body(tracking_code=make_tracking_code(other.number, 90_000_000))).status_code == 201
    answer = kiosk.http.post(url, json=heartbeat_body(), headers=kiosk.auth).json()
    assert answer == {"highest_sequence": 70_000_123, "sealing_key": central.sealing_key}
    [beat, _second] = central.heartbeats()
    assert beat["kiosk_number"] == kiosk.number
    assert (beat["queue_depth"], beat["oldest_pending_seconds"], beat["version"]) == (3, 12.5, "0.1.0")
    [row] = [k for k in central.store.kiosks.fleet() if k.number == kiosk.number]
    assert row.queue_depth == 3 and row.last_seen_at is not None


def test_heartbeat_for_another_kiosk_is_403_and_bad_ones_422(central: RunningCentral, kiosk: KioskClient) -> None:
    other, _ = central.add_kiosk("Other")
    url = f"/api/v1/kiosks/{other}/heartbeat"
    assert kiosk.http.post(url, json=heartbeat_body(), headers=kiosk.auth).status_code == 403
    url = f"/api/v1/kiosks/{kiosk.number}/heartbeat"
    for bad in (
        heartbeat_body(queue_depth=-1),
        heartbeat_body(queue_depth="3"),
        heartbeat_body(queue_depth=1.5),
        heartbeat_body(mode="staging"),
        heartbeat_body(oldest_pending_seconds="soon"),
        heartbeat_body(extra=True),
        {k: v for k, v in heartbeat_body().items() if k != "version"},
    ):
        assert kiosk.http.post(url, json=bad, headers=kiosk.auth).status_code == 422, bad
    assert kiosk.http.post("/api/v1/kiosks/abc/heartbeat", json=heartbeat_body(), headers=kiosk.auth).status_code == 422
    assert central.heartbeats() == []


def _event(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "service_viewed", "service_id": "water.bill", "agency_id": "water",
        "at": "2026-11-23T10:00:00Z", "profile": "festival", "mode": "live",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_usage_batch_is_204_and_limited_to_500_events(central: RunningCentral, kiosk: KioskClient) -> None:
    events = [_event(), _event(kind="search", service_id=None, agency_id=None), _event(kind="request_submitted")]
    assert kiosk.http.post("/api/v1/usage", json={"events": events}, headers=kiosk.auth).status_code == 204
    assert kiosk.http.post("/api/v1/usage", json={"events": [_event()] * 500}, headers=kiosk.auth).status_code == 204
    for bad in (
        {"events": [_event()] * 501},
        {"events": [_event(kind="clicked")]},
        {"events": [_event(at="2026-11-23T10:00:00")]},
        {"events": [{**_event(), "national_id": "0012345679"}]},  # no room for personal data
        {"events": "all"},
        {},
    ):
        assert kiosk.http.post("/api/v1/usage", json=bad, headers=kiosk.auth).status_code == 422
    with central.store.db.read() as session:
        from sqlalchemy import func, select

        from kiosk.central.models import UsageEvent

        assert session.scalar(select(func.count()).select_from(UsageEvent)) == 503


# --- the contract document ----------------------------------------------------------------------


def test_openapi_document_describes_every_kiosk_call(kiosk: KioskClient) -> None:
    spec = kiosk.http.get("/openapi.json").json()
    paths = spec["paths"]
    assert set(paths) == {
        "/api/v1/requests", "/api/v1/requests/batch", "/api/v1/requests/{tracking_code}",
        "/api/v1/requests/{tracking_code}/status", "/api/v1/catalog", "/api/v1/kiosks/{number}/heartbeat",
        "/api/v1/usage",
    }  # fmt: skip
    assert {"200", "401", "413", "422", "429"} <= set(paths["/api/v1/requests/batch"]["post"]["responses"])
    post = paths["/api/v1/requests"]["post"]
    assert {"200", "201", "400", "401", "409", "413", "422", "429", "503"} <= set(post["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in post["parameters"])
    schema = spec["components"]["schemas"]["RequestIn"]
    assert schema["additionalProperties"] is False
    beat = paths["/api/v1/kiosks/{number}/heartbeat"]["post"]["responses"]
    assert "204" not in beat and beat["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/HeartbeatOut")
    floor = spec["components"]["schemas"]["HeartbeatOut"]["properties"]["highest_sequence"]
    assert floor["anyOf"][0] == {"type": "integer", "minimum": 0, "maximum": 99_999_999}, floor
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_dashboard_pages_are_not_part_of_the_api_document(kiosk: KioskClient) -> None:
    assert not any(
        path.startswith(("/login", "/requests/", "/fleet")) for path in kiosk.http.get("/openapi.json").json()["paths"]
    )


def test_two_servers_share_one_database(tmp_path: Path, db_url: str | None) -> None:
    """Several server processes behind a load balancer (one data folder, so one key): the second
    finds the schema current and answers replays of requests the first stored."""
    url = db_url or f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    with (
        start_central_server(tmp_path / "shared", db_url=url) as a,
        start_central_server(tmp_path / "shared", db_url=url) as b,
    ):
        number, token = a.add_kiosk("Shared")
        client = KioskClient(number, token, httpx.Client(timeout=30))
        with client.http:
            body = client.body()
            headers = {**client.auth, "Idempotency-Key": str(uuid.uuid4())}
            first = client.http.post(f"{a.url}/api/v1/requests", json=body, headers=headers)
            second = client.http.post(f"{b.url}/api/v1/requests", json=body, headers=headers)
        assert (first.status_code, second.status_code) == (201, 200)
        assert first.json() == second.json()
        assert len(b.requests()) == 1


def test_a_server_with_another_key_refuses_to_share_the_database(tmp_path: Path, db_url: str | None) -> None:
    # Different keys would hash the same national ID differently and miss every duplicate.
    url = db_url or f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    with start_central_server(tmp_path / "a", db_url=url):
        with pytest.raises(RuntimeError, match="secret key differs"):
            with start_central_server(tmp_path / "b", db_url=url):
                pass


def test_a_session_length_is_kept_with_its_duration(central: RunningCentral, kiosk: KioskClient) -> None:
    event = {"kind": "session_ended", "service_id": None, "agency_id": None, "at": "2026-11-23T10:00:00Z",
             "profile": "festival", "mode": "demo", "duration_seconds": 95.5}  # fmt: skip
    assert kiosk.http.post("/api/v1/usage", json={"events": [event]}, headers=kiosk.auth).status_code == 204
    too_long = dict(event, duration_seconds=10**6)
    assert kiosk.http.post("/api/v1/usage", json={"events": [too_long]}, headers=kiosk.auth).status_code == 422
    with central.store.db.read() as session:
        stored = session.scalars(select(UsageEvent)).all()
    assert [(e.kind, e.duration_seconds) for e in stored] == [("session_ended", 95.5)]
