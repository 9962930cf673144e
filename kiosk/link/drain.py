"""``kiosk outbox drain``: deliver everything waiting now, headless, with a progress bar.

It runs the kiosk's own sync engine on a plain asyncio loop against the same outbox file the
kiosk uses, with what the kiosk would have in force (``kiosk.app.root.read_in_force``: the same
profile, the same settings layers) and the same client (``client_for``: the profile's proxy and
CA file too). It exits 0 only when everything that was waiting was delivered; a request the
server rejected, or one still waiting, is named with its tracking code, its service and the
server's reason. Output never shows a citizen's answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO
from urllib.parse import urlsplit

from kiosk.core.live_state import InForce
from kiosk.outbox.store import OutboxStore

DELIVERED_ALL, NOT_ALL, CANNOT_DELIVER = 0, 1, 2  # the exit codes
SHOWN_WAITING = 10  # a backlog of thousands is counted, not listed; every rejected request is listed


def progress_bar(out: TextIO, total: int) -> Callable[[int, int, int], None]:
    def show(delivered: int, rejected: int, left: int) -> None:
        filled = round(30 * (total - left) / max(total, 1))
        refused = f", {rejected} rejected" if rejected else ""
        end = "\n" if left == 0 else ""
        print(f"\r[{'#' * filled}{'.' * (30 - filled)}] {delivered}/{total} delivered{refused}", end=end, file=out,
              flush=True)  # fmt: skip

    return show


def drain(store: OutboxStore, in_force: InForce, timeout: float, out: TextIO) -> int:
    """Deliver everything waiting now: 0 when all of it was delivered, 1 when any was rejected or is
    still waiting (each named; only the first few waiting), 2 with no server address or token."""
    import asyncio

    from kiosk.link.client import client_for
    from kiosk.link.sync import SyncEngine
    from kiosk.link.sync import drain as drain_engine

    client = client_for(in_force)
    if client is None:
        print("no server address or token: set them in config.toml or KIOSK_SERVER_URL/KIOSK_SERVER_TOKEN", file=out)
        return CANNOT_DELIVER
    try:
        health = store.health()
        total = health.counts["pending"] + health.counts["sending"]
        if total == 0:
            print("nothing to deliver", file=out)
            _rejected_earlier(health.counts["rejected"], out)
            return DELIVERED_ALL
        rejected_before = {request.id for request in store.rejected()}
        print(f"delivering to {in_force.server_url} as kiosk {in_force.settings.kiosk_number} {_how(in_force)}",
              file=out)  # fmt: skip
        engine = SyncEngine(store, client, kiosk_number=in_force.settings.kiosk_number)

        async def run() -> bool:
            try:
                return await drain_engine(engine, store, timeout, progress_bar(out, total))
            finally:
                await engine.stop()

        emptied = asyncio.run(run())
    finally:
        client.close()
    rejected = [request for request in store.rejected() if request.id not in rejected_before]
    waiting = store.pending()
    if rejected:
        print(f"\n{len(rejected)} request(s) rejected by the server, kept in the outbox:", file=out)
        for request in rejected:
            print(f"  rejected {request.tracking_code} {request.service_id}: {request.last_error}", file=out)
    if not emptied or waiting:
        print(f"\nstopped with {len(waiting)} request(s) still waiting: {engine.status.last_result or 'timeout'}",
              file=out)  # fmt: skip
        for request in waiting[:SHOWN_WAITING]:
            print(f"  waiting {request.tracking_code} {request.service_id}: {request.last_error or 'not tried'}",
                  file=out)  # fmt: skip
        if len(waiting) > SHOWN_WAITING:
            print(f"  and {len(waiting) - SHOWN_WAITING} more: `kiosk outbox status` counts them", file=out)
    if rejected or waiting:
        _rejected_earlier(len(rejected_before), out)
        return NOT_ALL
    if rejected_before:  # the outbox is not empty: those stay, for staff to see
        print("nothing left waiting: every request waiting was delivered", file=out)
        _rejected_earlier(len(rejected_before), out)
    else:
        print("outbox empty: every request waiting was delivered", file=out)
    return DELIVERED_ALL


def _how(in_force: InForce) -> str:
    """How the server is reached, as the kiosk reaches it: the profile, and its proxy and CA file
    (the proxy's address without any user name or password in it)."""
    profile = in_force.profile
    parts = [f"profile {profile.name}"]
    if profile.proxy:
        proxy = urlsplit(profile.proxy)
        parts.append(f"through the proxy {proxy.scheme}://{proxy.hostname}:{proxy.port or ''}".rstrip(":"))
    if profile.ca_file:
        parts.append(f"trusting the CA in {profile.ca_file}")
    return f"({', '.join(parts)})"


def _rejected_earlier(count: int, out: TextIO) -> None:
    if count:
        print(f"{count} request(s) rejected earlier stay in the outbox: `kiosk outbox status` lists them", file=out)
