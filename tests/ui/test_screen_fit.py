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

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QWidget
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
    for step in list(form.steps):  # every question, optional ones too: each with its keyboard, keypad or none
        assert form.current is step, f"stayed at {form.current.spec.id}: {form.current.problem!r}"
        assert_fits(window, f"form, at {step.spec.id} ({step.spec.kind})")
        answer(form, step)
    review = window.requests.review
    assert review is not None, "no review"
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
    citizen.fill(form)
    review = window.requests.review
    assert review is not None, f"stayed at {form.current.spec.id}"
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


def fit_the_header(qtbot: QtBot, window: QWidget, size: tuple[int, int], screen: str) -> None:
    """In portrait, the header alone asks more than 1080 pixels once Back and Home show (in
    English, and with large text; not this change's to fix): hidden then, so that what is measured
    is measured at the screen's own width."""
    if window.header.minimumSizeHint().width() > size[0]:
        assert screen == "portrait", "the header fits every other screen"
        window.header.hide()
        qtbot.wait(20)  # the window's minimum follows
        window.resize(*size)
        qtbot.wait(20)


def start_session(kiosk: Kiosk, size: tuple[int, int], language: str, large_text: bool) -> None:
    window = kiosk.window
    window.resize(*size)
    settle()
    tap(window.attract)
    if language != kiosk.localizer.language:
        tap(child(window, "languageButton"))
    if large_text:
        tap(child(window, "largeTextButton"))


def on_screen(widget: QWidget) -> QRect:
    return QRect(widget.mapTo(widget.window(), QPoint(0, 0)), widget.size())


def assert_in_sight(widget: QWidget, step: str, covers: list[QWidget]) -> None:
    """``widget`` is whole on screen: all of it painted (no scroll area or edge cuts it), inside
    the window, and no widget of ``covers`` (buttons, the keys) on any part of it."""
    rect = on_screen(widget)
    assert widget.visibleRegion().boundingRect() == widget.rect(), f"{step}: {widget.objectName()} is cut"
    assert widget.window().rect().contains(rect), f"{step}: {widget.objectName()} runs off the window"
    for other in covers:
        if other.isVisible():
            assert not on_screen(other).intersects(rect), f"{step}: {other.objectName()} covers {widget.objectName()}"


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize("large_text", [False, True], ids=["usual-text", "large-text"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_review_s_confirmation_and_send_are_on_screen_without_scrolling(
    qtbot: QtBot, kiosk: Kiosk, language: str, large_text: bool, screen: str
) -> None:
    size = SCREENS[screen]
    window = kiosk.window
    start_session(kiosk, size, language, large_text)
    window.open_form("mazandaran-water.new-connection")  # nine answers: more than a screen holds in large text
    form = window.requests.form
    assert form is not None
    Citizen(kiosk).fill(form)
    review = window.requests.review
    assert review is not None, f"stayed at {form.current.spec.id}"
    fit_the_header(qtbot, window, size, screen)
    assert_fits(window, "review", size)
    for widget in (review.confirm, review.submit_button, review.edit_button):
        assert not review.scroll.isAncestorOf(widget), "outside the answers that scroll"
        assert_in_sight(widget, "review", [])
    assert_whole(review.confirm.words, "review")
    assert_whole(review.submit_button, "review")
    assert review.confirm.height() >= 72 and review.submit_button.height() >= 64, "large targets"
    tap(review.confirm)
    tap(review.submit_button)
    assert window.requests.receipt is not None


REFUSED = [  # (service, question, what is typed: None for nothing)
    ("mazandaran-water.new-connection", "mobile", "091234"),
    ("mazandaran-water.new-connection", "address", "ع"),
    ("mazandaran-water.new-connection", "national_id", "1234"),
    ("mazandaran-water.new-connection", "connection_type", None),
    ("mazandaran-water.new-connection", "agree_visit", None),
    ("mazandaran-gas.meter-reading", "reading_date", None),
]


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize("large_text", [False, True], ids=["usual-text", "large-text"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_reason_an_answer_is_refused_is_whole_above_the_keys(
    qtbot: QtBot, kiosk: Kiosk, language: str, large_text: bool, screen: str
) -> None:
    """Measured, not looked at: the reason under the question is all on screen, every line of it,
    and neither «بعدی», «قبلی» nor the keys cover any part of it (the old form's error was cut in
    half by its button bar)."""
    size = SCREENS[screen]
    window = kiosk.window
    start_session(kiosk, size, language, large_text)
    for service_id, field_id, typed in REFUSED:
        if window.requests.form is None or window.requests.form.service.id != service_id:
            window.open_form(service_id)
            settle()
        form = window.requests.form
        assert form is not None
        form.go_to(field_id)
        settle()
        if typed:
            press_keys(form.current.editor, typed)
        tap(child(form, "nextButton"))
        step = form.current
        where = f"{service_id} {field_id}"
        assert step.spec.id == field_id and step.problem, f"{where}: refused, and says why"
        fit_the_header(qtbot, window, size, screen)
        assert_fits(window, where, size)
        covers = [form.next_button, form.previous_button, form.review_button, form.keys]
        assert form.scroll.verticalScrollBar().maximum() == 0, f"{where}: the question scrolls"
        for widget in (step.error, step.label, step.help):
            if widget is not None:
                assert_whole(widget, where)
                assert_in_sight(widget, where, covers)
        if step.editor is not None:
            assert_in_sight(step.editor, where, covers)
