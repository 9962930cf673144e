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

import heapq
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, false, func, literal_column, or_, select, text, true, tuple_
from sqlalchemy.orm import Session

from kiosk.central import roles, security
from kiosk.central.clock import utcnow
from kiosk.central.db import Database
from kiosk.central.models import MODES, STATUSES, CitizenRequest, StatusChange, TrackingFailure, User, is_row_id
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


@dataclass(frozen=True, order=True)
class PageKey:
    """Where a page of the list starts or ends: a request's (received_at, id), the list's order.

    In a link it is ``20261207103000123456-4711`` (the UTC time to the microsecond, then the id):
    digits only, so it needs no escaping, and a bookmark keeps working as requests arrive."""

    received_at: datetime
    id: int

    def text(self) -> str:
        return f"{self.received_at.astimezone(UTC):%Y%m%d%H%M%S%f}-{self.id}"

    @classmethod
    def parse(cls, text: str) -> PageKey | None:
        """The key a link carries; None when it is not one (a mangled or hand-made link)."""
        found = _KEY.fullmatch(text)
        if found is None:
            return None
        try:
            moment = datetime.strptime(found[1], "%Y%m%d%H%M%S%f").replace(tzinfo=UTC)
        except ValueError:
            return None
        number = int(found[2])
        return cls(moment, number) if is_row_id(number) else None


_KEY = re.compile(r"([0-9]{20})-([0-9]{1,19})")


@dataclass(frozen=True)
class RequestPage:
    rows: list[CitizenRequest]  # newest received first
    # How many match, counted up to ``COUNT_LIMIT`` (counting a million rows is what made the list
    # slow); ``more`` when there are more than that.
    total: int
    more: bool
    newer: PageKey | None  # the key a "previous page" link carries (None: this is the first page)
    older: PageKey | None  # the key a "next page" link carries (None: this is the last page)
    agencies: list[str]  # what the staff member can filter by: their agencies and those they have requests of
    services: list[str]


# The list counts matching requests up to this many and says "more than" beyond.
COUNT_LIMIT = 1000
# Exports read this many requests per database round trip.
EXPORT_BATCH = 500


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

    def page(
        self,
        criteria: RequestCriteria,
        user: User,
        size: int,
        after: PageKey | None = None,
        before: PageKey | None = None,
    ) -> RequestPage:
        """``size`` requests matching ``criteria`` that ``user`` may see, newest first: the first page,
        the page of those older than ``after``, or the page of those newer than ``before`` (keyset
        pagination: each walks one index from the key, never counting past rows with OFFSET)."""
        plan = _plan(criteria, user)
        with self.db.read() as session:
            if before is not None:
                keys = _keys(session, plan, before, newer=True, limit=size + 1)
                if len(keys) <= size:  # back at the top: the first page, whole
                    before, keys = None, _keys(session, plan, None, newer=False, limit=size + 1)
                    newer, older = None, (keys[size - 1] if len(keys) > size else None)
                    keys = keys[:size]
                else:
                    keys = keys[1:]
                    newer, older = keys[0], keys[-1]
            else:
                keys = _keys(session, plan, after, newer=False, limit=size + 1)
                older = keys[size - 1] if len(keys) > size else None
                keys = keys[:size]
                newer = keys[0] if after is not None and keys else None
            rows = _rows(session, [key.id for key in keys])
            counted = session.scalar(select(func.count()).select_from(plan.counted().limit(COUNT_LIMIT + 1).subquery()))
            total = counted or 0
            agencies, services = _choices(session, user)
        return RequestPage(
            rows=rows, total=min(total, COUNT_LIMIT), more=total > COUNT_LIMIT, newer=newer, older=older,
            agencies=agencies, services=services,
        )  # fmt: skip

    def export_rows(
        self, criteria: RequestCriteria, user: User, up_to: int | None = None, batch: int = EXPORT_BATCH
    ) -> Iterator[CitizenRequest]:
        """Every request matching ``criteria`` that ``user`` may see, oldest first (by id), up to id
        ``up_to`` when given, so two readings of one export hold the same requests. Read ``batch``
        at a time, each batch in a short read transaction of its own from the last id read on
        (keyset, by the primary key): an export of years stays small in memory, and a slow download
        holds no database connection or snapshot while the client reads."""
        # By the primary key from the last id read, every filter written so that no index serves it:
        # an index of the filter's column is in the list's order, not the id's, and its rows would be
        # sorted again for every batch (an export of 100,000 of them, 200 times).
        selection = select(CitizenRequest).where(_scope_unindexed(user), *_conditions(criteria, indexed="id"))
        last = 0
        while True:
            query = selection.where(CitizenRequest.id > last)
            if up_to is not None:
                query = query.where(CitizenRequest.id <= up_to)
            with self.db.read() as session:
                rows = list(session.scalars(query.order_by(CitizenRequest.id).limit(batch)))
            yield from rows
            if len(rows) < batch:
                return
            last = rows[-1].id

    def export_forms(
        self, criteria: RequestCriteria, user: User, up_to: int, batch: int = EXPORT_BATCH
    ) -> Iterator[tuple[str, list[str]]]:
        """What an export's columns depend on, for each request ``export_rows`` gives, in its order:
        the catalog version it was filed against and the ids of its answers. Read as ``export_rows``
        reads, but only the columns it needs (no kiosk, no ORM object)."""
        columns = (CitizenRequest.id, CitizenRequest.catalog_version, CitizenRequest.fields_sealed,
                   CitizenRequest.clear_fields)  # fmt: skip
        selection = select(*columns).where(_scope_unindexed(user), *_conditions(criteria, indexed="id"))
        last = 0
        while True:
            query = selection.where(CitizenRequest.id > last, CitizenRequest.id <= up_to)
            with self.db.read() as session:
                rows = list(session.execute(query.order_by(CitizenRequest.id).limit(batch)))
            for row in rows:
                yield row.catalog_version, list(self._answers.read(row))  # type: ignore[arg-type]  # a Row with its columns
            if len(rows) < batch:
                return
            last = rows[-1].id

    def export_last_id(self, criteria: RequestCriteria, user: User) -> int | None:
        """The newest id an export of ``criteria`` holds when it starts (None: nothing to export)."""
        with self.db.read() as session:
            return session.scalar(
                _matching(criteria, user)
                .with_only_columns(CitizenRequest.id)
                .order_by(CitizenRequest.id.desc())
                .limit(1)
            )

    def export_services(self, criteria: RequestCriteria, user: User, up_to: int) -> list[str]:
        """The services of the requests an export of ``criteria`` holds (up to id ``up_to``), sorted:
        each stored (agency, service) pair's service (``_choices``), kept if one of its requests is
        in the selection (one index walk each)."""
        with self.db.read() as session:
            _agencies, candidates = _choices(session, user)
            found = []
            for service_id in candidates:
                if criteria.service_id not in (None, service_id):
                    continue
                own = RequestCriteria(**{**criteria.__dict__, "service_id": service_id})
                query = _matching(own, user).with_only_columns(CitizenRequest.id).where(CitizenRequest.id <= up_to)
                if session.scalar(query.limit(1)) is not None:
                    found.append(service_id)
        return found

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
    for condition in _conditions(criteria):
        query = query.where(condition)
    return query


def _conditions(criteria: RequestCriteria, indexed: str | None = None) -> list[ColumnElement[bool]]:
    """``criteria`` as WHERE terms. With ``indexed``, only that filter's column is compared as it is;
    the others as ``column || ''``, which no index serves, so the database walks the one index
    ``_plan`` chose (a planner without statistics, SQLite's, would otherwise pick either of two)."""

    def column(name: str) -> Any:
        own = getattr(CitizenRequest, name)
        return own if indexed in (None, name) else own + ""

    conditions: list[ColumnElement[bool]] = []
    if criteria.agency_id is not None:
        conditions.append(column("agency_id") == criteria.agency_id)
    if criteria.service_id is not None:
        conditions.append(column("service_id") == criteria.service_id)
    if criteria.mode is not None:
        conditions.append(column("mode") == criteria.mode)
    if criteria.status is not None:
        conditions.append(column("status") == criteria.status)
    if criteria.duplicates_only:
        conditions.append(CitizenRequest.duplicate_of_id.is_not(None))
    if criteria.tracking_code is not None:
        conditions.append(column("tracking_code") == criteria.tracking_code)
    if criteria.received_from is not None:
        conditions.append(CitizenRequest.received_at >= criteria.received_from)
    if criteria.received_before is not None:
        conditions.append(CitizenRequest.received_at < criteria.received_before)
    return conditions


@dataclass(frozen=True)
class _Plan:
    """How the list reads one selection: the index it walks (named by its first column, or
    "duplicates") and the streams it merges, each one value of that column, when the selection
    holds several (a staff member's agencies; live and demo requests): every stream is read in the
    list's order by its index, and the page is their first rows, merged."""

    indexed: str  # tracking_code, duplicates, service_id, agency_status, agency_id, status or mode
    streams: list[ColumnElement[bool]]  # one WHERE term each; [true()] when there is one stream
    where: list[ColumnElement[bool]]  # the rest of the selection, no index asked of it

    def counted(self) -> Select[Any]:
        """The whole selection, by the same index (every stream at once), as the count reads it."""
        return select(literal_column("1")).select_from(CitizenRequest).where(or_(*self.streams), *self.where)


def _plan(criteria: RequestCriteria, user: User) -> _Plan:
    """The one index the list walks for ``criteria``: the most selective filter's. A tracking code
    names one request; possible duplicates are few; a service is one of hundreds; an agency (the
    filter's, or those of a staff member who works for some) one of tens, with a status (its own
    index: an agency's rejected requests, walked by agency, were a few in every hundred read) or
    without; a status one of four;
    the mode, last, is in every selection (live by default)."""
    scope = None if user.all_agencies and user.role != roles.VIEWER else _scope(user)
    agencies = scope
    if criteria.agency_id is not None:
        agencies = [a for a in (scope if scope is not None else [criteria.agency_id]) if a == criteria.agency_id]
    if agencies is not None and not agencies:
        return _Plan("agency_id", [false()], [])
    if criteria.tracking_code is not None:
        indexed = "tracking_code"
    elif criteria.duplicates_only:
        indexed = "duplicates"
    elif criteria.service_id is not None:
        indexed = "service_id"
    elif agencies is not None and criteria.status is not None:
        indexed = "agency_status"  # an agency's staff at work: each of their agencies' requests of one status
    elif agencies is not None:
        indexed = "agency_id"
    elif criteria.status is not None:
        indexed = "status"
    else:
        indexed = "mode"
    unscoped = RequestCriteria(**{**criteria.__dict__, "agency_id": None})
    where = _conditions(unscoped, "status" if indexed == "agency_status" else indexed)
    if indexed in ("agency_id", "agency_status"):
        assert agencies is not None
        streams = [CitizenRequest.agency_id == agency for agency in agencies]
    else:
        if agencies is not None:
            where.append((CitizenRequest.agency_id + "").in_(agencies))
        streams = [true()]
        if indexed == "mode" and criteria.mode is None:
            streams = [CitizenRequest.mode == mode for mode in MODES]
    return _Plan(indexed, streams, where)


def _scope_unindexed(user: User) -> ColumnElement[bool]:
    """``visible_to``, written so that no index serves it (``_conditions``)."""
    if user.role == roles.VIEWER:
        return false()
    if user.all_agencies:
        return true()
    return (CitizenRequest.agency_id + "").in_(user.agencies) if user.agencies else false()


def _scope(user: User) -> list[str]:
    if user.role == roles.VIEWER:
        return []
    return sorted(set(user.agencies or []))


def _keys(session: Session, plan: _Plan, start: PageKey | None, *, newer: bool, limit: int) -> list[PageKey]:
    """Up to ``limit`` keys of the selection past ``start``, newest first (``newer``: the ``limit``
    just above ``start``, read upwards, given back newest first too)."""
    key = tuple_(CitizenRequest.received_at, CitizenRequest.id)
    order = (CitizenRequest.received_at, CitizenRequest.id)
    found: list[PageKey] = []
    for stream in plan.streams:
        query = select(CitizenRequest.received_at, CitizenRequest.id).where(stream, *plan.where)
        if start is not None:
            bound = tuple_(_at(start.received_at), start.id)
            query = query.where(key > bound if newer else key < bound)
        query = query.order_by(*(order if newer else (column.desc() for column in order))).limit(limit)
        found.extend(PageKey(at, number) for at, number in session.execute(query))
    if newer:
        return sorted(heapq.nsmallest(limit, found), reverse=True)
    return heapq.nlargest(limit, found)


def _at(moment: datetime) -> Any:
    return bindparam(None, moment, type_=CitizenRequest.__table__.c.received_at.type)


def _rows(session: Session, ids: list[int]) -> list[CitizenRequest]:
    """The page's requests, in the order of ``ids``."""
    if not ids:
        return []
    found = {row.id: row for row in session.scalars(select(CitizenRequest).where(CitizenRequest.id.in_(ids)))}
    return [found[number] for number in ids if number in found]


# Every (agency, service) pair stored, by skipping through ix_requests_agency_service: a few index
# seeks a pair (a "loose index scan", written out, since neither database does it alone): the next
# service of the same agency, else the first service of the next agency. Each step asks min() of an
# index's next column after an equal prefix, which both databases answer with one seek (a row
# value compared instead, SQLite seeks by its first column only and reads the rest one by one).
_NEXT_SERVICE = (
    "(SELECT min(r.service_id) FROM requests AS r WHERE r.agency_id = p.agency_id AND r.service_id > p.service_id)"
)
_NEXT_AGENCY = "(SELECT min(r.agency_id) FROM requests AS r WHERE r.agency_id > p.agency_id)"
_PAIRS = text(
    f"""
WITH RECURSIVE pairs(agency_id, service_id) AS (
    SELECT first.agency_id, (SELECT min(r.service_id) FROM requests AS r WHERE r.agency_id = first.agency_id)
    FROM (SELECT min(agency_id) AS agency_id FROM requests) AS first
    UNION ALL
    SELECT
        CASE WHEN {_NEXT_SERVICE} IS NULL THEN {_NEXT_AGENCY} ELSE p.agency_id END,
        COALESCE({_NEXT_SERVICE}, (SELECT min(r.service_id) FROM requests AS r WHERE r.agency_id = {_NEXT_AGENCY}))
    FROM pairs AS p WHERE p.agency_id IS NOT NULL
)
SELECT agency_id, service_id FROM pairs WHERE agency_id IS NOT NULL
"""
)


def _choices(session: Session, user: User) -> tuple[list[str], list[str]]:
    """The agencies and services the list offers ``user``: those of the requests they may see, and
    (for a staff member of some agencies) their agencies even before any request."""
    if user.role == roles.VIEWER:
        return [], []
    scope = None if user.all_agencies else set(user.agencies or [])
    agencies: set[str] = set(scope or ())
    services: set[str] = set()
    for agency, service in session.execute(_PAIRS):
        if scope is None or agency in scope:
            agencies.add(agency)
            services.add(service)
    return sorted(agencies), sorted(services)
