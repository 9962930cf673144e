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
