"""The real kiosk process with a test's hand on its request desk (test-only; never shipped).

    python kiosk_driver.py KIOSK-ARGUMENTS...      (what `python -m kiosk` takes)

It runs the kiosk exactly as ``python -m kiosk`` does (``kiosk.app.cli.main``: the single-instance
lock, the log, the real ``Kiosk`` with its outbox opening, delivery engine and out-of-service
screen, the qasync loop, the crash guard, SIGTERM), with one addition: once the real ``Kiosk`` is
built, it reads commands on standard input, one a line, and answers on standard output, one line
each:

    file N           N requests, each committed through the kiosk's own RequestDesk as the request
                     flow commits a citizen's answers: "filed CODE KEY" once the desk has returned
                     (the commit is done: the code is what the citizen's receipt shows), or
                     "refused REASON" (no code exists). A kiosk showing its out-of-service screen
                     takes none (no citizen can reach a form there): "refused out of service".
    file N reject    the same, for a request the central server refuses for good (its service and
                     agency do not match: 422), to see what ``kiosk outbox drain`` says of it
    status           "status {json}": the page shown, whether the outbox is open and why not, the
                     delivery engine's error, and whether it has a wake not yet taken up

"ready" is printed once the kiosk's event loop runs. Commands run on the UI thread, between
events, as a citizen's tap would.

``KIOSK_DRIVER_FAST=1`` shortens the kiosk's waits, the module constants its own tests shorten (it
has no setting for them): the outbox is tried again every 0.5 s instead of 30 s, delivery backs off
from 0.2 s up to 2 s instead of 2 s up to 5 min, looks for due requests at least every 2 s, and
sends its heartbeat every 2 s. ``KIOSK_DRIVER_BUSY_TIMEOUT`` sets how long the outbox waits for
another process's lock (10 s).
"""

from __future__ import annotations

import dataclasses
import faulthandler
import json
import os
import queue
import signal
import sys
import threading
from typing import Any

SERVICE = "mazandaran-water.new-connection"
# Long enough that a page of the outbox holds a handful of requests (as tests/support/damage.py).
FIELDS = {"full_name": "زهرا حسین‌زاده " * 12, "national_id": "0012345679", "mobile": "09111234567"}


def shorten_waits() -> None:
    from kiosk.app import root
    from kiosk.link import sync
    from kiosk.outbox import retry, store

    if os.environ.get("KIOSK_DRIVER_FAST") == "1":
        root.OUTBOX_RETRY_MS = 500  # type: ignore[attr-defined]  (an older kiosk has none: harmless)
        sync.IDLE_POLL_SECONDS = 2.0
        retry.BASE_DELAY_SECONDS = 0.2
        retry.MAX_DELAY_SECONDS = 2.0
        defaults = sync.SyncEngine.__init__.__kwdefaults__
        assert defaults is not None and "heartbeat_seconds" in defaults
        defaults["heartbeat_seconds"] = 2.0
    busy = os.environ.get("KIOSK_DRIVER_BUSY_TIMEOUT")
    if busy:
        store.BUSY_TIMEOUT_SECONDS = float(busy)


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class Driver:
    def __init__(self, kiosk: Any) -> None:
        from PySide6.QtCore import QTimer

        self.kiosk = kiosk
        self.commands: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, name="driver-stdin", daemon=True).start()
        self.timer = QTimer(kiosk.window)
        self.timer.timeout.connect(self._poll)
        self.timer.start(20)
        self.ready = False

    def _read(self) -> None:
        for line in sys.stdin:
            self.commands.put(line.strip())

    def _poll(self) -> None:
        if not self.ready:
            self.ready = True
            say("ready")
        while True:
            try:
                command = self.commands.get_nowait()
            except queue.Empty:
                return
            words = command.split()
            if words[:1] == ["file"]:
                for _ in range(int(words[1])):
                    self._file(reject=words[2:] == ["reject"])
            elif words == ["status"]:
                say("status " + json.dumps(self._status(), ensure_ascii=False))
            elif words:
                say(f"unknown command {command!r}")

    def _file(self, reject: bool) -> None:
        from kiosk.outbox.store import OutboxError
        from kiosk.ui.shell import Page

        kiosk = self.kiosk
        if kiosk.window.current_page == Page.OUT_OF_SERVICE or kiosk.desk is None or kiosk.state is None:
            say("refused out of service")
            return
        service = kiosk.state.current.catalog.service(SERVICE)
        if reject:
            service = dataclasses.replace(service, agency_id="mazandaran-gas")
        try:
            request = kiosk.desk.submit(service, dict(FIELDS))
        except OutboxError as exc:
            say(f"refused {' '.join(str(exc).split())}")
            return
        say(f"filed {request.tracking_code} {request.idempotency_key}")

    def _status(self) -> dict[str, Any]:
        kiosk = self.kiosk
        engine = kiosk.engine
        return {
            "page": kiosk.window.current_page.name,
            "outbox_open": kiosk.store is not None,
            "unavailable": getattr(kiosk.desk, "unavailable_reason", None),
            "delivering": engine is not None,
            "error": getattr(engine.status, "error", None) if engine is not None else None,
            # A wake (a request committed) the delivery engine has not taken up yet: SIGTERM then can
            # leave the kiosk running for ever on Python 3.11 (test_7_stopping_delivery_just_after_a_wake).
            "woken": bool(engine is not None and getattr(engine, "_wake", None) and engine._wake.is_set()),
        }


def dump_tasks(_signal: int, _frame: object) -> None:
    """Where each asyncio task of the kiosk's loop waits, on standard error."""
    import asyncio

    loop = asyncio.get_event_loop_policy().get_event_loop()
    for task in asyncio.all_tasks(loop):
        print(f"--- {task!r}", file=sys.stderr)
        task.print_stack(file=sys.stderr)
    sys.stderr.flush()


def main() -> int:
    # A kiosk that does not end when told: the test asks it where each asyncio task (SIGUSR2) and
    # each thread (SIGUSR1) is, first.
    signal.signal(signal.SIGUSR2, dump_tasks)
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    shorten_waits()
    from kiosk.app import cli, root

    build = root.Kiosk.build.__func__  # type: ignore[attr-defined]

    def build_and_drive(cls: type, *args: Any, **kwargs: Any) -> Any:
        kiosk = build(cls, *args, **kwargs)
        kiosk._test_driver = Driver(kiosk)
        return kiosk

    root.Kiosk.build = classmethod(build_and_drive)  # type: ignore[method-assign,assignment]
    return cli.main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
