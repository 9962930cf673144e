"""kiosk.core.persian: normalisation for matching and storage, digit shaping, isolates."""

from __future__ import annotations

import pytest

from kiosk.core.persian import (
    FSI,
    LRI,
    PDI,
    for_persian_display,
    isolate,
    isolate_ltr,
    normalize,
    normalize_for_storage,
    to_ascii_digits,
    to_persian_digits,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("علي", "علی"),  # Arabic yeh
        ("كارت", "کارت"),  # Arabic kaf
        ("مصطفى", "مصطفی"),  # alef maksura
        ("۱۲۳", "123"),  # Persian digits
        ("١٢٣", "123"),  # Arabic-Indic digits
        ("کارت\u200cملی", "کارت ملی"),  # ZWNJ becomes a space
        ("می\u200c\u200cشود", "می شود"),  # runs collapse
        ("پـــرداخت", "پرداخت"),  # tatweel
        ("مُحَمَّد", "محمد"),  # harakat and shadda
        ("  قبض   آب  ", "قبض آب"),  # spaces trimmed and folded
        ("Water BILL", "water bill"),  # Latin case-folded
        ("\u2068https://my.gov.ir\u2069", "https://my.gov.ir"),  # isolates are not content
        ("ﻛﺎﺭﺕ", "کارت"),  # presentation forms (old systems) to letters
        ("خانۀ", "خانه"),
        ("", ""),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_normalize_is_idempotent() -> None:
    text = "درخواست‌های  ثبت‌شده ۱۴۰۵ ي ك"
    assert normalize(normalize(text)) == normalize(text)


def test_digit_conversion_round_trip() -> None:
    assert to_ascii_digits("۰۹۱۲-٣٤٥ abc") == "0912-345 abc"
    assert to_persian_digits("0912 ٣٤٥") == "۰۹۱۲ ۳۴۵"
    assert to_ascii_digits(to_persian_digits("0123456789")) == "0123456789"


def test_isolates_wrap_text() -> None:
    assert isolate("abc") == f"{FSI}abc{PDI}"
    assert isolate_ltr("*4#") == f"{LRI}*4#{PDI}"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("به my.gov.ir بروید.", f"به {LRI}my.gov.ir{PDI} بروید."),
        ("نشانی https://my.tax.gov.ir/login را باز کنید", f"نشانی {LRI}https://my.tax.gov.ir/login{PDI} را باز کنید"),
        ("کد *4# را بگیرید.", f"کد {LRI}*۴#{PDI} را بگیرید."),
        ("کد *۱۲۳*۴# را بگیرید", f"کد {LRI}*۱۲۳*۴#{PDI} را بگیرید"),
        ("تلفن 021-3322 است", f"تلفن {LRI}۰۲۱-۳۳۲۲{PDI} است"),
        ("ظرف 10 روز", "ظرف ۱۰ روز"),
        ("اپلیکیشن Bargh-e Man را نصب کنید", f"اپلیکیشن {LRI}Bargh-e Man{PDI} را نصب کنید"),
        ("سامانه site1.ir", f"سامانه {LRI}site1.ir{PDI}"),
        ("بدون متن لاتین", "بدون متن لاتین"),
    ],
)
def test_for_persian_display(raw: str, expected: str) -> None:
    assert for_persian_display(raw) == expected


@pytest.mark.parametrize("written", ["رئیسی", "مؤمنی", "تأمین", "جزء", "مسئول"])
def test_the_hamza_letters_are_stored_as_written_and_matched_as_their_base_letters(written: str) -> None:
    """The keyboard types ئ ؤ أ ء; a name is stored as the citizen spelled it (it was stored as
    «رییسی», «مومنی»), and search still finds either spelling."""
    assert normalize_for_storage(written) == written
    plain = written.replace("ئ", "ی").replace("ؤ", "و").replace("أ", "ا")
    assert normalize(written) == normalize(plain)
    assert normalize_for_storage("علي كاظمي") == "علی کاظمی", "Arabic yeh and kaf still become Persian"
