"""One big tick: a statement a citizen agrees to, the box and its words one target for a finger.

A ``QCheckBox`` draws its words on one line: a consent of a dozen words in large text or on a
portrait screen asked for more width than the screen has. Here the words wrap, and a tap anywhere
on the tick (box, words or the space between) ticks or unticks it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QAbstractButton, QCheckBox, QHBoxLayout, QLabel, QStyle, QStyleOption, QWidget


class BigTick(QAbstractButton):
    """Checkable, with ``toggled`` and ``isChecked`` as a check box has; its words wrap."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCheckable(True)
        self.setProperty("role", "tick")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 10, 20, 10)
        row.setSpacing(18)
        # The stylesheet's check box square (with its tick image), drawn by a check box that takes
        # no tap of its own: every tap is the whole tick's.
        self.box = QCheckBox(self)
        self.box.setObjectName("tickBox")
        self.box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.box.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.words = QLabel(self)
        self.words.setObjectName("tickText")
        self.words.setWordWrap(True)
        self.words.setTextFormat(Qt.TextFormat.PlainText)
        row.addWidget(self.box, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.words, 1)
        self.toggled.connect(self.box.setChecked)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.words.setText(text)
        self.setAccessibleName(text)

    def paintEvent(self, event: QPaintEvent) -> None:
        # The stylesheet's background and border, with :checked as the stylesheet says.
        option = QStyleOption()
        option.initFrom(self)
        if self.isChecked():
            option.state |= QStyle.StateFlag.State_On
        if self.isDown():
            option.state |= QStyle.StateFlag.State_Sunken
        painter = QPainter(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_Widget, option, painter, self)
