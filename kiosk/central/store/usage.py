"""Anonymous usage events kiosks report (a service viewed, a request started, filed...) and the
organisers' numbers drawn from them.

Their own aggregate rather than part of ``kiosks``: they change no kiosk's row, are written in
batches of hundreds and read only as counts, and carry the agency they concern (the staff's scope).

**Sessions.** A session is one citizen's visit at one kiosk, from the touch that leaves the attract
loop to the return to it. Events carry no session of their own (nothing the kiosk sends could link
them), but a kiosk stores a session's events together, the last a ``session_ended``, and sends them
in that order. So ``record`` gives each event the session of the same kiosk's previous event,
unless that one was a ``session_ended``: then a new session begins, under a random key of the
server's own. (Migration 0004 did the same for the events stored before.) Should a kiosk ever send
a session without its end, it merges with the next one: fewer sessions are counted. (A batch a
kiosk sends again after losing the answer is stored twice, its sessions as every other count.)

**No number from fewer than five sessions.** Every figure the report gives (a count, a
conversion, a median, in a row of any table or a bar of any chart) is counted from the sessions
its events belong to; one drawn from 1 to 4 sessions is ``HIDDEN``, and so is every figure of a row
whose sessions are fewer than five. The exact value never leaves this module. Zero is shown: no
session is described by it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Final

from sqlalchemy import Integer, String, and_, case, cast, func, literal, select, true, union_all
from sqlalchemy.orm import Session

from kiosk.central.db import Database
from kiosk.central.jalali import local_zone
from kiosk.central.models import UsageEvent, User
from kiosk.central.schemas import UsageEventIn
from kiosk.central.settings import Settings

MIN_SESSIONS = 5
PERIODS = (7, 14, 30, 90, 365)  # days the usage page offers, today included
VIEWED, STARTED, FILED, ENDED = "service_viewed", "request_started", "request_submitted", "session_ended"


class Hidden:
    """A figure drawn from fewer than ``MIN_SESSIONS`` sessions: shown as «<۵», never as its value."""

    _instance: Hidden | None = None

    def __new__(cls) -> Hidden:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "HIDDEN"


HIDDEN: Final = Hidden()

Count = int | Hidden
Ratio = float | Hidden | None  # None: nothing to divide by (or no value at all)


@dataclass(frozen=True)
class UsageRow:
    """One row of the organisers' tables (and one group of bars of a chart)."""

    key: str  # the agency id, service id, day (ISO) or profile; "" for the whole selection
    agency_id: str | None  # a service's agency
    sessions: Count
    views: Count
    starts: Count
    filed: Count
    filed_per_view: Ratio
    filed_per_start: Ratio
    median_card_seconds: Ratio  # None: no timed views (kiosks that did not time cards yet)


@dataclass(frozen=True)
class UsageQuery:
    days: int
    mode: str  # "live" or "demo": never both together
    agency_id: str | None = None
    profile: str | None = None


@dataclass(frozen=True)
class UsageReport:
    first: date
    last: date  # today, in display time
    total: UsageRow
    by_day: list[UsageRow]  # every day of the period, oldest first
    by_agency: list[UsageRow]  # most viewed first; hidden rows last
    by_service: list[UsageRow]
    by_profile: list[UsageRow]
    profiles: list[str]  # profiles with events in the period and mode (the filter's choices)


@dataclass(frozen=True)
class _Counts:
    sessions: int = 0
    views: int = 0
    view_sessions: int = 0
    starts: int = 0
    start_sessions: int = 0
    filed: int = 0
    filed_sessions: int = 0
    timed_sessions: int = 0
    median: float | None = None


class Usage:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    def record(self, kiosk_id: int, events: list[UsageEventIn]) -> None:
        """Store one kiosk's batch of events in one transaction, each with its day in display time
        and its session (see the module's docstring)."""
        zone = local_zone(self.settings.display_utc_offset_minutes)
        with self.db.write() as session:
            last = session.execute(
                select(UsageEvent.kind, UsageEvent.session_key)
                .where(UsageEvent.kiosk_id == kiosk_id)
                .order_by(UsageEvent.id.desc())
                .limit(1)
            ).first()
            current = last.session_key if last is not None and last.kind != ENDED else None
            rows = []
            for event in events:
                if current is None:
                    current = _new_session_key()
                rows.append(
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
                        session_key=current,
                    )
                )
                if event.kind == ENDED:
                    current = None
            session.add_all(rows)

    def report(self, user: User, query: UsageQuery, today: date | None = None) -> UsageReport:
        """The organisers' numbers over the last ``query.days`` days, today included (days in display
        time, as ``record`` dated the events), in one mode, in the agencies ``user`` works for.

        Two statements of GROUP BYs over the period's events: the counts (``_counts``) and the
        medians' histograms (``_medians``); nothing reads the events one by one."""
        today = today or datetime.now(local_zone(self.settings.display_utc_offset_minutes)).date()
        first = today - timedelta(days=query.days - 1)
        period = [
            UsageEvent.day >= first.isoformat(),
            UsageEvent.day <= today.isoformat(),
            UsageEvent.mode == query.mode,
            _scope(user),
        ]
        selected = list(period)
        if query.agency_id:
            selected.append(UsageEvent.agency_id == query.agency_id)
        if query.profile:
            selected.append(UsageEvent.profile == query.profile)
        profile = UsageEvent.profile
        timed = [*selected, UsageEvent.kind == VIEWED, UsageEvent.duration_seconds.is_not(None)]
        with self.db.read() as session:
            counted, medians = _counts(session, selected), _medians(session, timed)
            total, days, agencies, services, profiles = (
                {group: replace(counts, median=medians[table].get(group)) for group, counts in counted[table].items()}
                for table in ("all", "day", "agency", "service", "profile")
            )
            seen = session.scalars(select(profile).where(*period).distinct().order_by(profile))
            profile_choices = list(seen)
        day_list = [first + timedelta(days=i) for i in range(query.days)]
        return UsageReport(
            first=first,
            last=today,
            total=_row("", None, total.get((), _Counts())),
            by_day=[_row(d.isoformat(), None, days.get((d.isoformat(),), _Counts())) for d in day_list],
            by_agency=_ordered(_row(str(key[0]), None, counts) for key, counts in agencies.items()),
            by_service=_ordered(_row(str(key[0]), str(key[1]), counts) for key, counts in services.items()),
            by_profile=_ordered(_row(str(key[0]), None, counts) for key, counts in profiles.items()),
            profiles=profile_choices,
        )


def _new_session_key() -> int:
    """Random, in [2**62, 2**63): apart from the keys migration 0004 gave (the ids of first events)."""
    return secrets.randbits(62) | 1 << 62


def _scope(user: User) -> Any:
    """A WHERE clause limiting events to the agencies this user works for (so events of no agency,
    such as a session's end, count only for staff of every agency)."""
    return true() if user.all_agencies else UsageEvent.agency_id.in_(user.agencies)


def _counts(session: Session, where: list[Any]) -> dict[str, dict[tuple[str, ...], _Counts]]:
    """Every table's counts and the sessions behind each, in one statement, in two steps: first
    each session's tally (its views, starts, filed and timed views) per group, then per group the
    sum of the tallies and the number of sessions with any. (No COUNT(DISTINCT ...): it keeps a
    set per figure per group, several times slower on SQLite.) The whole selection, its days and
    its profiles come from one tally per session: a session counts on the day it began."""
    kind, key = UsageEvent.kind, UsageEvent.session_key
    agency, service = UsageEvent.agency_id, UsageEvent.service_id

    def tally(*columns: Any) -> list[Any]:
        def of(condition: Any) -> Any:
            return func.sum(case((condition, 1), else_=0))

        return [
            *columns,
            of(kind == VIEWED).label("views"),
            of(kind == STARTED).label("starts"),
            of(kind == FILED).label("filed"),
            of(and_(kind == VIEWED, UsageEvent.duration_seconds.is_not(None))).label("timed"),
        ]

    per_session = (
        select(*tally(func.min(UsageEvent.day).label("day"), func.min(UsageEvent.profile).label("profile")))
        .where(*where)
        .group_by(key)
        .cte("per_session")
        .prefix_with("MATERIALIZED")  # computed once for the three tables that read it
    )
    per_agency = (
        select(*tally(agency.label("agency"))).where(*where, agency.is_not(None)).group_by(agency, key).subquery()
    )
    per_service = (
        select(*tally(service.label("service"), agency.label("agency")))
        .where(*where, service.is_not(None))
        .group_by(service, agency, key)
        .subquery()
    )

    def rolled_up(table: str, tallies: Any, *keys: Any) -> Any:
        def sessions_with(column: Any) -> Any:
            return func.sum(case((column > 0, 1), else_=0))

        c = tallies.c
        padded = [*keys, *[literal("") for _ in range(2 - len(keys))]]
        return select(
            literal(table), *[cast(k, String) for k in padded], func.count(), func.sum(c.views), sessions_with(c.views),
            func.sum(c.starts), sessions_with(c.starts), func.sum(c.filed), sessions_with(c.filed),
            sessions_with(c.timed),
        ).group_by(*keys)  # fmt: skip

    statement = union_all(
        rolled_up("all", per_session),
        rolled_up("day", per_session, per_session.c.day),
        rolled_up("profile", per_session, per_session.c.profile),
        rolled_up("agency", per_agency, per_agency.c.agency),
        rolled_up("service", per_service, per_service.c.service, per_service.c.agency),
    )
    counted: dict[str, dict[tuple[str, ...], _Counts]] = {t: {} for t in ("all", "day", "profile", "agency", "service")}
    for table, first, second, *numbers in session.execute(statement):
        if not numbers[0]:
            continue  # the whole selection, when nothing matched: no session
        group = () if table == "all" else (first, second) if table == "service" else (first,)
        counted[table][group] = _Counts(*(int(n or 0) for n in numbers))
    return counted


def _medians(session: Session, where: list[Any]) -> dict[str, dict[tuple[str, ...], float]]:
    """Every table's median time on a card, per group, in whole seconds: one statement counts the
    timed views of each group by their time rounded to the second (a histogram: at most a few
    hundred rows a group, whatever the number of views), then the middle of each group is found
    in those counts. (A median by ROW_NUMBER() over each group's sorted views, SQLite having no
    median aggregate, was 2.5 times slower at a year of events.) Rounding: tenths of a second, as
    kiosks send them, then half a second up, in integers (the same on SQLite and PostgreSQL)."""
    tenths = cast(func.round(UsageEvent.duration_seconds * 10), Integer)
    second = ((tenths + 5) // 10).label("second")
    agency, service = UsageEvent.agency_id, UsageEvent.service_id

    def histogram(table: str, *keys: Any) -> Any:
        padded = [*keys, *[literal("") for _ in range(2 - len(keys))]]
        return (
            select(literal(table), *[cast(k, String) for k in padded], second, func.count())
            .where(*where)
            .group_by(*keys, second)
        )

    statement = union_all(
        histogram("all"),
        histogram("day", UsageEvent.day),
        histogram("profile", UsageEvent.profile),
        histogram("agency", agency),
        histogram("service", service, agency),
    )
    counts: dict[tuple[str, tuple[str, ...]], list[tuple[int, int]]] = {}
    for table, first, other, seconds, count in session.execute(statement):
        group = () if table == "all" else (first, other) if table == "service" else (first,)
        counts.setdefault((table, group), []).append((int(seconds), int(count)))
    medians: dict[str, dict[tuple[str, ...], float]] = {t: {} for t in ("all", "day", "profile", "agency", "service")}
    for (table, group), buckets in counts.items():
        medians[table][group] = _middle(sorted(buckets))
    return medians


def _middle(buckets: list[tuple[int, int]]) -> float:
    """The median of values given as (value, how many), in order: the middle one, or the mean of
    the middle two."""
    total = sum(count for _value, count in buckets)
    wanted = [(total - 1) // 2, total // 2]  # positions, from 0, of the middle value(s)
    found: list[int] = []
    seen = 0
    for value, count in buckets:
        while wanted and wanted[0] < seen + count:
            found.append(value)
            wanted.pop(0)
        seen += count
    return sum(found) / len(found)


def _row(key: str, agency_id: str | None, c: _Counts) -> UsageRow:
    """The figures of one group as they may be shown: none drawn from fewer than MIN_SESSIONS sessions."""
    if 0 < c.sessions < MIN_SESSIONS:
        return UsageRow(key, agency_id, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN)
    views = _count(c.views, c.view_sessions)
    starts = _count(c.starts, c.start_sessions)
    filed = _count(c.filed, c.filed_sessions)
    median: Ratio = c.median
    if 0 < c.timed_sessions < MIN_SESSIONS:
        median = HIDDEN
    return UsageRow(
        key, agency_id, c.sessions, views, starts, filed, _ratio(filed, views), _ratio(filed, starts), median
    )


def _count(value: int, sessions: int) -> Count:
    return HIDDEN if 0 < sessions < MIN_SESSIONS else value


def _ratio(part: Count, whole: Count) -> Ratio:
    if isinstance(part, Hidden) or isinstance(whole, Hidden):
        return HIDDEN  # a rate would give the hidden count away
    return part / whole if whole else None


def _ordered(rows: Any) -> list[UsageRow]:
    """Most viewed first (then most filed, then by key); rows hidden altogether last, by key, so
    their order tells nothing of their size."""
    rows = list(rows)
    shown = [r for r in rows if not isinstance(r.sessions, Hidden)]
    hidden = [r for r in rows if isinstance(r.sessions, Hidden)]

    def weight(count: Count) -> int:
        return -1 if isinstance(count, Hidden) else count

    shown.sort(key=lambda r: (-weight(r.views), -weight(r.filed), r.key))
    return shown + sorted(hidden, key=lambda r: r.key)
