"""Kiosks: registering and revoking them, finding one by its number, and the heartbeats they send.

A heartbeat is kept twice in one transaction: its figures on the kiosk's own row (what the fleet
page and ``kiosk-central kiosk list`` show) and as a row of history, pruned past the retention.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Select, delete, select
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


@dataclass(frozen=True)
class KioskCredentials:
    """A kiosk's row as authentication reads it: the stored hash of its token, and whether it is revoked."""

    id: int
    number: int
    token_hash: str
    revoked: bool


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

    def credentials(self, number: int) -> KioskCredentials | None:
        """What a call's token is checked against, read for every call (so a revoked kiosk or a
        re-issued token is noticed at once): four columns by the unique index on the number, on a
        plain connection rather than an ORM session (on PostgreSQL in autocommit: the one statement,
        no BEGIN and ROLLBACK round trips around it)."""
        with self.db.engine.connect() as connection:
            if self.db.dialect == "postgresql":
                connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            row = connection.execute(
                select(Kiosk.id, Kiosk.number, Kiosk.token_hash, Kiosk.revoked_at.is_not(None)).where(
                    Kiosk.number == number
                )
            ).first()
        return None if row is None else KioskCredentials(int(row[0]), int(row[1]), str(row[2]), bool(row[3]))

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
