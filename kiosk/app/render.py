"""``kiosk render``: the kiosk's own drawing of services, offscreen, as PNG files.

The central server shows editors and reviewers a service's card, each question of its request form
(with its keys) and the review exactly as a kiosk draws them, before a catalog is approved. It
cannot draw them itself (it imports no Qt), so it runs this command as a separate process
(``kiosk.central.preview``). The command builds the real kiosk (``Kiosk.build``: the same widgets,
theme, fonts and translations) on a throwaway data folder holding the catalog to draw as the
kiosk's received catalog, shows the window offscreen at the screen's size and walks it as a
citizen's session does: Home, the agency, the card, «ثبت درخواست», each question, the review.
Each screen is a grab of the whole window. Many services in one process, one QApplication: a
batch pays the start once.

Nothing is written outside the throwaway folder and ``--out``; nothing goes to the network (the
kiosk's delivery is never started).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.core.catalog import (
    AGENCY_DIR,
    MANIFEST_NAME,
    Catalog,
    catalog_document,
    parse_catalog_document,
    write_catalog_directory,
)
from kiosk.core.datafile import DataFileError, read_json
from kiosk.core.paths import KioskPaths, resources_root

if TYPE_CHECKING:
    from kiosk.app.root import Kiosk
    from kiosk.core.forms import FormField

log = logging.getLogger(__name__)

LANGUAGES = ("fa", "en")
ORIENTATIONS = {"landscape": (1366, 768), "portrait": (1080, 1920)}
TEXT_SIZES = ("usual", "large")
INDEX_NAME = "index.json"
# PNGs encoded at once on worker threads (kiosk.app.png_file) while the window draws on.
WRITERS = 2
INDEX_FORMAT = 1
# Exit codes: 0 drawn; 2 bad input (an unknown service or profile, a refused catalog, a bad size).
BAD_INPUT = 2
# The sample answers the review is drawn with (no citizen's data: made up, and valid).
SAMPLE_TEXT = {"text": "زهرا نمونه", "long_text": "ساری، خیابان نمونه، پلاک ۱"}
SAMPLE_DIGITS = {"national_id": "0012345679", "mobile": "09123456789", "postal_code": "4816813311"}


class RenderRefused(Exception):
    """Input the command cannot draw (an unknown service, a refused catalog): the message says why."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass(frozen=True)
class Shot:
    """One image written: what it shows and where."""

    service: str
    screen: str  # card, question, review
    step: int | None  # the question's number (1-based), for a question
    field: str | None  # the question's field id
    language: str
    orientation: str
    size: tuple[int, int]
    text: str
    file: str  # relative to the output folder
    sha256: str
    fits: bool = True  # False: the window needs more than the screen (the image is its whole size)

    def as_json(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "screen": self.screen,
            "step": self.step,
            "field": self.field,
            "language": self.language,
            "orientation": self.orientation,
            "size": list(self.size),
            "fits": self.fits,
            "text": self.text,
            "file": self.file,
            "sha256": self.sha256,
        }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--service", action="append", default=None, metavar="ID", help="a service to draw (may be given again)"
    )
    which.add_argument("--all", action="store_true", help="every service the profile shows")
    parser.add_argument(
        "--catalog",
        type=Path,
        default=None,
        help="a catalog directory (with catalog.json) or a catalog document (one JSON file, as the server "
        "serves it); default: the bundled catalog",
    )
    parser.add_argument(
        "--profile", dest="render_profile", default=None, help="the profile to draw under (default: festival)"
    )
    parser.add_argument("--language", choices=[*LANGUAGES, "both"], default="both", help="fa, en or both (both)")
    parser.add_argument(
        "--orientation", choices=[*ORIENTATIONS, "both"], default="both", help="landscape, portrait or both (both)"
    )
    parser.add_argument(
        "--size", default=None, metavar="WxH", help="the screen's size in pixels instead of the orientation's own"
    )
    parser.add_argument("--text", choices=TEXT_SIZES, default="usual", help="usual or large text (a citizen's choice)")
    parser.add_argument("--out", type=Path, required=True, help="the folder the PNG files and index.json go to")


def render_command(args: argparse.Namespace) -> int:
    """``kiosk render``: exit 0 with the files written, ``BAD_INPUT`` with a message for bad input."""
    try:
        sizes = _sizes(args.orientation, args.size)
        languages = list(LANGUAGES) if args.language == "both" else [args.language]
        with tempfile.TemporaryDirectory(prefix="kiosk-render-") as data:
            paths = KioskPaths(root=resources_root(), data=Path(data))
            catalog = install_catalog(args.catalog, paths)
            profile = args.render_profile or args.profile
            shots = render(paths, catalog, profile, args.service, languages, sizes, args.text, args.out)
    except RenderRefused as exc:
        for line in exc.lines:
            print(f"kiosk render: {line}", file=sys.stderr)
        return BAD_INPUT
    except OSError as exc:
        print(f"kiosk render: cannot write the images: {exc}", file=sys.stderr)
        return 1
    print(f"{len(shots)} images in {args.out} (listed in {args.out / INDEX_NAME})")
    return 0


def _sizes(orientation: str, size: str | None) -> dict[str, tuple[int, int]]:
    chosen = list(ORIENTATIONS) if orientation == "both" else [orientation]
    if size is None:
        return {name: ORIENTATIONS[name] for name in chosen}
    width, _x, height = size.lower().partition("x")
    if not (width.isdigit() and height.isdigit()) or not (320 <= int(width) <= 8192 and 320 <= int(height) <= 8192):
        raise RenderRefused([f"--size {size!r}: give WIDTHxHEIGHT in pixels, each 320-8192 (e.g. 1080x1920)"])
    return {name: (int(width), int(height)) for name in chosen}


def install_catalog(source: Path | None, paths: KioskPaths) -> Catalog:
    """Check the catalog to draw with the kiosk's own validator and put it where the kiosk keeps the
    catalog it received (``paths.cached_catalog``), so the kiosk runs on it as on one from its
    server. None: the bundled catalog. Raises ``RenderRefused`` with the validator's problems."""
    from kiosk.core.catalog import load_catalog

    if source is None:
        try:
            return load_catalog(paths.catalog, paths.icons)
        except DataFileError as exc:
            raise RenderRefused(_refusal(exc, f"the bundled catalog {paths.catalog}")) from None
    if source.is_file() and source.name == MANIFEST_NAME and (source.parent / AGENCY_DIR).is_dir():
        source = source.parent  # a directory's manifest stands for its directory
    try:
        if source.is_dir():
            document = catalog_document(source, paths.icons)
        elif source.is_file():
            document = read_json(source, str(source))
            parse_catalog_document(document, str(source), paths.icons)
        else:
            raise RenderRefused([f"no catalog at {source}: give a catalog directory or a catalog document"])
        write_catalog_directory(document, paths.cached_catalog)
        return load_catalog(paths.cached_catalog, paths.icons, source="cached")
    except DataFileError as exc:
        raise RenderRefused(_refusal(exc, str(source))) from None
    except (RecursionError, ValueError, UnicodeError) as exc:  # should the validator itself give up
        raise RenderRefused([f"the catalog {source} is refused: {type(exc).__name__}: {exc}"[:500]]) from None


def _refusal(exc: DataFileError, what: str) -> list[str]:
    return [*(str(problem) for problem in exc.problems), f"{what} is refused ({len(exc.problems)} problem(s))"]


def render(
    paths: KioskPaths,
    catalog: Catalog,
    profile_name: str | None,
    service_ids: list[str] | None,
    languages: list[str],
    sizes: dict[str, tuple[int, int]],
    text: str,
    out: Path,
    on_service: Callable[[str, str, str, float], None] | None = None,
) -> list[Shot]:
    """Draw the services (None: every one the profile shows) into ``out`` and write its index.
    ``on_service(id, language, orientation, seconds)`` is told how long each service took."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before the QApplication: never a window on a screen
    from kiosk.core.content import DEFAULT_PROFILE
    from kiosk.core.profiles import ProfileLibrary

    profile_name = profile_name or DEFAULT_PROFILE
    library = ProfileLibrary(paths.profiles, paths.last_good_profiles, paths.resources)
    if profile_name not in library.names():
        raise RenderRefused([f"unknown profile {profile_name!r}: the profiles are {', '.join(library.names())}"])
    try:
        profile, _warnings = library.load(profile_name, catalog)
    except DataFileError as exc:
        raise RenderRefused(_refusal(exc, f"the profile {profile_name!r}")) from None
    shown = catalog.restricted_to(profile.agencies)
    if service_ids is None:
        services = [service.id for service in shown.services]
    else:
        services = list(dict.fromkeys(service_ids))
        unknown = [s for s in services if not shown.has_service(s)]
        if unknown:
            raise RenderRefused([_unknown(s, catalog, profile_name) for s in unknown])
    out.mkdir(parents=True, exist_ok=True)
    with OffscreenKiosk(paths, profile_name) as kiosk:
        if kiosk.content is None or kiosk.content.catalog.version != catalog.version:
            raise RenderRefused(["the kiosk did not run on the catalog given (see its log above)"])
        drawer = Drawer(kiosk, out, text)
        try:
            for orientation, size in sizes.items():
                drawer.resize(size)
                for language in languages:
                    for service_id in services:
                        started = time.perf_counter()
                        drawer.draw_service(service_id, language, orientation)
                        drawer.finish_writing()  # a service is done when its last PNG is on disk
                        if on_service is not None:
                            on_service(service_id, language, orientation, time.perf_counter() - started)
        finally:
            drawer.close()
    index = {
        "format": INDEX_FORMAT,
        "catalog_version": catalog.version,
        "profile": profile_name,
        "images": [shot.as_json() for shot in drawer.shots],
    }
    (out / INDEX_NAME).write_text(json.dumps(index, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return drawer.shots


def _unknown(service_id: str, catalog: Catalog, profile_name: str) -> str:
    if catalog.has_service(service_id):
        return f"service {service_id!r} is not shown under the profile {profile_name!r} (choose another --profile)"
    return f"unknown service {service_id!r}: the catalog has no such service"


class OffscreenKiosk:
    """The real kiosk on ``paths``, its window shown offscreen, closed whatever happens."""

    def __init__(self, paths: KioskPaths, profile_name: str) -> None:
        self.paths, self.profile_name = paths, profile_name

    def __enter__(self) -> Kiosk:
        from PySide6.QtCore import qInstallMessageHandler
        from PySide6.QtWidgets import QApplication

        from kiosk.app.root import Kiosk
        from kiosk.core.settings import KioskSettings

        qInstallMessageHandler(_quiet_offscreen)
        self.app = QApplication.instance() or QApplication([sys.argv[0], "-platform", "offscreen"])
        # A screenshot cannot blink: the text cursor is drawn steadily (0: it does not blink).
        QApplication.setCursorFlashTime(0)
        # The default settings whole: no config.toml, environment or server of this machine's.
        self.kiosk = Kiosk.build(self.paths, self.profile_name, KioskSettings())
        return self.kiosk

    def __exit__(self, *_exc: object) -> None:
        self.kiosk.close()
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()


def _quiet_offscreen(_kind: object, _context: object, message: str) -> None:
    """Qt's messages, on stderr as usual, but for the offscreen platform's note that it has no
    window manager to pass size hints to (once per window shown: noise, nothing is wrong)."""
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


class Drawer:
    """Walks the kiosk's window through each service's screens and saves each as a PNG."""

    def __init__(self, kiosk: Kiosk, out: Path, text: str) -> None:
        self.kiosk, self.window, self.out, self.text = kiosk, kiosk.window, out, text
        self.shots: list[Shot] = []
        self._writers = ThreadPoolExecutor(WRITERS, thread_name_prefix="png")
        self._writing: list[Future[Shot]] = []
        self.size = (0, 0)

    def resize(self, size: tuple[int, int]) -> None:
        self.size = size
        window = self.window
        window.resize(*size)
        if not window.isVisible():
            window.show()
            self._work_ahead()
        settle()

    def _work_ahead(self, seconds: float = 60.0) -> None:
        """What a kiosk does after its first frame, before its first citizen (``start_work_ahead``:
        the screens' modules, the keys, QR codes): done before the first service, as a kiosk has
        long done it by the time anybody taps."""
        from PySide6.QtWidgets import QApplication

        window = self.window
        window.repaint()  # the first frame, which starts the work done ahead
        deadline = time.monotonic() + seconds
        while window.working_ahead and time.monotonic() < deadline:
            QApplication.processEvents()
            time.sleep(0.001)  # some steps wait for a worker thread

    def draw_service(self, service_id: str, language: str, orientation: str) -> None:
        """A citizen's session on this service, from Home: the card, each question, the review."""
        window = self.window
        self._start(language)
        service = window.catalog.service(service_id)  # type: ignore[union-attr]
        window.open_agency(service.agency_id)
        window.open_service(service_id)
        self._shoot(service_id, "card", language, orientation)
        if service.form is None:
            return
        window.open_form(service_id)
        form = window.requests.form
        assert form is not None
        for index, step in enumerate(form.steps):
            form.show_step(index)
            self._shoot(service_id, "question", language, orientation, index + 1, step.spec.id)
        for index, step in enumerate(form.steps):
            form.show_step(index)
            answer_with_sample(step)
        form.submit()
        if window.requests.review is None:  # a form no sample answer fits: said, not hidden
            problems = form.last_check.problems if form.last_check is not None else {}
            log.warning("%s: no review drawn, the sample answers are refused: %s", service_id, sorted(problems))
            print(f"kiosk render: {service_id}: no review drawn (sample answers refused)", file=sys.stderr)
            return
        self._shoot(service_id, "review", language, orientation)

    def _start(self, language: str) -> None:
        """Home, in ``language`` and with the text size asked for, as a citizen sets them there."""
        window = self.window
        window.resize(*self.size)  # a screen the last one did not fit widened the window: the screen's size again
        from kiosk.ui.shell import Page

        if window.current_page in (Page.ATTRACT, Page.OUT_OF_SERVICE):  # a new session
            window.start_session()
        else:
            window.requests.discard()  # the sample answers: dropped, so «خانه» does not ask to leave
            window.go_home()
        window.idle_timer.stop()  # no "are you still there?" over a long batch
        if self.kiosk.localizer.language != language:
            self.kiosk.localizer.set_language(language)  # the header's language button
        large = self.text == "large"
        if window.home.large_text_button.isChecked() != large:
            window.home.large_text_button.setChecked(large)

    def _shoot(
        self,
        service_id: str,
        screen: str,
        language: str,
        orientation: str,
        step: int | None = None,
        field: str | None = None,
    ) -> None:
        from kiosk.app.png_file import encode_png

        self.window.idle_timer.stop()
        settle()
        image = self.window.grab().toImage()  # the whole window, drawn now: what the screen shows
        name = screen if step is None else f"question-{step:02d}"
        if self.text == "large":
            name += "-large"
        relative = Path(service_id) / language / orientation / f"{name}.png"
        size = (image.width(), image.height())
        if size != self.size:  # the window would not shrink to the screen: a kiosk would cut it off
            log.warning("%s: %s needs %dx%d, more than the %dx%d screen", service_id, name, *size, *self.size)
            print(f"kiosk render: {relative.as_posix()} does not fit the {self.size[0]}x{self.size[1]} screen: "
                  f"the window needs {size[0]}x{size[1]}", file=sys.stderr)  # fmt: skip

        def write() -> Shot:
            target = self.out / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            body = encode_png(image)
            target.write_bytes(body)
            digest = hashlib.sha256(body).hexdigest()
            return Shot(service_id, screen, step, field, language, orientation, size, self.text, relative.as_posix(),
                        digest, fits=size == self.size)  # fmt: skip

        self._writing.append(self._writers.submit(write))  # written while the window draws the next screen

    def finish_writing(self) -> None:
        """Wait for every PNG under way (in the order they were drawn); raises what a write raised."""
        writing, self._writing = self._writing, []
        self.shots.extend(future.result() for future in writing)

    def close(self) -> None:
        self._writers.shutdown(wait=True)


def settle() -> None:
    """Let Qt do what the last step queued (layouts, deferred deletes, restyling) before a grab."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    for _ in range(2):
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QApplication.processEvents()


def answer_with_sample(step: Any) -> None:
    """A made-up valid answer to the question on screen, for the review (nobody's data)."""
    spec: FormField = step.spec
    if step.options is not None:
        step.options.buttons()[0].setChecked(True)
    elif step.consent is not None:
        step.consent.blockSignals(True)  # a tick moves on by itself: not here
        step.consent.setChecked(True)
        step.consent.box.setChecked(True)
        step.consent.blockSignals(False)
    elif step.picker is not None:
        step.picker.choose_today()
    elif step.editor is not None:
        text = sample_text(spec)
        if hasattr(step.editor, "setText"):
            step.editor.setText(text)
        else:
            step.editor.setPlainText(text)


def sample_text(spec: FormField) -> str:
    if spec.kind in SAMPLE_DIGITS:
        return SAMPLE_DIGITS[spec.kind]
    if spec.kind == "number":
        return "1" + "0" * (max(spec.min_digits, 1) - 1)
    words = SAMPLE_TEXT.get(spec.kind, SAMPLE_TEXT["text"])
    return words[: spec.max_length] if spec.max_length else words
