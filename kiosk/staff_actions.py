"""What staff mode does, for the staff panel: the app's side of ``kiosk.ui.staff.mode.StaffActions``.

Everything here works on the objects the composition root built (outbox, sync engine, settings,
profiles); the panel only shows the results. Nothing here reads or shows a citizen's answers.
The PIN vault, the panel's types and the outbox commands load when staff first use them, not
before the kiosk's first frame.
"""

from __future__ import annotations

import logging
import tomllib
from collections import deque
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication

from kiosk import __version__
from kiosk.core.datafile import DataFileError, write_atomically
from kiosk.core.profiles import ProfileLibrary
from kiosk.core.settings import load_settings

if TYPE_CHECKING:
    import asyncio

    from kiosk.app import Kiosk
    from kiosk.core.pins import PinVault
    from kiosk.ui.staff.panel import StaffView

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


class RecentProblems(logging.Handler):
    """The last warnings and errors, for the staff panel (the log never holds personal data)."""

    def __init__(self, size: int = 50) -> None:
        super().__init__(level=logging.WARNING)
        self.lines: deque[str] = deque(maxlen=size)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record).splitlines()[0][:300])
        except Exception:  # a log handler must never raise
            self.handleError(record)


class KioskStaffActions:
    def __init__(self, kiosk: Kiosk, problems: RecentProblems) -> None:
        self._kiosk = kiosk
        self._problems = problems
        self._vault: PinVault | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._titles: tuple[tuple[object, ...], list[tuple[str, str]]] | None = None

    # --- reading ---------------------------------------------------------------------------------

    def pin_vault(self) -> PinVault | None:
        from kiosk.core.pins import PinFileError, PinVault

        if self._vault is None:
            try:
                self._vault = PinVault(self._kiosk.paths.data / "staff.json")
            except PinFileError as exc:
                log.error("%s", exc)
                return None
        return self._vault

    def staff_view(self) -> StaffView:
        from kiosk.ui.staff.panel import NO_TOKEN, StaffView

        kiosk = self._kiosk
        store, content = kiosk.store, kiosk.content
        assert content is not None
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
        status = kiosk.engine.status if kiosk.engine is not None else None
        catalog = content.catalog
        return StaffView(
            counts=counts,
            delivered_today=delivered,
            oldest_waiting=oldest,
            last_result=status.last_result if status else "",
            server_reachable=status.server_reachable if status else None,
            paused=status.paused_reason if status else (NO_TOKEN if not kiosk.settings.server_token else None),
            rejected=rejected,
            version=__version__,
            kiosk_number=kiosk.settings.kiosk_number,
            server=kiosk.settings.server_for(content.profile.server_url),
            profile=content.profile.name,
            catalog_version=catalog.version,
            catalog_source=catalog.source,
            profiles=self._profile_titles(),
            most_viewed=[(self._title(s), n) for s, n in viewed],
            most_requested=[(self._title(s), n) for s, n in requested],
            recent_errors=list(self._problems.lines),
        )

    def _title(self, service_id: str) -> str:
        catalog = self._kiosk.content.catalog if self._kiosk.content else None
        if catalog is not None and catalog.has_service(service_id):
            return self._kiosk.localizer.text(catalog.service(service_id).title)
        return service_id

    def _profile_titles(self) -> list[tuple[str, str]]:
        """(name, title) of every profile. Each panel refresh needs them: they are read again only
        when the language, the catalog or a profile file (added, removed or edited) has changed."""
        kiosk = self._kiosk
        assert kiosk.content is not None
        library = self._library()
        files = tuple(sorted((f.name, f.stat().st_mtime_ns) for f in library.bundled_dir.glob("*.toml")))
        key = (kiosk.localizer.language, id(kiosk.content.catalog), files)
        if self._titles is None or self._titles[0] != key:
            titles = []
            for name in library.names():
                try:
                    profile, _warnings = library.load(name, kiosk.content.catalog)
                    titles.append((name, kiosk.localizer.text(profile.title)))
                except DataFileError:  # still listed: choosing it shows the reason it is refused
                    titles.append((name, name))
            self._titles = (key, titles)
        return self._titles[1]

    def _library(self) -> ProfileLibrary:
        paths = self._kiosk.paths
        return ProfileLibrary(paths.profiles, paths.last_good_profiles, paths.resources)

    def self_test_report(self) -> str:
        from kiosk.selftest import self_test

        lines: list[str] = []
        assert self._kiosk.content is not None
        self_test(self._kiosk.paths, self._kiosk.content.profile.name, write=lines.append)
        return "\n".join(lines)

    # --- doing -----------------------------------------------------------------------------------

    def sync_now(self) -> str:
        if self._kiosk.engine is None:
            return translate("StaffActions", "No central server token is set: a technician sets it under Technician.")
        if self._kiosk.engine.paused:
            self._kiosk.engine.resume()
        self._kiosk.engine.wake()
        return translate("StaffActions", "Sending now.")

    def export_waiting(self) -> tuple[bool, str]:
        kiosk = self._kiosk
        if kiosk.store is None:
            return False, translate("StaffActions", "There is no outbox on this kiosk.")
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = kiosk.paths.data / "exports" / f"outbox-{kiosk.settings.kiosk_number:03d}-{stamp}.json"
        from kiosk.outbox import commands

        lines: list[str] = []
        code = commands.export(kiosk.store, target, kiosk.settings.kiosk_number, out=_Lines(lines))
        return code == 0, " ".join(lines)

    def switch_profile(self, name: str) -> tuple[bool, str]:
        kiosk = self._kiosk
        assert kiosk.content is not None
        try:
            profile, _warnings = self._library().load(name, kiosk.content.catalog)
        except DataFileError as exc:
            return False, translate("StaffActions", "Profile %1 was refused: %2").replace("%1", name).replace(
                "%2", str(exc.problems[0])
            )
        old_server = kiosk.settings.server_for(kiosk.content.profile.server_url)
        kiosk.apply_profile(profile)
        if kiosk.settings.server_for(profile.server_url) != old_server:
            self._restart_sync()
        log.info("profile switched to %s by staff", name)
        return True, translate("StaffActions", "Profile %1 is on.").replace("%1", name)

    def save_connection(self, number: str, server: str, token: str) -> tuple[bool, str]:
        kiosk = self._kiosk
        config = kiosk.paths.config_file
        current: dict[str, Any] = {}
        if config.is_file():
            try:
                current = tomllib.loads(config.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError):
                current = {}
        server_part = dict(current.get("server", {}))
        if server.strip():
            server_part["url"] = server.strip()
        if token.strip():
            server_part["token"] = token.strip()
        data = {"kiosk_number": number.strip()} | ({"server": server_part} if server_part else {})
        try:
            number_value = int(data["kiosk_number"])
        except ValueError:
            return False, translate("StaffActions", "The kiosk number must be a whole number from 1 to 999.")
        data["kiosk_number"] = number_value
        text = _toml(data)
        trial = config.with_name(config.name + ".new")
        try:
            config.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(trial, text.encode("utf-8"))
            settings = load_settings(trial, {})  # refused here, the old file stays
        except DataFileError as exc:
            trial.unlink(missing_ok=True)
            return False, translate("StaffActions", "Not saved: %1").replace("%1", exc.problems[0].message)
        except OSError as exc:
            return False, translate("StaffActions", "Not saved: %1").replace("%1", str(exc))
        trial.replace(config)
        kiosk.settings = replace(settings, origin=settings.origin)
        if kiosk.desk is not None:
            kiosk.desk.context = replace(kiosk.desk.context, kiosk_number=settings.kiosk_number)
        self._restart_sync()
        return True, translate("StaffActions", "Saved. The panel shows whether the server answers.")

    def set_pin(self, role: str, pin: str) -> tuple[bool, str]:
        from kiosk.core.pins import PinFileError

        vault = self.pin_vault()
        if vault is None:
            return False, translate("StaffActions", "The PIN file cannot be read.")
        try:
            vault.set_pin(role, pin)
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
        self._kiosk.window.allow_close()
        QApplication.quit()

    def _restart_sync(self) -> None:
        try:
            import asyncio

            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (a tool, a test): the next start picks the settings up
        task = loop.create_task(self._kiosk.restart_sync())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


class _Lines:
    def __init__(self, lines: list[str]) -> None:
        self._lines = lines

    def write(self, text: str) -> int:
        if text.strip():
            self._lines.append(text.strip())
        return len(text)

    def flush(self) -> None:
        pass


def _toml(data: dict[str, Any]) -> str:
    """The kiosk's config file: a few keys, written by hand (tomllib reads, never writes)."""
    lines = [f"kiosk_number = {int(data['kiosk_number'])}"]
    server = data.get("server") or {}
    if server:
        lines.append("")
        lines.append("[server]")
        for key in ("url", "token"):
            if key in server:
                value = str(server[key]).replace("\\", "\\\\").replace('"', '\\"')
                lines.append(f'{key} = "{value}"')
    return "\n".join(lines) + "\n"
