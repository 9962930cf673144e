"""Language at run time: Qt translators, layout direction, and formatting numbers, dates and money.

Babel gives plural rules and language names; QLocale gives Persian digits and separators (Babel
keeps Latin digits); Jalali dates come from QCalendar. Switching language installs the other
translator, flips the layout direction and emits ``language_changed`` so every screen re-sets its
strings at once, without a restart.
"""

from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QCalendar,
    QCoreApplication,
    QDate,
    QDateTime,
    QLibraryInfo,
    QLocale,
    QObject,
    Qt,
    QTranslator,
    Signal,
)
from PySide6.QtWidgets import QApplication

from kiosk.core.catalog import Fee, TypicalTime
from kiosk.core.datafile import LocalText
from kiosk.core.persian import for_persian_display, isolate_ltr, to_persian_digits

log = logging.getLogger(__name__)

LANGUAGES = ("fa", "en")
_QT_LOCALES = {
    "fa": QLocale(QLocale.Language.Persian, QLocale.Country.Iran),
    "en": QLocale(QLocale.Language.English, QLocale.Country.UnitedStates),
}
_JALALI = QCalendar(QCalendar.System.Jalali)

# Unit words for typical times. Persian nouns after a number stay singular; English follows
# Babel's plural rule for the larger number of a range.
_UNITS_FA = {
    "minute": "دقیقه", "hour": "ساعت", "day": "روز", "workday": "روز کاری",
    "week": "هفته", "month": "ماه",
}  # fmt: skip
_UNITS_EN = {
    "minute": ("minute", "minutes"), "hour": ("hour", "hours"), "day": ("day", "days"),
    "workday": ("working day", "working days"), "week": ("week", "weeks"),
    "month": ("month", "months"),
}  # fmt: skip


# Where a line may break inside an address, and what keeps it from breaking there.
_BREAKS_IN_ADDRESSES = ("-", "/")
WORD_JOINER = "\u2060"


class Localizer(QObject):
    """The kiosk's current language and everything that formats for it."""

    language_changed = Signal(str)

    def __init__(self, translations_dir: Path, cache_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._translations_dir = translations_dir
        self._cache_dir = cache_dir
        self._translators: list[QTranslator] = []
        self.language = "fa"

    # --- switching -------------------------------------------------------------------------

    def set_language(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unsupported language {language!r}")
        app = QApplication.instance()
        self.detach()
        self._translators = [t for t in self._load_translators(language) if QCoreApplication.installTranslator(t)]
        self.language = language
        QLocale.setDefault(_QT_LOCALES[language])
        direction = Qt.LayoutDirection.RightToLeft if language == "fa" else Qt.LayoutDirection.LeftToRight
        if isinstance(app, QApplication):
            app.setLayoutDirection(direction)
        self.language_changed.emit(language)

    def detach(self) -> None:
        """Remove this localizer's translators from the application."""
        for translator in self._translators:
            QCoreApplication.removeTranslator(translator)
        self._translators = []

    def _load_translators(self, language: str) -> list[QTranslator]:
        translators = []
        ours = QTranslator(self)
        qm = self.compiled_translation(language)
        if qm is not None and ours.load(str(qm)):
            translators.append(ours)
        elif language != "en":  # English is the source language: nothing to load
            log.error("no usable translation for %s (looked for %s)", language, qm)
        qt_own = QTranslator(self)
        if qt_own.load(QLocale(language), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            translators.append(qt_own)
        return translators

    def compiled_translation(self, language: str) -> Path | None:
        """The .qm file for a language: shipped beside the .ts (a bundle), or compiled into the cache."""
        source = self._translations_dir / f"kiosk_{language}.ts"
        shipped = self._translations_dir / f"kiosk_{language}.qm"
        if shipped.is_file() and (not source.is_file() or shipped.stat().st_mtime >= source.stat().st_mtime):
            return shipped
        if not source.is_file():
            return None
        cached = self._cache_dir / "translations" / f"kiosk_{language}.qm"
        if cached.is_file() and cached.stat().st_mtime >= source.stat().st_mtime:
            return cached
        return compile_translation(source, cached)

    # --- formatting ------------------------------------------------------------------------

    @property
    def is_rtl(self) -> bool:
        return self.language == "fa"

    @property
    def qlocale(self) -> QLocale:
        return _QT_LOCALES[self.language]

    def text(self, text: LocalText) -> str:
        """Catalog or profile text in the current language, ready to show (digits, isolates)."""
        return for_persian_display(text.fa) if self.language == "fa" else text.en

    def number(self, value: int) -> str:
        """A whole number with the language's digits and group separators (۱۲٬۵۰۰ or 12,500)."""
        return self.qlocale.toString(value)

    def digits(self, text: str) -> str:
        """Digits in text shown the language's way (Persian digits in Persian)."""
        return to_persian_digits(text) if self.language == "fa" else text

    def today(self, date: QDate | None = None) -> str:
        """Today as a Jalali date: «دوشنبه ۲ آذر ۱۴۰۵» / «Monday, Azar 2, 1405»."""
        return self.qlocale.toString(date or QDate.currentDate(), QLocale.FormatType.LongFormat, _JALALI)

    def short_date(self, date: QDate | None = None) -> str:
        """A Jalali date without its weekday: «۲ آذر ۱۴۰۵» / «Azar 2, 1405»."""
        parts = _JALALI.partsFromDate(date or QDate.currentDate())
        day, month, year = self.number(parts.day), self.month_name(parts.month), str(parts.year)
        if self.language == "fa":
            return f"{day} {month} {self.digits(year)}"
        return f"{month} {day}, {year}"

    def month_name(self, month: int) -> str:
        """A month of the Jalali calendar by its name: «آذر» / «Azar»."""
        return _JALALI.standaloneMonthName(self.qlocale, month)

    def date_time(self, moment: QDateTime) -> str:
        """A moment as a Jalali date and a clock time: «دوشنبه ۲ آذر ۱۴۰۵، ساعت ۱۴:۰۵»."""
        day = self.qlocale.toString(moment.date(), QLocale.FormatType.LongFormat, _JALALI)
        clock = self.qlocale.toString(moment.time(), "HH:mm")
        return QCoreApplication.translate("Format", "%1, at %2").replace("%1", day).replace("%2", clock)

    def duration(self, seconds: float | None) -> str:
        """A waiting time in the language's words, the two largest units: «۳ ساعت و ۵ دقیقه»."""
        if seconds is None:
            return "—"
        hours, minutes = divmod(int(seconds) // 60, 60)
        days, hours = divmod(hours, 24)
        units = (
            (days, QCoreApplication.translate("Format", "%1 d")),
            (hours, QCoreApplication.translate("Format", "%1 h")),
            (minutes, QCoreApplication.translate("Format", "%1 min")),
        )
        shown = [unit.replace("%1", self.number(value)) for value, unit in units if value][:2]
        if not shown:
            return QCoreApplication.translate("Format", "under a minute")
        if len(shown) == 1:
            return shown[0]
        return QCoreApplication.translate("Format", "%1 and %2").replace("%1", shown[0]).replace("%2", shown[1])

    def fee(self, fee: Fee, currency: str) -> str:
        if fee.kind == "free":
            return QCoreApplication.translate("Format", "Free")
        if fee.kind == "variable":
            return (
                fee.note.get(self.language) if fee.note else QCoreApplication.translate("Format", "Depends on the case")
            )
        if currency == "toman":
            amount, unit = fee.rial / 10, QCoreApplication.translate("Format", "Toman")
            shown = self.number(int(amount)) if amount == int(amount) else self.qlocale.toString(amount, "f", 1)
        else:
            shown, unit = self.number(fee.rial), QCoreApplication.translate("Format", "Rial")
        return f"{shown} {unit}"

    def fee_and_time(self, fee: Fee, currency: str, time: TypicalTime) -> str:
        """A service's fee and typical time on one line, each named: «هزینه: رایگان — زمان: ۲ تا ۲۴
        ساعت». (Between them a "·" read as a Persian zero: «رایگان · ۲ تا ۲۴ ساعت», "free, 20 to 24".)"""
        text = QCoreApplication.translate("Format", "Fee: %1 — Time: %2")
        return text.replace("%1", self.fee(fee, currency)).replace("%2", self.typical_time(time))

    def typical_time(self, time: TypicalTime) -> str:
        if time.unit == "instant":
            return QCoreApplication.translate("Format", "Immediately, online")
        low, high = self.number(time.min), self.number(time.max)
        if self.language == "fa":
            unit = _UNITS_FA[time.unit]
            span = low if time.min == time.max else f"{low} تا {high}"
            return f"{span} {unit}"
        one, many = _UNITS_EN[time.unit]
        unit = one if _babel_locale("en").plural_form(time.max) == "one" else many
        span = low if time.min == time.max else f"{low}–{high}"
        return f"{span} {unit}"

    def address(self, text: str) -> str:
        """A web address, USSD code or phone number: always left to right, never reordered, never
        broken across lines (a line ended in «www.abfa-», its next began «mazandaran.ir»)."""
        shown = self.digits(text) if text[:1] in "*0123456789" else text
        for mark in _BREAKS_IN_ADDRESSES:
            shown = shown.replace(mark, mark + WORD_JOINER)
        return isolate_ltr(shown)

    def load_ahead(self) -> None:
        """Load Babel's data for the current language (work done ahead, so no citizen waits for it)."""
        _babel_locale(self.language)

    @staticmethod
    def language_name(language: str) -> str:
        """A language's name in that language (what a citizen looks for on the switch)."""
        # The two the kiosk speaks, as Babel's CLDR data names them (a test keeps them equal);
        # spelled out here so the first frame does not wait for Babel to load.
        return {"fa": "فارسی", "en": "English"}[language]


@functools.lru_cache(maxsize=4)
def _babel_locale(language: str) -> Any:
    """Babel's locale data, loaded on first use: importing Babel costs ~30 ms the first frame needs not."""
    from babel import Locale

    return Locale(language)


def compile_translation(source: Path, target: Path) -> Path | None:
    """Compile a Qt Linguist .ts file with PySide6's lrelease; None (and a log line) on failure."""
    import subprocess  # only a first start (or a changed .ts) compiles: not on every start's path
    import tempfile

    lrelease = find_lrelease()
    if lrelease is None:
        log.error("cannot compile %s: lrelease not found", source)
        return None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        # The data folder is broken; the kiosk must still speak Persian: compile to a temp folder.
        log.error("cannot write %s (%s); compiling translations to a temporary folder", target.parent, exc)
        target = Path(tempfile.mkdtemp(prefix="pishkhan-qm-")) / target.name
    result = subprocess.run(
        [lrelease, "-silent", str(source), "-qm", str(target)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    if result.returncode != 0 or not target.is_file():
        log.error("lrelease failed for %s: %s", source, result.stderr.strip())
        return None
    return target


def find_lrelease() -> str | None:
    import shutil

    import PySide6

    folder = Path(PySide6.__file__).parent
    for candidate in (folder / "lrelease", folder / "lrelease.exe", Path(sys.prefix) / "bin" / "pyside6-lrelease"):
        if candidate.is_file():
            return str(candidate)
    return shutil.which("pyside6-lrelease") or shutil.which("lrelease")
