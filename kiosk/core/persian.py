"""Persian text normalisation and digit shaping, shared by search, validation and display."""

from __future__ import annotations

import re
import unicodedata

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
ASCII_DIGITS = "0123456789"

ZWNJ = "\u200c"
ZWJ = "\u200d"
TATWEEL = "\u0640"

# Unicode directional isolates: wrap Latin text and numbers that sit inside a Persian sentence
# so the bidi algorithm never reorders them with their neighbours.
LRI = "\u2066"
RLI = "\u2067"
FSI = "\u2068"
PDI = "\u2069"

_TO_ASCII_DIGITS = str.maketrans(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, ASCII_DIGITS * 2)
_TO_PERSIAN_DIGITS = str.maketrans(ASCII_DIGITS + ARABIC_INDIC_DIGITS, PERSIAN_DIGITS * 2)

# Arabic letter forms that Persian keyboards and old systems still produce.
_ARABIC_TO_PERSIAN_LETTERS = str.maketrans(
    {
        "\u064a": "\u06cc",  # ي Arabic yeh -> ی
        "\u0649": "\u06cc",  # ى alef maksura -> ی
        "\u0643": "\u06a9",  # ك Arabic kaf -> ک
        "\u0629": "\u0647",  # ة teh marbuta -> ه
        "\u06c0": "\u0647",  # ۀ heh with yeh above -> ه
        "\u0623": "\u0627",  # أ -> ا
        "\u0625": "\u0627",  # إ -> ا
        "\u0671": "\u0627",  # ٱ -> ا
        "\u0624": "\u0648",  # ؤ -> و
        "\u0626": "\u06cc",  # ئ -> ی
    }
)

# What a citizen types is stored with the hamza letters as written: «رئیسی», «مؤمنی», «تأمین» are
# how those names and words are spelled (on an ID card too); only matching treats ئ ؤ أ as ی و ا.
_STORAGE_LETTERS = str.maketrans(
    {c: t for c, t in ((chr(k), v) for k, v in _ARABIC_TO_PERSIAN_LETTERS.items()) if c not in "أؤئ"}
)

# Harakat, tanwin, shadda, sukun, superscript alef and Quranic marks: ignored when matching.
_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
_SPACES = re.compile(r"[\s\u200c\u200d\u200e\u200f\u2066-\u2069\u00a0\u202f]+")


def to_ascii_digits(text: str) -> str:
    """Persian and Arabic-Indic digits to ASCII; everything else untouched."""
    return text.translate(_TO_ASCII_DIGITS)


def to_persian_digits(text: str) -> str:
    """ASCII and Arabic-Indic digits to Persian; everything else untouched."""
    return text.translate(_TO_PERSIAN_DIGITS)


def normalize(text: str) -> str:
    """Canonical form of Persian text for matching and storage.

    Arabic ي/ك become Persian ی/ک, every kind of digit becomes ASCII, diacritics and tatweel are
    dropped, and runs of spaces, ZWNJ and direction marks become one space. Latin letters are
    case-folded. The result is for comparing and storing, not for display.
    """
    text = unicodedata.normalize("NFKC", text) if not text.isascii() else text
    text = text.translate(_ARABIC_TO_PERSIAN_LETTERS).translate(_TO_ASCII_DIGITS)
    text = text.replace(TATWEEL, "")
    text = _DIACRITICS.sub("", text)
    text = _SPACES.sub(" ", text)
    return text.strip().casefold()


_LINE_SPACES = re.compile(r"(?:[^\S\n]|[\u200e\u200f\u2066-\u2069])+")  # spaces and marks, not line breaks
_ZWNJ_RUNS = re.compile("[\u200c\u200d]*\u200c[\u200c\u200d]*")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def normalize_for_storage(text: str, keep_lines: bool = False) -> str:
    """What a citizen typed, in the form it is stored and sent: ``normalize``'s letters and digits.

    Arabic ي/ك become ی/ک, every digit becomes ASCII, tatweel and diacritics go, spaces are
    folded. Unlike ``normalize`` (which is for matching), the zero-width non-joiner, letter case
    and the hamza letters ئ ؤ أ are kept, because they are part of how a name or address is
    written; with
    ``keep_lines`` single line breaks of a long text are kept too.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_STORAGE_LETTERS).translate(_TO_ASCII_DIGITS)
    text = _DIACRITICS.sub("", text.replace(TATWEEL, ""))
    text = _ZWNJ_RUNS.sub(ZWNJ, text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n") if keep_lines else [text.replace("\n", " ")]
    cleaned = "\n".join(_LINE_SPACES.sub(" ", line).strip(" " + ZWNJ) for line in lines)
    return _BLANK_LINES.sub("\n", cleaned).strip("\n")


def isolate(text: str) -> str:
    """Wrap text in first-strong isolates so it keeps its own direction inside any sentence."""
    return f"{FSI}{text}{PDI}"


def isolate_ltr(text: str) -> str:
    """Wrap text (an address, a code, a number) in a left-to-right isolate."""
    return f"{LRI}{text}{PDI}"


# Runs that must read left to right inside a Persian sentence: web addresses and other Latin
# text, USSD codes (*123#), and digit groups joined by dashes or slashes (021-3322, 1405/09/02).
_LTR_RUN = re.compile(
    r"(?:https?://)?[A-Za-z][A-Za-z0-9@._/:?=&%+~-]*(?:[ ][A-Za-z][A-Za-z0-9@._/:?=&%+~-]*)*[A-Za-z0-9/]"
    r"|[*#][0-9۰-۹٠-٩*#]*#"
    r"|[0-9۰-۹]+(?:[-/][0-9۰-۹]+)+"
)


def for_persian_display(text: str) -> str:
    """Persian text ready to show: digits made Persian and left-to-right runs isolated.

    Latin runs keep their own digits (an address like ``site1.ir`` must stay typeable); digits
    elsewhere become Persian; each left-to-right run is wrapped in LRI..PDI so punctuation around
    it never jumps to the wrong side.
    """
    out: list[str] = []
    last = 0
    for match in _LTR_RUN.finditer(text):
        out.append(to_persian_digits(text[last : match.start()]))
        run = match.group(0)
        latin = run[0].isascii() and run[0].isalpha()
        out.append(isolate_ltr(run if latin else to_persian_digits(run)))
        last = match.end()
    out.append(to_persian_digits(text[last:]))
    return "".join(out)
