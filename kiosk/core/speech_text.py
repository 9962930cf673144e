"""Text prepared for a speech engine: what the screen shows, written the way it should be heard.

A speech engine reads what it is given: espeak-ng's Persian voice reads a tracking code written
as one number as a large number ("two thousand nine hundred and thirty-three"), a Jalali date with
the English word "slash", a time as «ده دونقطه سی», and drops the ezafe unless a kasra is written.
The functions here write those things out in words (Persian or English), for any engine:

- ``digit_by_digit``: codes and phone numbers one digit at a time, in groups with a pause between;
- ``number_words``, ``ordinal_words``: whole numbers in words («هزار و چهارصد و پنج», "twelfth");
- ``date_words``, ``time_words``: a Jalali date and a clock time («پانزدهم آذر هزار و چهارصد و پنج»,
  «ساعت ده و سی دقیقه»);
- ``rial_words``: an amount in words with its currency («پنجاه هزار تومان»);
- ``ussd_words``, ``address_words``: a USSD code and a web address spelled sensibly;
- ``with_ezafe``: a kasra after the head nouns that take one («قبضِ آب», «شمارهٔ همراه»);
- ``for_speech``: a whole line of screen text with all of the above applied to what it holds.

Nothing here knows Qt or an audio device; each function is tested by the phonemes espeak-ng makes
of its output (``espeak-ng -v fa -x``).
"""

from __future__ import annotations

import re

from kiosk.core.persian import to_ascii_digits

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
PAUSE = "، "  # a comma: the voice pauses
EN_PAUSE = ", "

# «نُه» with its damma: plain «نه» is read "na" (no), not "noh" (nine).
_ONES_FA = ("صفر", "یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نُه")
# The «و» between a number's parts is said "o" and written as a damma on the part before it
# («هزارُ چهارصدُ پنج»): a written «و» is read "va".
_AND_FA = "\u064f "
_TEENS_FA = ("ده", "یازده", "دوازده", "سیزده", "چهارده", "پانزده", "شانزده", "هفده", "هجده", "نوزده")
_TENS_FA = ("", "", "بیست", "سی", "چهل", "پنجاه", "شصت", "هفتاد", "هشتاد", "نود")
_HUNDREDS_FA = ("", "صد", "دویست", "سیصد", "چهارصد", "پانصد", "ششصد", "هفتصد", "هشتصد", "نهصد")
_SCALES_FA = ((10**9, "میلیارد"), (10**6, "میلیون"), (1000, "هزار"))

_ONES_EN = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEENS_EN = (
    "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
)  # fmt: skip
_TENS_EN = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_SCALES_EN = ((10**9, "billion"), (10**6, "million"), (1000, "thousand"))
_ORDINAL_EN = {
    "one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth", "nine": "ninth",
    "twelve": "twelfth",
}  # fmt: skip

MONTHS_FA = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")
MONTHS_EN = (
    "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar", "Mehr", "Aban", "Azar", "Dey", "Bahman",
    "Esfand",
)  # fmt: skip


def digit_by_digit(text: str, language: str = "fa", group: int = 0) -> str:
    """The digits of ``text`` one at a time (any digits; anything else dropped), in groups as the
    text has them (spaces or dashes), or of ``group`` digits when given, a pause between groups:
    «۰۰۱۰ ۲۹۴۵» → «۰ ۰ ۱ ۰، ۲ ۹ ۴ ۵». Persian speaks each digit as its own word; English gets the
    digits' names."""
    ascii_text = to_ascii_digits(text)
    groups = re.findall(r"[0-9]+", ascii_text)
    if group:
        joined = "".join(groups)
        groups = [joined[i : i + group] for i in range(0, len(joined), group)]
    if language == "fa":
        return PAUSE.join(" ".join(_ONES_FA[int(d)] for d in g) for g in groups)
    return EN_PAUSE.join(" ".join(_ONES_EN[int(d)] for d in g) for g in groups)


def phone_words(number: str, language: str = "fa") -> str:
    """A phone number digit by digit: a mobile in its 4-3-4 groups (۰۹۱۲، ۳۴۵، ۶۷۸۹), a short
    number (۱۹۴, ۱۵۲۲) as one group, a landline as written."""
    digits = re.sub(r"[^0-9]", "", to_ascii_digits(number))
    if len(digits) == 11 and digits.startswith("09"):
        return PAUSE.join(digit_by_digit(part, language) for part in (digits[:4], digits[4:7], digits[7:]))
    return digit_by_digit(number, language)


def number_words(value: int, language: str = "fa") -> str:
    """A whole number in words: 1405 → «هزارُ چهارصدُ پنج» (said "hezār-o chahārsad-o panj") /
    "one thousand four hundred five"."""
    if value < 0:
        return ("منفی " if language == "fa" else "minus ") + number_words(-value, language)
    if language == "fa":
        return _fa_words(value)
    return _en_words(value)


def _fa_below_thousand(value: int) -> list[str]:
    parts = []
    hundreds, rest = divmod(value, 100)
    if hundreds:
        parts.append(_HUNDREDS_FA[hundreds])
    if 10 <= rest < 20:
        parts.append(_TEENS_FA[rest - 10])
    else:
        tens, ones = divmod(rest, 10)
        if tens:
            parts.append(_TENS_FA[tens])
        if ones:
            parts.append(_ONES_FA[ones])
    return parts


def _fa_words(value: int) -> str:
    if value == 0:
        return _ONES_FA[0]
    parts: list[str] = []
    for scale, name in _SCALES_FA:
        count, value = divmod(value, scale)
        if count:
            # «هزار», not «یک هزار»; «یک میلیون» keeps its one
            parts.append(name if count == 1 and scale == 1000 else f"{_fa_words(count)} {name}")
    parts.extend(_fa_below_thousand(value))
    return _AND_FA.join(parts)


def _en_below_thousand(value: int) -> list[str]:
    parts = []
    hundreds, rest = divmod(value, 100)
    if hundreds:
        parts.append(f"{_ONES_EN[hundreds]} hundred")
    if 10 <= rest < 20:
        parts.append(_TEENS_EN[rest - 10])
    elif rest:
        tens, ones = divmod(rest, 10)
        parts.append("-".join(w for w in (_TENS_EN[tens], _ONES_EN[ones] if ones else "") if w))
    return parts


def _en_words(value: int) -> str:
    if value == 0:
        return "zero"
    parts: list[str] = []
    for scale, name in _SCALES_EN:
        count, value = divmod(value, scale)
        if count:
            parts.append(f"{_en_words(count)} {name}")
    parts.extend(_en_below_thousand(value))
    return " ".join(parts)


def ordinal_words(value: int, language: str = "fa") -> str:
    """An ordinal: 15 → «پانزدهم» / "fifteenth"; 1 → «یکم», 3 → «سوم», 30 → «سی‌ام»."""
    words = number_words(value, language)
    if language == "fa":
        if words.endswith("سه"):
            return words[:-2] + "سوم"
        if words.endswith("ی"):  # سی، a vowel: «سی‌ام»
            return words + "\u200cام"
        return words + "م"
    head, _, last = words.rpartition(" ")
    last_head, dash, last_word = last.rpartition("-")
    if last_word in _ORDINAL_EN:
        ordinal = _ORDINAL_EN[last_word]
    elif last_word.endswith("y"):
        ordinal = last_word[:-1] + "ieth"
    else:
        ordinal = last_word + "th"
    last = f"{last_head}{dash}{ordinal}"
    return f"{head} {last}".strip()


def date_words(year: int, month: int, day: int, language: str = "fa") -> str:
    """A Jalali date in words: (1405, 9, 15) → «پانزدهم آذر هزار و چهارصد و پنج» /
    "the fifteenth of Azar, fourteen hundred five"."""
    if language == "fa":
        return f"{ordinal_words(day)} {MONTHS_FA[month - 1]} {number_words(year)}"
    high, low = divmod(year, 100)
    spoken_year = f"{_en_words(high)} hundred {_en_words(low)}" if low else f"{_en_words(high)} hundred"
    return f"the {ordinal_words(day, 'en')} of {MONTHS_EN[month - 1]}, {spoken_year}"


def time_words(hour: int, minute: int, language: str = "fa") -> str:
    """A clock time in words: (10, 30) → «ساعت ده و سی دقیقه»; (14, 0) → «ساعت چهارده»."""
    if language == "fa":
        spoken = f"ساعت {number_words(hour)}"
        return f"{spoken}{_AND_FA}{number_words(minute)} دقیقه" if minute else spoken
    if minute == 0:
        return f"{_en_words(hour)} o'clock"
    return f"{_en_words(hour)} {'oh ' + _en_words(minute) if minute < 10 else _en_words(minute)}"


def rial_words(rial: int, currency: str, language: str = "fa") -> str:
    """An amount in words with its currency: 500000 rial shown in toman → «پنجاه هزار تومان»."""
    amount, unit_fa, unit_en = (rial // 10, "تومان", "toman") if currency == "toman" else (rial, "ریال", "rial")
    if language == "fa":
        return f"{number_words(amount)} {unit_fa}"
    return f"{number_words(amount, 'en')} {unit_en}{'s' if amount != 1 and currency == 'toman' else ''}"


_USSD_FA = {"*": "ستاره", "#": "مربع"}
_USSD_EN = {"*": "star", "#": "hash"}


def ussd_words(code: str, language: str = "fa") -> str:
    """A USSD code sign by sign, its numbers digit by digit: «*۴*۱۴۲۰#» → «ستاره، ۴، ستاره، ۱ ۴ ۲ ۰، مربع»."""
    signs = _USSD_FA if language == "fa" else _USSD_EN
    parts = re.findall(r"[*#]|[0-9۰-۹٠-٩]+", code)
    spoken = [signs[p] if p in signs else digit_by_digit(p, language) for p in parts]
    return (PAUSE if language == "fa" else EN_PAUSE).join(spoken)


_ADDRESS_SIGNS_FA = {".": "نقطه", "/": "اسلش", "-": "خط تیره", "_": "زیرخط", "@": "اَت"}
_ADDRESS_SIGNS_EN = {".": "dot", "/": "slash", "-": "dash", "_": "underscore", "@": "at"}


def address_words(address: str, language: str = "fa") -> str:
    """A web address as it is read out: without its scheme, each sign named, «www» as letters:
    "https://www.abfa-mazandaran.ir" → "W W W نقطه abfa خط تیره mazandaran نقطه I R"."""
    text = re.sub(r"^[a-z]+://", "", address.strip().lower()).rstrip("/")
    signs = _ADDRESS_SIGNS_FA if language == "fa" else _ADDRESS_SIGNS_EN
    spoken: list[str] = []
    for part in re.findall(r"[a-z]+|[0-9]+|[./\-_@]", text):
        if part in signs:
            spoken.append(signs[part])
        elif part.isdigit():
            spoken.append(digit_by_digit(part, language))
        elif part == "www" or (len(part) <= 3 and spoken and spoken[-1] == signs["."]):
            spoken.append(" ".join(part.upper()))  # letters: W W W, I R, C O M
        else:
            spoken.append(part)
    return " ".join(spoken)


# Head nouns that take an ezafe when a noun or adjective follows them («قبضِ آب»): the words of
# the kiosk's screens and catalog titles. Words that end in a silent «ه» take «هٔ» («شمارهٔ همراه»).
EZAFE_HEADS = frozenset(
    """
    کد قبض شماره پرداخت درخواست گزارش ثبت اداره شرکت سازمان کارت پروانه تمدید دریافت پیگیری
    اعلام تعویض گواهی سند بیمه خدمات خدمت نشانی تاریخ نام هزینه زمان مدارک مدرک رسید اشتراک
    انشعاب قطعی کنتور جدول برنامه اظهارنامه مالیات عوارض استعلام سوابق فیش وضعیت تغییر
    پاسخ پاسخ‌های سامانه پنجره دفتر مرکز کارشناس ملک صاحب مالک شناسه حساب
    """.split()
)
# What never follows as the second word of an ezafe pair: joins, prepositions, verbs' helpers.
_NOT_AFTER = frozenset("و یا به از در را که با برای تا بر اگر هم نیز است هست شد شود می‌شود کنید".split())
_WORD = re.compile(r"[\u0600-\u06ff\u200c]+")


def with_ezafe(text: str) -> str:
    """``text`` with a kasra (or «هٔ» after a silent «ه») on each head noun followed by another word
    of the phrase: «کد رهگیری» → «کدِ رهگیری», «شماره همراه» → «شمارهٔ همراه»."""
    out: list[str] = []
    tokens = re.split(r"(\s+)", text)
    words = [t for t in tokens]
    for index, token in enumerate(words):
        following = next((w for w in words[index + 1 :] if w.strip()), "") if index + 1 < len(words) else ""
        following = following.rstrip("،,.:؛;!?؟")
        separated_by_space = index + 1 < len(words) and words[index + 1].strip() == "" and words[index + 1] != ""
        if (
            token in EZAFE_HEADS
            and separated_by_space
            and _WORD.fullmatch(following or "-")
            and following not in _NOT_AFTER
            and not following.startswith("می")
        ):
            token = token + "\u0654" if token.endswith("ه") else token + "\u0650"
        out.append(token)
    return "".join(out)


_DATE = re.compile(r"(?<![0-9۰-۹])([0-9۰-۹]{4})/([0-9۰-۹]{1,2})/([0-9۰-۹]{1,2})(?![0-9۰-۹])")
_TIME = re.compile(r"(?<![0-9۰-۹:])([0-9۰-۹]{1,2}):([0-9۰-۹]{2})(?![0-9۰-۹:])")
_USSD = re.compile(r"[*#][0-9۰-۹*#]*#")
_ADDRESS = re.compile(r"(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/[^\s]*)?", re.IGNORECASE)
# A run of digits, in groups joined by a space or a dash (a code «۰۰۱۰ ۲۹۴۵ ۳۱۵۳», a phone).
EZAFE_WORDS_MAX = 7
_SENTENCE = re.compile(r"(?:است|هست|می‌|می |نمی|ید|یم|ند|شد)[.!؟?]?$|[.!؟?]\s")
_DIGIT_RUN = re.compile(r"(?<![0-9۰-۹])[0-9۰-۹]+(?:[ -][0-9۰-۹]+)*(?![0-9۰-۹])")
# Words after which a short number is a phone number («امداد گاز ۱۹۴», "call 1522").
_PHONE_BEFORE = re.compile(r"(?:تماس|تلفن|شماره|امداد|مرکز|call|phone|dial)\W{0,3}(?:\w+\W{1,3}){0,2}$", re.IGNORECASE)
_PHONE_AFTER = re.compile(r"^\W{0,3}(?:تماس|زنگ|بگیرید|call)", re.IGNORECASE)
_MONTH_AFTER = re.compile(r"^\s*(?:" + "|".join(MONTHS_FA) + r")")
_HOUR_WORD_BEFORE = re.compile(r"(?:ساعت|at)\s*$", re.IGNORECASE)
_BIDI = re.compile("[\u200e\u200f\u2066-\u2069]")


def for_speech(text: str, language: str = "fa") -> str:
    """A line of screen text as it should be heard: direction marks dropped; Jalali dates (۱۴۰۵/۰۹/۱۵)
        and times (۱۰:۳۰) in words; USSD codes and web addresses spelled; numbers of five digits or
        more, in groups or with a leading zero (codes, phones, postal codes), or after a word that calls
    a number a phone («تماس», «امداد», "call"), digit by digit in their groups; others in words;
        in Persian, the ezafe written on the head nouns that take one."""
    text = _BIDI.sub("", text)
    pause = PAUSE if language == "fa" else EN_PAUSE

    def number(token: str) -> int:
        return int(to_ascii_digits(token))

    text = _DATE.sub(lambda m: date_words(number(m.group(1)), number(m.group(2)), number(m.group(3)), language), text)

    def clock(m: re.Match[str]) -> str:
        spoken = time_words(number(m.group(1)), number(m.group(2)), language)
        said_already = _HOUR_WORD_BEFORE.search(m.string[: m.start()]) and spoken.startswith("ساعت ")
        return spoken.removeprefix("ساعت ") if said_already else spoken

    def digits(m: re.Match[str]) -> str:
        run = m.group(0)
        count = sum(c.isdigit() for c in run)
        code_like = count >= 5 or " " in run or "-" in run or to_ascii_digits(run).startswith("0")
        before, after = m.string[: m.start()], m.string[m.end() :]
        if language == "fa" and _MONTH_AFTER.match(after) and number(run) <= 31:  # «۱۶ آذر»: the 16th
            return ordinal_words(number(run))
        if code_like or _PHONE_BEFORE.search(before) or _PHONE_AFTER.match(after):
            punctuated = m.string[m.end() : m.end() + 1] in "،,.:؛;!?؟"
            return digit_by_digit(run, language) + ("" if punctuated else pause.rstrip())
        return number_words(number(run), language)

    text = _TIME.sub(clock, text)
    text = _USSD.sub(lambda m: ussd_words(m.group(0), language), text)
    text = _ADDRESS.sub(lambda m: address_words(m.group(0), language), text)
    text = _DIGIT_RUN.sub(digits, text)
    # The ezafe on a title or a label; a sentence is left as it is (a head noun before an adverb
    # or a predicate, «این خدمت رایگان است», takes none, and guessing wrong is worse than none).
    short = len(text.split()) <= EZAFE_WORDS_MAX and not _SENTENCE.search(text)
    return with_ezafe(text) if language == "fa" and short else text
