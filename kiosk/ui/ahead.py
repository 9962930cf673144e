"""Work done ahead: what the first taps would wait for, done before anybody taps.

One idea, one name. After the window's first frame, each screen and flow offers its own steps
(``ahead_steps``) and one runner works through them in idle time: build the screens the first
frame did not need, load the request screens' modules, encode the services' QR codes, and, while
the attract loop plays, paint the browsing and request screens off screen once. Painting ahead
matters as much as building: the first time Qt draws text at a size it rasterises each glyph into
a cache it keeps, and the screens keep the tiles and card lines they made for the next visit; left
to the first citizens, both happen during their taps (~6 MiB filled over the first sessions).

The runner knows nothing about the window. It runs one step per event-loop turn, so that a tap
that comes meanwhile is answered at once (the longest step measured ~37 ms under load). A step
that returns ``NOT_YET`` waits for work on a worker thread and is tried again a moment later. A
step made with ``unattended`` paints screens a citizen may be using, so it runs only while the
``nobody_there`` callable says the kiosk is unattended; otherwise it is dropped, and the citizen
makes what it would have made, as before. A step that fails is logged and dropped: what it would
have built is built again when first needed, and fails there.

(The one other piece of work done ahead, a service's empty form built while its card is read,
waits for the citizen to have read the card: ``RequestFlow.build_form_ahead_soon``.)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

NOT_YET = object()  # what a step returns to be tried again a moment later
RETRY_MS = 10


@dataclass(frozen=True)
class Step:
    run: Callable[[], object]
    unattended: bool = False  # paints what a citizen may be using: only while nobody is there


def unattended(run: Callable[[], object]) -> Step:
    return Step(run, unattended=True)


class AheadRunner(QObject):
    def __init__(self, nobody_there: Callable[[], bool], parent: QObject) -> None:
        super().__init__(parent)
        self._nobody_there = nobody_there
        self._steps: list[Step] = []
        self._started = False

    def start(self, steps: Iterable[Step | Callable[[], object]]) -> None:
        """Run these steps, one per event-loop turn, from the next turn on; those that build first,
        then those that paint off screen (``unattended``), each in the order given. Once only."""
        if self._started:
            return
        self._started = True
        given = [step if isinstance(step, Step) else Step(step) for step in steps]
        self._steps = sorted(given, key=lambda step: step.unattended)  # stable: the order given stays
        QTimer.singleShot(0, self, self._next)

    @property
    def started(self) -> bool:
        return self._started

    @property
    def done(self) -> bool:
        """Whether every step has run (or been dropped); False before ``start``."""
        return self._started and not self._steps

    def _next(self) -> None:
        if not self._steps:
            return
        step = self._steps[0]
        waiting = False
        if not step.unattended or self._nobody_there():
            try:
                waiting = step.run() is NOT_YET
            except Exception:
                log.exception("work ahead failed; it is done when first needed instead")
        if waiting:
            QTimer.singleShot(RETRY_MS, self, self._next)
            return
        self._steps.pop(0)
        if self._steps:
            QTimer.singleShot(0, self, self._next)
