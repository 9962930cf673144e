"""The kiosk's log: a rotating file in the data folder, and the last problems for the staff panel.

Nothing a citizen typed is ever logged: tracking codes, services and states only.
"""

from __future__ import annotations

import logging
import sys
from collections import deque
from pathlib import Path

from kiosk.core.paths import KioskPaths


def configure_logging(paths: KioskPaths) -> None:
    """A rotating log in the data folder; never personal data (nothing a citizen types is logged)."""
    root = logging.getLogger()
    if any(getattr(h, "_kiosk", False) for h in root.handlers):
        return
    root.setLevel(logging.INFO)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        paths.logs.mkdir(parents=True, exist_ok=True)
        handler = rotating_log(paths.logs / "kiosk.log", max_bytes=2_000_000, backups=5)
    except OSError as exc:
        handler = logging.StreamHandler(sys.stderr)
        print(f"kiosk: cannot write logs to {paths.logs} ({exc.strerror}); logging to the console", file=sys.stderr)
    handler.setFormatter(formatter)
    handler._kiosk = True  # type: ignore[attr-defined]
    root.addHandler(handler)


def rotating_log(path: Path, max_bytes: int, backups: int) -> logging.Handler:
    """The kiosk's log file: the standard library's rotation (``.1`` ... ``.<backups>``, the oldest
    dropped). Imported here, not with this module: commands that log to no file (``--self-test``,
    ``--print-config``) do not pay for its imports (~5 ms); the kiosk itself still does."""
    import logging.handlers

    return logging.handlers.RotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")


class RecentProblems(logging.Handler):
    """The last warnings and errors, for the staff panel (the log never holds personal data)."""

    def __init__(self, size: int = 50) -> None:
        super().__init__(level=logging.WARNING)
        self.lines: deque[str] = deque(maxlen=size)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record).splitlines()[0][:300])
        except Exception:  # a log handler must never raise
            self.handleError(record)
