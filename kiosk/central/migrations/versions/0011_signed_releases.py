"""catalogs: each release's Ed25519 signature, made when it is published

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08

The server signs each catalog release when it publishes it (its number and the exact bytes it
serves) with its signing key (``signing.key`` in the data folder, never in the database); the
signature and the signing key's fingerprint are kept with the release and sent with it, so a
document changed in the database afterwards no longer matches its signature and kiosks refuse it.
Releases published before this revision are signed once when the server starts.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("catalogs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signature", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("signed_by", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("catalogs", schema=None) as batch_op:
        batch_op.drop_column("signed_by")
        batch_op.drop_column("signature")
