"""Storage faults: a full disk, a damaged outbox file, and a clock that jumps years.

- Full disk: simulated with a size-limited database (``PRAGMA max_page_count``, the limit SQLite
  reports exactly as it reports ENOSPC: "database or disk is full"). A request that does not fit
  raises ``OutboxError`` (the citizen sees the apology and no code, tested through the window
  below), nothing half-written stays, and the outbox works again once there is room.
- Damaged file: ``kiosk.app.open_outbox`` keeps it aside byte for byte (never deleted), starts a
  new outbox that works, and logs an error naming both files. A staff alert beyond the log is the
  staff panel's business (another issue), not tested here.
- Clock jumps: tracking codes stay unique and increasing when the clock jumps years forward and
  back (``kiosk/core/tracking.py`` ``next_sequence``), through the real outbox.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from harness.citizen import Citizen, child, tap
from kiosk.app.root import Kiosk, open_outbox
from kiosk.core.paths import KioskPaths
from kiosk.core.tracking import is_valid_tracking_code
from kiosk.outbox.store import OutboxError, OutboxStore
from kiosk.ui.shell import Page

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
    tap(window.attract)
    service = citizen.services[0]
    citizen.browse(service)
    limit_size(kiosk.store, 0)
    filler = dict(BODY, fields={"note": "x" * 300})
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


# --- the outbox file is damaged ------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["garbage", "torn header", "empty wal beside garbage"])
def test_a_damaged_outbox_is_kept_aside_untouched_and_a_new_one_works(
    kiosk_paths: KioskPaths, caplog: pytest.LogCaptureFixture, damage: str
) -> None:
    outbox = kiosk_paths.outbox
    outbox.parent.mkdir(parents=True)
    store = OutboxStore(outbox)
    for _ in range(3):
        enqueue(store)
    store.close()
    for suffix in ("-wal", "-shm"):
        Path(str(outbox) + suffix).unlink(missing_ok=True)
    good = outbox.read_bytes()
    if damage == "torn header":
        damaged = b"\x00" * 100 + good[100:]
    else:
        damaged = bytes((b * 7 + 13) % 256 for b in good[:8192]) + b"not a database" * 100
    outbox.write_bytes(damaged)
    if damage == "empty wal beside garbage":
        Path(str(outbox) + "-wal").write_bytes(b"")

    with caplog.at_level(logging.ERROR, logger="kiosk"):
        store, problem = open_outbox(kiosk_paths)
    assert store is not None, problem
    aside = [p for p in outbox.parent.iterdir() if ".damaged-" in p.name and not p.name.endswith(("-wal", "-shm"))]
    assert len(aside) == 1, sorted(p.name for p in outbox.parent.iterdir())
    assert aside[0].read_bytes() == damaged, "the damaged outbox was changed"
    code = enqueue(store)
    assert store.find_by_tracking_code(code) is not None and store.health().counts["pending"] == 1
    store.close()
    messages = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)
    assert str(outbox) in messages and aside[0].name in messages, messages


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
