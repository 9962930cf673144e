"""A box for a code typed digit by digit on the keypad: the tracking code, the mobile's last digits.

A finger on a kiosk cannot place a cursor between two digits, and should not have to: every tap
leaves the cursor at the end, where the keypad's next digit and its backspace work. (With the
text centred and a tap moving the cursor, a citizen who tapped the box mid-code typed the rest of
the code into its middle.) The box takes no more digits than the code has, of any script, with
spaces or dashes between groups as a receipt prints them; a 13th digit is refused, not appended.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QMouseEvent, QValidator
from PySide6.QtWidgets import QLineEdit, QWidget

from kiosk.core.persian import to_ascii_digits

SEPARATORS = " -"


class _DigitCount(QValidator):
    """Digits (ASCII, Persian or Arabic-Indic) and separators, at most ``most`` digits."""

    def __init__(self, most: int, parent: QWidget) -> None:
        super().__init__(parent)
        self.most = most

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        digits = to_ascii_digits(text)
        if any(not (c.isascii() and c.isdigit()) and c not in SEPARATORS for c in digits):
            return QValidator.State.Invalid, text, pos
        if sum(c.isdigit() for c in digits) > self.most:
            return QValidator.State.Invalid, text, pos
        return QValidator.State.Acceptable, text, pos


class DigitsField(QLineEdit):
    """A line edit whose cursor stays at the end, left to right, for at most ``digits`` digits."""

    def __init__(self, digits: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        # Aligned to where a code starts, so the end (and the cursor) follow the last digit typed.
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.setValidator(_DigitCount(digits, self))
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.setDragEnabled(False)
        self.cursorPositionChanged.connect(self._keep_at_end)

    @property
    def most_digits(self) -> int:
        validator = self.validator()
        assert isinstance(validator, _DigitCount)
        return validator.most

    def _keep_at_end(self, _old: int, new: int) -> None:
        if new != len(self.text()) and not self.hasSelectedText():
            self.end(False)

    # A tap takes focus and leaves the cursor (and a selection the screen made, which the next
    # digit replaces) where it is: never between two digits, never a new selection by dragging.

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            if self.focusPolicy() & Qt.FocusPolicy.ClickFocus:
                self.setFocus(Qt.FocusReason.MouseFocusReason)
            if not self.hasSelectedText():
                self.end(False)
            event.accept()
        else:
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        event.accept()
