"""Connecting to the database and bringing its schema up to date (Alembic, run from code).

SQLite: WAL, ``synchronous=FULL`` (a 201 means the request is on disk), foreign keys on, and write
transactions that start with ``BEGIN IMMEDIATE`` so two writers queue on the busy timeout instead
of one failing with "database is locked" half-way. PostgreSQL: plain psycopg 3 connections;
idempotency rests on unique indexes and transactions, so several server processes can share it.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant: servers starting at once against one PostgreSQL take turns to migrate.
_MIGRATION_LOCK = 0x5049_5348_4B48_414E  # "PISHKHAN"


class SchemaError(Exception):
    """The database cannot be used by this server (for example, its schema is newer)."""


@dataclass
class Database:
    """An engine and two session factories: ``read()`` for reads, ``write()`` for transactions that write."""

    engine: Engine
    _reads: sessionmaker[Session]
    _writes: sessionmaker[Session]
    # SQLite: this process's writers queue here, in order, rather than in SQLite's busy handler,
    # which sleeps in growing steps and gave a p99 of over a second under 20 parallel kiosks.
    _write_turn: threading.Lock | None = None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reads() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction, committed when the block ends normally, rolled back otherwise."""
        if self._write_turn is None:
            with self._writes.begin() as session:
                yield session
            return
        with self._write_turn, self._writes.begin() as session:
            yield session

    @contextmanager
    def write_turn(self) -> Iterator[None]:
        """This process's turn to write, for a writer on a connection of its own (the rate limit's):
        on SQLite it queues with ``write()``'s transactions; PostgreSQL needs no turn."""
        if self._write_turn is None:
            yield
            return
        with self._write_turn:
            yield

    def dispose(self) -> None:
        self.engine.dispose()


def connect(url: str) -> Database:
    parsed = make_url(url)
    # A database error's text would otherwise hold the statement's parameters: a request's
    # profile, hashes and the start of its sealed answers, in whatever logs or prints it.
    kwargs: dict[str, Any] = {"future": True, "hide_parameters": True}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    else:
        kwargs.update(pool_size=10, max_overflow=20, pool_pre_ping=True)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    writes_engine = engine.execution_options(sqlite_immediate=True)
    return Database(
        engine=engine,
        _reads=sessionmaker(engine, expire_on_commit=False),
        _writes=sessionmaker(writes_engine, expire_on_commit=False),
        _write_turn=threading.Lock() if engine.dialect.name == "sqlite" else None,
    )


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # We issue BEGIN ourselves (below): the driver's own transaction handling would defer it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # What is deleted or replaced is overwritten with zeros, not left in free space: answers
        # converted from clear (and anything deleted) do not linger in the file.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _alembic_config(connection: Any) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    config = _alembic_config(None)
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(db: Database) -> str:
    """Bring the schema to the newest revision; back up an existing SQLite file first. Returns the revision."""
    from alembic import command
    from alembic.script import ScriptDirectory

    known = {script.revision for script in ScriptDirectory.from_config(_alembic_config(None)).walk_revisions()}
    head = head_revision()
    with db.engine.connect() as connection:
        if db.dialect == "postgresql":
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _signed(_MIGRATION_LOCK)})
            connection.commit()
        else:
            # SQLite changes a column by copying the table and dropping the old one, which foreign
            # keys referring to it would refuse (or cascade): off while migrating, checked before
            # the commit, on again after (SQLite's own advice for altering tables).
            _sqlite_foreign_keys(connection, on=False)
        try:
            current = _revision_on(connection)
            if current is not None and current not in known:
                raise SchemaError(
                    f"the database's schema ({current}) is newer than this server knows ({head}); "
                    "run a newer kiosk-central against it"
                )
            if current != head:
                if current is not None and db.dialect == "sqlite":
                    _backup_sqlite(db, current)
                command.upgrade(_alembic_config(connection), "head")
                if db.dialect == "sqlite" and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise SchemaError(f"migrating from {current} to {head} broke a foreign key; nothing was changed")
                connection.commit()
                log.info("database schema upgraded from %s to %s", current, head)
        finally:
            connection.rollback()
            if db.dialect == "postgresql":
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _signed(_MIGRATION_LOCK)})
                connection.commit()
            else:
                _sqlite_foreign_keys(connection, on=True)
    return head


def _sqlite_foreign_keys(connection: Any, on: bool) -> None:
    """Foreign keys on or off for this connection: outside any transaction (inside one, SQLite
    ignores the pragma), so on the driver's connection, which the pool gives back as it was."""
    connection.connection.driver_connection.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def require_current(db: Database) -> None:
    current = current_revision(db)
    head = head_revision()
    if current != head:
        raise SchemaError(f"the database's schema is {current or 'empty'}, not {head}: run `kiosk-central db upgrade`")


def _revision_on(connection: Any) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _backup_sqlite(db: Database, revision: str) -> None:
    database = db.engine.url.database
    if not database or database == ":memory:":
        return
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = Path(f"{database}.before-{revision}-{stamp}.bak")
    source = sqlite3.connect(database)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()
    log.info("backed up %s to %s before migrating", database, target)


def _signed(value: int) -> int:
    return value - 2**64 if value >= 2**63 else value
