"""Search quality: whether the kiosk's search lists the service a citizen means, near the top.

    .venv/bin/python -m benchmarks.search_quality [--queries FILE]

``benchmarks/search_queries.toml`` holds what citizens type (a service's common name, spoken
Persian, typos, whole sentences, Arabic letters, phone numbers and codes, words cut short, English,
other words for the same thing), each with every service that answers it, and topics the catalog
does not have; how it was written, and why it must not be tuned against, is at its top. Each query
is searched in the bundled catalog as the kiosk indexes it (``CatalogSearch``, up to 40 services),
on an index that has forgotten the query before (a new citizen), and scored:

- recall@3: the share of a query's right answers among the first three services listed, out of
  ``min(3, answers)`` (a query with one right answer scores 1 when it is among the first three);
- MRR: the mean of 1 / the rank of the first right answer (0 when none is listed at all);
- empty results: queries whose topic the catalog has, answered with no service at all;
- emergencies first: queries marked ``first`` (gas smell, a fallen wire or sparks, a burst pipe, or
  their numbers) must list that service first;
- absent topics: a query about something the catalog does not have must list no service as a
  confident match. Services listed count as one unless the engine flags them as "did you mean"
  guesses (``SearchResult.guesses``; for an engine without that flag every listed service is
  confident).

Run alone, it prints the figures, a table per category and every query that misses, with what
came first and what was expected.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks.common import Figure

if TYPE_CHECKING:
    from kiosk.core.catalog import Catalog

QUERIES_FILE = Path(__file__).with_name("search_queries.toml")
# In the order the tables list them; every query of the file is in one of them.
CATEGORIES = ("exact", "colloquial", "typo", "sentence", "arabic", "digits", "partial", "english", "synonym")
TOP = 3  # recall is counted over the first TOP services listed
LIMIT = 40  # services asked of the search, as the home screen asks
RECALL_FLOOR = 0.95  # over all queries
CATEGORY_FLOOR = 0.9  # in each category

_QUERY_KEYS = {"text", "category", "answers", "first"}
_ABSENT_KEYS = {"text"}


class QueryFileError(ValueError):
    """The query file is not what the benchmark can score; the message lists every problem."""


@dataclass(frozen=True)
class Query:
    """One query whose topic the catalog has."""

    text: str  # as typed
    category: str  # one of CATEGORIES
    answers: tuple[str, ...]  # every service id that is a right answer
    first: str | None = None  # the service that must be listed first (an emergency), if any


@dataclass(frozen=True)
class QuerySet:
    """The whole file: queries with answers, and texts about topics the catalog does not have."""

    queries: tuple[Query, ...]
    absent: tuple[str, ...]


def load_queries(path: Path = QUERIES_FILE) -> QuerySet:
    """Read the query file and check its form (not its ids: ``unknown_answers`` checks those against
    a catalog); QueryFileError lists every problem at once."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise QueryFileError(f"{path}: {exc}") from exc
    problems = [f"unknown table {key!r}" for key in data if key not in ("query", "absent")]
    queries: list[Query] = []
    for number, item in _tables(data, "query", problems):
        place = f"query {number}"
        problems.extend(f"{place}: unknown key {key!r}" for key in sorted(set(item) - _QUERY_KEYS))
        text, category, answers, first = item.get("text"), item.get("category"), item.get("answers"), item.get("first")
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{place}: text should be a text that is not blank")
            continue
        place = f"{place} ({text!r})"
        if category not in CATEGORIES:
            problems.append(f"{place}: category {category!r} is not one of {', '.join(CATEGORIES)}")
        if not isinstance(answers, list) or not answers or not all(isinstance(a, str) for a in answers):
            problems.append(f"{place}: answers should be a list of service ids, at least one")
            continue
        if len(set(answers)) != len(answers):
            problems.append(f"{place}: an answer is listed twice")
        if first is not None and first not in answers:
            problems.append(f"{place}: first {first!r} is not among its answers")
        queries.append(Query(text, str(category), tuple(answers), first))
    absent: list[str] = []
    for number, item in _tables(data, "absent", problems):
        problems.extend(f"absent {number}: unknown key {key!r}" for key in sorted(set(item) - _ABSENT_KEYS))
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            problems.append(f"absent {number}: text should be a text that is not blank")
        else:
            absent.append(text)
    if problems:
        raise QueryFileError(f"{path}:\n" + "\n".join(f"  {p}" for p in problems))
    return QuerySet(tuple(queries), tuple(absent))


def _tables(data: dict[str, Any], name: str, problems: list[str]) -> list[tuple[int, dict[str, Any]]]:
    """The ``[[name]]`` tables of the file, numbered from 1; anything else there is a problem."""
    items = data.get(name, [])
    if not isinstance(items, list):
        problems.append(f"{name} should be written as [[{name}]] tables")
        return []
    found = [(number, item) for number, item in enumerate(items, 1) if isinstance(item, dict)]
    problems.extend(
        f"{name} {number}: should be a [[{name}]] table"
        for number, item in enumerate(items, 1)
        if not isinstance(item, dict)
    )
    return found


def unknown_answers(query_set: QuerySet, catalog: Catalog) -> list[str]:
    """Each answer (or ``first``) that names no service of ``catalog``, with its query."""
    return [
        f"{query.text!r}: {answer!r}"
        for query in query_set.queries
        for answer in dict.fromkeys([*query.answers, *filter(None, [query.first])])
        if not catalog.has_service(answer)
    ]


def bundled_catalog() -> Catalog:
    """The catalog the kiosk ships with, loaded and validated as the kiosk loads it."""
    from kiosk.core.catalog import load_catalog
    from kiosk.core.paths import KioskPaths, resources_root

    paths = KioskPaths(root=resources_root(), data=Path(tempfile.gettempdir()))
    return load_catalog(paths.catalog, paths.icons)


@dataclass(frozen=True)
class Answered:
    """What the search listed for one query with answers."""

    query: Query
    listed: tuple[str, ...]  # the service ids, best first
    guesses: bool  # the engine offered them as "did you mean" suggestions

    @property
    def top(self) -> tuple[str, ...]:
        return self.listed[:TOP]

    @property
    def recall(self) -> float:
        """The share of the right answers among the first TOP listed, out of min(TOP, answers)."""
        answers = set(self.query.answers)
        return len(answers.intersection(self.top)) / min(TOP, len(answers))

    @property
    def reciprocal_rank(self) -> float:
        """1 / the rank of the first right answer listed; 0 when none is."""
        answers = set(self.query.answers)
        return next((1 / rank for rank, found in enumerate(self.listed, 1) if found in answers), 0.0)

    @property
    def empty(self) -> bool:
        return not self.listed

    @property
    def first_met(self) -> bool | None:
        """Whether the service that must come first did (None: the query asks for none)."""
        if self.query.first is None:
            return None
        return bool(self.listed) and self.listed[0] == self.query.first

    @property
    def missed(self) -> bool:
        """Not every answer it could have had in the top TOP, or its emergency not first."""
        return self.recall < 1 or self.first_met is False


@dataclass(frozen=True)
class AbsentAnswered:
    """What the search listed for a topic the catalog does not have."""

    text: str
    listed: tuple[str, ...]
    guesses: bool

    @property
    def confident(self) -> bool:
        """Services listed as matches, not as "did you mean" guesses."""
        return bool(self.listed) and not self.guesses


@dataclass(frozen=True)
class Scores:
    """The scores of a group of queries with answers."""

    queries: int
    recall: float  # mean recall@TOP
    mrr: float
    empty: int  # answered with no service
    missed: int  # recall below 1 or an emergency not first
    guessed: int  # answered with "did you mean" suggestions

    @classmethod
    def of(cls, answered: Sequence[Answered]) -> Scores:
        count = len(answered)
        return cls(
            queries=count,
            recall=sum(a.recall for a in answered) / count if count else 0.0,
            mrr=sum(a.reciprocal_rank for a in answered) / count if count else 0.0,
            empty=sum(a.empty for a in answered),
            missed=sum(a.missed for a in answered),
            guessed=sum(a.guesses and not a.empty for a in answered),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "queries": self.queries,
            "recall_at_3": round(self.recall, 3),
            "mrr": round(self.mrr, 3),
            "empty": self.empty,
            "missed": self.missed,
            "guessed": self.guessed,
        }


@dataclass(frozen=True)
class Report:
    """Every query's answer."""

    answered: tuple[Answered, ...]
    absent: tuple[AbsentAnswered, ...]

    @property
    def overall(self) -> Scores:
        return Scores.of(self.answered)

    def by_category(self) -> dict[str, Scores]:
        return {c: Scores.of([a for a in self.answered if a.query.category == c]) for c in CATEGORIES}

    @property
    def emergencies(self) -> tuple[Answered, ...]:
        """The queries whose service must come first."""
        return tuple(a for a in self.answered if a.first_met is not None)

    @property
    def confident_absent(self) -> tuple[AbsentAnswered, ...]:
        return tuple(a for a in self.absent if a.confident)


def evaluate(query_set: QuerySet, catalog: Catalog) -> Report:
    """Search every query in ``catalog``, each on an index that has forgotten the one before."""
    from kiosk.core.search import CatalogSearch

    index = CatalogSearch(catalog)
    forget: Callable[[], None] | None = getattr(index, "forget", None)

    def ask(text: str) -> tuple[tuple[str, ...], bool]:
        if forget is not None:
            forget()
        result = index.search(text, limit=LIMIT)
        # `guesses` comes with the new engine (issue 19); today's has no such flag.
        return tuple(service.id for service in result.services), bool(getattr(result, "guesses", False))

    answered = tuple(Answered(query, *ask(query.text)) for query in query_set.queries)
    absent = tuple(AbsentAnswered(text, *ask(text)) for text in query_set.absent)
    return Report(answered, absent)


def run(path: Path = QUERIES_FILE) -> Report:
    """Load the query file, check its answers against the bundled catalog, and search them all."""
    query_set = load_queries(path)
    catalog = bundled_catalog()
    unknown = unknown_answers(query_set, catalog)
    if unknown:
        listed = "\n  ".join(unknown)
        raise QueryFileError(f"{path}: answers that are not services of the bundled catalog:\n  {listed}")
    return evaluate(query_set, catalog)


def _missed_rows(answered: Iterable[Answered]) -> list[dict[str, Any]]:
    return [
        {"query": a.query.text, "category": a.query.category, "top": list(a.top), "expected": list(a.query.answers)}
        | ({"first": a.query.first} if a.query.first else {})
        for a in answered
        if a.missed
    ]


def figures(report: Report) -> list[Figure]:
    """The report as rows of the benchmarks' table."""
    overall = report.overall
    categories = report.by_category()
    per_category = {c: s.as_dict() for c, s in categories.items()}
    worst = min(CATEGORIES, key=lambda c: (categories[c].recall, CATEGORIES.index(c)))
    each = ", ".join(f"{c} {s.recall:.2f}" for c, s in categories.items())
    emergencies = report.emergencies
    first = sum(bool(a.first_met) for a in emergencies)
    confident = report.confident_absent
    return [
        Figure(
            "search_quality_recall", f"search quality: recall@3 over {overall.queries} citizens' queries",
            round(overall.recall, 3), "", f">= {RECALL_FLOOR}", None, floor=RECALL_FLOOR,
            shown=f"{overall.recall:.3f}, MRR {overall.mrr:.3f} ({overall.missed} queries missed)",
            details={**overall.as_dict(), "by_category": per_category, "missed_queries": _missed_rows(report.answered)},
        ),
        Figure(
            "search_quality_categories", "search quality: recall@3 in every category (the lowest)",
            round(categories[worst].recall, 3), "", f">= {CATEGORY_FLOOR} in every category", None,
            floor=CATEGORY_FLOOR, shown=f"lowest: {worst} {categories[worst].recall:.2f} ({each})",
            details={"lowest": worst, "by_category": per_category},
        ),
        Figure(
            "search_quality_empty", "search quality: no service listed for a topic the catalog has",
            overall.empty, "", "0", 0, shown=f"{overall.empty} of {overall.queries} queries",
            details={"queries": [a.query.text for a in report.answered if a.empty]},
        ),
        Figure(
            "search_quality_emergency", "search quality: the emergency service listed first",
            first, "", f"all {len(emergencies)}", None, floor=len(emergencies),
            shown=f"{first} of {len(emergencies)} queries",
            details={
                "not_first": [
                    {"query": a.query.text, "first": a.query.first, "top": list(a.top)}
                    for a in emergencies
                    if not a.first_met
                ]
            },
        ),
        Figure(
            "search_quality_absent", "search quality: a topic the catalog lacks, shown a confident match",
            len(confident), "", "0", 0, shown=f"{len(confident)} of {len(report.absent)} absent topics",
            details={"confident": [{"query": a.text, "top": list(a.listed[:TOP])} for a in confident]},
        ),
    ]  # fmt: skip


def measure(queries: Path | None = None) -> list[Figure]:
    """The figures for ``python -m benchmarks``."""
    return figures(run(queries or QUERIES_FILE))


def print_report(report: Report) -> None:
    """The table per category, then every query that missed and every absent topic matched."""
    categories = report.by_category()
    print(f"\n{'category':<12}{'queries':>8}{'recall@3':>10}{'MRR':>8}{'empty':>7}{'missed':>8}{'guessed':>9}")
    for name, scores in [*categories.items(), ("all", report.overall)]:
        print(
            f"{name:<12}{scores.queries:>8}{scores.recall:>10.3f}{scores.mrr:>8.3f}"
            f"{scores.empty:>7}{scores.missed:>8}{scores.guessed:>9}"
        )
    missed = [a for a in report.answered if a.missed]
    print(f"\nqueries that missed ({len(missed)}): what came in the top {TOP}, what was expected")
    for category in CATEGORIES:
        rows = [a for a in missed if a.query.category == category]
        if rows:
            print(f"  [{category}] {len(rows)} of {categories[category].queries}")
        for a in rows:
            top = ", ".join(a.top) or "(nothing)"
            must = f"; must be first: {a.query.first}" if a.first_met is False else ""
            print(f"    «{a.query.text}»  top {TOP}: {top}{' (guesses)' if a.guesses else ''}")
            print(f"        expected: {', '.join(a.query.answers)}{must}")
    confident = report.confident_absent
    print(f"\nabsent topics shown a confident match ({len(confident)} of {len(report.absent)})")
    for a in confident:
        print(f"    «{a.text}»  top {TOP}: {', '.join(a.listed[:TOP])}")


def main(argv: Sequence[str] | None = None) -> int:
    from benchmarks.__main__ import print_table

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", type=Path, default=QUERIES_FILE, help="the query file (default: %(default)s)")
    args = parser.parse_args(argv)
    report = run(args.queries)
    print_table(figures(report))
    print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
