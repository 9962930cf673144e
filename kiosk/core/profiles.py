"""Demo profiles: which agencies a kiosk shows, its branding, language, idle time, server and mode.

Profiles are TOML files (``resources/profiles/<name>.toml``) validated on load. A profile that
fails validation never replaces one that worked: the last good copy of every profile is kept in
the data folder and used, with a warning, until the file is mended.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from kiosk.core.addresses import server_address_problem
from kiosk.core.catalog import Catalog
from kiosk.core.datafile import (
    COLOR_PATTERN,
    ID_PATTERN,
    LANGUAGES,
    DataFileError,
    LocalText,
    Problem,
    Reader,
    file_exists,
    read_json,
    read_toml,
    write_atomically,
)

log = logging.getLogger(__name__)

PROFILE_FORMAT = 1
MODES_FILE = "modes.json"  # in the last good folder: the mode each profile was last in force with
MODES_FORMAT = 1
MODES = ("demo", "live")
CURRENCIES = ("rial", "toman")
MIN_IDLE_SECONDS = 15
MAX_IDLE_SECONDS = 3600
DEFAULT_CATALOG_REFRESH_MINUTES = 60

_KEYS = {
    "format", "title", "accent", "logo", "language", "idle_timeout_seconds", "mode",
    "currency", "agencies", "server", "audio_first",
}  # fmt: skip


@dataclass(frozen=True)
class DemoProfile:
    """What one kiosk set-up shows and where it sends requests."""

    name: str
    title: LocalText
    accent: str
    logo: str
    language: str
    idle_timeout_seconds: int
    mode: str
    currency: str
    agencies: tuple[str, ...] | None  # None: every agency in the catalog
    server_url: str
    source: str = ""
    catalog_refresh_minutes: int = DEFAULT_CATALOG_REFRESH_MINUTES  # how often to ask the server for news
    proxy: str | None = None  # an HTTP(S) proxy to reach the server through (the environment's is ignored)
    ca_file: str | None = None  # a CA bundle that signs the server's certificate, if not a public CA
    audio_first: bool = False  # every screen read aloud as it comes up, without a tap on «بشنوید»

    @property
    def is_demo(self) -> bool:
        return self.mode == "demo"


def parse_profile(
    data: Any, name: str, label: str, resources_dir: Path | None = None, server_required: bool = True
) -> DemoProfile:
    """One profile; ``server_required=False`` for a release's, which carries no ``[server]``."""
    reader = Reader(label)
    obj = reader.obj(data, "")
    reader.unknown_keys(obj, _KEYS, "")
    fmt = reader.field(obj, "format", "")
    if fmt is not None and (isinstance(fmt, bool) or not isinstance(fmt, int) or fmt < 1):
        reader.problem("format", "should be a whole number from 1")
    elif isinstance(fmt, int) and fmt > PROFILE_FORMAT:
        reader.problem("format", f"is {fmt}; this kiosk reads format {PROFILE_FORMAT}: update the kiosk first")
    if not ID_PATTERN.match(name):
        reader.problem("", f"the file name {name!r} should be lower-case letters, digits and dashes")
    accent = reader.text(obj, "accent", "")
    if accent and not COLOR_PATTERN.match(accent):
        reader.problem("accent", f"{accent!r} should be a colour written #rrggbb")
    logo = reader.text(obj, "logo", "")
    if logo and resources_dir is not None and not file_exists(resources_dir / logo):
        reader.problem("logo", f"{logo!r}: the file {resources_dir / logo} does not exist")
    idle = reader.integer(obj, "idle_timeout_seconds", "", minimum=MIN_IDLE_SECONDS)
    if idle > MAX_IDLE_SECONDS:
        reader.problem("idle_timeout_seconds", f"is {idle}; at most {MAX_IDLE_SECONDS} (an hour) is allowed")
    agencies = _agencies(reader, reader.field(obj, "agencies", ""))
    server = reader.obj(reader.field(obj, "server", "", required=server_required) or {}, "server")
    reader.unknown_keys(server, {"url", "catalog_refresh_minutes", "proxy", "ca_file"}, "server")
    proxy = reader.text(server, "proxy", "server") if "proxy" in server else None
    if proxy and not proxy.startswith(("http://", "https://")):
        reader.problem("server.proxy", f"{proxy!r} should be a proxy address starting with http:// or https://")
    ca_file = reader.text(server, "ca_file", "server") if "ca_file" in server else None
    if ca_file and resources_dir is not None and not file_exists(resources_dir / ca_file):
        reader.problem("server.ca_file", f"{ca_file!r}: the file {resources_dir / ca_file} does not exist")
    url = reader.text(server, "url", "server") if "server" in obj else ""
    refresh = DEFAULT_CATALOG_REFRESH_MINUTES
    if "catalog_refresh_minutes" in server:
        refresh = reader.integer(server, "catalog_refresh_minutes", "server", minimum=1)
        if refresh > 7 * 24 * 60:
            reader.problem("server.catalog_refresh_minutes", f"is {refresh}; at most a week (10080) is allowed")
    if url and (problem := server_address_problem(url)):
        reader.problem("server.url", problem)
    audio_first = reader.field(obj, "audio_first", "", required=False)
    if audio_first is not None and not isinstance(audio_first, bool):
        reader.problem("audio_first", "should be true or false")
    profile = DemoProfile(
        name=name,
        title=reader.local_text(obj, "title", "", max_len=48),
        accent=accent,
        logo=logo,
        language=reader.one_of(obj, "language", "", LANGUAGES),
        idle_timeout_seconds=idle,
        mode=reader.one_of(obj, "mode", "", MODES),
        currency=reader.one_of(obj, "currency", "", CURRENCIES),
        agencies=agencies,
        server_url=url.rstrip("/"),
        source=label,
        catalog_refresh_minutes=refresh,
        proxy=proxy or None,
        ca_file=str(resources_dir / ca_file) if ca_file and resources_dir is not None else (ca_file or None),
        audio_first=audio_first is True,
    )
    reader.raise_if_any()
    return profile


def _agencies(reader: Reader, value: Any) -> tuple[str, ...] | None:
    if value is None or value == "all":
        if value is None:
            reader.problem("agencies", 'is missing: list agency ids, or write agencies = "all"')
        return None
    if not isinstance(value, list) or not value:
        reader.problem("agencies", 'should be "all" or a non-empty list of agency ids')
        return None
    ids: list[str] = []
    for index, item in enumerate(value):
        if not isinstance(item, str):
            reader.problem(f"agencies[{index}]", "should be an agency id (a text)")
        elif item in ids:
            reader.problem(f"agencies[{index}]", f"lists {item!r} twice")
        else:
            ids.append(item)
    return tuple(ids)


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
