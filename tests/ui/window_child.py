"""A running kiosk's own window, grabbed (run by test_render.py): the kiosk built as ``kiosk``
builds it, on a fresh data folder, shown at a screen's size; a citizen's taps to a service's card,
its first question and the second; each screen grabbed as it shows.
``python window_child.py OUT LANGUAGE WIDTHxHEIGHT SERVICE``.

A process of its own, as a kiosk is: a kiosk built after another in the same process (as pytest
runs the UI tests) draws Latin text a fraction of a pixel apart (measured: 322 rows of a portrait
card differ), so a comparison in the test process would compare with a kiosk nobody runs. The one
difference from a kiosk on a screen: the text cursor does not blink (as ``kiosk render`` draws it),
since a grab catches a blinking one on or off by the clock.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtWidgets import QApplication

from harness.citizen import answer, child, settle, tap
from kiosk.app.root import Kiosk
from kiosk.core.paths import KioskPaths, resources_root
from kiosk.core.settings import KioskSettings


def main(out: Path, language: str, size: str, service_id: str) -> int:
    app = QApplication(sys.argv[:1])
    QApplication.setCursorFlashTime(0)
    with tempfile.TemporaryDirectory(prefix="kiosk-window-") as data:
        kiosk = Kiosk.build(KioskPaths(root=resources_root(), data=Path(data)), "festival", KioskSettings())
        window = kiosk.window
        width, height = (int(n) for n in size.split("x"))
        window.resize(width, height)
        window.show()
        settle()

        def grab(name: str) -> None:
            settle()
            window.grab().toImage().save(str(out / f"{name}.png"))

        tap(window.attract)
        if kiosk.localizer.language != language:
            tap(child(window, "languageButton"))
        agency = service_id.split(".")[0]
        tap(child(window, f"agencyTile:{agency}"))
        tap(child(window, f"serviceTile:{service_id}"))
        grab("card")
        tap(child(window, "startRequestButton"))
        form = window.requests.form
        assert form is not None
        grab("question-01")
        answer(form, form.current)  # typed on the keys, then «بعدی»
        grab("question-02")
        print(f"first={form.steps[0].spec.kind} second={form.steps[1].spec.kind} keypad={form.keypad.isVisible()}")
        kiosk.close()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]))
