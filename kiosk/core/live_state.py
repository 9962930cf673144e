"""The one owner of what is in force on a kiosk: the catalog, the profile, the settings and the PINs.

Everything else asks it (``current``: one immutable ``InForce``) or subscribes to it
(``subscribe``: told once of each change, with what changed). Nobody keeps a copy of their own,
and nobody rewrites another object's fields: the owner changes what is in force only through its
named operations, each of which persists what it changes atomically before it announces it:

- ``switch_profile``: staff chose another profile (the bundled file, or its last good copy);
- ``offer_catalog`` / ``apply_waiting_catalog``: a catalog from the server waits for the next
  return to the attract loop, and is checked again against the profile in force *then*;
- ``save_connection``: the technician set the kiosk number, server or token (``config.toml``);
- ``reread_settings``: ``config.toml`` changed on disk, e.g. a technician edited it;
- ``pins``: the staff PINs (``staff.json``), read again from the file at every use.

Files that another process may change (``config.toml``, ``staff.json``, the profiles) are read
when they are used, never trusted from memory. The owner is plain Python and knows nothing of Qt;
the window, the desk, the usage log, the catalog updater and the heartbeat ask it or subscribe.
See docs/architecture.md, "What is in force".
"""

from __future__ import annotations

import enum
import logging
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.core.catalog import Catalog
from kiosk.core.datafile import DataFileError, FileStamp, Problem, write_atomically
from kiosk.core.paths import KioskPaths
from kiosk.core.profiles import DemoProfile, ProfileLibrary, profile_problems
from kiosk.core.release_extras import is_release_profile
from kiosk.core.sealing import public_key_text
from kiosk.core.settings import KioskSettings, load_settings

if TYPE_CHECKING:
    from kiosk.core.pins import PinVault

log = logging.getLogger(__name__)


class Change(enum.Flag):
    """What a change announced by the owner touched."""

    PROFILE = enum.auto()
    CATALOG = enum.auto()  # a new catalog is in force (shown from now on)
    SETTINGS = enum.auto()  # kiosk number, server, token, cursor
    CATALOG_WAITING = enum.auto()  # a catalog from the server waits for the next citizen


@dataclass(frozen=True)
class InForce:
    """What is in force at one moment; never changed, replaced whole by the owner."""

    catalog: Catalog  # every agency of the catalog
    profile: DemoProfile
    settings: KioskSettings
    resources: Path  # where the profile's logo is

    @cached_property
    def shown(self) -> Catalog:
        """The catalog as the profile shows it: its agencies only, in its order."""
        return self.catalog.restricted_to(self.profile.agencies)

    @property
    def logo(self) -> Path | bytes | None:
        """The header's logo: the release's (its SVG text) when its branding names one, else the
        profile's file."""
        catalog, profile = self.catalog, self.profile
        if is_release_profile(profile):  # its logo is one of the release's icons
            return catalog.icons[profile.logo].encode("utf-8") if profile.logo in catalog.icons else None
        if catalog.branding is not None and catalog.branding.logo in catalog.icons:
            return catalog.icons[catalog.branding.logo].encode("utf-8")
        return self.resources / profile.logo if profile.logo else None

    @property
    def server_url(self) -> str:
        return self.settings.server_for(self.profile.server_url)

    @property
    def delivery(self) -> tuple[object, ...]:
        """All that delivery and catalog updates depend on: when it changes, they start again."""
        profile, settings = self.profile, self.settings
        return (self.server_url, settings.server_token, settings.kiosk_number, profile.proxy, profile.ca_file,
                profile.catalog_refresh_minutes)  # fmt: skip


Listener = Callable[[InForce, Change], None]


def branded(profile: DemoProfile, catalog: Catalog) -> DemoProfile:
    """The profile as shown under a release that carries its province's branding: its title and
    accent (and logo: ``InForce.logo``) are the release's, the rest (agencies, mode, language) the
    profile's. Without branding, or for a profile the release carries (the province's own), the
    profile as it is."""
    branding = catalog.branding
    if branding is None or is_release_profile(profile):
        return profile
    return replace(profile, title=branding.title, accent=branding.accent or profile.accent)


@dataclass
class SettingsSources:
    """The layers above ``config.toml`` (the environment, the command line), kept so that the file
    can be read again with them on top, as at start-up."""

    environ: Mapping[str, str] = field(default_factory=dict)
    command_line: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def fixed(cls, settings: KioskSettings) -> SettingsSources:
        """Settings handed over whole (tests, tools): they stay on top of whatever the file says."""
        return cls({}, {
            "kiosk_number": settings.kiosk_number, "server_url": settings.server_url,
            "server_token": settings.server_token, "hide_cursor": settings.hide_cursor or None,
            "server_key": public_key_text(settings.server_key) if settings.server_key else None,
            "signing_keys": ",".join(public_key_text(key) for key in settings.signing_keys) or None,
        })  # fmt: skip


class LiveState:
    def __init__(
        self,
        paths: KioskPaths,
        catalog: Catalog,
        profile: DemoProfile,
        settings: KioskSettings,
        sources: SettingsSources | None = None,
    ) -> None:
        self._paths = paths
        self._sources = sources or SettingsSources(os.environ)
        self._profile_as_loaded = profile  # before the release's branding is put on it
        self._current = InForce(catalog, branded(profile, catalog), settings, paths.resources)
        self._listeners: list[Listener] = []
        self._to_announce: list[tuple[InForce, Change]] = []  # changes made while announcing one
        self._waiting: Catalog | None = None
        self._settings_file = FileStamp(paths.config_file)
        self.profiles = ProfileLibrary(paths.profiles, paths.last_good_profiles, paths.resources)
        self._pins: PinVault | None = None
        self.catalog_refusal: str | None = None  # a waiting catalog refused when it was to be applied
        self.profiles.note_in_force(profile)

    @property
    def current(self) -> InForce:
        return self._current

    @property
    def pins(self) -> PinVault:
        """The staff PINs (``staff.json``), read again whenever the file changed on disk. Made on
        first use: hashlib and OpenSSL are not needed before the first frame (~6 MiB, measured).
        PinFileError when the file cannot be read."""
        if self._pins is None:
            from kiosk.core.pins import PinVault

            self._pins = PinVault(self._paths.data / "staff.json")
        return self._pins

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(in_force, change)`` after every change; returns what unsubscribes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    # --- profile ---------------------------------------------------------------------------

    def switch_profile(self, name: str) -> DemoProfile:
        """Put profile ``name`` in force; DataFileError (naming file, place, problem) if it cannot be."""
        profile, warnings = self.profiles.load(name, self._current.catalog)
        for warning in warnings:
            log.warning("%s", warning)
        self.profiles.note_in_force(profile)
        self._set(Change.PROFILE, profile=profile)
        log.info("profile %s (%s) is in force", profile.name, profile.mode)
        return profile

    # --- catalog ---------------------------------------------------------------------------

    def catalog_problems(self, catalog: Catalog) -> list[Problem]:
        """What stops ``catalog`` from being shown under the profile in force now (or under the one
        of that name the catalog's release carries, which would come in with it)."""
        return profile_problems(self._profile_under(catalog), catalog)

    def _profile_under(self, catalog: Catalog) -> DemoProfile:
        """The profile that is in force once ``catalog`` is: the release's own of the same name, else
        the bundle's again if the one in force came with the release before, else the one in force."""
        current = self._profile_as_loaded
        if current.name in catalog.profiles:
            return catalog.profiles[current.name]
        if is_release_profile(current):
            try:
                return self.profiles.load(current.name, catalog)[0]
            except DataFileError:
                return current  # refused against the catalog below, saying why
        return current

    def offer_catalog(self, catalog: Catalog) -> None:
        """A newer catalog, already checked and saved: it waits for the next return to the attract
        loop (``apply_waiting_catalog``), never replacing what a citizen is looking at."""
        self._waiting = catalog
        self._announce(Change.CATALOG_WAITING)

    @property
    def catalog_waiting(self) -> bool:
        return self._waiting is not None

    def apply_waiting_catalog(self) -> bool:
        """Put the waiting catalog in force, checked once more against the profile in force now
        (staff may have switched it since the catalog arrived). False if none was applied."""
        catalog, self._waiting = self._waiting, None
        if catalog is None:
            return False
        profile = self._profile_under(catalog)
        problems = profile_problems(profile, catalog)
        if problems:
            for problem in problems:
                log.error("catalog %s refused for profile %s: %s", catalog.version, profile.name, problem)
            self.catalog_refusal = f"catalog refused: {problems[0]}"
            return False
        self.catalog_refusal = None
        if profile is not self._profile_as_loaded:
            log.info("profile %s from catalog %s is in force", profile.name, catalog.version)
            self._set(Change.CATALOG | Change.PROFILE, catalog=catalog, profile=profile)
        else:
            self._set(Change.CATALOG, catalog=catalog)
        log.info("catalog %s (%s) is in force", catalog.version, catalog.source)
        return True

    # --- settings --------------------------------------------------------------------------

    def save_connection(self, kiosk_number: int, server_url: str | None, token: str | None) -> KioskSettings:
        """Write the kiosk number, and the server and token when given, to ``config.toml``; the rest
        of the file is kept. Nothing is written unless the result is valid (DataFileError says why;
        OSError when the file cannot be written). The environment and command line stay on top."""
        import tomli_w

        config = self._paths.config_file
        document = self._config_document()
        document["kiosk_number"] = kiosk_number
        server = dict(document.get("server") or {})
        server.update({k: v.strip() for k, v in (("url", server_url), ("token", token)) if v and v.strip()})
        if server:
            document["server"] = server
        data = tomli_w.dumps(document).encode("utf-8")
        config.parent.mkdir(parents=True, exist_ok=True)
        trial = config.with_name(config.name + ".new")
        write_atomically(trial, data)
        try:
            settings = self._load_settings(trial)
        except DataFileError:
            trial.unlink(missing_ok=True)
            raise
        trial.replace(config)
        self._settings_file.note_read()
        self._set_settings(settings)
        return settings

    def reread_settings(self) -> bool:
        """Read ``config.toml`` again if it changed on disk since it was last read; a bad file
        changes nothing (its problems are logged). True when the settings in force changed."""
        if not self._settings_file.changed():
            return False
        self._settings_file.note_read()
        try:
            settings = self._load_settings(self._paths.config_file)
        except DataFileError as exc:
            for problem in exc.problems:
                log.error("kiosk settings refused, the ones in force stay: %s", problem)
            return False
        if settings == self._current.settings:
            return False
        self._set_settings(settings)
        return True

    def _load_settings(self, config_file: Path) -> KioskSettings:
        return load_settings(config_file, self._sources.environ, self._sources.command_line)

    def _config_document(self) -> dict[str, Any]:
        try:
            document = tomllib.loads(self._paths.config_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
            log.warning("config.toml cannot be read (%s); writing a new one", exc)
            return {}
        return document

    def _set_settings(self, settings: KioskSettings) -> None:
        self._set(Change.SETTINGS, settings=settings)
        log.info("settings in force: kiosk %d, server %s", settings.kiosk_number, self._current.server_url or "none")

    # --- announcing ------------------------------------------------------------------------

    def _set(self, change: Change, **replaced: Any) -> None:
        if "profile" in replaced:
            self._profile_as_loaded = replaced["profile"]
        fields = {"catalog": self._current.catalog, "settings": self._current.settings} | replaced
        fields["profile"] = branded(self._profile_as_loaded, fields["catalog"])
        self._current = InForce(resources=self._paths.resources, **fields)
        self._announce(change)

    def _announce(self, change: Change) -> None:
        """Tell every listener, in order. A change a listener makes meanwhile (the window applies a
        waiting catalog) is told after this one has reached everybody, so all hear them in order."""
        self._to_announce.append((self._current, change))
        if len(self._to_announce) > 1:
            return  # a listener's change: the loop below, still running, tells it next
        while self._to_announce:
            in_force, told = self._to_announce[0]
            for listener in list(self._listeners):
                try:
                    listener(in_force, told)
                except Exception:  # one part that fails must not keep the change from the others
                    log.exception("a part of the kiosk failed to take up a change (%s)", told)
            self._to_announce.pop(0)
