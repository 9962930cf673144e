"""The real kiosk as its own process (``python -m kiosk --windowed``, offscreen), for what only a
process shows: how it starts on a bad data folder, and how it ends on a signal.

Its standard error goes to a file beside the test's data, not into a pipe nobody reads: with a
data folder it cannot write to, the kiosk logs there.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def kiosk_environment() -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))


def start_kiosk(data: Path, stderr: Path) -> subprocess.Popen[bytes]:
    with stderr.open("wb") as errors:  # the child has its own copy of the handle
        return subprocess.Popen(
            [sys.executable, "-m", "kiosk", "--windowed", "--data-dir", str(data)],
            stdout=subprocess.DEVNULL, stderr=errors, env=kiosk_environment(), cwd=ROOT,
        )  # fmt: skip


def text_of(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def wait_for(process: subprocess.Popen[bytes], what: str, read: Callable[[], str], timeout: float = 60.0) -> str:
    """Wait until ``read()`` holds ``what``, the process still running; returns what was read."""
    deadline = time.monotonic() + timeout
    while what not in (seen := read()):
        assert process.poll() is None, f"the kiosk ended with {process.returncode} before {what!r}:\n{seen[-3000:]}"
        assert time.monotonic() < deadline, f"no {what!r} in {timeout:.0f} s:\n{seen[-3000:]}"
        time.sleep(0.1)
    return seen


def stop(process: subprocess.Popen[bytes]) -> None:
    """End a kiosk a test left running (a failed assertion): the test's own ending is what it checks."""
    if process.poll() is None:
        process.kill()
        process.wait(timeout=30)
