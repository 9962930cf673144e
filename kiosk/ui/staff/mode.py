"""Staff mode: from the corner gesture to the PIN pad to the panel, and back to the citizens.

What staff ask for is done by ``StaffActions`` (the app implements it); this module only shows
and forwards. Entering staff mode ends any citizen's session first (their answers are wiped), and
staff mode closes itself after two minutes without a tap. The PIN pad and the panel are built
on first use (the panel's and the PIN check's modules are not needed for the kiosk's first frame).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.core.background import Workers
from kiosk.ui.ahead import Step
from kiosk.ui.i18n import Localizer

if TYPE_CHECKING:
    from kiosk.core.pins import PinVault
    from kiosk.ui.staff.panel import StaffPanel, StaffView
    from kiosk.ui.staff.pin_pad import PinPad

STAFF_IDLE_SECONDS = 120
T = TypeVar("T")


class StaffActions(Protocol):
    def pin_vault(self) -> PinVault | None: ...
    def staff_view(self) -> StaffView: ...
    def sync_now(self) -> str: ...
    def export_waiting(self) -> tuple[bool, str]: ...
    def self_test_report(self) -> str: ...
    def switch_profile(self, name: str) -> tuple[bool, str]: ...
    def save_connection(self, number: str, server: str, token: str) -> tuple[bool, str]: ...
    def set_pin(self, role: str, pin: str) -> tuple[bool, str]: ...
    def exit_to_desktop(self) -> None: ...


class StaffMode(QObject):
    opened = Signal()
    closed = Signal()

    def __init__(
        self, localizer: Localizer, overlay_parent: QWidget, workers: Workers, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._localizer = localizer
        self._workers = workers
        self.actions: StaffActions | None = None
        self.host = QWidget()
        self.host.setObjectName("staffHost")
        self._layout = QVBoxLayout(self.host)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.panel: StaffPanel | None = None
        self.overlay_parent = overlay_parent  # what the PIN pad covers
        self._pin_pad: PinPad | None = None
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(STAFF_IDLE_SECONDS * 1000)
        self.idle.timeout.connect(self.close)

    @property
    def pin_pad(self) -> PinPad:
        """The PIN pad, built the first time it is needed (hidden until ``request``)."""
        if self._pin_pad is None:
            from kiosk.ui.staff.pin_pad import PinPad

            self._pin_pad = PinPad(self._localizer, self._vault, self._workers, self.overlay_parent)
            self._pin_pad.unlocked.connect(self._open)
        return self._pin_pad

    def ahead_steps(self) -> list[Step]:
        """Work done ahead (``kiosk.ui.ahead``): the PIN pad, before staff first ask for it."""
        return [Step(lambda: self.pin_pad)]

    @property
    def active(self) -> bool:
        return self.panel is not None

    def request(self) -> None:
        """The staff gesture: ask for the PIN (unless staff mode is already open)."""
        if not self.active and not self.pin_pad.isVisible():
            self.pin_pad.open()

    def _vault(self) -> PinVault | None:
        return self.actions.pin_vault() if self.actions is not None else None

    def _open(self, role: str) -> None:
        from kiosk.ui.staff.panel import StaffPanel

        self.discard()
        panel = StaffPanel(self._localizer, role)
        panel.close_requested.connect(self.close)
        panel.sync_requested.connect(lambda: panel.show_notice(self._act(lambda a: a.sync_now())))
        panel.export_requested.connect(lambda: self._say(panel, self._act(lambda a: a.export_waiting())))
        panel.self_test_requested.connect(lambda: panel.show_self_test(self._act(lambda a: a.self_test_report())))
        panel.profile_chosen.connect(lambda name: self._say(panel, self._act(lambda a: a.switch_profile(name))))
        panel.connection_saved.connect(
            lambda n, s, t: self._say(panel, self._act(lambda a: a.save_connection(n, s, t)))
        )
        panel.pin_saved.connect(lambda r, p: self._say(panel, self._act(lambda a: a.set_pin(r, p))))
        panel.exit_requested.connect(lambda: self._act(lambda a: a.exit_to_desktop()))
        self.panel = panel
        self._layout.addWidget(panel)
        self.refresh()
        if panel.technician is not None and self.actions is not None:
            view = self.actions.staff_view()
            panel.technician.fill(view.kiosk_number, view.server)
        self.idle.start()
        self.opened.emit()

    def refresh(self) -> None:
        if self.panel is not None and self.actions is not None:
            self.panel.show_view(self.actions.staff_view())

    def close(self) -> None:
        if self.active:
            self.discard()
            self.closed.emit()

    def discard(self) -> None:
        self.idle.stop()
        if self.panel is not None:
            panel, self.panel = self.panel, None
            self._layout.removeWidget(panel)
            panel.hide()
            panel.deleteLater()

    def retranslate(self) -> None:
        if self._pin_pad is not None:
            self._pin_pad.retranslate()
        if self.panel is not None:
            self.panel.retranslate()

    def _act(self, action: Callable[[StaffActions], T]) -> T:
        assert self.actions is not None, "the app gives staff mode its actions before anyone can unlock it"
        result = action(self.actions)
        self.refresh()
        return result

    @staticmethod
    def _say(panel: StaffPanel, result: tuple[bool, str]) -> None:
        ok, message = result
        if message:
            panel.show_notice(message, error=not ok)
