"""Right-to-left geometry for widgets that place their own parts.

``QStyle.visualRect`` does this, but naming ``QStyle`` in Python makes PySide build every enum of
the class (pixel metrics, style hints, controls, ~4 ms): before the first frame, that was the
price of one subtraction.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt


def visual_rect(direction: Qt.LayoutDirection, bounds: QRect, logical: QRect) -> QRect:
    """``logical`` (laid out left to right inside ``bounds``) as it shows in ``direction``: the
    same as ``QStyle.visualRect``."""
    if direction != Qt.LayoutDirection.RightToLeft:
        return QRect(logical)
    return logical.translated(2 * (bounds.right() - logical.right()) + logical.width() - bounds.width(), 0)
