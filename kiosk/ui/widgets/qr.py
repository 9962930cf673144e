"""A QR code drawn crisply at any size, so a citizen carries on from their own phone."""

from __future__ import annotations

import functools

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

QUIET_ZONE = 4  # modules of white border that scanners need
# Encoding one code takes ~4-8 ms (segno scores all eight masks), so the service card's codes are
# kept: a catalog has ~100 addresses, and the window encodes them in idle time after its first
# frame (``encode_ahead``), so a tap on a service never waits for one. A receipt's tracking code is
# new every time and is not kept. Rows are bytes (one per module): ~2 KiB an entry.
_CACHE_SIZE = 128


def _encode(data: str) -> tuple[bytes, ...]:
    import segno  # not needed for the first frame (and it brings urllib and http.client)

    qr = segno.make(data, error="m", micro=False)
    return tuple(bytes(1 if v else 0 for v in row) for row in qr.matrix_iter(scale=1, border=QUIET_ZONE))


_kept_modules = functools.lru_cache(maxsize=_CACHE_SIZE)(_encode)


def encode_ahead(data: str) -> None:
    """Encode ``data`` now (in idle time) so a ``QrView`` that keeps its codes shows it at once."""
    if data:
        _kept_modules(data)


class QrView(QWidget):
    """Paints the QR code of ``data``; always square, always dark on white (phones need contrast)."""

    def __init__(self, data: str = "", size: int = 260, parent: QWidget | None = None, keep: bool = True) -> None:
        """``keep``: remember the codes shown (addresses seen again and again), or not (a
        tracking code is shown once)."""
        super().__init__(parent)
        self._encode = _kept_modules if keep else _encode
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
        self._rows = self._encode(data) if data else ()
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
