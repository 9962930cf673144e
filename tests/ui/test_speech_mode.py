"""Speech mode (issue 24): a citizen who cannot see the screen files a whole request with a numeric
keypad and the voice alone: key events only, no tap, every focus and every typed key said.

Before issue 24 no key did anything on the kiosk but type in a box: there was no way in without
the screen. The voice is a stand-in that records what it would say (tests/ui/test_read_aloud.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from kiosk.app.root import Kiosk
from kiosk.core.persian import to_ascii_digits
from kiosk.core.tracking import is_valid_tracking_code
from kiosk.ui.shell import Page
from kiosk.ui.speech_mode import CORNER_PX, HOLD_MS
from tests.support.factories import copy_resources
from tests.support.voice import RecordingVoice
from tests.support.window import build_kiosk, build_kiosk_with_every_field

KEYPAD = Qt.KeyboardModifier.KeypadModifier
K = Qt.Key


@pytest.fixture(params=["fa", "en"])
def language(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def kiosk(qtbot: QtBot, tmp_path: Path) -> Iterator[Kiosk]:
    yield from build_kiosk_with_every_field(qtbot, tmp_path)


@pytest.fixture
def voice(kiosk: Kiosk) -> RecordingVoice:
    recording = RecordingVoice()
    kiosk.window.read_aloud.voice = recording
    return recording


def said(voice: RecordingVoice) -> str:
    return voice.said[-1][0] if voice.said else ""


def key(qtbot: QtBot, code: Qt.Key, keypad: bool = True, text: str = "") -> None:
    """One key of a USB numeric keypad (or a keyboard's), sent where the keys go: the focus."""
    target = QApplication.focusWidget() or QApplication.activeWindow()
    assert target is not None
    modifier = KEYPAD if keypad else Qt.KeyboardModifier.NoModifier
    if text:  # a printable key: its character (QTest's keyClick takes Latin-1 only)
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(target, QKeyEvent(kind, code, modifier, text))
    else:
        qtbot.keyClick(target, code, modifier)


def focus_name(kiosk: Kiosk) -> str:
    focus = kiosk.window.speech_mode.focus
    return focus.objectName() if focus is not None else ""


def go_to(qtbot: QtBot, kiosk: Kiosk, voice: RecordingVoice, wanted: Callable[[str], bool], limit: int = 80) -> str:
    """Press "next" (the keypad's 2) until the focus is what ``wanted`` says; each move is said."""
    for _ in range(limit):
        before = len(voice.said)
        key(qtbot, K.Key_2)
        assert len(voice.said) == before + 1, "every move of the focus is said"
        assert said(voice) == voice_text_of(kiosk, kiosk.window.speech_mode.focus)
        if wanted(focus_name(kiosk)):
            return said(voice)
    raise AssertionError(f"never reached: focus on {focus_name(kiosk)!r}")


def voice_text_of(kiosk: Kiosk, widget: QWidget | None) -> str:
    from kiosk.core.speech_text import for_speech

    assert widget is not None
    return for_speech(kiosk.window.speech_mode.describe(widget), kiosk.localizer.language)


def voice_text_of_key(kiosk: Kiosk, key: QWidget) -> str:
    from kiosk.core.speech_text import for_speech

    return for_speech(kiosk.window.speech_mode._key_words(key), kiosk.localizer.language)  # type: ignore[arg-type]


def voice_text_of_problem(kiosk: Kiosk, problem: str) -> str:
    from kiosk.core.speech_text import for_speech

    return for_speech(problem, kiosk.localizer.language)


def select(qtbot: QtBot) -> None:
    key(qtbot, K.Key_5)


def new_screen(qtbot: QtBot, kiosk: Kiosk, voice: RecordingVoice, check: Callable[[], bool]) -> str:
    qtbot.waitUntil(check, timeout=3000)
    mode = kiosk.window.speech_mode
    qtbot.waitUntil(lambda: mode._seen == mode._screen_id(), timeout=3000)  # announced
    return said(voice)


def type_keys(qtbot: QtBot, kiosk: Kiosk, voice: RecordingVoice, text: str, keypad: bool) -> None:
    """Type ``text`` key by key into the box in focus; each key is said back."""
    box = kiosk.window.speech_mode.focus
    assert box is not None
    for char in text:
        key(qtbot, K.Key_unknown, keypad=keypad, text=char)
        assert char in said(voice) or said(voice), "each key is said back"


def test_a_whole_filing_by_keypad_alone(qtbot: QtBot, kiosk: Kiosk, voice: RecordingVoice, language: str) -> None:
    window = kiosk.window
    window.show()
    mode = window.speech_mode
    assert window.current_page == Page.ATTRACT and not mode.on

    # A key of the keypad on the attract loop: the session starts in speech mode, the screen is read.
    select(qtbot)
    assert mode.on and window.current_page == Page.HOME
    new_screen(qtbot, kiosk, voice, lambda: True)
    if language == "en":
        go_to(qtbot, kiosk, voice, lambda name: name == "languageButton")
        select(qtbot)
        qtbot.waitUntil(lambda: kiosk.localizer.language == "en")
    first = said(voice)
    assert first, "the home screen is read as it comes up"

    go_to(qtbot, kiosk, voice, lambda name: name == "agencyTile:water")
    select(qtbot)
    new_screen(qtbot, kiosk, voice, lambda: window.current_page == Page.AGENCY)
    go_to(qtbot, kiosk, voice, lambda name: name == "serviceTile:water.connection")
    select(qtbot)
    card = new_screen(qtbot, kiosk, voice, lambda: window.current_page == Page.SERVICE)
    assert ("انشعاب" in card) if language == "fa" else ("connection" in card.lower())
    go_to(qtbot, kiosk, voice, lambda name: name == "startRequestButton")
    select(qtbot)
    new_screen(qtbot, kiosk, voice, lambda: window.current_page == Page.REQUEST)
    form = window.requests.form
    assert form is not None

    def answer_and_go_on(step_id: str) -> None:
        assert form.current.spec.id == step_id
        if kiosk.window.speech_mode.typing:
            key(qtbot, K.Key_Enter)  # done typing: the focus moves on
        go_to(qtbot, kiosk, voice, lambda name: name in ("nextButton", "reviewButton"))
        select(qtbot)
        new_screen(qtbot, kiosk, voice, lambda: form.current.spec.id != step_id or not form.isVisible())

    # The name: its box has the focus as the question comes up; one letter picked on the on-screen
    # keyboard with ← / → and typed with Enter, the rest typed on a keyboard; each said back.
    assert focus_name(kiosk) == "field:full_name"
    for _ in range(20):  # along the keys from the first (the digits' row) to a letter
        key(qtbot, K.Key_Left if language == "fa" else K.Key_Right, keypad=False)
        picked = mode.picked_key
        assert picked is not None and said(voice) == voice_text_of_key(kiosk, picked)
        if picked.text().isalpha():
            break
    letter = picked.text()
    key(qtbot, K.Key_Enter)
    assert form.current.editor.text() == letter  # type: ignore[union-attr]
    assert said(voice).strip() == letter or letter in said(voice)
    key(qtbot, K.Key_Backspace, keypad=False)
    assert form.current.editor.text() == ""  # type: ignore[union-attr]
    # «بعدی» with no answer: the reason it is refused is said after the press.
    key(qtbot, K.Key_Down, keypad=False)  # leaves the box (Enter would type the picked letter again)
    assert not mode.typing and mode.picked_key is None
    go_to(qtbot, kiosk, voice, lambda name: name == "nextButton")
    select(qtbot)
    qtbot.waitUntil(lambda: bool(form.current.problem))
    qtbot.waitUntil(lambda: voice_text_of_problem(kiosk, form.current.problem) in said(voice))
    go_to(qtbot, kiosk, voice, lambda name: name == "field:full_name")
    select(qtbot)  # into the box again: now keys type
    assert mode.typing
    type_keys(qtbot, kiosk, voice, "علی رضایی" if language == "fa" else "Ali Rezaei", keypad=False)
    assert said(voice), "the last key is said back"
    answer_and_go_on("full_name")

    # Digits on the keypad (NumLock on): typed, not moving the focus.
    for step_id, digits in (("national_id", "0012345679"), ("mobile", "09123456789"), ("postal_code", "4816813311")):
        assert form.current.spec.id == step_id and focus_name(kiosk) == f"field:{step_id}"
        type_keys(qtbot, kiosk, voice, digits, keypad=True)
        assert said(voice) in ("9", "1", "۹", "۱", "نُه", "یک", "nine", "one") or said(voice)
        answer_and_go_on(step_id)

    type_keys(qtbot, kiosk, voice, "ساری خیابان فرهنگ" if language == "fa" else "Sari, Farhang street", keypad=False)
    answer_and_go_on("address")
    assert form.current.spec.id == "subscription"  # optional: left empty
    answer_and_go_on("subscription")

    # A choice, a date, a tick: the focus goes over the options (each says whether it is chosen);
    # choosing one moves on to the next question, as a tap does.
    def choose(step_id: str, wanted: Callable[[str], bool]) -> None:
        assert form.current.spec.id == step_id
        go_to(qtbot, kiosk, voice, wanted)
        chosen = {"fa": "انتخاب نشده", "en": "not chosen"}[language]
        if form.current.options is not None:
            assert chosen in said(voice)
        select(qtbot)
        qtbot.waitUntil(lambda: form.step(step_id).has_answer())
        if form.current.spec.id == step_id and form.isVisible():
            answer_and_go_on(step_id)
        else:
            new_screen(qtbot, kiosk, voice, lambda: True)

    choose("usage", lambda name: name == "choice:usage:home")
    assert form.step("usage").answer() == "home"
    choose("visit_date", lambda name: name == "todayButton")  # a visit may not be in the past
    choose("agree", lambda name: name == "field:agree")
    while window.requests.review is None or not window.requests.review.isVisible():
        answer_and_go_on(form.current.spec.id)  # optional questions left unanswered

    # The review: read whole as it comes up; then the consent tick and «ارسال درخواست».
    review = window.requests.review
    assert review is not None and review.isVisible()
    go_to(qtbot, kiosk, voice, lambda name: name == "reviewConsent")
    select(qtbot)
    go_to(qtbot, kiosk, voice, lambda name: name == "submitButton")
    select(qtbot)
    receipt = new_screen(
        qtbot, kiosk, voice, lambda: window.requests.receipt is not None and window.requests.receipt.isVisible()
    )
    code = window.requests.receipt.code.text()  # type: ignore[union-attr]
    digits = to_ascii_digits("".join(c for c in code if c.isdigit()))
    assert is_valid_tracking_code(digits)
    zero = {"fa": "صفر", "en": "zero"}[language]
    assert receipt.count(zero) >= digits.count("0"), "the receipt is read as it comes up, its code digit by digit"
    # Repeat says it again; back on the receipt cannot undo the filing.
    before = len(voice.said)
    key(qtbot, K.Key_Slash)
    assert len(voice.said) == before + 1 and voice.said[-1][0] == receipt

    # Done: the session ends, and the next citizen starts without speech mode.
    go_to(qtbot, kiosk, voice, lambda name: name == "doneButton")
    select(qtbot)
    qtbot.waitUntil(lambda: window.current_page == Page.ATTRACT)
    assert not mode.on and mode.focus is None


def test_holding_the_top_right_corner_turns_speech_mode_on_and_off(
    qtbot: QtBot, kiosk: Kiosk, voice: RecordingVoice
) -> None:
    window = kiosk.window
    window.show()
    mode = window.speech_mode
    qtbot.mouseClick(window.attract, Qt.MouseButton.LeftButton)
    assert window.current_page == Page.HOME and not mode.on
    corner = window.mapFromGlobal(window.mapToGlobal(window.rect().topRight()))
    point = corner + type(corner)(-CORNER_PX // 2, CORNER_PX // 2)
    target = window.childAt(point) or window
    local = target.mapFrom(window, point)
    qtbot.mousePress(target, Qt.MouseButton.LeftButton, pos=local)
    qtbot.wait(HOLD_MS // 2)
    assert not mode.on, "a short press is a tap"
    qtbot.waitUntil(lambda: mode.on, timeout=HOLD_MS * 2)
    qtbot.mouseRelease(target, Qt.MouseButton.LeftButton, pos=local)
    assert window.current_page == Page.HOME, "the held press did not act as a tap"
    assert voice.said, "speech mode says it is on"
    qtbot.mousePress(target, Qt.MouseButton.LeftButton, pos=local)
    qtbot.waitUntil(lambda: not mode.on, timeout=HOLD_MS * 2)
    qtbot.mouseRelease(target, Qt.MouseButton.LeftButton, pos=local)


def test_keys_help_repeat_and_loudness(qtbot: QtBot, kiosk: Kiosk, voice: RecordingVoice) -> None:
    voice.louder = lambda: True  # type: ignore[attr-defined]
    voice.softer = lambda: False  # type: ignore[attr-defined]
    window = kiosk.window
    window.show()
    key(qtbot, K.Key_Down, keypad=False)  # an arrow on the attract loop: speech mode
    mode = window.speech_mode
    assert mode.on
    key(qtbot, K.Key_Asterisk)
    assert "2" in said(voice) or "۲" in said(voice) or "دو" in said(voice)
    help_text = said(voice)
    key(qtbot, K.Key_Slash)
    assert said(voice) == help_text
    key(qtbot, K.Key_Plus)
    louder = said(voice)
    key(qtbot, K.Key_Minus)
    assert said(voice) != louder and said(voice)


def test_a_typing_citizen_does_not_start_speech_mode(qtbot: QtBot, kiosk: Kiosk, voice: RecordingVoice) -> None:
    """A sighted citizen with a keyboard types into the search box and presses Enter: no speech mode."""
    window = kiosk.window
    window.show()
    qtbot.mouseClick(window.attract, Qt.MouseButton.LeftButton)
    field = window.home.search_field
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    assert QApplication.focusWidget() is field
    for char in "آب":
        key(qtbot, K.Key_unknown, keypad=False, text=char)
    key(qtbot, K.Key_Return, keypad=False)
    key(qtbot, K.Key_Down, keypad=False)  # an arrow in a box: the cursor's, not speech mode's
    assert field.text() == "آب" and not window.speech_mode.on


def test_an_audio_first_profile_reads_every_screen_as_it_comes_up(qtbot: QtBot, tmp_path: Path) -> None:
    """A booth for citizens who read little: no tap on «بشنوید», no key; the idle loop says nothing."""
    paths = copy_resources(tmp_path)
    festival = (paths.profiles / "festival.toml").read_text(encoding="utf-8")
    (paths.profiles / "audio-booth.toml").write_text(
        festival.replace('mode = "demo"', 'mode = "demo"\naudio_first = true'), encoding="utf-8"
    )
    built = build_kiosk(qtbot, paths, "audio-booth")
    kiosk = next(built)
    try:
        voice = RecordingVoice()
        window = kiosk.window
        window.read_aloud.voice = voice
        assert window.speech_mode.audio_first and not window.speech_mode.on
        qtbot.wait(400)
        assert voice.said == [], "the attract loop is not read out to the lobby"
        qtbot.mouseClick(window.attract, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(voice.said), timeout=2000)
        home = said(voice)
        assert "آب" in home, "the home screen is read without a tap"
        qtbot.mouseClick(window.home.findChild(QWidget, "agencyTile:mazandaran-water"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: said(voice) != home, timeout=2000)
        assert window.current_page == Page.AGENCY
        window.end_session()
        before = len(voice.said)
        qtbot.wait(400)
        assert len(voice.said) == before
    finally:
        built.close()


def test_tab_and_arrows_of_a_keyboard_do_not_start_speech_mode(
    qtbot: QtBot, kiosk: Kiosk, voice: RecordingVoice
) -> None:
    """A technician tabbing through the home screen moves Qt's focus as before; a keypad key starts it."""
    window = kiosk.window
    window.show()
    qtbot.mouseClick(window.attract, Qt.MouseButton.LeftButton)
    window.home.track_button.setFocus()
    for code in (K.Key_Tab, K.Key_Down, K.Key_Left):
        key(qtbot, code, keypad=False)
        assert not window.speech_mode.on
    key(qtbot, K.Key_8)
    assert window.speech_mode.on


def test_the_technicians_chord_on_the_attract_loop_does_not_start_speech_mode(
    qtbot: QtBot, kiosk: Kiosk, voice: RecordingVoice
) -> None:
    """Ctrl, Alt and Shift go down one by one before the S of Ctrl+Alt+Shift+S: each arrived as a key on
    the attract loop, which started a session in speech mode and spoke before the PIN pad came up."""
    window = kiosk.window
    window.show()
    held = Qt.KeyboardModifier.NoModifier
    for code, modifier in ((K.Key_Control, Qt.KeyboardModifier.ControlModifier),
                           (K.Key_Alt, Qt.KeyboardModifier.AltModifier),
                           (K.Key_Shift, Qt.KeyboardModifier.ShiftModifier)):  # fmt: skip
        QApplication.sendEvent(window, QKeyEvent(QEvent.Type.KeyPress, code, held))
        held |= modifier
    QApplication.sendEvent(window, QKeyEvent(QEvent.Type.KeyPress, K.Key_S, held, "S"))
    assert not window.speech_mode.on and window.current_page == Page.ATTRACT and voice.said == []
