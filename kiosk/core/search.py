"""Persian-aware, as-you-type search over agencies and services.

Both the catalog text and the query go through ``persian.normalize``, so Arabic ي/ك find Persian
ی/ک, any kind of digit finds any other, diacritics and tatweel are ignored, and ZWNJ and space are
interchangeable (a citizen who types «کارتملی» or «کارت ملی» finds «کارت‌ملی» too).

How an entry is scored: each word of the query counts the weight of the best field it occurs in
(title, then keywords, then agency, then summary), plus a bonus when the Persian title starts with
the first word; an entry needs every word. Failing that, the query with its spaces dropped is looked
for in the fields with their spaces dropped, and counts that field's weight once per word.

Speed (a keystroke must answer well within a frame on 5,000 services): the index keeps each
field's normalised text in a column, with each distinct text once, so a keystroke is a few tight
scans rather than a function call per entry. As the citizen types on, the query only grows, so it
is looked for among the entries the shorter query matched instead of the whole catalog (see
``_narrows``); a one-word query, field by field, among the entries whose field held the shorter
word. The last few queries are remembered for that, and for backspace; ``forget`` drops them.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Collection, Container
from dataclasses import dataclass
from itertools import chain
from typing import Generic, TypeVar

from kiosk.core.catalog import Agency, Catalog, Service
from kiosk.core.persian import normalize

# How much a match in each part of an entry is worth; titles first, then what citizens call it.
_TITLE, _KEYWORD, _AGENCY, _SUMMARY = 8, 4, 2, 1
_AT_START = 4  # bonus when the title starts with the query
_REMEMBERED = 8  # recent queries whose matches a longer query is looked for in

_LAST_CHARACTER = "\U0010ffff"  # sorts after any text that starts with the same letters

T = TypeVar("T")
Terms = tuple[str, ...]


@dataclass(frozen=True)
class SearchResult:
    agencies: tuple[Agency, ...]  # the best ``limit`` matches, best first
    services: tuple[Service, ...]
    agency_matches: int = 0  # how many matched in all
    service_matches: int = 0

    @property
    def empty(self) -> bool:
        return not self.agencies and not self.services


class _Column:
    """One field of every entry: its texts joined and normalised, and the same without spaces.

    Many entries share a field's text (every service of an agency names the same agency; a
    province-wide catalog repeats a summary per town), so each distinct text is stored once and
    looked in once per keystroke when that is cheaper than looking in each candidate's.
    """

    def __init__(self, weight: int, texts: list[str]) -> None:
        self.weight = weight
        ids: dict[str, int] = {}
        self.of = tuple(ids.setdefault(text, len(ids)) for text in texts)  # entry -> distinct text
        self.distinct = tuple(ids)
        self.squeezed_distinct = tuple(text.replace(" ", "") for text in self.distinct)
        self.texts = tuple(self.distinct[d] for d in self.of)
        self.squeezed = tuple(self.squeezed_distinct[d] for d in self.of)
        members: list[list[int]] = [[] for _ in self.distinct]
        for entry, d in enumerate(self.of):
            members[d].append(entry)
        self.members = tuple(tuple(m) for m in members)  # distinct text -> entries
        self.shared = 2 * len(self.distinct) <= len(self.of)

    def find(self, word: str, candidates: Collection[int] | None) -> tuple[list[int], list[int]]:
        """The entries (of ``candidates``; None: of all) whose text without spaces holds ``word``,
        and those of them whose text holds it as it is (the same list when that is all of them)."""
        if self.shared and (candidates is None or 2 * len(self.distinct) <= len(candidates)):
            squeezed_ids = {d for d, text in enumerate(self.squeezed_distinct) if word in text}
            ids = {d for d in squeezed_ids if word in self.distinct[d]} if len(word) > 1 else squeezed_ids
            if candidates is None:
                squeezed = list(chain.from_iterable(map(self.members.__getitem__, squeezed_ids)))
                if len(ids) == len(squeezed_ids):
                    return squeezed, squeezed
                return squeezed, list(chain.from_iterable(map(self.members.__getitem__, ids)))
            of = self.of
            squeezed = [i for i in candidates if of[i] in squeezed_ids]
            return squeezed, squeezed if len(ids) == len(squeezed_ids) else [i for i in squeezed if of[i] in ids]
        if candidates is None:
            squeezed = [i for i, text in enumerate(self.squeezed) if word in text]
        else:
            squeezed = [i for i in candidates if word in self.squeezed[i]]
        # One letter cannot straddle a dropped space: the same entries hold it either way.
        if len(word) < 2:
            return squeezed, squeezed
        texts = self.texts
        return squeezed, [i for i in squeezed if word in texts[i]]

    def matching(self, needle: str, candidates: Collection[int], skip: Container[int], squeezed: bool) -> list[int]:
        """The candidates, in their order and not in ``skip``, whose text holds ``needle``."""
        if 2 * len(self.distinct) <= len(candidates):
            distinct = self.squeezed_distinct if squeezed else self.distinct
            hits = {d for d, text in enumerate(distinct) if needle in text}
            if not hits:
                return []
            of = self.of
            if not skip:
                return [i for i in candidates if of[i] in hits]
            return [i for i in candidates if of[i] in hits and i not in skip]
        texts = self.squeezed if squeezed else self.texts
        if not skip:
            return [i for i in candidates if needle in texts[i]]
        return [i for i in candidates if i not in skip and needle in texts[i]]


@dataclass(frozen=True)
class _Found:
    """What one query matched: {entry: score}, and for a one-word query, per column, the entries
    whose text without spaces holds the word (where a longer word can only be)."""

    scores: dict[int, int]
    squeezed: tuple[list[int], ...] | None = None


class _Table(Generic[T]):
    """The entries of one kind (agencies or services), stored column by column."""

    def __init__(self, items: list[T], titles: list[str], columns: dict[int, list[str]]) -> None:
        """``titles``: each entry's normalised Persian title (for the bonus); ``columns``: weight ->
        each entry's normalised text for the field of that weight."""
        self.items = items
        self._titles = sorted((title, i) for i, title in enumerate(titles))
        self._title_keys = [title for title, _ in self._titles]
        self.columns = tuple(_Column(weight, columns[weight]) for weight in sorted(columns, reverse=True))
        self._recent: OrderedDict[Terms, _Found] = OrderedDict()

    def forget(self) -> None:
        self._recent.clear()

    def ranked(self, terms: Terms, limit: int) -> tuple[list[T], int]:
        """The best ``limit`` entries for the query, and how many match in all."""
        found = self._recent.get(terms)
        if found is None:
            earlier = self._narrowed(terms)
            found = self._one_word(terms[0], earlier) if len(terms) == 1 else self._words(terms, earlier)
            self._recent[terms] = found
            while len(self._recent) > _REMEMBERED:
                self._recent.popitem(last=False)
        else:
            self._recent.move_to_end(terms)
        # Highest score first, then catalog order: one integer key per entry sorts both at once.
        size = len(self.items)
        keys = heapq.nsmallest(limit, [entry - score * size for entry, score in found.scores.items()])
        return [self.items[key % size] for key in keys], len(found.scores)

    def _narrowed(self, terms: Terms) -> _Found | None:
        """The smallest recent result that every match of ``terms`` is sure to be in, if any."""
        best: _Found | None = None
        for earlier, found in self._recent.items():
            if _narrows(earlier, terms) and (best is None or len(found.scores) < len(best.scores)):
                best = found
        return best

    def _one_word(self, word: str, earlier: _Found | None) -> _Found:
        """A one-word query: each column is searched among the entries that held the earlier,
        shorter word there (a text without spaces holds the longer word only where it held the
        shorter, and a text holds a word only where its squeezed form does)."""
        columns = self.columns
        squeezed_hits: list[list[int]] = []
        scores: dict[int, int] = {}  # entry -> heaviest column whose text holds the word
        squeezed_only: set[int] = set()  # entries whose texts hold it only with the spaces dropped
        for number in reversed(range(len(columns))):  # lightest first: the heaviest is set last
            column = columns[number]
            candidates: Collection[int] | None = None
            if earlier is not None:
                candidates = earlier.scores if earlier.squeezed is None else earlier.squeezed[number]
            squeezed, holding = column.find(word, candidates)
            squeezed_hits.append(squeezed)
            scores.update(dict.fromkeys(holding, column.weight))
            if len(holding) != len(squeezed):
                squeezed_only.update(set(squeezed).difference(holding))
        self._bonus(scores, word)
        for i in squeezed_only:
            if i not in scores:  # found squeezed only: the heaviest field so, counted once
                scores[i] = next(column.weight for column in columns if word in column.squeezed[i])
        squeezed_hits.reverse()
        return _Found(scores, tuple(squeezed_hits))

    def _words(self, terms: Terms, earlier: _Found | None) -> _Found:
        """{entry: score} for every entry the query of several words matches."""
        pool: Collection[int] = range(len(self.items)) if earlier is None else earlier.scores
        scores: dict[int, int] = {}
        candidates = pool
        for number, term in enumerate(terms):
            best: dict[int, int] = {}  # entry -> weight of the heaviest field holding the term
            for column in self.columns:
                best.update(dict.fromkeys(column.matching(term, candidates, best, False), column.weight))
            scores = best if number == 0 else {i: scores[i] + weight for i, weight in best.items()}
            if not scores:
                break
            candidates = scores
        self._bonus(scores, terms[0])
        # Not every word matched word by word: try the query with its spaces and ZWNJs dropped.
        compact = "".join(terms)
        rest = [i for i in pool if i not in scores] if scores else pool
        found: dict[int, int] = {}
        for column in self.columns:
            found.update(dict.fromkeys(column.matching(compact, rest, found, True), column.weight * len(terms)))
        found.update(scores)
        return _Found(found)

    def _bonus(self, scores: dict[int, int], first: str) -> None:
        """The bonus to the entries in ``scores`` whose title starts with the first word."""
        start = bisect_left(self._title_keys, first)
        end = bisect_left(self._title_keys, first + _LAST_CHARACTER, start)
        for _, i in self._titles[start:end]:
            if i in scores:
                scores[i] += _AT_START


def _text(*texts: str) -> str:
    return normalize(" | ".join(texts))


def _narrows(earlier: Terms, terms: Terms) -> bool:
    """Whether every entry ``terms`` matches is sure to have matched ``earlier`` too: each earlier
    word lies inside some new word (so a field holding the new word holds the earlier one), and the
    earlier words run together lie inside the new ones run together (the same for the fallback).
    True when the citizen types on, adds a word, or retypes a word that was there."""
    return "".join(earlier) in "".join(terms) and all(any(old in new for new in terms) for old in earlier)


class CatalogSearch:
    """An index over one catalog; build once per catalog, query on every keystroke.

    It remembers its last few queries to answer the next keystroke from their matches; ``forget``
    drops them (nothing a citizen typed should outlive their visit). Not thread-safe: query it from
    one thread.
    """

    def __init__(self, catalog: Catalog) -> None:
        agencies = list(catalog.agencies)
        pairs = [(service, agency) for agency in agencies for service in agency.services]
        services = [service for service, _ in pairs]
        self._agencies = _Table(
            agencies,
            [normalize(a.short_name.fa) for a in agencies],
            {_TITLE: [_text(a.name.fa, a.name.en, a.short_name.fa, a.short_name.en) for a in agencies]},
        )
        self._services = _Table(
            services,
            [normalize(s.title.fa) for s in services],
            {
                _TITLE: [_text(s.title.fa, s.title.en) for s in services],
                _KEYWORD: [_text(*s.keywords_fa, *s.keywords_en) for s in services],
                _AGENCY: [_text(a.short_name.fa, a.short_name.en) for _, a in pairs],
                _SUMMARY: [_text(s.summary.fa, s.summary.en) for s in services],
            },
        )

    def search(self, query: str, limit: int = 40) -> SearchResult:
        terms = tuple(normalize(query).split())
        if not terms:
            return SearchResult((), ())
        agencies, agency_matches = self._agencies.ranked(terms, limit)
        services, service_matches = self._services.ranked(terms, limit)
        return SearchResult(tuple(agencies), tuple(services), agency_matches, service_matches)

    def forget(self) -> None:
        """Drop the remembered queries (the next keystroke scans the whole catalog again)."""
        self._agencies.forget()
        self._services.forget()
