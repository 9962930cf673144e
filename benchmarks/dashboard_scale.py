"""The staff dashboard at a province's scale: the request list, its filters, the duplicates view and
the fleet page at 1,000,000 stored requests, and the memory a CSV export of 100,000 takes.

    .venv/bin/python -m benchmarks.dashboard_scale [--requests 1000000] [--runs 20]
                                                   [--postgres-url postgresql+psycopg://.../bench_me]

Part of ``python -m benchmarks`` (``--dashboard-requests N`` there; ``--quick``: 20,000 requests).
The databases are filled once by ``benchmarks.province_requests.fill`` (a year of a province's
requests: real services, duplicates, statuses, answers encrypted as the server keeps them) and
reused: SQLite under ``KIOSK_BENCH_DASHBOARD_DIR`` (default: a folder on disk), PostgreSQL at
``--postgres-url`` / ``KIOSK_BENCH_POSTGRES_URL`` (a database of the benchmark's own, filled when
empty; skipped, said so, without one).

For each database the real server runs in a process of its own (uvicorn on 127.0.0.1), and a
client logged in as the province's administrator (and as one agency's supervisor) times each page
from request to last byte, after one warm-up, ``--runs`` times: page 1 of the default list, a deep
page (the 1,000th of 50, by the key its "next" link carries), each filter the list offers (agency,
a busy and a rare service, each status, demo, a week's dates, a tracking code), the possible
duplicates (page 1 and a deep page), an agency's staff member's list and duplicates, and the fleet
page with each of its filters. Target: every page under 50 ms, median and p95. The same pages are
timed on a database of 10,000 requests (filled alike) in a second server, the two servers' loads
alternating, so the ratio says what the million costs whatever the machine's load (PostgreSQL's
small database: ``KIOSK_BENCH_POSTGRES_SMALL_URL``, another database of the benchmark's own).

Then the CSV export of the service whose requests number nearest 100,000 (all of them, live and
demo), twice, each in a fresh server process: streamed (``/requests.csv``) and built whole in memory
as the export was before issue 21 (the same code path, the rows gathered into a list and the file
into one bytes object: ``/requests.whole.csv``, added to the app by this benchmark only). The server's
peak RSS growth over its RSS before the download (``VmHWM`` after resetting it through
``/proc/PID/clear_refs``) is the figure; target: under 50 MiB streamed. Both files must be the same
bytes. Writes ``benchmarks/results/dashboard_scale.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import httpx
from fastapi import Depends, Request
from fastapi.responses import Response
from sqlalchemy import create_engine, text

from benchmarks.common import Figure, disk_folder, percentile, quick, rss_kib
from kiosk.central.dashboard import StaffUser
from kiosk.central.pages import Filters, request_filters

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "dashboard_scale.json"
REQUESTS = 1_000_000
QUICK_REQUESTS = 20_000
# The same pages are timed on a database of this many requests too, side by side (alternating).
SMALL_REQUESTS = 10_000
SEED = 1
PASSWORD = "province benchmark password"  # every user ``province_requests.fill`` makes has it
PAGE_TARGET_MS = 50.0
CSV_ROWS = 100_000
CSV_TARGET_MIB = 50.0
PAGE = 50  # the list's page size
DEEP_PAGE = 1000


def bench_dir() -> Path:
    return Path(os.environ.get("KIOSK_BENCH_DASHBOARD_DIR") or Path(disk_folder()) / "pishkhan-dashboard-bench")


# --- the databases ---------------------------------------------------------------------------------


def sqlite_database(count: int) -> str:
    """A SQLite database of ``count`` requests, filled once and kept (a marker says it is whole)."""
    from benchmarks.province_requests import fill

    folder = bench_dir() / f"sqlite-{count}"
    url = f"sqlite:///{folder / 'central.db'}"
    if not (folder / "filled").exists():
        for name in ("central.db", "central.db-wal", "central.db-shm"):
            (folder / name).unlink(missing_ok=True)
        folder.mkdir(parents=True, exist_ok=True)
        began = time.perf_counter()
        fill(url, count, seed=SEED)
        (folder / "filled").write_text(f"{count} requests in {time.perf_counter() - began:.0f} s\n")
    return url


def postgres_database(url: str, count: int) -> str | None:
    """The PostgreSQL database at ``url`` with ``count`` requests: filled when empty; None (with a
    word on stderr) when it holds another number of them."""
    from benchmarks.province_requests import fill

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            exists = connection.scalar(text("SELECT to_regclass('requests') IS NOT NULL"))
            stored = connection.scalar(text("SELECT count(*) FROM requests")) if exists else 0
    finally:
        engine.dispose()
    if stored == 0:
        fill(url, count, seed=SEED)
    elif stored != count:
        print(f"dashboard_scale: {url} holds {stored} requests, not {count}: PostgreSQL skipped", file=sys.stderr)
        return None
    return url


@contextmanager
def facts_of(url: str) -> Iterator[Any]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def cases_for(url: str) -> tuple[list[tuple[str, str, str]], dict[str, Any]]:
    """(name, user, path) of every timed page, from what the database holds (read once, untimed)."""
    from kiosk.central.jalali import persian_date
    from kiosk.central.store.requests import PageKey
    from kiosk.core.persian import to_ascii_digits

    def key_at(connection: Any, where: str, offset: int) -> str | None:
        row = connection.execute(
            text(f"SELECT received_at, id FROM requests WHERE {where} ORDER BY received_at DESC, id DESC "
                 f"LIMIT 1 OFFSET {offset}")
        ).first()  # fmt: skip
        if row is None:
            return None
        at = row[0] if isinstance(row[0], datetime) else datetime.fromisoformat(str(row[0]))
        return PageKey(at.replace(tzinfo=UTC) if at.tzinfo is None else at, row[1]).text()

    with facts_of(url) as connection:
        agencies = connection.execute(
            text("SELECT agency_id, count(*) AS n FROM requests GROUP BY agency_id ORDER BY n DESC")
        ).all()
        services = connection.execute(
            text("SELECT service_id, count(*) AS n FROM requests GROUP BY service_id ORDER BY n DESC")
        ).all()
        newest = connection.scalar(text("SELECT max(received_at) FROM requests"))
        code = connection.scalar(
            text("SELECT tracking_code FROM requests WHERE id = (SELECT max(id) / 2 FROM requests)")
        )
        duplicates = connection.scalar(text("SELECT count(*) FROM requests WHERE duplicate_of_id IS NOT NULL"))
        demo = connection.scalar(text("SELECT count(*) FROM requests WHERE mode = 'demo'"))
        live = connection.scalar(text("SELECT count(*) FROM requests WHERE mode = 'live'"))
        live_duplicates = connection.scalar(
            text("SELECT count(*) FROM requests WHERE duplicate_of_id IS NOT NULL AND mode = 'live'")
        )
        # Page 1000 (50 of the duplicates), or the last page of a database too small to have it.
        deep = key_at(connection, "mode = 'live'", max(0, min(DEEP_PAGE * PAGE, live - PAGE) - 1))
        deep_duplicates = key_at(
            connection, "duplicate_of_id IS NOT NULL AND mode = 'live'", max(0, min(50 * PAGE, live_duplicates - 1) - 1)
        )
        supervisor = connection.scalar(
            text("SELECT name FROM users WHERE role = 'supervisor' AND name LIKE :agency || '-%' ORDER BY id LIMIT 1"),
            {"agency": agencies[0][0]},
        )
    newest_at = newest if isinstance(newest, datetime) else datetime.fromisoformat(str(newest))
    week_start = to_ascii_digits(persian_date(newest_at - timedelta(days=120)))
    week_end = to_ascii_digits(persian_date(newest_at - timedelta(days=114)))
    busy_service, rare_service = services[0][0], services[-1][0]
    cases = [
        ("list, page 1 (live requests)", "admin", "/requests"),
        (f"list, page {DEEP_PAGE} by its key (small: its last)", "admin", f"/requests?after={deep}" if deep else ""),
        ("list, every mode (live and demo)", "admin", "/requests?mode=all"),
        ("filter: demo requests", "admin", "/requests?mode=demo"),
        ("filter: the busiest agency", "admin", f"/requests?agency={agencies[0][0]}"),
        ("filter: the quietest agency", "admin", f"/requests?agency={agencies[-1][0]}"),
        ("filter: the busiest service", "admin", f"/requests?service={busy_service}"),
        ("filter: the rarest service", "admin", f"/requests?service={rare_service}"),
        *[
            (f"filter: status {status}", "admin", f"/requests?status={status}")
            for status in ("received", "in_review", "done", "rejected")
        ],
        ("filter: a week's dates, 4 months ago", "admin", f"/requests?from={week_start}&to={week_end}"),
        ("filter: a tracking code", "admin", f"/requests?code={code}"),
        ("duplicates view, page 1", "admin", "/requests?duplicates=1"),
        (
            "duplicates view, page 50 by its key (small: its last)",
            "admin",
            f"/requests?duplicates=1&after={deep_duplicates}" if deep_duplicates else "",
        ),
        ("an agency's supervisor: list, page 1", supervisor, "/requests"),
        ("an agency's supervisor: duplicates", supervisor, "/requests?duplicates=1"),
        ("an agency's supervisor: status rejected", supervisor, "/requests?status=rejected"),
        ("fleet, page 1", "admin", "/fleet"),
        ("fleet: silent over 10 minutes", "admin", "/fleet?silent=10m"),
        ("fleet: with a backlog", "admin", "/fleet?backlog=1"),
        ("fleet: behind the newest catalog", "admin", "/fleet?catalog=1"),
    ]
    csv_service = min(services, key=lambda pair: abs(pair[1] - CSV_ROWS))
    facts = {"agencies": len(agencies), "services": len(services), "duplicates": duplicates, "demo": demo,
             "busiest_agency": agencies[0][1], "quietest_agency": agencies[-1][1],
             "busiest_service": services[0][1], "rarest_service": services[-1][1],
             "csv_service": csv_service[0], "csv_rows": csv_service[1]}  # fmt: skip
    return [case for case in cases if case[2] and case[1]], facts


# --- the server, in a process of its own -----------------------------------------------------------


def serve(url: str, port: int) -> None:
    """The real app (plus ``/requests.whole.csv``, the export as it was: whole in memory) under uvicorn."""
    import uvicorn

    from kiosk.central import exports
    from kiosk.central.app import create_app
    from kiosk.central.dashboard import board_of
    from kiosk.central.settings import Settings

    settings = Settings(data_dir=Path(tempfile.mkdtemp(prefix="dashboard-bench-")), db_url=url)
    app = create_app(settings)

    @app.get("/requests.whole.csv", include_in_schema=False)
    def whole_csv(
        request: Request, staff: StaffUser, filters: Annotated[Filters, Depends(request_filters)]
    ) -> Response:
        board = board_of(request)
        criteria, _errors = filters.criteria(settings.display_utc_offset_minutes)
        board.forms.refresh()
        requests = board.store.requests
        records = [exports._exported(row, requests.answers(row)) for row in requests.export_rows(criteria, staff.user)]
        body = exports.service_table(board.forms, filters.service, records, settings.display_utc_offset_minutes)
        return Response(body, media_type="text/csv; charset=utf-8")

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(url: str) -> Iterator[tuple[str, int]]:
    from benchmarks.province_requests import secret_for

    port = free_port()
    env = dict(os.environ, KIOSK_CENTRAL_SECRET=secret_for(SEED).hex(), PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.dashboard_scale", "--serve", url, "--port", str(port)], cwd=ROOT, env=env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/login", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the benchmark's server did not start")
            time.sleep(0.2)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def logged_in(base: str, name: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=600)
    page = client.get("/login")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, "no login form"
    answer = client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": found.group(1)})
    if answer.status_code != 303:
        raise RuntimeError(f"cannot log in as {name}: {answer.status_code}")
    return client


# --- the measurements --------------------------------------------------------------------------------


def time_pages(
    bases: dict[str, str], cases: dict[str, list[tuple[str, str, str]]], runs: int
) -> dict[str, list[dict[str, Any]]]:
    """Each case on each server (the large database and the small one), their loads alternating, so
    a machine whose load wanders slows both alike."""
    clients: dict[tuple[str, str], httpx.Client] = {}
    timings: dict[str, list[dict[str, Any]]] = {label: [] for label in bases}
    try:
        named = {label: {case[0]: case for case in cases[label]} for label in bases}
        for name, _user, _path in cases[next(iter(bases))]:
            here = [label for label in bases if name in named[label]]
            seconds: dict[str, list[float]] = {label: [] for label in here}
            rows: dict[str, int] = {}
            for run in range(runs + 1):
                for label in here:
                    base = bases[label]
                    _name, user, path = named[label][name]
                    client = clients.get((label, user))
                    if client is None:
                        client = clients[label, user] = logged_in(base, user)
                    began = time.perf_counter()
                    answer = client.get(path)
                    took = time.perf_counter() - began
                    if answer.status_code != 200:
                        raise RuntimeError(f"{label} {path}: {answer.status_code}")
                    if run == 0:  # the warm-up
                        rows[label] = len(re.findall(r'<tr class="(?:demo|revoked|stale)?">', answer.text))
                    else:
                        seconds[label].append(took * 1000)
            line = f"  {name:<42}"
            for label in here:
                milliseconds = seconds[label]
                found = {"case": name, "user": named[label][name][1], "path": named[label][name][2],
                         "rows": rows[label], "median_ms": round(statistics.median(milliseconds), 1),
                         "p95_ms": round(percentile(milliseconds, 95), 1)}  # fmt: skip
                timings[label].append(found)
                line += f" {label}: {found['median_ms']:6.1f} ms (p95 {found['p95_ms']:6.1f}, {rows[label]} rows)"
            print(line, flush=True)
    finally:
        for client in clients.values():
            client.close()
    return timings


def peak_growth_mib(pid: int, action: Callable[[], bytes]) -> tuple[float, bytes, float]:
    """The server's peak RSS growth while ``action`` runs (MiB), what it returned, and its seconds."""
    clear = Path(f"/proc/{pid}/clear_refs")
    clear.write_text("5")  # VmHWM := the current RSS
    before = rss_kib(pid)
    began = time.perf_counter()
    body = action()
    seconds = time.perf_counter() - began
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    assert found
    return (int(found.group(1)) - before) / 1024, body, seconds


def export_memory(url: str, service: str) -> dict[str, Any]:
    """Each way of exporting in a fresh server: streamed, then whole (the way it was)."""
    found: dict[str, Any] = {}
    bodies = {}
    for way, path in (("streamed", "/requests.csv"), ("whole", "/requests.whole.csv")):
        with server(url) as (base, pid), closing(logged_in(base, "admin")) as client:
            client.get("/requests")  # the catalog's names read, the app warm

            def download(path: str = path) -> bytes:
                answer = client.get(path, params={"service": service, "mode": "all"})
                if answer.status_code != 200:
                    raise RuntimeError(f"{path}: {answer.status_code}")
                return answer.content

            growth, body, seconds = peak_growth_mib(pid, download)
            bodies[way] = body
            found[way] = {"peak_growth_mib": round(growth, 1), "seconds": round(seconds, 2), "bytes": len(body),
                          "rows": body.count(b"\n") - 1}  # fmt: skip
            print(f"  CSV export {way:<9} {growth:6.1f} MiB peak growth, {seconds:.1f} s, {len(body):,} bytes")
    found["same_bytes"] = bodies["streamed"] == bodies["whole"]
    return found


def measure_database(label: str, url: str, small_url: str | None, count: int, runs: int) -> dict[str, Any]:
    cases, facts = cases_for(url)
    print(f"-- {label}, {count:,} requests: {facts}", flush=True)
    bases: dict[str, str] = {}
    all_cases = {"large": cases}
    with ExitStack() as stack:
        bases["large"] = stack.enter_context(server(url))[0]
        if small_url is not None:
            all_cases["small"], facts["small"] = cases_for(small_url)
            bases["small"] = stack.enter_context(server(small_url))[0]
        timed = time_pages(bases, all_cases, runs)
    export = export_memory(url, facts["csv_service"])
    return {"database": label, "facts": facts, "pages": timed["large"], "small_pages": timed.get("small", []),
            "export": export}  # fmt: skip


def measure(count: int | None = None, runs: int | None = None, postgres_url: str | None = None) -> list[Figure]:
    count = count or int(os.environ.get("KIOSK_BENCH_DASHBOARD_REQUESTS") or (QUICK_REQUESTS if quick() else REQUESTS))
    runs = runs or (5 if quick() else 20)
    postgres_url = postgres_url or os.environ.get("KIOSK_BENCH_POSTGRES_URL")
    small = SMALL_REQUESTS if count > SMALL_REQUESTS else None
    results = [
        measure_database("SQLite", sqlite_database(count), sqlite_database(small) if small else None, count, runs)
    ]
    if postgres_url:
        filled = postgres_database(postgres_url, count)
        small_url = os.environ.get("KIOSK_BENCH_POSTGRES_SMALL_URL")
        small_filled = postgres_database(small_url, small) if small and small_url else None
        if filled:
            results.append(measure_database("PostgreSQL", filled, small_filled, count, runs))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({"when": datetime.now(UTC).isoformat(timespec="seconds"), "requests": count, "small": small,
                    "runs": runs, "load_average": os.getloadavg(), "databases": results}, ensure_ascii=False,
                   indent=2) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    figures = []
    for result in results:
        pages = result["pages"]
        worst = max(pages, key=lambda page: page["p95_ms"])
        small_medians = {page["case"]: page["median_ms"] for page in result["small_pages"]}
        ratios = [page["median_ms"] / small_medians[page["case"]] for page in pages if page["case"] in small_medians]
        against = f"; {count:,} vs {small:,} requests, side by side: median ratio {statistics.median(ratios):.2f}, " \
            f"worst {max(ratios):.2f}" if ratios else ""  # fmt: skip
        figures.append(
            Figure(
                f"dashboard_pages_{result['database'].lower()}",
                f"Dashboard pages at {count:,} requests, {result['database']}, slowest p95",
                worst["p95_ms"], "ms", f"every page < {PAGE_TARGET_MS:.0f} ms", PAGE_TARGET_MS,
                shown=f"{worst['p95_ms']:.1f} ms ({worst['case']}); median of medians "
                f"{statistics.median(p['median_ms'] for p in pages):.1f} ms over {len(pages)} pages{against}",
                details={"pages": pages, "small_pages": result["small_pages"]},
            )
        )  # fmt: skip
        export = result["export"]
        figures.append(
            Figure(
                f"dashboard_csv_memory_{result['database'].lower()}",
                f"CSV export of {export['streamed']['rows']:,} requests, {result['database']}, server peak RSS growth",
                export["streamed"]["peak_growth_mib"], "MiB", f"< {CSV_TARGET_MIB:.0f} MiB", CSV_TARGET_MIB,
                shown=f"{export['streamed']['peak_growth_mib']:.1f} MiB streamed (whole in memory, as before: "
                f"{export['whole']['peak_growth_mib']:.1f} MiB); same bytes: {export['same_bytes']}",
                details=export,
            )
        )  # fmt: skip
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=None, help=f"stored requests (default {REQUESTS:,})")
    parser.add_argument("--runs", type=int, default=None, help="timed loads of each page (default 20)")
    parser.add_argument("--postgres-url", default=None, help="a PostgreSQL database of the benchmark's own")
    parser.add_argument("--serve", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.port)
        return 0
    for figure in measure(args.requests, args.runs, args.postgres_url):
        print(f"{figure.title}: {figure.shown} [{'met' if figure.met else 'MISSED'}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
