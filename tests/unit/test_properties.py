"""Property-based tests (Hypothesis) for normalisation and the validators: whatever digits,
letter forms and separators a citizen or an old system produces, the answer does not change."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.persian import (
    ARABIC_INDIC_DIGITS,
    PERSIAN_DIGITS,
    ZWNJ,
    normalize,
    normalize_for_storage,
    to_ascii_digits,
)
from kiosk.core.tracking import damm_check_digit, is_valid_tracking_code, make_tracking_code
from kiosk.core.validators import is_valid_national_id, is_valid_postal_code, normalize_national_id

PERSIAN_LETTERS = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
persian_text = st.text(alphabet=PERSIAN_LETTERS + " " + ZWNJ + PERSIAN_DIGITS + "0123456789", max_size=40)
digit_kind = st.sampled_from(["ascii", "persian", "arabic"])


def shape(text: str, kind: str) -> str:
    table = {"persian": PERSIAN_DIGITS, "arabic": ARABIC_INDIC_DIGITS}.get(kind)
    return text if table is None else "".join(table[int(c)] if "0" <= c <= "9" else c for c in text)


def arabic_forms(text: str) -> str:
    return text.replace("ی", "ي").replace("ک", "ك")


@given(persian_text)
def test_normalize_is_idempotent(text: str) -> None:
    assert normalize(normalize(text)) == normalize(text)
    assert normalize_for_storage(normalize_for_storage(text)) == normalize_for_storage(text)


@given(persian_text, digit_kind)
def test_letter_and_digit_forms_do_not_matter(text: str, kind: str) -> None:
    variant = shape(arabic_forms(text), kind)
    assert normalize(variant) == normalize(text)
    assert normalize_for_storage(variant) == normalize_for_storage(text)


@given(persian_text)
def test_zwnj_and_space_are_interchangeable_for_matching_but_zwnj_is_stored(text: str) -> None:
    assert normalize(text.replace(ZWNJ, " ")) == normalize(text)
    stored = normalize_for_storage(text)
    assert not any(ch in stored for ch in "\u064a\u0643۰۱۲۳۴۵۶۷۸۹")


@given(st.text(alphabet="0123456789", min_size=10, max_size=10), digit_kind, st.sampled_from(["", " ", "-"]))
def test_national_id_ignores_digit_kind_and_separators(value: str, kind: str, sep: str) -> None:
    typed = shape(f"{value[:3]}{sep}{value[3:9]}{sep}{value[9]}", kind)
    assert is_valid_national_id(typed) == is_valid_national_id(value)
    if is_valid_national_id(value):
        assert normalize_national_id(typed) == value


@given(st.text(alphabet="0123456789", min_size=8, max_size=9))
def test_short_national_ids_are_left_padded(value: str) -> None:
    assert is_valid_national_id(value) == is_valid_national_id(value.zfill(10))


@given(st.text(alphabet="0123456789", min_size=0, max_size=14), digit_kind)
def test_postal_code_is_exactly_ten_digits_in_any_form(value: str, kind: str) -> None:
    assert is_valid_postal_code(shape(value, kind)) == (len(value) == 10)
    if len(value) == 10:
        assert is_valid_postal_code(shape(f"{value[:5]}-{value[5:]}", kind))


@given(st.integers(1, 999), st.integers(0, 10**8 - 1), st.integers(0, 11), st.integers(1, 9))
def test_tracking_codes_catch_any_single_wrong_digit(kiosk: int, sequence: int, place: int, shift: int) -> None:
    code = make_tracking_code(kiosk, sequence)
    assert is_valid_tracking_code(code)
    wrong = code[:place] + str((int(code[place]) + shift) % 10) + code[place + 1 :]
    assert damm_check_digit(wrong) != "0"


@given(st.integers(1, 999), st.integers(0, 10**8 - 1), st.integers(0, 10))
def test_tracking_codes_catch_any_swap_of_neighbours(kiosk: int, sequence: int, place: int) -> None:
    code = make_tracking_code(kiosk, sequence)
    swapped = code[:place] + code[place + 1] + code[place] + code[place + 2 :]
    if swapped != code:
        assert damm_check_digit(swapped) != "0"
        assert to_ascii_digits(swapped) == swapped
