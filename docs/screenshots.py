"""Screenshots of the real kiosk window for the README: run under Xvfb (see README, "Screenshots").

    xvfb-run -s "-screen 0 1366x768x24" .venv/bin/python docs/screenshots.py

Captures the X screen itself (not a widget rendering), so what is saved is what a citizen sees.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kiosk.app import Kiosk
from kiosk.paths import KioskPaths, resources_root

OUT = Path(__file__).resolve().parent / "screenshots"


def settle(app: QApplication, ms: int = 400) -> None:
    done = []
    QTimer.singleShot(ms, lambda: done.append(1))
    while not done:
        app.processEvents()


def main() -> int:
    if os.environ.get("QT_QPA_PLATFORM", "xcb") != "xcb" or not os.environ.get("DISPLAY"):
        print("run under Xvfb: xvfb-run -s '-screen 0 1366x768x24' python docs/screenshots.py", file=sys.stderr)
        return 2
    app = QApplication(sys.argv[:1])
    data = Path(tempfile.mkdtemp(prefix="kiosk-shots-"))
    kiosk = Kiosk.build(KioskPaths(root=resources_root(), data=data), "festival")
    window = kiosk.window
    window.showFullScreen()
    out = Path(tempfile.mkdtemp(prefix="kiosk-check-")) if "--check" in sys.argv else OUT
    out.mkdir(exist_ok=True)

    def shoot(name: str) -> None:
        settle(app)
        screen = window.screen()
        image = screen.grabWindow(0)
        if image.isNull() or not image.save(str(out / f"{name}.png")):
            raise SystemExit(f"could not capture {name}")
        print(f"saved {out / name}.png ({image.width()}x{image.height()})")

    catalog = kiosk.content.catalog
    shoot("attract-fa")
    window.start_session()
    shoot("home-fa")
    agency = catalog.agency("mazandaran-water")
    window.open_agency(agency.id)
    shoot("agency-fa")
    window.open_service(agency.services[0].id)
    shoot("service-fa")
    window.go_home()
    window.home.search_field.setText("كارت ملي")  # typed with Arabic letters on purpose
    shoot("search-fa")
    window.home.clear_search()
    kiosk.localizer.set_language("en")
    shoot("home-en")
    kiosk.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
