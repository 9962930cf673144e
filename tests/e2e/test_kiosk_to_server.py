"""The whole path: a citizen files a request on the real kiosk window, the kiosk's sync engine on
the qasync loop delivers it to the real central server, and the agency's answer comes back."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app.root import Kiosk
from kiosk.core.paths import KioskPaths
from kiosk.core.settings import KioskSettings
from tests.e2e.conftest import RegisteredKiosk
from tests.ui.conftest import build_kiosk, click, find
from tests.ui.test_request_flow import fill, scroll_to, tap_visible_part

os.environ.setdefault("QT_API", "pyside6")
import qasync

SERVICE = "mazandaran-gas.new-subscription"


@pytest.fixture
def connected_kiosk(qtbot: QtBot, kiosk_paths: KioskPaths, registered: RegisteredKiosk) -> Iterator[Kiosk]:
    settings = KioskSettings(kiosk_number=registered.number, server_url=registered.central.url,
                             server_token=registered.token)  # fmt: skip
    yield from build_kiosk(qtbot, kiosk_paths, "festival", settings)


def file_a_request(qtbot: QtBot, kiosk: Kiosk) -> str:
    window = kiosk.window
    click(qtbot, window.attract)
    window.open_service(SERVICE)
    click(qtbot, find(window, "startRequestButton"))
    form = window.requests.form
    answers = {"full_name": "مریم نوروزی", "national_id": "0012345679", "mobile": "09111234567",
               "unit_count": "2", "postal_code": "4816813311", "address": "ساری، میدان امام"}  # fmt: skip
    for field_id, text in answers.items():
        fill(qtbot, form, field_id, text)
    for row in form.rows:
        if row.choices is not None:
            scroll_to(qtbot, form, row.choices.buttons()[0])
            tap_visible_part(qtbot, row.choices.buttons()[0])
    click(qtbot, find(form, "reviewButton"))
    click(qtbot, find(window, "reviewConsent"))
    click(qtbot, find(window, "submitButton"))
    return window.requests.receipt.tracking_code


def run_on_qasync(coroutine_factory) -> None:
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


def test_a_request_filed_on_screen_reaches_the_server_and_nothing_personal_is_logged(
    qtbot: QtBot, connected_kiosk: Kiosk, registered: RegisteredKiosk, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    code = file_a_request(qtbot, connected_kiosk)
    assert connected_kiosk.store.find_by_tracking_code(code).state == "pending"

    async def deliver() -> None:
        engine = await connected_kiosk.start_sync_soon()  # as the kiosk's run() starts delivering
        assert engine is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 20
        while connected_kiosk.store.find_by_tracking_code(code).state != "delivered":
            assert loop.time() < deadline, engine.status
            await asyncio.sleep(0.02)
        await connected_kiosk.stop_sync()

    run_on_qasync(deliver)
    (row,) = [r for r in registered.central.requests() if r["tracking_code"] == code]
    assert row["service_id"] == SERVICE and row["kiosk_number"] == registered.number
    assert row["fields"]["national_id"] == "0012345679" and row["fields"]["mobile"] == "09111234567"
    assert row["mode"] == "demo" and row["profile"] == "festival"
    for secret in ("0012345679", "09111234567", "مریم"):
        assert secret not in caplog.text, "personal data in the log"
    assert code in caplog.text  # the tracking code is what staff search the log by
