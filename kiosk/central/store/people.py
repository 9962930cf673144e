"""Dashboard staff: their accounts (name, role, the agencies they work for), one-time password links,
logins and sessions, and the audit log of every act on an account.

Sessions live in the database, so every server process sharing it knows them; the cookie carries
a random token whose digest alone is stored. Every act that changes what a user may do (disable,
remove, a new role or agencies, a password reset, a forced logout) deletes their sessions in the
same transaction, so their next request, to any process, finds none and is refused. Each act is
written to ``audit_events`` in that transaction too: it is logged if and only if it happened.

Refusals are ``PeopleError``: an English message (the command line prints it) and a ``code`` the
dashboard turns into Persian.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.central import roles, security
from kiosk.central.clock import utcnow
from kiosk.central.db import Database
from kiosk.central.models import AuditEvent, StaffSession, TrustedDevice, User
from kiosk.central.settings import Settings
from kiosk.core.datafile import ID_PATTERN

MIN_PASSWORD = 10
MAX_PASSWORD = 1000
# An invitation or reset link works this long, once.
LINK_HOURS = 72
# Any constant: changes to people take turns on PostgreSQL (see ``_target``).
_PEOPLE_LOCK = 0x5049_5348_5045_4F50  # "PISHPEOP"

# What the audit log records (its ``action`` column).
ADDED, INVITED, PASSWORD_SET, ROLE_CHANGED = "added", "invited", "password_set", "role_changed"
DISABLED, ENABLED, REMOVED = "disabled", "enabled", "removed"
PASSWORD_RESET, LOGGED_OUT = "password_reset", "logged_out"
ACTIONS = (ADDED, INVITED, PASSWORD_SET, ROLE_CHANGED, DISABLED, ENABLED, REMOVED, PASSWORD_RESET, LOGGED_OUT)


class PeopleError(ValueError):
    """A refused change: ``str()`` says why in English, ``code`` names the reason for translation."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Actor:
    """Who does an act: a staff member on the dashboard, or the command line (``COMMAND_LINE``)."""

    id: int | None
    name: str | None

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user.id, user.name)


COMMAND_LINE = Actor(None, None)


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditEvent]  # newest first
    total: int


def link_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def is_active(user: User) -> bool:
    return user.disabled_at is None and user.removed_at is None


def shares_agency(user: User, other: User) -> bool:
    """Whether ``other`` works on any agency ``user`` works on (everyone does, for one of all agencies)."""
    if user.all_agencies or other.all_agencies:
        return True
    return bool(set(user.agencies) & set(other.agencies))


class People:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    # Accounts -----------------------------------------------------------------------------------

    def add(
        self,
        name: str,
        password: str,
        agencies: list[str],
        all_agencies: bool,
        role: str | None = None,
        by: Actor = COMMAND_LINE,
    ) -> User:
        """A user with a password already chosen (the command line). Without ``role``: administrator
        for all agencies, case worker for some (as the migration to roles decided for old users)."""
        role = role or (roles.ADMIN if all_agencies else roles.CASE_WORKER)
        _check_password(password)
        return self._create(name, security.hash_secret(password), role, agencies, all_agencies, by, ADDED)[0]

    def invite(self, name: str, role: str, agencies: list[str], all_agencies: bool, by: Actor) -> tuple[User, str]:
        """A user without a password yet, and the token of the one-time link that sets it."""
        return self._create(name, "", role, agencies, all_agencies, by, INVITED)

    def _create(
        self, name: str, password_hash: str, role: str, agencies: list[str], all_agencies: bool, by: Actor, action: str
    ) -> tuple[User, str]:
        name = _check_name(name)
        all_agencies, agencies = _check_scope(role, agencies, all_agencies)
        token = secrets.token_urlsafe(32)
        now = utcnow()
        user = User(
            name=name, password_hash=password_hash, role=role, all_agencies=all_agencies, agencies=agencies,
            created_at=now,
        )  # fmt: skip
        if action == INVITED:
            user.link_digest = link_digest(token)
            user.link_expires_at = now + timedelta(hours=LINK_HOURS)
        try:
            with self.db.write() as session:
                session.add(user)
                session.flush()
                _audit(session, by, action, user, _scope_detail(user))
        except IntegrityError:
            raise PeopleError("name_taken", f"there is already a user called {name!r} (or there was)") from None
        return user, token

    def users(self, viewer: User | None = None) -> list[User]:
        """Every user not removed, by name; for a supervisor, only those who work on one of their
        agencies (administrators among them: they see those agencies' requests too)."""
        with self.db.read() as session:
            found = list(session.scalars(select(User).where(User.removed_at.is_(None)).order_by(User.name)))
        if viewer is None or viewer.role == roles.ADMIN:
            return found
        if viewer.role == roles.SUPERVISOR:
            return [user for user in found if shares_agency(viewer, user)]
        return []

    def get(self, user_id: int) -> User | None:
        """A user not removed."""
        with self.db.read() as session:
            return session.scalar(select(User).where(User.id == user_id, User.removed_at.is_(None)))

    def by_name(self, name: str) -> User | None:
        with self.db.read() as session:
            return session.scalar(select(User).where(User.name == name.strip(), User.removed_at.is_(None)))

    def set_role(self, user_id: int, role: str, agencies: list[str], all_agencies: bool, by: Actor) -> None:
        """A new role and agencies; their sessions end (they log in again, into what they may now see)."""
        all_agencies, agencies = _check_scope(role, agencies, all_agencies)
        with self.db.write() as session:
            user = _target(session, user_id)
            before = _scope_detail(user)
            if role != roles.ADMIN and user.role == roles.ADMIN:
                _not_oneself(by, user, "demote")
                _keep_an_administrator(session, user)
            user.role, user.agencies, user.all_agencies = role, agencies, all_agencies
            after = _scope_detail(user)
            if before == after:
                return
            _end_sessions(session, user.id)
            _audit(session, by, ROLE_CHANGED, user, {key: [before[key], after[key]] for key in after})

    def disable(self, user_id: int, by: Actor) -> None:
        with self.db.write() as session:
            user = _target(session, user_id)
            if user.disabled_at is not None:
                return
            _not_oneself(by, user, "disable")
            _keep_an_administrator(session, user)
            user.disabled_at = utcnow()
            _end_sessions(session, user.id, devices=True)
            _audit(session, by, DISABLED, user)

    def enable(self, user_id: int, by: Actor) -> None:
        with self.db.write() as session:
            user = _target(session, user_id)
            if user.disabled_at is None:
                return
            user.disabled_at = None
            _audit(session, by, ENABLED, user)

    def remove(self, user_id: int, by: Actor) -> None:
        """For good: no login, no link, off the lists; the row stays as a name for the histories."""
        with self.db.write() as session:
            user = _target(session, user_id)
            _not_oneself(by, user, "remove")
            _keep_an_administrator(session, user)
            user.removed_at = utcnow()
            user.password_hash, user.link_digest, user.link_expires_at = "", None, None
            _end_sessions(session, user.id, devices=True)
            _audit(session, by, REMOVED, user)

    def reset_password(self, user_id: int, by: Actor) -> str:
        """A new one-time link; the old password stops working at once and their sessions end (a
        reset is asked for when a password is forgotten or may be known to someone else)."""
        token = secrets.token_urlsafe(32)
        with self.db.write() as session:
            user = _target(session, user_id)
            user.password_hash = ""
            user.link_digest = link_digest(token)
            user.link_expires_at = utcnow() + timedelta(hours=LINK_HOURS)
            _end_sessions(session, user.id, devices=True)
            _audit(session, by, PASSWORD_RESET, user)
        return token

    def log_out_everywhere(self, user_id: int, by: Actor) -> int:
        """End every session of the user; how many there were."""
        with self.db.write() as session:
            user = _target(session, user_id)
            ended = _end_sessions(session, user.id)
            _audit(session, by, LOGGED_OUT, user, {"sessions": ended})
        return ended

    # One-time links -----------------------------------------------------------------------------

    def link_user(self, token: str) -> User | None:
        """The user a one-time link is for, while it works (not used, not expired, user not removed)."""
        if not token or len(token) > 200:
            return None
        with self.db.read() as session:
            user = session.scalar(select(User).where(User.link_digest == link_digest(token)))
        if user is None or user.removed_at is not None or user.link_expires_at is None:
            return None
        return user if user.link_expires_at > utcnow() else None

    def set_password_with_link(self, token: str, password: str) -> User:
        """Set the password the link is for; the link then works no more. LookupError for a link
        that does not work (used, expired, unknown), PeopleError for a password too short."""
        _check_password(password)
        password_hash = security.hash_secret(password)
        now = utcnow()
        with self.db.write() as session:
            user = session.scalar(select(User).where(User.link_digest == link_digest(token)).with_for_update())
            if (
                user is None
                or user.removed_at is not None
                or user.link_expires_at is None
                or user.link_expires_at <= now
            ):
                raise LookupError("this link does not work (used, expired or unknown)")
            user.password_hash, user.link_digest, user.link_expires_at = password_hash, None, None
            _audit(session, Actor.of(user), PASSWORD_SET, user)
            return user

    # Logins and sessions ------------------------------------------------------------------------

    def authenticate(self, name: str, password: str) -> User | None:
        with self.db.read() as session:
            user = session.scalar(
                select(User).where(User.name == name, User.disabled_at.is_(None), User.removed_at.is_(None))
            )
        stored = user.password_hash if user is not None and user.password_hash else security.DUMMY_PASSWORD_HASH
        ok = security.verify_secret(password, stored)
        return user if ok and user is not None and user.password_hash else None

    def open_session(self, user_id: int) -> tuple[str, str]:
        """A new staff session: (cookie token, CSRF token)."""
        token = security.new_session_token()
        csrf = secrets.token_urlsafe(32)
        now = utcnow()
        with self.db.write() as session:
            session.execute(delete(StaffSession).where(StaffSession.expires_at < now))
            session.add(
                StaffSession(
                    token_digest=security.session_digest(token),
                    user_id=user_id,
                    csrf_token=csrf,
                    created_at=now,
                    expires_at=now + timedelta(hours=self.settings.session_hours),
                )
            )
            user = session.get(User, user_id)
            if user is not None:
                user.last_login_at = now
        return token, csrf

    def find_session(self, token: str) -> tuple[User, StaffSession] | None:
        with self.db.read() as session:
            row = session.scalar(
                select(StaffSession).where(StaffSession.token_digest == security.session_digest(token))
            )
            if row is None or row.expires_at < utcnow():
                return None
            user = session.get(User, row.user_id)
            if user is None or not is_active(user):
                return None
            return user, row

    def close_session(self, token: str) -> None:
        with self.db.write() as session:
            session.execute(delete(StaffSession).where(StaffSession.token_digest == security.session_digest(token)))

    def sessions_of(self, user_id: int) -> int:
        """How many unexpired sessions the user has."""
        with self.db.read() as session:
            count = session.scalar(
                select(func.count())
                .select_from(StaffSession)
                .where(StaffSession.user_id == user_id, StaffSession.expires_at >= utcnow())
            )
        return int(count or 0)

    # The audit log ------------------------------------------------------------------------------

    def audit_log(self, number: int = 1, size: int = 100) -> AuditPage:
        with self.db.read() as session:
            total = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
            rows = list(
                session.scalars(
                    select(AuditEvent).order_by(AuditEvent.id.desc()).offset((number - 1) * size).limit(size)
                )
            )
        return AuditPage(rows=rows, total=int(total))


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 100:
        raise PeopleError("bad_name", "a user name is 1 to 100 characters")
    if any(not ch.isprintable() for ch in name):
        raise PeopleError("bad_name", "a user name has no control characters")
    return name


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise PeopleError("short_password", f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise PeopleError("long_password", f"a password is at most {MAX_PASSWORD} characters")


def _check_scope(role: str, agencies: list[str], all_agencies: bool) -> tuple[bool, list[str]]:
    """(all_agencies, agencies) as stored for this role: an administrator has all; others need some."""
    if role not in roles.ROLES:
        raise PeopleError("bad_role", f"a role is one of {', '.join(roles.ROLES)}")
    if role == roles.ADMIN:
        return True, []
    cleaned = sorted({agency.strip() for agency in agencies if agency.strip()})
    bad = [agency for agency in cleaned if len(agency) > 100 or not ID_PATTERN.match(agency)]
    if bad:
        raise PeopleError("bad_agency", f"not an agency id: {bad[0]!r} (lower-case letters, digits and dashes)")
    if all_agencies:
        return True, []
    if not cleaned:
        raise PeopleError("no_agency", "give the user at least one --agency, or --all-agencies")
    return False, cleaned


def _target(session: Session, user_id: int) -> User:
    """The user an act is on, in a transaction that changes people one at a time: on PostgreSQL a
    transaction-wide advisory lock (SQLite's writers take turns anyway), so two administrators
    disabling each other at once cannot both pass the last-administrator check, nor deadlock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PEOPLE_LOCK})
    user = session.scalar(select(User).where(User.id == user_id, User.removed_at.is_(None)).with_for_update())
    if user is None:
        raise LookupError(f"no user {user_id}")
    return user


def _not_oneself(by: Actor, user: User, act: str) -> None:
    if by.id is not None and by.id == user.id:
        raise PeopleError("oneself", f"you cannot {act} your own account; another administrator can")


def _keep_an_administrator(session: Session, user: User) -> None:
    """Refuse to take away the last administrator who can log in: nobody could manage people then
    (but on the server's command line)."""
    if user.role != roles.ADMIN or not is_active(user):
        return
    others = session.scalars(
        select(User.id)
        .where(
            User.role == roles.ADMIN, User.id != user.id, User.disabled_at.is_(None), User.removed_at.is_(None),
            User.password_hash != "",
        )
    ).all()  # fmt: skip
    if not others:
        raise PeopleError("last_admin", "this is the last active administrator; add or enable another one first")


def _end_sessions(session: Session, user_id: int, devices: bool = False) -> int:
    ended = session.execute(delete(StaffSession).where(StaffSession.user_id == user_id)).rowcount
    if devices:
        session.execute(delete(TrustedDevice).where(TrustedDevice.user_id == user_id))
    return int(ended or 0)


def _scope_detail(user: User) -> dict[str, Any]:
    return {"role": user.role, "agencies": ["*"] if user.all_agencies else list(user.agencies)}


def _audit(session: Session, by: Actor, action: str, user: User, detail: dict[str, Any] | None = None) -> None:
    session.add(
        AuditEvent(
            at=utcnow(), actor_id=by.id, actor_name=by.name, action=action, target_id=user.id,
            target_name=user.name, detail=detail or None,
        )
    )  # fmt: skip
