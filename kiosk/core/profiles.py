"""Demo profiles: which agencies a kiosk shows, its branding, language, idle time, server and mode.

Profiles are TOML files (``resources/profiles/<name>.toml``) validated on load. A profile that
fails validation never replaces one that worked: the last good copy of every profile is kept in
the data folder and used, with a warning, until the file is mended.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path

from kiosk.core.catalog import Catalog
from kiosk.core.datafile import (
    ID_PATTERN,
    DataFileError,
    Problem,
    read_json,
    read_toml,
    write_atomically,
)
from kiosk.core.profile_data import MODES, DemoProfile, parse_profile

__all__ = ["DemoProfile", "ProfileLibrary", "check_against_catalog", "load_profile_file", "parse_profile"]

log = logging.getLogger(__name__)

MODES_FILE = "modes.json"  # in the last good folder: the mode each profile was last in force with
MODES_FORMAT = 1


def profile_problems(profile: DemoProfile, catalog: Catalog) -> list[Problem]:
    """Each agency the profile shows that the catalog does not have."""
    return [
        Problem(profile.source, f"agencies[{i}]", f"unknown agency {agency_id!r}: the catalog has no such agency")
        for i, agency_id in enumerate(profile.agencies or ())
        if not catalog.has_agency(agency_id)
    ]


def check_against_catalog(profile: DemoProfile, catalog: Catalog) -> None:
    """Refuse a profile that names an agency the catalog does not have."""
    problems = profile_problems(profile, catalog)
    if problems:
        raise DataFileError(problems)


def load_profile_file(path: Path, resources_dir: Path | None = None) -> DemoProfile:
    return parse_profile(read_toml(path, str(path)), path.stem, str(path), resources_dir)


class ProfileLibrary:
    """The profiles a kiosk can run, with last-good copies kept in the data folder.

    ``bundled_dir`` holds the shipped profiles; ``last_good_dir`` (in the data folder) receives a
    copy of each profile every time it loads cleanly, and serves it when the file later breaks.
    It also keeps the mode (live or demo) each profile was last in force with (``note_in_force``,
    told by the owner of what is in force), for the safe profile to keep when the profile and its
    last good copy are both unusable (``kiosk.core.content.choose_profile``).
    """

    def __init__(self, bundled_dir: Path, last_good_dir: Path, resources_dir: Path) -> None:
        self.bundled_dir = bundled_dir
        self.last_good_dir = last_good_dir
        self.resources_dir = resources_dir

    def names(self, catalog: Catalog | None = None) -> list[str]:
        """The bundle's profiles, and those ``catalog``'s release carries."""
        bundled = {p.stem for p in self.bundled_dir.glob("*.toml")}
        return sorted(bundled | set(catalog.profiles if catalog is not None else ()))

    def load(self, name: str, catalog: Catalog) -> tuple[DemoProfile, list[str]]:
        """The profile called ``name``, and warnings if a last good copy had to stand in. A profile
        the catalog's release carries stands in for the bundle's of the same name (it was checked
        with the release, and is kept with it).

        Raises DataFileError when neither the file nor a last good copy can be used.
        """
        path = self.bundled_dir / f"{name}.toml"
        if not ID_PATTERN.match(name):
            raise DataFileError([Problem(name, "", "is not a profile name (lower-case letters, digits, dashes)")])
        if name in catalog.profiles:
            return self._with_bundled_server(catalog.profiles[name]), []
        if not path.is_file():
            known = ", ".join(self.names(catalog)) or "none"
            raise DataFileError([Problem(str(path), "", f"there is no profile {name!r} (known: {known})")])
        try:
            profile = load_profile_file(path, self.resources_dir)
            check_against_catalog(profile, catalog)
        except DataFileError as exc:
            spare = self.last_good_dir / f"{name}.toml"
            if not spare.is_file():
                raise
            try:
                profile = load_profile_file(spare, self.resources_dir)
                check_against_catalog(profile, catalog)
            except DataFileError:
                raise exc from None
            warnings = [str(p) for p in exc.problems]
            warnings.append(f"using the last good copy of profile {name!r} ({spare})")
            return profile, warnings
        self._keep_copy(path, name)
        return profile, []

    def _with_bundled_server(self, profile: DemoProfile) -> DemoProfile:
        """A release's profile carries no ``[server]``: where a kiosk sends citizens' requests is its
        technician's to say (config.toml, or the bundle's profile of that name), never a release's."""
        try:
            bundled = load_profile_file(self.bundled_dir / f"{profile.name}.toml", self.resources_dir)
        except (DataFileError, OSError):
            return profile
        return replace(
            profile, server_url=bundled.server_url, catalog_refresh_minutes=bundled.catalog_refresh_minutes,
            proxy=bundled.proxy, ca_file=bundled.ca_file,
        )  # fmt: skip

    def _keep_copy(self, path: Path, name: str) -> None:
        try:
            data = path.read_bytes()
            copy = self.last_good_dir / f"{name}.toml"
            if _holds(copy, data):  # the usual start: already kept, no write (and no fsync) needed
                return
            self.last_good_dir.mkdir(parents=True, exist_ok=True)
            write_atomically(copy, data)
        except OSError as exc:  # a full or read-only disk must not stop the kiosk starting
            log.warning("could not keep a last good copy of profile %s: %s", name, exc)

    def note_in_force(self, profile: DemoProfile) -> None:
        """Remember the mode of a profile put in force. Written only when it changed; a full or
        read-only disk is logged and the kiosk runs on (what it loses is this memory only)."""
        if profile.source == "built-in" or not ID_PATTERN.match(profile.name):
            return  # the safe profile stands in for another: it has no mode of its own to remember
        modes = self._modes()
        if modes.get(profile.name) == profile.mode:
            return
        modes[profile.name] = profile.mode
        document = {"format": MODES_FORMAT, "modes": dict(sorted(modes.items()))}
        try:
            self.last_good_dir.mkdir(parents=True, exist_ok=True)
            write_atomically(self.last_good_dir / MODES_FILE, (json.dumps(document, indent=1) + "\n").encode())
        except OSError as exc:
            log.warning("could not note that profile %s is in force in %s mode: %s", profile.name, profile.mode, exc)

    def mode_last_in_force(self, name: str) -> str | None:
        """The mode profile ``name`` was last in force with on this kiosk; None if it never was."""
        return self._modes().get(name)

    def _modes(self) -> dict[str, str]:
        path = self.last_good_dir / MODES_FILE
        if not path.is_file():
            return {}
        try:
            document = read_json(path, str(path))
        except DataFileError as exc:
            log.warning("%s; the modes profiles were last in force with are forgotten", exc)
            return {}
        modes = document.get("modes") if isinstance(document, dict) else None
        if not isinstance(modes, dict) or document.get("format") != MODES_FORMAT:
            log.warning("%s: not a file of modes this kiosk reads; they are forgotten", path)
            return {}
        return {name: mode for name, mode in modes.items() if isinstance(name, str) and mode in MODES}


def _holds(path: Path, data: bytes) -> bool:
    """Whether the file exists with exactly these bytes."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False
