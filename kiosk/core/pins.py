"""Staff PINs: salted scrypt hashes only, two roles, and a lockout that survives a restart.

Parameters are OWASP's for scrypt (n=2^17, r=8, p=1), which need 128 MiB and take a few tenths of
a second here: slow enough that the 10^4-10^6 possible PINs of a stolen file cost days per PIN,
fast enough for a person at a PIN pad. After five wrong PINs the pad locks for 30 s, then 60,
120... up to 15 minutes; the count and the lock are written to disk before the answer is shown,
so pulling the plug does not reset them.

The file (``staff.json`` in the data folder) is versioned and written atomically, and read again
whenever it changed on disk: ``kiosk pin set`` may change it while the kiosk runs, and the kiosk
must neither miss the new PIN nor write its old copy back over it.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.core.datafile import FileStamp, write_atomically

ROLES = ("staff", "technician")  # booth staff, and the technician who may do everything
FILE_FORMAT = 1
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
SCRYPT_MAXMEM = 256 * 1024 * 1024  # 128 * n * r bytes = 128 MiB, above Python's 32 MiB default
MIN_LENGTH, MAX_LENGTH = 4, 12
FREE_TRIES = 5
FIRST_LOCK_SECONDS = 30.0
MAX_LOCK_SECONDS = 15 * 60.0


log = logging.getLogger(__name__)


class PinFileError(Exception):
    """The PIN file cannot be read or written; the message is for a technician."""


@dataclass(frozen=True)
class Attempt:
    """What one try at the PIN pad came to."""

    role: str | None  # the role unlocked, or None
    locked_for: float = 0.0  # seconds until the pad takes PINs again (0: it does now)


@dataclass
class _State:
    hashes: dict[str, dict[str, str]] = field(default_factory=dict)  # role -> {salt, hash, n}
    failures: int = 0
    locked_until: float = 0.0
    lock_seconds: float = 0.0  # the length of the last lock, to double


def hash_pin(pin: str, salt: bytes, n: int = SCRYPT_N) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=SCRYPT_R, p=SCRYPT_P, maxmem=SCRYPT_MAXMEM, dklen=32)


def pin_problem(pin: str) -> str | None:
    """Why a new PIN is not acceptable ('length', 'digits', 'simple'), or None."""
    if not pin.isascii() or not pin.isdigit():
        return "digits"
    if not MIN_LENGTH <= len(pin) <= MAX_LENGTH:
        return "length"
    steps = {int(b) - int(a) for a, b in itertools.pairwise(pin)}
    if len(set(pin)) == 1 or steps in ({1}, {-1}):
        return "simple"  # 0000, 1234, 9876: the first PINs anyone tries
    return None


class PinVault:
    def __init__(self, path: Path, clock: Callable[[], float] = time.time, scrypt_n: int = SCRYPT_N) -> None:
        """``scrypt_n`` is the cost for PINs set from now on (tests lower it); each stored hash
        keeps the cost it was made with, so raising it later needs no reset."""
        self.path = path
        self._clock = clock
        self._n = scrypt_n
        self._file = FileStamp(path)
        self._state = self._load()

    def refresh(self) -> None:
        """Read the file again if it changed on disk; PinFileError if it cannot be read."""
        if self._file.changed():
            self._state = self._load()

    def _refreshed(self) -> _State:
        """The state as the file holds it now, or the last one read if the file cannot be read."""
        try:
            self.refresh()
        except PinFileError as exc:
            log.error("%s", exc)
        return self._state

    # --- set-up ------------------------------------------------------------------------------

    def is_set(self, role: str | None = None) -> bool:
        hashes = self._refreshed().hashes
        return bool(hashes) if role is None else role in hashes

    def set_pin(self, role: str, pin: str) -> None:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        problem = pin_problem(pin)
        if problem is not None:
            raise ValueError(f"PIN refused ({problem}): use {MIN_LENGTH}-{MAX_LENGTH} digits, not a simple run")
        salt = os.urandom(16)
        entry = {"salt": salt.hex(), "hash": hash_pin(pin, salt, self._n).hex(), "n": str(self._n)}
        self.refresh()  # after the slow hash: what another process wrote meanwhile is kept
        self._state.hashes[role] = entry
        self._save()

    # --- the pad -----------------------------------------------------------------------------

    def locked_for(self) -> float:
        return max(0.0, self._refreshed().locked_until - self._clock())

    @property
    def failures(self) -> int:
        return self._refreshed().failures

    def try_pin(self, pin: str) -> Attempt:
        """Check a PIN against every role (technician first); counts and locks on failure."""
        self.refresh()
        wait = self.locked_for()
        if wait > 0:
            return Attempt(None, wait)
        role = self._match(pin)
        self.refresh()  # after the slow hashes: count on what the file holds now
        state = self._state
        if role is not None:
            state.failures, state.lock_seconds, state.locked_until = 0, 0.0, 0.0
            self._save()
            return Attempt(role)
        state.failures += 1
        if state.failures >= FREE_TRIES:
            state.lock_seconds = min(MAX_LOCK_SECONDS, state.lock_seconds * 2 or FIRST_LOCK_SECONDS)
            state.locked_until = self._clock() + state.lock_seconds
            state.failures = 0
        self._save()
        return Attempt(None, self.locked_for())

    def _match(self, pin: str) -> str | None:
        matched = None
        for role in reversed(ROLES):  # every hash is computed: timing says nothing about which
            entry = self._state.hashes.get(role)
            if entry is None:
                continue
            digest = hash_pin(pin, bytes.fromhex(entry["salt"]), int(entry.get("n", SCRYPT_N)))
            if hmac.compare_digest(digest, bytes.fromhex(entry["hash"])) and matched is None:
                matched = role
        return matched

    # --- the file ----------------------------------------------------------------------------

    def _load(self) -> _State:
        if not self.path.is_file():
            return _State()
        try:
            data: Any = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("format") != FILE_FORMAT:
                raise PinFileError(f"{self.path}: format {data.get('format')!r} is not one this kiosk reads")
            hashes = {
                role: {"salt": str(v["salt"]), "hash": str(v["hash"]), "n": str(int(v.get("n", SCRYPT_N)))}
                for role, v in data.get("pins", {}).items()
                if role in ROLES
            }
            lock = data.get("lockout", {})
            return _State(
                hashes,
                int(lock.get("failures", 0)),
                float(lock.get("locked_until", 0.0)),
                float(lock.get("lock_seconds", 0.0)),
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise PinFileError(f"{self.path} cannot be read: {exc}") from exc

    def _save(self) -> None:
        state = self._state
        document = {
            "format": FILE_FORMAT,
            "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P},
            "pins": state.hashes,
            "lockout": {
                "failures": state.failures,
                "locked_until": state.locked_until,
                "lock_seconds": state.lock_seconds,
            },
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, (json.dumps(document, indent=1) + "\n").encode("utf-8"))
            self._file.note_read()
        except OSError as exc:
            raise PinFileError(f"{self.path} cannot be written: {exc}") from exc
