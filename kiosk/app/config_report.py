"""`kiosk --print-config`: the settings this kiosk would run with, where each came from, secrets masked.

Precedence, highest first (see kiosk.core.settings): the command line, the environment, the data
folder's ``config.toml``, then the profile's defaults. The report reads files and writes nothing, so
a technician can run it beside a running kiosk. It returns 1 when the settings or the profile would
be refused (the kiosk would then run on defaults or a fallback profile), else 0.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.core.content import DEFAULT_PROFILE, SAFE_PROFILE, choose_profile, load_best_catalog
from kiosk.core.datafile import DataFileError
from kiosk.core.paths import KioskPaths
from kiosk.core.profiles import DemoProfile, ProfileLibrary
from kiosk.core.settings import COMMAND_LINE, KioskSettings, load_settings


class _ReadOnlyProfiles(ProfileLibrary):
    """The kiosk's own profile choice, without refreshing the last good copies (a report writes nothing)."""

    def _keep_copy(self, path: Path, name: str) -> None:
        return None


def print_config(
    paths: KioskPaths,
    profile_arg: str | None,
    data_dir_arg: Path | None,
    command_line: Mapping[str, Any],
    environ: Mapping[str, str] | None = None,
    write: Callable[[str], None] = print,
) -> int:
    environ = os.environ if environ is None else environ
    refused = 0
    rows: list[tuple[str, str]] = [
        ("version", __version__),
        ("resources", f"{paths.root} ({_resources_origin(environ)})"),
    ]
    if data_dir_arg is not None:
        data_origin = "from command line --data-dir"
    elif environ.get("KIOSK_DATA_DIR"):
        data_origin = "from environment KIOSK_DATA_DIR"
    else:
        data_origin = "the platform's user data folder"
    rows.append(("data folder", f"{paths.data} ({data_origin})"))
    config_state = "present" if paths.config_file.is_file() else "absent: nothing set there"
    rows.append(("config file", f"{paths.config_file} ({config_state})"))

    profile, profile_notes = _active_profile(paths, profile_arg)
    asked = profile_arg or DEFAULT_PROFILE
    profile_origin = "from command line --profile" if profile_arg else "default"
    if profile.name != asked:
        refused += 1
        rows.append(("profile", f"{profile.name} (asked for {asked!r}, {profile_origin}; it cannot be used)"))
    else:
        rows.append(("profile", f"{profile.name} ({profile_origin})"))
    rows.append(("mode", f"{profile.mode} (from profile {profile.name})"))

    problems: list[str] = []
    try:
        settings = load_settings(paths.config_file, environ, command_line)
    except DataFileError as exc:
        refused += 1
        problems = [str(problem) for problem in exc.problems]
        settings = KioskSettings()
    masked = settings.masked()
    rows.append(("kiosk number", f"{masked['kiosk_number']} ({_origin(settings, 'kiosk_number', problems)})"))
    if settings.server_url:
        rows.append(("server url", f"{settings.server_url} ({_origin(settings, 'server_url', problems)})"))
    else:
        shown = profile.server_url or "(none: requests wait in the outbox)"
        rows.append(("server url", f"{shown} (from profile {profile.name})"))
    rows.append(("server token", f"{masked['server_token']} ({_origin(settings, 'server_token', problems)})"))
    if settings.signing_keys:
        signing = f"{masked['signing_key']} ({_origin(settings, 'signing_keys', problems)})"
    elif profile.is_demo:
        signing = "(none provisioned: releases from the server are taken UNCHECKED, demo mode only)"
    else:
        signing = "(none provisioned: this live kiosk applies no release from the server)"
    rows.append(("signing key", signing))
    rows += [("outbox", str(paths.outbox)), ("log", str(paths.logs / "kiosk.log"))]

    write(f"Pishkhan kiosk {__version__} configuration (command line > environment > config file > profile)")
    width = max(len(name) for name, _ in rows) + 1
    for name, value in rows:
        write(f"{name + ':':<{width}} {value}")
    for note in profile_notes:
        write(f"  note: {note}")
    if problems:
        write("settings refused; the kiosk would run with kiosk 1, the profile's server and no token:")
        for problem in problems:
            write(f"  {problem}")
    return 1 if refused else 0


def _origin(settings: KioskSettings, name: str, problems: list[str]) -> str:
    if problems:
        return "default: settings refused"
    where = settings.origin.get(name)
    if where is None:
        return "default"
    if where == "command line":
        return f"from command line {COMMAND_LINE.get(name, '')}".rstrip()
    if where.startswith("environment "):
        return f"from {where}"
    return f"from config file {where}"


def _resources_origin(environ: Mapping[str, str]) -> str:
    if environ.get("KIOSK_RESOURCES_ROOT"):
        return "from environment KIOSK_RESOURCES_ROOT"
    return "inside the bundle" if getattr(sys, "frozen", False) else "source tree"


def _active_profile(paths: KioskPaths, name: str | None) -> tuple[DemoProfile, list[str]]:
    """The profile the kiosk would run, as the kiosk chooses it, and why it fell back if it did."""
    try:
        catalog, warnings = load_best_catalog(paths.catalog, paths.cached_catalog, paths.icons)
    except DataFileError as exc:
        notes = [str(problem) for problem in exc.problems]
        return SAFE_PROFILE, [*notes, "the bundled catalog is refused: the kiosk shows 'out of service'"]
    library = _ReadOnlyProfiles(paths.profiles, paths.last_good_profiles, paths.resources)
    profile, profile_warnings = choose_profile(library, name or DEFAULT_PROFILE, catalog)
    return profile, warnings + profile_warnings
