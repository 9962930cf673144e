""" "Track my request": what the server says about a tracking code, or what this kiosk knows.

The code is checked (its check digit) before anyone is asked. The server's answer carries no
personal data; offline, the kiosk's own outbox can still say whether a request it issued is
queued, delivered or held. ``look_up`` blocks (HTTP): the window runs it on a worker thread
(``kiosk.ui.background``), never on the UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.core.tracking import normalize_tracking_code
from kiosk.outbox.store import OutboxStore

if TYPE_CHECKING:  # requests loads only when a server is asked, after the first frame
    from kiosk.link.client import CentralClient

INVALID = "invalid"  # the check digit does not match: a typing mistake
FOUND = "found"  # the server knows it: status, when it last changed, the agency's reason
NOT_FOUND = "not_found"  # nobody filed this code (or not yet delivered from another kiosk)
OFFLINE = "offline"  # the server cannot be asked now; ``local_state`` may still say something


@dataclass(frozen=True)
class LookupAnswer:
    kind: str
    tracking_code: str = ""
    service_id: str | None = None
    status: str | None = None  # received, in_review, done, rejected
    changed_at: str | None = None  # ISO 8601 UTC
    reason: str | None = None
    local_state: str | None = None  # this kiosk's outbox: pending, sending, delivered, rejected


class RequestLookup:
    def __init__(self, client: CentralClient | None, store: OutboxStore | None) -> None:
        self._client = client
        self._store = store

    def look_up(self, typed: str) -> LookupAnswer:
        """What is known of the code ``typed``: INVALID at once for a mistyped code; else what the
        server says, or OFFLINE with what this kiosk's outbox knows."""
        try:
            code = normalize_tracking_code(typed)
        except ValueError:
            return LookupAnswer(INVALID)
        from kiosk.link.client import ServerUnreachable

        local = self._store.find_by_tracking_code(code) if self._store is not None else None
        local_state = local.state if local is not None else None
        service = local.service_id if local is not None else None
        if self._client is None:
            return LookupAnswer(OFFLINE, code, service, local_state=local_state)
        try:
            status = self._client.track(code)
        except ServerUnreachable:
            return LookupAnswer(OFFLINE, code, service, local_state=local_state)
        if status is None:
            # Filed here but still on its way: the outbox knows better than the server.
            return LookupAnswer(NOT_FOUND, code, service, local_state=local_state)
        return LookupAnswer(
            FOUND, code, status.service_id, status.status, status.status_changed_at, status.reason, local_state
        )
