"""kiosk.core.validators: what citizens type, in any digits, checked the published way."""

from __future__ import annotations

import re

import pytest

from kiosk.core.persian import to_persian_digits
from kiosk.core.validators import (
    is_valid_legal_entity_id,
    is_valid_national_id,
    is_valid_postal_code,
    is_valid_sheba,
    national_id_problem,
    normalize_mobile,
    normalize_national_id,
    normalize_sheba,
)


def make_national_id(first_nine: str) -> str:
    total = sum(int(d) * (10 - i) for i, d in enumerate(first_nine))
    r = total % 11
    return first_nine + str(r if r < 2 else 11 - r)


VALID_IDS = [make_national_id(n) for n in ("001234567", "208765432", "499999990", "123456789", "000012345")]


@pytest.mark.parametrize("national_id", VALID_IDS)
def test_valid_national_ids_in_any_digits(national_id: str) -> None:
    assert is_valid_national_id(national_id)
    assert is_valid_national_id(to_persian_digits(national_id))
    assert is_valid_national_id(national_id.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")))
    assert is_valid_national_id(f"  {national_id[:3]}-{national_id[3:9]}-{national_id[9]} ")
    assert normalize_national_id(to_persian_digits(national_id)) == national_id


def test_short_ids_are_left_padded() -> None:
    full = make_national_id("001234567")
    assert full.startswith("00")
    assert is_valid_national_id(full[2:])  # 8 digits
    assert is_valid_national_id(full[1:])  # 9 digits
    assert normalize_national_id(full[2:]) == full


def test_every_single_digit_change_breaks_a_national_id() -> None:
    nid = VALID_IDS[1]
    for position in range(10):
        for digit in "0123456789":
            if digit != nid[position]:
                changed = nid[:position] + digit + nid[position + 1 :]
                assert not is_valid_national_id(changed)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("1234567", "format"),
        ("12345678901", "format"),
        ("12345abc90", "format"),
        ("1111111111", "repeated"),
        ("۰۰۰۰۰۰۰۰۰۰", "repeated"),
        ("0012345670", "checksum"),
    ],
)
def test_national_id_problems(value: str, problem: str) -> None:
    assert national_id_problem(value) == problem
    assert not is_valid_national_id(value)


def test_qt_and_python_digit_rules_agree_after_normalising() -> None:
    persian = to_persian_digits(VALID_IDS[0])
    assert re.fullmatch(r"\d{10}", persian)  # Python's \d matches Persian digits...
    assert is_valid_national_id(persian)  # ...and the validator normalises before checking


@pytest.mark.parametrize(
    "raw",
    [
        "09121234567",
        "9121234567",
        "989121234567",
        "+989121234567",
        "00989121234567",
        "0912 123 4567",
        "+98 912-123-4567",
        "۰۹۱۲۱۲۳۴۵۶۷",
        "٠٩١٢١٢٣٤٥٦٧",
    ],
)
def test_mobile_forms(raw: str) -> None:
    assert normalize_mobile(raw) == "09121234567"


def test_unknown_operator_prefix_is_accepted() -> None:
    assert normalize_mobile("09991234567") == "09991234567"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        ("0912123456", "11 digits"),
        ("091212345678", "11 digits"),
        ("02112345678", "starts with 09"),
        ("0912abc4567", "only digits"),
    ],
)
def test_bad_mobiles_say_why(raw: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        normalize_mobile(raw)


@pytest.mark.parametrize(
    ("value", "ok"),
    [("1234567890", True), ("12345-67890", True), ("۱۲۳۴۵۶۷۸۹۰", True), ("0000000000", True),
     ("123456789", False), ("12345678901", False), ("12345abcde", False), ("", False)],
)  # fmt: skip
def test_postal_codes(value: str, ok: bool) -> None:
    assert is_valid_postal_code(value) is ok


def test_legal_entity_ids() -> None:
    assert is_valid_legal_entity_id("10101234584") is _legal_ok("10101234584")
    valid = next(f"1010123458{d}" for d in "0123456789" if _legal_ok(f"1010123458{d}"))
    assert is_valid_legal_entity_id(valid)
    assert is_valid_legal_entity_id(to_persian_digits(valid))
    assert not is_valid_legal_entity_id(valid[:-1] + str((int(valid[-1]) + 1) % 10))
    assert not is_valid_legal_entity_id("11111111111")
    assert not is_valid_legal_entity_id("123")


def _legal_ok(code: str) -> bool:
    weights = (29, 27, 23, 19, 17, 29, 27, 23, 19, 17)
    offset = int(code[9]) + 2
    r = sum((int(d) + offset) * w for d, w in zip(code[:10], weights, strict=True)) % 11
    return (0 if r == 10 else r) == int(code[10])


def test_sheba() -> None:
    body = "017000000123456789012"  # bank code + account, 22 digits
    body = body.zfill(22)
    check = 98 - int(body + "1827" + "00") % 97
    sheba = f"IR{check:02d}{body}"
    assert is_valid_sheba(sheba)
    assert normalize_sheba(to_persian_digits(sheba[2:])) == sheba
    assert normalize_sheba(" ir" + sheba[2:6] + " " + sheba[6:]) == sheba
    assert not is_valid_sheba(sheba[:-1] + str((int(sheba[-1]) + 1) % 10))
    with pytest.raises(ValueError, match="24 digits"):
        normalize_sheba("IR12")
