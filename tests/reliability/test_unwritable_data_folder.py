"""A data folder the kiosk cannot write to, on the real kiosk process (issue 20, item 5).

The single-instance lock file was written before anything else and its error was not caught: on
a read-only or full data folder the kiosk died before its window, with a traceback, and its
service manager restarted it for ever. Now it starts, shows its out-of-service screen (it cannot
commit a request, so it must not take one), says why in its log (on standard error when the log
file cannot be written either), and stops cleanly on SIGTERM; what was committed before is kept.

Read-only is a read-only tmpfs when the tests run as root (chmod stops nobody there), else a
folder without write permission. Full is a small tmpfs filled to its last byte (root only).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kiosk.outbox.store import OutboxStore
from tests.support.kiosk_process import start_kiosk, stop, text_of, wait_for
from tests.support.storage_faults import mount

BODY = {"profile": "festival", "catalog_version": "t", "fields": {"full_name": "زهرا حسین‌زاده"}}


def commit_one(data: Path) -> str:
    """A request committed by an earlier run of the kiosk, and that run's lock file."""
    store = OutboxStore(data / "outbox.db")
    code = store.enqueue(7, "mazandaran-water.new-connection", "mazandaran-water", "live", BODY).tracking_code
    store.close()
    (data / "kiosk.lock").write_text("1", encoding="utf-8")
    return code


@contextmanager
def small_tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir(parents=True)
    mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where))
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=30, check=False)


@contextmanager
def read_only(data: Path) -> Iterator[None]:
    """``data`` read-only for the kiosk, writable again after (to check what it kept)."""
    if os.geteuid() == 0:
        mount("-o", "remount,ro", str(data))
        try:
            yield
        finally:
            mount("-o", "remount,rw", str(data))
    else:
        entries = [data, *data.iterdir()]
        for entry in entries:
            entry.chmod(0o555 if entry.is_dir() else 0o444)
        try:
            yield
        finally:
            for entry in entries:
                entry.chmod(0o755 if entry.is_dir() else 0o644)


@contextmanager
def data_folder(tmp_path: Path) -> Iterator[Path]:
    if os.geteuid() == 0:
        with small_tmpfs(tmp_path / "data", "16m") as data:
            yield data
    else:
        data = tmp_path / "data"
        data.mkdir()
        yield data


def fill(folder: Path) -> None:
    """Take every byte left."""
    with (folder / "filler").open("wb", buffering=0) as filler:
        for chunk in (65536, 1):  # then the last few bytes
            try:
                while True:
                    filler.write(b"\0" * chunk)
            except OSError:
                pass


def run_until_sigterm(data: Path, stderr: Path) -> tuple[int, str]:
    """Start the kiosk, wait until it runs, SIGTERM it: its exit code and what it wrote to stderr."""
    kiosk = start_kiosk(data, stderr)
    try:
        wait_for(kiosk, "kiosk running", lambda: text_of(stderr) + text_of(data / "logs" / "kiosk.log"))
        kiosk.send_signal(signal.SIGTERM)
        code = kiosk.wait(timeout=60)
    finally:
        stop(kiosk)
    return code, text_of(stderr)


def test_a_read_only_data_folder_shows_out_of_service_and_keeps_what_was_committed(tmp_path: Path) -> None:
    with data_folder(tmp_path) as data:
        committed = commit_one(data)
        with read_only(data):
            code, errors = run_until_sigterm(data, tmp_path / "stderr.txt")
        assert code == 0, errors[-3000:]
        assert "Traceback" not in errors, errors[-3000:]
        assert "cannot write logs to" in errors  # so the log is on standard error, for the journal
        assert "out of service: no request can be committed on this kiosk" in errors
        assert "lock file" in errors  # the lock is held, but who holds it cannot be noted
        assert "SIGTERM received" in errors and "kiosk stopped (exit code 0)" in errors
        assert "زهرا" not in errors, "no personal data in the log"
        with sqlite3.connect(data / "outbox.db") as db:
            assert db.execute("SELECT tracking_code, state FROM requests").fetchall() == [(committed, "pending")]


def test_a_full_data_folder_does_not_stop_the_kiosk_starting(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("a full disk is a small tmpfs, which only root can mount")
    with small_tmpfs(tmp_path / "data", "2m") as data:
        fill(data)
        code, errors = run_until_sigterm(data, tmp_path / "stderr.txt")
    # Its log lines cannot be written either: the logging module reports each on standard error.
    assert code == 0, errors[-3000:]
