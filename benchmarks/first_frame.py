"""A whole process that paints one first frame and says so: the kiosk's home screen, or a bare window.

    python benchmarks/first_frame.py kiosk DATA_DIR     the festival profile's home screen
    python benchmarks/first_frame.py bare               an empty 1366x768 PySide6 window (the floor)
    python benchmarks/first_frame.py idle DATA_DIR      the kiosk on its attract loop, until killed
    python benchmarks/first_frame.py bare-idle          the bare window, until killed

The kiosk is built as ``kiosk.app.run`` builds it (QApplication, ``Kiosk.build``), then shown on
its home screen, as a tap on the attract loop shows it. "Painted" is the moment the first Paint
event of the window has been handled and the event loop is free again (a zero-time timer queued
from that Paint event fires after the whole frame, children included, is painted and flushed).
The process then prints ``painted <RSS KiB>`` and exits; the caller timed it from spawn.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

SIZE = (1366, 768)


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class FirstPaint(QObject):
    def __init__(self, app: QApplication, quit_after: bool) -> None:
        super().__init__()
        self._app = app
        self._quit = quit_after
        self._seen = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._seen:
            self._seen = True
            QTimer.singleShot(0, self._painted)
        return False

    def _painted(self) -> None:
        print(f"painted {rss_kib()}", flush=True)
        if self._quit:
            self._app.exit(0)  # not quit(): the kiosk window refuses to close (lockdown)


def main() -> int:
    what = sys.argv[1]
    app = QApplication(sys.argv[:1])
    window: QWidget
    kiosk = None
    if what in ("bare", "bare-idle"):
        window = QWidget()
    else:
        from kiosk.app import Kiosk, configure_logging
        from kiosk.paths import KioskPaths, resources_root

        paths = KioskPaths(root=resources_root(), data=Path(sys.argv[2]))
        configure_logging(paths)
        kiosk = Kiosk.build(paths, "festival")
        window = kiosk.window
        if what == "kiosk":
            window.start_session()  # the home screen: what a tap on the attract loop shows
    watcher = FirstPaint(app, quit_after=what in ("kiosk", "bare"))
    window.installEventFilter(watcher)
    window.resize(*SIZE)
    window.show()
    code = app.exec()
    if kiosk is not None:
        kiosk.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
