"""Tracking codes: digits only, 12 at most, unique across kiosks without coordination, with a
check digit that catches every single wrong digit and every swap of neighbouring digits.

Layout (12 digits): ``KKK SSSSSSSS C``
- ``KKK``: the kiosk number, 001-999, assigned by the technician; it makes codes from different
  kiosks distinct without any kiosk talking to another.
- ``SSSSSSSS``: a sequence that never repeats on one kiosk number: the largest of "last + 1",
  the central server's floor + 1 and the number of 10-second ticks since 2026-01-01 UTC. "last + 1"
  keeps a clock that jumps backwards from reusing numbers. The floor is the highest sequence the
  server holds for this kiosk number, told in its answer to every heartbeat (the first is sent when
  delivery starts): a busy kiosk's "last + 1" runs ahead of the clock, so after its outbox is lost
  or replaced (damage, a new PC with the same number) the clock alone restarts below codes already
  issued. The clock still covers codes issued before the outbox was lost but never delivered.
  Eight digits of ticks last until about 2057.
- ``C``: a Damm check digit. Damm's quasigroup detects all single-digit errors and all adjacent
  transpositions, the two mistakes people make reading a code over the phone.
"""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk.core.persian import to_ascii_digits

KIOSK_DIGITS = 3
SEQUENCE_DIGITS = 8
CODE_LENGTH = KIOSK_DIGITS + SEQUENCE_DIGITS + 1
MAX_KIOSK_NUMBER = 10**KIOSK_DIGITS - 1
MAX_SEQUENCE = 10**SEQUENCE_DIGITS - 1
# The clock may push the sequence up to here, never further: a clock that once reads decades ahead
# must not use up the codes. The million left are "last + 1" codes, years of a busy kiosk's requests.
CLOCK_CEILING = MAX_SEQUENCE - 1_000_000

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
TICK_SECONDS = 10

# The Damm operation table: a totally anti-symmetric quasigroup of order 10 with zero diagonal.
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


def damm_check_digit(digits: str) -> str:
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][int(ch)]
    return str(interim)


def _clean(code: str) -> str:
    """Accept what a citizen types: any kind of digits, with spaces or dashes between groups."""
    return to_ascii_digits(code).replace(" ", "").replace("-", "").replace("\u200c", "")


def is_valid_tracking_code(code: str) -> bool:
    digits = _clean(code)
    if len(digits) != CODE_LENGTH or not digits.isascii() or not digits.isdigit():
        return False
    if int(digits[:KIOSK_DIGITS]) == 0:
        return False
    return damm_check_digit(digits) == "0"


def normalize_tracking_code(code: str) -> str:
    """The canonical 12 ASCII digits of a valid code; ValueError for anything else."""
    digits = _clean(code)
    if not is_valid_tracking_code(digits):
        raise ValueError("not a valid tracking code")
    return digits


def clock_sequence(now: datetime) -> int:
    """The sequence floor the clock gives: 10-second ticks since the epoch (0 before it)."""
    ticks = int((now - EPOCH).total_seconds()) // TICK_SECONDS
    return max(0, min(ticks, CLOCK_CEILING))


def next_sequence(last: int, now: datetime, floor: int = 0) -> int:
    """The sequence for the next code on a kiosk whose last issued sequence was ``last``, above
    ``floor`` (the highest sequence the central server holds for this kiosk number)."""
    sequence = max(last + 1, floor + 1, clock_sequence(now))
    if sequence > MAX_SEQUENCE:
        raise OverflowError("this kiosk has used up its tracking-code sequence")
    return sequence


def make_tracking_code(kiosk_number: int, sequence: int) -> str:
    if not 1 <= kiosk_number <= MAX_KIOSK_NUMBER:
        raise ValueError(f"kiosk number must be 1 to {MAX_KIOSK_NUMBER}, not {kiosk_number}")
    if not 0 <= sequence <= MAX_SEQUENCE:
        raise ValueError(f"sequence must be 0 to {MAX_SEQUENCE}, not {sequence}")
    body = f"{kiosk_number:0{KIOSK_DIGITS}d}{sequence:0{SEQUENCE_DIGITS}d}"
    return body + damm_check_digit(body)


def format_for_reading(code: str) -> str:
    """Groups of four, easier to read aloud: 0071 2345 6789."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))
