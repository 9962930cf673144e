"""The Windows application icon, ``resources/icons/app.ico``, drawn from the logo ``resources/logos/pishkhan.svg``.

    .venv/bin/python -m tests.packaging.app_icon        # rewrite resources/icons/app.ico after the logo changed

Qt's own ICO writer stores one image per file, and Windows wants several sizes (16 px in the task
bar to 256 px in Explorer), so the file is put together here: each size rendered with QSvgRenderer,
encoded as PNG, and the PNGs stored in an ICO container (PNG entries: Windows Vista and later).
tests/packaging/test_app_icon.py checks the committed file against a fresh rendering.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOGO = ROOT / "resources" / "logos" / "pishkhan.svg"
ICON = ROOT / "resources" / "icons" / "app.ico"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render_png(svg: Path, size: int) -> bytes:
    """The SVG drawn into a transparent size x size square (aspect kept, centred), as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg}: not an SVG Qt can draw")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    box = renderer.viewBoxF()
    scale = size / max(box.width(), box.height())
    width, height = box.width() * scale, box.height() * scale
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF((size - width) / 2, (size - height) / 2, width, height))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise OSError("Qt could not encode PNG")
    buffer.close()
    return bytes(data.data())


def build_ico(images: list[tuple[int, bytes]]) -> bytes:
    """An ICO file holding PNG images: ICONDIR, one ICONDIRENTRY per image, then the PNG data."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in images:
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory entry
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def read_ico(data: bytes) -> list[tuple[int, int, bytes]]:
    """(width, height, image bytes) for every entry of an ICO file; ValueError if it is not one."""
    if len(data) < 6:
        raise ValueError("too short for an ICO header")
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    if reserved != 0 or kind != 1 or count == 0:
        raise ValueError(f"not an icon file (reserved {reserved}, type {kind}, {count} images)")
    entries = []
    for index in range(count):
        width, height, _colors, _zero, _planes, _bits, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * index
        )
        if offset + length > len(data):
            raise ValueError(f"image {index} runs past the end of the file")
        entries.append((width or 256, height or 256, data[offset : offset + length]))
    return entries


def make_icon(svg: Path = LOGO, sizes: tuple[int, ...] = SIZES) -> bytes:
    return build_ico([(size, render_png(svg, size)) for size in sizes])


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    ICON.write_bytes(make_icon())
    print(f"wrote {ICON} ({ICON.stat().st_size} bytes, sizes {', '.join(map(str, SIZES))})")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
