"""Rates: API calls per kiosk (a token bucket each), in this process.

With several server processes each keeps its own buckets, so a kiosk may reach N times the rate
across N processes; the limit is there to stop a runaway kiosk, not to meter a fair one. Failed
staff logins are counted in the database instead (``store.logins``): they must add up across
processes, or N processes would give a guesser N times the tries.
"""

from __future__ import annotations

import math
import threading
import time
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
