"""Personal data leaves the booth: after a citizen files on the real window and the request reaches
the real central server, nothing they typed is left anywhere in the kiosk's data folder (outbox and
its WAL, logs, receipts, exports), and the central database holds none of it in clear either.

The canary is read the way a thief with the disk would: every byte of every file, in UTF-8 and
UTF-16, not through the programs that wrote them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from harness.central_server import RunningCentral
from kiosk.app.logs import configure_logging
from kiosk.app.root import Kiosk
from kiosk.core.paths import KioskPaths
from kiosk.core.sealing import parse_public_key
from kiosk.core.settings import KioskSettings
from kiosk.outbox import commands
from kiosk.ui.shell import Page
from tests.support.e2e import FILED_ANSWERS, RegisteredKiosk, file_a_request, heard_from_its_server, on_loop, until
from tests.support.window import build_kiosk, click, find

CANARY = dict(
    FILED_ANSWERS,
    full_name="کاناری آزمون‌پور",
    national_id="0499370899",
    mobile="09127770431",
    postal_code="4816873451",
    address="ساری، کوچه کاناری ۷",
)


def canary_bytes() -> dict[str, list[bytes]]:
    texts = [CANARY[k] for k in ("full_name", "national_id", "mobile", "postal_code", "address")]
    return {text: [text.encode("utf-8"), text.encode("utf-16-le")] for text in texts}


def files_holding_the_canary(folder: Path) -> list[str]:
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        found += [f"{path.relative_to(folder)}: {text}" for text, forms in canary_bytes().items()
                  if any(form in data for form in forms)]  # fmt: skip
    return found


def waiting_for(condition: Callable[[], bool]) -> Callable[[], Coroutine[Any, Any, None]]:
    async def scenario() -> None:
        await until(condition, timeout=20)

    return scenario


def delivered(kiosk: Kiosk, code: str) -> Callable[[], bool]:
    return lambda: kiosk.store.find_by_tracking_code(code).state == "delivered"


def in_service(kiosk: Kiosk) -> Callable[[], bool]:
    return lambda: kiosk.window.current_page != Page.OUT_OF_SERVICE


def a_pdf_in(folder: Path) -> Callable[[], bool]:
    return lambda: any(folder.glob("*.pdf"))


@pytest.fixture
def logged_to_file(kiosk_paths: KioskPaths) -> Iterator[None]:
    """The kiosk's own log file, as ``kiosk`` writes it, at DEBUG."""
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    configure_logging(kiosk_paths)
    root.setLevel(logging.DEBUG)
    yield
    for handler in [h for h in root.handlers if h not in before]:
        handler.close()
        root.removeHandler(handler)
    root.setLevel(level)


def test_nothing_a_citizen_typed_stays_on_the_booth_or_in_clear_on_the_server(
    qtbot: QtBot, kiosk_paths: KioskPaths, registered: RegisteredKiosk, logged_to_file: None
) -> None:
    central = registered.central
    settings = KioskSettings(kiosk_number=registered.number, server_url=central.url, server_token=registered.token,
                             server_key=parse_public_key(central.sealing_key))  # fmt: skip
    heard_from_its_server(kiosk_paths.outbox, registered.number)
    for kiosk in build_kiosk(qtbot, kiosk_paths, "festival", settings):
        code = file_a_request(qtbot, kiosk, CANARY)
        click(qtbot, find(kiosk.window, "printButton"))  # no printer here: a PDF in the data folder
        qtbot.waitUntil(a_pdf_in(kiosk.paths.receipts), timeout=10_000)
        export = kiosk.paths.data / "exports" / "before-delivery.json"
        assert commands.export(kiosk.store, export, registered.number) == 0  # staff, offline, to USB
        assert files_holding_the_canary(kiosk.paths.data) == [], "in clear even before delivery"

        on_loop(kiosk, waiting_for(delivered(kiosk, code)))
        kiosk.window.end_session()
    (row,) = [r for r in central.requests() if r["tracking_code"] == code]
    assert row["fields"]["national_id"] == CANARY["national_id"], "the server opens what the kiosk sealed"
    assert files_holding_the_canary(kiosk_paths.data) == []
    assert files_holding_the_canary(central.settings.data_dir) == [], "answers in clear in the central database"


def test_a_new_kiosk_without_the_key_is_out_of_service_until_its_server_tells_it(
    qtbot: QtBot, kiosk_paths: KioskPaths, registered: RegisteredKiosk
) -> None:
    central: RunningCentral = registered.central
    settings = KioskSettings(kiosk_number=registered.number, server_url=central.url, server_token=registered.token)
    for kiosk in build_kiosk(qtbot, kiosk_paths, "festival", settings):
        assert kiosk.window.current_page == Page.OUT_OF_SERVICE, "no request could be sealed: none is taken"

        # Delivery starts with a heartbeat; its answer tells the key.
        on_loop(kiosk, waiting_for(in_service(kiosk)))
        assert kiosk.store.server_key() == parse_public_key(central.sealing_key)
        code = file_a_request(qtbot, kiosk, CANARY)

        on_loop(kiosk, waiting_for(delivered(kiosk, code)))
    (row,) = [r for r in central.requests() if r["tracking_code"] == code]
    assert row["fields"]["full_name"] == CANARY["full_name"]
