"""A service's request form, one question at a time; built afresh for each citizen and destroyed
when their session ends.

Each question is a step of its own (``QuestionStep``): its label, help, the answer's input and,
when the answer is not accepted, the reason, all above the on-screen keyboard or keypad, never
scrolled away or covered. A big «بعدی» (next) checks that one answer and moves on; «قبلی»
(previous) goes back; the line at the top says where the citizen is («پرسش ۳ از ۹»). After the
last question «بعدی» opens the review. Choices are big option buttons and a tap on one moves on; a
consent is one big tick, which moves on too; a date is picked on a Jalali picker
(``kiosk.ui.widgets.date_picker``); numbers and codes are typed on the digit keypad, words on the
keyboard (long text right-aligned in Persian, the cursor at the right).

Checking is the core's job (``kiosk.core.forms``); this screen only shows the result, in the
citizen's language, on the question it is about.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import QMoveEvent, QResizeEvent, QTextCursor
from PySide6.QtWidgets import (
    QBoxLayout,
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpacerItem,
    QStackedWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.catalog import Agency, Service
from kiosk.core.forms import FieldProblem, FormCheck, FormField, Value, check_field, check_form
from kiosk.core.persian import isolate_ltr
from kiosk.ui.i18n import Localizer
from kiosk.ui.theme import set_style_flags
from kiosk.ui.widgets.date_picker import JalaliDatePicker
from kiosk.ui.widgets.keyboard import Editable, NumericKeypad, OnScreenKeyboard
from kiosk.ui.widgets.screen import Screen
from kiosk.ui.widgets.scrolling import dispose_at_once, reuse_scroll_area
from kiosk.ui.widgets.stand_in import StandIn
from kiosk.ui.widgets.tick import BigTick

# Longest text each keypad field accepts while typing (digits plus a few spaces or dashes).
_TYPING_LIMITS = {"national_id": 14, "mobile": 18, "postal_code": 14}
# Options side by side (two to a line) only when there are more than this many: fewer read best
# one under the other, each the width of the screen.
OPTIONS_ON_ONE_COLUMN = 3
LONG_TEXT_LINES = 3  # a long answer's box shows this many lines, or fewer on a crowded screen
TALL_PX = 800  # a form this high (a 1080-pixel screen's) has room for a title line above the question


class QuestionStep(QFrame):
    """One question on a screen of its own: label, help, the input and, when the answer is not
    accepted, the reason under it. ``answered`` when a tap is the whole answer (an option, the
    tick): the form moves on."""

    answered = Signal()

    def __init__(self, spec: FormField, localizer: Localizer, today: date, parent: QWidget | None = None) -> None:
        # Every widget is made with its parent (top down), never put in one afterwards: moving a
        # widget into another restyles it and everything in it (see ``FormScreen``).
        super().__init__(parent)
        self.spec = spec
        self._localizer = localizer
        self.setObjectName(f"question:{spec.id}")
        self.setProperty("role", "question")
        # A grid, not a box: it knows its minimum height for a width (see ``heightForWidth``).
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setVerticalSpacing(8)
        self._rows = 0
        self.label = QLabel(self)
        self.label.setObjectName("questionLabel")
        self.label.setWordWrap(True)
        self._add(self.label)
        self.help: QLabel | None = None
        if spec.help is not None:
            self.help = QLabel(self)
            self.help.setObjectName("questionHelp")
            self.help.setWordWrap(True)
            self._add(self.help)
        self.editor: Editable | None = None
        self.options: QButtonGroup | None = None
        self.consent: BigTick | None = None
        self.picker: JalaliDatePicker | None = None
        self._build_input(today)
        # The reason an answer is not accepted: right under the input, inside the step, so nothing
        # of the screen (buttons, keyboard) can ever cover it.
        self.error = QLabel(self)
        self.error.setObjectName(f"fieldError:{spec.id}")
        self.error.setProperty("role", "fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        self._add(self.error)
        layout.addItem(QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding), self._rows, 0)
        self._invalid = False

    def _add(self, widget: QWidget) -> None:
        self.layout().addWidget(widget, self._rows, 0)
        self._rows += 1

    def _build_input(self, today: date) -> None:
        spec = self.spec
        name = f"field:{spec.id}"
        if spec.kind == "choice":
            self.options = QButtonGroup(self)
            self.options.setExclusive(True)
            host = _Options(len(spec.choices), self)
            for choice in spec.choices:
                button = QPushButton(host)
                button.setObjectName(f"choice:{spec.id}:{choice.id}")
                button.setProperty("role", "option")
                button.setCheckable(True)
                button.setProperty("choice_id", choice.id)
                self.options.addButton(button)
                host.add(button)
            self._add(host)
            self.options.buttonClicked.connect(self._chosen)
            return
        if spec.kind == "consent":
            self.consent = BigTick(self)
            self.consent.setObjectName(name)
            self.consent.toggled.connect(self._ticked)
            self._add(self.consent)
            return
        if spec.kind == "jalali_date":
            self.picker = JalaliDatePicker(self._localizer, today, spec.when, self)
            self.picker.setObjectName(name)
            self.picker.changed.connect(lambda: self.set_problem(None))
            self._add(self.picker)
            return
        if spec.kind == "long_text":
            editor = _LongText(self)
            editor.setTabChangesFocus(True)
            editor.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            editor.textChanged.connect(lambda: self.set_problem(None))
            self.editor = editor
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
            editor.textEdited.connect(lambda _t: self.set_problem(None))
            self.editor = editor
        self.editor.setObjectName(name)
        self.editor.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self._add(self.editor)

    def _chosen(self) -> None:
        self.set_problem(None)
        self.answered.emit()

    def _ticked(self, on: bool) -> None:
        self.set_problem(None)
        if on:
            self.answered.emit()

    def answer(self) -> Value:
        if self.consent is not None:
            return self.consent.isChecked()
        if self.options is not None:
            button = self.options.checkedButton()
            return str(button.property("choice_id")) if button is not None else ""
        if self.picker is not None:
            return self.picker.answer()
        if isinstance(self.editor, QLineEdit):
            return self.editor.text()
        return self.editor.toPlainText() if self.editor is not None else ""

    def has_answer(self) -> bool:
        answer = self.answer()
        return answer is True or (isinstance(answer, str) and answer.strip() != "")

    @property
    def problem(self) -> str:
        """The reason shown under the input ('' when none is)."""
        return self.error.text() if self.error.isVisibleTo(self) else ""

    def set_problem(self, text: str | None) -> None:
        self.error.setText(text or "")
        self.error.setVisible(bool(text))
        if bool(text) != self._invalid and self.editor is not None:  # its box's border turns red
            self._invalid = bool(text)  # (restyling is not free: only on a change)
            set_style_flags(self.editor, invalid=self._invalid)

    def begin_typing(self) -> None:
        """The step is on screen: its box takes the keys, with the cursor after what is there."""
        editor = self.editor
        if editor is None:
            return
        editor.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(editor, QLineEdit):
            editor.end(False)
        else:
            editor.moveCursor(QTextCursor.MoveOperation.End)

    def retranslate(self) -> None:
        spec = self.spec
        localizer = self._localizer
        label = localizer.text(spec.label)
        if not spec.required:
            label = self.tr("%1 (optional)").replace("%1", label)
        if self.consent is not None:  # the statement is the tick's own words
            self.consent.setText(label)
            self.label.setText(self.tr("Please read this, and tick it if you agree:"))
        else:
            self.label.setText(label)
        if self.help is not None and spec.help is not None:
            self.help.setText(localizer.text(spec.help))
        if self.editor is not None:
            self.editor.setAccessibleName(label)
        if self.options is not None:
            for button in self.options.buttons():
                choice = spec.choice(str(button.property("choice_id")))
                assert choice is not None
                button.setText(localizer.text(choice.label))
                button.setAccessibleName(f"{label}: {button.text()}")
        if self.picker is not None:
            self.picker.setAccessibleName(label)
            self.picker.retranslate()
        if isinstance(self.editor, QPlainTextEdit):
            # Persian is written from the right: the text and the cursor start at the right edge
            # (Qt lays an empty box, and each line, out from the left unless told).
            option = self.editor.document().defaultTextOption()
            right_to_left = localizer.is_rtl
            option.setTextDirection(Qt.LayoutDirection.RightToLeft if right_to_left else Qt.LayoutDirection.LeftToRight)
            option.setAlignment(
                (Qt.AlignmentFlag.AlignRight if right_to_left else Qt.AlignmentFlag.AlignLeft)
                | Qt.AlignmentFlag.AlignAbsolute
            )
            self.editor.document().setDefaultTextOption(option)


class _LongText(QPlainTextEdit):
    """A long answer's box: two lines at least, ``LONG_TEXT_LINES`` at most, in the font it is
    drawn with (the stylesheet's, known once it is polished)."""

    def _height(self, lines: int) -> int:
        margins = self.contentsMargins()
        document = self.document().documentMargin()
        return lines * self.fontMetrics().lineSpacing() + margins.top() + margins.bottom() + round(2 * document)

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self._height(2))

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._height(LONG_TEXT_LINES))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.setMaximumHeight(self._height(LONG_TEXT_LINES))
            self.updateGeometry()


class _Options(QWidget):
    """A choice's options as big buttons: one under the other, or two to a line when there are
    more than ``OPTIONS_ON_ONE_COLUMN`` and the widest fits half the width."""

    def __init__(self, count: int, parent: QWidget) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(12)
        self._buttons: list[QPushButton] = []
        self._pairs = count > OPTIONS_ON_ONE_COLUMN
        self._columns = 0

    def add(self, button: QPushButton) -> None:
        self._buttons.append(button)
        columns = self._columns or (2 if self._pairs else 1)
        index = len(self._buttons) - 1
        self._columns = columns
        self._grid.addWidget(button, index // columns, index % columns)

    def _arrange(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        for button in self._buttons:
            self._grid.removeWidget(button)
        for index, button in enumerate(self._buttons):
            self._grid.addWidget(button, index // columns, index % columns)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._pairs:
            widest = max(b.sizeHint().width() for b in self._buttons)
            self._arrange(2 if 2 * widest + self._grid.horizontalSpacing() <= event.size().width() else 1)


class FormScreen(Screen):
    """The questions of one service, one at a time; ``review_requested`` once every answer passes."""

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
        since building 50 keys for every form is slow); ``scroll``: likewise a scroll area, which
        holds the question (a question taller than the room above the keys scrolls, never pushes
        the window past the screen).

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
        self._index = 0
        self.last_check: FormCheck | None = None
        self.reviewed = False  # the citizen has been to the review: a way straight back to it

        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 10, 40, 10)
        layout.setSpacing(10)
        # The service's title and «پرسش ۳ از ۹»: a line above the question on a portrait screen,
        # the top and the foot of the column of buttons on a landscape one (``_arrange``).
        self._top = QHBoxLayout()
        self._top.setSpacing(24)
        self.title = QLabel(self)
        self.title.setObjectName("formTitle")
        self.title.setWordWrap(True)
        self.progress = QLabel(self)
        self.progress.setObjectName("formProgress")
        layout.addLayout(self._top)

        # The question, and beside it (below it on a portrait screen) the way on and back.
        self._middle = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._middle.setSpacing(24)
        layout.addLayout(self._middle, 1)
        host = _StepHost()
        dispose_at_once(host)  # the steps only take answers: nothing in them ends the form
        self._host = host
        self.scroll: QScrollArea = reuse_scroll_area(scroll, host, self)  # host still empty: nothing to restyle
        self.scroll.setMinimumHeight(100)
        self._middle.addWidget(self.scroll, 1)
        self.steps: list[QuestionStep] = []
        for spec in service.form.fields:
            step = QuestionStep(spec, localizer, today, host)
            step.hide()
            step.installEventFilter(host)
            step.answered.connect(self.next)
            self.steps.append(step)

        self.next_button = QPushButton(self)
        self.next_button.setObjectName("nextButton")
        self.next_button.setProperty("role", "primary")
        self.next_button.clicked.connect(self.next)
        self.previous_button = QPushButton(self)
        self.previous_button.setObjectName("previousButton")
        self.previous_button.setProperty("role", "secondary")
        self.previous_button.clicked.connect(self.previous)
        self.review_button = QPushButton(self)  # once the citizen has seen the review
        self.review_button.setObjectName("backToReviewButton")
        self.review_button.setProperty("role", "secondary")
        self.review_button.clicked.connect(self.submit)
        self.review_button.hide()
        self._nav = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self._nav.setSpacing(14)
        self._middle.addLayout(self._nav)
        self._shape = ""
        self._arrange("short")

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
        self.show_step(0)

    def _place_keys(self) -> None:
        for stand_in in self._stand_ins:
            stand_in.place()

    def moveEvent(self, event: QMoveEvent) -> None:
        super().moveEvent(event)
        self._place_keys()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        size = event.size()
        portrait = size.height() > size.width()
        self._arrange("portrait" if portrait else "landscape" if size.height() >= TALL_PX else "short")

    def _arrange(self, shape: str) -> None:
        """Where the title, «پرسش ۳ از ۹» and the buttons go, by the room the screen gives.

        ``portrait`` (narrow and tall): the title and «پرسش ۳ از ۹» on a line above the question,
        a row of buttons under it, «قبلی» at its start and «بعدی» at its end. ``landscape``: the
        same line, and a column of buttons beside the question, «بعدی» at its top and «قبلی» under
        it. ``short`` (a landscape screen under ``TALL_PX`` high, 768 pixels: the keys take half
        of it): no title line, «پرسش ۳ از ۹» at the top of the column, so the question has every
        pixel above the keys (with large text, its reason was cut off otherwise); the citizen
        chose the service a moment ago, on its card.
        """
        if shape == self._shape:
            return
        self._shape = shape
        nav, top = self._nav, self._top
        for box in (nav, top):
            while box.count():
                box.takeAt(0)  # the widgets stay where they are (same parent): only their places change
        self.title.setVisible(shape != "short")
        if shape != "short":
            top.addWidget(self.title, 1)
            top.addWidget(self.progress, 0, Qt.AlignmentFlag.AlignTop)
        if shape == "portrait":
            self._middle.setDirection(QBoxLayout.Direction.TopToBottom)
            nav.setDirection(QBoxLayout.Direction.LeftToRight)
            nav.addWidget(self.previous_button)
            nav.addStretch(1)
            nav.addWidget(self.review_button)
            nav.addWidget(self.next_button)
            return
        self._middle.setDirection(QBoxLayout.Direction.LeftToRight)
        nav.setDirection(QBoxLayout.Direction.TopToBottom)
        if shape == "short":
            nav.addWidget(self.progress)
        nav.addWidget(self.next_button)
        nav.addWidget(self.previous_button)
        nav.addWidget(self.review_button)
        nav.addStretch(1)

    # --- steps -----------------------------------------------------------------------------

    @property
    def index(self) -> int:
        return self._index

    @property
    def current(self) -> QuestionStep:
        """The question on screen."""
        return self.steps[self._index]

    def step(self, field_id: str) -> QuestionStep:
        return next(s for s in self.steps if s.spec.id == field_id)

    def show_step(self, index: int) -> None:
        """Put question ``index`` on screen, with the keys its answer is typed on (or none)."""
        index = max(0, min(index, len(self.steps) - 1))
        old, self._index = self.current, index
        step = self.current
        if old is not step:
            old.hide()
        self._host.show_step(step)
        self.scroll.verticalScrollBar().setValue(0)
        self._update_progress()
        spec = step.spec
        if step.editor is None:
            self.keyboard.set_target(None)
            self.keypad.set_target(None)
            self.keys.hide()
        elif spec.uses_keypad:
            self.keypad.set_target(step.editor)
            self.keypad.set_persian(self._localizer.language == "fa")
            self.keyboard.set_target(None)
            self.keys.setCurrentIndex(2)
            self.keys.show()
        else:
            self.keyboard.set_target(step.editor)
            self.keypad.set_target(None)
            self.keys.setCurrentIndex(1)
            self.keys.show()
        step.begin_typing()
        self.activity.emit()

    def go_to(self, field_id: str) -> None:
        self.show_step(self.steps.index(self.step(field_id)))

    def next(self) -> None:
        """Check the answer on screen: stay with the reason shown, or go on (to the review after
        the last question)."""
        step = self.current
        _value, problem = check_field(step.spec, step.answer(), self._today)
        if problem is not None:
            step.set_problem(problem_text(problem, self._localizer, step.spec.kind))
            step.begin_typing()
            return
        step.set_problem(None)
        if self._index + 1 < len(self.steps):
            self.show_step(self._index + 1)
        else:
            self.submit()

    def previous(self) -> None:
        if self._index > 0:
            self.show_step(self._index - 1)

    def _update_progress(self) -> None:
        count = len(self.steps)
        self.progress.setText(
            self.tr("Question %1 of %2")
            .replace("%1", self._localizer.number(self._index + 1))
            .replace("%2", self._localizer.number(count))
        )
        self.previous_button.setEnabled(self._index > 0)
        # After the last question comes the review: its button says so, and is the only way there
        # (a second «بررسی پاسخ‌ها» beside it, for a citizen back from the review, asked which).
        last = self._index + 1 == count
        self.next_button.setText(self.tr("Check my answers") if last else self.tr("Next"))
        self.next_button.setAccessibleName(self.tr("Check my answers") if last else self.tr("Next question"))
        self.review_button.setVisible(self.reviewed and not last)

    # --- checking --------------------------------------------------------------------------

    def answers(self) -> dict[str, Value]:
        return {step.spec.id: step.answer() for step in self.steps}

    def has_answers(self) -> bool:
        """Whether leaving now would lose anything the citizen answered."""
        return any(step.has_answer() for step in self.steps)

    def submit(self) -> None:
        """Every answer checked: to the review, or to the first question whose answer is not
        accepted, its reason shown there (and nowhere else)."""
        result = check_form(self.service.form, self.answers(), self._today)  # type: ignore[arg-type]
        self.last_check = result
        if result.ok:
            self.reviewed = True
            self.review_requested.emit()
            return
        first = next(i for i, s in enumerate(self.steps) if s.spec.id in result.problems)
        step = self.steps[first]
        self.show_step(first)
        step.set_problem(problem_text(result.problems[step.spec.id], self._localizer, step.spec.kind))

    def retranslate(self) -> None:
        self.title.setText(self._localizer.text(self.service.title))
        self.previous_button.setText(self.tr("Previous"))
        self.previous_button.setAccessibleName(self.tr("Previous question"))
        self.review_button.setText(self.tr("Check my answers"))
        self.review_button.setAccessibleName(self.review_button.text())
        self.keypad.set_persian(self._localizer.language == "fa")
        for step in self.steps:
            step.retranslate()
            problem = step.problem
            if problem:  # said again in the new language
                _value, found = check_field(step.spec, step.answer(), self._today)
                step.set_problem(problem_text(found, self._localizer, step.spec.kind) if found else None)
        self._update_progress()


class _StepHost(QWidget):
    """What the form's scroll area holds: the question on screen, filling it.

    Not a layout: a scroll area gives a widget that has a height for each width exactly that
    height, and a layout asks each question for the height it would like, a long answer's box at
    three lines. On a small screen the question then scrolled where its smallest size (the box at
    two lines) fitted. Here the height asked is the question's least for the width (its grid's
    ``minimumHeightForWidth``: every wrapped word, the box at its smallest); given more, the box
    grows, up to ``LONG_TEXT_LINES``."""

    SCROLL_BAR_ROOM = 12

    def __init__(self) -> None:
        super().__init__()
        self._step: QuestionStep | None = None

    def show_step(self, step: QuestionStep) -> None:
        self._step = step
        self._place()
        step.show()
        self.updateGeometry()

    def _room(self) -> QRect:
        inner = QRect(0, 0, max(0, self.width() - self.SCROLL_BAR_ROOM), self.height())
        return QStyle.visualRect(self.layoutDirection(), self.rect(), inner)  # the bar's side: left in Persian

    def _place(self) -> None:
        if self._step is not None:
            self._step.setGeometry(self._room())

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        if self._step is None:
            return 0
        layout = self._step.layout()
        assert isinstance(layout, QGridLayout)
        return layout.minimumHeightForWidth(max(0, width - self.SCROLL_BAR_ROOM))

    def minimumSizeHint(self) -> QSize:
        if self._step is None:
            return QSize(0, 0)
        least = self._step.minimumSizeHint()
        return QSize(least.width() + self.SCROLL_BAR_ROOM, least.height())

    def sizeHint(self) -> QSize:
        return self.minimumSizeHint()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A question's own layout changed (a reason shown, words in another language): the
        # scroll area asks again how tall this is.
        if watched is self._step and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return False


class _KeysPanel(QStackedWidget):
    """The room for the keyboard or keypad below the form; says when it moves (its pages don't)."""

    moved = Signal()

    def moveEvent(self, event: QMoveEvent) -> None:
        super().moveEvent(event)
        self.moved.emit()


def problem_text(problem: FieldProblem, localizer: Localizer, kind: str = "") -> str:
    """The sentence a citizen reads under a question whose answer was not accepted."""
    translate = QCoreApplication.translate  # literal contexts and texts, so lupdate finds each one
    limit = localizer.number(problem.limit)
    if problem.code == "required" and kind == "choice":
        return translate("FieldMessages", "Please choose one of the options.")
    if problem.code == "required" and kind == "jalali_date":
        return translate("FieldMessages", "Please choose a date first.")
    example_mobile = isolate_ltr(localizer.digits("0912 345 6789"))  # reads left to right in Persian too
    messages = {
        "required": translate("FieldMessages", "Please answer this question."),
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
        "mobile_length": translate("FieldMessages", "A mobile number has 11 digits, like %1.").replace(
            "%1", example_mobile
        ),
        "postal_code_length": translate("FieldMessages", "A postal code has 10 digits."),
        "too_few_digits": translate("FieldMessages", "This needs at least %1 digits.").replace("%1", limit),
        "too_many_digits": translate("FieldMessages", "This can have at most %1 digits.").replace("%1", limit),
        "choice": translate("FieldMessages", "Please choose one of the options."),
        "date_invalid": translate("FieldMessages", "This date does not exist. Please choose the day again."),
        "date_future": translate("FieldMessages", "This date cannot be after today."),
        "date_past": translate("FieldMessages", "This date cannot be before today."),
        "consent": translate("FieldMessages", "Please tick this box to go on."),
    }
    return messages.get(problem.code, translate("FieldMessages", "Please check this answer."))
