"""Idle: CPU the kiosk uses on its attract loop, nobody touching it, over 60 s.

    .venv/bin/python -m benchmarks.idle_cpu [--seconds 60]

The kiosk (``first_frame.py idle``: the festival profile, its attract loop animating, offscreen)
and a bare PySide6 window run side by side as whole processes. After 3 s to settle, the user +
system CPU time each spends over the window (from /proc/PID/stat) is divided by the wall time:
percent of one core. Offscreen, painting costs what the raster engine costs; a real display adds
the compositor's share, which is not the kiosk's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import ROOT, Figure, cpu_seconds, quick, run_alone

PROBE = Path(__file__).with_name("first_frame.py")
SETTLE_SECONDS = 3.0


def measure(seconds: float | None = None) -> list[Figure]:
    seconds = seconds or (10.0 if quick() else 60.0)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    with tempfile.TemporaryDirectory() as data:
        children = {
            what: subprocess.Popen(
                [sys.executable, str(PROBE), what if what == "bare-idle" else "idle", data],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
                text=True,
                cwd=ROOT,
            )
            for what in ("kiosk", "bare-idle")
        }
        try:
            for process in children.values():
                assert process.stdout is not None
                if not process.stdout.readline().startswith("painted"):
                    raise RuntimeError("an idle probe did not paint")
            time.sleep(SETTLE_SECONDS)
            before = {what: cpu_seconds(p.pid) for what, p in children.items()}
            start = time.perf_counter()
            time.sleep(seconds)
            wall = time.perf_counter() - start
            used = {what: cpu_seconds(p.pid) - before[what] for what, p in children.items()}
        finally:
            for process in children.values():
                process.kill()
                process.wait()
    percent = {what: round(100 * value / wall, 2) for what, value in used.items()}
    return [
        Figure(
            "idle_cpu", f"CPU on the attract loop over {seconds:.0f} s", percent["kiosk"], "% of a core",
            "<= 2 % of one core", 2.0,
            shown=f"{percent['kiosk']:.2f} % of a core (bare window {percent['bare-idle']:.2f} %)",
            details={"seconds": round(wall, 1), "percent_of_one_core": percent},
        )
    ]  # fmt: skip


if __name__ == "__main__":
    sys.exit(run_alone(__doc__, measure, "seconds", float))
