"""Server faults that tests/e2e/test_faults.py does not cover: a flapping server, and a kiosk token
revoked while requests are waiting.

The real outbox and sync engine deliver through ``FaultyProxy`` to the real central server on
127.0.0.1. Backoff jitter is drawn as 0 so retries come at once; time is compressed, not mocked.

- Flapping: the server is up and down by turns (every connection refused while it is down, a
  burst of 503s as it comes back); every request ends on the server exactly once.
- Revoked token: the server answers 401. Delivery pauses (the engine says why, for staff); the
  requests stay in the outbox as pending, none rejected, none lost; new citizens' requests are
  still taken and held. After the kiosk gets a new token, ``engine.resume()`` delivers every
  held request exactly once.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from harness.central_server import RunningCentral, start_central_server
from kiosk.central import security
from kiosk.central.models import Kiosk as KioskRow
from kiosk.link.client import CentralClient
from kiosk.link.sync import SyncEngine
from kiosk.outbox.store import OutboxRequest, OutboxStore
from tests.support.faulty_proxy import FaultyProxy

FIELDS = {"full_name": "زهرا حسین‌زاده", "national_id": "0012345679", "mobile": "09111234567", "agree": True}
TIMEOUT = (1.0, 0.5)


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningCentral]:
    with start_central_server(tmp_path_factory.mktemp("central")) as running:
        yield running


@pytest.fixture
def kiosk_number_and_token(central: RunningCentral) -> tuple[int, str]:
    central.reset()
    return central.add_kiosk("reliability booth")


def enqueue(store: OutboxStore, number: int, n: int) -> list[OutboxRequest]:
    body = {"profile": "festival", "catalog_version": "t", "fields": FIELDS}
    return [
        store.enqueue(number, "mazandaran-water.new-connection", "mazandaran-water", "demo", body) for _ in range(n)
    ]


def on_server(central: RunningCentral) -> Counter[str]:
    return Counter(r["tracking_code"] for r in central.requests())


def run_until(engine: SyncEngine, done: Callable[[], bool], limit: float = 60.0) -> None:
    async def scenario() -> None:
        engine.start()
        deadline = time.monotonic() + limit
        while not done():
            assert time.monotonic() < deadline, engine.status
            await asyncio.sleep(0.01)
        await engine.stop()

    asyncio.run(scenario())


def flapping_plan(up_seconds: float, down_seconds: float) -> Callable[[], str]:
    """Up for a while, then down (connections reset), then three 503s as it comes back, and again."""
    started = time.monotonic()
    period = up_seconds + down_seconds
    lock = threading.Lock()
    recovering = [0]

    def plan() -> str:
        with lock:
            phase = (time.monotonic() - started) % period
            if phase >= up_seconds:
                recovering[0] = 3
                return "reset"
            if recovering[0]:
                recovering[0] -= 1
                return "503"
            return "pass"

    return plan


def test_a_flapping_server_gets_every_request_exactly_once(
    central: RunningCentral, kiosk_number_and_token: tuple[int, str], tmp_path: Path
) -> None:
    number, token = kiosk_number_and_token
    store = OutboxStore(tmp_path / "outbox.db")
    filed = enqueue(store, number, 60)
    with FaultyProxy(central.url, flapping_plan(up_seconds=0.15, down_seconds=0.15)) as proxy:
        client = CentralClient(proxy.url, token, timeout=TIMEOUT)
        engine = SyncEngine(store, client, kiosk_number=number, rand=lambda: 0.0)
        # Requests keep arriving while it flaps, as citizens keep filing.
        later: list[OutboxRequest] = []

        def done() -> bool:
            if len(later) < 20:
                later.extend(enqueue(store, number, 1))
                engine.wake()
            return store.health().counts["delivered"] == len(filed) + 20

        run_until(engine, done)
        client.close()
        assert proxy.counts["reset"] > 0 and proxy.counts["503"] > 0 and proxy.counts["pass"] > 0, proxy.counts
    seen = on_server(central)
    assert set(seen) == {r.tracking_code for r in filed + later}, "lost requests"
    assert max(seen.values()) == 1, "duplicates"
    assert store.health().counts["rejected"] == 0
    store.close()


def new_token_for(central: RunningCentral, number: int) -> str:
    """What a technician's "new token for kiosk N" would do on the server: the same kiosk number
    (it is part of every tracking code the kiosk issued), a new secret, the revocation lifted.

    The central server has no such command yet (``kiosk add`` never reuses a number, ``revoke``
    is for good), so the test does it on the server's database directly."""
    token = security.new_kiosk_token(number)
    with central.store.db.write() as session:
        row = session.scalar(select(KioskRow).where(KioskRow.number == number))
        assert row is not None
        row.token_hash = security.hash_secret(token, security.TOKEN_COST)
        row.revoked_at = None
    central.app.state.api.reset()  # forget tokens the API had already checked
    return token


def test_a_revoked_token_pauses_delivery_holds_requests_and_resume_delivers_once(
    central: RunningCentral, kiosk_number_and_token: tuple[int, str], tmp_path: Path
) -> None:
    number, token = kiosk_number_and_token
    store = OutboxStore(tmp_path / "outbox.db")
    session = requests.Session()  # the kiosk's HTTP session, so the test can hand it the new token
    client = CentralClient(central.url, token, timeout=(2.0, 5.0), session=session)
    statuses: list[str | None] = []
    engine = SyncEngine(
        store, client, kiosk_number=number, rand=lambda: 0.0, on_status=lambda s: statuses.append(s.paused_reason)
    )
    first = enqueue(store, number, 10)
    held: list[OutboxRequest] = []

    async def scenario() -> None:
        engine.start()
        deadline = time.monotonic() + 30
        while store.health().counts["delivered"] < len(first):
            assert time.monotonic() < deadline, f"not delivered before the revocation: {store.health().counts}"
            await asyncio.sleep(0.01)
        central.revoke_kiosk(number)
        held.extend(enqueue(store, number, 15))
        engine.wake()
        deadline = time.monotonic() + 30
        while not engine.paused:
            assert time.monotonic() < deadline, engine.status
            await asyncio.sleep(0.01)
        # Paused: for staff to see, and the engine keeps its hands off the outbox.
        assert engine.status.paused_reason and "401" in engine.status.paused_reason
        held.extend(enqueue(store, number, 5))  # citizens still file while the kiosk is paused
        engine.wake()
        await asyncio.sleep(0.5)
        counts = store.health().counts
        assert counts["pending"] == len(held) and counts["rejected"] == 0 and counts["sending"] == 0, counts
        assert engine.paused, "a wake-up must not lift a pause on its own"

        session.headers["Authorization"] = f"Bearer {new_token_for(central, number)}"
        engine.resume()
        deadline = time.monotonic() + 30
        while store.health().counts["delivered"] < len(first) + len(held):
            assert time.monotonic() < deadline, (engine.status, store.health())
            await asyncio.sleep(0.01)
        await engine.stop()

    asyncio.run(scenario())
    client.close()
    assert not engine.paused and any(s for s in statuses), "the pause was never reported"
    seen = on_server(central)
    assert set(seen) == {r.tracking_code for r in first + held}, "lost requests"
    assert max(seen.values()) == 1, "duplicates"
    store.close()
