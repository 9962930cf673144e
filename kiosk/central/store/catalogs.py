"""Catalog releases: publishing a validated catalog document under the next release number, the latest
one, and any release read back (the dashboard labels each request's answers from the release it was
filed against)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from kiosk.central.clock import utcnow
from kiosk.central.db import Database
from kiosk.central.models import CatalogRelease


class Catalogs:
    def __init__(self, db: Database, on_publish: Callable[[], None] | None = None) -> None:
        self.db = db
        self._on_publish = on_publish  # told after each release this process publishes

    def publish(self, document: dict[str, Any]) -> CatalogRelease:
        """Store a catalog document the caller has validated; returns the new release."""
        body = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
        for _attempt in range(5):
            try:
                with self.db.write() as session:
                    number = (session.scalar(select(func.max(CatalogRelease.id))) or 0) + 1
                    release = CatalogRelease(
                        id=number,
                        catalog_version=str(document.get("version", "")),
                        etag=f'"{number}-{digest[:20]}"',
                        document=body,
                        published_at=utcnow(),
                    )
                    session.add(release)
                if self._on_publish is not None:
                    self._on_publish()
                return release
            except IntegrityError:  # someone published at the same moment and took the number
                continue
        raise RuntimeError("could not publish: other releases kept taking the next number")

    def latest(self) -> CatalogRelease | None:
        with self.db.read() as session:
            return session.scalar(select(CatalogRelease).order_by(CatalogRelease.id.desc()).limit(1))

    def latest_number(self) -> int:
        """The newest release's number (0 before the first): cheap enough to ask on every page."""
        with self.db.read() as session:
            return session.scalar(select(func.max(CatalogRelease.id))) or 0

    def stamp(self) -> tuple[int, str]:
        """The newest release's number and ETag ((0, "") before the first): one small query, so a page
        can ask whether anything was published since it last looked. The ETag holds the document's
        digest, so a database emptied and published again (tests) is not taken for the same one."""
        with self.db.read() as session:
            row = session.execute(
                select(CatalogRelease.id, CatalogRelease.etag).order_by(CatalogRelease.id.desc()).limit(1)
            ).first()
        return (int(row.id), str(row.etag)) if row is not None else (0, "")

    def newest_by_version(self) -> dict[str, int]:
        """Each catalog version with the number of its newest release."""
        with self.db.read() as session:
            rows = session.execute(
                select(CatalogRelease.catalog_version, func.max(CatalogRelease.id)).group_by(
                    CatalogRelease.catalog_version
                )
            ).all()
        return {str(version): int(number) for version, number in rows}

    def document(self, number: int) -> dict[str, Any] | None:
        """Release ``number``'s catalog document, parsed (None if there is no such release)."""
        with self.db.read() as session:
            body = session.scalar(select(CatalogRelease.document).where(CatalogRelease.id == number))
        return json.loads(body) if body is not None else None
