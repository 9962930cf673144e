"""What the per-kiosk rate limit costs each API call, now that its buckets are in the database.

    .venv/bin/python -m benchmarks.central_rate [--calls 2000] [--threads 8]
                                                [--postgres-url postgresql+psycopg://...]

For each database (SQLite in a temporary folder; PostgreSQL in a fresh schema, dropped after, from
--postgres-url or KIOSK_TEST_POSTGRES_URL, skipped without either), side by side in one run:

- ``ratelimit.RateLimiter.acquire`` as the server calls it (its own autocommit engine, not waiting
  for the disk), one kiosk after another over 50 kiosks;
- the same statement through the intake's engine (a BEGIN ... COMMIT transaction that waits for the
  disk: SQLite ``synchronous=FULL``, PostgreSQL ``synchronous_commit=on``), which is what the
  dedicated engine saves;
- the floor: ``SELECT 1`` on the dedicated engine (one round trip, nothing written);
- the per-process bucket in memory that it replaced (a dict under a lock), the cost before;
- ``--threads`` threads at once on different kiosks and all on one kiosk (calls a second): the
  statement locks only its kiosk's row, so different kiosks should not queue behind each other.

Median and p95 per call in microseconds; writes benchmarks/results/central_rate.json.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import text

from benchmarks.common import postgres_schema
from kiosk.central.app import open_store
from kiosk.central.ratelimit import RateLimiter, take_one_statement
from kiosk.central.settings import Settings
from kiosk.central.store import Store

RESULTS = Path(__file__).resolve().parent / "results" / "central_rate.json"
KIOSKS = 50
MAX_CALLS = 20_000


@dataclass
class Row:
    database: str
    what: str
    calls: int
    median_us: float
    p95_us: float
    per_second: float


class MemoryBuckets:
    """The per-process token bucket the database's replaced (ratelimit.py before issue 21)."""

    def __init__(self, per_minute: int) -> None:
        self.capacity = float(per_minute)
        self.rate = self.capacity / 60.0
        self._buckets: dict[int, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def acquire(self, key: int) -> int:
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0
            self._buckets[key] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / self.rate))


def _timed(database: str, what: str, calls: int, call: Callable[[int], object]) -> Row:
    for index in range(min(calls, 100)):  # warm-up: connections made, statements prepared
        call(index)
    times = []
    began = time.perf_counter()
    for index in range(calls):
        start = time.perf_counter()
        call(index)
        times.append(time.perf_counter() - start)
    elapsed = time.perf_counter() - began
    ordered = sorted(times)
    return Row(
        database, what, calls, round(statistics.median(ordered) * 1e6, 1),
        round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1e6, 1), round(calls / elapsed),
    )  # fmt: skip


def _parallel(database: str, what: str, calls: int, threads: int, call: Callable[[int], object]) -> Row:
    barrier = threading.Barrier(threads)
    per_thread = calls // threads
    times: list[float] = []
    lock = threading.Lock()

    def worker(thread: int) -> None:
        mine = []
        barrier.wait()
        for _ in range(per_thread):
            start = time.perf_counter()
            call(thread)
            mine.append(time.perf_counter() - start)
        with lock:
            times.extend(mine)

    began = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(worker, range(threads)))
    elapsed = time.perf_counter() - began
    ordered = sorted(times)
    return Row(
        database, what, len(times), round(statistics.median(ordered) * 1e6, 1),
        round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1e6, 1), round(len(times) / elapsed),
    )  # fmt: skip


def measure(database: str, store: Store, calls: int, threads: int) -> list[Row]:
    ids = [store.kiosks.add(f"bench {i}")[0] for i in range(KIOSKS)]
    kiosk_ids = sorted(k.id for k in store.kiosks.fleet() if k.number in ids)
    per_minute = 10**9  # never refused: every call writes its row
    limiter = RateLimiter(store.db, per_minute)
    memory = MemoryBuckets(per_minute)
    statement = text(take_one_statement(store.db.dialect))

    def durable(index: int) -> None:
        values = {"kiosk_id": kiosk_ids[index % KIOSKS], "capacity": float(per_minute),
                  "per_second": per_minute / 60.0, "now": time.time()}  # fmt: skip
        with store.db.write() as session:
            session.execute(statement, values).one()

    def floor(_index: int) -> None:
        with limiter._engine.connect() as connection:
            connection.execute(text("SELECT 1")).one()

    def by_index(index: int) -> int:
        return limiter.acquire(kiosk_ids[index % KIOSKS])

    def one_kiosk(_thread: int) -> int:
        return limiter.acquire(kiosk_ids[0])

    try:
        return [
            _timed(database, "in memory, per process (before)", calls, lambda i: memory.acquire(kiosk_ids[i % KIOSKS])),
            _timed(database, "SELECT 1 (one round trip)", calls, floor),
            _timed(database, "the bucket, in the database (now)", calls, by_index),
            _timed(database, "the bucket on the intake's engine (durable)", calls, durable),
            _parallel(database, f"{threads} threads, {threads} kiosks", calls, threads, by_index),
            _parallel(database, f"{threads} threads, one kiosk", calls, threads, one_kiosk),
        ]
    finally:
        limiter.dispose()


def run_one(database: str, db_url: str | None, calls: int, threads: int) -> list[Row]:
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Settings(data_dir=Path(folder), db_url=db_url), migrate=True)
        try:
            return measure(database, store, calls, threads)
        finally:
            store.db.dispose()


def table(rows: list[Row]) -> str:
    lines = ["| database | what | calls | median µs | p95 µs | calls/s |", "|---|---|---:|---:|---:|---:|"]
    lines += [f"| {r.database} | {r.what} | {r.calls} | {r.median_us} | {r.p95_us} | {r.per_second} |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000, help="per row")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--postgres-url", default=os.environ.get("KIOSK_TEST_POSTGRES_URL"))
    args = parser.parse_args(argv)
    if not 100 <= args.calls <= MAX_CALLS or not 1 <= args.threads <= KIOSKS:
        parser.error(f"100 to {MAX_CALLS} calls, 1 to {KIOSKS} threads")
    rows = run_one("sqlite", None, args.calls, args.threads)
    if args.postgres_url:
        with postgres_schema(args.postgres_url) as url:
            rows += run_one("postgresql", url, args.calls, args.threads)
    output = table(rows)
    if not args.postgres_url:
        output += "\n\nPostgreSQL skipped: no --postgres-url and no KIOSK_TEST_POSTGRES_URL."
    print(output)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    machine = {"python": platform.python_version(), "cpus": os.cpu_count(), "load": os.getloadavg()}
    RESULTS.write_text(json.dumps({"machine": machine, "rows": [asdict(r) for r in rows]}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
