"""A citizen files a request by touch alone: form, every validation message, review, receipt, reset.

The catalog here is the test sample with a form of every field kind on ``water.connection``; the
outbox is the real SQLite outbox in this test's data folder.
"""

from __future__ import annotations

import enum
import gc
import os
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QDate, QPoint, QRect, Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from harness.citizen import as_painted
from kiosk.app.root import Kiosk
from kiosk.core.forms import FieldProblem, format_jalali
from kiosk.core.persian import PERSIAN_DIGITS, ZWNJ, to_ascii_digits
from kiosk.core.sealing import Opener
from kiosk.core.tracking import format_for_reading, is_valid_tracking_code
from kiosk.ui import printing
from kiosk.ui.screens import review as review_screen
from kiosk.ui.screens.form import FormScreen, problem_text
from kiosk.ui.shell import Page
from kiosk.ui.theme import stylesheet
from tests.support.window import (
    build_kiosk_with_every_field,
    click,
    fill,
    fill_form,
    find,
    next_question,
    pick_date,
    tap_text,
    type_text,
)

SERVICE = "water.connection"


@pytest.fixture
def kiosk(qtbot: QtBot, tmp_path: Path) -> Iterator[Kiosk]:
    yield from build_kiosk_with_every_field(qtbot, tmp_path)


def open_card(qtbot: QtBot, kiosk: Kiosk, tap_attract: bool = True) -> None:
    if tap_attract:
        click(qtbot, kiosk.window.attract)
    click(qtbot, find(kiosk.window, "agencyTile:water"))
    click(qtbot, find(kiosk.window, f"serviceTile:{SERVICE}"))


def open_form_from_card(qtbot: QtBot, kiosk: Kiosk) -> FormScreen:
    window = kiosk.window
    click(qtbot, find(window, "startRequestButton"))
    assert window.current_page == Page.REQUEST
    form = window.requests.form
    assert form is not None and form.isVisible()
    return form


def open_form(qtbot: QtBot, kiosk: Kiosk, tap_attract: bool = True) -> FormScreen:
    open_card(qtbot, kiosk, tap_attract)
    return open_form_from_card(qtbot, kiosk)


def in_days(days: int) -> str:
    """The Jalali date ``days`` from today, as the picker gives it (``1405/09/26``)."""
    return format_jalali(date.today() + timedelta(days=days))


def error_text(form: FormScreen, field_id: str) -> str:
    return form.step(field_id).problem


def expect(form: FormScreen, kiosk: Kiosk, field_id: str, code: str, limit: int = 0) -> None:
    step = form.step(field_id)
    assert form.current is step, f"the form moved on from {field_id} to {form.current.spec.id}"
    assert error_text(form, field_id) == problem_text(FieldProblem(code, limit), kiosk.localizer, step.spec.kind)
    assert step.error.isVisible()


VALID = {
    "full_name": f"علی رضا{ZWNJ}زاده",
    "national_id": "0012345679",
    "mobile": "09123456789",
    "postal_code": "4816813311",
    "address": "ساری خیابان فرهنگ",
    "usage": "home",
    "visit_date": in_days(10),
    "agree": True,
}


def fill_valid(qtbot: QtBot, form: FormScreen) -> None:
    """Every question from the first to the review, by taps."""
    form.go_to("full_name")
    fill_form(qtbot, form, VALID)


def test_every_validation_message_then_submit_and_read_the_code(qtbot: QtBot, kiosk: Kiosk) -> None:
    opener = Opener(os.urandom(32))  # the central server's key pair
    kiosk.store.learn_server_key(opener.public_key)  # as its answer to a heartbeat tells it
    form = open_form(qtbot, kiosk)
    assert form.title.text() == "درخواست انشعاب آب"
    assert form.progress.text() == "پرسش ۱ از ۱۰"
    assert not form.previous_button.isEnabled()

    # Nothing typed: «بعدی» stays, and says why on this question only.
    next_question(qtbot, form)
    assert kiosk.window.requests.review is None
    expect(form, kiosk, "full_name", "required")
    assert error_text(form, "full_name") == "لطفاً به این پرسش پاسخ دهید."
    assert [s.spec.id for s in form.steps if s.problem] == ["full_name"], "no other question is marked"

    wrong = [
        ("full_name", "ع", "too_short", 2),
        ("full_name", "ا" * 61, "too_long", 60),
        ("national_id", "12345", "national_id_format", 0),
        ("national_id", "0012345678", "national_id_checksum", 0),
        ("national_id", "1111111111", "national_id_repeated", 0),
        ("mobile", "0812345678", "mobile_prefix", 0),
        ("mobile", "091234567", "mobile_length", 11),
        ("postal_code", "123456789", "postal_code_length", 10),
        ("subscription", "12345", "too_few_digits", 6),
        ("subscription", "12345678901", "too_many_digits", 10),
    ]
    for field_id, typed, code, limit in wrong:
        fill(qtbot, form, field_id, typed)
        next_question(qtbot, form)
        expect(form, kiosk, field_id, code, limit)
    # The example number reads left to right inside the Persian sentence.
    assert "\u2066۰۹۱۲ ۳۴۵ ۶۷۸۹\u2069" in problem_text(FieldProblem("mobile_length", 11), kiosk.localizer, "mobile")
    # A physical keyboard (a technician's, or a Persian one plugged in) can type letters into a
    # number field; the keypad never can.
    fill(qtbot, form, "mobile", "")
    type_text(form.step("mobile").editor, "09a")
    next_question(qtbot, form)
    expect(form, kiosk, "mobile", "digits_only")
    # A message goes away as soon as the citizen changes that answer.
    fill(qtbot, form, "mobile", "0")
    assert error_text(form, "mobile") == ""
    # A choice, a date and the tick left empty say so in words of their own.
    for field_id, message in (
        ("usage", "لطفاً یکی از گزینه‌ها را انتخاب کنید."),
        ("visit_date", "لطفاً اول تاریخ را انتخاب کنید."),
        ("agree", "برای ادامه، این گزینه را تیک بزنید."),
    ):
        form.go_to(field_id)
        next_question(qtbot, form)
        assert form.current.spec.id == field_id and error_text(form, field_id) == message

    fill(qtbot, form, "subscription", "")  # optional: left empty
    fill_valid(qtbot, form)
    review = kiosk.window.requests.review
    assert review is not None and review.isVisible()
    assert find(review, "reviewValue:national_id").text() == "\u200f\u2066۰۰۱*****۷۹\u2069"  # Show shows it
    assert find(review, "reviewValue:usage").text() == "مسکونی"
    assert find(review, "reviewValue:full_name").text() == f"علی رضا{ZWNJ}زاده"
    visit = date.today() + timedelta(days=10)
    assert find(review, "reviewValue:visit_date").text() == kiosk.localizer.today(
        QDate(visit.year, visit.month, visit.day)
    ), "a date in words, as the picker said it"
    submit = find(review, "submitButton")
    assert not submit.isEnabled(), "nothing is sent before the citizen confirms"
    click(qtbot, find(review, "reviewConsent"))
    click(qtbot, submit)

    receipt = kiosk.window.requests.receipt
    assert receipt is not None and receipt.isVisible()
    assert kiosk.window.requests.form is None and kiosk.window.requests.review is None
    shown = find(receipt, "trackingCode").text()
    typed_back = "".join(str(PERSIAN_DIGITS.index(c)) for c in shown if c in PERSIAN_DIGITS)
    assert is_valid_tracking_code(typed_back) and typed_back == receipt.tracking_code
    assert receipt.qr.data == typed_back
    assert "۱۴۰" in find(receipt, "receiptWhen").text()  # a Jalali year, in Persian digits
    stored = kiosk.store.find_by_tracking_code(typed_back)
    assert stored is not None and stored.state == "pending" and stored.mode == "demo"
    assert opener.open(stored.body["sealed_fields"]) == {
        "full_name": f"علی رضا{ZWNJ}زاده",
        "national_id": "0012345679",
        "mobile": "09123456789",
        "postal_code": "4816813311",
        "address": "ساری خیابان فرهنگ",
        "usage": "home",
        "visit_date": visit.isoformat(),
        "agree": True,
    }
    assert not find(kiosk.window, "backButton").isVisible(), "a receipt cannot be stepped back into"


def test_one_question_at_a_time_forward_and_back(qtbot: QtBot, kiosk: Kiosk) -> None:
    form = open_form(qtbot, kiosk)
    shown = [s for s in form.steps if s.isVisible()]
    assert shown == [form.step("full_name")], "one question on screen"
    fill(qtbot, form, "full_name", "مریم")
    next_question(qtbot, form)
    assert form.current.spec.id == "national_id" and form.progress.text() == "پرسش ۲ از ۱۰"
    assert form.keypad.isVisible() and not form.keyboard.isVisible(), "a number on the digit keypad"
    assert form.current.editor.hasFocus(), "typing starts at once: no tap on the box"
    click(qtbot, find(form, "previousButton"))
    assert form.current.spec.id == "full_name" and form.step("full_name").answer() == "مریم"
    assert form.keyboard.isVisible() and not form.keypad.isVisible()
    form.go_to("usage")
    as_painted()
    assert not form.keys.isVisible(), "options need no keys"
    click(qtbot, find(form, "choice:usage:business"))  # one tap: the answer, and on to the next
    assert form.current.spec.id == "visit_date"
    click(qtbot, find(form, "previousButton"))
    assert find(form, "choice:usage:business").isChecked(), "the answer is still there"


def test_review_can_go_back_to_the_answers(qtbot: QtBot, kiosk: Kiosk) -> None:
    form = open_form(qtbot, kiosk)
    fill_valid(qtbot, form)
    assert not form.keyboard.isVisible() and not form.keypad.isVisible(), "the keys went with the form"
    click(qtbot, find(kiosk.window, "editButton"))  # "Change an answer": from the first question
    assert kiosk.window.requests.form is form and form.isVisible()
    assert form.current.spec.id == "full_name"
    assert form.step("mobile").answer() == "۰۹۱۲۳۴۵۶۷۸۹"
    fill(qtbot, form, "mobile", "09121111111")
    assert form.keypad.isVisible(), "the keys come back with the form"
    qtbot.waitUntil(lambda: _keys_over_their_panel(form))
    click(qtbot, find(form, "backToReviewButton"))  # straight back, not through every question
    review = kiosk.window.requests.review
    assert review is not None and find(review, "reviewValue:mobile").text() == "\u200f\u2066۰۹۱۲۱۱۱۱۱۱۱\u2069"
    click(qtbot, find(kiosk.window, "backButton"))  # the header's Back: to the question left last
    assert kiosk.window.requests.review is None and form.current.spec.id == "mobile"
    assert kiosk.window.current_page == Page.REQUEST and not kiosk.window.leave_prompt.asking
    # The last question's own button goes to the review and says so; no second one beside it.
    form.go_to(form.steps[-1].spec.id)
    qtbot.waitUntil(lambda: form.current is form.steps[-1])
    assert find(form, "nextButton").text() == "بررسی پاسخ‌ها"
    assert not find(form, "backToReviewButton").isVisible()
    form.go_to(form.steps[-2].spec.id)
    assert find(form, "nextButton").text() == "بعدی" and find(form, "backToReviewButton").isVisible()


def test_the_keyboard_never_covers_the_question_and_switches_letters(qtbot: QtBot, kiosk: Kiosk) -> None:
    form = open_form(qtbot, kiosk)
    for field_id in ("full_name", "national_id", "postal_code", "address", "subscription"):
        form.go_to(field_id)
        qtbot.waitUntil(lambda f=field_id: _visible_above_keys(form, f))
        assert form.keys.isVisible()
        assert form.keypad.isVisible() == form.step(field_id).spec.uses_keypad
        qtbot.waitUntil(lambda: _keys_over_their_panel(form))
    form.go_to("full_name")
    click(qtbot, find(form.keyboard, "key:switch"))
    tap_text(qtbot, form, "ali")
    assert form.step("full_name").answer() == "ali"
    assert not find(form.keypad, "keypad:slash").isVisible(), "no date is typed"


def _keys_over_their_panel(form: FormScreen) -> bool:
    """The keys a field uses are shown over the panel below the form (they are kept by the request
    flow, not by the form): the keyboard fills it, the keypad sits in its middle, full height."""
    shown = [keys for keys in (form.keyboard, form.keypad) if keys.isVisible()]
    if len(shown) != 1:
        return False

    def on_screen(widget: QWidget) -> QRect:
        return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())

    panel, keys = on_screen(form.keys), on_screen(shown[0])
    if shown[0] is form.keyboard:
        return keys == panel
    return (
        panel.contains(keys)
        and keys.height() == panel.height()
        and abs((keys.left() - panel.left()) - (panel.right() - keys.right())) <= 1
    )


def _visible_above_keys(form: FormScreen, field_id: str) -> bool:
    """The question's label and box are inside the part of the form on screen, above the keys."""
    step = form.step(field_id)
    viewport = form.scroll.viewport()
    shown = QRect(viewport.mapTo(form, QPoint(0, 0)), viewport.size())
    keys_top = form.keys.mapTo(form, QPoint(0, 0)).y()
    for widget in (step.label, step.editor):
        rect = QRect(widget.mapTo(form, QPoint(0, 0)), widget.size())
        if not shown.contains(rect) or rect.bottom() >= keys_top:
            return False
    return True


def test_done_wipes_everything_the_citizen_typed(qtbot: QtBot, kiosk: Kiosk) -> None:
    form = open_form(qtbot, kiosk)
    QGuiApplication.clipboard().setText("0012345679")
    fill_valid(qtbot, form)
    click(qtbot, find(kiosk.window, "reviewConsent"))
    click(qtbot, find(kiosk.window, "submitButton"))
    click(qtbot, find(kiosk.window, "doneButton"))
    assert kiosk.window.current_page == Page.ATTRACT
    assert_no_trace(qtbot, kiosk)


def test_idle_timeout_in_the_middle_of_a_form_wipes_it(qtbot: QtBot, kiosk: Kiosk) -> None:
    form = open_form(qtbot, kiosk)
    fill(qtbot, form, "national_id", "0012345679")
    kiosk.window.idle_prompt.seconds = 0  # the prompt is tested in test_browsing
    kiosk.window.idle_timer.setInterval(50)
    kiosk.window.idle_timer.start()
    qtbot.waitUntil(lambda: kiosk.window.current_page == Page.ATTRACT, timeout=3000)
    assert_no_trace(qtbot, kiosk)


def test_back_or_home_from_a_half_filled_form_asks_first(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    prompt = window.leave_prompt
    form = open_form(qtbot, kiosk)
    click(qtbot, find(window, "backButton"))  # nothing answered yet: nothing to lose, no question
    assert window.current_page == Page.SERVICE and window.requests.form is None and not prompt.asking

    form = open_form_from_card(qtbot, kiosk)
    fill(qtbot, form, "full_name", "مریم")
    next_question(qtbot, form)
    fill(qtbot, form, "national_id", "00123")
    for button in ("backButton", "homeButton"):
        click(qtbot, find(window, button))
        assert prompt.asking, f"{button} asks first"
        assert find(prompt, "leaveQuestion").text() == "پاسخ‌های شما پاک می‌شود.\nخارج می‌شوید؟"
        assert find(prompt, "stayButton").text() == "نه، ادامه می‌دهم"
        assert find(prompt, "leaveButton").text() == "بله، خارج می‌شوم"
        for name in ("stayButton", "leaveButton"):
            assert find(prompt, name).height() >= 88, "a big button"
        click(qtbot, find(prompt, "stayButton"))  # nothing lost: the same question, the same answers
        assert not prompt.asking and window.current_page == Page.REQUEST and window.requests.form is form
        assert form.current.spec.id == "national_id" and form.step("full_name").answer() == "مریم"
        assert form.current.editor.text() == "۰۰۱۲۳"
    click(qtbot, find(window, "homeButton"))
    click(qtbot, find(prompt, "leaveButton"))
    assert window.current_page == Page.HOME and window.requests.form is None and not prompt.asking
    assert_no_trace(qtbot, kiosk)

    # The idle timeout still ends the session, the question or not.
    open_card(qtbot, kiosk, tap_attract=False)
    form = open_form_from_card(qtbot, kiosk)
    fill(qtbot, form, "full_name", "مریم")
    click(qtbot, find(window, "backButton"))
    assert prompt.asking
    window.idle_prompt.seconds = 0
    window.idle_timer.setInterval(50)
    window.idle_timer.start()
    qtbot.waitUntil(lambda: window.current_page == Page.ATTRACT, timeout=3000)
    assert not prompt.asking
    assert_no_trace(qtbot, kiosk)


def test_the_date_picker_picks_today_in_one_tap_and_a_date_in_a_few(qtbot: QtBot, kiosk: Kiosk) -> None:
    form = open_form(qtbot, kiosk)
    form.go_to("last_visit")  # a date in the past
    as_painted()
    picker = form.current.picker
    assert picker is not None and not form.keys.isVisible(), "nothing to type"
    assert picker.answer() == "" and "هنوز تاریخی انتخاب نشده" in find(picker, "dateChosen").text()
    click(qtbot, find(picker, "todayButton"))  # one tap
    assert picker.answer() == in_days(0)
    today = date.today()
    assert find(picker, "dateChosen").text() == "تاریخ انتخاب‌شده: " + kiosk.localizer.today(
        QDate(today.year, today.month, today.day)
    )
    day = int(in_days(0).split("/")[2])
    if day < 31:
        assert not find(picker, f"day:{day + 1}").isEnabled(), "no day after today for a date in the past"
    assert not find(picker, "monthUp").isEnabled() and not find(picker, "yearUp").isEnabled()

    # Forty days ago: a month back (or two) and the day, a few taps in all.
    taps = pick_date(qtbot, picker, in_days(-40))
    assert picker.answer() == in_days(-40) and taps <= 4
    next_question(qtbot, form)  # the last question: every answer is checked before the review
    assert kiosk.window.requests.review is None and form.current.spec.id == "full_name", "the first one missing"
    assert [s.spec.id for s in form.steps if s.problem] == ["full_name"], "and only it says so"
    form.go_to("visit_date")  # a date from today on
    as_painted()
    picker = form.current.picker
    assert picker is not None
    if day > 1:
        assert not find(picker, f"day:{day - 1}").isEnabled(), "no day before today for a date to come"
    assert not find(picker, "monthDown").isEnabled()
    assert pick_date(qtbot, picker, in_days(3)) <= 2
    assert picker.answer() == in_days(3)
    # 31 only in the months that have it.
    while picker.shown_month[1] <= 6:
        click(qtbot, find(picker, "monthUp"))
    assert not find(picker, "day:31").isVisible() and find(picker, "day:30").isVisible()


def test_long_persian_text_is_written_from_the_right(qtbot: QtBot, kiosk: Kiosk) -> None:
    form = open_form(qtbot, kiosk)
    form.go_to("address")
    as_painted()
    box = form.current.editor
    assert isinstance(box, QPlainTextEdit) and box.hasFocus()
    right_edge = box.viewport().width()
    assert box.cursorRect().right() >= right_edge - 16, "an empty box: the cursor waits at the right"
    tap_text(qtbot, form, "ساری خیابان فرهنگ")
    line = box.document().firstBlock().layout().lineAt(0)
    assert line.naturalTextRect().right() >= right_edge - 16, "the words end at the right edge"
    assert line.naturalTextRect().left() > right_edge / 3, "and start where they run out, not at the left"
    start = box.textCursor()
    start.setPosition(0)
    assert box.cursorRect(start).right() >= right_edge - 16, "the first letter at the right"
    click(qtbot, find(kiosk.window, "languageButton"))  # English: from the left
    assert box.document().defaultTextOption().alignment() & Qt.AlignmentFlag.AlignLeft


def test_leaving_the_moment_a_question_shows_is_safe(qtbot: QtBot, kiosk: Kiosk) -> None:
    form = open_form(qtbot, kiosk)
    form.go_to("visit_date")
    kiosk.window.go_home()  # no answer yet: home at once, the form's steps gone
    qtbot.wait(20)  # an exception in anything pending would fail the test here
    assert kiosk.window.requests.form is None and kiosk.window.current_page == Page.HOME


def assert_no_trace(qtbot: QtBot, kiosk: Kiosk) -> None:
    qtbot.waitUntil(lambda: not kiosk.window.findChildren(FormScreen))
    gc.collect()
    assert QGuiApplication.clipboard().text() == ""
    for editor in kiosk.window.findChildren(QLineEdit):
        assert editor.text() == "" and not editor.isUndoAvailable(), editor.objectName()
    assert not kiosk.window.findChildren(QPlainTextEdit)
    names = {w.objectName() for w in kiosk.window.findChildren(QWidget)}
    assert not any(n.startswith(("field:", "reviewValue:")) or n == "trackingCode" for n in names)


def test_a_full_disk_shows_an_apology_and_no_code(qtbot: QtBot, kiosk: Kiosk) -> None:
    assert kiosk.store is not None
    pages = kiosk.store._db.execute("PRAGMA page_count").fetchone()[0]
    kiosk.store._db.execute(f"PRAGMA max_page_count = {pages}")  # the database cannot grow: disk full
    form = open_form(qtbot, kiosk)
    fill_valid(qtbot, form)
    click(qtbot, find(kiosk.window, "reviewConsent"))
    for _ in range(30):  # enough requests to need a new page
        if kiosk.window.requests.failed is not None:
            break
        click(qtbot, find(kiosk.window, "submitButton"))
        if kiosk.window.requests.receipt is not None:
            click(qtbot, find(kiosk.window, "doneButton"))
            form = open_form(qtbot, kiosk)
            fill_valid(qtbot, form)
            click(qtbot, find(kiosk.window, "reviewConsent"))
    failed = kiosk.window.requests.failed
    assert failed is not None and failed.isVisible()
    assert kiosk.window.requests.receipt is None
    assert not kiosk.window.findChildren(QWidget, "trackingCode")
    assert "ذخیره" in failed.title.text()
    committed = kiosk.store.health().counts["pending"]
    click(qtbot, find(kiosk.window, "retrySubmitButton"))  # still full: still no code
    assert kiosk.window.requests.receipt is None
    assert kiosk.store.health().counts["pending"] == committed


def test_every_screen_fits_a_1366_by_768_kiosk_screen(qtbot: QtBot, kiosk: Kiosk) -> None:
    """No screen may ask for more height than the smallest kiosk screen has, keyboard shown."""
    form = open_form(qtbot, kiosk)
    fill_valid(qtbot, form)
    for name in ("review", "form"):
        window = kiosk.window
        window.requests._show(getattr(window.requests, name))
        hint = window.minimumSizeHint()
        assert hint.height() <= 768 and hint.width() <= 1366, f"{name}: {hint}"


def test_the_consent_tick_is_a_png_the_stylesheet_finds(kiosk: Kiosk) -> None:
    """The ticked consent box draws a PNG: an SVG there made Qt load its SVG image and icon
    plugins (about 1 MiB) at the first citizen's consent, for one tick."""
    for high_contrast in (False, True):
        sheet = stylesheet(kiosk.paths.styles, "#0f766e", high_contrast)
        images = re.findall(r"url\(([^)]+)\)", sheet)
        assert images, "the consent box has its tick"
        for image in images:
            assert image.endswith(".png"), image
            assert not QImage(image).isNull(), image
            assert not QImage(image.replace(".png", "@2x.png")).isNull(), "and a tick for fine screens"


def test_print_without_a_printer_saves_a_pdf_for_the_staff(qtbot: QtBot, kiosk: Kiosk) -> None:
    form = open_form(qtbot, kiosk)
    fill_valid(qtbot, form)
    click(qtbot, find(kiosk.window, "reviewConsent"))
    click(qtbot, find(kiosk.window, "submitButton"))
    receipt = kiosk.window.requests.receipt
    click(qtbot, find(receipt, "printButton"))
    pdf = kiosk.paths.receipts / f"{receipt.tracking_code}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "چاپگر" in receipt.print_status.text() and receipt.print_status.isVisible()


def test_the_form_is_built_while_the_citizen_reads_the_card(qtbot: QtBot, kiosk: Kiosk) -> None:
    """A tap on "start" after reading the card only shows the form built meanwhile; a citizen who
    typed, went back to the card and starts again gets an empty form, never the one they left."""
    requests = kiosk.window.requests
    open_card(qtbot, kiosk)
    assert requests.form_built_ahead is None, "built before the citizen could have read a word"
    qtbot.waitUntil(lambda: requests.form_built_ahead is not None, timeout=3000)
    built = requests.form_built_ahead
    assert built is not None and not built.isVisible() and built.service.id == SERVICE
    click(qtbot, find(kiosk.window, "startRequestButton"))
    assert requests.form is built and built.isVisible() and requests.form_built_ahead is None
    fill(qtbot, built, "national_id", "0012345679")
    typed = built.step("national_id").editor

    click(qtbot, find(kiosk.window, "backButton"))  # back to the card: the answers go
    click(qtbot, find(kiosk.window.leave_prompt, "leaveButton"))
    assert kiosk.window.current_page == Page.SERVICE and not shiboken6.isValid(typed)
    qtbot.waitUntil(lambda: requests.form_built_ahead is not None, timeout=3000)
    form = open_form_from_card(qtbot, kiosk)
    assert form is not built and shiboken6.isValid(form)
    editor = form.step("national_id").editor
    assert isinstance(editor, QLineEdit) and editor.text() == "" and not editor.isUndoAvailable()
    fill_valid(qtbot, form)
    click(qtbot, find(kiosk.window, "reviewConsent"))
    click(qtbot, find(kiosk.window, "submitButton"))
    assert kiosk.window.requests.receipt is not None


def test_no_form_is_built_for_a_card_the_citizen_leaves_at_once(qtbot: QtBot, kiosk: Kiosk) -> None:
    open_card(qtbot, kiosk)
    click(qtbot, find(kiosk.window, "backButton"))
    qtbot.wait(600)
    assert kiosk.window.requests.form_built_ahead is None and not kiosk.window.findChildren(FormScreen)


def test_a_form_built_ahead_goes_with_the_session(qtbot: QtBot, kiosk: Kiosk) -> None:
    requests = kiosk.window.requests
    open_card(qtbot, kiosk)
    qtbot.waitUntil(lambda: requests.form_built_ahead is not None, timeout=3000)
    kiosk.window.end_session()
    assert requests.form_built_ahead is None
    qtbot.waitUntil(lambda: not kiosk.window.findChildren(FormScreen))
    click(qtbot, kiosk.window.attract)  # the next citizen's form borrows the same scroll area
    assert open_form(qtbot, kiosk, tap_attract=False).scroll.isVisible()


def test_after_the_warm_up_the_first_form_sets_up_no_qt_classes(
    qtbot: QtBot, kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first time PySide meets a text box's viewport it makes Python enums for ~80 Qt widget
    classes while it works out the viewport's type (10-30 ms): the warm-up does that, not the first
    citizen whose form has an address box. (A gesture type, one member, is made on first use.)"""
    window = kiosk.window
    qtbot.waitUntil(lambda: not window.working_ahead, timeout=10_000)
    made: list[str] = []
    create = enum.EnumType._create_

    def counted(cls: type, class_name: str, *args: object, **kwargs: object) -> object:
        made.append(class_name)
        return create(cls, class_name, *args, **kwargs)  # type: ignore[arg-type]

    open_card(qtbot, kiosk)
    monkeypatch.setattr(enum.EnumType, "_create_", counted)
    click(qtbot, find(window, "startRequestButton"))
    form = window.requests.form
    assert form is not None and isinstance(form.step("address").editor, QPlainTextEdit)
    assert [name for name in made if name != "GestureType"] == [], made


NATIONAL_ID = "0012345679"  # what ``fill_valid`` types


def runs_of(national_id: str, text: str, tracking_code: str = "") -> list[str]:
    """Every run of four of the ID's digits in ``text``: Persian or ASCII digits, direction marks
    and a space or dash between digits ignored; the tracking code (which may share a few digits
    with the ID by chance) taken out first."""
    plain = to_ascii_digits(re.sub("[\u200e\u200f\u2066-\u2069]", "", text))
    if tracking_code:
        plain = plain.replace(format_for_reading(tracking_code), " ").replace(tracking_code, " ")
    squeezed = re.sub(r"(?<=\d)[\s-](?=\d)", "", plain)
    return sorted({national_id[i : i + 4] for i in range(len(national_id) - 3)} & set(_windows(squeezed)))


def _windows(text: str) -> list[str]:
    return [text[i : i + 4] for i in range(len(text) - 3)]


def test_the_review_masks_the_national_id_until_the_citizen_asks_to_see_it(
    qtbot: QtBot, kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert 5_000 <= review_screen.SHOW_FOR_MS <= 15_000, "long enough to check ten digits, not to be read by others"
    monkeypatch.setattr(review_screen, "SHOW_FOR_MS", 300)
    form = open_form(qtbot, kiosk)
    fill_valid(qtbot, form)
    editor = form.step("national_id").editor
    assert isinstance(editor, QLineEdit) and editor.echoMode() == QLineEdit.EchoMode.Normal
    assert to_ascii_digits(editor.text()) == NATIONAL_ID, "whole while typed: the citizen checks as they type"
    review = kiosk.window.requests.review
    assert review is not None
    value, show = find(review, "reviewValue:national_id"), find(review, "showButton:national_id")
    masked, whole = "\u200f\u2066۰۰۱*****۷۹\u2069", "\u200f\u2066۰۰۱۲۳۴۵۶۷۹\u2069"
    assert value.text() == masked and show.text() == "نمایش"
    assert runs_of(NATIONAL_ID, value.accessibleName()) == [], "a screen reader does not read it either"
    assert "پنهان" in value.accessibleName() and show.accessibleName() == "نمایش کد ملی"
    assert find(review, "reviewValue:mobile").text() == "\u200f\u2066۰۹۱۲۳۴۵۶۷۸۹\u2069", "the mobile stays visible"
    assert list(review.show_buttons) == ["national_id"]
    assert show.height() >= 64 and show.width() >= 64, "a large touch target"

    click(qtbot, show)  # shown whole to check...
    assert value.text() == whole and show.text() == "پنهان کردن" and whole in value.accessibleName()
    click(qtbot, show)  # ...hidden again by a second tap...
    assert value.text() == masked and show.text() == "نمایش"
    click(qtbot, show)  # ...or when the time is up
    assert value.text() == whole
    qtbot.waitUntil(lambda: value.text() == masked, timeout=3000)
    assert show.text() == "نمایش" and runs_of(NATIONAL_ID, value.accessibleName()) == []

    click(qtbot, show)
    click(qtbot, find(kiosk.window, "languageButton"))  # the other language keeps what the citizen chose
    assert value.text() == "\u2066" + NATIONAL_ID + "\u2069" and show.text() == "Hide"
    click(qtbot, show)
    assert value.text() == "\u2066001*****79\u2069" and show.text() == "Show"
    assert show.accessibleName() == "Show National ID"
    assert "hidden" in value.accessibleName() and runs_of(NATIONAL_ID, value.accessibleName()) == []

    click(qtbot, show)
    review.hide()  # the screen is left (covered, or the session ends): hidden again at once
    assert value.text() == "\u2066001*****79\u2069" and not review.shown
    review.show()
    click(qtbot, find(review, "editButton"))  # back to the form and on to a new review: masked again
    click(qtbot, find(kiosk.window.requests.form, "backToReviewButton"))
    again = kiosk.window.requests.review
    assert again is not None and again is not review
    assert find(again, "reviewValue:national_id").text() == "\u2066001*****79\u2069"


def test_the_receipt_shows_and_prints_no_run_of_the_national_id(
    qtbot: QtBot, kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On screen (every label and accessible name) and on paper (the receipt's HTML), in Persian and
    English digits: nothing of the answers, only the code, the service, the agency and the time."""
    printed: list[str] = []

    def print_receipt(text: printing.ReceiptText, *_args: object) -> printing.PrintResult:
        printed.append(printing.receipt_html(text))
        return printing.PrintResult(printer="test printer", pdf=None)

    monkeypatch.setattr(printing, "print_receipt", print_receipt)
    opener = Opener(os.urandom(32))  # the central server's key pair
    kiosk.store.learn_server_key(opener.public_key)
    form = open_form(qtbot, kiosk)
    fill_valid(qtbot, form)
    click(qtbot, find(kiosk.window, "reviewConsent"))
    click(qtbot, find(kiosk.window, "submitButton"))
    receipt = kiosk.window.requests.receipt
    assert receipt is not None
    stored = kiosk.store.find_by_tracking_code(receipt.tracking_code)
    assert stored is not None and opener.open(stored.body["sealed_fields"])["national_id"] == NATIONAL_ID, "filed"

    for language in ("fa", "en"):
        if kiosk.localizer.language != language:
            click(qtbot, find(kiosk.window, "languageButton"))
        click(qtbot, find(receipt, "printButton"))
        on_screen = [
            text
            for widget in receipt.findChildren(QWidget)
            for text in (widget.accessibleName(), widget.text() if isinstance(widget, (QLabel, QPushButton)) else "")
        ]
        everything = "\n".join([*on_screen, printed[-1], receipt.qr.data])
        assert receipt.tracking_code in to_ascii_digits(everything).replace(" ", ""), "the capture saw the code"
        assert runs_of(NATIONAL_ID, everything, receipt.tracking_code) == [], language
        assert NATIONAL_ID not in to_ascii_digits(everything) and "09123456789" not in to_ascii_digits(everything)
    assert len(printed) == 2
