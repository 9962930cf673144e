"""Catalog releases: publishing a validated catalog document under the next release number, signed
with the server's signing key (its number and the exact bytes served: kiosks check it before they
apply anything), the latest one, and any release read back (the dashboard labels each request's
answers from the release it was filed against)."""

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
from kiosk.core.release_signing import ReleaseRefused, ReleaseSigner, verify_release


class Catalogs:
    def __init__(
        self, db: Database, signer: Callable[[], ReleaseSigner], on_publish: Callable[[], None] | None = None
    ) -> None:
        self.db = db
        self._signer = signer  # asked on first publishing: the key file is made on first use
        self._on_publish = on_publish  # told after each release this process publishes

    def publish(self, document: dict[str, Any]) -> CatalogRelease:
        """Store a catalog document the caller has validated, signed; returns the new release."""
        body = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
        signer = self._signer()
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
                        signature=signer.sign(str(number), body.encode("utf-8")),
                        signed_by=signer.fingerprint,
                    )
                    session.add(release)
                if self._on_publish is not None:
                    self._on_publish()
                return release
            except IntegrityError:  # someone published at the same moment and took the number
                continue
        raise RuntimeError("could not publish: other releases kept taking the next number")

    def sign_unsigned(self) -> int:
        """Sign the releases published before releases were signed (once, at start: their documents
        are taken as the database holds them then); how many."""
        signer = self._signer  # not made unless there is something to sign
        with self.db.write() as session:
            rows = session.scalars(select(CatalogRelease).where(CatalogRelease.signature.is_(None))).all()
            for row in rows:
                row.signature = signer().sign(str(row.id), row.document.encode("utf-8"))
                row.signed_by = signer().fingerprint
        return len(rows)

    def sign_again(self, old: ReleaseSigner, new: ReleaseSigner) -> tuple[int, list[int]]:
        """After a rotation: each release signed by ``old`` is checked with it and signed by ``new``;
        returns how many were, and the numbers of those whose document no longer matches the old
        signature (left as they are: kiosks keep refusing them)."""
        signed, mismatched = 0, []
        with self.db.write() as session:
            for row in session.scalars(select(CatalogRelease).where(CatalogRelease.signed_by == old.fingerprint)):
                body = row.document.encode("utf-8")
                try:
                    verify_release([old.public_key], str(row.id), body, row.signature)
                except ReleaseRefused:
                    mismatched.append(row.id)
                    continue
                row.signature, row.signed_by = new.sign(str(row.id), body), new.fingerprint
                signed += 1
        return signed, mismatched

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
