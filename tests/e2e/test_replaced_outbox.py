"""Tracking codes stay unique for ever per kiosk number, even when the outbox is lost or replaced
(damage, a new PC with the same kiosk number): the real central server on 127.0.0.1 tells the
kiosk's delivery engine, in its answer to the heartbeat, which codes of that number it holds."""

from __future__ import annotations

import asyncio
from pathlib import Path

from kiosk.link.sync import SyncEngine
from kiosk.outbox.store import OutboxStore
from tests.support.e2e import RegisteredKiosk, enqueue, until

HEARTBEAT = {"version": "t", "profile": "festival", "mode": "demo", "catalog_version": "t"}


def deliver(store: OutboxStore, registered: RegisteredKiosk, filed: int, more: int = 0, service: str = "") -> None:
    """Start delivery on ``store`` (its first heartbeat goes first), wait until the ``filed``
    requests have each had their answer; then file ``more`` for ``service`` once a second heartbeat
    has reached the server (so the answer to the first has been kept), and wait for theirs too."""
    client = registered.client()
    engine = SyncEngine(store, client, kiosk_number=registered.number, heartbeat_seconds=0.2,
                        heartbeat_payload=lambda: dict(HEARTBEAT))  # fmt: skip

    def answered() -> int:
        counts = store.health().counts
        return counts["delivered"] + counts["rejected"]

    async def scenario() -> None:
        beats = len(registered.central.heartbeats())
        engine.start()
        await until(lambda: answered() == filed, timeout=30)
        if more:
            await until(lambda: len(registered.central.heartbeats()) >= beats + 2)
            enqueue(store, registered.number, more, service)
            engine.wake()
            await until(lambda: answered() == filed + more, timeout=30)
        await engine.stop()

    try:
        asyncio.run(scenario())
    finally:
        client.close()


def test_a_new_outbox_never_issues_a_code_the_server_already_holds(
    registered: RegisteredKiosk, outbox_path: Path
) -> None:
    store = OutboxStore(outbox_path)
    # Filed faster than one a tick (10 s): "last + 1" runs far ahead of the clock.
    earlier = {r.tracking_code for r in enqueue(store, registered.number, 60)}
    deliver(store, registered, 60)
    store.close()
    assert len(registered.central.requests()) == 60
    for suffix in ("", "-wal", "-shm"):  # the outbox is lost: a new PC with the same kiosk number
        Path(f"{outbox_path}{suffix}").unlink(missing_ok=True)

    fresh = OutboxStore(outbox_path)
    deliver(fresh, registered, 0, more=5, service="mazandaran-gas.new-subscription")
    new = [fresh.get(request_id) for request_id in range(1, 6)]
    fresh.close()
    codes = {r.tracking_code for r in new}
    assert len(codes) == 5 and not codes & earlier, "a new code was one the server already held"
    assert [r.state for r in new if r.state != "delivered"] == [], [r.last_error for r in new]
    stored = {row["tracking_code"]: row["service_id"] for row in registered.central.requests()}
    assert len(stored) == 65
    # Tracking a new code shows the new citizen's request, not an earlier one.
    assert {stored[code] for code in codes} == {"mazandaran-gas.new-subscription"}
