""" "Track my request": type the code from the receipt on the keypad, see where the request stands.

The check digit is checked here, before anyone is asked: a mistyped digit gets a message at once.
Nothing personal is ever shown: the status, when it changed, the agency's reason, and which
service it is for. The screen is built for one citizen and destroyed with their session.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, Qt, QTimeZone, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kiosk.core.catalog import Catalog
from kiosk.core.persian import for_persian_display
from kiosk.core.tracking import CODE_LENGTH, is_valid_tracking_code
from kiosk.link.lookup import INVALID, NOT_FOUND, OFFLINE, LookupAnswer
from kiosk.ui.i18n import Localizer
from kiosk.ui.theme import set_style_flags
from kiosk.ui.widgets.keyboard import NumericKeypad
from kiosk.ui.widgets.screen import Screen


def _moment(iso: str) -> QDateTime:
    instant = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return QDateTime.fromSecsSinceEpoch(int(instant.timestamp()), QTimeZone.systemTimeZone())


class TrackScreen(Screen):
    lookup_requested = Signal(str)

    def __init__(self, localizer: Localizer, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trackScreen")
        self._localizer = localizer
        self._catalog = catalog
        self.answer: LookupAnswer | None = None
        self._waiting = False

        self.title = QLabel()
        self.title.setObjectName("screenTitle")
        self.intro = QLabel()
        self.intro.setObjectName("screenSubtitle")
        self.intro.setWordWrap(True)
        self.code_field = QLineEdit()
        self.code_field.setObjectName("trackingCodeField")
        self.code_field.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.code_field.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_field.setMaxLength(CODE_LENGTH + 6)
        self.code_field.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.code_field.returnPressed.connect(self.check)
        self.code_field.textEdited.connect(lambda _t: self._clear_answer())
        self.check_button = QPushButton()
        self.check_button.setObjectName("checkCodeButton")
        self.check_button.setProperty("role", "primary")
        self.check_button.clicked.connect(self.check)
        self.keypad = NumericKeypad()
        self.keypad.setFixedWidth(420)
        self.keypad.set_target(self.code_field)
        self.keypad.typed.connect(self._clear_answer)

        self.result = QFrame()
        self.result.setObjectName("card")
        result_layout = QVBoxLayout(self.result)
        result_layout.setContentsMargins(28, 20, 28, 20)
        result_layout.setSpacing(8)
        self.status = QLabel()
        self.status.setObjectName("trackStatus")
        self.status.setWordWrap(True)
        self.details = QLabel()
        self.details.setObjectName("bodyText")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        result_layout.addWidget(self.status)
        result_layout.addWidget(self.details)
        result_layout.addStretch(1)
        self.result.hide()

        entry = QHBoxLayout()
        entry.setSpacing(16)
        entry.addWidget(self.code_field, 1)
        entry.addWidget(self.check_button)
        left = QVBoxLayout()
        left.setSpacing(16)
        left.addLayout(entry)
        left.addWidget(self.result, 1)
        left.addStretch(1)
        columns = QHBoxLayout()
        columns.setSpacing(32)
        columns.addLayout(left, 1)
        columns.addWidget(self.keypad, 0, Qt.AlignmentFlag.AlignTop)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 24, 40, 24)
        layout.setSpacing(14)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addLayout(columns, 1)
        self.retranslate()

    def check(self) -> None:
        """Check the digits here; only a well-formed code goes to the server."""
        typed = self.code_field.text()
        if not typed.strip():
            self._show(self.tr("Please type the tracking code first."), "", error=True)
            return
        if not is_valid_tracking_code(typed):
            self.show_answer(LookupAnswer(INVALID))
            return
        self._waiting = True
        self.check_button.setEnabled(False)
        self._show(self.tr("Looking it up…"), "")
        self.lookup_requested.emit(typed)

    def show_answer(self, answer: LookupAnswer) -> None:
        self._waiting = False
        self.check_button.setEnabled(True)
        self.answer = answer
        self._render()

    def _clear_answer(self) -> None:
        if not self._waiting:
            self.answer = None
            self.result.hide()

    def _render(self) -> None:
        answer = self.answer
        if answer is None:
            self.result.hide()
            return
        if answer.kind == INVALID:
            self._show(
                self.tr("This code is not right: a digit may be mistyped or two digits swapped."),
                self.tr("Please read the 12-digit code on your receipt again and type it once more."),
                error=True,
            )
        elif answer.kind == NOT_FOUND and answer.local_state is None:
            self._show(
                self.tr("No request with this code was found."),
                self.tr("Please check the code on your receipt. A request filed minutes ago may not be there yet."),
            )
        elif answer.kind in (NOT_FOUND, OFFLINE):
            self._show_local(answer)
        else:
            self._show_found(answer)

    def _show_found(self, answer: LookupAnswer) -> None:
        headline = {
            "received": self.tr("Received: the agency has your request."),
            "in_review": self.tr("Being reviewed by the agency."),
            "done": self.tr("Done: the agency has completed your request."),
            "rejected": self.tr("Not accepted by the agency."),
        }.get(answer.status or "", self.tr("Status: %1").replace("%1", answer.status or ""))
        lines = [self._service_line(answer)]
        if answer.changed_at:
            when = self._localizer.date_time(_moment(answer.changed_at))
            lines.append(self.tr("Last change: %1").replace("%1", when))
        if answer.reason:
            reason = for_persian_display(answer.reason) if self._localizer.is_rtl else answer.reason
            lines.append(self.tr("The agency's explanation: %1").replace("%1", reason))
        self._show(headline, "\n".join(line for line in lines if line), error=answer.status == "rejected")

    def _show_local(self, answer: LookupAnswer) -> None:
        local = {
            "pending": self.tr("This kiosk still holds your request and sends it as soon as it can."),
            "sending": self.tr("This kiosk is sending your request right now."),
            "delivered": self.tr("This kiosk has delivered your request to the agency."),
            "rejected": self.tr("The central server did not accept this request. Please ask the booth staff."),
        }.get(answer.local_state or "")
        offline = answer.kind == OFFLINE
        headline = (
            self.tr("The central server cannot be reached right now, so the agency's answer cannot be shown.")
            if offline
            else self.tr("Your request has not reached the agency yet.")
        )
        if local is None:
            local = self.tr("Please try again later, or check the agency's website.")
        self._show(headline, "\n".join(line for line in (self._service_line(answer), local) if line))

    def _service_line(self, answer: LookupAnswer) -> str:
        if answer.service_id and self._catalog.has_service(answer.service_id):
            service = self._catalog.service(answer.service_id)
            return self.tr("Service: %1").replace("%1", self._localizer.text(service.title))
        return ""

    def _show(self, headline: str, details: str, error: bool = False) -> None:
        self.status.setText(headline)
        set_style_flags(self.status, error=error)
        self.details.setText(details)
        self.details.setVisible(bool(details))
        self.result.show()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Follow your request"))
        self.intro.setText(self.tr("Type the 12-digit tracking code printed on your receipt, then tap Check."))
        self.code_field.setPlaceholderText(self._localizer.digits("0010 2821 9720"))
        self.code_field.setAccessibleName(self.tr("Tracking code"))
        self.check_button.setText(self.tr("Check"))
        self.check_button.setAccessibleName(self.tr("Check this tracking code"))
        self.keypad.set_persian(self._localizer.language == "fa")
        if self.answer is not None:
            self._render()
