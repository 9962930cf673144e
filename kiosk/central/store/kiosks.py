"""Kiosks: registering and revoking them, finding one by its number, and the heartbeats they send.

A heartbeat is kept twice in one transaction: its figures on the kiosk's own row (what the fleet
page and ``kiosk-central kiosk list`` show) and as a row of history, pruned past the retention.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, delete, or_, select
from sqlalchemy.exc import IntegrityError

from kiosk.central import security
from kiosk.central.clock import utcnow
from kiosk.central.db import Database
from kiosk.central.models import CitizenRequest, Heartbeat, Kiosk
from kiosk.central.schemas import HeartbeatIn
from kiosk.central.settings import Settings
from kiosk.core.tracking import CODE_LENGTH, KIOSK_DIGITS, MAX_KIOSK_NUMBER, SEQUENCE_DIGITS


@dataclass(frozen=True)
class KioskIdentity:
    """The kiosk a call comes from, once its token is checked."""

    id: int
    number: int


def highest_code_query(number: int) -> Select[tuple[str]]:
    """The highest tracking code stored that begins with kiosk ``number``: by code, not by the kiosk
    row, since a code is unique across the whole server whoever stored it. One backward step on the
    tracking-code index: codes are 12 digits, so within one kiosk's prefix their order as text is
    their sequence's order, and the bounds are digits too, which every collation orders alike."""
    prefix = f"{number:0{KIOSK_DIGITS}d}"
    rest = CODE_LENGTH - KIOSK_DIGITS
    return (
        select(CitizenRequest.tracking_code)
        .where(
            CitizenRequest.tracking_code >= prefix + "0" * rest,
            CitizenRequest.tracking_code <= prefix + "9" * rest,
        )
        .order_by(CitizenRequest.tracking_code.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class FleetCriteria:
    """Which kiosks the fleet page shows; None/False is "any"."""

    silent_since: datetime | None = None  # no heartbeat since then (revoked kiosks are not silent)
    backlog: bool = False  # its latest heartbeat reports requests waiting to be sent
    behind_catalog: str | None = None  # the newest catalog's version: kiosks whose heartbeat names another
    refused_catalog: bool = False  # its latest heartbeat says it refused the newest catalog (and why)


@dataclass(frozen=True)
class FleetPage:
    kiosks: list[Kiosk]  # by number
    next_after: int | None  # the number a "next page" link carries (None: this is the last page)
    previous_before: int | None  # the number a "previous page" link carries (None: this is the first page)


class Kiosks:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    def add(self, name: str, number: int | None = None) -> tuple[int, str]:
        """Register a kiosk under the given number or the lowest free one; returns (number, token)."""
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

    def revoke(self, number: int) -> bool:
        """Revoke the kiosk's token (once: a second revocation keeps the first time); False if no such kiosk."""
        with self.db.write() as session:
            kiosk = session.scalar(select(Kiosk).where(Kiosk.number == number))
            if kiosk is None:
                return False
            if kiosk.revoked_at is None:
                kiosk.revoked_at = utcnow()
            return True

    def fleet(self) -> list[Kiosk]:
        """Every kiosk, revoked ones too, by number, with the figures of its latest heartbeat."""
        with self.db.read() as session:
            return list(session.scalars(select(Kiosk).order_by(Kiosk.number)))

    def fleet_page(
        self, criteria: FleetCriteria, size: int, after: int | None = None, before: int | None = None
    ) -> FleetPage:
        """``size`` kiosks matching ``criteria`` by number: the first ones, those above ``after`` (the
        number a "next page" link carries) or the page just below ``before`` (a "previous page"
        link's); the kiosks' unique number index makes each one seek."""
        query = select(Kiosk)
        if criteria.silent_since is not None:
            # Silent: in service (not revoked) and no heartbeat since then, or never one.
            query = query.where(
                Kiosk.revoked_at.is_(None),
                or_(Kiosk.last_seen_at.is_(None), Kiosk.last_seen_at < criteria.silent_since),
            )
        if criteria.backlog:
            query = query.where(Kiosk.queue_depth > 0)
        if criteria.behind_catalog is not None:
            # Its latest heartbeat names another catalog than the newest published: it refused that
            # one (it keeps its last good catalog) or has not fetched it yet.
            query = query.where(
                Kiosk.revoked_at.is_(None),
                or_(Kiosk.catalog_version.is_(None), Kiosk.catalog_version != criteria.behind_catalog),
            )
        if criteria.refused_catalog:
            query = query.where(Kiosk.revoked_at.is_(None), Kiosk.catalog_refused.is_not(None))
        with self.db.read() as session:
            if before is not None:
                upward = list(
                    session.scalars(query.where(Kiosk.number < before).order_by(Kiosk.number.desc()).limit(size + 1))
                )
                if len(upward) > size:
                    kiosks = upward[:size][::-1]
                    return FleetPage(kiosks, next_after=kiosks[-1].number, previous_before=kiosks[0].number)
                after = None  # back at the start: the first page, whole
            if after is not None:
                query = query.where(Kiosk.number > after)
            kiosks = list(session.scalars(query.order_by(Kiosk.number).limit(size + 1)))
        more = len(kiosks) > size
        kiosks = kiosks[:size]
        return FleetPage(
            kiosks=kiosks,
            next_after=kiosks[-1].number if more else None,
            previous_before=kiosks[0].number if after is not None and kiosks else None,
        )

    def by_number(self, number: int) -> Kiosk | None:
        with self.db.read() as session:
            return session.scalar(select(Kiosk).where(Kiosk.number == number))

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

    def highest_sequence(self, number: int) -> int | None:
        """The highest tracking-code sequence among the requests stored under codes of kiosk
        ``number`` (None: none); see ``highest_code_query``."""
        with self.db.read() as session:
            code = session.scalar(highest_code_query(number))
        return None if code is None else int(code[KIOSK_DIGITS : KIOSK_DIGITS + SEQUENCE_DIGITS])

    def heartbeats(self) -> list[Heartbeat]:
        """The heartbeat history of every kiosk, oldest first."""
        with self.db.read() as session:
            return list(session.scalars(select(Heartbeat).order_by(Heartbeat.id)))
