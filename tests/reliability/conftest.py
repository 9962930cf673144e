"""Reliability fixtures: the real window's (the soak and the storage faults drive the real kiosk
too), from tests/support/window.py as the UI tests have them. How many examples and sessions a run
takes, fast by default or full with ``KIOSK_RELIABILITY=full``, is tests/support/reliability.py."""

from __future__ import annotations

# The real window's fixture, and the check that a test leaves no window (and no app-wide Qt state)
# behind for the next one.
from tests.support.window import kiosk, no_leaked_widgets  # noqa: F401 (fixtures, found by pytest here)
