"""A citizen taps through the kiosk: attract -> home -> agency -> service -> back -> home."""

from __future__ import annotations

import dataclasses
import re

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from kiosk.app.root import Kiosk
from kiosk.core.catalog import ServiceDesk
from kiosk.core.datafile import LocalText
from kiosk.core.paths import KioskPaths
from kiosk.ui.shell import Page
from kiosk.ui.widgets import qr
from tests.support.window import build_kiosk, click, find, type_text

ASCII_DIGIT = re.compile("[0-9]")


def start(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    assert window.current_page == Page.ATTRACT
    click(qtbot, window.attract)
    assert window.current_page == Page.HOME


def visible_texts(root: QWidget) -> list[str]:
    return [label.text() for label in root.findChildren(QLabel) if label.isVisibleTo(root) and label.text()]


def test_tap_agency_service_back_home(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    start(qtbot, window and kiosk)
    agency = window.home.agency_tiles[1].agency
    service = agency.services[0]

    click(qtbot, find(window, f"agencyTile:{agency.id}"))
    assert window.current_page == Page.AGENCY
    assert window.agency.title.text() == kiosk.localizer.text(agency.name)
    assert [t.service.id for t in window.agency.service_tiles] == [s.id for s in agency.services]

    click(qtbot, find(window, f"serviceTile:{service.id}"))
    assert window.current_page == Page.SERVICE
    assert window.service.title.text() == kiosk.localizer.text(service.title)
    assert window.service.qr.data == service.online_address

    click(qtbot, find(window, "backButton"))
    assert window.current_page == Page.AGENCY
    assert window.agency.agency == agency

    click(qtbot, find(window, f"serviceTile:{agency.services[-1].id}"))
    click(qtbot, find(window, "homeButton"))
    assert window.current_page == Page.HOME
    assert not find(window, "backButton").isVisible()


def test_back_from_an_agency_reached_from_home_goes_home(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    start(qtbot, kiosk)
    click(qtbot, window.home.agency_tiles[0])
    click(qtbot, find(window, "backButton"))
    assert window.current_page == Page.HOME


def test_home_shows_every_agency_of_the_profile_with_persian_digits(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    start(qtbot, kiosk)
    catalog = kiosk.content.catalog
    assert [t.agency.id for t in window.home.agency_tiles] == [a.id for a in catalog.agencies]
    texts = visible_texts(window)
    assert texts, "nothing visible"
    assert not [t for t in texts if ASCII_DIGIT.search(t)], "Latin digits on a Persian screen"
    assert "۱۴" in window.header.date.text()  # the Jalali year 14xx, in Persian digits
    assert window.header.date.text() == kiosk.localizer.today()


def test_service_card_shows_everything(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    start(qtbot, kiosk)
    service = kiosk.content.catalog.services[0]
    window.open_service(service.id)
    texts = "\n".join(visible_texts(window.service))
    shown = kiosk.localizer.text
    for part in (service.summary, service.audience, service.steps[0], service.steps[-1], *service.documents):
        assert shown(part) in texts
    assert kiosk.localizer.fee(service.fee, kiosk.content.profile.currency) in texts
    assert kiosk.localizer.typical_time(service.time) in texts
    assert window.service.qr.modules, "no QR code drawn"


def test_the_card_says_what_the_service_desk_directive_asks_when_the_agency_gave_it(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    start(qtbot, kiosk)
    plain = kiosk.content.catalog.services[0]
    window.open_service(plain.id)
    assert "دربارهٔ این خدمت" not in visible_texts(window.service), "a card without the facts shows no section"
    desk = ServiceDesk(
        code="12345678901", kind="G2C", legal_basis=LocalText("قانون آب", "Water Act"),
        unit=LocalText("ادارهٔ مشترکین", "Customer office"), national_window="https://my.gov.ir/s/12345678901",
    )  # fmt: skip
    agency = kiosk.content.catalog.agency(plain.agency_id)
    window.service.show_service(dataclasses.replace(plain, desk=desk, last_verified="2026-11-30"), agency, "rial")
    texts = visible_texts(window.service)
    assert "دربارهٔ این خدمت" in texts
    joined = "\n".join(texts).replace("\u2060", "")  # addresses carry word joiners: never broken
    for words in ("شناسهٔ خدمت", "۱۲۳۴۵۶۷۸۹۰۱", "خدمت به شهروندان (G2C)", "قانون آب", "ادارهٔ مشترکین",
                  "my.gov.ir/s/12345678901", "آخرین بررسی اداره", "۹ آذر ۱۴۰۵"):  # fmt: skip
        assert words in joined, words
    assert "قانون آب" in "\n".join(window.service.spoken_lines())
    kiosk.localizer.set_language("en")
    window.service.retranslate()
    joined = "\n".join(visible_texts(window.service))
    for words in ("About this service", "Service ID", "a service to citizens (G2C)", "Water Act", "Azar 9, 1405"):
        assert words in joined, words


def test_every_interactive_widget_is_named_and_big_enough(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    start(qtbot, kiosk)
    agency = kiosk.content.catalog.agencies[0]
    checked = 0
    for show in (
        lambda: None,
        lambda: window.open_agency(agency.id),
        lambda: window.open_service(agency.services[0].id),
    ):
        show()
        for widget in window.findChildren(QWidget):
            if not widget.isVisibleTo(window) or not isinstance(widget, (QAbstractButton, QLineEdit)):
                continue
            if widget.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents):
                continue  # a picture inside another control, not something to tap
            checked += 1
            assert widget.objectName(), f"unnamed {type(widget).__name__}"
            assert widget.accessibleName(), f"{widget.objectName()} has no accessible name"
            assert widget.height() >= 64, f"{widget.objectName()} is {widget.height()} px high"
    assert checked > 20


def test_idling_returns_to_the_attract_loop_and_forgets_the_session(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    start(qtbot, kiosk)
    assert window.idle_timer.interval() == kiosk.content.profile.idle_timeout_seconds * 1000
    type_text(find(window, "searchField"), "قبض")
    kiosk.localizer.set_language("en")
    window.idle_timer.setInterval(150)
    window.idle_prompt.seconds = 1
    click(qtbot, find(window, "searchField"))  # activity restarts the timer at the new interval
    qtbot.waitUntil(lambda: window.idle_prompt.showing, timeout=3000)
    assert window.idle_prompt.countdown.text().endswith(": 1"), "the countdown"
    assert window.current_page == Page.HOME, "nothing is wiped while the prompt asks"
    with qtbot.waitSignal(window.session_ended, timeout=3000):
        pass
    assert window.current_page == Page.ATTRACT and not window.idle_prompt.showing
    assert window.home.search_field.text() == ""
    assert not window.home.search_field.isUndoAvailable()
    assert kiosk.localizer.language == "fa"


def test_activity_keeps_the_session_alive(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    start(qtbot, kiosk)
    window.idle_timer.setInterval(400)
    window.idle_timer.start()
    for _ in range(4):
        qtbot.wait(150)
        click(qtbot, window.home.search_field)
    assert window.current_page == Page.HOME
    assert not window.idle_prompt.showing, "each tap started the idle clock over"


def test_still_here_keeps_the_session(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    start(qtbot, kiosk)
    type_text(find(window, "searchField"), "قبض")
    window.idle_timer.setInterval(100)
    window.idle_timer.start()
    qtbot.waitUntil(lambda: window.idle_prompt.showing, timeout=3000)
    click(qtbot, find(window, "stillHereButton"))
    assert not window.idle_prompt.showing
    assert window.current_page == Page.HOME and window.home.search_field.text() == "قبض"
    assert window.idle_timer.isActive(), "the idle clock starts over"


def test_tab_reaches_every_control_on_home_in_reading_order(qtbot: QtBot, kiosk: Kiosk) -> None:
    """For a technician's keyboard and for screen readers: every control is reachable with Tab."""
    window = kiosk.window
    start(qtbot, kiosk)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    window.home.search_field.setFocus()
    seen: list[str] = []
    for _ in range(60):
        focused = QApplication.focusWidget()
        if focused is not None and focused.objectName() and focused.objectName() not in seen:
            seen.append(focused.objectName())
        qtbot.keyClick(focused or window, Qt.Key.Key_Tab)
    expected = {"searchField", "trackButton", "largeTextButton", "contrastButton", "languageButton"}
    expected |= {f"agencyTile:{a.id}" for a in kiosk.content.catalog.agencies}
    assert expected <= set(seen), f"never reached: {expected - set(seen)}"
    tiles = [name for name in seen if name.startswith("agencyTile:")]
    assert tiles == [f"agencyTile:{a.id}" for a in kiosk.content.catalog.agencies], "tiles in catalog order"


def test_the_service_cards_qr_codes_are_encoded_before_a_citizen_taps(qtbot: QtBot, kiosk_paths: KioskPaths) -> None:
    """Encoding a QR code takes milliseconds a tap should not wait for: the window encodes every
    service address in idle time after its first frame. A receipt's one-off code is not kept."""
    qr._kept_modules.cache_clear()
    kiosks = build_kiosk(qtbot, kiosk_paths)
    kiosk = next(kiosks)
    try:
        window = kiosk.window
        qtbot.waitUntil(lambda: not window.working_ahead, timeout=20_000)
        encoded = qr._kept_modules.cache_info()
        services = [s for s in kiosk.content.catalog.services if s.online_address]
        assert encoded.currsize == len({s.online_address for s in services}) > 0
        for service in services:
            window.open_service(service.id)
            assert window.service.qr.modules
        assert qr._kept_modules.cache_info().misses == encoded.misses, "a tap on a service waited for its QR code"
        receipt_code = qr.QrView("https://example.invalid/track/K7-0042", keep=False)
        assert receipt_code.modules
        assert qr._kept_modules.cache_info().currsize == encoded.currsize
        receipt_code.deleteLater()
    finally:
        kiosks.close()


def test_new_content_leaves_no_old_tile_behind(qtbot: QtBot, kiosk: Kiosk) -> None:
    """A new catalog (or profile) replaces home's tiles at once: no old tile stays under a new
    tile's name until Qt's next deferred deletion."""
    window = kiosk.window
    old = list(window.home.agency_tiles)
    kiosk.state.switch_profile("festival")  # the same profile again: new tiles all the same
    agency = kiosk.content.catalog.agencies[0]
    assert len(window.findChildren(QWidget, f"agencyTile:{agency.id}")) == 1
    assert not any(shiboken6.isValid(tile) for tile in old)
    start(qtbot, kiosk)
    click(qtbot, find(window, f"agencyTile:{agency.id}"))
    assert window.current_page == Page.AGENCY


def test_every_card_and_list_starts_at_its_top_for_every_citizen(qtbot: QtBot, kiosk: Kiosk) -> None:
    """A card or an agency's list shown again opened where someone had scrolled it: the next card,
    and the next citizen's."""
    window = kiosk.window
    start(qtbot, kiosk)
    click(qtbot, find(window, "largeTextButton"))  # every agency's list scrolls then, at 1366x768
    agency = max(kiosk.content.catalog.agencies, key=lambda a: len(a.services))
    click(qtbot, find(window, f"agencyTile:{agency.id}"))
    lists = (window.agency.scroll, window.service.scroll, window.service.side_scroll)

    def scroll_down(*areas) -> None:
        for area in areas:
            bar = area.verticalScrollBar()
            assert bar.maximum() > 0, "it does not scroll"
            bar.setValue(bar.maximum())

    scroll_down(window.agency.scroll)
    click(qtbot, find(window, f"serviceTile:{agency.services[0].id}"))
    scroll_down(window.service.scroll, window.service.side_scroll)
    click(qtbot, find(window, "backButton"))
    assert window.agency.scroll.verticalScrollBar().value() == 0, "the agency's list, shown again"
    click(qtbot, find(window, f"serviceTile:{agency.services[1].id}"))
    assert [a.verticalScrollBar().value() for a in lists[1:]] == [0, 0], "the next card"
    scroll_down(window.service.scroll, window.service.side_scroll)
    window.end_session()  # the citizen walks away
    start(qtbot, kiosk)
    click(qtbot, find(window, f"agencyTile:{agency.id}"))
    click(qtbot, find(window, f"serviceTile:{agency.services[1].id}"))
    assert [a.verticalScrollBar().value() for a in lists] == [0, 0, 0], "the next citizen's card"


def test_home_shows_every_agency_at_once_or_on_pages_turned_by_big_buttons(qtbot: QtBot, kiosk: Kiosk) -> None:
    """On the smallest screen all fourteen agencies show at once; with large text they go on two
    pages, «بعدی» and «قبلی» turn them, and the next citizen starts on the first."""
    window = kiosk.window
    home = window.home
    start(qtbot, kiosk)
    tiles = home.agency_tiles
    assert len(tiles) == 14 and all(t.isVisible() for t in tiles)
    assert not find(home, "nextPageButton").isVisible()
    click(qtbot, find(window, "largeTextButton"))
    grid = home.grid
    assert grid.pages == 2
    next_button, previous_button = find(home, "nextPageButton"), find(home, "previousPageButton")
    assert next_button.text() == "بعدی" and previous_button.text() == "قبلی"
    assert find(home, "pageLabel").text() == "صفحه ۱ از ۲"
    first = [t for t in tiles if t.isVisible()]
    assert not previous_button.isEnabled() and next_button.height() >= 72
    click(qtbot, next_button)
    second = [t for t in tiles if t.isVisible()]
    assert find(home, "pageLabel").text() == "صفحه ۲ از ۲" and not next_button.isEnabled()
    assert not set(first) & set(second) and len(first) + len(second) == 14
    click(qtbot, previous_button)
    assert [t for t in tiles if t.isVisible()] == first
    click(qtbot, next_button)
    window.end_session()
    start(qtbot, kiosk)
    assert all(t.isVisible() for t in tiles), "the next citizen: usual text, every agency at once"
    click(qtbot, find(window, "largeTextButton"))
    assert [t for t in tiles if t.isVisible()] == first, "and the first page"
