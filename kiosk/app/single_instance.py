"""Only one kiosk per data folder: a lock file held for the life of the process.

Two kiosks on one outbox would both deliver it and fight over the screen. The operating system
releases the lock when the process dies, however it dies, so a crash never leaves a stale lock.

A data folder the kiosk cannot write to (read-only, full, owned by another user) must not stop it
starting: it would die before its window, and its service manager would restart it for ever. The
lock is then taken on the file as it is, read-only, or not at all, and ``acquire`` says why; the
kiosk starts and shows its out-of-service screen, since it cannot commit a request either.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

LOCK_NAME = "kiosk.lock"


class AlreadyRunning(Exception):
    """Another kiosk holds this data folder; the message says which process."""


class InstanceLock:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_NAME
        self._handle: IO[str] | None = None

    def acquire(self) -> str:
        """Take the lock, or raise AlreadyRunning. Returns "" or what went wrong with the data
        folder: the kiosk then runs on (see above), holding the lock if the file could be opened."""
        try:
            handle = self._open()
        except OSError as exc:
            return f"no lock file can be made in {self.path.parent} ({exc.strerror or exc}): running without one"
        try:
            _lock(handle)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise AlreadyRunning(
                f"another kiosk (process {holder}) is already running with the data folder {self.path.parent}; "
                "close it first, or give this one its own --data-dir"
            ) from None
        self._handle = handle
        if handle.mode == "r":
            return f"the lock file {self.path} is read-only: this kiosk holds it without noting its process id"
        try:  # who holds it, for a second kiosk's message; the lock itself is taken already
            # Straight to the file, past Python's buffer: on a full disk a buffered write would
            # fail again when the handle is closed, at the very end of the process.
            os.ftruncate(handle.fileno(), 0)
            os.write(handle.fileno(), str(os.getpid()).encode("ascii"))
        except OSError as exc:  # a read-only handle, a full disk
            return f"the lock file {self.path} cannot be written ({exc.strerror or exc})"
        return ""

    def _open(self) -> IO[str]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return open(self.path, "a+", encoding="utf-8")
        except OSError:
            if not self.path.is_file():
                raise
            # A read-only folder: the lock file of an earlier run can still be locked (flock needs
            # no write access), so two kiosks are still kept apart.
            return open(self.path, encoding="utf-8")

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


if sys.platform == "win32":
    import msvcrt

    def _lock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
