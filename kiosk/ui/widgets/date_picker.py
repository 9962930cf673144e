"""A Jalali date by taps: today in one, any other day in a few; nothing to type, no slashes.

The citizen sees the year and the month with a big − and + each, the days of that month as big
buttons, and «امروز» (today). A date is chosen once a day is tapped (or today); the line below
says which date it is in words («سه‌شنبه ۱۸ آذر ۱۴۰۵»), or what to do while none is. Days that
do not exist in the month, and days the question does not take (after today for a date in the
past, before it for one in the future), cannot be tapped.

The answer is the Jalali date as ``1405/09/18`` (ASCII digits), which ``kiosk.core.forms`` checks
and stores as any date typed before was.
"""

from __future__ import annotations

import math
from datetime import date

from PySide6.QtCore import QDate, QSize, Qt, Signal
from PySide6.QtGui import QFontMetricsF, QResizeEvent
from PySide6.QtWidgets import QButtonGroup, QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.core import jalali
from kiosk.ui.i18n import Localizer

DAYS_PER_LINE = 11  # 31 days on three lines: a finger's width each, even on a portrait screen
EARLIEST_YEAR, LATEST_YEAR = 1300, 1500  # the years ``kiosk.core.forms.parse_jalali`` takes


class JalaliDatePicker(QFrame):
    """Year and month steppers, the month's days and today; ``changed`` when the date changes."""

    changed = Signal()

    def __init__(self, localizer: Localizer, today: date, when: str = "any", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("datePicker")
        self._localizer = localizer
        self._today = jalali.from_gregorian(today)
        self._when = when  # "any", "past" (today or before) or "future" (today or after)
        self._year, self._month = self._today[0], self._today[1]
        self._day: int | None = None  # nothing chosen until a day (or today) is tapped

        self.today_button = self._button("todayButton", "dateToday", self.choose_today)
        self.year_down = self._button("yearDown", "stepper", lambda: self._step_year(-1))
        self.year_value = self._value("yearValue")
        self.year_up = self._button("yearUp", "stepper", lambda: self._step_year(1))
        self.month_down = self._button("monthDown", "stepper", lambda: self._step_month(-1))
        self.month_value = self._value("monthValue")
        self.month_up = self._button("monthUp", "stepper", lambda: self._step_month(1))
        for button, text in ((self.year_down, "−"), (self.year_up, "+"), (self.month_down, "−"), (self.month_up, "+")):
            button.setText(text)
        self._top = QGridLayout()
        self._top.setHorizontalSpacing(24)
        self._top.setVerticalSpacing(12)
        self.year_caption = self._caption("yearCaption")
        self.month_caption = self._caption("monthCaption")
        self._year_row = self._stepper(self.year_caption, self.year_down, self.year_value, self.year_up)
        self._month_row = self._stepper(self.month_caption, self.month_down, self.month_value, self.month_up)
        self._one_line: bool | None = None
        self._arrange(True)

        self.days = QButtonGroup(self)
        self.days.setExclusive(True)
        grid = QGridLayout()
        self._days_grid = grid
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(8)
        for day in range(1, 32):
            button = QPushButton(self)
            button.setObjectName(f"day:{day}")
            button.setProperty("role", "day")
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.days.addButton(button, day)
            grid.addWidget(button, (day - 1) // DAYS_PER_LINE, (day - 1) % DAYS_PER_LINE)
        self.days.idClicked.connect(self.choose_day)

        self.chosen = QLabel(self)
        self.chosen.setObjectName("dateChosen")
        self.chosen.setWordWrap(True)

        column = QGridLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setVerticalSpacing(10)
        column.addLayout(self._top, 0, 0)
        column.addLayout(grid, 1, 0)
        column.addWidget(self.chosen, 2, 0)
        self.retranslate()

    def _button(self, name: str, role: str, then) -> QPushButton:
        button = QPushButton(self)
        button.setObjectName(name)
        button.setProperty("role", role)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(then)
        return button

    def _value(self, name: str) -> _Value:
        label = _Value(self)
        label.setObjectName(name)
        label.setProperty("role", "pickerValue")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return label

    def _caption(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setProperty("role", "pickerCaption")
        label.setProperty("spoken", "")  # its value says it
        return label

    @staticmethod
    def _stepper(caption: QLabel, down: QPushButton, value: _Value, up: QPushButton) -> QHBoxLayout:
        """− and + either side of what they change, its name in small letters above it."""
        row = QHBoxLayout()
        row.setSpacing(10)
        named = QVBoxLayout()
        named.setSpacing(0)
        caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        named.addWidget(caption)
        named.addWidget(value)
        row.addWidget(down)
        row.addLayout(named)
        row.addWidget(up)
        return row

    def _arrange(self, one_line: bool) -> None:
        """Today, the year and the month on one line, or today above the other two."""
        if one_line == self._one_line:
            return
        self._one_line = one_line
        for item in (self.today_button, self._year_row, self._month_row):
            if isinstance(item, QWidget):
                self._top.removeWidget(item)
            else:
                self._top.removeItem(item)
        if one_line:
            self._top.addWidget(self.today_button, 0, 0)
            self._top.addLayout(self._year_row, 0, 2)
            self._top.addLayout(self._month_row, 0, 3)
            self._top.setColumnStretch(1, 1)
        else:
            self._top.addWidget(self.today_button, 0, 0, 1, 4)
            self._top.addLayout(self._year_row, 1, 0)
            self._top.addLayout(self._month_row, 1, 2)
            self._top.setColumnStretch(1, 1)

    def _one_line_width(self) -> int:
        spacing = self._top.horizontalSpacing()
        parts = (self.today_button.sizeHint(), self._year_row.sizeHint(), self._month_row.sizeHint())
        return sum(part.width() for part in parts) + 3 * spacing

    def minimumSizeHint(self) -> QSize:
        """As narrow as today above the year and the month allows: narrower than all three on one
        line, the picker puts them on two (``resizeEvent``)."""
        hint = super().minimumSizeHint()
        spacing = self._top.horizontalSpacing()
        two_lines = max(
            self.today_button.minimumSizeHint().width(),
            self._year_row.minimumSize().width() + spacing + self._month_row.minimumSize().width(),
        )
        days = self._days_grid.minimumSize().width()
        return QSize(max(two_lines, days), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(event.size().width() >= self._one_line_width())

    # --- what is chosen -----------------------------------------------------------------------

    @property
    def shown_month(self) -> tuple[int, int]:
        """The Jalali (year, month) whose days are on screen."""
        return self._year, self._month

    @property
    def chosen_date(self) -> tuple[int, int, int] | None:
        """The Jalali (year, month, day) chosen, or None."""
        return (self._year, self._month, self._day) if self._day is not None else None

    def answer(self) -> str:
        """The chosen date as ``1405/09/18``, or '' while none is."""
        chosen = self.chosen_date
        return "" if chosen is None else "{:04d}/{:02d}/{:02d}".format(*chosen)

    def choose_today(self) -> None:
        self._year, self._month, self._day = self._today
        self._show()
        self.changed.emit()

    def choose_day(self, day: int) -> None:
        if self._allowed(self._year, self._month, day):
            self._day = day
        self._show()
        self.changed.emit()

    def _step_year(self, step: int) -> None:
        self._move_to(self._year + step, self._month)

    def _step_month(self, step: int) -> None:
        year, month = divmod(self._year * 12 + self._month - 1 + step, 12)
        self._move_to(year, month + 1)

    def _move_to(self, year: int, month: int) -> None:
        """Show another month; a day chosen stays chosen if that month has it and takes it."""
        low, high = self._month_range()
        year, month = max(low, min(high, (year, month)))
        if (year, month) == (self._year, self._month):
            return
        self._year, self._month = year, month
        had = self._day
        if self._day is not None and not self._allowed(year, month, self._day):
            self._day = None
        self._show()
        if had is not None:
            self.changed.emit()

    def _month_range(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """The first and last (year, month) the question takes."""
        low, high = (EARLIEST_YEAR, 1), (LATEST_YEAR, 12)
        today = self._today[:2]
        if self._when == "past":
            high = today
        elif self._when == "future":
            low = today
        return low, high

    def _allowed(self, year: int, month: int, day: int) -> bool:
        if day > jalali.month_length(year, month):
            return False
        if self._when == "past":
            return (year, month, day) <= self._today
        if self._when == "future":
            return (year, month, day) >= self._today
        return True

    # --- on screen ----------------------------------------------------------------------------

    def _show(self) -> None:
        localizer = self._localizer
        self.year_value.setText(localizer.digits(str(self._year)))
        self.month_value.setText(localizer.month_name(self._month))
        # Read aloud as «سال ۱۴۰۵»، «ماه آذر»: each caption sits above its value, so row by row
        # they were read «سال، ماه، ۱۴۰۵، آذر».
        self.year_value.setProperty("spoken", f"{self.year_caption.text()} {self.year_value.text()}")
        self.month_value.setProperty("spoken", f"{self.month_caption.text()} {self.month_value.text()}")
        low, high = self._month_range()
        here = (self._year, self._month)
        self.year_down.setEnabled((self._year - 1, 12) >= low)
        self.year_up.setEnabled((self._year + 1, 1) <= high)
        self.month_down.setEnabled(here > low)
        self.month_up.setEnabled(here < high)
        self.days.setExclusive(False)  # so that no day may be checked
        for button in self.days.buttons():
            day = self.days.id(button)
            button.setText(localizer.number(day))
            button.setEnabled(self._allowed(self._year, self._month, day))
            button.setVisible(day <= jalali.month_length(self._year, self._month))
            button.setChecked(day == self._day)
            button.setAccessibleName(f"{button.text()} {self.month_value.text()} {self.year_value.text()}")
        self.days.setExclusive(True)
        chosen = self.chosen_date
        if chosen is None:
            self.chosen.setText(self.tr('No date chosen yet: tap the day, or "Today".'))
        else:
            day = jalali.to_gregorian(*chosen)
            words = localizer.today(QDate(day.year, day.month, day.day))
            self.chosen.setText(self.tr("Your date: %1").replace("%1", words))
        self.setAccessibleDescription(self.chosen.text())

    def retranslate(self) -> None:
        self.today_button.setText(self.tr("Today"))
        self.year_caption.setText(self.tr("Year"))
        self.month_caption.setText(self.tr("Month"))
        self.today_button.setAccessibleName(self.tr("Today"))
        self.year_down.setAccessibleName(self.tr("Year before"))
        self.year_up.setAccessibleName(self.tr("Year after"))
        self.month_down.setAccessibleName(self.tr("Month before"))
        self.month_up.setAccessibleName(self.tr("Month after"))
        self.month_value.widest = [self._localizer.month_name(m) for m in range(1, 13)]
        self.year_value.widest = [self._localizer.digits("1444")]
        self._show()


class _Value(QLabel):
    """The year or the month between its − and +: as wide as the widest it may show, whatever it
    shows now, so the + never moves from under a finger tapping it twice."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.widest: list[str] = []

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        metrics = QFontMetricsF(self.font())
        margins = self.contentsMargins()
        width = max((metrics.horizontalAdvance(t) for t in self.widest), default=0)
        return QSize(max(hint.width(), math.ceil(width) + 24 + margins.left() + margins.right()), hint.height())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()
