"""SVG icons tinted to any colour (the bundled icons draw in ``currentColor``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer


class IconSet:
    """Renders the icons in one folder; cached per (name, colour, size)."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def pixmap(self, name: str, color: str, size: int, ratio: float = 2.0) -> QPixmap:
        return _render(self._folder / f"{name}.svg", color, size, ratio)

    def icon(self, name: str, color: str, size: int = 48) -> QIcon:
        return QIcon(self.pixmap(name, color, size))


def svg_pixmap(path: Path, size: int, ratio: float = 2.0) -> QPixmap:
    """An SVG file (a logo) drawn as it is, at size x size logical pixels."""
    return _render(path, "", size, ratio)


@lru_cache(maxsize=512)
def _render(path: Path, color: str, size: int, ratio: float) -> QPixmap:
    pixmap = QPixmap(QSize(round(size * ratio), round(size * ratio)))
    pixmap.fill(Qt.GlobalColor.transparent)
    try:
        data = path.read_bytes()
    except OSError:
        return pixmap  # a missing icon leaves a blank square; the self-test reports the file
    if color:
        data = data.replace(b"currentColor", color.encode())
    renderer = QSvgRenderer(QByteArray(data))
    painter = QPainter(pixmap)
    renderer.render(painter, QRectF(0, 0, pixmap.width(), pixmap.height()))
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap
