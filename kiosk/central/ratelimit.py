"""Rates: API calls per kiosk (a token bucket each) and failed staff logins, in this process.

With several server processes each keeps its own buckets, so a kiosk may reach N times the rate
across N processes; the limit is there to stop a runaway kiosk, not to meter a fair one.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(max(1, per_minute))
        self.rate = self.capacity / 60.0
        self._clock = clock
        self._buckets: dict[int, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def acquire(self, key: int) -> int:
        """0 if the call may go ahead, else how many whole seconds to wait (for Retry-After)."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0
            self._buckets[key] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / self.rate))


class FailureThrottle:
    """Failed logins per key (a user name, a client address), in this process: after ``limit``
    failures within ``window`` seconds, further attempts wait until the oldest one ages out."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait(self, key: str) -> int:
        """0 if an attempt may go ahead, else the seconds until one may."""
        now = self._clock()
        with self._lock:
            failures = self._recent(key, now)
            if len(failures) < self.limit:
                return 0
            return max(1, math.ceil(failures[0] + self.window - now))

    def failed(self, key: str) -> None:
        now = self._clock()
        with self._lock:
            failures = self._recent(key, now)
            failures.append(now)
            self._failures[key] = failures

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _recent(self, key: str, now: float) -> deque[float]:
        """The key's failures within the window; a key with none is dropped, so the table stays small."""
        failures = self._failures.pop(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if failures:
            self._failures[key] = failures
        return failures
