"""What the end-to-end tests share: a kiosk registered with the real central server, requests put
straight into its outbox, a request filed by taps on the real window, and the qasync loop the
kiosk's delivery engine runs on beside that window."""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from harness.central_server import RunningCentral
from kiosk.app.root import Kiosk
from kiosk.core.sealing import Sealer
from kiosk.link.client import CentralClient
from kiosk.outbox.store import OutboxRequest, OutboxStore
from tests.support.window import click, fill_form, find

os.environ.setdefault("QT_API", "pyside6")  # qasync picks its Qt binding when imported
import qasync

# A citizen's answers in the requests ``enqueue`` puts in the outbox.
QUEUED_FIELDS = {"full_name": "زهرا حسین‌زاده", "national_id": "0012345679", "mobile": "09111234567", "agree": True}
# The service ``file_a_request`` files a request for on the window.
FILED_SERVICE = "mazandaran-gas.new-subscription"


@dataclass
class RegisteredKiosk:
    central: RunningCentral
    number: int
    token: str

    def client(self, timeout: tuple[float, float] = (2.0, 5.0), url: str | None = None) -> CentralClient:
        return CentralClient(url or self.central.url, self.token, timeout=timeout)


def enqueue(
    store: OutboxStore, number: int, n: int, service: str = "mazandaran-water.new-connection"
) -> list[OutboxRequest]:
    """``n`` requests committed to the outbox with ``QUEUED_FIELDS``: sealed to the server's key when
    the outbox knows one, as the request desk commits them; else in clear, as a kiosk before
    sealing did (the server takes both)."""
    key = store.server_key()
    answers = {"sealed_fields": Sealer(key).seal(QUEUED_FIELDS)} if key else {"fields": QUEUED_FIELDS}
    body = {"profile": "festival", "catalog_version": "test-1", **answers}
    return [store.enqueue(number, service, service.split(".")[0], "demo", body) for _ in range(n)]


# What ``file_a_request`` types, unless told otherwise.
FILED_ANSWERS = {"full_name": "مریم نوروزی", "national_id": "0012345679", "mobile": "09111234567",
                 "unit_count": "2", "postal_code": "4816813311", "address": "ساری، میدان امام"}  # fmt: skip


def file_a_request(qtbot: QtBot, kiosk: Kiosk, answers: dict[str, str] | None = None) -> str:
    """A citizen files a request for ``FILED_SERVICE`` by taps alone, question by question (typing
    ``answers``, by default ``FILED_ANSWERS``, and the first option of each choice); returns its
    tracking code."""
    window = kiosk.window
    click(qtbot, window.attract)
    window.open_service(FILED_SERVICE)
    click(qtbot, find(window, "startRequestButton"))
    form = window.requests.form
    first_options = {s.spec.id: s.spec.choices[0].id for s in form.steps if s.options is not None}
    fill_form(qtbot, form, {**first_options, **(answers or FILED_ANSWERS)})
    click(qtbot, find(window, "reviewConsent"))
    click(qtbot, find(window, "submitButton"))
    return window.requests.receipt.tracking_code


def run_on_qasync(coroutine_factory: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run the coroutine on a qasync loop over the test's QApplication, as the kiosk's own run() does."""
    from PySide6.QtWidgets import QApplication

    loop = qasync.QEventLoop(QApplication.instance(), already_running=False)
    try:
        loop.run_until_complete(coroutine_factory())
    finally:
        loop.close()
        asyncio.set_event_loop(None)
        # The loop's QTimers must die here, on the GUI thread: left to the garbage collector they
        # may be collected in a worker thread of the next test ("Timers cannot be stopped...").
        del loop
        gc.collect()


def on_loop(kiosk: Kiosk, scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    async def wrapped() -> None:
        kiosk.start_sync()
        try:
            await scenario()
        finally:
            await kiosk.stop_sync()

    run_on_qasync(wrapped)


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.02)


def heard_from_its_server(outbox: Path, number: int) -> None:
    """The kiosk has reached its server before (installed online, then restarted): its outbox
    knows the highest tracking code the server holds for it (none), so it takes requests at once
    instead of waiting for its first heartbeat's answer (a new outbox does: test_privacy.py)."""
    store = OutboxStore(outbox)
    try:
        store.raise_sequence_floor(number, 0)
    finally:
        store.close()
