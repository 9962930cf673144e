"""Typing in the home screen's search field lists matching services as the citizen types."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.app import Kiosk
from kiosk.core.persian import to_ascii_digits
from tests.ui.conftest import click, find, type_text


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
    assert "چیزی پیدا نشد" in kiosk.window.home.no_results.text()


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
