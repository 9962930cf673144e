"""Running the kiosk: the QApplication, full screen, the qasync loop, the crash guard, and a clean
stop on SIGTERM (what ``systemctl stop`` sends) as on the technician's exit."""

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
    quit_on_signals(kiosk, loop)

    async def stop(starting: asyncio.Task[Any]) -> None:
        await asyncio.wait([starting])  # delivery may still be starting: then it is stopped once started
        await kiosk.stop_sync()

    with loop:
        starting = loop.create_task(kiosk.start_sync_soon())
        log.info("kiosk running (process %d)", os.getpid())
        # Until the application quits (the technician's exit, SIGTERM, a burst of errors). Delivery
        # is stopped after, with the loop running again: stopping waits for the call under way,
        # which the loop that has just ended could not finish.
        code = loop.run_forever()
        loop.run_until_complete(stop(starting))
    kiosk.close()  # the outbox is closed here, after the last delivery call
    sys.excepthook = sys.__excepthook__  # there is no attract loop to return to any more
    log.info("kiosk stopped (exit code %d)", code)
    return code


def quit_on_signals(kiosk: Kiosk, loop: asyncio.AbstractEventLoop) -> None:
    """SIGTERM (``systemctl stop``, a shutdown) and SIGINT (Ctrl+C) quit the kiosk as the
    technician's exit does, so delivery stops after its call under way and the outbox is closed;
    by default either would end the process wherever it was."""
    import signal

    from PySide6.QtWidgets import QApplication

    def quit_on(name: str) -> None:
        log.info("%s received: stopping delivery and closing the outbox", name)
        kiosk.window.allow_close()
        QApplication.quit()

    for number in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(number, quit_on, number.name)
        except NotImplementedError:  # Windows: no POSIX signals; Shell Launcher ends the kiosk itself
            return
