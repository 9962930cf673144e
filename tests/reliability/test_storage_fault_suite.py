"""Issue 20's storage faults, one case each, on the real kiosk process and the real central server.

Every case runs the kiosk as ``python -m kiosk`` runs it (``tests/support/kiosk_driver.py``: the
real ``Kiosk`` with its outbox opening, delivery engine and out-of-service screen, and a test's
hand on its request desk), delivering to the real central server on 127.0.0.1 through a network
the test can take down or hold (``tests/support/storage_faults.py``). The faults are real: a small
tmpfs filled to the byte or remounted read-only, a file the kiosk's user cannot write (root-owned,
the kiosk run as ``nobody``), a second SQLite connection holding the write lock, pages of the file
overwritten. Each case removes the fault's cause and ends with the same check (``Booth.check``):
every request whose tracking code the kiosk handed out is on the server exactly once, by tracking
code and by idempotency key, and no code was handed out twice, across the case's kiosks and
outboxes. What the kiosk should show along the way (out of service, an error in the heartbeat, a
clean exit) is checked after that.

The kiosk's waits are shortened (the outbox tried again every 0.5 s, delivery backing off up to
2 s, a heartbeat every 2 s: ``KIOSK_DRIVER_FAST``); the store's busy timeout is its real 10 s.
Mounting needs root: as another user, the cases that need it skip and say so (CI runs as root).

The numbers are the issue's.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from harness.central_server import RunningCentral, start_central_server
from kiosk.link.client import CentralClient
from kiosk.link.sync import SyncEngine
from kiosk.outbox.store import OutboxStore
from tests.support.damage import overwrite_page, overwrite_page_in_place, root_page, table_leaves
from tests.support.storage_faults import (
    Booth,
    DrivenKiosk,
    at_rest,
    booth,
    fill_disk,
    folder_anyone_reaches,
    kept_aside,
    kiosk_user,
    outbox_rows,
    poll,
    remount,
    run_kiosk_command,
    small_disk,
)

# How long the disk stays full under a running kiosk: the issue's 20 s, scaled to the shortened
# retry timings (the engine tries a round at least every 2 s: four failed rounds at least).
FULL_SECONDS = 8.0
# The store's busy timeout (kiosk.outbox.store.BUSY_TIMEOUT_SECONDS, 10 s), a round or two of the
# engine's to meet the lock, and the heartbeat that tells: the longest the lock is held.
LOCK_HELD_AT_MOST = 25.0
OUT_OF_SERVICE = "OUT_OF_SERVICE"


@pytest.fixture(scope="module")
def central_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningCentral]:
    with start_central_server(tmp_path_factory.mktemp("central")) as central:
        yield central


@pytest.fixture
def kiosk_booth(central_server: RunningCentral, tmp_path: Path) -> Iterator[Booth]:
    """Kiosk number 7, registered with the real server, the network to it, and what it handed out."""
    with booth(central_server, tmp_path) as it:
        yield it


def out_of_service(it: Booth, kiosk: DrivenKiosk, why: str) -> None:
    """The kiosk is up, shows its out-of-service screen and takes no request (noted, not asserted;
    a request it took all the same is in the ledger like any other)."""
    status = kiosk.status()
    it.findings.expect(
        status["page"] == OUT_OF_SERVICE and status["outbox_open"] is False,
        f"{why}: the kiosk should show its out-of-service screen with no outbox open, not {status}",
    )
    it.findings.expect(it.ledger.add(kiosk.file(1)) == [], f"{why}: the kiosk took a request")


# --- 1. a nearly full disk at start --------------------------------------------------------------


@pytest.mark.parametrize("free", [12 * 1024, 0], ids=["12 KiB free", "0 bytes free"])
def test_1_a_nearly_full_disk_at_start_strands_nothing(kiosk_booth: Booth, tmp_path: Path, free: int) -> None:
    """The outbox cannot open on a nearly full disk: the kiosk shows out of service, keeps the file
    where it is, and takes it up once there is room. Old code moved it aside as "damaged" and
    started an empty one: its requests were never delivered. With 0 bytes it must not die at start."""
    it = kiosk_booth
    with small_disk(tmp_path / "data", "8m") as data:
        it.network.down = True  # the requests wait in the outbox
        with it.kiosk(data) as kiosk:
            assert len(it.ledger.add(kiosk.file(20))) == 20
            it.stop(kiosk, "the first kiosk")
        at_rest(data / "outbox.db")
        filler = fill_disk(data, leave=free)
        it.network.down = False
        with it.kiosk(data) as kiosk:
            out_of_service(it, kiosk, f"{free} bytes free at start")
            it.findings.expect(kept_aside(data) == [], f"the outbox was moved aside: {kept_aside(data)}")
            filler.unlink()  # a technician frees some room; the kiosk is not restarted
            it.findings.expect(
                kiosk.until_status(lambda s: s["outbox_open"] is True, timeout=20) is not None,
                "the outbox did not open once there was room",
            )
            it.ledger.add(kiosk.file(5))
            it.check(kiosk)


# --- 2. the delivery engine meets an SQLite error while running ----------------------------------


@pytest.mark.slow
def test_2_a_disk_full_while_delivering_then_room_and_server_back(kiosk_booth: Booth, tmp_path: Path) -> None:
    """The server is down, requests wait, and the disk fills for ``FULL_SECONDS``: the engine's
    writes fail with SQLITE_FULL. It must say so and try again, so that once there is room and the
    server is back everything is delivered. Old code: the engine's task died on the first error,
    silently, and the requests stayed pending for good."""
    it = kiosk_booth
    with small_disk(tmp_path / "data", "16m") as data:
        it.network.down = True
        with it.kiosk(data) as kiosk:
            assert len(it.ledger.add(kiosk.file(10))) == 10
            full_since = time.monotonic()
            filler = fill_disk(data, leave=0)
            it.findings.expect(
                kiosk.until_status(lambda s: "full" in str(s["error"]), timeout=FULL_SECONDS) is not None,
                "the engine's status never named the full disk",
            )
            it.ledger.add(kiosk.file(3))  # a code handed out on a full disk must be kept like any other
            time.sleep(max(0.0, FULL_SECONDS - (time.monotonic() - full_since)))  # the fault's length
            filler.unlink()
            it.network.down = False
            it.findings.expect(
                poll(lambda: "delivery works again after" in kiosk.log(), timeout=20),
                "no log line says delivery works again",
            )
            it.check(kiosk)


@pytest.mark.slow
def test_2_the_write_lock_held_past_the_busy_timeout_while_delivering(kiosk_booth: Booth, tmp_path: Path) -> None:
    """Another process holds the outbox's write lock for longer than the kiosk waits (10 s): the
    engine's claim fails with SQLITE_BUSY. It must be logged, sent in the heartbeat, and tried again;
    requests filed after the lock goes are delivered. Old code: the engine died silently."""
    it = kiosk_booth
    data = tmp_path / "data"
    with it.kiosk(data) as kiosk:
        first = it.ledger.add(kiosk.file(5))
        assert it.on_server(first), "delivery does not work even before the lock"
        holder = sqlite3.connect(data / "outbox.db", isolation_level=None, timeout=30)
        holder.execute("BEGIN IMMEDIATE")
        try:
            it.findings.expect(
                it.heartbeat_said(("database is locked",), timeout=LOCK_HELD_AT_MOST),
                "no heartbeat said the outbox was locked",
            )
        finally:
            holder.execute("ROLLBACK")  # the other process lets go
            holder.close()
        it.findings.expect("delivery failed (1 in a row)" in kiosk.log(), "the failure was not logged")
        it.ledger.add(kiosk.file(5))
        it.check(kiosk)


def test_2_a_bad_page_met_while_delivering_then_the_kiosk_restarted(kiosk_booth: Booth, tmp_path: Path) -> None:
    """A page of the outbox goes bad under the running kiosk while a batch is on its way: the server
    stores it, and the engine cannot record it (SQLITE_CORRUPT in the index every write goes
    through). It must say so in the heartbeat and keep trying; at the next start (its cause
    removed: the damaged file is kept aside and salvaged) the batch is sent again and the server
    keeps each request once. Old code: the engine died silently, and the next start replaced the
    outbox with an empty one whose new codes repeated codes already handed out."""
    it = kiosk_booth
    data = tmp_path / "data"
    outbox = data / "outbox.db"
    with it.kiosk(data) as kiosk:
        first = it.ledger.add(kiosk.file(5))
        assert it.on_server(first), "delivery does not work even before the fault"
        assert poll(lambda: set(outbox_rows(outbox).values()) == {"delivered"}, timeout=10), outbox_rows(outbox)
        it.network.hold_deliveries()
        it.ledger.add(kiosk.file(10))
        assert poll(lambda: it.network.held == 1, timeout=20), "the kiosk did not send a batch"
        in_flight = [code for code, state in outbox_rows(outbox).items() if state == "sending"]
        with closing(sqlite3.connect(outbox, isolation_level=None, timeout=30)) as other:
            busy, _log, _done = other.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            assert busy == 0, "the outbox's log could not be folded into the file"
            overwrite_page_in_place(outbox, root_page(outbox, "requests_due"))
            # Another process's write: the kiosk reads the file again instead of what it had cached.
            other.execute("UPDATE meta SET value = value WHERE key = 'sequence'")
        it.network.release()
        assert it.on_server(in_flight), "the server did not get the batch"
        it.findings.expect(
            it.heartbeat_said(("malformed", "SQLITE_CORRUPT"), timeout=20), "no heartbeat said the outbox is damaged"
        )
        it.ledger.add(kiosk.file(2))  # the index every insert goes through is damaged: likely refused
        it.stop(kiosk)
    with it.kiosk(data) as kiosk:  # restarted, as its service manager does
        it.findings.expect(len(kept_aside(data)) == 1, f"the damaged outbox was not kept aside: {kept_aside(data)}")
        it.ledger.add(kiosk.file(5))
        it.check(kiosk)


# --- 3. a healthy outbox the kiosk cannot write --------------------------------------------------


def test_3_an_outbox_the_kiosk_cannot_write_is_not_abandoned(kiosk_booth: Booth, tmp_path: Path) -> None:
    """A technician restores the outbox with `sudo cp`: the copy is root's, the kiosk (not root)
    reads it but cannot write it. The kiosk must leave it where it is, show out of service, and
    deliver everything once the permissions are fixed. Old code abandoned it as "damaged"."""
    it = kiosk_booth
    user = kiosk_user()
    with folder_anyone_reaches() as folder:
        data = folder / "data"
        data.mkdir()
        os.chown(data, user.uid, user.gid)
        outbox = data / "outbox.db"
        it.network.down = True
        with it.kiosk(data, user) as kiosk:
            assert len(it.ledger.add(kiosk.file(20))) == 20
            it.stop(kiosk, "the first kiosk")
        at_rest(outbox)
        copy = tmp_path / "outbox-copy.db"
        shutil.copyfile(outbox, copy)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{outbox}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(copy, outbox)  # the test's (root's) now, 0644
        if not user.other:
            outbox.chmod(0o444)  # the kiosk runs as the file's owner: the mode alone forbids writing
        it.network.down = False
        with it.kiosk(data, user) as kiosk:
            out_of_service(it, kiosk, "an outbox the kiosk cannot write")
            it.findings.expect(kept_aside(data) == [], f"the outbox was moved aside: {kept_aside(data)}")
            os.chown(outbox, user.uid, user.gid)  # the technician gives the kiosk its file back
            outbox.chmod(0o644)
            it.findings.expect(
                kiosk.until_status(lambda s: s["outbox_open"] is True, timeout=20) is not None,
                "the outbox did not open once the kiosk could write it",
            )
            it.ledger.add(kiosk.file(5))
            it.check(kiosk)


# --- 4. corruption inside the file ------------------------------------------------------------


def test_4_a_page_overwritten_is_found_at_start_and_the_readable_rows_delivered_once(
    kiosk_booth: Booth, tmp_path: Path
) -> None:
    """Some requests delivered, the rest waiting; then one page of requests waiting is overwritten.
    The technician's commands say the outbox is damaged (no traceback), the self-test fails naming
    it, and at the next start the damage is found (quick_check), the file kept aside and every
    readable request delivered once. Old code found nothing at open and its engine died on the bad
    page: nothing more was delivered."""
    it = kiosk_booth
    data = tmp_path / "data"
    outbox = data / "outbox.db"
    with it.kiosk(data) as kiosk:
        delivered = it.ledger.add(kiosk.file(15))
        assert it.on_server(delivered), "delivery does not work even before the fault"
        it.network.down = True
        assert len(it.ledger.add(kiosk.file(45))) == 45
        it.stop(kiosk)
    at_rest(outbox)
    with closing(sqlite3.connect(outbox)) as db:
        found = db.execute("SELECT id, tracking_code, state FROM requests").fetchall()
    rows = {row_id: (code, state) for row_id, code, state in found}
    leaves = table_leaves(outbox)
    waiting = [page for page, ids in leaves.items() if ids and all(rows[i][1] == "pending" for i in ids)]
    assert len(waiting) >= 3, leaves
    page = waiting[len(waiting) // 2]
    lost = {rows[i][0] for i in leaves[page]}
    damaged = overwrite_page(outbox, page)

    for action in (["status"], ["export", str(tmp_path / "export.json")]):
        result = run_kiosk_command("--data-dir", str(data), "outbox", *action)
        it.findings.expect(
            result.returncode == 1 and "Traceback" not in result.stderr and "damaged" in result.stdout,
            f"`kiosk outbox {action[0]}` on a damaged outbox: exit {result.returncode}\n{result.stdout}{result.stderr}",
        )
    it.findings.expect(not (tmp_path / "export.json").exists(), "a damaged outbox was exported as if whole")
    result = run_kiosk_command("--data-dir", str(data), "--self-test")
    it.findings.expect(
        result.returncode != 0 and "Traceback" not in result.stderr and str(outbox) in result.stdout,
        f"the self-test should fail naming {outbox}: exit {result.returncode}\n{result.stdout}{result.stderr}",
    )

    it.network.down = False
    with it.kiosk(data) as kiosk:
        aside = kept_aside(data)
        it.findings.expect(
            len(aside) == 1 and aside[0].read_bytes() == damaged,
            f"the damaged file was not kept aside as it was: {aside}",
        )
        it.ledger.add(kiosk.file(5))
        it.check(kiosk, lost=lost)


# --- 5. a read-only or full data folder ------------------------------------------------------------


def test_5_a_read_only_data_folder(kiosk_booth: Booth, tmp_path: Path) -> None:
    """The disk holding the data folder goes read-only (the kernel gave up on it, or a technician's
    mistake): the kiosk starts, shows out of service and takes nothing; once the disk is writable
    again it takes requests and delivers everything, without a restart. Old code died at start."""
    it = kiosk_booth
    with small_disk(tmp_path / "data", "16m") as data:
        it.network.down = True
        with it.kiosk(data) as kiosk:
            assert len(it.ledger.add(kiosk.file(10))) == 10
            it.stop(kiosk, "the first kiosk")
        at_rest(data / "outbox.db")
        it.network.down = False
        remount(data, "ro")
        try:
            with it.kiosk(data) as kiosk:
                out_of_service(it, kiosk, "a read-only data folder")
                remount(data, "rw")  # the cause removed, the kiosk still running
                it.findings.expect(
                    kiosk.until_status(lambda s: s["outbox_open"] is True, timeout=20) is not None,
                    "the outbox did not open once the disk was writable",
                )
                it.ledger.add(kiosk.file(5))
                it.check(kiosk)
        finally:
            remount(data, "rw")


def test_5_a_full_data_folder_at_the_first_start(kiosk_booth: Booth, tmp_path: Path) -> None:
    """A new kiosk whose data disk is full to the last byte: no outbox, no log, no lock file can be
    made. It starts, shows out of service, and once there is room it makes its outbox, takes
    requests and delivers them, without a restart. Old code died at start."""
    it = kiosk_booth
    with small_disk(tmp_path / "data", "2m") as data:
        filler = fill_disk(data, leave=0)
        with it.kiosk(data) as kiosk:
            out_of_service(it, kiosk, "a full data folder")
            filler.unlink()
            it.findings.expect(
                kiosk.until_status(lambda s: s["outbox_open"] is True, timeout=20) is not None,
                "the outbox was not made once there was room",
            )
            assert len(it.ledger.add(kiosk.file(5))) == 5, "no request taken once there was room"
            it.check(kiosk)


# --- 6. tracking codes after the outbox is replaced -----------------------------------------------


def file_and_deliver(it: Booth, data: Path, n: int) -> None:
    """A kiosk on ``data`` files ``n`` requests, delivers them, and is stopped."""
    with it.kiosk(data) as kiosk:
        assert it.on_server(it.ledger.add(kiosk.file(n))), "delivery does not work even before the fault"
        it.stop(kiosk)


@pytest.mark.slow
@pytest.mark.parametrize("replaced", ["new PC, same kiosk number", "outbox unreadable"])
def test_6_no_new_code_equals_one_the_server_holds(kiosk_booth: Booth, tmp_path: Path, replaced: str) -> None:
    """30 requests filed faster than one a tick (10 s), so their codes run ahead of the clock, and
    delivered; then the outbox is replaced: a new PC with the same kiosk number, or a file damaged
    beyond reading (kept aside, a new one started). Once the kiosk has talked to the server (its
    heartbeat), no new code may be one the server holds. Old code issued them again: the server
    refused those requests."""
    it = kiosk_booth
    data = tmp_path / "data"
    file_and_deliver(it, data, 30)
    if replaced == "outbox unreadable":
        garbage = bytes((i * 7 + 13) % 256 for i in range(8192))
        outbox = data / "outbox.db"
        at_rest(outbox)
        outbox.write_bytes(garbage + outbox.read_bytes()[8192:])
    else:
        data = tmp_path / "new-pc"
    with it.kiosk(data) as kiosk:
        beats = it.heartbeats()
        assert poll(lambda: it.heartbeats() >= beats + 2, timeout=20), "the kiosk sent no heartbeat"
        it.ledger.add(kiosk.file(5))
        it.check(kiosk)


@pytest.mark.xfail(
    strict=True,
    reason="product gap (issue 20, item 6): a replaced outbox learns the server's highest code only from a "
    "heartbeat's answer; a kiosk set up with the server's key takes requests before that, and while the server "
    "cannot be reached its codes come from the clock and repeat codes the server holds (5 of 5), which the server "
    "then refuses for good (422: already used by another request)",
)
def test_6_a_replaced_outbox_offline_at_start_issues_no_code_the_server_holds(
    kiosk_booth: Booth, tmp_path: Path
) -> None:
    """As above (a new PC with the same kiosk number, set up with the server's key as a technician
    does), but the server cannot be reached when its first citizens come."""
    it = kiosk_booth
    file_and_deliver(it, tmp_path / "data", 30)
    it.network.down = True
    with it.kiosk(tmp_path / "new-pc") as kiosk:
        it.ledger.add(kiosk.file(5))
        it.network.down = False
        it.check(kiosk)


# --- 7. drain tells the truth; SIGTERM loses nothing -----------------------------------------------


@pytest.mark.slow
def test_7_sigterm_mid_delivery_and_drain_tell_the_truth(kiosk_booth: Booth, tmp_path: Path) -> None:
    """SIGTERM while a batch is on its way: the kiosk waits for the answer, records it and exits 0;
    nothing committed is lost. Then `kiosk outbox drain` exits non-zero while anything is left
    (server down) and when the server rejected a request for good (naming it); what it delivered
    is on the server once. Old code: SIGTERM ended the kiosk where it was, and drain counted a
    rejected request as delivered."""
    it = kiosk_booth
    data = tmp_path / "data"
    outbox = data / "outbox.db"
    with it.kiosk(data) as kiosk:
        it.network.hold_deliveries()
        batch = it.ledger.add(kiosk.file(8))
        assert poll(lambda: it.network.held == 1, timeout=20), "the kiosk did not send a batch"
        in_flight = {code for code, state in outbox_rows(outbox).items() if state == "sending"}
        kiosk.process.send_signal(signal.SIGTERM)
        it.findings.expect(
            bool(poll(lambda: "SIGTERM received" in kiosk.log() or kiosk.process.poll() is not None, timeout=20)),
            "the kiosk did not take SIGTERM",
        )
        it.network.release()
        code = poll(lambda: kiosk.process.poll() is not None, timeout=60) and kiosk.process.returncode
        it.findings.expect(code == 0, f"SIGTERM mid-delivery: exit code {code}\n{kiosk.output()}")
    # The batch on its way was answered and recorded; every other request is still there, waiting.
    after = outbox_rows(outbox)
    it.findings.expect(
        after == {f.code: "delivered" if f.code in in_flight else "pending" for f in batch}, f"after SIGTERM: {after}"
    )

    it.network.down = True
    with it.kiosk(data) as kiosk:
        it.ledger.add(kiosk.file(4))
        rejected = it.ledger.add(kiosk.file(1, reject=True))
        it.stop(kiosk, "the kiosk with the server down")
    assert {f.code for f in it.ledger.filed} <= set(outbox_rows(outbox)), "a committed request is missing"
    env = it.settings()
    left = run_kiosk_command("--data-dir", str(data), "outbox", "drain", "--timeout", "3", env=env)
    it.findings.expect(left.returncode != 0, f"drain with the server down exited 0:\n{left.stdout}")
    it.network.down = False
    result = run_kiosk_command("--data-dir", str(data), "outbox", "drain", "--timeout", "30", env=env)
    it.findings.expect(
        result.returncode != 0 and rejected[0].code in result.stdout and "Traceback" not in result.stderr,
        f"drain with a request rejected: exit {result.returncode}, not naming {rejected[0].code}:\n"
        f"{result.stdout}{result.stderr}",
    )
    state = outbox_rows(outbox)[rejected[0].code]
    it.findings.expect(state == "rejected", f"the rejected request is {state} in the outbox")
    it.check(None, rejected={rejected[0].code})


def awaiting(task: asyncio.Task[None]) -> list[str]:
    """The coroutines a task is suspended in, outermost first."""
    names, coroutine = [], task.get_coro()
    while coroutine is not None and hasattr(coroutine, "cr_code"):
        names.append(coroutine.cr_code.co_name)
        coroutine = coroutine.cr_await
    return names


@pytest.mark.xfail(
    sys.version_info < (3, 12),
    strict=True,
    reason="product bug (issue 20, item 7): on Python 3.11, asyncio.wait_for returns instead of raising when it is "
    "cancelled after what it waits for is done; SyncEngine._run waits for its wake with it, so a stop that comes just "
    "after a wake (a request committed) is swallowed: the engine goes on delivering, SyncEngine.stop never returns, "
    "and a SIGTERM leaves the kiosk running (1 run of this suite in 10 under load, until this was worked around in "
    "DrivenKiosk.sigterm); Kiosk.restart_sync would hang the same way, the old engine delivering on",
)
def test_7_stopping_delivery_just_after_a_wake(tmp_path: Path) -> None:
    """The mechanism of a SIGTERM that did not end the kiosk, seen on the real process in this suite
    (its tasks' stacks: ``run``'s stop waiting on the engine's task, "cancelling" yet still at its
    ``wait_for``, going round again): the engine waits for a wake, a request is committed (wake),
    and the kiosk stops it in the very next turn of the loop. It must stop."""
    store = OutboxStore(tmp_path / "outbox.db")
    engine = SyncEngine(store, CentralClient("http://127.0.0.1:9", "007.t"), kiosk_number=7)

    async def scenario() -> None:
        task = engine.start()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        # Its first round over (nothing to deliver): it waits for a wake, or for its next look.
        while "wait_for" not in awaiting(task):
            assert loop.time() < deadline, "the engine never came to wait"
            await asyncio.sleep(0.01)

        async def stop_just_after_a_wake() -> None:
            engine.wake()
            await asyncio.sleep(0)  # the wake is taken: what the engine waits for is done, the engine not yet back
            await engine.stop()  # as the kiosk's stop does: the engine's task is cancelled in this same turn

        stopping = asyncio.ensure_future(stop_just_after_a_wake())
        done, _pending = await asyncio.wait({stopping}, timeout=3)  # waits, and cancels nothing
        if not done:
            swallowed = repr(task)
            task.cancel()  # once more, with no wake: this time it ends, and so does the stop
            await stopping
            pytest.fail(f"the engine did not stop in 3 s: its task {swallowed} went on")

    try:
        asyncio.run(scenario())
    finally:
        store.close()
