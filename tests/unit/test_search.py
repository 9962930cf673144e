"""kiosk.core.search: Persian-aware as-you-type search over agencies and services."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core.catalog import Catalog, load_catalog
from kiosk.core.search import CatalogSearch
from tests.factories import write_catalog


@pytest.fixture
def search(tmp_path: Path) -> CatalogSearch:
    return CatalogSearch(load_catalog(write_catalog(tmp_path / "catalog")))


def ids(result) -> list[str]:
    return [s.id for s in result.services]


def test_title_match(search: CatalogSearch) -> None:
    assert ids(search.search("قبض آب"))[0] == "water.bill"


def test_arabic_letters_find_persian_text(search: CatalogSearch) -> None:
    # «كارت» with Arabic kaf and «ملي» with Arabic yeh.
    assert "civil.smart-card" in ids(search.search("كارت ملي"))


def test_ascii_and_arabic_digits_find_persian_digits(search: CatalogSearch) -> None:
    assert ids(search.search("کد پستی 10")) == ["civil.post-code"]
    assert ids(search.search("١٠ رقمی")) == ["civil.post-code"]


def test_zwnj_space_and_nothing_are_interchangeable(search: CatalogSearch) -> None:
    assert "civil.smart-card" in ids(search.search("کارت\u200cملی"))
    assert "civil.smart-card" in ids(search.search("کارتملی"))


def test_diacritics_and_tatweel_are_ignored(search: CatalogSearch) -> None:
    assert "water.bill" in ids(search.search("قـــبْض"))


def test_keywords_and_english(search: CatalogSearch) -> None:
    assert ids(search.search("کنتور")) == ["water.connection"]
    assert ids(search.search("METER")) == ["water.connection"]


def test_agencies_are_found_by_name(search: CatalogSearch) -> None:
    result = search.search("ثبت احوال")
    assert [a.id for a in result.agencies] == ["civil"]


def test_every_word_must_match(search: CatalogSearch) -> None:
    assert ids(search.search("قبض گذرنامه")) == []


def test_titles_rank_before_keywords_and_summaries(tmp_path: Path) -> None:
    catalog: Catalog = load_catalog(write_catalog(tmp_path / "c"))
    result = CatalogSearch(catalog).search("کارت")
    assert ids(result)[0] == "civil.smart-card"


def test_empty_and_blank_queries_find_nothing(search: CatalogSearch) -> None:
    assert search.search("").empty
    assert search.search(" \u200c ").empty


def test_no_match(search: CatalogSearch) -> None:
    assert search.search("هواپیما").empty


def test_limit(search: CatalogSearch) -> None:
    assert len(search.search("برخط", limit=2).services) == 2
