"""The real kiosk window in pytest-qt tests: built on a profile, tapped as a citizen taps it (a
finger through the platform window; a form's fields filled on its own on-screen keys), and torn
down without leaks.

The UI, end-to-end and reliability tests share it. Its two fixtures, ``kiosk`` and the autouse
``no_leaked_widgets``, are brought in by the conftest.py of each folder whose tests drive the
window; the rest is imported by the tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QLocale, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from harness.citizen import aim, as_painted, child, finger, press_keys
from kiosk.app.root import Kiosk
from kiosk.core.paths import KioskPaths
from kiosk.core.persian import PERSIAN_DIGITS
from kiosk.core.settings import KioskSettings
from kiosk.ui.screens.form import FormScreen
from kiosk.ui.widgets.date_picker import JalaliDatePicker
from tests.support.factories import agencies_with_a_form, copy_resources, write_catalog

SCREEN_SIZE = (1366, 768)

# The UI tests' names for the citizen's own: the visible widget of that name first, and key
# presses carrying any text.
find = child
type_text = press_keys


@pytest.fixture(autouse=True)
def no_leaked_widgets(qapp: QApplication) -> Iterator[None]:
    """Fail a test that leaves top-level widgets behind, and undo app-wide state it changed."""
    before = set(map(id, QApplication.topLevelWidgets()))
    yield
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    leaked = [w for w in QApplication.topLevelWidgets() if id(w) not in before]
    qapp.setStyleSheet("")
    qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    QLocale.setDefault(QLocale.c())
    assert not leaked, f"widgets left behind: {[w.objectName() or type(w).__name__ for w in leaked]}"


def build_kiosk(
    qtbot: QtBot, paths: KioskPaths, profile: str = "festival", settings: KioskSettings | None = None
) -> Iterator[Kiosk]:
    kiosk = Kiosk.build(paths, profile, settings)
    window = kiosk.window
    window.resize(*SCREEN_SIZE)
    window.show()
    qtbot.waitExposed(window)
    try:
        qtbot.waitUntil(lambda: window.guard_armed, timeout=3000)  # with the first frame painted
        yield kiosk
    finally:
        kiosk.close()


def build_kiosk_with_every_field(qtbot: QtBot, tmp_path: Path) -> Iterator[Kiosk]:
    """The kiosk on the test sample catalog whose ``water.connection`` form has a question of every
    kind, in a private copy of the resources."""
    paths = copy_resources(tmp_path)
    for old in (paths.catalog / "agencies").glob("*.json"):
        old.unlink()
    write_catalog(paths.catalog, agencies_with_a_form())
    yield from build_kiosk(qtbot, paths, "festival")


@pytest.fixture
def kiosk(qtbot: QtBot, kiosk_paths: KioskPaths) -> Iterator[Kiosk]:
    """The kiosk on the festival profile (every agency, Persian), showing its attract loop."""
    yield from build_kiosk(qtbot, kiosk_paths)


def click(qtbot: QtBot, widget: QWidget) -> None:
    """A real tap, as a citizen makes it, on the part of the widget on screen (``aim``: scrolled
    into sight if a list hides it); then the screen it leads to is painted, as the citizen sees it
    before the next tap."""
    finger(widget, aim(widget))
    as_painted()


def tap_text(qtbot: QtBot, form: FormScreen, text: str) -> None:
    """Type by tapping the on-screen keys the form shows for the question on screen."""
    for char in text:
        if form.keypad.isVisible():
            digit = PERSIAN_DIGITS.index(char) if char in PERSIAN_DIGITS else char
            click(qtbot, find(form.keypad, f"keypad:{digit}"))
            continue
        taps = form.keyboard.taps_for(char)  # a sign's layer, the other letters, shift first
        assert taps, f"the keyboard cannot type {char!r}"
        for name in taps:
            click(qtbot, form.keyboard.keys[name])


def fill(qtbot: QtBot, form: FormScreen, field_id: str, text: str) -> None:
    """Bring the question on screen (as «قبلی» or «بعدی» would), erase its answer with backspace
    taps and type ``text`` on the on-screen keys. «بعدی» is not tapped."""
    if form.current.spec.id != field_id:
        form.go_to(field_id)
        as_painted()
    step = form.current
    editor = step.editor
    assert editor is not None and editor.isVisible(), field_id
    current = editor.text() if isinstance(editor, QLineEdit) else editor.toPlainText()
    keys, erase = (form.keypad, "keypad:backspace") if step.spec.uses_keypad else (form.keyboard, "key:backspace")
    for _ in current:
        click(qtbot, find(keys, erase))
    tap_text(qtbot, form, text)


def next_question(qtbot: QtBot, form: FormScreen) -> None:
    click(qtbot, find(form, "nextButton"))


def pick_date(qtbot: QtBot, picker: JalaliDatePicker, jalali_date: str) -> int:
    """Pick a Jalali date (``1405/09/26``) on the picker as a citizen does: − or + on the year and
    the month until they show it, then the day. Returns the number of taps."""
    year, month, day = (int(part) for part in jalali_date.split("/"))
    taps = 0
    while picker.shown_month[0] != year:
        click(qtbot, find(picker, "yearUp" if picker.shown_month[0] < year else "yearDown"))
        taps += 1
    while picker.shown_month[1] != month:
        click(qtbot, find(picker, "monthUp" if picker.shown_month[1] < month else "monthDown"))
        taps += 1
    click(qtbot, find(picker, f"day:{day}"))
    return taps + 1


def fill_form(qtbot: QtBot, form: FormScreen, answers: dict[str, str | bool]) -> None:
    """Answer the form question by question up to the review, by taps: the text of ``answers``
    typed on the keys, a choice's option (its id) tapped, a consent ticked (True), a date picked
    ("today" or ``1405/09/26``), each followed by «بعدی» unless the tap moves on by itself; a
    question not in ``answers`` passed by «بعدی»."""
    for step in list(form.steps):
        assert form.current is step, f"expected {step.spec.id}, the form shows {form.current.spec.id}"
        value = answers.get(step.spec.id)
        if value is None:
            next_question(qtbot, form)
        elif step.options is not None:
            click(qtbot, find(step, f"choice:{step.spec.id}:{value}"))
        elif step.consent is not None:
            click(qtbot, step.consent)
        elif step.picker is not None:
            if value == "today":
                click(qtbot, find(step.picker, "todayButton"))
            else:
                pick_date(qtbot, step.picker, str(value))
            next_question(qtbot, form)
        else:
            fill(qtbot, form, step.spec.id, str(value))
            next_question(qtbot, form)
        if form.current is step and form.isVisible():
            raise AssertionError(f"{step.spec.id} was not accepted: {step.problem!r}")
