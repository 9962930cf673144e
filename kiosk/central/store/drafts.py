"""Agencies' proposed changes to their services, their review, and the releases they make.

A draft is one service's whole proposed document plus the release it was made on. It is checked by
the kiosk's own validator when it is saved (the whole catalog with the change applied, against the
kiosk's icons), and again when it is published, on the newest release: if the service was changed
by another release since the draft's base, that is a conflict, said and kept, never overwritten.

A draft goes out when a second person of its agency approves it (never its author), at once or at
a time they choose (``scheduled``: the server's minute task, ``publish_due``, publishes it; the
database decides which process does, by an UPDATE that only one can make), or when the province
administrator forces it without review, with a written reason kept on the draft, the release's
record and the audit log. A rollback publishes an older release's document again, with a reason.

Publishing takes turns: on PostgreSQL a session advisory lock, on SQLite this process's lock (one
server process writes a SQLite database), so two approvals at once each build on the other's
release. Every act is written to the audit log.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from kiosk.central.clock import utcnow
from kiosk.central.db import Database
from kiosk.central.models import AuditEvent, CatalogRelease, ReleaseRecord, ServiceDraft
from kiosk.central.store.catalogs import Catalogs
from kiosk.central.store.people import Actor
from kiosk.core.catalog import bundled_icons, parse_catalog_document
from kiosk.core.datafile import DataFileError

PENDING, SCHEDULED, PUBLISHING, PUBLISHED = "pending", "scheduled", "publishing", "published"
REJECTED, CONFLICT = "rejected", "conflict"
STATES = (PENDING, SCHEDULED, PUBLISHING, PUBLISHED, REJECTED, CONFLICT)

# What the audit log records (its ``action`` column; the target is the draft or the release).
DRAFT_SAVED, DRAFT_APPROVED, DRAFT_SCHEDULED = "draft_saved", "draft_approved", "draft_scheduled"
DRAFT_REJECTED, DRAFT_FORCED, DRAFT_CONFLICT = "draft_rejected", "draft_forced", "draft_conflict"
RELEASE_PUBLISHED, RELEASE_ROLLED_BACK = "release_published", "release_rolled_back"

# A release record's kind.
REVIEWED, FORCED, ROLLBACK = "reviewed", "forced", "rollback"

REASON_MIN, REASON_MAX = 10, 1000
_PUBLISH_LOCK = 0x5049_5348_5055_424C  # "PISHPUBL"


class DraftError(ValueError):
    """A refused act: ``code`` names the reason for translation; ``problems`` are the validator's."""

    def __init__(self, code: str, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.problems = problems or []


@dataclass(frozen=True)
class HistoryRow:
    release: CatalogRelease
    record: ReleaseRecord | None


def find_service(document: dict[str, Any], service_id: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(agency, service) of ``service_id`` in a catalog document, or None."""
    for agency in document.get("agencies", []):
        for service in agency.get("services", []):
            if service.get("id") == service_id:
                return agency, service
    return None


def with_service(document: dict[str, Any], proposed: dict[str, Any]) -> dict[str, Any]:
    """A copy of the catalog document with the service of ``proposed``'s id replaced by it."""
    changed = json.loads(json.dumps(document))
    found = find_service(changed, str(proposed.get("id", "")))
    if found is None:
        raise DraftError("no_service", f"no service {proposed.get('id')!r} in the catalog")
    agency, service = found
    agency["services"][agency["services"].index(service)] = proposed
    return changed


def validate(document: dict[str, Any]) -> None:
    """The kiosk's own checks on a whole catalog document (DraftError listing the problems)."""
    try:
        parse_catalog_document(document, "catalog", bundled_icons())
    except DataFileError as exc:
        raise DraftError("invalid", "the kiosk would refuse this catalog", [str(p) for p in exc.problems]) from None


class Drafts:
    def __init__(self, db: Database, catalogs: Catalogs) -> None:
        self.db = db
        self.catalogs = catalogs
        self._turn = threading.Lock()

    # Reading ------------------------------------------------------------------------------------

    def get(self, draft_id: int) -> ServiceDraft | None:
        with self.db.read() as session:
            return session.get(ServiceDraft, draft_id)

    def listed(
        self, agencies: list[str] | None, states: tuple[str, ...] = STATES, limit: int = 200
    ) -> list[ServiceDraft]:
        """Drafts of these agencies (None: all), newest first."""
        query = select(ServiceDraft).where(ServiceDraft.state.in_(states))
        if agencies is not None:
            query = query.where(ServiceDraft.agency_id.in_(agencies))
        with self.db.read() as session:
            return list(session.scalars(query.order_by(ServiceDraft.id.desc()).limit(limit)))

    def history(self, limit: int = 200) -> list[HistoryRow]:
        """Every release, newest first, with its record when the dashboard made it."""
        with self.db.read() as session:
            releases = list(session.scalars(select(CatalogRelease).order_by(CatalogRelease.id.desc()).limit(limit)))
            records = {
                r.release_id: r
                for r in session.scalars(
                    select(ReleaseRecord).where(ReleaseRecord.release_id.in_([r.id for r in releases]))
                )
            }
        return [HistoryRow(release, records.get(release.id)) for release in releases]

    def record(self, release_id: int) -> ReleaseRecord | None:
        with self.db.read() as session:
            return session.get(ReleaseRecord, release_id)

    # Acts ---------------------------------------------------------------------------------------

    def save(self, proposed: dict[str, Any], base_release: int, by: Actor) -> ServiceDraft:
        """Keep a proposed service as a pending draft, after the kiosk's checks on the catalog it makes."""
        base = self.catalogs.document(base_release)
        found = find_service(base, str(proposed.get("id", ""))) if base is not None else None
        if base is None or found is None:
            raise DraftError("no_service", f"no service {proposed.get('id')!r} in release {base_release}")
        agency, current = found
        if _canonical(current) == _canonical(proposed):
            raise DraftError("unchanged", "the draft changes nothing")
        validate(with_service(base, proposed))
        now = utcnow()
        with self.db.write() as session:
            draft = ServiceDraft(
                agency_id=str(agency["id"]), service_id=str(proposed["id"]), base_release=base_release,
                document=_canonical(proposed), state=PENDING, author_id=by.id, author_name=by.name or "",
                created_at=now,
            )  # fmt: skip
            session.add(draft)
            session.flush()
            _audit(session, by, DRAFT_SAVED, draft.id, draft.service_id, {"base": base_release})
        return draft

    def approve(self, draft_id: int, by: Actor, publish_at: datetime | None = None) -> ServiceDraft:
        """A second person's approval: published now, or scheduled for ``publish_at``."""
        with self.db.write() as session:
            draft = _pending(session, draft_id)
            if by.id is not None and by.id == draft.author_id:
                raise DraftError("self_approval", "the author of a draft cannot approve it; a second person must")
            draft.reviewer_id, draft.reviewer_name, draft.decided_at = by.id, by.name, utcnow()
            if publish_at is not None and publish_at > utcnow():
                draft.state, draft.publish_at = SCHEDULED, publish_at
                _audit(session, by, DRAFT_SCHEDULED, draft.id, draft.service_id, {"at": publish_at.isoformat()})
                return draft
            draft.state = PUBLISHING
            _audit(session, by, DRAFT_APPROVED, draft.id, draft.service_id)
        return self._publish(draft_id, by, REVIEWED, None)

    def force(self, draft_id: int, by: Actor, reason: str) -> ServiceDraft:
        """The administrator's publish without review (the caller checked the role): a reason is required."""
        reason = reason.strip()
        if len(reason) < REASON_MIN:
            raise DraftError(
                "no_reason", f"a forced publish needs a written reason of at least {REASON_MIN} characters"
            )
        if len(reason) > REASON_MAX:
            raise DraftError("long_reason", f"a reason is at most {REASON_MAX} characters")
        with self.db.write() as session:
            draft = _pending(session, draft_id)
            draft.state, draft.forced_reason, draft.decided_at = PUBLISHING, reason, utcnow()
            draft.reviewer_id, draft.reviewer_name = by.id, by.name
            _audit(session, by, DRAFT_FORCED, draft.id, draft.service_id, {"reason": reason})
        return self._publish(draft_id, by, FORCED, reason)

    def reject(self, draft_id: int, by: Actor, note: str) -> ServiceDraft:
        note = note.strip()[:REASON_MAX]
        with self.db.write() as session:
            draft = _pending(session, draft_id)
            if by.id is not None and by.id == draft.author_id:
                raise DraftError("self_approval", "the author of a draft cannot review it; a second person must")
            draft.state, draft.note, draft.decided_at = REJECTED, note or None, utcnow()
            draft.reviewer_id, draft.reviewer_name = by.id, by.name
            _audit(session, by, DRAFT_REJECTED, draft.id, draft.service_id, {"reason": note} if note else None)
        return draft

    def publish_due(self, now: datetime | None = None) -> list[int]:
        """Publish the scheduled drafts whose time has come; each is claimed by one UPDATE, so of
        several server processes exactly one publishes it. Returns the drafts this call published."""
        now = now or utcnow()
        with self.db.read() as session:
            due = list(
                session.scalars(
                    select(ServiceDraft.id).where(ServiceDraft.state == SCHEDULED, ServiceDraft.publish_at <= now)
                )
            )
        done = []
        for draft_id in due:
            with self.db.write() as session:
                claimed = session.execute(
                    update(ServiceDraft)
                    .where(ServiceDraft.id == draft_id, ServiceDraft.state == SCHEDULED)
                    .values(state=PUBLISHING)
                ).rowcount
            if claimed != 1:
                continue  # another process took it
            draft = self.get(draft_id)
            by = Actor(draft.reviewer_id, draft.reviewer_name) if draft else Actor(None, None)
            try:
                self._publish(draft_id, by, REVIEWED, None)
            except DraftError:
                continue  # kept as a conflict, with its note, for the agency to see
            done.append(draft_id)
        return done

    def rollback(self, release_id: int, by: Actor, reason: str) -> CatalogRelease:
        """A new release whose content is release ``release_id``'s (the caller checked the role)."""
        reason = reason.strip()
        if len(reason) < REASON_MIN:
            raise DraftError("no_reason", f"a rollback needs a written reason of at least {REASON_MIN} characters")
        if len(reason) > REASON_MAX:
            raise DraftError("long_reason", f"a reason is at most {REASON_MAX} characters")
        with self._publishing():
            document = self.catalogs.document(release_id)
            if document is None:
                raise DraftError("no_release", f"no release {release_id}")
            if release_id == self.catalogs.latest_number():
                raise DraftError("is_latest", "this release is the one published now")
            validate(document)
            release = self.catalogs.publish(document)
            with self.db.write() as session:
                session.add(
                    ReleaseRecord(
                        release_id=release.id, kind=ROLLBACK, by_name=by.name, reason=reason,
                        restored_from=release_id,
                    )
                )  # fmt: skip
                _audit(session, by, RELEASE_ROLLED_BACK, release.id, f"release {release.id}",
                       {"restored": release_id, "reason": reason})  # fmt: skip
        return release

    # Publishing ---------------------------------------------------------------------------------

    def _publish(self, draft_id: int, by: Actor, kind: str, reason: str | None) -> ServiceDraft:
        """Publish a claimed (``publishing``) draft on the newest release, or mark it a conflict."""
        with self._publishing():
            draft = self.get(draft_id)
            assert draft is not None and draft.state == PUBLISHING
            proposed = json.loads(draft.document)
            latest = self.catalogs.latest()
            base = self.catalogs.document(draft.base_release)
            current = json.loads(latest.document) if latest is not None else None
            base_found = find_service(base, draft.service_id) if base else None
            now_found = find_service(current, draft.service_id) if current else None
            problem: DraftError | None = None
            if now_found is None or base_found is None:
                problem = DraftError("conflict", "the service is no longer in the published catalog")
            elif _canonical(base_found[1]) != _canonical(now_found[1]):
                problem = DraftError(
                    "conflict", f"the service was changed by another release since release {draft.base_release}"
                )
            else:
                assert current is not None
                try:
                    document = with_service(current, proposed)
                    validate(document)
                except DraftError as exc:
                    problem = exc
            if problem is not None:
                with self.db.write() as session:
                    row = session.get_one(ServiceDraft, draft_id)
                    row.state, row.note = CONFLICT, "; ".join([str(problem), *problem.problems])[:REASON_MAX]
                    _audit(session, by, DRAFT_CONFLICT, draft_id, row.service_id, {"why": problem.code})
                raise problem
            release = self.catalogs.publish(document)
            with self.db.write() as session:
                row = session.get_one(ServiceDraft, draft_id)
                row.state, row.release_id = PUBLISHED, release.id
                session.add(
                    ReleaseRecord(
                        release_id=release.id, kind=kind, by_name=row.author_name, reviewer_name=row.reviewer_name,
                        reason=reason, draft_id=draft_id,
                    )
                )  # fmt: skip
                detail: dict[str, Any] = {"draft": draft_id, "service": row.service_id}
                if reason:
                    detail["reason"] = reason
                _audit(session, by, RELEASE_PUBLISHED, release.id, f"release {release.id}", detail)
                session.flush()
                session.expunge(row)
            return row

    @contextmanager
    def _publishing(self) -> Iterator[None]:
        """One publisher at a time: across processes on PostgreSQL, in this process on SQLite."""
        with self._turn:
            if self.db.dialect != "postgresql":
                yield
                return
            with self.db.engine.connect() as connection:
                connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PUBLISH_LOCK})
                connection.commit()
                try:
                    yield
                finally:
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PUBLISH_LOCK})
                    connection.commit()


def _canonical(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _pending(session: Session, draft_id: int) -> ServiceDraft:
    draft = session.scalar(select(ServiceDraft).where(ServiceDraft.id == draft_id).with_for_update())
    if draft is None:
        raise LookupError(f"no draft {draft_id}")
    if draft.state != PENDING:
        raise DraftError("not_pending", f"draft {draft_id} is {draft.state}, not waiting for review")
    return draft


def _audit(
    session: Session, by: Actor, action: str, target_id: int, target: str, detail: dict[str, Any] | None = None
) -> None:
    session.add(
        AuditEvent(
            at=utcnow(), actor_id=by.id, actor_name=by.name, action=action, target_id=target_id,
            target_name=target[:100], detail=detail or None,
        )
    )  # fmt: skip
