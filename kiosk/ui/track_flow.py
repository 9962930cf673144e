""" "Track my request" in the window: a fresh screen per citizen, and the look-up run off the UI thread.

The look-up (``kiosk.link.lookup``) blocks on the server; it runs on the kiosk's worker threads
and its answer comes back as a signal (``kiosk.ui.background``). An answer for a screen that is
gone (the citizen left, the next one came) is dropped.

``look_up(code)`` asks about a code; ``look_up(code, mobile_last4)`` asks again for the reason the
server withheld, with the digits the citizen typed (``kiosk.link.lookup.RequestLookup.look_up``).
The digits only pass through: the call that carries them is gone once it has answered.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.core.background import Workers
from kiosk.core.catalog import Catalog
from kiosk.link.lookup import OFFLINE, LookupAnswer
from kiosk.ui.ahead import Step
from kiosk.ui.background import in_background
from kiosk.ui.i18n import Localizer

if TYPE_CHECKING:
    from kiosk.ui.screens.track import TrackScreen  # loads on first use or as work done ahead

log = logging.getLogger(__name__)


class TrackFlow(QObject):
    def __init__(
        self,
        localizer: Localizer,
        look_up: Callable[..., LookupAnswer] | None,
        workers: Workers,
        parent: QObject | None = None,
    ) -> None:
        """``look_up(code[, mobile_last4])`` blocks (it may ask the server): it runs on ``workers``.
        None: offline."""
        super().__init__(parent)
        self._localizer = localizer
        self._look_up_code = look_up
        self._workers = workers
        self.host = QWidget()
        self.host.setObjectName("trackHost")
        self._layout = QVBoxLayout(self.host)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.screen: TrackScreen | None = None
        self._asked = 0  # which look-up an answer belongs to: only the latest one's is shown

    def ahead_steps(self) -> list[Step]:
        """Work done ahead (``kiosk.ui.ahead``): the tracking screen's module, before the first
        citizen who asks for it."""
        return [Step(self._load_ahead)]

    @staticmethod
    def _load_ahead() -> None:
        import kiosk.ui.screens.track  # noqa: F401

    def start(self, catalog: Catalog) -> TrackScreen:
        from kiosk.ui.screens.track import TrackScreen

        self.discard()
        self.screen = TrackScreen(self._localizer, catalog)
        self.screen.lookup_requested.connect(self._look_up)
        self._layout.addWidget(self.screen)
        return self.screen

    def discard(self) -> None:
        self._asked += 1  # an answer still on its way is for nobody now
        if self.screen is not None:
            screen, self.screen = self.screen, None
            self._layout.removeWidget(screen)
            screen.hide()
            screen.deleteLater()

    def retranslate(self) -> None:
        if self.screen is not None:
            self.screen.retranslate()

    def _look_up(self, code: str, mobile_last4: str) -> None:
        screen = self.screen
        if screen is None:
            return
        self._asked += 1
        if self._look_up_code is None:
            screen.show_answer(LookupAnswer(OFFLINE, code))
            return
        digits = (mobile_last4,) if mobile_last4 else ()  # a code alone is asked about as before
        in_background(
            self._workers, _numbered(self._look_up_code), self._asked, code, *digits,
            parent=self, then=self._answered, failed=self._failed,
        )  # fmt: skip

    def _answered(self, numbered: tuple[int, LookupAnswer]) -> None:
        asked, answer = numbered
        if self.screen is not None and asked == self._asked:  # else: the citizen left, or asked again
            self.screen.show_answer(answer)

    def _failed(self, _error: BaseException) -> None:
        if self.screen is not None:
            self.screen.show_answer(LookupAnswer(OFFLINE))


def _numbered(look_up: Callable[..., LookupAnswer]) -> Callable[..., tuple[int, LookupAnswer]]:
    return lambda asked, code, *digits: (asked, look_up(code, *digits))
