""" "Track my request" on the real window, by taps, with the look-up scripted: the agency's reason
withheld until the last 4 digits of the request's mobile number are typed, wrong digits, too many
tries, a server that cannot be asked, a reason given at the agency only, and an older server.

The look-up runs on the kiosk's worker threads as it does in the kiosk (``kiosk.ui.track_flow``);
only what it answers is scripted here (the client and lookup have their own tests against a
server on 127.0.0.1, ``tests/unit/test_track_lookup.py``).
"""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from harness.citizen import finger
from kiosk.app.root import Kiosk
from kiosk.core.persian import to_ascii_digits
from kiosk.core.tracking import make_tracking_code
from kiosk.link.lookup import FOUND, MOBILE_LAST4, OFFLINE, TOO_MANY_TRIES, WRONG_DIGITS, LookupAnswer
from kiosk.ui.screens.track import ASKING, INCOMPLETE, TrackScreen
from kiosk.ui.shell import Page
from tests.support.tracking import ScriptedLookup
from tests.support.window import click, find, type_text

CODE = make_tracking_code(1, 5)
REASON = "سند مالکیت پیوست نشده است"
PROMPT = "برای دیدن توضیح اداره، چهار رقم آخر شماره همراهی را که در درخواست نوشته‌اید وارد کنید."


def withheld(kiosk: Kiosk, second_factor: str | None = MOBILE_LAST4) -> LookupAnswer:
    service = kiosk.content.catalog.services[0]
    return LookupAnswer(
        FOUND, CODE, service.id, "rejected", "2026-05-04T08:30:00Z", None,
        reason_withheld=True, second_factor=second_factor,
    )  # fmt: skip


def refused(kind: str, retry_after: float | None = None) -> LookupAnswer:
    return LookupAnswer(kind, CODE, reason_withheld=True, second_factor=MOBILE_LAST4, retry_after=retry_after)


def open_track(qtbot: QtBot, kiosk: Kiosk, lookup: ScriptedLookup, monkeypatch: pytest.MonkeyPatch) -> TrackScreen:
    """A citizen opens "track my request", types the code on the keypad and taps Check."""
    lookup.install(kiosk, monkeypatch)
    click(qtbot, kiosk.window.attract)
    click(qtbot, find(kiosk.window, "trackButton"))
    screen = kiosk.window.tracking.screen
    assert screen is not None and kiosk.window.current_page == Page.TRACK
    on_keypad(qtbot, screen, CODE)
    click(qtbot, find(screen, "checkCodeButton"))
    qtbot.waitUntil(lambda: screen.answer is not None, timeout=3000)
    return screen


def on_keypad(qtbot: QtBot, screen: TrackScreen, digits: str) -> None:
    for digit in digits:
        click(qtbot, find(screen, f"keypad:{digit}"))


def ask_reason(qtbot: QtBot, screen: TrackScreen) -> None:
    click(qtbot, find(screen, "showReasonButton"))
    qtbot.waitUntil(lambda: screen.reason_problem != ASKING, timeout=3000)


def test_the_agency_s_reason_is_shown_once_the_mobile_s_last_four_digits_match(
    qtbot: QtBot, kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    lookup = ScriptedLookup(withheld(kiosk), refused(WRONG_DIGITS), replace(withheld(kiosk), reason=REASON))
    screen = open_track(qtbot, kiosk, lookup, monkeypatch)

    # The status as before, and what to type to see the reason.
    assert screen.status.text() == "درخواست از سوی اداره مربوط پذیرفته نشد."
    assert "خدمت:" in screen.details.text() and "آخرین تغییر:" in screen.details.text()
    assert REASON not in screen.details.text() and "توضیح" not in screen.details.text()
    assert screen.reason_box.isVisible() and screen.reason_prompt.text() == PROMPT
    assert find(screen, "showReasonButton").text() == "نمایش توضیح"
    digits = find(screen, "mobileDigitsField")
    assert isinstance(digits, QLineEdit) and digits.accessibleName() == "چهار رقم آخر شماره همراه شما"

    # The keypad now types the digits, not the code.
    code_typed = screen.code_field.text()
    on_keypad(qtbot, screen, "1234")
    assert digits.text() == "۱۲۳۴" and screen.code_field.text() == code_typed
    ask_reason(qtbot, screen)
    assert lookup.asked == [(code_typed, None), (CODE, "۱۲۳۴")]  # the code as typed; then as the server said

    # Wrong digits: said plainly; the status and the entry stay, the digits kept and selected.
    assert screen.reason_problem == WRONG_DIGITS and screen.reason_message.isVisible()
    assert screen.reason_message.text() == (
        "این رقم‌ها با شماره همراه درخواست یکی نیست. لطفاً آن‌ها را بررسی کنید و دوباره امتحان کنید."
    )
    assert screen.status.text() == "درخواست از سوی اداره مربوط پذیرفته نشد." and screen.reason_box.isVisible()
    assert digits.text() == "۱۲۳۴" and digits.selectedText() == "۱۲۳۴"
    on_keypad(qtbot, screen, "5")  # the next digit starts again, and the message goes
    assert digits.text() == "۵" and not screen.reason_message.isVisible()
    on_keypad(qtbot, screen, "678")
    ask_reason(qtbot, screen)

    # The reason, where it always was; the digits have done their job.
    assert lookup.asked[-1] == (CODE, "۵۶۷۸")
    assert f"توضیح اداره: {REASON}" in screen.details.text()
    assert not screen.reason_box.isVisible() and digits.text() == ""

    # A tap on the code field points the keypad back at it.
    click(qtbot, screen.code_field)
    click(qtbot, find(screen, "keypad:backspace"))
    assert len(screen.code_field.text()) == len(code_typed) - 1 and not screen.result.isVisible()

    for typed in ("1234", "۱۲۳۴", "5678", "۵۶۷۸"):
        assert typed not in caplog.text, "whatever is logged, never the digits"


def test_too_few_digits_ask_nobody_and_too_many_tries_say_when_to_come_back(
    qtbot: QtBot, kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch
) -> None:
    lookup = ScriptedLookup(withheld(kiosk), refused(TOO_MANY_TRIES, retry_after=900))
    screen = open_track(qtbot, kiosk, lookup, monkeypatch)
    on_keypad(qtbot, screen, "12")
    click(qtbot, find(screen, "showReasonButton"))
    assert screen.reason_problem == INCOMPLETE and screen.reason_message.text() == "لطفاً هر چهار رقم را وارد کنید."
    assert len(lookup.asked) == 1, "not worth one of the citizen's tries"

    type_text(find(screen, "mobileDigitsField"), "34")  # a keyboard's ASCII digits count as well
    ask_reason(qtbot, screen)
    assert lookup.asked[-1] == (CODE, "۱۲34")
    assert screen.reason_problem == TOO_MANY_TRIES
    assert screen.reason_message.text() == "تعداد تلاش‌های نادرست زیاد شد. لطفاً ۱۵ دقیقه دیگر دوباره امتحان کنید."
    assert not screen.digits_row.isVisible() and find(screen, "mobileDigitsField").text() == ""
    assert screen.status.text() == "درخواست از سوی اداره مربوط پذیرفته نشد."

    click(qtbot, find(kiosk.window, "languageButton"))
    assert screen.reason_message.text() == "Too many wrong tries. Please try again in 15 minutes."
    assert screen.reason_prompt.text() == (
        "To see the agency's explanation, type the last 4 digits of the mobile number you gave in your request."
    )


def test_a_server_that_cannot_be_asked_keeps_the_status_and_the_entry(
    qtbot: QtBot, kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch
) -> None:
    lookup = ScriptedLookup(
        withheld(kiosk), LookupAnswer(OFFLINE, CODE), RuntimeError("a broken look-up"), refused(TOO_MANY_TRIES)
    )
    screen = open_track(qtbot, kiosk, lookup, monkeypatch)
    for _ in range(2):
        on_keypad(qtbot, screen, "1234"[len(find(screen, "mobileDigitsField").text()) :])
        ask_reason(qtbot, screen)
        assert screen.reason_problem == OFFLINE
        assert screen.reason_message.text() == "سامانه مرکزی اکنون در دسترس نیست. لطفاً کمی بعد دوباره امتحان کنید."
        assert screen.reason_box.isVisible() and screen.status.text() == "درخواست از سوی اداره مربوط پذیرفته نشد."
        assert find(screen, "mobileDigitsField").text() == "۱۲۳۴"
    ask_reason(qtbot, screen)
    assert screen.reason_message.text() == "تعداد تلاش‌های نادرست زیاد شد. لطفاً بعداً دوباره امتحان کنید."


def test_a_reason_no_kiosk_may_show_is_said_to_come_from_the_agency(
    qtbot: QtBot, kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = open_track(qtbot, kiosk, ScriptedLookup(withheld(kiosk, second_factor=None)), monkeypatch)
    assert screen.details.text().endswith(
        "توضیح اداره در این کیوسک نشان داده نمی‌شود. اداره آن را حضوری یا با پیامک به شما می‌گوید."
    )
    assert not screen.reason_box.isVisible()


def test_an_older_server_s_reason_is_shown_as_before(
    qtbot: QtBot, kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch
) -> None:
    older = replace(withheld(kiosk), reason=REASON, reason_withheld=False, second_factor=None)
    screen = open_track(qtbot, kiosk, ScriptedLookup(older), monkeypatch)
    assert screen.details.text().endswith(f"توضیح اداره: {REASON}")
    assert not screen.reason_box.isVisible()


def test_the_digits_go_with_the_session(qtbot: QtBot, kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch) -> None:
    screen = open_track(qtbot, kiosk, ScriptedLookup(withheld(kiosk)), monkeypatch)
    on_keypad(qtbot, screen, "1234")
    field = find(screen, "mobileDigitsField")
    kiosk.window.end_session()
    qtbot.waitUntil(lambda: not shiboken6.isValid(field), timeout=3000)
    assert kiosk.window.tracking.screen is None
    click(qtbot, kiosk.window.attract)
    click(qtbot, find(kiosk.window, "trackButton"))
    fresh = kiosk.window.tracking.screen
    assert fresh is not None and fresh.mobile_digits.text() == "" and not fresh.mobile_digits.isUndoAvailable()
    assert not fresh.reason_box.isVisible()


def test_a_tap_on_the_code_never_puts_the_cursor_inside_it_nor_a_thirteenth_digit_in_it(
    qtbot: QtBot, kiosk: Kiosk
) -> None:
    """The box centred the code and a tap placed the cursor where it landed: a citizen who tapped
    the box halfway typed the rest of the code into its middle, 17 digits long."""
    click(qtbot, kiosk.window.attract)
    click(qtbot, find(kiosk.window, "trackButton"))
    screen = kiosk.window.tracking.screen
    assert screen is not None
    field = screen.code_field
    on_keypad(qtbot, screen, CODE[:6])
    shown = field.cursorRect()  # where the digits end on screen
    for x in (4, shown.left() // 2, field.width() // 2, field.width() - 4):
        finger(field, QPoint(x, field.height() // 2))
        assert field.cursorPosition() == len(field.text()), f"a tap at x={x} moved the cursor"
    on_keypad(qtbot, screen, CODE[6:])
    assert to_ascii_digits(field.text()) == CODE
    on_keypad(qtbot, screen, "12345")  # a 13th digit and more: refused
    assert to_ascii_digits(field.text()) == CODE and field.cursorPosition() == len(field.text())
    assert field.alignment() & Qt.AlignmentFlag.AlignLeft, "the code starts where the box does"
    click(qtbot, find(screen, "keypad:backspace"))
    assert to_ascii_digits(field.text()) == CODE[:-1], "backspace takes the last digit"
    type_text(field, "a")  # a physical keyboard's letter: refused as well
    assert to_ascii_digits(field.text()) == CODE[:-1]
