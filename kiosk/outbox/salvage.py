"""Salvage: every request SQLite can still read in a damaged outbox, re-queued into a working one.

Each request keeps its idempotency key and tracking code, so the server stores it once whatever
was delivered before the damage, and the citizen's code still tracks it. The damaged file is never
changed: it is read from a private copy (with its write-ahead log, which may hold the latest
commits), and stays where it is for a technician. Rows are read every way SQLite still allows:
the whole table forwards and backwards (a damaged page stops a scan, not what was read before it),
then one by one by id, the ids coming from the table and from its indexes, which live on other
pages. A row whose text cannot be decoded or does not hold a whole request is counted as lost.

At start (``open_outbox``) a damaged outbox is kept aside and salvaged into a new one, and so is
every ``outbox.db.damaged-…`` file beside it not yet salvaged (older kiosks kept files aside,
healthy ones among them, and never read them again). ``kiosk outbox salvage FILE`` does the same
for any file a technician names.
"""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.core.tracking import KIOSK_DIGITS, SEQUENCE_DIGITS, is_valid_tracking_code
from kiosk.outbox.store import (
    OutboxDamaged,
    OutboxStore,
    OutboxUnavailable,
    TakenOver,
    describe,
    keep_aside,
)

log = logging.getLogger(__name__)

_TEXT_COLUMNS = ("idempotency_key", "tracking_code", "service_id", "agency_id", "body", "created_at")
# Ways to list the table's ids besides the table itself: each index is its own b-tree.
_ID_QUERIES = (
    "SELECT id FROM requests ORDER BY id",
    "SELECT id FROM requests ORDER BY id DESC",
    "SELECT id FROM requests ORDER BY tracking_code",
    "SELECT id FROM requests ORDER BY idempotency_key",
    "SELECT id FROM requests ORDER BY state, next_attempt_at",
)


@dataclass(frozen=True)
class Found:
    """What could be read from a damaged outbox file."""

    rows: list[dict[str, Any]]
    lost: int  # requests known to exist (by id) that could not be read whole
    sequence: int  # the highest tracking-code sequence seen: new codes must stay above it
    readable: bool = True  # False: SQLite could not read the table of requests at all (lost unknown)


@dataclass(frozen=True)
class Salvaged:
    source: Path
    found: Found
    taken: TakenOver

    @property
    def complete(self) -> bool:
        """Every request of the file is now in the outbox."""
        return self.found.readable and not self.found.lost and not self.taken.clashes

    def summary(self) -> str:
        """One line for the log and the technician (tracking codes and counts, nothing personal)."""
        taken = self.taken
        text = (
            f"salvaged {self.source}: {len(self.found.rows)} request(s) read, {taken.requeued} re-queued for"
            f" delivery, {taken.kept} kept as delivered or rejected, {taken.already} already in the outbox"
        )
        if not self.found.readable:
            text += "; SQLite cannot read its table of requests at all: what it held stays only in that file"
        if self.found.lost:
            text += f"; {self.found.lost} could not be read and stay only in that file"
        if taken.clashes:
            text += (
                f"; {len(taken.clashes)} not re-queued, their tracking code is already another request's:"
                f" {', '.join(taken.clashes)}"
            )
        return text


def read_damaged(path: Path) -> Found:
    """Every request that can still be read from the outbox file at ``path`` (left unchanged).
    Raises ``OutboxUnavailable`` when the file cannot even be copied (no space, no permission)."""
    with tempfile.TemporaryDirectory(prefix="outbox-salvage-") as folder:
        copy = Path(folder) / "outbox.db"
        try:
            shutil.copyfile(path, copy)
            wal = Path(f"{path}-wal")
            if wal.exists():
                shutil.copyfile(wal, Path(f"{copy}-wal"))
        except OSError as exc:
            raise OutboxUnavailable(f"{path} cannot be copied to be salvaged: {describe(exc)}") from exc
        try:
            db = sqlite3.connect(copy, isolation_level=None)
        except sqlite3.Error:
            return Found([], 0, 0, readable=False)
        try:
            return _read(db)
        finally:
            db.close()


def _read(db: sqlite3.Connection) -> Found:
    db.row_factory = sqlite3.Row
    rows: dict[int, dict[str, Any]] = {}
    ids: set[int] = set()
    readable = False
    for sql in ("SELECT * FROM requests ORDER BY id", "SELECT * FROM requests ORDER BY id DESC"):
        readable |= _each(db, sql, lambda row: rows.setdefault(row["id"], dict(row)))
    for sql in _ID_QUERIES:
        readable |= _each(db, sql, lambda row: ids.add(row[0]))
    ids.update(range(1, max(ids | rows.keys(), default=0) + 1))  # ids are never reused nor skipped
    for request_id in sorted(ids - rows.keys()):
        _each(db, "SELECT * FROM requests WHERE id = ?", lambda row: rows.setdefault(row["id"], dict(row)), request_id)
    usable = [row for _id, row in sorted(rows.items()) if _whole(row)]
    sequence = max([_sequence(row["tracking_code"]) for row in usable] + [_stored_sequence(db)])
    return Found(usable, len(ids | rows.keys()) - len(usable), sequence, readable or bool(rows))


def _each(db: sqlite3.Connection, sql: str, take: Callable[[sqlite3.Row], object], *args: Any) -> bool:
    """``take`` each row until the end or the first one SQLite cannot read (what came before
    counts); True when the query ran to its end."""
    try:
        for row in db.execute(sql, args):
            take(row)
    except (sqlite3.Error, ValueError):
        return False
    return True


def _stored_sequence(db: sqlite3.Connection) -> int:
    try:
        row = db.execute("SELECT value FROM meta WHERE key = 'sequence'").fetchone()
        return int(row[0]) if row else 0
    except (sqlite3.Error, ValueError, TypeError):
        return 0


def _whole(row: dict[str, Any]) -> bool:
    """A request that can be sent as it was filed: every text there, its body a JSON object that
    names the same tracking code, a valid code and mode."""
    try:
        if not all(isinstance(row[column], str) and row[column] for column in _TEXT_COLUMNS):
            return False
        body = json.loads(row["body"])
    except (KeyError, ValueError):
        return False
    return (
        isinstance(body, dict)
        and body.get("tracking_code") == row["tracking_code"]
        and is_valid_tracking_code(row["tracking_code"])
        and row.get("mode") in ("demo", "live")
    )


def _sequence(code: str) -> int:
    return int(code[KIOSK_DIGITS : KIOSK_DIGITS + SEQUENCE_DIGITS])


def salvage_into(store: OutboxStore, source: Path) -> Salvaged:
    """Re-queue what can be read of ``source`` into ``store``, and log what was done."""
    found = read_damaged(source)
    result = Salvaged(source, found, store.take_over(found.rows, found.sequence, source.name))
    (log.info if result.complete else log.error)("%s", result.summary())
    return result


def kept_aside(outbox: Path) -> list[Path]:
    """The damaged outbox files kept aside beside ``outbox`` (by this kiosk or an older one)."""
    return sorted(
        p for p in outbox.parent.glob(f"{outbox.name}.damaged-*") if not p.name.endswith(("-wal", "-shm", "-journal"))
    )


def open_salvaging(path: Path) -> tuple[OutboxStore, list[Salvaged]]:
    """The outbox at ``path``, and what was salvaged into it. A damaged outbox is kept aside (never
    deleted) and a new one started; then every file kept aside beside it and not yet salvaged is.
    Raises ``OutboxUnavailable`` (the file left as it is) or ``OutboxVersionError``; a salvage that
    fails is logged and tried again at the next open, the outbox working meanwhile."""
    try:
        store = OutboxStore(path)
    except OutboxDamaged as exc:
        log.error("%s", exc)
        try:
            kept = keep_aside(path)
        except OSError as error:
            raise OutboxUnavailable(f"the damaged outbox {path} cannot be kept aside: {describe(error)}") from error
        log.error("the damaged outbox was kept aside as %s; its readable requests go to a new outbox", kept)
        store = OutboxStore(path)
    return store, list(_salvage_all(store, (p for p in kept_aside(path) if store.salvaged_at(p.name) is None)))


def _salvage_all(store: OutboxStore, files: Iterable[Path]) -> Iterable[Salvaged]:
    for source in files:
        try:
            yield salvage_into(store, source)
        except (OutboxUnavailable, sqlite3.Error) as exc:
            log.error("%s could not be salvaged now (tried again at the next start): %s", source, describe(exc))
