"""The attract loop: what the kiosk shows while nobody uses it; any tap starts a session."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kiosk.core.catalog import Catalog
from kiosk.core.profiles import DemoProfile
from kiosk.ui.i18n import Localizer
from kiosk.ui.icons import IconSet
from kiosk.ui.widgets.labels import with_room_for_tails
from kiosk.ui.widgets.screen import Screen

SLIDE_MS = 5000


class AttractScreen(Screen):
    """Cycles through the agencies on show, one slide every few seconds, inviting a tap."""

    started = Signal()

    def __init__(self, localizer: Localizer, icons: IconSet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attractScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setAccessibleName("attract")
        self._localizer = localizer
        self._icons = icons
        self._catalog: Catalog | None = None
        self._profile: DemoProfile | None = None
        self._slide = 0

        self.title = self._label("attractTitle")
        self.icon = QLabel()
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.slide_title = self._label("attractSlideTitle")
        self.slide_text = self._label("attractSlideText")
        # One line, as wide as its words and padding: word-wrapped and centred, Qt laid it out at
        # the width it guessed and the height of one line at the screen's width, and cut its last
        # word off («برای شروع، صفحه را لمس», "Touch the screen to").
        self.prompt = self._label("attractPrompt")
        self.prompt.setWordWrap(False)
        # Speech mode's way in, for citizens who cannot see the prompt (read aloud on a key too).
        self.speech_hint = self._label("attractSpeechHint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(64, 28, 64, 28)  # room for the speech hint on a 768-px screen in large text
        layout.setSpacing(12)
        layout.addStretch(2)
        layout.addWidget(self.title)
        layout.addStretch(1)
        layout.addWidget(self.icon)
        layout.addWidget(self.slide_title)
        layout.addWidget(self.slide_text)
        layout.addStretch(2)
        layout.addWidget(self.prompt, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.speech_hint)
        layout.addStretch(1)

        self._timer = QTimer(self)
        self._timer.setInterval(SLIDE_MS)
        self._timer.timeout.connect(self._next_slide)

    def _label(self, name: str) -> QLabel:
        label = with_room_for_tails(QLabel())
        label.setObjectName(name)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        return label

    def show_content(self, catalog: Catalog, profile: DemoProfile) -> None:
        self._catalog = catalog
        self._profile = profile
        self._slide = 0
        self.retranslate()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        event.accept()
        self.started.emit()

    def showEvent(self, event) -> None:
        self._timer.start()  # animate only while visible: an idle kiosk must not burn CPU
        super().showEvent(event)

    def hideEvent(self, event) -> None:
        self._timer.stop()
        super().hideEvent(event)

    def _next_slide(self) -> None:
        if self._catalog and self._catalog.agencies:
            self._slide = (self._slide + 1) % len(self._catalog.agencies)
            self._show_slide()

    def _show_slide(self) -> None:
        if not self._catalog or not self._catalog.agencies:
            return
        agency = self._catalog.agencies[self._slide % len(self._catalog.agencies)]
        self.icon.setPixmap(self._icons.pixmap(agency.icon, "#ffffff", 120))
        self.slide_title.setText(self._localizer.text(agency.name))
        count = self._localizer.number(len(agency.services))
        self.slide_text.setText(
            self.tr("%1 services you can use online, from home, without a visit").replace("%1", count)
        )

    def retranslate(self) -> None:
        if self._profile is not None:
            self.title.setText(self._localizer.text(self._profile.title))
        self.prompt.setText(self.tr("Touch the screen to start"))
        self.speech_hint.setText(
            self.tr("To listen: press a key of the keypad, or hold the top right corner of the screen")
        )
        self.setAccessibleDescription(self.prompt.text())
        self._show_slide()
