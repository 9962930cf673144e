""" "Are you still there?": a countdown over the screen before a walked-away session is wiped."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.ui.i18n import Localizer

DEFAULT_SECONDS = 15


class IdlePrompt(QWidget):
    """Covers the window; "I'm still here" continues the session, the countdown's end wipes it."""

    still_here = Signal()
    expired = Signal()

    def __init__(self, localizer: Localizer, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("idlePrompt")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._localizer = localizer
        self.seconds = DEFAULT_SECONDS
        self._left = 0
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._count)
        card = QFrame(self)
        card.setObjectName("idleCard")
        self.title = QLabel()
        self.title.setObjectName("screenTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown = QLabel()
        self.countdown.setObjectName("bodyText")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown.setWordWrap(True)
        self.button = QPushButton()
        self.button.setObjectName("stillHereButton")
        self.button.setProperty("role", "primary")
        self.button.clicked.connect(self._continue)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(48, 36, 48, 36)
        inner.setSpacing(20)
        inner.addWidget(self.title)
        inner.addWidget(self.countdown)
        inner.addWidget(self.button)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        parent.installEventFilter(self)
        self.hide()

    def start(self) -> None:
        self._left = max(1, int(self.seconds))
        self.setGeometry(self.parentWidget().rect())
        self.retranslate()
        self.show()
        self.raise_()
        self._tick.start()
        if self.seconds <= 0:
            QTimer.singleShot(0, self._expire)

    def cancel(self) -> None:
        self._tick.stop()
        self.hide()

    @property
    def showing(self) -> bool:
        return self.isVisible()

    def _continue(self) -> None:
        self.cancel()
        self.still_here.emit()

    def _count(self) -> None:
        self._left -= 1
        if self._left <= 0:
            self._expire()
        else:
            self.retranslate()

    def _expire(self) -> None:
        if self.isVisible():
            self.cancel()
            self.expired.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self.parentWidget().rect())
        return False

    def retranslate(self) -> None:
        self.title.setText(self.tr("Are you still there?"))
        self.countdown.setText(
            self.tr("For your privacy, what you typed will be cleared when this count reaches zero: %1").replace(
                "%1", self._localizer.number(max(self._left, 0))
            )
        )
        self.button.setText(self.tr("I'm still here"))
        self.button.setAccessibleName(self.button.text())
