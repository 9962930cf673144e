"""The autostart files in resources/deploy/ point at the kiosk where docs/deployment.md installs it,
and are well-formed for systemd, XDG autostart and cmd.exe."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
from pathlib import Path, PurePosixPath

import pytest

from kiosk.core.paths import resources_root

DEPLOY = resources_root() / "resources" / "deploy"
INSTALL_GUIDE = resources_root() / "docs" / "deployment.md"
UNIT = DEPLOY / "linux" / "pishkhan-kiosk.service"
DESKTOP = DEPLOY / "linux" / "pishkhan-kiosk.desktop"
INSTALL_CMD = DEPLOY / "windows" / "install-autostart.cmd"
UNINSTALL_CMD = DEPLOY / "windows" / "uninstall-autostart.cmd"
# Where build.spec puts resources/ inside dist/kiosk/ (PyInstaller's one-folder layout).
BUNDLE_PLACE = PurePosixPath("_internal/resources/deploy/windows")


def read_ini(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"), source=str(path))
    return parser


def test_the_systemd_unit_runs_the_installed_kiosk_and_restarts_it() -> None:
    unit = read_ini(UNIT)
    service = unit["Service"]
    assert service["ExecStart"] == "%h/pishkhan/kiosk/kiosk"
    assert service["ExecStartPre"] == "-%h/pishkhan/kiosk/kiosk --self-test", "a failing check must not block the start"
    assert service["Restart"] == "always"
    assert unit["Install"]["WantedBy"] == unit["Unit"]["After"] == "graphical-session.target"
    assert "TOKEN" not in UNIT.read_text(encoding="utf-8").replace("the token", ""), "secrets belong in config.toml"
    assert "~/pishkhan/kiosk/" in INSTALL_GUIDE.read_text(encoding="utf-8"), "the guide installs where the unit looks"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    home = tmp_path / "home"
    kiosk = home / "pishkhan" / "kiosk" / "kiosk"
    kiosk.parent.mkdir(parents=True)
    kiosk.write_text("#!/bin/sh\n")
    kiosk.chmod(0o755)
    shutil.copy(UNIT, tmp_path / UNIT.name)
    result = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / UNIT.name)],
        env=dict(os.environ, HOME=str(home)), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr  # unknown keys only warn


def test_the_xdg_autostart_entry_runs_the_same_kiosk() -> None:
    entry = read_ini(DESKTOP)["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Terminal"] == "false"
    assert entry["Exec"] == """sh -c 'exec "$HOME/pishkhan/kiosk/kiosk"'"""


def test_the_windows_scripts_find_kiosk_exe_from_their_place_in_the_bundle() -> None:
    up = "..\\" * len(BUNDLE_PLACE.parts)
    for script in (INSTALL_CMD, UNINSTALL_CMD):
        data = script.read_bytes()
        assert data.isascii(), f"{script.name}: cmd.exe reads the OEM code page"
        assert data.count(b"\r\n") == data.count(b"\n"), f"{script.name}: cmd.exe scripts need CRLF line ends"
    install = INSTALL_CMD.read_text(encoding="ascii")
    assert f'"%~dp0{up}kiosk.exe"' in install and f'"%~dp0{up}kiosk-console.exe" --self-test' in install
    startup = r"%APPDATA%\Microsoft\Windows\Start Menu\Programs\Startup"
    assert startup in install and startup in UNINSTALL_CMD.read_text(encoding="ascii")
    assert '"%STARTUP%\\Pishkhan kiosk.cmd"' in install, "one entry in the user's Startup folder"
    assert '\\Startup\\Pishkhan kiosk.cmd"' in UNINSTALL_CMD.read_text(encoding="ascii"), "and the same one removed"
