"""The SIGKILL campaign of the crash tests: a child process (``crash_child.py``, beside this file)
files requests and delivers them to the real central server, and is killed again and again; then
the outbox is drained and what it promised is compared with what the server stored.

Shared by tests/reliability/test_crash.py (50 kills) and test_crash_full.py (500, the full run).
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from harness.central_server import RunningCentral
from kiosk.central.models import CitizenRequest
from kiosk.link.client import CentralClient
from kiosk.link.sync import SyncEngine, drain
from kiosk.outbox.store import OutboxStore

CHILD = Path(__file__).with_name("crash_child.py")
ROOT = Path(__file__).resolve().parents[2]


def crash_campaign(central: RunningCentral, tmp_path: Path, kills: int, seed: int) -> tuple[set[str], Counter[str]]:
    """Kill the child ``kills`` times, then drain; returns (codes promised, codes on the server)."""
    number, token = central.add_kiosk("crash booth")
    outbox = tmp_path / "outbox.db"
    rng = random.Random(seed)
    promised: set[str] = set()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for round_ in range(kills):
        child = subprocess.Popen(
            [sys.executable, str(CHILD), str(outbox), central.url, token, str(number), central.sealing_key],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True,
        )  # fmt: skip
        first = child.stdout.readline()  # started: it has committed at least one request
        if round_ % 2 == 0:
            time.sleep(rng.uniform(0.0, 0.4))
        else:
            stored = stored_count(central)
            deadline = time.monotonic() + 5
            while stored_count(central) == stored and time.monotonic() < deadline:
                time.sleep(0.0005)
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate(timeout=10)
        promised.update(line.strip() for line in [first, *out.splitlines()] if line.strip())

    store = OutboxStore(outbox)
    client = CentralClient(central.url, token)
    engine = SyncEngine(store, client, kiosk_number=number, rand=lambda: 0.0)

    async def empty() -> bool:
        try:
            return await drain(engine, store, timeout=60, progress=lambda *_counts: None)
        finally:
            await engine.stop()

    assert asyncio.run(empty()), store.health()
    in_outbox = {r.tracking_code for r in store.pending()} | {
        row.tracking_code for row in (store.find_by_tracking_code(c) for c in promised) if row
    }
    store.close()
    client.close()
    assert promised <= in_outbox, "a promised request is missing from the outbox"
    return promised, Counter(r["tracking_code"] for r in central.requests())


def stored_count(central: RunningCentral) -> int:
    with central.store.db.read() as session:
        return session.execute(select(func.count()).select_from(CitizenRequest)).scalar_one()


def assert_none_lost_none_duplicated(promised: set[str], on_server: Counter[str]) -> None:
    lost = promised - set(on_server)
    duplicated = {code: n for code, n in on_server.items() if n > 1}
    assert not lost, f"{len(lost)} committed request(s) lost"
    assert not duplicated, f"{len(duplicated)} request(s) stored more than once"
