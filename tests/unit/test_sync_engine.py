"""The sync engine's decisions, on a plain asyncio loop with a scripted server (no Qt, no network).

The real central server is exercised by the end-to-end tests; here each answer is chosen so every
branch (delivered, retry with Retry-After, rejected, paused on 401) is seen.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.link.client import DELIVERED, PAUSED, REJECTED, RETRY, HeartbeatAnswer, Outcome, submit_each
from kiosk.link.sync import SyncEngine, SyncStatus, drain
from kiosk.outbox.store import OutboxStore


class ScriptedServer:
    """Answers each submit with the next scripted outcome (then 'delivered'), recording keys."""

    def __init__(self, *script: Outcome) -> None:
        self.script = list(script)
        self.received: list[str] = []
        self.stored: dict[str, dict[str, Any]] = {}
        self.heartbeats: list[dict[str, Any]] = []
        self.highest_sequence: int | None = None  # what it answers to a heartbeat

    def submit(self, key: str, body: dict[str, Any]) -> Outcome:
        self.received.append(key)
        outcome = self.script.pop(0) if self.script else Outcome(DELIVERED, reference=f"ref-{len(self.stored)}")
        if outcome.kind == DELIVERED:
            self.stored.setdefault(key, body)
        return outcome

    def submit_many(self, requests: list[tuple[str, dict[str, Any]]]) -> list[Outcome]:
        return submit_each(self.submit, requests)  # as CentralClient does with a server without batches

    def heartbeat(self, number: int, payload: dict[str, Any]) -> HeartbeatAnswer:
        self.heartbeats.append(dict(payload, number=number))
        return HeartbeatAnswer(self.highest_sequence)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[OutboxStore]:
    outbox = OutboxStore(tmp_path / "outbox.db")
    yield outbox
    outbox.close()


def fill(store: OutboxStore, n: int) -> None:
    for i in range(n):
        store.enqueue(3, "water.bill", "water", "demo", {"profile": "test", "fields": {"n": str(i)}})


def engine_for(store: OutboxStore, server: ScriptedServer, statuses: list[SyncStatus] | None = None) -> SyncEngine:
    return SyncEngine(
        store,
        server,  # type: ignore[arg-type]
        kiosk_number=3,
        heartbeat_payload=lambda: {"version": "t", "profile": "test"},
        on_status=statuses.append if statuses is not None else None,
        rand=lambda: 0.0,
    )


async def until(condition: Any, timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.01)


def test_delivers_everything_once_and_sends_a_heartbeat(store: OutboxStore) -> None:
    fill(store, 45)
    server = ScriptedServer()
    statuses: list[SyncStatus] = []

    async def scenario() -> None:
        engine = engine_for(store, server, statuses)
        engine.start()
        # The status too: the outbox commit lands (in the worker) a moment before the loop hears of it.
        await until(lambda: store.health().counts["delivered"] == 45 and engine.status.delivered_this_run == 45)
        await engine.stop()

    asyncio.run(scenario())
    assert len(server.stored) == 45 and len(server.received) == 45
    assert server.heartbeats and server.heartbeats[0]["queue_depth"] == 45 and server.heartbeats[0]["number"] == 3
    assert statuses[-1].running is False and statuses[-2].delivered_this_run == 45
    body = next(iter(server.stored.values()))
    assert set(body) >= {"tracking_code", "service_id", "agency_id", "mode", "created_at", "profile", "fields"}


def test_the_server_s_highest_sequence_from_the_heartbeat_is_the_outbox_s_floor(store: OutboxStore) -> None:
    server = ScriptedServer()
    server.highest_sequence = 50_000_000  # codes this kiosk number issued before its outbox was replaced

    async def scenario() -> None:
        engine = engine_for(store, server)
        engine.start()
        await until(lambda: store.sequence_floor(3) == 50_000_000)
        await engine.stop()

    asyncio.run(scenario())
    fill(store, 1)
    assert int(store.pending()[0].tracking_code[3:11]) == 50_000_001


def test_retry_after_holds_the_queue_then_delivers(store: OutboxStore) -> None:
    fill(store, 3)
    server = ScriptedServer(Outcome(RETRY, "HTTP 429: slow down", retry_after=0.3))

    async def scenario() -> float:
        engine = engine_for(store, server)
        loop = asyncio.get_running_loop()
        started = loop.time()
        engine.start()
        await until(lambda: store.health().counts["delivered"] == 3)
        await engine.stop()
        return loop.time() - started

    elapsed = asyncio.run(scenario())
    assert elapsed >= 0.3
    assert len(server.stored) == 3
    assert len(server.received) == 4  # one refused try, then each once


def test_rejected_is_kept_with_the_reason_and_others_go_on(store: OutboxStore) -> None:
    fill(store, 2)
    server = ScriptedServer(Outcome(REJECTED, "HTTP 422: unknown service"))

    async def scenario() -> None:
        engine = engine_for(store, server)
        engine.start()
        await until(lambda: store.health().counts["delivered"] == 1)
        await engine.stop()

    asyncio.run(scenario())
    health = store.health()
    assert health.counts["rejected"] == 1
    assert health.last_error == "HTTP 422: unknown service"


def test_401_pauses_until_resumed(store: OutboxStore) -> None:
    fill(store, 2)
    server = ScriptedServer(Outcome(PAUSED, "HTTP 401: revoked"))

    async def scenario() -> None:
        engine = engine_for(store, server)
        engine.start()
        await until(lambda: engine.paused)
        await asyncio.sleep(0.2)
        assert store.health().counts["pending"] == 2 and len(server.received) == 1
        engine.resume()
        await until(lambda: store.health().counts["delivered"] == 2)
        await engine.stop()

    asyncio.run(scenario())


def drained(store: OutboxStore, server: ScriptedServer) -> tuple[bool, list[tuple[int, int, int]]]:
    """Drain with a fresh engine: whether nothing was left pending, and each progress report."""
    seen: list[tuple[int, int, int]] = []

    async def scenario() -> bool:
        engine = engine_for(store, server)
        emptied = await drain(engine, store, timeout=10, progress=lambda *counts: seen.append(counts))
        await engine.stop()
        return emptied

    return asyncio.run(scenario()), seen


def test_drain_ignores_backoff_and_reports_progress(store: OutboxStore) -> None:
    fill(store, 30)
    server = ScriptedServer(Outcome(RETRY, "cannot reach the server (ConnectionError)"))
    emptied, seen = drained(store, server)
    assert emptied is True
    assert seen[-1] == (30, 0, 0)
    assert len(server.stored) == 30


def test_drain_counts_a_rejected_request_as_rejected_not_delivered(store: OutboxStore) -> None:
    fill(store, 3)
    server = ScriptedServer(Outcome(REJECTED, "HTTP 422: withdrawn"), Outcome(REJECTED, "HTTP 422: withdrawn"))
    emptied, seen = drained(store, server)
    assert emptied is True, "nothing is left pending"
    assert seen[-1] == (1, 2, 0)


class SlowServer(ScriptedServer):
    """Takes a while to answer, as a server far away does: stopping comes in the middle."""

    def __init__(self) -> None:
        super().__init__()
        self.answering = threading.Event()

    def submit_many(self, requests: list[tuple[str, dict[str, Any]]]) -> list[Outcome]:
        self.answering.set()
        time.sleep(0.3)
        return super().submit_many(requests)


def test_stopping_mid_batch_finishes_it_and_leaves_no_request_claimed(store: OutboxStore) -> None:
    """What SIGTERM does to the kiosk: stop() while a batch is on the wire. Its outcomes are
    written (and nothing is left 'sending' for the next start to take back)."""
    fill(store, 3)
    server = SlowServer()

    async def scenario() -> None:
        engine = engine_for(store, server)
        engine.start()
        await until(server.answering.is_set)
        await engine.stop()

    asyncio.run(scenario())
    counts = store.health().counts
    assert (counts["sending"], counts["delivered"]) == (0, 3), counts


def test_a_new_request_wakes_an_idle_engine_at_once(store: OutboxStore) -> None:
    server = ScriptedServer()

    async def scenario() -> float:
        engine = engine_for(store, server)
        engine.start()
        await asyncio.sleep(0.2)  # idle: nothing to send, next look in 30 s
        loop = asyncio.get_running_loop()
        started = loop.time()
        fill(store, 1)
        engine.wake()
        await until(lambda: store.health().counts["delivered"] == 1, timeout=2.0)
        took = loop.time() - started
        await engine.stop()
        return took

    assert asyncio.run(scenario()) < 1.0


def test_a_stop_right_after_a_wake_ends_the_engine(store: OutboxStore) -> None:
    """SIGTERM (a stop) that arrives as a new request wakes the idle engine: on Python 3.11,
    ``asyncio.wait_for`` swallowed that cancel and the engine went on running (the kiosk did not end)."""
    server = ScriptedServer()

    async def scenario() -> None:
        engine = engine_for(store, server)
        task = engine.start()
        await asyncio.sleep(0.2)  # idle: waiting for a wake or the next look
        engine.wake()  # the event is set ...
        stopping = asyncio.ensure_future(engine.stop())  # ... and the cancel lands before the engine runs
        done, _ = await asyncio.wait([stopping], timeout=3.0)
        assert done, "the engine went on running after it was told to stop"
        assert task.done()

    asyncio.run(scenario())
