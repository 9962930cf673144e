"""Catalog updates and "track my request", end to end: the real kiosk window on the qasync loop
against the real central server on 127.0.0.1."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app.root import Kiosk
from kiosk.core.catalog import catalog_document
from kiosk.core.paths import KioskPaths
from kiosk.core.release_signing import parse_signing_key
from kiosk.core.sealing import parse_public_key
from kiosk.core.settings import KioskSettings
from kiosk.core.tracking import make_tracking_code
from kiosk.link.catalog_updates import OFFLINE, REFUSED, UNCHANGED, UPDATED
from kiosk.link.lookup import WRONG_DIGITS
from kiosk.ui.screens.track import ASKING
from kiosk.ui.shell import Page
from tests.support.e2e import RegisteredKiosk, file_a_request, heard_from_its_server, on_loop, until
from tests.support.factories import without_agency
from tests.support.window import build_kiosk, click, find


def renamed_catalog(kiosk_paths: KioskPaths, version: str) -> dict[str, Any]:
    document = catalog_document(kiosk_paths.catalog, kiosk_paths.icons)
    document["version"] = version
    water = next(a for a in document["agencies"] if a["id"] == "mazandaran-water")
    water["short_name"] = {"fa": "آبفای مازندران نو", "en": "Water (new)"}
    return document


def tile_text(kiosk: Kiosk, agency_id: str) -> str:
    tile = find(kiosk.window, f"agencyTile:{agency_id}")
    return tile._name.text()


def test_a_published_catalog_arrives_between_citizens_not_during_a_session(
    qtbot: QtBot, connected_kiosk: Kiosk, registered: RegisteredKiosk, kiosk_paths: KioskPaths
) -> None:
    kiosk = connected_kiosk
    window = kiosk.window

    async def scenario() -> None:
        await until(lambda: kiosk.updater is not None)  # the link starts after the first frame
        updater = kiosk.updater
        assert updater is not None
        await until(lambda: updater.last_result == OFFLINE)  # nothing published yet: keep the bundled one
        click(qtbot, window.attract)  # a citizen is at the screen
        registered.central.publish_catalog(renamed_catalog(kiosk_paths, "e2e-2"))
        assert await updater.check_once() == UPDATED
        assert window.current_page == Page.HOME
        assert tile_text(kiosk, "mazandaran-water") != "آبفای مازندران نو", "swapped in mid-session"
        assert kiosk.content.catalog.version != "e2e-2"
        window.idle_prompt.seconds = 0
        window.idle_timer.setInterval(50)
        window.idle_timer.start()
        await until(lambda: window.current_page == Page.ATTRACT)
        assert kiosk.content.catalog.version == "e2e-2"
        assert window.catalog.source == "server"
        click(qtbot, window.attract)
        assert tile_text(kiosk, "mazandaran-water") == "آبفای مازندران نو"
        assert kiosk.desk.context.catalog_version == "e2e-2"
        assert await updater.check_once() == UNCHANGED  # If-None-Match: 304

    on_loop(kiosk, scenario)
    assert (kiosk_paths.cached_catalog / "catalog.json").is_file(), "kept for the next start, offline too"


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda d: d["agencies"][0]["services"][0].update(related=["nowhere.nothing"]), "unknown service"),
        (lambda d: d["agencies"][1]["services"][0]["title"].pop("en"), "title.en: is missing"),
        (lambda d: without_agency(d, "mazandaran-water"), "unknown agency 'mazandaran-water'"),
        (lambda d: d["agencies"][0].update(about={"fa": "ا" * 9_000_000, "en": "x"}), "larger than"),
    ],
    ids=["unknown-reference", "missing-translation", "agency-the-profile-needs", "oversized"],
)
def test_a_broken_catalog_from_the_server_is_refused_and_reported(
    qtbot: QtBot, kiosk_paths: KioskPaths, registered: RegisteredKiosk, damage: Any, words: str
) -> None:
    settings = KioskSettings(kiosk_number=registered.number, server_url=registered.central.url,
                             server_token=registered.token,
                             signing_keys=(parse_signing_key(registered.central.signing_key),))  # fmt: skip
    for kiosk in build_kiosk(qtbot, kiosk_paths, "water-booth", settings):
        before = kiosk.content.catalog.version
        broken = copy.deepcopy(renamed_catalog(kiosk_paths, "broken-1"))
        damage(broken)
        registered.central.store.catalogs.publish(broken)  # as a faulty or older server would serve it

        async def scenario(kiosk: Kiosk = kiosk) -> None:
            await until(lambda: kiosk.updater is not None)  # the link starts after the first frame
            updater = kiosk.updater
            assert updater is not None
            await until(lambda: updater.last_result != "")
            assert updater.last_result == REFUSED
            assert words in (updater.last_refusal or "")
            kiosk.engine._next_heartbeat = 0  # heartbeat now rather than in a minute
            kiosk.engine.wake()
            await until(lambda: any(words in (b["catalog_refused"] or "") for b in registered.central.heartbeats()))
            row = next(k for k in registered.central.store.kiosks.fleet() if k.number == registered.number)
            assert words in (row.catalog_refused or ""), "kept on the kiosk's row for the fleet page"

        on_loop(kiosk, scenario)
        kiosk.window.end_session()
        assert kiosk.content.catalog.version == before, "the last good catalog stays"
        assert not (kiosk_paths.cached_catalog / "catalog.json").exists()


def type_on_keypad(qtbot: QtBot, kiosk: Kiosk, code: str) -> None:
    screen = kiosk.window.tracking.screen
    for digit in code:
        click(qtbot, find(screen, f"keypad:{digit}"))


def test_track_my_request_reads_the_agency_s_answer(
    qtbot: QtBot, connected_kiosk: Kiosk, registered: RegisteredKiosk
) -> None:
    kiosk = connected_kiosk
    window = kiosk.window
    code = file_a_request(qtbot, kiosk)
    click(qtbot, find(window, "doneButton"))

    async def scenario() -> None:
        await until(lambda: kiosk.store.find_by_tracking_code(code).state == "delivered")
        registered.central.set_status(code, "rejected", "سند مالکیت پیوست نشده است")
        click(qtbot, window.attract)
        click(qtbot, find(window, "trackButton"))
        screen = window.tracking.screen
        assert window.current_page == Page.TRACK and screen is not None

        # One digit mistyped: caught here, nobody is asked.
        wrong = code[:5] + str((int(code[5]) + 1) % 10) + code[6:]
        type_on_keypad(qtbot, kiosk, wrong)
        click(qtbot, find(screen, "checkCodeButton"))
        assert "اشتباه" in screen.status.text() or "درست نیست" in screen.status.text()
        assert "رسید" in screen.details.text()

        for _ in wrong:
            click(qtbot, find(screen, "keypad:backspace"))
        type_on_keypad(qtbot, kiosk, code)
        click(qtbot, find(screen, "checkCodeButton"))
        await until(lambda: screen.answer is not None and screen.answer.kind == "found")
        assert "پذیرفته نشد" in screen.status.text()
        assert "۱۴۰" in screen.details.text()  # the date of the change, Jalali, Persian digits
        # The staff's reason only with the last four digits of the mobile on the request.
        assert "سند مالکیت" not in screen.details.text() and screen.reason_box.isVisible()
        for digits, problem in (("1111", WRONG_DIGITS), ("4567", None)):
            find(screen, "mobileDigitsField").clear()
            type_on_keypad(qtbot, kiosk, digits)
            click(qtbot, find(screen, "showReasonButton"))
            await until(lambda: screen.reason_problem != ASKING)
            assert screen.reason_problem == problem
        assert "سند مالکیت پیوست نشده است" in screen.details.text()
        for secret in ("0012345679", "09111234567", "مریم"):
            assert secret not in screen.details.text() + screen.status.text()

        # A well-formed code nobody filed: "not found", and nothing else.
        for _ in code:
            click(qtbot, find(screen, "keypad:backspace"))
        type_on_keypad(qtbot, kiosk, make_tracking_code(registered.number, 5))
        click(qtbot, find(screen, "checkCodeButton"))
        await until(lambda: screen.answer is not None and screen.answer.kind == "not_found")
        assert "پیدا نشد" in screen.status.text()

    on_loop(kiosk, scenario)
    window.end_session()
    assert window.tracking.screen is None, "the typed code goes with the session"


def test_track_offline_says_so_and_shows_what_this_kiosk_knows(
    qtbot: QtBot, kiosk_paths: KioskPaths, registered: RegisteredKiosk
) -> None:
    dead = KioskSettings(kiosk_number=registered.number, server_url="http://127.0.0.1:9", server_token="x",
                         server_key=parse_public_key(registered.central.sealing_key))  # fmt: skip
    heard_from_its_server(kiosk_paths.outbox, registered.number)
    for kiosk in build_kiosk(qtbot, kiosk_paths, "festival", dead):
        code = file_a_request(qtbot, kiosk)
        click(qtbot, find(kiosk.window, "doneButton"))

        async def scenario(kiosk: Kiosk = kiosk, code: str = code) -> None:
            click(qtbot, kiosk.window.attract)
            click(qtbot, find(kiosk.window, "trackButton"))
            screen = kiosk.window.tracking.screen
            type_on_keypad(qtbot, kiosk, code)
            click(qtbot, find(screen, "checkCodeButton"))
            await until(lambda: screen.answer is not None)
            assert screen.answer.kind == "offline" and screen.answer.local_state == "pending"
            assert "دسترس" in screen.status.text()
            assert "همین کیوسک" in screen.details.text()

        on_loop(kiosk, scenario)
