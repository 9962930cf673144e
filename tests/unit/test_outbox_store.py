"""kiosk.outbox.store: requests are durable, states move as they should, schemas migrate safely,
and a file that cannot be opened now is told from a damaged one."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.core.tracking import clock_sequence, is_valid_tracking_code
from kiosk.outbox import store as store_module
from kiosk.outbox.store import (
    CACHE_KIB,
    SCHEMA_VERSION,
    OutboxDamaged,
    OutboxStore,
    OutboxUnavailable,
    OutboxVersionError,
    keep_aside,
)
from tests.support.damage import outbox_with, overwrite_page, page_holding


class Clock:
    def __init__(self, now: float = 1_790_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


BODY = {"service_id": "water.bill", "fields": {"national_id": "0012345679"}}


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock):
    outbox = OutboxStore(tmp_path / "outbox.db", clock)
    yield outbox
    outbox.close()


def enqueue(store: OutboxStore, n: int = 1) -> list:
    return [store.enqueue(7, "water.bill", "water", "demo", BODY) for _ in range(n)]


def test_enqueue_gives_unique_valid_codes_and_keys(store: OutboxStore) -> None:
    requests = enqueue(store, 50)
    assert len({r.tracking_code for r in requests}) == 50
    assert len({r.idempotency_key for r in requests}) == 50
    assert all(is_valid_tracking_code(r.tracking_code) and r.tracking_code.startswith("007") for r in requests)
    assert requests[0].state == "pending"
    assert requests[0].body["tracking_code"] == requests[0].tracking_code
    assert requests[0].body["fields"] == BODY["fields"]


def test_wal_and_full_sync(store: OutboxStore, tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "outbox.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()


def test_the_page_cache_stays_small_however_large_the_outbox_grows(store: OutboxStore) -> None:
    """SQLite's default cache (2 MiB) fills as the file grows: the kiosk's memory would grow with
    weeks of requests. The outbox's connection keeps it at CACHE_KIB."""
    assert CACHE_KIB <= 1024
    assert store._db.execute("PRAGMA cache_size").fetchone()[0] == -CACHE_KIB


def test_claim_deliver_retry_reject(store: OutboxStore, clock: Clock) -> None:
    a, b, c = enqueue(store, 3)
    claimed = store.claim_due()
    assert [r.id for r in claimed] == [a.id, b.id, c.id]
    assert store.claim_due() == []  # already sending
    store.mark_delivered(a.id, "srv-1")
    store.mark_retry(b.id, "HTTP 503", clock.now + 30)
    store.mark_rejected(c.id, "unknown service")
    assert store.get(a.id).state == "delivered" and store.get(a.id).server_reference == "srv-1"
    assert store.get(b.id).state == "pending" and store.get(b.id).attempts == 1
    assert store.get(c.id).state == "rejected" and store.get(c.id).last_error == "unknown service"
    assert store.claim_due() == []  # b is not due yet
    clock.now += 31
    assert [r.id for r in store.claim_due()] == [b.id]
    health = store.health()
    assert health.counts == {"pending": 0, "sending": 1, "delivered": 1, "rejected": 1}
    assert health.delivered_today == 1


def test_one_commit_writes_a_batch_s_outcomes_all_together_or_not_at_all(store: OutboxStore, tmp_path: Path) -> None:
    a, b, c = enqueue(store, 3)
    store.claim_due()
    other = sqlite3.connect(tmp_path / "outbox.db")
    states = lambda: [s for (s,) in other.execute("SELECT state FROM requests ORDER BY id")]  # noqa: E731
    with store.one_commit():
        store.mark_delivered(a.id, "srv-1")
        store.mark_rejected(b.id, "unknown service")
        store.release([c.id])
        assert states() == ["sending"] * 3  # nothing seen outside before the commit
    assert states() == ["delivered", "rejected", "pending"]
    store.claim_due()
    with pytest.raises(RuntimeError), store.one_commit():
        store.mark_delivered(c.id, "srv-3")
        raise RuntimeError("the worker died half way")
    assert states() == ["delivered", "rejected", "sending"]
    other.close()


def test_any_other_store_call_inside_one_commit_fails_at_once(store: OutboxStore) -> None:
    """Only mark_* and release share one_commit()'s transaction: anything else called inside it
    by the same thread fails there and then (it used to wait for its own lock forever)."""
    enqueue(store)
    failure: list[BaseException] = []

    def misuse() -> None:
        try:
            with store.one_commit():
                store.claim_due()
        except BaseException as exc:
            failure.append(exc)

    worker = threading.Thread(target=misuse, daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "the call inside one_commit() hung"
    assert failure and isinstance(failure[0], sqlite3.OperationalError)
    assert store.health().counts["pending"] == 1, "and nothing was changed"


def test_sending_goes_back_to_pending_on_restart(tmp_path: Path, clock: Clock) -> None:
    store = OutboxStore(tmp_path / "o.db", clock)
    enqueue(store, 2)
    assert len(store.claim_due()) == 2
    store.close()  # as if the process died mid-delivery
    again = OutboxStore(tmp_path / "o.db", clock)
    assert again.health().counts["pending"] == 2
    assert len(again.claim_due()) == 2
    again.close()


def test_codes_keep_rising_after_restart(tmp_path: Path, clock: Clock) -> None:
    store = OutboxStore(tmp_path / "o.db", clock)
    first = enqueue(store, 3)
    store.close()
    clock.now -= 10 * 365 * 86400  # the clock jumped years back
    again = OutboxStore(tmp_path / "o.db", clock)
    later = enqueue(again, 1)[0]
    again.close()
    assert int(later.tracking_code[3:11]) > int(first[-1].tracking_code[3:11])


def test_no_code_at_or_below_the_server_s_floor_is_issued_even_after_reopening(tmp_path: Path, clock: Clock) -> None:
    """A replaced outbox starts from nothing; the floor the server tells keeps its codes new."""
    store = OutboxStore(tmp_path / "o.db", clock)
    floor = clock_sequence(datetime.fromtimestamp(clock.now, UTC)) + 5_000
    store.raise_sequence_floor(7, floor)
    store.raise_sequence_floor(7, floor - 4_000)  # a lower floor told later never lowers it
    first = [int(r.tracking_code[3:11]) for r in enqueue(store, 3)]
    store.close()
    again = OutboxStore(tmp_path / "o.db", clock)
    later = [int(r.tracking_code[3:11]) for r in enqueue(again, 2)]
    other_kiosk = int(again.enqueue(8, "water.bill", "water", "demo", BODY).tracking_code[3:11])
    again.close()
    assert first == [floor + 1, floor + 2, floor + 3] and later == [floor + 4, floor + 5]
    assert other_kiosk == floor + 6  # the sequence still never repeats on this outbox
    fresh = OutboxStore(tmp_path / "new.db", clock)
    fresh.raise_sequence_floor(8, floor)
    fresh.close()
    reopened = OutboxStore(tmp_path / "new.db", clock)
    assert reopened.sequence_floor(8) == floor and reopened.sequence_floor(7) == 0
    assert int(reopened.enqueue(8, "water.bill", "water", "demo", BODY).tracking_code[3:11]) == floor + 1
    reopened.close()


def test_oldest_pending_age(store: OutboxStore, clock: Clock) -> None:
    assert store.health().oldest_pending_seconds is None
    enqueue(store)
    clock.now += 90
    assert store.health().oldest_pending_seconds == pytest.approx(90, abs=1)


def test_newer_schema_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "o.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE future (x)")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(OutboxVersionError, match="newer kiosk"):
        OutboxStore(path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    db.close()


def test_a_file_that_is_not_a_database_is_damaged_and_can_be_kept_aside(tmp_path: Path) -> None:
    path = tmp_path / "o.db"
    path.write_bytes(b"garbage" * 1000)
    with pytest.raises(OutboxDamaged, match="is damaged: file is not a database"):
        OutboxStore(path)
    kept = keep_aside(path)
    assert kept.exists() and not path.exists()
    OutboxStore(path).close()


def test_damage_inside_the_file_is_found_when_it_opens(tmp_path: Path) -> None:
    """A page overwritten in the middle of the requests: before, the outbox opened, took new
    requests and failed later, in delivery and in `kiosk outbox status`."""
    path = tmp_path / "outbox.db"
    requests = outbox_with(path, 60)
    overwrite_page(path, page_holding(path, requests[30]))
    with pytest.raises(OutboxDamaged, match="is damaged"):
        OutboxStore(path)


def test_an_outbox_another_process_holds_cannot_be_opened_now_and_is_not_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holds the write lock past the busy timeout: the kiosk must not call that
    damage (it used to move the file aside and start an empty one)."""
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_SECONDS", 0.2)
    path = tmp_path / "outbox.db"
    outbox_with(path, 3)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(OutboxUnavailable, match=r"cannot be opened now: database is locked .*another program"):
            OutboxStore(path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    reopened = OutboxStore(path)
    assert reopened.health().counts["pending"] == 3
    reopened.close()


def test_export_of_pending(store: OutboxStore) -> None:
    a, b = enqueue(store, 2)
    store.claim_due(limit=1)
    store.mark_delivered(a.id, "x")
    assert [r.id for r in store.pending()] == [b.id]


def test_enqueue_returns_what_was_stored_without_sharing_the_caller_s_body(store: OutboxStore) -> None:
    body = {"profile": "test", "fields": {"full_name": "زهرا"}}
    request = store.enqueue(7, "water.bill", "water", "demo", body)
    assert request == store.get(request.id)
    request.body["fields"]["full_name"] = "changed"
    assert body["fields"]["full_name"] == "زهرا"
