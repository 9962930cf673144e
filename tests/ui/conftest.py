"""UI test fixtures: the real kiosk window on the bundled data, torn down without leaks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QLocale, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from kiosk.app import Kiosk
from kiosk.core.settings import KioskSettings
from kiosk.paths import KioskPaths
from tests.reliability.citizen import as_painted, finger

SCREEN_SIZE = (1366, 768)


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
    """A real tap, as a citizen makes it: scroll the widget into sight if a list hides it, then
    press and release on the part of it that is on screen (pending layouts done first); then let
    the screen it leads to be painted, as the citizen sees it before the next tap."""
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    assert widget.isVisible(), f"{widget.objectName()} is not visible"
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    if parent is not None and parent.widget() is not None and parent.widget().isAncestorOf(widget):
        parent.ensureWidgetVisible(widget, 0, 0)
    visible = widget.visibleRegion().boundingRect()
    assert not visible.isEmpty(), f"{widget.objectName()} is out of sight"
    finger(widget, visible.center())
    as_painted()


def type_text(widget: QWidget, text: str) -> None:
    """Key presses carrying any text, as a physical keyboard (Persian or Arabic layout) sends them.

    QTest.keyClicks aborts Qt on letters outside Latin-1, so the events are built here.
    """
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char))


def find(window: QWidget, name: str) -> QWidget:
    widget = window.findChild(QWidget, name)
    assert widget is not None, f"no widget named {name!r}"
    return widget
