"""SIGKILL at any moment of enqueue + delivery loses no committed request and duplicates none.

A child process (tests/support/crash_child.py) files requests and delivers them to the real central server
on 127.0.0.1; it is killed 50 times, half at a random moment and half just as the server has
stored a request (the moment a duplicate would be born). After the last kill the outbox is
drained. Every code the child printed (it prints after the commit) must be on the server exactly
once. With the server's idempotency check switched off, the same check must fail: that proves
the test can see a duplicate.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.central_server import start_central_server
from tests.support.crash import assert_none_lost_none_duplicated, crash_campaign

KILLS = int(os.environ.get("KIOSK_CRASH_KILLS", "50"))


@pytest.mark.slow
def test_sigkill_loses_nothing_and_duplicates_nothing(tmp_path: Path) -> None:
    with start_central_server(tmp_path / "central") as central:
        promised, on_server = crash_campaign(central, tmp_path, KILLS, seed=1)
    assert len(promised) > KILLS
    assert_none_lost_none_duplicated(promised, on_server)


@pytest.mark.slow
def test_without_the_server_s_idempotency_the_same_check_sees_duplicates(tmp_path: Path) -> None:
    with start_central_server(tmp_path / "central", enforce_idempotency=False) as central:
        promised, on_server = crash_campaign(central, tmp_path, KILLS, seed=2)
    with pytest.raises(AssertionError, match="more than once"):
        assert_none_lost_none_duplicated(promised, on_server)
