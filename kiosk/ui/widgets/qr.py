"""A QR code drawn crisply at any size, so a citizen carries on from their own phone."""

from __future__ import annotations

import functools

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

QUIET_ZONE = 4  # modules of white border that scanners need
# Service addresses (a catalog has ~100) and the last few tracking codes: encoding one takes ~6 ms.
# Rows are kept as bytes (one per module): ~2 KiB an entry, where tuples of bools took ~16 KiB.
_CACHE_SIZE = 128


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _modules(data: str) -> tuple[bytes, ...]:
    import segno  # not needed for the first frame (and it brings urllib and http.client)

    qr = segno.make(data, error="m", micro=False)
    return tuple(bytes(1 if v else 0 for v in row) for row in qr.matrix_iter(scale=1, border=QUIET_ZONE))


class QrView(QWidget):
    """Paints the QR code of ``data``; always square, always dark on white (phones need contrast)."""

    def __init__(self, data: str = "", size: int = 260, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("qrView")
        self.setFixedSize(QSize(size, size))
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._data = ""
        self._rows: tuple[bytes, ...] = ()
        self.set_data(data)

    @property
    def data(self) -> str:
        return self._data

    @property
    def modules(self) -> list[list[bool]]:
        """The code's dark/light modules including the quiet zone (for tests and printing)."""
        return [[bool(v) for v in row] for row in self._rows]

    def set_data(self, data: str) -> None:
        self._data = data
        self._rows = _modules(data) if data else ()
        self.setAccessibleName(data)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        if not self._rows:
            return
        count = len(self._rows)
        side = min(self.width(), self.height())
        cell = side / count
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#000000"))
        for y, row in enumerate(self._rows):
            for x, dark in enumerate(row):
                if dark:
                    # Draw a hair bigger than the cell so anti-aliasing leaves no seams between modules.
                    painter.drawRect(QRectF(x * cell, y * cell, cell + 0.5, cell + 0.5))
        painter.end()
