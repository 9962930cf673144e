"""What only a separate process can show: a crash returns to the attract loop instead of ending
the kiosk, and a second kiosk on the same data folder refuses to start."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def env() -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))


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
