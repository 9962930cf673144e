"""The central server's intake, empty and at a province's scale, against the bare-insert ceiling.

    .venv/bin/python -m benchmarks.central_load [--prefilled 1000000] [--kiosks 8] [--requests 100]
        [--seconds 20] [--rounds 3] [--workers 2] [--postgres-url postgresql+psycopg://...]
        [--cache-dir DIR] [--baseline PATH]

For each database (SQLite, and PostgreSQL from --postgres-url or KIOSK_TEST_POSTGRES_URL):

- **bare insert**: the ceiling. A minimal FastAPI app (``bare_app``), served by uvicorn exactly as
  ``kiosk-central serve`` serves the project (same options, same worker count), whose POST parses
  the same JSON body and makes one durable insert (SQLite: WAL, ``synchronous=FULL``; PostgreSQL:
  a committed transaction) into a table of its own, in a database of the same kind;
- **pishkhan, empty**: ``kiosk-central serve`` on a fresh database;
- **pishkhan, N stored**: the same on a database holding N requests of a province's year
  (``benchmarks/province_requests.py``: made once, kept in --cache-dir for SQLite and in a
  ``province_<N>_s<seed>`` schema for PostgreSQL, and given back its N rows after each run);
- with ``--baseline PATH`` (a checkout of another revision, e.g. ``git worktree add /tmp/base main``),
  that revision's server on the same two databases, in the same run.

Each run: a server started, N kiosks registered, each a client thread with one HTTP connection
posting new requests (new Idempotency-Keys, the real body) one after another as fast as answers
come back, after a few warm-up posts, until its --requests are sent or --seconds have passed.
Each configuration runs --rounds times, the configurations in turn, and is reported by its median
round's requests/s, with p50/p95/p99 latency over all its rounds; then the project's throughput as
a ratio of the ceiling and of its own empty database. Table on stdout, and
benchmarks/results/central.json.

Bounded: at most 20,000 requests per run, --seconds per run, 30 s per request. Client threads
share the machine's cores with the server, alike for every row, so the ratios are what to compare.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import httpx
from fastapi import Body, FastAPI, Header
from fastapi.responses import JSONResponse
from sqlalchemy import create_engine, text

from benchmarks.common import Figure, disk_folder, in_schema, percentile, postgres_schema, quick
from kiosk.central.app import open_store
from kiosk.central.settings import Settings
from kiosk.core.tracking import make_tracking_code

RESULTS = Path(__file__).resolve().parent / "results" / "central.json"
ROOT = Path(__file__).resolve().parents[1]
MAX_TOTAL = 20_000
WARM_UP = 5  # posts per kiosk before the clock starts
BARE_URL_ENV = "KIOSK_BENCH_BARE_URL"
# The tables a run adds rows to, in the order they are emptied of them again.
ADDED_TO = ("status_changes", "tracking_failures", "requests", "heartbeats", "usage_events", "kiosks")


@dataclass
class Result:
    database: str
    server: str  # "bare insert", "pishkhan", "baseline"
    stored_before: int
    workers: int
    kiosks: int
    requests: int
    stored: int
    failed: int
    seconds: float
    per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    rounds: list[float] = field(default_factory=list)  # each round's requests/s
    note: str = ""


# --- the ceiling: a bare FastAPI app, one durable insert per POST -----------------------------


def bare_app(url: str | None = None) -> Any:
    """POST /api/v1/requests: parse the JSON body, insert it with its key, commit; 201. Nothing else."""
    url = url or os.environ[BARE_URL_ENV]
    local = threading.local()
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")

        def connection() -> Any:
            if not hasattr(local, "db"):
                db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=FULL")
                local.db = db
            return local.db

        def insert(key: str, data: str) -> int:
            db = connection()
            with write_turn:
                db.execute("BEGIN IMMEDIATE")
                row_id = db.execute(
                    "INSERT INTO bare_requests (idempotency_key, body) VALUES (?, ?) RETURNING id", (key, data)
                ).fetchone()[0]
                db.execute("COMMIT")
            return int(row_id)

        write_turn = threading.Lock()  # as the project's SQLite writers take turns in-process
    else:
        import psycopg

        dsn = url.replace("postgresql+psycopg://", "postgresql://")

        def insert(key: str, data: str) -> int:
            if not hasattr(local, "db"):
                local.db = psycopg.connect(dsn)
            with local.db.transaction():
                row = local.db.execute(
                    "INSERT INTO bare_requests (idempotency_key, body) VALUES (%s, %s) RETURNING id", (key, data)
                ).fetchone()
            return int(row[0])

    app = FastAPI()

    @app.post("/api/v1/requests", status_code=201)
    def submit(
        body: Annotated[dict[str, Any], Body()], key: Annotated[str, Header(alias="Idempotency-Key")] = ""
    ) -> JSONResponse:
        row_id = insert(key, json.dumps(body, ensure_ascii=False))
        return JSONResponse({"reference": str(row_id), "status": "received"}, status_code=201)

    @app.get("/openapi.json")
    def ready() -> dict[str, str]:
        return {"ready": "yes"}

    return app


def bare_app_from_environment() -> Any:
    return bare_app()


def _make_bare_table(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            key = "id INTEGER PRIMARY KEY" if engine.dialect.name == "sqlite" else "id BIGSERIAL PRIMARY KEY"
            connection.execute(
                text(f"CREATE TABLE IF NOT EXISTS bare_requests ({key}, idempotency_key VARCHAR(36), body TEXT)")
            )
    finally:
        engine.dispose()


def _serve_bare(url: str, port: int, workers: int) -> None:
    """Served as ``kiosk-central serve`` serves the project (kiosk/central/__main__.py)."""
    import uvicorn

    if workers > 1:
        os.environ[BARE_URL_ENV] = url
        uvicorn.run(
            "benchmarks.central_load:bare_app_from_environment", factory=True, host="127.0.0.1", port=port,
            workers=workers, ws="none", proxy_headers=True, log_level="info",
        )  # fmt: skip
    else:
        uvicorn.run(bare_app(url), host="127.0.0.1", port=port, ws="none", log_level="info")


# --- servers --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _process(command: list[str], log_path: Path, cwd: Path = ROOT, env: dict[str, str] | None = None) -> Iterator[str]:
    """A server on 127.0.0.1 (``--port`` is the command's last argument but one), until it answers."""
    port = _free_port()
    log = open(log_path, "w")
    process = subprocess.Popen(
        [*command, "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, cwd=cwd, env=env or dict(os.environ)
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(url + "/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(log_path.read_text()) from None
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


def _project_command(data_dir: Path, db_url: str | None, workers: int) -> list[str]:
    command = [sys.executable, "-m", "kiosk.central", "serve", "--data-dir", str(data_dir),
               "--workers", str(workers), "--rate-per-minute", "1000000"]  # fmt: skip
    return command + (["--db", db_url] if db_url else [])


@contextmanager
def _server(data_dir: Path, db_url: str | None, workers: int, checkout: Path | None = None) -> Iterator[str]:
    """``kiosk-central serve`` on ``data_dir`` (and ``db_url``), from this checkout or another."""
    env = dict(os.environ)
    if checkout is not None:
        env["PYTHONPATH"] = str(checkout)
    with _process(_project_command(data_dir, db_url, workers), data_dir / "server.log", checkout or ROOT, env) as url:
        yield url


# --- load -----------------------------------------------------------------------------------


def _body(number: int, sequence: int) -> dict[str, Any]:
    return {
        "tracking_code": make_tracking_code(number, 10_000 + sequence),
        "service_id": "mazandaran-water.new-connection", "agency_id": "mazandaran-water",
        "mode": "live", "profile": "bench", "catalog_version": "bench",
        "created_at": datetime.now(UTC).isoformat(),
        "fields": {"full_name": "علی رضایی", "national_id": f"{number:03d}{sequence:07d}",
                   "mobile": "09121234567", "consent": True},
    }  # fmt: skip


@dataclass
class Load:
    """How hard each run pushes: kiosks posting at once, posts per kiosk, and at most how long
    (a run on a slow server stops early; its throughput is what it managed until then)."""

    kiosks: int
    per_kiosk: int
    seconds: float


@dataclass
class Measured:
    latencies: list[float]
    failed: int
    elapsed: float
    stored: int


def _load(url: str, tokens: list[tuple[int, str]], load: Load) -> tuple[list[float], int, float]:
    """(latencies in seconds, failed posts, wall seconds) of the kiosks posting together."""
    per_kiosk = load.per_kiosk
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(tokens) + 1)

    def kiosk(number: int, token: str) -> None:
        mine: list[float] = []
        bad = 0
        with httpx.Client(base_url=url, timeout=30) as client:

            def post(sequence: int) -> bool:
                headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}
                try:
                    return (
                        client.post("/api/v1/requests", json=_body(number, sequence), headers=headers).status_code
                        == 201
                    )
                except httpx.HTTPError:
                    return False

            for sequence in range(WARM_UP):
                post(per_kiosk + sequence)
            barrier.wait()
            stop = time.perf_counter() + load.seconds
            for sequence in range(per_kiosk):
                start = time.perf_counter()
                if start > stop:
                    break
                ok = post(sequence)
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
    return latencies, sum(failures), time.perf_counter() - began


def _result(
    database: str, server: str, stored_before: int, workers: int, kiosks: int, rounds: list[Measured]
) -> Result:
    """One row from a configuration's rounds: the median round's throughput, latencies pooled."""
    rates = sorted(len(m.latencies) / m.elapsed for m in rounds)
    ms = [x * 1000 for m in rounds for x in m.latencies]
    return Result(
        database=database, server=server, stored_before=stored_before, workers=workers, kiosks=kiosks,
        requests=len(ms), stored=sum(m.stored for m in rounds), failed=sum(m.failed for m in rounds),
        seconds=round(sum(m.elapsed for m in rounds), 2), per_second=round(statistics.median(rates), 1),
        p50_ms=round(statistics.median(ms), 1), p95_ms=round(percentile(ms, 95), 1),
        p99_ms=round(percentile(ms, 99), 1), rounds=[round(r, 1) for r in rates],
    )  # fmt: skip


# --- databases --------------------------------------------------------------------------------


@dataclass
class Target:
    """A database to run the project on: its URL (None: SQLite in the data folder), the server
    secret its answers were stored under, and the requests it held before the run."""

    database: str
    url: str | None
    secret: bytes | None
    stored_before: int


def _prefilled_sqlite(cache_dir: Path, count: int, seed: int) -> Target:
    from benchmarks.province_requests import fill, secret_for

    path = cache_dir / f"province-{count}-s{seed}.db"
    if not _sqlite_holds(path, count):
        for stale in cache_dir.glob(path.name + "*"):
            stale.unlink()
        cache_dir.mkdir(parents=True, exist_ok=True)
        print(f"filling {path} with {count} requests (once; kept for later runs)", flush=True)
        fill(f"sqlite:///{path}", count, seed=seed)
    return Target("sqlite", f"sqlite:///{path}", secret_for(seed), count)


def _sqlite_holds(path: Path, count: int) -> bool:
    if not path.exists():
        return False
    try:
        with sqlite3.connect(path) as db:
            return bool(db.execute("SELECT max(id) FROM requests").fetchone()[0] == count)
    except sqlite3.Error:
        return False


def _prefilled_postgres(base: str, count: int, seed: int) -> Target:
    from benchmarks.province_requests import fill, secret_for

    schema = f"province_{count}_s{seed}"
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM information_schema.tables WHERE table_schema = :s AND table_name = 'requests'"),
                {"s": schema},
            ).first()
            held = connection.execute(text(f'SELECT max(id) FROM "{schema}".requests')).scalar() if exists else None
            if held != count:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        admin.dispose()
    url = in_schema(base, schema)
    if held != count:
        print(f"filling PostgreSQL schema {schema} with {count} requests (once; kept for later runs)", flush=True)
        fill(url, count, seed=seed)
    return Target("postgresql", url, secret_for(seed), count)


def _give_back(url: str, marks: dict[str, int]) -> None:
    """Delete what a run added to a pre-filled database (rows above the marks), so the next run
    starts from the same N rows. SQLite: without foreign-key checks (each deleted row would scan
    the table for rows naming it as their duplicate: no index leads with ``duplicate_of_id``);
    PostgreSQL: with a passing index on that column for the same reason."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            else:
                connection.execute(text("CREATE INDEX bench_duplicate_of ON requests (duplicate_of_id)"))
            for table in ADDED_TO:
                column = "request_id" if table == "tracking_failures" else "id"
                connection.execute(text(f"DELETE FROM {table} WHERE {column} > :mark"), {"mark": marks[table]})
            if engine.dialect.name != "sqlite":
                connection.execute(text("DROP INDEX bench_duplicate_of"))
    finally:
        engine.dispose()


def _marks(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            marks = {}
            for table in ("status_changes", "requests", "heartbeats", "usage_events", "kiosks"):
                marks[table] = int(connection.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar() or 0)
            marks["tracking_failures"] = marks["requests"]
            return marks
    finally:
        engine.dispose()


# --- runs -----------------------------------------------------------------------------------


def run_project(target: Target, load: Load, workers: int, checkout: Path | None) -> Measured:
    """One round of the project's server (this checkout's, or ``checkout``'s) on ``target``; a
    pre-filled database is given back its rows afterwards, an empty PostgreSQL schema emptied."""
    with tempfile.TemporaryDirectory(dir=disk_folder()) as folder:
        data_dir = Path(folder)
        if target.secret is not None:
            (data_dir / "secret.key").write_text(target.secret.hex() + "\n", encoding="ascii")
        store = open_store(Settings(data_dir=data_dir, db_url=target.url), migrate=True)
        marks = _marks(target.url) if target.url else None
        try:
            tokens = [store.kiosks.add(f"bench {i}") for i in range(load.kiosks)]
        finally:
            store.db.dispose()
        try:
            with _server(data_dir, target.url, workers, checkout) as url:
                latencies, failed, elapsed = _load(url, tokens, load)
            engine = create_engine(Settings(data_dir=data_dir, db_url=target.url).database_url)
            try:
                with engine.connect() as connection:
                    added = connection.execute(
                        text("SELECT count(*) FROM requests WHERE id > :mark"),
                        {"mark": (marks or {}).get("requests", 0)},
                    ).scalar()
            finally:
                engine.dispose()
        finally:
            if marks is not None and target.url:
                _give_back(target.url, marks)
    return Measured(latencies, failed, elapsed, int(added or 0) - load.kiosks * WARM_UP)


def run_bare(url: str, load: Load, workers: int) -> Measured:
    """One round of the bare-insert app on ``url`` (its table emptied first)."""
    _make_bare_table(url)
    tokens = [(number, "bare") for number in range(1, load.kiosks + 1)]
    with tempfile.TemporaryDirectory(dir=disk_folder()) as folder:
        command = [sys.executable, "-m", "benchmarks.central_load", "--serve-bare", url, "--workers", str(workers)]
        with _process(command, Path(folder) / "bare.log") as server:
            latencies, failed, elapsed = _load(server, tokens, load)
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            stored = int(connection.execute(text("SELECT count(*) FROM bare_requests")).scalar() or 0)
            connection.execute(text("DELETE FROM bare_requests"))
    finally:
        engine.dispose()
    return Measured(latencies, failed, elapsed, stored - load.kiosks * WARM_UP)


def run_database(
    database: str, base: str | None, prefilled: int, load: Load, rounds: int, workers: int, cache_dir: Path,
    baseline: Path | None, seed: int,
) -> list[Result]:  # fmt: skip
    """The ceiling, the project empty and at ``prefilled`` stored (and the baseline's), on one
    database kind: ``rounds`` rounds of each, taken in turn (so a busy moment of the machine
    falls on all of them alike), each reported by its median round."""
    from benchmarks.province_requests import secret_for

    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=disk_folder())))
        if database == "sqlite":
            bare_url = f"sqlite:///{folder / 'bare.db'}"
            empty = Target(database, None, secret_for(seed), 0)  # a fresh data folder each round
        else:
            assert base is not None
            bare_url = stack.enter_context(postgres_schema(base))
            empty = Target(database, stack.enter_context(postgres_schema(base)), secret_for(seed), 0)
        targets = [empty]
        if prefilled:
            targets.append(
                _prefilled_sqlite(cache_dir, prefilled, seed)
                if database == "sqlite"
                else _prefilled_postgres(str(base), prefilled, seed)
            )
        configs: list[tuple[str, int, Callable[[], Measured]]] = [
            ("bare insert", 0, lambda: run_bare(bare_url, load, workers))
        ]
        for target in targets:
            configs.append(("pishkhan", target.stored_before, lambda t=target: run_project(t, load, workers, None)))
            if baseline is not None:
                configs.append(
                    ("baseline", target.stored_before, lambda t=target: run_project(t, load, workers, baseline))
                )
        measured: dict[int, list[Measured]] = {i: [] for i in range(len(configs))}
        for round_number in range(rounds):
            for index, (server, stored_before, run) in enumerate(configs):
                print(f"  {database} {server} {stored_before} stored, round {round_number + 1}", flush=True)
                measured[index].append(run())
        return [
            _result(database, server, stored_before, workers, load.kiosks, measured[index])
            for index, (server, stored_before, _run) in enumerate(configs)
        ]


# --- reports --------------------------------------------------------------------------------


def ratios(results: list[Result]) -> dict[str, dict[str, float | None]]:
    """Per database and server: throughput / bare insert, and at N stored / empty."""
    found: dict[str, dict[str, float | None]] = {}
    for database in sorted({r.database for r in results}):
        rows = [r for r in results if r.database == database and not r.note]
        bare = next((r.per_second for r in rows if r.server == "bare insert"), None)
        for server in ("pishkhan", "baseline"):
            empty = next((r.per_second for r in rows if r.server == server and r.stored_before == 0), None)
            full = next((r.per_second for r in rows if r.server == server and r.stored_before > 0), None)
            if empty is None:
                continue
            found[f"{database} {server}"] = {
                "empty_vs_bare": round(empty / bare, 2) if bare else None,
                "prefilled_vs_bare": round(full / bare, 2) if bare and full else None,
                "prefilled_vs_empty": round(full / empty, 2) if full else None,
            }
    return found


def print_results(results: list[Result]) -> None:
    header = (f"{'database':<11} {'server':<12} {'stored':>9} {'workers':>7} {'kiosks':>6} {'requests':>8} "
              f"{'failed':>6} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")  # fmt: skip
    print(header)
    print("-" * len(header))
    for r in results:
        if r.note:
            print(f"{r.database:<11} {r.server:<12} {r.note}")
            continue
        print(f"{r.database:<11} {r.server:<12} {r.stored_before:>9} {r.workers:>7} {r.kiosks:>6} {r.requests:>8} "
              f"{r.failed:>6} {r.per_second:>8.1f} {r.p50_ms:>8.1f} {r.p95_ms:>8.1f} {r.p99_ms:>8.1f}")  # fmt: skip
    for name, values in ratios(results).items():
        shown = ", ".join(f"{k.replace('_', ' ')} {v:.2f}" for k, v in values.items() if v is not None)
        print(f"{name}: {shown}")


def run_all(
    prefilled: int, load: Load, rounds: int, workers: int, postgres_url: str | None, cache_dir: Path,
    baseline: Path | None = None, seed: int = 1,
) -> list[Result]:  # fmt: skip
    results = run_database("sqlite", None, prefilled, load, rounds, 1, cache_dir, baseline, seed)
    if postgres_url:
        results += run_database("postgresql", postgres_url, prefilled, load, rounds, workers, cache_dir, baseline, seed)
    else:
        results.append(
            Result("postgresql", "-", 0, workers, load.kiosks, 0, 0, 0, 0, 0, 0, 0, 0, note="skipped: no URL")
        )
    return results


def write_results(results: list[Result]) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "benchmark": "central_load",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()},
        "results": [asdict(r) for r in results],
        "ratios": ratios(results),
    }
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def default_cache_dir() -> Path:
    return Path(disk_folder()) / "pishkhan-bench"


def measure(prefilled: int | None = None) -> list[Figure]:
    """For ``python -m benchmarks``: the issue's two targets, per database (``KIOSK_BENCH_PREFILLED``
    or --prefilled sets N; 1,000,000 by default, 2,000 with --quick)."""
    if prefilled is None:
        prefilled = int(os.environ.get("KIOSK_BENCH_PREFILLED", "2000" if quick() else "1000000"))
    load = Load(kiosks=8, per_kiosk=25, seconds=10) if quick() else Load(kiosks=8, per_kiosk=100, seconds=20)
    postgres_url = os.environ.get("KIOSK_TEST_POSTGRES_URL")
    results = run_all(prefilled, load, 1 if quick() else 3, 2, postgres_url, default_cache_dir())
    write_results(results)
    figures = []
    found = ratios(results)
    for database, title in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
        values = found.get(f"{database} pishkhan")
        rows = {(r.server, r.stored_before > 0): r for r in results if r.database == database and not r.note}
        if values is None:
            note = "skipped: no KIOSK_TEST_POSTGRES_URL" if database == "postgresql" else "not measured"
            figures.append(
                Figure(
                    f"central_{database}_scale",
                    f"Intake at {prefilled:,} stored, {title}",
                    None,
                    "",
                    "",
                    None,
                    note=note,
                )
            )
            continue
        empty, full, bare = rows[("pishkhan", False)], rows[("pishkhan", True)], rows[("bare insert", False)]
        scale = values["prefilled_vs_empty"]
        figures.append(Figure(
            f"central_{database}_scale", f"Intake at {prefilled:,} stored vs empty, {title}", scale, "×",
            "within 10 % of empty", None, floor=0.9,
            shown=f"{scale:.2f}× ({full.per_second:.0f} vs {empty.per_second:.0f} req/s)",
            details={"empty": asdict(empty), "prefilled": asdict(full)},
        ))  # fmt: skip
        ceiling = min(v for v in (values["empty_vs_bare"], values["prefilled_vs_bare"]) if v is not None)
        figures.append(Figure(
            f"central_{database}_ceiling", f"Intake / bare-insert ceiling, {title}", ceiling, "×",
            ">= 0.5× the bare insert", None, floor=0.5,
            shown=f"{ceiling:.2f}× ({empty.per_second:.0f} and {full.per_second:.0f} vs {bare.per_second:.0f} req/s)",
            details={"bare": asdict(bare)},
        ))  # fmt: skip
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prefilled", type=int, default=1_000_000, help="requests stored before (0: empty only)")
    parser.add_argument("--kiosks", type=int, default=8)
    parser.add_argument("--requests", type=int, default=100, help="per kiosk")
    parser.add_argument("--seconds", type=float, default=20, help="at most this long per run")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each server, taken in turn; the median counts")
    parser.add_argument("--workers", type=int, default=2, help="server processes for PostgreSQL (SQLite: 1)")
    parser.add_argument("--postgres-url", default=os.environ.get("KIOSK_TEST_POSTGRES_URL"))
    parser.add_argument(
        "--cache-dir", type=Path, default=default_cache_dir(), help="where pre-filled SQLite files stay"
    )
    parser.add_argument("--baseline", type=Path, help="a checkout of another revision, measured in the same run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--serve-bare", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_bare:
        _serve_bare(args.serve_bare, args.port, args.workers)
        return 0
    if not 1 <= args.kiosks <= 300 or args.kiosks * (args.requests + WARM_UP) > MAX_TOTAL:
        parser.error(f"1-300 kiosks and at most {MAX_TOTAL} requests per run")
    if args.baseline is not None and not (args.baseline / "kiosk" / "central").is_dir():
        parser.error(f"{args.baseline} is not a checkout of this project")
    load = Load(args.kiosks, args.requests, args.seconds)
    results = run_all(args.prefilled, load, args.rounds, args.workers, args.postgres_url, args.cache_dir,
                      args.baseline, args.seed)  # fmt: skip
    print_results(results)
    write_results(results)
    print(f"wrote {RESULTS}")
    return 0 if all(r.failed == 0 and r.stored == r.requests for r in results if not r.note) else 1


if __name__ == "__main__":
    sys.exit(main())
