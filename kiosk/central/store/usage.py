"""Anonymous usage events kiosks report (a service viewed, a request submitted...) and their counts.

Their own aggregate rather than part of ``kiosks``: they change no kiosk's row, are written in
batches of hundreds and read only as counts, and carry the agency they concern (the staff's scope).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from kiosk.central.db import Database
from kiosk.central.jalali import local_zone
from kiosk.central.models import UsageEvent, User
from kiosk.central.schemas import UsageEventIn
from kiosk.central.settings import Settings

# What the usage page charts, in the order its columns stand.
CHARTED_KINDS = ("service_viewed", "request_submitted")
TOP_SERVICES = 10


@dataclass(frozen=True)
class UsageSummary:
    days: list[date]  # oldest first; the last is today, in display time
    daily: dict[str, list[int]]  # each charted kind's count on each of those days
    top_services: dict[str, list[tuple[str, int]]]  # each charted kind's most counted services, most first


class Usage:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    def record(self, kiosk_id: int, events: list[UsageEventIn]) -> None:
        """Store one kiosk's batch of events in one transaction, each with its day in display time."""
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

    def summary(self, user: User, days: int) -> UsageSummary:
        """The charted kinds over the last ``days`` days, today included, in the agencies ``user`` works for.

        Days are counted in display time, as ``record`` dated the events."""
        today = datetime.now(local_zone(self.settings.display_utc_offset_minutes)).date()
        first = today - timedelta(days=days - 1)
        recent = [UsageEvent.day >= first.isoformat(), _scope(user)]
        with self.db.read() as session:
            per_day = session.execute(
                select(UsageEvent.day, UsageEvent.kind, func.count())
                .where(*recent)
                .group_by(UsageEvent.day, UsageEvent.kind)
            ).all()
            top_services = {kind: _top_services(session, kind, recent) for kind in CHARTED_KINDS}
        counts = {(day, kind): int(count) for day, kind, count in per_day}
        day_list = [first + timedelta(days=i) for i in range(days)]
        daily = {kind: [counts.get((day.isoformat(), kind), 0) for day in day_list] for kind in CHARTED_KINDS}
        return UsageSummary(days=day_list, daily=daily, top_services=top_services)


def _scope(user: User) -> Any:
    """A WHERE clause limiting events to the agencies this user works for (so events of no agency
    count only for staff of every agency)."""
    return true() if user.all_agencies else UsageEvent.agency_id.in_(user.agencies)


def _top_services(session: Session, kind: str, recent: list[Any]) -> list[tuple[str, int]]:
    counted = session.execute(
        select(UsageEvent.service_id, func.count())
        .where(*recent, UsageEvent.kind == kind, UsageEvent.service_id.is_not(None))
        .group_by(UsageEvent.service_id)
        .order_by(func.count().desc(), UsageEvent.service_id)
        .limit(TOP_SERVICES)
    )
    return [(str(service_id), int(count)) for service_id, count in counted]
