"""What staff mode does, for the staff panel: the app's side of ``kiosk.ui.staff.mode.StaffActions``.

Everything here works on the objects the composition root built (outbox, sync engine) and asks the
owner of what is in force (``LiveState``) to switch profiles, save the connection and set PINs;
it keeps no copy of its own. The panel only shows the results. Nothing here reads or shows a citizen's answers.
The PIN vault, the panel's types and the outbox commands load when staff first use them, not
before the kiosk's first frame.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from kiosk import __version__
from kiosk.core.datafile import DataFileError
from kiosk.outbox.desk import WAITING_FOR_SERVER

if TYPE_CHECKING:
    from kiosk.app.logs import RecentProblems
    from kiosk.core.live_state import LiveState
    from kiosk.core.paths import KioskPaths
    from kiosk.core.pins import PinVault
    from kiosk.link.sync import SyncEngine
    from kiosk.outbox.store import OutboxStore
    from kiosk.ui.i18n import Localizer
    from kiosk.ui.staff.panel import StaffView

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


class KioskStaffActions:
    def __init__(
        self,
        state: LiveState,
        outbox: Callable[[], tuple[OutboxStore | None, str]],
        engine: Callable[[], SyncEngine | None],
        paths: KioskPaths,
        localizer: Localizer,
        problems: RecentProblems,
        allow_close: Callable[[], None],
        catalog_refused: Callable[[], str | None] = lambda: None,
    ) -> None:
        """``outbox`` (the store, or None and why) and ``engine`` are asked each time: an outbox that
        could not be opened may open later, and delivery starts again (a new engine) when the
        server changes."""
        self._state = state
        self._outbox = outbox
        self._engine = engine
        self._paths = paths
        self._localizer = localizer
        self._problems = problems
        self._allow_close = allow_close
        self._catalog_refused = catalog_refused
        self._titles: tuple[tuple[object, ...], list[tuple[str, str]]] | None = None

    # --- reading ---------------------------------------------------------------------------------

    def pin_vault(self) -> PinVault | None:
        """The PINs as ``staff.json`` holds them now; None (logged) when it cannot be read."""
        from kiosk.core.pins import PinFileError

        try:
            self._state.pins.refresh()
        except PinFileError as exc:
            log.error("%s", exc)
            return None
        return self._state.pins

    def staff_view(self) -> StaffView:
        from kiosk.ui.staff.panel import NO_TOKEN, StaffView

        self._state.reread_settings()  # config.toml edited by hand meanwhile: shown as it is now
        in_force, (store, outbox_problem), engine = self._state.current, self._outbox(), self._engine()
        if store is not None:
            health = store.health()
            counts, delivered, oldest = health.counts, health.delivered_today, health.oldest_pending_seconds
            rejected = [(r.tracking_code, r.service_id, r.last_error or "") for r in store.rejected()[-10:]]
            midnight = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
            since = midnight.isoformat().replace("+00:00", "Z")
            viewed = store.usage_counts_since(since, "service_viewed")[:5]
            requested = store.usage_counts_since(since, "request_submitted")[:5]
        else:
            counts, delivered, oldest, rejected, viewed, requested = {}, 0, None, [], [], []
        status = engine.status if engine is not None else None
        settings = in_force.settings
        return StaffView(
            counts=counts,
            delivered_today=delivered,
            oldest_waiting=oldest,
            last_result=status.last_result if status else "",
            server_reachable=status.server_reachable if status else None,
            paused=status.paused_reason if status else (NO_TOKEN if not settings.server_token else None),
            rejected=rejected,
            version=__version__,
            kiosk_number=settings.kiosk_number,
            server=in_force.server_url,
            profile=in_force.profile.name,
            catalog_version=in_force.catalog.version,
            catalog_source=in_force.catalog.source,
            profiles=self._profile_titles(),
            most_viewed=[(self._title(s), n) for s, n in viewed],
            most_requested=[(self._title(s), n) for s, n in requested],
            recent_errors=list(self._problems.lines),
            outbox_problem="" if outbox_problem in WAITING_FOR_SERVER else outbox_problem,
            waiting_for_server=outbox_problem in WAITING_FOR_SERVER,
            delivery_error=(status.error or "") if status else "",
            catalog_refused=self._catalog_refused() or "",
        )

    def _title(self, service_id: str) -> str:
        catalog = self._state.current.catalog
        if catalog.has_service(service_id):
            return self._localizer.text(catalog.service(service_id).title)
        return service_id

    def _profile_titles(self) -> list[tuple[str, str]]:
        """(name, title) of every profile. Each panel refresh needs them: they are read again only
        when the language, the catalog or a profile file (added, removed or edited) has changed."""
        library, catalog, localizer = self._state.profiles, self._state.current.catalog, self._localizer
        files = tuple(sorted((f.name, f.stat().st_mtime_ns) for f in library.bundled_dir.glob("*.toml")))
        key = (localizer.language, id(catalog), files)
        if self._titles is None or self._titles[0] != key:
            titles = []
            for name in library.names(catalog):
                try:
                    profile, _warnings = library.load(name, catalog)
                    titles.append((name, localizer.text(profile.title)))
                except DataFileError:  # still listed: choosing it shows the reason it is refused
                    titles.append((name, name))
            self._titles = (key, titles)
        return self._titles[1]

    def self_test_report(self) -> str:
        from kiosk.app.selftest import self_test

        lines: list[str] = []
        self_test(self._paths, self._state.current.profile.name, write=lines.append)
        return "\n".join(lines)

    # --- doing -----------------------------------------------------------------------------------

    def sync_now(self) -> str:
        engine = self._engine()
        if engine is None:
            return translate("StaffActions", "No central server token is set: a technician sets it under Technician.")
        if engine.paused:
            engine.resume()
        engine.wake()
        return translate("StaffActions", "Sending now.")

    def export_waiting(self) -> tuple[bool, str]:
        store, _problem = self._outbox()
        if store is None:
            return False, translate("StaffActions", "There is no outbox on this kiosk.")
        number = self._state.current.settings.kiosk_number
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self._paths.data / "exports" / f"outbox-{number:03d}-{stamp}.json"
        from kiosk.outbox import commands

        lines: list[str] = []
        code = commands.export(store, target, number, out=_Lines(lines))
        return code == 0, " ".join(lines)

    def switch_profile(self, name: str) -> tuple[bool, str]:
        try:
            self._state.switch_profile(name)
        except DataFileError as exc:
            return False, translate("StaffActions", "Profile %1 was refused: %2").replace("%1", name).replace(
                "%2", str(exc.problems[0])
            )
        log.info("profile switched to %s by staff", name)
        return True, translate("StaffActions", "Profile %1 is on.").replace("%1", name)

    def save_connection(self, number: str, server: str, token: str) -> tuple[bool, str]:
        try:
            number_value = int(number.strip())
        except ValueError:
            return False, translate("StaffActions", "The kiosk number must be a whole number from 1 to 999.")
        try:
            self._state.save_connection(number_value, server, token)
        except DataFileError as exc:
            return False, translate("StaffActions", "Not saved: %1").replace("%1", exc.problems[0].message)
        except OSError as exc:
            return False, translate("StaffActions", "Not saved: %1").replace("%1", exc.strerror or str(exc))
        return True, translate("StaffActions", "Saved. The panel shows whether the server answers.")

    def set_pin(self, role: str, pin: str) -> tuple[bool, str]:
        from kiosk.core.pins import PinFileError

        try:
            self._state.pins.set_pin(role, pin)
        except (ValueError, PinFileError) as exc:
            return False, translate("StaffActions", "PIN not set: %1").replace("%1", str(exc))
        return True, (
            translate("StaffActions", "The technician PIN is set.")
            if role == "technician"
            else translate("StaffActions", "The booth staff PIN is set.")
        )

    def exit_to_desktop(self) -> None:
        from PySide6.QtWidgets import QApplication

        log.warning("the technician closed the kiosk from staff mode")
        self._allow_close()
        QApplication.quit()


class _Lines:
    def __init__(self, lines: list[str]) -> None:
        self._lines = lines

    def write(self, text: str) -> int:
        if text.strip():
            self._lines.append(text.strip())
        return len(text)

    def flush(self) -> None:
        pass
