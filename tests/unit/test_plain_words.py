"""The Persian on screen in the words of an elderly first-time reader: one word for one thing
everywhere, and none of the words the glossary ("Words on screen" in docs/architecture.md) retired.

Before issue 18 the kiosk called an agency «دستگاه» (read as "machine"), said «برخط» beside the
catalog's «اینترنتی», «نویسه» for letters, «پرتضاد» for clearer colours, sent people to «کارکنان
غرفه» in a municipal lobby, named itself «پیشخوان» (the government's paid offices) and put a «·»
between numbers, where it reads as the Persian zero.
"""

from __future__ import annotations

import re
import tomllib
import xml.etree.ElementTree as ET

import pytest

from kiosk.core.content import SAFE_PROFILE
from kiosk.core.paths import resources_root

RETIRED = {
    "دستگاه": "an agency is «اداره»; «دستگاه» reads as 'machine'",
    "برخط": "online is «اینترنتی», as the catalog says",
    "نویسه": "letters are «حرف»",
    "پرتضاد": "«رنگ‌های واضح‌تر»",
    "کارکنان غرفه": "«کارکنان همین‌جا»: there is no booth in a lobby",
    "پیشخوان": "the kiosk is «کیوسک»; «پیشخوان» names the government's paid offices",
    "بازبینی": "checking is «بررسی»",
    "وب‌گاه": "«وب‌سایت»",
    "·": "a middle dot reads as the Persian zero «۰»",
}
# An English word in the source, and the one Persian word for it.
ONE_WORD = {
    r"\bagenc(y|ies)\b": "اداره",
    r"\bonline\b": "اینترنتی",
    r"\bkiosks?\b": "کیوسک",
    r"\brequests?\b": "درخواست",
}


def persian_strings() -> list[tuple[str, str]]:
    """(English source, Persian translation) of every string of the UI."""
    tree = ET.parse(resources_root() / "translations" / "kiosk_fa.ts")
    return [(m.findtext("source") or "", m.findtext("translation") or "") for m in tree.iter("message")]


def profile_titles() -> list[str]:
    titles = [SAFE_PROFILE.title.fa]
    for path in sorted((resources_root() / "resources" / "profiles").glob("*.toml")):
        titles.append(tomllib.loads(path.read_text(encoding="utf-8"))["title"]["fa"])
    return titles


RETIRED_IDS = [
    "dastgah",
    "barkhat",
    "neviseh",
    "portazad",
    "karkonan-ghorfeh",
    "pishkhan",
    "bazbini",
    "vebgah",
    "middle-dot",
]


@pytest.mark.parametrize("word", list(RETIRED), ids=RETIRED_IDS)
def test_no_string_on_screen_uses_a_retired_word(word: str) -> None:
    found = [translation for _source, translation in persian_strings() if word in translation]
    found += [title for title in profile_titles() if word in title]
    assert not found, f"«{word}» ({RETIRED[word]}) in: {found[:5]}"


@pytest.mark.parametrize("english", list(ONE_WORD), ids=["agency", "online", "kiosk", "request"])
def test_one_thing_has_one_word_everywhere(english: str) -> None:
    word = ONE_WORD[english]
    other = [
        (source, translation)
        for source, translation in persian_strings()
        if re.search(english, source, re.IGNORECASE) and word not in translation
    ]
    assert not other, f"'{english}' is not «{word}» in: {other[:5]}"
