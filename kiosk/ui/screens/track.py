""" "Track my request": type the code from the receipt on the keypad, see where the request stands.

The check digit is checked here, before anyone is asked: a mistyped digit gets a message at once.
Nothing personal is shown without proof: the status, when it changed and which service it is for
are shown to whoever has the code; the agency's reason, which may be personal, only when the
server sends it. A server that withholds it asks for a second factor: the citizen types the last
4 digits of the mobile number in the request (on the same keypad), or is told that the agency
gives the reason itself. The screen is built for one citizen and destroyed with their session,
the digits with it; they are never logged.
"""

from __future__ import annotations

import math
from datetime import datetime

from PySide6.QtCore import QDateTime, QEvent, QObject, Qt, QTimeZone, Signal
from PySide6.QtGui import QFocusEvent, QFontMetricsF, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kiosk.core.catalog import Catalog
from kiosk.core.persian import for_persian_display
from kiosk.core.tracking import CODE_LENGTH, is_valid_tracking_code
from kiosk.link.lookup import INVALID, NOT_FOUND, OFFLINE, TOO_MANY_TRIES, WRONG_DIGITS, LookupAnswer, mobile_digits
from kiosk.ui.i18n import Localizer
from kiosk.ui.theme import set_style_flags
from kiosk.ui.widgets.digits_field import DigitsField
from kiosk.ui.widgets.keyboard import NumericKeypad
from kiosk.ui.widgets.screen import Screen


def _set_visible(widgets: dict[QWidget, bool]) -> None:
    """Hide what goes before showing what comes: showing a widget lays its window out at once, and
    a moment with both asked for more height than the screen has (Qt grew the window past it)."""
    for widget, shown in widgets.items():
        if not shown:
            widget.hide()
    for widget, shown in widgets.items():
        if shown:
            widget.show()


def _moment(iso: str) -> QDateTime:
    instant = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return QDateTime.fromSecsSinceEpoch(int(instant.timestamp()), QTimeZone.systemTimeZone())


# Why the agency's reason is not shown yet, when the citizen has been asked for the mobile digits.
ASKING = "asking"  # asked the server, waiting
INCOMPLETE = "incomplete"  # fewer than 4 digits typed: nobody asked
# ... or the answer's kind: WRONG_DIGITS, TOO_MANY_TRIES, OFFLINE

CODE_FIELD_FRAME_PX = 2 * 20 + 2 * 2 + 8  # the code field's padding and border, and a little room


class TrackScreen(Screen):
    lookup_requested = Signal(str, str)  # the code as typed; the mobile's last 4 digits ("": not asked)

    def __init__(self, localizer: Localizer, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trackScreen")
        self._localizer = localizer
        self._catalog = catalog
        self.answer: LookupAnswer | None = None
        self._waiting = False
        self.reason_problem: str | None = None  # ASKING, INCOMPLETE, WRONG_DIGITS, TOO_MANY_TRIES, OFFLINE
        self._retry_after: float | None = None

        self.title = QLabel()
        self.title.setObjectName("screenTitle")
        self.intro = QLabel()
        self.intro.setObjectName("screenSubtitle")
        self.intro.setWordWrap(True)
        # The cursor stays at the end, and a 13th digit is refused (``DigitsField``): a tap in the
        # middle of a centred code put the next digits inside it, 17 digits long.
        self.code_field = DigitsField(CODE_LENGTH)
        self.code_field.setObjectName("trackingCodeField")
        self.code_field.setMaxLength(CODE_LENGTH + 6)  # room for spaces or dashes between groups
        self.code_field.returnPressed.connect(self.check)
        self.code_field.textEdited.connect(lambda _t: self._clear_answer())
        self.code_field.installEventFilter(self)
        self.check_button = QPushButton()
        self.check_button.setObjectName("checkCodeButton")
        self.check_button.setProperty("role", "primary")
        self.check_button.clicked.connect(self.check)
        self.keypad = NumericKeypad()
        self.keypad.setFixedWidth(420)
        self.keypad.set_target(self.code_field)
        self._keypad_target: QLineEdit = self.code_field
        self.keypad.typed.connect(self._typed)

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
        result_layout.addWidget(self._reason_entry())
        result_layout.addStretch(1)
        self.result.hide()

        self._entry = entry = QBoxLayout(QBoxLayout.Direction.LeftToRight)
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

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_entry()

    def _fit_entry(self) -> None:
        """The check button beside the code field, or under it when the column beside the keypad
        cannot hold both with a whole code: in portrait with large text the field kept 329 of the
        360 pixels a code needs, and a code typed in it scrolled out of sight."""
        code = QFontMetricsF(self.code_field.font()).horizontalAdvance(self.code_field.placeholderText())
        need = math.ceil(code) + CODE_FIELD_FRAME_PX + self._entry.spacing() + self.check_button.sizeHint().width()
        room = self.width() - 80 - 32 - self.keypad.width()  # the screen's margins, the keypad and the gap to it
        direction = QBoxLayout.Direction.LeftToRight if need <= room else QBoxLayout.Direction.TopToBottom
        if self._entry.direction() != direction:
            self._entry.setDirection(direction)

    def _reason_entry(self) -> QWidget:
        """The second factor: a line saying what to type, 4 digits on the keypad, a button, and a
        line for what came of it. Shown only when the server withholds the reason until then."""
        self.reason_box = QWidget()
        self.reason_box.setObjectName("reasonEntry")
        self.reason_prompt = QLabel(self.reason_box)
        self.reason_prompt.setObjectName("bodyText")
        self.reason_prompt.setWordWrap(True)
        self.mobile_digits = DigitsField(4, self.reason_box)
        self.mobile_digits.setObjectName("mobileDigitsField")
        self.mobile_digits.setMaxLength(4)
        self.mobile_digits.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData)
        self.mobile_digits.returnPressed.connect(self.ask_reason)
        self.mobile_digits.textEdited.connect(lambda _t: self._clear_reason_problem())
        self.mobile_digits.installEventFilter(self)
        self.reason_button = QPushButton(self.reason_box)
        self.reason_button.setObjectName("showReasonButton")
        self.reason_button.setProperty("role", "primary")
        self.reason_button.clicked.connect(self.ask_reason)
        self.reason_message = QLabel(self.reason_box)
        self.reason_message.setObjectName("reasonMessage")
        self.reason_message.setWordWrap(True)
        self.reason_message.hide()
        self.digits_row = QWidget(self.reason_box)
        row = QHBoxLayout(self.digits_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(16)
        row.addWidget(self.mobile_digits, 1)
        row.addWidget(self.reason_button)
        column = QVBoxLayout(self.reason_box)
        column.setContentsMargins(0, 12, 0, 0)
        column.setSpacing(12)
        column.addWidget(self.reason_prompt)
        column.addWidget(self.digits_row)
        column.addWidget(self.reason_message)
        self.reason_box.hide()
        return self.reason_box

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The keypad types into the field the citizen touched last (PySide hands focus and mouse
        # events over as their own classes: the cheap test first).
        if isinstance(event, (QFocusEvent, QMouseEvent)) and event.type() in (
            QEvent.Type.FocusIn,
            QEvent.Type.MouseButtonPress,
        ):
            if watched is self.code_field or watched is self.mobile_digits:
                self._aim_keypad(watched)
        return False

    def _aim_keypad(self, field: QLineEdit) -> None:
        self._keypad_target = field
        self.keypad.set_target(field)

    def _typed(self) -> None:
        if self._keypad_target is self.code_field:
            self._clear_answer()
        else:
            self._clear_reason_problem()

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
        self._forget_digits()
        self._show(self.tr("Looking it up…"), "")
        self.lookup_requested.emit(typed, "")

    def ask_reason(self) -> None:
        """Ask the server for the reason it withheld, with the last 4 digits of the mobile number
        (Persian or ASCII); fewer than 4 get a message here, and use none of the citizen's tries."""
        answer = self.answer
        if self._waiting or answer is None or not answer.asks_for_mobile_digits:
            return
        if mobile_digits(self.mobile_digits.text()) is None:
            self.reason_problem = INCOMPLETE
            self._render()
            return
        self._waiting = True
        self.check_button.setEnabled(False)
        self.reason_button.setEnabled(False)
        self.reason_problem = ASKING
        self._render()
        self.lookup_requested.emit(answer.tracking_code, self.mobile_digits.text())

    def show_answer(self, answer: LookupAnswer) -> None:
        asked_reason = self.reason_problem == ASKING
        self._waiting = False
        self.check_button.setEnabled(True)
        self.reason_button.setEnabled(True)
        if asked_reason and answer.kind in (WRONG_DIGITS, TOO_MANY_TRIES, OFFLINE):
            # The status stays as it was shown; the entry stays for another try (the digits kept
            # and selected: the next digit typed replaces them), except after too many tries.
            if answer.kind == TOO_MANY_TRIES:
                self._forget_digits()
            else:
                self.mobile_digits.selectAll()
            self.reason_problem, self._retry_after = answer.kind, answer.retry_after
            self._render()
            return
        self._forget_digits()  # the reason is shown (or the code is gone): the digits have done their job
        self.answer = answer
        self._render()
        if answer.asks_for_mobile_digits:
            self._aim_keypad(self.mobile_digits)  # what the citizen is asked to type next
            self.mobile_digits.setFocus(Qt.FocusReason.OtherFocusReason)

    def _forget_digits(self) -> None:
        """Empty the digits field and forget what came of them; the keypad back on the code."""
        self.mobile_digits.clear()
        self.reason_problem, self._retry_after = None, None
        if self._keypad_target is self.mobile_digits:
            self._aim_keypad(self.code_field)

    def _clear_answer(self) -> None:
        if not self._waiting:
            self.answer = None
            self._forget_digits()
            _set_visible({self.result: False, self.intro: True})

    def _clear_reason_problem(self) -> None:
        if not self._waiting and self.reason_problem in (INCOMPLETE, WRONG_DIGITS, OFFLINE):
            self.reason_problem = None
            self._render_reason_message()

    def _render(self) -> None:
        answer = self.answer
        if answer is None:
            _set_visible({self.result: False, self.intro: True})
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
        elif answer.reason_only_at_agency:
            lines.append(
                self.tr(
                    "The agency's explanation is not shown at the kiosk. The agency will tell you, "
                    "in person or by text message."
                )
            )
        if answer.asks_for_mobile_digits:
            self.reason_prompt.setText(
                self.tr(
                    "To see the agency's explanation, type the last 4 digits of the mobile number "
                    "you gave in your request."
                )
            )
            self.mobile_digits.setAccessibleName(self.tr("Last 4 digits of your mobile number"))
            self.reason_button.setText(self.tr("Show explanation"))
            self.reason_button.setAccessibleName(self.tr("Show the agency's explanation"))
            self._render_reason_message()
        self._show(
            headline,
            "\n".join(line for line in lines if line),
            error=answer.status == "rejected",
            asks_digits=answer.asks_for_mobile_digits,
        )

    def _render_reason_message(self) -> None:
        problem = self.reason_problem
        message = {
            ASKING: self.tr("Looking it up…"),
            INCOMPLETE: self.tr("Please type all 4 digits."),
            WRONG_DIGITS: self.tr(
                "These digits do not match the mobile number in the request. Please check them and try again."
            ),
            OFFLINE: self.tr("The central server cannot be reached right now. Please try again in a moment."),
        }.get(problem or "")
        if problem == TOO_MANY_TRIES:
            if self._retry_after:
                minutes = max(1, math.ceil(self._retry_after / 60))
                message = self.tr("Too many wrong tries. Please try again in %1 minutes.").replace(
                    "%1", self._localizer.number(minutes)
                )
            else:
                message = self.tr("Too many wrong tries. Please try again later.")
        self.reason_message.setText(message or "")
        set_style_flags(self.reason_message, error=problem not in (None, ASKING))
        # One instruction at a time, in the same place: what came of the digits replaces what to
        # type (both, with large text, asked for more height than a 768-pixel screen has).
        _set_visible(
            {
                self.reason_prompt: not message,
                self.reason_message: bool(message),
                self.digits_row: problem != TOO_MANY_TRIES,
            }
        )

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

    def _show(self, headline: str, details: str, error: bool = False, asks_digits: bool = False) -> None:
        self.status.setText(headline)
        set_style_flags(self.status, error=error)
        self.details.setText(details)
        # While the digits are asked for, the code's instructions give their room to theirs (with
        # large text both asked for more height than a 768-pixel screen has).
        _set_visible(
            {self.details: bool(details), self.reason_box: asks_digits, self.intro: not asks_digits, self.result: True}
        )

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
