"""Staff mode as booth staff and technicians use it: the corner gesture and the PIN pad."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from harness.citizen import finger
from kiosk.app.root import Kiosk
from kiosk.ui.lockdown import CORNER_PX
from kiosk.ui.shell import Page
from tests.support.window import click, find

STAFF_PIN, TECHNICIAN_PIN = "482913", "7305186"


def tap_corner(qtbot: QtBot, kiosk: Kiosk, times: int) -> None:
    window = kiosk.window
    for _ in range(times):
        finger(window, QPoint(CORNER_PX // 3, CORNER_PX // 3))


def enter_pin(qtbot: QtBot, kiosk: Kiosk, pin: str) -> None:
    pad = kiosk.window.staff.pin_pad
    for digit in pin:
        click(qtbot, find(pad, f"keypad:{digit}"))
    click(qtbot, find(pad, "pinEnterButton"))
    qtbot.waitUntil(lambda: not pad.checking, timeout=10_000)  # checked off the UI thread
    QApplication.processEvents()  # what the answer shows (the panel, or the message) is painted


def open_staff(qtbot: QtBot, kiosk: Kiosk, pin: str) -> None:
    tap_corner(qtbot, kiosk, 5)
    enter_pin(qtbot, kiosk, pin)
    assert kiosk.window.current_page == Page.STAFF
