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
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import literal_column, select, text
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
                request = self.opened(request)
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
                       CitizenRequest.tracking_code, CitizenRequest.received_at,
                       CitizenRequest.clear_fields.is_not(None).label("clear"))
                .where(CitizenRequest.kiosk_id == kiosk.id, ENFORCED,
                       CitizenRequest.idempotency_key.in_(list(by_key)))
            ):  # fmt: skip
                if row.idempotency_key in outcomes:
                    continue
                if not self._same_body(row.body_hash, bool(row.clear), by_key[row.idempotency_key]):
                    refused = Refused(422, "this Idempotency-Key was already used with a different request body")
                    outcomes[row.idempotency_key] = refused
                else:
                    receipt = Receipt(False, str(row.id), row.tracking_code, row.received_at)
                    outcomes[row.idempotency_key] = receipt
            code_keys = {request.tracking_code: key for _i, key, request, _h in checked if key not in outcomes}
            for code in session.scalars(
                select(CitizenRequest.tracking_code).where(CitizenRequest.tracking_code.in_(list(code_keys)), ENFORCED)
            ):
                outcomes[code_keys[code]] = Refused(422, "tracking_code: already used by another request")
        new = [(key, request, body_hash) for _i, key, request, body_hash in checked if key not in outcomes]
        now = utcnow()
        self.answers.mobile_fields.refresh(session)
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
            rows.append(
                self._row(
                    session, kiosk, key, body_hash, request, "api", enforce, digest, duplicate_of, now, refresh=False
                )
            )
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
        # spelling of the same instant (Z or +00:00) or the order of keys, and whether its answers
        # came sealed or in clear. Unkeyed here: as stored, keyed (``_same_body``).
        return canonical_hash(request.hashed_form())

    def _same_body(self, stored: str, stored_clear: bool, body_hash: str) -> bool:
        """Whether a stored request's hash is that of this body. Rows whose answers are still in
        clear (an older server stored them after this one sealed the rest) hold it unkeyed."""
        expected = body_hash if stored_clear else security.keyed_body_hash(self.key, body_hash)
        return secrets.compare_digest(stored, expected)

    def _store_one(
        self, session: Session, kiosk: KioskIdentity, key: str, body_hash: str, request: RequestIn, source: str
    ) -> Receipt:
        enforce = self.settings.enforce_idempotency
        if enforce:
            self._lock_key(session, kiosk.id, key)
            existing = self._existing(session, kiosk.id, key, body_hash, request.tracking_code)
            if existing is not None:
                return existing
        digest = self._national_id_digest(request)
        duplicate_of = self._first_within_window(session, request, digest)
        row = self._row(session, kiosk, key, body_hash, request, source, enforce, digest, duplicate_of, utcnow())
        session.add(row)
        session.flush()
        session.add(StatusChange(request_id=row.id, status="received", reason=None, at=row.received_at, user_id=None))
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
                ENFORCED,
            )
        )
        if row is not None:
            if not self._same_body(row.body_hash, row.clear_fields is not None, body_hash):
                raise Refused(422, "this Idempotency-Key was already used with a different request body")
            return Receipt(False, str(row.id), row.tracking_code, row.received_at)
        taken = session.scalar(select(CitizenRequest.id).where(CitizenRequest.tracking_code == code, ENFORCED))
        if taken is not None:
            raise Refused(422, "tracking_code: already used by another request")
        return None

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
        national_id = request.answers.get("national_id")
        return security.national_id_digest(self.key, national_id) if isinstance(national_id, str) else None

    def _row(
        self,
        session: Session,
        kiosk: KioskIdentity,
        key: str,
        body_hash: str,
        request: RequestIn,
        source: str,
        enforce: bool,
        digest: str | None,
        duplicate_of: int | None,
        now: datetime,
        refresh: bool = True,
    ) -> CitizenRequest:
        answers = request.answers
        mobile_check = self.answers.mobile_check(
            session, request.tracking_code, request.service_id, request.catalog_version, answers, refresh=refresh
        )
        return CitizenRequest(
            kiosk_id=kiosk.id,
            idempotency_key=key,
            body_hash=security.keyed_body_hash(self.key, body_hash),
            enforced=enforce,
            tracking_code=request.tracking_code,
            service_id=request.service_id,
            agency_id=request.agency_id,
            mode=request.mode,
            profile=request.profile,
            catalog_version=request.catalog_version,
            created_at=request.created_at,
            received_at=now,
            fields_sealed=self.answers.lock(answers),
            clear_fields=None,
            mobile_check=mobile_check,
            national_id_hmac=digest,
            duplicate_of_id=duplicate_of,
            status="received",
            status_changed_at=now,
            reason=None,
            source=source,
        )
