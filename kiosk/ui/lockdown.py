"""What keeps a citizen inside the kiosk: one event filter on the kiosk window's platform window.

Every touch, click, key, wheel turn and context-menu request for the window reaches its platform
window (its ``QWindow``) before Qt hands it to the widget under the finger, so one filter there
sees all the input a citizen can make, and nothing else. It restarts the idle timer on any touch
or key, swallows every context menu (no widget offers copy, paste or "select all" to a citizen),
swallows Escape, and watches for the staff gesture: five taps in the screen's top-left corner
within three seconds. Ctrl+Alt+Shift+S, for a technician's keyboard, is a window shortcut. What an
application cannot block (task switching, the desktop shell) is the deployment's job: see
resources/deploy/.

Why not a filter on the whole application, which would also see events that code sends straight
to a widget: a Python filter there is called for every event of every object (thousands per
screen change: polish, style, layout, paint, timers), and each call makes PySide find or build a
wrapper for the object and the event. On the tap benchmark that was a third of every screen
change (tap p95 46.9 ms with it, 28.1 ms without, 10 rounds each). No citizen's input takes that
other road: it all comes through the platform window.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QInputEvent, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QWidget

# Input that proves somebody is at the screen.
ACTIVITY = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease,
    QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,
    QEvent.Type.KeyPress,
    QEvent.Type.Wheel,
}
CORNER_PX = 110
CORNER_TAPS = 5
CORNER_SECONDS = 3.0


class Guard(QObject):
    staff_gesture = Signal()

    def __init__(
        self,
        window: QWidget,
        idle_timer: QTimer,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._window = window
        self._idle_timer = idle_timer
        self._clock = clock
        self._corner_taps: list[float] = []
        self.extra_activity: list[QTimer] = []  # other timers that any input restarts (staff mode)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The platform window's own events pass here too (expose, resize, focus, enter and leave);
        # only input matters, and every input event (touch, mouse, key, wheel, context menu) is a
        # QInputEvent, which PySide hands over as its own class.
        if not isinstance(event, QInputEvent):
            return False
        kind = event.type()
        if kind == QEvent.Type.ContextMenu:
            return True  # no menu anywhere, ever
        if kind in ACTIVITY:
            for timer in (self._idle_timer, *self.extra_activity):
                if timer.isActive():
                    timer.start()
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape:
            return True
        if kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            self._corner_tap(event)
        return False

    def _corner_tap(self, event: QMouseEvent) -> None:
        point = self._window.mapFromGlobal(event.globalPosition().toPoint())
        if not (0 <= point.x() < CORNER_PX and 0 <= point.y() < CORNER_PX):
            self._corner_taps.clear()
            return
        now = self._clock()
        self._corner_taps = [t for t in self._corner_taps if now - t <= CORNER_SECONDS] + [now]
        if len(self._corner_taps) >= CORNER_TAPS:
            self._corner_taps.clear()
            self.staff_gesture.emit()

    def corner(self) -> QPoint:
        """Where to tap (the centre of the corner), for tests and for the technician's guide."""
        return QPoint(CORNER_PX // 2, CORNER_PX // 2)
