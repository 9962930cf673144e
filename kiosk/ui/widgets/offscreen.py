"""Painting a widget off screen, into a throwaway image: how work done ahead paints a screen that
nobody sees (``kiosk.ui.ahead``), so that its layout, its kept widgets and Qt's glyph caches are
made before a citizen needs them."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSize
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

STRIP_PX = 96  # painted a strip at a time: a whole 1366x768 screen would take 4 MiB at once

_painting = 0


def painting_off_screen() -> bool:
    """Whether a widget is being painted off screen now. ``QWidget.render`` has a hidden widget
    pass for visible while it paints it: a child shown then (by a widget that places its parts
    as it is resized) stays "visible" after, under whatever screen is on top. Widgets that show
    and hide their parts as they are resized do not while this is true."""
    return _painting > 0


def paint_off_screen(widget: QWidget, size: QSize) -> None:
    """Lay ``widget`` out at ``size`` and paint it into a throwaway image, a strip at a time."""
    from PySide6.QtGui import QRegion  # named here: this module loads before the first frame, this runs after

    global _painting
    _painting += 1
    try:
        widget.ensurePolished()
        widget.resize(size)
        layout = widget.layout()
        if layout is not None:
            layout.activate()
        strip = QImage(size.width(), STRIP_PX, QImage.Format.Format_ARGB32_Premultiplied)
        for top in range(0, size.height(), STRIP_PX):
            widget.render(strip, QPoint(0, 0), QRegion(0, top, size.width(), STRIP_PX))
    finally:
        _painting -= 1
