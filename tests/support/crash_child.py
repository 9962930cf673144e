"""A kiosk reduced to its outbox: files requests and delivers them until it is killed.

Run by the crash campaign (tests/support/crash.py), which kills it with SIGKILL at random moments. Each
tracking code is printed only after ``enqueue`` returned, i.e. after the commit: a printed code
is a promise that the request survives. The answers are sealed to the server's key, as the
kiosk's request desk seals them, so the server opens every one it stores.

    python crash_child.py OUTBOX SERVER_URL TOKEN KIOSK_NUMBER SERVER_KEY
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from kiosk.core.sealing import Sealer, parse_public_key
from kiosk.link.client import CentralClient
from kiosk.link.sync import SyncEngine
from kiosk.outbox.store import OutboxStore

FIELDS = {"full_name": "آزمون پایداری", "national_id": "0012345679", "mobile": "09111234567"}


async def main(outbox: Path, url: str, token: str, number: int, server_key: str) -> None:
    store = OutboxStore(outbox)
    engine = SyncEngine(store, CentralClient(url, token, timeout=(1.0, 2.0)), kiosk_number=number, rand=lambda: 0.0)
    engine.start()
    sealer = Sealer(parse_public_key(server_key))
    loop = asyncio.get_running_loop()
    while True:
        body = {"profile": "crash-test", "catalog_version": "t", "sealed_fields": sealer.seal(FIELDS)}
        request = await loop.run_in_executor(
            None, store.enqueue, number, "mazandaran-water.new-connection", "mazandaran-water", "demo", body
        )
        print(request.tracking_code, flush=True)
        engine.wake()
        await asyncio.sleep(0.01)


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]))
