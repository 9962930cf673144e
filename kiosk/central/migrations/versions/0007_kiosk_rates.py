"""kiosk rates: each kiosk's API token bucket in the database, shared by every server process

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-08

Each server process kept its own buckets, so a kiosk could reach N times its rate across N
processes. One row per kiosk now holds its bucket (``ratelimit.py`` takes a token with one
``INSERT ... ON CONFLICT DO UPDATE``). Nothing to carry over: buckets start full.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kiosk_rates",
        sa.Column("kiosk_id", sa.Integer(), nullable=False),
        sa.Column("tokens", sa.Double(), nullable=False),
        sa.Column("refilled_at", sa.Double(), nullable=False),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["kiosk_id"], ["kiosks.id"], name=op.f("fk_kiosk_rates_kiosk_id_kiosks")),
        sa.PrimaryKeyConstraint("kiosk_id", name=op.f("pk_kiosk_rates")),
    )


def downgrade() -> None:
    op.drop_table("kiosk_rates")
