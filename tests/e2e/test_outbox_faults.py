"""A damaged outbox salvaged at start, against the real central server on 127.0.0.1: every
committed request is stored there exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable

from kiosk.app.root import open_outbox
from kiosk.core.paths import KioskPaths
from kiosk.link.sync import SyncEngine, SyncStatus
from kiosk.outbox.store import OutboxRequest, OutboxStore
from tests.support.damage import outbox_with, overwrite_page, page_holding, requests_on_page
from tests.support.e2e import RegisteredKiosk, until

HEARTBEAT = {"version": "t", "profile": "festival", "mode": "demo", "catalog_version": "t"}


def engine_for(registered: RegisteredKiosk, store: OutboxStore, statuses: list[SyncStatus]) -> SyncEngine:
    return SyncEngine(store, registered.client(), kiosk_number=registered.number, rand=lambda: 0.0,
                      heartbeat_payload=lambda: dict(HEARTBEAT), on_status=statuses.append)  # fmt: skip


def run(engine: SyncEngine, done: Callable[[], bool], first: Callable[[], Awaitable[None]] | None = None) -> None:
    """Run the engine (after ``first``, if given, while it runs) until ``done``."""

    async def scenario() -> None:
        engine.start()
        if first is not None:
            await first()
        await until(done, timeout=15)
        await engine.stop()

    asyncio.run(scenario())


def stored_once(registered: RegisteredKiosk, requests: list[OutboxRequest]) -> None:
    on_server = Counter(r["tracking_code"] for r in registered.central.requests())
    assert on_server == Counter(r.tracking_code for r in requests), "not every request exactly once"


def test_a_damaged_outbox_salvaged_at_start_reaches_the_server_once(
    registered: RegisteredKiosk, kiosk_paths: KioskPaths
) -> None:
    """Some requests delivered, some delivered with the answer lost, the rest waiting; then a page
    is overwritten. At start the readable ones are re-queued with their keys and codes: the
    waiting ones reach the server, those it has are not stored twice."""
    requests = outbox_with(kiosk_paths.outbox, 50, number=registered.number)
    client = registered.client()
    store = OutboxStore(kiosk_paths.outbox)
    for request, outcome in zip(store.claim_due(limit=15), client.submit_many(
        [(r.idempotency_key, r.body) for r in requests[:15]]), strict=True):  # fmt: skip
        store.mark_delivered(request.id, outcome.reference)
    client.submit_many([(r.idempotency_key, r.body) for r in requests[15:20]])  # the answers lost
    store.close()
    page = page_holding(kiosk_paths.outbox, requests[35])
    lost = requests_on_page(kiosk_paths.outbox, page, requests)
    overwrite_page(kiosk_paths.outbox, page)

    store, problem = open_outbox(kiosk_paths)
    assert store is not None, problem
    assert store.health().counts["delivered"] == 15
    run(engine_for(registered, store, []), lambda: not store.pending())
    stored_once(registered, [r for r in requests if r not in lost])
    assert store.health().counts["delivered"] == 50 - len(lost)
    store.close()
