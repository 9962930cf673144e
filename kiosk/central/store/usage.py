"""Anonymous usage events kiosks report (a service viewed, a request submitted, a search...).

Their own aggregate rather than part of ``kiosks``: they change no kiosk's row, are written in
batches of hundreds and read only as counts, and carry the agency they concern (the staff's scope).
"""

from __future__ import annotations

from kiosk.central.db import Database
from kiosk.central.jalali import local_zone
from kiosk.central.models import UsageEvent
from kiosk.central.schemas import UsageEventIn
from kiosk.central.settings import Settings


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
