"""Preload imports modules on a worker thread, and a module that fails to load is logged, not raised."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.preload import Preload, load


@pytest.fixture
def modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "preload_probe.py").write_text(
        "import threading\nLOADED_ON = threading.current_thread().name\n", encoding="utf-8"
    )
    (tmp_path / "preload_broken.py").write_text("raise RuntimeError('damaged on disk')\n", encoding="utf-8")
    yield tmp_path
    for name in ("preload_probe", "preload_broken"):
        sys.modules.pop(name, None)


def test_modules_load_on_a_worker_thread(modules: Path) -> None:
    preload = Preload("preload_probe")
    assert preload.wait(timeout=30)
    assert sys.modules["preload_probe"].LOADED_ON == "preload" != threading.current_thread().name


def test_a_module_that_fails_is_logged_and_the_rest_still_load(modules: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="kiosk.preload"):
        load(["preload_broken", "preload_probe"])
    assert "preloading preload_broken failed" in caplog.text
    assert "preload_probe" in sys.modules and "preload_broken" not in sys.modules
