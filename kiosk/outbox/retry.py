"""When to try a delivery again: exponential backoff with full jitter, capped, honouring Retry-After.

Pure functions with the randomness and the clock passed in, so they are tested without a loop.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime

BASE_DELAY_SECONDS = 2.0
MAX_DELAY_SECONDS = 300.0
# A server asking for more than this is capped: a kiosk never goes silent for hours on one answer.
MAX_RETRY_AFTER_SECONDS = 3600.0


def backoff_delay(attempts: int, rand: Callable[[], float] = random.random) -> float:
    """Seconds to wait after ``attempts`` failed tries: uniform in [0, min(cap, base * 2^(n-1))].

    Full jitter spreads a fleet of kiosks that all lost the server at once, so they do not come
    back in lock-step when it returns.
    """
    exponent = min(max(attempts - 1, 0), 30)
    ceiling = min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2**exponent)
    return rand() * ceiling


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), None if absent or invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER_SECONDS)
    from email.utils import parsedate_to_datetime  # only for a date; its imports cost ~3 ms of the kiosk's start

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return min(max(0.0, (when - now).total_seconds()), MAX_RETRY_AFTER_SECONDS)


def next_attempt_delay(attempts: int, retry_after: float | None, rand: Callable[[], float] = random.random) -> float:
    """The wait before the next try: the server's Retry-After when it gave one, else backoff."""
    if retry_after is not None:
        return retry_after
    return backoff_delay(attempts, rand)
