"""Shared test set-up: headless Qt, a fresh data folder per test, nothing leaking between tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Before anything imports Qt: tests never need a display.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["QT_API"] = "pyside6"
os.environ.pop("KIOSK_DATA_DIR", None)
os.environ.pop("KIOSK_RESOURCES_ROOT", None)

from kiosk.core.paths import KioskPaths, resources_root


@pytest.fixture
def kiosk_paths(tmp_path: Path) -> KioskPaths:
    """The real bundled resources and an empty data folder of this test's own."""
    return KioskPaths(root=resources_root(), data=tmp_path / "data")


@pytest.fixture(autouse=True)
def _no_data_dir_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Code that falls back to the user's real data folder would write outside the test.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
