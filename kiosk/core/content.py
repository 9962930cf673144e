"""Choosing what a kiosk runs on: the newest good catalog and the asked-for profile, with fallbacks.

A bad file never takes the kiosk down: a cached catalog that fails validation gives way to the one
received before it (the last good one), then to the bundled one, and a broken profile to its last
good copy, then to a safe built-in profile. Every fallback is reported in ``warnings`` so the log
and the self-test can say what happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from kiosk.core.catalog import PREVIOUS_SUFFIX, Catalog, load_catalog
from kiosk.core.datafile import DataFileError, LocalText
from kiosk.core.profiles import DemoProfile, ProfileLibrary

DEFAULT_PROFILE = "festival"

# Used only when the asked-for profile and its last good copy are both unusable: every agency,
# Persian, no server of its own (the settings' is used). Its mode is the one the asked-for profile
# was last in force with on this kiosk (choose_profile): demo would have a live booth's real
# requests filed as demo ones (the dashboard hides them); demo only for a profile never in force
# here, which has taken no real request on this kiosk.
SAFE_PROFILE = DemoProfile(
    name="safe-mode",
    title=LocalText("کیوسک خدمات الکترونیک", "E-Services Kiosk"),
    accent="#0f766e",
    logo="",
    language="fa",
    idle_timeout_seconds=90,
    mode="demo",
    currency="rial",
    agencies=None,
    server_url="",
    source="built-in",
)


@dataclass
class KioskContent:
    catalog: Catalog
    profile: DemoProfile
    warnings: list[str] = field(default_factory=list)
    catalog_refused: str | None = None  # why the newest catalog (the cached one) was refused


def previous_catalog(cached: Path) -> Path:
    """Where the catalog received before the cached one is kept (``write_catalog_directory``)."""
    return cached.with_name(cached.name + PREVIOUS_SUFFIX)


def load_best_catalog(bundled: Path, cached: Path, icons: Path | None) -> tuple[Catalog, list[str]]:
    """The newest good catalog: the cached one (the newest received), else the one received before
    it (the last good one), else the bundled one. Raises DataFileError only when the bundled catalog
    itself is unusable. The warnings say what was refused and why, the refusal's reason first."""
    warnings: list[str] = []
    if (cached / "catalog.json").is_file():
        try:
            return load_catalog(cached, icons, source="cached"), warnings
        except DataFileError as exc:
            warnings.extend(str(p) for p in exc.problems)
        previous = previous_catalog(cached)
        if (previous / "catalog.json").is_file():
            try:
                catalog = load_catalog(previous, icons, source="previous")
            except DataFileError as exc:
                warnings.extend(str(p) for p in exc.problems)
            else:
                warnings.append(
                    f"the cached catalog in {cached} was refused; using the last good one received,"
                    f" version {catalog.version}"
                )
                return catalog, warnings
        warnings.append(f"the cached catalog in {cached} was refused; using the bundled catalog")
    return load_catalog(bundled, icons, source="bundled"), warnings


def choose_profile(library: ProfileLibrary, name: str, catalog: Catalog) -> tuple[DemoProfile, list[str]]:
    """The named profile, or its last good copy, or the safe built-in profile (in the mode the named
    one was last in force with), never an error."""
    try:
        return library.load(name, catalog)
    except DataFileError as exc:
        warnings = [str(p) for p in exc.problems]
        mode = library.mode_last_in_force(name)
        if mode is None or mode == SAFE_PROFILE.mode:
            warnings.append(f"profile {name!r} cannot be used; running on the safe built-in profile")
            return SAFE_PROFILE, warnings
        warnings.append(
            f"profile {name!r} cannot be used; running on the safe built-in profile in {mode} mode,"
            f" the mode {name!r} was last in force with"
        )
        return replace(SAFE_PROFILE, mode=mode), warnings
