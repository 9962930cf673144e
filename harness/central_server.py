"""The real central server for tests and the dashboard's screenshots: ``start_central_server(data_dir, **settings)``.

    from harness.central_server import start_central_server

    with start_central_server(tmp_path / "central") as central:
        number, token = central.add_kiosk("Test booth")          # the token, as `kiosk add` prints it
        ...  # point the kiosk at central.url ("http://127.0.0.1:<port>") with that token
        rows = central.requests()                                  # every stored request, as dicts (answers opened)
        central.sealing_key                                        # the public key, for a kiosk's server_key
        central.set_status(rows[0]["tracking_code"], "rejected", "مدارک ناقص است")
        central.publish_catalog(tmp_path / "catalog")              # a folder or a document dict/.json
        central.revoke_kiosk(number)
        central.heartbeats()
        central.reset()                                            # empty again, as if just started

``**settings`` are ``kiosk.central.settings.Settings`` fields, e.g. ``enforce_idempotency=False``
(every POST stored as new: for crash tests that must see duplicates), ``rate_per_minute=5``, or
``db_url="postgresql+psycopg://..."`` (default: SQLite in ``data_dir``).

It runs the real FastAPI app under uvicorn on 127.0.0.1, on a port the OS picks (the socket is
bound here and handed to uvicorn, so there is no race for the port), in a background thread of
the test process. A thread rather than a subprocess: it starts in about a tenth of a second, needs
no interpreter start-up, and the administrative methods below reach the same database directly.
The kiosk's own HTTP calls still go over a real TCP socket. On exit the server is asked to stop,
the thread joined, and the database connections closed.

The administrative methods run in the calling thread against the server's database (the same code
the CLI and the dashboard use), not through HTTP.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from sqlalchemy import select, text

from kiosk.central.app import create_app, open_store
from kiosk.central.clock import iso
from kiosk.central.models import Base, CitizenRequest, Kiosk
from kiosk.central.settings import Settings
from kiosk.central.store import Store

STARTUP_TIMEOUT = 15.0


@dataclass
class RunningCentral:
    url: str
    store: Store
    settings: Settings
    app: FastAPI

    @property
    def sealing_key(self) -> str:
        """The server's public key for sealed answers, as a kiosk's config.toml ``server_key`` holds it."""
        return self.store.sealing_key

    @property
    def signing_key(self) -> str:
        """The server's public key for signed catalog releases, as config.toml's ``server.signing_key`` holds it."""
        return self.store.release_signer.public_key_text

    def reset(self) -> None:
        """Empty every table (the kiosks' rate buckets among them) and forget per-process state
        (cached tokens, catalog fields): a fresh server, without the cost of starting one. The
        schema and the server key stay."""
        tables = [table for table in reversed(Base.metadata.sorted_tables) if table.name != "server_settings"]
        with self.store.db.write() as session:
            if self.store.db.dialect == "postgresql":
                session.execute(text("TRUNCATE " + ", ".join(t.name for t in tables) + " RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    session.execute(table.delete())
        self.app.state.api.reset()
        self.store.answers.mobile_fields.forget()

    def add_kiosk(self, name: str, number: int | None = None) -> tuple[int, str]:
        """Register a kiosk; returns (number, bearer token)."""
        return self.store.kiosks.add(name, number)

    def revoke_kiosk(self, number: int) -> None:
        if not self.store.kiosks.revoke(number):
            raise LookupError(f"no kiosk number {number}")

    def requests(self) -> list[dict[str, Any]]:
        """Every stored request row, oldest first (replays are not rows: a request stored once is one)."""
        with self.store.db.read() as session:
            rows = session.execute(select(CitizenRequest, Kiosk.number).join(Kiosk).order_by(CitizenRequest.id)).all()
            return [
                {
                    "reference": str(row.id),
                    "kiosk_number": number,
                    "idempotency_key": row.idempotency_key,
                    "tracking_code": row.tracking_code,
                    "service_id": row.service_id,
                    "agency_id": row.agency_id,
                    "mode": row.mode,
                    "profile": row.profile,
                    "catalog_version": row.catalog_version,
                    "created_at": iso(row.created_at),
                    "received_at": iso(row.received_at),
                    "fields": self.store.requests.answers(row),  # opened, as staff see them
                    "status": row.status,
                    "reason": row.reason,
                    "is_duplicate": row.duplicate_of_id is not None,
                    "duplicate_of": str(row.duplicate_of_id) if row.duplicate_of_id else None,
                    "source": row.source,
                }
                for row, number in rows
            ]

    def set_status(self, tracking_code: str, status: str, reason: str | None = None) -> None:
        """As agency staff would on the dashboard: received, in_review, done or rejected (needs a reason)."""
        self.store.requests.set_status_by_code(tracking_code, status, reason)

    def publish_catalog(self, path_or_document: Path | str | dict[str, Any]) -> str:
        """Validate and publish a catalog (folder, .json file or document); returns its ETag."""
        from kiosk.central.__main__ import load_catalog_document
        from kiosk.core.catalog import parse_catalog_document

        if isinstance(path_or_document, dict):
            parse_catalog_document(path_or_document, "document")
            document = path_or_document
        else:
            document = load_catalog_document(Path(path_or_document))
        return self.store.catalogs.publish(json.loads(json.dumps(document))).etag

    def heartbeats(self) -> list[dict[str, Any]]:
        numbers = {k.id: k.number for k in self.store.kiosks.fleet()}
        return [
            {
                "kiosk_number": numbers[beat.kiosk_id],
                "at": iso(beat.at),
                "version": beat.version,
                "profile": beat.profile,
                "mode": beat.mode,
                "catalog_version": beat.catalog_version,
                "queue_depth": beat.queue_depth,
                "oldest_pending_seconds": beat.oldest_pending_seconds,
                "rejected": beat.rejected,
                "last_error": beat.last_error,
                "catalog_refused": beat.catalog_refused,
            }
            for beat in self.store.kiosks.heartbeats()
        ]


@contextmanager
def start_central_server(data_dir: Path, **settings: Any) -> Iterator[RunningCentral]:
    config = Settings(data_dir=Path(data_dir), **settings)
    store = open_store(config, migrate=True)
    # asyncio only turns Nagle off for sockets whose protocol says TCP; a socket made without it (proto
    # 0) stalls ~40 ms on every keep-alive response whose headers and body go out in two writes.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        app = create_app(config, store)
        server = uvicorn.Server(
            uvicorn.Config(app, log_level="warning", ws="none", lifespan="on", timeout_graceful_shutdown=5)
        )
        errors: list[BaseException] = []

        def run() -> None:
            try:
                server.run(sockets=[sock])
            except BaseException as exc:  # surfaced to the test below
                errors.append(exc)

        thread = threading.Thread(target=run, name=f"central-server-{port}", daemon=True)
        thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not server.started:
            if errors or not thread.is_alive():
                raise RuntimeError(f"the central server did not start: {errors!r}")
            if time.monotonic() > deadline:
                raise TimeoutError("the central server did not start in time")
            time.sleep(0.01)
        try:
            yield RunningCentral(url=f"http://127.0.0.1:{port}", store=store, settings=config, app=app)
        finally:
            server.should_exit = True
            thread.join(timeout=15)
            if thread.is_alive():
                raise RuntimeError("the central server did not stop")
    finally:
        sock.close()
        store.db.dispose()
