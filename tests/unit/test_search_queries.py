"""benchmarks/search_queries.toml, the search-quality benchmark's query set: well-formed, big enough
in every category, and answered only with services the bundled catalog has; and how it is scored."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.search_quality import (
    CATEGORIES,
    QUERIES_FILE,
    AbsentAnswered,
    Answered,
    Query,
    QueryFileError,
    QuerySet,
    bundled_catalog,
    load_queries,
    unknown_answers,
)

# The emergency services: someone who smells gas, sees a fallen wire or a burst pipe.
EMERGENCIES = {"mazandaran-gas.emergency", "mazandaran-power.outage-report", "mazandaran-water.incident-report"}


@pytest.fixture(scope="module")
def query_set() -> QuerySet:
    return load_queries(QUERIES_FILE)


def test_at_least_150_queries_with_answers(query_set: QuerySet) -> None:
    assert len(query_set.queries) >= 150


def test_every_category_has_at_least_15_queries(query_set: QuerySet) -> None:
    counts = Counter(q.category for q in query_set.queries)
    assert {c: counts[c] for c in CATEGORIES if counts[c] < 15} == {}
    assert set(counts) == set(CATEGORIES)


def test_every_answer_is_a_service_of_the_bundled_catalog(query_set: QuerySet) -> None:
    assert unknown_answers(query_set, bundled_catalog()) == []


def test_every_first_is_among_its_answers(query_set: QuerySet) -> None:
    assert [q.text for q in query_set.queries if q.first is not None and q.first not in q.answers] == []


def test_each_emergency_must_come_first_somewhere(query_set: QuerySet) -> None:
    firsts = Counter(q.first for q in query_set.queries if q.first is not None)
    assert set(firsts) == EMERGENCIES
    assert min(firsts.values()) >= 3


def test_at_least_20_absent_topics(query_set: QuerySet) -> None:
    assert len(query_set.absent) >= 20


def test_no_query_text_twice(query_set: QuerySet) -> None:
    texts = Counter(" ".join(text.split()) for text in [*(q.text for q in query_set.queries), *query_set.absent])
    assert [text for text, count in texts.items() if count > 1] == []


def test_categories_hold_what_they_say(query_set: QuerySet) -> None:
    def wrong(category: str, pattern: str) -> list[str]:
        return [q.text for q in query_set.queries if q.category == category and not re.search(pattern, q.text)]

    assert wrong("arabic", "[يكةى٠-٩]") == []  # Arabic yeh, kaf, teh marbuta, alef maksura or digits
    assert wrong("digits", r"[0-9۰-۹٠-٩]") == []
    assert wrong("english", r"^[\x20-\x7e]+$") == []


def test_a_malformed_file_is_refused_with_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "queries.toml"
    path.write_text(
        """
[[query]]
text = "قبض آب"
category = "slang"
answers = ["mazandaran-water.bill-payment"]
first = "mazandaran-gas.emergency"

[[query]]
text = " "
category = "exact"
answers = ["mazandaran-water.bill-payment"]

[[query]]
text = "قبض برق"
category = "exact"
answers = []

[[absent]]
text = "بلیط قطار"
answer = "none"
""",
        encoding="utf-8",
    )
    with pytest.raises(QueryFileError) as caught:
        load_queries(path)
    message = str(caught.value)
    assert "category 'slang'" in message
    assert "first 'mazandaran-gas.emergency' is not among its answers" in message
    assert "query 2: text should be a text that is not blank" in message
    assert "answers should be a list of service ids" in message
    assert "absent 1: unknown key 'answer'" in message


def test_an_answer_the_catalog_lacks_is_named() -> None:
    queries = QuerySet((Query("قبض آب", "exact", ("mazandaran-water.bill-payment", "water.bill")),), ())
    assert unknown_answers(queries, bundled_catalog()) == ["'قبض آب': 'water.bill'"]


# --- scoring ---------------------------------------------------------------------------------


def test_recall_counts_the_top_three_out_of_at_most_three_answers() -> None:
    one = Query("q", "exact", ("a",))
    assert Answered(one, ("x", "y", "a", "z"), False).recall == 1
    assert Answered(one, ("x", "y", "z", "a"), False).recall == 0
    six = Query("q", "digits", ("a", "b", "c", "d", "e", "f"))
    assert Answered(six, ("a", "x", "f"), False).recall == pytest.approx(2 / 3)
    assert Answered(six, ("d", "e", "f", "x"), False).recall == 1


def test_reciprocal_rank_of_the_first_right_answer() -> None:
    query = Query("q", "exact", ("a", "b"))
    assert Answered(query, ("x", "b", "a"), False).reciprocal_rank == 0.5
    assert Answered(query, ("x",) * 9 + ("a",), False).reciprocal_rank == 0.1
    assert Answered(query, (), False).reciprocal_rank == 0


def test_an_emergency_must_be_first_even_when_recall_is_full() -> None:
    query = Query("بوی گاز", "exact", ("gas.emergency", "gas.bill"), first="gas.emergency")
    late = Answered(query, ("gas.bill", "gas.emergency"), False)
    assert late.recall == 1 and late.first_met is False and late.missed
    assert Answered(query, ("gas.emergency",), False).first_met is True
    assert Answered(query, (), False).first_met is False


def test_an_absent_topic_may_be_shown_guesses_but_no_match() -> None:
    assert AbsentAnswered("بلیط قطار", (), False).confident is False
    assert AbsentAnswered("بلیط قطار", ("post.parcel-tracking",), True).confident is False
    assert AbsentAnswered("بلیط قطار", ("post.parcel-tracking",), False).confident is True
