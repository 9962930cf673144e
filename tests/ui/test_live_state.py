"""A staff profile switch and a catalog from the server reach every part that uses them, through the
one owner of what is in force (``kiosk.core.live_state``): header, home, attract loop, request
desk and usage log here; the catalog updater and the heartbeat in tests/e2e/test_live_state.py."""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app.root import Kiosk
from kiosk.core.catalog import Catalog, catalog_document, parse_catalog_document
from kiosk.core.live_state import Change, InForce
from kiosk.core.paths import KioskPaths
from kiosk.core.sealing import Opener
from kiosk.outbox.store import OutboxError
from kiosk.outbox.usage import UsageLog
from kiosk.ui.shell import Page
from tests.support.factories import without_agency
from tests.support.window import build_kiosk, click

WATER = "mazandaran-water"
WATER_SERVICE = "mazandaran-water.new-connection"


@pytest.fixture
def kiosk(qtbot: QtBot, kiosk_paths: KioskPaths) -> Iterator[Kiosk]:
    yield from build_kiosk(qtbot, kiosk_paths, "festival")


def renamed_water(kiosk: Kiosk, version: str) -> Catalog:
    """The catalog in force with the water company renamed, as a server would publish it."""
    paths = kiosk.paths
    document = copy.deepcopy(catalog_document(paths.catalog, paths.icons))
    document["version"] = version
    water = next(a for a in document["agencies"] if a["id"] == WATER)
    water["name"] = {"fa": "آبفای نو", "en": "New Water"}
    water["short_name"] = {"fa": "آبفای نو", "en": "New Water"}
    return parse_catalog_document(document, "test", paths.icons, source="server")


def switch_to_water_booth(kiosk: Kiosk) -> InForce:
    assert kiosk.state is not None
    kiosk.state.switch_profile("water-booth")
    return kiosk.state.current


def test_each_change_is_announced_once(kiosk: Kiosk) -> None:
    assert kiosk.state is not None
    heard: list[Change] = []
    kiosk.state.subscribe(lambda _in_force, change: heard.append(change))
    switch_to_water_booth(kiosk)
    kiosk.state.offer_catalog(renamed_water(kiosk, "v2"))
    kiosk.window.end_session()
    assert heard == [Change.PROFILE, Change.CATALOG_WAITING, Change.CATALOG]


def test_the_header_shows_the_profile_in_force(kiosk: Kiosk) -> None:
    header = kiosk.window.header
    assert header.title.whole == "کیوسک خدمات الکترونیک مازندران"
    switch_to_water_booth(kiosk)
    assert header.title.whole == "غرفه آب و فاضلاب مازندران"
    assert header.logo.isVisibleTo(header) and header.demo_badge.isVisibleTo(header)
    kiosk.state.switch_profile("sari-lobby")
    assert header.title.whole == "کیوسک خدمات شهرداری ساری"
    assert not header.demo_badge.isVisibleTo(header), "sari-lobby is live"


def test_home_shows_the_profile_and_catalog_in_force(qtbot: QtBot, kiosk: Kiosk) -> None:
    home = kiosk.window.home
    assert len(home.agency_tiles) > 1
    switch_to_water_booth(kiosk)
    assert [t.agency.id for t in home.agency_tiles] == [WATER]
    kiosk.state.offer_catalog(renamed_water(kiosk, "v2"))  # on the attract loop: in at once
    assert kiosk.content.catalog.version == "v2"
    click(qtbot, kiosk.window.attract)
    assert kiosk.window.current_page == Page.HOME
    assert home.agency_tiles[0].agency.name.fa == "آبفای نو"


def test_a_catalog_waits_for_the_citizen_to_leave(qtbot: QtBot, kiosk: Kiosk) -> None:
    click(qtbot, kiosk.window.attract)
    kiosk.state.offer_catalog(renamed_water(kiosk, "v2"))
    assert kiosk.window.current_page == Page.HOME, "not swapped in under a citizen"
    assert kiosk.content.catalog.version != "v2"
    kiosk.window.end_session()
    assert kiosk.content.catalog.version == "v2"
    assert kiosk.window.catalog is kiosk.state.current.catalog


def test_a_waiting_catalog_is_checked_again_against_the_profile_in_force(qtbot: QtBot, kiosk: Kiosk) -> None:
    """Staff switch to the water booth after a catalog without the water company was accepted
    for the festival: it is refused when it would go in, and the kiosk keeps what it shows."""
    paths = kiosk.paths
    document = catalog_document(paths.catalog, paths.icons)
    document["version"] = "no-water"
    without_agency(document, WATER)
    no_water = parse_catalog_document(document, "test", paths.icons, source="server")
    click(qtbot, kiosk.window.attract)
    assert kiosk.state.catalog_problems(no_water) == []
    kiosk.state.offer_catalog(no_water)
    switch_to_water_booth(kiosk)  # staff: ends the session
    kiosk.window.end_session()
    assert kiosk.content.catalog.version != "no-water"
    assert "mazandaran-water" in (kiosk.state.catalog_refusal or "")
    assert [t.agency.id for t in kiosk.window.home.agency_tiles] == [WATER]


def test_the_attract_loop_shows_the_profile_in_force(kiosk: Kiosk) -> None:
    attract = kiosk.window.attract
    switch_to_water_booth(kiosk)
    assert attract.title.text() == "غرفه آب و فاضلاب مازندران"
    for _ in range(3):  # one agency: every slide is the water company's
        attract._next_slide()
        assert attract.slide_title.text() == "شرکت آب و فاضلاب استان مازندران"
    kiosk.state.offer_catalog(renamed_water(kiosk, "v2"))
    assert attract.slide_title.text() == "آبفای نو"


def test_the_desk_files_under_what_is_in_force(kiosk: Kiosk) -> None:
    desk, store = kiosk.desk, kiosk.store
    assert desk is not None and store is not None
    service = kiosk.content.catalog.service(WATER_SERVICE)
    desk.submit(service, {"full_name": "زهرا حسینی"})
    kiosk.state.switch_profile("sari-lobby")  # live: answers must be sealed, and no key is known yet
    assert kiosk.window.current_page == Page.OUT_OF_SERVICE
    with pytest.raises(OutboxError, match="key is not known"):
        desk.submit(service, {"full_name": "زهرا حسینی"})
    store.learn_server_key(Opener(os.urandom(32)).public_key)  # as the server's answer to a heartbeat
    assert kiosk.check_server() and kiosk.window.current_page != Page.OUT_OF_SERVICE
    kiosk.state.offer_catalog(renamed_water(kiosk, "v2"))
    kiosk.state.save_connection(12, None, None)
    desk.submit(service, {"full_name": "زهرا حسینی"})
    first, second = store.pending()
    assert (first.mode, first.body["profile"]) == ("demo", "festival")
    assert (second.mode, second.body["profile"], second.body["catalog_version"]) == ("live", "sari-lobby", "v2")
    assert first.tracking_code.startswith("001") and second.tracking_code.startswith("012")


def test_the_usage_log_counts_under_the_profile_in_force(qtbot: QtBot, kiosk: Kiosk) -> None:
    window, store = kiosk.window, kiosk.store
    click(qtbot, window.attract)
    window.open_service(WATER_SERVICE)
    window.end_session()
    switch_to_water_booth(kiosk)
    click(qtbot, window.attract)
    window.open_service(WATER_SERVICE)
    window.end_session()
    viewed = [e for _id, e in store.unsent_usage() if e["kind"] == "service_viewed"]
    assert [(e["profile"], e["mode"]) for e in viewed] == [("festival", "demo"), ("water-booth", "demo")]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_795_000_000.0

    def __call__(self) -> float:
        return self.now


def test_the_window_times_each_service_card_until_it_is_left(qtbot: QtBot, kiosk: Kiosk) -> None:
    """Time on a card, for the organisers' usage page: from the view until the card is first left
    (a request started, Back, Home); up to the last touch when the idle prompt takes the citizen away."""
    window, store, state = kiosk.window, kiosk.store, kiosk.state
    assert store is not None and state is not None
    clock = FakeClock()
    window.usage = UsageLog(store, lambda: state.current.profile, clock)
    click(qtbot, window.attract)
    window.open_service(WATER_SERVICE)
    clock.now += 20
    window.back()
    window.open_service(WATER_SERVICE)
    clock.now += 8.5
    window.open_form(WATER_SERVICE)  # starting its request leaves the card
    clock.now += 30
    window.back()  # back on the card from an empty form: the same view, already timed
    assert window.current_page == Page.SERVICE
    window.go_home()
    window.open_service(WATER_SERVICE)
    clock.now += 100.25
    window.idle_timer.setInterval(50)  # the idle prompt, 0.05 s after the last touch
    window.idle_timer.start()
    qtbot.waitUntil(lambda: window.idle_prompt.showing, timeout=3000)
    clock.now += 30  # the countdown: nobody there
    window.end_session()
    viewed = [e for _id, e in store.unsent_usage() if e["kind"] == "service_viewed"]
    assert [e["duration_seconds"] for e in viewed] == [20.0, 8.5, 100.2]
