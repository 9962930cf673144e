"""Citizens' requests: storing them (``intake``), finding one by its tracking code, and their status.

Staff see only the requests of the agencies they work for: ``visible_to`` is that rule, and every
method that takes a staff member applies it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import false, select, true

from kiosk.central.clock import utcnow
from kiosk.central.db import Database
from kiosk.central.models import STATUSES, CitizenRequest, StatusChange, User
from kiosk.central.schemas import RequestIn
from kiosk.central.settings import Settings
from kiosk.central.store.intake import Intake, Receipt, Refused
from kiosk.central.store.kiosks import KioskIdentity


def visible_to(user: User) -> Any:
    """A WHERE clause limiting requests to the agencies this user works for."""
    if user.all_agencies:
        return true()
    return CitizenRequest.agency_id.in_(user.agencies) if user.agencies else false()


class Requests:
    def __init__(self, db: Database, key: bytes, settings: Settings) -> None:
        self.db = db
        self._intake = Intake(db, key, settings)

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
        row = self.by_tracking_code(code)
        if row is None:
            raise LookupError(code)
        self.set_status(row.id, status, reason, None)
