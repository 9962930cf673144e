"""Typing in the home screen's search field lists matching services as the citizen types."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.app.root import Kiosk
from kiosk.core.persian import to_ascii_digits
from kiosk.core.search import CatalogSearch
from kiosk.ui.shell import Page
from kiosk.ui.theme import TOUCH_TARGET_PX
from kiosk.ui.widgets.results import AGENCIES_SHOWN, SHOWN
from tests.support.window import build_kiosk, click, find, type_text


def result_ids(kiosk: Kiosk) -> list[str]:
    return [t.objectName() for t in kiosk.window.home.result_tiles()]


def arabic_letters(text: str) -> str:
    return text.replace("ی", "ي").replace("ک", "ك")


def test_typing_arabic_letters_finds_persian_titles(qtbot: QtBot, kiosk: Kiosk) -> None:
    click(qtbot, kiosk.window.attract)
    service = next(s for s in kiosk.content.catalog.services if "ی" in s.title.fa and "ک" in s.title.fa)
    query = arabic_letters(service.title.fa)
    assert query != service.title.fa
    type_text(find(kiosk.window, "searchField"), query)
    assert f"serviceTile:{service.id}" in result_ids(kiosk)


def test_ascii_digits_find_persian_digits(qtbot: QtBot, kiosk: Kiosk) -> None:
    click(qtbot, kiosk.window.attract)
    service = next(s for s in kiosk.content.catalog.services if any("۰" <= ch <= "۹" for ch in s.title.fa))
    type_text(find(kiosk.window, "searchField"), to_ascii_digits(service.title.fa))
    assert f"serviceTile:{service.id}" in result_ids(kiosk)


def test_tapping_a_result_opens_the_service_and_clearing_shows_agencies(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    click(qtbot, window.attract)
    service = kiosk.content.catalog.services[3]
    type_text(find(window, "searchField"), service.title.fa)
    click(qtbot, find(window, f"serviceTile:{service.id}"))
    assert window.service.service == service
    click(qtbot, find(window, "backButton"))
    assert window.home.search_field.text() == service.title.fa, "back returns to the results"
    click(qtbot, find(window, "clearSearchButton"))
    assert window.home.search_field.text() == ""
    assert window.home.pages.currentIndex() == 0


def test_nothing_found_says_so(qtbot: QtBot, kiosk: Kiosk) -> None:
    click(qtbot, kiosk.window.attract)
    type_text(find(kiosk.window, "searchField"), "زرافه")
    assert result_ids(kiosk) == []
    assert kiosk.window.home.no_results.isVisible()
    assert "خدمتی با این کلمه‌ها ندارد" in kiosk.window.home.no_results.text()


def test_a_citizen_searches_on_the_on_screen_keyboard(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    click(qtbot, window.attract)
    keyboard = find(window, "searchKeyboard")
    assert not keyboard.isVisible()
    click(qtbot, find(window, "searchField"))
    assert keyboard.isVisible()
    for letter in "قبض":
        click(qtbot, find(keyboard, f"key:{letter}"))
    assert window.home.search_field.text() == "قبض"
    assert any("bill" in name for name in result_ids(kiosk))
    click(qtbot, find(window, "clearSearchButton"))
    assert not keyboard.isVisible() and window.home.search_field.text() == ""


def test_home_with_the_keyboard_up_fits_a_768_pixel_screen(qtbot: QtBot, kiosk: Kiosk) -> None:
    """The keyboard takes the greeting row's place while a citizen types, so the home screen still
    fits the smallest kiosk screen (it asked for 778 pixels, and the window grew past the screen),
    in large text too; in the usual text size a whole row of agencies shows above the keys, every
    word of it (since the keyboard has a row of digits, the tiles' bottom padding may be hidden)."""
    window = kiosk.window
    click(qtbot, window.attract)
    for large_text in (False, True):
        if large_text:
            click(qtbot, find(window, "largeTextButton"))
        click(qtbot, find(window, "searchField"))
        assert find(window, "searchKeyboard").isVisible()
        assert not window.home.greeting_row.isVisible()
        assert window.minimumSizeHint().height() <= 768, f"large text: {large_text}"
        assert window.height() <= 768
        tile = window.home.agency_tiles[0]
        if not large_text:  # every word of the first row of agencies, above the keyboard's digit row
            words = [label for label in tile.findChildren(QLabel) if label.isVisible() and label.text()]
            assert words, "the agency tile shows its name"
            for label in words:  # (its count of services shows only while it has room)
                shown = label.visibleRegion().boundingRect().height()
                assert shown == label.height(), f"a whole row of agency tiles: {label.text()!r}"
        click(qtbot, find(window.home.keyboard, "key:ب"))
        click(qtbot, find(window, "clearSearchButton"))
        assert window.home.greeting_row.isVisible() and not find(window, "searchKeyboard").isVisible()


def test_tabbing_out_of_the_search_brings_back_the_greeting_row_and_keeps_the_text(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    click(qtbot, window.attract)
    click(qtbot, find(window, "searchField"))
    click(qtbot, find(window.home.keyboard, "key:ب"))
    assert not window.home.greeting_row.isVisible()
    qtbot.keyClick(window.home.search_field, Qt.Key.Key_Tab)
    assert window.home.greeting_row.isVisible() and not find(window, "searchKeyboard").isVisible()
    assert window.home.search_field.text() == "ب"
    assert window.minimumSizeHint().height() <= 768


def test_a_broad_search_shows_the_best_few_and_says_how_many_more(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    click(qtbot, window.attract)
    type_text(find(window, "searchField"), "قبض")
    result = CatalogSearch(kiosk.content.catalog).search("قبض", limit=100)
    tiles = window.home.result_tiles()
    assert len(tiles) == SHOWN < result.agency_matches + result.service_matches
    agencies = [a.id for a in result.agencies[:AGENCIES_SHOWN]]
    services = [s.id for s in result.services[: SHOWN - len(agencies)]]
    assert result_ids(kiosk) == [f"agencyTile:{a}" for a in agencies] + [f"serviceTile:{s}" for s in services]
    more = window.home.results.more
    hidden = result.agency_matches + result.service_matches - SHOWN
    assert more.isVisible() and kiosk.localizer.number(hidden) in more.text()
    assert not re.search("[0-9]", more.text() + "".join(" ".join(t.lines) for t in tiles)), "Latin digits"
    qtbot.waitUntil(lambda: all(tile.height() >= TOUCH_TARGET_PX for tile in tiles), timeout=1000)  # laid out
    for tile in tiles:
        assert tile.height() >= TOUCH_TARGET_PX and tile.accessibleName()


def test_typing_on_narrows_the_same_tiles_to_the_new_results(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    click(qtbot, window.attract)
    field = find(window, "searchField")
    for letter in "بیمه":
        type_text(field, letter)
    expected = CatalogSearch(kiosk.content.catalog).search("بیمه", limit=SHOWN + 1)
    built = window.home.results.findChildren(QPushButton)
    assert len(built) <= 2 * (SHOWN + 1), "the same few tiles show each keystroke's results"
    names = [f"agencyTile:{a.id}" for a in expected.agencies] + [f"serviceTile:{s.id}" for s in expected.services]
    assert result_ids(kiosk) == names[:SHOWN], "the best few, in the index's order"
    listed = [w.objectName() for w in window.home.results.findChildren(QWidget) if ":" in w.objectName()]
    assert sorted(n for n in listed if not n.endswith(":")) == sorted(result_ids(kiosk)), "no stale names"
    assert not window.home.results.more.isVisible() or len(result_ids(kiosk)) == SHOWN


def test_tapping_an_agency_result_opens_the_agency(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    click(qtbot, window.attract)
    agency = kiosk.content.catalog.agencies[0]
    type_text(find(window, "searchField"), agency.short_name.fa)
    tile = next(t for t in window.home.result_tiles() if t.objectName() == f"agencyTile:{agency.id}")
    click(qtbot, tile)
    assert window.current_page == Page.AGENCY and window.agency.agency == agency


def test_results_follow_larger_text_and_high_contrast(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    click(qtbot, window.attract)
    type_text(find(window, "searchField"), "قبض")
    tile = window.home.result_tiles()[0]
    height = tile.height()
    click(qtbot, find(window, "largeTextButton"))
    qtbot.waitUntil(lambda: tile.height() > height, timeout=3000)

    def background() -> int:  # between the tile's border and its first line
        return tile.grab().toImage().pixelColor(tile.width() // 2, 8).lightness()

    assert background() > 200, "a white tile"
    click(qtbot, find(window, "contrastButton"))
    qtbot.waitUntil(lambda: background() < 60, timeout=3000)  # a black one in high contrast


def test_the_search_row_fits_its_buttons_in_either_language(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    home = window.home
    for language in ("fa", "en", "fa"):
        window.end_session()  # the language changes while home is off screen
        kiosk.localizer.set_language(language)
        window.start_session()
        qtbot.waitUntil(home.isVisible, timeout=3000)
        for text in ("", "قبض"):
            home.search_field.setText(text)
            QApplication.processEvents()
            assert home.clear_button.isVisible() == bool(text)
            shown = [w for w in (home.search_field, home.clear_button, home.track_button) if w.isVisible()]
            for widget in shown[1:]:
                assert widget.width() >= widget.sizeHint().width(), f"{widget.objectName()} cut in {language}"
            order = sorted(shown, key=lambda w: w.x(), reverse=language == "fa")  # reading order
            assert order == shown, f"reading order in {language}"
            for left, right in pairwise(order):
                assert not left.geometry().intersects(right.geometry())
        home.clear_search()
        QApplication.processEvents()


# --- issue 19: search that understands how citizens type -----------------------------------------


def test_a_guess_is_said_to_be_one(qtbot: QtBot, kiosk: Kiosk) -> None:
    """One letter off: the closest services, under «منظورتان یکی از این‌هاست؟» (before: nothing)."""
    click(qtbot, kiosk.window.attract)
    type_text(find(kiosk.window, "searchField"), "شناسنامع")
    assert "serviceTile:civil-registration.shenasnameh-replacement" in result_ids(kiosk)[:3]
    guess = find(kiosk.window, "didYouMean")
    assert guess.isVisible() and "منظورتان" in guess.text()
    click(qtbot, find(kiosk.window, "clearSearchButton"))
    type_text(find(kiosk.window, "searchField"), "گذرنامه")
    assert not guess.isVisible(), "a confident match is not a guess"


def test_nothing_found_says_so_and_offers_every_agency(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    click(qtbot, window.attract)
    type_text(find(window, "searchField"), "ژژژژژژ")
    assert not result_ids(kiosk)
    assert find(window.home.results, "hint").isVisible() or window.home.results.no_results.isVisible()
    every = find(window, "everyAgencyButton")
    assert every.isVisible() and every.text() == "دیدن همه اداره‌ها"
    click(qtbot, every)
    assert window.home.search_field.text() == ""
    assert all(tile.isVisible() for tile in window.home.agency_tiles[:5]), "home's agencies again"


def test_an_emergency_comes_first_with_its_number_on_its_tile(qtbot: QtBot, kiosk: Kiosk) -> None:
    """«بوی گاز میاد» listed nothing before; the gas emergency comes first, its line says «۱۹۴»."""
    click(qtbot, kiosk.window.attract)
    type_text(find(kiosk.window, "searchField"), "بوی گاز میاد")
    first = kiosk.window.home.result_tiles()[0]
    assert first.objectName() == "serviceTile:mazandaran-gas.emergency"
    assert "۱۹۴" in first.lines[2]


@pytest.mark.parametrize("profile", ["festival", "sari-lobby", "water-booth", "expo-english"])
def test_the_search_field_s_examples_find_services_of_its_profile(qtbot: QtBot, kiosk_paths, profile: str) -> None:
    """The examples «قبض آب، گذرنامه، کد پستی» found nothing in the sari-lobby and water-booth
    profiles: they come from the profile's own catalog now, and each finds one of its services."""
    for kiosk in build_kiosk(qtbot, kiosk_paths, profile):  # (a live one waits for its server: no tap)
        window = kiosk.window
        hint = window.home.search_field.placeholderText()
        examples = re.split("[،,] ?", hint.split("مثلاً" if "مثلاً" in hint else "e.g.")[1].strip())
        assert len(examples) >= 2, hint
        search = CatalogSearch(kiosk.content.catalog)
        for example in examples:
            result = search.search(example)
            assert result.services and not result.guesses, f"{profile}: {example!r} finds nothing"
