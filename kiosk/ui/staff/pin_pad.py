"""The staff PIN pad: digits only, shown as dots, no hint of which digit was wrong.

Checking a PIN costs a few tenths of a second (scrypt); it runs in a worker thread when the
kiosk's asyncio loop is running, so the pad keeps answering taps meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kiosk.core.background import Workers
from kiosk.core.persian import to_ascii_digits
from kiosk.core.pins import MAX_LENGTH, Attempt, PinFileError, PinVault
from kiosk.ui.background import in_background
from kiosk.ui.i18n import Localizer
from kiosk.ui.theme import set_style_flags
from kiosk.ui.widgets.keyboard import NumericKeypad

if TYPE_CHECKING:  # asyncio loads after the first frame (qasync brings it)
    pass


class PinPad(QWidget):
    unlocked = Signal(str)  # the role
    cancelled = Signal()

    def __init__(
        self, localizer: Localizer, vault: Callable[[], PinVault | None], workers: Workers, parent: QWidget
    ) -> None:
        """A PIN is checked on ``workers`` (scrypt takes a few tenths of a second): the pad says
        "Checking…" meanwhile and the screen never freezes."""
        super().__init__(parent)
        self.setObjectName("pinPad")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._localizer = localizer
        self._vault = vault
        self._workers = workers
        self._checking = False
        self._lock_tick = QTimer(self)
        self._lock_tick.setInterval(1000)
        self._lock_tick.timeout.connect(self._show_lock)

        card = QFrame(self)
        card.setObjectName("idleCard")
        self.title = QLabel()
        self.title.setObjectName("screenTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = QLabel()
        self.message.setObjectName("pinMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.field = QLineEdit()
        self.field.setObjectName("pinField")
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setMaxLength(MAX_LENGTH)
        self.field.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.field.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.field.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.field.returnPressed.connect(self.submit)
        self.keypad = NumericKeypad()
        self.keypad.set_target(self.field)
        self.keypad.setFixedWidth(420)
        self.enter_button = QPushButton()
        self.enter_button.setObjectName("pinEnterButton")
        self.enter_button.setProperty("role", "primary")
        self.enter_button.clicked.connect(self.submit)
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("pinCancelButton")
        self.cancel_button.setProperty("role", "staffButton")
        self.cancel_button.clicked.connect(self.cancel)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.enter_button)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(40, 28, 40, 28)
        inner.setSpacing(14)
        inner.addWidget(self.title)
        inner.addWidget(self.message)
        inner.addWidget(self.field)
        inner.addWidget(self.keypad, 0, Qt.AlignmentFlag.AlignHCenter)
        inner.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(1)
        self.hide()

    def open(self) -> None:
        self.field.setText("")
        self.setGeometry(self.parentWidget().rect())
        self.retranslate()
        self.show()
        self.raise_()
        self._show_lock()

    def cancel(self) -> None:
        self.field.setText("")
        self._lock_tick.stop()
        self.hide()
        self.cancelled.emit()

    def submit(self) -> None:
        vault = self._vault()
        pin = to_ascii_digits(self.field.text())  # the keypad types Persian digits
        self.field.setText("")  # never left in the widget, right or wrong
        if vault is None or not vault.is_set():
            self._say(self.tr("Staff mode is not set up on this kiosk. A technician sets the PINs."), error=True)
            return
        if self._checking or not pin:
            return
        self._checking = True
        self.enter_button.setEnabled(False)
        self._say(self.tr("Checking…"))
        in_background(self._workers, self._try, vault, pin, parent=self, then=self._answered)

    @property
    def checking(self) -> bool:
        """Whether a PIN is being checked (off the UI thread)."""
        return self._checking

    @staticmethod
    def _try(vault: PinVault, pin: str) -> Attempt | str:
        try:
            return vault.try_pin(pin)
        except PinFileError as exc:
            return str(exc)

    def _answered(self, attempt: Attempt | str) -> None:
        self._checking = False
        self.enter_button.setEnabled(True)
        if isinstance(attempt, str):
            self._say(self.tr("The PIN file cannot be read. A technician must check the kiosk."), error=True)
            return
        if attempt.role is not None:
            self.hide()
            self._say("")
            self.unlocked.emit(attempt.role)
            return
        if attempt.locked_for > 0:
            self._show_lock()
        else:
            self._say(self.tr("Wrong PIN."), error=True)

    def _show_lock(self) -> None:
        vault = self._vault()
        wait = vault.locked_for() if vault is not None else 0.0
        if wait <= 0:
            self._lock_tick.stop()
            self.enter_button.setEnabled(True)
            if self.message.property("locked"):
                self._say("")
            return
        self.enter_button.setEnabled(False)
        self._lock_tick.start()
        seconds = self._localizer.number(int(wait + 0.999))
        self._say(self.tr("Too many wrong PINs. The pad opens again in %1 seconds.").replace("%1", seconds), True, True)

    def _say(self, text: str, error: bool = False, locked: bool = False) -> None:
        self.message.setText(text)
        set_style_flags(self.message, error=error, locked=locked)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Staff PIN"))
        self.field.setAccessibleName(self.tr("Staff PIN"))
        self.enter_button.setText(self.tr("Enter"))
        self.enter_button.setAccessibleName(self.tr("Enter the PIN"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel and go back"))
        self.keypad.set_persian(self._localizer.language == "fa")
