"""A kiosk process whose event loop meets an unexpected error (run by test_process.py).

Builds the real kiosk with the real crash guard, files a request, lets a Qt slot raise in the
middle of a session, and reports whether it came back to the attract loop with the request still
queued. ``python crash_child.py DATA_DIR``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kiosk.app.logs import configure_logging
from kiosk.app.root import Kiosk
from kiosk.app.running import CrashGuard
from kiosk.core.paths import KioskPaths, resources_root
from kiosk.ui.shell import Page


def main(data: Path) -> int:
    app = QApplication(sys.argv[:1])
    paths = KioskPaths(root=resources_root(), data=data)
    configure_logging(paths)
    kiosk = Kiosk.build(paths, "festival")
    CrashGuard(kiosk).install()
    window = kiosk.window
    window.resize(1366, 768)
    window.show()
    service = kiosk.content.catalog.service("mazandaran-water.new-connection")
    code = kiosk.desk.submit(service, {"full_name": "آزمون"}).tracking_code
    window.start_session()
    window.open_service(service.id)

    def boom() -> None:
        raise RuntimeError("a bug nobody found")

    def check() -> None:
        back = window.current_page == Page.ATTRACT
        queued = kiosk.store.find_by_tracking_code(code).state == "pending"
        print(f"page={'attract' if back else window.current_page.name} queued={queued}", flush=True)
        kiosk.close()
        app.exit(0 if back and queued else 1)

    QTimer.singleShot(50, boom)
    QTimer.singleShot(400, check)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
