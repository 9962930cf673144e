"""A whole process that paints one first frame and says so: the kiosk's home screen, or a bare window.

    python benchmarks/first_frame.py kiosk DATA_DIR     the festival profile's home screen
    python benchmarks/first_frame.py ready DATA_DIR     the kiosk on its attract loop, until its work done ahead is over
    python benchmarks/first_frame.py bare               an empty 1366x768 PySide6 window (the floor)
    python benchmarks/first_frame.py sketch DATA_DIR    the same home screen drawn by one widget (see HomeSketch)
    python benchmarks/first_frame.py idle DATA_DIR      the kiosk on its attract loop, until killed
    python benchmarks/first_frame.py bare-idle          the bare window, until killed

The kiosk is built as ``kiosk.app.run`` builds it (QApplication, ``Kiosk.build``), then shown on
its home screen, as a tap on the attract loop shows it. "Painted" is the moment the first Paint
event of the window has been handled and the event loop is free again (a zero-time timer queued
from that Paint event fires after the whole frame, children included, is painted and flushed).
The process then prints ``painted <RSS KiB>`` and exits; the caller timed it from spawn.

``ready`` is the kiosk as it waits for its first citizen: built as ``kiosk.app.run`` builds it,
shown on its attract loop, and left to finish what it does ahead after the first frame (the other
screens built and painted off screen, the request screens' modules, the QR codes:
``kiosk.ui.ahead``). It prints ``painted <RSS KiB>`` at the first frame, then ``ready <RSS KiB>``
once that work is over (after a garbage collection, as ``benchmarks/memory.py`` reads its start),
and exits: the memory a kiosk holds when it is ready, which the first frame does not show.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
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
    def __init__(self, app: QApplication, quit_after: bool, then: Callable[[], None] | None = None) -> None:
        super().__init__()
        self._app = app
        self._quit = quit_after
        self._then = then
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
        elif self._then is not None:
            self._then()


class WhenReady(QObject):
    """Once the window has no work left to do ahead: ``ready <RSS KiB>``, and exit."""

    def __init__(self, app: QApplication, window: QWidget) -> None:
        super().__init__()
        self._app = app
        self._window = window
        self._timer = QTimer(self)
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._check)

    def start(self) -> None:
        self._timer.start()

    def _check(self) -> None:
        if self._window.working_ahead:  # type: ignore[attr-defined]
            return
        self._timer.stop()
        gc.collect()
        print(f"ready {rss_kib()}", flush=True)
        self._app.exit(0)


class HomeSketch(QWidget):
    """The festival home screen as a sketch: one widget paints the title bar, the greeting, the
    search field and the agency grid (icons, names, service counts), with no stylesheet, no
    buttons, no outbox, no translations, no logging. Not a kiosk: it shows what reading the
    kiosk's catalog and drawing that screen costs at the least, above the bare window, and so how
    much of the kiosk's start is the widgets and the rest of the kiosk."""

    def __init__(self, data: Path) -> None:
        super().__init__()
        from PySide6.QtGui import QFontDatabase

        from kiosk.core.content import load_best_catalog
        from kiosk.core.paths import KioskPaths, resources_root
        from kiosk.core.profiles import ProfileLibrary

        paths = KioskPaths(root=resources_root(), data=data)
        catalog, _ = load_best_catalog(paths.catalog, paths.cached_catalog, paths.icons)
        profile, _ = ProfileLibrary(paths.profiles, paths.last_good_profiles, paths.resources).load("festival", catalog)
        self._agencies = catalog.restricted_to(profile.agencies).agencies
        self._title = profile.title.fa
        self._accent = profile.accent
        self._icons = paths.icons
        for font in sorted(paths.fonts.glob("Vazirmatn*.ttf")):
            QFontDatabase.addApplicationFont(str(font))

    def paintEvent(self, event: QEvent) -> None:
        from PySide6.QtCore import QRect, QRectF, Qt
        from PySide6.QtGui import QColor, QFont, QPainter
        from PySide6.QtSvg import QSvgRenderer

        from kiosk.core.persian import to_persian_digits

        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        centre = Qt.AlignmentFlag.AlignCenter
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#f3f4f6"))
        painter.fillRect(0, 0, self.width(), 108, QColor(self._accent))
        painter.setPen(QColor("#ffffff"))
        painter.setFont(QFont("Vazirmatn", 22, QFont.Weight.Bold))
        painter.drawText(QRect(0, 0, self.width() - 40, 108), right, self._title)
        painter.setPen(QColor("#52606d"))
        painter.setFont(QFont("Vazirmatn", 15))
        painter.drawText(
            QRect(40, 132, self.width() - 80, 76),
            right,
            "دستگاه موردنظر را انتخاب کنید یا خدمت موردنیازتان را جست‌وجو کنید",
        )
        painter.setBrush(QColor("#ffffff"))
        painter.drawRoundedRect(QRectF(40, 228, self.width() - 80, 72), 16, 16)
        painter.drawText(QRect(60, 228, self.width() - 140, 72), right, "جست‌وجوی خدمات، مثلاً قبض آب، گذرنامه، کد پستی")
        width = (self.width() - 80 - 3 * 20) // 4
        for index, agency in enumerate(self._agencies):
            x = self.width() - 40 - (index % 4 + 1) * width - (index % 4) * 20
            y = 320 + (index // 4) * 225
            if y > self.height():
                break
            painter.setPen(QColor("#d9e2ec"))
            painter.drawRoundedRect(QRectF(x, y, width, 205), 18, 18)
            QSvgRenderer(str(self._icons / f"{agency.icon}.svg")).render(
                painter, QRectF(x + width / 2 - 40, y + 20, 80, 80)
            )
            painter.setPen(QColor("#102a43"))
            painter.setFont(QFont("Vazirmatn", 17, QFont.Weight.Bold))
            painter.drawText(QRect(x, y + 110, width, 40), centre, agency.short_name.fa)
            painter.setFont(QFont("Vazirmatn", 13))
            painter.drawText(
                QRect(x, y + 150, width, 30), centre, f"{to_persian_digits(str(len(agency.services)))} خدمت الکترونیک"
            )
        painter.end()


def main() -> int:
    what = sys.argv[1]
    app = QApplication(sys.argv[:1])
    window: QWidget
    kiosk = None
    if what in ("bare", "bare-idle"):
        window = QWidget()
    elif what == "sketch":
        window = HomeSketch(Path(sys.argv[2]))
    else:
        from kiosk.app.logs import configure_logging
        from kiosk.app.root import Kiosk
        from kiosk.core.paths import KioskPaths, resources_root

        paths = KioskPaths(root=resources_root(), data=Path(sys.argv[2]))
        configure_logging(paths)
        kiosk = Kiosk.build(paths, "festival")
        window = kiosk.window
        if what == "kiosk":
            window.start_session()  # the home screen: what a tap on the attract loop shows
    ready = WhenReady(app, window) if what == "ready" else None
    watcher = FirstPaint(app, quit_after=what in ("kiosk", "bare", "sketch"), then=ready.start if ready else None)
    window.installEventFilter(watcher)
    window.resize(*SIZE)
    window.show()
    code = app.exec()
    if kiosk is not None:
        kiosk.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
