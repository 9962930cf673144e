"""Persian-aware, as-you-type search over agencies and services.

Both the catalog text and the query go through ``persian.normalize``, so Arabic ي/ك find Persian
ی/ک, any kind of digit finds any other, diacritics and tatweel are ignored, and ZWNJ and space are
interchangeable (a citizen who types «کارتملی» or «کارت ملی» finds «کارت‌ملی» too).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from kiosk.core.catalog import Agency, Catalog, Service
from kiosk.core.persian import normalize

# How much a match in each part of an entry is worth; titles first, then what citizens call it.
_TITLE, _KEYWORD, _AGENCY, _SUMMARY = 8, 4, 2, 1
_AT_START = 4  # bonus when the title starts with the query

T = TypeVar("T")


@dataclass(frozen=True)
class SearchResult:
    agencies: tuple[Agency, ...]
    services: tuple[Service, ...]

    @property
    def empty(self) -> bool:
        return not self.agencies and not self.services


@dataclass(frozen=True)
class _Entry:
    fields: tuple[tuple[str, str, int], ...]  # (normalised text, same without spaces, weight)
    title: str


def _fields(*weighted: tuple[list[str], int]) -> tuple[tuple[str, str, int], ...]:
    out = []
    for texts, weight in weighted:
        text = normalize(" | ".join(texts))
        out.append((text, text.replace(" ", ""), weight))
    return tuple(out)


class CatalogSearch:
    """An index over one catalog; build once per catalog, query on every keystroke."""

    def __init__(self, catalog: Catalog) -> None:
        self._agencies: list[tuple[Agency, _Entry]] = []
        self._services: list[tuple[Service, _Entry]] = []
        for agency in catalog.agencies:
            names = [agency.name.fa, agency.name.en, agency.short_name.fa, agency.short_name.en]
            entry = _Entry(_fields((names, _TITLE)), normalize(agency.short_name.fa))
            self._agencies.append((agency, entry))
            for service in agency.services:
                entry = _Entry(
                    _fields(
                        ([service.title.fa, service.title.en], _TITLE),
                        ([*service.keywords_fa, *service.keywords_en], _KEYWORD),
                        ([agency.short_name.fa, agency.short_name.en], _AGENCY),
                        ([service.summary.fa, service.summary.en], _SUMMARY),
                    ),
                    normalize(service.title.fa),
                )
                self._services.append((service, entry))

    def search(self, query: str, limit: int = 40) -> SearchResult:
        terms = normalize(query).split()
        if not terms:
            return SearchResult((), ())
        compact = "".join(terms)
        agencies = _ranked(self._agencies, terms, compact, limit)
        services = _ranked(self._services, terms, compact, limit)
        return SearchResult(tuple(agencies), tuple(services))


def _score(entry: _Entry, terms: list[str], compact: str) -> int:
    total = 0
    for term in terms:
        best = 0
        for text, _, weight in entry.fields:
            if term in text and weight > best:
                best = weight
        if not best:
            break
        total += best
    else:
        if entry.title.startswith(terms[0]):
            total += _AT_START
        return total
    # Not every term matched word by word: try the query with its spaces and ZWNJs dropped.
    best = max((weight for _, squeezed, weight in entry.fields if compact in squeezed), default=0)
    return best * len(terms)


def _ranked(entries: list[tuple[T, _Entry]], terms: list[str], compact: str, limit: int) -> list[T]:
    scored = []
    for order, (item, entry) in enumerate(entries):
        score = _score(entry, terms, compact)
        if score:
            scored.append((-score, order, item))
    scored.sort(key=lambda row: (row[0], row[1]))
    return [item for _, _, item in scored[:limit]]
