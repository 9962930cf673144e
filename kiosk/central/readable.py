"""Requests as agency staff read them: every answer under its question's Persian label, a choice as
its Persian label, a date in Jalali («۱۴ آذر ۱۴۰۵»), consent as «بله», numbers in Persian digits on
the page and in ASCII digits in a CSV.

The words come from the catalog the request was filed against: a request records its catalog's
version (``CitizenRequest.catalog_version``), and the newest release published with that version is
the one it was filed against. A question that release does not know (no release of that version
was published here, or a kiosk sent an answer its form did not have) is looked up in the latest
release, then in the catalog bundled with the server (``resources/catalog``); a question no catalog
knows is shown under its own id, its answer as it came.

``FormBook`` keeps each release's forms once read; ``refresh`` (one small query) forgets them when
anything was published since, and is called once per page or export.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.central.jalali import MONTHS
from kiosk.central.store.catalogs import Catalogs
from kiosk.core.jalali import from_gregorian
from kiosk.core.paths import resources_root
from kiosk.core.persian import to_ascii_digits, to_persian_digits

YES, NO, EMPTY = "بله", "خیر", "—"
# Answers read left to right: identifiers and numbers made of digits.
LTR_KINDS = frozenset({"national_id", "mobile", "postal_code", "number"})
# What the list shows of a request, at most a few answers: the citizen's name and what they ask.
SUMMARY_KINDS = frozenset({"text", "choice", "jalali_date"})
SUMMARY_CHARS = 60


@dataclass(frozen=True)
class Question:
    id: str
    kind: str  # one of kiosk.core.forms.FIELD_KINDS, or "" when no catalog knows the question
    label: str  # Persian; the id itself when no catalog knows it
    choices: Mapping[str, str] = field(default_factory=dict)  # choice id -> Persian label


@dataclass(frozen=True)
class Answer:
    id: str
    label: str
    kind: str
    page: str  # as the page shows it: Persian digits, Jalali dates, labels of choices
    csv: str  # as a CSV holds it: the same words, ASCII digits, dates 1405/09/14
    ltr: bool  # digits or Latin text, shown left to right
    answered: bool


@dataclass(frozen=True)
class ServiceForm:
    title: str
    questions: tuple[Question, ...]

    def get(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


Forms = dict[str, ServiceForm]  # service id -> its form, in one catalog


@dataclass
class ShownRequest:
    """One request's answers as the page shows them, in its form's order."""

    answers: list[Answer]

    def get(self, question_id: str) -> Answer | None:
        return next((a for a in self.answers if a.id == question_id), None)

    def __iter__(self) -> Any:
        return iter(self.answers)


class FormBook:
    """Questions and choices by (catalog version, service), from the published releases and the
    bundled catalog."""

    def __init__(self, catalogs: Catalogs, bundled: Path | None = None) -> None:
        self._catalogs = catalogs
        self._bundled_dir = bundled if bundled is not None else resources_root() / "resources" / "catalog"
        self._lock = threading.Lock()
        self._stamp: tuple[int, str] | None = None
        self._versions: dict[str, int] = {}
        self._releases: dict[int, Forms] = {}
        self._bundled: Forms | None = None

    def refresh(self) -> None:
        """Read the index of releases again if anything was published since the last look."""
        stamp = self._catalogs.stamp()
        with self._lock:
            if stamp == self._stamp:
                return
        versions = self._catalogs.newest_by_version()
        with self._lock:
            self._stamp, self._versions, self._releases = stamp, versions, {}

    # --- where the words come from ----------------------------------------------------------------

    def _release(self, number: int) -> Forms:
        with self._lock:
            forms = self._releases.get(number)
        if forms is None:
            forms = forms_of(self._catalogs.document(number) or {})
            with self._lock:
                self._releases[number] = forms
        return forms

    def _bundled_forms(self) -> Forms:
        if self._bundled is None:
            self._bundled = forms_of(read_catalog_folder(self._bundled_dir))
        return self._bundled

    def sources(self, catalog_version: str | None) -> list[Forms]:
        """The catalogs to look a request's questions up in, best first."""
        with self._lock:
            own = self._versions.get(catalog_version or "")
            latest = self._stamp[0] if self._stamp else 0
        found = [self._release(own)] if own else []
        if latest and latest != own:
            found.append(self._release(latest))
        found.append(self._bundled_forms())
        return found

    def form(self, catalog_version: str | None, service_id: str) -> ServiceForm | None:
        """The service's form in the first catalog that has the service."""
        return next((forms[service_id] for forms in self.sources(catalog_version) if service_id in forms), None)

    def question(self, catalog_version: str | None, service_id: str, question_id: str) -> Question:
        for forms in self.sources(catalog_version):
            service = forms.get(service_id)
            found = service.get(question_id) if service else None
            if found is not None:
                return found
        return Question(id=question_id, kind="", label=question_id)

    def service_title(self, catalog_version: str | None, service_id: str) -> str:
        found = self.form(catalog_version, service_id)
        return found.title if found and found.title else service_id

    # --- what staff read ----------------------------------------------------------------------------

    def shown(self, catalog_version: str | None, service_id: str, values: Mapping[str, Any]) -> ShownRequest:
        """Every question of the request's form, in its order, each with the citizen's answer (or
        «—»); then any answer the form does not ask for, in the order it came."""
        own = self.form(catalog_version, service_id)
        ids = [q.id for q in own.questions] if own else []
        ids += [key for key in values if key not in ids]
        answers = []
        for question_id in ids:
            question = self.question(catalog_version, service_id, question_id)
            answers.append(show(question, values.get(question_id), question_id in values))
        return ShownRequest(answers)

    def summary(self, catalog_version: str | None, service_id: str, values: Mapping[str, Any]) -> list[Answer]:
        """A few short answers for the list: names, choices, dates; long ones cut."""
        picked = []
        for answer in self.shown(catalog_version, service_id, values):
            if answer.answered and answer.kind in SUMMARY_KINDS:
                text = answer.page
                if len(text) > SUMMARY_CHARS:
                    text = text[: SUMMARY_CHARS - 1] + "…"
                picked.append(Answer(answer.id, answer.label, answer.kind, text, answer.csv, answer.ltr, True))
            if len(picked) == 3:
                break
        return picked

    def columns(self, service_id: str, versions: Iterable[str], keys: Iterable[str]) -> list[Question]:
        """A CSV's questions for one service: those of its newest form, then those only older forms
        (``versions``, the catalogs its requests were filed against) ask, then answers no form asks
        for (``keys``), each labelled from the newest catalog that knows it."""
        order: list[str] = []
        newest = self.form(None, service_id)
        if newest:
            order += [q.id for q in newest.questions]
        for version in versions:
            older = self.form(version, service_id)
            if older:
                order += [q.id for q in older.questions if q.id not in order]
        order += [key for key in keys if key not in order]
        found: list[Question] = []
        for question_id in order:
            question = self.question(None, service_id, question_id)
            if not question.kind:
                for version in versions:
                    question = self.question(version, service_id, question_id)
                    if question.kind:
                        break
            found.append(question)
        return found


# --- one answer ---------------------------------------------------------------------------------------


def show(question: Question, value: Any, answered: bool = True) -> Answer:
    """One answer as the page and a CSV show it."""

    def answer(page: str, csv: str, ltr: bool = False) -> Answer:
        return Answer(question.id, question.label, question.kind, page, csv, ltr, answered)

    if not answered or value is None or value == "":
        return answer(EMPTY, "")
    if isinstance(value, bool):
        return answer(YES, YES) if value else answer(NO, NO)
    if not isinstance(value, str):  # the API takes text and true/false only; anything else, as it is
        value = json.dumps(value, ensure_ascii=False)
    kind = question.kind or _kind_of(value)
    if kind == "choice":
        label = question.choices.get(value)
        return answer(label, label) if label else answer(value, value, ltr=value.isascii())
    if kind == "jalali_date":
        day = _iso_day(value)
        if day is not None:
            return answer(long_jalali(day), short_jalali(day))
        return answer(value, value)
    if kind in LTR_KINDS:
        return answer(to_persian_digits(value), to_ascii_digits(value), ltr=True)
    if kind == "consent":  # always true when sent; a text here came from elsewhere
        return answer(value, value)
    page = to_persian_digits(value) if _has_persian(value) else value
    return answer(page, to_ascii_digits(value), ltr=not _has_persian(value))


def _kind_of(value: str) -> str:
    """What an answer no catalog describes looks like: a date, a number, or text."""
    if _iso_day(value) is not None:
        return "jalali_date"
    ascii_value = to_ascii_digits(value)
    if ascii_value.isascii() and ascii_value.isdigit():
        return "number"
    return "text"


def _iso_day(value: str) -> date | None:
    if len(value) != 10 or value[4] != "-" or value[7] != "-":
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if 1900 <= day.year <= 2200 else None  # the calendar arithmetic's safe years


def _has_persian(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufeff" for ch in text)


def long_jalali(day: date) -> str:
    """«۱۴ آذر ۱۴۰۵»."""
    year, month, dom = from_gregorian(day)
    return f"{to_persian_digits(str(dom))} {MONTHS[month - 1]} {to_persian_digits(str(year))}"


def short_jalali(day: date) -> str:
    """``1405/09/14``: ASCII digits, sorting as text sorts, for a CSV."""
    year, month, dom = from_gregorian(day)
    return f"{year:04d}/{month:02d}/{dom:02d}"


# --- reading catalogs -------------------------------------------------------------------------------


def forms_of(document: Mapping[str, Any]) -> Forms:
    """Each service's title and form questions from a catalog document (a published release is
    validated; this reads defensively all the same, skipping what it cannot read)."""
    found: Forms = {}
    for agency in _items(document.get("agencies")):
        for service in _items(agency.get("services")):
            service_id = service.get("id")
            if not isinstance(service_id, str):
                continue
            form = service.get("form") if isinstance(service.get("form"), dict) else {}
            questions = []
            for item in _items(form.get("fields")):
                question_id, kind = item.get("id"), item.get("kind")
                if not isinstance(question_id, str) or not isinstance(kind, str):
                    continue
                choices = {
                    str(choice.get("id")): _persian(choice.get("label"), str(choice.get("id")))
                    for choice in _items(item.get("choices"))
                }
                questions.append(Question(question_id, kind, _persian(item.get("label"), question_id), choices))
            found[service_id] = ServiceForm(_persian(service.get("title"), service_id), tuple(questions))
    return found


def read_catalog_folder(directory: Path) -> dict[str, Any]:
    """A catalog folder (``catalog.json`` and ``agencies/*.json``) as one document, unvalidated;
    empty when it cannot be read (the server then labels from its releases alone)."""
    try:
        manifest = json.loads((directory / "catalog.json").read_text(encoding="utf-8"))
        agencies = [
            json.loads((directory / "agencies" / f"{agency_id}.json").read_text(encoding="utf-8"))
            for agency_id in manifest.get("agencies", [])
        ]
    except (OSError, ValueError, TypeError, AttributeError):
        return {}
    return {"agencies": agencies}


def _items(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _persian(text: Any, fallback: str) -> str:
    if isinstance(text, dict) and isinstance(text.get("fa"), str) and text["fa"].strip():
        return str(text["fa"])
    return fallback
