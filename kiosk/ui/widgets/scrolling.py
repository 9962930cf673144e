"""Touch-friendly scrolling: drag anywhere with a finger (or the mouse) and the list flicks."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QScroller, QScrollerProperties, QWidget


def touch_scroll_area(content: QWidget, parent: QWidget | None = None) -> QScrollArea:
    area = QScrollArea(parent)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(content)
    # Touch screens deliver taps as mouse events too; a left-button gesture covers both.
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    # By default the scroller holds a press back for a quarter of a second to see whether it
    # becomes a flick; a tap must answer at once, and a flick still cancels the press it began.
    scroller = QScroller.scroller(area.viewport())
    properties = scroller.scrollerProperties()
    properties.setScrollMetric(QScrollerProperties.ScrollMetric.MousePressEventDelay, 0.0)
    scroller.setScrollerProperties(properties)
    return area


def reuse_scroll_area(area: QScrollArea | None, content: QWidget) -> QScrollArea:
    """``content`` in ``area`` (a fresh touch scroll area when None), scrolled to the top.

    Screens built for every citizen borrow one area instead of making their own: each new area
    registers a gesture recognizer, and PySide6 keeps a new enum class for every one of them.
    """
    if area is None:
        return touch_scroll_area(content)
    old = area.takeWidget()
    if old is not None:
        old.deleteLater()
    area.setWidget(content)
    area.verticalScrollBar().setValue(0)
    area.show()
    return area


def give_back(area: QScrollArea, keeper: QWidget) -> None:
    """Take a borrowed area back from a screen that is going, destroying what it showed."""
    old = area.takeWidget()
    if old is not None:
        old.deleteLater()
    area.hide()
    area.setParent(keeper)
