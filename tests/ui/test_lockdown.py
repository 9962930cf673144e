"""A citizen cannot leave the kiosk: close, Alt+F4 and Escape do nothing, and no tap or long press
anywhere opens a menu, a file dialog or a print dialog."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import shiboken6
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QFocusEvent, QKeyEvent, QMouseEvent, QPaintEvent, QTouchEvent, QWheelEvent
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QFileDialog,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from harness.citizen import Citizen
from kiosk.app.root import Kiosk
from kiosk.core.paths import KioskPaths
from kiosk.core.persian import to_ascii_digits
from kiosk.ui.lockdown import CORNER_PX
from kiosk.ui.shell import GUARD_AT_THE_LATEST_MS, Page
from tests.support.window import click, find, type_text

NO_MODIFIER = Qt.KeyboardModifier.NoModifier


def no_escape_hatch_open() -> None:
    assert QApplication.activePopupWidget() is None, "a popup opened"
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and isinstance(widget, (QMenu, QFileDialog, QPrintDialog, QDialog)):
            raise AssertionError(f"{type(widget).__name__} opened")


def test_close_alt_f4_and_escape_do_nothing(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    click(qtbot, window.attract)
    assert window.close() is False and window.isVisible()
    field = window.home.search_field
    field.setFocus()
    keys = _KeysSeen()
    field.installEventFilter(keys)
    for key, modifier in ((Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier), (Qt.Key.Key_Escape, NO_MODIFIER)):
        QTest.keyClick(window.windowHandle(), key, modifier)
    qtbot.wait(10)
    field.removeEventFilter(keys)
    assert window.isVisible() and window.current_page == Page.HOME
    assert Qt.Key.Key_F4 in keys.pressed, "keys do reach the field under the guard"
    assert Qt.Key.Key_Escape not in keys.pressed, "the guard swallows Escape"
    no_escape_hatch_open()


class _KeysSeen(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.pressed: list[Qt.Key] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            self.pressed.append(Qt.Key(event.key()))
        return False


def right_click(window: QWidget, at: QPoint) -> None:
    """A right button press and release through the window system, as a mouse (or a touch screen's
    driver, for a press-and-hold) delivers it: Qt makes a context menu request of it. (QTest, not
    ``finger``: only what comes through the window system gets that request.)"""
    QTest.mouseClick(window.windowHandle(), Qt.MouseButton.RightButton, NO_MODIFIER, at)


def long_press(widget: QWidget) -> None:
    """What a touch screen's press-and-hold, a mouse's right button and the menu key deliver, the
    way the screen delivers them: through the platform window. A right click; a context menu
    request from the platform (Windows sends one for a pen's press-and-hold), from the mouse and
    from the keyboard; the menu key."""
    window = widget.window()
    at = widget.mapTo(window, widget.visibleRegion().boundingRect().center())  # the part of it on screen
    right_click(window, at)
    for reason in (QContextMenuEvent.Reason.Mouse, QContextMenuEvent.Reason.Keyboard):
        QApplication.sendEvent(window.windowHandle(), QContextMenuEvent(reason, at, window.mapToGlobal(at)))
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_Menu)


def screens(qtbot: QtBot, kiosk: Kiosk) -> dict[str, Callable[[], None]]:
    window = kiosk.window
    water = "mazandaran-water"

    def home() -> None:
        window.end_session()
        click(qtbot, window.attract)

    def agency() -> None:
        home()
        click(qtbot, find(window, f"agencyTile:{water}"))

    def service() -> None:
        agency()
        click(qtbot, find(window, f"serviceTile:{water}.new-connection"))

    def form() -> None:
        service()
        click(qtbot, find(window, "startRequestButton"))

    def review() -> None:
        form()
        Citizen(kiosk).fill(window.requests.form)

    def receipt() -> None:
        review()
        click(qtbot, find(window.requests.review, "reviewConsent"))
        click(qtbot, find(window.requests.review, "submitButton"))

    def options() -> None:
        form()
        window.requests.form.go_to("usage")

    def date() -> None:
        home()
        window.open_service("mazandaran-gas.meter-reading")
        click(qtbot, find(window, "startRequestButton"))
        window.requests.form.go_to("reading_date")

    def leaving() -> None:  # "Your answers will be cleared. Do you want to leave?"
        form()
        type_text(window.requests.form.current.editor, "زهرا")
        click(qtbot, find(window, "backButton"))
        assert window.leave_prompt.asking

    def track() -> None:
        home()
        click(qtbot, find(window, "trackButton"))

    return {"home": home, "agency": agency, "service": service, "form": form, "options": options, "date": date,
            "leaving": leaving, "review": review, "receipt": receipt, "track": track}  # fmt: skip


def interactive(window: QWidget) -> list[str]:
    names = []
    for widget in window.findChildren(QWidget):
        if widget.isVisibleTo(window) and widget.objectName() and isinstance(widget, (QAbstractButton, QLineEdit)):
            names.append(widget.objectName())
    return sorted(set(names))


def where(kiosk: Kiosk) -> tuple[object, ...]:
    window = kiosk.window
    return window.current_page, window.requests.current, window.tracking.screen, window.pages.currentWidget()


def test_a_crawl_of_every_screen_finds_no_menu_or_dialog(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    crawled = 0
    for name, show in screens(qtbot, kiosk).items():
        show()
        for widget in window.findChildren(QWidget):
            # (one a long press let Qt delete, left over from an earlier screen, is skipped)
            if shiboken6.isValid(widget) and widget.isVisibleTo(window) and not widget.visibleRegion().isEmpty():
                long_press(widget)
        no_escape_hatch_open()
        screen = where(kiosk)
        for target in interactive(window):
            if where(kiosk) != screen:  # the last tap moved on: come back to this screen
                show()
                screen = where(kiosk)
            # The one on screen: a screen left a moment ago may still hold a hidden one of that name.
            widget = next((w for w in window.findChildren(QWidget, target) if w.isVisible()), None)
            if widget is None or target in ("homeButton", "languageButton"):
                continue
            click(qtbot, widget)
            if shiboken6.isValid(widget):  # not gone with the screen the tap left
                long_press(widget)
            if shiboken6.isValid(widget):
                right_click(window, widget.mapTo(window, QPoint(2, 2)))
            no_escape_hatch_open()
            crawled += 1
        assert crawled, f"nothing to tap on {name}"
    assert crawled > 60


def test_the_staff_corner_holds_nothing_to_tap_on_any_screen(qtbot: QtBot, kiosk: Kiosk) -> None:
    """The staff gesture's five taps land in the top-left corner: a control there takes them too.
    (The language button sat there on the Persian home screen: the gesture switched the kiosk to
    English, and the PIN pad came up in English.)"""
    window = kiosk.window
    corner = [QPoint(x, y) for x in range(0, CORNER_PX, 10) for y in range(0, CORNER_PX, 10)]
    checked = 0
    for language in ("fa", "en"):
        for name, show in screens(qtbot, kiosk).items():
            show()
            if kiosk.localizer.language != language:
                kiosk.localizer.set_language(language)
            QApplication.processEvents()
            for point in corner:
                hit = window.childAt(point)
                while hit is not None and hit is not window:
                    assert not isinstance(hit, (QAbstractButton, QLineEdit, QPlainTextEdit)), (
                        f"{hit.objectName()} at {point.toTuple()} on {name} ({language})"
                    )
                    hit = hit.parentWidget()
                checked += 1
    assert checked == 2 * 10 * len(corner)


class _CountingTimer(QTimer):
    def __init__(self) -> None:
        super().__init__()
        self.starts = 0

    def start(self, *args: int) -> None:
        self.starts += 1
        super().start(*args)


def test_any_input_counts_as_activity_and_nothing_else_does(qtbot: QtBot, kiosk: Kiosk) -> None:
    """The guard sees every event of the platform window and ignores all but input; touch, mouse,
    keys and the wheel restart the idle clocks, and a context menu is refused."""
    window = kiosk.window
    click(qtbot, window.attract)
    watched = find(window, "searchField")
    clock = _CountingTimer()
    clock.start(60_000)
    window.guard.extra_activity.append(clock)
    try:
        centre = QPointF(watched.rect().center())
        inputs = [
            QTouchEvent(QEvent.Type.TouchBegin),
            QMouseEvent(QEvent.Type.MouseButtonRelease, centre, centre, Qt.MouseButton.LeftButton,
                        Qt.MouseButton.NoButton, NO_MODIFIER),
            QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, NO_MODIFIER, "a"),
            QWheelEvent(centre, centre, QPoint(), QPoint(0, -120), Qt.MouseButton.NoButton, NO_MODIFIER,
                        Qt.ScrollPhase.NoScrollPhase, False),
        ]  # fmt: skip
        others = [
            QPaintEvent(watched.rect()),
            QEvent(QEvent.Type.LayoutRequest),
            QEvent(QEvent.Type.Polish),
            QFocusEvent(QEvent.Type.FocusIn),
            QKeyEvent(QEvent.Type.KeyRelease, Qt.Key.Key_A, NO_MODIFIER, "a"),
        ]
        for event in others:
            assert window.guard.eventFilter(watched, event) is False
        assert clock.starts == 1, "only input restarts the idle clock"
        for event in inputs:
            assert window.guard.eventFilter(watched, event) is False
        assert clock.starts == 1 + len(inputs)
        menu = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, QPoint(1, 1), watched.mapToGlobal(QPoint(1, 1)))
        assert window.guard.eventFilter(watched, menu) is True
    finally:
        window.guard.extra_activity.remove(clock)
        clock.stop()


def test_large_text_and_high_contrast_last_for_the_session_only(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    click(qtbot, window.attract)
    normal_size = QApplication.font().pointSize()
    click(qtbot, find(window, "largeTextButton"))
    assert QApplication.font().pointSize() > normal_size
    click(qtbot, find(window, "contrastButton"))
    assert "#ffd500" in QApplication.instance().styleSheet()
    window.end_session()
    assert QApplication.font().pointSize() == normal_size
    assert "#ffd500" not in QApplication.instance().styleSheet()
    assert not find(window, "largeTextButton").isChecked()


def test_after_the_idle_wipe_no_widget_holds_what_the_citizen_typed(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    shows = screens(qtbot, kiosk)
    shows["review"]()  # the form filled with a citizen's answers, now on the review screen
    typed = ("0012345679", "09111234567", "4816813311", "زهرا حسینی")
    window.idle_prompt.seconds = 1
    window.idle_timer.setInterval(50)
    window.idle_timer.start()
    qtbot.waitUntil(lambda: window.idle_prompt.showing, timeout=2000)
    qtbot.waitUntil(lambda: window.current_page == Page.ATTRACT, timeout=4000)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    for widget in window.findChildren(QWidget):
        texts = []
        if isinstance(widget, QLineEdit):
            texts.append(widget.text())
            assert not widget.isUndoAvailable(), f"{widget.objectName()} can undo back to the last citizen"
        elif isinstance(widget, QPlainTextEdit):
            texts.append(widget.toPlainText())
        elif hasattr(widget, "text") and callable(widget.text):
            texts.append(str(widget.text()))
        shown = to_ascii_digits("".join(c for c in " ".join(texts) if c.isdigit() or c.isalpha() or c == " "))
        for value in typed:
            assert value not in shown, f"{widget.objectName() or type(widget).__name__} still shows {value}"


class _NoPaint(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        return event.type() == QEvent.Type.Paint


@pytest.mark.parametrize("painted", [True, False], ids=["painted", "never-painted"])
def test_the_guard_comes_on_with_the_first_frame_or_soon_after_showing(
    qtbot: QtBot, kiosk_paths: KioskPaths, painted: bool
) -> None:
    """The guard (every key and touch) is on from the first frame; a window that is never painted
    gets it all the same, GUARD_AT_THE_LATEST_MS after it is shown."""
    kiosk = Kiosk.build(kiosk_paths, "festival")
    window = kiosk.window
    blocker = _NoPaint()
    try:
        if not painted:
            window.installEventFilter(blocker)  # filters installed last run first: no Paint arrives
        assert not window.guard_armed
        window.resize(1366, 768)
        window.show()
        shown = time.monotonic()
        qtbot.waitUntil(lambda: window.guard_armed, timeout=3000)
        if painted:
            assert window._first_frame is None, "armed by the first frame (which also ends its watch)"
        else:
            assert window._first_frame is not None, "no frame came: armed by the time limit"
            assert time.monotonic() - shown >= GUARD_AT_THE_LATEST_MS / 1000 * 0.9
    finally:
        window.removeEventFilter(blocker)
        kiosk.close()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
