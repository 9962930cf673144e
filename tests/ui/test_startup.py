"""Start-up on bad data, the technician's self-test, and the command line."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.app.cli import main
from kiosk.app.root import Kiosk
from kiosk.app.selftest import self_test
from kiosk.core.paths import KioskPaths, resources_root
from kiosk.outbox.store import SCHEMA_VERSION, OutboxStore
from kiosk.ui.shell import Page
from tests.support.factories import copy_resources
from tests.support.window import build_kiosk


def restarted(qtbot: QtBot, paths: KioskPaths, profile: str) -> Iterator[Kiosk]:
    """The kiosk started again on the same data folder: the one before is gone first, as its
    process would be (its window's queued first-frame work would otherwise run on a closed kiosk)."""
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    yield from build_kiosk(qtbot, paths, profile)


def restarted_on_a_broken_profile(qtbot: QtBot, paths: KioskPaths, profile: str) -> Iterator[Kiosk]:
    """The kiosk started again after its profile and the profile's last good copy both broke: it
    runs on the safe profile."""
    for broken in (paths.profiles / f"{profile}.toml", paths.last_good_profiles / f"{profile}.toml"):
        broken.write_text("title = [", encoding="utf-8")
    for kiosk in restarted(qtbot, paths, profile):
        assert kiosk.content is not None and kiosk.content.profile.name == "safe-mode"
        yield kiosk


def run_self_test(paths: KioskPaths, profile: str = "festival") -> tuple[int, str]:
    lines: list[str] = []
    code = self_test(paths, profile, write=lines.append)
    return code, "\n".join(lines)


def test_self_test_passes_on_the_bundled_data(kiosk_paths: KioskPaths) -> None:
    code, report = run_self_test(kiosk_paths)
    assert code == 0, report
    catalog_line = next(line for line in report.splitlines() if line.startswith("agencies: "))
    assert int(catalog_line.split()[1]) >= 12
    services = next(line for line in report.splitlines() if line.startswith("services: "))
    assert int(services.split()[1]) >= 60
    assert "active profile: festival (demo, fa" in report
    assert "ok    translation fa" in report and "ok    fonts" in report
    assert report.endswith("result: passed")


def test_self_test_fails_on_a_broken_cached_catalog_and_names_it(kiosk_paths: KioskPaths) -> None:
    cached = kiosk_paths.cached_catalog
    shutil.copytree(kiosk_paths.catalog, cached)
    (cached / "catalog.json").write_text('{"format": 1, "version": "x", "agencies": ["nowhere"]}', encoding="utf-8")
    code, report = run_self_test(kiosk_paths)
    assert code == 1
    assert "FAIL  cached catalog" in report and "bundled catalog" in report
    assert "unknown agency 'nowhere'" in report
    assert "result: FAILED" in report


def test_self_test_fails_on_a_broken_profile_missing_font_and_translation(tmp_path: Path) -> None:
    paths = copy_resources(tmp_path)
    (paths.profiles / "water-booth.toml").write_text("mode = 'demo'\n", encoding="utf-8")
    (paths.fonts / "Vazirmatn-Bold.ttf").unlink()
    (paths.translations / "kiosk_fa.ts").write_text("not xml", encoding="utf-8")
    code, report = run_self_test(paths)
    assert code == 1
    assert "FAIL  profile water-booth: refused" in report
    assert "water-booth.toml: agencies: is missing" in report
    assert "font file missing" in report and "Vazirmatn-Bold.ttf" in report
    assert "FAIL  translation fa" in report


def test_self_test_fails_on_an_unwritable_data_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    paths = KioskPaths(root=resources_root(), data=blocker / "data")
    code, report = run_self_test(paths)
    assert code == 1 and "FAIL  data folder" in report


def test_broken_profile_runs_on_the_safe_profile(
    qtbot: QtBot, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    paths = copy_resources(tmp_path)
    (paths.profiles / "festival.toml").write_text("title = [", encoding="utf-8")
    for kiosk in build_kiosk(qtbot, paths, "festival"):
        assert kiosk.content.profile.name == "safe-mode"
        assert kiosk.window.current_page == Page.ATTRACT
        assert len(kiosk.window.home.agency_tiles) == len(kiosk.content.catalog.agencies)
    assert "not valid TOML" in caplog.text and "safe built-in profile" in caplog.text


def test_a_live_kiosk_whose_profile_breaks_stays_live_on_the_safe_profile(
    qtbot: QtBot, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The profile and its last good copy both unusable: the safe profile stands in, in the mode
    this profile was last in force with, so citizens' real requests are not filed as demo ones."""
    paths = copy_resources(tmp_path)
    for kiosk in build_kiosk(qtbot, paths, "sari-lobby"):
        assert kiosk.content is not None and kiosk.content.profile.mode == "live"
    for kiosk in restarted_on_a_broken_profile(qtbot, paths, "sari-lobby"):
        assert kiosk.content is not None and kiosk.content.profile.mode == "live"
        assert kiosk.desk is not None and kiosk.desk.context.mode == "live"
        assert not kiosk.window.header.demo_badge.isVisibleTo(kiosk.window)
    assert "running on the safe built-in profile in live mode" in caplog.text


def test_a_demo_kiosk_whose_profile_breaks_stays_demo(qtbot: QtBot, tmp_path: Path) -> None:
    paths = copy_resources(tmp_path)
    for kiosk in build_kiosk(qtbot, paths, "sari-lobby"):  # this data folder was live once, on another profile
        assert kiosk.content is not None and kiosk.content.profile.mode == "live"
    for kiosk in restarted(qtbot, paths, "festival"):
        assert kiosk.content is not None and kiosk.content.profile.mode == "demo"
    for kiosk in restarted_on_a_broken_profile(qtbot, paths, "festival"):
        assert kiosk.content is not None and kiosk.content.profile.mode == "demo"


def test_a_config_file_nested_thousands_deep_does_not_stop_the_kiosk_starting(
    qtbot: QtBot, kiosk_paths: KioskPaths, caplog: pytest.LogCaptureFixture
) -> None:
    kiosk_paths.data.mkdir(parents=True)
    kiosk_paths.config_file.write_text("kiosk_number = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    for kiosk in build_kiosk(qtbot, kiosk_paths, "festival"):
        assert kiosk.window.current_page == Page.ATTRACT
        assert kiosk.settings.kiosk_number == 1 and kiosk.settings.server_token is None  # the defaults
        assert kiosk.state is not None and kiosk.state.reread_settings() is False  # and again between citizens
    refused = f"kiosk settings refused: {kiosk_paths.config_file}: not valid TOML: nested more than 32 levels deep"
    assert refused in caplog.text


def test_broken_bundled_catalog_shows_out_of_service(
    qtbot: QtBot, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    paths = copy_resources(tmp_path)
    (paths.catalog / "catalog.json").write_text("{", encoding="utf-8")
    for kiosk in build_kiosk(qtbot, paths, "festival"):
        assert kiosk.content is None
        assert kiosk.window.current_page == Page.OUT_OF_SERVICE
        assert "کارکنان" in kiosk.window.out_of_service.text()
    assert "bundled catalog refused" in caplog.text


def test_with_no_outbox_to_commit_to_the_kiosk_is_out_of_service_and_stays_so(
    qtbot: QtBot, kiosk_paths: KioskPaths, caplog: pytest.LogCaptureFixture
) -> None:
    """An outbox the kiosk cannot open (here: written by a newer kiosk; in a process test, a
    read-only folder): no citizen is let into a form whose answers could not be kept."""
    kiosk_paths.data.mkdir(parents=True)
    OutboxStore(kiosk_paths.outbox).close()
    with sqlite3.connect(kiosk_paths.outbox) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    for kiosk in build_kiosk(qtbot, kiosk_paths, "festival"):
        window = kiosk.window
        assert kiosk.store is None and kiosk.desk is not None and not kiosk.desk.available
        assert window.current_page == Page.OUT_OF_SERVICE
        window.end_session()  # staff closing their panel, a catalog put in force between citizens
        assert window.current_page == Page.OUT_OF_SERVICE
        assert kiosk.state is not None
        kiosk.state.switch_profile("water-booth")
        assert window.current_page == Page.OUT_OF_SERVICE
    assert "out of service: no request can be committed on this kiosk" in caplog.text
    assert "written by a newer kiosk" in caplog.text


def test_list_profiles(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list-profiles"]) == 0
    names = capsys.readouterr().out.split()
    assert {"festival", "sari-lobby", "water-booth"} <= set(names)


def test_self_test_command_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--self-test", "--data-dir", str(tmp_path / "d"), "--profile", "sari-lobby"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "active profile: sari-lobby (live, fa, 2 agencies shown)" in result.stdout
