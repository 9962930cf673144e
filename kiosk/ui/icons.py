"""SVG icons tinted to any colour (the bundled icons draw in ``currentColor``)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer


class IconSet:
    """Renders the icons in one folder, and the catalog release's own (sanitised SVG texts, which
    come first: a release may ship an icon for a name the bundle has too); cached per (name,
    colour, size)."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._release: Mapping[str, str] = {}

    def use_release_icons(self, icons: Mapping[str, str]) -> None:
        """The icons of the catalog in force (``Catalog.icons``)."""
        self._release = icons

    def pixmap(self, name: str, color: str, size: int, ratio: float | None = None) -> QPixmap:
        shipped = self._release.get(name)
        if shipped is not None:
            return _render_data(shipped.encode("utf-8"), color, size, ratio or screen_ratio())
        return _render(self._folder / f"{name}.svg", color, size, ratio or screen_ratio())

    def icon(self, name: str, color: str, size: int = 48) -> QIcon:
        return QIcon(self.pixmap(name, color, size))


def svg_pixmap(source: Path | bytes, size: int, ratio: float | None = None) -> QPixmap:
    """An SVG file (a logo), or a release's SVG text, drawn as it is, at size x size logical pixels."""
    if isinstance(source, bytes):
        return _render_data(source, "", size, ratio or screen_ratio())
    return _render(source, "", size, ratio or screen_ratio())


def screen_ratio() -> float:
    """Device pixels per logical pixel on the kiosk's screen (1 on most kiosk panels).

    Icons are drawn at exactly this ratio: drawn finer, every label showing one kept a scaled-down
    copy of its own (Qt 6's QLabel shows a pixmap through a QIcon), which was most of what the
    kiosk's memory grew by over its first sessions.
    """
    app = QGuiApplication.instance()
    return app.devicePixelRatio() if isinstance(app, QGuiApplication) else 1.0


@lru_cache(maxsize=512)
def _render(path: Path, color: str, size: int, ratio: float) -> QPixmap:
    try:
        data = path.read_bytes()
    except OSError:
        data = b""  # a missing icon leaves a blank square; the self-test reports the file
    return _draw(data, color, size, ratio)


@lru_cache(maxsize=256)
def _render_data(data: bytes, color: str, size: int, ratio: float) -> QPixmap:
    return _draw(data, color, size, ratio)


def _draw(data: bytes, color: str, size: int, ratio: float) -> QPixmap:
    side = round(size * ratio)
    image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    if data:
        if color:
            data = data.replace(b"currentColor", color.encode())
        painter = QPainter(image)
        QSvgRenderer(QByteArray(data)).render(painter, QRectF(0, 0, side, side))
        painter.end()
    # Drawn on an image that is then dropped: a pixmap painted on keeps its paint engine (and the
    # engine's path buffers, tens of KiB) for as long as the cache keeps the pixmap.
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(ratio)
    return pixmap
