"""kiosks: the catalog a kiosk last refused, and why

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08

A kiosk that refuses a catalog the server published keeps its last good one and says why in its
heartbeat (``catalog_refused``: the first reason, no personal data). The latest is kept on the
kiosk's row for the fleet page, and each heartbeat keeps its own in the history.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("kiosks", "heartbeats"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("catalog_refused", sa.Text(), nullable=True))


def downgrade() -> None:
    for table in ("heartbeats", "kiosks"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("catalog_refused")
