"""service drafts and release records: agencies edit their services on the dashboard

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08

A draft is one service's proposed change (the whole service document and the release it was made
on) waiting for a second person of the agency; a release record says who made a release through
the dashboard and why (review, forced publish with its reason, schedule, rollback).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kiosk.central.models import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

UTC_DATETIME = UTCDateTime()


def upgrade() -> None:
    op.create_table(
        "service_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.String(length=100), nullable=False),
        sa.Column("service_id", sa.String(length=201), nullable=False),
        sa.Column("base_release", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=100), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("reviewer_name", sa.String(length=100), nullable=True),
        sa.Column("decided_at", UTC_DATETIME, nullable=True),
        sa.Column("publish_at", UTC_DATETIME, nullable=True),
        sa.Column("forced_reason", sa.Text(), nullable=True),
        sa.Column("release_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_drafts")),
    )
    with op.batch_alter_table("service_drafts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_drafts_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_drafts_state"), ["state"], unique=False)
    op.create_table(
        "release_records",
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("by_name", sa.String(length=100), nullable=True),
        sa.Column("reviewer_name", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.Column("restored_from", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("release_id", name=op.f("pk_release_records")),
    )


def downgrade() -> None:
    op.drop_table("release_records")
    with op.batch_alter_table("service_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_drafts_state"))
        batch_op.drop_index(batch_op.f("ix_service_drafts_agency_id"))
    op.drop_table("service_drafts")
