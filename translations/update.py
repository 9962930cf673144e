"""Refresh the Qt Linguist files from the source: `python translations/update.py`.

Runs PySide6's lupdate over kiosk/ui (new strings appear as unfinished in kiosk_fa.ts for a
translator to fill in Qt Linguist), and keeps kiosk_en.ts complete: English is the source
language, so each English translation is its source text.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def lupdate() -> None:
    files = [*(ROOT / "kiosk" / "ui").rglob("*.py"), ROOT / "kiosk" / "app" / "staff_actions.py"]
    sources = sorted(str(p.relative_to(ROOT)) for p in files)
    targets = [str((HERE / f"kiosk_{lang}.ts").relative_to(ROOT)) for lang in ("fa", "en")]
    tool = Path(sys.executable).parent / "pyside6-lupdate"
    subprocess.run(
        [str(tool), *sources, "-ts", *targets, "-source-language", "en", "-no-obsolete", "-locations", "none"],
        cwd=ROOT, check=True,
    )  # fmt: skip


def fill(path: Path, translations: dict[str, str] | None) -> int:
    """Set translations: from the dict (source -> text), or the source itself when None. Returns
    how many messages are still unfinished."""
    tree = ET.parse(path)
    unfinished = 0
    for message in tree.iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if translation is None:
            continue
        text = source if translations is None else translations.get(source)
        if text:
            translation.text = text
            translation.attrib.pop("type", None)
        elif translation.get("type") == "unfinished":
            unfinished += 1
    ET.indent(tree, space="    ")
    body = ET.tostring(tree.getroot(), encoding="unicode")
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")
    return unfinished


if __name__ == "__main__":
    lupdate()
    fill(HERE / "kiosk_en.ts", None)
    left = fill(HERE / "kiosk_fa.ts", {})
    print(f"kiosk_fa.ts: {left} unfinished message(s)")
