"""Numbers, money, times and dates as a citizen reads them, in Persian and in English."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate

from kiosk.core.catalog import Fee, TypicalTime
from kiosk.core.datafile import LocalText
from kiosk.core.paths import KioskPaths
from kiosk.core.persian import LRI, PDI
from kiosk.ui.i18n import Localizer


@pytest.fixture
def localizer(qapp, kiosk_paths: KioskPaths) -> Localizer:
    return Localizer(kiosk_paths.translations, kiosk_paths.cache)


def test_persian_numbers_money_and_times(localizer: Localizer) -> None:
    localizer.set_language("fa")
    try:
        assert localizer.number(1250000) == "۱٬۲۵۰٬۰۰۰"
        assert localizer.fee(Fee("fixed", rial=1_250_000), "rial") == "۱٬۲۵۰٬۰۰۰ ریال"
        assert localizer.fee(Fee("fixed", rial=1_250_000), "toman") == "۱۲۵٬۰۰۰ تومان"
        assert localizer.fee(Fee("fixed", rial=25), "toman") == "۲٫۵ تومان"
        assert localizer.fee(Fee("free"), "rial") == "رایگان"
        assert localizer.fee(Fee("variable", note=LocalText("بسته به متراژ", "By area")), "rial") == "بسته به متراژ"
        assert localizer.typical_time(TypicalTime("instant")) == "فوری و اینترنتی"
        assert localizer.typical_time(TypicalTime("workday", 3, 7)) == "۳ تا ۷ روز کاری"
        assert localizer.typical_time(TypicalTime("day", 2, 2)) == "۲ روز"
        assert localizer.today(QDate(2026, 11, 23)) == "دوشنبه ۲ آذر ۱۴۰۵"
        assert localizer.today(QDate(2026, 3, 21)) == "شنبه ۱ فروردین ۱۴۰۵"
        assert localizer.address("*4#") == f"{LRI}*۴#{PDI}"
        assert localizer.address("my.gov.ir") == f"{LRI}my.gov.ir{PDI}"
        # Never broken across lines at its hyphen or slash (a word joiner after each).
        assert localizer.address("www.abfa-mazandaran.ir/e") == f"{LRI}www.abfa-\u2060mazandaran.ir/\u2060e{PDI}"
        assert localizer.text(LocalText("کد 10 رقمی", "x")) == "کد ۱۰ رقمی"
    finally:
        localizer.detach()


def test_english_numbers_money_and_times(localizer: Localizer) -> None:
    localizer.set_language("en")
    try:
        assert localizer.number(1250000) == "1,250,000"
        assert localizer.fee(Fee("fixed", rial=1_250_000), "toman") == "125,000 Toman"
        assert localizer.fee(Fee("free"), "rial") == "Free"
        assert localizer.typical_time(TypicalTime("day", 1, 1)) == "1 day"
        assert localizer.typical_time(TypicalTime("workday", 3, 7)) == "3–7 working days"
        assert localizer.typical_time(TypicalTime("hour", 1, 2)) == "1–2 hours"
        assert localizer.today(QDate(2026, 11, 23)) == "Monday, Azar 2, 1405"
        assert localizer.address("*4#") == f"{LRI}*4#{PDI}"
        assert localizer.text(LocalText("x", "10-digit code")) == "10-digit code"
    finally:
        localizer.detach()


def test_a_fee_and_a_time_side_by_side_are_named_and_kept_apart_by_a_dash(localizer: Localizer) -> None:
    """Between them a "·" read as a Persian zero: «رایگان · ۲ تا ۲۴ ساعت» as "free, 20 to 24 hours"."""
    localizer.set_language("fa")
    try:
        shown = localizer.fee_and_time(Fee("free"), "rial", TypicalTime("hour", 2, 24))
        assert shown == "هزینه: رایگان — زمان انجام: ۲ تا ۲۴ ساعت"
        assert "·" not in shown and "٠" not in shown
    finally:
        localizer.detach()
    localizer.set_language("en")
    try:
        shown = localizer.fee_and_time(Fee("fixed", rial=1_250_000), "toman", TypicalTime("day", 1, 1))
        assert shown == "Fee: 125,000 Toman — Time: 1 day"
    finally:
        localizer.detach()


def test_language_names_for_the_switch() -> None:
    assert Localizer.language_name("fa") == "فارسی"
    assert Localizer.language_name("en") == "English"


def test_unknown_language_is_refused(localizer: Localizer) -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        localizer.set_language("de")


def test_language_names_are_babel_s(localizer: Localizer) -> None:
    from babel import Locale

    for language in ("fa", "en"):
        assert localizer.language_name(language) == Locale(language).languages[language].capitalize()
