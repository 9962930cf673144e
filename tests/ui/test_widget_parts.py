"""Small parts the screens are made of: right-to-left geometry, icons, touch scroll areas."""

from __future__ import annotations

import random

import shiboken6
from PySide6.QtCore import QEvent, QPointF, QRect, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QPushButton,
    QScrollArea,
    QScroller,
    QScrollerProperties,
    QStyle,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kiosk.core.paths import KioskPaths
from kiosk.ui.icons import IconSet, screen_ratio
from kiosk.ui.widgets.finger import when_finger_lifts
from kiosk.ui.widgets.mirroring import visual_rect
from kiosk.ui.widgets.scrolling import touch_scroll_area


def test_visual_rect_mirrors_as_qt_does(qapp: QApplication) -> None:
    chance = random.Random(8)
    for _ in range(2000):
        bounds = QRect(chance.randint(-50, 50), chance.randint(-50, 50), chance.randint(0, 900), chance.randint(0, 90))
        logical = QRect(
            chance.randint(-100, 900), chance.randint(-50, 90), chance.randint(0, 400), chance.randint(0, 90)
        )
        for direction in (Qt.LayoutDirection.LeftToRight, Qt.LayoutDirection.RightToLeft):
            assert visual_rect(direction, bounds, logical) == QStyle.visualRect(direction, bounds, logical)


def test_icons_are_drawn_at_the_screen_s_own_pixel_ratio(qapp: QApplication, kiosk_paths: KioskPaths) -> None:
    """Drawn finer than the screen, every label showing an icon kept a scaled-down copy of its own."""
    icons = IconSet(kiosk_paths.icons)
    ratio = screen_ratio()
    assert ratio == qapp.devicePixelRatio()
    pixmap = icons.pixmap("water", "#0f766e", 48)
    assert pixmap.devicePixelRatio() == ratio
    assert pixmap.width() == pixmap.height() == round(48 * ratio)
    image = pixmap.toImage()
    assert any(image.pixelColor(x, y).alpha() for x in range(image.width()) for y in range(image.height()))
    assert icons.pixmap("water", "#0f766e", 48).cacheKey() == pixmap.cacheKey(), "drawn once"
    label = QLabel()
    label.setPixmap(pixmap)
    assert label.pixmap().cacheKey() == pixmap.cacheKey(), "the label shows the cached pixmap, not a copy"
    blank = icons.pixmap("no-such-icon", "#000000", 32)
    assert blank.width() == round(32 * ratio) and not any(
        blank.toImage().pixelColor(x, y).alpha() for x in range(blank.width()) for y in range(blank.height())
    )


def test_touch_scroll_areas_flick_and_answer_a_tap_at_once(qtbot: QtBot) -> None:
    content = QLabel("x" * 40)
    area = touch_scroll_area(content)
    qtbot.addWidget(area)
    viewport = area.viewport()
    assert content.parentWidget() is viewport
    stock = QScrollArea()  # the viewport Qt makes itself: the kiosk's is set up the same
    qtbot.addWidget(stock)
    assert viewport.backgroundRole() == stock.viewport().backgroundRole()
    assert viewport.autoFillBackground() == stock.viewport().autoFillBackground()
    assert viewport.focusProxy() is area and stock.viewport().focusProxy() is stock
    scroller = QScroller.scroller(viewport)
    assert QScroller.hasScroller(viewport)
    delay = scroller.scrollerProperties().scrollMetric(QScrollerProperties.ScrollMetric.MousePressEventDelay)
    assert delay == 0.0


def test_a_screen_change_waits_for_the_finger_to_lift(qtbot: QtBot) -> None:
    """What a press sets off that moves things runs after the release (the tap counts), and runs
    all the same when the pressed control leaves the screen or is deleted before the finger lifts."""
    panel = QWidget()
    column = QVBoxLayout(panel)
    buttons = [QPushButton(str(n)) for n in range(3)]
    for button in buttons:
        column.addWidget(button)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    ran: list[str] = []

    when_finger_lifts(buttons[0], lambda: ran.append("released"))
    at = QPointF(buttons[0].rect().center())
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    press = QMouseEvent(QEvent.Type.MouseButtonPress, at, at, at, left, left, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(buttons[0], press)
    qtbot.wait(20)
    assert ran == [], "not while the finger is down"
    release = QMouseEvent(QEvent.Type.MouseButtonRelease, at, at, at, left, none, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(buttons[0], release)
    qtbot.waitUntil(lambda: ran == ["released"])

    when_finger_lifts(buttons[1], lambda: ran.append("hidden"))
    buttons[1].hide()
    qtbot.waitUntil(lambda: ran[-1:] == ["hidden"])
    when_finger_lifts(buttons[2], lambda: ran.append("deleted"))
    shiboken6.delete(buttons[2])
    qtbot.waitUntil(lambda: ran[-1:] == ["deleted"])
    qtbot.wait(20)
    assert ran == ["released", "hidden", "deleted"], "each once"
    when_finger_lifts(None, lambda: ran.append("nothing pressed"))
    assert ran[-1] == "nothing pressed"
