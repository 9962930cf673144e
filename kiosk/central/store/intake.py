"""Storing the requests kiosks send, each exactly once: idempotency keys, locks, duplicate flags.

The API, its batch route and ``kiosk-central import`` all store through ``Intake`` (reached as
``store.requests.submit``), so a request refused by one is refused by the others for the same reason.

A request's answers come in clear (``fields``, kiosks before sealed answers) or sealed to the
server's key (``sealed_fields``): ``opened`` opens sealed ones (409 when they were sealed for
another key: the kiosk keeps the request and tries again) and checks them as plain ones are checked.
From then on both are the same request: the same idempotency hash (over the answers in clear, keyed
with the server's secret), the same national-ID digest, and answers stored encrypted at rest.

Idempotency rests on the database, not on this process: a unique index on (kiosk, key) and on the
tracking code, inside one transaction, so several server processes sharing PostgreSQL still store
a request once. On PostgreSQL a transaction-scoped advisory lock on the key also tells a second
caller that the first is still in progress (409); SQLite serialises writers, so there the second
caller simply waits and gets the replay.

Its cost does not grow with the requests stored (issue 21): a new request is one INSERT that does
nothing when its key or code is taken (``ON CONFLICT DO NOTHING`` on the partial unique indexes,
whose predicate the look-ups spell as they do: ``ENFORCED``) and looks up its possible duplicate
inside itself, then its first status change (on PostgreSQL in the same statement). The stored row
is read only for a replay or a refusal. ``tests/central/test_intake_plans.py`` explains every
statement this module sends, on both databases.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import ScalarSelect, insert, literal, literal_column, null, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.central import security
from kiosk.central.clock import iso, utcnow
from kiosk.central.db import Database
from kiosk.central.models import CitizenRequest, StatusChange
from kiosk.central.schemas import RequestIn, public_errors
from kiosk.central.settings import Settings
from kiosk.central.store.answers import Answers
from kiosk.central.store.kiosks import KioskIdentity
from kiosk.core.sealing import SealError
from kiosk.core.tracking import is_valid_tracking_code

# The partial unique indexes' predicate as they spell it (``WHERE enforced``). SQLAlchemy writes a
# Boolean column as ``enforced = 1`` (SQLite) and ``.is_(True)`` as ``enforced IS 1`` / ``IS true``,
# which neither database matches with that predicate: the look-up read the whole table (issue 21).
ENFORCED = literal_column("requests.enforced")
REQUESTS = CitizenRequest.__table__
STATUS_CHANGES = StatusChange.__table__


STILL_PROCESSING = "a request with this Idempotency-Key is still being processed"
RACED = "this request is being stored by another call; try again"


def _received(receipt: Receipt) -> dict[str, Any]:
    """The status change a newly stored request starts its history with."""
    at = receipt.received_at
    return {"request_id": int(receipt.reference), "status": "received", "reason": None, "at": at, "user_id": None}


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


class InvalidSealedFields(Refused):
    """Sealed answers that open but break the rules plain answers follow: 422. ``errors`` are the
    validation errors as the API answers them (``public_errors``: never the answers themselves),
    located under ``sealed_fields``."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        first = errors[0] if errors else {"loc": ["sealed_fields"], "msg": "invalid"}
        super().__init__(422, f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}")
        self.errors = errors


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


class Intake:
    """Stores requests for one database, the server's key (national-ID digests, hashes), its
    answers' keys and its settings."""

    def __init__(self, db: Database, key: bytes, settings: Settings, answers: Answers) -> None:
        self.db = db
        self.key = key
        self.settings = settings
        self.answers = answers

    def opened(self, request: RequestIn) -> RequestIn:
        """The request with its answers in clear: as it is, or with ``sealed_fields`` opened and
        checked. Refused(409) when they cannot be opened with this server's key, InvalidSealedFields
        (422) when they open but are not valid answers. Nothing of the answers is in either."""
        if request.sealed_fields is None:
            return request
        try:
            fields = self.answers.keys.opener.open(request.sealed_fields)
        except SealError:
            raise Refused(409, self.another_key_detail()) from None
        data = request.model_dump(exclude={"fields", "sealed_fields"})
        try:
            return RequestIn.model_validate({**data, "fields": fields})
        except ValidationError as exc:
            errors = public_errors(exc.errors(include_input=False, include_url=False))
            for error in errors:
                if error["loc"][:1] == ["fields"]:
                    error["loc"][0] = "sealed_fields"
            raise InvalidSealedFields(errors) from None

    def another_key_detail(self) -> str:
        return (
            "the answers were sealed for another key, not this server's (key fingerprint "
            f"{self.answers.keys.fingerprint}, as `kiosk-central sealing-key` prints it): the kiosk keeps the "
            "request; give it this server's key (config.toml's server_key)"
        )

    def submit(self, kiosk: KioskIdentity, key: str, body: RequestIn | dict[str, Any], source: str = "api") -> Receipt:
        """Store a request once per (kiosk, key). Raises Refused (422/409) when it cannot be stored,
        pydantic's ValidationError when ``body`` is a dict that is not a valid request."""
        request = self.opened(body if isinstance(body, RequestIn) else RequestIn.model_validate(body))
        body_hash = self._checked_hash(kiosk, request)
        for _attempt in range(3):
            try:
                with self.db.write() as session:
                    if not self._locked(session, kiosk.id, [key]):
                        raise Refused(409, STILL_PROCESSING)
                    pending: list[dict[str, Any]] = []
                    receipt = self._insert(session, kiosk, key, body_hash, request, source, True, pending)
                    if pending:
                        session.execute(insert(STATUS_CHANGES), pending)
                    return receipt
            except IntegrityError:
                # Not a key or code taken (the insert does nothing then): a row it names went away
                # meanwhile, or the like. The next attempt starts again.
                continue
        raise Refused(409, RACED)

    def submit_many(self, kiosk: KioskIdentity, items: list[tuple[str, RequestIn]]) -> list[Receipt | Refused]:
        """Store several requests in one transaction (one commit, one fsync): each gets what
        ``submit`` would have given it, a Receipt or a Refused, and one refused request never
        undoes another (a refused one wrote nothing: its insert did nothing, or never ran).

        On PostgreSQL one statement takes every key's lock; then each request is one INSERT, in
        order, so a request repeated within the batch finds the one before it (a replay, or its
        duplicate), and the status changes of those stored are one INSERT at the end."""
        results: list[Receipt | Refused | None] = [None] * len(items)
        checked: list[tuple[int, str, RequestIn, str]] = []
        for index, (key, request) in enumerate(items):
            try:
                request = self.opened(request)
                checked.append((index, key, request, self._checked_hash(kiosk, request)))
            except Refused as refused:
                results[index] = refused
        if checked:
            try:
                with self.db.write() as session:
                    outcomes = self._insert_many(session, kiosk, checked, one_by_one=False)
            except IntegrityError:
                # Something the insert does not absorb (not a key or code taken: that does nothing):
                # again, each request under a savepoint of its own, where it is a 409 the kiosk
                # retries later and the others are stored all the same.
                with self.db.write() as session:
                    outcomes = self._insert_many(session, kiosk, checked, one_by_one=True)
            for (index, *_rest), outcome in zip(checked, outcomes, strict=True):
                results[index] = outcome
        answered = [r for r in results if r is not None]
        assert len(answered) == len(items), "every request in a batch gets its answer"
        return answered

    def _insert_many(
        self, session: Session, kiosk: KioskIdentity, checked: list[tuple[int, str, RequestIn, str]], one_by_one: bool
    ) -> list[Receipt | Refused]:
        held = self._locked(session, kiosk.id, [key for _i, key, _r, _h in checked])
        self.answers.mobile_fields.refresh(session)
        outcomes: list[Receipt | Refused] = []
        pending: list[dict[str, Any]] = []
        for _index, key, request, body_hash in checked:
            if key not in held:
                outcomes.append(Refused(409, STILL_PROCESSING))
                continue
            try:
                if one_by_one:
                    with session.begin_nested():
                        outcomes.append(self._insert(session, kiosk, key, body_hash, request, "api", False, pending))
                else:
                    outcomes.append(self._insert(session, kiosk, key, body_hash, request, "api", False, pending))
            except Refused as refused:
                outcomes.append(refused)
            except IntegrityError:
                if not one_by_one:
                    raise
                outcomes.append(Refused(409, RACED))
        if pending:
            session.execute(insert(STATUS_CHANGES), pending)
        return outcomes

    def _checked_hash(self, kiosk: KioskIdentity, request: RequestIn) -> str:
        if not is_valid_tracking_code(request.tracking_code):
            raise Refused(422, "tracking_code: the check digit does not match")
        if int(request.tracking_code[:3]) != kiosk.number:
            raise Refused(422, f"tracking_code: does not start with this kiosk's number {kiosk.number:03d}")
        # The validated form, so that the API and an import of the same request agree whatever the
        # spelling of the same instant (Z or +00:00) or the order of keys, and whether its answers
        # came sealed or in clear. Unkeyed here: as stored, keyed (``_same_body``).
        return canonical_hash(request.hashed_form())

    def _same_body(self, stored: str, stored_clear: bool, body_hash: str) -> bool:
        """Whether a stored request's hash is that of this body. Rows whose answers are still in
        clear (an older server stored them after this one sealed the rest) hold it unkeyed."""
        expected = body_hash if stored_clear else security.keyed_body_hash(self.key, body_hash)
        return secrets.compare_digest(stored, expected)

    def _insert(
        self,
        session: Session,
        kiosk: KioskIdentity,
        key: str,
        body_hash: str,
        request: RequestIn,
        source: str,
        refresh: bool,
        pending: list[dict[str, Any]],
    ) -> Receipt:
        """The request's row: one INSERT, which looks up the request it may duplicate itself (one
        range read on ix_requests_duplicates) and, with idempotency enforced, does nothing when the
        key or the tracking code is taken (the partial unique indexes). Only then is the stored row
        read: a replay (Receipt, not created), or Refused 422. A new request's first status change
        is written by the same statement on PostgreSQL (a data-modifying CTE); on SQLite, which has
        none, it is appended to ``pending`` for the caller to write."""
        enforce = self.settings.enforce_idempotency
        now = utcnow()
        digest = self._national_id_digest(request)
        answers = request.answers
        values = {
            "kiosk_id": kiosk.id,
            "idempotency_key": key,
            "body_hash": security.keyed_body_hash(self.key, body_hash),
            "enforced": enforce,
            "tracking_code": request.tracking_code,
            "service_id": request.service_id,
            "agency_id": request.agency_id,
            "mode": request.mode,
            "profile": request.profile,
            "catalog_version": request.catalog_version,
            "created_at": request.created_at,
            "received_at": now,
            "fields_sealed": self.answers.lock(answers),
            "fields": None,
            "mobile_check": self.answers.mobile_check(
                session, request.tracking_code, request.service_id, request.catalog_version, answers, refresh=refresh
            ),
            "national_id_hmac": digest,
            "duplicate_of_id": self._first_within_window(request, digest),
            "status": "received",
            "status_changed_at": now,
            "reason": None,
            "source": source,
        }
        postgres = self.db.dialect == "postgresql"
        statement = (postgresql_insert if postgres else sqlite_insert)(REQUESTS).values(values)
        if enforce:
            statement = statement.on_conflict_do_nothing()
        if postgres:
            # The status change in the same statement: it selects from the insert's RETURNING, so
            # it is written only when the request was.
            stored = statement.returning(REQUESTS.c.id).cte("stored")
            change = select(stored.c.id, literal("received"), null(), literal(now, REQUESTS.c.received_at.type), null())
            both = insert(STATUS_CHANGES).from_select(["request_id", "status", "reason", "at", "user_id"], change)
            row_id = session.execute(both.returning(STATUS_CHANGES.c.request_id)).scalar()
        else:
            row_id = session.execute(statement.returning(REQUESTS.c.id)).scalar()
        if row_id is not None:
            receipt = Receipt(True, str(row_id), request.tracking_code, now)
            if not postgres:
                pending.append(_received(receipt))
            return receipt
        existing = self._existing(session, kiosk.id, key, body_hash, request.tracking_code)
        if existing is None:  # what it conflicted with is gone again: the kiosk tries later
            raise Refused(409, RACED)
        return existing

    @staticmethod
    def _key_lock(kiosk_id: int, key: str) -> int:
        return int.from_bytes(hashlib.sha256(f"{kiosk_id}:{key}".encode()).digest()[:8], "big", signed=True)

    def _locked(self, session: Session, kiosk_id: int, keys: list[str]) -> set[str]:
        """The keys this transaction holds: on PostgreSQL, those whose transaction-scoped advisory
        lock it got (one statement for them all), so a second call with a key still being stored is
        told so (409) instead of waiting; elsewhere, all of them (SQLite serialises writers)."""
        if self.db.dialect != "postgresql" or not self.settings.enforce_idempotency:
            return set(keys)
        locks: dict[int, list[str]] = {}
        for key in keys:
            locks.setdefault(self._key_lock(kiosk_id, key), []).append(key)
        if len(locks) == 1:
            ((lock, named),) = locks.items()
            got = session.scalar(text("SELECT pg_try_advisory_xact_lock(:lock)"), {"lock": lock})
            return set(named) if got else set()
        held = session.execute(
            text("SELECT k, pg_try_advisory_xact_lock(k) FROM unnest(CAST(:locks AS bigint[])) AS k"),
            {"locks": list(locks)},
        )
        return {key for lock, got in held if got for key in locks[lock]}

    def _existing(self, session: Session, kiosk_id: int, key: str, body_hash: str, code: str) -> Receipt | None:
        """The stored request this one's insert conflicted with, by key (a replay, or 422 for another
        body) or by tracking code (422); None if neither is there."""
        row = session.execute(
            select(REQUESTS.c.id, REQUESTS.c.body_hash, REQUESTS.c.tracking_code, REQUESTS.c.received_at,
                   REQUESTS.c.fields.is_not(None).label("clear"))
            .where(REQUESTS.c.kiosk_id == kiosk_id, REQUESTS.c.idempotency_key == key, ENFORCED)
        ).first()  # fmt: skip
        if row is not None:
            if not self._same_body(row.body_hash, bool(row.clear), body_hash):
                raise Refused(422, "this Idempotency-Key was already used with a different request body")
            return Receipt(False, str(row.id), row.tracking_code, row.received_at)
        taken = session.scalar(select(REQUESTS.c.id).where(REQUESTS.c.tracking_code == code, ENFORCED))
        if taken is not None:
            raise Refused(422, "tracking_code: already used by another request")
        return None

    def _first_within_window(self, request: RequestIn, digest: str | None) -> ScalarSelect[int] | None:
        """The earliest stored request for the same service and national ID created within the
        duplicate window of this one, as a subquery of the insert (one range read on
        ix_requests_duplicates, however many the same person, or a demo's sample ID, has filed)."""
        if digest is None:
            return None
        window = timedelta(hours=self.settings.duplicate_window_hours)
        return (
            select(REQUESTS.c.id)
            .where(
                REQUESTS.c.service_id == request.service_id,
                REQUESTS.c.national_id_hmac == digest,
                REQUESTS.c.created_at >= request.created_at - window,
                REQUESTS.c.created_at <= request.created_at + window,
            )
            .order_by(REQUESTS.c.created_at, REQUESTS.c.id)
            .limit(1)
            .scalar_subquery()
        )

    def _national_id_digest(self, request: RequestIn) -> str | None:
        national_id = request.answers.get("national_id")
        return security.national_id_digest(self.key, national_id) if isinstance(national_id, str) else None
