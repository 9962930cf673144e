"""The technician's outbox commands that need no server: ``kiosk outbox status | export FILE``
(``drain`` delivers, so it lives with the link to the server: ``kiosk.link.drain``).

They work headless, on the same outbox file the kiosk uses (the kiosk may be running: SQLite's
WAL lets both read, and each write is a short transaction). Output never shows a citizen's
answers: tracking codes, services, states and the server's reasons only.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from kiosk.core.datafile import write_atomically
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


def open_store(path: Path, out: TextIO) -> OutboxStore | None:
    if not path.is_file():
        print(f"no outbox at {path} (nothing was ever filed on this kiosk)", file=out)
        return None
    try:
        return OutboxStore(path)
    except OutboxError as exc:
        print(str(exc), file=out)
        return None
