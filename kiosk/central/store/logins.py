"""Throttling password guesses on the dashboard's login, so that it slows an attacker without
locking anyone out (OWASP Authentication Cheat Sheet: exponential delays on the account rather
than hard lockouts, and "device cookies" for browsers that have logged in before).

Three counters, all in the database, so every server process sharing it counts the same tries:

- **Per account name** (whether or not there is such a user, so the answer tells nothing): after
  the n-th consecutive failed attempt, the next one for that name must wait
  ``min(2**n, ACCOUNT_CAP)`` seconds after it; attempts before then are answered "wait N seconds"
  without the password being checked, and are not counted. The right password resets it.
- **Per client address**: the first ``ADDRESS_FREE`` failures from an address (forgotten after
  ``ADDRESS_QUIET`` without one) cost nothing; each further one makes that address's next
  attempt wait ``min(2**k, ADDRESS_CAP)`` seconds. It slows one address guessing across many
  names, with a short cap, since a whole office may be behind one address.
- **Per trusted browser**: a successful login leaves a random token in a cookie (sent to /login
  only) whose hash is stored with the user. An attempt for that user carrying it skips both
  counters above: the attacker's failures never delay the user's own browser. Its own failures
  count on it, and ``DEVICE_FAILURES`` in a row make it untrusted.

So a right password always gets in: at once from a browser that has logged in as that user
before, otherwise after at most ``max(ACCOUNT_CAP, ADDRESS_CAP)`` seconds (while an attacker
keeps guessing the same name from another browser, they race for each slot: the trusted browser
is the way round that). A guesser gets about one try per ``ACCOUNT_CAP`` per name, and per
``ADDRESS_CAP`` per address once past the free ones.

Keys are HMACs under the server's secret: the table holds no typed name (people type their password
into the name field) and no address. A failure is counted before the password is checked (and
taken back if it was right), so guesses sent at once cannot all pass through one open slot.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.central import clock as server_clock
from kiosk.central.db import Database
from kiosk.central.models import LoginThrottle, TrustedDevice, User

ACCOUNT_CAP = 300  # seconds: the longest an account's right password waits (from a new browser)
ACCOUNT_FORGET = timedelta(hours=24)  # an account's failures are forgotten this long after the last
ADDRESS_FREE = 20
ADDRESS_CAP = 60
ADDRESS_QUIET = timedelta(minutes=15)
DEVICE_FAILURES = 5
DEVICE_DAYS = 180
DEVICES_PER_BROWSER = 5  # several people may share one office computer
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def account_delay(failures: int) -> int:
    return 0 if failures <= 0 else min(2**failures, ACCOUNT_CAP)


def address_delay(failures: int) -> int:
    return 0 if failures < ADDRESS_FREE else min(2 ** (failures - ADDRESS_FREE + 1), ADDRESS_CAP)


@dataclass(frozen=True)
class Attempt:
    """A login attempt as the throttle saw it: ``wait`` > 0 means refused, unchecked, for that many seconds."""

    wait: int
    account_key: str
    address_key: str
    device_id: int | None = None  # the trusted browser it came from, if any


class Logins:
    def __init__(self, db: Database, key: bytes, clock: Callable[[], datetime] | None = None) -> None:
        self.db = db
        self._key = key
        self._clock = clock

    def now(self) -> datetime:
        """The server's clock (``kiosk.central.clock.utcnow``, looked up at each call so that tests can
        move it on: waits are counted on it, never slept), or the one given."""
        return self._clock() if self._clock is not None else server_clock.utcnow()

    @staticmethod
    def device_tokens(cookie: str) -> list[str]:
        """The trusted-browser tokens a cookie holds (anything else in it is ignored)."""
        return [token for token in cookie.split(".") if _TOKEN.match(token)][:DEVICES_PER_BROWSER]

    def begin(self, name: str, address: str, tokens: list[str]) -> Attempt:
        """Whether an attempt for ``name`` from ``address`` may be checked now; if so it is already
        counted as a failure (``succeeded`` takes that back)."""
        account_key = self._account_key(name)
        address_key = self._digest("address", address)
        for tries_left in (1, 0):  # a row created by another process at the same moment: once more
            try:
                with self.db.write() as session:
                    return self._begin(session, name.strip(), tokens, account_key, address_key)
            except IntegrityError:
                if not tries_left:
                    raise
        raise AssertionError("unreachable")

    def _begin(self, session: Session, name: str, tokens: list[str], account_key: str, address_key: str) -> Attempt:
        now = self.now()
        device = _trusted_device(session, name, tokens)
        if device is not None:
            device.failures += 1
            device.last_used_at = now
            return Attempt(0, account_key, address_key, device.id)
        account = session.get(LoginThrottle, account_key, with_for_update=True)
        address = session.get(LoginThrottle, address_key, with_for_update=True)
        account_failures = _recent(account, now, ACCOUNT_FORGET)
        address_failures = _recent(address, now, ADDRESS_QUIET)
        wait = max(
            _remaining(account, account_delay(account_failures), now),
            _remaining(address, address_delay(address_failures), now),
        )
        if wait:
            return Attempt(wait, account_key, address_key)
        for row, key, failures in ((account, account_key, account_failures), (address, address_key, address_failures)):
            if row is None:
                session.add(LoginThrottle(key=key, failures=1, last_failure_at=now))
            else:
                row.failures, row.last_failure_at = failures + 1, now
        session.flush()
        return Attempt(0, account_key, address_key)

    def failed(self, attempt: Attempt) -> None:
        """The password was wrong (already counted); a trusted browser wrong too often is trusted no more."""
        if attempt.device_id is None:
            return
        with self.db.write() as session:
            session.execute(
                delete(TrustedDevice).where(
                    TrustedDevice.id == attempt.device_id, TrustedDevice.failures >= DEVICE_FAILURES
                )
            )

    def succeeded(self, attempt: Attempt, user_id: int, tokens: list[str]) -> list[str]:
        """The password was right: the account's failures are forgotten, the address's counted one
        taken back, and the browser trusted for this user. Returns the tokens its cookie now holds."""
        now = self.now()
        with self.db.write() as session:
            session.execute(delete(TrustedDevice).where(TrustedDevice.last_used_at < now - timedelta(days=DEVICE_DAYS)))
            session.execute(delete(LoginThrottle).where(LoginThrottle.last_failure_at < now - ACCOUNT_FORGET))
            if attempt.device_id is not None:
                device = session.get(TrustedDevice, attempt.device_id)
                if device is not None:
                    device.failures = 0
                    return tokens
            session.execute(delete(LoginThrottle).where(LoginThrottle.key == attempt.account_key))
            address = session.get(LoginThrottle, attempt.address_key, with_for_update=True)
            if address is not None and address.failures > 0:
                address.failures -= 1
            kept = set(
                session.scalars(
                    select(TrustedDevice.digest).where(TrustedDevice.digest.in_([_hash(t) for t in tokens]))
                )
            )
            token = secrets.token_urlsafe(32)
            session.add(
                TrustedDevice(digest=_hash(token), user_id=user_id, created_at=now, last_used_at=now, failures=0)
            )
        return [token, *(t for t in tokens if _hash(t) in kept)][:DEVICES_PER_BROWSER]

    def forget_account(self, name: str) -> None:
        """Forget a name's failures: its owner has just set a password by a one-time link."""
        with self.db.write() as session:
            session.execute(delete(LoginThrottle).where(LoginThrottle.key == self._account_key(name)))

    def _account_key(self, name: str) -> str:
        return self._digest("account", name.strip().casefold())

    def _digest(self, kind: str, value: str) -> str:
        return kind[:2] + ":" + hmac.new(self._key, f"login {kind}:{value}".encode(), hashlib.sha256).hexdigest()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _trusted_device(session: Session, name: str, tokens: list[str]) -> TrustedDevice | None:
    """The browser's device row for the user called ``name`` (able to log in), locked; None if it has none."""
    if not tokens or not name:
        return None
    return session.scalar(
        select(TrustedDevice)
        .join(User, User.id == TrustedDevice.user_id)
        .where(
            TrustedDevice.digest.in_([_hash(t) for t in tokens]),
            TrustedDevice.failures < DEVICE_FAILURES,
            User.name == name, User.disabled_at.is_(None), User.removed_at.is_(None),
        )
        .limit(1)
        .with_for_update(of=TrustedDevice)
    )  # fmt: skip


def _recent(row: LoginThrottle | None, now: datetime, forget: timedelta) -> int:
    """The row's failures, or 0 when the last is older than ``forget``."""
    if row is None or now - row.last_failure_at >= forget:
        return 0
    return row.failures


def _remaining(row: LoginThrottle | None, delay: int, now: datetime) -> int:
    if row is None or not delay:
        return 0
    left = (row.last_failure_at + timedelta(seconds=delay) - now).total_seconds()
    return max(0, math.ceil(left))
