"""Gregorian <-> Jalali (Solar Hijri) dates and Persian display of numbers and times, pure Python.

The conversion is a port of the arithmetic in jalaali-js (Behrooz Ashtari's ``jalCal``, the
algorithm jalaali-python and many others share), valid for Jalali years -61 to 3177. We write it
here instead of depending on ``jdatetime``/``persiantools`` because it is forty lines and the
dashboard only needs dates. Tests pin it to known Nowruz dates and leap years.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from kiosk.core.persian import to_persian_digits

_BREAKS = (-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178)
# Julian day number of date.fromordinal(1) minus 1: JDN = ordinal + this.
_JDN_OFFSET = 1721425

MONTHS = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)  # fmt: skip


def _div(a: int, b: int) -> int:
    """Division truncating towards zero, as the original JavaScript's ``~~(a / b)``."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _mod(a: int, b: int) -> int:
    return a - _div(a, b) * b


def _jal_cal(jy: int) -> tuple[int, int, int]:
    """(years since the last leap year, Gregorian year, March day of Nowruz) for Jalali year ``jy``."""
    if jy < _BREAKS[0] or jy >= _BREAKS[-1]:
        raise ValueError(f"Jalali year {jy} is out of range")
    leap_j = -14
    jp = _BREAKS[0]
    jump = 0
    for jm in _BREAKS[1:]:
        jump = jm - jp
        if jy < jm:
            break
        leap_j += _div(jump, 33) * 8 + _div(_mod(jump, 33), 4)
        jp = jm
    n = jy - jp
    leap_j += _div(n, 33) * 8 + _div(_mod(n, 33) + 3, 4)
    if _mod(jump, 33) == 4 and jump - n == 4:
        leap_j += 1
    gy = jy + 621
    leap_g = _div(gy, 4) - _div((_div(gy, 100) + 1) * 3, 4) - 150
    march = 20 + leap_j - leap_g
    if jump - n < 6:
        n = n - jump + _div(jump + 4, 33) * 33
    leap = _mod(_mod(n + 1, 33) - 1, 4)
    if leap == -1:
        leap = 4
    return leap, gy, march


def is_leap(jy: int) -> bool:
    return _jal_cal(jy)[0] == 0


def to_jalali(day: date) -> tuple[int, int, int]:
    jdn = day.toordinal() + _JDN_OFFSET
    jy = day.year - 621
    leap, gy, march = _jal_cal(jy)
    k = jdn - (date(gy, 3, march).toordinal() + _JDN_OFFSET)
    if k >= 0:
        if k <= 185:
            return jy, 1 + k // 31, k % 31 + 1
        k -= 186
    else:
        jy -= 1
        k += 179
        if leap == 1:
            k += 1
    return jy, 7 + k // 30, k % 30 + 1


def from_jalali(jy: int, jm: int, jd: int) -> date:
    if not 1 <= jm <= 12:
        raise ValueError(f"no Jalali month {jm}")
    length = 31 if jm <= 6 else 30 if jm <= 11 else (30 if is_leap(jy) else 29)
    if not 1 <= jd <= length:
        raise ValueError(f"month {jm} of {jy} has no day {jd}")
    _, gy, march = _jal_cal(jy)
    start = date(gy, 3, march)
    return start + timedelta(days=(jm - 1) * 31 - _div(jm, 7) * (jm - 7) + jd - 1)


def parse_jalali(text: str) -> date:
    """``1405/09/02`` (any digits, / - or . between) to a Gregorian date; ValueError if it is not one."""
    from kiosk.core.persian import to_ascii_digits

    cleaned = to_ascii_digits(text.strip()).replace("-", "/").replace(".", "/")
    parts = cleaned.split("/")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
        raise ValueError(f"not a Jalali date: {text!r}")
    return from_jalali(int(parts[0]), int(parts[1]), int(parts[2]))


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
