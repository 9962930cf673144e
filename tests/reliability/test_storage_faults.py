"""Storage faults: a full disk, an outbox the kiosk cannot open now or cannot write, a damaged
outbox file, the write lock held by another process, and a clock that jumps years.

- Full disk while running: simulated with a size-limited database (``PRAGMA max_page_count``, the
  limit SQLite reports exactly as it reports ENOSPC: "database or disk is full"). A request that
  does not fit raises ``OutboxError`` (the citizen sees the apology and no code, tested through
  the window below), nothing half-written stays, and the outbox works again once there is room.
- Nearly full disk at start: a real small tmpfs (needs root to mount; skipped otherwise). The
  outbox "cannot be opened now", is left where it is with every request, and opens once there is
  room.
- An outbox the kiosk cannot write (a root-owned copy): a real process without the right to write
  it (``setpriv`` drops root's capabilities; a normal user needs only chmod). Left as it is.
- Locked by another process past the busy timeout, at start: left as it is; the citizen is told
  before typing that no request can be taken, staff see why, and the kiosk takes requests again
  once the lock goes, without a restart. While delivering: the engine says so and carries on
  (every request on the real central server exactly once).
- Damaged file: ``open_outbox`` keeps it aside byte for byte (never deleted), starts a new outbox
  that works and re-queues there every request SQLite can still read. ``kiosk outbox status`` and
  ``export`` say a damaged outbox is damaged, with a non-zero exit and no traceback, and
  ``kiosk outbox salvage FILE`` re-queues what an older kiosk kept aside.
- Clock jumps: tracking codes stay unique and increasing when the clock jumps years forward and
  back (``kiosk/core/tracking.py`` ``next_sequence``), through the real outbox.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from harness.central_server import start_central_server
from harness.citizen import Citizen, child, tap
from kiosk.app.root import Kiosk, open_outbox
from kiosk.core.paths import KioskPaths
from kiosk.core.pins import PinVault
from kiosk.core.sealing import Opener
from kiosk.core.tracking import is_valid_tracking_code
from kiosk.link.client import CentralClient
from kiosk.link.sync import SyncEngine, SyncStatus
from kiosk.outbox import store as store_module
from kiosk.outbox.store import OutboxError, OutboxStore
from kiosk.ui.shell import Page
from tests.support.damage import (
    NAME,
    garble,
    outbox_with,
    overwrite_page,
    page_holding,
    requests_on_page,
    rows_in,
)
from tests.support.staff import STAFF_PIN, open_staff
from tests.support.window import build_kiosk

ROOT = Path(__file__).resolve().parents[2]

BODY = {"profile": "festival", "catalog_version": "t", "fields": {"full_name": "زهرا حسین‌زاده", "note": "x" * 400}}
SERVICE = ("mazandaran-water.new-connection", "mazandaran-water")


def enqueue(store: OutboxStore, body: dict = BODY) -> str:
    return store.enqueue(7, *SERVICE, "demo", body).tracking_code


def limit_size(store: OutboxStore, extra_pages: int) -> None:
    """Let the database grow by at most ``extra_pages`` pages from now on: a disk about to fill."""
    db: sqlite3.Connection = store._db  # the test reaches in: no public knob should exist for this
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + extra_pages}")


def rows(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT COUNT(*) FROM requests").fetchone()[0])


# --- the disk fills up -------------------------------------------------------------------------


def test_a_full_disk_refuses_a_request_cleanly_and_recovers(tmp_path: Path) -> None:
    path = tmp_path / "outbox.db"
    store = OutboxStore(path)
    kept = [enqueue(store) for _ in range(5)]
    limit_size(store, 3)
    refused = 0
    for _ in range(50):
        try:
            kept.append(enqueue(store))
        except OutboxError:
            refused += 1
    assert refused > 0, "the size limit never bit"
    assert rows(path) == len(kept) == len(set(kept)), "a refused request left something behind"
    for code in kept:
        request = store.find_by_tracking_code(code)
        assert request is not None and request.state == "pending" and request.body["fields"] == BODY["fields"]

    limit_size(store, 10_000)  # room again (a technician freed the disk)
    after = [enqueue(store) for _ in range(5)]
    assert not set(after) & set(kept)
    assert rows(path) == len(kept) + 5
    store.close()
    assert OutboxStore(path).health().counts["pending"] == len(kept) + 5


def test_the_refusal_tells_staff_the_disk_is_full(tmp_path: Path) -> None:
    store = OutboxStore(tmp_path / "outbox.db")
    enqueue(store)
    limit_size(store, 0)
    with pytest.raises(OutboxError) as refused:
        for _ in range(20):
            enqueue(store)
    store.close()
    assert "full" in str(refused.value), str(refused.value)


def test_the_citizen_sees_an_apology_and_no_code_when_the_disk_is_full(qtbot: QtBot, kiosk: Kiosk) -> None:
    citizen = Citizen(kiosk)
    window = kiosk.window
    assert kiosk.store is not None
    kiosk.store.learn_server_key(Opener(os.urandom(32)).public_key)  # the answers are sealed and kept
    tap(window.attract)
    service = citizen.services[0]
    citizen.browse(service)
    limit_size(kiosk.store, 0)
    filler = dict(BODY, fields={"note": "x" * 40})
    for _ in range(100):  # fill what room is left, to the last byte a small request could use
        try:
            enqueue(kiosk.store, filler)
        except OutboxError:
            break
    filled = kiosk.store.health().counts["pending"]
    with pytest.raises(AssertionError, match="no receipt"):
        citizen.file_request(service)
    assert window.current_page == Page.REQUEST
    assert window.requests.receipt is None
    failed = child(window, "submitFailedScreen")
    assert failed.isVisible()
    assert kiosk.store.health().counts["pending"] == filled

    limit_size(kiosk.store, 10_000)
    tap(child(window, "retrySubmitButton"))  # the disk has room again: the same answers go through
    assert window.requests.receipt is not None
    shown = window.requests.receipt.code.text().strip("\u2066\u2069")  # in a left-to-right isolate
    assert is_valid_tracking_code(shown)
    assert kiosk.store.health().counts["pending"] == filled + 1


# --- the outbox cannot be opened now ------------------------------------------------------------


@contextmanager
def small_disk(where: Path, size: str = "4m") -> Iterator[Path]:
    """A real file system of ``size`` mounted at ``where`` (a tmpfs: mounting needs root)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], check=True)
    try:
        yield where
    except BaseException:
        subprocess.run(["umount", "--lazy", str(where)], check=False)
        raise
    busy = subprocess.run(["umount", str(where)], capture_output=True, text=True, check=False)
    if busy.returncode:  # a connection the kiosk left open on a file there keeps the disk busy
        subprocess.run(["umount", "--lazy", str(where)], check=False)
        pytest.fail(f"a file on the small disk was left open: {busy.stderr.strip()}")


def fill(folder: Path, leave: int) -> Path:
    """Take all the room left in ``folder``'s file system but ``leave`` bytes; the file that does."""
    filler = folder / "filler"
    room = os.statvfs(folder)
    descriptor = os.open(filler, os.O_CREAT | os.O_WRONLY)
    try:
        os.posix_fallocate(descriptor, 0, room.f_bavail * room.f_frsize - leave)
    finally:
        os.close(descriptor)
    return filler


def kept_aside_files(paths: KioskPaths) -> list[str]:
    return sorted(p.name for p in paths.data.iterdir() if ".damaged-" in p.name)


@pytest.mark.parametrize("free", [12 * 1024, 0])
def test_a_nearly_full_disk_at_start_leaves_the_outbox_where_it_is(kiosk_paths: KioskPaths, free: int) -> None:
    """It used to be called damaged, moved aside and replaced by an empty one: its 50 requests were
    never delivered, exported or re-queued."""
    with small_disk(kiosk_paths.data):
        requests = outbox_with(kiosk_paths.outbox, 50)
        filler = fill(kiosk_paths.data, free)
        store, problem = open_outbox(kiosk_paths)
        assert store is None and "cannot be opened now" in problem and "disk" in problem, problem
        assert kept_aside_files(kiosk_paths) == []
        filler.unlink()  # a technician frees some room
        store, problem = open_outbox(kiosk_paths)
        assert store is not None, problem
        assert {r.tracking_code for r in store.pending()} == {r.tracking_code for r in requests}
        store.close()


# A kiosk process opening its outbox, as at start.
OPEN_CHILD = """
import sys
from pathlib import Path
from kiosk.app.root import open_outbox
from kiosk.core.paths import KioskPaths, resources_root
store, problem = open_outbox(KioskPaths(root=resources_root(), data=Path(sys.argv[1])))
print("opened" if store is not None else problem)
"""


def test_an_outbox_the_kiosk_cannot_write_is_left_as_it_is(kiosk_paths: KioskPaths) -> None:
    """A copy restored with `sudo cp` is root's: the kiosk reads it but cannot write it. It used to
    be abandoned as damaged with its 25 pending requests."""
    requests = outbox_with(kiosk_paths.outbox, 25)
    kiosk_paths.outbox.chmod(0o444)
    as_kiosk_user = []
    if os.geteuid() == 0:  # root writes whatever the mode says: the kiosk process runs without that right
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv to drop root's rights")
        as_kiosk_user = ["setpriv", "--inh-caps=-all", "--bounding-set=-all"]
    child = subprocess.run(
        [*as_kiosk_user, sys.executable, "-c", OPEN_CHILD, str(kiosk_paths.data)],
        capture_output=True, text=True, timeout=60, env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )  # fmt: skip
    assert "cannot be opened now: attempt to write a readonly database" in child.stdout, child.stdout + child.stderr
    assert kept_aside_files(kiosk_paths) == []
    assert set(rows_in(kiosk_paths.outbox)) == {r.tracking_code for r in requests}
    kiosk_paths.outbox.chmod(0o644)  # the technician gives the kiosk its file back
    store, problem = open_outbox(kiosk_paths)
    assert store is not None, problem
    assert store.health().counts["pending"] == 25
    store.close()


def test_a_locked_outbox_at_start_is_taken_up_once_free_without_a_restart(
    qtbot: QtBot, kiosk_paths: KioskPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holds the outbox's write lock past the busy timeout as the kiosk starts."""
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_SECONDS", 0.3, raising=False)
    queued = outbox_with(kiosk_paths.outbox, 5)
    vault = PinVault(kiosk_paths.data / "staff.json", scrypt_n=2**10)  # fast hashes for the test
    vault.set_pin("staff", STAFF_PIN)
    holder = sqlite3.connect(kiosk_paths.outbox, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        for kiosk in build_kiosk(qtbot, kiosk_paths):
            assert kiosk.store is None and kept_aside_files(kiosk_paths) == []
            citizen, window = Citizen(kiosk), kiosk.window
            service = citizen.services[0]
            # No form to fill in for nothing: the out-of-service screen, and staff are told why.
            assert window.current_page == Page.OUT_OF_SERVICE and not window.attract.isVisible()
            open_staff(qtbot, kiosk, STAFF_PIN)
            assert "صف درخواست‌ها باز نمی‌شود" in window.staff.panel.queue_facts.text()
            assert "database is locked" in window.staff.panel.queue_facts.text()
            tap(child(window.staff.panel, "closeStaffButton"))

            assert window.current_page == Page.OUT_OF_SERVICE, "closing the panel comes back to it"

            holder.execute("ROLLBACK")  # the other process lets go
            qtbot.waitUntil(kiosk.try_outbox_again, timeout=10_000)
            assert window.current_page == Page.ATTRACT, "back in service without a restart"
            tap(window.attract)
            citizen.browse(service)
            citizen.file_request(service)
            assert kiosk.store is not None
            codes = {r.tracking_code for r in kiosk.store.pending()}
            assert codes == {r.tracking_code for r in queued} | {window.requests.receipt.tracking_code}
    finally:
        holder.close()


# --- the outbox file is damaged ------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["garbage", "torn header", "empty wal beside garbage", "a page overwritten"])
def test_a_damaged_outbox_is_kept_aside_untouched_and_its_readable_requests_re_queued(
    kiosk_paths: KioskPaths, caplog: pytest.LogCaptureFixture, damage: str
) -> None:
    outbox = kiosk_paths.outbox
    outbox.parent.mkdir(parents=True)
    requests = outbox_with(outbox, 60)
    for suffix in ("-wal", "-shm"):
        Path(str(outbox) + suffix).unlink(missing_ok=True)
    good = outbox.read_bytes()
    readable: set[str] = set()
    if damage == "torn header":
        damaged = b"\x00" * 100 + good[100:]
    elif damage == "a page overwritten":
        page = page_holding(outbox, requests[30])
        readable = {r.tracking_code for r in requests} - {
            r.tracking_code for r in requests_on_page(outbox, page, requests)
        }
        damaged = overwrite_page(outbox, page)
    else:
        damaged = bytes((b * 7 + 13) % 256 for b in good[:8192]) + b"not a database" * 100
    outbox.write_bytes(damaged)
    if damage == "empty wal beside garbage":
        Path(str(outbox) + "-wal").write_bytes(b"")

    with caplog.at_level(logging.INFO, logger="kiosk"):
        store, problem = open_outbox(kiosk_paths)
    assert store is not None, problem
    aside = [p for p in outbox.parent.iterdir() if ".damaged-" in p.name and not p.name.endswith(("-wal", "-shm"))]
    assert len(aside) == 1, sorted(p.name for p in outbox.parent.iterdir())
    assert aside[0].read_bytes() == damaged, "the damaged outbox was changed"
    assert {r.tracking_code for r in store.pending()} == readable
    code = enqueue(store)
    assert store.find_by_tracking_code(code) is not None and store.health().counts["pending"] == len(readable) + 1
    store.close()
    messages = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)
    assert str(outbox) in messages and aside[0].name in messages, messages
    assert "0012345679" not in caplog.text and NAME not in caplog.text


def run_kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m kiosk ARGS` as a technician runs it."""
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        capture_output=True, text=True, timeout=120, env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=ROOT,
    )  # fmt: skip


@pytest.mark.parametrize("damage", ["a page overwritten", "a request's text garbled"])
def test_status_and_export_of_a_damaged_outbox_say_so_without_a_traceback(tmp_path: Path, damage: str) -> None:
    """They used to crash with a traceback: a page overwritten fails at open now (quick_check); a
    request's text garbled passes every page check and fails only when it is read."""
    data = tmp_path / "data"
    requests = outbox_with(data / "outbox.db", 60)
    if damage == "a page overwritten":
        overwrite_page(data / "outbox.db", page_holding(data / "outbox.db", requests[30]))
        commands = ["status", "export"]
    else:
        garble(data / "outbox.db", requests[30])
        commands = ["export"]  # status reads no request's text: it still works
    for command in commands:
        result = run_kiosk(
            "--data-dir", str(data), "outbox", command, *([str(tmp_path / "x.json")] if command == "export" else [])
        )
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr, result.stderr
        assert "damaged" in result.stdout or "cannot be read" in result.stdout, result.stdout
        assert f"kiosk outbox salvage {data / 'outbox.db'}" in result.stdout
        assert "0012345679" not in result.stdout + result.stderr and NAME[:20] not in result.stdout + result.stderr
    assert not (tmp_path / "x.json").exists()


def test_salvage_re_queues_what_an_older_kiosk_kept_aside(tmp_path: Path) -> None:
    """`kiosk outbox salvage FILE`: a healthy outbox an older kiosk kept aside as "damaged", and a
    really damaged one; the files are left as they were."""
    data = tmp_path / "data"
    healthy = outbox_with(data / "outbox.db.damaged-20260101T000000Z", 20)
    broken_file = tmp_path / "usb" / "outbox.db"
    broken = outbox_with(broken_file, 60, number=8)
    lost = requests_on_page(broken_file, page_holding(broken_file, broken[30]), broken)
    overwrite_page(broken_file, page_holding(broken_file, broken[30]))
    result = run_kiosk("--data-dir", str(data), "outbox", "salvage", str(data / "outbox.db.damaged-20260101T000000Z"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "20 request(s) read, 20 re-queued" in result.stdout
    result = run_kiosk("--data-dir", str(data), "outbox", "salvage", str(broken_file))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stdout + result.stderr
    assert f"{len(lost)} could not be read" in result.stdout
    assert set(rows_in(data / "outbox.db")) == {r.tracking_code for r in healthy + broken if r not in lost}
    result = run_kiosk("--data-dir", str(data), "outbox", "status")
    assert result.returncode == 0 and f"pending    {80 - len(lost)}" in result.stdout, result.stdout


# --- the write lock is held while delivering -------------------------------------------------------


# Past the store's busy timeout (10 s): the engine's first claim waits it out and fails.
LOCK_HELD_SECONDS = 11.0


@pytest.mark.slow
def test_a_lock_held_past_the_busy_timeout_while_delivering_stops_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Another process holds the outbox's write lock for longer than the store waits (10 s): the
    engine's task used to die silently and the queue stayed pending for ever."""
    outbox = tmp_path / "outbox.db"
    with start_central_server(tmp_path / "central") as central:
        number, token = central.add_kiosk("locked booth")
        requests = outbox_with(outbox, 20, number=number)
        store = OutboxStore(outbox)
        holder = sqlite3.connect(outbox, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        statuses: list[SyncStatus] = []
        beat = {"version": "t", "profile": "festival", "mode": "demo", "catalog_version": "t"}
        engine = SyncEngine(store, CentralClient(central.url, token), kiosk_number=number, rand=lambda: 0.0,
                            on_status=statuses.append, heartbeat_payload=lambda: dict(beat))  # fmt: skip

        async def scenario() -> None:
            engine.start()
            await asyncio.sleep(LOCK_HELD_SECONDS)
            holder.execute("ROLLBACK")  # the other process lets go
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 30
            # Delivered, and the round that delivered them over (it clears the error once its
            # outcomes are written: stopping the engine between the two left the error standing).
            while store.health().counts["delivered"] < len(requests) or engine.status.error is not None:
                assert loop.time() < deadline, f"the queue did not resume: {store.health()}, {engine.status}"
                await asyncio.sleep(0.05)
            await engine.stop()

        with caplog.at_level(logging.INFO):
            asyncio.run(scenario())
        holder.close()
        on_server = Counter(r["tracking_code"] for r in central.requests())
        beats = central.heartbeats()
    store.close()
    assert on_server == Counter(r.tracking_code for r in requests), "not every request exactly once"
    errors = [status.error for status in statuses if status.error]
    assert errors and errors[0] == "database is locked (SQLITE_BUSY)" and engine.status.error is None, errors
    assert any("database is locked" in (beat["last_error"] or "") for beat in beats), beats
    assert "delivery failed (1 in a row)" in caplog.text and "delivery works again" in caplog.text
    assert "0012345679" not in caplog.text


# --- the clock jumps -----------------------------------------------------------------------------


class JumpingClock:
    def __init__(self, start: datetime) -> None:
        self.now = start.timestamp()

    def __call__(self) -> float:
        return self.now

    def jump(self, delta: timedelta) -> None:
        self.now += delta.total_seconds()


def test_tracking_codes_stay_unique_when_the_clock_jumps_years(tmp_path: Path) -> None:
    clock = JumpingClock(datetime(2026, 11, 23, 10, tzinfo=UTC))
    store = OutboxStore(tmp_path / "outbox.db", clock=clock)
    codes = [enqueue(store) for _ in range(3)]
    for delta in (timedelta(days=5 * 365), -timedelta(days=12 * 365), timedelta(days=365), -timedelta(days=30)):
        clock.jump(delta)
        codes += [enqueue(store) for _ in range(3)]
        clock.jump(timedelta(seconds=1))
        codes += [enqueue(store) for _ in range(3)]
    assert len(set(codes)) == len(codes), "a tracking code was issued twice"
    assert all(is_valid_tracking_code(c) for c in codes)
    sequences = [int(c[3:11]) for c in codes]
    assert sequences == sorted(sequences), "sequences went backwards with the clock"
    store.close()
    # A restart after the jumps carries on from the last code, whatever the clock says.
    clock.jump(-timedelta(days=20 * 365))
    reopened = OutboxStore(tmp_path / "outbox.db", clock=clock)
    assert int(enqueue(reopened)[3:11]) == sequences[-1] + 1
    reopened.close()


def test_the_backlog_is_delivered_in_order_of_filing_after_the_clock_jumps_back(tmp_path: Path) -> None:
    clock = JumpingClock(datetime(2031, 1, 1, tzinfo=UTC))
    store = OutboxStore(tmp_path / "outbox.db", clock=clock)
    first = [enqueue(store) for _ in range(3)]
    clock.jump(-timedelta(days=6 * 365))
    later = [enqueue(store) for _ in range(3)]
    claimed = [r.tracking_code for r in store.claim_due(limit=10)]
    assert claimed == first + later, "requests filed before the jump must be due, and first"
    store.close()


def test_a_clock_decades_ahead_does_not_stop_the_kiosk_filing(tmp_path: Path) -> None:
    clock = JumpingClock(datetime(2026, 11, 23, tzinfo=UTC))
    store = OutboxStore(tmp_path / "outbox.db", clock=clock)
    enqueue(store)
    clock.jump(timedelta(days=35 * 365))
    try:
        enqueue(store)
        enqueue(store)
    except OutboxError:
        pass  # refusing while the clock is absurd would be acceptable: the apology shows
    clock.jump(-timedelta(days=35 * 365))  # the clock is put right
    code = enqueue(store)
    assert is_valid_tracking_code(code)
    store.close()
