"""What the API, the dashboard, the importer and the CLI do to the data; one place for each rule.

Idempotency rests on the database, not on this process: a unique index on (kiosk, key) and on the
tracking code, inside one transaction, so several server processes sharing PostgreSQL still store
a request once. On PostgreSQL a transaction-scoped advisory lock on the key also tells a second
caller that the first is still in progress (409); SQLite serialises writers, so there the second
caller simply waits and gets the replay.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, false, func, select, text, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.central import security
from kiosk.central.clock import iso, utcnow
from kiosk.central.db import Database
from kiosk.central.jalali import local_zone
from kiosk.central.models import (
    STATUSES,
    CatalogRelease,
    CitizenRequest,
    Heartbeat,
    Kiosk,
    ServerSetting,
    StaffSession,
    StatusChange,
    UsageEvent,
    User,
)
from kiosk.central.schemas import HeartbeatIn, RequestIn, UsageEventIn
from kiosk.central.settings import Settings
from kiosk.core.tracking import MAX_KIOSK_NUMBER, is_valid_tracking_code


def canonical_hash(body: Any) -> str:
    """The same JSON, whatever its key order or spacing, hashes the same."""
    data = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


class Refused(Exception):
    """A request that cannot be stored as sent; ``status`` is the HTTP status that says why."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class Receipt:
    created: bool
    reference: str
    tracking_code: str
    received_at: datetime

    def as_json(self) -> dict[str, str]:
        return {
            "reference": self.reference,
            "tracking_code": self.tracking_code,
            "status": "received",
            "received_at": iso(self.received_at),
        }


@dataclass(frozen=True)
class KioskIdentity:
    id: int
    number: int


class Store:
    """The data operations, bound to one database, the server's key and its settings."""

    def __init__(self, db: Database, key: bytes, settings: Settings) -> None:
        self.db = db
        self.key = key
        self.settings = settings

    # --- server key -------------------------------------------------------------------------

    def check_secret(self) -> None:
        """Record the key's fingerprint on first use; refuse to run with a different key later."""
        fingerprint = security.secret_fingerprint(self.key)
        try:
            with self.db.write() as session:
                row = session.get(ServerSetting, "secret_fingerprint")
                if row is None:
                    session.add(ServerSetting(key="secret_fingerprint", value=fingerprint))
                    return
                stored = row.value
        except IntegrityError:  # another server recorded its key at the same moment
            with self.db.read() as session:
                stored = session.get_one(ServerSetting, "secret_fingerprint").value
        if not secrets.compare_digest(stored, fingerprint):
            raise RuntimeError(
                "this server's secret key differs from the one the database was used with; "
                "servers sharing a database need the same key (data folder secret.key or KIOSK_CENTRAL_SECRET)"
            )

    # --- kiosks -----------------------------------------------------------------------------

    def add_kiosk(self, name: str, number: int | None = None) -> tuple[int, str]:
        name = name.strip()
        if not name or len(name) > 200:
            raise ValueError("a kiosk needs a name of 1 to 200 characters")
        if number is not None and not 1 <= number <= MAX_KIOSK_NUMBER:
            raise ValueError(f"a kiosk number is 1 to {MAX_KIOSK_NUMBER}")
        try:
            with self.db.write() as session:
                used = set(session.scalars(select(Kiosk.number)))
                if number is None:
                    free = [n for n in range(1, MAX_KIOSK_NUMBER + 1) if n not in used]
                    if not free:
                        raise ValueError("all kiosk numbers are in use")
                    number = free[0]
                elif number in used:
                    # Numbers are never reused, revoked or not: they are part of old tracking codes.
                    raise ValueError(f"kiosk number {number} is already taken")
                token = security.new_kiosk_token(number)
                session.add(
                    Kiosk(
                        number=number,
                        name=name,
                        token_hash=security.hash_secret(token, security.TOKEN_COST),
                        created_at=utcnow(),
                    )
                )
        except IntegrityError:
            raise ValueError(f"kiosk number {number} was taken at the same moment; run the command again") from None
        return number, token

    def revoke_kiosk(self, number: int) -> bool:
        with self.db.write() as session:
            kiosk = session.scalar(select(Kiosk).where(Kiosk.number == number))
            if kiosk is None:
                return False
            if kiosk.revoked_at is None:
                kiosk.revoked_at = utcnow()
            return True

    def kiosks(self) -> list[Kiosk]:
        with self.db.read() as session:
            return list(session.scalars(select(Kiosk).order_by(Kiosk.number)))

    def kiosk_by_number(self, number: int) -> Kiosk | None:
        with self.db.read() as session:
            return session.scalar(select(Kiosk).where(Kiosk.number == number))

    # --- requests ---------------------------------------------------------------------------

    def submit(self, kiosk: KioskIdentity, key: str, body: RequestIn | dict[str, Any], source: str = "api") -> Receipt:
        """Store a request once per (kiosk, key). Raises Refused (422/409) when it cannot be stored,
        pydantic's ValidationError when ``body`` is a dict that is not a valid request."""
        request = body if isinstance(body, RequestIn) else RequestIn.model_validate(body)
        body_hash = self._checked_hash(kiosk, request)
        for _attempt in range(3):
            try:
                with self.db.write() as session:
                    return self._store_one(session, kiosk, key, body_hash, request, source)
            except IntegrityError:
                # Another process stored the same key or code between our check and our insert:
                # the next attempt finds its row and answers as a replay (or a conflict).
                continue
        raise Refused(409, "this request is being stored by another call; try again")

    def submit_many(self, kiosk: KioskIdentity, items: list[tuple[str, RequestIn]]) -> list[Receipt | Refused]:
        """Store several requests in one transaction (one commit, one fsync): each gets what
        ``submit`` would have given it, a Receipt or a Refused, and one refused request never
        undoes another.

        The batch is checked with a few queries for all its requests and inserted together; should
        another process store one of them meanwhile (IntegrityError), the batch is stored again one
        request at a time, each under a savepoint of its own, where a raced request is a 409 the
        kiosk retries later."""
        results: list[Receipt | Refused | None] = [None] * len(items)
        checked: list[tuple[int, str, RequestIn, str]] = []
        for index, (key, request) in enumerate(items):
            try:
                checked.append((index, key, request, self._checked_hash(kiosk, request)))
            except Refused as refused:
                results[index] = refused
        keys = [key for _i, key, _r, _h in checked]
        codes = [request.tracking_code for _i, _k, request, _h in checked]
        together = len(set(keys)) == len(keys) and len(set(codes)) == len(codes)
        try:
            if together and checked:
                with self.db.write() as session:
                    stored = self._store_together(session, kiosk, checked)
                for (index, *_rest), outcome in zip(checked, stored, strict=True):
                    results[index] = outcome
                checked = []
        except IntegrityError:
            pass  # raced by another process: store them one by one below
        if checked:
            with self.db.write() as session:
                for index, key, request, body_hash in checked:
                    try:
                        with session.begin_nested():
                            results[index] = self._store_one(session, kiosk, key, body_hash, request, "api")
                    except Refused as refused:
                        results[index] = refused
                    except IntegrityError:
                        results[index] = Refused(409, "this request is being stored by another call; try again")
        answered = [r for r in results if r is not None]
        assert len(answered) == len(items), "every request in a batch gets its answer"
        return answered

    def _store_together(
        self, session: Session, kiosk: KioskIdentity, checked: list[tuple[int, str, RequestIn, str]]
    ) -> list[Receipt | Refused]:
        """``_store_one`` for many requests (distinct keys and codes) with a few queries in all."""
        enforce = self.settings.enforce_idempotency
        outcomes: dict[str, Receipt | Refused] = {}
        if enforce:
            if self.db.dialect == "postgresql":
                locks = {self._key_lock(kiosk.id, key): key for _i, key, _r, _h in checked}
                held = session.execute(
                    text("SELECT k, pg_try_advisory_xact_lock(k) FROM unnest(CAST(:locks AS bigint[])) AS k"),
                    {"locks": list(locks)},
                )
                for lock, got in held:
                    if not got:
                        outcomes[locks[lock]] = Refused(
                            409, "a request with this Idempotency-Key is still being processed"
                        )
            by_key = {key: body_hash for _i, key, _r, body_hash in checked}
            for row in session.execute(
                select(CitizenRequest.idempotency_key, CitizenRequest.body_hash, CitizenRequest.id,
                       CitizenRequest.tracking_code, CitizenRequest.received_at)
                .where(CitizenRequest.kiosk_id == kiosk.id, CitizenRequest.enforced.is_(True),
                       CitizenRequest.idempotency_key.in_(list(by_key)))
            ):  # fmt: skip
                if row.idempotency_key in outcomes:
                    continue
                if not secrets.compare_digest(row.body_hash, by_key[row.idempotency_key]):
                    refused = Refused(422, "this Idempotency-Key was already used with a different request body")
                    outcomes[row.idempotency_key] = refused
                else:
                    receipt = Receipt(False, str(row.id), row.tracking_code, row.received_at)
                    outcomes[row.idempotency_key] = receipt
            code_keys = {request.tracking_code: key for _i, key, request, _h in checked if key not in outcomes}
            for code in session.scalars(
                select(CitizenRequest.tracking_code).where(
                    CitizenRequest.tracking_code.in_(list(code_keys)), CitizenRequest.enforced.is_(True)
                )
            ):
                outcomes[code_keys[code]] = Refused(422, "tracking_code: already used by another request")
        new = [(key, request, body_hash) for _i, key, request, body_hash in checked if key not in outcomes]
        now = utcnow()
        digests = [self._national_id_digest(request) for _key, request, _hash in new]
        window = timedelta(hours=self.settings.duplicate_window_hours)
        rows: list[CitizenRequest] = []
        in_batch: list[tuple[int, CitizenRequest]] = []  # (row index, the earlier row in this batch)
        for (key, request, body_hash), digest in zip(new, digests, strict=True):
            duplicate_of = self._first_within_window(session, request, digest)
            if digest is not None and duplicate_of is None:
                first = next(
                    (row for row in rows if (row.service_id, row.national_id_hmac) == (request.service_id, digest)
                     and abs(row.created_at - request.created_at) <= window),
                    None,
                )  # fmt: skip
                if first is not None:
                    in_batch.append((len(rows), first))
            rows.append(self._row(kiosk, key, body_hash, request, "api", enforce, digest, duplicate_of, now))
        session.add_all(rows)
        session.flush()
        for index, first in in_batch:
            rows[index].duplicate_of_id = first.id
        session.add_all(
            StatusChange(request_id=row.id, status="received", reason=None, at=now, user_id=None) for row in rows
        )
        session.flush()
        for row in rows:
            outcomes[row.idempotency_key] = Receipt(True, str(row.id), row.tracking_code, row.received_at)
        return [outcomes[key] for _i, key, _r, _h in checked]

    def _checked_hash(self, kiosk: KioskIdentity, request: RequestIn) -> str:
        if not is_valid_tracking_code(request.tracking_code):
            raise Refused(422, "tracking_code: the check digit does not match")
        if int(request.tracking_code[:3]) != kiosk.number:
            raise Refused(422, f"tracking_code: does not start with this kiosk's number {kiosk.number:03d}")
        # The validated form, so that the API and an import of the same request agree whatever the
        # spelling of the same instant (Z or +00:00) or the order of keys.
        return canonical_hash(request.model_dump(mode="json"))

    def _store_one(
        self, session: Session, kiosk: KioskIdentity, key: str, body_hash: str, request: RequestIn, source: str
    ) -> Receipt:
        enforce = self.settings.enforce_idempotency
        if enforce:
            self._lock_key(session, kiosk.id, key)
            existing = self._existing(session, kiosk.id, key, body_hash, request.tracking_code)
            if existing is not None:
                return existing
        row = self._new_row(session, kiosk, key, body_hash, request, source, enforce)
        session.flush()
        return Receipt(True, str(row.id), row.tracking_code, row.received_at)

    @staticmethod
    def _key_lock(kiosk_id: int, key: str) -> int:
        return int.from_bytes(hashlib.sha256(f"{kiosk_id}:{key}".encode()).digest()[:8], "big", signed=True)

    def _lock_key(self, session: Session, kiosk_id: int, key: str) -> None:
        if self.db.dialect != "postgresql":
            return
        lock = self._key_lock(kiosk_id, key)
        if not session.scalar(text("SELECT pg_try_advisory_xact_lock(:lock)"), {"lock": lock}):
            raise Refused(409, "a request with this Idempotency-Key is still being processed")

    def _existing(self, session: Session, kiosk_id: int, key: str, body_hash: str, code: str) -> Receipt | None:
        row = session.scalar(
            select(CitizenRequest).where(
                CitizenRequest.kiosk_id == kiosk_id,
                CitizenRequest.idempotency_key == key,
                CitizenRequest.enforced.is_(True),
            )
        )
        if row is not None:
            if not secrets.compare_digest(row.body_hash, body_hash):
                raise Refused(422, "this Idempotency-Key was already used with a different request body")
            return Receipt(False, str(row.id), row.tracking_code, row.received_at)
        taken = session.scalar(
            select(CitizenRequest.id).where(CitizenRequest.tracking_code == code, CitizenRequest.enforced.is_(True))
        )
        if taken is not None:
            raise Refused(422, "tracking_code: already used by another request")
        return None

    def _new_row(
        self,
        session: Session,
        kiosk: KioskIdentity,
        key: str,
        body_hash: str,
        request: RequestIn,
        source: str,
        enforce: bool,
    ) -> CitizenRequest:
        digest = self._national_id_digest(request)
        duplicate_of = self._first_within_window(session, request, digest)
        row = self._row(kiosk, key, body_hash, request, source, enforce, digest, duplicate_of, utcnow())
        session.add(row)
        session.flush()
        session.add(StatusChange(request_id=row.id, status="received", reason=None, at=row.received_at, user_id=None))
        return row

    def _first_within_window(self, session: Session, request: RequestIn, digest: str | None) -> int | None:
        """The earliest stored request for the same service and national ID created within the
        duplicate window of this one (one range read on ix_requests_duplicates, however many the
        same person, or a demo's sample ID, has filed)."""
        if digest is None:
            return None
        window = timedelta(hours=self.settings.duplicate_window_hours)
        return session.scalar(
            select(CitizenRequest.id)
            .where(
                CitizenRequest.service_id == request.service_id,
                CitizenRequest.national_id_hmac == digest,
                CitizenRequest.created_at >= request.created_at - window,
                CitizenRequest.created_at <= request.created_at + window,
            )
            .order_by(CitizenRequest.created_at, CitizenRequest.id)
            .limit(1)
        )

    def _national_id_digest(self, request: RequestIn) -> str | None:
        national_id = request.fields.get("national_id")
        return security.national_id_digest(self.key, national_id) if isinstance(national_id, str) else None

    @staticmethod
    def _row(
        kiosk: KioskIdentity,
        key: str,
        body_hash: str,
        request: RequestIn,
        source: str,
        enforce: bool,
        digest: str | None,
        duplicate_of: int | None,
        now: datetime,
    ) -> CitizenRequest:
        return CitizenRequest(
            kiosk_id=kiosk.id,
            idempotency_key=key,
            body_hash=body_hash,
            enforced=enforce,
            tracking_code=request.tracking_code,
            service_id=request.service_id,
            agency_id=request.agency_id,
            mode=request.mode,
            profile=request.profile,
            catalog_version=request.catalog_version,
            created_at=request.created_at,
            received_at=now,
            fields=dict(request.fields),
            national_id_hmac=digest,
            duplicate_of_id=duplicate_of,
            status="received",
            status_changed_at=now,
            reason=None,
            source=source,
        )

    def request_status(self, code: str) -> CitizenRequest | None:
        with self.db.read() as session:
            return session.scalar(
                select(CitizenRequest).where(CitizenRequest.tracking_code == code).order_by(CitizenRequest.id).limit(1)
            )

    def set_status(self, request_id: int, status: str, reason: str | None, user_id: int | None) -> None:
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        reason = (reason or "").strip() or None
        if status == "rejected" and not reason:
            raise ValueError("a rejection needs a reason the citizen can read")
        if reason is not None and len(reason) > 1000:
            raise ValueError("the reason is longer than 1000 characters")
        now = utcnow()
        with self.db.write() as session:
            row = session.get(CitizenRequest, request_id)
            if row is None:
                raise LookupError(request_id)
            row.status, row.reason, row.status_changed_at = status, reason, now
            session.add(StatusChange(request_id=row.id, status=status, reason=reason, at=now, user_id=user_id))

    def set_status_by_code(self, code: str, status: str, reason: str | None = None) -> None:
        row = self.request_status(code)
        if row is None:
            raise LookupError(code)
        self.set_status(row.id, status, reason, None)

    # --- heartbeats and usage ---------------------------------------------------------------

    def record_heartbeat(self, kiosk_id: int, beat: HeartbeatIn) -> None:
        now = utcnow()
        with self.db.write() as session:
            kiosk = session.get(Kiosk, kiosk_id)
            assert kiosk is not None
            values = beat.model_dump()
            for name, value in values.items():
                setattr(kiosk, name, value)
            kiosk.last_seen_at = now
            session.add(Heartbeat(kiosk_id=kiosk_id, at=now, **values))
            cutoff = now - timedelta(days=self.settings.heartbeat_retention_days)
            session.execute(delete(Heartbeat).where(Heartbeat.kiosk_id == kiosk_id, Heartbeat.at < cutoff))

    def heartbeats(self) -> list[Heartbeat]:
        with self.db.read() as session:
            return list(session.scalars(select(Heartbeat).order_by(Heartbeat.id)))

    def record_usage(self, kiosk_id: int, events: list[UsageEventIn]) -> None:
        zone = local_zone(self.settings.display_utc_offset_minutes)
        with self.db.write() as session:
            session.add_all(
                UsageEvent(
                    kiosk_id=kiosk_id,
                    kind=event.kind,
                    service_id=event.service_id,
                    agency_id=event.agency_id,
                    at=event.at,
                    day=event.at.astimezone(zone).date().isoformat(),
                    profile=event.profile,
                    mode=event.mode,
                    duration_seconds=event.duration_seconds,
                )
                for event in events
            )

    # --- catalog ----------------------------------------------------------------------------

    def publish_catalog(self, document: dict[str, Any]) -> CatalogRelease:
        """Store a catalog document the caller has validated; returns the new release."""
        body = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
        for _attempt in range(5):
            try:
                with self.db.write() as session:
                    number = (session.scalar(select(func.max(CatalogRelease.id))) or 0) + 1
                    release = CatalogRelease(
                        id=number,
                        catalog_version=str(document.get("version", "")),
                        etag=f'"{number}-{digest[:20]}"',
                        document=body,
                        published_at=utcnow(),
                    )
                    session.add(release)
                return release
            except IntegrityError:  # someone published at the same moment and took the number
                continue
        raise RuntimeError("could not publish: other releases kept taking the next number")

    def latest_catalog(self) -> CatalogRelease | None:
        with self.db.read() as session:
            return session.scalar(select(CatalogRelease).order_by(CatalogRelease.id.desc()).limit(1))

    def latest_catalog_number(self) -> int:
        """The newest release's number (0 before the first): cheap enough to ask on every page."""
        with self.db.read() as session:
            return session.scalar(select(func.max(CatalogRelease.id))) or 0

    # --- staff ------------------------------------------------------------------------------

    def add_user(self, name: str, password: str, agencies: list[str], all_agencies: bool) -> None:
        name = name.strip()
        if not name or len(name) > 100:
            raise ValueError("a user name is 1 to 100 characters")
        if len(password) < 10:
            raise ValueError("a password needs at least 10 characters")
        if not all_agencies and not agencies:
            raise ValueError("give the user at least one --agency, or --all-agencies")
        try:
            with self.db.write() as session:
                session.add(
                    User(
                        name=name,
                        password_hash=security.hash_secret(password),
                        all_agencies=all_agencies,
                        agencies=sorted(set(agencies)),
                        created_at=utcnow(),
                    )
                )
        except IntegrityError:
            raise ValueError(f"there is already a user called {name!r}") from None

    def authenticate(self, name: str, password: str) -> User | None:
        with self.db.read() as session:
            user = session.scalar(select(User).where(User.name == name, User.disabled_at.is_(None)))
        stored = user.password_hash if user is not None else security.DUMMY_PASSWORD_HASH
        ok = security.verify_secret(password, stored)
        return user if ok and user is not None else None

    def open_session(self, user_id: int) -> tuple[str, str]:
        """A new staff session: (cookie token, CSRF token)."""
        token = security.new_session_token()
        csrf = secrets.token_urlsafe(32)
        now = utcnow()
        with self.db.write() as session:
            session.execute(delete(StaffSession).where(StaffSession.expires_at < now))
            session.add(
                StaffSession(
                    token_digest=security.session_digest(token),
                    user_id=user_id,
                    csrf_token=csrf,
                    created_at=now,
                    expires_at=now + timedelta(hours=self.settings.session_hours),
                )
            )
        return token, csrf

    def find_session(self, token: str) -> tuple[User, StaffSession] | None:
        with self.db.read() as session:
            row = session.scalar(
                select(StaffSession).where(StaffSession.token_digest == security.session_digest(token))
            )
            if row is None or row.expires_at < utcnow():
                return None
            user = session.get(User, row.user_id)
            if user is None or user.disabled_at is not None:
                return None
            return user, row

    def close_session(self, token: str) -> None:
        with self.db.write() as session:
            session.execute(delete(StaffSession).where(StaffSession.token_digest == security.session_digest(token)))


def visible_to(user: User) -> Any:
    """A WHERE clause limiting requests to the agencies this user works for."""
    if user.all_agencies:
        return true()
    return CitizenRequest.agency_id.in_(user.agencies) if user.agencies else false()
