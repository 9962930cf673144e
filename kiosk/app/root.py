"""Composition root: builds everything in a visible order and wires it.

The one owner of what is in force (``kiosk.core.live_state.LiveState``) is made first; every part
built after it is handed what it needs to ask it, and the parts that act on a change subscribe to
it: the theme and delivery here, the screens in the window. ``kiosk.app.running`` shows the window
and runs the loop. See docs/architecture.md.
"""

from __future__ import annotations

import gc
import logging
import os
from typing import TYPE_CHECKING, Any

from kiosk import __version__
from kiosk.core.background import Workers
from kiosk.core.content import DEFAULT_PROFILE, KioskContent, choose_profile, load_best_catalog
from kiosk.core.datafile import DataFileError
from kiosk.core.live_state import Change, InForce, LiveState, SettingsSources
from kiosk.core.paths import KioskPaths
from kiosk.core.profiles import ProfileLibrary
from kiosk.core.settings import KioskSettings, load_settings
from kiosk.link.lookup import LookupAnswer, RequestLookup
from kiosk.outbox.desk import WAITING_FOR_SERVER, DeskContext, RequestDesk
from kiosk.outbox.salvage import open_salvaging
from kiosk.outbox.store import OutboxError, OutboxStore, describe
from kiosk.outbox.usage import UsageLog

if TYPE_CHECKING:
    import asyncio
    from concurrent.futures import Future

    from PySide6.QtCore import QTimer

    from kiosk.app.logs import RecentProblems
    from kiosk.link.catalog_updates import CatalogUpdater
    from kiosk.link.sync import SyncEngine
    from kiosk.ui.i18n import Localizer

log = logging.getLogger("kiosk")
OUT_OF_SERVICE_ACCENT = "#9b1c1c"
# What delivering the outbox loads (requests and urllib3 among it), off the UI thread: start_sync_soon.
DELIVERY_MODULES = ("kiosk.link.client", "kiosk.link.sync", "kiosk.link.catalog_updates")
# An outbox that could not be opened (no space, a lock, permissions) is tried again this often, and
# between citizens; the answer of a try (it runs on a worker: a lock is waited for) is looked for
# this soon after.
OUTBOX_RETRY_MS = 30_000
OUTBOX_ANSWER_MS = 200
# The heartbeat's ``catalog_refused`` holds this many characters at most (the server's limit).
CATALOG_REFUSED_MAX = 1000


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
    # Warnings of the catalog come only from a refused cached one, its first problem first.
    refused = f"catalog refused: {warnings[0]}" if warnings else None
    content = KioskContent(catalog, profile, warnings + profile_warnings, refused)
    for warning in content.warnings:
        log.warning("%s", warning)
    log.info(
        "running profile %s (%s) on the %s catalog %s: %d agencies shown",
        profile.name, profile.mode, catalog.source, catalog.version,
        len(catalog.restricted_to(profile.agencies).agencies),
    )  # fmt: skip
    return content


def open_outbox(paths: KioskPaths) -> tuple[OutboxStore | None, str]:
    """The outbox, or None and the reason. A damaged file is kept aside (never deleted), a new one
    started and the readable requests of every damaged file beside it re-queued there
    (``kiosk.outbox.salvage``). One that cannot be opened now (no space, locked, permissions) or
    comes from a newer kiosk is left exactly as it is: requests are refused, and the kiosk tries
    again (``Kiosk.try_outbox_again``)."""
    try:
        store, _salvaged = open_salvaging(paths.outbox)
    except OutboxError as exc:
        log.error("%s", exc)
        return None, str(exc)
    return store, ""


def read_in_force(
    paths: KioskPaths, profile_name: str, sources: SettingsSources
) -> tuple[KioskContent | None, KioskSettings]:
    """What a kiosk started with ``profile_name`` runs on: the catalog and profile (with their
    fallbacks) and the settings from their layers. The kiosk and ``kiosk outbox drain`` both read
    them here, so the technician's command uses exactly what the kiosk would."""
    return load_content(paths, profile_name), read_settings(paths, sources)


def read_settings(paths: KioskPaths, sources: SettingsSources) -> KioskSettings:
    try:
        return load_settings(paths.config_file, sources.environ, sources.command_line)
    except DataFileError as exc:
        for problem in exc.problems:
            log.error("kiosk settings refused: %s", problem)
        log.error("running with default settings (kiosk 1, the profile's server, no token)")
        return KioskSettings()


class Kiosk:
    """The assembled application: what tests and tools drive, and what ``run`` shows."""

    def __init__(
        self,
        paths: KioskPaths,
        state: LiveState | None,
        settings: KioskSettings,
        localizer: Localizer,
        store: OutboxStore | None,
        outbox_problem: str,
    ) -> None:
        from kiosk.ui.icons import IconSet
        from kiosk.ui.shell import KioskWindow

        self.paths = paths
        self.state = state
        self._settings_without_state = settings
        self.localizer = localizer
        self.store = store
        self.workers = Workers()  # the one pool every blocking call runs on (kiosk.core.background)
        self._lookup = RequestLookup(None, store)  # offline until the server is known
        self.engine: SyncEngine | None = None
        self.updater: CatalogUpdater | None = None
        self.problems: RecentProblems | None = None
        self._delivering_with: tuple[Any, ...] | None = None  # what delivery was started with
        self._tasks: set[asyncio.Task[None]] = set()
        self.desk: RequestDesk | None = None
        self._usage: UsageLog | None = None
        self._reopening: Future[tuple[OutboxStore | None, str]] | None = None  # a try to open the outbox
        self._outbox_timer: QTimer | None = None
        self._server_timer: QTimer | None = None  # while waiting to hear from the server (``_wait_for_server``)
        if state is not None:
            state.subscribe(self._in_force_changed)  # before the window's: the theme, then the screens
            self.desk = RequestDesk(store, lambda: DeskContext.of(state.current), self._committed, outbox_problem)
            self._usage = UsageLog(store, lambda: state.current.profile)
        self.window = KioskWindow(
            localizer, IconSet(paths.icons), state, self.desk, paths.receipts, self._usage, self.workers, self._look_up
        )
        self.window.accessibility_changed.connect(self._restyle)
        if state is not None:
            # A technician may have edited config.toml: taken up between citizens.
            self.window.session_ended.connect(state.reread_settings)
            from kiosk.app.logs import RecentProblems
            from kiosk.app.staff_actions import KioskStaffActions

            self.problems = RecentProblems()
            logging.getLogger().addHandler(self.problems)
            self.window.staff.actions = KioskStaffActions(
                state, self._outbox, lambda: self.engine, paths, localizer, self.problems, self.window.allow_close,
                self.catalog_refused,
            )  # fmt: skip
            if store is None:  # logged after RecentProblems is listening: staff see why in their panel
                from PySide6.QtCore import QTimer

                log.error("out of service: no request can be committed on this kiosk (%s)", outbox_problem)
                self.window.show_out_of_service()
                self._outbox_timer = QTimer(self.window)
                self._outbox_timer.setSingleShot(True)
                self._outbox_timer.timeout.connect(self.try_outbox_again)
                self._outbox_timer.start(OUTBOX_RETRY_MS)
                self.window.session_ended.connect(self.try_outbox_again)
            elif self.desk is not None and self.desk.waiting_for_server():
                self._wait_for_server()
            else:  # a scan of the waiting requests: on a worker, not before the first frame
                self.workers.submit(self._seal_clear_answers)

    @classmethod
    def build(
        cls,
        paths: KioskPaths,
        profile_name: str = DEFAULT_PROFILE,
        settings: KioskSettings | None = None,
        command_line: dict[str, Any] | None = None,
    ) -> Kiosk:
        """Build the window on an existing QApplication (tests) or the one ``run`` made. Settings
        come from ``config.toml``, the environment and ``command_line``, or whole from ``settings``
        (tests and tools; they then stay on top of whatever the file says)."""
        # Building makes tens of thousands of objects and frees next to none: the ~30 garbage
        # collections it would trigger find nothing and cost ~4 ms of the start.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return cls._build(paths, profile_name, settings, command_line)
        finally:
            if collecting:
                gc.enable()

    @classmethod
    def _build(
        cls, paths: KioskPaths, profile_name: str, settings: KioskSettings | None, command_line: dict[str, Any] | None
    ) -> Kiosk:
        from PySide6.QtWidgets import QApplication

        from kiosk.ui.i18n import Localizer
        from kiosk.ui.theme import apply_theme, load_fonts

        app = QApplication.instance()
        assert isinstance(app, QApplication), "create the QApplication first"
        for problem in load_fonts(paths.fonts):
            log.error("%s", problem)
        if settings is not None:
            sources = SettingsSources.fixed(settings)
        else:
            sources = SettingsSources(os.environ, command_line or {})
        content, settings = read_in_force(paths, profile_name, sources)
        state = LiveState(paths, content.catalog, content.profile, settings, sources) if content is not None else None
        if state is not None and content is not None:
            state.catalog_refusal = content.catalog_refused  # for the staff panel and the heartbeat
        store, problem = open_outbox(paths) if state is not None else (None, "no catalog")
        localizer = Localizer(paths.translations, paths.cache)
        # The language first: the window is then built in it, instead of being built in English
        # and every widget told of a new language and direction right after. The theme after the
        # window's frame and before its content (see KioskWindow.show_in_force).
        profile = state.current.profile if state is not None else None
        localizer.set_language(profile.language if profile is not None else "fa")
        kiosk = cls(paths, state, settings, localizer, store, problem)
        apply_theme(app, paths.styles, profile.accent if profile is not None else OUT_OF_SERVICE_ACCENT)
        kiosk.window.show_in_force()
        return kiosk

    @property
    def content(self) -> InForce | None:
        """What is in force (None: no usable catalog, the out-of-service screen)."""
        return self.state.current if self.state is not None else None

    @property
    def settings(self) -> KioskSettings:
        return self.state.current.settings if self.state is not None else self._settings_without_state

    def _restyle(self, large_text: bool, high_contrast: bool) -> None:
        """A citizen asked for larger text or high contrast (for this visit only)."""
        from PySide6.QtWidgets import QApplication

        from kiosk.ui.theme import apply_theme

        app = QApplication.instance()
        if self.state is not None and isinstance(app, QApplication):
            accent = self.state.current.profile.accent
            apply_theme(app, self.paths.styles, accent, large_text, high_contrast)

    def _in_force_changed(self, in_force: InForce, change: Change) -> None:
        """The profile or settings changed (staff, a technician): restyle, and start delivery again
        if what it depends on changed. Requests already queued keep what they were filed with."""
        if change & (Change.PROFILE | Change.CATALOG):  # a release may carry its province's accent
            self._restyle(False, False)
        if self.desk is not None and self.store is not None and change & (Change.PROFILE | Change.SETTINGS):
            if self.desk.unavailable_reason in WAITING_FOR_SERVER:
                self.check_server()
            elif self.desk.waiting_for_server():  # now live, or a server set: not heard from yet
                self._wait_for_server()
        if self._delivering_with is not None and in_force.delivery != self._delivering_with:
            self._restart_sync_soon()

    def _committed(self, _request: object) -> None:
        self.wake_sync()

    # --- an outbox that could not be opened ------------------------------------------------------

    def _outbox(self) -> tuple[OutboxStore | None, str]:
        """The outbox, or None and why (for staff mode, which asks at every refresh)."""
        return self.store, self.desk.unavailable_reason if self.desk is not None else ""

    def try_outbox_again(self) -> bool:
        """The outbox could not be opened (no space, a lock, permissions): try again, and once it
        opens take requests and deliver them again, without a restart. Called on a timer and between
        citizens. A try runs on a worker (opening waits for a lock); its answer is taken up by the
        next call, ``OUTBOX_ANSWER_MS`` later. True once the outbox is open."""
        if self.store is not None or self.desk is None or self._outbox_timer is None:
            return self.store is not None
        if self._reopening is None:
            self._reopening = self.workers.submit(open_outbox, self.paths)
        future = self._reopening
        if not future.done():
            self._outbox_timer.start(OUTBOX_ANSWER_MS)
            return False
        self._reopening = None
        try:
            store, problem = future.result()
        except Exception as exc:  # open_outbox answers OutboxError itself: anything else is a bug, logged
            log.exception("opening the outbox again failed")
            store, problem = None, describe(exc)
        if store is None:
            self.desk.unavailable_reason = problem or self.desk.unavailable_reason
            self._outbox_timer.start(OUTBOX_RETRY_MS)
            return False
        log.warning("the outbox %s is open again: requests are taken and delivered again", store.path)
        self.store = store
        self.desk.attach(store)
        if self._usage is not None:
            self._usage.attach(store)
        self._lookup = RequestLookup(None, store)
        if self.desk.waiting_for_server():
            self._wait_for_server()
        else:
            self.window.back_in_service()
        self._start_sync_now()
        return True

    # --- not heard from the server yet --------------------------------------------------------------

    def _wait_for_server(self) -> None:
        """This kiosk delivers to a server it has not heard from yet: it knows no key to seal
        answers to (no ``server.key`` in config.toml), or its outbox is new and the server has not
        said which tracking codes it holds for this kiosk number. No request is taken: out of service
        until the server's answer to a heartbeat tells them (or a technician's config.toml gives the
        key, read again every ``OUTBOX_RETRY_MS``)."""
        from PySide6.QtCore import QTimer

        assert self.desk is not None
        reason = self.desk.waiting_for_server()
        self.desk.unavailable_reason = reason
        log.error("out of service: %s", reason)
        self.window.show_out_of_service()
        if self._server_timer is None:
            self._server_timer = QTimer(self.window)
            self._server_timer.setSingleShot(True)
            self._server_timer.timeout.connect(self.check_server)
        self._server_timer.start(OUTBOX_RETRY_MS)

    def _seal_clear_answers(self) -> None:
        """Requests filed by a kiosk from before sealing still hold answers in clear: sealed now
        when the technician gave the key (else when the server tells it, ``learn_server_key``)."""
        key = self.state.current.settings.server_key if self.state is not None else None
        if key is None or self.store is None:
            return
        from kiosk.core.sealing import Sealer

        try:
            sealed = self.store.seal_clear_answers(Sealer(key))
        except Exception as exc:  # the outbox cannot be written now: sealed when the server tells its key
            log.warning("answers kept from before sealing could not be sealed yet: %s", describe(exc))
            return
        if sealed:
            log.info("%d requests from before sealing: their answers are sealed now", sealed)

    def check_server(self) -> bool:
        """Back in service once what the kiosk waited for from its server is known; True then (or
        when nothing was awaited)."""
        if self.desk is None or self.desk.unavailable_reason not in WAITING_FOR_SERVER:
            return True
        if self.state is not None:
            self.state.reread_settings()
        reason = self.desk.waiting_for_server()
        if reason:
            self.desk.unavailable_reason = reason
            if self._server_timer is not None:
                self._server_timer.start(OUTBOX_RETRY_MS)
            return False
        log.warning("the central server has been heard from: requests are taken again")
        self.desk.unavailable_reason = ""
        if self._server_timer is not None:
            self._server_timer.stop()
        self.window.back_in_service()
        return True

    def _start_sync_now(self) -> None:
        try:
            import asyncio

            asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (a tool, a test): whoever starts delivery finds the outbox open
        self.start_sync()

    def _look_up(self, code: str, mobile_last4: str | None = None) -> LookupAnswer:
        """For "track my request" (blocking: the window runs it on a worker); the mobile's last four
        digits, when the citizen gave them, unlock the agency's reason."""
        return self._lookup.look_up(code, mobile_last4)

    # --- delivery --------------------------------------------------------------------------

    async def start_sync_soon(self) -> SyncEngine | None:
        """``start_sync`` once requests and the engine are loaded, on a worker thread: ~50 ms of
        imports the attract loop would otherwise stand still for, just after the first frame
        (``kiosk.core.preload``; the link imports no Qt, which the import contracts check)."""
        from kiosk.core.preload import load

        await self.workers.lane().run(load, DELIVERY_MODULES)
        return self.start_sync()

    def start_sync(self) -> SyncEngine | None:
        """Start delivering the outbox on the running asyncio loop (the qasync loop in the kiosk)
        with what is in force; it starts again by itself when that changes."""
        if self.store is None or self.state is None:
            return None
        in_force = self.state.current
        self._delivering_with = in_force.delivery
        # requests and the engine load only now, after the first frame: it does not need them.
        from kiosk.link.catalog_updates import CatalogUpdater
        from kiosk.link.client import client_for
        from kiosk.link.sync import SyncEngine

        client = client_for(in_force)
        if client is None:
            log.warning("no central server token is set: requests stay in the outbox until a technician sets one")
            return None
        url, number, profile = in_force.server_url, in_force.settings.kiosk_number, in_force.profile
        self.engine = SyncEngine(
            self.store,
            client,
            kiosk_number=number,
            heartbeat_payload=self._heartbeat,
            workers=self.workers,
            on_server_told=self.check_server,
        )
        self.engine.start()
        self._lookup = RequestLookup(client, self.store)
        self.updater = CatalogUpdater(
            client,
            self.paths.cached_catalog,
            self.paths.catalog_etag,
            icons_dir=self.paths.icons,
            check_profile=self.state.catalog_problems,
            on_ready=self.state.offer_catalog,
            interval_seconds=profile.catalog_refresh_minutes * 60,
            workers=self.workers,
            signing_keys=self._signing_keys,
            unsigned_allowed=self._unsigned_releases_allowed,
        )
        self.updater.start()
        log.info("delivering to %s as kiosk %d", url, number)
        return self.engine

    def _signing_keys(self) -> tuple[bytes, ...]:
        """The keys a release from the server must be signed with (config.toml's server.signing_key)."""
        return self.state.current.settings.signing_keys if self.state is not None else ()

    def _unsigned_releases_allowed(self) -> bool:
        """Only a demo kiosk with no signing key takes releases unchecked; a live one refuses them."""
        return self.state is not None and self.state.current.profile.is_demo

    def _heartbeat(self) -> dict[str, Any]:
        assert self.state is not None
        in_force = self.state.current
        payload: dict[str, Any] = {
            "version": __version__,
            "profile": in_force.profile.name,
            "mode": in_force.profile.mode,
            "catalog_version": in_force.catalog.version,
        }
        # A refused catalog changes nothing at the kiosk (it keeps its last good one): the fleet page
        # shows why, apart from the delivery's own errors.
        refusal = self.catalog_refused()
        payload["catalog_refused"] = refusal[:CATALOG_REFUSED_MAX] if refusal else None
        return payload

    def catalog_refused(self) -> str | None:
        """Why the newest catalog was refused (sent by the server, waiting for the profile in force,
        or cached and refused at start), None when the kiosk runs on the newest it has."""
        if self.updater is not None and self.updater.last_refusal:
            return self.updater.last_refusal
        return self.state.catalog_refusal if self.state is not None else None

    def wake_sync(self) -> None:
        if self.engine is not None:
            self.engine.wake()

    async def restart_sync(self) -> None:
        """The server, token or kiosk number changed: start delivery again with the new ones."""
        await self.stop_sync()
        self.start_sync()

    def _restart_sync_soon(self) -> None:
        try:
            import asyncio

            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (a tool, a test): the next start picks the new settings up
        task = loop.create_task(self.restart_sync())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

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
        if self._outbox_timer is not None:
            self._outbox_timer.stop()
        if self._server_timer is not None:
            self._server_timer.stop()
        self.workers.shutdown()  # after the window: nothing asks for a call any more
        reopened = self._reopening  # a try to open the outbox that ended after the last look
        if reopened is not None and reopened.done() and not reopened.cancelled() and reopened.exception() is None:
            late, _problem = reopened.result()
            if late is not None:
                late.close()
        if self.store is not None:
            self.store.close()
            self.store = None
