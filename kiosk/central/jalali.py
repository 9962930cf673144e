"""Persian display of dates, numbers and times on the dashboard (Iran time, Persian digits).

The calendar arithmetic is the kiosk's own (``kiosk.core.jalali``, checked day by day against
Qt's Jalali calendar), so a date typed at a kiosk and shown to staff can never disagree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from kiosk.core.forms import parse_jalali
from kiosk.core.jalali import from_gregorian as to_jalali
from kiosk.core.jalali import is_leap
from kiosk.core.jalali import to_gregorian as from_jalali
from kiosk.core.persian import to_persian_digits

__all__ = ["from_jalali", "is_leap", "parse_jalali", "to_jalali"]

MONTHS = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)  # fmt: skip


def local_zone(offset_minutes: int) -> timezone:
    return timezone(timedelta(minutes=offset_minutes))


def persian_date(moment: datetime | date, offset_minutes: int = 210) -> str:
    """``۱۴۰۵/۰۹/۰۲``."""
    day = moment.astimezone(local_zone(offset_minutes)).date() if isinstance(moment, datetime) else moment
    jy, jm, jd = to_jalali(day)
    return to_persian_digits(f"{jy:04d}/{jm:02d}/{jd:02d}")


def persian_datetime(moment: datetime, offset_minutes: int = 210) -> str:
    """``۱۴۰۵/۰۹/۰۲ ۱۷:۳۰`` in Iran time."""
    local = _aware(moment).astimezone(local_zone(offset_minutes))
    return persian_date(local.date()) + " " + to_persian_digits(local.strftime("%H:%M"))


def persian_day_label(day: date) -> str:
    """``۲ آذر``: a short label for a chart axis."""
    _, jm, jd = to_jalali(day)
    return f"{to_persian_digits(str(jd))} {MONTHS[jm - 1]}"


def persian_number(value: int | float | None) -> str:
    if value is None:
        return "—"
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"
    return to_persian_digits(text).replace(",", "٬").replace(".", "٫")


def persian_duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    seconds = max(0, int(seconds))
    if seconds < 60:
        return persian_number(seconds) + " ثانیه"
    if seconds < 3600:
        return persian_number(seconds // 60) + " دقیقه"
    if seconds < 86400:
        return persian_number(seconds // 3600) + " ساعت"
    return persian_number(seconds // 86400) + " روز"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
