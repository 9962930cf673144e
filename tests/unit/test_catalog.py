"""kiosk.core.catalog: the bundled catalog loads, and every kind of bad file is refused by name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kiosk.core.catalog import load_catalog, main
from kiosk.core.datafile import DataFileError
from kiosk.core.paths import resources_root
from tests.support.factories import SAMPLE_AGENCIES, write_catalog

RESOURCES = resources_root() / "resources"


def problems_of(directory: Path) -> list[str]:
    with pytest.raises(DataFileError) as caught:
        load_catalog(directory, RESOURCES / "icons")
    return [str(p) for p in caught.value.problems]


def edit_agency(directory: Path, agency_id: str, change: Any) -> Path:
    path = directory / "agencies" / f"{agency_id}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    return write_catalog(tmp_path / "catalog")


def test_bundled_catalog_is_valid_and_big_enough() -> None:
    catalog = load_catalog(RESOURCES / "catalog", RESOURCES / "icons")
    assert len(catalog.agencies) >= 12
    assert len(catalog.services) >= 60
    for service in catalog.services:
        assert service.title.fa and service.title.en
        assert service.online_address or any(c.kind in ("ussd", "phone") for c in service.channels)
    with_forms = [s for s in catalog.services if s.accepts_requests]
    assert len(with_forms) >= 15
    kinds = {f.kind for s in with_forms for f in s.form.fields}
    assert kinds >= {"text", "long_text", "national_id", "mobile", "postal_code", "number", "choice", "jalali_date"}
    assert "consent" in kinds


def test_sample_loads_with_all_fields(catalog_dir: Path) -> None:
    catalog = load_catalog(catalog_dir, RESOURCES / "icons")
    assert [a.id for a in catalog.agencies] == ["water", "civil"]
    bill = catalog.service("water.bill")
    assert bill.fee.rial == 250000
    assert (bill.time.unit, bill.time.min, bill.time.max) == ("workday", 3, 7)
    assert bill.online_address == "https://my.gov.ir/"
    assert catalog.service("civil.birth").related == ("civil.smart-card",)
    assert catalog.restricted_to(("civil",)).agencies[0].id == "civil"


def test_malformed_json_names_file_line_and_column(catalog_dir: Path) -> None:
    path = catalog_dir / "agencies" / "water.json"
    path.write_text('{"id": "water",\n  "name": {"fa": "آب" "en": "x"}}', encoding="utf-8")
    [problem] = problems_of(catalog_dir)
    assert str(path) in problem
    assert "line 2, column" in problem
    assert "not valid JSON" in problem


def test_missing_required_field(catalog_dir: Path) -> None:
    path = edit_agency(catalog_dir, "water", lambda d: d["services"][1].pop("steps"))
    assert f"{path}: services[1].steps: is missing" in problems_of(catalog_dir)


def test_missing_translation(catalog_dir: Path) -> None:
    path = edit_agency(catalog_dir, "civil", lambda d: d["services"][0]["title"].pop("en"))
    assert f"{path}: services[0].title.en: is missing" in problems_of(catalog_dir)


def test_duplicate_service_id_in_one_file(catalog_dir: Path) -> None:
    path = edit_agency(catalog_dir, "water", lambda d: d["services"][1].update(id="water.bill"))
    [problem] = problems_of(catalog_dir)
    assert problem.startswith(f"{path}: services[1].id:")
    assert "already used by services[0]" in problem


def test_duplicate_service_id_across_files(catalog_dir: Path) -> None:
    # Only reachable when an agency file is named for one agency but carries another's ids.
    agencies = json.loads(json.dumps(SAMPLE_AGENCIES))
    agencies.append(dict(agencies[0], id="water2", services=[dict(agencies[0]["services"][0], id="water2.bill")]))
    write_catalog(catalog_dir, agencies)
    load_catalog(catalog_dir)  # distinct ids load
    edit_agency(catalog_dir, "water2", lambda d: d["services"][0].update(id="water.bill"))
    problems = problems_of(catalog_dir)
    assert any("should start with this agency's id" in p for p in problems)


def test_duplicate_agency_in_manifest(catalog_dir: Path) -> None:
    data = json.loads((catalog_dir / "catalog.json").read_text(encoding="utf-8"))
    data["agencies"].append("water")
    (catalog_dir / "catalog.json").write_text(json.dumps(data), encoding="utf-8")
    assert problems_of(catalog_dir) == [f"{catalog_dir / 'catalog.json'}: agencies[2]: lists agency 'water' twice"]


def test_unknown_agency_reference(catalog_dir: Path) -> None:
    data = json.loads((catalog_dir / "catalog.json").read_text(encoding="utf-8"))
    data["agencies"].append("ghost")
    (catalog_dir / "catalog.json").write_text(json.dumps(data), encoding="utf-8")
    [problem] = problems_of(catalog_dir)
    assert problem.startswith(f"{catalog_dir / 'catalog.json'}: agencies[2]: unknown agency 'ghost'")


def test_unlisted_agency_file(catalog_dir: Path) -> None:
    (catalog_dir / "agencies" / "stray.json").write_text("{}", encoding="utf-8")
    [problem] = problems_of(catalog_dir)
    assert "stray.json" in problem and "is not listed" in problem


def test_unknown_related_service(catalog_dir: Path) -> None:
    edit_agency(catalog_dir, "civil", lambda d: d["services"][1].update(related=["civil.nothing"]))
    [problem] = problems_of(catalog_dir)
    assert "refers to unknown service 'civil.nothing'" in problem


def test_id_must_match_file_name(catalog_dir: Path) -> None:
    path = edit_agency(catalog_dir, "water", lambda d: d.update(id="waterworks"))
    assert any(
        p.startswith(f"{path}: id: is 'waterworks' but the file is named water.json") for p in problems_of(catalog_dir)
    )


@pytest.mark.parametrize(
    ("change", "place", "words"),
    [
        (lambda d: d.update(color="blue"), "color", "#rrggbb"),
        (lambda d: d.update(icon="no-such-icon"), "icon", "no icon 'no-such-icon' among the kiosk's icons"),
        (lambda d: d.update(icon="../../../etc/logo"), "icon", "is not an icon name"),
        (lambda d: d["short_name"].update(fa="ن" * 40), "short_name.fa", "at most 28"),
        (lambda d: d["name"].update(fa="شركت"), "name.fa", "Arabic"),
        (lambda d: d.update(services=[]), "services", "at least 1"),
        (lambda d: d.update(services="none"), "services", "should be a list"),
        (lambda d: d.update(extra=1), "extra", "not a known field"),
        (
            lambda d: d["services"][0].update(fee={"kind": "fixed", "rial": "10"}),
            "services[0].fee.rial",
            "whole number",
        ),
        (lambda d: d["services"][0].update(fee={"kind": "cheap"}), "services[0].fee.kind", "one of"),
        (lambda d: d["services"][0].update(time={"unit": "day", "min": 0}), "services[0].time.min", "at least 1"),
        (
            lambda d: d["services"][0].update(time={"unit": "day", "min": 5, "max": 2}),
            "services[0].time.max",
            "less than min",
        ),
        (
            lambda d: d["services"][0]["channels"][0].update(address="http://x.ir"),
            "services[0].channels[0].address",
            "https://",
        ),
        (lambda d: d["services"][0]["channels"][1].update(address="*4"), "services[0].channels[1].address", "USSD"),
        (
            lambda d: d["services"][0]["channels"][2].update(address="15-22"),
            "services[0].channels[2].address",
            "digits",
        ),
        (lambda d: d["services"][0].update(channels=[]), "services[0].channels", "at least 1"),
        (lambda d: d["services"][0].update(id="Water.Bill"), "services[0].id", "lower-case"),
        (lambda d: d["services"][0].update(title="پرداخت"), "services[0].title", '{"fa": ..., "en": ...}'),
        (lambda d: d["services"][0]["keywords"].update(en=[]), "services[0].keywords.en", "at least 1"),
        (lambda d: d["services"][0]["summary"].update(de="x"), "services[0].summary.de", "not a language"),
    ],
)
def test_bad_agency_fields(catalog_dir: Path, change: Any, place: str, words: str) -> None:
    path = edit_agency(catalog_dir, "water", change)
    problems = problems_of(catalog_dir)
    matching = [p for p in problems if p.startswith(f"{path}: {place}: ")]
    assert matching, problems
    assert words in matching[0]


def test_every_problem_in_a_file_is_reported_at_once(catalog_dir: Path) -> None:
    def break_three(d: dict[str, Any]) -> None:
        d.update(color="red")
        d["services"][0].pop("title")
        d["services"][1]["fee"] = {"kind": "fixed", "rial": -5}

    edit_agency(catalog_dir, "water", break_three)
    assert len(problems_of(catalog_dir)) == 3


@pytest.mark.parametrize(
    ("manifest", "words"),
    [
        ({"format": 4}, "update the kiosk first"),
        ({"format": "one"}, "whole number"),
        ({"version": ""}, "non-empty text"),
        ({"agencies": []}, "at least 1"),
    ],
)
def test_bad_manifest(tmp_path: Path, manifest: dict[str, Any], words: str) -> None:
    directory = write_catalog(tmp_path / "c", **manifest)
    problems = problems_of(directory)
    assert any(words in p for p in problems), problems
    assert all(str(directory / "catalog.json") in p for p in problems)


def test_missing_manifest(tmp_path: Path) -> None:
    assert problems_of(tmp_path) == [f"{tmp_path / 'catalog.json'}: the file does not exist"]


def test_not_utf8(catalog_dir: Path) -> None:
    (catalog_dir / "agencies" / "water.json").write_bytes('{"id": "آب"}'.encode("utf-16"))
    [problem] = problems_of(catalog_dir)
    assert "not UTF-8" in problem


def test_oversized_file(catalog_dir: Path) -> None:
    (catalog_dir / "agencies" / "water.json").write_text(" " * (3 * 1024 * 1024), encoding="utf-8")
    [problem] = problems_of(catalog_dir)
    assert "at most" in problem and "bytes" in problem


def test_top_level_must_be_an_object(catalog_dir: Path) -> None:
    (catalog_dir / "agencies" / "water.json").write_text("[1, 2]", encoding="utf-8")
    assert any("(top level): should be an object" in p for p in problems_of(catalog_dir))


def test_command_line_check(catalog_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(catalog_dir), "--icons", str(RESOURCES / "icons")]) == 0
    assert "2 agencies, 5 services" in capsys.readouterr().out
    edit_agency(catalog_dir, "water", lambda d: d.update(color="x"))
    assert main(["--agency-file", str(catalog_dir / "agencies" / "water.json")]) == 1
    assert "color" in capsys.readouterr().err


# --- synonyms and emergencies (issue 19) ---------------------------------------------------------


def test_synonyms_and_an_emergency_are_read_and_travel_in_the_document(tmp_path: Path) -> None:
    agencies = json.loads(json.dumps(SAMPLE_AGENCIES))
    service = agencies[0]["services"][0]
    service["emergency"] = True
    service["channels"].insert(0, {"kind": "phone", "address": "122"})  # the first phone is the one shown
    groups = [["گذرنامه", "پاسپورت", "passport"], ["قبض", "صورتحساب"]]
    directory = write_catalog(tmp_path / "c", agencies, format=2, synonyms=groups)
    catalog = load_catalog(directory, RESOURCES / "icons")
    assert catalog.synonyms == (("گذرنامه", "پاسپورت", "passport"), ("قبض", "صورتحساب"))
    assert catalog.service(service["id"]).emergency_phone == "122"
    assert catalog.restricted_to((agencies[0]["id"],)).synonyms == catalog.synonyms
    from kiosk.core.catalog import catalog_document, parse_catalog_document, write_catalog_directory

    document = catalog_document(directory, RESOURCES / "icons")
    assert parse_catalog_document(document, "server").synonyms == catalog.synonyms
    write_catalog_directory(document, tmp_path / "copy")
    assert load_catalog(tmp_path / "copy", RESOURCES / "icons").synonyms == catalog.synonyms


@pytest.mark.parametrize(
    ("synonyms", "words"),
    [
        ("passport", "should be a list"),
        (["گذرنامه"], "should be a list of words or phrases"),
        ([["گذرنامه"]], "at least two"),
        ([["گذرنامه", ""]], "non-empty text"),
        ([["گذرنامه", 7]], "non-empty text"),
        ([["گذرنامه", "پاسپورت"], ["پاسپورت", "passport"]], "already in synonyms[0]"),
        ([["گذرنامه", "گزرنامه"]], "already in"),  # the same word, as search reads it
        ([["كد پستي", "postal code"]], "Arabic"),
        ([["گذرنامه", "x" * 41]], "at most 40"),
        ([["گذرنامه", "!!!"]], "no letters or digits"),
    ],
)
def test_bad_synonyms_are_refused_with_where_and_why(tmp_path: Path, synonyms: Any, words: str) -> None:
    directory = write_catalog(tmp_path / "c", synonyms=synonyms)
    problems = problems_of(directory)
    assert any(words in p and "synonyms" in p for p in problems), problems


def test_an_emergency_needs_a_phone_to_show(tmp_path: Path) -> None:
    agencies = json.loads(json.dumps(SAMPLE_AGENCIES))
    agencies[0]["services"][0]["emergency"] = True
    agencies[0]["services"][0]["channels"] = [c for c in agencies[0]["services"][0]["channels"] if c["kind"] != "phone"]
    agencies[1]["services"][0]["emergency"] = "yes"
    problems = problems_of(write_catalog(tmp_path / "c", agencies))
    assert any("emergency" in p and "phone channel" in p for p in problems), problems
    assert any("emergency" in p and "true or false" in p for p in problems), problems


def test_search_examples_are_read_and_checked(tmp_path: Path) -> None:
    examples = {"fa": ["قبض آب", "کارت ملی"], "en": ["water bill"]}
    catalog = load_catalog(write_catalog(tmp_path / "ok", search_examples=examples), RESOURCES / "icons")
    assert catalog.search_examples == {"fa": ("قبض آب", "کارت ملی"), "en": ("water bill",)}
    assert catalog.restricted_to(("water",)).search_examples == catalog.search_examples
    bad = {"fa": ["", "x" * 17], "de": ["Wasser"]}
    problems = problems_of(write_catalog(tmp_path / "bad", search_examples=bad))
    assert any("search_examples.fa[0]" in p and "non-empty" in p for p in problems), problems
    assert any("search_examples.fa[1]" in p and "at most 16" in p for p in problems), problems
    assert any("search_examples.de" in p for p in problems), problems


DESK = {
    "service_code": "12345678901",
    "service_type": "G2C",
    "legal_basis": {"fa": "قانون مدیریت خدمات کشوری، مادهٔ ۱۳", "en": "Civil Service Management Act, art. 13"},
    "responsible_unit": {"fa": "ادارهٔ مشترکین", "en": "Customer office"},
    "national_window": "https://my.gov.ir/service/12345678901",
}


def test_the_service_desk_fields_and_last_verified_date_are_read(catalog_dir: Path) -> None:
    def add(data: dict[str, Any]) -> None:
        data["services"][0]["service_desk"] = DESK
        data["services"][0]["last_verified"] = "2026-11-30"

    edit_agency(catalog_dir, "water", add)
    bill = load_catalog(catalog_dir, RESOURCES / "icons").service("water.bill")
    assert bill.desk is not None
    assert (bill.desk.code, bill.desk.kind, bill.desk.national_window) == (
        "12345678901",
        "G2C",
        "https://my.gov.ir/service/12345678901",
    )
    assert bill.desk.unit is not None and bill.desk.unit.fa == "ادارهٔ مشترکین"
    assert bill.last_verified == "2026-11-30"
    assert load_catalog(catalog_dir, RESOURCES / "icons").service("water.connection").desk is None


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"service_code": "1234567890"}, "service_desk.service_code: '1234567890' should be the 11-digit service ID"),
        ({"service_code": "۱۲۳۴۵۶۷۸۹۰۱"}, "should be the 11-digit service ID, in ASCII digits"),
        ({"service_type": "B2C"}, "service_desk.service_type: 'B2C' should be one of: G2C, G2B, G2G"),
        (
            {"national_window": "http://my.gov.ir/"},
            "service_desk.national_window: 'http://my.gov.ir/' should be a full",
        ),
        (
            {"legal_basis": {"fa": "ق" * 201, "en": "x"}},
            "service_desk.legal_basis.fa: is 201 characters long; at most 200",
        ),
        (
            {"responsible_unit": {"fa": "و" * 101, "en": "x"}},
            "responsible_unit.fa: is 101 characters long; at most 100",
        ),
        ({"window": "https://my.gov.ir/"}, "service_desk.window: is not a known field"),
    ],
)
def test_bad_service_desk_fields_are_refused_by_name(catalog_dir: Path, change: dict[str, Any], expected: str) -> None:
    edit_agency(catalog_dir, "water", lambda d: d["services"][0].update(service_desk={**DESK, **change}))
    found = problems_of(catalog_dir)
    assert any(expected in problem for problem in found), found


@pytest.mark.parametrize("value", ["2026-13-01", "1405/09/10", "yesterday", "2026-02-30"])
def test_a_last_verified_date_must_be_a_real_date(catalog_dir: Path, value: str) -> None:
    edit_agency(catalog_dir, "water", lambda d: d["services"][0].update(last_verified=value))
    found = problems_of(catalog_dir)
    assert any("last_verified" in p and "should be a date written YYYY-MM-DD" in p for p in found), found
