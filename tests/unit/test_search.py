"""kiosk.core.search: Persian-aware as-you-type search over agencies and services."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.catalog import Catalog, load_catalog
from kiosk.core.paths import resources_root
from kiosk.core.search import CatalogSearch
from tests.support.factories import write_catalog


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


def test_one_word_the_catalog_lacks_does_not_empty_the_list(search: CatalogSearch) -> None:
    """Every word had to match: «قبض آب زیادیه» listed nothing."""
    result = search.search("قبض آب ززززز")
    assert ids(result)[:1] == ["water.bill"]


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


def test_counts_say_how_many_matched_beyond_the_limit(search: CatalogSearch) -> None:
    everything = search.search("برخط", limit=1000)
    limited = search.search("برخط", limit=2)
    assert limited.service_matches == everything.service_matches == len(everything.services) > 2
    assert limited.agency_matches == everything.agency_matches == len(everything.agencies)
    assert search.search("هواپیما").service_matches == 0


# --- the index answers as a plain scan of every entry would, however the query was typed ------
#
# The index narrows each keystroke to what the shorter query matched, remembers recent queries
# and looks in each distinct text once. None of that may change an answer: this reference scores
# every entry from scratch, as the search was first written.

BUNDLED = resources_root() / "resources"


def reference(catalog: Catalog, query: str, limit: int) -> tuple[list[str], list[str], int, int]:
    """What an index that remembers nothing answers (a fresh one)."""
    return answer(CatalogSearch(catalog), query, limit)


def answer(search: CatalogSearch, query: str, limit: int) -> tuple[list[str], list[str], int, int]:
    result = search.search(query, limit)
    ids = [a.id for a in result.agencies], [s.id for s in result.services]
    return (*ids, result.agency_matches, result.service_matches)


@pytest.fixture(scope="module")
def bundled() -> Catalog:
    return load_catalog(BUNDLED / "catalog", BUNDLED / "icons")


TYPED = ("قبض آب", "كد پستي ۱۰", "کارت\u200cملی", "کارتملی", "گذرنامه", "بیمه تامین اجتماعی", "METER", "water bill")


@pytest.mark.parametrize("query", TYPED)
def test_typing_letter_by_letter_answers_as_a_full_scan(bundled: Catalog, query: str) -> None:
    search = CatalogSearch(bundled)
    typed = [query[: i + 1] for i in range(len(query))]
    for text in [*typed, *reversed(typed)]:  # then backspace to nothing, through remembered queries
        assert answer(search, text, 7) == reference(bundled, text, 7), text
    search.forget()
    assert answer(search, query, 40) == reference(bundled, query, 40)


letters = sorted({ch for s in TYPED for ch in s} | set("ی ک ي ك\u200c"))


@settings(deadline=None, derandomize=True, database=None)  # some examples take ~0.1 s: no deadline to flake on
@given(
    st.lists(st.tuples(st.sampled_from(["type", "erase", "space", "forget"]), st.sampled_from(letters)), max_size=30)
)
def test_any_editing_answers_as_a_full_scan(bundled: Catalog, edits: list[tuple[str, str]]) -> None:
    search = CatalogSearch(bundled)
    text = ""
    for action, letter in edits:
        if action == "forget":
            search.forget()
            continue
        text = {"type": text + letter, "erase": text[:-1], "space": text + " "}[action]
        assert answer(search, text, 7) == reference(bundled, text, 7), text
