"""The receipt read aloud, as the kiosk reads it: a request filed on the real window (offscreen),
then the speaker button's text said by the real voice into a WAV file, in Persian and English.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/read-aloud/record.py /tmp/rec
    sox /tmp/rec/receipt-fa.wav docs/read-aloud/receipt-fa.ogg   # and -en
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import tempfile, pathlib, sys
from PySide6.QtWidgets import QApplication
from harness.citizen import tap, settle, Citizen
from kiosk.app.root import Kiosk
from kiosk.core.paths import KioskPaths, resources_root
from kiosk.core.voice import Voice
app = QApplication([])
out = pathlib.Path(sys.argv[1]); out.mkdir(parents=True, exist_ok=True)
for lang in ("fa", "en"):
    k = Kiosk.build(KioskPaths(root=resources_root(), data=pathlib.Path(tempfile.mkdtemp())), "festival")
    w = k.window; w.resize(1366, 768); w.show(); settle()
    tap(w.attract)
    if lang == "en": k.localizer.set_language("en"); settle()
    c = Citizen(k); s = k.content.catalog.service("mazandaran-water.name-change")
    w.open_service(s.id); c.file_request(s); settle()
    wav = out / f"receipt-{lang}.wav"
    w.read_aloud.voice = Voice(sink=str(wav))
    w.read_aloud.read_screen()
    w.read_aloud.voice._process.wait(10)
    (out / f"receipt-{lang}.txt").write_text(w.read_aloud.last_text + "\n", encoding="utf-8")
    k.close()
