"""Idempotency under concurrency: parallel clients sending the same request are stored once, on
SQLite and on PostgreSQL, through one server or through two sharing the database."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from harness.central_server import RunningCentral, start_central_server
from kiosk.central.db import connect
from tests.support.kiosk_client import KioskClient

PARALLEL = 20


def _send_at_once(urls: list[str], token: str, key: str, body: dict[str, Any]) -> list[httpx.Response]:
    """PARALLEL clients, each on its own connection, released together by a barrier."""
    barrier = threading.Barrier(PARALLEL)
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}

    def one(index: int) -> httpx.Response:
        with httpx.Client(timeout=30) as client:
            url = urls[index % len(urls)] + "/api/v1/requests"
            client.get(urls[index % len(urls)] + "/openapi.json")  # connect before the barrier
            barrier.wait()
            return client.post(url, json=body, headers=headers)

    with ThreadPoolExecutor(PARALLEL) as pool:
        return list(pool.map(one, range(PARALLEL)))


def _check_stored_once(responses: list[httpx.Response], rows: list[dict[str, Any]], key: str) -> None:
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 1, statuses
    # The others replayed the stored answer (200) or were told the first was still in progress (409).
    assert set(statuses) <= {200, 201, 409}, statuses
    answers = [r.json() for r in responses if r.status_code in (200, 201)]
    assert all(a == answers[0] for a in answers)
    assert [r["idempotency_key"] for r in rows] == [key]


def test_the_same_request_sent_20_times_at_once_is_stored_once(central: RunningCentral, kiosk: KioskClient) -> None:
    key = str(uuid.uuid4())
    body = kiosk.body()
    responses = _send_at_once([central.url], kiosk.token, key, body)
    _check_stored_once(responses, central.requests(), key)
    # And once things are quiet, every retry gets the replay.
    again = kiosk.submit(body, key=key)
    assert again.status_code == 200
    assert again.json()["reference"] == central.requests()[0]["reference"]


@contextmanager
def _two_servers(tmp_path: Path, db_url: str | None) -> Iterator[tuple[RunningCentral, RunningCentral, KioskClient]]:
    """Two server processes on one database, and a kiosk registered with them (its client closed:
    the tests send with clients of their own)."""
    url = db_url or f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    with (
        start_central_server(tmp_path / "shared", db_url=url) as a,
        start_central_server(tmp_path / "shared", db_url=url) as b,
    ):
        number, token = a.add_kiosk("Shared")
        client = KioskClient(number, token, httpx.Client())
        client.http.close()
        yield a, b, client


def test_through_two_servers_sharing_the_database(tmp_path: Path, db_url: str | None) -> None:
    with _two_servers(tmp_path, db_url) as (a, b, client):
        token = client.token
        key = str(uuid.uuid4())
        responses = _send_at_once([a.url, b.url], token, key, client.body())
        _check_stored_once(responses, a.requests(), key)


def test_the_same_tracking_code_under_20_different_keys_at_once_is_stored_once(
    central: RunningCentral, kiosk: KioskClient
) -> None:
    body = kiosk.body()
    barrier = threading.Barrier(PARALLEL)

    def one(_index: int) -> int:
        with httpx.Client(base_url=central.url, timeout=30) as client:
            client.get("/openapi.json")
            barrier.wait()
            headers = {**kiosk.auth, "Idempotency-Key": str(uuid.uuid4())}
            return client.post("/api/v1/requests", json=body, headers=headers).status_code

    with ThreadPoolExecutor(PARALLEL) as pool:
        statuses = sorted(pool.map(one, range(PARALLEL)))
    assert statuses.count(201) == 1, statuses
    assert set(statuses) <= {201, 409, 422}, statuses
    assert len(central.requests()) == 1


def test_409_while_the_first_request_with_the_key_is_in_progress(postgres_url: str, tmp_path: Path) -> None:
    """PostgreSQL: a transaction holding the key's lock is a first request still being processed."""
    import hashlib

    with start_central_server(tmp_path / "central", db_url=postgres_url) as central:
        number, token = central.add_kiosk("Booth")
        [kiosk_row] = central.store.kiosks.fleet()
        client = KioskClient(number, token, httpx.Client(base_url=central.url, timeout=30))
        key = str(uuid.uuid4())
        lock = int.from_bytes(hashlib.sha256(f"{kiosk_row.id}:{key}".encode()).digest()[:8], "big", signed=True)
        body = client.body()
        engine = create_engine(postgres_url)
        try:
            with engine.begin() as connection, client.http:
                connection.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": lock})
                busy = client.submit(body, key=key)
                assert busy.status_code == 409
                assert "still being processed" in busy.json()["detail"]
            # The "first request" is over: a retry is stored.
            with httpx.Client(base_url=central.url, timeout=30) as http:
                client.http = http
                assert client.submit(body, key=key).status_code == 201
        finally:
            engine.dispose()
        assert len(central.requests()) == 1


def test_sqlite_write_transactions_take_the_write_lock_first(tmp_path: Path) -> None:
    """Why SQLite never reports "database is locked" half-way: writers begin IMMEDIATE and queue."""
    db = connect(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    try:
        with db.write() as session:
            session.execute(text("CREATE TABLE t (x INTEGER)"))
        with db.read() as session:
            mode = session.execute(text("PRAGMA journal_mode")).scalar()
        with db.write() as session:
            session.execute(text("SELECT x FROM t"))  # only a read so far, yet the lock is held
            other = db.engine.raw_connection()
            try:
                other.execute("PRAGMA busy_timeout = 0")
                with pytest.raises(Exception, match="locked"):
                    other.execute("BEGIN IMMEDIATE")
            finally:
                other.close()
        assert mode == "wal"
    finally:
        db.dispose()


def test_the_same_batch_sent_8_times_at_once_through_two_servers_stores_each_request_once(
    tmp_path: Path, db_url: str | None
) -> None:
    with _two_servers(tmp_path, db_url) as (a, b, maker):
        token = maker.token
        batch = {"requests": [{"idempotency_key": str(uuid.uuid4()), "request": maker.body()} for _ in range(30)]}
        senders = 8
        barrier = threading.Barrier(senders)

        def one(index: int) -> httpx.Response:
            base = (a, b)[index % 2].url
            with httpx.Client(timeout=30) as client:
                client.get(base + "/openapi.json")  # connect before the barrier
                barrier.wait()
                return client.post(
                    base + "/api/v1/requests/batch", json=batch, headers={"Authorization": f"Bearer {token}"}
                )

        with ThreadPoolExecutor(senders) as pool:
            responses = list(pool.map(one, range(senders)))
        assert [r.status_code for r in responses] == [200] * senders
        per_key: dict[str, list[int]] = {}
        for response in responses:
            for result in response.json()["results"]:
                per_key.setdefault(result["idempotency_key"], []).append(result["status"])
        for statuses in per_key.values():
            # Stored by one call; the others replayed it (200) or were told to come back (409).
            assert statuses.count(201) == 1 and set(statuses) <= {200, 201, 409}, statuses
        rows = a.requests()
        assert sorted(r["idempotency_key"] for r in rows) == sorted(
            item["idempotency_key"] for item in batch["requests"]
        )
        with httpx.Client(timeout=30) as client:
            again = client.post(
                a.url + "/api/v1/requests/batch", json=batch, headers={"Authorization": f"Bearer {token}"}
            )
        assert [r["status"] for r in again.json()["results"]] == [200] * 30
