"""Every screen fits the smallest kiosk screen, 1366x768, in both languages, in large text and in
high contrast, at every step of a request: keyboard or keypad up, review, receipt.

Without a window manager (as here, and on a bare X kiosk session) Qt grows a window whose layout
asks for more than it has, past the screen's edge; under a window manager the bottom or the side
is cut off. The window must therefore stay exactly 1366x768 throughout.
"""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from harness.citizen import Citizen, answer, child, press_keys, tap
from kiosk.app.root import Kiosk
from kiosk.ui.shell import Page
from tests.support.window import SCREEN_SIZE


def assert_fits(window: QWidget, step: str) -> None:
    hint = window.minimumSizeHint()
    assert hint.width() <= SCREEN_SIZE[0] and hint.height() <= SCREEN_SIZE[1], f"{step} asks for {hint.toTuple()}"
    assert window.size().toTuple() == SCREEN_SIZE, f"{step}: the window grew to {window.size().toTuple()}"


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize("large_text", [False, True], ids=["usual-text", "large-text"])
@pytest.mark.parametrize("high_contrast", [False, True], ids=["usual-colours", "high-contrast"])
def test_every_step_of_a_request_fits_the_screen(
    qtbot: QtBot, kiosk: Kiosk, language: str, large_text: bool, high_contrast: bool
) -> None:
    window = kiosk.window
    citizen = Citizen(kiosk)
    service = max(citizen.services, key=lambda s: len(s.form.fields) if s.form else 0)
    tap(window.attract)
    if language != kiosk.localizer.language:
        tap(child(window, "languageButton"))
    if large_text:
        tap(child(window, "largeTextButton"))
    if high_contrast:
        tap(child(window, "contrastButton"))
    assert_fits(window, "home")
    assert window.header.title.text() == window.header.title.whole, "with room to spare, the title is whole"
    tap(child(window, "searchField"))
    press_keys(child(window, "searchField"), "آب")
    assert_fits(window, "home, searching")
    tap(child(window, "clearSearchButton"))
    tap(child(window, f"agencyTile:{service.agency_id}"))
    assert_fits(window, "agency")
    header = window.header  # Back and Home shown: the title gives way, the buttons keep their words
    for button in (header.language_button, header.back_button, header.home_button):
        assert button.isVisible() and button.width() >= button.sizeHint().width(), button.objectName()
    assert header.title.accessibleName() == header.title.whole and header.title.whole
    tap(child(window, f"serviceTile:{service.id}"))
    assert_fits(window, "service")
    tap(child(window, "startRequestButton"))
    form = window.requests.form
    assert form is not None
    today = date.today()
    for row in form.rows:  # every question, optional ones too: each shows its keyboard, keypad or none
        answer(form, row, today)
        assert_fits(window, f"form, at {row.spec.id} ({row.spec.kind})")
    tap(child(form, "reviewButton"))
    review = window.requests.review
    assert review is not None, form.last_check.problems if form.last_check else "no review"
    assert_fits(window, "review")
    tap(child(review, "reviewConsent"))
    tap(child(review, "submitButton"))
    assert window.requests.receipt is not None
    assert_fits(window, "receipt")
    tap(child(window, "doneButton"))
    assert window.current_page == Page.ATTRACT
    tap(window.attract)
    tap(child(window, "trackButton"))
    assert_fits(window, "track")
