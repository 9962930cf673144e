"""A server that fails in every way a network can loses nothing and stores nothing twice.

The kiosk's real outbox and sync engine deliver through ``FaultyProxy`` to the real central
server. Backoff is shortened (the jitter draw is 0) so the tests take seconds, not minutes; the
Retry-After path and the backoff arithmetic are tested on their own in tests/unit.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest

from kiosk.link.sync import SyncEngine
from kiosk.outbox.store import OutboxStore
from tests.support.e2e import RegisteredKiosk, enqueue
from tests.support.faulty_proxy import FaultyProxy, random_plan, scripted_plan

READ_TIMEOUT = 0.4


def deliver_all(
    registered: RegisteredKiosk,
    store: OutboxStore,
    proxy: FaultyProxy,
    expected: int,
    read_timeout: float = READ_TIMEOUT,
) -> float:
    """Run the engine until every request is delivered; returns the longest stall of the loop."""
    client = registered.client(timeout=(1.0, read_timeout), url=proxy.url)
    engine = SyncEngine(store, client, kiosk_number=registered.number, rand=lambda: 0.0)

    async def scenario() -> float:
        loop = asyncio.get_running_loop()
        longest = 0.0

        async def ticker() -> None:  # what a UI's loop would feel: the gaps between its 5 ms turns
            nonlocal longest
            last = loop.time()
            while True:
                await asyncio.sleep(0.005)
                now = loop.time()
                longest, last = max(longest, now - last), now

        engine.start()
        ticking = asyncio.create_task(ticker())
        deadline = loop.time() + 120
        try:
            # The test's own look at the outbox runs off the loop: read on the loop, its wait for the
            # engine's writes counted as a stall of the loop (0.274 s once on a busy machine).
            while (await loop.run_in_executor(None, store.health)).counts["delivered"] < expected:
                assert loop.time() < deadline, (store.health(), proxy.counts)
                await asyncio.sleep(0.02)
        finally:
            ticking.cancel()
        await engine.stop()
        return longest

    try:
        return asyncio.run(scenario())
    finally:
        client.close()


def assert_exactly_once(registered: RegisteredKiosk, requests: list) -> None:
    on_server = Counter(r["tracking_code"] for r in registered.central.requests())
    assert set(on_server) == {r.tracking_code for r in requests}, "lost requests"
    assert max(on_server.values()) == 1, f"duplicates: {[c for c, n in on_server.items() if n > 1]}"


@pytest.mark.parametrize("fault", ["500", "503", "429", "malformed", "reset", "drop", "stall"])
def test_each_fault_then_recovery(registered: RegisteredKiosk, tmp_path: Path, fault: str) -> None:
    store = OutboxStore(tmp_path / "outbox.db")
    requests = enqueue(store, registered.number, 6)
    with FaultyProxy(
        registered.central.url, scripted_plan(fault, fault, fault), stall_seconds=READ_TIMEOUT * 3
    ) as proxy:
        deliver_all(registered, store, proxy, len(requests))
        assert proxy.counts[fault] == 3
    assert_exactly_once(registered, requests)
    store.close()


def test_server_down_for_a_long_stretch(registered: RegisteredKiosk, tmp_path: Path) -> None:
    store = OutboxStore(tmp_path / "outbox.db")
    requests = enqueue(store, registered.number, 10)
    with FaultyProxy(registered.central.url, scripted_plan(*["reset"] * 40)) as proxy:
        deliver_all(registered, store, proxy, len(requests))
        assert proxy.counts["reset"] == 40
    assert_exactly_once(registered, requests)
    assert store.health().last_error is None or "reach" in store.health().last_error
    store.close()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("batches", "backlog", "least"), [(True, 2000, 4), (False, 300, 8)], ids=["batch-calls", "one-at-a-time"]
)
def test_a_flaky_network_and_a_backlog(
    registered: RegisteredKiosk, tmp_path: Path, batches: bool, backlog: int, least: int
) -> None:
    """30 % 500/503, 10 % answers lost after the server stored them, 5 % stalls past the timeout;
    delivered in batches, and one at a time as to a server without the batch call."""
    store = OutboxStore(tmp_path / "outbox.db")
    requests = enqueue(store, registered.number, backlog)
    plan = random_plan(20261123, {"500": 0.15, "503": 0.15, "drop": 0.10, "stall": 0.05})
    with FaultyProxy(registered.central.url, plan, stall_seconds=0.3, batches=batches) as proxy:
        longest_stall = deliver_all(registered, store, proxy, len(requests), read_timeout=0.2)
        # 2,000 requests are some 80 batch calls; 300 one at a time, 300 calls: each fault hit several times.
        assert min(proxy.counts[f] for f in ("500", "503", "drop", "stall")) > least, proxy.counts
    assert_exactly_once(registered, requests)
    # The loop (the UI's, in the kiosk) never waited on the network.
    assert longest_stall < 0.25, f"the event loop stalled {longest_stall:.3f} s"
    store.close()
