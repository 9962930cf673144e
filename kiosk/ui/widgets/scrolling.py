"""Touch-friendly scrolling: drag anywhere with a finger (or the mouse) and the list flicks."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QScrollArea, QScroller, QScrollerProperties, QWidget

_DISPOSE_AT_ONCE = "kioskDisposeAtOnce"


def touch_scroll_area(content: QWidget, parent: QWidget | None = None) -> QScrollArea:
    area = QScrollArea(parent)
    # The viewport is made here, set up as QScrollArea sets up its own. The one Qt makes reaches
    # Python as a widget PySide has never seen: to find its class PySide tries every QWidget
    # class it knows, building each one's enums (~80 of them, ~12 ms of the first frame).
    viewport = QWidget()
    viewport.setBackgroundRole(QPalette.ColorRole.NoRole)
    viewport.setAutoFillBackground(True)
    area.setViewport(viewport)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(content)
    # Touch screens deliver taps as mouse events too; a left-button gesture covers both.
    QScroller.grabGesture(viewport, QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    # By default the scroller holds a press back for a quarter of a second to see whether it
    # becomes a flick; a tap must answer at once, and a flick still cancels the press it began.
    scroller = QScroller.scroller(viewport)
    properties = scroller.scrollerProperties()
    properties.setScrollMetric(QScrollerProperties.ScrollMetric.MousePressEventDelay, 0.0)
    scroller.setScrollerProperties(properties)
    return area


def to_top(area: QScrollArea) -> None:
    """Back to the top of the list, a flick under way stopped: a screen shown again (the next card,
    the next citizen's card) opened where the last citizen had scrolled it."""
    QScroller.scroller(area.viewport()).stop()
    area.verticalScrollBar().setValue(0)


def reuse_scroll_area(area: QScrollArea | None, content: QWidget, parent: QWidget | None = None) -> QScrollArea:
    """``content`` in ``area`` (a fresh touch scroll area when None), scrolled to the top, and
    the area in ``parent`` (when given) before it is shown again.

    Screens built for every citizen borrow one area instead of making their own: each new area
    registers a gesture recognizer, and PySide6 keeps a new enum class for every one of them.
    A screen passes itself as ``parent`` while it is being built (not shown yet): the area then
    moves once, empty, and showing it there lays out nothing else.
    """
    if area is None:
        return touch_scroll_area(content, parent)
    if parent is not None and area.parentWidget() is not parent:
        area.setParent(parent)
    old = area.takeWidget()
    if old is not None:
        old.deleteLater()
    area.setWidget(content)
    area.verticalScrollBar().setValue(0)
    area.show()
    return area


def dispose_at_once(content: QWidget) -> None:
    """Mark what a screen shows in a borrowed area as safe to destroy the moment the area is
    given back: no widget in it can be what the tap being handled landed on (nothing in it ends
    the screen), and nothing holds on to it once its screen is gone.

    Otherwise ``give_back`` takes it out of the area first and destroys it later; with the
    application's stylesheet, taking a widget out restyles it and everything in it (a form's
    rows: some milliseconds of the tap that sends the request), only for it to be destroyed.
    """
    content.setProperty(_DISPOSE_AT_ONCE, True)


def give_back(area: QScrollArea, keeper: QWidget) -> None:
    """Take a borrowed area back from a screen that is going, destroying what it showed."""
    old = area.widget()
    if old is not None and old.property(_DISPOSE_AT_ONCE):
        shiboken6.delete(old)  # the area forgets it: it keeps its widget in a guarded pointer
    else:
        old = area.takeWidget()
        if old is not None:
            old.deleteLater()
    area.hide()
    area.setParent(keeper)
