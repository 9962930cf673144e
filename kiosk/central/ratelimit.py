"""API calls per kiosk: one token bucket per kiosk, kept in the database (``kiosk_rates``), so that
every server process and machine sharing the database draws from the same bucket.

A bucket holds up to ``per_minute`` tokens and refills at ``per_minute / 60`` a second; a call takes
one, or is refused with how long until one is back (Retry-After). The whole check is one statement,
``INSERT ... ON CONFLICT (kiosk_id) DO UPDATE ... RETURNING``, with the refill computed in SQL from
the row it updates: one round trip, no read-then-write race. On PostgreSQL (READ COMMITTED) the
conflicting row is locked and the SET expressions are evaluated on its newest committed version, so
two processes taking a kiosk's last token at once are served one after the other, and only that
kiosk's row is locked: different kiosks never wait for each other. On SQLite the statement is a
write like any other (writers take turns; the statement needs SQLite 3.35 for RETURNING).

The statement runs on an engine of its own: autocommit (no BEGIN/COMMIT round trips) and without
waiting for the disk (PostgreSQL ``synchronous_commit = off``, SQLite ``synchronous = NORMAL`` in WAL
mode). A crash may forget the last few calls counted, which only gives kiosks a few calls back;
a request the server acknowledged is never at stake, as it is stored through the other engine.

Failed staff logins are counted in the database too (``store.logins``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError

from kiosk.central.db import Database

# The refill as of :now, capped at the bucket's size; a clock that went back refills nothing.
_AVAILABLE = "{least}(:capacity, kiosk_rates.tokens + {greatest}(0.0, :now - kiosk_rates.refilled_at) * :per_second)"
_TAKE_ONE = """
INSERT INTO kiosk_rates (kiosk_id, tokens, refilled_at, allowed)
VALUES (:kiosk_id, :capacity - 1.0, :now, TRUE)
ON CONFLICT (kiosk_id) DO UPDATE SET
    tokens = CASE WHEN {available} >= 1.0 THEN {available} - 1.0 ELSE {available} END,
    refilled_at = {greatest}(kiosk_rates.refilled_at, :now),
    allowed = ({available} >= 1.0)
RETURNING tokens, allowed
"""


def take_one_statement(dialect: str) -> str:
    """The bucket's statement in ``dialect``'s words (PostgreSQL's LEAST/GREATEST are SQLite's MIN/MAX)."""
    least, greatest = ("LEAST", "GREATEST") if dialect == "postgresql" else ("MIN", "MAX")
    available = _AVAILABLE.format(least=least, greatest=greatest)
    return _TAKE_ONE.format(available=available, greatest=greatest)


class RateLimiter:
    def __init__(self, db: Database, per_minute: int, clock: Callable[[], float] = time.time) -> None:
        """``clock``: seconds since the epoch; every process sharing the database must agree on it
        (NTP), as they do for every other instant they store."""
        self.capacity = float(max(1, per_minute))
        self.rate = self.capacity / 60.0
        self._clock = clock
        self._db = db
        self._engine = _bucket_engine(db)
        self._statement = text(take_one_statement(db.dialect))

    def acquire(self, kiosk_id: int) -> int:
        """0 if the call may go ahead, else how many whole seconds to wait (for Retry-After)."""
        values = {"kiosk_id": kiosk_id, "capacity": self.capacity, "per_second": self.rate, "now": self._clock()}
        for tries_left in (1, 0):
            try:
                with self._db.write_turn(), self._engine.connect() as connection:
                    tokens, allowed = connection.execute(self._statement, values).one()
                break
            except DBAPIError as error:
                # A connection the database closed (restarted, failed over): the pool is emptied
                # and the call tried once more on a new one, rather than pinging before every call.
                if not (error.connection_invalidated and tries_left):
                    raise
        if allowed:
            return 0
        return max(1, math.ceil((1.0 - float(tokens)) / self.rate))

    def dispose(self) -> None:
        self._engine.dispose()


def _bucket_engine(db: Database) -> Engine:
    url = db.engine.url
    kwargs: dict[str, Any] = {"hide_parameters": True, "isolation_level": "AUTOCOMMIT"}
    if db.dialect == "sqlite":
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    else:
        kwargs.update(pool_size=5, max_overflow=20)
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: object) -> None:
        cursor = dbapi_connection.cursor()
        if db.dialect == "sqlite":
            cursor.execute("PRAGMA synchronous=NORMAL")  # the database is in WAL mode (db.connect)
        else:
            cursor.execute("SET synchronous_commit TO off")
        cursor.close()
        if db.dialect != "sqlite":
            dbapi_connection.commit()  # a session setting, kept whether or not autocommit is on yet

    return engine
