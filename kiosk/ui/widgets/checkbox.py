"""A check box a finger cannot miss: the whole row toggles it, not only the small square."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QCheckBox


class TouchCheckBox(QCheckBox):
    def hitButton(self, pos: QPoint) -> bool:
        return self.rect().contains(pos)
