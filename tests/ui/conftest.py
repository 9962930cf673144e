"""UI test fixtures: the real kiosk window on the bundled data (``kiosk``), and the check that no
test leaves widgets or app-wide Qt state behind (``no_leaked_widgets``): both from tests/support/window.py,
shared with the reliability tests that drive the window."""

from __future__ import annotations

from tests.support.window import kiosk, no_leaked_widgets  # noqa: F401 (fixtures, found by pytest here)
