"""Read-aloud (issue 24): the speaker button reads every screen, in Persian and English, through a
stand-in voice that records what it would say; any other tap stops it; no sound is said, not
crashed on. Before issue 24 the kiosk had no speaker button at all."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app.root import Kiosk
from kiosk.core.speech_text import for_speech
from kiosk.core.voice import NO_AUDIO
from kiosk.ui.shell import Page
from tests.support.voice import RecordingVoice
from tests.support.window import click, find

LANGUAGES = ["fa", "en"]


@pytest.fixture
def voice(kiosk: Kiosk) -> RecordingVoice:
    recording = RecordingVoice()
    kiosk.window.read_aloud.voice = recording
    return recording


def start(qtbot: QtBot, kiosk: Kiosk, language: str) -> None:
    window = kiosk.window
    click(qtbot, window.attract)
    if language != kiosk.localizer.language:
        click(qtbot, find(window, "languageButton"))


def listen(qtbot: QtBot, kiosk: Kiosk, voice: RecordingVoice) -> str:
    """Tap the speaker button; what the voice was given."""
    button = find(kiosk.window, "speakButton")
    assert button.isVisible()
    before = len(voice.said)
    click(qtbot, button)
    assert len(voice.said) == before + 1, "the speaker button said nothing"
    text, language = voice.said[-1]
    assert language == kiosk.localizer.language and text.strip()
    click(qtbot, button)  # a second tap stops it
    assert not voice.speaking
    return plain(text)


def heard(text: str, language: str) -> str:
    """``text`` as the voice is given it, without the ezafe marks (which depend on the whole line)."""
    return plain(for_speech(text, language))


def plain(text: str) -> str:
    return text.replace("\u0650", "").replace("\u0654", "")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_screen_is_read_aloud(qtbot: QtBot, kiosk: Kiosk, voice: RecordingVoice, language: str) -> None:
    window = kiosk.window
    start(qtbot, kiosk, language)
    loc = kiosk.localizer
    catalog = window.catalog
    assert catalog is not None
    said = listen(qtbot, kiosk, voice)
    assert all(heard(loc.text(a.short_name), language) in said for a in catalog.agencies[:3]), said
    for agency in catalog.agencies:
        window.open_agency(agency.id)
        said = listen(qtbot, kiosk, voice)
        assert heard(loc.text(agency.name), language) in said
        assert heard(loc.text(agency.services[0].title), language) in said
    for service in catalog.services:
        window.open_service(service.id)
        said = listen(qtbot, kiosk, voice)
        # the card's title, who it is for, a document and its first step
        assert heard(loc.text(service.title), language) in said, service.id
        assert heard(loc.text(service.steps[0]), language)[:20] in said, service.id
    window.open_track()
    assert "Page" in type(window.current_page).__name__ or window.current_page == Page.TRACK
    assert listen(qtbot, kiosk, voice)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_question_of_every_form_is_read_with_its_help_and_its_error(
    qtbot: QtBot, kiosk: Kiosk, voice: RecordingVoice, language: str
) -> None:
    window = kiosk.window
    start(qtbot, kiosk, language)
    loc = kiosk.localizer
    catalog = window.catalog
    assert catalog is not None
    services = [s for s in catalog.services if s.form is not None]
    assert services
    for service in services:
        window.open_form(service.id)
        form = window.requests.form
        assert form is not None
        for step in form.steps:
            form.go_to(step.spec.id)
            said = listen(qtbot, kiosk, voice)
            assert heard(loc.text(step.spec.label), language)[:25] in said, (service.id, step.spec.id)
            if step.spec.help is not None:
                assert heard(loc.text(step.spec.help), language)[:25] in said, (service.id, step.spec.id)
        first = form.steps[0]
        form.go_to(first.spec.id)
        click(qtbot, find(form, "nextButton"))  # empty: refused, its reason shown
        if first.problem:
            assert heard(first.problem, language)[:20] in listen(qtbot, kiosk, voice)
        window.end_session()
        start(qtbot, kiosk, language)


def test_the_receipt_is_read_with_its_code_digit_by_digit(qtbot: QtBot, kiosk: Kiosk, voice: RecordingVoice) -> None:
    from harness.citizen import Citizen

    window = kiosk.window
    citizen = Citizen(kiosk)
    service = next(s for s in citizen.services if len(s.form.fields) < 6)
    click(qtbot, window.attract)
    window.open_service(service.id)
    citizen.file_request(service)
    receipt = window.requests.receipt
    assert receipt is not None
    said = listen(qtbot, kiosk, voice)
    digits = [c for c in receipt.code.text() if c.isdigit()]
    assert len(digits) == 12
    words = "صفر یک دو سه چهار پنج شش هفت هشت نُه".split()
    spoken_digits = [w for w in said.replace("،", " ").split() if w in words]
    assert len(spoken_digits) >= 12, said  # the code digit by digit, not as a number
    assert "هزار" not in said.split("رهگیری")[-1][:80]


def test_any_other_tap_stops_the_voice(qtbot: QtBot, kiosk: Kiosk, voice: RecordingVoice) -> None:
    window = kiosk.window
    click(qtbot, window.attract)
    click(qtbot, find(window, "speakButton"))
    assert voice.speaking and find(window, "speakButton").text() == "توقف"
    click(qtbot, window.home.agency_tiles[0])
    assert not voice.speaking and find(window, "speakButton").text() == "بشنوید"


def test_no_sound_is_said_on_the_button_and_nothing_crashes(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    window.read_aloud.voice = RecordingVoice(problem=NO_AUDIO)
    click(qtbot, window.attract)
    click(qtbot, find(window, "speakButton"))
    assert find(window, "speakButton").text() == "صدا نیست"
    click(qtbot, find(window, "speakButton"))  # again: still no crash


def test_the_next_citizen_cannot_repeat_what_was_said(qtbot: QtBot, kiosk: Kiosk, voice: RecordingVoice) -> None:
    window = kiosk.window
    click(qtbot, window.attract)
    click(qtbot, find(window, "speakButton"))
    window.end_session()
    assert not voice.said and window.read_aloud.last_text == ""


def test_a_date_question_reads_each_caption_with_its_value(qtbot: QtBot, kiosk: Kiosk, voice: RecordingVoice) -> None:
    """The picker's captions sit above their values: row by row they were read «سال، ماه، ۱۴۰۵، آذر»."""
    window = kiosk.window
    start(qtbot, kiosk, "fa")
    catalog = window.catalog
    assert catalog is not None
    service = next(s for s in catalog.services if s.form and any(f.kind == "jalali_date" for f in s.form.fields))
    window.open_form(service.id)
    form = window.requests.form
    assert form is not None
    form.go_to(next(s for s in form.steps if s.spec.kind == "jalali_date").spec.id)
    lines = window.read_aloud.lines()
    year = next(line for line in lines if line.startswith("سال"))
    assert year.split()[1:] and lines.index(year) + 1 < len(lines) and lines[lines.index(year) + 1].startswith("ماه ")
    assert "سال" not in lines and "ماه" not in lines
