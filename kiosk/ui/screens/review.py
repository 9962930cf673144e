"""Review: every answer once more, in plain words, and the citizen's confirmation before it is sent."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from kiosk.core.catalog import Agency, Service
from kiosk.core.forms import FormField, Value, format_jalali
from kiosk.core.persian import for_persian_display, isolate_ltr
from kiosk.ui.i18n import Localizer
from kiosk.ui.widgets.checkbox import TouchCheckBox
from kiosk.ui.widgets.screen import Screen
from kiosk.ui.widgets.scrolling import reuse_scroll_area


def display_value(spec: FormField, value: Value | None, localizer: Localizer) -> str:
    """An answer as the citizen should read it back: labels for choices, Jalali dates, their digits."""
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
    if spec.kind == "jalali_date":
        return line_start + isolate_ltr(localizer.digits(format_jalali(date.fromisoformat(str(value)))))
    if spec.uses_keypad:
        return line_start + isolate_ltr(localizer.digits(str(value)))
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
        layout.addWidget(self.scroll, 1)

        card = QFrame(host)
        card.setObjectName("card")
        grid = QGridLayout(card)
        grid.setContentsMargins(28, 20, 28, 20)
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(12)
        grid.setColumnStretch(1, 1)
        self._rows: list[tuple[FormField, QLabel, QLabel]] = []
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
            grid.addWidget(value, index, 1)
            self._rows.append((spec, label, value))

        self.demo_note = QLabel(host)
        self.demo_note.setObjectName("demoNote")
        self.demo_note.setWordWrap(True)
        self.demo_note.setVisible(demo)
        self.confirm = TouchCheckBox(host)
        self.confirm.setObjectName("reviewConsent")
        self.confirm.toggled.connect(self._update_submit)
        self.edit_button = QPushButton(host)
        self.edit_button.setObjectName("editButton")
        self.edit_button.clicked.connect(self.edit_requested)
        self.submit_button = QPushButton(host)
        self.submit_button.setObjectName("submitButton")
        self.submit_button.setProperty("role", "primary")
        self.submit_button.clicked.connect(self._submit)
        buttons = QHBoxLayout()
        buttons.setSpacing(16)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.submit_button)

        column.addWidget(card)
        column.addWidget(self.demo_note)
        column.addWidget(self.confirm)
        column.addLayout(buttons)
        column.addStretch(1)
        self._update_submit()
        self.retranslate()

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
        for spec, label, value in self._rows:
            label.setText(localizer.text(spec.label))
            value.setText(display_value(spec, self.values.get(spec.id), localizer))
            value.setAccessibleName(f"{label.text()}: {value.text()}")
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
