"""The sync engine: an asyncio task that delivers the outbox to the central server.

It runs on whatever asyncio loop it is started on (the qasync loop in the kiosk, a plain loop in
``kiosk outbox drain`` and in tests). Blocking work, the HTTP calls and the outbox writes that go
with them, runs one call at a time on the kiosk's worker threads (``kiosk.core.background``),
never on the loop's thread. Delivery is at-least-once with
an idempotency key per request, so the server stores each exactly once.

The heartbeat goes first, when delivery starts and every minute; the server's answer carries the
highest tracking-code sequence it holds for this kiosk number, kept in the outbox as the floor no
new code goes down to (``OutboxStore.raise_sequence_floor``): a lost or replaced outbox never
issues a code again that the server already has. It also carries the server's public key: the
outbox keeps it (``learn_server_key``) and requests filed from then on are sealed to it.

What happens to an attempt (``client.classify``): delivered; retried later with backoff and full
jitter or the server's Retry-After; rejected for good (kept, shown to staff); or, on 401/403,
delivery pauses until staff fix the token (``resume``).

The loop is supervised: an error anywhere in a round (the outbox full, locked by another process
past its busy timeout, a bad page; a bug) is logged without personal data, kept in ``status.error``
for staff, sent in the heartbeat's ``last_error`` when a heartbeat can be sent (at once for the
first), and the round is tried again after the backoff requests get (``kiosk.outbox.retry``), kept
between ``ERROR_MIN_WAIT_SECONDS`` and ``IDLE_POLL_SECONDS``. Requests the failed round had
claimed are given back first, so the queue resumes by itself when the cause goes away; the server
stores a request whose answer was lost with the round once (its idempotency key).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from kiosk.core.background import Workers, stop_task
from kiosk.link.client import BATCH_MAX_REQUESTS, DELIVERED, PAUSED, REJECTED, RETRY, CentralClient, Outcome
from kiosk.outbox.retry import backoff_delay, next_attempt_delay
from kiosk.outbox.store import STATES, OutboxHealth, OutboxRequest, OutboxStore, describe

log = logging.getLogger(__name__)
T = TypeVar("T")

BATCH_SIZE = BATCH_MAX_REQUESTS  # the most one POST /requests/batch takes
USAGE_BATCH = 500  # the most /api/v1/usage takes at once
HEARTBEAT_SECONDS = 60.0
# Even with nothing due, look again this often (a clock jump, a request added by another tool).
IDLE_POLL_SECONDS = 30.0
# After an error, the next round waits at least this long: the backoff's full jitter may draw
# nearly nothing, and a fault that lasts must not spin the loop or flood the log.
ERROR_MIN_WAIT_SECONDS = 1.0


@dataclass(frozen=True)
class SyncStatus:
    """What staff see about delivery. ``server_reachable`` is None until the first attempt."""

    running: bool = False
    paused_reason: str | None = None
    server_reachable: bool | None = None
    last_result: str = ""
    last_attempt_at: float | None = None
    delivered_this_run: int = 0
    error: str | None = None  # the error delivery stopped on, while it tries again (None: working)


class SyncEngine:
    def __init__(
        self,
        store: OutboxStore,
        client: CentralClient,
        *,
        kiosk_number: int,
        heartbeat_payload: Callable[[], dict[str, Any]] | None = None,
        on_status: Callable[[SyncStatus], None] | None = None,
        clock: Callable[[], float] = time.time,
        rand: Callable[[], float] = random.random,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
        workers: Workers | None = None,
        on_server_told: Callable[[], None] | None = None,
    ) -> None:
        """``on_server_told`` is called (on the loop) after each answer to a heartbeat has been kept
        (the server's key, the floor of new codes): a kiosk waiting for them takes requests again."""
        self._store = store
        self._on_server_told = on_server_told
        self._client = client
        self._kiosk_number = kiosk_number
        self._heartbeat_payload = heartbeat_payload
        self._on_status = on_status
        self._clock = clock
        self._rand = rand
        self._heartbeat_seconds = heartbeat_seconds
        pool, self._own_workers = Workers.own(workers, "outbox-sync")
        self._lane = pool.lane()
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._batch: asyncio.Future[tuple[int, str]] | None = None  # the batch under way, finished on stop
        self._next_heartbeat = 0.0
        self._hold_until = 0.0  # after a failed attempt: wait before asking the server again
        self._claimed: list[int] = []  # the batch under way: given back if its round fails
        self._health: OutboxHealth | None = None  # the outbox as last read, for a heartbeat when it cannot be
        self.status = SyncStatus()

    # --- control ---------------------------------------------------------------------------

    def start(self) -> asyncio.Task[None]:
        """Start delivering on the running loop."""
        self._wake = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._run(), name="outbox-sync")
        self._set(running=True)
        return self._task

    def wake(self) -> None:
        """A new request was committed, or staff pressed "sync now": try at once."""
        self._hold_until = 0.0
        if self._wake is not None:
            self._wake.set()

    def resume(self) -> None:
        """After a pause (401/403): staff changed the token or the server was fixed."""
        self._set(paused_reason=None)
        self.wake()

    async def stop(self) -> None:
        """Stop after the attempt under way (bounded by the HTTP timeouts); nothing is lost. A batch
        begun is finished and its outcomes written, so no request is left claimed (``sending``)."""
        task, self._task = self._task, None
        await stop_task(task, self._lane, self._own_workers, begun=self._batch)
        self._set(running=False)

    def hold_seconds(self) -> float:
        """How long the engine waits before asking the server again after a failure."""
        return max(0.0, self._hold_until - self._clock())

    @property
    def paused(self) -> bool:
        return self.status.paused_reason is not None

    # --- the loop --------------------------------------------------------------------------

    async def _run(self) -> None:
        assert self._wake is not None
        failures = 0
        while True:
            self._wake.clear()
            try:
                wait = await self._round()
            except Exception as exc:  # the supervisor: any error, logged and tried again (see above)
                failures += 1
                wait = await self._failed(exc, failures)
            else:
                if failures:
                    log.warning("delivery works again after %d failed round(s)", failures)
                    failures = 0
                if self.status.error is not None:
                    self._set(error=None)
            if wait is None:
                continue  # more may be due, or a retry's hold has just been set
            wait = max(0.01, min(wait, IDLE_POLL_SECONDS, self._until_heartbeat()))
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancel (stop) that
            # arrives just as the wake is set, and the engine went on running after SIGTERM.
            try:
                async with asyncio.timeout(wait):
                    await self._wake.wait()
            except TimeoutError:
                pass

    async def _round(self) -> float | None:
        """One turn of the loop: how long to wait before the next (None: go on at once)."""
        if self._claimed:  # a failed round's batch, given back before anything is claimed again
            await self._call(self._store.release, self._claimed)
            self._claimed = []
        await self._maybe_heartbeat()
        if self.paused:
            return IDLE_POLL_SECONDS
        if (hold := self._hold_until - self._clock()) > 0:
            return hold
        tried, _last = await self.deliver_batch()
        if tried:
            return None
        due = await self._call(self._store.next_due_at)
        return IDLE_POLL_SECONDS if due is None else due - self._clock()

    async def _failed(self, exc: Exception, failures: int) -> float:
        """A round failed: say so (log, status, heartbeat) and say how long to wait before the next."""
        error = describe(exc)
        wait = max(ERROR_MIN_WAIT_SECONDS, backoff_delay(failures, self._rand))
        frames = traceback.extract_tb(exc.__traceback__)
        where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno} in {frames[-1].name})" if frames else ""
        log.error("delivery failed (%d in a row), trying again in %.1f s: %s%s", failures, wait, error, where)
        self._set(error=error)
        if failures == 1:
            self._next_heartbeat = 0.0  # the fleet hears of it now, not at the next beat
        try:
            await self._maybe_heartbeat()
        except Exception as heartbeat_exc:  # the server or the outbox: the next round tells again
            log.warning("the heartbeat could not be sent either: %s", describe(heartbeat_exc))
        return wait

    async def deliver_batch(self, ignore_schedule: bool = False) -> tuple[int, str]:
        """Claim due requests and try each once: (how many were tried, the last outcome's kind).

        The client sends them in one batch call where the server has one, else one at a time up
        to the first retry or pause; their outcomes are written in one outbox commit, and the
        requests not tried are given back untouched. Stopping the engine (a cancel) does not cut
        a batch short between its claim and its outcomes: ``stop`` waits for it."""
        self._batch = asyncio.ensure_future(self._deliver_batch(ignore_schedule))
        return await asyncio.shield(self._batch)

    async def _deliver_batch(self, ignore_schedule: bool) -> tuple[int, str]:
        batch = await self._call(self._store.claim_due, BATCH_SIZE, ignore_schedule)
        if not batch:
            return 0, ""
        self._claimed = [r.id for r in batch]
        outcomes = await self._call(self._client.submit_many, [(r.idempotency_key, r.body) for r in batch])
        await self._call(self._record_all, batch, outcomes)
        self._claimed = []
        self._after(batch, outcomes)
        return len(outcomes), outcomes[-1].kind if outcomes else ""

    def _record_all(self, batch: list[OutboxRequest], outcomes: list[Outcome]) -> None:
        """Write a batch's outcomes, and give back what was not tried, in one commit (worker thread).
        After retries, the engine holds until the soonest of their new attempt times."""
        retry_at: list[float] = []
        with self._store.one_commit():
            for request, outcome in zip(batch, outcomes, strict=False):
                if outcome.kind == DELIVERED:
                    self._store.mark_delivered(request.id, outcome.reference)
                elif outcome.kind == REJECTED:
                    self._store.mark_rejected(request.id, outcome.reason)
                elif outcome.kind == PAUSED:
                    self._store.release([request.id])
                else:
                    delay = next_attempt_delay(request.attempts + 1, outcome.retry_after, self._rand)
                    retry_at.append(self._clock() + delay)
                    self._store.mark_retry(request.id, outcome.reason, retry_at[-1])
            self._store.release([r.id for r in batch[len(outcomes) :]])
        if retry_at:
            self._hold_until = min(retry_at)

    def _after(self, batch: list[OutboxRequest], outcomes: list[Outcome]) -> None:
        """Log a batch's outcomes and tell whoever watches, once (loop thread)."""
        changes: dict[str, Any] = {"server_reachable": True, "last_attempt_at": self._clock()}
        delivered = sum(outcome.kind == DELIVERED for outcome in outcomes)
        retried = [outcome for outcome in outcomes if outcome.kind == RETRY]
        for request, outcome in zip(batch, outcomes, strict=False):
            if outcome.kind == REJECTED:
                log.warning("request %s rejected by the server: %s", request.tracking_code, outcome.reason)
            elif outcome.kind == PAUSED:
                log.error("delivery paused: the server refused this kiosk's token (%s)", outcome.reason)
                changes.update(paused_reason=outcome.reason)
        if retried:
            wait = self._hold_until - self._clock()
            log.info("%d request(s) will retry, the first in %.1f s: %s", len(retried), wait, retried[-1].reason)
            answered = retried[-1].retry_after is not None or retried[-1].reason.startswith("HTTP")
            changes.update(server_reachable=answered or delivered > 0)
        last = outcomes[-1] if outcomes else None
        if last is not None:
            changes.update(last_result="delivered" if last.kind == DELIVERED else last.reason)
        self._set(delivered_this_run=self.status.delivered_this_run + delivered, **changes)

    # --- heartbeat -------------------------------------------------------------------------

    def _until_heartbeat(self) -> float:
        return max(0.05, self._next_heartbeat - self._clock())

    async def _maybe_heartbeat(self) -> None:
        if self._heartbeat_payload is None or self._clock() < self._next_heartbeat:
            return
        self._next_heartbeat = self._clock() + self._heartbeat_seconds
        try:
            self._health = await self._call(self._store.health)
        except Exception as exc:  # the outbox cannot be read: the heartbeat says so, with what was last read
            self._set(error=describe(exc))
        health = self._health or OutboxHealth({state: 0 for state in STATES}, None, None, 0)
        payload = self._heartbeat_payload()
        delivery_error = self.status.last_result if self.status.server_reachable is False else health.last_error
        # The engine's own error first: while it lasts nothing is delivered at all.
        error = self.status.error or payload.get("last_error") or delivery_error or ""
        payload.update(
            queue_depth=health.counts["pending"] + health.counts["sending"],
            oldest_pending_seconds=health.oldest_pending_seconds,
            rejected=health.counts["rejected"],
            last_error=error[:1000] or None,
        )
        answer = await self._call(self._client.heartbeat, self._kiosk_number, payload)
        if answer is not None:
            # Codes the server holds are never issued again, whatever became of the outbox (none
            # held: the floor is 0, and a new outbox knows it may start).
            await self._call(self._store.raise_sequence_floor, self._kiosk_number, answer.highest_sequence or 0)
        if answer is not None and answer.sealing_key is not None:
            # Answers are sealed to it from the next request on (and any still in clear, now).
            if await self._call(self._store.learn_server_key, answer.sealing_key):
                log.info("the central server's key is known: answers are sealed to it")
        if answer is not None and self._on_server_told is not None:
            self._on_server_told()
        if self.status.error is None:  # usage counters wait while the outbox fails
            await self._call(self._send_usage)

    def _send_usage(self) -> None:
        """Anonymous usage counters ride along with the heartbeat, a batch at a time."""
        for _ in range(10):
            batch = self._store.unsent_usage(USAGE_BATCH)
            if not batch or not self._client.send_usage([event for _id, event in batch]):
                return
            self._store.mark_usage_sent([event_id for event_id, _event in batch])

    # --- plumbing --------------------------------------------------------------------------

    def _publish(self, status: SyncStatus) -> None:
        self.status = status
        if self._on_status is not None:
            self._on_status(status)

    def _set(self, **changes: Any) -> None:
        self._publish(replace(self.status, **changes))

    async def _call(self, func: Callable[..., T], *args: Any) -> T:
        return await self._lane.run(func, *args)


async def drain(
    engine: SyncEngine, store: OutboxStore, timeout: float, progress: Callable[[int, int, int], None]
) -> bool:
    """Deliver everything pending now, ignoring backoff schedules; True when nothing is left
    pending (each request was delivered or rejected for good).

    ``progress(delivered, rejected, still_pending)`` is called after every batch, the first two
    counted from the start of the drain. Stops at the timeout, on a pause (401/403), or when only
    requests the server keeps refusing remain.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    delivered_before = engine.status.delivered_this_run
    rejected_before = store.health().counts["rejected"]
    while loop.time() < deadline:
        tried, last = await engine.deliver_batch(ignore_schedule=True)
        counts = store.health().counts
        left = counts["pending"] + counts["sending"]
        progress(engine.status.delivered_this_run - delivered_before, counts["rejected"] - rejected_before, left)
        if left == 0:
            return True
        if engine.paused:
            return False
        if tried == 0 or last == RETRY:
            await asyncio.sleep(max(0.0, min(engine.hold_seconds(), 5.0, deadline - loop.time())))
    return False
