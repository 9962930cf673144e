"""Switching language flips the layout and retranslates every visible string at once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from kiosk.app.root import Kiosk
from kiosk.ui.shell import Page
from tests.support.window import build_kiosk, click, find


def persian_letters(text: str) -> int:
    return sum("\u0600" <= ch <= "\u06ff" for ch in text)


def test_switch_to_english_and_back(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    click(qtbot, window.attract)
    agency = kiosk.content.catalog.agencies[0]
    click(qtbot, find(window, f"agencyTile:{agency.id}"))
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    home = find(window, "homeButton")
    language = find(window, "languageButton")
    assert home.text() == "خانه"
    assert language.text() == "English"
    persian_title = window.agency.title.text()

    with qtbot.waitSignal(kiosk.localizer.language_changed):
        click(qtbot, language)

    assert window.current_page == Page.AGENCY, "switching language keeps the citizen where they were"
    assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert window.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert window.agency.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert home.text() == "Home"
    assert find(window, "backButton").text() == "Back"
    assert language.text() == "فارسی"
    assert window.agency.title.text() == agency.name.en != persian_title
    assert window.agency.service_tiles[0].accessibleName() == agency.services[0].title.en
    # Nothing Persian is left on screen but the switch back to Persian.
    leftovers = [
        label.text()
        for label in window.findChildren(QLabel)
        if label.isVisibleTo(window) and persian_letters(label.text())
    ]
    assert leftovers == []
    assert "Azar" in window.header.date.text() or "14" in window.header.date.text()

    click(qtbot, language)
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert home.text() == "خانه"
    assert window.agency.title.text() == persian_title


def test_search_results_follow_the_language(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    click(qtbot, window.attract)
    service = kiosk.content.catalog.services[0]
    window.home.search_field.setText(service.title.fa)
    tile = find(window, f"serviceTile:{service.id}")
    assert tile.accessibleName() == service.title.fa
    kiosk.localizer.set_language("en")
    tile = next(t for t in window.home.result_tiles() if t.objectName() == f"serviceTile:{service.id}")
    assert tile.accessibleName() == service.title.en
    assert window.home.search_field.placeholderText().startswith("Search services")


def test_english_profile_starts_left_to_right(qtbot: QtBot, kiosk_paths) -> None:
    for kiosk in build_kiosk(qtbot, kiosk_paths, "expo-english"):
        assert kiosk.localizer.language == "en"
        assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
        assert kiosk.window.attract.prompt.text() == "Touch the screen to start"


def test_every_string_of_the_kiosk_has_a_persian_translation() -> None:
    import xml.etree.ElementTree as ET

    from kiosk.core.paths import resources_root

    tree = ET.parse(resources_root() / "translations" / "kiosk_fa.ts")
    missing = [
        m.findtext("source")
        for m in tree.iter("message")
        if m.find("translation") is None
        or m.find("translation").get("type") == "unfinished"
        or not (m.findtext("translation") or "").strip()
    ]
    assert not missing, f"untranslated: {missing[:5]}"
