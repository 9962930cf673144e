"""The bundled catalog's request forms, answered: a valid answer for every question, and how staff
must read it on the dashboard (its Persian label; the page's text; the CSV's cell).

    for service in form_services():
        for variant in range(variants(service)):         # each choice of every choice question once
            fields = answers(service, variant)            # what a kiosk sends
            for question in service.form.fields:
                page_text, csv_text = expected(question, fields[question.id])
"""

from __future__ import annotations

import html
import re
from functools import cache

from kiosk.core.catalog import Catalog, Service, load_catalog
from kiosk.core.forms import FormField
from kiosk.core.paths import resources_root

CATALOG_DIR = resources_root() / "resources" / "catalog"
# 2026-12-05 is 14 Azar 1405.
DATE_ANSWER, DATE_PAGE, DATE_CSV = "2026-12-05", "۱۴ آذر ۱۴۰۵", "1405/09/14"
# Free text with digits: the kiosk stores them ASCII; the page shows Persian digits in Persian text.
TEXT_ANSWER, TEXT_PAGE = "خیابان ۱۸ دی، پلاک 12", "خیابان ۱۸ دی، پلاک ۱۲"
TEXT_CSV = "خیابان 18 دی، پلاک 12"
ASCII_ANSWERS = {
    "national_id": "0012345679", "mobile": "09121234567", "postal_code": "4816834567", "number": "1200500",
}  # fmt: skip
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@cache
def bundled_catalog() -> Catalog:
    return load_catalog(CATALOG_DIR)


def form_services() -> list[Service]:
    """Every service of the bundled catalog that takes requests at a kiosk."""
    return [s for a in bundled_catalog().agencies for s in a.services if s.form is not None]


def variants(service: Service) -> int:
    """How many requests it takes to choose each choice of each of its choice questions once."""
    assert service.form is not None
    return max([len(f.choices) for f in service.form.fields if f.kind == "choice"], default=1)


def answers(service: Service, variant: int = 0) -> dict[str, str | bool]:
    assert service.form is not None
    found: dict[str, str | bool] = {}
    for question in service.form.fields:
        if question.kind in ("text", "long_text"):
            found[question.id] = TEXT_ANSWER
        elif question.kind in ASCII_ANSWERS:
            found[question.id] = ASCII_ANSWERS[question.kind]
        elif question.kind == "choice":
            found[question.id] = question.choices[variant % len(question.choices)].id
        elif question.kind == "jalali_date":
            found[question.id] = DATE_ANSWER
        elif question.kind == "consent":
            found[question.id] = True
        else:
            raise AssertionError(f"a kind this helper does not know: {question.kind}")
    return found


def expected(question: FormField, value: str | bool) -> tuple[str, str]:
    """(the page's text, the CSV's cell) for one answer."""
    if question.kind in ("text", "long_text"):
        return TEXT_PAGE, TEXT_CSV
    if question.kind in ASCII_ANSWERS:
        assert isinstance(value, str)
        return value.translate(PERSIAN_DIGITS), value
    if question.kind == "choice":
        choice = question.choice(str(value))
        assert choice is not None
        return choice.label.fa, choice.label.fa
    if question.kind == "jalali_date":
        return DATE_PAGE, DATE_CSV
    if question.kind == "consent":
        return "بله", "بله"
    raise AssertionError(question.kind)


def answer_pairs(page: str) -> list[tuple[str, str]]:
    """The (label, answer) pairs of a request's detail page, as text, in their order."""
    section = re.search(r'<h2>اطلاعات فرم</h2>\s*<dl class="facts[^"]*">(.*?)</dl>', page, re.S)
    assert section, "the page has no answers section"
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", section.group(1), re.S)
    return [(_text(label), _text(value)) for label, value in pairs]


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()
