"""The per-kiosk rate limit kept in the database (``ratelimit.py``): one bucket per kiosk whichever
process asks, on SQLite and on PostgreSQL, with a clock the test moves (never slept). Two real
server processes sharing it: ``test_two_processes.py``."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from kiosk.central.app import open_store
from kiosk.central.models import KioskRate
from kiosk.central.ratelimit import RateLimiter
from kiosk.central.settings import Settings
from kiosk.central.store import Store


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path: Path, db_url: str | None) -> Iterator[Store]:
    """A migrated database with two kiosks (ids 1 and 2)."""
    opened = open_store(Settings(data_dir=tmp_path, db_url=db_url), migrate=True)
    try:
        opened.kiosks.add("one")
        opened.kiosks.add("two")
        yield opened
    finally:
        opened.db.dispose()


@pytest.fixture
def limiters() -> Iterator[list[RateLimiter]]:
    """The limiters a test made (as separate processes would have them: an engine each), disposed after."""
    made: list[RateLimiter] = []
    yield made
    for limiter in made:
        limiter.dispose()


def _kiosk_ids(store: Store) -> tuple[int, int]:
    first, second = sorted(k.id for k in store.kiosks.fleet())
    return first, second


def test_the_bucket_refills_per_kiosk(store: Store, limiters: list[RateLimiter]) -> None:
    clock = Clock()
    limiter = RateLimiter(store.db, per_minute=2, clock=clock)
    limiters.append(limiter)
    one, two = _kiosk_ids(store)
    assert [limiter.acquire(one), limiter.acquire(one)] == [0, 0]
    assert limiter.acquire(one) == 30  # one token comes back every 30 s
    assert limiter.acquire(two) == 0
    clock.now += 29.0
    assert limiter.acquire(one) == 1
    clock.now += 2.0
    assert limiter.acquire(one) == 0
    assert limiter.acquire(one) == 29  # 1/30 of a token was left over
    clock.now += 3600.0  # a long quiet spell fills the bucket, no more
    assert [limiter.acquire(one) for _ in range(3)] == [0, 0, 30]


def test_processes_sharing_the_database_share_each_kiosk_s_bucket(store: Store, limiters: list[RateLimiter]) -> None:
    """Before: each process had buckets of its own, so a kiosk alternating between two got twice its rate."""
    clock = Clock()
    first, second = (RateLimiter(store.db, per_minute=3, clock=clock) for _ in range(2))
    limiters += [first, second]
    one, _two = _kiosk_ids(store)
    waits = [(first if i % 2 else second).acquire(one) for i in range(6)]
    assert waits[:3] == [0, 0, 0]
    assert all(wait > 0 for wait in waits[3:]), waits


def test_parallel_calls_take_exactly_the_tokens_there_are(store: Store, limiters: list[RateLimiter]) -> None:
    """Forty calls at once through four "processes": ten tokens, ten calls let through, on READ
    COMMITTED PostgreSQL as on SQLite (the refill is computed on the row being updated, never on a
    value read before)."""
    clock = Clock()
    processes = [RateLimiter(store.db, per_minute=10, clock=clock) for _ in range(4)]
    limiters += processes
    one, two = _kiosk_ids(store)
    processes[0].acquire(two)  # the other kiosk's row exists: the race is on updating a row too
    for kiosk in (one, two):
        barrier = threading.Barrier(40)

        def call(index: int, kiosk: int = kiosk, barrier: threading.Barrier = barrier) -> int:
            barrier.wait()
            return processes[index % 4].acquire(kiosk)

        with ThreadPoolExecutor(40) as pool:
            waits = list(pool.map(call, range(40)))
        expected = 10 if kiosk == one else 9
        assert waits.count(0) == expected, waits
    with store.db.read() as session:
        rows = {row.kiosk_id: row for row in session.scalars(select(KioskRate))}
    assert rows[one].tokens == pytest.approx(0.0) and rows[two].tokens == pytest.approx(0.0)
    assert rows[one].allowed is False


def test_a_clock_behind_the_others_refills_nothing(store: Store, limiters: list[RateLimiter]) -> None:
    ahead, behind = Clock(), Clock()
    behind.now -= 30.0
    first = RateLimiter(store.db, per_minute=2, clock=ahead)
    second = RateLimiter(store.db, per_minute=2, clock=behind)
    limiters += [first, second]
    one, _two = _kiosk_ids(store)
    assert [first.acquire(one), first.acquire(one)] == [0, 0]
    assert second.acquire(one) == 30  # not a refill of minus 30 seconds, nor a token
    ahead.now += 30.0
    assert first.acquire(one) == 0


def test_a_kiosk_s_bucket_held_does_not_hold_up_another_kiosk(
    postgres_url: str, tmp_path: Path, limiters: list[RateLimiter]
) -> None:
    """PostgreSQL: the statement locks only its kiosk's row; a call for kiosk 1 waits while another
    transaction holds kiosk 1's row, and kiosk 2's calls go ahead meanwhile."""
    store = open_store(Settings(data_dir=tmp_path, db_url=postgres_url), migrate=True)
    engine = create_engine(postgres_url)
    try:
        store.kiosks.add("one")
        store.kiosks.add("two")
        one, two = _kiosk_ids(store)
        limiter = RateLimiter(store.db, per_minute=60)
        limiters.append(limiter)
        assert limiter.acquire(one) == 0 and limiter.acquire(two) == 0
        with ThreadPoolExecutor(1) as pool:
            with engine.begin() as holder:
                holder.execute(text("SELECT 1 FROM kiosk_rates WHERE kiosk_id = :id FOR UPDATE"), {"id": one})
                waiting = pool.submit(limiter.acquire, one)
                started = time.monotonic()
                assert [limiter.acquire(two) for _ in range(5)] == [0] * 5
                assert time.monotonic() - started < 2.0
                time.sleep(0.3)
                assert not waiting.done()
            assert waiting.result(timeout=10) == 0
    finally:
        engine.dispose()
        store.db.dispose()
