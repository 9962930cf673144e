"""The request desk: turns a citizen's checked answers into a committed outbox request.

This is the one way a request enters the outbox. It commits (fsync) before returning, so a
tracking code handed back here is always for a request that survives a power cut; when the
commit fails it raises ``OutboxError`` and no code exists. It logs the tracking code and the
service, never the answers (they are personal data).

The answers are sealed here, before the outbox sees them, to the central server's public key
(``server.key`` in config.toml, else the key the server told in its answer to a heartbeat): from
then on this kiosk cannot read them back. A kiosk that delivers somewhere (live, or a server and
token set) takes no request while it knows no key, or, on a new outbox, not yet the highest
tracking code the server holds for its number (``waiting_for_server``: the window shows its
out-of-service screen until the server's answer to a heartbeat tells both); a demo kiosk with no
server keeps no answers at all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.core.catalog import Service
from kiosk.core.forms import Value
from kiosk.core.live_state import InForce
from kiosk.core.sealing import Sealer
from kiosk.outbox.store import OutboxError, OutboxRequest, OutboxStore, describe

log = logging.getLogger(__name__)

# Why no request is taken before the kiosk has heard from its server (logged; staff see it in their panel).
NO_KEY = (
    "the central server's key is not known, so no answer could be sealed: set server.key in config.toml"
    " (`kiosk-central sealing-key` prints it) or let the kiosk reach its server once"
)
NO_FLOOR = (
    "this outbox is new and the central server has not said yet which tracking codes it holds for this kiosk"
    " number (a code issued now could be one a replaced kiosk already gave out): the kiosk takes requests once"
    " it has reached its server"
)
WAITING_FOR_SERVER = (NO_KEY, NO_FLOOR)


@dataclass(frozen=True)
class DeskContext:
    """What every request from this kiosk carries besides the citizen's answers."""

    kiosk_number: int
    profile: str
    mode: str  # demo or live
    catalog_version: str
    server_key: bytes | None = None  # set by the technician (config.toml); else the one the server told
    delivers: bool = False  # live, or a server and a token set: the answers must reach the server

    @classmethod
    def of(cls, in_force: InForce) -> DeskContext:
        """The context of what is in force: the catalog the citizen saw, the profile, this kiosk."""
        profile, settings = in_force.profile, in_force.settings
        delivers = profile.mode == "live" or bool(in_force.server_url and settings.server_token)
        return cls(
            settings.kiosk_number, profile.name, profile.mode, in_force.catalog.version, settings.server_key, delivers
        )


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
        self._sealers: dict[bytes, Sealer] = {}

    def _sealer(self, key: bytes) -> Sealer:
        sealer = self._sealers.get(key)
        if sealer is None:
            self._sealers = {key: (sealer := Sealer(key))}  # one key in force at a time
        return sealer

    @property
    def context(self) -> DeskContext:
        return self._context()

    @property
    def available(self) -> bool:
        return self._store is not None

    def waiting_for_server(self) -> str:
        """Why no request is taken until the server is heard from ("": none): a kiosk that delivers
        needs the server's key, and on a new outbox the highest tracking code the server holds."""
        context = self.context
        if self._store is None or not context.delivers:
            return ""
        if self._key(context) is None:
            return NO_KEY
        try:
            if not self._store.knows_where_codes_start(context.kiosk_number):
                return NO_FLOOR
        except Exception as exc:  # the outbox cannot be read now: the submit will say why
            log.warning("the outbox could not be read: %s", describe(exc))
        return ""

    def _key(self, context: DeskContext) -> bytes | None:
        if context.server_key is not None:
            return context.server_key
        assert self._store is not None
        try:
            return self._store.server_key()
        except Exception as exc:  # the outbox cannot be read now: no key, and the submit will say why
            log.warning("the server's key could not be read from the outbox: %s", describe(exc))
            return None

    def attach(self, store: OutboxStore) -> None:
        """The outbox opened after all (it could not be at start): requests are taken again."""
        self._store = store
        self.unavailable_reason = ""

    def submit(self, service: Service, values: dict[str, Value]) -> OutboxRequest:
        """Commit a request; raises OutboxError when it could not be stored (no code is shown then)."""
        if self._store is None:
            raise OutboxError(f"requests cannot be stored on this kiosk: {self.unavailable_reason}")
        context = self.context
        body: dict[str, object] = {"profile": context.profile, "catalog_version": context.catalog_version}
        waiting = self.waiting_for_server()
        if waiting:
            raise OutboxError(f"requests cannot be stored on this kiosk yet: {waiting}")
        key = self._key(context)
        if key is not None:
            body["sealed_fields"] = self._sealer(key).seal(dict(values))
        # else: a demo kiosk with nowhere to deliver keeps the request without its answers
        try:
            request = self._store.enqueue(context.kiosk_number, service.id, service.agency_id, context.mode, body)
        except OutboxError:
            log.exception("a request for %s could not be stored", service.id)
            raise
        log.info("request %s committed for %s (%s)", request.tracking_code, service.id, context.mode)
        if self._on_committed is not None:
            self._on_committed(request)
        return request
