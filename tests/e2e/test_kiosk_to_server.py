"""The whole path: a citizen files a request on the real kiosk window, the kiosk's sync engine on
the qasync loop delivers it to the real central server, and the agency's answer comes back."""

from __future__ import annotations

import asyncio
import logging

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app.root import Kiosk
from tests.support.e2e import FILED_SERVICE, RegisteredKiosk, file_a_request, run_on_qasync


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
    assert row["service_id"] == FILED_SERVICE and row["kiosk_number"] == registered.number
    assert row["fields"]["national_id"] == "0012345679" and row["fields"]["mobile"] == "09111234567"
    assert row["mode"] == "demo" and row["profile"] == "festival"
    for secret in ("0012345679", "09111234567", "مریم"):
        assert secret not in caplog.text, "personal data in the log"
    assert code in caplog.text  # the tracking code is what staff search the log by
