"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kiosk.central.models

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalogs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("catalog_version", sa.String(length=100), nullable=False),
        sa.Column("etag", sa.String(length=100), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("published_at", kiosk.central.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogs")),
    )
    op.create_table(
        "kiosks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("token_hash", sa.String(length=200), nullable=False),
        sa.Column("created_at", kiosk.central.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", kiosk.central.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_seen_at", kiosk.central.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.String(length=100), nullable=True),
        sa.Column("profile", sa.String(length=100), nullable=True),
        sa.Column("mode", sa.String(length=10), nullable=True),
        sa.Column("catalog_version", sa.String(length=100), nullable=True),
        sa.Column("queue_depth", sa.Integer(), nullable=True),
        sa.Column("oldest_pending_seconds", sa.Float(), nullable=True),
        sa.Column("rejected", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosks")),
        sa.UniqueConstraint("number", name=op.f("uq_kiosks_number")),
    )
    op.create_table(
        "server_settings",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_server_settings")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("all_agencies", sa.Boolean(), nullable=False),
        sa.Column("agencies", sa.JSON(), nullable=False),
        sa.Column("created_at", kiosk.central.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", kiosk.central.models.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
    )
    op.create_table(
        "heartbeats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kiosk_id", sa.Integer(), nullable=False),
        sa.Column("at", kiosk.central.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("profile", sa.String(length=100), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("catalog_version", sa.String(length=100), nullable=False),
        sa.Column("queue_depth", sa.Integer(), nullable=False),
        sa.Column("oldest_pending_seconds", sa.Float(), nullable=True),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["kiosk_id"], ["kiosks.id"], name=op.f("fk_heartbeats_kiosk_id_kiosks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_heartbeats")),
    )
    with op.batch_alter_table("heartbeats", schema=None) as batch_op:
        batch_op.create_index("ix_heartbeats_kiosk_at", ["kiosk_id", "at"], unique=False)

    op.create_table(
        "requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kiosk_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=36), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("enforced", sa.Boolean(), server_default=sa.text("(true)"), nullable=False),
        sa.Column("tracking_code", sa.String(length=12), nullable=False),
        sa.Column("service_id", sa.String(length=200), nullable=False),
        sa.Column("agency_id", sa.String(length=100), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("profile", sa.String(length=100), nullable=False),
        sa.Column("catalog_version", sa.String(length=100), nullable=False),
        sa.Column("created_at", kiosk.central.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", kiosk.central.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("national_id_hmac", sa.String(length=64), nullable=True),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_changed_at", kiosk.central.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"], ["requests.id"], name=op.f("fk_requests_duplicate_of_id_requests")
        ),
        sa.ForeignKeyConstraint(["kiosk_id"], ["kiosks.id"], name=op.f("fk_requests_kiosk_id_kiosks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requests")),
    )
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.create_index("ix_requests_agency_received", ["agency_id", "received_at"], unique=False)
        batch_op.create_index("ix_requests_duplicates", ["service_id", "national_id_hmac", "created_at"], unique=False)
        batch_op.create_index("ix_requests_received", ["received_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_requests_tracking_code"), ["tracking_code"], unique=False)
        batch_op.create_index(
            "uq_requests_kiosk_key",
            ["kiosk_id", "idempotency_key"],
            unique=True,
            sqlite_where=sa.text("enforced"),
            postgresql_where=sa.text("enforced"),
        )
        batch_op.create_index(
            "uq_requests_tracking_code",
            ["tracking_code"],
            unique=True,
            sqlite_where=sa.text("enforced"),
            postgresql_where=sa.text("enforced"),
        )

    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", kiosk.central.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", kiosk.central.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_staff_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sessions")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_staff_sessions_token_digest")),
    )
    op.create_table(
        "usage_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kiosk_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("service_id", sa.String(length=200), nullable=True),
        sa.Column("agency_id", sa.String(length=100), nullable=True),
        sa.Column("at", kiosk.central.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("profile", sa.String(length=100), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(["kiosk_id"], ["kiosks.id"], name=op.f("fk_usage_events_kiosk_id_kiosks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_events")),
    )
    with op.batch_alter_table("usage_events", schema=None) as batch_op:
        batch_op.create_index("ix_usage_day_kind", ["day", "kind"], unique=False)

    op.create_table(
        "status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", kiosk.central.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["request_id"], ["requests.id"], name=op.f("fk_status_changes_request_id_requests")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_status_changes_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_changes")),
    )
    with op.batch_alter_table("status_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_status_changes_request_id"), ["request_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("status_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_changes_request_id"))

    op.drop_table("status_changes")
    with op.batch_alter_table("usage_events", schema=None) as batch_op:
        batch_op.drop_index("ix_usage_day_kind")

    op.drop_table("usage_events")
    op.drop_table("staff_sessions")
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_requests_tracking_code", sqlite_where=sa.text("enforced"), postgresql_where=sa.text("enforced")
        )
        batch_op.drop_index(
            "uq_requests_kiosk_key", sqlite_where=sa.text("enforced"), postgresql_where=sa.text("enforced")
        )
        batch_op.drop_index(batch_op.f("ix_requests_tracking_code"))
        batch_op.drop_index("ix_requests_received")
        batch_op.drop_index("ix_requests_duplicates")
        batch_op.drop_index("ix_requests_agency_received")

    op.drop_table("requests")
    with op.batch_alter_table("heartbeats", schema=None) as batch_op:
        batch_op.drop_index("ix_heartbeats_kiosk_at")

    op.drop_table("heartbeats")
    op.drop_table("users")
    op.drop_table("server_settings")
    op.drop_table("kiosks")
    op.drop_table("catalogs")
