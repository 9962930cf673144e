"""``kiosk outbox drain``: deliver everything waiting now, headless, with a progress bar.

It runs the kiosk's own sync engine on a plain asyncio loop against the same outbox file the
kiosk uses. Output never shows a citizen's answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from kiosk.core.settings import KioskSettings
from kiosk.outbox.store import OutboxStore


def progress_bar(out: TextIO) -> Callable[[int, int], None]:
    def show(done: int, left: int) -> None:
        total = max(done + left, 1)
        filled = round(30 * done / total)
        end = "\n" if left == 0 else ""
        print(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} delivered", end=end, file=out, flush=True)

    return show


def drain(store: OutboxStore, settings: KioskSettings, server_url: str, timeout: float, out: TextIO) -> int:
    """Deliver everything waiting now; 0 when the outbox is empty at the end."""
    import asyncio

    from kiosk.link.client import CentralClient
    from kiosk.link.sync import SyncEngine
    from kiosk.link.sync import drain as drain_engine

    if not server_url or not settings.server_token:
        print("no server address or token: set them in config.toml or KIOSK_SERVER_URL/KIOSK_SERVER_TOKEN", file=out)
        return 2
    counts = store.health().counts
    if counts["pending"] + counts["sending"] == 0:
        print("nothing to deliver", file=out)
        return 0
    print(f"delivering to {server_url} as kiosk {settings.kiosk_number}", file=out)
    client = CentralClient(server_url, settings.server_token)
    engine = SyncEngine(store, client, kiosk_number=settings.kiosk_number)

    async def run() -> bool:
        try:
            return await drain_engine(engine, store, timeout, progress_bar(out))
        finally:
            await engine.stop()

    try:
        emptied = asyncio.run(run())
    finally:
        client.close()
    if not emptied:
        health = store.health()
        left = health.counts["pending"] + health.counts["sending"]
        print(f"\nstopped with {left} request(s) still waiting: {engine.status.last_result or 'timeout'}", file=out)
        return 1
    print("outbox empty", file=out)
    return 0
