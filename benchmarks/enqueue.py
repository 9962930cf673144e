"""Enqueue, committed with fsync: the outbox vs a bare sqlite3 insert + commit of the same row; and
sealing the answers, which the request desk does before it.

    .venv/bin/python -m benchmarks.enqueue [--requests 2000]

Both write to a fresh file on the same disk (not tmpfs: ``/var/tmp``), both in WAL mode with
``synchronous=FULL`` (one fsync per commit), and they take turns in blocks of 50 so the disk's
moods hit both alike. The outbox call is ``OutboxStore.enqueue`` as the request desk makes it:
tracking code, idempotency key, the sequence row, the request row, one transaction (the stored
request is returned as written, not read back). The bare side inserts the same row (the same
JSON body, answers sealed) into the same table and commits, nothing else: the floor for a durable
write here. Sealing (``kiosk.core.sealing.Sealer.seal``: a fresh X25519 key pair, one key exchange,
XSalsa20-Poly1305) is timed on its own, just before each enqueue, and counted in ``enqueue_p99``:
that figure is what a citizen waits between "send" and the tracking code.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks.common import Figure, disk_folder, quick, run_alone, summary

BLOCK = 50
FIELDS = {
    "full_name": "زهرا حسین‌زاده",
    "national_id": "0012345679",
    "mobile": "09111234567",
    "postal_code": "4816813311",
    "address": "ساری، خیابان فرهنگ، کوچه ۱۲، پلاک ۴",
    "agree": True,
}
BODY = {"profile": "festival", "catalog_version": "2026.11", "fields": FIELDS}  # an older kiosk's (clear)


def sealed_body(sealer: object) -> dict[str, object]:
    """The body as the request desk makes it now: the answers sealed to the server's key."""
    sealed = sealer.seal(FIELDS)  # type: ignore[attr-defined]
    return {"profile": "festival", "catalog_version": "2026.11", "sealed_fields": sealed}


def measure(requests: int | None = None) -> list[Figure]:
    import os

    from kiosk.core.sealing import Opener, Sealer
    from kiosk.outbox.store import _MIGRATIONS, OutboxStore

    requests = requests or (400 if quick() else 2000)
    sealer = Sealer(Opener(os.urandom(32)).public_key)
    outbox_ms: list[float] = []  # enqueue alone
    sealed_ms: list[float] = []  # seal + enqueue, as the desk does
    seal_us: list[float] = []
    bare_ms: list[float] = []
    with tempfile.TemporaryDirectory(dir=disk_folder()) as folder:
        store = OutboxStore(Path(folder) / "outbox.db")
        bare = sqlite3.connect(Path(folder) / "bare.db", isolation_level=None)
        bare.execute("PRAGMA journal_mode=WAL")
        bare.execute("PRAGMA synchronous=FULL")
        bare.executescript(_MIGRATIONS[0])
        body = json.dumps(
            dict(sealed_body(sealer), tracking_code="007000000001", service_id="water.connection",
                 agency_id="water", mode="demo", created_at="2026-11-23T10:00:00Z"),
            ensure_ascii=False,
        )  # fmt: skip
        try:
            for block in range(0, requests, BLOCK):
                for _ in range(min(BLOCK, requests - block)):
                    start = time.perf_counter()
                    desk_body = sealed_body(sealer)
                    sealed = time.perf_counter()
                    store.enqueue(7, "mazandaran-water.new-connection", "mazandaran-water", "demo", desk_body)
                    end = time.perf_counter()
                    seal_us.append((sealed - start) * 1e6)
                    outbox_ms.append((end - sealed) * 1000)
                    sealed_ms.append((end - start) * 1000)
                for number in range(min(BLOCK, requests - block)):
                    start = time.perf_counter()
                    bare.execute("BEGIN")
                    bare.execute(
                        "INSERT INTO requests (idempotency_key, tracking_code, service_id, agency_id, mode, body,"
                        " state, next_attempt_at, created_at, updated_at)"
                        " VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
                        (str(uuid.uuid4()), f"b{block}-{number}", "mazandaran-water.new-connection",
                         "mazandaran-water", "demo", body, time.time(), "2026-11-23T10:00:00Z", "2026-11-23T10:00:00Z"),
                    )  # fmt: skip
                    bare.execute("COMMIT")
                    bare_ms.append((time.perf_counter() - start) * 1000)
        finally:
            store.close()
            bare.close()
    outbox_s, bare_s, desk_s = summary(outbox_ms, 3), summary(bare_ms, 3), summary(sealed_ms, 3)
    seal_s = summary(seal_us, 1)
    ratio = statistics.median(outbox_ms) / statistics.median(bare_ms)
    details = {"requests": requests, "seal_and_enqueue_ms": desk_s, "outbox_ms": outbox_s, "bare_sqlite_ms": bare_s,
               "seal_us": seal_s, "folder": disk_folder()}  # fmt: skip
    return [
        Figure(
            "enqueue_p99", f"seal + enqueue, committed with fsync ({requests:,} requests)", desk_s["p99"], "ms",
            "p99 <= 15 ms", 15.0, shown=f"p99 {desk_s['p99']:.2f} ms, median {desk_s['median']:.2f} ms",
            details=details,
        ),
        Figure(
            "seal_us", "sealing one request's answers (median)", seal_s["median"], "us", "<= 500 us", 500.0,
            shown=f"median {seal_s['median']:.0f} us, p99 {seal_s['p99']:.0f} us", details={"seal_us": seal_s},
        ),
        Figure(
            "enqueue_vs_sqlite", "enqueue vs a bare sqlite3 insert + commit (medians)", round(ratio, 2), "x",
            "<= 1.5 x bare sqlite3", 1.5,
            shown=f"{outbox_s['median']:.3f} ms vs {bare_s['median']:.3f} ms = {ratio:.2f} x",
            details={"outbox_ms": outbox_s, "bare_sqlite_ms": bare_s},
        ),
    ]  # fmt: skip


if __name__ == "__main__":
    sys.exit(run_alone(__doc__, measure, "requests"))
