"""The durable outbox: a SQLite file where every citizen request lives until the server has it.

WAL with ``synchronous=FULL``: a request is on disk (fsync) when ``enqueue`` returns, before the
citizen sees a tracking code. The schema is versioned (``PRAGMA user_version``): older files are
backed up and migrated forward; a file from a newer kiosk is refused with a clear message rather
than damaged. Rows left ``sending`` by a crash go back to ``pending`` when the store opens.

Opening tells two failures apart, because they call for opposite actions: ``OutboxUnavailable``
(no space, a lock held too long, no permission, a read-only disk, an I/O error: the file may be
perfectly good, and is left exactly where it is) and ``OutboxDamaged`` (SQLite says the file is not
a database or is corrupt, or ``PRAGMA quick_check`` finds damage: its readable requests are moved
to a new outbox by ``kiosk.outbox.salvage``). The check runs once, at open, never per request.

Answers: the request desk seals them to the central server's public key before they reach
``enqueue`` (``sealed_fields``, see ``kiosk.core.sealing``): the outbox never holds them in a form
the kiosk could read back. Once a request is delivered they are deleted from its row (only the
tracking code, service, state and times stay, for staff and the tracking look-up), with SQLite's
``secure_delete`` on so the freed space is zeroed. Rows from before sealing (schema 2) are sealed
as soon as the server's key is known (``seal_clear_answers``); delivered ones lose their answers
in the migration to schema 3.

Tracking codes: the sequence part never goes back (meta ``sequence``), and never down to the
floor the central server told for a kiosk number (meta ``sequence_floor:NNN``, raised by the
heartbeat's answer), so a replaced outbox does not issue codes the server already holds.

One connection, guarded by a lock: the outbox has a single writer, whichever thread calls it.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.core.sealing import KEY_BYTES, Sealer, parse_public_key, public_key_text
from kiosk.core.tracking import MAX_SEQUENCE, make_tracking_code, next_sequence
from kiosk.outbox.retry import MAX_RETRY_AFTER_SECONDS

SCHEMA_VERSION = 4
# Migrations to these versions make no backup copy: before 3 the file holds answers in clear; 4
# adds indexes only, in one transaction (a failure leaves the file as it was), and a copy would keep
# the sealed answers of requests delivered since.
_NO_BACKUP_BEFORE = {3, 4}
# The body keys that hold a citizen's answers: sealed (now) or in clear (files from before sealing).
ANSWER_KEYS = ("sealed_fields", "fields")

STATES = ("pending", "sending", "delivered", "rejected")
# How long a call waits for another connection's lock (another process: `kiosk outbox drain`, a
# technician's tool) before it fails with "database is locked".
BUSY_TIMEOUT_SECONDS = 10.0

# Each entry upgrades the schema from version i to i + 1.
_MIGRATIONS: list[str] = [
    """
    CREATE TABLE requests (
        id INTEGER PRIMARY KEY,
        idempotency_key TEXT NOT NULL UNIQUE,
        tracking_code TEXT NOT NULL UNIQUE,
        service_id TEXT NOT NULL,
        agency_id TEXT NOT NULL,
        mode TEXT NOT NULL CHECK (mode IN ('demo', 'live')),
        body TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'delivered', 'rejected')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL NOT NULL,
        last_error TEXT,
        server_reference TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        delivered_at TEXT
    );
    CREATE INDEX requests_due ON requests (state, next_attempt_at);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # 2: anonymous usage events (what was viewed, started, filed, abandoned; session lengths),
    # kept until the central server has them. No personal data: no answers, no search words.
    """
    CREATE TABLE usage_events (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        service_id TEXT,
        agency_id TEXT,
        at TEXT NOT NULL,
        profile TEXT NOT NULL,
        mode TEXT NOT NULL,
        duration_seconds REAL,
        sent INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX usage_unsent ON usage_events (sent, id);
    """,
    # 3: answers sealed to the central server's key; a delivered request keeps none.
    """
    UPDATE requests SET body = json_remove(body, '$.fields', '$.sealed_fields') WHERE state = 'delivered';
    """,
    # 4: every statement of delivery and of the health read (each heartbeat, each batch of
    # ``kiosk outbox drain``) reads by an index, so its cost does not grow with the backlog or the
    # history kept (issue 21), the counts per state aside (see ``health``). The next batch itself
    # needs none: ``requests_due`` holds the rows in the order it is taken (state, next_attempt_at,
    # then id, SQLite's rowid ending every index).
    # The oldest waiting request's age: one step into (state, created_at) per state.
    # The last error: the rows with one are few (a retry's or a refusal's), newest at the index's end.
    # Delivered today: the delivered rows by delivery time.
    """
    CREATE INDEX requests_age ON requests (state, created_at);
    CREATE INDEX requests_errors ON requests (updated_at) WHERE last_error IS NOT NULL;
    CREATE INDEX requests_delivered ON requests (delivered_at) WHERE state = 'delivered';
    """,
]


class OutboxError(Exception):
    """The outbox cannot store or read requests; the message is for staff and technicians."""


class OutboxVersionError(OutboxError):
    pass


class OutboxUnavailable(OutboxError):
    """The outbox cannot be opened now (space, lock, permissions, read-only, I/O); the file may be
    intact and is left as it is: opening it again later may succeed."""


class OutboxDamaged(OutboxError):
    """SQLite says the file is not a database or is corrupt: its readable requests can be salvaged."""


# SQLite's answers (primary result codes) that mean the file itself is broken. Anything else that
# stops an open (SQLITE_FULL, SQLITE_BUSY, SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_IOERR_*, …) says
# nothing against the file, so it is never moved aside for them.
_DAMAGE_CODES = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
# What a technician checks first for each kind of "cannot open now".
_HINTS = {
    "SQLITE_FULL": "is the disk full?",
    "SQLITE_IOERR": "is the disk full or failing?",
    "SQLITE_BUSY": "another program holds it",
    "SQLITE_LOCKED": "another program holds it",
    "SQLITE_READONLY": "can the kiosk's user write it and its folder?",
    "SQLITE_CANTOPEN": "can the kiosk's user write it and its folder?",
    "SQLITE_PERM": "can the kiosk's user write it and its folder?",
}
QUICK_CHECK_LINES = 10  # the most problems PRAGMA quick_check reports (the first few name the damage)


def is_damage(exc: sqlite3.Error) -> bool:
    """True when SQLite itself says the file is not a database or is corrupt."""
    return (getattr(exc, "sqlite_errorname", None) or "").startswith(_DAMAGE_CODES)


def describe(exc: BaseException) -> str:
    """An error as it may be logged and shown to staff: never a citizen's data. SQLite's own
    messages are fixed texts (they name tables and columns, never values); the sqlite3 module's
    own, such as a column that cannot be decoded, quote the stored text, so only their kind is
    given, as for any other exception but the operating system's."""
    if isinstance(exc, OutboxError):
        return str(exc)
    if isinstance(exc, sqlite3.Error) and getattr(exc, "sqlite_errorname", None):
        return f"{exc} ({exc.sqlite_errorname})"
    if isinstance(exc, OSError):
        return f"{type(exc).__name__}: {exc.strerror or exc.errno}"
    return type(exc).__name__


def _open_error(path: Path, exc: sqlite3.Error | OSError) -> OutboxError:
    if isinstance(exc, sqlite3.Error) and is_damage(exc):
        return OutboxDamaged(f"the outbox {path} is damaged: {describe(exc)}")
    name = getattr(exc, "sqlite_errorname", None) or ""
    hint = next((text for code, text in _HINTS.items() if name.startswith(code)), "")
    return OutboxUnavailable(
        f"the outbox {path} cannot be opened now: {describe(exc)}{'; ' + hint if hint else ''}."
        " It is left as it is and opened again later"
    )


def quick_check(db: sqlite3.Connection) -> list[str]:
    """What ``PRAGMA quick_check`` finds wrong (nothing: an empty list). It reads every page once
    (milliseconds for a kiosk's outbox), so it runs at open, never per request."""
    rows = [str(row[0]) for row in db.execute(f"PRAGMA quick_check({QUICK_CHECK_LINES})")]
    return [] if rows == ["ok"] else rows


def check_outbox(path: Path) -> list[str]:
    """``quick_check``'s findings on the outbox file at ``path``, read through a read-only
    connection (a running kiosk may have it open). Raises ``OutboxDamaged`` when SQLite does not
    take it for a database, ``OutboxUnavailable`` when it cannot be read now."""
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS)
        try:
            return quick_check(db)
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise _open_error(path, exc) from exc


def told_server_key(path: Path) -> bytes | None:
    """The server's key the outbox at ``path`` holds (None: none, or it cannot be read), read
    through a read-only connection (a running kiosk may have it open)."""
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (_SERVER_KEY,)).fetchone()
        finally:
            db.close()
        return parse_public_key(row[0]) if row else None
    except (sqlite3.Error, ValueError):
        return None


@dataclass(frozen=True)
class OutboxRequest:
    id: int
    idempotency_key: str
    tracking_code: str
    service_id: str
    agency_id: str
    mode: str
    body: dict[str, Any]
    state: str
    attempts: int
    next_attempt_at: float
    last_error: str | None
    server_reference: str | None
    created_at: str


@dataclass(frozen=True)
class TakenOver:
    """What ``OutboxStore.take_over`` did with the requests it was given."""

    requeued: int  # waiting requests, now pending here
    kept: int  # delivered or rejected ones, kept as they were
    already: int  # already here (same idempotency key)
    clashes: list[str]  # tracking codes another request here already has: not taken


# The meta key under which a salvaged file's name is recorded (the value: when).
_SALVAGED = "salvaged:"
# The meta keys of the tracking-code sequence: the last one issued here, and per kiosk number the
# highest the central server holds (told in its answer to the heartbeat). None is ever issued again.
_SEQUENCE = "sequence"
_FLOOR = "sequence_floor:"
# The central server's public key as it last told it (answers are sealed to it).
_SERVER_KEY = "server_key"


def _floor_key(kiosk_number: int) -> str:
    return f"{_FLOOR}{kiosk_number:03d}"


def _raise_meta(db: sqlite3.Connection, key: str, value: int) -> None:
    """Set an integer in the meta table to ``value`` unless it is already higher."""
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET"
        " value = CAST(MAX(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER)) AS TEXT)",
        (key, str(value)),
    )


@dataclass(frozen=True)
class OutboxHealth:
    counts: dict[str, int]
    oldest_pending_seconds: float | None
    last_error: str | None
    delivered_today: int


def _utc_iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


CACHE_KIB = 512  # SQLite's page cache for the outbox (see OutboxStore.__init__)


class OutboxStore:
    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self._clock = clock
        # Re-entrant: a store call other than mark_*/release made inside one_commit() by its own
        # thread fails at once (a transaction inside a transaction) instead of waiting forever.
        self._lock = threading.RLock()
        self._one_commit_thread: int | None = None  # the thread inside one_commit(), if any
        db: sqlite3.Connection | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _side_files_follow(path)
            self._db = db = sqlite3.connect(
                path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_SECONDS
            )
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            # SQLite's page cache grows with the file up to 2 MiB by default: a kiosk that keeps
            # weeks of requests would grow by that much. Its reads are a few indexed rows at a time.
            db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            # Deleted answers (a delivered request's) are overwritten with zeros, not left in free pages.
            db.execute("PRAGMA secure_delete=ON")
            problems = quick_check(db)
            if problems:
                raise OutboxDamaged(f"the outbox {path} is damaged: {'; '.join(problems[:3])}")
            self._migrate()
            # A write at open, even with nothing to release: an outbox the kiosk cannot write
            # (read-only, a root-owned copy) is found now, not when a citizen has filled a form.
            self._release_sending()
        except (sqlite3.Error, OSError, OutboxError) as exc:
            if db is not None:
                db.close()  # a file that failed to open is not held open (a disk could not be unmounted)
            if isinstance(exc, OutboxError):
                raise
            raise _open_error(path, exc) from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- schema ----------------------------------------------------------------------------

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            self._db.close()
            raise OutboxVersionError(
                f"the outbox {self.path} was written by a newer kiosk (schema {version}; this kiosk reads "
                f"up to {SCHEMA_VERSION}). Install the newer kiosk again; the queued requests are kept as they are."
            )
        if version == SCHEMA_VERSION:
            return
        if version > 0 and not _NO_BACKUP_BEFORE & set(range(version + 1, SCHEMA_VERSION + 1)):
            self._backup(f"v{version}")
        for target in range(version + 1, SCHEMA_VERSION + 1):
            # executescript commits whatever is open before it runs, so the script carries its
            # own transaction: the new tables and the version number land together or not at all.
            try:
                self._db.executescript(
                    f"BEGIN IMMEDIATE;\n{_MIGRATIONS[target - 1]}\nPRAGMA user_version = {target};\nCOMMIT;"
                )
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    def _backup(self, label: str) -> None:
        target = self.path.with_name(f"{self.path.name}.before-upgrade-{label}")
        backup = sqlite3.connect(target)
        try:
            self._db.backup(backup)
        finally:
            backup.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
            self._db.execute("COMMIT")
        except BaseException:
            # SQLite has already rolled back by itself on some errors (a full disk): rolling back
            # again would replace the real reason with "no transaction is active".
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise

    def _release_sending(self) -> None:
        with self._lock, self._transaction() as db:
            db.execute("UPDATE requests SET state = 'pending' WHERE state = 'sending'")

    # --- salvage -----------------------------------------------------------------------------

    def take_over(self, rows: list[dict[str, Any]], sequence: int, source: str) -> TakenOver:
        """Re-queue requests read from another outbox file (``kiosk.outbox.salvage``), in one commit,
        each with its own idempotency key and tracking code: waiting ones as ``pending`` and due
        now, delivered and rejected ones kept as they were (the tracking look-up and staff see
        them). A key already here is skipped; a tracking code already used by another request here
        is not taken (two requests cannot share one). The sequence never goes back below
        ``sequence``, so no new code repeats a salvaged one; ``source`` is recorded as salvaged."""
        now = self._clock()
        stamp = _utc_iso(now)
        requeued = kept = already = 0
        clashes: list[str] = []
        with self._lock, self._transaction() as db:
            for row in rows:
                if db.execute("SELECT 1 FROM requests WHERE idempotency_key = ?", (row["idempotency_key"],)).fetchone():
                    already += 1
                    continue
                if db.execute("SELECT 1 FROM requests WHERE tracking_code = ?", (row["tracking_code"],)).fetchone():
                    clashes.append(row["tracking_code"])
                    continue
                done = row.get("state") in ("delivered", "rejected")
                db.execute(
                    "INSERT INTO requests (idempotency_key, tracking_code, service_id, agency_id, mode, body, state,"
                    " attempts, next_attempt_at, last_error, server_reference, created_at, updated_at, delivered_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        row["idempotency_key"], row["tracking_code"], row["service_id"], row["agency_id"],
                        row["mode"], row["body"], row["state"] if done else "pending",
                        int(row.get("attempts") or 0) if done else 0, now, row.get("last_error") if done else None,
                        row.get("server_reference") if done else None, row["created_at"], stamp,
                        row.get("delivered_at") if done else None,
                    ),
                )  # fmt: skip
                kept += done
                requeued += not done
            _raise_meta(db, _SEQUENCE, sequence)
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (_SALVAGED + source, stamp),
            )
        return TakenOver(requeued, kept, already, clashes)

    def salvaged_at(self, source: str) -> str | None:
        """When the file named ``source`` was salvaged into this outbox (None: never)."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (_SALVAGED + source,)).fetchone()
        return row[0] if row else None

    # --- tracking-code sequence ----------------------------------------------------------------

    def raise_sequence_floor(self, kiosk_number: int, highest: int) -> None:
        """The central server holds codes of ``kiosk_number`` up to sequence ``highest``: no code
        issued here from now on has a sequence at or below it (kept in the meta table, so a restart
        keeps it; a lower floor told later never lowers it)."""
        if not 0 <= highest <= MAX_SEQUENCE:
            raise ValueError(f"a sequence floor is 0 to {MAX_SEQUENCE}, not {highest}")
        with self._lock, self._transaction() as db:
            _raise_meta(db, _floor_key(kiosk_number), highest)

    def knows_where_codes_start(self, kiosk_number: int) -> bool:
        """True once this outbox has issued a code or the server told its highest sequence for
        ``kiosk_number``: a new outbox (a replaced PC, a file lost beyond salvage) knows neither,
        and the codes of the one it replaces may have run ahead of the clock."""
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM meta WHERE key IN (?, ?)", (_SEQUENCE, _floor_key(kiosk_number))
            ).fetchone()
        return row is not None

    def sequence_floor(self, kiosk_number: int) -> int:
        """The highest sequence the central server said it holds for ``kiosk_number`` (0: none told)."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (_floor_key(kiosk_number),)).fetchone()
        return int(row[0]) if row else 0

    # --- the central server's key ---------------------------------------------------------------

    def server_key(self) -> bytes | None:
        """The public key the central server last told (None: not yet)."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (_SERVER_KEY,)).fetchone()
        try:
            return parse_public_key(row[0]) if row else None
        except ValueError:
            return None

    def learn_server_key(self, key: bytes) -> bool:
        """Keep the key the server told (its answer to a heartbeat); True when it is new here.
        Requests still holding answers in clear (filed before sealing) are sealed to it."""
        if len(key) != KEY_BYTES:
            raise ValueError(f"a server key has {KEY_BYTES} bytes, not {len(key)}")
        text = public_key_text(key)
        with self._lock:
            with self._transaction() as db:
                row = db.execute("SELECT value FROM meta WHERE key = ?", (_SERVER_KEY,)).fetchone()
                if row is not None and row[0] == text:
                    return False
                db.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?)"
                    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (_SERVER_KEY, text),
                )
            self.seal_clear_answers(Sealer(key))
        return True

    def seal_clear_answers(self, sealer: Sealer) -> int:
        """Seal the answers of requests filed before sealing (schema 2) that are still here, in one
        commit; returns how many. Cheap when there are none (one scan of the waiting rows)."""
        with self._lock, self._transaction() as db:
            rows = db.execute(
                "SELECT id, body FROM requests WHERE state != 'delivered' AND json_type(body, '$.fields') IS NOT NULL"
            ).fetchall()
            for row in rows:
                body = json.loads(row["body"])
                body["sealed_fields"] = sealer.seal(body.pop("fields"))
                text = json.dumps(body, ensure_ascii=False)
                db.execute("UPDATE requests SET body = ? WHERE id = ?", (text, row["id"]))
        return len(rows)

    # --- writing ---------------------------------------------------------------------------

    def enqueue(
        self, kiosk_number: int, service_id: str, agency_id: str, mode: str, body: dict[str, Any]
    ) -> OutboxRequest:
        """Store a request durably and give it its tracking code and idempotency key.

        Raises OutboxError when it could not be committed (full disk, read-only file): then no
        tracking code exists and none may be shown.
        """
        now = self._clock()
        stamp = _utc_iso(now)
        key = str(uuid.uuid4())
        try:
            with self._lock, self._transaction() as db:
                meta = dict(
                    db.execute(
                        "SELECT key, value FROM meta WHERE key IN (?, ?)", (_SEQUENCE, _floor_key(kiosk_number))
                    ).fetchall()
                )
                sequence = next_sequence(
                    int(meta.get(_SEQUENCE, 0)),
                    datetime.fromtimestamp(now, UTC),
                    floor=int(meta.get(_floor_key(kiosk_number), 0)),
                )
                code = make_tracking_code(kiosk_number, sequence)
                # The body is sent as it is stored: the central server's request contract (v1).
                stored = dict(
                    body, tracking_code=code, service_id=service_id, agency_id=agency_id, mode=mode, created_at=stamp
                )
                text = json.dumps(stored, ensure_ascii=False)
                cursor = db.execute(
                    "INSERT INTO requests (idempotency_key, tracking_code, service_id, agency_id, mode, body,"
                    " state, next_attempt_at, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
                    (key, code, service_id, agency_id, mode, text, now, stamp, stamp),
                )
                db.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?)"
                    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (_SEQUENCE, str(sequence)),
                )
                request_id = int(cursor.lastrowid or 0)
        except OverflowError as exc:  # every tracking code of this kiosk is used
            raise OutboxError(f"the request could not be stored: {exc}") from exc
        except sqlite3.Error as exc:
            raise OutboxError(f"the request could not be stored: {describe(exc)}") from exc
        # What was just committed, without reading it back (the body parsed from the text stored,
        # so the caller's dict is never shared).
        return OutboxRequest(
            id=request_id, idempotency_key=key, tracking_code=code, service_id=service_id, agency_id=agency_id,
            mode=mode, body=json.loads(text), state="pending", attempts=0, next_attempt_at=now, last_error=None,
            server_reference=None, created_at=stamp,
        )  # fmt: skip

    def claim_due(self, limit: int = 20, ignore_schedule: bool = False) -> list[OutboxRequest]:
        """Pending requests whose time has come (all of them if ``ignore_schedule``), marked
        ``sending``, the soonest due first: a new request is due when it is stored, so new ones go
        oldest first, and a retry takes its turn when its wait is over.

        Read by the index ``requests_due`` (state, next_attempt_at, id) in its own order: the due
        rows are where that index starts, so a batch costs the same at 50 requests waiting or
        50,000 (the backlog was read whole and sorted for each batch before)."""
        now = self._clock()
        # A retry is never scheduled further ahead than the longest wait; one that is, was scheduled
        # before the clock jumped back, and is due now (else it would wait out the jump). Those go
        # first: they have waited longest.
        jumped = now + MAX_RETRY_AFTER_SECONDS + 60
        columns = "SELECT * FROM requests WHERE state = 'pending'"
        order = " ORDER BY next_attempt_at, id LIMIT ?"
        with self._lock, self._transaction() as db:
            if ignore_schedule:
                rows = db.execute(columns + order, (limit,)).fetchall()
            else:
                rows = db.execute(columns + " AND next_attempt_at > ?" + order, (jumped, limit)).fetchall()
                if len(rows) < limit:
                    rows += db.execute(
                        columns + " AND next_attempt_at <= ?" + order, (now, limit - len(rows))
                    ).fetchall()
            if rows:
                marks = ",".join("?" * len(rows))
                db.execute(
                    f"UPDATE requests SET state = 'sending', updated_at = ? WHERE id IN ({marks})",
                    (_utc_iso(now), *[r["id"] for r in rows]),
                )
        return [self._request(row, state="sending") for row in rows]

    def mark_delivered(self, request_id: int, reference: str | None) -> None:
        """The server has it: its answers leave this kiosk (the row keeps code, service, times)."""
        now = self._clock()
        self._update(
            "UPDATE requests SET state = 'delivered', server_reference = ?, last_error = NULL,"
            " attempts = attempts + 1, delivered_at = ?, updated_at = ?,"
            " body = json_remove(body, '$.sealed_fields', '$.fields') WHERE id = ?",
            (reference, _utc_iso(now), _utc_iso(now), request_id),
        )

    def mark_retry(self, request_id: int, error: str, next_attempt_at: float) -> None:
        self._update(
            "UPDATE requests SET state = 'pending', last_error = ?, attempts = attempts + 1,"
            " next_attempt_at = ?, updated_at = ? WHERE id = ?",
            (error, next_attempt_at, _utc_iso(self._clock()), request_id),
        )

    def mark_rejected(self, request_id: int, reason: str) -> None:
        self._update(
            "UPDATE requests SET state = 'rejected', last_error = ?, attempts = attempts + 1,"
            " updated_at = ? WHERE id = ?",
            (reason, _utc_iso(self._clock()), request_id),
        )

    def release(self, request_ids: list[int]) -> None:
        """Give claimed requests back untouched (delivery paused, or shutting down)."""
        if request_ids:
            marks = ",".join("?" * len(request_ids))
            self._update(
                f"UPDATE requests SET state = 'pending' WHERE state = 'sending' AND id IN ({marks})", tuple(request_ids)
            )

    @contextmanager
    def one_commit(self) -> Iterator[None]:
        """The mark_* and release calls made by this thread inside the block share one transaction:
        a batch's outcomes cost one commit (one fsync), and are all written or none is."""
        with self._lock, self._transaction():
            self._one_commit_thread = threading.get_ident()
            try:
                yield
            finally:
                self._one_commit_thread = None

    def _update(self, sql: str, args: tuple[Any, ...]) -> None:
        if self._one_commit_thread == threading.get_ident():
            self._db.execute(sql, args)  # inside one_commit(): its lock and transaction are ours
            return
        with self._lock, self._transaction() as db:
            db.execute(sql, args)

    # --- reading ---------------------------------------------------------------------------

    def get(self, request_id: int) -> OutboxRequest:
        with self._lock:
            row = self._db.execute("SELECT * FROM requests WHERE id = ?", (request_id,)).fetchone()
        if row is None:
            raise KeyError(request_id)
        return self._request(row)

    def find_by_tracking_code(self, code: str) -> OutboxRequest | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM requests WHERE tracking_code = ?", (code,)).fetchone()
        return self._request(row) if row else None

    def next_due_at(self) -> float | None:
        with self._lock:
            row = self._db.execute("SELECT MIN(next_attempt_at) FROM requests WHERE state = 'pending'").fetchone()
        return row[0]

    def health(self) -> OutboxHealth:
        now = self._clock()
        midnight = datetime.fromtimestamp(now, UTC).replace(hour=0, minute=0, second=0)
        with self._lock:
            # Counted in the covering index requests_due: one step per row, delivered history and all
            # (SQLite keeps no counts); no more than that, once a heartbeat.
            counts = {state: 0 for state in STATES}
            for row in self._db.execute("SELECT state, COUNT(*) FROM requests GROUP BY state"):
                counts[row[0]] = row[1]
            # Per state, so that each is one step into requests_age (an IN reads every waiting row).
            firsts = [
                self._db.execute("SELECT MIN(created_at) FROM requests WHERE state = ?", (state,)).fetchone()[0]
                for state in ("pending", "sending")
            ]
            oldest = min((first for first in firsts if first), default=None)
            error = self._db.execute(
                "SELECT last_error FROM requests WHERE last_error IS NOT NULL ORDER BY updated_at DESC, id DESC LIMIT 1"
            ).fetchone()
            today = self._db.execute(
                # Named: left to itself the planner reads every delivered row by requests_due (state).
                "SELECT COUNT(*) FROM requests INDEXED BY requests_delivered"
                " WHERE state = 'delivered' AND delivered_at >= ?",
                (midnight.isoformat(timespec="seconds").replace("+00:00", "Z"),),
            ).fetchone()[0]
        age = None
        if oldest:
            age = max(0.0, now - datetime.fromisoformat(oldest.replace("Z", "+00:00")).timestamp())
        return OutboxHealth(counts, age, error[0] if error else None, today)

    # --- usage events ------------------------------------------------------------------------

    def record_usage(self, events: list[dict[str, Any]]) -> None:
        """Keep a session's usage events (one commit for the whole session)."""
        if not events:
            return
        rows = [
            (e["kind"], e.get("service_id"), e.get("agency_id"), e["at"], e["profile"], e["mode"],
             e.get("duration_seconds"))
            for e in events
        ]  # fmt: skip
        self._update_many(
            "INSERT INTO usage_events (kind, service_id, agency_id, at, profile, mode, duration_seconds)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def unsent_usage(self, limit: int = 500) -> list[tuple[int, dict[str, Any]]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM usage_events WHERE sent = 0 ORDER BY id LIMIT ?", (limit,)
            ).fetchall()
        return [
            (
                row["id"],
                {
                    "kind": row["kind"], "service_id": row["service_id"], "agency_id": row["agency_id"],
                    "at": row["at"], "profile": row["profile"], "mode": row["mode"],
                    "duration_seconds": row["duration_seconds"],
                },
            )
            for row in rows
        ]  # fmt: skip

    def mark_usage_sent(self, ids: list[int]) -> None:
        """The server has these; events sent more than 30 days ago are dropped for good."""
        if not ids:
            return
        marks = ",".join("?" * len(ids))
        month_ago = _utc_iso(self._clock() - 30 * 86400)
        with self._lock, self._transaction() as db:
            db.execute(f"UPDATE usage_events SET sent = 1 WHERE id IN ({marks})", tuple(ids))
            db.execute("DELETE FROM usage_events WHERE sent = 1 AND at < ?", (month_ago,))

    def usage_counts_since(self, since_iso: str, kind: str) -> list[tuple[str, int]]:
        """(service id, count) of one kind of event since a moment, most first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT service_id, COUNT(*) AS n FROM usage_events WHERE kind = ? AND at >= ?"
                " AND service_id IS NOT NULL GROUP BY service_id ORDER BY n DESC, service_id LIMIT 10",
                (kind, since_iso),
            ).fetchall()
        return [(row["service_id"], row["n"]) for row in rows]

    def _update_many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        with self._lock, self._transaction() as db:
            db.executemany(sql, rows)

    def rejected(self) -> list[OutboxRequest]:
        """Requests the server refused for good, with its reasons, for staff to see."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM requests WHERE state = 'rejected' ORDER BY id").fetchall()
        return [self._request(row) for row in rows]

    def pending(self) -> list[OutboxRequest]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM requests WHERE state IN ('pending', 'sending') ORDER BY id"
            ).fetchall()
        return [self._request(row) for row in rows]

    @staticmethod
    def _request(row: sqlite3.Row, state: str | None = None) -> OutboxRequest:
        return OutboxRequest(
            id=row["id"],
            idempotency_key=row["idempotency_key"],
            tracking_code=row["tracking_code"],
            service_id=row["service_id"],
            agency_id=row["agency_id"],
            mode=row["mode"],
            body=json.loads(row["body"]),
            state=state or row["state"],
            attempts=row["attempts"],
            next_attempt_at=row["next_attempt_at"],
            last_error=row["last_error"],
            server_reference=row["server_reference"],
            created_at=row["created_at"],
        )


def _side_files_follow(path: Path) -> None:
    """SQLite makes ``-wal`` and ``-shm`` with the outbox's own mode: an outbox once made read-only
    (0444) leaves them read-only, and after a technician makes ``outbox.db`` writable again every
    open still failed with "attempt to write a readonly database". When the outbox is writable and
    a side file of ours is not, it gets the outbox's mode back."""
    try:
        if not os.access(path, os.W_OK):
            return
        mode = path.stat().st_mode & 0o777
        for suffix in ("-wal", "-shm"):
            side = Path(f"{path}{suffix}")
            if side.exists() and not os.access(side, os.W_OK) and side.stat().st_uid == os.geteuid():
                side.chmod(mode)
    except OSError:
        pass  # the open that follows says what is wrong


def keep_aside(path: Path) -> Path:
    """Move a damaged outbox out of the way (never delete it) so a new one can start."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(str(path) + suffix)
        if source.exists():
            shutil.move(source, Path(str(target) + suffix))
    return target
