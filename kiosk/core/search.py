"""Search as citizens type: their words, their spelling, whole sentences, other names for things.

Every text of the catalog and every query become words the same way (``spelling.words``: Arabic
ي/ك, any digit, ZWNJ or space, letters that sound alike). A query's words that carry no topic
(«میخوام», «کنم», «چطور», "how") are dropped, spoken forms become written ones («خونه»), and two
words that the catalog writes as one are joined («شناس نامه»). Each remaining word is looked up in
the catalog's words:

- as it is, or as the start of a catalog word (a word still being typed, «گذرنا»);
- without the endings Persian adds («قبض‌ها», «بیمه‌م»), or split in two when a space was left out
  («قبضبرق»);
- only when none of those is found: one letter missing, extra, wrong or two swapped («شناسنامع»).

The first ways are *strict*, the last *fuzzy*. A match counts the weight of the field it is in
(title, then keywords and the catalog's synonyms, then the service's phones and USSD codes, then
its agency's names and phone, then the summary) times how rare the word is in the catalog (a word
in every service, «مازندران», says little) times how it matched (as typed, then without an
ending, then as a start, then fuzzy). Entries are ranked by their strict score, then by their
fuzzy one, so exact and prefix matches come before fuzzy ones, and a title before a keyword
before a summary; a service whose own title holds a word comes before the other services of the
agency named by it.

Not every word must match: one unknown word («زیاد», a typo the rules miss) no longer empties the
list. An entry is a *confident* match when its title, keywords, synonyms or phones hold, strictly,
more than half of what the query's words weigh (a word the catalog lacks weighs the most), and at
least half of them by number; confident matches come first. When there are none,
the entries that matched at all are offered as guesses ("did you mean"), ``SearchResult.guesses``.

Synonyms are data (``Catalog.synonyms``, groups of words that name one thing: «گذرنامه»,
«پاسپورت», "passport"): a service whose title or keywords hold one word of a group is found by
every word of it. Services the catalog marks as emergencies come first whenever a word of the
query is one of their own (not one of their agency's name: «بوی گاز» puts the gas emergency first,
«قبض گاز» does not).

Speed: each distinct word of the catalog keeps its entries and weights; a keystroke changes only
the last word of the query, and the matches of the others are remembered (``forget`` drops them:
nothing a citizen typed outlives their visit).
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

from kiosk.core.catalog import Agency, Catalog, Service
from kiosk.core.spelling import deletions, is_filler, one_edit_apart, plain, stems, words

# What a match in each field of an entry is worth.
TITLE, KEYWORD, CONTACT, AGENCY, SUMMARY = 8.0, 4.0, 4.0, 2.0, 1.0
# How a word matched: as typed, without an ending or across a missing space, as the start of a
# longer word, one letter off.
AS_TYPED, STEM, PREFIX, FUZZY = 1.0, 0.9, 0.75, 0.5
ALSO_IN = 0.25  # of the weight of each field holding a word besides its heaviest
AT_TITLE_START = 0.5  # of a title match: the title's first word starts with the query's first
CONFIDENT_SHARE = 0.5  # more than this share of the query's weight, held strictly by an entry's own words
FUZZY_FROM = 4  # letters a word needs before one letter off is looked for
_REMEMBERED = 32  # words whose matches are kept for the next keystroke
_LAST = "\U0010ffff"

T = TypeVar("T")


@dataclass(frozen=True)
class SearchResult:
    agencies: tuple[Agency, ...]  # the best ``limit`` matches, best first
    services: tuple[Service, ...]
    agency_matches: int = 0  # how many matched in all
    service_matches: int = 0
    guesses: bool = False  # nothing matched with confidence: these are the closest ("did you mean")
    emergencies: tuple[Service, ...] = ()  # the services listed first because they are emergencies

    @property
    def empty(self) -> bool:
        return not self.agencies and not self.services


@dataclass(frozen=True)
class _WordMatch:
    """One word of a query against one table: per entry, its best strict and fuzzy score, and
    whether the strict one is in the entry's own words (title, keywords, synonyms, phones)."""

    strict: dict[int, float]
    own: dict[int, float]
    fuzzy: dict[int, float]
    weight: float  # what the word weighs in the query: its best catalog word's rarity
    tokens: frozenset[str]  # the catalog words it matched strictly


class _Table(Generic[T]):
    """The entries of one kind (agencies or services) by their words."""

    def __init__(
        self, items: Sequence[T], fields: Sequence[Sequence[tuple[float, Iterable[str]]]], titles: Sequence[str]
    ) -> None:
        """``fields``: per entry, (weight, words) of each of its fields; ``titles``: each entry's
        Persian title, as words joined by spaces (for matches at a title's start)."""
        self.items = list(items)
        # A word's weight in an entry: its heaviest field's, and a quarter of each other field's
        # that holds it too (the service named by a word in its title, keywords and synonyms
        # comes before one that only mentions it in its title).
        postings: dict[str, dict[int, float]] = {}
        for entry, entry_fields in enumerate(fields):
            weights: dict[str, list[float]] = {}
            for weight, field_words in entry_fields:
                for word in set(field_words):
                    if len(word) >= 2 or word.isdigit():
                        weights.setdefault(word, []).append(weight)
            for word, held_in in weights.items():
                heaviest = max(held_in)
                postings.setdefault(word, {})[entry] = heaviest + ALSO_IN * (sum(held_in) - heaviest)
        count = max(1, len(self.items))
        self.postings = postings
        self.rarity = {word: math.log(1.0 + count / len(held)) for word, held in postings.items()}
        self.rarest = math.log(1.0 + count)
        # For a letter typed after other words («قبض گ»): per first letter, heaviest field first,
        # the entries with a word of that field (title, keywords, synonyms, phones, agency) starting
        # with it, as a bit mask.
        marked: dict[str, dict[float, bytearray]] = {}
        for entry, entry_fields in enumerate(fields):
            byte, bit = divmod(entry, 8)
            for weight, field_words in entry_fields:
                if weight < AGENCY:
                    continue
                for word in field_words:
                    bits = marked.setdefault(word[0], {}).setdefault(weight, bytearray(count // 8 + 1))
                    bits[byte] |= 1 << bit
        self.initials: dict[str, list[tuple[float, int]]] = {
            letter: sorted(((w, int.from_bytes(bits, "little")) for w, bits in by_weight.items()), reverse=True)
            for letter, by_weight in marked.items()
        }
        self.vocabulary = sorted(postings)
        self.by_deletion: dict[str, list[str]] = {}
        for word in self.vocabulary:
            if len(word) >= FUZZY_FROM - 1 and not word.isdigit():
                for shorter in deletions(word):
                    self.by_deletion.setdefault(shorter, []).append(word)
        self.titles = sorted((title, entry) for entry, title in enumerate(titles))
        self._title_keys = [title for title, _ in self.titles]
        self._remembered: OrderedDict[str, _WordMatch] = OrderedDict()

    def forget(self) -> None:
        self._remembered.clear()

    def knows(self, word: str) -> bool:
        return word in self.postings

    def starting_with(self, start: str) -> list[str]:
        vocabulary = self.vocabulary
        first = bisect_left(vocabulary, start)
        end = bisect_left(vocabulary, start + _LAST, first)
        return vocabulary[first:end]

    def titles_starting_with(self, start: str) -> list[int]:
        first = bisect_left(self._title_keys, start)
        end = bisect_left(self._title_keys, start + _LAST, first)
        return [entry for _, entry in self.titles[first:end]]

    def match(self, word: str, typing: bool) -> _WordMatch:
        """The matches of one word of a query; ``typing``: it is the word being typed (the last),
        so it may be the start of a longer one."""
        key = (word, typing)
        found = self._remembered.get(key)
        if found is None:
            found = self._match(word, typing)
            self._remembered[key] = found
            while len(self._remembered) > _REMEMBERED:
                self._remembered.popitem(last=False)
        else:
            self._remembered.move_to_end(key)
        return found

    def _match(self, word: str, typing: bool) -> _WordMatch:
        postings, rarity = self.postings, self.rarity
        known = word in postings
        ways: list[tuple[str, float]] = []  # (catalog word, how it matched)
        if known:
            ways.append((word, AS_TYPED))
        if (typing and len(word) >= 2) or (not known and len(word) >= FUZZY_FROM):
            ways.extend((longer, PREFIX) for longer in self.starting_with(word) if longer != word)
        if not known and not word.isdigit():
            ways.extend((stem, STEM) for stem in stems(word) if stem in postings)
        strict: dict[int, float] = {}
        own: dict[int, float] = {}
        for token, how in ways:
            factor = how * rarity[token]
            for entry, weight in postings[token].items():
                score = weight * factor
                if strict.get(entry, 0.0) < score:
                    strict[entry] = score
                if weight >= CONTACT and own.get(entry, 0.0) < score:
                    own[entry] = score
        if not ways and len(word) >= 4 and not word.isdigit():  # a space left out: «قبضبرق»
            for cut in range(2, len(word) - 1):
                left, right = word[:cut], word[cut:]
                if left in postings and right in postings:
                    ways.extend(((left, STEM), (right, STEM)))
                    both = postings[left].keys() & postings[right].keys()
                    factor = STEM * (rarity[left] + rarity[right]) / 2
                    for entry in both:
                        score = min(postings[left][entry], postings[right][entry]) * factor
                        strict[entry] = max(strict.get(entry, 0.0), score)
                        if min(postings[left][entry], postings[right][entry]) >= CONTACT:
                            own[entry] = max(own.get(entry, 0.0), score)
                    break
        fuzzy: dict[int, float] = {}
        close: list[str] = []
        if not ways and len(word) >= FUZZY_FROM and not word.isdigit():
            close = self._one_letter_off(word)
            for token in close:
                factor = FUZZY * rarity[token]
                for entry, weight in postings[token].items():
                    score = weight * factor
                    if fuzzy.get(entry, 0.0) < score:
                        fuzzy[entry] = score
        # A word the catalog does not have (or has only one letter off) weighs as much as its
        # rarest: a query about something else is not a confident match for the one word of it
        # the catalog has.
        weight = max((rarity[token] for token, _ in ways), default=self.rarest)
        return _WordMatch(strict, own, fuzzy, weight, frozenset(token for token, _ in ways))

    def _one_letter_off(self, word: str) -> list[str]:
        by_deletion, postings = self.by_deletion, self.postings
        candidates: set[str] = set(by_deletion.get(word, ()))  # a letter left out of the query
        for shorter in deletions(word):
            if shorter in postings:  # a letter too many in the query
                candidates.add(shorter)
            candidates.update(by_deletion.get(shorter, ()))  # a letter changed, two swapped
        return sorted(c for c in candidates if one_edit_apart(word, c))


@dataclass(frozen=True)
class _Ranked:
    entries: list[int]
    matches: int
    confident: bool
    first: list[int]  # entries put first (emergencies)


def _rank(
    table: _Table[T], terms: Sequence[str], typing: bool, limit: int, urgent: dict[int, frozenset[str]] | None = None
) -> _Ranked:
    """The best ``limit`` entries for the query's words (the last one still being typed when
    ``typing``): emergencies it names first, then confident matches, each by score (strict and
    fuzzy), then catalog order."""
    if len(terms) == 1 and len(terms[0]) == 1:  # one letter: titles that start with it, then words
        entries = _starting_with_letter(table, terms[0])
        return _Ranked(entries[:limit], len(entries), bool(entries), [])
    letter = terms[-1] if typing and len(terms) > 1 and len(terms[-1]) == 1 else None
    if letter is not None:
        terms = terms[:-1]
    found = [table.match(term, typing and number == len(terms) - 1) for number, term in enumerate(terms)]
    total = sum(match.weight for match in found)
    score: dict[int, float] = {}
    held: dict[int, float] = {}  # the weight of the query's words an entry's own words hold
    count: dict[int, int] = {}  # and how many of them
    for match in found:
        for entry, points in match.strict.items():
            score[entry] = score.get(entry, 0.0) + points
        for entry, points in match.fuzzy.items():
            score[entry] = score.get(entry, 0.0) + points
        for entry in match.own:
            held[entry] = held.get(entry, 0.0) + match.weight
            count[entry] = count.get(entry, 0) + 1
    if len(terms[0]) >= 2:
        for entry in table.titles_starting_with(terms[0]):
            if entry in found[0].strict:
                score[entry] += AT_TITLE_START * TITLE * found[0].weight
    if letter is not None:  # «قبض گ»: of what the other words found, what has a word starting so
        tiers = table.initials.get(letter, ())
        for entry in score:
            for weight, mask in tiers:
                if mask >> entry & 1:
                    score[entry] += weight * PREFIX
                    break
    confident = {
        entry
        for entry, weight in held.items()
        if weight > CONFIDENT_SHARE * total and count[entry] >= CONFIDENT_SHARE * len(found)
    }
    first: list[int] = []
    if urgent:
        said = frozenset().union(*(match.tokens for match in found))
        named = [entry for entry, own_words in urgent.items() if entry in confident and said & own_words]
        first = sorted(named, key=lambda entry: -score[entry])[:1]  # «gas leak»: the gas one, not water's leak

    def key(entry: int) -> tuple[bool, bool, float, int]:
        return (entry not in first, entry not in confident, -score[entry], entry)

    ranked = heapq.nsmallest(limit, score, key=key)
    return _Ranked(ranked, len(score), bool(confident), sorted(first, key=key))


def _starting_with_letter(table: _Table[T], letter: str) -> list[int]:
    """The entries for a query of one letter: those whose title starts with it, then those with
    a word starting with it in their title, keywords or agency's name, heaviest field first, each
    in catalog order."""
    found = table.titles_starting_with(letter)
    seen = set(found)
    for _weight, mask in table.initials.get(letter, ()):
        bits = bin(mask)[:1:-1]  # bit i is entry i
        start = bits.find("1")
        while start != -1:
            if start not in seen:
                seen.add(start)
                found.append(start)
            start = bits.find("1", start + 1)
    return found


def _query_terms(query: str, tables: Sequence[_Table]) -> tuple[list[str], bool]:  # type: ignore[type-arg]
    """The words of the query search looks for, and whether the last is still being typed (no
    space after it): spoken forms written, fillers dropped (unless there is nothing else, or it is
    the word being typed), one-letter words dropped (but for the one being typed), two words the
    catalog writes as one joined."""
    typed = words(query)
    if not typed:
        return [], False
    typing = not query[-1:].isspace()
    if len(typed) == 1:
        return [plain(typed[0])], typing
    last = len(typed) - 1
    terms = [
        plain(word)
        for number, word in enumerate(typed)
        if (typing and number == last) or ((len(word) > 1 or word.isdigit()) and not is_filler(plain(word)))
    ]
    if not terms or (typing and len(terms) == 1 and len(terms[0]) == 1 and len(typed) > 1):
        terms = [plain(word) for word in typed if len(word) > 1 or word.isdigit()] or [plain(typed[-1])]
    joined: list[str] = []
    for word in terms:
        if joined:
            both = joined[-1] + word
            if any(table.knows(both) for table in tables) and not all(
                table.knows(joined[-1]) and table.knows(word) for table in tables
            ):
                joined[-1] = both
                continue
        joined.append(word)
    return joined, typing


def _service_fields(
    service: Service,
    agency: Agency,
    synonyms: dict[str, list[list[list[str]]]],
    words: Callable[[str], list[str]] = words,
) -> tuple[list[tuple[float, list[str]]], frozenset[str]]:
    """A service's fields as (weight, words), and its own words that are not its agency's (the
    words that name an emergency); ``words`` may remember texts seen already."""
    title = words(f"{service.title.fa} {service.title.en}")
    keywords = [words(keyword) for keyword in (*service.keywords_fa, *service.keywords_en)]
    keyword_words = [word for phrase in keywords for word in phrase]
    title_synonyms = _synonyms_of([title], synonyms)
    keyword_synonyms = _synonyms_of(keywords, synonyms)
    contact = [word for c in service.channels if c.kind in ("phone", "ussd") for word in words(c.address)]
    agency_words = words(f"{agency.name.fa} {agency.name.en} {agency.short_name.fa} {agency.short_name.en}")
    own = frozenset(title + title_synonyms + keyword_words + keyword_synonyms) - frozenset(agency_words)
    fields = [
        (TITLE, title),
        (TITLE, title_synonyms),  # a word of a synonym group weighs as the word it stands for
        (KEYWORD, keyword_words),
        (KEYWORD, keyword_synonyms),
        (CONTACT, contact),
        (AGENCY, agency_words + words(agency.phone or "")),
        (SUMMARY, words(f"{service.summary.fa} {service.summary.en}")),
    ]
    return fields, own


def _synonyms_of(phrases: Sequence[Sequence[str]], synonyms: dict[str, list[list[list[str]]]]) -> list[str]:
    """The words of every synonym group one of whose terms is in ``phrases`` (a title, a keyword)."""
    found: list[str] = []
    for phrase in phrases:
        for start, word in enumerate(phrase):
            for group in synonyms.get(word, ()):
                if any(term[0] == word and _holds(phrase, start, term) for term in group):
                    found.extend(w for term in group for w in term)
    return found


def _holds(phrase: Sequence[str], start: int, term: Sequence[str]) -> bool:
    return list(phrase[start : start + len(term)]) == list(term)


def synonym_groups(groups: Iterable[Iterable[str]]) -> dict[str, list[list[list[str]]]]:
    """The catalog's synonym groups, each term as words, by the first word of each of its terms."""
    by_first: dict[str, list[list[list[str]]]] = {}
    for group in groups:
        terms = [words(term) for term in group]
        terms = [term for term in terms if term]
        for term in terms:
            by_first.setdefault(term[0], []).append(terms)
    return by_first


class CatalogSearch:
    """An index over one catalog; build once per catalog, query on every keystroke.

    It remembers the matches of the last words typed to answer the next keystroke; ``forget``
    drops them (nothing a citizen typed should outlive their visit). Not thread-safe: query it
    from one thread.
    """

    def __init__(self, catalog: Catalog) -> None:
        agencies = list(catalog.agencies)
        pairs = [(service, agency) for agency in agencies for service in agency.services]
        synonyms = synonym_groups(catalog.synonyms)
        texts = lru_cache(maxsize=4096)(words)  # an agency's names, repeated for each of its services
        self._agencies = _Table(
            agencies,
            [
                [
                    (TITLE, words(f"{a.name.fa} {a.name.en} {a.short_name.fa} {a.short_name.en}")),
                    (CONTACT, words(a.phone or "")),
                ]
                for a in agencies
            ],
            [" ".join(words(a.short_name.fa)) for a in agencies],
        )
        described = [_service_fields(service, agency, synonyms, texts) for service, agency in pairs]
        self._services = _Table(
            [service for service, _ in pairs],
            [fields for fields, _own in described],
            [" ".join(words(s.title.fa)) for s, _ in pairs],
        )
        # An emergency comes first when the query says one of its own words (not its agency's).
        self._urgent = {entry: described[entry][1] for entry, (s, _a) in enumerate(pairs) if s.emergency}

    def search(self, query: str, limit: int = 40) -> SearchResult:
        tables = (self._agencies, self._services)
        terms, typing = _query_terms(query, tables)
        if not terms:
            return SearchResult((), ())
        agencies = _rank(self._agencies, terms, typing, limit)
        services = _rank(self._services, terms, typing, limit, self._urgent)
        # Agencies are offered only as confident matches; services as guesses when nothing is.
        agency_items = tuple(self._agencies.items[e] for e in agencies.entries) if agencies.confident else ()
        service_items = tuple(self._services.items[e] for e in services.entries)
        return SearchResult(
            agencies=agency_items,
            services=service_items,
            agency_matches=agencies.matches if agencies.confident else 0,
            service_matches=services.matches,
            guesses=bool(service_items) and not services.confident and not agency_items,
            emergencies=tuple(self._services.items[e] for e in services.first),
        )

    def forget(self) -> None:
        """Drop the remembered matches (the next keystroke looks every word up again)."""
        self._agencies.forget()
        self._services.forget()


EXAMPLE_MAX = 12  # characters of an example word taken from a keyword


def example_words(catalog: Catalog, language: str, count: int = 3) -> list[str]:
    """Words the search field offers as examples, all answered by this catalog (a profile of one
    or two agencies offers its own): first the catalog's ``search_examples`` whose every word is in
    a title or keyword of one of its services; then, for each agency in turn, a short keyword
    without digits, whose words no other agency uses, of its first services."""
    agencies_of: dict[str, set[str]] = {}  # word -> agencies whose services' titles or keywords use it
    for agency in catalog.agencies:
        for service in agency.services:
            texts = (service.title.fa, service.title.en, *service.keywords_fa, *service.keywords_en)
            for word in words(" ".join(texts)):
                agencies_of.setdefault(word, set()).add(agency.id)
    found = [
        example
        for example in catalog.search_examples.get(language, ())
        if words(example) and all(word in agencies_of for word in words(example))
    ][:count]

    def usable(agency: Agency, service: Service) -> str | None:
        keywords = service.keywords_fa if language == "fa" else service.keywords_en
        for keyword in keywords:
            said = words(keyword)
            if len(keyword) <= EXAMPLE_MAX and said and not any(c.isdigit() for c in keyword):
                if all(agencies_of.get(word, set()) <= {agency.id} for word in said):
                    return keyword
        return None

    for depth in range(max((len(a.services) for a in catalog.agencies), default=0)):
        for agency in catalog.agencies:
            if depth < len(agency.services) and len(found) < count:
                word = usable(agency, agency.services[depth])
                if word is not None and word not in found:
                    found.append(word)
        if len(found) >= count:
            break
    return found
