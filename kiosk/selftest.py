"""`kiosk --self-test`: a technician's check of everything the kiosk needs, before the booth opens.

Loads every catalog and profile file, the fonts and the translations, checks the data folder is
writable, prints a short report and returns non-zero on any failure. A refused file is a failure
even when the kiosk could run on the last good data, and the report says which data it would use.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable

from kiosk import __version__
from kiosk.core.catalog import Catalog
from kiosk.core.content import choose_profile, load_best_catalog
from kiosk.core.datafile import DataFileError
from kiosk.core.profiles import ProfileLibrary, check_against_catalog, load_profile_file
from kiosk.paths import KioskPaths

# A string every translation must carry: if it is missing the file is not the kiosk's.
_PROBE = ("Header", "Home")


class _Report:
    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write
        self.failures = 0

    def ok(self, what: str, detail: str = "") -> None:
        self.write(f"  ok    {what}{': ' + detail if detail else ''}")

    def fail(self, what: str, detail: str) -> None:
        self.failures += 1
        self.write(f"  FAIL  {what}: {detail}")

    def note(self, line: str) -> None:
        self.write(f"        {line}")


def self_test(paths: KioskPaths, profile_name: str, write: Callable[[str], None] = print) -> int:
    report = _Report(write)
    write(f"Pishkhan kiosk {__version__} self-test")
    write(f"resources: {paths.root}")
    write(f"data folder: {paths.data}")
    _check_data_folder(paths, report)
    catalog = _check_catalog(paths, report)
    if catalog is not None:
        _check_profiles(paths, catalog, profile_name, report)
    _check_fonts_and_translations(paths, report)
    if report.failures:
        write(f"result: FAILED ({report.failures} problem(s))")
        return 1
    write("result: passed")
    return 0


def _check_data_folder(paths: KioskPaths, report: _Report) -> None:
    try:
        paths.data.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=paths.data, prefix=".selftest-", delete=True) as probe:
            probe.write(b"ok")
            probe.flush()
            os.fsync(probe.fileno())
        report.ok("data folder is writable")
    except OSError as exc:
        report.fail("data folder", f"cannot write to {paths.data}: {exc.strerror or exc}")


def _check_catalog(paths: KioskPaths, report: _Report) -> Catalog | None:
    try:
        catalog, warnings = load_best_catalog(paths.catalog, paths.cached_catalog, paths.icons)
    except DataFileError as exc:
        report.fail("catalog", f"the bundled catalog in {paths.catalog} is refused; the kiosk shows 'out of service'")
        for problem in exc.problems:
            report.note(str(problem))
        return None
    if warnings:
        report.fail("cached catalog", "refused; the kiosk runs on the bundled catalog (the last good data)")
        for warning in warnings:
            report.note(warning)
    report.ok("catalog", f"{catalog.source}, version {catalog.version}")
    report.write(f"agencies: {len(catalog.agencies)}")
    report.write(f"services: {len(catalog.services)}")
    return catalog


def _check_profiles(paths: KioskPaths, catalog: Catalog, active: str, report: _Report) -> None:
    library = ProfileLibrary(paths.profiles, paths.last_good_profiles, paths.resources)
    names = library.names()
    if not names:
        report.fail("profiles", f"no profile files in {paths.profiles}")
    for name in names:
        try:
            profile = load_profile_file(paths.profiles / f"{name}.toml", paths.resources)
            check_against_catalog(profile, catalog)
            report.ok(f"profile {name}", f"{profile.mode}, {profile.language}")
        except DataFileError as exc:
            report.fail(f"profile {name}", "refused")
            for problem in exc.problems:
                report.note(str(problem))
    profile, warnings = choose_profile(library, active, catalog)
    for warning in warnings:
        report.note(warning)
    if profile.name != active:
        report.fail("active profile", f"{active!r} cannot be used; the kiosk would run on {profile.name!r}")
    shown = len(catalog.restricted_to(profile.agencies).agencies)
    report.write(f"active profile: {profile.name} ({profile.mode}, {profile.language}, {shown} agencies shown)")


def _check_fonts_and_translations(paths: KioskPaths, report: _Report) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # files are checked, not the screen
    from PySide6.QtCore import QTranslator
    from PySide6.QtGui import QFontDatabase, QGuiApplication

    from kiosk.ui.i18n import LANGUAGES, Localizer
    from kiosk.ui.theme import FONT_FAMILY, FONT_FILES, load_fonts

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    problems = load_fonts(paths.fonts)
    for problem in problems:
        report.fail("fonts", problem)
    if not problems:
        if FONT_FAMILY in QFontDatabase.families():
            report.ok("fonts", f"{FONT_FAMILY}, {len(FONT_FILES)} weights")
        else:
            report.fail("fonts", f"{FONT_FAMILY} did not register")
    localizer = Localizer(paths.translations, paths.cache)
    for language in LANGUAGES:
        qm = localizer.compiled_translation(language)
        translator = QTranslator()
        if qm is None or not translator.load(str(qm)):
            report.fail(
                f"translation {language}", f"kiosk_{language} could not be compiled or loaded from {paths.translations}"
            )
        elif language != "en" and not translator.translate(*_PROBE):
            report.fail(f"translation {language}", f"{qm} does not translate the kiosk's strings")
        else:
            report.ok(f"translation {language}", str(qm.name))
    del app
