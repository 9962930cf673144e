"""Composition root: builds everything in a visible order, wires it, and runs the qasync loop."""

from __future__ import annotations

import gc
import logging
import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk import __version__
from kiosk.core.content import DEFAULT_PROFILE, KioskContent, choose_profile, load_best_catalog
from kiosk.core.datafile import DataFileError
from kiosk.core.profiles import ProfileLibrary, profile_problems
from kiosk.core.settings import KioskSettings, load_settings
from kiosk.outbox.desk import DeskContext, RequestDesk
from kiosk.outbox.lookup import RequestLookup
from kiosk.outbox.store import OutboxError, OutboxStore, OutboxVersionError, keep_aside
from kiosk.outbox.usage import UsageLog
from kiosk.paths import KioskPaths

if TYPE_CHECKING:
    import asyncio

    from kiosk.core.catalog import Catalog
    from kiosk.core.profiles import DemoProfile
    from kiosk.outbox.catalog_updates import CatalogUpdater
    from kiosk.outbox.sync import SyncEngine
    from kiosk.ui.i18n import Localizer
    from kiosk.ui.shell import KioskWindow

log = logging.getLogger("kiosk")

WINDOWED_SIZE = (1366, 768)
# What delivering the outbox loads (requests and urllib3 among it), off the UI thread: start_sync_soon.
DELIVERY_MODULES = ("kiosk.outbox.client", "kiosk.outbox.sync", "kiosk.outbox.catalog_updates")


def configure_logging(paths: KioskPaths) -> None:
    """A rotating log in the data folder; never personal data (nothing a citizen types is logged)."""
    root = logging.getLogger()
    if any(getattr(h, "_kiosk", False) for h in root.handlers):
        return
    root.setLevel(logging.INFO)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        paths.logs.mkdir(parents=True, exist_ok=True)
        handler = rotating_log(paths.logs / "kiosk.log", max_bytes=2_000_000, backups=5)
    except OSError as exc:
        handler = logging.StreamHandler(sys.stderr)
        print(f"kiosk: cannot write logs to {paths.logs} ({exc.strerror}); logging to the console", file=sys.stderr)
    handler.setFormatter(formatter)
    handler._kiosk = True  # type: ignore[attr-defined]
    root.addHandler(handler)


def rotating_log(path: Path, max_bytes: int, backups: int) -> logging.Handler:
    """The kiosk's log file: the standard library's rotation (``.1`` ... ``.<backups>``, the oldest
    dropped). Imported here, not with this module: commands that log to no file (``--self-test``,
    ``--print-config``) do not pay for its imports (~5 ms); the kiosk itself still does."""
    import logging.handlers

    return logging.handlers.RotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")


def load_content(paths: KioskPaths, profile_name: str) -> KioskContent | None:
    """The catalog and profile to run on, falling back to the last good data; None if nothing works."""
    try:
        catalog, warnings = load_best_catalog(paths.catalog, paths.cached_catalog, paths.icons)
    except DataFileError as exc:
        for problem in exc.problems:
            log.error("bundled catalog refused: %s", problem)
        return None
    library = ProfileLibrary(paths.profiles, paths.last_good_profiles, paths.resources)
    profile, profile_warnings = choose_profile(library, profile_name, catalog)
    content = KioskContent(catalog, profile, warnings + profile_warnings)
    for warning in content.warnings:
        log.warning("%s", warning)
    log.info(
        "running profile %s (%s) on the %s catalog %s: %d agencies shown",
        profile.name, profile.mode, catalog.source, catalog.version,
        len(catalog.restricted_to(profile.agencies).agencies),
    )  # fmt: skip
    return content


def open_outbox(paths: KioskPaths) -> tuple[OutboxStore | None, str]:
    """The outbox, or None and the reason. A damaged file is kept aside (never deleted) and a new
    one started; a file from a newer kiosk is left alone and requests are refused until it is fixed."""
    try:
        return OutboxStore(paths.outbox), ""
    except OutboxVersionError as exc:
        log.error("%s", exc)
        return None, str(exc)
    except OutboxError as exc:
        log.error("%s", exc)
    try:
        kept = keep_aside(paths.outbox)
        log.error("the damaged outbox was kept aside as %s; a new one was started", kept)
        return OutboxStore(paths.outbox), ""
    except (OSError, OutboxError) as exc:
        log.error("no outbox can be opened in %s: %s", paths.data, exc)
        return None, str(exc)


def read_settings(paths: KioskPaths, command_line: dict[str, Any] | None = None) -> KioskSettings:
    try:
        return load_settings(paths.config_file, os.environ, command_line)
    except DataFileError as exc:
        for problem in exc.problems:
            log.error("kiosk settings refused: %s", problem)
        log.error("running with default settings (kiosk 1, the profile's server, no token)")
        return KioskSettings()


@dataclass
class Kiosk:
    """The assembled application: what tests and tools drive, and what ``run`` shows."""

    paths: KioskPaths
    content: KioskContent | None
    settings: KioskSettings
    localizer: Localizer
    window: KioskWindow
    store: OutboxStore | None
    desk: RequestDesk | None
    engine: SyncEngine | None = None
    updater: CatalogUpdater | None = None
    problems: logging.Handler | None = None

    @classmethod
    def build(
        cls, paths: KioskPaths, profile_name: str = DEFAULT_PROFILE, settings: KioskSettings | None = None
    ) -> Kiosk:
        """Build the window on an existing QApplication (tests) or the one ``run`` made."""
        # Building makes tens of thousands of objects and frees next to none: the ~30 garbage
        # collections it would trigger find nothing and cost ~4 ms of the start.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return cls._build(paths, profile_name, settings)
        finally:
            if collecting:
                gc.enable()

    @classmethod
    def _build(cls, paths: KioskPaths, profile_name: str, settings: KioskSettings | None) -> Kiosk:
        from PySide6.QtWidgets import QApplication

        from kiosk.ui.i18n import Localizer
        from kiosk.ui.icons import IconSet
        from kiosk.ui.shell import KioskWindow
        from kiosk.ui.theme import apply_theme, load_fonts

        app = QApplication.instance()
        assert isinstance(app, QApplication), "create the QApplication first"
        for problem in load_fonts(paths.fonts):
            log.error("%s", problem)
        content = load_content(paths, profile_name)
        settings = settings or read_settings(paths)
        store, problem = open_outbox(paths) if content is not None else (None, "no catalog")
        desk = None
        kiosk: Kiosk | None = None
        if content is not None:
            context = DeskContext(
                settings.kiosk_number, content.profile.name, content.profile.mode, content.catalog.version
            )
            desk = RequestDesk(store, context, lambda _r: kiosk and kiosk.wake_sync(), problem)
        localizer = Localizer(paths.translations, paths.cache)
        # The language first: the window is then built in it, instead of being built in English
        # and every widget told of a new language and direction right after.
        localizer.set_language(content.profile.language if content is not None else "fa")
        window = KioskWindow(localizer, IconSet(paths.icons), desk, paths.receipts)
        if content is None:
            apply_theme(app, paths.styles, "#9b1c1c")
            window.show_out_of_service()
        else:
            apply_theme(app, paths.styles, content.profile.accent)
            logo = paths.resources / content.profile.logo if content.profile.logo else None
            window.show_content(content.catalog, content.profile, logo)
        window.tracking.lookup = RequestLookup(None, store)  # offline until the server is known
        if content is not None:
            window.usage = UsageLog(store, content.profile.name, content.profile.mode)
        kiosk = cls(paths, content, settings, localizer, window, store, desk)
        window.catalog_changed.connect(kiosk._catalog_changed)
        window.accessibility_changed.connect(kiosk._restyle)
        if content is not None:
            from kiosk.staff_actions import KioskStaffActions, RecentProblems

            kiosk.problems = RecentProblems()
            logging.getLogger().addHandler(kiosk.problems)
            window.staff.actions = KioskStaffActions(kiosk, kiosk.problems)
        return kiosk

    def _restyle(self, large_text: bool, high_contrast: bool) -> None:
        """A citizen asked for larger text or high contrast (for this visit only)."""
        from PySide6.QtWidgets import QApplication

        from kiosk.ui.theme import apply_theme

        app = QApplication.instance()
        if self.content is not None and isinstance(app, QApplication):
            apply_theme(app, self.paths.styles, self.content.profile.accent, large_text, high_contrast)

    def apply_profile(self, profile: DemoProfile) -> None:
        """Staff switched the profile: branding, agencies, language and server change at once;
        the outbox is untouched (requests filed under the old profile keep their mode)."""
        from PySide6.QtWidgets import QApplication

        from kiosk.ui.theme import apply_theme

        assert self.content is not None
        self.content = replace(self.content, profile=profile)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, self.paths.styles, profile.accent)
        logo = self.paths.resources / profile.logo if profile.logo else None
        self.window.show_content(self.content.catalog, profile, logo, keep_staff=True)
        if self.desk is not None:
            self.desk.context = replace(self.desk.context, profile=profile.name, mode=profile.mode)
        if self.window.usage is not None:
            self.window.usage.profile, self.window.usage.mode = profile.name, profile.mode

    async def restart_sync(self) -> None:
        """The server, token or kiosk number changed: start delivery again with the new ones."""
        await self.stop_sync()
        self.start_sync()

    def _catalog_changed(self, catalog: Catalog) -> None:
        """An updated catalog is on screen now: requests from here on carry its version."""
        if self.content is not None:
            self.content = replace(self.content, catalog=catalog)
        if self.desk is not None:
            self.desk.context = replace(self.desk.context, catalog_version=catalog.version)

    # --- delivery --------------------------------------------------------------------------

    async def start_sync_soon(self) -> SyncEngine | None:
        """``start_sync`` once requests and the engine are loaded, on a worker thread: ~50 ms of
        imports the attract loop would otherwise stand still for, just after the first frame
        (``kiosk.preload``; the outbox imports no Qt, which the import contracts check)."""
        import asyncio

        from kiosk.preload import load

        await asyncio.to_thread(load, DELIVERY_MODULES)
        return self.start_sync()

    def start_sync(self) -> SyncEngine | None:
        """Start delivering the outbox on the running asyncio loop (the qasync loop in the kiosk)."""
        if self.store is None or self.content is None:
            return None
        profile = self.content.profile
        url = self.settings.server_for(profile.server_url)
        if not url or not self.settings.server_token:
            log.warning("no central server token is set: requests stay in the outbox until a technician sets one")
            return None
        # requests and the engine load only now, after the first frame: it does not need them.
        from kiosk.outbox.catalog_updates import CatalogUpdater
        from kiosk.outbox.client import CentralClient
        from kiosk.outbox.sync import SyncEngine

        client = CentralClient(url, self.settings.server_token, proxy=profile.proxy, ca_file=profile.ca_file)
        self.engine = SyncEngine(
            self.store,
            client,
            kiosk_number=self.settings.kiosk_number,
            heartbeat_payload=self._heartbeat,
        )
        self.engine.start()
        self.window.tracking.lookup = RequestLookup(client, self.store)
        self.updater = CatalogUpdater(
            client,
            self.paths.cached_catalog,
            self.paths.catalog_etag,
            icons_dir=self.paths.icons,
            check_profile=lambda catalog: profile_problems(profile, catalog),
            on_ready=self.window.offer_catalog,
            interval_seconds=profile.catalog_refresh_minutes * 60,
        )
        self.updater.start()
        log.info("delivering to %s as kiosk %d", url, self.settings.kiosk_number)
        return self.engine

    def _heartbeat(self) -> dict[str, Any]:
        assert self.content is not None
        payload: dict[str, Any] = {
            "version": __version__,
            "profile": self.content.profile.name,
            "mode": self.content.profile.mode,
            "catalog_version": self.content.catalog.version,
        }
        if self.updater is not None and self.updater.last_refusal:
            payload["last_error"] = self.updater.last_refusal
        return payload

    def wake_sync(self) -> None:
        if self.engine is not None:
            self.engine.wake()

    async def stop_sync(self) -> None:
        if self.updater is not None:
            await self.updater.stop()
            self.updater = None
        if self.engine is not None:
            await self.engine.stop()
            self.engine = None

    def close(self) -> None:
        """Close the window and take back everything installed application-wide."""
        self.window.allow_close()
        self.window.close()
        if self.problems is not None:
            logging.getLogger().removeHandler(self.problems)
        self.window.deleteLater()
        self.localizer.detach()
        if self.store is not None:
            self.store.close()
            self.store = None


def show_full_screen(window: KioskWindow) -> None:
    """Full screen, frameless, above everything; also in a bare X session with no window manager."""
    from PySide6.QtCore import Qt

    window.setWindowFlags(window.windowFlags() | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
    window.showFullScreen()
    screen = window.screen()
    if screen is not None:
        window.setGeometry(screen.geometry())


class CrashGuard:
    """An unexpected error is logged (no personal data: a traceback, no values typed) and the kiosk
    goes back to the attract loop instead of dying; the outbox is never touched. Errors in a
    burst (the recovery itself failing) end the process, for the service manager to restart it."""

    BURST = 5
    WINDOW_SECONDS = 10.0

    def __init__(self, kiosk: Kiosk) -> None:
        self._kiosk = kiosk
        self._recent: list[float] = []

    def install(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        sys.excepthook = self.on_exception
        if loop is not None:
            loop.set_exception_handler(self.on_loop_exception)

    def on_exception(self, kind: type[BaseException], value: BaseException, tb: Any) -> None:
        import time

        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        log.error("unexpected %s; returning to the attract loop", kind.__name__, exc_info=(kind, value, tb))
        now = time.monotonic()
        self._recent = [t for t in self._recent if now - t < self.WINDOW_SECONDS] + [now]
        if len(self._recent) >= self.BURST:
            log.critical("%d errors in %.0f s: stopping so the kiosk can be restarted", self.BURST, self.WINDOW_SECONDS)
            QApplication.exit(70)
            return
        QTimer.singleShot(0, self._kiosk.window.end_session)

    def on_loop_exception(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        if isinstance(error, BaseException):
            self.on_exception(type(error), error, error.__traceback__)
        else:
            log.error("asyncio: %s", context.get("message"))


def run(paths: KioskPaths, profile_name: str, windowed: bool, settings: KioskSettings | None = None) -> int:
    os.environ.setdefault("QT_API", "pyside6")  # qasync picks its binding from this at import
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    app.setApplicationName("Pishkhan")
    app.setOrganizationName("Mazandaran e-government")
    kiosk = Kiosk.build(paths, profile_name, settings)
    window = kiosk.window
    if kiosk.settings.hide_cursor:
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QCursor

        app.setOverrideCursor(QCursor(Qt.CursorShape.BlankCursor))
    if windowed:
        window.resize(*WINDOWED_SIZE)
        window.show()
    else:
        show_full_screen(window)

    import qasync  # after the first frame is queued: it is not needed to paint it

    loop = qasync.QEventLoop(app)
    import asyncio

    asyncio.set_event_loop(loop)
    CrashGuard(kiosk).install(loop)
    closed = asyncio.Event()
    app.aboutToQuit.connect(closed.set)

    async def main() -> None:
        await kiosk.start_sync_soon()
        await closed.wait()
        await kiosk.stop_sync()

    with loop:
        loop.run_until_complete(main())
    kiosk.close()
    log.info("kiosk stopped")
    return 0


def list_profiles(paths: KioskPaths) -> int:
    library = ProfileLibrary(paths.profiles, paths.last_good_profiles, paths.resources)
    for name in library.names():
        print(name)
    return 0
