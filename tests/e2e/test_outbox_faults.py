"""The outbox failing under the delivery engine, and a damaged outbox salvaged at start, against the
real central server on 127.0.0.1: every committed request is stored there exactly once.

The failing outbox is the real one with a fault injected where SQLite would raise it (a full disk
is raised exactly as SQLite raises it); the real lock held past the busy timeout is in
tests/reliability/test_storage_faults.py.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kiosk.app.root import open_outbox
from kiosk.core.paths import KioskPaths
from kiosk.link.sync import SyncEngine, SyncStatus
from kiosk.outbox.store import OutboxRequest, OutboxStore
from tests.support.damage import FIELDS, outbox_with, overwrite_page, page_holding, requests_on_page
from tests.support.e2e import QUEUED_FIELDS, RegisteredKiosk, enqueue, until

HEARTBEAT = {"version": "t", "profile": "festival", "mode": "demo", "catalog_version": "t"}


def disk_full() -> sqlite3.OperationalError:
    """What SQLite raises when the disk is full."""
    error = sqlite3.OperationalError("database or disk is full")
    error.sqlite_errorcode, error.sqlite_errorname = 13, "SQLITE_FULL"
    return error


class FailingOutbox(OutboxStore):
    """The real outbox, whose claims fail while ``full`` is set and whose next outcomes' commit
    fails once if ``lose_next_commit`` is (after the server has stored the batch)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.full = False
        self.lose_next_commit = False
        self.refused = 0

    def claim_due(self, limit: int = 20, ignore_schedule: bool = False) -> list[OutboxRequest]:
        if self.full:
            self.refused += 1
            raise disk_full()
        return super().claim_due(limit, ignore_schedule)

    @contextmanager
    def one_commit(self) -> Iterator[None]:
        if self.lose_next_commit:
            self.lose_next_commit = False
            self.refused += 1
            raise disk_full()
        with super().one_commit():
            yield


def engine_for(registered: RegisteredKiosk, store: OutboxStore, statuses: list[SyncStatus]) -> SyncEngine:
    return SyncEngine(store, registered.client(), kiosk_number=registered.number, rand=lambda: 0.0,
                      heartbeat_payload=lambda: dict(HEARTBEAT), on_status=statuses.append)  # fmt: skip


def run(engine: SyncEngine, done: Callable[[], bool], first: Callable[[], Awaitable[None]] | None = None) -> None:
    """Run the engine (after ``first``, if given, while it runs) until ``done``."""

    async def scenario() -> None:
        engine.start()
        if first is not None:
            await first()
        await until(done, timeout=15)
        await engine.stop()

    asyncio.run(scenario())


def stored_once(registered: RegisteredKiosk, requests: list[OutboxRequest]) -> None:
    on_server = Counter(r["tracking_code"] for r in registered.central.requests())
    assert on_server == Counter(r.tracking_code for r in requests), "not every request exactly once"


def no_personal_data(text: str) -> None:
    for value in [*QUEUED_FIELDS.values(), *FIELDS.values()]:
        assert str(value)[:20] not in text


def test_a_full_disk_under_delivery_is_said_and_the_queue_resumes_by_itself(
    registered: RegisteredKiosk, outbox_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The engine's task used to die on the first SQLite error, silently: no log line, no more
    heartbeats, the queue pending for ever."""
    store = FailingOutbox(outbox_path)
    requests = enqueue(store, registered.number, 30)
    statuses: list[SyncStatus] = []
    engine = engine_for(registered, store, statuses)
    store.full = True

    async def while_full() -> None:
        await until(lambda: store.refused >= 3, timeout=10)  # tried again, and again
        assert registered.central.requests() == []
        store.full = False  # room again

    with caplog.at_level(logging.INFO):
        # Done when all are delivered and the round that delivered the last has ended (it clears the error).
        run(engine, lambda: store.health().counts["delivered"] == 30 and engine.status.error is None, first=while_full)
    stored_once(registered, requests)
    errors = [s.error for s in statuses if s.error]
    assert errors and errors[0] == "database or disk is full (SQLITE_FULL)", errors
    beats = [b["last_error"] for b in registered.central.heartbeats()]
    assert "database or disk is full (SQLITE_FULL)" in beats, beats
    assert "delivery failed (1 in a row), trying again in 1.0 s: database or disk is full" in caplog.text
    assert "delivery works again after" in caplog.text
    no_personal_data(caplog.text)
    store.close()


def test_outcomes_lost_with_a_failed_commit_are_sent_again_and_stored_once(
    registered: RegisteredKiosk, outbox_path: Path
) -> None:
    """The server stored a batch, then the outbox could not record it: the batch is given back,
    sent again, and the server recognises every request (its idempotency key)."""
    store = FailingOutbox(outbox_path)
    requests = enqueue(store, registered.number, 30)
    statuses: list[SyncStatus] = []
    engine = engine_for(registered, store, statuses)
    store.lose_next_commit = True
    run(engine, lambda: store.health().counts["delivered"] == 30)
    assert store.refused == 1
    assert store.health().counts == {"pending": 0, "sending": 0, "delivered": 30, "rejected": 0}
    stored_once(registered, requests)
    store.close()


def test_a_damaged_outbox_salvaged_at_start_reaches_the_server_once(
    registered: RegisteredKiosk, kiosk_paths: KioskPaths
) -> None:
    """Some requests delivered, some delivered with the answer lost, the rest waiting; then a page
    is overwritten. At start the readable ones are re-queued with their keys and codes: the
    waiting ones reach the server, those it has are not stored twice."""
    requests = outbox_with(kiosk_paths.outbox, 50, number=registered.number)
    client = registered.client()
    store = OutboxStore(kiosk_paths.outbox)
    for request, outcome in zip(store.claim_due(limit=15), client.submit_many(
        [(r.idempotency_key, r.body) for r in requests[:15]]), strict=True):  # fmt: skip
        store.mark_delivered(request.id, outcome.reference)
    client.submit_many([(r.idempotency_key, r.body) for r in requests[15:20]])  # the answers lost
    store.close()
    page = page_holding(kiosk_paths.outbox, requests[35])
    lost = requests_on_page(kiosk_paths.outbox, page, requests)
    overwrite_page(kiosk_paths.outbox, page)

    store, problem = open_outbox(kiosk_paths)
    assert store is not None, problem
    assert store.health().counts["delivered"] == 15
    run(engine_for(registered, store, []), lambda: not store.pending())
    stored_once(registered, [r for r in requests if r not in lost])
    assert store.health().counts["delivered"] == 50 - len(lost)
    store.close()
