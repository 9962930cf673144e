"""A place held in a layout for a widget that lives higher up, which is kept over that place.

With the application's stylesheet, giving a styled widget another parent restyles it and every
widget inside it (Qt unpolishes and polishes each one, and sends each its style, palette and font
changes). The request flow lends one keyboard of fifty-odd keys to every citizen's form; moving it
into each new form and back out again cost more than building the rest of the form. So it stays
a child of the flow's page, and the form holds its place with a ``StandIn``: same size hints, and
the real widget is put over it, shown while it is shown.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize
from PySide6.QtGui import QHideEvent, QMoveEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QWidget


class StandIn(QWidget):
    """Stands in a layout for ``real``, a child of one of this widget's ancestors (its
    ``holder``), and keeps ``real`` over itself: the same rectangle, on top, and shown only while
    this stand-in is (hidden along with any of its ancestors, shown again with them).

    Whoever moves an ancestor between this widget and the holder calls ``place`` (a widget is not
    told when one of its ancestors moves)."""

    def __init__(self, real: QWidget, parent: QWidget) -> None:
        super().__init__(parent)
        self.real = real
        self.setSizePolicy(real.sizePolicy())
        real.hide()
        real.installEventFilter(self)  # its size hints change with its layout

    def sizeHint(self) -> QSize:
        return self.real.sizeHint()

    def minimumSizeHint(self) -> QSize:
        return self.real.minimumSizeHint()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.real and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return False

    def place(self) -> None:
        if not self.isVisible():
            return
        holder = self.real.parentWidget()
        if holder is None:
            return
        self.real.setGeometry(QRect(self.mapTo(holder, QPoint(0, 0)), self.size()))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.place()
        self.real.raise_()
        self.real.show()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.real.hide()

    def moveEvent(self, event: QMoveEvent) -> None:
        super().moveEvent(event)
        self.place()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.place()
