"""Running the kiosk: the QApplication, full screen, the qasync loop, and the crash guard."""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING, Any

from kiosk.app.root import Kiosk
from kiosk.core.paths import KioskPaths

if TYPE_CHECKING:
    import asyncio

    from kiosk.ui.shell import KioskWindow

log = logging.getLogger("kiosk")

WINDOWED_SIZE = (1366, 768)


def show_full_screen(window: KioskWindow) -> None:
    """Full screen, frameless, above everything; also in a bare X session with no window manager."""
    from PySide6.QtCore import Qt

    window.setWindowFlags(window.windowFlags() | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
    window.showFullScreen()
    screen = window.screen()
    if screen is not None:
        window.setGeometry(screen.geometry())


class CrashGuard:
    """An unexpected error is logged (no personal data: a traceback, no values typed) and the kiosk
    goes back to the attract loop instead of dying; the outbox is never touched. Errors in a
    burst (the recovery itself failing) end the process, for the service manager to restart it."""

    BURST = 5
    WINDOW_SECONDS = 10.0

    def __init__(self, kiosk: Kiosk) -> None:
        self._kiosk = kiosk
        self._recent: list[float] = []

    def install(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        sys.excepthook = self.on_exception
        if loop is not None:
            loop.set_exception_handler(self.on_loop_exception)

    def on_exception(self, kind: type[BaseException], value: BaseException, tb: Any) -> None:
        import time

        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        log.error("unexpected %s; returning to the attract loop", kind.__name__, exc_info=(kind, value, tb))
        now = time.monotonic()
        self._recent = [t for t in self._recent if now - t < self.WINDOW_SECONDS] + [now]
        if len(self._recent) >= self.BURST:
            log.critical("%d errors in %.0f s: stopping so the kiosk can be restarted", self.BURST, self.WINDOW_SECONDS)
            QApplication.exit(70)
            return
        QTimer.singleShot(0, self._kiosk.window.end_session)

    def on_loop_exception(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        if isinstance(error, BaseException):
            self.on_exception(type(error), error, error.__traceback__)
        else:
            log.error("asyncio: %s", context.get("message"))


def run(paths: KioskPaths, profile_name: str, windowed: bool, command_line: dict[str, Any] | None = None) -> int:
    os.environ.setdefault("QT_API", "pyside6")  # qasync picks its binding from this at import
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    app.setApplicationName("Pishkhan")
    app.setOrganizationName("Mazandaran e-government")
    kiosk = Kiosk.build(paths, profile_name, command_line=command_line)
    window = kiosk.window
    if kiosk.settings.hide_cursor:
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QCursor

        app.setOverrideCursor(QCursor(Qt.CursorShape.BlankCursor))
    if windowed:
        window.resize(*WINDOWED_SIZE)
        window.show()
    else:
        show_full_screen(window)

    import qasync  # after the first frame is queued: it is not needed to paint it

    loop = qasync.QEventLoop(app)
    import asyncio

    asyncio.set_event_loop(loop)
    CrashGuard(kiosk).install(loop)
    closed = asyncio.Event()
    app.aboutToQuit.connect(closed.set)

    async def main() -> None:
        await kiosk.start_sync_soon()
        await closed.wait()
        await kiosk.stop_sync()

    with loop:
        loop.run_until_complete(main())
    kiosk.close()
    log.info("kiosk stopped")
    return 0
