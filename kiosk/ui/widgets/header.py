"""The bar across the top of every screen but the attract loop: brand, date, Back, Home, language.

It keeps its size when a citizen chooses large text (its stylesheet's sizes are marked ``fixed``,
``kiosk.ui.theme``): its buttons are large already (72 pixels, 16 points, bold), and its title is
the kiosk's name, not something to read to use it. Scaled, the bar alone asked 1,592 pixels of a
1,366-pixel screen: its title was shortened to «پیشخوان خدمات ال…».
"""

from __future__ import annotations

import math

from PySide6.QtCore import QDate, QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetricsF, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.core.profiles import DemoProfile
from kiosk.ui.i18n import Localizer
from kiosk.ui.icons import IconSet, svg_pixmap
from kiosk.ui.theme import TOUCH_TARGET_PX
from kiosk.ui.widgets.labels import with_room_for_tails


class _Title(QLabel):
    """The profile's title, shortened with an ellipsis only when even a row of its own is too
    narrow for it (``Header`` moves the buttons to a second row first): the last resort."""

    SHORTEST_PX = 160

    def __init__(self) -> None:
        super().__init__()
        self._whole = ""
        self._measured: tuple[tuple[str, str], int] = (("", ""), 0)

    def set_title(self, text: str) -> None:
        self._whole = text
        self.setAccessibleName(text)
        self.updateGeometry()
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
        key = (self._whole, self.font().key())
        if self._measured[0] != key:
            self._measured = (key, math.ceil(QFontMetricsF(self.font()).horizontalAdvance(self._whole)) + 1)
        return self._measured[1]

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


SPACING_PX = 12
MARGINS_PX = (20, 12)  # left and right, top and bottom
ROW_PX = TOUCH_TARGET_PX + 12  # a row of the bar: a button and room around it
BEFORE_DATE_PX = 12


class Header(QFrame):
    """One row: logo, title, demo badge, then Listen, language, Back, Home, and the date at the far
    end.

    When one row is too narrow for all of them with the whole title (a portrait screen: the bar
    asked 1,092 to 1,230 pixels of a 1,080-pixel one, and the window grew past the screen), the
    buttons go to a second row of their own, at the same end, and the bar grows taller: a portrait
    screen has height to spare. The bar asks for no more width than its two rows need
    (``minimumSizeHint``), so the window never grows while it rearranges.
    """

    back_requested = Signal()
    home_requested = Signal()
    language_requested = Signal(str)
    speak_requested = Signal()  # the speaker button: read this screen aloud (or stop)

    def __init__(self, localizer: Localizer, icons: IconSet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("header")
        self._localizer = localizer
        self._icons = icons
        self._profile: DemoProfile | None = None

        self.logo = QLabel()
        self.logo.setObjectName("headerLogo")
        self.logo.setFixedSize(72, 72)
        self.title = with_room_for_tails(_Title())
        self.title.setObjectName("headerTitle")
        self.demo_badge = QLabel()
        self.demo_badge.setObjectName("demoBadge")
        self.date = with_room_for_tails(QLabel())
        self.date.setObjectName("headerDate")

        self.back_button = self._button("backButton", self.back_requested.emit)
        self.home_button = self._button("homeButton", self.home_requested.emit)
        self.language_button = self._button("languageButton", self._switch_language)
        self.speak_button = self._button("speakButton", self.speak_requested.emit)
        self._speaking = False
        self._no_sound = False
        self._buttons = (self.speak_button, self.language_button, self.back_button, self.home_button)

        column = QVBoxLayout(self)
        column.setContentsMargins(MARGINS_PX[0], MARGINS_PX[1], MARGINS_PX[0], MARGINS_PX[1])
        column.setSpacing(0)
        # The bar's minimum is its own (``minimumSizeHint``), not what its rows ask as they are now.
        column.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self._top = top = QHBoxLayout()
        top.setSpacing(SPACING_PX)
        top.addWidget(self.logo)
        top.addWidget(self.title)
        top.addWidget(self.demo_badge, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addStretch(1)
        top.addSpacing(BEFORE_DATE_PX)
        # The date at the far end: in Persian that is the top-left corner, where the staff
        # gesture's five taps land (see ``kiosk.ui.lockdown``), and a button there would take them.
        top.addWidget(self.date)
        self._bottom = bottom = QHBoxLayout()
        bottom.setSpacing(SPACING_PX)
        bottom.addStretch(1)
        column.addLayout(top)
        column.addLayout(bottom)
        self._one_row: bool | None = None
        self._asked: dict[tuple[str, str, str, bool], int] = {}
        self._arrange(one_row=True)

        # The date changes at midnight while a lobby kiosk runs for weeks.
        self._clock = QTimer(self)
        self._clock.setInterval(60_000)
        self._clock.timeout.connect(self._refresh_date)
        self._clock.start()
        self._shown_date = QDate()
        self._short_date = False  # the date without its weekday, when one row is short of room
        self._long_date = self._short_date_text = ""

    # --- one row or two ----------------------------------------------------------------------

    @property
    def one_row(self) -> bool:
        """Whether the buttons share the row of the title and the date."""
        return bool(self._one_row)

    def _asks(self, widget: QWidget) -> int:
        """The width a widget of the bar asks for (none of them shrinks but the title), kept for
        its text and font: the bar asks at every layout pass, and a button's size hint through
        the stylesheet is not cheap (~1.6 ms a tap, asked afresh)."""
        key = (widget.objectName(), _text(widget), widget.font().key(), widget.isHidden())
        width = self._asked.get(key)
        if width is None:
            if len(self._asked) > 64:
                self._asked.clear()
            width = self._asked[key] = widget.sizeHint().expandedTo(widget.minimumSize()).width()
        return width

    def _width(self, buttons: bool, whole_title: bool) -> int:
        """What a row asks for: with or without the buttons, the title whole or at its shortest."""
        shown = [w for w in (self.logo, self.title, self.demo_badge, self.date) if not w.isHidden()]
        if buttons:
            shown += [b for b in self._buttons if not b.isHidden()]
        widths = [self.title.minimumSizeHint().width() if w is self.title and not whole_title else self._asks(w)
                  for w in shown]  # fmt: skip
        frame = self.contentsMargins()
        margins = 2 * MARGINS_PX[0] + frame.left() + frame.right()
        return sum(widths) + SPACING_PX * (len(widths) - 1) + BEFORE_DATE_PX + margins

    def _buttons_width(self) -> int:
        widths = [self._asks(b) for b in self._buttons if not b.isHidden()]
        frame = self.contentsMargins()
        return sum(widths) + SPACING_PX * (len(widths) - 1) + 2 * MARGINS_PX[0] + frame.left() + frame.right()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._asked.clear()  # a stylesheet may change a button's padding, not only its font

    def minimumSizeHint(self) -> QSize:
        width = max(self._width(buttons=False, whole_title=False), self._buttons_width())
        return QSize(width, self.height())

    def sizeHint(self) -> QSize:
        return QSize(self._width(buttons=True, whole_title=True), self.height())

    def _arrange(self, one_row: bool) -> None:
        if one_row == self._one_row:
            return
        self._one_row = one_row
        for button in self._buttons:
            (self._bottom if one_row else self._top).removeWidget(button)
        if one_row:
            at = self._top.indexOf(self.date) - 1  # before the room before the date
            for offset, button in enumerate(self._buttons):
                self._top.insertWidget(at + offset, button)
        else:
            for button in self._buttons:
                self._bottom.addWidget(button)
        self.setFixedHeight(2 * MARGINS_PX[1] + ROW_PX * (1 if one_row else 2))

    def _rearrange(self) -> None:
        # One row with the whole date; else one row with the date without its weekday; else the
        # buttons on a row of their own, and the whole date again (the top row has room for it).
        short = not self._fits_one_row(self._long_date) and self._fits_one_row(self._short_date_text)
        if short != self._short_date:
            self._short_date = short
            self._show_date()
        self._arrange(self._width(buttons=True, whole_title=True) <= self.width())

    def _fits_one_row(self, date: str) -> bool:
        """Whether one row holds everything with ``date`` as the date (measured, not shown: a
        text set on the label would ask the bar to lay out again, and again)."""
        metrics = QFontMetricsF(self.date.font())
        change = round(metrics.horizontalAdvance(date) - metrics.horizontalAdvance(self.date.text()))
        return self._width(buttons=True, whole_title=True) + change <= self.width()

    def _show_date(self) -> None:
        self.date.setText(self._short_date_text if self._short_date else self._long_date)

    def event(self, event: QEvent) -> bool:
        # A button shown or hidden, a text or font changed: the rows may change too.
        if event.type() == QEvent.Type.LayoutRequest:
            self._rearrange()
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._rearrange()
        super().resizeEvent(event)

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
        self._rearrange()

    def set_speaking(self, speaking: bool, no_sound: bool = False) -> None:
        """The speaker button says what a tap does now: listen, stop, or that there is no sound."""
        if (speaking, no_sound) != (self._speaking, self._no_sound):
            self._speaking, self._no_sound = speaking, no_sound
            self._say_speaking()

    def _say_speaking(self) -> None:
        if self._no_sound:
            text = self.tr("No sound")
        else:
            text = self.tr("Stop") if self._speaking else self.tr("Listen")
        self.speak_button.setText(text)
        self.speak_button.setAccessibleName(
            self.tr("This kiosk cannot play sound") if self._no_sound else self.tr("Read this screen aloud")
        )

    def _switch_language(self) -> None:
        self.language_requested.emit("en" if self._localizer.language == "fa" else "fa")

    def _refresh_date(self) -> None:
        today = QDate.currentDate()
        if today != self._shown_date:
            self._shown_date = today
            self._long_date = self._localizer.today(today)
            self._short_date_text = self._localizer.short_date(today)
            self._show_date()

    def retranslate(self) -> None:
        language = self._localizer.language
        if self._profile is not None:
            self.title.set_title(self._localizer.text(self._profile.title))
        self.demo_badge.setText(self.tr("Demo"))
        self.demo_badge.setToolTip(self.tr("Requests filed here are for demonstration only"))
        self._shown_date = QDate()  # the date in the new language (short or long as it was)
        self._refresh_date()
        arrow = "arrow-right" if language == "fa" else "arrow-left"
        self.back_button.setIcon(self._icons.icon(arrow, "#ffffff", 36))
        self.back_button.setText(self.tr("Back"))
        self.back_button.setAccessibleName(self.tr("Back"))
        self.home_button.setIcon(self._icons.icon("home", "#ffffff", 36))
        self.home_button.setText(self.tr("Home"))
        self.home_button.setAccessibleName(self.tr("Home"))
        self.speak_button.setIcon(self._icons.icon("volume", "#ffffff", 36))
        self._say_speaking()
        other = "en" if language == "fa" else "fa"
        self.language_button.setIcon(self._icons.icon("language", "#ffffff", 36))
        self.language_button.setText(Localizer.language_name(other))
        self.language_button.setAccessibleName(
            self.tr("Switch language to %1").replace("%1", Localizer.language_name(other))
        )


def _text(widget: QWidget) -> str:
    if isinstance(widget, _Title):
        return widget.whole
    return widget.text() if isinstance(widget, QLabel | QPushButton) else ""
