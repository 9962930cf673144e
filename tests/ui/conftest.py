"""UI test fixtures: the real kiosk window on the bundled data, torn down without leaks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QLocale, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from harness.citizen import aim, as_painted, finger
from harness.citizen import child as find  # noqa: F401 (the visible one of that name first)
from harness.citizen import press_keys as type_text  # noqa: F401 (the UI tests' name for it)
from kiosk.app import Kiosk
from kiosk.core.settings import KioskSettings
from kiosk.paths import KioskPaths

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
    """A real tap, as a citizen makes it, on the part of the widget on screen (``aim``: scrolled
    into sight if a list hides it); then the screen it leads to is painted, as the citizen sees it
    before the next tap."""
    finger(widget, aim(widget))
    as_painted()
