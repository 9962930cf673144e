"""A service's request form, built afresh for each citizen and destroyed when their session ends.

Fields come from the catalog (``kiosk.core.forms``); checking is the core's job, this screen only
shows the result next to each field, in the citizen's language. The on-screen keyboard or keypad
for the field being edited sits below the form, and the form scrolls so that field stays in view:
the keyboard never covers what the citizen is typing.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QMouseEvent, QMoveEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.catalog import Agency, Service
from kiosk.core.forms import FieldProblem, FormCheck, FormField, Value, check_form
from kiosk.ui.i18n import Localizer
from kiosk.ui.theme import set_style_flags
from kiosk.ui.widgets.checkbox import TouchCheckBox
from kiosk.ui.widgets.keyboard import Editable, NumericKeypad, OnScreenKeyboard
from kiosk.ui.widgets.screen import Screen
from kiosk.ui.widgets.scrolling import dispose_at_once, reuse_scroll_area
from kiosk.ui.widgets.stand_in import StandIn

CHOICES_PER_LINE = 3
# Longest text each keypad field accepts while typing (digits plus a few spaces or dashes).
_TYPING_LIMITS = {"national_id": 14, "mobile": 18, "postal_code": 14, "jalali_date": 10}


class FieldRow(QFrame):
    """One question: its label, optional help, the input, and the message when the answer is wrong."""

    def __init__(self, spec: FormField, localizer: Localizer, parent: QWidget | None = None) -> None:
        # Every widget is made with its parent (top down), never put in one afterwards: moving a
        # widget into another restyles it and everything in it (see ``FormScreen``).
        super().__init__(parent)
        self.spec = spec
        self._localizer = localizer
        self.setObjectName(f"fieldRow:{spec.id}")
        self.setProperty("role", "fieldRow")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(8)
        self._layout = layout
        self.label = QLabel(self)
        self.label.setObjectName("fieldLabel")
        self.label.setWordWrap(True)
        layout.addWidget(self.label)
        # Only the widgets the row needs: every widget a form makes is made, styled and laid out
        # while the citizen waits for the form. The message label comes with the first message.
        self.help: QLabel | None = None
        if spec.help is not None:
            self.help = QLabel(self)
            self.help.setObjectName("fieldHelp")
            self.help.setWordWrap(True)
            layout.addWidget(self.help)
        self.error: QLabel | None = None
        self.editor: Editable | None = None
        self.choices: QButtonGroup | None = None
        self.consent: TouchCheckBox | None = None
        self._invalid = False
        self._build_input(layout)

    def _build_input(self, layout: QVBoxLayout) -> None:
        spec = self.spec
        name = f"field:{spec.id}"
        if spec.kind == "long_text":
            editor = QPlainTextEdit(self)
            editor.setFixedHeight(130)
            editor.setTabChangesFocus(True)
            self.editor = editor
        elif spec.kind == "choice":
            self.choices = QButtonGroup(self)
            self.choices.setExclusive(True)
            row = QGridLayout()  # three to a line, so long labels never run off the screen
            row.setHorizontalSpacing(12)
            row.setVerticalSpacing(10)
            for index, choice in enumerate(spec.choices):
                button = QPushButton(self)
                button.setObjectName(f"choice:{spec.id}:{choice.id}")
                button.setProperty("role", "choice")
                button.setCheckable(True)
                button.setProperty("choice_id", choice.id)
                self.choices.addButton(button)
                row.addWidget(button, index // CHOICES_PER_LINE, index % CHOICES_PER_LINE)
            layout.addLayout(row)
            self.choices.buttonClicked.connect(lambda _b: self.set_problem(None))
            return
        elif spec.kind == "consent":
            self.consent = TouchCheckBox(self)
            self.consent.setObjectName(name)
            self.consent.toggled.connect(lambda _on: self.set_problem(None))
            layout.addWidget(self.consent)
            return
        else:
            editor = QLineEdit(self)
            limit = _TYPING_LIMITS.get(spec.kind)
            if spec.kind == "number":
                limit = spec.max_digits + 4
            elif spec.kind == "text":
                limit = spec.max_length + 10
            editor.setMaxLength(limit or 200)
            if spec.uses_keypad:
                # Numbers and codes are left-to-right islands in the Persian form.
                editor.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
                editor.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            self.editor = editor
        self.editor.setObjectName(name)
        self.editor.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        if isinstance(self.editor, QLineEdit):
            self.editor.textEdited.connect(lambda _t: self.set_problem(None))
        else:
            self.editor.textChanged.connect(lambda: self.set_problem(None))
        layout.addWidget(self.editor)

    def answer(self) -> Value:
        if self.consent is not None:
            return self.consent.isChecked()
        if self.choices is not None:
            button = self.choices.checkedButton()
            return str(button.property("choice_id")) if button is not None else ""
        if isinstance(self.editor, QLineEdit):
            return self.editor.text()
        return self.editor.toPlainText() if self.editor is not None else ""

    def focus_target(self) -> QWidget:
        if self.editor is not None:
            return self.editor
        if self.consent is not None:
            return self.consent
        assert self.choices is not None
        return self.choices.buttons()[0]

    def set_problem(self, text: str | None) -> None:
        if text and self.error is None:  # below the input, as the last line of the row
            self.error = QLabel(self)
            self.error.setObjectName(f"fieldError:{self.spec.id}")
            self.error.setProperty("role", "fieldError")
            self.error.setWordWrap(True)
            self._layout.addWidget(self.error)
        if self.error is not None:
            self.error.setText(text or "")
            self.error.setVisible(bool(text))
        if bool(text) != self._invalid:  # restyling the row and all in it is not free: only on a change
            self._invalid = bool(text)
            set_style_flags(self, invalid=self._invalid)

    def retranslate(self) -> None:
        spec = self.spec
        label = self._localizer.text(spec.label)
        if not spec.required:
            label = self.tr("%1 (optional)").replace("%1", label)
        self.label.setText(label)
        if self.help is not None and spec.help is not None:
            self.help.setText(self._localizer.text(spec.help))
        if self.consent is not None:
            self.consent.setText(label)
            self.label.hide()
        accessible = self.focus_target()
        accessible.setAccessibleName(label)
        if self.choices is not None:
            for button in self.choices.buttons():
                choice = spec.choice(str(button.property("choice_id")))
                assert choice is not None
                button.setText(self._localizer.text(choice.label))
                button.setAccessibleName(f"{label}: {button.text()}")
        if isinstance(self.editor, QLineEdit) and spec.kind == "jalali_date":
            self.editor.setPlaceholderText(self._localizer.digits("1405/09/02"))


class FormScreen(Screen):
    """The questions of one service; ``review_requested`` once every answer passes the checks."""

    review_requested = Signal()
    activity = Signal()

    def __init__(
        self,
        service: Service,
        agency: Agency,
        localizer: Localizer,
        today: date,
        keys: tuple[OnScreenKeyboard, NumericKeypad] | None = None,
        scroll: QScrollArea | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``keys``: a keyboard and keypad to use (kept by the request flow between citizens,
        since building 50 keys for every form is slow); ``scroll``: likewise a scroll area.

        The screen is built top down: each widget is made inside its parent, and the borrowed
        (already styled) scroll area moves once, empty, straight to its place. With the
        application's stylesheet, moving a styled widget into another restyles it and everything
        inside it. The borrowed keys do not move at all: they stay where they are kept, and the
        keyboard panel's pages hold their place (``StandIn``). For the same reason a screen
        without a ``parent`` starts where the borrowed parts wait between citizens (the request
        flow's page): showing it there moves nothing.
        """
        if parent is None:
            borrowed = [w for w in (*(keys or ()), scroll) if w is not None]
            parent = next((w.parentWidget() for w in borrowed if w.parentWidget() is not None), None)
        super().__init__(parent)
        assert service.form is not None, "only services with a form open a form screen"
        self.setObjectName("formScreen")
        self.service = service
        self.agency = agency
        self._localizer = localizer
        self._today = today
        self._active: FieldRow | None = None
        self.last_check: FormCheck | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 20, 40, 12)
        layout.setSpacing(10)
        self.title = QLabel(self)
        self.title.setObjectName("screenTitle")
        self.title.setWordWrap(True)
        self.intro = QLabel(self)
        self.intro.setObjectName("screenSubtitle")
        self.intro.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)

        host = QWidget()
        dispose_at_once(host)  # the rows only take answers: nothing in them ends the form
        column = QVBoxLayout(host)
        column.setContentsMargins(0, 0, 12, 0)
        column.setSpacing(14)
        self.scroll: QScrollArea = reuse_scroll_area(scroll, host, self)  # host still empty: nothing to restyle
        self.scroll.setMinimumHeight(120)  # the keyboard takes its room; the form scrolls
        layout.addWidget(self.scroll, 1)
        self.rows: list[FieldRow] = []
        for spec in service.form.fields:
            row = FieldRow(spec, localizer, host)
            column.addWidget(row)
            self.rows.append(row)
            row.focus_target().installEventFilter(self)
            if isinstance(row.editor, QPlainTextEdit):  # its taps land on its viewport
                row.editor.viewport().installEventFilter(self)
            if row.choices is not None:
                for button in row.choices.buttons():
                    button.installEventFilter(self)
        column.addStretch(1)

        # The way on stays in sight above the keyboard, however long the form.
        self.summary = QLabel(self)
        self.summary.setObjectName("formSummary")
        self.summary.setWordWrap(True)
        self.summary.hide()
        self.review_button = QPushButton(self)
        self.review_button.setObjectName("reviewButton")
        self.review_button.setProperty("role", "primary")
        self.review_button.clicked.connect(self.submit)
        bar = QHBoxLayout()
        bar.setSpacing(16)
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.review_button)
        layout.addLayout(bar)

        self.keys = _KeysPanel(self)
        self.keys.setObjectName("keyboardPanel")
        self.keys.hide()
        layout.addWidget(self.keys)
        self.keys.addWidget(QWidget(self.keys))
        self.keyboard, self.keypad = keys or (OnScreenKeyboard(), NumericKeypad())
        self.keyboard.set_letters("fa")
        for panel in (self.keyboard, self.keypad):
            panel.set_target(None)
            holder = panel.parentWidget()
            if holder is None or not holder.isAncestorOf(self):
                panel.setParent(self)  # a set of its own (or one kept out of reach): it lives here
        # The keys stay where they are kept (see ``StandIn``); the panel's pages hold their place.
        keyboard_place = StandIn(self.keyboard, self.keys)
        self.keys.addWidget(keyboard_place)
        keypad_host = QWidget(self.keys)
        keypad_row = QHBoxLayout(keypad_host)
        keypad_row.setContentsMargins(0, 0, 0, 0)
        keypad_place = StandIn(self.keypad, keypad_host)
        keypad_place.setMaximumWidth(560)  # digits large enough for a thumb, centred under the form
        keypad_row.addStretch(1)
        keypad_row.addWidget(keypad_place, 2)
        keypad_row.addStretch(1)
        self.keys.addWidget(keypad_host)
        self._stand_ins = (keyboard_place, keypad_place)
        self.keys.moved.connect(self._place_keys)
        self.keyboard.typed.connect(self.activity)
        self.keypad.typed.connect(self.activity)
        self.retranslate()

    def _place_keys(self) -> None:
        for stand_in in self._stand_ins:
            stand_in.place()

    def moveEvent(self, event: QMoveEvent) -> None:
        super().moveEvent(event)
        self._place_keys()

    # --- editing ---------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Cheap test first: the fields get every paint, move and style event, and PySide hands
        # focus and mouse events over as their own classes.
        if not isinstance(event, (QFocusEvent, QMouseEvent)):
            return False
        kind = event.type()
        if kind in (QEvent.Type.FocusIn, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
            row = next((r for r in self.rows if _belongs_to(r, watched)), None)
            if row is None or row is self._active:
                return False
            pressing = kind == QEvent.Type.MouseButtonPress or (
                isinstance(event, QFocusEvent) and event.reason() == Qt.FocusReason.MouseFocusReason
            )
            if row.editor is None and pressing:
                # A tap on a choice changes the screen (the keyboard goes, the intro comes back)
                # when the finger lifts: done at the press, it would move the button from under
                # the finger, and the tap would not count.
                return False
            self.activate(row)
        return False

    def activate(self, row: FieldRow) -> None:
        """Point the right keyboard at this field and keep the field in view above it."""
        self._active = row
        spec = row.spec
        # The intro gives its room to the keyboard, and takes it back only once the keyboard has
        # gone: a moment with both asked for more height than a 768-pixel screen (large text), and
        # Qt grew the window past the screen.
        if row.editor is None:
            self.keys.hide()
            self.intro.show()
        else:
            self.intro.hide()
            if spec.uses_keypad:
                self.keypad.set_target(row.editor, allow_slash=spec.kind == "jalali_date")
                self.keypad.set_persian(self._localizer.language == "fa")
                self.keyboard.set_target(None)
                self.keys.setCurrentIndex(2)
            else:
                self.keyboard.set_target(row.editor)
                self.keypad.set_target(None)
                self.keys.setCurrentIndex(1)
            self.keys.show()
        if row.editor is not None and not row.editor.hasFocus():
            row.editor.setFocus(Qt.FocusReason.OtherFocusReason)
        # After the keyboard has taken its height, the scroll area has shrunk: scroll then (unless
        # the row is gone by then: the form's rows go at once with the form, see ``give_back``).
        QTimer.singleShot(0, row, lambda: self._keep_in_view(row))

    def _keep_in_view(self, row: FieldRow) -> None:
        self.scroll.ensureWidgetVisible(row, 0, 12)
        editor = row.editor
        if editor is not None:  # a row taller than the room above the keys: the whole box wins
            # (not ensureWidgetVisible: for a text box that shows only the line with the cursor)
            centre = editor.mapTo(self.scroll.widget(), editor.rect().center())
            self.scroll.ensureVisible(centre.x(), centre.y(), 0, editor.height() // 2 + 12)

    @property
    def active_row(self) -> FieldRow | None:
        return self._active

    def row(self, field_id: str) -> FieldRow:
        return next(r for r in self.rows if r.spec.id == field_id)

    # --- checking --------------------------------------------------------------------------

    def answers(self) -> dict[str, Value]:
        return {row.spec.id: row.answer() for row in self.rows}

    def submit(self) -> None:
        result = check_form(self.service.form, self.answers(), self._today)  # type: ignore[arg-type]
        self.last_check = result
        for row in self.rows:
            problem = result.problems.get(row.spec.id)
            row.set_problem(problem_text(problem, self._localizer) if problem else None)
        if result.ok:
            self.summary.hide()
            self.review_requested.emit()
            return
        count = len(result.problems)
        self.summary.setText(
            self.tr("%1 answers need a look. They are marked in red.").replace("%1", self._localizer.number(count))
            if count > 1
            else self.tr("One answer needs a look. It is marked in red.")
        )
        self.summary.show()
        first = next(r for r in self.rows if r.spec.id in result.problems)
        self.activate(first)
        first.focus_target().setFocus(Qt.FocusReason.OtherFocusReason)

    def retranslate(self) -> None:
        self.title.setText(self._localizer.text(self.service.title))
        self.intro.setText(self.tr("Please answer these questions. Tap a box to type; the keyboard appears below."))
        self.review_button.setText(self.tr("Next: check my answers"))
        self.review_button.setAccessibleName(self.review_button.text())
        self.keypad.set_persian(self._localizer.language == "fa")
        for row in self.rows:
            row.retranslate()
            problem = self.last_check.problems.get(row.spec.id) if self.last_check else None
            row.set_problem(problem_text(problem, self._localizer) if problem else None)


class _KeysPanel(QStackedWidget):
    """The room for the keyboard or keypad below the form; says when it moves (its pages don't)."""

    moved = Signal()

    def moveEvent(self, event: QMoveEvent) -> None:
        super().moveEvent(event)
        self.moved.emit()


def _belongs_to(row: FieldRow, watched: QObject) -> bool:
    """Whether a watched widget is (part of) this row's input."""
    if watched is row.focus_target():
        return True
    if isinstance(row.editor, QPlainTextEdit) and watched is row.editor.viewport():
        return True
    return row.choices is not None and isinstance(watched, QAbstractButton) and watched in row.choices.buttons()


def problem_text(problem: FieldProblem, localizer: Localizer) -> str:
    """The sentence a citizen reads under a field whose answer was not accepted."""
    translate = QCoreApplication.translate  # literal contexts and texts, so lupdate finds each one
    limit = localizer.number(problem.limit)
    messages = {
        "required": translate("FieldMessages", "Please fill this in."),
        "too_long": translate("FieldMessages", "This is too long: at most %1 characters.").replace("%1", limit),
        "too_short": translate("FieldMessages", "This is too short: please write at least %1 letters.").replace(
            "%1", limit
        ),
        "national_id_format": translate(
            "FieldMessages", "A national ID has 10 digits. Please check the number on your card."
        ),
        "national_id_checksum": translate(
            "FieldMessages", "This national ID is not correct. Please check each digit on your card."
        ),
        "national_id_repeated": translate(
            "FieldMessages", "This national ID cannot be accepted here. Please ask the booth staff for help."
        ),
        "digits_only": translate("FieldMessages", "Please use digits only."),
        "mobile_prefix": translate("FieldMessages", "A mobile number starts with 09."),
        "mobile_length": translate("FieldMessages", "A mobile number has 11 digits, like 0912 345 6789."),
        "postal_code_length": translate("FieldMessages", "A postal code has 10 digits."),
        "too_few_digits": translate("FieldMessages", "This needs at least %1 digits.").replace("%1", limit),
        "too_many_digits": translate("FieldMessages", "This can have at most %1 digits.").replace("%1", limit),
        "choice": translate("FieldMessages", "Please choose one of the options."),
        "date_invalid": translate("FieldMessages", "This date does not exist. Write year/month/day, like 1405/09/02."),
        "date_future": translate("FieldMessages", "This date cannot be after today."),
        "date_past": translate("FieldMessages", "This date cannot be before today."),
        "consent": translate("FieldMessages", "Please tick this box to go on."),
    }
    return messages.get(problem.code, translate("FieldMessages", "Please check this answer."))
