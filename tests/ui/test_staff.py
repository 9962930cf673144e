"""Staff mode: the corner gesture, the PIN pad (wrong PIN, lockout, right PIN), the panel (with the
error delivery stopped on), a live profile switch with the queue untouched, and what booth staff
may not do."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from harness.citizen import finger
from kiosk.app.root import Kiosk
from kiosk.core.paths import KioskPaths
from kiosk.core.pins import FIRST_LOCK_SECONDS, PinVault
from kiosk.link.sync import SyncStatus
from kiosk.ui.shell import Page
from tests.support.factories import copy_resources
from tests.support.staff import STAFF_PIN, TECHNICIAN_PIN, enter_pin, open_staff, tap_corner
from tests.support.window import build_kiosk, click, find


@pytest.fixture
def kiosk(qtbot: QtBot, kiosk_paths: KioskPaths) -> Iterator[Kiosk]:
    vault = PinVault(kiosk_paths.data / "staff.json", scrypt_n=2**10)  # fast hashes for the tests
    vault.set_pin("staff", STAFF_PIN)
    vault.set_pin("technician", TECHNICIAN_PIN)
    yield from build_kiosk(qtbot, kiosk_paths, "festival")


def test_five_corner_taps_open_the_pin_pad_four_do_not(qtbot: QtBot, kiosk: Kiosk) -> None:
    pad = kiosk.window.staff.pin_pad
    tap_corner(qtbot, kiosk, 4)
    assert not pad.isVisible()
    finger(kiosk.window, QPoint(600, 400))  # elsewhere: start over
    tap_corner(qtbot, kiosk, 4)
    assert not pad.isVisible()
    tap_corner(qtbot, kiosk, 1)
    assert pad.isVisible()
    click(qtbot, find(pad, "pinCancelButton"))
    assert not pad.isVisible()


def test_the_technicians_shortcut_opens_the_pin_pad(qtbot: QtBot, kiosk: Kiosk) -> None:
    kiosk.window.activateWindow()
    qtbot.keyClick(kiosk.window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    assert kiosk.window.staff.pin_pad.isVisible()


def test_wrong_pins_then_the_lockout_then_the_right_pin(qtbot: QtBot, kiosk: Kiosk) -> None:
    pad = kiosk.window.staff.pin_pad
    tap_corner(qtbot, kiosk, 5)
    enter_pin(qtbot, kiosk, "111999")
    assert pad.message.text() == "رمز نادرست است."
    assert pad.field.text() == "", "a PIN never stays in the field"
    for _ in range(4):
        enter_pin(qtbot, kiosk, "111999")
    assert "۳۰" in pad.message.text(), "locked for 30 seconds, counted down in Persian digits"
    assert not find(pad, "pinEnterButton").isEnabled()
    vault = kiosk.window.staff.actions.pin_vault()
    assert vault.locked_for() == pytest.approx(FIRST_LOCK_SECONDS, abs=2)
    vault._state.locked_until = 0  # the half minute passes
    pad._show_lock()
    enter_pin(qtbot, kiosk, STAFF_PIN)
    assert kiosk.window.current_page == Page.STAFF and not pad.isVisible()


def test_booth_staff_see_the_queue_but_cannot_leave_or_change_the_server(qtbot: QtBot, kiosk: Kiosk) -> None:
    open_staff(qtbot, kiosk, STAFF_PIN)
    panel = kiosk.window.staff.panel
    assert panel.role == "staff"
    for technician_only in ("exitToDesktopButton", "serverField", "tokenField", "setTechnicianPinButton"):
        assert panel.findChild(QWidget, technician_only) is None
    assert "در صف: ۰" in panel.queue_facts.text()
    click(qtbot, find(panel, "selfTestButton"))
    assert "result:" in panel.self_test_report.text()
    click(qtbot, find(panel, "closeStaffButton"))
    assert kiosk.window.current_page == Page.ATTRACT and kiosk.window.staff.panel is None


def test_a_live_profile_switch_keeps_the_queue(qtbot: QtBot, kiosk: Kiosk, tmp_path: Path) -> None:
    service = kiosk.content.catalog.service("mazandaran-water.new-connection")
    kiosk.desk.submit(service, {"full_name": "زهرا حسینی", "national_id": "0012345679"})
    open_staff(qtbot, kiosk, TECHNICIAN_PIN)
    panel = kiosk.window.staff.panel
    click(qtbot, find(panel, "profile:expo-english"))
    assert kiosk.localizer.language == "en"
    assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert kiosk.window.current_page == Page.STAFF, "staff stay in the panel"
    click(qtbot, find(kiosk.window.staff.panel, "profile:water-booth"))
    assert kiosk.content.profile.name == "water-booth"
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert [t.agency.id for t in kiosk.window.home.agency_tiles] == ["mazandaran-water"]
    assert kiosk.store.health().counts["pending"] == 1, "the queue is untouched"
    assert kiosk.store.pending()[0].mode == "demo"
    click(qtbot, find(kiosk.window.staff.panel, "exportButton"))
    exported = list((kiosk.paths.data / "exports").glob("outbox-*.json"))
    # A demo kiosk with no server keeps no answers: the request is exported without them.
    text = exported[0].read_text(encoding="utf-8")
    assert len(exported) == 1 and kiosk.store.pending()[0].tracking_code in text and "0012345679" not in text


def test_a_broken_profile_is_refused_and_the_current_one_stays(qtbot: QtBot, tmp_path: Path) -> None:
    paths = copy_resources(tmp_path)
    (paths.profiles / "sari-lobby.toml").write_text('mode = "live"\n', encoding="utf-8")
    PinVault(paths.data / "staff.json", scrypt_n=2**10).set_pin("staff", STAFF_PIN)
    for kiosk in build_kiosk(qtbot, paths, "festival"):
        open_staff(qtbot, kiosk, STAFF_PIN)
        click(qtbot, find(kiosk.window.staff.panel, "profile:sari-lobby"))
        assert kiosk.content.profile.name == "festival"
        notice = kiosk.window.staff.panel.notice
        assert notice.isVisible() and "sari-lobby" in notice.text() and "is missing" in notice.text()


def test_a_profile_file_added_or_edited_shows_at_the_next_refresh(qtbot: QtBot, tmp_path: Path) -> None:
    """A technician copies a profile in (or edits a title) while the kiosk runs: the panel lists it
    without a restart."""
    paths = copy_resources(tmp_path)
    PinVault(paths.data / "staff.json", scrypt_n=2**10).set_pin("staff", STAFF_PIN)
    for kiosk in build_kiosk(qtbot, paths, "festival"):
        open_staff(qtbot, kiosk, STAFF_PIN)
        panel = kiosk.window.staff.panel
        assert panel.findChild(QWidget, "profile:gas-booth") is None
        booth = (paths.profiles / "water-booth.toml").read_text(encoding="utf-8")
        (paths.profiles / "gas-booth.toml").write_text(
            booth.replace("غرفه آب و فاضلاب مازندران", "غرفه گاز مازندران"), encoding="utf-8"
        )
        kiosk.window.staff.refresh()
        assert "غرفه گاز مازندران" in find(kiosk.window.staff.panel, "profile:gas-booth").text()


def test_technician_sets_the_connection_and_pins(qtbot: QtBot, kiosk: Kiosk) -> None:
    open_staff(qtbot, kiosk, TECHNICIAN_PIN)
    card = kiosk.window.staff.panel.technician
    card.number.setText("12")
    card.server.setText("https://kiosk.sari.ir")
    card.token.setText("012.secret-token")
    click(qtbot, find(card, "saveConnectionButton"))
    assert kiosk.settings.kiosk_number == 12 and kiosk.settings.server_token == "012.secret-token"
    assert kiosk.window.current_page == Page.STAFF, "no key yet: out of service, once staff close their panel"
    kiosk.window.staff.refresh()
    facts = kiosk.window.staff.panel.queue_facts.text()
    assert "کلید سامانه مرکزی" in facts and "صف درخواست‌ها باز نمی‌شود" not in facts, "not an outbox problem"
    card = kiosk.window.staff.panel.technician
    assert 'url = "https://kiosk.sari.ir"' in kiosk.paths.config_file.read_text(encoding="utf-8")
    card.number.setText("1000")
    click(qtbot, find(card, "saveConnectionButton"))
    assert kiosk.settings.kiosk_number == 12, "a refused number changes nothing"
    card.pin.setText("1234")
    click(qtbot, find(card, "setStaffPinButton"))
    assert "simple" in kiosk.window.staff.panel.notice.text()
    card.pin.setText("907315")
    click(qtbot, find(card, "setStaffPinButton"))
    assert kiosk.window.staff.actions.pin_vault().try_pin("907315").role == "staff"


def test_staff_mode_closes_itself_when_left_alone(qtbot: QtBot, kiosk: Kiosk) -> None:
    open_staff(qtbot, kiosk, STAFF_PIN)
    kiosk.window.staff.idle.setInterval(100)
    kiosk.window.staff.idle.start()
    qtbot.waitUntil(lambda: kiosk.window.current_page == Page.ATTRACT, timeout=3000)
    assert kiosk.window.staff.panel is None
    assert QGuiApplication.clipboard().text() == ""


def test_staff_see_the_error_delivery_stopped_on(qtbot: QtBot, kiosk: Kiosk) -> None:
    """The engine's error while it tries again (it used to die silently, the panel none the wiser)."""
    kiosk.engine = SimpleNamespace(status=SyncStatus(running=True, error="database or disk is full (SQLITE_FULL)"))
    open_staff(qtbot, kiosk, STAFF_PIN)
    facts = kiosk.window.staff.panel.queue_facts.text()
    assert "ارسال با خطا متوقف شد و خودش دوباره تلاش می‌کند" in facts and "database or disk is full" in facts
    kiosk.engine = None


def test_staff_see_why_the_newest_catalog_was_refused(qtbot: QtBot, kiosk: Kiosk) -> None:
    """Issue 21: a refused catalog says why in the panel, in Persian, with the technician's reason."""
    assert kiosk.state is not None
    kiosk.state.catalog_refusal = "catalog refused: agencies[0].icon: no icon 'ship' among the kiosk's icons"
    open_staff(qtbot, kiosk, STAFF_PIN)
    facts = kiosk.window.staff.panel.kiosk_facts.text()
    assert "تازه‌ترین فهرست خدمات پذیرفته نشد" in facts and "no icon 'ship'" in facts
