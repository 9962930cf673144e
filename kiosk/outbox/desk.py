"""The request desk: turns a citizen's checked answers into a committed outbox request.

This is the one way a request enters the outbox. It commits (fsync) before returning, so a
tracking code handed back here is always for a request that survives a power cut; when the
commit fails it raises ``OutboxError`` and no code exists. It logs the tracking code and the
service, never the answers (they are personal data).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.core.catalog import Service
from kiosk.core.forms import Value
from kiosk.core.live_state import InForce
from kiosk.outbox.store import OutboxError, OutboxRequest, OutboxStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeskContext:
    """What every request from this kiosk carries besides the citizen's answers."""

    kiosk_number: int
    profile: str
    mode: str  # demo or live
    catalog_version: str

    @classmethod
    def of(cls, in_force: InForce) -> DeskContext:
        """The context of what is in force: the catalog the citizen saw, the profile, this kiosk."""
        profile = in_force.profile
        return cls(in_force.settings.kiosk_number, profile.name, profile.mode, in_force.catalog.version)


class RequestDesk:
    def __init__(
        self,
        store: OutboxStore | None,
        context: Callable[[], DeskContext],
        on_committed: Callable[[OutboxRequest], None] | None = None,
        unavailable_reason: str = "",
    ) -> None:
        """``context`` is asked at every request (the app asks the owner of what is in force):
        a request carries the profile, catalog and kiosk number in force when it is filed."""
        self._store = store
        self._context = context
        self._on_committed = on_committed
        self.unavailable_reason = unavailable_reason or ("" if store is not None else "no outbox")

    @property
    def context(self) -> DeskContext:
        return self._context()

    @property
    def available(self) -> bool:
        return self._store is not None

    def attach(self, store: OutboxStore) -> None:
        """The outbox opened after all (it could not be at start): requests are taken again."""
        self._store = store
        self.unavailable_reason = ""

    def submit(self, service: Service, values: dict[str, Value]) -> OutboxRequest:
        """Commit a request; raises OutboxError when it could not be stored (no code is shown then)."""
        if self._store is None:
            raise OutboxError(f"requests cannot be stored on this kiosk: {self.unavailable_reason}")
        context = self.context
        body = {"profile": context.profile, "catalog_version": context.catalog_version, "fields": dict(values)}
        try:
            request = self._store.enqueue(context.kiosk_number, service.id, service.agency_id, context.mode, body)
        except OutboxError:
            log.exception("a request for %s could not be stored", service.id)
            raise
        log.info("request %s committed for %s (%s)", request.tracking_code, service.id, context.mode)
        if self._on_committed is not None:
            self._on_committed(request)
        return request
