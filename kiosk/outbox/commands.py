"""The technician's outbox commands: ``kiosk outbox status | drain | export FILE``.

They work headless, on the same outbox file the kiosk uses (the kiosk may be running: SQLite's
WAL lets both read, and each write is a short transaction). Output never shows a citizen's
answers: tracking codes, services, states and the server's reasons only.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from kiosk.core.datafile import write_atomically
from kiosk.core.settings import KioskSettings
from kiosk.outbox.store import OutboxError, OutboxStore

EXPORT_KIND = "pishkhan-outbox-export"
EXPORT_FORMAT = 1


def age_text(seconds: float | None) -> str:
    """A waiting time as staff read it: '3 min 20 s', '2 h 5 min', '1 d 4 h'."""
    if seconds is None:
        return "none"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {secs} s"


def status(store: OutboxStore, out: TextIO | None = None) -> int:
    out = out or sys.stdout  # looked up now: a default bound at import would keep an old stream
    health = store.health()
    counts = health.counts
    print(f"outbox: {store.path}", file=out)
    for state in ("pending", "sending", "delivered", "rejected"):
        print(f"  {state:<10} {counts[state]}", file=out)
    print(f"  delivered today: {health.delivered_today}", file=out)
    print(f"  oldest waiting: {age_text(health.oldest_pending_seconds)}", file=out)
    print(f"  last error: {health.last_error or 'none'}", file=out)
    for request in store.rejected():
        print(f"  rejected {request.tracking_code} {request.service_id}: {request.last_error}", file=out)
    return 0


def export(store: OutboxStore, target: Path, kiosk_number: int, out: TextIO | None = None) -> int:
    """Write every request not yet delivered to a file ``kiosk-central import`` takes."""
    out = out or sys.stdout
    requests = store.pending()
    document = {
        "format": EXPORT_FORMAT,
        "kind": EXPORT_KIND,
        "kiosk_number": kiosk_number,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "requests": [{"idempotency_key": r.idempotency_key, "body": r.body} for r in requests],
    }
    data = (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, data)
    except OSError as exc:
        print(f"cannot write {target}: {exc.strerror or exc}", file=out)
        return 1
    print(f"exported {len(requests)} request(s) to {target}", file=out)
    print("the file holds citizens' personal data: carry it to the central server and delete it there", file=out)
    return 0


def progress_bar(out: TextIO) -> Callable[[int, int], None]:
    def show(done: int, left: int) -> None:
        total = max(done + left, 1)
        filled = round(30 * done / total)
        end = "\n" if left == 0 else ""
        print(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} delivered", end=end, file=out, flush=True)

    return show


def drain(store: OutboxStore, settings: KioskSettings, server_url: str, timeout: float, out: TextIO) -> int:
    """Deliver everything waiting now; 0 when the outbox is empty at the end."""
    import asyncio

    from kiosk.outbox.client import CentralClient
    from kiosk.outbox.sync import SyncEngine
    from kiosk.outbox.sync import drain as drain_engine

    if not server_url or not settings.server_token:
        print("no server address or token: set them in config.toml or KIOSK_SERVER_URL/KIOSK_SERVER_TOKEN", file=out)
        return 2
    counts = store.health().counts
    if counts["pending"] + counts["sending"] == 0:
        print("nothing to deliver", file=out)
        return 0
    print(f"delivering to {server_url} as kiosk {settings.kiosk_number}", file=out)
    client = CentralClient(server_url, settings.server_token)
    engine = SyncEngine(store, client, kiosk_number=settings.kiosk_number)

    async def run() -> bool:
        try:
            return await drain_engine(engine, store, timeout, progress_bar(out))
        finally:
            await engine.stop()

    try:
        emptied = asyncio.run(run())
    finally:
        client.close()
    if not emptied:
        health = store.health()
        left = health.counts["pending"] + health.counts["sending"]
        print(f"\nstopped with {left} request(s) still waiting: {engine.status.last_result or 'timeout'}", file=out)
        return 1
    print("outbox empty", file=out)
    return 0


def open_store(path: Path, out: TextIO) -> OutboxStore | None:
    if not path.is_file():
        print(f"no outbox at {path} (nothing was ever filed on this kiosk)", file=out)
        return None
    try:
        return OutboxStore(path)
    except OutboxError as exc:
        print(str(exc), file=out)
        return None
