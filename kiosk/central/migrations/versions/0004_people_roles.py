"""people: roles, one-time password links, removal, the audit log, login throttling in the database

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07

Existing users get a role from what they could see: those of all agencies become administrators
(they were the province's people, the only ones who saw everything, and someone must be able to
manage users on the dashboard), those of some agencies case workers (the role that keeps exactly
what they had: their agencies' requests; a supervisor would also see their colleagues, which
nobody granted them). ``kiosk-central user set-role`` changes either afterwards.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kiosk.central.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

UTC_DATETIME = kiosk.central.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("removed_at", UTC_DATETIME, nullable=True))
        batch_op.add_column(sa.Column("last_login_at", UTC_DATETIME, nullable=True))
        batch_op.add_column(sa.Column("link_digest", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("link_expires_at", UTC_DATETIME, nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_users_link_digest"), ["link_digest"])
    users = sa.table("users", sa.column("role", sa.String), sa.column("all_agencies", sa.Boolean))
    op.execute(users.update().values(role=sa.case((users.c.all_agencies == sa.true(), "admin"), else_="case_worker")))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("role", existing_type=sa.String(length=20), nullable=False)

    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_sessions_user_id"), ["user_id"], unique=False)

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTC_DATETIME, nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=100), nullable=True),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("target_name", sa.String(length=100), nullable=True),
        sa.Column("detail", sa.JSON(none_as_null=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_throttle_last_failure_at"), ["last_failure_at"], unique=False)
    op.create_table(
        "trusted_devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("last_used_at", UTC_DATETIME, nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_trusted_devices_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trusted_devices")),
        sa.UniqueConstraint("digest", name=op.f("uq_trusted_devices_digest")),
    )
    with op.batch_alter_table("trusted_devices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trusted_devices_last_used_at"), ["last_used_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_trusted_devices_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("trusted_devices")
    op.drop_table("login_throttle")
    op.drop_table("audit_events")
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_sessions_user_id"))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_users_link_digest"), type_="unique")
        batch_op.drop_column("link_expires_at")
        batch_op.drop_column("link_digest")
        batch_op.drop_column("last_login_at")
        batch_op.drop_column("removed_at")
        batch_op.drop_column("role")
