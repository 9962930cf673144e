"""Memory: RSS growth over 1,000 simulated citizen sessions through the real window.

    .venv/bin/python -m benchmarks.memory [--sessions 1000]

Runs in a child process of its own (so nothing the other benchmarks loaded counts): the festival
profile's window, offscreen, 1366x768, real outbox. RSS is read at the first frame; once the
kiosk's own work done ahead has built the other screens and painted them off screen
(``kiosk.ui.ahead``; "start": the kiosk is ready for its first citizen); after one cycle of
sessions (every form service once with both endings: the caches a kiosk fills in its first
minutes); half-way; and after all the sessions. Each session is the soak test's citizen
(``harness/citizen.py``): search, browse, a request form typed and submitted, Done or
walking away. The figure is the growth from start to the end, as the issue sets it; beside it,
the growth after the first cycle and over the second half (a leak keeps growing there; caches
the first citizens fill do not), and, so that nothing the warm-up does hides, the growth from
the first frame itself. RSS at start against a bare window is measured by ``startup``, in whole
processes.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import ROOT, SCREEN, Figure, disk_folder, mib, quick, rss_kib


def child(sessions: int) -> dict[str, float]:
    """In the child process: run the sessions, return RSS readings (KiB) and timings."""
    from PySide6.QtWidgets import QApplication

    from harness.citizen import Citizen, settle, wait_until_ready
    from kiosk.app.root import Kiosk
    from kiosk.core.paths import KioskPaths, resources_root

    _app = QApplication.instance() or QApplication(sys.argv[:1])  # kept for the whole measurement
    with tempfile.TemporaryDirectory(dir=disk_folder()) as data:
        kiosk = Kiosk.build(KioskPaths(root=resources_root(), data=Path(data)), "festival")
        kiosk.window.resize(*SCREEN)
        kiosk.window.show()
        settle()
        kiosk.window.repaint()  # the first frame: the warm-up starts after it
        at_first_frame = rss_kib()
        wait_until_ready(kiosk.window)  # the screens the first frame does not show are built right after it
        gc.collect()
        at_start = rss_kib()
        citizen = Citizen(kiosk)
        cycle = 2 * len(citizen.services)
        started = time.perf_counter()
        for number in range(cycle):
            citizen.session(number)
        gc.collect()
        after_warm_up = rss_kib()
        half = max(cycle, sessions // 2)
        for number in range(cycle, half):
            citizen.session(number)
        gc.collect()
        at_half = rss_kib()
        for number in range(half, sessions):
            citizen.session(number)
        settle()
        gc.collect()
        at_end = rss_kib()
        seconds = time.perf_counter() - started
        widgets = len(QApplication.allWidgets())
        kiosk.close()
        settle()
    return {
        "first_frame_kib": at_first_frame,
        "start_kib": at_start,
        "warm_up_kib": after_warm_up,
        "half_kib": at_half,
        "half_sessions": half,
        "end_kib": at_end,
        "sessions": max(sessions, cycle),
        "warm_up_sessions": cycle,
        "seconds": round(seconds, 1),
        "widgets_at_end": widgets,
    }


def measure(sessions: int | None = None) -> list[Figure]:
    sessions = sessions or (100 if quick() else 1000)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.memory", "--child", str(sessions)],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=3600, check=False,
    )  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"the memory child failed ({done.returncode}): {done.stderr[-2000:]}")
    result = json.loads(lines[-1])
    growth = mib(result["end_kib"] - result["start_kib"])
    steady = mib(result["end_kib"] - result["warm_up_kib"])
    second_half = mib(result["end_kib"] - result["half_kib"])
    from_first_frame = mib(result["end_kib"] - result["first_frame_kib"])
    per_session_ms = result["seconds"] * 1000 / result["sessions"]
    return [
        Figure(
            "memory_growth", f"RSS growth over {result['sessions']:,} citizen sessions", growth, "MiB",
            "growth <= 5 MiB", 5.0,
            shown=f"+{growth:.1f} MiB ({mib(result['start_kib']):.0f} → {mib(result['end_kib']):.0f} MiB; "
            f"+{steady:.1f} MiB after the {result['warm_up_sessions']}-session warm-up, "
            f"+{second_half:.1f} MiB over sessions {result['half_sessions']:,} to {result['sessions']:,}; "
            f"+{from_first_frame:.1f} MiB from the first frame, before the warm-up)",
            details=dict(result, per_session_ms=round(per_session_ms, 1)),
        )
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=None)
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(child(args.child)), flush=True)
        return 0
    from benchmarks.__main__ import print_table

    print_table(measure(args.sessions))
    return 0


if __name__ == "__main__":
    sys.exit(main())
