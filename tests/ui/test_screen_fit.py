"""Every screen fits the smallest kiosk screen, 1366x768, in both languages, in large text and in
high contrast, at every step of a request: keyboard or keypad up, review, receipt.

Without a window manager (as here, and on a bare X kiosk session) Qt grows a window whose layout
asks for more than it has, past the screen's edge; under a window manager the bottom or the side
is cut off. The window must therefore stay exactly 1366x768 throughout.

What keeps personal data off the screen (the review's masked national ID and its Show button,
"track my request" asking for the mobile's last 4 digits, and each thing it may say then) is
measured as well on the large screens, landscape 1920x1080 and portrait 1080x1920: the window
keeps its size, and each of those widgets shows every word of its text.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from harness.citizen import Citizen, answer, child, press_keys, settle, tap
from kiosk.app.root import Kiosk
from kiosk.core.tracking import make_tracking_code
from kiosk.link.lookup import FOUND, MOBILE_LAST4, OFFLINE, TOO_MANY_TRIES, WRONG_DIGITS, LookupAnswer
from kiosk.ui.shell import Page
from tests.support.fit import assert_fits, assert_whole
from tests.support.tracking import ScriptedLookup
from tests.support.window import SCREEN_SIZE

SCREENS = {"smallest": SCREEN_SIZE, "landscape": (1920, 1080), "portrait": (1080, 1920)}


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


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize("large_text", [False, True], ids=["usual-text", "large-text"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_what_keeps_personal_data_off_the_screen_fits_every_screen(
    qtbot: QtBot, kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch, language: str, large_text: bool, screen: str
) -> None:
    size = SCREENS[screen]
    window = kiosk.window
    window.resize(*size)
    settle()

    def start(button: str = "") -> None:
        """A session: the citizen's language and text size, then ``button`` on home."""
        tap(window.attract)
        if language != kiosk.localizer.language:
            tap(child(window, "languageButton"))
        if large_text:
            tap(child(window, "largeTextButton"))
        if button:
            tap(child(window, button))

    def at_the_screen_s_width() -> None:
        """The header fits every screen (it put its buttons on a second row in portrait, where
        it asked 1,092 to 1,230 of 1,080 pixels): what is measured here is at the screen's width."""
        assert window.header.minimumSizeHint().width() <= size[0], "the header fits"
        assert window.width() == size[0]

    # The review: the national ID masked, then shown whole.
    citizen = Citizen(kiosk)
    service = max(
        (s for s in citizen.services if any(f.kind == "national_id" for f in s.form.fields)),
        key=lambda s: len(s.form.fields),
    )
    start()
    window.open_form(service.id)
    form = window.requests.form
    assert form is not None
    for row in form.rows:
        answer(form, row, date.today())
    tap(child(form, "reviewButton"))
    review = window.requests.review
    assert review is not None, form.last_check.problems if form.last_check else "no review"
    at_the_screen_s_width()
    field_id = next(iter(review.show_buttons))
    for step in ("review, the ID masked", "review, the ID shown"):
        assert_fits(window, step, size)
        review.scroll.ensureWidgetVisible(review.show_buttons[field_id])
        assert_whole(child(review, f"reviewValue:{field_id}"), step)
        assert_whole(review.show_buttons[field_id], step)
        tap(review.show_buttons[field_id])
    window.end_session()
    settle()

    # Track my request: every state of the second factor, and the reason given at the agency.
    code = make_tracking_code(1, 5)
    asks = LookupAnswer(
        FOUND, code, service.id, "rejected", "2026-05-04T08:30:00Z", None,
        reason_withheld=True, second_factor=MOBILE_LAST4,
    )  # fmt: skip
    refused = replace(asks, status=None)
    ScriptedLookup(
        [asks, asks, replace(asks, second_factor=None)],
        replace(refused, kind=WRONG_DIGITS), replace(refused, kind=OFFLINE), replace(refused, kind=TOO_MANY_TRIES),
        replace(refused, kind=TOO_MANY_TRIES, retry_after=3600),
    ).install(kiosk, monkeypatch)  # fmt: skip
    start("trackButton")
    track = window.tracking.screen
    assert track is not None
    at_the_screen_s_width()

    def check_code() -> None:
        tap(child(track, "checkCodeButton"))
        qtbot.waitUntil(lambda: track.check_button.isEnabled(), timeout=3000)
        qtbot.wait(20)  # the answer's layout, level by level, as the citizen sees it

    def ask(step: str, digits: str = "") -> None:
        for digit in digits:
            tap(child(track, f"keypad:{digit}"))
        tap(child(track, "showReasonButton"))
        qtbot.waitUntil(lambda: track.reason_button.isEnabled(), timeout=3000)
        qtbot.wait(20)
        assert_fits(window, step, size)
        for widget in (track.status, track.reason_message):  # the message in the prompt's place
            assert_whole(widget, step)
        assert not track.reason_prompt.isVisible()

    for digit in code:
        tap(child(track, f"keypad:{digit}"))
    check_code()
    assert_fits(window, "track, asking for the digits", size)
    for widget in (track.status, track.details, track.reason_prompt, track.mobile_digits, track.reason_button):
        assert_whole(widget, "track, asking for the digits")
    ask("track, too few digits", "12")
    ask("track, wrong digits", "34")
    ask("track, the server cannot be asked")
    ask("track, too many tries, later")
    check_code()
    ask("track, too many tries, in minutes", "1234")
    check_code()
    assert_fits(window, "track, the reason given at the agency", size)
    assert_whole(track.details, "track, the reason given at the agency")
    assert not track.reason_box.isVisible()
