"""The outbox picks each batch, and reads its health, by an index (issue 21): the statements it
actually issues, caught as SQLite runs them, are planned without reading the requests table whole
or sorting it (the counts per state aside: see ALLOWED_SCANS). Before, each batch read every
pending row and sorted them (a 50,000 backlog drained at half the speed of a 1,000 one);
``benchmarks/drain.py`` measures that side."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from kiosk.outbox import store as store_module
from kiosk.outbox.retry import MAX_RETRY_AFTER_SECONDS
from kiosk.outbox.store import SCHEMA_VERSION, OutboxStore

BODY = {"service_id": "water.bill", "sealed_fields": "c2VhbGVk"}
# Scans allowed: the partial index of the rows with an error (a retry's or a refusal's), read from
# its newest end for the last error, one row; and the health read's counts per state, which step
# through the covering index once a heartbeat (SQLite keeps no counts: counted per state, the same
# steps in all).
ALLOWED_SCANS = (
    "SCAN requests USING INDEX requests_errors",
    "SCAN requests USING COVERING INDEX requests_due",
)
# The schema's indexes that were added by migration 4 (the next batch is read by requests_due, of 1).
NEW_INDEXES = {"requests_age", "requests_errors", "requests_delivered"}


class Clock:
    def __init__(self, now: float = 1_790_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def enqueue(store: OutboxStore, n: int) -> list:
    return [store.enqueue(7, "water.bill", "water", "demo", BODY) for _ in range(n)]


def plans(db: sqlite3.Connection, statements: list[str]) -> dict[str, list[str]]:
    """Each statement that reads or writes rows, with its query plan's lines."""
    found = {}
    for sql in statements:
        if sql.lstrip().split(" ", 1)[0].upper() in ("SELECT", "UPDATE", "DELETE", "INSERT"):
            # The statement as run, its values in it; an infinite REAL is written Inf, read back as 9e999.
            readable = re.sub(r"\bInf\b", "9e999", sql)
            found[sql] = [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {readable}")]
    return found


def unindexed(found: dict[str, list[str]]) -> dict[str, list[str]]:
    """The statements whose plan sorts into a temporary B-tree or scans the requests table."""

    def bad(line: str) -> bool:
        return "TEMP B-TREE" in line or (line.startswith("SCAN requests") and line not in ALLOWED_SCANS)

    return {sql: lines for sql, lines in found.items() if any(bad(line) for line in lines)}


def drain_statements(store: OutboxStore, clock: Clock) -> list[str]:
    """What delivery issues, caught as SQLite runs it: the sync engine's batches (claim, outcomes in
    one commit, what was not tried given back), its wait for the next due request, a heartbeat's
    health read, and ``kiosk outbox drain``'s claims that ignore the schedule."""
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)
    try:
        for _ in range(3):
            batch = store.claim_due(limit=50)
            with store.one_commit():
                store.mark_delivered(batch[0].id, "srv-1")
                store.mark_rejected(batch[1].id, "HTTP 422: unknown service")
                store.mark_retry(batch[2].id, "HTTP 503", clock.now + 30)
                store.release([r.id for r in batch[3:]])
            store.next_due_at()
            store.health()
        store.claim_due(limit=50, ignore_schedule=True)
        store.health()
    finally:
        store._db.set_trace_callback(None)
    return statements


def test_every_statement_of_delivery_and_of_the_health_read_is_planned_on_an_index(tmp_path: Path) -> None:
    clock = Clock()
    store = OutboxStore(tmp_path / "outbox.db", clock)
    try:
        enqueue(store, 300)
        found = plans(store._db, drain_statements(store, clock))
        assert any("ORDER BY" in sql and "LIMIT" in sql for sql in found), "the batch's claim was not caught"
        assert any("COUNT(*)" in sql for sql in found), "the health read was not caught"
        counts = [sql for sql, lines in found.items() if lines == ["SCAN requests USING COVERING INDEX requests_due"]]
        assert counts == ["SELECT state, COUNT(*) FROM requests GROUP BY state"], "only the counts step through all"
        assert unindexed(found) == {}
    finally:
        store.close()


def test_the_batch_is_the_soonest_due_and_a_retry_takes_its_turn_when_its_wait_is_over(tmp_path: Path) -> None:
    clock = Clock()
    store = OutboxStore(tmp_path / "outbox.db", clock)
    try:
        a, b, c = enqueue(store, 3)
        assert [r.id for r in store.claim_due(limit=1)] == [a.id], "new requests go oldest first"
        store.mark_retry(a.id, "HTTP 503", clock.now + 30)
        clock.now += 10
        d = enqueue(store, 1)[0]
        assert [r.id for r in store.claim_due(limit=2)] == [b.id, c.id]
        store.release([b.id, c.id])
        clock.now += 25  # a's wait is over; d was due when it was stored, before that
        assert [r.id for r in store.claim_due()] == [b.id, c.id, d.id, a.id]
        store.release([b.id, c.id, d.id, a.id])
        # Scheduled further ahead than any wait: the clock jumped back since. Due now, and first.
        store.mark_retry(c.id, "HTTP 503", clock.now + MAX_RETRY_AFTER_SECONDS + 3600)
        assert [r.id for r in store.claim_due(limit=2)] == [c.id, b.id]
        store.release([c.id, b.id])
        store.mark_retry(d.id, "HTTP 503", clock.now + 60)
        assert [r.id for r in store.claim_due()] == [c.id, b.id, a.id], "d waits"
        store.release([c.id, b.id, a.id])
        # `kiosk outbox drain` takes every waiting request, each schedule ignored.
        assert [r.id for r in store.claim_due(ignore_schedule=True)] == [b.id, a.id, d.id, c.id]
    finally:
        store.close()


def test_an_outbox_of_schema_3_is_upgraded_to_the_indexes_and_keeps_its_requests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kiosk updated with its queue waiting: the file the release before wrote (schema 3) opens,
    gains the indexes in one transaction, and its requests are all there, each in its state. No
    copy of it is made: it would keep the sealed answers of requests delivered since."""
    path = tmp_path / "outbox.db"
    clock = Clock()
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", 3)
    old = OutboxStore(path, clock)
    written = enqueue(old, 120)
    old.mark_delivered(old.claim_due(limit=1)[0].id, "srv-1")
    old.mark_rejected(old.claim_due(limit=1)[0].id, "HTTP 422: unknown service")
    old.claim_due(limit=1)  # on the wire when the kiosk was stopped for the update
    old.close()
    monkeypatch.undo()
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 3
    assert not NEW_INDEXES & {name for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    raw.close()

    store = OutboxStore(path, clock)
    try:
        db = store._db
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
        assert NEW_INDEXES <= {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert store.health().counts == {"pending": 118, "sending": 0, "delivered": 1, "rejected": 1}
        assert [r.tracking_code for r in store.pending()] == [r.tracking_code for r in written[2:]]
        assert unindexed(plans(db, drain_statements(store, clock))) == {}
    finally:
        store.close()
    assert not list(tmp_path.glob("outbox.db.before-upgrade-*"))


def fill(store: OutboxStore, pending: int, delivered: int, now: float) -> None:
    """A backlog and a history, written straight into the table (enqueue commits each one)."""
    rows = [
        (f"key-{n}", f"code-{n}", "water.bill", "water", "demo", '{"sealed_fields": "c2VhbGVk"}',
         "delivered" if n < delivered else "pending", now - 86400 + n / 1000, "2026-01-01T00:00:00Z")
        for n in range(pending + delivered)
    ]  # fmt: skip
    with store._db:
        store._db.execute("BEGIN")
        store._db.executemany(
            "INSERT INTO requests (idempotency_key, tracking_code, service_id, agency_id, mode, body, state,"
            " next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?9)",
            rows,
        )


def steps_of_a_batch(tmp_path: Path, pending: int) -> int:
    """SQLite's virtual machine steps (counted by its progress handler, 100 at a time) for what a
    batch costs the outbox: the claim, the outcomes, what was not tried given back, the next due
    time. Not a timing: the same count on any machine, and it grows with what each statement reads."""
    clock = Clock()
    store = OutboxStore(tmp_path / f"outbox-{pending}.db", clock)
    try:
        fill(store, pending, delivered=pending, now=clock.now)
        counted = [0]

        def count() -> int:
            counted[0] += 1
            return 0

        store._db.set_progress_handler(count, 100)
        batch = store.claim_due(limit=50)
        with store.one_commit():
            for request in batch[:40]:
                store.mark_delivered(request.id, "srv")
            store.mark_retry(batch[40].id, "HTTP 503", clock.now + 30)
            store.release([r.id for r in batch[41:]])
        store.next_due_at()
        store._db.set_progress_handler(None, 0)
        assert len(batch) == 50
        return counted[0]
    finally:
        store.close()


def test_a_batch_costs_the_same_whatever_the_backlog(tmp_path: Path) -> None:
    """Before, the claim read and sorted every pending row: 20 times the backlog, about 20 times
    the steps (the drain benchmark: 1,408 requests/s at 1,000 waiting, 723 at 50,000)."""
    small, large = steps_of_a_batch(tmp_path, 1_000), steps_of_a_batch(tmp_path, 20_000)
    assert large <= small * 1.5, f"a batch took {small} hundred steps at 1,000 waiting, {large} at 20,000"
