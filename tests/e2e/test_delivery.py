"""The kiosk's client and sync engine against the real central server on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

from kiosk.core.tracking import make_tracking_code
from kiosk.link.client import DELIVERED, NO_BATCH_RECHECK_SECONDS, PAUSED, REJECTED, RETRY, CentralClient
from kiosk.link.sync import SyncEngine
from kiosk.outbox.store import OutboxStore
from tests.support.e2e import QUEUED_FIELDS, RegisteredKiosk, enqueue
from tests.support.faulty_proxy import FaultyProxy, scripted_plan


def test_submit_is_stored_once_and_a_replay_is_recognised(registered: RegisteredKiosk, outbox_path: Path) -> None:
    store = OutboxStore(outbox_path)
    (request,) = enqueue(store, registered.number, 1)
    client = registered.client()
    first = client.submit(request.idempotency_key, request.body)
    again = client.submit(request.idempotency_key, request.body)
    assert first.kind == DELIVERED and again.kind == DELIVERED
    assert first.reference and first.reference == again.reference
    rows = registered.central.requests()
    assert len(rows) == 1
    assert rows[0]["tracking_code"] == request.tracking_code and rows[0]["fields"] == QUEUED_FIELDS
    assert rows[0]["mode"] == "demo" and rows[0]["kiosk_number"] == 7
    store.close()


def test_a_backlog_goes_in_batch_calls_each_request_answered_as_its_own(
    registered: RegisteredKiosk, outbox_path: Path
) -> None:
    store = OutboxStore(outbox_path)
    backlog = enqueue(store, registered.number, 60)
    client = registered.client()
    assert client.submit(backlog[1].idempotency_key, backlog[1].body).kind == DELIVERED  # already there
    refused = dict(backlog[2].body, tracking_code=make_tracking_code(registered.number + 1, 9))
    pending = [(r.idempotency_key, refused if r is backlog[2] else r.body) for r in backlog]
    with FaultyProxy(registered.central.url, scripted_plan()) as proxy:
        first = registered.client(url=proxy.url).submit_many(pending)
        assert proxy.counts["pass"] == 1  # one call for the first 50
    assert len(first) == 50
    assert [o.kind for o in first[:4]] == [DELIVERED, DELIVERED, REJECTED, DELIVERED]
    assert "kiosk's number" in first[2].reason
    rest = client.submit_many(pending[50:])
    assert [o.kind for o in rest] == [DELIVERED] * 10
    on_server = {row["tracking_code"]: row["reference"] for row in registered.central.requests()}
    assert len(on_server) == 59 and backlog[2].tracking_code not in on_server
    assert [o.reference for o in first[:2]] == [on_server[r.tracking_code] for r in backlog[:2]]
    # Every answer lost: the whole backlog again is all replays, nothing stored twice.
    again = client.submit_many(pending[:50])
    assert [o.reference for o in again] == [o.reference for o in first]
    assert len(registered.central.requests()) == 59
    store.close()


def test_a_server_without_batch_calls_gets_one_request_at_a_time(
    registered: RegisteredKiosk, outbox_path: Path
) -> None:
    store = OutboxStore(outbox_path)
    backlog = enqueue(store, registered.number, 5)
    pending = [(r.idempotency_key, r.body) for r in backlog]
    now = [1000.0]
    with FaultyProxy(registered.central.url, scripted_plan("pass", "pass", "503"), batches=False) as proxy:
        client = CentralClient(proxy.url, registered.token, clock=lambda: now[0])
        # Two delivered, then the server's 503 stops the round: the rest are not tried.
        assert [o.kind for o in client.submit_many(pending)] == [DELIVERED, DELIVERED, RETRY]
        assert [o.kind for o in client.submit_many(pending[3:])] == [DELIVERED, DELIVERED]
        assert proxy.counts["no-batch"] == 1  # asked about batches once, not before every round
        assert [o.kind for o in client.submit_many(pending)] == [DELIVERED] * 5  # replays, one at a time
        # An hour on, the server (upgraded meanwhile) is asked again, and batches are back.
        now[0] += NO_BATCH_RECHECK_SECONDS - 1
        proxy.batches = True
        passed = proxy.counts["pass"]
        assert [o.kind for o in client.submit_many(pending)] == [DELIVERED] * 5
        assert proxy.counts["pass"] - passed == 5, "still one at a time within the hour"
        now[0] += 1
        passed = proxy.counts["pass"]
        assert [o.kind for o in client.submit_many(pending)] == [DELIVERED] * 5
        assert proxy.counts["pass"] - passed == 1, "one batch call"
    assert len(registered.central.requests()) == 5
    store.close()


def test_track_shows_the_agency_s_answer_and_nothing_personal(registered: RegisteredKiosk, outbox_path: Path) -> None:
    store = OutboxStore(outbox_path)
    (request,) = enqueue(store, registered.number, 1)
    client = registered.client()
    assert client.submit(request.idempotency_key, request.body).kind == DELIVERED
    registered.central.set_status(request.tracking_code, "rejected", "مدارک ناقص است")
    status = client.track(request.tracking_code)
    assert status is not None and status.status == "rejected" and status.reason is None, "no reason for a code alone"
    assert status.reason_withheld and status.second_factor == "mobile_last4"
    status = client.track(request.tracking_code, "4567")  # the last four digits of the request's mobile
    assert status is not None and status.reason == "مدارک ناقص است"
    assert "0012345679" not in repr(status)
    assert client.track(make_tracking_code(7, 5)) is None  # a well-formed code nobody filed
    store.close()


def test_a_refusal_for_good_and_a_revoked_token(registered: RegisteredKiosk, outbox_path: Path) -> None:
    store = OutboxStore(outbox_path)
    (request,) = enqueue(store, registered.number, 1)
    client = registered.client()
    wrong_kiosk = dict(request.body, tracking_code="0010000000001")
    refused = client.submit("11111111-1111-4111-8111-111111111111", wrong_kiosk)
    assert refused.kind == REJECTED and refused.reason.startswith("HTTP 422")
    registered.central.revoke_kiosk(registered.number)
    assert client.submit(request.idempotency_key, request.body).kind == PAUSED
    store.close()


def test_the_engine_delivers_a_backlog_exactly_once_with_heartbeats(
    registered: RegisteredKiosk, outbox_path: Path
) -> None:
    store = OutboxStore(outbox_path)
    requests = enqueue(store, registered.number, 120)
    client = registered.client()
    engine = SyncEngine(
        store,
        client,
        kiosk_number=registered.number,
        heartbeat_payload=lambda: {"version": "t", "profile": "festival", "mode": "demo", "catalog_version": "t"},
    )

    async def scenario() -> None:
        engine.start()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        while store.health().counts["delivered"] < len(requests):
            assert loop.time() < deadline, store.health()
            await asyncio.sleep(0.02)
        await engine.stop()

    asyncio.run(scenario())
    rows = registered.central.requests()
    assert Counter(r["tracking_code"] for r in rows) == Counter(r.tracking_code for r in requests)
    assert {r.server_reference for r in (store.get(q.id) for q in requests)} == {r["reference"] for r in rows}
    beats = registered.central.heartbeats()
    assert beats and beats[0]["kiosk_number"] == 7 and beats[0]["queue_depth"] == 120
    client.close()
    store.close()


def test_usage_counters_reach_the_server_with_the_heartbeat(registered: RegisteredKiosk, outbox_path: Path) -> None:
    from dataclasses import replace

    from sqlalchemy import select

    from kiosk.central.models import UsageEvent
    from kiosk.core.content import SAFE_PROFILE
    from kiosk.outbox.usage import UsageLog

    store = OutboxStore(outbox_path)
    usage = UsageLog(store, lambda: replace(SAFE_PROFILE, name="festival", mode="demo"))
    for _ in range(3):
        usage.session_started()
        usage.note("service_viewed", "mazandaran-water.bill-payment", "mazandaran-water")
        usage.session_ended()
    engine = SyncEngine(store, registered.client(), kiosk_number=registered.number,
                        heartbeat_payload=lambda: {"version": "t", "profile": "festival", "mode": "demo",
                                                   "catalog_version": "t"})  # fmt: skip

    async def scenario() -> None:
        engine.start()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        while store.unsent_usage():
            assert loop.time() < deadline
            await asyncio.sleep(0.02)
        await engine.stop()

    asyncio.run(scenario())
    with registered.central.store.db.read() as session:
        kinds = sorted(e.kind for e in session.scalars(select(UsageEvent)))
    assert kinds == ["service_viewed"] * 3 + ["session_ended"] * 3
    store.close()
