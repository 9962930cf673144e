"""Dashboard staff: their accounts (name, password, the agencies they work for), logins and sessions.

Sessions live in the database, so every server process sharing it knows them; the cookie carries
a random token whose digest alone is stored.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from kiosk.central import security
from kiosk.central.clock import utcnow
from kiosk.central.db import Database
from kiosk.central.models import StaffSession, User
from kiosk.central.settings import Settings


class People:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    def add(self, name: str, password: str, agencies: list[str], all_agencies: bool) -> None:
        name = name.strip()
        if not name or len(name) > 100:
            raise ValueError("a user name is 1 to 100 characters")
        if len(password) < 10:
            raise ValueError("a password needs at least 10 characters")
        if not all_agencies and not agencies:
            raise ValueError("give the user at least one --agency, or --all-agencies")
        try:
            with self.db.write() as session:
                session.add(
                    User(
                        name=name,
                        password_hash=security.hash_secret(password),
                        all_agencies=all_agencies,
                        agencies=sorted(set(agencies)),
                        created_at=utcnow(),
                    )
                )
        except IntegrityError:
            raise ValueError(f"there is already a user called {name!r}") from None

    def authenticate(self, name: str, password: str) -> User | None:
        with self.db.read() as session:
            user = session.scalar(select(User).where(User.name == name, User.disabled_at.is_(None)))
        stored = user.password_hash if user is not None else security.DUMMY_PASSWORD_HASH
        ok = security.verify_secret(password, stored)
        return user if ok and user is not None else None

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
        return token, csrf

    def find_session(self, token: str) -> tuple[User, StaffSession] | None:
        with self.db.read() as session:
            row = session.scalar(
                select(StaffSession).where(StaffSession.token_digest == security.session_digest(token))
            )
            if row is None or row.expires_at < utcnow():
                return None
            user = session.get(User, row.user_id)
            if user is None or user.disabled_at is not None:
                return None
            return user, row

    def close_session(self, token: str) -> None:
        with self.db.write() as session:
            session.execute(delete(StaffSession).where(StaffSession.token_digest == security.session_digest(token)))
