"""Drain a backlog of 10,000 requests to the central server on 127.0.0.1, with the UI running.

    .venv/bin/python -m benchmarks.drain [--backlog 10000]

The real central server (``kiosk-central serve``, SQLite, one process, rate limit lifted) runs as
a subprocess, as in ``benchmarks/central_load.py``. This process is the kiosk as it runs at a
booth: the real window (attract loop animating) on the qasync loop, its outbox holding the
backlog (answers sealed to the server's key, which opens each and stores it encrypted), and
``Kiosk.start_sync_soon`` delivering it with the real sync engine (batch calls of up to
50 requests, each call answered after the server's own commit, and the outcomes written to the
outbox in one commit per call). A 5 ms Qt timer on the UI thread
records every gap between its ticks: the longest gap, less the timer's own interval, is how long
the UI could not paint a frame. Reports requests/s from the first attempt to the last delivery.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import SCREEN, Figure, disk_folder, quick, run_alone, summary

TICK_MS = 5


def measure(backlog: int | None = None) -> list[Figure]:
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

    backlog = backlog or (1000 if quick() else 10_000)
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
            paths = KioskPaths(root=resources_root(), data=Path(folder) / "kiosk")
            settings = KioskSettings(
                kiosk_number=number, server_url=url, server_token=token, server_key=server_key.public_key
            )
            kiosk = Kiosk.build(paths, "festival", settings)
            assert kiosk.store is not None
            for _ in range(backlog):
                body = sealed_body(sealer)
                kiosk.store.enqueue(number, "mazandaran-water.new-connection", "mazandaran-water", "demo", body)
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

            async def deliver() -> float:
                engine = await kiosk.start_sync_soon()  # as the kiosk starts delivering
                assert engine is not None, "the sync engine did not start"
                last[0] = time.perf_counter()
                timer.start()
                start = time.perf_counter()
                deadline = start + 600
                while engine.status.delivered_this_run < backlog and time.perf_counter() < deadline:
                    await asyncio.sleep(0.05)
                elapsed = time.perf_counter() - start
                timer.stop()
                await kiosk.stop_sync()
                return elapsed

            try:
                with loop:
                    elapsed = loop.run_until_complete(deliver())
                counts = kiosk.store.health().counts
            finally:
                kiosk.close()
                settle()
                asyncio.set_event_loop(None)
    delivered = counts["delivered"]
    rate = delivered / elapsed
    blocked = max(gaps) if gaps else 0.0
    gap_s = summary(gaps, 1)
    details = {"backlog": backlog, "delivered": delivered, "seconds": round(elapsed, 1), "ui_gap_ms": gap_s}
    return [
        Figure(
            "drain_rate", f"drain {backlog:,} requests to the server on 127.0.0.1", round(rate, 1), "req/s",
            ">= 500 requests/s", None, floor=500.0, met=rate >= 500 and delivered == backlog,
            shown=f"{rate:.0f} req/s ({delivered:,} in {elapsed:.1f} s)", details=details,
        ),
        Figure(
            "drain_ui_blocked", "longest UI frame blocked while draining", round(blocked, 1), "ms", "<= 50 ms", 50.0,
            shown=f"{blocked:.1f} ms (gap p99 {gap_s.get('p99', 0):.1f} ms)", details={"ui_gap_ms": gap_s},
        ),
    ]  # fmt: skip


if __name__ == "__main__":
    sys.exit(run_alone(__doc__, measure, "backlog"))
