"""The receipt: the tracking code in large digits, its QR code, what was filed and when, and Print.

Shown only after the request is committed to the outbox; when the commit failed the citizen sees
``SubmitFailedScreen`` instead, and no code at all.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, Qt, QTimeZone, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from kiosk.core.catalog import Agency, Service
from kiosk.core.persian import isolate_ltr
from kiosk.core.tracking import format_for_reading
from kiosk.ui.i18n import Localizer
from kiosk.ui.widgets.qr import QrView
from kiosk.ui.widgets.screen import Screen
from kiosk.ui.widgets.scrolling import reuse_scroll_area

SIDE_PANEL_MAX_PX = 440


def filed_at(created_at: str) -> QDateTime:
    """The outbox's UTC timestamp as local time, for the Jalali date and clock on the receipt."""
    moment = datetime.fromisoformat(created_at.replace("Z", "+00:00"))
    return QDateTime.fromSecsSinceEpoch(int(moment.timestamp()), QTimeZone.systemTimeZone())


class ReceiptScreen(Screen):
    print_requested = Signal()
    done = Signal()

    def __init__(
        self,
        tracking_code: str,
        created_at: str,
        service: Service,
        agency: Agency,
        localizer: Localizer,
        demo: bool,
        scroll: QScrollArea | None = None,
        parent: QWidget | None = None,
    ) -> None:
        if parent is None and scroll is not None:
            parent = scroll.parentWidget()  # born where the borrowed scroll area waits (see ``ReviewScreen``)
        super().__init__(parent)
        self.setObjectName("receiptScreen")
        self.tracking_code = tracking_code
        self.when = filed_at(created_at)
        self.service = service
        self.agency = agency
        self._localizer = localizer
        self._demo = demo

        # Top down: every widget is made inside its parent (see ``FormScreen``). The card scrolls:
        # with large text, its lines asked for more height than a 768-pixel screen has.
        card = QFrame()
        card.setObjectName("card")
        self.scroll = reuse_scroll_area(scroll, card, self)  # card still empty: nothing to restyle
        side = QFrame(self)
        side.setObjectName("sidePanel")
        self.title = QLabel(self)
        self.title.setObjectName("screenTitle")
        self.code_label = QLabel(card)
        self.code_label.setObjectName("factLabel")
        self.code = QLabel(card)
        self.code.setObjectName("trackingCode")
        self.code.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.details = QLabel(card)
        self.details.setObjectName("bodyText")
        self.details.setWordWrap(True)
        self.when_label = QLabel(card)
        self.when_label.setObjectName("receiptWhen")
        self.next_steps = QLabel(card)
        self.next_steps.setObjectName("bodyText")
        self.next_steps.setWordWrap(True)
        self.demo_note = QLabel(card)
        self.demo_note.setObjectName("demoNote")
        self.demo_note.setWordWrap(True)
        self.demo_note.setVisible(demo)
        self.print_status = QLabel(self)
        self.print_status.setObjectName("hint")
        self.print_status.setWordWrap(True)
        self.print_status.hide()

        self.qr = QrView(tracking_code, size=240, parent=side, keep=False)
        self.qr_caption = QLabel(side)
        self.qr_caption.setObjectName("qrCaption")
        self.qr_caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr_caption.setWordWrap(True)

        self.print_button = QPushButton(self)
        self.print_button.setObjectName("printButton")
        self.print_button.clicked.connect(self.print_requested)
        self.done_button = QPushButton(self)
        self.done_button.setObjectName("doneButton")
        self.done_button.setProperty("role", "primary")
        self.done_button.clicked.connect(self.done)

        text = QVBoxLayout(card)
        text.setContentsMargins(32, 24, 32, 24)
        text.setSpacing(10)
        for widget in (self.code_label, self.code, self.details, self.when_label, self.next_steps, self.demo_note):
            text.addWidget(widget)
        text.addStretch(1)
        side.setMaximumWidth(SIDE_PANEL_MAX_PX)  # the QR code and its caption; the card takes the rest
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(24, 24, 24, 24)
        side_layout.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignHCenter)
        side_layout.addWidget(self.qr_caption)
        side_layout.addStretch(1)
        columns = QHBoxLayout()
        columns.setSpacing(24)
        columns.addWidget(self.scroll, 1)
        columns.addWidget(side)
        buttons = QHBoxLayout()
        buttons.setSpacing(16)
        buttons.addWidget(self.print_status, 1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.done_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 20, 40, 20)
        layout.setSpacing(14)
        layout.addWidget(self.title)
        layout.addLayout(columns, 1)
        layout.addLayout(buttons)
        self.retranslate()

    @property
    def shown_code(self) -> str:
        """The code as printed on screen: groups of four, the language's digits, left to right."""
        return isolate_ltr(self._localizer.digits(format_for_reading(self.tracking_code)))

    def when_text(self) -> str:
        return self._localizer.date_time(self.when)

    def show_print_result(self, text: str) -> None:
        self.print_status.setText(text)
        self.print_status.show()

    def retranslate(self) -> None:
        localizer = self._localizer
        self.title.setText(self.tr("Your request is registered"))
        self.code_label.setText(self.tr("Your tracking code"))
        self.code.setText(self.shown_code)
        self.code.setAccessibleName(self.tr("Tracking code %1").replace("%1", self.shown_code))
        self.details.setText(
            self.tr("%1, for %2")
            .replace("%1", localizer.text(self.service.title))
            .replace("%2", localizer.text(self.agency.name))
        )
        self.when_label.setText(self.when_text())
        self.next_steps.setText(
            self.tr(
                "Keep this code. The kiosk sends your request to the agency, even if the network is down "
                "for a while. With the code you can follow it at any kiosk."
            )
        )
        self.demo_note.setText(self.tr("Demonstration: this request is recorded as a demo and no agency acts on it."))
        self.qr_caption.setText(self.tr("Photograph this code with your phone to keep it"))
        self.print_button.setText(self.tr("Print receipt"))
        self.print_button.setAccessibleName(self.print_button.text())
        self.done_button.setText(self.tr("Done"))
        self.done_button.setAccessibleName(self.tr("Done: finish and clear my answers"))


class SubmitFailedScreen(Screen):
    """The commit failed (full disk, broken outbox): an apology, no code, nothing pretended."""

    done = Signal()
    retry = Signal()

    def __init__(self, localizer: Localizer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("submitFailedScreen")
        self._localizer = localizer
        self.title = QLabel()
        self.title.setObjectName("outOfServiceTitle")
        self.title.setWordWrap(True)
        self.body = QLabel()
        self.body.setObjectName("bodyText")
        self.body.setWordWrap(True)
        self.retry_button = QPushButton()
        self.retry_button.setObjectName("retrySubmitButton")
        self.retry_button.clicked.connect(self.retry)
        self.done_button = QPushButton()
        self.done_button.setObjectName("doneButton")
        self.done_button.setProperty("role", "primary")
        self.done_button.clicked.connect(self.done)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 60, 60, 40)
        layout.setSpacing(24)
        layout.addWidget(self.title)
        layout.addWidget(self.body)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("We are sorry: your request could not be saved"))
        self.body.setText(
            self.tr(
                "Nothing was sent and no tracking code was issued. Please try once more; if it fails again, "
                "ask the booth staff for help or use the agency's website shown on the service page."
            )
        )
        self.retry_button.setText(self.tr("Try again"))
        self.retry_button.setAccessibleName(self.retry_button.text())
        self.done_button.setText(self.tr("Finish"))
        self.done_button.setAccessibleName(self.done_button.text())
