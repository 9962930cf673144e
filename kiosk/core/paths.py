"""The one place that decides where resources are read from and where data is written.

Resources come from the source tree or, in a PyInstaller bundle, from inside the bundle; the data
folder comes from ``--data-dir``, then ``KIOSK_DATA_DIR``, then the platform's user data folder.
Nothing else in the kiosk builds these paths itself.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "pishkhan"


def resources_root() -> Path:
    """Where ``resources/`` and ``translations/`` live: the bundle when frozen, else the source tree."""
    override = os.environ.get("KIOSK_RESOURCES_ROOT")
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parents[2]


def default_data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


@dataclass(frozen=True)
class KioskPaths:
    """Every folder the kiosk reads or writes, decided once at start-up."""

    root: Path
    data: Path

    @classmethod
    def discover(cls, data_dir: Path | None = None) -> KioskPaths:
        env = os.environ.get("KIOSK_DATA_DIR")
        chosen = data_dir or (Path(env) if env else None) or default_data_dir()
        return cls(root=resources_root(), data=chosen.expanduser().resolve())

    @property
    def resources(self) -> Path:
        return self.root / "resources"

    @property
    def catalog(self) -> Path:
        return self.resources / "catalog"

    @property
    def profiles(self) -> Path:
        return self.resources / "profiles"

    @property
    def icons(self) -> Path:
        return self.resources / "icons"

    @property
    def fonts(self) -> Path:
        return self.resources / "fonts"

    @property
    def styles(self) -> Path:
        return self.resources / "styles"

    @property
    def translations(self) -> Path:
        return self.root / "translations"

    @property
    def cached_catalog(self) -> Path:
        """A catalog received from the central server (or put here by a technician)."""
        return self.data / "catalog"

    @property
    def catalog_etag(self) -> Path:
        """The server's ETag of the cached catalog, sent back as If-None-Match."""
        return self.data / "catalog.etag"

    @property
    def last_good_profiles(self) -> Path:
        return self.data / "last-good" / "profiles"

    @property
    def outbox(self) -> Path:
        """The durable queue of citizens' requests (SQLite)."""
        return self.data / "outbox.db"

    @property
    def config_file(self) -> Path:
        return self.data / "config.toml"

    @property
    def receipts(self) -> Path:
        """Receipts saved as PDF when no printer is connected."""
        return self.data / "receipts"

    @property
    def logs(self) -> Path:
        return self.data / "logs"

    @property
    def cache(self) -> Path:
        return self.data / "cache"
