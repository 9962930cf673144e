"""Review: every answer once more, in plain words, and the citizen's confirmation before it is sent.

The screen faces a queue: an answer that identifies the citizen (the national ID) is shown masked,
first and last digits only, with a Show button beside it. It shows the whole number for the
citizen to check, and hides it again when tapped again, after ``SHOW_FOR_MS``, or when the screen
is left. The form shows it whole while it is typed; the receipt never shows it.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, QDate, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from kiosk.core.catalog import Agency, Service
from kiosk.core.forms import FormField, Value
from kiosk.core.persian import for_persian_display, isolate_ltr
from kiosk.ui.i18n import Localizer
from kiosk.ui.widgets.screen import Screen
from kiosk.ui.widgets.scrolling import reuse_scroll_area
from kiosk.ui.widgets.tick import BigTick

# Kinds shown masked until the citizen taps Show. The forms have no legal-entity ID or Sheba
# kind (``kiosk.core.forms.FIELD_KINDS``); one added would be masked here too. A mobile number
# stays visible: the citizen must see that the agency can reach them.
MASKED_KINDS = frozenset({"national_id"})
MASK = "*"  # Vazirmatn has no bullet (U+2022): another font would draw it, or a box
KEEP_START, KEEP_END = 3, 2  # digits left visible at each end
SHOW_FOR_MS = 10_000


def masked(digits: str) -> str:
    """``0012345679`` as ``001*****79``: enough to recognise, not enough to copy."""
    hidden = len(digits) - KEEP_START - KEEP_END
    if hidden < 1:
        return MASK * len(digits)
    return digits[:KEEP_START] + MASK * hidden + digits[len(digits) - KEEP_END :]


def display_value(spec: FormField, value: Value | None, localizer: Localizer, shown: bool = False) -> str:
    """An answer as the citizen should read it back: labels for choices, Jalali dates, their digits;
    a kind in ``MASKED_KINDS`` masked unless ``shown``."""
    if value is None or value == "":
        return QCoreApplication.translate("ReviewScreen", "(not given)")
    if spec.kind == "consent":
        return QCoreApplication.translate("ReviewScreen", "Yes")
    if spec.kind == "choice":
        choice = spec.choice(str(value))
        return localizer.text(choice.label) if choice else str(value)
    # A number is a left-to-right island; in Persian the line itself stays right-to-left (RLM
    # first), so it lines up under the other answers instead of jumping to the left edge.
    line_start = "\u200f" if localizer.language == "fa" else ""
    if spec.kind == "jalali_date":  # in words, as the date picker said it: «سه‌شنبه ۱۸ آذر ۱۴۰۵»
        day = date.fromisoformat(str(value))
        return localizer.today(QDate(day.year, day.month, day.day))
    if spec.uses_keypad:
        digits = str(value) if shown or spec.kind not in MASKED_KINDS else masked(str(value))
        return line_start + isolate_ltr(localizer.digits(digits))
    return for_persian_display(str(value)) if localizer.language == "fa" else str(value)


class ReviewScreen(Screen):
    """Shows the answers; Submit only once the citizen has ticked the confirmation."""

    submit_requested = Signal()
    edit_requested = Signal()

    def __init__(
        self,
        service: Service,
        agency: Agency,
        values: dict[str, Value],
        localizer: Localizer,
        demo: bool,
        scroll: QScrollArea | None = None,
        parent: QWidget | None = None,
    ) -> None:
        if parent is None and scroll is not None:
            # Born where the borrowed scroll area waits (see ``FormScreen``): nothing styled moves
            # when the request flow shows this screen there.
            parent = scroll.parentWidget()
        super().__init__(parent)
        assert service.form is not None
        self.setObjectName("reviewScreen")
        self.service = service
        self.agency = agency
        self.values = dict(values)
        self._localizer = localizer
        self._demo = demo

        # Top down: every widget is made inside its parent (see ``FormScreen``).
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 20, 40, 20)
        layout.setSpacing(10)
        self.title = QLabel(self)
        self.title.setObjectName("screenTitle")
        self.subtitle = QLabel(self)
        self.subtitle.setObjectName("screenSubtitle")
        self.subtitle.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)

        host = QWidget()
        column = QVBoxLayout(host)
        column.setContentsMargins(0, 0, 12, 0)
        column.setSpacing(16)
        self.scroll = reuse_scroll_area(scroll, host, self)  # host still empty: nothing to restyle
        self.scroll.setMinimumHeight(80)  # the answers give way: the confirmation and "send" stay
        layout.addWidget(self.scroll, 1)

        card = QFrame(host)
        card.setObjectName("card")
        grid = QGridLayout(card)
        grid.setContentsMargins(28, 20, 28, 20)
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(12)
        grid.setColumnStretch(1, 1)
        self._rows: list[tuple[FormField, QLabel, QLabel]] = []
        self.show_buttons: dict[str, QPushButton] = {}  # field id -> its Show button (masked kinds)
        self.shown: set[str] = set()  # the masked answers shown whole right now
        for index, spec in enumerate(service.form.fields):
            label = QLabel(card)
            label.setObjectName("factLabel")
            label.setWordWrap(True)
            value = QLabel(card)
            value.setObjectName(f"reviewValue:{spec.id}")
            value.setProperty("role", "reviewValue")
            value.setWordWrap(True)
            value.setTextFormat(Qt.TextFormat.PlainText)
            grid.addWidget(label, index, 0, Qt.AlignmentFlag.AlignTop)
            if spec.kind in MASKED_KINDS and self.values.get(spec.id) not in (None, ""):
                # The Show button right after the number, where the eye already is.
                button = QPushButton(card)
                button.setObjectName(f"showButton:{spec.id}")
                button.setProperty("role", "showAnswer")
                button.clicked.connect(lambda _=False, field_id=spec.id: self._toggle(field_id))
                beside = QHBoxLayout()
                beside.setSpacing(24)
                beside.addWidget(value)
                beside.addWidget(button)
                beside.addStretch(1)
                grid.addLayout(beside, index, 1)
                self.show_buttons[spec.id] = button
            else:
                grid.addWidget(value, index, 1)
            self._rows.append((spec, label, value))
        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.setInterval(SHOW_FOR_MS)
        self._hide_timer.timeout.connect(self.hide_answers)

        self.demo_note = QLabel(host)
        self.demo_note.setObjectName("demoNote")
        self.demo_note.setWordWrap(True)
        self.demo_note.setVisible(demo)
        column.addWidget(card)
        column.addWidget(self.demo_note)
        column.addStretch(1)

        # The confirmation and "send" stay on screen below the answers, however many they are:
        # the answers scroll, these never do.
        self.confirm = BigTick(self)
        self.confirm.setObjectName("reviewConsent")
        self.confirm.toggled.connect(self._update_submit)
        self.edit_button = QPushButton(self)
        self.edit_button.setObjectName("editButton")
        self.edit_button.clicked.connect(self.edit_requested)
        self.submit_button = QPushButton(self)
        self.submit_button.setObjectName("submitButton")
        self.submit_button.setProperty("role", "primary")
        self.submit_button.clicked.connect(self._submit)
        buttons = QHBoxLayout()
        buttons.setSpacing(16)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.submit_button)
        layout.addWidget(self.confirm)
        layout.addLayout(buttons)
        self._update_submit()
        self.retranslate()

    def _toggle(self, field_id: str) -> None:
        if field_id in self.shown:
            self.shown.discard(field_id)
        else:
            self.shown.add(field_id)
            self._hide_timer.start()  # from this tap: the citizen gets the whole time to read it
        if not self.shown:
            self._hide_timer.stop()
        self._show_values()

    def hide_answers(self) -> None:
        """Mask every answer shown whole again (the time is up, or the screen is left)."""
        self._hide_timer.stop()
        if self.shown:
            self.shown.clear()
            self._show_values()

    def hideEvent(self, event: QHideEvent) -> None:
        self.hide_answers()
        super().hideEvent(event)

    def _show_values(self) -> None:
        for spec, label, value in self._rows:
            shown = spec.id in self.shown
            value.setText(display_value(spec, self.values.get(spec.id), self._localizer, shown))
            button = self.show_buttons.get(spec.id)
            if button is None:
                value.setAccessibleName(f"{label.text()}: {value.text()}")
                continue
            if shown:
                value.setAccessibleName(f"{label.text()}: {value.text()}")
                button.setText(self.tr("Hide"))
                button.setAccessibleName(self.tr("Hide %1").replace("%1", label.text()))
            else:  # a screen reader must not read the whole number either
                value.setAccessibleName(label.text() + ": " + self.tr("hidden; tap Show to see it"))
                button.setText(self.tr("Show"))
                button.setAccessibleName(self.tr("Show %1").replace("%1", label.text()))

    def _update_submit(self) -> None:
        self.submit_button.setEnabled(self.confirm.isChecked())

    def _submit(self) -> None:
        if self.confirm.isChecked():
            self.submit_button.setEnabled(False)  # one tap, one request
            self.submit_requested.emit()

    def retranslate(self) -> None:
        localizer = self._localizer
        self.title.setText(self.tr("Check your answers"))
        self.subtitle.setText(
            self.tr("%1 · %2")
            .replace("%1", localizer.text(self.service.title))
            .replace("%2", localizer.text(self.agency.short_name))
        )
        for spec, label, _value in self._rows:
            label.setText(localizer.text(spec.label))
        self._show_values()
        self.demo_note.setText(
            self.tr("This kiosk is in demonstration mode: the request is recorded as a demo and no agency acts on it.")
        )
        self.confirm.setText(
            self.tr("I confirm these answers are correct and agree that they are sent to %1.").replace(
                "%1", localizer.text(self.agency.name)
            )
        )
        self.confirm.setAccessibleName(self.confirm.text())
        self.edit_button.setText(self.tr("Change an answer"))
        self.edit_button.setAccessibleName(self.edit_button.text())
        self.submit_button.setText(self.tr("Send my request"))
        self.submit_button.setAccessibleName(self.submit_button.text())
