"""What a catalog release carries besides its agencies: the province's own icons, its branding and
its profiles.

A release (format 3) may carry ``icons`` (plain name -> SVG text, sanitised by ``kiosk.core.svg``
on the server when published and again at the kiosk on receipt) and ``branding`` (the title, the
accent colour and the logo, an icon of the release, shown instead of the kiosk profile's): so
another province is deployed with no change to the kiosk's bundle, whose catalog is only the first
boot's. Agencies may name a release icon as they name a bundled one. ``profiles`` (name -> a
profile's table, the keys of a profile file; its ``logo`` one of the release's icons) stand in for
the bundle's profiles of the same name and add the province's own.

On disk (a catalog folder to publish, and the kiosk's cached copy) the same things are
``icons/<name>.svg``, ``branding.toml`` and ``profiles/<name>.toml`` beside ``catalog.json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.core.datafile import (
    COLOR_PATTERN,
    ID_MAX,
    ID_PATTERN,
    DataFileError,
    LocalText,
    Problem,
    Reader,
    brief,
    file_exists,
    read_toml,
    write_atomically,
)
from kiosk.core.profile_data import DemoProfile, parse_profile
from kiosk.core.svg import MAX_SVG_BYTES, UnsafeSvg, sanitise_svg

RELEASE_FORMAT = 3  # the first catalog format that may carry icons and branding
ICONS_DIR = "icons"
BRANDING_FILE = "branding.toml"
PROFILES_DIR = "profiles"
RELEASE_PROFILE_SOURCE = "release"  # a release's profile's ``source`` starts so
MAX_RELEASE_ICONS = 200
MAX_RELEASE_PROFILES = 50
BRANDING_TITLE_MAX = 48  # as a profile's title
EXTRA_KEYS = ("icons", "branding", "profiles")


@dataclass(frozen=True)
class Branding:
    """The province's look, from its release: shown in place of the kiosk profile's own."""

    title: LocalText
    accent: str
    logo: str  # an icon of the release ("": the profile's logo stays)


def parse_icons(reader: Reader, value: Any) -> dict[str, str]:
    """A release's icons, each sanitised; a refused one is a problem naming it and why."""
    if value is None:
        return {}
    obj = reader.obj(value, "icons")
    if len(obj) > MAX_RELEASE_ICONS:
        reader.problem("icons", f"holds {len(obj)} icons; at most {MAX_RELEASE_ICONS}")
        return {}
    icons: dict[str, str] = {}
    for name, svg in obj.items():
        if not isinstance(name, str) or len(name) > ID_MAX or not ID_PATTERN.match(name):
            reader.problem(f"icons.{brief(name)}", "is not an icon name: use lower-case letters, digits and dashes")
            continue
        place = f"icons.{name}"
        if not isinstance(svg, str):
            reader.problem(place, "should be the icon's SVG text")
        else:
            try:
                icons[name] = sanitise_svg(svg)
            except UnsafeSvg as exc:
                reader.problem(place, str(exc))
    return icons


def parse_branding(reader: Reader, value: Any, icons: Mapping[str, str]) -> Branding | None:
    if value is None:
        return None
    obj = reader.obj(value, "branding")
    reader.unknown_keys(obj, {"title", "accent", "logo"}, "branding")
    accent = reader.text(obj, "accent", "branding")
    if accent and not COLOR_PATTERN.match(accent):
        reader.problem("branding.accent", f"{brief(accent)} should be a colour written #rrggbb")
    logo = reader.text(obj, "logo", "branding") if "logo" in obj else ""
    if logo and logo not in icons:
        reader.problem("branding.logo", f"{brief(logo)} is not one of the release's icons")
    title = reader.local_text(obj, "title", "branding", max_len=BRANDING_TITLE_MAX)
    return Branding(title, accent, logo)


def parse_profiles(reader: Reader, value: Any, icons: Mapping[str, str], version: str) -> dict[str, DemoProfile]:
    """A release's profiles, each checked as a profile file is (``parse_profile``); a logo names one
    of the release's icons, and no ``[server]`` (where a kiosk sends citizens' requests is its
    technician's to say). The agencies they show are checked against the release's catalog by
    ``check_profiles``."""
    if value is None:
        return {}
    obj = reader.obj(value, "profiles")
    if len(obj) > MAX_RELEASE_PROFILES:
        reader.problem("profiles", f"holds {len(obj)} profiles; at most {MAX_RELEASE_PROFILES}")
        return {}
    profiles: dict[str, DemoProfile] = {}
    for name, data in obj.items():
        if not isinstance(name, str) or len(name) > ID_MAX or not ID_PATTERN.match(name):
            reader.problem(
                f"profiles.{brief(name)}", "is not a profile name: use lower-case letters, digits and dashes"
            )
            continue
        place = f"profiles.{name}"
        if isinstance(data, dict):
            logo = data.get("logo")
            if isinstance(logo, str) and logo and logo not in icons:
                reader.problem(f"{place}.logo", f"{brief(logo)} is not one of the release's icons")
            if "server" in data:
                reader.problem(f"{place}.server", "where requests go is the kiosk's own setting, not a release's")
        try:
            profiles[name] = parse_profile(
                data, name, f"{RELEASE_PROFILE_SOURCE} {version} {place}", server_required=False
            )
        except DataFileError as exc:
            reader.problems.extend(
                Problem(reader.file, f"{place}.{p.place}" if p.place else place, p.message) for p in exc.problems
            )
    return profiles


def check_profiles(reader: Reader, profiles: Mapping[str, DemoProfile], agency_ids: set[str]) -> None:
    for name, profile in profiles.items():
        for index, agency_id in enumerate(profile.agencies or ()):
            if agency_id not in agency_ids:
                reader.problem(f"profiles.{name}.agencies[{index}]", f"unknown agency {agency_id!r}")


def is_release_profile(profile: DemoProfile) -> bool:
    return profile.source.startswith(RELEASE_PROFILE_SOURCE + " ")


def check_format(reader: Reader, document: Mapping[str, Any]) -> None:
    """A release carrying icons or branding says format 3, so a kiosk too old to show them refuses
    it with "update the kiosk first" rather than showing another province's agencies without."""
    carried = [key for key in EXTRA_KEYS if key in document]
    fmt = document.get("format")
    if carried and isinstance(fmt, int) and not isinstance(fmt, bool) and fmt < RELEASE_FORMAT:
        reader.problem("format", f"is {fmt}; a release with {', '.join(carried)} is format {RELEASE_FORMAT}")


def read_folder_extras(directory: Path) -> dict[str, Any]:
    """``icons/*.svg``, ``branding.toml`` and ``profiles/*.toml`` of a catalog folder, as the
    document holds them (not yet checked: the ``parse_*`` do that); DataFileError if unreadable."""
    extras: dict[str, Any] = {}
    problems: list[Problem] = []
    icons_dir = directory / ICONS_DIR
    if icons_dir.is_dir():
        icons: dict[str, str] = {}
        for path in sorted(icons_dir.iterdir()):
            if path.suffix != ".svg":
                problems.append(Problem(str(path), "", "is not an icon (icons/ holds <name>.svg files only)"))
                continue
            try:
                if path.stat().st_size > MAX_SVG_BYTES:
                    problems.append(Problem(str(path), "", f"is larger than {MAX_SVG_BYTES:,} bytes"))
                    continue
                icons[path.stem] = path.read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(Problem(str(path), "", f"cannot be read as UTF-8 text ({type(exc).__name__})"))
        extras["icons"] = icons
    branding = directory / BRANDING_FILE
    if file_exists(branding):
        try:
            extras["branding"] = read_toml(branding, str(branding))
        except DataFileError as exc:
            problems.extend(exc.problems)
    profiles_dir = directory / PROFILES_DIR
    if profiles_dir.is_dir():
        profiles: dict[str, Any] = {}
        for path in sorted(profiles_dir.glob("*.toml")):
            try:
                profiles[path.stem] = read_toml(path, str(path))
            except DataFileError as exc:
                problems.extend(exc.problems)
        extras["profiles"] = profiles
    if problems:
        raise DataFileError(problems)
    return extras


def write_folder_extras(document: Mapping[str, Any], folder: Path) -> None:
    """The release's icons and branding into a catalog folder being written (the kiosk's cache)."""
    import tomli_w

    icons = document.get("icons") or {}
    if icons:
        (folder / ICONS_DIR).mkdir()
        for name, svg in icons.items():
            write_atomically(folder / ICONS_DIR / f"{name}.svg", svg.encode("utf-8"))
    if "branding" in document:
        write_atomically(folder / BRANDING_FILE, tomli_w.dumps(document["branding"]).encode("utf-8"))
    profiles = document.get("profiles") or {}
    if profiles:
        (folder / PROFILES_DIR).mkdir()
        for name, table in profiles.items():
            write_atomically(folder / PROFILES_DIR / f"{name}.toml", tomli_w.dumps(table).encode("utf-8"))
