"""On-screen keyboards for a touch kiosk: Persian letters (with ZWNJ) or English, and a digit keypad.

Keys never take focus, so the field being edited keeps its cursor; each tap types into the field
the form points the keyboard at. The Persian rows follow the standard Persian layout (ISIRI 9147)
and sit right-to-left like a real keyboard; English letters and the keypad are left-to-right
islands in the mirrored UI.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.persian import PERSIAN_DIGITS, ZWNJ

PERSIAN_ROWS = (
    "ضصثقفغعهخحجچ",
    "شسیبلاتنمکگ",
    "ظطزرذدپوژآ",
)
ENGLISH_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
ENGLISH_EXTRA = ".-@"
PERSIAN_EXTRA = "،.-"
PERSIAN_SYMBOLS = "،.-/()«»:؟"
ENGLISH_SYMBOLS = ",.-/()@_:?"

Editable = QLineEdit | QPlainTextEdit
KEY_HEIGHT_PX = 64  # the smallest touch target the kiosk allows


def type_into(target: Editable, text: str) -> None:
    if isinstance(target, QLineEdit):
        target.insert(text)
    else:
        target.insertPlainText(text)


def erase_one(target: Editable) -> None:
    if isinstance(target, QLineEdit):
        target.backspace()
    else:
        target.textCursor().deletePreviousChar()


class _Key(QPushButton):
    def __init__(self, text: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setObjectName(name)
        self.setProperty("role", "key")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAutoRepeat(name == "key:backspace")
        self.setFixedHeight(KEY_HEIGHT_PX)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(text or name.removeprefix("key:"))


class OnScreenKeyboard(QWidget):
    """Letters (Persian or English), a layer of digits and punctuation, space, ZWNJ and backspace.

    Four rows of keys at most, so the keyboard leaves room for the field being edited on a
    768-pixel-high screen while every key stays a finger's size. The keys are made the first time
    the keyboard is shown or measured: home's keyboard stays hidden until a citizen taps the search
    field, and its forty-odd keys are not worth building (and styling) before the first frame.
    """

    typed = Signal()  # any key: counts as activity and lets the form clear a stale message

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("onScreenKeyboard")
        self._target: Editable | None = None
        self._letters = "fa"
        self._digits = False
        self._rows = QVBoxLayout(self)
        self._rows.setContentsMargins(12, 8, 12, 8)
        self._rows.setSpacing(6)
        self._keys: dict[str, _Key] = {}
        self._built = False

    @property
    def keys(self) -> dict[str, _Key]:
        self._ensure_built()
        return self._keys

    def _ensure_built(self) -> None:
        if not self._built:
            self._build()

    def setVisible(self, visible: bool) -> None:
        if visible:
            self._ensure_built()
        super().setVisible(visible)

    def showEvent(self, event: QShowEvent) -> None:  # shown along with a parent, not by show()
        self._ensure_built()
        super().showEvent(event)

    def sizeHint(self) -> QSize:
        self._ensure_built()
        return super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        self._ensure_built()
        return super().minimumSizeHint()

    @property
    def letters(self) -> str:
        return self._letters

    @property
    def showing_digits(self) -> bool:
        return self._digits

    def set_target(self, target: Editable | None) -> None:
        self._target = target

    def set_letters(self, letters: str) -> None:
        if letters != self._letters or self._digits:
            self._letters = letters
            self._digits = False
            if self._built:
                self._build()

    def toggle_digits(self) -> None:
        self._digits = not self._digits
        if self._built:
            self._build()

    def _build(self) -> None:
        self._built = True
        while self._rows.count():
            item = self._rows.takeAt(0)
            if item.layout() is not None:
                while item.layout().count():
                    widget = item.layout().takeAt(0).widget()
                    if widget is not None:
                        widget.deleteLater()
                item.layout().deleteLater()
        self._keys = {}
        persian = self._letters == "fa"
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft if persian else Qt.LayoutDirection.LeftToRight)
        if self._digits:
            digits = PERSIAN_DIGITS[1:] + PERSIAN_DIGITS[0] if persian else "1234567890"
            rows = [digits, PERSIAN_SYMBOLS if persian else ENGLISH_SYMBOLS]
        else:
            rows = list(PERSIAN_ROWS if persian else ENGLISH_ROWS)
            rows[-1] += PERSIAN_EXTRA if persian else ENGLISH_EXTRA
        for index, row in enumerate(rows):
            line = QHBoxLayout()
            line.setSpacing(6)
            for char in row:
                line.addWidget(self._key(char, f"key:{char}", char), 1)
            if index == 0:
                line.addWidget(self._key("⌫", "key:backspace", None), 2)
            self._rows.addLayout(line)
        bottom = QHBoxLayout()
        bottom.setSpacing(6)
        if not self._digits:
            switch = self._key("ABC" if persian else "فا", "key:switch", None)
            switch.setAccessibleName("English letters" if persian else "حروف فارسی")
            switch.clicked.connect(lambda: self.set_letters("en" if persian else "fa"))
            bottom.addWidget(switch, 2)
        layer = self._key(
            ("الفبا" if persian else "ABC") if self._digits else ("۱۲۳" if persian else "123"), "key:digits", None
        )
        layer.setAccessibleName("letters" if self._digits else "digits")
        layer.clicked.connect(self.toggle_digits)
        bottom.addWidget(layer, 2)
        if persian:
            bottom.addWidget(self._key("نیم‌فاصله", "key:zwnj", ZWNJ), 3)
        bottom.addWidget(self._key("␣", "key:space", " "), 8)
        self._rows.addLayout(bottom)

    def _key(self, label: str, name: str, text: str | None) -> _Key:
        key = _Key(label, name, self)
        key.show()  # at once: a layer switch must not leave a frame without keys
        self._keys[name] = key
        if name == "key:backspace":
            key.clicked.connect(self._erase)
        elif text is not None:
            key.clicked.connect(lambda _=False, t=text: self._type(t))
        key.clicked.connect(self.typed)
        return key

    def _type(self, text: str) -> None:
        if self._target is not None:
            type_into(self._target, text)

    def _erase(self) -> None:
        if self._target is not None:
            erase_one(self._target)


class NumericKeypad(QWidget):
    """A phone-style keypad: big digits (Persian in Persian mode), backspace, and / for dates."""

    typed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("numericKeypad")
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # 1 2 3 reads left to right everywhere
        self._target: Editable | None = None
        self._persian = True
        grid = QGridLayout(self)
        grid.setContentsMargins(12, 10, 12, 10)
        grid.setSpacing(8)
        self.keys: dict[str, _Key] = {}
        for index, digit in enumerate("123456789"):
            grid.addWidget(self._key(digit, f"keypad:{digit}", digit), index // 3, index % 3)
        self.slash = self._key("/", "keypad:slash", "/")
        grid.addWidget(self.slash, 3, 0)
        grid.addWidget(self._key("0", "keypad:0", "0"), 3, 1)
        grid.addWidget(self._key("⌫", "keypad:backspace", None), 3, 2)
        self.set_persian(True)

    def set_target(self, target: Editable | None, allow_slash: bool = False) -> None:
        self._target = target
        self.slash.setVisible(allow_slash)

    def set_persian(self, persian: bool) -> None:
        self._persian = persian
        for digit in "0123456789":
            self.keys[f"keypad:{digit}"].setText(PERSIAN_DIGITS[int(digit)] if persian else digit)

    def _key(self, label: str, name: str, text: str | None) -> _Key:
        key = _Key(label, name, self)
        self.keys[name] = key
        if text is None:
            key.clicked.connect(self._erase)
        else:
            key.clicked.connect(lambda _=False, t=text: self._type(t))
        key.clicked.connect(self.typed)
        return key

    def _type(self, text: str) -> None:
        if self._target is None:
            return
        if text.isdigit() and self._persian:
            text = PERSIAN_DIGITS[int(text)]
        type_into(self._target, text)

    def _erase(self) -> None:
        if self._target is not None:
            erase_one(self._target)
