"""Reading plain-data files (JSON, TOML) with errors that name the file, the place and the problem.

Catalog and profile loaders share these helpers so every message a technician reads has the same
shape: ``file: place: problem``.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

LANGUAGES = ("fa", "en")
_LANGUAGE_KEYS = frozenset(LANGUAGES)
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COLOR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")
# The longest id (an agency, a form's question, a choice): the server stores agency ids of up to
# 100 characters and service ids ("<agency id>.<name>") of up to 200, so every id the kiosk sends fits.
ID_MAX = 40

# A catalog or profile larger than this is not a hand-edited data file; refusing it early keeps a
# corrupt or hostile file from eating memory.
MAX_FILE_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file."""

    file: str
    place: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.place}" if self.place else self.file
        return f"{where}: {self.message}"


class DataFileError(Exception):
    """A data file (or a set of them) was refused; ``problems`` says every reason found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class LocalText:
    """A text the kiosk shows, in each language it speaks."""

    fa: str
    en: str

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.fa


# The deepest a data file nests objects and lists: a catalog needs 12 levels (document, agencies,
# an agency, services, a service, form, fields, a field, choices, a choice, label, text). Deeper
# is a damaged or hostile file; refused before anything walks it (JSON and TOML parsers, the
# validator, and the encoders that write it again all recurse once per level).
MAX_DEPTH = 32
# The most digits a number may have: 18 hold any fee in rials (10^18 - 1) and stay exact in a
# 64-bit integer (SQLite, PostgreSQL's BIGINT, JSON readers that use doubles lose digits past 15,
# but no count the kiosk reads comes near). A 5,000-digit number is not data.
MAX_NUMBER_DIGITS = 18
_LARGEST_NUMBER = 10**MAX_NUMBER_DIGITS


class _NotData(ValueError):
    """Raised from inside a parser's hooks: the file holds something no data file of ours holds."""


def read_json(path: Path, label: str, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """Parse a JSON file, turning every failure into a DataFileError naming the file."""
    return parse_json(_read_bytes(path, label, max_bytes), label)


def read_toml(path: Path, label: str) -> Any:
    return parse_toml(_read_bytes(path, label), label)


def parse_json(data: bytes, label: str) -> Any:
    """A JSON document's bytes (UTF-8, a BOM allowed) as plain data, or DataFileError saying why in
    the same words wherever it comes from: a file, the server's answer, ``catalog publish``."""
    text = _decode(data, label)
    try:
        value = json.loads(text, parse_int=_json_int, parse_float=_json_float, parse_constant=_json_constant)
    except RecursionError:  # the parser recurses once per level: "[[[[…" 2,000 deep
        raise DataFileError([_too_deep(label, "JSON")]) from None
    except _NotData as exc:
        raise DataFileError([Problem(label, "", f"not valid JSON: {exc}")]) from None
    except json.JSONDecodeError as exc:
        raise DataFileError(
            [Problem(label, f"line {exc.lineno}, column {exc.colno}", f"not valid JSON: {exc.msg}")]
        ) from None
    _check_plain([value], label, "JSON", text)
    return value


def parse_toml(data: bytes, label: str) -> Any:
    """A TOML document's bytes as plain data, or DataFileError (as ``parse_json``)."""
    text = _decode(data, label)
    try:
        value = tomllib.loads(text, parse_float=_toml_float)
    except RecursionError:
        raise DataFileError([_too_deep(label, "TOML")]) from None
    except _NotData as exc:
        raise DataFileError([Problem(label, "", f"not valid TOML: {exc}")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError([Problem(label, "", f"not valid TOML: {exc}")]) from None
    except ValueError as exc:  # tomllib turns digits into int() itself: past 4,300 digits Python refuses
        if "digits" not in str(exc):
            raise
        raise DataFileError([Problem(label, "", f"not valid TOML: {_TOO_LARGE}")]) from None
    _check_plain([value], label, "TOML", text)
    return value


def _read_bytes(path: Path, label: str, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DataFileError([Problem(label, "", f"the file is {size:,} bytes; at most {max_bytes:,} are read")])
        return path.read_bytes()
    except FileNotFoundError:
        raise DataFileError([Problem(label, "", "the file does not exist")]) from None
    except OSError as exc:
        raise DataFileError([Problem(label, "", f"cannot be read: {exc.strerror}")]) from None


_WIDE_UNICODE = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


def _decode(data: bytes, label: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        encoding = next((name for bom, name in _WIDE_UNICODE.items() if data.startswith(bom)), None)
        if encoding is not None:
            message = f"the file is {encoding} text, not UTF-8: save it as UTF-8"
        else:
            message = "the file is not UTF-8 text (another encoding, or damaged): save it as UTF-8"
        raise DataFileError([Problem(label, f"byte {exc.start}", message)]) from None


_TOO_LARGE = f"a number has more than {MAX_NUMBER_DIGITS} digits"


def _too_deep(label: str, kind: str) -> Problem:
    return Problem(label, "", f"not valid {kind}: nested more than {MAX_DEPTH} levels deep")


def _json_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_NUMBER_DIGITS:  # before int(): 5,000 digits take time to convert
        raise _NotData(_TOO_LARGE)
    return int(digits)


def _json_float(text: str) -> float:
    if len(text) > 2 * MAX_NUMBER_DIGITS:
        raise _NotData(_TOO_LARGE)
    number = float(text)
    if not -_LARGEST_NUMBER < number < _LARGEST_NUMBER:  # 1e400 is inf
        raise _NotData(_TOO_LARGE)
    return number


def _json_constant(name: str) -> float:
    raise _NotData(f"{name} is not a number JSON allows")


_toml_float = _json_float

# A NUL or a lone surrogate gets into a parsed text only through an escape (\u0000, \udc80): JSON
# and TOML refuse them raw, and UTF-8 cannot carry a surrogate. Texts are looked at one by one only
# when the document holds such an escape (a false alarm, "\\u0000", only costs that look).
_ESCAPED_NOT_TEXT = re.compile(r"\\u0000|\\U00000000|\\u[dD][89a-fA-F]")
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")


def _check_plain(value: Any, label: str, kind: str, text: str) -> None:
    """What a parser accepts but no data file of ours holds, refused before anything walks the value:
    nesting past MAX_DEPTH, numbers past MAX_NUMBER_DIGITS (or not finite), texts with a NUL or a
    lone surrogate (no file, database or screen takes them). One loop, no recursion."""
    texts = _ESCAPED_NOT_TEXT.search(text) is not None
    pending: list[tuple[Any, int]] = [(value, 0)]  # value: [the document], the document at level 1
    while pending:
        item, depth = pending.pop()
        children = item.values() if isinstance(item, dict) else item
        if texts and isinstance(item, dict):
            for key in item:
                _check_text(key, label, kind)
        for child in children:
            if isinstance(child, (dict, list)):
                if depth >= MAX_DEPTH:
                    raise DataFileError([_too_deep(label, kind)])
                pending.append((child, depth + 1))
            elif isinstance(child, str):
                if texts:
                    _check_text(child, label, kind)
            elif isinstance(child, (int, float)) and not isinstance(child, bool):
                if not -_LARGEST_NUMBER < child < _LARGEST_NUMBER:  # inf and nan too (TOML has them)
                    raise DataFileError([Problem(label, "", f"not valid {kind}: {_TOO_LARGE}")])


def _check_text(text: str, label: str, kind: str) -> None:
    found = _NOT_TEXT.search(text)
    if found is not None:
        code = f"U+{ord(found.group()):04X}"
        raise DataFileError(
            [Problem(label, "", f"not valid {kind}: a text holds {code}, which is not a character a text may hold")]
        )


class Reader:
    """Walks one parsed file, recording problems instead of stopping at the first.

    Each getter returns a usable default after recording a problem, so a single pass over a file
    reports everything that is wrong with it.
    """

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, place: str, message: str) -> None:
        self.problems.append(Problem(self.file, place, message))

    def raise_if_any(self) -> None:
        if self.problems:
            raise DataFileError(self.problems)

    @staticmethod
    def join(place: str, key: str | int) -> str:
        if isinstance(key, int):
            return f"{place}[{key}]"
        return f"{place}.{key}" if place else key

    def obj(self, value: Any, place: str) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        self.problem(place or "(top level)", f"should be an object, found {_kind(value)}")
        return {}

    def field(self, obj: dict[str, Any], key: str, place: str, required: bool = True) -> Any:
        if key in obj:
            return obj[key]
        if required:
            self.problem(self.join(place, key), "is missing")
        return None

    def text(self, obj: dict[str, Any], key: str, place: str, max_len: int | None = None) -> str:
        # The hottest call of a catalog load (every text of every service): the place is only
        # spelled out when there is a problem to report.
        value = obj.get(key)
        if value is None:
            if key not in obj:
                self.problem(self.join(place, key), "is missing")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem(self.join(place, key), f"should be a non-empty text, found {_kind(value)}")
            return ""
        if max_len is not None and len(value) > max_len:
            self.problem(self.join(place, key), f"is {len(value)} characters long; at most {max_len} fit")
        return value

    def local_text(self, obj: dict[str, Any], key: str, place: str, max_len: int | None = None) -> LocalText:
        where = self.join(place, key)
        value = self.field(obj, key, place)
        if value is None:
            return LocalText("", "")
        return self.local_text_value(value, where, max_len)

    def local_text_value(self, value: Any, where: str, max_len: int | None = None) -> LocalText:
        if not isinstance(value, dict):
            self.problem(where, f'should be {{"fa": ..., "en": ...}}, found {_kind(value)}')
            return LocalText("", "")
        texts = [self.text(value, lang, where, max_len) for lang in LANGUAGES]
        if not value.keys() <= _LANGUAGE_KEYS:
            for extra in sorted(set(value) - set(LANGUAGES)):
                self.problem(self.join(where, extra), "is not a language the kiosk speaks (fa, en)")
        persian = texts[0]
        if persian and ("\u064a" in persian or "\u0643" in persian):
            self.problem(self.join(where, "fa"), "uses Arabic ي or ك; write Persian ی and ک")
        return LocalText(*texts)

    def identifier(self, obj: dict[str, Any], key: str, place: str, max_len: int = ID_MAX) -> str:
        value = self.text(obj, key, place, max_len)
        if value and not ID_PATTERN.match(value):
            self.problem(
                self.join(place, key),
                f"{value!r} is not a valid id: use lower-case letters, digits and dashes",
            )
        return value

    def integer(self, obj: dict[str, Any], key: str, place: str, minimum: int, maximum: int | None = None) -> int:
        value = self.field(obj, key, place)
        if value is None:
            return minimum
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(self.join(place, key), f"should be a whole number, found {_kind(value)}")
            return minimum
        if value < minimum:
            self.problem(self.join(place, key), f"is {value}; it must be at least {minimum}")
            return minimum
        if maximum is not None and value > maximum:
            self.problem(self.join(place, key), f"is {value}; it must be at most {maximum:,}")
            return maximum
        return value

    def items(
        self, obj: dict[str, Any], key: str, place: str, minimum: int = 0, required: bool = True
    ) -> Iterator[tuple[str, Any]]:
        where = self.join(place, key)
        value = self.field(obj, key, place, required)
        if value is None:
            return
        if not isinstance(value, list):
            self.problem(where, f"should be a list, found {_kind(value)}")
            return
        if len(value) < minimum:
            self.problem(where, f"has {len(value)} entries; at least {minimum} are needed")
        for index, item in enumerate(value):
            yield self.join(where, index), item

    def unknown_keys(self, obj: dict[str, Any], allowed: set[str], place: str) -> None:
        for key in sorted(set(obj) - allowed):
            self.problem(self.join(place, key), "is not a known field (a typing mistake?)")

    def one_of(self, obj: dict[str, Any], key: str, place: str, choices: tuple[str, ...]) -> str:
        value = self.text(obj, key, place)
        if value and value not in choices:
            self.problem(self.join(place, key), f"{value!r} should be one of: {', '.join(choices)}")
        return value


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {
        dict: "an object",
        list: "a list",
        str: "a text",
        bool: "true/false",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)


def brief(value: Any, limit: int = 60) -> str:
    """A value as a message quotes it, cut short: a file may hold a 2 MB text or a list nested
    hundreds deep where a number should be."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def file_exists(path: Path) -> bool:
    """Whether a file a data file names exists; a name the system cannot even look up (too long,
    a NUL byte) is simply "no", never an exception."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def write_atomically(target: Path, data: bytes) -> None:
    """Write a file so that a crash leaves either the old or the new content, never half."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class FileStamp:
    """Whether a file changed on disk since it was last read: another inode (it was replaced, as
    every atomic write does), another size or another modification time."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._seen = self._stamp()

    def _stamp(self) -> tuple[int, int, int] | None:
        try:
            info = self._path.stat()
        except OSError:
            return None
        return (info.st_ino, info.st_size, info.st_mtime_ns)

    def changed(self) -> bool:
        return self._stamp() != self._seen

    def note_read(self) -> None:
        self._seen = self._stamp()
