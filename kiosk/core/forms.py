"""Request forms as data: the fields a service asks for, read from the catalog, and checking answers.

A service that accepts requests at the kiosk carries ``"form": {"fields": [...]}`` in its catalog
entry (format in ``resources/catalog/README.md``). ``check_form`` turns what a citizen entered into
clean values to store (ASCII digits, normalised Persian, ISO dates) or says, per field, what is
wrong as a ``FieldProblem`` code that the screen turns into a Persian sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kiosk.core import jalali
from kiosk.core.datafile import ID_MAX, ID_PATTERN, LocalText, Reader
from kiosk.core.persian import normalize_for_storage, to_ascii_digits
from kiosk.core.validators import digits_only, national_id_problem, normalize_mobile

FIELD_KINDS = (
    "text", "long_text", "national_id", "mobile", "postal_code", "number", "choice", "jalali_date", "consent",
)  # fmt: skip
DATE_RANGES = ("any", "past", "future")
# Longest answer each free-text kind takes unless the field says otherwise.
DEFAULT_MAX_LENGTH = {"text": 100, "long_text": 600}
MAX_FIELDS = 20
# The longest texts of a question, in characters, in either language (measured as the catalog's
# are, tests/ui/test_every_screen_fits.py). A choice is one line on its button: its label must fit
# the button with the large text on the narrowest screen, in one column: 56 characters of real words
# were measured at 1,020 px against the 990 px a button has (1366x768 and 1080x1920), so 40 leaves
# room for wide letters. A help of 160 under an 80-character question did not fit above the keyboard
# on 1366x768 with the large text; 100 does (the longest bundled: 85).
LABEL_MAX = 80
HELP_MAX = 100
CHOICE_LABEL_MAX = 40

Value = str | bool


@dataclass(frozen=True)
class Choice:
    id: str
    label: LocalText


@dataclass(frozen=True)
class FormField:
    id: str
    kind: str  # one of FIELD_KINDS
    label: LocalText
    required: bool = True
    help: LocalText | None = None
    max_length: int = 0  # text and long_text: characters
    min_digits: int = 1  # number: how many digits it has
    max_digits: int = 18
    choices: tuple[Choice, ...] = ()
    when: str = "any"  # jalali_date: any, past (today or before) or future (today or after)

    @property
    def uses_keypad(self) -> bool:
        """Whether the numeric keypad (rather than the full keyboard) serves this field."""
        return self.kind in ("national_id", "mobile", "postal_code", "number", "jalali_date")

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for c in self.choices if c.id == choice_id), None)


@dataclass(frozen=True)
class FormSpec:
    fields: tuple[FormField, ...]

    def field(self, field_id: str) -> FormField:
        return next(f for f in self.fields if f.id == field_id)


@dataclass(frozen=True)
class FieldProblem:
    """Why an answer is not accepted. ``code`` names the rule; ``limit`` carries its number."""

    code: str
    limit: int = 0


@dataclass
class FormCheck:
    values: dict[str, Value] = field(default_factory=dict)
    problems: dict[str, FieldProblem] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


# --- reading the catalog -----------------------------------------------------------------------


def parse_form(reader: Reader, data: Any, place: str) -> FormSpec:
    obj = reader.obj(data, place)
    reader.unknown_keys(obj, {"fields"}, place)
    fields: list[FormField] = []
    seen: set[str] = set()
    for where, item in reader.items(obj, "fields", place, minimum=1):
        parsed = _parse_field(reader, item, where)
        if parsed.id in seen:
            reader.problem(f"{where}.id", f"{parsed.id!r} is used by another field of this form")
        seen.add(parsed.id)
        fields.append(parsed)
    if len(fields) > MAX_FIELDS:
        reader.problem(f"{place}.fields", f"has {len(fields)} fields; a kiosk form takes at most {MAX_FIELDS}")
    return FormSpec(tuple(fields))


_FIELD_KEYS = {"id", "kind", "label", "required", "help", "max_length", "min_digits", "max_digits", "choices", "when"}


def _parse_field(reader: Reader, data: Any, place: str) -> FormField:
    obj = reader.obj(data, place)
    reader.unknown_keys(obj, _FIELD_KEYS, place)
    field_id = reader.text(obj, "id", place, ID_MAX)
    if field_id and not ID_PATTERN.match(field_id.replace("_", "-")):
        reader.problem(f"{place}.id", f"{field_id!r} should be lower-case letters, digits and underscores")
    kind = reader.one_of(obj, "kind", place, FIELD_KINDS)
    required = obj.get("required", True)
    if not isinstance(required, bool):
        reader.problem(f"{place}.required", "should be true or false")
        required = True
    if kind == "consent" and required is False:
        reader.problem(f"{place}.required", "a consent field is always required")
    choices: list[Choice] = []
    if kind == "choice":
        for where, item in reader.items(obj, "choices", place, minimum=2):
            choice = reader.obj(item, where)
            reader.unknown_keys(choice, {"id", "label"}, where)
            label = reader.local_text(choice, "label", where, max_len=CHOICE_LABEL_MAX)
            choices.append(Choice(reader.identifier(choice, "id", where), label))
        if len({c.id for c in choices}) != len(choices):
            reader.problem(f"{place}.choices", "two choices have the same id")
    elif "choices" in obj:
        reader.problem(f"{place}.choices", "only a field of kind 'choice' has choices")
    max_length = 0
    if kind in DEFAULT_MAX_LENGTH:
        limit = reader.integer(obj, "max_length", place, minimum=1) if "max_length" in obj else 0
        max_length = min(limit, 2000) if limit else DEFAULT_MAX_LENGTH[kind]
    elif "max_length" in obj:
        reader.problem(f"{place}.max_length", "only text and long_text fields have a max_length")
    min_digits, max_digits = 1, 18
    if kind == "number":
        min_digits = reader.integer(obj, "min_digits", place, minimum=1) if "min_digits" in obj else 1
        max_digits = reader.integer(obj, "max_digits", place, minimum=1) if "max_digits" in obj else 18
        if max_digits < min_digits or max_digits > 30:
            reader.problem(f"{place}.max_digits", f"is {max_digits}; it must be {min_digits} to 30")
    elif "min_digits" in obj or "max_digits" in obj:
        reader.problem(place, "only number fields have min_digits and max_digits")
    when = "any"
    if kind == "jalali_date":
        when = reader.one_of(obj, "when", place, DATE_RANGES) if "when" in obj else "any"
    elif "when" in obj:
        reader.problem(f"{place}.when", "only jalali_date fields have 'when'")
    return FormField(
        id=field_id,
        kind=kind,
        label=reader.local_text(obj, "label", place, max_len=LABEL_MAX),
        required=required,
        help=reader.local_text(obj, "help", place, max_len=HELP_MAX) if "help" in obj else None,
        max_length=max_length,
        min_digits=min_digits,
        max_digits=max_digits,
        choices=tuple(choices),
        when=when or "any",
    )


# --- checking answers --------------------------------------------------------------------------


def check_form(form: FormSpec, answers: dict[str, Value], today: date) -> FormCheck:
    """Check every field; clean values for the ones that pass, a problem for each that does not."""
    result = FormCheck()
    for spec in form.fields:
        value, problem = check_field(spec, answers.get(spec.id, ""), today)
        if problem is not None:
            result.problems[spec.id] = problem
        elif value != "":
            result.values[spec.id] = value
    return result


def check_field(spec: FormField, raw: Value, today: date) -> tuple[Value, FieldProblem | None]:
    """The value to store for one answer, or the problem with it. Empty optional answers give ''."""
    if spec.kind == "consent":
        return (True, None) if raw is True else (False, FieldProblem("consent"))
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        return "", (FieldProblem("required") if spec.required else None)
    checker = _CHECKERS[spec.kind]
    return checker(spec, text, today)


def _text(spec: FormField, text: str, _today: date) -> tuple[Value, FieldProblem | None]:
    clean = normalize_for_storage(text, keep_lines=spec.kind == "long_text")
    if len(clean) > spec.max_length:
        return "", FieldProblem("too_long", spec.max_length)
    if len(clean) < 2:
        return "", FieldProblem("too_short", 2)
    return clean, None


def _national_id(_spec: FormField, text: str, _today: date) -> tuple[Value, FieldProblem | None]:
    problem = national_id_problem(text)
    if problem is not None:
        return "", FieldProblem(f"national_id_{problem}")
    return digits_only(text).zfill(10), None


def _mobile(_spec: FormField, text: str, _today: date) -> tuple[Value, FieldProblem | None]:
    digits = digits_only(text)
    try:
        return normalize_mobile(text), None
    except ValueError:
        if not (digits.isascii() and digits.lstrip("+").isdigit()):
            return "", FieldProblem("digits_only")
        if not digits.lstrip("+0").startswith("9"):
            return "", FieldProblem("mobile_prefix")
        return "", FieldProblem("mobile_length", 11)


def _postal_code(_spec: FormField, text: str, _today: date) -> tuple[Value, FieldProblem | None]:
    digits = digits_only(text)
    if not (digits.isascii() and digits.isdigit()):
        return "", FieldProblem("digits_only")
    if len(digits) != 10:
        return "", FieldProblem("postal_code_length", 10)
    return digits, None


def _number(spec: FormField, text: str, _today: date) -> tuple[Value, FieldProblem | None]:
    digits = digits_only(text)
    if not (digits.isascii() and digits.isdigit()):
        return "", FieldProblem("digits_only")
    if len(digits) < spec.min_digits:
        return "", FieldProblem("too_few_digits", spec.min_digits)
    if len(digits) > spec.max_digits:
        return "", FieldProblem("too_many_digits", spec.max_digits)
    return digits, None


def _choice(spec: FormField, text: str, _today: date) -> tuple[Value, FieldProblem | None]:
    return (text, None) if spec.choice(text) else ("", FieldProblem("choice"))


def _jalali_date(spec: FormField, text: str, today: date) -> tuple[Value, FieldProblem | None]:
    try:
        day = parse_jalali(text)
    except ValueError:
        return "", FieldProblem("date_invalid")
    if spec.when == "past" and day > today:
        return "", FieldProblem("date_future")
    if spec.when == "future" and day < today:
        return "", FieldProblem("date_past")
    return day.isoformat(), None


_CHECKERS = {
    "text": _text,
    "long_text": _text,
    "national_id": _national_id,
    "mobile": _mobile,
    "postal_code": _postal_code,
    "number": _number,
    "choice": _choice,
    "jalali_date": _jalali_date,
}


def parse_jalali(text: str) -> date:
    """A Jalali date typed as year/month/day (any digits, / - or . between) as a Gregorian date."""
    parts = [p for p in to_ascii_digits(text).replace("-", "/").replace(".", "/").split("/") if p.strip()]
    if len(parts) != 3 or not all(p.strip().isascii() and p.strip().isdigit() for p in parts):
        raise ValueError("a date is written year/month/day")
    year, month, day = (int(p) for p in parts)
    if not 1300 <= year <= 1500:
        raise ValueError("the year is out of range")
    return jalali.to_gregorian(year, month, day)


def format_jalali(day: date) -> str:
    """A Gregorian date as the Jalali ``1405/09/02`` (ASCII digits; the screen shapes them)."""
    year, month, dom = jalali.from_gregorian(day)
    return f"{year:04d}/{month:02d}/{dom:02d}"
