""" "Track my request" in the window: a fresh screen per citizen, and the lookup run off the UI thread.

The lookup (``kiosk.outbox.lookup``) is a coroutine; it runs on the asyncio loop the kiosk runs
on (qasync's, in the kiosk), its HTTP call in a worker thread. Without a running loop (a tool
that shows the window without one) the answer is "offline", never a frozen screen.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.core.catalog import Catalog
from kiosk.outbox.lookup import OFFLINE, LookupAnswer, RequestLookup
from kiosk.ui.i18n import Localizer

if TYPE_CHECKING:
    import asyncio  # loads after the first frame (qasync brings it)

    from kiosk.ui.screens.track import TrackScreen  # loads on first use or in ``warm_up``

log = logging.getLogger(__name__)


class TrackFlow(QObject):
    def __init__(self, localizer: Localizer, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._localizer = localizer
        self.lookup: RequestLookup | None = None
        self.host = QWidget()
        self.host.setObjectName("trackHost")
        self._layout = QVBoxLayout(self.host)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.screen: TrackScreen | None = None
        self._pending: set[asyncio.Task[LookupAnswer]] = set()

    def warm_up(self) -> None:
        """Load the tracking screen's module ahead of the first citizen who asks for it."""
        import kiosk.ui.screens.track  # noqa: F401

    def start(self, catalog: Catalog) -> TrackScreen:
        from kiosk.ui.screens.track import TrackScreen

        self.discard()
        self.screen = TrackScreen(self._localizer, catalog)
        self.screen.lookup_requested.connect(self._look_up)
        self._layout.addWidget(self.screen)
        return self.screen

    def discard(self) -> None:
        if self.screen is not None:
            screen, self.screen = self.screen, None
            self._layout.removeWidget(screen)
            screen.hide()
            screen.deleteLater()

    def retranslate(self) -> None:
        if self.screen is not None:
            self.screen.retranslate()

    def _look_up(self, code: str) -> None:
        screen = self.screen
        try:
            import asyncio

            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if self.lookup is None or loop is None or screen is None:
            if screen is not None:
                screen.show_answer(LookupAnswer(OFFLINE, code))
            return
        task = loop.create_task(self.lookup.lookup(code))
        self._pending.add(task)
        task.add_done_callback(lambda done: self._answered(screen, done))

    def _answered(self, screen: TrackScreen, task: asyncio.Task[LookupAnswer]) -> None:
        self._pending.discard(task)
        if screen is not self.screen:  # the citizen left, or the next one came: say nothing
            return
        try:
            answer = task.result()
        except Exception:
            log.exception("tracking lookup failed")
            answer = LookupAnswer(OFFLINE)
        screen.show_answer(answer)
