"""The real kiosk window in pytest-qt tests: built on a profile, tapped as a citizen taps it (a
finger through the platform window; a form's fields filled on its own on-screen keys), and torn
down without leaks.

The UI, end-to-end and reliability tests share it. Its two fixtures, ``kiosk`` and the autouse
``no_leaked_widgets``, are brought in by the conftest.py of each folder whose tests drive the
window; the rest is imported by the tests.
"""

from __future__ import annotations

from collections.abc import Iterator

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
    """Type by tapping the on-screen keys the form shows for the active field."""
    for char in text:
        if form.keypad.isVisible():
            digit = PERSIAN_DIGITS.index(char) if char in PERSIAN_DIGITS else char
            click(qtbot, find(form.keypad, "keypad:slash" if char == "/" else f"keypad:{digit}"))
            continue
        taps = form.keyboard.taps_for(char)  # a sign's layer, the other letters, shift first
        assert taps, f"the keyboard cannot type {char!r}"
        for name in taps:
            click(qtbot, form.keyboard.keys[name])


def fill(qtbot: QtBot, form: FormScreen, field_id: str, text: str) -> None:
    """Tap the field, clear it with backspace taps, and type the text on the on-screen keys."""
    editor = form.row(field_id).editor
    assert editor is not None
    scroll_to(qtbot, form, editor)
    tap_visible_part(qtbot, editor)
    assert form.active_row is form.row(field_id)
    current = editor.text() if isinstance(editor, QLineEdit) else editor.toPlainText()
    keys, erase = (
        (form.keypad, "keypad:backspace") if form.row(field_id).spec.uses_keypad else (form.keyboard, "key:backspace")
    )
    for _ in current:
        click(qtbot, find(keys, erase))
    tap_text(qtbot, form, text)


def scroll_to(qtbot: QtBot, form: FormScreen, widget: QWidget) -> None:
    """What a citizen does with a finger before tapping a field below the fold."""
    qtbot.wait(1)  # let the form finish its own scrolling first
    form.scroll.ensureWidgetVisible(widget, 0, 12)
    qtbot.wait(1)


def tap_visible_part(qtbot: QtBot, widget: QWidget) -> None:
    """A finger lands on the part of a widget that is on screen, not on its hidden centre."""
    visible = widget.visibleRegion().boundingRect()
    assert not visible.isEmpty(), f"{widget.objectName()} is scrolled out of sight"
    finger(widget, visible.center())
