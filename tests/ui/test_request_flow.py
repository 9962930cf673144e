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
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

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
from tests.support.factories import agencies_with_a_form, copy_resources, write_catalog
from tests.support.window import build_kiosk, click, fill, find, scroll_to, tap_text, tap_visible_part, type_text

SERVICE = "water.connection"


@pytest.fixture
def kiosk(qtbot: QtBot, tmp_path: Path) -> Iterator[Kiosk]:
    paths = copy_resources(tmp_path)
    for old in (paths.catalog / "agencies").glob("*.json"):
        old.unlink()
    write_catalog(paths.catalog, agencies_with_a_form())
    yield from build_kiosk(qtbot, paths, "festival")


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


def visit_day() -> str:
    """A Jalali date ten days from now, in Persian digits as the keypad types them."""
    ascii_date = format_jalali(date.today() + timedelta(days=10))
    return "".join(PERSIAN_DIGITS[int(c)] if c.isdigit() else c for c in ascii_date)


def error_text(form: FormScreen, field_id: str) -> str:
    find(form, f"fieldRow:{field_id}")
    label = form.findChild(QLabel, f"fieldError:{field_id}")  # made with the field's first message
    return label.text() if label is not None and label.isVisible() else ""


def expect(form: FormScreen, kiosk: Kiosk, field_id: str, code: str, limit: int = 0) -> None:
    assert error_text(form, field_id) == problem_text(FieldProblem(code, limit), kiosk.localizer)


def fill_valid(qtbot: QtBot, form: FormScreen) -> None:
    fill(qtbot, form, "full_name", f"علی رضا{ZWNJ}زاده")
    fill(qtbot, form, "national_id", "0012345679")
    fill(qtbot, form, "mobile", "09123456789")
    fill(qtbot, form, "postal_code", "4816813311")
    fill(qtbot, form, "address", "ساری خیابان فرهنگ")
    scroll_to(qtbot, form, find(form, "choice:usage:home"))
    tap_visible_part(qtbot, find(form, "choice:usage:home"))
    fill(qtbot, form, "visit_date", visit_day())
    scroll_to(qtbot, form, find(form, "field:agree"))
    tap_visible_part(qtbot, find(form, "field:agree"))


def test_every_validation_message_then_submit_and_read_the_code(qtbot: QtBot, kiosk: Kiosk) -> None:
    opener = Opener(os.urandom(32))  # the central server's key pair
    kiosk.store.learn_server_key(opener.public_key)  # as its answer to a heartbeat tells it
    form = open_form(qtbot, kiosk)
    assert form.title.text() == "درخواست انشعاب آب"

    # Nothing filled in: every required field says so, the optional ones stay quiet.
    click(qtbot, find(form, "reviewButton"))
    assert kiosk.window.requests.review is None
    for field_id in ("full_name", "national_id", "mobile", "postal_code", "usage", "visit_date"):
        expect(form, kiosk, field_id, "required")
    expect(form, kiosk, "agree", "consent")
    assert error_text(form, "address") == "" and error_text(form, "subscription") == ""
    assert "قرمز" in find(form, "formSummary").text()

    wrong = [
        ("full_name", "ع", "too_short", 2),
        ("national_id", "12345", "national_id_format", 0),
        ("national_id", "0012345678", "national_id_checksum", 0),
        ("national_id", "1111111111", "national_id_repeated", 0),
        ("mobile", "0812345678", "mobile_prefix", 0),
        ("mobile", "091234567", "mobile_length", 11),
        ("postal_code", "123456789", "postal_code_length", 10),
        ("subscription", "12345", "too_few_digits", 6),
        ("subscription", "12345678901", "too_many_digits", 10),
        ("visit_date", "۱۴۰۵/۱۳/۰۱", "date_invalid", 0),
        ("visit_date", "۱۴۰۰/۰۱/۰۱", "date_past", 0),
        ("last_visit", visit_day(), "date_future", 0),
        ("full_name", "ا" * 61, "too_long", 60),
    ]
    for field_id, typed, code, limit in wrong:
        fill(qtbot, form, field_id, typed)
        click(qtbot, find(form, "reviewButton"))
        expect(form, kiosk, field_id, code, limit)
        first_wrong = next(r for r in form.rows if form.last_check and r.spec.id in form.last_check.problems)
        assert form.active_row is first_wrong, "the first wrong answer gets the keyboard"
    # A physical keyboard (a technician's, or a Persian one plugged in) can type letters into a
    # number field; the keypad never can.
    fill(qtbot, form, "mobile", "")
    type_text(form.row("mobile").editor, "09a")
    click(qtbot, find(form, "reviewButton"))
    expect(form, kiosk, "mobile", "digits_only")
    fill(qtbot, form, "last_visit", "")
    # A message goes away as soon as the citizen changes that answer.
    fill(qtbot, form, "subscription", "")
    assert error_text(form, "subscription") == ""

    fill_valid(qtbot, form)
    click(qtbot, find(form, "reviewButton"))
    review = kiosk.window.requests.review
    assert review is not None and review.isVisible()
    assert find(review, "reviewValue:national_id").text() == "\u200f\u2066۰۰۱*****۷۹\u2069"  # Show shows it
    assert find(review, "reviewValue:usage").text() == "مسکونی"
    assert find(review, "reviewValue:full_name").text() == f"علی رضا{ZWNJ}زاده"
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
        "visit_date": (date.today() + timedelta(days=10)).isoformat(),
        "agree": True,
    }
    assert not find(kiosk.window, "backButton").isVisible(), "a receipt cannot be stepped back into"


def test_review_can_go_back_to_the_answers(qtbot: QtBot, kiosk: Kiosk) -> None:
    form = open_form(qtbot, kiosk)
    fill_valid(qtbot, form)
    click(qtbot, find(form, "reviewButton"))
    assert not form.keyboard.isVisible() and not form.keypad.isVisible(), "the keys went with the form"
    click(qtbot, find(kiosk.window, "editButton"))
    assert kiosk.window.requests.form is form and form.isVisible()
    assert form.row("mobile").answer() == "۰۹۱۲۳۴۵۶۷۸۹"
    scroll_to(qtbot, form, form.row("mobile").editor)
    tap_visible_part(qtbot, form.row("mobile").editor)
    qtbot.waitUntil(lambda: _keys_over_their_panel(form))
    assert form.keypad.isVisible(), "the keys come back with the form"


def test_the_keyboard_never_covers_the_field_and_switches_letters(qtbot: QtBot, kiosk: Kiosk) -> None:
    form = open_form(qtbot, kiosk)
    for field_id in ("full_name", "national_id", "postal_code", "visit_date", "address"):
        scroll_to(qtbot, form, form.row(field_id).editor)
        tap_visible_part(qtbot, form.row(field_id).editor)
        qtbot.waitUntil(lambda f=field_id: _visible_above_keys(form, f))
        assert form.keys.isVisible()
        assert form.keypad.isVisible() == form.row(field_id).spec.uses_keypad
        qtbot.waitUntil(lambda: _keys_over_their_panel(form))
    scroll_to(qtbot, form, form.row("full_name").editor)
    tap_visible_part(qtbot, form.row("full_name").editor)
    click(qtbot, find(form.keyboard, "key:switch"))
    tap_text(qtbot, form, "ali")
    assert form.row("full_name").answer() == "ali"
    assert find(form.keypad, "keypad:slash").isVisible() is False or form.keypad.isVisible() is False


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
    editor = form.row(field_id).editor
    viewport = form.scroll.viewport()
    top_left = editor.mapTo(viewport, editor.rect().topLeft())
    bottom = editor.mapTo(viewport, editor.rect().bottomLeft()).y()
    keys_top = form.keys.mapTo(form, form.keys.rect().topLeft()).y()
    field_bottom_in_form = viewport.mapTo(form, viewport.rect().topLeft()).y() + bottom
    return top_left.y() >= 0 and bottom <= viewport.height() and field_bottom_in_form <= keys_top


def test_done_wipes_everything_the_citizen_typed(qtbot: QtBot, kiosk: Kiosk) -> None:
    form = open_form(qtbot, kiosk)
    QGuiApplication.clipboard().setText("0012345679")
    fill_valid(qtbot, form)
    click(qtbot, find(form, "reviewButton"))
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


def test_the_answers_are_destroyed_the_moment_the_request_is_sent(qtbot: QtBot, kiosk: Kiosk) -> None:
    form = open_form(qtbot, kiosk)
    fill_valid(qtbot, form)
    editors = [row.editor for row in form.rows if row.editor is not None]
    click(qtbot, find(form, "reviewButton"))
    click(qtbot, find(kiosk.window, "reviewConsent"))
    click(qtbot, find(kiosk.window, "submitButton"))
    assert kiosk.window.requests.receipt is not None
    # Not later, when Qt next runs its deferred deletions: at once, with the form.
    assert editors and not any(shiboken6.isValid(editor) for editor in editors)
    assert not any(w.objectName().startswith("field:") for w in kiosk.window.findChildren(QWidget))
    # The scroll area they were shown in is the next citizen's, empty.
    click(qtbot, find(kiosk.window, "doneButton"))
    click(qtbot, kiosk.window.attract)
    assert open_form(qtbot, kiosk, tap_attract=False).scroll is form.scroll


def test_leaving_the_moment_a_field_is_tapped_is_safe(qtbot: QtBot, kiosk: Kiosk) -> None:
    form = open_form(qtbot, kiosk)
    form.activate(form.row("visit_date"))  # scrolls it into sight at the next turn of the event loop
    kiosk.window.go_home()  # before that turn: the form's rows are gone by then
    qtbot.wait(20)  # an exception in the pending scroll would fail the test here
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
    click(qtbot, find(form, "reviewButton"))
    click(qtbot, find(kiosk.window, "reviewConsent"))
    for _ in range(30):  # enough requests to need a new page
        if kiosk.window.requests.failed is not None:
            break
        click(qtbot, find(kiosk.window, "submitButton"))
        if kiosk.window.requests.receipt is not None:
            click(qtbot, find(kiosk.window, "doneButton"))
            form = open_form(qtbot, kiosk)
            fill_valid(qtbot, form)
            click(qtbot, find(form, "reviewButton"))
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
    form.activate(form.rows[0])
    fill_valid(qtbot, form)
    click(qtbot, find(form, "reviewButton"))
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
    click(qtbot, find(form, "reviewButton"))
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
    typed = built.row("national_id").editor

    click(qtbot, find(kiosk.window, "backButton"))  # back to the card: the answers go
    assert kiosk.window.current_page == Page.SERVICE and not shiboken6.isValid(typed)
    qtbot.waitUntil(lambda: requests.form_built_ahead is not None, timeout=3000)
    form = open_form_from_card(qtbot, kiosk)
    assert form is not built and shiboken6.isValid(form)
    editor = form.row("national_id").editor
    assert isinstance(editor, QLineEdit) and editor.text() == "" and not editor.isUndoAvailable()
    fill_valid(qtbot, form)
    click(qtbot, find(form, "reviewButton"))
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
    assert form is not None and isinstance(form.row("address").editor, QPlainTextEdit)
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
    editor = form.row("national_id").editor
    assert isinstance(editor, QLineEdit) and editor.echoMode() == QLineEdit.EchoMode.Normal
    assert to_ascii_digits(editor.text()) == NATIONAL_ID, "whole while typed: the citizen checks as they type"
    click(qtbot, find(form, "reviewButton"))
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
    click(qtbot, find(kiosk.window.requests.form, "reviewButton"))
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
    click(qtbot, find(form, "reviewButton"))
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
