"""kiosk.core.tracking: codes are unique per kiosk, short, and catch the usual reading mistakes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kiosk.core.persian import to_persian_digits
from kiosk.core.tracking import (
    CODE_LENGTH,
    EPOCH,
    format_for_reading,
    is_valid_tracking_code,
    make_tracking_code,
    next_sequence,
    normalize_tracking_code,
)

SAMPLE_CODES = [make_tracking_code(k, s) for k in (1, 7, 42, 999) for s in (0, 1, 12345, 3_140_000, 99_999_999)]


def test_codes_are_twelve_digits_and_valid() -> None:
    for code in SAMPLE_CODES:
        assert len(code) == CODE_LENGTH <= 12
        assert code.isdigit()
        assert is_valid_tracking_code(code)


def test_every_single_digit_error_is_caught() -> None:
    for code in SAMPLE_CODES:
        for position in range(len(code)):
            for digit in "0123456789":
                if digit != code[position]:
                    wrong = code[:position] + digit + code[position + 1 :]
                    assert not is_valid_tracking_code(wrong), (code, wrong)


def test_every_neighbour_swap_is_caught() -> None:
    for code in SAMPLE_CODES:
        for i in range(len(code) - 1):
            if code[i] != code[i + 1]:
                swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
                assert not is_valid_tracking_code(swapped), (code, swapped)


def test_typed_back_in_any_digits_with_spaces() -> None:
    code = make_tracking_code(7, 3_140_000)
    assert is_valid_tracking_code(to_persian_digits(format_for_reading(code)))
    assert normalize_tracking_code(" " + "-".join([code[:4], code[4:8], code[8:]])) == code


@pytest.mark.parametrize("bad", ["", "12345", "1234567890123", "abcdefghijkl", "000123456789"])
def test_malformed_codes_are_refused(bad: str) -> None:
    assert not is_valid_tracking_code(bad)
    with pytest.raises(ValueError):
        normalize_tracking_code(bad)


def test_kiosks_never_collide() -> None:
    codes = {make_tracking_code(k, s) for k in range(1, 60) for s in range(0, 200)}
    assert len(codes) == 59 * 200


def test_sequence_follows_the_clock_and_never_goes_back() -> None:
    now = EPOCH + timedelta(days=100)
    first = next_sequence(0, now)
    assert first == 100 * 24 * 360
    assert next_sequence(first, now) == first + 1  # a burst within one tick
    # The clock jumps back a year: the sequence still moves forward.
    assert next_sequence(first + 1, now - timedelta(days=365)) == first + 2
    # The outbox was wiped (last = 0) but the clock is right: no old number comes back.
    assert next_sequence(0, now + timedelta(seconds=20)) > first + 1


def test_bad_inputs() -> None:
    with pytest.raises(ValueError):
        make_tracking_code(0, 1)
    with pytest.raises(ValueError):
        make_tracking_code(1000, 1)
    with pytest.raises(OverflowError):
        next_sequence(99_999_999, datetime.now(UTC))
