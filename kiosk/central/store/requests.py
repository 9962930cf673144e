"""Citizens' requests: storing them (``intake``), tracking and status, and the dashboard's queries.

Staff see only the requests of the agencies they work for: ``visible_to`` is that rule, and every
method that takes a staff member applies it. What the dashboard gets back is plain: model rows
read in full (a request with its kiosk) and small dataclasses, never a query or a session.

A row's answers are encrypted (``fields_sealed``): ``answers(row)`` opens them, for staff and the
tools that act for them only. Tracking at a kiosk never opens them: the status is anyone's who has
the code, the staff's reason only theirs who also has the mobile number's last four digits
(``check_mobile``), with five wrong tries an hour for a code, counted in the database.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import Select, false, func, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from kiosk.central import roles, security
from kiosk.central.clock import utcnow
from kiosk.central.db import Database
from kiosk.central.models import STATUSES, CitizenRequest, StatusChange, TrackingFailure, User, is_row_id
from kiosk.central.schemas import RequestIn
from kiosk.central.settings import Settings
from kiosk.central.store.answers import Answers
from kiosk.central.store.intake import Intake, Receipt, Refused
from kiosk.central.store.kiosks import KioskIdentity


def visible_to(user: User) -> Any:
    """A WHERE clause limiting requests to the agencies this user works for (none for a viewer,
    who sees usage only: ``kiosk.central.roles``)."""
    if user.role == roles.VIEWER:
        return false()
    if user.all_agencies:
        return true()
    return CitizenRequest.agency_id.in_(user.agencies) if user.agencies else false()


@dataclass(frozen=True)
class RequestCriteria:
    """Which requests a list or an export holds; None is "any"."""

    agency_id: str | None = None
    service_id: str | None = None
    mode: str | None = None
    status: str | None = None
    duplicates_only: bool = False
    tracking_code: str | None = None
    received_from: datetime | None = None  # inclusive
    received_before: datetime | None = None  # exclusive


@dataclass(frozen=True)
class RequestPage:
    rows: list[CitizenRequest]  # newest received first
    total: int  # of all the pages
    agencies: list[str]  # what the staff member can filter by: their agencies and those they have requests of
    services: list[str]


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    status: str
    reason: str | None
    by: str | None  # the staff member's name; None when the system or the command line set it


@dataclass(frozen=True)
class RequestDetail:
    row: CitizenRequest
    related: list[CitizenRequest]  # its possible duplicates, earlier and later, that the staff member may see
    history: list[HistoryEntry]  # oldest first
    answers: dict[int, dict[str, Any]]  # the answers of the row and of each related one, by id


# Tracking's second factor: this many wrong tries for one code within the window lock it until the
# window, which starts at the first wrong try, is over.
WRONG_TRIES = 5
TRIES_WINDOW = timedelta(hours=1)


class Proof(Enum):
    RIGHT = "right"
    WRONG = "wrong"
    NONE = "none"  # the request has no mobile number: nothing can show its reason at a kiosk
    LOCKED = "locked"


@dataclass(frozen=True)
class ProofOutcome:
    proof: Proof
    row: CitizenRequest
    retry_after: int = 0  # seconds, when LOCKED


class Requests:
    def __init__(self, db: Database, key: bytes, settings: Settings, answers: Answers) -> None:
        self.db = db
        self._key = key
        self._answers = answers
        self._intake = Intake(db, key, settings, answers)

    def opened(self, request: RequestIn) -> RequestIn:
        """``Intake.opened``: the request with its answers in clear (Refused 409 / InvalidSealedFields 422)."""
        return self._intake.opened(request)

    def answers(self, row: CitizenRequest) -> dict[str, Any]:
        """A request's answers, opened: for staff (the dashboard, its CSV) and the tools acting for
        them, never for kiosks."""
        return self._answers.read(row)

    def check_mobile(self, code: str, last4: str) -> ProofOutcome:
        """Whether ``last4`` are the last four digits of the mobile number of the request with this
        tracking code, counting wrong tries in the database (so every server process counts the
        same); LookupError for an unknown code. In one write transaction that locks the request
        (PostgreSQL: its row; SQLite: the database), so tries at once are counted one by one."""
        now = utcnow()
        with self.db.write() as session:
            found = session.execute(
                select(CitizenRequest.id, CitizenRequest.mobile_check)
                .where(CitizenRequest.tracking_code == code)
                .order_by(CitizenRequest.id)
                .limit(1)
                .with_for_update()
            ).first()
            if found is None:
                raise LookupError(code)
            row = session.get_one(CitizenRequest, found.id)
            failures = session.get(TrackingFailure, found.id)
            if failures is not None and now - failures.first_at >= TRIES_WINDOW:
                session.delete(failures)
                session.flush()
                failures = None
            if failures is not None and failures.failures >= WRONG_TRIES:
                left = failures.first_at + TRIES_WINDOW - now
                return ProofOutcome(Proof.LOCKED, row, retry_after=max(1, int(left.total_seconds()) + 1))
            if found.mobile_check is None:
                return ProofOutcome(Proof.NONE, row)
            expected = security.mobile_check(self._key, code, last4)
            if secrets.compare_digest(found.mobile_check, expected):
                if failures is not None:
                    session.delete(failures)
                return ProofOutcome(Proof.RIGHT, row)
            if failures is None:
                session.add(TrackingFailure(request_id=found.id, failures=1, first_at=now))
            else:
                failures.failures += 1
            return ProofOutcome(Proof.WRONG, row)

    def submit(self, kiosk: KioskIdentity, key: str, body: RequestIn | dict[str, Any], source: str = "api") -> Receipt:
        """``Intake.submit``: store a request once per (kiosk, key)."""
        return self._intake.submit(kiosk, key, body, source)

    def submit_many(self, kiosk: KioskIdentity, items: list[tuple[str, RequestIn]]) -> list[Receipt | Refused]:
        """``Intake.submit_many``: several requests in one transaction, each answered as ``submit`` would."""
        return self._intake.submit_many(kiosk, items)

    def by_tracking_code(self, code: str) -> CitizenRequest | None:
        with self.db.read() as session:
            return session.scalar(
                select(CitizenRequest).where(CitizenRequest.tracking_code == code).order_by(CitizenRequest.id).limit(1)
            )

    def set_status(self, request_id: int, status: str, reason: str | None, by: User | None = None) -> None:
        """A new status, and the reason the citizen reads, on the request and in its history.

        ``by`` is the staff member setting it, who may change only requests they can see: for
        another, LookupError before anything else is checked, so the answer says nothing about it.
        None is the command line (and tests), which sees every request. ValueError for a status
        that cannot be set; LookupError when there is no such request."""
        if not is_row_id(request_id):
            raise LookupError(request_id)
        if by is not None:
            with self.db.read() as session:
                seen = session.scalar(select(CitizenRequest.id).where(CitizenRequest.id == request_id, visible_to(by)))
            if seen is None:
                raise LookupError(request_id)
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
            user_id = by.id if by is not None else None
            session.add(StatusChange(request_id=row.id, status=status, reason=reason, at=now, user_id=user_id))

    def set_status_by_code(self, code: str, status: str, reason: str | None = None) -> None:
        row = self.by_tracking_code(code)
        if row is None:
            raise LookupError(code)
        self.set_status(row.id, status, reason)

    def page(self, criteria: RequestCriteria, user: User, number: int, size: int) -> RequestPage:
        """Page ``number`` (from 1) of ``size`` requests matching ``criteria`` that ``user`` may see."""
        matching = _matching(criteria, user)
        with self.db.read() as session:
            total = session.scalar(select(func.count()).select_from(matching.subquery())) or 0
            rows = list(
                session.scalars(
                    matching.order_by(CitizenRequest.received_at.desc(), CitizenRequest.id.desc())
                    .offset((number - 1) * size)
                    .limit(size)
                )
            )
            agencies = _distinct_visible(session, CitizenRequest.agency_id, user)
            services = _distinct_visible(session, CitizenRequest.service_id, user)
        if not user.all_agencies:
            agencies |= set(user.agencies)
        return RequestPage(rows=rows, total=total, agencies=sorted(agencies), services=sorted(services))

    def export_rows(self, criteria: RequestCriteria, user: User) -> Iterator[CitizenRequest]:
        """Every request matching ``criteria`` that ``user`` may see, oldest first, read 500 at a time so
        an export of years stays small in memory. Its read session stays open until the last row: read
        it through at once."""
        with self.db.read() as session:
            yield from session.scalars(
                _matching(criteria, user).order_by(CitizenRequest.id).execution_options(yield_per=500)
            )

    def detail(self, request_id: int, user: User) -> RequestDetail | None:
        """The request with its possible duplicates and its history; None if ``user`` may not see it."""
        if not is_row_id(request_id):
            return None
        with self.db.read() as session:
            row = session.scalar(select(CitizenRequest).where(CitizenRequest.id == request_id, visible_to(user)))
            if row is None:
                return None
            related_ids = {row.duplicate_of_id} if row.duplicate_of_id else set()
            related = list(
                session.scalars(
                    select(CitizenRequest)
                    .where(
                        or_(CitizenRequest.id.in_(related_ids), CitizenRequest.duplicate_of_id == row.id),
                        CitizenRequest.id != row.id,
                        visible_to(user),
                    )
                    .order_by(CitizenRequest.id)
                )
            )
            history = [
                HistoryEntry(at=change.at, status=change.status, reason=change.reason, by=name)
                for change, name in session.execute(
                    select(StatusChange, User.name)
                    .outerjoin(User, User.id == StatusChange.user_id)
                    .where(StatusChange.request_id == row.id)
                    .order_by(StatusChange.id)
                )
            ]
        answers = {r.id: self._answers.read(r) for r in (row, *related)}
        return RequestDetail(row=row, related=related, history=history, answers=answers)


def _matching(criteria: RequestCriteria, user: User) -> Select[tuple[CitizenRequest]]:
    query = select(CitizenRequest).where(visible_to(user))
    if criteria.agency_id is not None:
        query = query.where(CitizenRequest.agency_id == criteria.agency_id)
    if criteria.service_id is not None:
        query = query.where(CitizenRequest.service_id == criteria.service_id)
    if criteria.mode is not None:
        query = query.where(CitizenRequest.mode == criteria.mode)
    if criteria.status is not None:
        query = query.where(CitizenRequest.status == criteria.status)
    if criteria.duplicates_only:
        query = query.where(CitizenRequest.duplicate_of_id.is_not(None))
    if criteria.tracking_code is not None:
        query = query.where(CitizenRequest.tracking_code == criteria.tracking_code)
    if criteria.received_from is not None:
        query = query.where(CitizenRequest.received_at >= criteria.received_from)
    if criteria.received_before is not None:
        query = query.where(CitizenRequest.received_at < criteria.received_before)
    return query


def _distinct_visible(session: Session, column: InstrumentedAttribute[str], user: User) -> set[str]:
    return set(session.scalars(select(column).where(visible_to(user)).distinct()))
