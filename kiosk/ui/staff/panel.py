"""The staff panel: the booth's health at a glance and the few things staff need to do.

The panel shows a ``StaffView`` the app assembles and emits what staff chose; the app does it.
Technician-only parts (connection, PINs, exit) are not even built for booth staff.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.persian import isolate, isolate_ltr
from kiosk.ui.i18n import Localizer
from kiosk.ui.theme import set_style_flags
from kiosk.ui.widgets.keyboard import NumericKeypad, OnScreenKeyboard
from kiosk.ui.widgets.scrolling import touch_scroll_area

NO_TOKEN = "no-token"  # StaffView.paused: delivery has not started for want of a token


@dataclass
class StaffView:
    """Everything the panel shows, already in words and numbers (no personal data)."""

    counts: dict[str, int]
    delivered_today: int
    oldest_waiting: float | None  # seconds
    last_result: str
    server_reachable: bool | None
    paused: str | None
    rejected: list[tuple[str, str, str]]  # tracking code, service, the server's reason
    version: str
    kiosk_number: int
    server: str
    profile: str
    catalog_version: str
    catalog_source: str  # bundled, cached, previous or server
    profiles: list[tuple[str, str]]  # name, title
    most_viewed: list[tuple[str, int]]
    most_requested: list[tuple[str, int]]
    recent_errors: list[str] = field(default_factory=list)
    outbox_problem: str = ""  # why the outbox cannot be opened now (no requests are taken meanwhile)
    delivery_error: str = ""  # the error delivery stopped on, while it tries again
    waiting_for_server: bool = False  # no request is taken until the central server is heard from
    # Why the newest catalog (from the server, or cached at start) was refused; the kiosk keeps the
    # one it runs on. A technician's words (file, place, problem), as the log says it.
    catalog_refused: str = ""


def _label(name: str = "bodyText", wrap: bool = True) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def _card(title: QLabel) -> tuple[QFrame, QVBoxLayout]:
    card = QFrame()
    card.setObjectName("card")
    layout = QVBoxLayout(card)
    layout.setContentsMargins(24, 18, 24, 18)
    layout.setSpacing(10)
    title.setObjectName("sectionTitle")
    layout.addWidget(title)
    return card, layout


def _button(name: str, primary: bool = False) -> QPushButton:
    button = QPushButton()
    button.setObjectName(name)
    if primary:
        button.setProperty("role", "primary")
    else:
        button.setProperty("role", "staffButton")
    return button


class StaffPanel(QWidget):
    close_requested = Signal()
    sync_requested = Signal()
    export_requested = Signal()
    self_test_requested = Signal()
    profile_chosen = Signal(str)
    connection_saved = Signal(str, str, str)  # kiosk number, server address, token
    pin_saved = Signal(str, str)  # role, PIN
    exit_requested = Signal()

    def __init__(self, localizer: Localizer, role: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("staffPanel")
        self.role = role
        self._localizer = localizer
        self._view: StaffView | None = None

        self.title = _label("screenTitle", wrap=False)
        self.close_button = _button("closeStaffButton", primary=True)
        self.close_button.clicked.connect(self.close_requested)
        self.notice = _label("staffNotice")
        self.notice.hide()
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.close_button)

        # Queue health and the actions on it.
        self.queue_title = QLabel()
        queue, queue_layout = _card(self.queue_title)
        self.queue_facts = _label()
        self.rejected = _label()
        self.sync_button = _button("syncNowButton")
        self.sync_button.clicked.connect(self.sync_requested)
        self.export_button = _button("exportButton")
        self.export_button.clicked.connect(self.export_requested)
        row = QHBoxLayout()
        row.addWidget(self.sync_button)
        row.addWidget(self.export_button)
        row.addStretch(1)
        for widget in (self.queue_facts, self.rejected):
            queue_layout.addWidget(widget)
        queue_layout.addLayout(row)

        # This kiosk, and the self-test.
        self.kiosk_title = QLabel()
        about, about_layout = _card(self.kiosk_title)
        self.kiosk_facts = _label()
        self.self_test_button = _button("selfTestButton")
        self.self_test_button.clicked.connect(self.self_test_requested)
        self.self_test_report = _label("selfTestReport")
        self.self_test_report.setFont(QFont("monospace", 10))
        self.self_test_report.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.self_test_report.hide()
        about_layout.addWidget(self.kiosk_facts)
        about_layout.addWidget(self.self_test_button, 0, Qt.AlignmentFlag.AlignLeading)
        about_layout.addWidget(self.self_test_report)

        # Profiles.
        self.profiles_title = QLabel()
        profiles, self._profiles_layout = _card(self.profiles_title)
        self._profile_grid = QGridLayout()
        self._profile_grid.setSpacing(10)
        self._profiles_layout.addLayout(self._profile_grid)
        self.profile_buttons: dict[str, QPushButton] = {}

        # Today and recent errors.
        self.today_title = QLabel()
        today, today_layout = _card(self.today_title)
        self.today = _label()
        today_layout.addWidget(self.today)
        self.errors_title = QLabel()
        errors, errors_layout = _card(self.errors_title)
        self.errors = _label("recentErrors")
        self.errors.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        errors_layout.addWidget(self.errors)

        host = QWidget()
        column = QVBoxLayout(host)
        column.setContentsMargins(0, 0, 12, 0)
        column.setSpacing(16)
        for card in (queue, about, profiles, today, errors):
            column.addWidget(card)
        self.technician: TechnicianCard | None = None
        if role == "technician":
            self.technician = TechnicianCard(localizer)
            self.technician.connection_saved.connect(self.connection_saved)
            self.technician.pin_saved.connect(self.pin_saved)
            self.technician.exit_requested.connect(self.exit_requested)
            column.addWidget(self.technician)
        column.addStretch(1)
        self.scroll = touch_scroll_area(host)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 20, 40, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addWidget(self.scroll, 1)
        if self.technician is not None:
            layout.addWidget(self.technician.keys)
        self.retranslate()

    # --- content -------------------------------------------------------------------------------

    def show_view(self, view: StaffView) -> None:
        self._view = view
        self._fill_profiles(view)
        self.retranslate()

    def show_notice(self, text: str, error: bool = False) -> None:
        self.notice.setText(text)
        set_style_flags(self.notice, error=error)
        self.notice.show()

    def show_self_test(self, report: str) -> None:
        self.self_test_report.setText(report)
        self.self_test_report.show()

    def _fill_profiles(self, view: StaffView) -> None:
        while self._profile_grid.count():
            widget = self._profile_grid.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.profile_buttons = {}
        for index, (name, title) in enumerate(view.profiles):
            button = _button(f"profile:{name}", primary=name == view.profile)
            button.setText(f"{title}\n{name}")
            button.setAccessibleName(title)
            button.clicked.connect(lambda _=False, n=name: self.profile_chosen.emit(n))
            self._profile_grid.addWidget(button, index // 2, index % 2)
            self.profile_buttons[name] = button

    def retranslate(self) -> None:
        loc = self._localizer
        role = self.tr("technician") if self.role == "technician" else self.tr("booth staff")
        self.title.setText(self.tr("Staff panel (%1)").replace("%1", role))
        self.close_button.setText(self.tr("Close staff mode"))
        self.close_button.setAccessibleName(self.close_button.text())
        self.queue_title.setText(self.tr("Requests queue"))
        self.sync_button.setText(self.tr("Send now"))
        self.sync_button.setAccessibleName(self.tr("Send waiting requests now"))
        self.export_button.setText(self.tr("Export waiting requests"))
        self.export_button.setAccessibleName(self.export_button.text())
        self.kiosk_title.setText(self.tr("This kiosk"))
        self.self_test_button.setText(self.tr("Run the self-test"))
        self.self_test_button.setAccessibleName(self.self_test_button.text())
        self.profiles_title.setText(self.tr("Demo profile"))
        self.today_title.setText(self.tr("Today"))
        self.errors_title.setText(self.tr("Recent errors"))
        if self.technician is not None:
            self.technician.retranslate()
        view = self._view
        if view is None:
            return
        n = loc.number
        reachable = {True: self.tr("yes"), False: self.tr("no"), None: self.tr("not asked yet")}[view.server_reachable]
        facts = [
            self.tr("Waiting: %1").replace("%1", n(view.counts.get("pending", 0) + view.counts.get("sending", 0))),
            self.tr("Delivered today: %1").replace("%1", n(view.delivered_today)),
            self.tr("Refused by the server: %1").replace("%1", n(view.counts.get("rejected", 0))),
            self.tr("Oldest waiting: %1").replace("%1", loc.duration(view.oldest_waiting)),
            self.tr("Server reachable: %1").replace("%1", reachable),
            self.tr("Last delivery: %1").replace("%1", isolate(view.last_result) if view.last_result else "—"),
        ]
        if view.outbox_problem:
            facts.insert(
                0,
                self.tr("No requests are taken: the outbox cannot be opened. The kiosk keeps trying. %1").replace(
                    "%1", isolate(view.outbox_problem)
                ),
            )
        if view.waiting_for_server:
            facts.insert(
                0,
                self.tr(
                    "No requests are taken until this kiosk has reached the central server once: it needs the"
                    " server's key and the last tracking code the server holds for this kiosk."
                ),
            )
        if view.delivery_error:
            facts.append(
                self.tr("Delivery stopped by an error and tries again by itself: %1").replace(
                    "%1", isolate(view.delivery_error)
                )
            )
        if view.paused == NO_TOKEN:
            facts.append(self.tr("Delivery waits: no central server token is set."))
        elif view.paused:
            facts.append(self.tr("Delivery paused: %1").replace("%1", isolate(view.paused)))
        self.queue_facts.setText("\n".join(facts))
        # A dash after the code: a "·" after its digits read as one more zero.
        self.rejected.setText("\n".join(f"{code} — {service}: {reason}" for code, service, reason in view.rejected))
        self.rejected.setVisible(bool(view.rejected))
        self.kiosk_facts.setText(
            "\n".join(
                [
                    self.tr("Version: %1").replace("%1", isolate_ltr(view.version)),
                    self.tr("Kiosk number: %1").replace("%1", n(view.kiosk_number)),
                    self.tr("Central server: %1").replace("%1", isolate_ltr(view.server) if view.server else "—"),
                    self.tr("Profile: %1").replace("%1", isolate_ltr(view.profile)),
                    self.tr("Catalog: %1 (%2)")
                    .replace("%1", isolate_ltr(view.catalog_version))
                    .replace("%2", self._source_name(view.catalog_source)),
                ]
                + (
                    [
                        self.tr(
                            "The newest catalog was refused; the kiosk keeps showing the one above. Why: %1"
                        ).replace("%1", isolate_ltr(view.catalog_refused))
                    ]
                    if view.catalog_refused
                    else []
                )
            )
        )
        viewed = "، ".join(f"{name} ({n(count)})" for name, count in view.most_viewed) or "—"
        requested = "، ".join(f"{name} ({n(count)})" for name, count in view.most_requested) or "—"
        self.today.setText(
            self.tr("Most viewed: %1").replace("%1", viewed)
            + "\n"
            + self.tr("Most requested: %1").replace("%1", requested)
        )
        self.errors.setText("\n".join(view.recent_errors[-10:]) or self.tr("None"))

    def _source_name(self, source: str) -> str:
        return {
            "bundled": self.tr("shipped with the kiosk"),
            "cached": self.tr("received earlier from the central server"),
            "previous": self.tr("the last good one received from the central server"),
            "server": self.tr("from the central server"),
        }.get(source, source)


class TechnicianCard(QFrame):
    """The technician's own controls: the kiosk's connection, the PINs, and the way out."""

    connection_saved = Signal(str, str, str)
    pin_saved = Signal(str, str)
    exit_requested = Signal()

    def __init__(self, localizer: Localizer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self._localizer = localizer
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(10)
        self.title = _label("sectionTitle", wrap=False)
        self.number = self._field("kioskNumberField", keypad=True)
        self.server = self._field("serverField")
        self.token = self._field("tokenField")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.save_connection = _button("saveConnectionButton", primary=True)
        self.save_connection.clicked.connect(
            lambda: self.connection_saved.emit(self.number.text(), self.server.text(), self.token.text())
        )
        self.pin = self._field("newPinField", keypad=True)
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.staff_pin = _button("setStaffPinButton")
        self.staff_pin.clicked.connect(lambda: self._emit_pin("staff"))
        self.technician_pin = _button("setTechnicianPinButton")
        self.technician_pin.clicked.connect(lambda: self._emit_pin("technician"))
        self.exit_button = _button("exitToDesktopButton")
        self.exit_button.clicked.connect(self.exit_requested)
        self.labels = [_label("factLabel", wrap=False) for _ in range(4)]
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        for row, (label, widget) in enumerate(zip(self.labels, (self.number, self.server, self.token, self.pin),
                                                   strict=True)):  # fmt: skip
            grid.addWidget(label, row, 0)
            grid.addWidget(widget, row, 1)
        pins = QHBoxLayout()
        pins.addWidget(self.staff_pin)
        pins.addWidget(self.technician_pin)
        pins.addStretch(1)
        layout.addWidget(self.title)
        layout.addLayout(grid)
        layout.addWidget(self.save_connection, 0, Qt.AlignmentFlag.AlignLeading)
        layout.addLayout(pins)
        layout.addWidget(self.exit_button, 0, Qt.AlignmentFlag.AlignLeading)
        # The keyboard or keypad for the field being edited, below the panel.
        self.keyboard = OnScreenKeyboard()
        self.keyboard.set_letters("en")
        self.keypad = NumericKeypad()
        self.keypad.setFixedWidth(420)
        self.keypad.set_persian(False)
        self.keys = QStackedWidget()
        self.keys.addWidget(self.keyboard)
        self.keys.addWidget(self.keypad)
        self.keys.hide()

    def _field(self, name: str, keypad: bool = False) -> QLineEdit:
        field = QLineEdit()
        field.setObjectName(name)
        field.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        field.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        field.setProperty("keypad", keypad)
        field.installEventFilter(self)
        return field

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.FocusIn, QEvent.Type.MouseButtonPress) and isinstance(watched, QLineEdit):
            if watched.property("keypad"):
                self.keypad.set_target(watched)
                self.keyboard.set_target(None)
                self.keys.setCurrentIndex(1)
            else:
                self.keyboard.set_target(watched)
                self.keypad.set_target(None)
                self.keys.setCurrentIndex(0)
            self.keys.show()
        return False

    def _emit_pin(self, role: str) -> None:
        pin = self.pin.text()
        self.pin.setText("")
        self.pin_saved.emit(role, pin)

    def fill(self, number: int, server: str) -> None:
        self.number.setText(str(number))
        self.server.setText(server)
        self.token.setText("")

    def retranslate(self) -> None:
        self.title.setText(self.tr("Technician"))
        for label, text in zip(
            self.labels,
            (self.tr("Kiosk number"), self.tr("Server address"), self.tr("New token"), self.tr("New PIN")),
            strict=True,
        ):
            label.setText(text)
        for editor, label in zip((self.number, self.server, self.token, self.pin), self.labels, strict=True):
            editor.setAccessibleName(label.text())
        self.token.setPlaceholderText(self.tr("(unchanged if empty)"))
        self.save_connection.setText(self.tr("Save connection"))
        self.staff_pin.setText(self.tr("Set as booth staff PIN"))
        self.technician_pin.setText(self.tr("Set as technician PIN"))
        self.exit_button.setText(self.tr("Exit to the desktop"))
        for button in (self.save_connection, self.staff_pin, self.technician_pin, self.exit_button):
            button.setAccessibleName(button.text())
