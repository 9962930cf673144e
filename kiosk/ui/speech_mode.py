"""Speech mode: the kiosk used without the screen, with a numeric keypad or arrow keys and the voice.

For citizens who cannot see the screen (EN 301 549 5.1 and 8.5, Section 508 402, ADA 707): started
by any key on the attract loop, by a key of a USB numeric keypad (or F1) on any screen, or by
holding the top right corner of the screen for two seconds (the attract loop says so), and ended
with the session or by holding the corner again. While it is on:

- A focus moves over what can be pressed or typed on the screen on show, in reading order (the
  screen's buttons and boxes, then the header's); each move says the new focus: its words and what
  it is (a button, a box to write in with what is written, a choice chosen or not). A frame shows
  it to whoever stands beside the citizen.
- Keys: next (2, ↓, Tab), previous (8, ↑, Shift+Tab), select (5, Enter, Space), back (0,
  Backspace, Esc), help (*, F1), repeat (/, F2), louder and softer (+, −). ← and → move forward
  and back in reading order too.
- In a box to write in, typed keys go in and are said back; Backspace erases (and says what), Enter
  moves on. A box for letters has the on-screen keyboard under it: ← and → pick one of its keys
  (said), Enter or 5 types it; ↑ and ↓ leave the keyboard. So a whole filing needs no screen.
- A new screen (a question, the review, the receipt, a dialog on top) is read as it comes up,
  then its first focus; what changes on the same screen after a press (an answer refused, a choice
  made) is said.

Profiles with ``audio_first`` have every screen read as it comes up, without speech mode's keys.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum, auto

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QTextEdit,
    QWidget,
)

from kiosk.ui.speech import ROW_PX, ReadAloud, button_words, is_key_widget
from kiosk.ui.widgets.keyboard import NumericKeypad, OnScreenKeyboard, erase_one, type_into

HOLD_MS = 2000  # how long the corner is held to start or end speech mode
CORNER_PX = 110  # the top right corner's square (the staff's gesture is five taps in the top left one)
WATCH_MS = 150  # how often a new screen or dialog is looked for while a session reads aloud


class Action(Enum):
    NEXT = auto()
    PREVIOUS = auto()
    SELECT = auto()
    BACK = auto()
    HELP = auto()
    REPEAT = auto()
    LOUDER = auto()
    SOFTER = auto()
    FORWARD = auto()  # → / ←: along the reading order, or along a keyboard's keys in a box for letters
    BACKWARD = auto()


K = Qt.Key
# Keys that mean the same in a box to write in and out of it (a keypad's signs, function keys).
_ALWAYS = {
    K.Key_Tab: Action.NEXT,
    K.Key_Backtab: Action.PREVIOUS,
    K.Key_Down: Action.NEXT,
    K.Key_Up: Action.PREVIOUS,
    K.Key_F1: Action.HELP,
    K.Key_F2: Action.REPEAT,
    K.Key_VolumeUp: Action.LOUDER,
    K.Key_VolumeDown: Action.SOFTER,
    K.Key_Escape: Action.BACK,
    K.Key_Back: Action.BACK,
}
# A numeric keypad's own signs (with the keypad modifier): not typed, even in a box.
_KEYPAD_SIGNS = {
    K.Key_Asterisk: Action.HELP,
    K.Key_Slash: Action.REPEAT,
    K.Key_Plus: Action.LOUDER,
    K.Key_Minus: Action.SOFTER,
}
# Out of a box: the keypad's digits move and press (with NumLock off it sends the arrows anyway).
_OUT_OF_A_BOX = {
    K.Key_2: Action.NEXT,
    K.Key_8: Action.PREVIOUS,
    K.Key_6: Action.FORWARD,
    K.Key_4: Action.BACKWARD,
    K.Key_5: Action.SELECT,
    K.Key_0: Action.BACK,
    K.Key_Return: Action.SELECT,
    K.Key_Enter: Action.SELECT,
    K.Key_Space: Action.SELECT,
    K.Key_Backspace: Action.BACK,
    K.Key_Asterisk: Action.HELP,
    K.Key_Slash: Action.REPEAT,
    K.Key_Plus: Action.LOUDER,
    K.Key_Minus: Action.SOFTER,
    K.Key_Clear: Action.SELECT,  # the keypad's 5 with NumLock off
}


_MODIFIER_KEYS = {K.Key_Control, K.Key_Alt, K.Key_Shift, K.Key_Meta, K.Key_AltGr, K.Key_Super_L, K.Key_Super_R}
_CHORD_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
)


def action_for(event: QKeyEvent, in_a_box: bool) -> Action | None:
    """What a key does in speech mode (None: it types, in a box, or does nothing)."""
    key = K(event.key())
    if key in _ALWAYS:
        return _ALWAYS[key]
    keypad = bool(event.modifiers() & Qt.KeyboardModifier.KeypadModifier)
    if key in (K.Key_Left, K.Key_Right):
        forward = key == K.Key_Left if QApplication.isRightToLeft() else key == K.Key_Right
        return Action.FORWARD if forward else Action.BACKWARD
    if in_a_box:
        if keypad and key in _KEYPAD_SIGNS:
            return _KEYPAD_SIGNS[key]
        if key in (K.Key_Return, K.Key_Enter):
            return Action.SELECT  # in a box: types the picked key, or moves on
        return None
    return _OUT_OF_A_BOX.get(key)


def _is_box(widget: QWidget | None) -> bool:
    return isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit))


def _is_answer(widget: QWidget) -> bool:
    """The box of a form's question (not the home screen's search box)."""
    return widget.objectName().startswith("field:")


def _is_dialog(widget: QWidget) -> bool:
    """A question on top of the screen (leaving the form, "are you still there?")."""
    return widget.objectName() in ("leavePrompt", "idlePrompt")


def _is_a_screen(widget: QWidget) -> bool:
    """A screen inside a page (the form, the review, the receipt) or one question of the form."""
    name = widget.objectName()
    return name.endswith("Screen") or name.startswith("question:")


def _inside(widget: QWidget, kinds: tuple[type, ...], root: QWidget) -> bool:
    parent: QWidget | None = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, kinds):
            return True
        parent = parent.parentWidget()
    return False


def _reading_key(widget: QWidget, root: QWidget, right_to_left: bool) -> tuple[int, int]:
    corner = widget.mapTo(root, QPoint(0, 0))
    return corner.y() // ROW_PX, -corner.x() if right_to_left else corner.x()


def focusable(root: QWidget, right_to_left: bool) -> list[QWidget]:
    """What can be pressed or typed in ``root``, in reading order: buttons (a tile is one), boxes
    to write in; not the keys of on-screen keyboards and keypads (typed with the keys' own keys)."""
    found: list[QWidget] = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or not widget.isEnabled():
            continue
        if _inside(widget, (OnScreenKeyboard, NumericKeypad), root) or is_key_widget(widget):
            continue
        if isinstance(widget, QAbstractButton):
            if _inside(widget, (QAbstractButton,), root):
                continue  # a part of a tile: the tile is the one to press
            if not (button_words(widget) or widget.accessibleName() or widget.findChildren(QLabel)):
                continue  # a day of the picker, a sign: reached through the picker's own buttons
            found.append(widget)
        elif _is_box(widget) and not (isinstance(widget, QLineEdit) and widget.isReadOnly()):
            found.append(widget)
    return sorted(found, key=lambda w: _reading_key(w, root, right_to_left))


def keyboard_keys(root: QWidget, right_to_left: bool) -> list[QAbstractButton]:
    """The keys of the on-screen keyboard showing in ``root`` (none when none is), in reading order."""
    keys: list[QAbstractButton] = []
    for keyboard in root.findChildren(OnScreenKeyboard):
        if keyboard.isVisible():
            keys += [k for k in keyboard.findChildren(QAbstractButton) if k.isVisible() and k.isEnabled()]
    return sorted(keys, key=lambda k: _reading_key(k, root, right_to_left))


class _Frame(QFrame):
    """The thick frame around the focus, for whoever helps the citizen; it never takes a tap."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("speechFocus")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setStyleSheet("#speechFocus { border: 5px solid #f59e0b; border-radius: 8px; background: transparent; }")
        self.hide()

    def around(self, widget: QWidget | None) -> None:
        parent = self.parentWidget()
        if widget is None or parent is None or not widget.isVisible():
            self.hide()
            return
        corner = widget.mapTo(parent, QPoint(0, 0))
        self.setGeometry(QRect(corner, widget.size()).adjusted(-6, -6, 6, 6))
        self.show()
        self.raise_()


class SpeechMode(QObject):
    """Speech mode for the window whose screens ``read_aloud`` reads (see the module's docstring).

    ``current`` returns the widget on show (a dialog on top, else the page); ``header`` holds the
    header's buttons, which come last in the reading order; ``start_session`` leaves the attract
    loop; ``back`` is the header's Back; ``on_attract`` says whether the attract loop is showing."""

    def __init__(
        self,
        window: QWidget,
        read_aloud: ReadAloud,
        current: Callable[[], QWidget | None],
        header: QWidget,
        on_attract: Callable[[], bool],
        start_session: Callable[[], None],
        back: Callable[[], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self.read_aloud = read_aloud
        self._current = current
        self._header = header
        self._on_attract = on_attract
        self._start_session = start_session
        self._back = back
        self.on = False
        self.audio_first = False  # the profile's: every screen read as it comes up
        self.focus: QWidget | None = None
        self.typing = False  # keys go into the box in focus (digits type instead of moving)
        self.picked_key: QAbstractButton | None = None
        self._seen: tuple[int, ...] | None = None  # the screen (and question) last announced
        self._frame = _Frame(window)
        self._hold = QTimer(self)
        self._hold.setSingleShot(True)
        self._hold.setInterval(HOLD_MS)
        self._hold.timeout.connect(self._held)
        self._held_down: QWidget | None = None
        self._swallow_release = False
        self._watch = QTimer(self)
        self._watch.setInterval(WATCH_MS)
        self._watch.timeout.connect(self._look_for_a_new_screen)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    # --- on and off ---------------------------------------------------------------------------

    def start(self) -> None:
        if self.on:
            return
        self.on = True
        if self._on_attract():
            self._start_session()
        self._seen = None
        self._watch.start()
        self._announce(self.tr("Speech mode is on. Press star for help."))

    def stop(self) -> None:
        if not self.on:
            return
        self.on = self.typing = False
        self.focus = self.picked_key = None
        self._frame.around(None)
        if not self.audio_first:
            self._watch.stop()
        self.read_aloud.say_lines([self.tr("Speech mode is off.")])

    def session_started(self) -> None:
        if self.audio_first and not self.on:
            self._seen = None
            self._watch.start()

    def session_ended(self) -> None:
        """The next citizen starts with the screen, not with the last one's speech mode."""
        self.on = self.typing = False
        self.focus = self.picked_key = None
        self._frame.around(None)
        self._watch.stop()
        self._seen = None
        self._hold.stop()

    # --- what is on show ---------------------------------------------------------------------

    def _rtl(self) -> bool:
        return self.read_aloud.right_to_left

    def items(self) -> list[QWidget]:
        root = self._current()
        if root is None:
            return []
        found = focusable(root, self._rtl())
        if self._header.isVisible() and not self._header.isAncestorOf(root) and not _is_dialog(root):
            found += focusable(self._header, self._rtl())  # Back, Home, language, listen: last
        return found

    def screen_changed(self) -> None:
        """The window showed another page or step (the same screen may show another agency or
        service): it is announced at the next look."""
        self._seen = None

    def _screen_id(self) -> tuple[int, ...]:
        """Which screen (or dialog) is on show, down to the form's question: a change is a new screen."""
        root = self._current()
        if root is None:
            return (0,)
        shown = [w for w in root.findChildren(QWidget) if _is_a_screen(w) and w.isVisible()]
        return (id(root), *(id(w) for w in shown))

    def describe(self, widget: QWidget) -> str:
        comma = "، " if self._rtl() else ", "
        if _is_box(widget):
            name = widget.accessibleName()
            if isinstance(widget, QLineEdit):
                name = name or widget.placeholderText()
            written = self._box_text(widget).strip() or self.tr("empty")
            return comma.join(p for p in (name, self.tr("a box to write in"), written) if p)
        if isinstance(widget, QAbstractButton):
            words = button_words(widget) or widget.accessibleName()
            if not words:
                words = " ".join(
                    label.text() for label in widget.findChildren(QLabel) if label.isVisible() and label.text()
                )
            description = widget.accessibleDescription()
            parts = [words, description] if description else [words]
            if isinstance(widget, QCheckBox) or widget.isCheckable():
                parts.append(self.tr("chosen") if widget.isChecked() else self.tr("not chosen"))
            else:
                parts.append(self.tr("button"))
            return comma.join(p for p in parts if p)
        return widget.accessibleName()

    # --- moving and pressing ------------------------------------------------------------------

    def move(self, step: int) -> None:
        items = self.items()
        if not items:
            self._say(self.tr("Nothing to press here."))
            return
        self.picked_key = None
        self.typing = False
        index = items.index(self.focus) if self.focus in items else (-1 if step > 0 else 0)
        index = (index + step) % len(items)
        self._focus_on(items[index])
        self._say(self.describe(items[index]))

    def _focus_on(self, widget: QWidget | None) -> None:
        self.focus = widget
        if widget is None:
            self._frame.around(None)
            return
        parent = widget.parentWidget()
        while parent is not None:
            if isinstance(parent, QScrollArea):
                parent.ensureWidgetVisible(widget, 8, 8)
                break
            parent = parent.parentWidget()
        if _is_box(widget):
            widget.setFocus(Qt.FocusReason.TabFocusReason)
        self._frame.around(widget)

    def select(self) -> None:
        focus = self.focus
        if self.picked_key is not None:
            self._type_key(self.picked_key)
            return
        if focus is None or focus not in self.items():
            self.move(1)
            return
        if _is_box(focus):
            if self.typing:
                self.move(1)  # done writing: on to what comes next (the Next button, mostly)
            else:
                self.typing = True
                self._say(self.tr("Type now. Enter when done."))
            return
        if isinstance(focus, QAbstractButton):
            before_id, before = self._screen_id(), self._lines()
            focus.click()
            QTimer.singleShot(0, lambda: self._after_press(focus, before_id, before))

    def _after_press(self, pressed: QWidget, before_id: tuple[int, ...], before: list[str]) -> None:
        if not self.on:
            return
        if self._screen_id() != before_id or pressed not in self.items():
            self._look_for_a_new_screen()
            return
        new = [line for line in self._lines() if line not in before]
        self._seen = self._screen_id()
        self._say("\n".join([*new, self.describe(pressed)]))

    def _lines(self) -> list[str]:
        return self.read_aloud.lines()

    def pick_key(self, step: int) -> None:
        root = self._current()
        keys = keyboard_keys(root, self._rtl()) if root is not None and self.typing else []
        if not keys:
            self.move(step)
            return
        index = keys.index(self.picked_key) if self.picked_key in keys else (-1 if step > 0 else 0)
        self.picked_key = keys[(index + step) % len(keys)]
        self._frame.around(self.picked_key)
        self._say(self._key_words(self.picked_key))

    def _key_words(self, key: QAbstractButton) -> str:
        return button_words(key) or key.accessibleName() or key.text()

    def _type_key(self, key: QAbstractButton) -> None:
        box = self.focus
        before = self._box_text(box)
        key.click()
        after = self._box_text(box)
        self._say(self._echo(before, after) or self._key_words(key))

    def _box_text(self, box: QWidget | None) -> str:
        if isinstance(box, QLineEdit):
            return box.text()
        if isinstance(box, (QPlainTextEdit, QTextEdit)):
            return box.toPlainText()
        return ""

    def _echo(self, before: str, after: str) -> str:
        """What a key did to a box, in words: the letter typed, or the one erased."""
        if len(after) > len(before) and after.startswith(before):
            added = after[len(before) :]
            return self.tr("space") if added == " " else added
        if len(after) < len(before) and before.startswith(after):
            gone = before[len(after) :]
            return self.tr("erased %1").replace("%1", self.tr("space") if gone == " " else gone)
        if after != before:
            return after
        return ""

    def type_text(self, text: str) -> None:
        box = self.focus
        if not _is_box(box):
            return
        if self.picked_key is not None:  # typing on a keyboard now, not picking keys on the screen
            self.picked_key = None
            self._frame.around(box)
        before = self._box_text(box)
        type_into(box, text)  # type: ignore[arg-type]
        echo = self._echo(before, self._box_text(box))
        self._say(echo or self.tr("not taken"))

    def erase(self) -> None:
        box = self.focus
        if not _is_box(box):
            return
        before = self._box_text(box)
        if not before:
            self._say(self.tr("empty"))
            return
        erase_one(box)  # type: ignore[arg-type]
        self._say(self._echo(before, self._box_text(box)))

    def help(self) -> None:
        self._say(
            self.tr(
                "Keys: 2 or down, next. 8 or up, previous. 5 or Enter, choose. 0, back. "
                "Star, this help. Slash, say it again. Plus and minus, louder and softer. "
                "In a box, type the answer; left and right pick a letter of the keyboard."
            )
        )

    def loudness(self, louder: bool) -> None:
        voice = self.read_aloud.voice
        changed = voice.louder() if louder else voice.softer()
        if louder:
            self._say(self.tr("Louder") if changed else self.tr("This is the loudest"))
        else:
            self._say(self.tr("Softer") if changed else self.tr("This is the softest"))

    # --- saying --------------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.read_aloud.say_lines([text])

    def _announce(self, first: str = "") -> None:
        """A new screen: what it says, then where the focus starts."""
        self._seen = self._screen_id()
        lines = [first] if first else []
        lines += self._lines()
        if self.on:
            items = self.items()
            focused = QApplication.focusWidget()
            # A question's box takes the keys as it comes up; any other screen starts at its top.
            question = focused if focused in items and _is_box(focused) and _is_answer(focused) else None
            start = question or (items[0] if items else None)
            self.picked_key = None
            self.typing = question is not None
            self._focus_on(start)
            if start is not None:
                lines.append(self.describe(start))
        self.read_aloud.say_lines(lines)

    def _look_for_a_new_screen(self) -> None:
        if self._screen_id() != self._seen:
            if self._on_attract():
                self._seen = self._screen_id()
                return
            self._announce()
        elif self.on:
            self._frame.around(self.picked_key or self.focus)  # it may have scrolled or moved

    # --- keys and the corner -----------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._key(watched, event)
        if kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent) and isinstance(watched, QWidget):
            self._pressed(watched, event)
        elif kind == QEvent.Type.MouseButtonRelease and isinstance(watched, QWidget):
            self._hold.stop()
            if self._swallow_release:
                self._swallow_release = False
                return True
        return False

    def _key(self, watched: QObject, event: QKeyEvent) -> bool:
        if not isinstance(watched, QWidget) or watched.window() is not self._window:
            return False  # another window's (the staff's dialogs)
        if not self.on:
            if not self._starts(event):
                return False  # typing, as ever
            self.start()
            return True
        action = action_for(event, in_a_box=self.typing)
        if action is None:
            if _is_box(self.focus):  # typing, or letters typed on a box the focus is on
                if event.key() == K.Key_Backspace:
                    self.erase()
                elif event.text() and event.text().isprintable():
                    self.type_text(event.text())
            return True
        self._do(action)
        return True

    def _starts(self, event: QKeyEvent) -> bool:
        """Whether a key starts speech mode: any key on the attract loop; elsewhere a key of the
        numeric keypad (not a digit in a box: a sighted citizen typing) or F1, never Tab or an
        arrow of a keyboard (a technician's or a sighted citizen's, moving as usual)."""
        if K(event.key()) in _MODIFIER_KEYS or event.modifiers() & _CHORD_MODIFIERS:
            return False  # the start of a chord (the technician's Ctrl+Alt+Shift+S), not a citizen's key
        if self._on_attract():
            return True
        in_a_box = _is_box(QApplication.focusWidget())
        action = action_for(event, in_a_box)
        if action is None:
            return False
        if K(event.key()) == K.Key_F1:
            return True
        return bool(event.modifiers() & Qt.KeyboardModifier.KeypadModifier)

    def _do(self, action: Action) -> None:
        if action is Action.NEXT:
            self.move(1)
        elif action is Action.PREVIOUS:
            self.move(-1)
        elif action is Action.FORWARD:
            self.pick_key(1)
        elif action is Action.BACKWARD:
            self.pick_key(-1)
        elif action is Action.SELECT:
            self.select()
        elif action is Action.BACK:
            self._back()
        elif action is Action.HELP:
            self.help()
        elif action is Action.REPEAT:
            self.read_aloud.repeat()
        elif action is Action.LOUDER:
            self.loudness(True)
        elif action is Action.SOFTER:
            self.loudness(False)

    def _pressed(self, watched: QWidget, event: QMouseEvent) -> None:
        point = self._window.mapFromGlobal(event.globalPosition().toPoint())
        width = self._window.width()
        if 0 <= point.y() < CORNER_PX and width - CORNER_PX <= point.x() < width:
            self._held_down = watched
            self._hold.start()
        else:
            self._hold.stop()

    def _held(self) -> None:
        """The corner was held long enough: speech mode on (or off); whatever was pressed there
        does not take the press as a tap."""
        held = self._held_down
        if isinstance(held, QAbstractButton):
            held.setDown(False)
        self._swallow_release = True
        if self.on:
            self.stop()
        else:
            self.start()
