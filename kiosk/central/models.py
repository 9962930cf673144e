"""The central server's tables (SQLAlchemy 2 typed ORM). Alembic migrations in ``migrations/`` create them.

Changing a table here means writing a new migration in ``migrations/versions/``; a test checks that
the migrations and these models agree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Double,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

STATUSES = ("received", "in_review", "done", "rejected")
MODES = ("demo", "live")
USAGE_KINDS = ("service_viewed", "request_started", "request_submitted", "request_abandoned", "search")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite (which keeps no zone) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Row ids are 64-bit signed integers (BIGINT, SQLite's INTEGER): a larger number in a URL is no
# row's, and handed to the driver it overflows (a 500), so lookups check it first.
MAX_ROW_ID = 2**63 - 1


def is_row_id(value: int) -> bool:
    """Whether ``value`` can be a row's id (1 to MAX_ROW_ID): ask the database only then."""
    return 0 < value <= MAX_ROW_ID


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


class Kiosk(Base):
    __tablename__ = "kiosks"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    # The latest heartbeat, kept on the kiosk for the fleet page; history is in `heartbeats`.
    last_seen_at: Mapped[datetime | None]
    version: Mapped[str | None] = mapped_column(String(100))
    profile: Mapped[str | None] = mapped_column(String(100))
    mode: Mapped[str | None] = mapped_column(String(10))
    catalog_version: Mapped[str | None] = mapped_column(String(100))
    queue_depth: Mapped[int | None]
    oldest_pending_seconds: Mapped[float | None] = mapped_column(Float)
    rejected: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # Why the kiosk refused the newest catalog it was sent (None: it took it); it keeps its last good one.
    catalog_refused: Mapped[str | None] = mapped_column(Text)


class CitizenRequest(Base):
    """One request a citizen filed at a kiosk, stored exactly once per (kiosk, Idempotency-Key)."""

    __tablename__ = "requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    kiosk_id: Mapped[int] = mapped_column(ForeignKey("kiosks.id"))
    idempotency_key: Mapped[str] = mapped_column(String(36))
    body_hash: Mapped[str] = mapped_column(String(64))
    # False only for rows stored with `enforce_idempotency=False` (tests): the unique indexes skip them.
    enforced: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    tracking_code: Mapped[str] = mapped_column(String(12), index=True)
    service_id: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[str] = mapped_column(String(100))
    mode: Mapped[str] = mapped_column(String(10))
    profile: Mapped[str] = mapped_column(String(100))
    catalog_version: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    received_at: Mapped[datetime]
    # The citizen's answers, encrypted at rest (``RestBox`` under a key derived from the server's
    # secret, which is never in the database). Readers go through ``store.requests.answers``.
    fields_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Before revision 0003 the answers were kept here in clear. The migration cannot seal them (it
    # has no key): the server does at start (``Answers.seal_clear_rows``) and leaves NULL here.
    clear_fields: Mapped[dict[str, Any] | None] = mapped_column("fields", JSON(none_as_null=True))
    # Tracking's second factor: HMAC, under the server's secret, of the tracking code and the last
    # four digits of the citizen's mobile number; NULL when the request has no mobile number.
    mobile_check: Mapped[str | None] = mapped_column(String(64))
    # HMAC of the national ID under the server's key; never the ID itself.
    national_id_hmac: Mapped[str | None] = mapped_column(String(64))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"))
    status: Mapped[str] = mapped_column(String(20))
    status_changed_at: Mapped[datetime]
    reason: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(10))  # "api" or "import"

    kiosk: Mapped[Kiosk] = relationship(lazy="joined")
    duplicate_of: Mapped[CitizenRequest | None] = relationship(remote_side=[id], lazy="select")

    __table_args__ = (
        Index(
            "uq_requests_kiosk_key",
            "kiosk_id",
            "idempotency_key",
            unique=True,
            sqlite_where=text("enforced"),
            postgresql_where=text("enforced"),
        ),
        Index(
            "uq_requests_tracking_code",
            "tracking_code",
            unique=True,
            sqlite_where=text("enforced"),
            postgresql_where=text("enforced"),
        ),
        Index("ix_requests_duplicates", "service_id", "national_id_hmac", "created_at"),
        # The dashboard's list, newest first by (received_at, id): each filter it offers walks one of
        # these from the page's key on (``store.requests``), so page 1 and page 1000 cost alike.
        Index("ix_requests_mode_received", "mode", "received_at", "id"),
        Index("ix_requests_agency_received", "agency_id", "received_at", "id"),
        Index("ix_requests_service_received", "service_id", "received_at", "id"),
        Index("ix_requests_status_received", "status", "received_at", "id"),
        # An agency's staff at work: their agency's requests of one status (the new ones, say).
        Index("ix_requests_agency_status_received", "agency_id", "status", "received_at", "id"),
        Index(
            "ix_requests_duplicates_received",
            "received_at",
            "id",
            sqlite_where=text("duplicate_of_id IS NOT NULL"),
            postgresql_where=text("duplicate_of_id IS NOT NULL"),
        ),
        # The list's agency and service choices: one index step per (agency, service) pair there is.
        Index("ix_requests_agency_service", "agency_id", "service_id"),
        # Rows whose answers are still in clear: empty once the server has sealed them, so finding
        # none at start is one step on an empty index.
        Index(
            "ix_requests_clear_fields",
            "id",
            sqlite_where=text("fields IS NOT NULL"),
            postgresql_where=text("fields IS NOT NULL"),
        ),
    )


class TrackingFailure(Base):
    """Wrong second factors given for one request's tracking code, in the window that began with the
    first of them: in the database, so every server process sharing it counts the same tries."""

    __tablename__ = "tracking_failures"

    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), primary_key=True)
    failures: Mapped[int]
    first_at: Mapped[datetime]


class StatusChange(Base):
    """Every status a request went through, who set it and why: the audit trail."""

    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Heartbeat(Base):
    __tablename__ = "heartbeats"

    id: Mapped[int] = mapped_column(primary_key=True)
    kiosk_id: Mapped[int] = mapped_column(ForeignKey("kiosks.id"))
    at: Mapped[datetime]
    version: Mapped[str] = mapped_column(String(100))
    profile: Mapped[str] = mapped_column(String(100))
    mode: Mapped[str] = mapped_column(String(10))
    catalog_version: Mapped[str] = mapped_column(String(100))
    queue_depth: Mapped[int]
    oldest_pending_seconds: Mapped[float | None] = mapped_column(Float)
    rejected: Mapped[int]
    last_error: Mapped[str | None] = mapped_column(Text)
    catalog_refused: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_heartbeats_kiosk_at", "kiosk_id", "at"),)


class UsageEvent(Base):
    __tablename__ = "usage_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    kiosk_id: Mapped[int] = mapped_column(ForeignKey("kiosks.id"))
    kind: Mapped[str] = mapped_column(String(30))
    service_id: Mapped[str | None] = mapped_column(String(200))
    agency_id: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[datetime]
    # The day in Iran time (YYYY-MM-DD), so per-day charts group portably on both databases.
    day: Mapped[str] = mapped_column(String(10))
    profile: Mapped[str] = mapped_column(String(100))
    mode: Mapped[str] = mapped_column(String(10))
    # session_ended: the session's length; service_viewed: the time on the card (null from kiosks
    # that did not time cards yet).
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    # The kiosk session (one citizen's visit) the event belongs to, derived from the events as they
    # arrive (``store.usage``): the usage page counts sessions, and shows no number drawn from
    # fewer than five. A number of the server's own, nothing the kiosk sent.
    session_key: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (
        # Every column the usage page reads, after the two it selects by: its GROUP BYs read the
        # index alone, never the table (measured: a year of events, 4.7 -> 2.5 s on a busy 2-core
        # machine; 14 days, 0.20 -> 0.13 s).
        Index(
            "ix_usage_report",
            "mode",
            "day",
            "kind",
            "agency_id",
            "service_id",
            "profile",
            "session_key",
            "duration_seconds",
        ),
        Index("ix_usage_kiosk_id", "kiosk_id", "id"),  # a kiosk's latest event: its open session
    )


class CatalogRelease(Base):
    __tablename__ = "catalogs"

    id: Mapped[int] = mapped_column(primary_key=True)  # the release number, 1, 2, ...
    catalog_version: Mapped[str] = mapped_column(String(100))
    etag: Mapped[str] = mapped_column(String(100))
    document: Mapped[str] = mapped_column(Text)  # canonical JSON, served byte for byte
    published_at: Mapped[datetime]
    # Ed25519 over the release number and the document's UTF-8 bytes (kiosk.core.release_signing),
    # made at publishing with the key in the data folder; None only until a start signs older rows.
    signature: Mapped[str | None] = mapped_column(String(100))
    signed_by: Mapped[str | None] = mapped_column(String(16))  # the signing key's fingerprint


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    all_agencies: Mapped[bool] = mapped_column(Boolean)
    # Agency ids this user works for (ignored when all_agencies).
    agencies: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    disabled_at: Mapped[datetime | None]
    # What the user may open (``kiosk.central.roles``): admin, supervisor, case_worker or viewer.
    role: Mapped[str] = mapped_column(String(20))
    # Removed users stay as a name, so request histories and the audit log still say who did what;
    # they cannot log in and are listed no more. Their name is not given to anyone else.
    removed_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    # A one-time link that sets the password (an invitation, or a reset): the SHA-256 of its random
    # token, never the token, and when it stops working. NULL when there is none.
    link_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    link_expires_at: Mapped[datetime | None]


class AuditEvent(Base):
    """Every act on a staff account (invite, role, disable, remove, reset, forced logout...): who did
    it, to whom, when. Names are copied, not referred to, so the log outlives the accounts; never
    a password or a token."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    # None: the command line on the server (``kiosk-central user ...``).
    actor_id: Mapped[int | None]
    actor_name: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[int | None]
    target_name: Mapped[str | None] = mapped_column(String(100))
    # What changed, e.g. {"role": ["case_worker", "supervisor"]}.
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))


class LoginThrottle(Base):
    """Recent failed logins of one account name or one client address, keyed by an HMAC of it under
    the server's secret (so the table holds no typed name and no address): shared by every server
    process through the database. See ``store.logins``."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int]
    last_failure_at: Mapped[datetime] = mapped_column(index=True)


class KioskRate(Base):
    """A kiosk's token bucket for API calls, shared by every server process through the database:
    ``tokens`` left as of ``refilled_at`` (seconds since the epoch, a number so that the refill is
    arithmetic in SQL), and whether the last call was let through. See ``ratelimit.py``."""

    __tablename__ = "kiosk_rates"

    kiosk_id: Mapped[int] = mapped_column(ForeignKey("kiosks.id"), primary_key=True)
    tokens: Mapped[float] = mapped_column(Double)
    refilled_at: Mapped[float] = mapped_column(Double)
    allowed: Mapped[bool] = mapped_column(Boolean)


class TrustedDevice(Base):
    """A browser someone has logged in from as this user: its cookie's random token, hashed. Logins
    from it skip the throttling of untrusted attempts (OWASP's "device cookies"), so an attacker
    guessing the user's password does not lock the user out; five wrong passwords in a row from it
    and it is trusted no more."""

    __tablename__ = "trusted_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime] = mapped_column(index=True)
    failures: Mapped[int]


class StaffSession(Base):
    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class ServerSetting(Base):
    """Small facts the servers sharing a database agree on (e.g. the secret's fingerprint)."""

    __tablename__ = "server_settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ServiceDraft(Base):
    """One service's proposed change (``store.drafts``): the whole proposed service document and the
    release it was made on, so a change published meanwhile is found, never overwritten. It waits
    for a second person of the agency (never its author) or the administrator's forced publish."""

    __tablename__ = "service_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[str] = mapped_column(String(100), index=True)
    service_id: Mapped[str] = mapped_column(String(201))
    base_release: Mapped[int]
    document: Mapped[str] = mapped_column(Text)  # the proposed service, JSON
    # pending -> scheduled -> published; or rejected, or conflict (the service changed meanwhile).
    state: Mapped[str] = mapped_column(String(20), index=True)
    author_id: Mapped[int | None]
    author_name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    reviewer_id: Mapped[int | None]
    reviewer_name: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None]
    publish_at: Mapped[datetime | None]  # when a scheduled draft goes out
    forced_reason: Mapped[str | None] = mapped_column(Text)  # the administrator's reason to skip review
    release_id: Mapped[int | None]  # the release that published it
    note: Mapped[str | None] = mapped_column(Text)  # why it was rejected, or what conflicted


class ReleaseRecord(Base):
    """Who made each catalog release through the dashboard and why (a review, a forced publish with
    its reason, a rollback to an older release): the history page reads it beside ``catalogs``."""

    __tablename__ = "release_records"

    release_id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # reviewed, forced, scheduled, rollback
    by_name: Mapped[str | None] = mapped_column(String(100))
    reviewer_name: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    draft_id: Mapped[int | None]
    restored_from: Mapped[int | None]  # a rollback: the release whose content it published again
