"""answers encrypted at rest, tracking's second factor

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07

The answers move from ``requests.fields`` (JSON, in clear) to ``requests.fields_sealed`` (binary,
encrypted). A migration has no key, so it only makes room: ``fields`` becomes nullable, and the
server seals the rows still in clear when it starts (``kiosk.central.store.answers``), then sets
``fields`` to NULL. ``ix_requests_clear_fields`` holds the rows still to do.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kiosk.central.models

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

CLEAR = "fields IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fields_sealed", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("mobile_check", sa.String(length=64), nullable=True))
        batch_op.alter_column("fields", existing_type=sa.JSON(), nullable=True)
        batch_op.create_index(
            "ix_requests_clear_fields",
            ["id"],
            unique=False,
            sqlite_where=sa.text(CLEAR),
            postgresql_where=sa.text(CLEAR),
        )
    op.create_table(
        "tracking_failures",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_at", kiosk.central.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["requests.id"], name=op.f("fk_tracking_failures_request_id_requests")),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_tracking_failures")),
    )


def downgrade() -> None:
    # Answers sealed since cannot go back into the clear column without the key: a downgrade is
    # refused rather than leaving requests without their answers.
    raise RuntimeError("revision 0003 cannot be undone: the answers are sealed; restore the backup taken before it")
