"""Alembic environment: always run from code (kiosk.central.db.upgrade) on a connection it passes in."""

from __future__ import annotations

from alembic import context

from kiosk.central.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `kiosk-central db upgrade`, not the alembic command")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
