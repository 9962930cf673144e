"""Many kiosks posting at once to the real central server, on SQLite and on PostgreSQL.

    .venv/bin/python -m benchmarks.central_load [--kiosks 20] [--requests 25] [--workers 2]
                                                [--postgres-url postgresql+psycopg://...]

For each database: a fresh data folder (and, for PostgreSQL, a fresh schema dropped afterwards),
``kiosk-central serve`` started as a subprocess on 127.0.0.1, N kiosks registered, then N client
threads (one HTTP connection each, like N kiosks) released together, each posting its requests
with new Idempotency-Keys as fast as answers come back. Reports requests/s and p50/p99 latency as
a table and writes benchmarks/results/central.json. PostgreSQL comes from --postgres-url or
KIOSK_TEST_POSTGRES_URL and is skipped (said so in the table) without either.

Bounded: at most 20,000 requests per database, 30 s per request, --deadline seconds in all.
Client threads share the machine with the server, so on a 2-core machine the numbers are a floor.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from kiosk.central.app import open_store
from kiosk.central.settings import Settings
from kiosk.core.tracking import make_tracking_code

RESULTS = Path(__file__).resolve().parent / "results" / "central.json"
MAX_TOTAL = 20_000


@dataclass
class Result:
    database: str
    workers: int
    kiosks: int
    requests: int
    stored: int
    failed: int
    seconds: float
    per_second: float
    p50_ms: float
    p99_ms: float
    note: str = ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _postgres_schema(base: str) -> Iterator[str]:
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in base else "?"
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def _server(data_dir: Path, db_url: str | None, workers: int) -> Iterator[str]:
    port = _free_port()
    command = [sys.executable, "-m", "kiosk.central", "serve", "--port", str(port), "--data-dir", str(data_dir),
               "--workers", str(workers), "--rate-per-minute", "1000000"]  # fmt: skip
    if db_url:
        command += ["--db", db_url]
    log = open(data_dir / "server.log", "w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url + "/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((data_dir / "server.log").read_text()) from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def run_one(database: str, db_url: str | None, kiosks: int, per_kiosk: int, workers: int) -> Result:
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        store = open_store(Settings(data_dir=data_dir, db_url=db_url), migrate=True)
        try:
            tokens = [store.kiosks.add(f"bench {i}") for i in range(kiosks)]
        finally:
            store.db.dispose()
        with _server(data_dir, db_url, workers) as url:
            latencies: list[float] = []
            failures: list[int] = []
            lock = threading.Lock()
            barrier = threading.Barrier(kiosks + 1)

            def kiosk(number: int, token: str) -> None:
                mine: list[float] = []
                bad = 0
                with httpx.Client(base_url=url, timeout=30) as client:
                    client.get("/openapi.json")
                    barrier.wait()
                    for sequence in range(per_kiosk):
                        body = {
                            "tracking_code": make_tracking_code(number, 10_000 + sequence),
                            "service_id": "mazandaran-water.new-connection", "agency_id": "mazandaran-water",
                            "mode": "demo", "profile": "bench", "catalog_version": "bench",
                            "created_at": datetime.now(UTC).isoformat(),
                            "fields": {"full_name": "علی رضایی", "national_id": f"{number:03d}{sequence:07d}",
                                       "mobile": "09121234567", "consent": True},
                        }  # fmt: skip
                        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}
                        start = time.perf_counter()
                        try:
                            response = client.post("/api/v1/requests", json=body, headers=headers)
                            ok = response.status_code == 201
                        except httpx.HTTPError:
                            ok = False
                        mine.append(time.perf_counter() - start)
                        bad += 0 if ok else 1
                with lock:
                    latencies.extend(mine)
                    failures.append(bad)

            threads = [threading.Thread(target=kiosk, args=pair) for pair in tokens]
            for thread in threads:
                thread.start()
            barrier.wait()
            began = time.perf_counter()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - began
        store = open_store(Settings(data_dir=data_dir, db_url=db_url), migrate=False)
        try:
            with store.db.read() as session:
                stored = int(session.execute(text("SELECT count(*) FROM requests")).scalar_one())
        finally:
            store.db.dispose()
    ordered = sorted(latencies)
    return Result(
        database=database, workers=workers, kiosks=kiosks, requests=len(latencies), stored=stored,
        failed=sum(failures), seconds=round(elapsed, 2), per_second=round(len(latencies) / elapsed, 1),
        p50_ms=round(statistics.median(ordered) * 1000, 1),
        p99_ms=round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kiosks", type=int, default=20)
    parser.add_argument("--requests", type=int, default=25, help="per kiosk")
    parser.add_argument("--workers", type=int, default=2, help="server processes for PostgreSQL (SQLite: 1)")
    parser.add_argument("--postgres-url", default=os.environ.get("KIOSK_TEST_POSTGRES_URL"))
    parser.add_argument("--deadline", type=float, default=300, help="give up after this many seconds in all")
    args = parser.parse_args(argv)
    if not 1 <= args.kiosks <= 999 or args.kiosks * args.requests > MAX_TOTAL:
        parser.error(f"1-999 kiosks and at most {MAX_TOTAL} requests per database")

    started = time.monotonic()
    results: list[Result] = [run_one("sqlite", None, args.kiosks, args.requests, 1)]
    if not args.postgres_url:
        results.append(Result("postgresql", args.workers, args.kiosks, 0, 0, 0, 0, 0, 0, 0, "skipped: no URL"))
    elif time.monotonic() - started > args.deadline:
        results.append(Result("postgresql", args.workers, args.kiosks, 0, 0, 0, 0, 0, 0, 0, "skipped: deadline"))
    else:
        with _postgres_schema(args.postgres_url) as url:
            results.append(run_one("postgresql", url, args.kiosks, args.requests, args.workers))

    header = f"{'database':<11} {'workers':>7} {'kiosks':>6} {'requests':>8} {'stored':>6} {'failed':>6} " \
             f"{'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}"  # fmt: skip
    print(header)
    print("-" * len(header))
    for r in results:
        if r.note:
            print(f"{r.database:<11} {r.note}")
            continue
        print(f"{r.database:<11} {r.workers:>7} {r.kiosks:>6} {r.requests:>8} {r.stored:>6} {r.failed:>6} "
              f"{r.per_second:>8.1f} {r.p50_ms:>8.1f} {r.p99_ms:>8.1f}")  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "benchmark": "central_load",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()},
        "results": [asdict(r) for r in results],
    }
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")
    return 0 if all(r.failed == 0 and r.stored == r.requests for r in results if not r.note) else 1


if __name__ == "__main__":
    sys.exit(main())
