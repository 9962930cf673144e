"""Drain a backlog of 1,000 and one of 50,000 requests to the central server on 127.0.0.1, with the UI running.

    .venv/bin/python -m benchmarks.drain [--backlogs 1000,50000]

The real central server (``kiosk-central serve``, SQLite, one process, rate limit lifted) runs as
a subprocess, as in ``benchmarks/central_load.py``, a new one with an empty database for each
backlog. This process is the kiosk as it runs at a booth: the real window (attract loop
animating) on the qasync loop, its outbox holding the backlog (answers sealed to the server's key,
which opens each and stores it encrypted), and ``Kiosk.start_sync_soon`` delivering it with the
real sync engine (batch calls of up to 50 requests, each call answered after the server's own
commit, and the outcomes written to the outbox in one commit per call). A 5 ms Qt timer on the UI
thread records every gap between its ticks: the longest gap, less the timer's own interval, is how
long the UI could not paint a frame.

Per backlog: requests/s from the first attempt to the last delivery; the outbox's own CPU per
request (the engine's calls that claim a batch and write its outcomes, their worker thread's CPU
time); the kiosk's CPU per request (this process, /proc: the outbox, the HTTP calls, the window,
and what starting the engine costs once, which a 1,000 backlog shares among fewer requests); and
the server's CPU per request (its process, which stores each request in a database that grows as
the drain goes on: its cost is the central server's, measured by ``benchmarks/central_load.py``).
Issue 21's target: a 50,000 backlog drains at least as fast per request as a 1,000 one: the
outbox's CPU per request, 50,000 against 1,000, at most 1.0 x (it used to read and sort every
pending row for each batch: 1,408 requests/s at 1,000, 723 at 50,000). The wall-clock rates are
shown too; on this machine they are the server's and the neighbours' more than the kiosk's.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import SCREEN, Figure, cpu_seconds, descendants, disk_folder, quick, run_alone, summary

TICK_MS = 5


BACKLOGS = (1000, 50_000)
QUICK_BACKLOGS = (200, 2000)


def drain_once(backlog: int) -> dict[str, Any]:
    """One backlog stored in a new outbox and delivered to a new server; what it cost."""
    os.environ.setdefault("QT_API", "pyside6")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from benchmarks.central_load import _server
    from benchmarks.enqueue import sealed_body
    from harness.citizen import settle
    from kiosk.app.root import Kiosk
    from kiosk.central.app import open_store
    from kiosk.central.security import load_or_create_secret
    from kiosk.central.settings import Settings
    from kiosk.core.paths import KioskPaths, resources_root
    from kiosk.core.sealing import Opener, Sealer, derive_sealing_key
    from kiosk.core.settings import KioskSettings

    app = QApplication.instance() or QApplication(sys.argv[:1])
    import qasync

    with tempfile.TemporaryDirectory(dir=disk_folder()) as folder:
        server_dir = Path(folder) / "central"
        server_dir.mkdir()
        central = open_store(Settings(data_dir=server_dir), migrate=True)
        try:
            number, token = central.kiosks.add("drain bench")
        finally:
            central.db.dispose()
        # The answers sealed to the server's key, as the kiosk's desk seals them: the server opens each.
        server_key = Opener(derive_sealing_key(load_or_create_secret(Settings(data_dir=server_dir).secret_file)))
        sealer = Sealer(server_key.public_key)
        with _server(server_dir, None, 1) as url:
            server_pids = [pid for pid in descendants(os.getpid()) if pid != os.getpid()]
            paths = KioskPaths(root=resources_root(), data=Path(folder) / "kiosk")
            settings = KioskSettings(
                kiosk_number=number, server_url=url, server_token=token, server_key=server_key.public_key
            )
            kiosk = Kiosk.build(paths, "festival", settings)
            store = kiosk.store
            assert store is not None
            filled = time.perf_counter()
            for _ in range(backlog):
                body = sealed_body(sealer)
                store.enqueue(number, "mazandaran-water.new-connection", "mazandaran-water", "demo", body)
            fill_seconds = time.perf_counter() - filled
            kiosk.window.resize(*SCREEN)
            kiosk.window.show()
            settle()

            gaps: list[float] = []
            last = [time.perf_counter()]

            def tick() -> None:
                now = time.perf_counter()
                gaps.append((now - last[0]) * 1000 - TICK_MS)
                last[0] = now

            timer = QTimer()
            timer.setInterval(TICK_MS)
            timer.timeout.connect(tick)

            loop = qasync.QEventLoop(app)
            asyncio.set_event_loop(loop)
            outbox_seconds = [0.0]

            def timed(call: Any) -> Any:
                """The engine's call, its CPU time added to the outbox's: the thread's own (the call
                runs on a worker thread), so not the fsync waited for nor the UI thread's turns."""

                def run(*args: Any) -> Any:
                    start = time.thread_time()
                    try:
                        return call(*args)
                    finally:
                        outbox_seconds[0] += time.thread_time() - start

                return run

            async def deliver() -> tuple[float, float, float]:
                engine = await kiosk.start_sync_soon()  # as the kiosk starts delivering
                assert engine is not None, "the sync engine did not start"
                # The engine looks them up at each call: claiming a batch, and writing its outcomes.
                store.claim_due = timed(store.claim_due)  # type: ignore[method-assign]
                engine._record_all = timed(engine._record_all)  # type: ignore[method-assign]
                last[0] = time.perf_counter()
                timer.start()
                cpu_before = cpu_seconds()
                server_before = sum(cpu_seconds(pid) for pid in server_pids)
                start = time.perf_counter()
                deadline = start + 1200
                while engine.status.delivered_this_run < backlog and time.perf_counter() < deadline:
                    await asyncio.sleep(0.05)
                elapsed = time.perf_counter() - start
                kiosk_cpu = cpu_seconds() - cpu_before
                server_cpu = sum(cpu_seconds(pid) for pid in server_pids) - server_before
                timer.stop()
                await kiosk.stop_sync()
                return elapsed, kiosk_cpu, server_cpu

            try:
                with loop:
                    elapsed, kiosk_cpu, server_cpu = loop.run_until_complete(deliver())
                counts = store.health().counts
            finally:
                kiosk.close()
                settle()
                asyncio.set_event_loop(None)
    delivered = counts["delivered"]
    return {
        "backlog": backlog,
        "delivered": delivered,
        "seconds": round(elapsed, 2),
        "rate": round(delivered / elapsed, 1),
        "kiosk_cpu_ms_per_request": round(kiosk_cpu * 1000 / max(delivered, 1), 3),
        "outbox_ms_per_request": round(outbox_seconds[0] * 1000 / max(delivered, 1), 4),
        "server_cpu_ms_per_request": round(server_cpu * 1000 / max(delivered, 1), 3),
        "fill_seconds": round(fill_seconds, 1),
        "ui_gap_ms": summary(gaps, 1),
        "ui_blocked_ms": round(max(gaps) if gaps else 0.0, 1),
    }


def measure(backlogs: str | None = None) -> list[Figure]:
    sizes = [int(n) for n in backlogs.split(",")] if backlogs else list(QUICK_BACKLOGS if quick() else BACKLOGS)
    runs = [drain_once(n) for n in sizes]
    small, large = runs[0], runs[-1]
    outbox_ratio = large["outbox_ms_per_request"] / small["outbox_ms_per_request"]
    cpu_ratio = large["kiosk_cpu_ms_per_request"] / small["kiosk_cpu_ms_per_request"]
    details = {"runs": runs}
    figures = [
        Figure(
            "drain_rate", f"drain {large['backlog']:,} requests to the server on 127.0.0.1", large["rate"], "req/s",
            ">= 500 requests/s", None, floor=500.0, met=large["rate"] >= 500 and large["delivered"] == large["backlog"],
            shown=f"{large['rate']:.0f} req/s ({large['delivered']:,} in {large['seconds']:.1f} s; "
            f"{small['backlog']:,}: {small['rate']:.0f} req/s)",
            details=details,
        ),
        Figure(
            "drain_per_request", f"the outbox's CPU per request draining {large['backlog']:,}, vs {small['backlog']:,}",
            round(outbox_ratio, 2), "x", "<= 1.0 x (as fast per request)", 1.0,
            shown=f"{large['outbox_ms_per_request']:.3f} ms vs {small['outbox_ms_per_request']:.3f} ms = "
            f"{outbox_ratio:.2f} x (the kiosk process: {large['kiosk_cpu_ms_per_request']:.2f} vs "
            f"{small['kiosk_cpu_ms_per_request']:.2f} ms = {cpu_ratio:.2f} x; the server: "
            f"{large['server_cpu_ms_per_request']:.2f} vs {small['server_cpu_ms_per_request']:.2f} ms)",
            details=details,
        ),
        Figure(
            "drain_ui_blocked", "longest UI frame blocked while draining", max(r["ui_blocked_ms"] for r in runs), "ms",
            "<= 50 ms", 50.0,
            shown=f"{max(r['ui_blocked_ms'] for r in runs):.1f} ms (gap p99 "
            f"{max(r['ui_gap_ms'].get('p99', 0) for r in runs):.1f} ms)",
            details={"ui_gap_ms": {r["backlog"]: r["ui_gap_ms"] for r in runs}},
        ),
    ]  # fmt: skip
    return figures


if __name__ == "__main__":
    sys.exit(run_alone(__doc__, measure, "backlogs", kind=str))
