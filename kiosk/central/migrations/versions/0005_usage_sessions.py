"""usage events: the session each belongs to

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07

The usage page shows no number drawn from fewer than five sessions, so each event gets the session
(one citizen's visit at one kiosk) it belongs to. A kiosk sends a session's events together and in
order, the last a ``session_ended``: an event belongs to the session of the same kiosk's previous
event, unless that one ended its session. Events already stored get theirs here by that rule (the
key is the id of the session's first event); the server gives new ones theirs as they arrive.

The usage page's index (``ix_usage_report``) holds every column its GROUP BYs read, after the two
it selects by (mode, day), in place of ``ix_usage_day_kind``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Window functions and UPDATE ... FROM: SQLite 3.33 and later, and PostgreSQL.
BACKFILL = """
WITH marked AS (
    SELECT id, kiosk_id,
           SUM(CASE WHEN kind = 'session_ended' THEN 1 ELSE 0 END) OVER (PARTITION BY kiosk_id ORDER BY id)
           - CASE WHEN kind = 'session_ended' THEN 1 ELSE 0 END AS ended_before
    FROM usage_events
), keyed AS (
    SELECT id, MIN(id) OVER (PARTITION BY kiosk_id, ended_before) AS first_id FROM marked
)
UPDATE usage_events SET session_key = keyed.first_id FROM keyed WHERE keyed.id = usage_events.id
"""


REPORT_COLUMNS = ["mode", "day", "kind", "agency_id", "service_id", "profile", "session_key", "duration_seconds"]


def upgrade() -> None:
    with op.batch_alter_table("usage_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_key", sa.BigInteger(), nullable=True))
        batch_op.create_index("ix_usage_kiosk_id", ["kiosk_id", "id"], unique=False)
    op.execute(BACKFILL)
    with op.batch_alter_table("usage_events", schema=None) as batch_op:
        batch_op.drop_index("ix_usage_day_kind")
        batch_op.create_index("ix_usage_report", REPORT_COLUMNS, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("usage_events", schema=None) as batch_op:
        batch_op.drop_index("ix_usage_report")
        batch_op.create_index("ix_usage_day_kind", ["day", "kind"], unique=False)
        batch_op.drop_index("ix_usage_kiosk_id")
        batch_op.drop_column("session_key")
