"""How citizens spell, for search: the words of a text, folded so that spellings people really
make meet the catalog's.

``words`` splits a text into the words search compares: ``persian.normalize``'s form (Arabic ي/ك,
every digit, diacritics, ZWNJ as a space), cut at anything that is not a letter or a digit (so
«*4*1420#» is «4» and «1420»), each word ``fold``-ed.

``fold`` writes letters that sound alike one way, since people pick among them by ear: ذ ض ظ as
ز, ص ث as س, ط as ت, ح as ه, غ as ق, آ as ا, ع at a word's start as ا (and drops ء) («گزرنامه» is «گذرنامه»,
«اضهارنامه» is «اظهارنامه», «قبظ» is «قبض»). The catalog's words are folded the same way.

``plain`` takes a spoken form to the written one («خونه» → «خانه», «اومده» → «آمده») and
``is_filler`` says which words of a sentence carry no topic («میخوام», «کنم», «چطور», «لطفا»,
"how", "my"). ``stems`` are a word without the endings Persian adds to a noun («قبض‌ها»,
«بیمه‌م», «خونمون»). ``one_edit_apart`` and ``deletions`` find a word with one letter missing,
extra, wrong or two swapped.
"""

from __future__ import annotations

import re

from kiosk.core.persian import normalize

# Letters that sound alike, each to the one of its group search writes.
_SOUND_ALIKE = str.maketrans(
    {"ذ": "ز", "ض": "ز", "ظ": "ز", "ص": "س", "ث": "س", "ط": "ت", "ح": "ه", "غ": "ق", "آ": "ا", "ء": None}
)
_AT_START = {"ع": "ا"}
_NOT_A_WORD = re.compile(r"[^\w]+|_+")

# Spoken forms, folded, to their written form, folded (only what the catalog's words need).
_SPOKEN = {
    "خونه": "خانه",
    "خونمون": "خانه",
    "خونم": "خانه",
    "خونتون": "خانه",
    "اومده": "امده",
    "اومد": "امد",
    "اومدن": "امدن",
    "میاد": "میاید",
    "نمیاد": "نمیاید",
    "نون": "نان",
    "بچم": "بچه",
    "شناسنامم": "شناسنامه",
    "گواهینامم": "گواهینامه",
    "ماشینم": "ماشین",
    "بخرم": "خرید",
    "بخریم": "خرید",
    "میخرم": "خرید",
    "خریدم": "خرید",
    "بفروشم": "فروش",
    "بفروشیم": "فروش",
    "میفروشم": "فروش",
    "فروختم": "فروش",
    "ببرم": "انتقال",
    "ببریم": "انتقال",
}

# Words of a sentence that say nothing about its topic (folded): asking, wanting, doing, little
# words. A query made only of them is searched as it is.
_FILLER_TEXT = """
    من ما تو شما او اون ان این اینو اونو همین یه یک چند
    و یا با به بر در از تا که را رو هم هر برای واسه واسم برام بهم ازم
    میخواهم میخوام میخاهم میخام میخواستم خواستم میخواستیم میخواهیم میخوایم خواهم بخواهم
    میتوانم میتونم میتونیم توانم بتوانم بتونم میشه میشود شود بشه باید بایست
    کنم کنیم کند کنه کنید کنن کرد کردم کردیم کردن کرده کن بکن بکنم بکنیم میکنم میکنیم انجام بدم بدهم بدیم
    میاید نمیاید امده امد
    دارم داریم داره دارد نداره ندارد ندارم هست هستم هستش است نیست بود بودم شده شد شدم
    چطور چطوره چطوریه چطوری چجوری چگونه خودم خودمو خودمون نه اره بله
    چگونگی چیکار چکار چه چی چیه کجا کجاست کدوم کدام کی کو ایا
    لطفا لطفن خواهشا ممنون مرسی سلام
    خیلی بیشتر فقط الان امروز باید
    i me my we our you your to a an the of for in on at by with and or is are be do does did
    how what where when can could want wanna need please get help not
    """

# Endings Persian puts on a noun (folded, longest first): plural, «my/your/his», «our/your/their».
_ENGLISH_ENDINGS = ("ing", "es", "s")
# Spoken: «برقا» (plural), «فعاله» («فعال است»), «تلفنمو» («تلفنم را»).
_ENDINGS = (
    "هایی",
    "های",
    "ها",
    "مون",
    "تون",
    "شون",
    "مو",
    "تو",
    "شو",
    "ام",
    "ات",
    "اش",
    "ای",
    "یم",
    "م",
    "ت",
    "ش",
    "ی",
    "ا",
    "ه",
)


def _folded_words(text: str) -> frozenset[str]:
    return frozenset(fold(word) for word in normalize(text).split())


def fold(word: str) -> str:
    """``word`` (already ``normalize``-d) with its sound-alike letters written one way."""
    if word[:1] in _AT_START:
        word = _AT_START[word[0]] + word[1:]
    return word.translate(_SOUND_ALIKE)


def words(text: str) -> list[str]:
    """The words of ``text`` as search compares them: normalised, cut at anything not a letter
    or digit, folded."""
    folded = normalize(text).translate(_SOUND_ALIKE)  # the whole text at once: one call, not one a word
    return [_AT_START[w[0]] + w[1:] if w[0] in _AT_START else w for w in _NOT_A_WORD.split(folded) if w]


def plain(word: str) -> str:
    """A spoken form's written one (``word`` folded), or ``word``."""
    return _SPOKEN_FOLDED.get(word, word)


def is_filler(word: str) -> bool:
    """Whether ``word`` (folded) says nothing about what the citizen is looking for."""
    return word in _FILLERS


# The tables above as search compares them: normalised and folded.
_FILLERS = _folded_words(_FILLER_TEXT)
_SPOKEN_FOLDED = {fold(normalize(spoken)): fold(normalize(written)) for spoken, written in _SPOKEN.items()}


def stems(word: str) -> list[str]:
    """``word`` (folded) without each ending it has (Persian's on a noun; English plurals and
    "-ing"), longest ending first; the stems keep at least two letters (three in English)."""
    if word.isascii():
        return [word[: -len(end)] for end in _ENGLISH_ENDINGS if word.endswith(end) and len(word) - len(end) >= 3]
    return [word[: -len(end)] for end in _ENDINGS if word.endswith(end) and len(word) - len(end) >= 2]


def deletions(word: str) -> set[str]:
    """``word`` with one letter left out, every way."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def one_edit_apart(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` with one letter left out, added, changed, or two neighbours
    swapped (and they are not the same)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    start = 0
    while start < len(a) and a[start] == b[start]:
        start += 1
    if len(a) < len(b):  # one letter added
        return a[start:] == b[start + 1 :]
    if a[start + 1 :] == b[start + 1 :]:  # one letter changed
        return True
    return (  # two neighbours swapped
        start + 1 < len(a)
        and a[start] == b[start + 1]
        and a[start + 1] == b[start]
        and a[start + 2 :] == b[start + 2 :]
    )
