"""The bar across the top of every screen but the attract loop: brand, date, Back, Home, language."""

from __future__ import annotations

import math

from PySide6.QtCore import QDate, QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetricsF, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from kiosk.core.profiles import DemoProfile
from kiosk.ui.i18n import Localizer
from kiosk.ui.icons import IconSet, svg_pixmap
from kiosk.ui.theme import TOUCH_TARGET_PX


class _Title(QLabel):
    """The profile's title, shortened with an ellipsis when the bar has no room for all of it.

    With large text, Back and Home shown, the whole title made the bar 1,460 pixels wide: the
    window grew past a 1,366-pixel screen and the buttons' words were cut. The title is what can
    give way; the buttons keep their words.
    """

    SHORTEST_PX = 160

    def __init__(self) -> None:
        super().__init__()
        self._whole = ""

    def set_title(self, text: str) -> None:
        self._whole = text
        self.setAccessibleName(text)
        self._fit()

    @property
    def whole(self) -> str:
        return self._whole

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        margins = self.contentsMargins()
        return QSize(self._whole_width() + margins.left() + margins.right(), hint.height())

    def _whole_width(self) -> int:
        # Rounded up, and a pixel over: at exactly its rounded width the text would be elided.
        return math.ceil(QFontMetricsF(self.font()).horizontalAdvance(self._whole)) + 1

    def minimumSizeHint(self) -> QSize:
        return QSize(min(self.SHORTEST_PX, self.sizeHint().width()), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.updateGeometry()
            self._fit()

    def _fit(self) -> None:
        room = self.contentsRect().width()
        shown = self._whole
        if self._whole_width() > room:
            shown = self.fontMetrics().elidedText(self._whole, Qt.TextElideMode.ElideRight, room)
        if shown != self.text():
            self.setText(shown)


class Header(QFrame):
    back_requested = Signal()
    home_requested = Signal()
    language_requested = Signal(str)

    def __init__(self, localizer: Localizer, icons: IconSet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("header")
        self.setFixedHeight(TOUCH_TARGET_PX + 36)
        self._localizer = localizer
        self._icons = icons
        self._profile: DemoProfile | None = None

        self.logo = QLabel()
        self.logo.setObjectName("headerLogo")
        self.logo.setFixedSize(72, 72)
        self.title = _Title()
        self.title.setObjectName("headerTitle")
        self.demo_badge = QLabel()
        self.demo_badge.setObjectName("demoBadge")
        self.date = QLabel()
        self.date.setObjectName("headerDate")

        self.back_button = self._button("backButton", self.back_requested.emit)
        self.home_button = self._button("homeButton", self.home_requested.emit)
        self.language_button = self._button("languageButton", self._switch_language)

        row = QHBoxLayout(self)
        row.setContentsMargins(24, 12, 24, 12)
        row.setSpacing(18)
        row.addWidget(self.logo)
        row.addWidget(self.title)
        row.addWidget(self.demo_badge, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addStretch(1)
        row.addWidget(self.language_button)
        row.addWidget(self.back_button)
        row.addWidget(self.home_button)
        row.addSpacing(12)
        # The date at the far end: in Persian that is the top-left corner, where the staff
        # gesture's five taps land (see ``kiosk.ui.lockdown``), and a button there would take them.
        row.addWidget(self.date)

        # The date changes at midnight while a lobby kiosk runs for weeks.
        self._clock = QTimer(self)
        self._clock.setInterval(60_000)
        self._clock.timeout.connect(self._refresh_date)
        self._clock.start()
        self._shown_date = QDate()

    def _button(self, name: str, slot) -> QPushButton:
        button = QPushButton()
        button.setObjectName(name)
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        button.setIconSize(QSize(32, 32))
        button.clicked.connect(slot)
        return button

    def set_profile(self, profile: DemoProfile, logo_path) -> None:
        self._profile = profile
        if logo_path is not None:
            self.logo.setPixmap(svg_pixmap(logo_path, 72))
        self.logo.setVisible(logo_path is not None)
        self.demo_badge.setVisible(profile.is_demo)
        self.retranslate()

    def set_navigation(self, can_go_back: bool, at_home: bool) -> None:
        self.back_button.setVisible(can_go_back)
        self.home_button.setVisible(not at_home)

    def _switch_language(self) -> None:
        self.language_requested.emit("en" if self._localizer.language == "fa" else "fa")

    def _refresh_date(self) -> None:
        today = QDate.currentDate()
        if today != self._shown_date:
            self._shown_date = today
            self.date.setText(self._localizer.today(today))

    def retranslate(self) -> None:
        language = self._localizer.language
        if self._profile is not None:
            self.title.set_title(self._localizer.text(self._profile.title))
        self.demo_badge.setText(self.tr("Demo"))
        self.demo_badge.setToolTip(self.tr("Requests filed here are for demonstration only"))
        self._shown_date = QDate()
        self._refresh_date()
        arrow = "arrow-right" if language == "fa" else "arrow-left"
        self.back_button.setIcon(self._icons.icon(arrow, "#ffffff", 36))
        self.back_button.setText(self.tr("Back"))
        self.back_button.setAccessibleName(self.tr("Back"))
        self.home_button.setIcon(self._icons.icon("home", "#ffffff", 36))
        self.home_button.setText(self.tr("Home"))
        self.home_button.setAccessibleName(self.tr("Home"))
        other = "en" if language == "fa" else "fa"
        self.language_button.setIcon(self._icons.icon("language", "#ffffff", 36))
        self.language_button.setText(Localizer.language_name(other))
        self.language_button.setAccessibleName(
            self.tr("Switch language to %1").replace("%1", Localizer.language_name(other))
        )
