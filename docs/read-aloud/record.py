"""The receipt read aloud, as the kiosk reads it: a request filed on the real window (offscreen),
then the speaker button's text said by the real voice into a WAV file, in Persian and English.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/read-aloud/record.py /tmp/rec
    sox /tmp/rec/receipt-fa.wav docs/read-aloud/receipt-fa.ogg   # and -en
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtWidgets import QApplication

from harness.citizen import Citizen, settle, tap
from kiosk.app.root import Kiosk
from kiosk.core.paths import KioskPaths, resources_root
from kiosk.core.voice import LOUDEST, Voice

SERVICE = "mazandaran-water.name-change"


def record(out: Path, language: str) -> None:
    kiosk = Kiosk.build(KioskPaths(root=resources_root(), data=Path(tempfile.mkdtemp())), "festival")
    window = kiosk.window
    window.resize(1366, 768)
    window.show()
    settle()
    tap(window.attract)
    if language != kiosk.localizer.language:
        kiosk.localizer.set_language(language)
        settle()
    service = kiosk.content.catalog.service(SERVICE)
    window.open_service(service.id)
    Citizen(kiosk).file_request(service)
    settle()
    voice = Voice(sink=str(out / f"receipt-{language}.wav"), amplitude=LOUDEST)  # the loudest a citizen can choose
    window.read_aloud.voice = voice
    window.read_aloud.read_screen()
    assert voice._process is not None
    voice._process.wait(30)
    (out / f"receipt-{language}.txt").write_text(window.read_aloud.last_text + "\n", encoding="utf-8")
    kiosk.close()


def main() -> int:
    _app = QApplication(sys.argv[:1])
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for language in ("fa", "en"):
        record(out, language)
    return 0


if __name__ == "__main__":
    sys.exit(main())
