"""Read-aloud: the header's speaker button reads the screen on show in the citizen's language.

What is read is what the screen shows, in reading order (``screen_lines``): its words, row by row
from the top (right to left in Persian), a result tile's title, agency and fee, then the buttons
one can press; a question with its help and, when shown, the reason its answer is refused; the
review's answers; the receipt with its tracking code. A dialog on top (leaving the form, "are you
still there?") is read instead of what is under it. Each line is written for the voice by
``kiosk.core.speech_text.for_speech`` (codes digit by digit, dates in words) and said by
``kiosk.core.voice.Voice``.

A tap on the button again, or any other tap or key, stops the voice at once; a new screen stops
it too. The voice and what it last said are forgotten when the session ends.
"""

from __future__ import annotations

import re
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, QPoint, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QScrollBar, QWidget

from kiosk.core.speech_text import for_speech
from kiosk.ui.i18n import Localizer
from kiosk.ui.widgets.header import Header
from kiosk.ui.widgets.keyboard import NumericKeypad, OnScreenKeyboard

SPOKEN = "spoken"  # a label's property: what read-aloud says for it instead of its text
ROW_PX = 24  # widgets whose tops are this close are one row
POLL_MS = 100  # how often the button learns that the voice has finished
_TAGS = re.compile(r"<[^>]+>")
_SAYABLE = re.compile(r"\w")
_LETTERS = re.compile(r"[^\W\d_]")
_STOPPING_EVENTS = (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress)


class Speaker(Protocol):
    """What read-aloud needs of a voice (``kiosk.core.voice.Voice``, or a test's stand-in)."""

    @property
    def problem(self) -> str | None: ...

    @property
    def speaking(self) -> bool: ...

    def say(self, text: str, language: str) -> object: ...

    def stop(self) -> None: ...

    def forget(self) -> None: ...

    def louder(self) -> bool: ...

    def softer(self) -> bool: ...


def is_key_widget(widget: QWidget) -> bool:
    """A key of an on-screen keyboard or keypad (not read: the keys are not the screen's words)."""
    name = widget.objectName()
    return name.startswith(("key:", "keypad:")) or isinstance(widget, QScrollBar)


def _inside_keys(widget: QWidget, root: QWidget) -> bool:
    """Whether ``widget`` is part of an on-screen keyboard or keypad."""
    parent: QWidget | None = widget
    while parent is not None and parent is not root:
        if isinstance(parent, (OnScreenKeyboard, NumericKeypad)):
            return True
        parent = parent.parentWidget()
    return False


def _label_text(label: QLabel) -> str:
    spoken = label.property(SPOKEN)
    if spoken is not None:  # the label says what it is read as ("" : not read, its neighbour says it)
        return str(spoken)
    text = " ".join(_TAGS.sub(" ", label.text()).split())
    return text if _SAYABLE.search(text) else ""  # a bullet «•», an arrow «‹»: nothing to say


def button_words(button: QAbstractButton) -> str:
    """A button's words; for a sign («−», «+») or a number (a day of the picker), its accessible
    name when that says more, else nothing (thirty days are not read out as buttons)."""
    text = button.text().strip()
    if _LETTERS.search(text):
        return text
    if text.isdigit():  # a day of the picker, a key: one of many, not read out as buttons
        return ""
    name = button.accessibleName()
    return name if _LETTERS.search(name) and not _LETTERS.search(text or "") and len(name) > len(text) + 2 else ""


def _spoken_lines_of(root: QWidget) -> list[str] | None:
    """A screen that knows its own reading order says it (``spoken_lines``), even inside a page."""
    for widget in (root, *root.findChildren(QWidget)):
        spoken = getattr(widget, "spoken_lines", None)
        if callable(spoken) and widget.isVisible():
            return list(spoken())
    return None


def screen_lines(root: QWidget, right_to_left: bool, buttons_word: str) -> list[str]:
    """The words of ``root`` as a reader meets them: labels and tiles row by row from the top
    (right to left in Persian), then the buttons, after ``buttons_word``."""
    words: list[tuple[int, int, str]] = []
    buttons: list[tuple[int, int, str]] = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or is_key_widget(widget) or _inside_keys(widget, root):
            continue
        corner = widget.mapTo(root, QPoint(0, 0))
        key = (corner.y() // ROW_PX, -corner.x() if right_to_left else corner.x())
        if isinstance(widget, QLabel):
            text = _label_text(widget)
            if text:
                words.append((*key, text))
        elif isinstance(widget, QAbstractButton):
            if widget.findChildren(QLabel):  # a tile with labels of its own: they are read
                continue
            description = widget.accessibleDescription()
            if description:  # a result tile paints its lines: its name and description say them
                words.append((*key, f"{widget.accessibleName() or widget.text()}. {description}"))
            elif button_words(widget):
                buttons.append((*key, button_words(widget)))
        elif isinstance(widget, QLineEdit) and widget.accessibleName():
            words.append((*key, widget.accessibleName()))
    lines = [text for *_key, text in sorted(words)]
    said = [text for *_key, text in sorted(buttons) if text not in lines]
    if said:
        lines.append(f"{buttons_word} {'، '.join(said) if right_to_left else ', '.join(said)}")
    return lines


class ReadAloud(QObject):
    """The speaker button of ``header`` reads what ``current`` returns (the widget on show)."""

    def __init__(self, header: Header, voice: Speaker, localizer: Localizer, current, parent: QObject | None = None):  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.header = header
        self.voice = voice
        self._localizer = localizer
        self._current = current
        self.last_text = ""  # what was given to the voice last (for tests and staff)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._watch)
        header.speak_requested.connect(self.toggle)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def toggle(self) -> None:
        if self.voice.speaking:
            self.stop()
        else:
            self.read_screen()

    def lines(self) -> list[str]:
        root = self._current()
        if root is None:
            return []
        own = _spoken_lines_of(root)
        if own is not None:
            return own
        rtl = self._localizer.language == "fa"
        return screen_lines(root, rtl, self.tr("Buttons:"))

    @property
    def right_to_left(self) -> bool:
        return self._localizer.language == "fa"

    def read_screen(self) -> None:
        self.say_lines(self.lines())

    def say_lines(self, lines: list[str]) -> None:
        """Say ``lines`` (as the screen shows them: written for the voice here), stopping what was
        being said."""
        language = self._localizer.language
        self.last_text = "\n".join(for_speech(line, language) for line in lines if line)
        self.voice.say(self.last_text, language)
        self.header.set_speaking(self.voice.speaking, no_sound=self.voice.problem is not None)
        self._poll.start()

    def repeat(self) -> None:
        """Say again what was said last (speech mode's repeat key)."""
        if self.last_text:
            self.voice.say(self.last_text, self._localizer.language)
            self.header.set_speaking(self.voice.speaking, no_sound=self.voice.problem is not None)
            self._poll.start()

    def stop(self) -> None:
        self.voice.stop()
        self.header.set_speaking(False, no_sound=self.voice.problem is not None)

    def forget(self) -> None:
        """The session is over: nothing said is kept, the button says Listen again."""
        self.voice.forget()
        self.last_text = ""
        self.header.set_speaking(False, no_sound=self.voice.problem is not None)

    def _watch(self) -> None:
        speaking = self.voice.speaking
        self.header.set_speaking(speaking, no_sound=self.voice.problem is not None)
        if not speaking:
            self._poll.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Any tap or key but on the speaker button itself stops the voice at once (each is seen
        # by its widget: the window's own copy of the press is not the one that counts).
        if not isinstance(watched, QWidget):
            return False
        if event.type() in _STOPPING_EVENTS and self.voice.speaking and watched is not self.header.speak_button:
            if not (isinstance(watched, QWidget) and self.header.speak_button.isAncestorOf(watched)):
                self.stop()
        return False
