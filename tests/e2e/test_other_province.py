"""The province as data (issue 23): another province's catalog, written for the tests
(``tests/data/other-province``: Gilan, 24 agencies with their own icons, its title, accent and
logo), published with ``kiosk-central catalog publish`` and shown by a real kiosk window started
with the bundle's (Mazandaran) catalog, through the server alone: no file of the bundle changes.

``KIOSK_OTHER_PROVINCE_SHOTS=/some/folder`` saves what the kiosk shows (Persian, 1366x768 and
1080x1920) there: docs/screenshots/other-province/ holds the ones looked at.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from kiosk.app.root import Kiosk
from kiosk.core.paths import KioskPaths, resources_root
from kiosk.core.release_signing import parse_signing_key
from kiosk.core.sealing import parse_public_key
from kiosk.core.settings import KioskSettings
from kiosk.link.catalog_updates import UPDATED
from kiosk.ui.shell import Page
from tests.support.e2e import RegisteredKiosk, heard_from_its_server, on_loop, until
from tests.support.window import build_kiosk, click, find

GILAN = resources_root() / "tests" / "data" / "other-province"
GILAN_TITLE = "کیوسک خدمات استان گیلان"


def inked_pixels(image: QImage) -> int:
    """How many pixels of an icon are drawn (a missing icon is a blank square: none)."""
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    return sum(1 for y in range(image.height()) for x in range(image.width()) if image.pixelColor(x, y).alpha() > 0)


def test_another_province_runs_on_a_kiosk_through_the_server_alone(
    qtbot: QtBot, tmp_path: Path, kiosk_paths: KioskPaths, registered: RegisteredKiosk
) -> None:
    central = registered.central
    published = subprocess.run(
        [sys.executable, "-m", "kiosk.central", "catalog", "publish", str(GILAN), "--data-dir", str(tmp_path / "srv")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert published.returncode == 0, published.stderr
    assert "24 agencies" in published.stdout and "25 icons" in published.stdout, published.stdout
    central.publish_catalog(GILAN)  # the same folder, into the server the kiosk talks to
    settings = KioskSettings(kiosk_number=registered.number, server_url=central.url, server_token=registered.token,
                             server_key=parse_public_key(central.sealing_key),
                             signing_keys=(parse_signing_key(central.signing_key),))  # fmt: skip
    heard_from_its_server(kiosk_paths.outbox, registered.number)
    for kiosk in build_kiosk(qtbot, kiosk_paths, "festival", settings):
        window = kiosk.window
        assert "مازندران" in window.header.title.whole or kiosk.content.catalog.source == "bundled"

        async def scenario(kiosk: Kiosk = kiosk) -> None:
            await until(lambda: kiosk.updater is not None)  # the link starts after the first frame
            assert kiosk.updater is not None
            assert await kiosk.updater.check_once() == UPDATED

        on_loop(kiosk, scenario)
        window.end_session()
        catalog = kiosk.content.catalog
        assert catalog.version.startswith("gilan-") and len(catalog.agencies) == 24
        assert catalog.source == "server"
        assert window.header.title.whole == GILAN_TITLE
        assert kiosk.content.profile.accent == "#0f766e"
        assert window.attract.title.text() == GILAN_TITLE
        assert not window.header.logo.pixmap().isNull()

        click(qtbot, window.attract)
        assert window.current_page == Page.HOME
        for agency in catalog.agencies:
            tile = find(window, f"agencyTile:{agency.id}")
            assert agency.icon == agency.id and agency.icon in catalog.icons
            assert not (kiosk_paths.icons / f"{agency.icon}.svg").exists(), "drawn from the release, not the bundle"
            drawn = tile._icon.pixmap().toImage()
            assert inked_pixels(drawn) > 20, f"{agency.id}: its icon is blank"
        shoot(window, "home-fa-1366x768", (1366, 768))
        shoot(window, "home-fa-1080x1920", (1080, 1920))
        window.open_agency("gilan-ports")
        shoot(window, "agency-fa-1366x768", (1366, 768))
        window.end_session()
        shoot(window, "attract-fa-1366x768", (1366, 768))

    # Kept for the next start, offline too: the icons and branding are in the cached copy.
    assert (kiosk_paths.cached_catalog / "icons" / "gilan-ports.svg").is_file()
    assert (kiosk_paths.cached_catalog / "branding.toml").is_file()


def shoot(window: object, name: str, size: tuple[int, int], home: bool = False) -> None:
    folder = os.environ.get("KIOSK_OTHER_PROVINCE_SHOTS")
    if not folder:
        return
    from PySide6.QtWidgets import QApplication, QWidget

    assert isinstance(window, QWidget)
    if home:
        window.start_session()  # type: ignore[attr-defined]
    window.resize(*size)
    for _ in range(5):
        QApplication.processEvents()
    Path(folder).mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(Path(folder) / f"{name}.png"))


def test_a_release_s_profile_stands_in_for_the_bundle_s_and_staff_can_switch_to_the_province_s_own(
    qtbot: QtBot, kiosk_paths: KioskPaths, registered: RegisteredKiosk
) -> None:
    """A kiosk set up as the bundle's water booth (Mazandaran's water company) is Gilan's water booth
    once Gilan's release arrives: the release's profile of that name, its agency, title and logo;
    its requests still go where its technician said. Rasht's lobby, a profile only the release has,
    is offered in the staff panel and can be switched to."""
    central = registered.central
    central.publish_catalog(GILAN)
    settings = KioskSettings(kiosk_number=registered.number, server_url=central.url, server_token=registered.token,
                             server_key=parse_public_key(central.sealing_key),
                             signing_keys=(parse_signing_key(central.signing_key),))  # fmt: skip
    heard_from_its_server(kiosk_paths.outbox, registered.number)
    for kiosk in build_kiosk(qtbot, kiosk_paths, "water-booth", settings):
        window = kiosk.window
        assert window.header.title.whole == "غرفه آب و فاضلاب مازندران"

        async def scenario(kiosk: Kiosk = kiosk) -> None:
            await until(lambda: kiosk.updater is not None)  # the link starts after the first frame
            assert kiosk.updater is not None
            assert await kiosk.updater.check_once() == UPDATED, kiosk.updater.last_refusal

        on_loop(kiosk, scenario)
        window.end_session()
        in_force = kiosk.content
        assert in_force.catalog.version.startswith("gilan-")
        assert in_force.profile.name == "water-booth" and in_force.profile.agencies == ("gilan-water",)
        assert window.header.title.whole == "غرفه آبفای گیلان"
        assert in_force.logo == in_force.catalog.icons["gilan-water"].encode()
        assert in_force.server_url == central.url
        names = [name for name, _title in kiosk.window.staff.actions.staff_view().profiles]
        assert "rasht-lobby" in names and "festival" in names
        ok, message = kiosk.window.staff.actions.switch_profile("rasht-lobby")
        assert ok, message
        assert kiosk.content.profile.title.fa == "کیوسک خدمات شهر رشت"
        assert [a.id for a in kiosk.content.shown.agencies] == [
            "rasht-municipality",
            "gilan-water",
            "gilan-power",
            "gilan-gas",
            "gilan-post",
        ]
        shoot(window, "rasht-lobby-home-fa-1366x768", (1366, 768), home=True)
