"""What is in force reaches every part that uses it, on the real kiosk against the real server.

Two bugs a booth hit before the kiosk had one owner of its live state:
- with the server address from ``config.toml`` (the production way), a staff profile switch left
  the catalog updater checking server catalogs against the old profile;
- ``kiosk pin set`` on a running kiosk was undone by the kiosk's old in-memory copy of the PINs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from kiosk.app.root import Kiosk
from kiosk.core.catalog import catalog_document
from kiosk.core.paths import KioskPaths
from kiosk.core.pins import PinVault
from kiosk.link.catalog_updates import REFUSED, UPDATED
from kiosk.ui.shell import Page
from tests.support.e2e import RegisteredKiosk, heard_from_its_server, on_loop
from tests.support.factories import without_agency
from tests.support.staff import STAFF_PIN, enter_pin, tap_corner
from tests.support.window import build_kiosk

ROOT = Path(__file__).resolve().parents[2]


def connect_by_config_file(paths: KioskPaths, registered: RegisteredKiosk) -> None:
    """config.toml as a technician writes it (number, server, token, the server's key), on a booth
    that has reached its server before: it takes citizens at once, without waiting for a heartbeat."""
    paths.data.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text(
        f'kiosk_number = {registered.number}\n\n[server]\nurl = "{registered.central.url}"\n'
        f'token = "{registered.token}"\nkey = "{registered.central.sealing_key}"\n',
        encoding="utf-8",
    )
    heard_from_its_server(paths.outbox, registered.number)


def catalog_without_water(paths: KioskPaths, version: str) -> dict:
    document = catalog_document(paths.catalog, paths.icons)
    document["version"] = version
    without_agency(document, "mazandaran-water")
    return document


def test_a_profile_switch_reaches_the_catalog_updater(
    qtbot: QtBot, kiosk_paths: KioskPaths, registered: RegisteredKiosk
) -> None:
    """festival -> water-booth: a catalog without the water company must now be refused (it was
    accepted, and the kiosk then failed to show it); water-booth -> festival: it must be taken."""
    connect_by_config_file(kiosk_paths, registered)
    PinVault(kiosk_paths.data / "staff.json", scrypt_n=2**10).set_pin("staff", STAFF_PIN)
    for kiosk in build_kiosk(qtbot, kiosk_paths, "festival"):

        async def festival_to_water(kiosk: Kiosk = kiosk) -> None:
            ok, message = kiosk.window.staff.actions.switch_profile("water-booth")
            assert ok, message
            registered.central.publish_catalog(catalog_without_water(kiosk_paths, "no-water-1"))
            assert kiosk.updater is not None
            assert await kiosk.updater.check_once() == REFUSED
            assert "mazandaran-water" in (kiosk.updater.last_refusal or "")

        on_loop(kiosk, festival_to_water)
        kiosk.window.end_session()
        assert kiosk.content.profile.name == "water-booth"
        assert kiosk.content.catalog.version != "no-water-1"
        assert [t.agency.id for t in kiosk.window.home.agency_tiles] == ["mazandaran-water"]

        async def water_to_festival(kiosk: Kiosk = kiosk) -> None:
            ok, message = kiosk.window.staff.actions.switch_profile("festival")
            assert ok, message
            registered.central.publish_catalog(catalog_without_water(kiosk_paths, "no-water-2"))
            assert kiosk.updater is not None
            assert await kiosk.updater.check_once() == UPDATED

        on_loop(kiosk, water_to_festival)
        kiosk.window.end_session()
        assert kiosk.content.catalog.version == "no-water-2"
        assert kiosk.window.current_page == Page.ATTRACT
        assert "mazandaran-water" not in [t.agency.id for t in kiosk.window.home.agency_tiles]


def set_pin_from_the_command_line(paths: KioskPaths, role: str, pin: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--data-dir", str(paths.data), "pin", "set", role],
        input=pin + "\n", capture_output=True, text=True, timeout=60, cwd=ROOT, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_a_pin_set_from_the_command_line_survives_the_running_kiosk(qtbot: QtBot, kiosk_paths: KioskPaths) -> None:
    PinVault(kiosk_paths.data / "staff.json", scrypt_n=2**10).set_pin("staff", STAFF_PIN)
    for kiosk in build_kiosk(qtbot, kiosk_paths, "festival"):
        window = kiosk.window
        tap_corner(qtbot, kiosk, 5)  # staff use the pad once: the kiosk has read the PIN file
        enter_pin(qtbot, kiosk, STAFF_PIN)
        assert window.current_page == Page.STAFF
        window.staff.close()
        set_pin_from_the_command_line(kiosk_paths, "technician", "7305186")
        tap_corner(qtbot, kiosk, 5)
        enter_pin(qtbot, kiosk, "111999")  # a wrong PIN: the kiosk writes its failure count
        assert window.staff.pin_pad.isVisible()
        enter_pin(qtbot, kiosk, "7305186")
        assert window.current_page == Page.STAFF, "the PIN set from the command line is refused"
        assert window.staff.panel is not None and window.staff.panel.role == "technician"
        assert PinVault(kiosk_paths.data / "staff.json").is_set("technician")
