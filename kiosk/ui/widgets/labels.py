"""Labels that know their height for a width without shaping their text again."""

from __future__ import annotations

import math
from typing import TypeVar

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QLabel, QWidget

TAIL_PX = 3


Label = TypeVar("Label", bound=QLabel)


def with_room_for_tails(label: Label) -> Label:
    """Room beside the label's lines for the tail of a last letter: Vazirmatn draws a final ز، ر،
    و or ن a few pixels past the letter's width, and a line as wide as its label had that tail
    cut off («پس از» read «پس ا»). (Set here rather than as padding in the stylesheet: padding
    on every label cost ~2 ms a tap, and gave each one Qt's default indent.)"""
    label.setContentsMargins(TAIL_PX, 0, TAIL_PX, 0)
    return label


class WrappingLabel(QLabel):
    """A word-wrapped label that remembers its height for a width.

    Showing or hiding anything on a screen makes Qt lay the screen out again, and the window's
    stack of screens asks every word-wrapped label its height for its width each time: for a label
    whose text has not changed that means shaping the same Persian text again, the better part of
    a millisecond. Remembered per width, text and font, it is shaped once. (Home's agency grid
    asks its tiles' labels at a few widths to choose how many columns fit.)
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._heights: dict[tuple[int, str, str], int] = {}
        self._widest: tuple[str, str, int] = ("", "", 0)
        self.setWordWrap(True)
        with_room_for_tails(self)

    def widest_word(self) -> int:
        """The width of its widest word, margins included: narrower, the label breaks a word."""
        text, font = self.text(), self.font().key()
        if self._widest[:2] != (text, font):
            metrics = QFontMetricsF(self.font())
            widest = max((metrics.horizontalAdvance(word) for word in text.split()), default=0.0)
            margins = self.contentsMargins()
            self._widest = (text, font, math.ceil(widest) + margins.left() + margins.right())
        return self._widest[2]

    def heightForWidth(self, width: int) -> int:
        key = (width, self.text(), self.font().key())
        height = self._heights.get(key)
        if height is None:
            if len(self._heights) > 32:
                self._heights.clear()
            height = self._heights[key] = super().heightForWidth(width)
        return height

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        self._heights.clear()  # style, font, margins or direction may change the height
        self._widest = ("", "", 0)
