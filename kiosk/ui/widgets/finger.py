"""Changing the screen when the finger lifts, not while it is down.

A tap is a press and a release on the same control: Qt clicks a button only if the release lands
on it. A screen that rearranges itself at the press (the on-screen keyboard going, a row of
toggles coming back) moves the control from under the finger, and the tap does nothing. What a
press sets off that moves things waits for the release (``when_finger_lifts``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

_ENDS = (QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd, QEvent.Type.TouchCancel, QEvent.Type.Hide)
_waiting: set[_Lift] = set()  # the watches not yet ended: none is a child of what it watches


class _Lift(QObject):
    def __init__(self, pressed: QWidget, then: Callable[[], None]) -> None:
        super().__init__()  # not the pressed control's child: it must outlive a control deleted mid-tap
        self._then = then
        _waiting.add(self)
        pressed.installEventFilter(self)
        pressed.destroyed.connect(self._end)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ENDS:
            watched.removeEventFilter(self)
            self._end()
        return False

    def _end(self) -> None:
        if self in _waiting:
            _waiting.discard(self)
            # After the control has had the release (and clicked): the next turn of the loop.
            QTimer.singleShot(0, self._then)


def when_finger_lifts(pressed: QWidget | None, then: Callable[[], None]) -> None:
    """Run ``then`` once the finger on ``pressed`` lifts, or ``pressed`` leaves the screen or is
    deleted; at once if nothing is pressed."""
    if pressed is None:
        then()
    else:
        _Lift(pressed, then)
