"""Jalali (Solar Hijri) dates without Qt: for validating and storing what a citizen picks.

The screen shows Jalali dates through QCalendar; domain code (form validation, which must run
without Qt) needs the same arithmetic. This is the 33-year arithmetic rule as used by Iran's
official calendar in the range a kiosk ever meets; a UI test checks it against QCalendar's Jalali
calendar day by day from 1300 to 1436 (1921-2058; past that Qt uses another leap rule).
"""

from __future__ import annotations

from datetime import date

# Month lengths of a common year; Esfand (12) has 30 days in a leap year.
MONTH_DAYS = (31, 31, 31, 31, 31, 31, 30, 30, 30, 30, 30, 29)
_BREAKS = (
    -61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324, 2394,
    2456, 3178,
)  # fmt: skip


def _jal_cal(jy: int) -> tuple[int, int, int]:
    """(leap: 0 for a leap year, gy: the Gregorian year of Farvardin 1, march: its day in March)."""
    gy = jy + 621
    leap_j = -14
    jp = _BREAKS[0]
    if jy < jp or jy >= _BREAKS[-1]:
        raise ValueError(f"Jalali year {jy} is out of range")
    jump = 0
    for jm in _BREAKS[1:]:
        jump = jm - jp
        if jy < jm:
            break
        leap_j += jump // 33 * 8 + (jump % 33) // 4
        jp = jm
    n = jy - jp
    leap_j += n // 33 * 8 + ((n % 33) + 3) // 4
    if jump % 33 == 4 and jump - n == 4:
        leap_j += 1
    leap_g = gy // 4 - (gy // 100 + 1) * 3 // 4 - 150
    march = 20 + leap_j - leap_g
    if jump - n < 6:
        n = n - jump + (jump + 4) // 33 * 33
    leap = ((n + 1) % 33 - 1) % 4
    if leap == -1:
        leap = 4
    return leap, gy, march


def is_leap(jy: int) -> bool:
    return _jal_cal(jy)[0] == 0


def month_length(jy: int, jm: int) -> int:
    if not 1 <= jm <= 12:
        raise ValueError(f"month {jm} is not 1 to 12")
    return 30 if jm == 12 and is_leap(jy) else MONTH_DAYS[jm - 1]


def to_gregorian(jy: int, jm: int, jd: int) -> date:
    """The Gregorian date of a Jalali one; ValueError if that Jalali date does not exist."""
    if not 1 <= jd <= month_length(jy, jm):
        raise ValueError(f"{jy}/{jm}/{jd} is not a day of the Jalali calendar")
    _, gy, march = _jal_cal(jy)
    farvardin_first = date(gy, 3, march)
    day_of_year = sum(MONTH_DAYS[: jm - 1]) + jd - 1
    return date.fromordinal(farvardin_first.toordinal() + day_of_year)


def from_gregorian(day: date) -> tuple[int, int, int]:
    """The Jalali (year, month, day) of a Gregorian date."""
    jy = day.year - 621
    _, gy, march = _jal_cal(jy)
    start = date(gy, 3, march)
    if day < start:
        jy -= 1
        _, gy, march = _jal_cal(jy)
        start = date(gy, 3, march)
    offset = day.toordinal() - start.toordinal()
    for jm, length in enumerate(MONTH_DAYS, start=1):
        if offset < length or jm == 12:
            return jy, jm, offset + 1
        offset -= length
    raise AssertionError("unreachable")
