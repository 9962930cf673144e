"""`kiosk --self-test`: a technician's check of everything the kiosk needs, before the booth opens.

Checks the data folder is writable; the outbox (``PRAGMA quick_check``, and that the kiosk can
write it: a damaged outbox fails and is named); in a PyInstaller bundle, every file the build listed in
``bundle-manifest.json`` (present, same size and SHA-256); then loads every catalog and profile
file, the stylesheet, every icon and logo, the fonts, the kiosk's translations, Qt's own
translations and Babel's locale data. It prints a short report, naming each missing or damaged
file, and returns non-zero on any failure. A refused file is a failure even when the kiosk could
run on the last good data, and the report says which data it would use.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath

from kiosk import __version__
from kiosk.core.catalog import Catalog
from kiosk.core.content import choose_profile, load_best_catalog
from kiosk.core.datafile import DataFileError
from kiosk.core.paths import KioskPaths
from kiosk.core.profiles import ProfileLibrary, check_against_catalog, load_profile_file
from kiosk.outbox.salvage import kept_aside
from kiosk.outbox.store import OutboxDamaged, OutboxError, check_outbox, told_server_key

MANIFEST_NAME = "bundle-manifest.json"
MANIFEST_KIND = "pishkhan-bundle-manifest"

# A string every translation must carry: if it is missing the file is not the kiosk's.
_PROBE = ("Header", "Home")

# Icons the screens draw by name (catalog icons and profile logos are checked with their files).
UI_ICONS = (
    "search", "clear", "home", "language", "arrow-left", "arrow-right", "info",
    "audience", "documents", "steps", "web",
)  # fmt: skip
UI_IMAGES = ("check-white.png", "check-white@2x.png")  # the stylesheet's own (drawn from check-white.svg)


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


def is_frozen() -> bool:
    """True in a PyInstaller bundle."""
    return bool(getattr(sys, "frozen", False))


def self_test(paths: KioskPaths, profile_name: str, write: Callable[[str], None] = print) -> int:
    report = _Report(write)
    write(f"Pishkhan kiosk {__version__} self-test")
    write(f"resources: {paths.root}{' (bundle)' if is_frozen() else ''}")
    write(f"data folder: {paths.data}")
    _check_data_folder(paths, report)
    _check_outbox(paths, report)
    _check_server_key(paths, report)
    _check_signing_key(paths, profile_name, report)
    listed = _check_bundle_manifest(paths, report)
    catalog = _check_catalog(paths, report)
    if catalog is not None:
        _check_profiles(paths, catalog, profile_name, report)
    _check_icons(paths, report)
    _check_qt_resources(paths, listed, report)
    _check_voice(paths, report)
    if report.failures:
        write(f"result: FAILED ({report.failures} problem(s))")
        return 1
    write("result: passed")
    return 0


def _check_voice(paths: KioskPaths, report: _Report) -> None:
    """The read-aloud voice says a Persian word into a file (no sound card needed). A bundle must
    carry its own; from source, a machine without espeak-ng has no voice, which is not a fault (the
    speaker button says «صدا نیست»)."""
    from kiosk.core.voice import Voice

    bundled = paths.root / "voice"

    with tempfile.TemporaryDirectory(prefix="selftest-voice-") as folder:
        wav = Path(folder) / "voice.wav"
        voice = Voice(sink=str(wav), voice_dir=bundled)
        if voice.program is None:
            if is_frozen():
                report.fail("voice", f"the bundle's espeak-ng is missing from {bundled}")
            else:
                report.ok("voice", "none: install espeak-ng (Debian: apt install espeak-ng) for read-aloud")
            return
        process = voice.say("سلام", "fa")
        try:
            finished = process is not None and process.wait(10) == 0
        except subprocess.TimeoutExpired:
            voice.stop()
            finished = False
        if not finished or not wav.is_file() or wav.stat().st_size < 1000:
            report.fail("voice", f"{voice.program} did not speak Persian (is its data complete?)")
            return
        where = "the bundle's" if Path(voice.program).parent == bundled else "the system's"
        report.ok("voice", f"{where} espeak-ng speaks Persian ({voice.program})")


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


def _check_outbox(paths: KioskPaths, report: _Report) -> None:
    """The outbox is intact and the kiosk can write it (read only: a running kiosk may have it open)."""
    outbox = paths.outbox
    salvage = f"its readable requests go to a new outbox at the kiosk's next start (or: kiosk outbox salvage {outbox})"
    if not outbox.exists():
        report.ok("outbox", f"none yet at {outbox} (the kiosk makes it)")
    else:
        try:
            problems = check_outbox(outbox)
        except OutboxDamaged as exc:
            report.fail("outbox", f"{exc}; {salvage}")
        except OutboxError as exc:
            report.fail("outbox", str(exc))
        else:
            if problems:
                report.fail("outbox", f"{outbox} is damaged; {salvage}")
                for problem in problems[:5]:
                    report.note(problem)
            elif not os.access(outbox, os.R_OK | os.W_OK):
                report.fail("outbox", f"{outbox} cannot be written by this user: no request can be taken")
            else:
                report.ok("outbox", f"{outbox}, intact")
    for aside in kept_aside(outbox):
        report.note(f"kept aside earlier: {aside.name} (its readable requests are re-queued at start, once)")


def _check_server_key(paths: KioskPaths, report: _Report) -> None:
    """Which key answers are sealed to: the technician's (config.toml), the one the server told,
    or none yet (then a kiosk that delivers takes no request until it reaches its server)."""
    from kiosk.core.datafile import DataFileError
    from kiosk.core.sealing import key_fingerprint
    from kiosk.core.settings import load_settings

    try:
        configured = load_settings(paths.config_file, os.environ).server_key
    except DataFileError as exc:
        report.fail("server key", "; ".join(str(problem) for problem in exc.problems))
        return
    told = told_server_key(paths.outbox) if paths.outbox.exists() else None
    if configured is not None:
        report.ok("server key", f"from config.toml, fingerprint {key_fingerprint(configured)}")
        if told is not None and told != configured:
            report.note(f"the server last told another key ({key_fingerprint(told)}): is config.toml's current?")
    elif told is not None:
        report.ok("server key", f"as the server told it, fingerprint {key_fingerprint(told)}")
    else:
        report.note(
            "server key: none yet; a kiosk that delivers takes no request until it reaches its server once"
            " (or set server.key in config.toml: `kiosk-central sealing-key` prints it)"
        )


def _check_signing_key(paths: KioskPaths, profile_name: str, report: _Report) -> None:
    """Which keys a release from the server must be signed with. None: a live kiosk applies no
    release (it runs on the catalog it has), a demo kiosk takes them unchecked: said loudly (a
    warning, not a failure: a kiosk that never talks to a server needs no key)."""
    from kiosk.core.datafile import DataFileError
    from kiosk.core.sealing import key_fingerprint
    from kiosk.core.settings import load_settings

    try:
        keys = load_settings(paths.config_file, os.environ).signing_keys
    except DataFileError:
        return  # the server key's line has said why the settings are refused
    if keys:
        report.ok("signing key", "releases are checked against " + ", ".join(key_fingerprint(k) for k in keys))
        return
    advice = "set [server] signing_key in config.toml (`kiosk-central signing-key` prints it)"
    try:
        demo = load_profile_file(paths.profiles / f"{profile_name}.toml", paths.resources).is_demo
    except (DataFileError, OSError):  # the profiles' own check says why a profile cannot be read
        demo = False
    if demo:
        report.note(f"WARNING signing key: none provisioned: releases are taken UNCHECKED (demo only); {advice}")
    else:
        report.note(f"WARNING signing key: none provisioned: this live kiosk applies no catalog release; {advice}")


# --- the bundle's own inventory ---------------------------------------------------------------------


def build_manifest(files: Mapping[str, Path], **about: object) -> dict[str, object]:
    """The manifest build.spec writes into the bundle: bundle-relative name -> size and SHA-256."""
    listed = {}
    for name, source in sorted(files.items()):
        data = source.read_bytes()
        listed[PurePosixPath(name).as_posix()] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    return {"format": 1, "kind": MANIFEST_KIND, "version": __version__, **about, "files": listed}


def _check_bundle_manifest(paths: KioskPaths, report: _Report) -> set[str]:
    """Every file the build put in the bundle is there, unchanged; returns the names listed."""
    manifest = paths.root / MANIFEST_NAME
    if not manifest.is_file():
        if is_frozen():
            report.fail("bundle", f"{manifest} is missing: this copy of the kiosk is incomplete; copy the folder again")
        return set()
    try:
        document = json.loads(manifest.read_text(encoding="utf-8"))
        if document.get("kind") != MANIFEST_KIND:
            raise ValueError("not a Pishkhan bundle manifest")
        files = {str(name): (int(entry["size"]), str(entry["sha256"])) for name, entry in document["files"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        report.fail("bundle", f"{manifest} cannot be read ({exc}): this copy of the kiosk is damaged")
        return set()
    if document.get("version") != __version__:
        report.fail("bundle", f"{manifest} lists kiosk {document.get('version')}, this program is {__version__}")
    problems = 0
    for name, (size, digest) in files.items():
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts:
            report.fail("bundle", f"{manifest} lists {name!r}, outside the bundle")
            problems += 1
            continue
        path = paths.root.joinpath(*relative.parts)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            report.fail("missing file", f"{name} (in {paths.root})")
            problems += 1
            continue
        except OSError as exc:
            report.fail("unreadable file", f"{name} (in {paths.root}): {exc.strerror or exc}")
            problems += 1
            continue
        if len(data) != size or hashlib.sha256(data).hexdigest() != digest:
            report.fail(
                "damaged file", f"{name} (in {paths.root}) differs from the build ({len(data)} bytes, {size} built)"
            )
            problems += 1
    if not problems:
        report.ok(
            "bundle", f"{len(files)} files as built (kiosk {document.get('version')}, {document.get('platform')})"
        )
    return set(files)


# --- data files -------------------------------------------------------------------------------------


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


def _check_icons(paths: KioskPaths, report: _Report) -> None:
    """The screens' own icons exist; every icon and logo is well-formed SVG (a cut-off file is not)."""
    problems = 0
    for file_name in [f"{name}.svg" for name in UI_ICONS] + list(UI_IMAGES):
        if not (paths.icons / file_name).is_file():
            report.fail("icon missing", str(paths.icons / file_name))
            problems += 1
    svgs = sorted(paths.icons.glob("*.svg")) + sorted((paths.resources / "logos").glob("*.svg"))
    for svg in svgs:
        try:
            root = ElementTree.parse(svg).getroot()
            if not root.tag.endswith("svg"):
                raise ValueError(f"its root element is <{root.tag}>, not <svg>")
        except (OSError, ValueError, ElementTree.ParseError) as exc:
            report.fail("icon damaged", f"{svg}: {exc}")
            problems += 1
    if not problems:
        report.ok("icons", f"{len(svgs)} SVG files")


# --- what Qt and Babel load -------------------------------------------------------------------------


def _check_qt_resources(paths: KioskPaths, listed: set[str], report: _Report) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # files are checked, not the screen
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
    from PySide6.QtGui import QFontDatabase, QGuiApplication

    from kiosk.ui.i18n import LANGUAGES, Localizer
    from kiosk.ui.theme import FONT_FAMILY, FONT_FILES, load_fonts, stylesheet

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    problems = load_fonts(paths.fonts)
    for problem in problems:
        report.fail("fonts", problem)
    if not problems:
        if FONT_FAMILY in QFontDatabase.families():
            report.ok("fonts", f"{FONT_FAMILY}, {len(FONT_FILES)} weights")
        else:
            report.fail("fonts", f"{FONT_FAMILY} did not register")

    for high_contrast, name in ((False, "kiosk.qss"), (True, "high-contrast.qss")):
        qss = paths.styles / name
        try:
            stylesheet(paths.styles, "#0f766e", high_contrast)
            report.ok("stylesheet", qss.name)
        except (OSError, UnicodeDecodeError, KeyError, ValueError) as exc:
            report.fail("stylesheet", f"{qss}: {exc.strerror if isinstance(exc, OSError) else exc}")

    localizer = Localizer(paths.translations, paths.cache)
    qt_translations = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for language in LANGUAGES:
        qm = localizer.compiled_translation(language)
        translator = QTranslator()
        if qm is None or not translator.load(str(qm)):
            where = qm or paths.translations / f"kiosk_{language}.qm"
            report.fail(f"translation {language}", f"{where} is missing or cannot be loaded")
        elif language != "en" and not translator.translate(*_PROBE):
            report.fail(f"translation {language}", f"{qm} does not translate the kiosk's strings")
        else:
            report.ok(f"translation {language}", str(qm.name))
        qt_own = QTranslator()
        qt_file = f"qtbase_{language}.qm"
        if qt_own.load(QLocale(language), "qtbase", "_", qt_translations):
            report.ok(f"Qt's translation {language}", qt_file)
        elif any(PurePosixPath(name).name == qt_file for name in listed):
            report.fail(f"Qt's translation {language}", f"{Path(qt_translations) / qt_file} cannot be loaded")
        elif language != "en":
            report.note(f"Qt ships no {qt_file} here: Qt's own dialog buttons stay in English")
        try:
            Localizer.language_name(language)
        except Exception as exc:  # Babel raises several kinds for missing or damaged locale data
            report.fail(f"Babel locale data {language}", f"{type(exc).__name__}: {exc}")
    del app
