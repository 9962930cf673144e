"""The technician's outbox commands that need no server: ``kiosk outbox status | export FILE |
salvage FILE`` (``drain`` delivers, so it lives with the link to the server: ``kiosk.link.drain``).

They work headless, on the same outbox file the kiosk uses (the kiosk may be running: SQLite's
WAL lets both read, and each write is a short transaction). Output never shows a citizen's
answers: tracking codes, services, states and the server's reasons only. An outbox that is damaged
or cannot be opened or read is said so in a sentence, with what to do, and a non-zero exit; never
a traceback.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO, TypeVar

from kiosk.core.datafile import write_atomically
from kiosk.outbox.salvage import open_salvaging, salvage_into
from kiosk.outbox.store import OutboxDamaged, OutboxError, OutboxStore, describe

T = TypeVar("T")

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
    read = _read(store, out, lambda: (store.health(), store.rejected()))
    if read is None:
        return 1
    health, rejected = read
    counts = health.counts
    print(f"outbox: {store.path}", file=out)
    for state in ("pending", "sending", "delivered", "rejected"):
        print(f"  {state:<10} {counts[state]}", file=out)
    print(f"  delivered today: {health.delivered_today}", file=out)
    print(f"  oldest waiting: {age_text(health.oldest_pending_seconds)}", file=out)
    print(f"  last error: {health.last_error or 'none'}", file=out)
    for request in rejected:
        print(f"  rejected {request.tracking_code} {request.service_id}: {request.last_error}", file=out)
    return 0


def export(store: OutboxStore, target: Path, kiosk_number: int, out: TextIO | None = None) -> int:
    """Write every request not yet delivered to a file ``kiosk-central import`` takes. Answers
    leave only sealed to the central server's key: a request from before sealing whose answers
    are still in clear is sealed first when the key is known, and left out (said so) when not."""
    out = out or sys.stdout
    key = _read(store, out, store.server_key)
    if key is not None:
        from kiosk.core.sealing import Sealer

        if _read(store, out, lambda: store.seal_clear_answers(Sealer(key))) is None:
            return 1
    read = _read(store, out, store.pending)
    if read is None:
        return 1
    requests = [r for r in read if "fields" not in r.body]
    left_out = len(read) - len(requests)
    if left_out:
        print(
            f"{left_out} request(s) from before sealing left out: their answers are in clear and"
            " the server's key is not known here yet (deliver them, or export again once the kiosk has reached"
            " its server)",
            file=out,
        )
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
    print("the answers in it are sealed: only the central server can open them (`kiosk-central import`)", file=out)
    return 1 if left_out else 0


def _read(store: OutboxStore, out: TextIO, read: Callable[[], T]) -> T | None:
    """What ``read`` reads, or None once the reason it cannot be read is said (damage that
    ``quick_check`` does not see at open, such as a request's text that cannot be decoded)."""
    try:
        return read()
    except (sqlite3.Error, ValueError) as exc:
        print(f"the outbox {store.path} cannot be read: {describe(exc)}", file=out)
        print(_salvage_advice(store.path), file=out)
        return None


def _salvage_advice(path: Path) -> str:
    return (
        f"its readable requests go to a new outbox with: kiosk outbox salvage {path}"
        " (stop the kiosk first; the damaged file is kept as it is)"
    )


def open_store(path: Path, out: TextIO) -> OutboxStore | None:
    if not path.is_file():
        print(f"no outbox at {path} (nothing was ever filed on this kiosk)", file=out)
        return None
    try:
        return OutboxStore(path)
    except OutboxError as exc:
        print(str(exc), file=out)
        if isinstance(exc, OutboxDamaged):
            print(_salvage_advice(path), file=out)
        return None


def salvage(outbox: Path, source: Path, out: TextIO | None = None) -> int:
    """Re-queue every readable request of ``source`` (left unchanged) into the outbox at
    ``outbox``; ``source`` may be that outbox itself, when it is damaged (it is kept aside first).
    Exit 0 when every request of the file is now in the outbox, 1 when some stay behind."""
    out = out or sys.stdout
    if not source.is_file():
        print(f"no file at {source}", file=out)
        return 1
    own = source.resolve() == outbox.resolve()
    try:
        store, salvaged = open_salvaging(outbox)  # a damaged outbox is kept aside and salvaged here
    except OutboxError as exc:
        print(str(exc), file=out)
        return 1
    try:
        if own and not salvaged:
            print(f"{source} is this kiosk's outbox and is not damaged: nothing to salvage", file=out)
            return 0
        if not own and source.resolve() not in {result.source.resolve() for result in salvaged}:
            salvaged.append(salvage_into(store, source))
        for result in salvaged:
            print(result.summary(), file=out)
        return 0 if all(result.complete for result in salvaged) else 1
    except (OutboxError, sqlite3.Error) as exc:
        print(f"{source} could not be salvaged: {describe(exc)}", file=out)
        return 1
    finally:
        store.close()
