"""Request forms: reading them from the catalog, checking every kind of answer, Jalali dates."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.core import jalali
from kiosk.core.catalog import load_catalog
from kiosk.core.datafile import DataFileError
from kiosk.core.forms import FieldProblem, check_field, check_form, format_jalali, parse_jalali
from kiosk.core.persian import ARABIC_INDIC_DIGITS, PERSIAN_DIGITS
from tests.support.factories import EVERY_FIELD_FORM, agencies_with_a_form, write_catalog

TODAY = date(2026, 11, 23)  # 1405/09/02


def form_catalog(tmp_path: Path, form: dict[str, Any] | None = None):
    agencies = agencies_with_a_form()
    if form is not None:
        agencies[0]["services"][1]["form"] = form
    return load_catalog(write_catalog(tmp_path / "c", agencies))


@pytest.fixture
def form(tmp_path: Path):
    service = form_catalog(tmp_path).service("water.connection")
    assert service.accepts_requests
    return service.form


GOOD = {
    "full_name": " علي  رضايي ",
    "national_id": "۰۰۱۲۳۴۵۶۷۹",
    "mobile": "+98 912 345 6789",
    "postal_code": "12345-67890",
    "address": "",
    "subscription": "",
    "usage": "home",
    "visit_date": "۱۴۰۵/۰۹/۱۰",
    "agree": True,
}


def test_a_good_form_gives_clean_values(form) -> None:
    result = check_form(form, GOOD, TODAY)
    assert result.ok, result.problems
    assert result.values == {
        "full_name": "علی رضایی",
        "national_id": "0012345679",
        "mobile": "09123456789",
        "postal_code": "1234567890",
        "usage": "home",
        "visit_date": "2026-12-01",
        "agree": True,
    }


@pytest.mark.parametrize(
    ("field", "answer", "code"),
    [
        ("full_name", "", "required"),
        ("full_name", "ع", "too_short"),
        ("full_name", "ا" * 61, "too_long"),
        ("national_id", "12345", "national_id_format"),
        ("national_id", "0012345678", "national_id_checksum"),
        ("national_id", "1111111111", "national_id_repeated"),
        ("national_id", "00123x5679", "national_id_format"),
        ("mobile", "0812345678", "mobile_prefix"),
        ("mobile", "091234567", "mobile_length"),
        ("mobile", "09abc", "digits_only"),
        ("postal_code", "123456789", "postal_code_length"),
        ("postal_code", "12345b7890", "digits_only"),
        ("subscription", "12345", "too_few_digits"),
        ("subscription", "12345678901", "too_many_digits"),
        ("subscription", "12a456", "digits_only"),
        ("usage", "", "required"),
        ("usage", "factory", "choice"),
        ("visit_date", "1405/13/01", "date_invalid"),
        ("visit_date", "1404/12/30", "date_invalid"),  # 1404 is not a leap year
        ("visit_date", "tomorrow", "date_invalid"),
        ("visit_date", "1405/09/01", "date_past"),
        ("agree", False, "consent"),
    ],
)
def test_every_problem_is_named(form, field: str, answer: Any, code: str) -> None:
    result = check_form(form, dict(GOOD, **{field: answer}), TODAY)
    assert set(result.problems) == {field}
    assert result.problems[field].code == code


def test_limits_travel_with_the_problem(form) -> None:
    result = check_form(form, dict(GOOD, subscription="123", full_name="ا" * 70), TODAY)
    assert result.problems["subscription"] == FieldProblem("too_few_digits", 6)
    assert result.problems["full_name"] == FieldProblem("too_long", 60)


def test_long_text_keeps_lines_and_optional_fields_may_stay_empty(form) -> None:
    result = check_form(form, dict(GOOD, address="خیابان ۱۲\r\n\r\nکوچه ٣"), TODAY)
    assert result.values["address"] == "خیابان 12\nکوچه 3"
    assert "subscription" not in result.values


def test_past_dates(tmp_path: Path) -> None:
    spec = dict(EVERY_FIELD_FORM["fields"][7], when="past")
    form = form_catalog(tmp_path, {"fields": [spec]}).service("water.connection").form
    assert check_form(form, {"visit_date": "1405/09/03"}, TODAY).problems["visit_date"].code == "date_future"
    assert check_form(form, {"visit_date": "1360/01/01"}, TODAY).values == {"visit_date": "1981-03-21"}


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda f: f["fields"].append(copy.deepcopy(f["fields"][0])), "used by another field"),
        (lambda f: f["fields"][0].update(kind="colour"), "should be one of"),
        (lambda f: f["fields"][6].update(choices=[f["fields"][6]["choices"][0]]), "at least 2"),
        (lambda f: f["fields"][0].update(choices=[]), "only a field of kind 'choice'"),
        (lambda f: f["fields"][8].update(required=False), "always required"),
        (lambda f: f["fields"][5].update(min_digits=8, max_digits=4), "max_digits"),
        (lambda f: f["fields"][1].update(max_length=5), "only text and long_text"),
        (lambda f: f["fields"][0].update(label={"fa": "نام"}), "fields[0].label.en: is missing"),
        (lambda f: f["fields"][0].update(id="Full Name"), "lower-case"),
        (lambda f: f["fields"][0].update(colour="red"), "not a known field"),
        (lambda f: f.update(fields=[]), "at least 1"),
    ],
)
def test_bad_forms_are_refused_naming_the_place(tmp_path: Path, change: Any, words: str) -> None:
    form = copy.deepcopy(EVERY_FIELD_FORM)
    change(form)
    with pytest.raises(DataFileError) as caught:
        form_catalog(tmp_path, form)
    text = str(caught.value)
    assert "water.json: services[1].form" in text and words in text


# --- properties --------------------------------------------------------------------------------

digits_kinds = st.sampled_from(["ascii", "persian", "arabic"])


def shaped(text: str, kind: str) -> str:
    table = {"persian": PERSIAN_DIGITS, "arabic": ARABIC_INDIC_DIGITS}.get(kind)
    return text if table is None else "".join(table[int(c)] if c.isdigit() else c for c in text)


@given(st.from_regex(r"\A[0-9]{10}\Z"), digits_kinds, st.sampled_from(["", " ", "-"]))
def test_national_id_answer_does_not_depend_on_digits_or_separators(value: str, kind: str, sep: str) -> None:
    spec = agencies_with_a_form()[0]["services"][1]["form"]["fields"][1]
    from kiosk.core.datafile import LocalText
    from kiosk.core.forms import FormField

    field = FormField(spec["id"], "national_id", LocalText("کد ملی", "National ID"))
    typed = shaped(f"{value[:3]}{sep}{value[3:9]}{sep}{value[9]}", kind)
    assert check_field(field, typed, TODAY) == check_field(field, value, TODAY)


@given(st.from_regex(r"\A9[0-9]{9}\Z"), st.sampled_from(["0", "98", "+98", "0098", ""]), digits_kinds)
def test_every_mobile_form_becomes_09(rest: str, prefix: str, kind: str) -> None:
    from kiosk.core.datafile import LocalText
    from kiosk.core.forms import FormField

    field = FormField("mobile", "mobile", LocalText("همراه", "Mobile"))
    assert check_field(field, shaped(prefix + rest, kind), TODAY) == ("0" + rest, None)


@given(st.dates(min_value=date(1921, 3, 21), max_value=date(2058, 3, 19)))
def test_jalali_round_trip(day: date) -> None:
    year, month, dom = jalali.from_gregorian(day)
    assert 1 <= dom <= jalali.month_length(year, month)
    assert jalali.to_gregorian(year, month, dom) == day
    assert parse_jalali(format_jalali(day)) == day


def test_known_jalali_dates() -> None:
    assert jalali.from_gregorian(date(2026, 3, 21)) == (1405, 1, 1)
    assert jalali.from_gregorian(date(2025, 3, 20)) == (1403, 12, 30)  # 1403 is a leap year
    assert jalali.to_gregorian(1405, 9, 2) == TODAY
    assert jalali.from_gregorian(TODAY + timedelta(days=29)) == (1405, 10, 1)  # Azar has 30 days
