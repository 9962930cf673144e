"""Checks for what citizens type: national ID, mobile, postal code, legal-entity ID, Sheba.

Every function first turns Persian and Arabic-Indic digits into ASCII (Qt's ``\\d`` does not match
Persian digits while Python's ``\\d`` and ``int()`` do; normalising first makes them agree), and
values are kept as text, never as integers (leading zeros matter).
"""

from __future__ import annotations

import re

from kiosk.core.persian import to_ascii_digits

_SEPARATORS = re.compile(r"[\s\-\u200c\u200e\u200f\u2066-\u2069]+")


def digits_only(value: str) -> str:
    """ASCII digits of a value typed with any digits, spaces and dashes; other characters kept."""
    return _SEPARATORS.sub("", to_ascii_digits(value))


# --- national ID (کد ملی) ----------------------------------------------------------------------


def national_id_problem(value: str) -> str | None:
    """Why a national ID is not acceptable, or None: 'empty', 'format', 'repeated' or 'checksum'.

    'repeated' (all ten digits the same) passes the check-digit rule but is never issued; the
    citizen is sent to staff rather than told their code is wrong.
    """
    digits = digits_only(value)
    if not digits:
        return "empty"
    if not digits.isascii() or not digits.isdigit() or not 8 <= len(digits) <= 10:
        return "format"
    digits = digits.zfill(10)
    if len(set(digits)) == 1:
        return "repeated"
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    remainder = total % 11
    check = int(digits[9])
    expected = remainder if remainder < 2 else 11 - remainder
    return None if check == expected else "checksum"


def is_valid_national_id(value: str) -> bool:
    return national_id_problem(value) is None


def normalize_national_id(value: str) -> str:
    """The ten ASCII digits of a valid national ID (8 or 9 digits are left-padded)."""
    problem = national_id_problem(value)
    if problem:
        raise ValueError(f"not a valid national ID ({problem})")
    return digits_only(value).zfill(10)


# --- mobile ------------------------------------------------------------------------------------


def normalize_mobile(value: str) -> str:
    """An Iranian mobile number in any common form, as ``09xxxxxxxxx``; ValueError otherwise.

    Accepts 09xxxxxxxxx, 9xxxxxxxxx, 989…, +989…, 00989…, with spaces or dashes, in any digits.
    The operator prefix is not checked: numbers move between operators.
    """
    digits = digits_only(value)
    if not digits:
        raise ValueError("empty")
    if digits.startswith("+98"):
        rest = digits[3:]
    elif digits.startswith("0098"):
        rest = digits[4:]
    elif digits.startswith("98") and len(digits) == 12:
        rest = digits[2:]
    elif digits.startswith("0"):
        rest = digits[1:]
    else:
        rest = digits
    if not rest.isascii() or not rest.isdigit():
        raise ValueError("a mobile number has only digits")
    if len(rest) != 10:
        raise ValueError(f"a mobile number has 11 digits starting 09; this has {len(rest) + 1}")
    if not rest.startswith("9"):
        raise ValueError("a mobile number starts with 09")
    return "0" + rest


# --- postal code -------------------------------------------------------------------------------


def is_valid_postal_code(value: str) -> bool:
    """Any ten digits, with an optional dash (12345-67890); no folk rules about which digits."""
    digits = digits_only(value)
    return len(digits) == 10 and digits.isascii() and digits.isdigit()


# --- legal-entity ID (شناسه ملی اشخاص حقوقی) ----------------------------------------------------

_LEGAL_WEIGHTS = (29, 27, 23, 19, 17, 29, 27, 23, 19, 17)


def is_valid_legal_entity_id(value: str) -> bool:
    """The 11-digit national ID of a company or organisation, with its check digit."""
    digits = digits_only(value)
    if len(digits) != 11 or not digits.isascii() or not digits.isdigit() or len(set(digits)) == 1:
        return False
    offset = int(digits[9]) + 2
    total = sum((int(d) + offset) * w for d, w in zip(digits[:10], _LEGAL_WEIGHTS, strict=True))
    remainder = total % 11
    return (0 if remainder == 10 else remainder) == int(digits[10])


# --- Sheba (IBAN) ------------------------------------------------------------------------------


def normalize_sheba(value: str) -> str:
    """An Iranian IBAN as ``IR`` + 24 digits; ValueError if the form or the mod-97 check fails."""
    text = digits_only(value).upper()
    if not text.startswith("IR"):
        text = "IR" + text
    if len(text) != 26 or not text[2:].isascii() or not text[2:].isdigit():
        raise ValueError("a Sheba number is IR followed by 24 digits")
    rearranged = text[4:] + "1827" + text[2:4]  # I=18, R=27, then the check digits
    if int(rearranged) % 97 != 1:
        raise ValueError("the Sheba number's check digits do not match")
    return text


def is_valid_sheba(value: str) -> bool:
    try:
        normalize_sheba(value)
    except ValueError:
        return False
    return True
