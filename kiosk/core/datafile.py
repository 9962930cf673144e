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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

LANGUAGES = ("fa", "en")
_LANGUAGE_KEYS = frozenset(LANGUAGES)
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COLOR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")

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


def read_json(path: Path, label: str) -> Any:
    """Parse a JSON file, turning every failure into a DataFileError naming the file."""
    return _read(path, label, lambda text: json.loads(text), "JSON")


def read_toml(path: Path, label: str) -> Any:
    return _read(path, label, tomllib.loads, "TOML")


def _read(path: Path, label: str, parse: Callable[[str], Any], kind: str) -> Any:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DataFileError(
                [Problem(label, "", f"the file is {size:,} bytes; at most {MAX_FILE_BYTES:,} are read")]
            )
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise DataFileError([Problem(label, "", "the file does not exist")]) from None
    except UnicodeDecodeError as exc:
        raise DataFileError([Problem(label, f"byte {exc.start}", "the file is not UTF-8 text")]) from None
    except OSError as exc:
        raise DataFileError([Problem(label, "", f"cannot be read: {exc.strerror}")]) from None
    try:
        return parse(text)
    except RecursionError:  # both parsers recurse once per level: "[[[[…" 5,000 deep
        raise DataFileError([Problem(label, "", f"not valid {kind}: nested too deeply")]) from None
    except json.JSONDecodeError as exc:
        raise DataFileError(
            [Problem(label, f"line {exc.lineno}, column {exc.colno}", f"not valid {kind}: {exc.msg}")]
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError([Problem(label, "", f"not valid {kind}: {exc}")]) from None


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

    def identifier(self, obj: dict[str, Any], key: str, place: str) -> str:
        value = self.text(obj, key, place)
        if value and not ID_PATTERN.match(value):
            self.problem(
                self.join(place, key),
                f"{value!r} is not a valid id: use lower-case letters, digits and dashes",
            )
        return value

    def integer(self, obj: dict[str, Any], key: str, place: str, minimum: int) -> int:
        value = self.field(obj, key, place)
        if value is None:
            return minimum
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(self.join(place, key), f"should be a whole number, found {_kind(value)}")
            return minimum
        if value < minimum:
            self.problem(self.join(place, key), f"is {value}; it must be at least {minimum}")
            return minimum
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
