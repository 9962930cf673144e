"""The UI's side of the one way off the UI thread (``kiosk.core.background``): a blocking call runs
on the kiosk's worker threads and its result comes back as a Qt signal, on the UI thread.

    in_background(workers, vault.try_pin, pin, parent=self, then=self._answered, failed=self._failed)

``then`` and ``failed`` are methods of QObjects on the UI thread. The signals are emitted from the
worker thread; Qt queues them to the receivers' thread, so no slot ever runs on a worker. They are
connected before the call starts, so a result that is ready at once is not lost. The call object
deletes itself once it has said its result; a receiver that is gone by then is simply not called.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, Signal

from kiosk.core.background import Workers

log = logging.getLogger(__name__)


class BackgroundCall(QObject):
    finished = Signal(object)
    failed = Signal(object)

    def _done(self, future: Future[Any]) -> None:  # on the worker thread
        error = future.exception()
        if error is None:
            self.finished.emit(future.result())
        else:
            log.error("a call off the UI thread failed", exc_info=error)
            self.failed.emit(error)
        self.deleteLater()


def in_background(
    workers: Workers,
    call: Callable[..., Any],
    *args: Any,
    parent: QObject,
    then: Callable[[Any], None],
    failed: Callable[[BaseException], None] | None = None,
) -> None:
    """Run ``call(*args)`` on a worker thread; ``then(result)`` (or ``failed(exception)``) on the UI thread."""
    background = BackgroundCall(parent)
    background.finished.connect(then)
    if failed is not None:
        background.failed.connect(failed)
    workers.submit(call, *args).add_done_callback(background._done)
