"""Sealed answers (issue 20): the server's key from its one secret, answers sealed by the kiosk and
opened only by the server, answers encrypted at rest, and old clear rows converted at start.

Against the real server on 127.0.0.1 (SQLite and PostgreSQL), except where a database is built by
hand at the previous schema revision to be converted."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from nacl.public import PrivateKey
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from harness.central_server import RunningCentral, start_central_server
from kiosk.central import security
from kiosk.core.sealing import Opener, Sealer, derive_sealing_key, key_fingerprint, parse_public_key, public_key_text
from kiosk.core.tracking import make_tracking_code
from tests.support.kiosk_client import KioskClient, kiosk_client

# What a citizen typed, to look for where it must not be.
NAME = "کاناری‌آزمون"
NATIONAL_ID = "2731846501"  # a valid national ID (check digit) of nobody we know
MOBILE = "09357261840"
CANARY_FIELDS = {"full_name": NAME, "national_id": NATIONAL_ID, "mobile": MOBILE, "consent": True}
# The body hash the server before sealed answers stored for PINNED_BODY (sha256 of its canonical JSON):
# a request stored then and replayed now must still be a replay.
PINNED_BODY: dict[str, Any] = {
    "tracking_code": make_tracking_code(7, 4242), "service_id": "water.connection", "agency_id": "water",
    "mode": "live", "profile": "festival", "catalog_version": "test-1", "created_at": "2026-11-20T09:00:00Z",
    "fields": CANARY_FIELDS,
}  # fmt: skip
PINNED_OLD_HASH = "20cd89b76ad555f9f2bdf766c6f01322de8a58ccdc41a46d3f52d3d3e7fa6a8a"


PASSWORD = "correct horse battery"


@contextmanager
def login(central: RunningCentral, name: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=central.url, timeout=30) as client:
        page = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token, page
        form = {"username": name, "password": PASSWORD, "csrf_token": token.group(1)}
        assert client.post("/login", data=form).status_code == 303
        yield client


def canaries() -> list[bytes]:
    """The citizen's answers as bytes in any way a database could hold them in clear."""
    texts = [NAME, NAME.split("\u200c")[0], NATIONAL_ID, MOBILE, json.dumps(NAME)[1:-1]]
    return [t.encode("utf-8") for t in texts] + [NAME.encode("utf-16-le")]


def sealer_for(central: RunningCentral) -> Sealer:
    return Sealer(parse_public_key(central.sealing_key))


def sealed(body: dict[str, Any], sealer: Sealer) -> dict[str, Any]:
    """``body`` as a kiosk with sealed answers sends it: ``sealed_fields`` in place of ``fields``."""
    out = {k: v for k, v in body.items() if k != "fields"}
    out["sealed_fields"] = sealer.seal(body["fields"])
    return out


def other_sealer() -> Sealer:
    return Sealer(bytes(PrivateKey.generate().public_key))


def stored_hashes(central: RunningCentral) -> list[str]:
    with central.store.db.read() as session:
        return list(session.scalars(text("SELECT body_hash FROM requests ORDER BY id")))


# --- the key ------------------------------------------------------------------------------------


def test_the_sealing_key_comes_from_the_server_s_one_secret(central: RunningCentral, kiosk: KioskClient) -> None:
    secret = security.load_or_create_secret(central.settings.secret_file)
    expected = public_key_text(Opener(derive_sealing_key(secret)).public_key)
    assert central.sealing_key == expected
    beat = {
        "version": "0.1.0", "profile": "festival", "mode": "live", "catalog_version": "test-1", "queue_depth": 0,
        "oldest_pending_seconds": None, "rejected": 0, "last_error": None,
    }  # fmt: skip
    answer = kiosk.http.post(f"/api/v1/kiosks/{kiosk.number}/heartbeat", json=beat, headers=kiosk.auth)
    assert answer.status_code == 200
    assert answer.json() == {"highest_sequence": None, "sealing_key": expected}
    assert not (central.settings.data_dir / "sealing.key").exists()  # no key file of its own


# --- intake -------------------------------------------------------------------------------------


def test_sealed_answers_are_stored_once_and_replays_match(central: RunningCentral, kiosk: KioskClient) -> None:
    body = kiosk.body(fields=dict(CANARY_FIELDS))
    sealer = sealer_for(central)
    key = str(uuid.uuid4())
    first = kiosk.submit(sealed(body, sealer), key=key)
    assert first.status_code == 201, first.text
    again = kiosk.submit(sealed(body, sealer), key=key)  # sealed again: other bytes, the same answers
    assert again.status_code == 200 and again.json() == first.json()
    plain = kiosk.submit(body, key=key)  # the same request with its answers in clear
    assert plain.status_code == 200 and plain.json() == first.json()
    changed = sealed({**body, "fields": {**CANARY_FIELDS, "full_name": "زهرا احمدی"}}, sealer)
    assert kiosk.submit(changed, key=key).status_code == 422  # the same key with other answers
    [row] = central.requests()
    assert row["fields"] == CANARY_FIELDS
    assert row["is_duplicate"] is False


def test_the_body_hash_is_the_same_for_sealed_and_plain_answers(central: RunningCentral, kiosk: KioskClient) -> None:
    body = kiosk.body(fields=dict(CANARY_FIELDS))
    key = str(uuid.uuid4())
    assert kiosk.submit(body, key=key).status_code == 201
    plain_hash = stored_hashes(central)
    central.reset()
    with kiosk_client(central, number=kiosk.number) as again:
        assert again.submit(sealed(body, sealer_for(central)), key=key).status_code == 201
    assert stored_hashes(central) == plain_hash
    # Keyed: the hash of a request's answers is no way to test guesses of them against a dump.
    assert plain_hash[0] != PINNED_OLD_HASH and len(plain_hash[0]) == 64


def test_answers_sealed_for_another_key_are_409_and_name_this_server_s_key(
    central: RunningCentral, kiosk: KioskClient
) -> None:
    body = kiosk.body(fields=dict(CANARY_FIELDS))
    fingerprint = key_fingerprint(parse_public_key(central.sealing_key))
    for wrong in (
        sealed(body, other_sealer()),
        {**sealed(body, other_sealer()), "sealed_fields": "not base64 at all!"},
        {**sealed(body, other_sealer()), "sealed_fields": "AAAA"},
    ):
        response = kiosk.submit(wrong)
        assert response.status_code == 409, response.text
        detail = response.json()["detail"]
        assert "another key" in detail and fingerprint in detail
        assert not any(c.decode("utf-8", "ignore") in response.text for c in canaries()[:4])
    assert central.requests() == []


def test_fields_and_sealed_fields_are_one_or_the_other(central: RunningCentral, kiosk: KioskClient) -> None:
    body = kiosk.body()
    sealer = sealer_for(central)
    both = {**body, "sealed_fields": sealer.seal(body["fields"])}
    neither = {k: v for k, v in body.items() if k != "fields"}
    for wrong in (both, neither, {**neither, "sealed_fields": ""}, {**neither, "sealed_fields": 42}):
        response = kiosk.submit(wrong)
        assert response.status_code == 422, (wrong, response.text)
    # Sealed answers that open but break the rules plain ones follow: 422, never the answers echoed.
    for fields in ({"age": 30}, {f"f{i}": "x" for i in range(41)}, {"note": NAME * 500}):
        response = kiosk.submit(sealed(kiosk.body(fields=fields), sealer))
        assert response.status_code == 422, response.text
        assert response.json()["detail"][0]["loc"][:2] == ["body", "sealed_fields"]
        assert NAME not in response.text
    assert central.requests() == []


def test_a_batch_takes_sealed_and_plain_answers_each_with_its_own_status(
    central: RunningCentral, kiosk: KioskClient
) -> None:
    sealer = sealer_for(central)
    bodies = [kiosk.body(fields=dict(CANARY_FIELDS)) for _ in range(6)]
    items = [
        sealed(bodies[0], sealer),
        bodies[1],
        sealed(bodies[2], other_sealer()),
        {**bodies[3], "sealed_fields": sealer.seal(bodies[3]["fields"])},  # both
        {k: v for k, v in bodies[4].items() if k != "fields"},  # neither
        sealed(kiosk.body(fields={"age": 30}), sealer),  # opens, but invalid
    ]
    keys = [str(uuid.uuid4()) for _ in items]
    batch = {"requests": [{"idempotency_key": k, "request": r} for k, r in zip(keys, items, strict=True)]}
    answer = kiosk.http.post("/api/v1/requests/batch", json=batch, headers=kiosk.auth)
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["status"] for r in results] == [201, 201, 409, 422, 422, 422]
    fingerprint = key_fingerprint(parse_public_key(central.sealing_key))
    assert "another key" in results[2]["detail"] and fingerprint in results[2]["detail"]
    assert results[5]["detail"][0]["loc"][:2] == ["request", "sealed_fields"]
    # The same batch again, sealed anew: replays of the two stored.
    items[0] = sealed(bodies[0], sealer)
    batch = {"requests": [{"idempotency_key": k, "request": r} for k, r in zip(keys, items, strict=True)]}
    again = kiosk.http.post("/api/v1/requests/batch", json=batch, headers=kiosk.auth).json()["results"]
    assert [r["status"] for r in again] == [200, 200, 409, 422, 422, 422]
    assert [r["fields"] for r in central.requests()] == [CANARY_FIELDS, CANARY_FIELDS]


# --- nothing in clear at rest -------------------------------------------------------------------


def sqlite_bytes(central: RunningCentral) -> bytes:
    path = Path(str(make_url(central.settings.database_url).database))
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal"), Path(f"{path}-journal")) if p.exists())


def rows_as_values(url: str) -> list[Any]:
    """Every value of every row of every table, as the database gives them back."""
    engine = create_engine(url)
    try:
        values: list[Any] = []
        with engine.connect() as connection:
            for table in inspect(connection).get_table_names():
                for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                    values.extend(row)
        return values
    finally:
        engine.dispose()


def assert_nothing_in_clear(values: list[Any]) -> None:
    for value in values:
        data = value if isinstance(value, bytes | memoryview) else str(value).encode("utf-8")
        for canary in canaries():
            assert canary not in bytes(data), (canary, value)


@pytest.mark.parametrize("central_settings", [{"rate_per_minute": 600}])  # a server of its own: a new file
def test_no_answer_is_in_the_database_in_clear(central: RunningCentral, kiosk: KioskClient, backend: str) -> None:
    sealer = sealer_for(central)
    first = kiosk.body(fields=dict(CANARY_FIELDS))
    assert kiosk.submit(first).status_code == 201  # an older kiosk: answers in clear on the wire
    assert kiosk.submit(sealed(kiosk.body(fields=dict(CANARY_FIELDS)), sealer)).status_code == 201
    batch = {
        "requests": [
            {"idempotency_key": str(uuid.uuid4()), "request": sealed(kiosk.body(fields=dict(CANARY_FIELDS)), sealer)},
            {"idempotency_key": str(uuid.uuid4()), "request": kiosk.body(fields=dict(CANARY_FIELDS))},
        ]
    }
    results = kiosk.http.post("/api/v1/requests/batch", json=batch, headers=kiosk.auth).json()["results"]
    assert [r["status"] for r in results] == [201, 201]
    central.set_status(first["tracking_code"], "rejected", "مدارک ناقص است")
    rows = central.requests()
    assert len(rows) == 4 and all(r["fields"] == CANARY_FIELDS for r in rows)
    assert rows[1]["is_duplicate"]  # the national ID's keyed digest still finds the same citizen
    assert_nothing_in_clear(rows_as_values(central.settings.database_url))
    if backend == "sqlite":
        raw = sqlite_bytes(central)
        assert raw
        for canary in canaries():
            assert canary not in raw, canary
        with central.store.db.read() as session:  # what is cleared or replaced is overwritten
            assert session.execute(text("PRAGMA secure_delete")).scalar() == 1


def test_staff_see_sealed_answers_on_the_dashboard_and_in_the_csv(central: RunningCentral, kiosk: KioskClient) -> None:
    body = kiosk.body(fields=dict(CANARY_FIELDS))
    reference = kiosk.submit(sealed(body, sealer_for(central))).json()["reference"]
    central.store.people.add("canary-staff", PASSWORD, [], all_agencies=True)
    with login(central, "canary-staff") as staff:
        page = staff.get(f"/requests/{reference}").text
        assert NAME in page and "۰۹۳۵۷۲۶۱۸۴۰" in page  # Persian digits, as the page shows numbers
        csv_text = staff.get("/requests.csv", params={"service": body["service_id"]}).content.decode("utf-8")
        assert NAME in csv_text and NATIONAL_ID in csv_text and MOBILE in csv_text
    with httpx.Client(base_url=central.url) as anonymous:
        assert anonymous.get(f"/requests/{reference}").status_code == 303
        assert anonymous.get("/requests.csv").status_code == 303


# --- clear rows from before, converted at start -------------------------------------------------


def _database_at_0002(data: Path, url: str) -> None:
    """A database as the server before sealed answers left it: schema 0002, answers in clear, each
    request with its history (which refers to it: SQLite's table copy must keep it)."""
    from alembic import command

    from kiosk.central.db import _alembic_config, connect

    security.load_or_create_secret(data / "secret.key")
    db = connect(url)
    at = "2026-11-20 09:00:00"
    insert = text(
        "INSERT INTO requests (kiosk_id, idempotency_key, body_hash, enforced, tracking_code, service_id, agency_id,"
        " mode, profile, catalog_version, created_at, received_at, fields, national_id_hmac, status,"
        " status_changed_at, reason, source) VALUES (:kiosk, :key, :hash, true, :code, 'water.connection', 'water',"
        " 'live', 'festival', 'test-1', :at, :at, :fields, NULL, :status, :at, :reason, 'api')"
    )
    try:
        with db.engine.connect() as connection:
            command.upgrade(_alembic_config(connection), "0002")
            connection.commit()
        with db.engine.begin() as connection:
            connection.execute(
                text("INSERT INTO kiosks (number, name, token_hash, created_at) VALUES (7, 'Old booth', 'x', :at)"),
                {"at": at},
            )
            kiosk_id = connection.execute(text("SELECT id FROM kiosks")).scalar_one()
            for index in range(7):
                first = index == 0
                fields = dict(CANARY_FIELDS) if index < 6 else {"full_name": NAME, "consent": True}
                connection.execute(
                    insert,
                    {
                        "kiosk": kiosk_id, "key": str(uuid.UUID(int=index + 1)), "at": at,
                        "hash": PINNED_OLD_HASH if first else f"{index:064x}",
                        "code": PINNED_BODY["tracking_code"] if first else make_tracking_code(7, 5000 + index),
                        "fields": json.dumps(fields), "status": "rejected" if first else "received",
                        "reason": "مدارک ناقص است" if first else None,
                    },
                )  # fmt: skip
            connection.execute(
                text("INSERT INTO status_changes (request_id, status, reason, at) SELECT id, status, reason, :at"
                     " FROM requests"),
                {"at": at},
            )  # fmt: skip
    finally:
        db.dispose()


def test_clear_answers_from_before_are_sealed_at_start(
    tmp_path: Path, db_url: str | None, backend: str, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "central"
    url = db_url or f"sqlite:///{data / 'central.sqlite3'}"
    _database_at_0002(data, url)
    assert any(canary in str(rows_as_values(url)).encode() for canary in canaries())
    with caplog.at_level("INFO", logger="kiosk.central"):
        with start_central_server(data, db_url=url, seal_batch_size=4) as central:
            rows = central.requests()
            assert [r["fields"] for r in rows] == [CANARY_FIELDS] * 6 + [{"full_name": NAME, "consent": True}]
            with central.store.db.read() as session:
                clear = session.scalar(text("SELECT count(*) FROM requests WHERE fields IS NOT NULL"))
                sealed_count = session.scalar(text("SELECT count(*) FROM requests WHERE fields_sealed IS NOT NULL"))
            assert (clear, sealed_count) == (0, 7)
            assert_nothing_in_clear(rows_as_values(url))
            if backend == "sqlite":
                raw = sqlite_bytes(central)
                for canary in canaries():
                    assert canary not in raw, canary
            # A request stored before, replayed now: still the same request (its hash was keyed too).
            new_token = _reissue_token(central, 7)
            headers = {"Authorization": f"Bearer {new_token}", "Idempotency-Key": str(uuid.UUID(int=1))}
            replay = httpx.post(f"{central.url}/api/v1/requests", json=PINNED_BODY, headers=headers)
            assert replay.status_code == 200, replay.text
            # Tracking works on converted requests: the mobile's last four digits were kept as a check.
            code = PINNED_BODY["tracking_code"]
            auth = {"Authorization": f"Bearer {new_token}"}
            shown = httpx.get(f"{central.url}/api/v1/requests/{code}", headers=auth).json()
            assert (shown["reason"], shown["reason_withheld"], shown["second_factor"]) == (None, True, "mobile_last4")
            told = httpx.post(
                f"{central.url}/api/v1/requests/{code}/status", json={"mobile_last4": "1840"}, headers=auth
            )
            assert told.status_code == 200 and told.json()["reason"] == "مدارک ناقص است"
    converted = [r for r in caplog.records if "sealed the answers of 7" in r.getMessage()]
    assert len(converted) == 1, [r.getMessage() for r in caplog.records]
    if backend == "sqlite":
        # The copy taken before the migration still holds them in clear: the log says so, and where.
        assert any("in clear" in r.getMessage() and ".bak" in r.getMessage() for r in caplog.records)
    # A second start finds nothing to convert, with one query on an index that holds no row.
    caplog.clear()
    with caplog.at_level("INFO", logger="kiosk.central"):
        with start_central_server(data, db_url=url):
            pass
    assert not [r for r in caplog.records if "sealed the answers" in r.getMessage()]


def test_finding_clear_rows_is_one_step_on_an_empty_partial_index(central: RunningCentral) -> None:
    """Every start asks it: with nothing to do, it must not read the requests one by one."""
    from kiosk.central.store.answers import clear_rows_query

    query = clear_rows_query(1).compile(central.store.db.engine, compile_kwargs={"literal_binds": True})
    with central.store.db.engine.connect() as connection:
        if central.store.db.dialect == "postgresql":
            connection.execute(text("SET enable_seqscan = off"))  # an empty table: the planner would scan it
            plan = " ".join(row[0] for row in connection.execute(text(f"EXPLAIN {query}")))
            assert "Index Only Scan using ix_requests_clear_fields" in plan, plan
        else:
            plan = " ".join(row[-1] for row in connection.execute(text(f"EXPLAIN QUERY PLAN {query}")))
            assert re.fullmatch(r"SCAN requests USING (COVERING )?INDEX ix_requests_clear_fields", plan), plan
        assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan


def _reissue_token(central: RunningCentral, number: int) -> str:
    """A known token for a kiosk made by hand in an old database (its stored hash was a placeholder)."""
    from kiosk.central.models import Kiosk

    token = security.new_kiosk_token(number)
    with central.store.db.write() as session:
        kiosk = session.scalar(select(Kiosk).where(Kiosk.number == number))
        assert kiosk is not None
        kiosk.token_hash = security.hash_secret(token, security.TOKEN_COST)
    return token
