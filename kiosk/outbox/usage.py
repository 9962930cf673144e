"""Anonymous usage counters: what citizens looked at, started, filed and gave up, and how long
they stayed (the session, and each service card). Nothing a citizen typed is ever part of it.

Events are gathered in memory during a session and written in one commit when it ends, so a tap
never waits for the disk; the sync engine sends them to ``/api/v1/usage`` in batches.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from kiosk.core.profiles import DemoProfile
from kiosk.outbox.store import OutboxError, OutboxStore

log = logging.getLogger(__name__)

KINDS = ("service_viewed", "request_started", "request_submitted", "request_abandoned", "session_ended")
# The server refuses a duration over a day (and with it the whole batch).
LONGEST = 86400.0


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class UsageLog:
    def __init__(
        self, store: OutboxStore | None, profile: Callable[[], DemoProfile], clock: Callable[[], float] = time.time
    ) -> None:
        """``profile`` is asked at every event (the app asks the owner of what is in force): an
        event counts under the profile in force when it happened."""
        self._store = store
        self._profile = profile
        self._clock = clock
        self._events: list[dict[str, Any]] = []
        self._session_started: float | None = None
        self._open_request: tuple[str, str] | None = None  # a form started, not yet filed
        self._open_card: tuple[dict[str, Any], float] | None = None  # a service card's view, and when

    def attach(self, store: OutboxStore) -> None:
        """The outbox opened after all: counters are kept again from the next session on."""
        self._store = store

    def session_started(self) -> None:
        self._session_started = self._clock()

    def note(self, kind: str, service_id: str | None = None, agency_id: str | None = None) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown usage event {kind!r}")
        if kind == "request_started" and service_id and agency_id:
            self._open_request = (service_id, agency_id)
        elif kind == "request_submitted":
            self._open_request = None
        event = self._event(kind, service_id, agency_id)
        self._events.append(event)
        if kind == "service_viewed":
            self.card_left()
            self._open_card = (event, self._clock())

    def card_left(self, idle_seconds: float = 0.0) -> None:
        """The citizen left the service card they last opened (started its request, went back or
        home): its ``service_viewed`` event keeps how long they looked at it. ``idle_seconds``: the
        idle prompt is what took them away, so they last touched the card that long ago. Nothing
        happens when no card is open (each view is timed once, until it is first left)."""
        if self._open_card is None:
            return
        event, opened = self._open_card
        self._open_card = None
        seconds = self._clock() - opened - idle_seconds
        event["duration_seconds"] = round(min(LONGEST, max(0.0, seconds)), 1)

    def session_ended(self) -> None:
        """Close the session: a card still open is left now, an unfinished form counts as abandoned;
        then everything is stored."""
        self.card_left()
        if self._open_request is not None:
            self._events.append(self._event("request_abandoned", *self._open_request))
            self._open_request = None
        if self._session_started is not None:
            event = self._event("session_ended")
            event["duration_seconds"] = round(max(0.0, self._clock() - self._session_started), 1)
            self._events.append(event)
            self._session_started = None
        events, self._events = self._events, []
        if self._store is None or not events:
            return
        try:
            self._store.record_usage(events)
        except OutboxError as exc:  # counters are never worth an error on screen
            log.warning("usage counters not kept: %s", exc)
        except Exception as exc:  # sqlite errors arrive raw from executemany
            log.warning("usage counters not kept: %s", exc)

    def _event(self, kind: str, service_id: str | None = None, agency_id: str | None = None) -> dict[str, Any]:
        profile = self._profile()
        return {
            "kind": kind, "service_id": service_id, "agency_id": agency_id, "at": _iso(self._clock()),
            "profile": profile.name, "mode": profile.mode,
        }  # fmt: skip
