"""What every screen of the window shares: it fills the page it is given, whatever its text.

A screen's layout holds word-wrapped labels, so Qt would report the screen as having a height
for each width. The window's stack of screens then asks every screen, shown or not, for that
height at each layout pass (``QStackedLayout::heightForWidth`` bypasses the hidden pages' layout
items), and the window asks it twice, at its preferred width and at its real one: each time a
screen's layout has changed, its Persian text is shaped again, on every tap that shows or hides
anything. A screen always gets the whole page below the header (each scrolls what does not fit),
so its height for a width decides nothing: it is not reported. Inside a screen, its own layout
still fits each label's height to its width as before.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


class Screen(QWidget):
    def hasHeightForWidth(self) -> bool:
        return False

    def heightForWidth(self, width: int) -> int:
        return -1
