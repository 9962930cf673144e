"""requests: the dashboard's indexes, one for each filter of its list, ending in the list's order

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08

The staff list shows requests newest first by (received_at, id) and pages by that key (keyset), so
each filter it offers needs an index that starts with the filter's column and ends with that order:
mode (the default list, live requests; it replaces the index on received_at alone), agency (now
ending in id, which PostgreSQL needs to walk the order without sorting), service, status, an
agency's requests of one status (what its staff work through), and the possible duplicates (a
partial index: only the rows that are one). The list's agency and service
choices are read by skipping through (agency_id, service_id), one step per pair.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

DUPLICATE = "duplicate_of_id IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("ix_requests_received")
        batch_op.drop_index("ix_requests_agency_received")
        batch_op.create_index("ix_requests_mode_received", ["mode", "received_at", "id"], unique=False)
        batch_op.create_index("ix_requests_agency_received", ["agency_id", "received_at", "id"], unique=False)
        batch_op.create_index("ix_requests_service_received", ["service_id", "received_at", "id"], unique=False)
        batch_op.create_index("ix_requests_status_received", ["status", "received_at", "id"], unique=False)
        batch_op.create_index(
            "ix_requests_agency_status_received", ["agency_id", "status", "received_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_requests_duplicates_received",
            ["received_at", "id"],
            unique=False,
            sqlite_where=sa.text(DUPLICATE),
            postgresql_where=sa.text(DUPLICATE),
        )
        batch_op.create_index("ix_requests_agency_service", ["agency_id", "service_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("ix_requests_agency_service")
        batch_op.drop_index("ix_requests_duplicates_received")
        batch_op.drop_index("ix_requests_agency_status_received")
        batch_op.drop_index("ix_requests_status_received")
        batch_op.drop_index("ix_requests_service_received")
        batch_op.drop_index("ix_requests_mode_received")
        batch_op.drop_index("ix_requests_agency_received")
        batch_op.create_index("ix_requests_agency_received", ["agency_id", "received_at"], unique=False)
        batch_op.create_index("ix_requests_received", ["received_at"], unique=False)
