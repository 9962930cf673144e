"""Bad data from citizens: every validator and normaliser, fed anything at all, never raises an
unexpected exception, and every normaliser is idempotent (normalising twice changes nothing).

200 hypothesis examples per property in the fast run; 10,000 with ``KIOSK_RELIABILITY=full``.
Inputs mix what kiosks really receive (Persian, Arabic and ASCII digits, Arabic ي/ك, ZWNJ,
direction marks and isolates, tatweel, diacritics, spaces, dashes, Latin) with arbitrary Unicode.
Normalisers documented to refuse bad input with ValueError may do so, and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.core import persian, tracking, validators
from kiosk.core.datafile import LocalText
from kiosk.core.forms import FIELD_KINDS, Choice, FormField, check_field
from tests.support.reliability import EXAMPLES

KIOSK_ALPHABET = (
    "0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩"  # ASCII, Persian, Arabic-Indic digits
    "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكةۀأإآ"  # Persian letters with Arabic ي ك ة among them
    " \t\n\r-+/.*#_IRirABCxyz"
    "\u200c\u200d\u200e\u200f\u2066\u2067\u2068\u2069\u00a0\u202f\u0640"  # ZWNJ, ZWJ, marks, isolates, tatweel
    "\u064b\u064e\u0650\u0651\u0652\u0670"  # diacritics
)
kiosk_text = st.text(alphabet=KIOSK_ALPHABET, max_size=40)
any_text = st.one_of(kiosk_text, st.text(max_size=40))
digit_text = st.text(alphabet="0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩ -+\u200c", max_size=30)
inputs = st.one_of(any_text, digit_text)

NORMALISERS: dict[str, Callable[[str], str]] = {
    "persian.normalize": persian.normalize,
    "persian.normalize_for_storage": persian.normalize_for_storage,
    "persian.normalize_for_storage(keep_lines)": lambda t: persian.normalize_for_storage(t, keep_lines=True),
    "persian.to_ascii_digits": persian.to_ascii_digits,
    "persian.to_persian_digits": persian.to_persian_digits,
    "validators.digits_only": validators.digits_only,
}
# Normalisers that refuse what is not valid, with ValueError (and only that).
REFUSING: dict[str, Callable[[str], str]] = {
    "validators.normalize_national_id": validators.normalize_national_id,
    "validators.normalize_mobile": validators.normalize_mobile,
    "validators.normalize_sheba": validators.normalize_sheba,
    "tracking.normalize_tracking_code": tracking.normalize_tracking_code,
}
VALIDATORS: dict[str, Callable[[str], bool]] = {
    "validators.is_valid_national_id": validators.is_valid_national_id,
    "validators.is_valid_postal_code": validators.is_valid_postal_code,
    "validators.is_valid_legal_entity_id": validators.is_valid_legal_entity_id,
    "validators.is_valid_sheba": validators.is_valid_sheba,
    "tracking.is_valid_tracking_code": tracking.is_valid_tracking_code,
}
# What each refusing normaliser's output must pass.
CHECKS: dict[str, Callable[[str], bool]] = {
    "validators.normalize_national_id": validators.is_valid_national_id,
    "validators.normalize_mobile": lambda v: len(v) == 11 and v.startswith("09") and v.isascii() and v.isdigit(),
    "validators.normalize_sheba": validators.is_valid_sheba,
    "tracking.normalize_tracking_code": tracking.is_valid_tracking_code,
}


@pytest.mark.parametrize("name", NORMALISERS)
@EXAMPLES
@given(text=inputs)
def test_normalisers_never_raise_and_are_idempotent(name: str, text: str) -> None:
    normalise = NORMALISERS[name]
    once = normalise(text)
    assert isinstance(once, str)
    assert normalise(once) == once


@pytest.mark.parametrize("name", REFUSING)
@EXAMPLES
@given(text=inputs)
def test_refusing_normalisers_raise_only_value_error_and_are_idempotent(name: str, text: str) -> None:
    normalise = REFUSING[name]
    try:
        once = normalise(text)
    except ValueError:
        return
    assert normalise(once) == once
    assert CHECKS[name](once)


@pytest.mark.parametrize("name", VALIDATORS)
@EXAMPLES
@given(text=inputs)
def test_validators_answer_yes_or_no_for_anything(name: str, text: str) -> None:
    assert VALIDATORS[name](text) in (True, False)


@EXAMPLES
@given(text=inputs)
def test_national_id_problem_is_one_of_the_known_reasons(text: str) -> None:
    assert validators.national_id_problem(text) in (None, "empty", "format", "repeated", "checksum")


@EXAMPLES
@given(text=inputs)
def test_display_forms_never_raise(text: str) -> None:
    shown = persian.for_persian_display(text)
    assert isinstance(shown, str) and persian.isolate(text).endswith(text + "\u2069")
    assert persian.to_ascii_digits(persian.to_persian_digits(text)) == persian.to_ascii_digits(text)


def field_of(kind: str) -> FormField:
    label = LocalText("پرسش", "Question")
    choices = (Choice("a", LocalText("الف", "A")), Choice("b", LocalText("ب", "B"))) if kind == "choice" else ()
    return FormField(id="q", kind=kind, label=label, max_length=60, min_digits=3, max_digits=12, choices=choices)


@pytest.mark.parametrize("kind", FIELD_KINDS)
@EXAMPLES
@given(raw=st.one_of(inputs, st.booleans()))
def test_every_form_field_kind_checks_anything_without_raising(kind: str, raw: str | bool) -> None:
    value, problem = check_field(field_of(kind), raw, date(2026, 11, 23))
    assert isinstance(value, (str, bool))
    assert problem is None or value in ("", False), "a refused answer is stored as nothing"
    if problem is None and isinstance(value, str) and value and kind == "jalali_date":
        date.fromisoformat(value)  # stored as an ISO Gregorian date, shown as Jalali
    elif problem is None and isinstance(value, str) and kind != "long_text":
        again, problem_again = check_field(field_of(kind), value, date(2026, 11, 23))
        assert problem_again is None and again == value, "a cleaned answer must pass again unchanged"


def test_normalize_for_storage_is_idempotent_around_a_carriage_return() -> None:
    once = persian.normalize_for_storage("\r\u200c0")
    assert persian.normalize_for_storage(once) == once
