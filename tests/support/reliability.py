"""The reliability run's size: the fast subset by default, the full run with ``KIOSK_RELIABILITY=full``.

The full run gives hypothesis 10,000 examples per property and unskips the long soak and the 500
SIGKILLs; the fast subset (what ``.ci/run`` runs) keeps to a few hundred examples and a few dozen
sessions.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

FULL = os.environ.get("KIOSK_RELIABILITY", "").lower() == "full"

# No example database: a failure found by one run is reported with its inputs, not replayed by
# the next. The fast run is derandomized, so CI sees the same examples every time; the full run
# draws new ones each time.
settings.register_profile(
    "reliability-full",
    max_examples=10_000,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("reliability-fast", max_examples=200, deadline=None, database=None, derandomize=True)
EXAMPLES = settings.get_profile("reliability-full" if FULL else "reliability-fast")
