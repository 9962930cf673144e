"""Citizens' answers on the server: the keys, answers encrypted at rest, read back for staff, and
the one thing tracking needs of them, taken when they are stored.

Every key comes from the server's one secret (``kiosk.core.sealing``): the X25519 key pair kiosks
seal answers to, and the key answers are encrypted with at rest (``requests.fields_sealed``).
Nothing of them is in the database, so a dump of it holds no answer a thief could read. Servers
sharing a database share the secret (``Store.check_secret``), so they share the keys.

Tracking shows the staff's reason only to whoever types the last four digits of the mobile number
the citizen gave: when a request is stored, ``mobile_check`` keeps an HMAC of those digits (and of
its tracking code) under the secret, so that tracking never has to open the answers.

Rows stored before answers were encrypted (schema 0003) still hold them in clear in ``fields``;
the migration has no key, so ``seal_clear_rows`` seals them when the server starts.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from kiosk.central import security
from kiosk.central.db import Database
from kiosk.central.models import CatalogRelease, CitizenRequest
from kiosk.core.sealing import Opener, RestBox, derive_rest_key, derive_sealing_key, public_key_text
from kiosk.core.validators import normalize_mobile

log = logging.getLogger(__name__)

# Answers that can never be the mobile number, though a ten-digit one may read as one.
_NOT_MOBILE = frozenset({"national_id", "postal_code"})


class ServerKeys:
    """The keys derived from the server's secret: the sealing key pair and the at-rest key."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret
        self.opener = Opener(derive_sealing_key(secret))
        self.rest = RestBox(derive_rest_key(secret))

    @property
    def public_key_text(self) -> str:
        """The public key kiosks seal answers to, as ``config.toml``'s ``server_key`` holds it."""
        return public_key_text(self.opener.public_key)

    @property
    def fingerprint(self) -> str:
        return self.opener.fingerprint


def clear_rows_query(limit: int) -> Select[tuple[int]]:
    """The rows whose answers are still in clear, oldest first: a walk of ``ix_requests_clear_fields``,
    which holds only those rows (none, once they are sealed)."""
    return (
        select(CitizenRequest.id)
        .where(CitizenRequest.clear_fields.is_not(None))
        .order_by(CitizenRequest.id)
        .limit(limit)
    )


class MobileFields:
    """Which answer of a service is the mobile number, by the catalog release a request names.

    Whether a release was published is asked at most once a ``max_age`` (one query, on the
    primary key), or at once after ``stale`` (this process published one) or when a request names
    a catalog version not known yet; the release index (version to newest release) is read again
    only when a release was published; each release's forms are read once. A kiosk names a
    release only after it fetched it from a server, so one published by another process is known
    before any request names it but within ``max_age`` of it; a request naming an unknown version
    costs the query again at most once a ``max_age`` too."""

    def __init__(self, max_age: float = 1.0) -> None:
        self._lock = threading.Lock()
        self._latest = -1
        self._releases: dict[str, int] = {}
        self._forms: dict[int, dict[str, str | None]] = {}
        self.max_age = max_age
        self._asked_at = -math.inf  # time.monotonic() of the last query
        self._missed_at: dict[str, float] = {}  # unknown versions, when the query was forced for them

    def forget(self) -> None:
        """Read everything again (release numbers are never reused, but a test's emptied database reuses them)."""
        with self._lock:
            self._latest, self._releases, self._forms = -1, {}, {}
            self._asked_at, self._missed_at = -math.inf, {}

    def stale(self) -> None:
        """A release was just published (by this process): ask again at the next request."""
        with self._lock:
            self._asked_at, self._missed_at = -math.inf, {}

    def refresh(self, session: Session, unknown_version: str | None = None) -> None:
        """Ask whether a release was published, unless asked within ``max_age``; ``unknown_version``:
        a request names it and it is not known, so ask now unless asked for it within ``max_age``."""
        now = time.monotonic()
        with self._lock:
            if unknown_version is None:
                if now - self._asked_at < self.max_age:
                    return
            elif now - self._missed_at.get(unknown_version, -math.inf) < self.max_age:
                return
            else:
                if len(self._missed_at) > 1000:
                    self._missed_at.clear()
                self._missed_at[unknown_version] = now
            self._asked_at = now
        latest = session.scalar(select(func.max(CatalogRelease.id))) or 0
        with self._lock:
            if latest == self._latest:
                return
        releases = session.execute(
            select(CatalogRelease.catalog_version, func.max(CatalogRelease.id)).group_by(CatalogRelease.catalog_version)
        ).all()
        with self._lock:
            self._releases = {str(version): int(number) for version, number in releases}
            self._latest = latest

    def knows(self, catalog_version: str) -> bool:
        with self._lock:
            return catalog_version in self._releases

    def field_of(self, session: Session, catalog_version: str, service_id: str) -> tuple[bool, str | None]:
        """(whether the release and service are known, the id of its form's mobile field or None)."""
        with self._lock:
            release = self._releases.get(catalog_version)
            forms = self._forms.get(release) if release is not None else None
        if release is None:
            return False, None
        if forms is None:
            document = session.scalar(select(CatalogRelease.document).where(CatalogRelease.id == release))
            forms = _mobile_fields(json.loads(document or "{}"))
            with self._lock:
                self._forms[release] = forms
        if service_id not in forms:
            return False, None
        return True, forms[service_id]


def _mobile_fields(document: dict[str, Any]) -> dict[str, str | None]:
    """Each service of a (validated) catalog document, with the id of its form's mobile field."""
    found: dict[str, str | None] = {}
    for agency in document.get("agencies", []):
        for service in agency.get("services", []):
            form = service.get("form") or {}
            fields = [f.get("id") for f in form.get("fields", []) if f.get("kind") == "mobile"]
            found[service["id"]] = fields[0] if fields else None
    return found


def _last4(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return normalize_mobile(value)[-4:]
    except ValueError:
        return None


class Answers:
    def __init__(self, db: Database, keys: ServerKeys, batch_size: int = 500) -> None:
        self.db = db
        self.keys = keys
        self.batch_size = batch_size
        self.mobile_fields = MobileFields()

    def lock(self, fields: dict[str, Any]) -> bytes:
        return self.keys.rest.lock(fields)

    def read(self, row: CitizenRequest) -> dict[str, Any]:
        """A request's answers, for staff (and the tools that act for them): never for kiosks."""
        if row.fields_sealed is not None:
            return self.keys.rest.unlock(row.fields_sealed)
        if row.clear_fields is not None:  # stored by an older server after this one started
            return dict(row.clear_fields)
        raise ValueError(f"request {row.id} has no answers")

    def mobile_check(
        self,
        session: Session,
        tracking_code: str,
        service_id: str,
        catalog_version: str,
        fields: dict[str, Any],
        refresh: bool = True,
    ) -> str | None:
        """The keyed check of the mobile number's last four digits, or None when there is none: the
        answer to the form's mobile field in the catalog release the request names; when this server
        does not know that release or service, the first answer that reads as an Iranian mobile.
        ``refresh=False``: the caller has just called ``mobile_fields.refresh`` (a batch does once)."""
        if refresh:
            self.mobile_fields.refresh(session)
        if not self.mobile_fields.knows(catalog_version):
            self.mobile_fields.refresh(session, unknown_version=catalog_version)
        known, field_id = self.mobile_fields.field_of(session, catalog_version, service_id)
        if known:
            last4 = _last4(fields.get(field_id)) if field_id else None
        else:
            names = sorted((name for name in fields if name not in _NOT_MOBILE), key=lambda n: (n != "mobile", n))
            last4 = next((d for d in (_last4(fields[n]) for n in names) if d), None)
        return security.mobile_check(self.keys.secret, tracking_code, last4) if last4 else None

    def seal_clear_rows(self) -> int:
        """Seal the answers of every row still holding them in clear, in batches, and empty the clear
        column; returns how many. Nothing to do is one query on an empty index; safe to run from
        several processes at once (PostgreSQL: each takes rows the others have not locked)."""
        with self.db.read() as session:
            if session.scalar(clear_rows_query(1)) is None:
                return 0
        done = 0
        while True:
            with self.db.write() as session:
                query = (
                    select(
                        CitizenRequest.id, CitizenRequest.tracking_code, CitizenRequest.service_id,
                        CitizenRequest.catalog_version, CitizenRequest.body_hash, CitizenRequest.clear_fields,
                    )
                    .where(CitizenRequest.clear_fields.is_not(None))
                    .order_by(CitizenRequest.id)
                    .limit(self.batch_size)
                )  # fmt: skip
                if self.db.dialect == "postgresql":
                    query = query.with_for_update(skip_locked=True)
                rows = session.execute(query).all()
                if not rows:
                    break
                self.mobile_fields.refresh(session)
                session.execute(
                    update(CitizenRequest),
                    [
                        {
                            "id": row.id,
                            "fields_sealed": self.lock(row.clear_fields),
                            "clear_fields": None,
                            "mobile_check": self.mobile_check(
                                session,
                                row.tracking_code,
                                row.service_id,
                                row.catalog_version,
                                row.clear_fields,
                                refresh=False,
                            ),
                            # Hashed in clear before: keyed now, as intake stores hashes.
                            "body_hash": security.keyed_body_hash(self.keys.secret, row.body_hash),
                        }
                        for row in rows
                    ],
                )
            done += len(rows)
        log.info("sealed the answers of %d requests stored in clear before revision 0003", done)
        self._after_sealing()
        return done

    def _after_sealing(self) -> None:
        """What the database may still hold of the cleared answers: SQLite's write-ahead log (emptied
        here; freed space is zeroed by ``secure_delete``) and the copies taken before migrations;
        PostgreSQL's dead row versions, until VACUUM FULL."""
        if self.db.dialect != "sqlite":
            log.warning(
                "the answers stored in clear before are sealed, but PostgreSQL keeps the old row versions"
                " until the table is rewritten: run VACUUM FULL requests (and see docs/central/README.md)"
            )
            return
        with self.db.engine.connect() as connection:
            busy, _log, _done = connection.connection.driver_connection.execute(
                "PRAGMA wal_checkpoint(TRUNCATE)"
            ).fetchone()
        if busy:
            log.warning("the write-ahead log could not be emptied now: it still holds answers in clear until it is")
        database = self.db.engine.url.database or ""
        backups = sorted(Path(database).parent.glob(f"{Path(database).name}.before-*.bak")) if database else []
        if backups:
            log.warning(
                "these copies, taken before migrating, hold citizens' answers in clear: delete them once this"
                " server works: %s",
                ", ".join(str(b) for b in backups),
            )
