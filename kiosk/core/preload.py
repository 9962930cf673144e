"""Loading pure-Python modules on a worker thread (``kiosk.core.background``) while the UI thread
keeps painting.

Right after the first frame the kiosk loads what later taps and the delivery of requests need:
the QR encoder (segno brings urllib, http.client, email and ssl), Babel, requests. On the UI
thread each of those imports stops the attract loop for its whole length (40-80 ms each on a slow
booth PC). On a worker thread the import still runs Python code under the GIL, but CPython hands
the GIL over every few milliseconds (``sys.getswitchinterval``), so the UI thread waits that long
at most. Only modules that import no Qt belong here: Qt's objects live on the UI thread.

The modules are imported with an import statement's own machinery (``__import__``), not
``importlib``: PySide hooks import statements and reads each new module's source once (in a
development install); done here, that reading happens on the worker thread too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

log = logging.getLogger(__name__)


def load(names: Iterable[str]) -> None:
    """Import each module; one that fails is logged and loads again (and fails) where it is used."""
    for name in names:
        try:
            __import__(name)
        except Exception:
            log.exception("preloading %s failed", name)
