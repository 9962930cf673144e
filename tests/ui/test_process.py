"""What only a separate process can show: a crash returns to the attract loop instead of ending
the kiosk, a second kiosk on the same data folder refuses to start, and SIGTERM (``systemctl
stop``) ends the kiosk cleanly."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from kiosk.outbox.store import OutboxStore
from tests.support.kiosk_process import ROOT, start_kiosk, stop, text_of, wait_for
from tests.support.kiosk_process import kiosk_environment as env


def test_an_unexpected_error_returns_to_the_attract_loop(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("crash_child.py")), str(tmp_path / "data")],
        capture_output=True, text=True, timeout=120, env=env(), check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "page=attract queued=True" in result.stdout
    log = (tmp_path / "data" / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "unexpected RuntimeError; returning to the attract loop" in log
    assert "آزمون" not in log, "no personal data in the log"


def test_a_second_kiosk_on_the_same_data_folder_says_so_and_exits(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--windowed", "--data-dir", str(data)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env(), cwd=ROOT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not (data / "kiosk.lock").is_file() or not (data / "kiosk.lock").read_text().strip():
            assert first.poll() is None, "the first kiosk stopped"
            assert time.monotonic() < deadline, "the first kiosk did not start"
            time.sleep(0.1)
        second = subprocess.run(
            [sys.executable, "-m", "kiosk", "--windowed", "--data-dir", str(data)],
            capture_output=True, text=True, timeout=60, env=env(), cwd=ROOT, check=False,
        )  # fmt: skip
        assert second.returncode == 3
        assert f"process {first.pid}" in second.stderr and "already running" in second.stderr
        assert first.poll() is None, "the first kiosk keeps running"
    finally:
        first.terminate()
        first.wait(timeout=30)
    again = subprocess.run(
        [sys.executable, "-m", "kiosk", "--self-test", "--data-dir", str(data)],
        capture_output=True, text=True, timeout=120, env=env(), cwd=ROOT, check=False,
    )  # fmt: skip
    assert again.returncode == 0, "the lock goes with the process: nothing stale is left"


def test_sigterm_stops_delivery_closes_the_outbox_and_exits_0(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = OutboxStore(data / "outbox.db")
    body = {"profile": "festival", "catalog_version": "t", "fields": {"full_name": "زهرا حسین‌زاده"}}
    committed = store.enqueue(7, "mazandaran-water.new-connection", "mazandaran-water", "demo", body).tracking_code
    store.close()
    # Delivery running when the signal comes: its server is down, so it keeps trying.
    (data / "config.toml").write_text('kiosk_number = 7\n[server]\nurl = "http://127.0.0.1:9"\ntoken = "007.t"\n')
    log = data / "logs" / "kiosk.log"
    kiosk = start_kiosk(data, tmp_path / "stderr.txt")
    try:
        wait_for(kiosk, "delivering to http://127.0.0.1:9 as kiosk 7", lambda: text_of(log))
        kiosk.send_signal(signal.SIGTERM)
        code = kiosk.wait(timeout=60)
    finally:
        stop(kiosk)
    assert code == 0, text_of(tmp_path / "stderr.txt")[-3000:]
    written = text_of(log)
    assert "SIGTERM received: stopping delivery and closing the outbox" in written
    assert "kiosk stopped (exit code 0)" in written
    with sqlite3.connect(data / "outbox.db") as db:  # as it was left, before any kiosk opens it again
        rows = db.execute("SELECT tracking_code, state FROM requests").fetchall()
    assert rows == [(committed, "pending")]
