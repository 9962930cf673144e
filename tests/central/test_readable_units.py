"""Answers as staff read them, one at a time: the page's text and the CSV's cell; CSV cells a
spreadsheet would run as formulas."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kiosk.central.exports import REQUEST_COLUMNS, csv_safe
from kiosk.central.readable import Question, long_jalali, show
from kiosk.core.jalali import to_gregorian


def test_the_request_columns_come_first() -> None:
    assert len(REQUEST_COLUMNS) == 13 and REQUEST_COLUMNS[:2] == ("شمارهٔ مرجع", "کد رهگیری")


@pytest.mark.parametrize(
    ("kind", "value", "page", "in_csv"),
    [
        ("jalali_date", "2026-12-05", "۱۴ آذر ۱۴۰۵", "1405/09/14"),
        ("jalali_date", "2027-03-20", "۲۹ اسفند ۱۴۰۵", "1405/12/29"),
        ("jalali_date", "0001-01-01", "0001-01-01", "0001-01-01"),  # outside the calendar's years: as it came
        ("jalali_date", "not a date", "not a date", "not a date"),
        ("mobile", "09121234567", "۰۹۱۲۱۲۳۴۵۶۷", "09121234567"),
        ("number", "۱۲۳", "۱۲۳", "123"),
        ("consent", True, "بله", "بله"),
        ("text", False, "خیر", "خیر"),
        ("text", "Ali Rezaei 2", "Ali Rezaei 2", "Ali Rezaei 2"),  # Latin text keeps its digits
        ("choice", "gone", "gone", "gone"),  # a choice the catalog no longer has: its id
        ("", "2026-12-05", "۱۴ آذر ۱۴۰۵", "1405/09/14"),  # no catalog knows the question: it looks like a date
        ("", "12345", "۱۲۳۴۵", "12345"),
    ],
)
def test_one_answer_as_the_page_and_the_csv_show_it(kind: str, value: Any, page: str, in_csv: str) -> None:
    shown = show(Question("q", kind, "پرسش", {"home": "مسکونی"}), value)
    assert (shown.page, shown.csv) == (page, in_csv)


def test_every_day_of_a_jalali_year_reads_back() -> None:
    months = "فروردین اردیبهشت خرداد تیر مرداد شهریور مهر آبان آذر دی بهمن اسفند".split()
    assert long_jalali(date(2026, 3, 21)) == "۱ فروردین ۱۴۰۵"
    for month in range(1, 13):
        assert long_jalali(to_gregorian(1405, month, 1)).split()[1] == months[month - 1]


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"), ("-5", "'-5"), ("\t=x", "'\t=x"), ("\u200c@x", "'\u200c@x"), ("\u00a0+1", "'\u00a0+1"),
        ("علی", "علی"), ("1405/09/14", "1405/09/14"), ("", ""), ("a=b", "a=b"),
    ],
)  # fmt: skip
def test_csv_safe(cell: str, safe: str) -> None:
    assert csv_safe(cell) == safe
