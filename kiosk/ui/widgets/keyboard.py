"""On-screen keyboards for a touch kiosk: Persian as it is written, English (QWERTY), and a keypad.

Keys never take focus, so the field being edited keeps its cursor; each tap types into the field
the form points the keyboard at.

The full keyboard has five rows, the same in every language and layer, so its height never
changes under the citizen's finger:

- digits and ``- /`` with backspace: a house number or a postal address needs no layer switch
  (Persian digits on the Persian keys; forms store every digit as ASCII, ``kiosk.core.forms``);
- three rows of letters: Persian in the standard layout (ISIRI 9147: ض where Q is, on the left),
  every letter of the alphabet and آ, plus the hamza letters ئ أ ؤ ء as keys of their own at the
  right end of the second and third rows, where anyone can see them (a long press is found by
  nobody who does not already know it); or English QWERTY with a shift key (one tap: the next
  letter upper case; a second tap: all of them; a third: back to lower case);
- a bottom row: the other letters («انگلیسی» / «فارسی»), signs (one more layer of punctuation,
  behind the same five rows), ``،`` and ``.``, a space key six letters wide that says «فاصله»
  and, on the Persian keys, the zero-width non-joiner as a small, muted «نیم‌فاصله».

Keys are laid out on a grid of half-key columns, so every letter key has the same width and a
shorter row sits in the middle. The whole keyboard reads left to right as a physical keyboard
does, in the right-to-left UI too (the keypad does the same).

The keyboard follows the language the kiosk shows (the Localizer's, read from the application's
locale whenever the translators change): Persian keys in the Persian UI, QWERTY in the English
one, switched at once if the language changes while it is shown. A field that needs Latin letters
(the staff panel's server address and token) asks for them with ``set_letters("en")`` and keeps
them through a language switch. Keys are as tall as the screen allows: 58 px on a 768-pixel-high
screen (the home and form screens leave the keyboard 316 px there), up to 72 px on large screens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QLocale, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStackedLayout,
    QWidget,
)

from kiosk.core.persian import PERSIAN_DIGITS, ZWNJ

# The letters, left to right as on a physical keyboard.
PERSIAN_ROWS = (
    "ضصثقفغعهخحجچ",
    "شسیبلاتنمکگئأ",  # ISIRI 9147, then the hamza letters written on ی and ا
    "ظطزرذدپوژآؤء",  # then و with hamza and hamza alone
)
ENGLISH_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")  # the shift key comes before z
PERSIAN_DIGIT_ROW = PERSIAN_DIGITS[1:] + PERSIAN_DIGITS[0] + "-/"
ENGLISH_DIGIT_ROW = "1234567890-/"
# The signs layer: what is not on the letters' page (no sign twice on one page).
PERSIAN_SIGNS = ("()«»!؟:؛\"'", "@#٪&*+=_", "<>[]{}|\\~^")
ENGLISH_SIGNS = ("()[]{}!?:;", "#%&*+=_\"'", "<>|\\~^$`")

Editable = QLineEdit | QPlainTextEdit
KEY_HEIGHT_PX = 64  # the keypad's keys, and the full keyboard's on a screen of 850 pixels or so
SMALLEST_KEY_PX = 58  # a 768-pixel-high screen (home and the form leave the keyboard 316 px)
LARGEST_KEY_PX = 72  # the kiosk's touch target (theme.TOUCH_TARGET_PX)
GRID_COLUMNS = 28  # half keys: the widest rows are 14 keys wide
ROW_SPACING_PX = 4
COLUMN_SPACING_PX = 6
MARGINS_PX = (12, 2, 12, 4)
SPACE_UNITS = 6
SHIFT_OFF, SHIFT_ONCE, SHIFT_LOCKED = 0, 1, 2


def key_height_for(screen_height: int) -> int:
    """How tall the keys are on a window this high: 58 px at 768 (five rows, 312 px in all), up
    to 72 px from 960 up."""
    return max(SMALLEST_KEY_PX, min(LARGEST_KEY_PX, screen_height * 3 // 40))


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
        self.types: str | None = None  # what a tap types (None: a key that does something else)


@dataclass(frozen=True)
class _Spec:
    """One key of a page: its name (``key:…``), what it types, how many letter keys wide it is,
    and its kind for the stylesheet (``char``, ``action`` with words, ``symbol`` such as ⌫, ``space``,
    ``secondary``)."""

    name: str
    types: str | None = None
    units: int = 1
    kind: str = "char"


def _chars(chars: str) -> list[_Spec]:
    return [_Spec(f"key:{c}", c) for c in chars]


def page_rows(letters: str, signs: bool) -> list[list[_Spec]]:
    """The five rows of a page: ``letters`` "fa" or "en", letters or signs."""
    persian = letters == "fa"
    top = [*_chars(PERSIAN_DIGIT_ROW if persian else ENGLISH_DIGIT_ROW), _Spec("key:backspace", units=2, kind="symbol")]
    if signs:
        middle = [_chars(row) for row in (PERSIAN_SIGNS if persian else ENGLISH_SIGNS)]
    elif persian:
        middle = [_chars(row) for row in PERSIAN_ROWS]
    else:
        middle = [_chars(ENGLISH_ROWS[0]), _chars(ENGLISH_ROWS[1])]
        middle.append([_Spec("key:shift", units=2, kind="symbol"), *_chars(ENGLISH_ROWS[2])])
    bottom = [
        _Spec("key:switch", units=2, kind="action"),
        _Spec("key:signs", units=2, kind="action"),
        *_chars("،" if persian else ","),
        _Spec("key:space", " ", units=SPACE_UNITS, kind="space"),
        *_chars("."),
    ]
    if persian:
        bottom.append(_Spec("key:zwnj", ZWNJ, units=2, kind="secondary"))
    else:
        bottom.append(_Spec("key:@", "@", units=2))
    return [top, *middle, bottom]


class _Page(QWidget):
    """One page of keys (Persian or English letters, or their signs), built once and kept."""

    def __init__(self, letters: str, signs: bool, parent: QWidget) -> None:
        super().__init__(parent)
        self.letters, self.signs = letters, signs
        self.keys: dict[str, _Key] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(*MARGINS_PX)
        grid.setHorizontalSpacing(COLUMN_SPACING_PX)
        grid.setVerticalSpacing(ROW_SPACING_PX)
        for column in range(GRID_COLUMNS):
            grid.setColumnStretch(column, 1)
        for row, specs in enumerate(page_rows(letters, signs)):
            units = sum(spec.units for spec in specs)
            column = GRID_COLUMNS // 2 - units  # a shorter row sits in the middle
            for spec in specs:
                key = _Key("", spec.name, self)
                key.types = spec.types
                key.setProperty("kind", spec.kind)
                # Every column as wide as the next, whatever the key says: the label's width
                # does not count (the tests measure that each label fits its key).
                key.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
                grid.addWidget(key, row, column, 1, 2 * spec.units)
                column += 2 * spec.units
                self.keys[spec.name] = key


class OnScreenKeyboard(QWidget):
    """Five rows of keys: digits, three rows of letters (Persian, or English with a shift key) or
    of signs, and a bottom row with the other letters, signs, a wide space and, on the Persian
    keys, a small half space (ZWNJ).

    The interface the screens use: ``set_target(field)`` (``None``: type nowhere); ``typed`` (any
    key); ``reset()`` for a new citizen or field (the letters of the kiosk's language, letters not
    signs, lower case); ``set_letters("en")`` for a field that needs Latin letters; ``keys`` (the
    keys shown, by name: ``key:ب``, ``key:A``, ``key:space``, ``key:zwnj``, ``key:backspace``,
    ``key:shift``, ``key:signs``, ``key:switch``); ``letters`` ("fa" or "en", shown now);
    ``language`` (the kiosk's, which it follows); ``taps_for(char)`` (the keys a finger taps to
    type a character from here). Kept from before: ``set_letters("fa")``, which every form and
    home's search call for a new citizen, is ``reset()`` (in the English UI it gives QWERTY now);
    ``toggle_digits()`` and ``showing_digits`` name the signs layer (digits have a row of their own).

    The keys are made the first time the keyboard is shown or measured: home's keyboard stays
    hidden until a citizen taps the search field, and its fifty-odd keys are not worth building
    (and styling) before the first frame. Each page (Persian, English, their signs) is built the
    first time it is shown and kept, so a switch shows keys that are ready.
    """

    typed = Signal()  # any key: counts as activity and lets the form clear a stale message

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("onScreenKeyboard")
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # a keyboard reads as it is built
        self._target: Editable | None = None
        self._language = _application_language()
        self._latin = False  # a field that needs Latin letters asked for them
        self._letters = self._language
        self._signs = False
        self._shift = SHIFT_OFF
        self._pages: dict[tuple[str, bool], _Page] = {}
        self._stack = QStackedLayout(self)
        self._key_height = KEY_HEIGHT_PX
        self._built = False

    # --- what the screens use ----------------------------------------------------------------

    @property
    def keys(self) -> dict[str, _Key]:
        """The keys of the page shown, by name."""
        self._ensure_built()
        return self._page().keys

    @property
    def letters(self) -> str:
        return self._letters

    @property
    def language(self) -> str:
        return self._language

    @property
    def showing_signs(self) -> bool:
        return self._signs

    @property
    def showing_digits(self) -> bool:  # the name from before digits had their own row
        return self._signs

    @property
    def shift(self) -> int:
        """SHIFT_OFF, SHIFT_ONCE (the next letter upper case) or SHIFT_LOCKED."""
        return self._shift

    def set_target(self, target: Editable | None) -> None:
        self._target = target

    def reset(self) -> None:
        """For a new citizen or field: the letters of the kiosk's language (Latin if the field
        asked for them), letters rather than signs, lower case."""
        self._show("en" if self._latin else self._language, signs=False)

    def set_letters(self, letters: str) -> None:
        """``"en"``: Latin letters, for a field that needs them; they stay through a language
        switch. ``"fa"`` (the call from before the English UI had its own keys): ``reset()``, the
        letters of the language the kiosk shows."""
        self._latin = letters == "en"
        self.reset()

    def set_language(self, language: str) -> None:
        """The kiosk's language ("fa" or "en"): its letters now, unless a field asked for Latin
        ones. The keyboard learns it by itself whenever the translators change; screens and tests
        may say it too."""
        self._language = "fa" if language == "fa" else "en"
        for page in self._pages.values():
            self._label(page)
        self.reset()

    def toggle_signs(self) -> None:
        self._show(self._letters, not self._signs)

    def toggle_digits(self) -> None:  # the name from before digits had their own row
        self.toggle_signs()

    def switch_letters(self) -> None:
        """The citizen's own switch: the other letters, until the next reset."""
        self._show("en" if self._letters == "fa" else "fa", signs=False)

    def tap_shift(self) -> None:
        self._shift = (self._shift + 1) % 3
        self._relabel_letters()

    def taps_for(self, char: str) -> list[str]:
        """The names of the keys a finger taps, from what is shown now, to type ``char``: the
        fewest, layer, letter and shift keys included (empty: this keyboard cannot type it)."""
        start = (self._letters, self._signs, self._shift)
        paths: dict[tuple[str, bool, int], list[str]] = {start: []}
        queue = [start]
        for state in queue:  # breadth first: the first way found is a shortest one
            letters, signs, shift = state
            typed = _typed_on(letters, signs, shift)
            if char in typed:
                return [*paths[state], typed[char]]
            moves = {
                "key:signs": (letters, not signs, SHIFT_OFF),
                "key:switch": (_other(letters), False, SHIFT_OFF),
            }
            if letters == "en" and not signs:
                moves["key:shift"] = (letters, signs, (shift + 1) % 3)
            for name, after in moves.items():
                if after not in paths:
                    paths[after] = [*paths[state], name]
                    queue.append(after)
        return []

    # --- building and showing ----------------------------------------------------------------

    def _ensure_built(self) -> None:
        if not self._built:
            self._built = True
            self._fit_keys()
            self._show(self._letters, self._signs)

    def setVisible(self, visible: bool) -> None:
        if visible:
            self._ensure_built()
            self._fit_keys()
        super().setVisible(visible)

    def showEvent(self, event: QShowEvent) -> None:  # shown along with a parent, not by show()
        self._ensure_built()
        self._fit_keys()
        super().showEvent(event)

    # Keys fit the window before the keyboard says how big it is: a keyboard of a larger window's
    # keys, shown on a 768-pixel screen, would lay the window out taller than the screen (Qt grows
    # a window to what its layout asks, at once, before the keyboard hears it is shown).

    def sizeHint(self) -> QSize:
        self._ensure_built()
        self._fit_keys()
        return super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        self._ensure_built()
        self._fit_keys()
        return super().minimumSizeHint()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:  # the Localizer changed the translators
            language = _application_language()
            if language != self._language:
                self.set_language(language)
            else:
                for page in self._pages.values():
                    self._label(page)

    def resizeEvent(self, event: QResizeEvent) -> None:  # the window turned, or the keyboard moved
        super().resizeEvent(event)
        self._fit_keys()

    def _fit_keys(self) -> None:
        """Keys as tall as the window's height allows (``key_height_for``); a keyboard on its own
        has the keypad's."""
        window = self.window()
        height = key_height_for(window.height()) if window is not self else KEY_HEIGHT_PX
        if height != self._key_height:
            self._key_height = height
            for page in self._pages.values():
                for key in page.keys.values():
                    key.setFixedHeight(height)

    def _page(self) -> _Page:
        return self._pages[(self._letters, self._signs)]

    def _show(self, letters: str, signs: bool) -> None:
        if self._shift != SHIFT_OFF:  # lower case again, on the page shown so far
            self._shift = SHIFT_OFF
            self._relabel_letters()
        self._letters, self._signs = letters, signs
        if not self._built:
            return
        page = self._pages.get((letters, signs))
        if page is None:
            page = _Page(letters, signs, self)
            for key in page.keys.values():
                key.setFixedHeight(self._key_height)
                self._connect(key)
            self._label(page)
            self._pages[(letters, signs)] = page
            self._stack.addWidget(page)
        self._relabel_letters()
        self._stack.setCurrentWidget(page)  # its keys shown at once: no frame without keys

    def _connect(self, key: _Key) -> None:
        action: Callable[[], None] | None = {
            "key:backspace": self._erase,
            "key:shift": self.tap_shift,
            "key:signs": self.toggle_signs,
            "key:switch": self.switch_letters,
        }.get(key.objectName())
        if action is None:
            key.clicked.connect(lambda _=False, k=key: self._type(k))
        else:
            key.clicked.connect(action)
        key.clicked.connect(self.typed)

    def _label(self, page: _Page) -> None:
        """Every key's words, in the kiosk's language (the letters say themselves)."""
        persian_letters = page.letters == "fa"
        words = {
            "key:backspace": ("⌫", self.tr("Delete the last letter")),
            "key:space": (self.tr("space"),) * 2,
            "key:zwnj": (self.tr("half space"),) * 2,
            "key:shift": ("⇧", self.tr("Capital letters")),
            "key:switch": (
                (self.tr("English"), self.tr("English letters"))
                if persian_letters
                else (self.tr("Persian"), self.tr("Persian letters"))
            ),
            "key:signs": (
                (self.tr("Letters"), self.tr("Back to the letters"))
                if page.signs
                else (self.tr("Signs"), self.tr("Signs: brackets, question mark and more"))
            ),
        }
        for name, key in page.keys.items():
            text, accessible = words.get(name, (key.types or "", key.types or ""))
            if name in words:
                key.setText(text)
                key.setAccessibleName(accessible)
            elif key.types is not None:
                key.setText(key.types.replace("&", "&&"))  # a single & marks a shortcut, and is not drawn
                key.setAccessibleName(key.types)

    def _relabel_letters(self) -> None:
        """Letter keys say, and type, what the shift key makes them."""
        page = self._pages.get((self._letters, self._signs))
        if page is None or page.letters != "en" or page.signs:
            return
        upper = self._shift != SHIFT_OFF
        renamed: dict[str, _Key] = {}
        for key in page.keys.values():
            if key.types is not None and key.types.isascii() and key.types.isalpha():
                key.types = key.types.upper() if upper else key.types.lower()
                key.setText(key.types)
                key.setAccessibleName(key.types)
                key.setObjectName(f"key:{key.types}")
            renamed[key.objectName()] = key
        page.keys = renamed
        shift = page.keys["key:shift"]
        shift.setText("⇪" if self._shift == SHIFT_LOCKED else "⇧")
        shift.setProperty("on", self._shift != SHIFT_OFF)
        shift.style().unpolish(shift)
        shift.style().polish(shift)

    def _type(self, key: _Key) -> None:
        if self._target is not None and key.types is not None:
            type_into(self._target, key.types)
        if self._shift == SHIFT_ONCE and key.types is not None and key.types.isalpha():
            self._shift = SHIFT_OFF
            self._relabel_letters()

    def _erase(self) -> None:
        if self._target is not None:
            erase_one(self._target)


def _application_language() -> str:
    """The language the kiosk shows: the Localizer sets the application's default locale."""
    return "fa" if QLocale().language() == QLocale.Language.Persian else "en"


def _other(letters: str) -> str:
    return "en" if letters == "fa" else "fa"


def _typed_on(letters: str, signs: bool, shift: int) -> dict[str, str]:
    """What each key of a page types, with the shift key in that state: character -> key name."""
    typed = {}
    for row in page_rows(letters, signs):
        for spec in row:
            if spec.types is not None:
                upper = shift != SHIFT_OFF and spec.types.isascii() and spec.types.isalpha()
                char = spec.types.upper() if upper else spec.types
                typed[char] = spec.name if char == spec.types else f"key:{char}"
    return typed


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
