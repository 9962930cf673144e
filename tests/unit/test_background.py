"""The one way off the UI thread (``kiosk.core.background``): calls run on the pool's threads, one
at a time in a lane, a stopped part waits for its call under way; modules load on a worker and a
module that fails to load is logged, not raised."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.core.background import Workers, stop_task
from kiosk.core.preload import load


@pytest.fixture
def modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "preload_probe.py").write_text(
        "import threading\nLOADED_ON = threading.current_thread().name\n", encoding="utf-8"
    )
    (tmp_path / "preload_broken.py").write_text("raise RuntimeError('damaged on disk')\n", encoding="utf-8")
    yield tmp_path
    for name in ("preload_probe", "preload_broken"):
        sys.modules.pop(name, None)


def test_modules_load_on_a_worker_thread(modules: Path) -> None:
    workers = Workers(name="probe")
    try:
        workers.submit(load, ["preload_probe"]).result(timeout=30)
    finally:
        workers.shutdown()
    assert sys.modules["preload_probe"].LOADED_ON.startswith("probe")
    assert threading.current_thread().name == "MainThread"


def test_a_lane_runs_one_call_at_a_time_off_the_loops_thread() -> None:
    workers = Workers(threads=4)
    lane = workers.lane()
    running: list[int] = []
    overlap: list[int] = []

    def call(number: int) -> str:
        running.append(number)
        overlap.append(len(running))
        time.sleep(0.02)
        running.remove(number)
        return threading.current_thread().name

    async def main() -> list[str]:
        return await asyncio.gather(*(lane.run(call, n) for n in range(4)))

    try:
        names = asyncio.run(main())
    finally:
        workers.shutdown()
    assert max(overlap) == 1, "calls of one lane overlapped"
    assert all(name.startswith("kiosk-worker") for name in names)


def test_stopping_a_part_waits_for_its_call_under_way() -> None:
    """The caller is cancelled (the part stops); the call it started still finishes before
    ``stop_task`` returns, so nothing of the stopped part runs afterwards."""
    workers = Workers()
    lane = workers.lane()
    finished = threading.Event()

    def slow() -> None:
        time.sleep(0.2)
        finished.set()

    async def main() -> None:
        task = asyncio.get_running_loop().create_task(lane.run(slow))
        await asyncio.sleep(0.05)
        await stop_task(task, lane, workers)  # ends the pool too, as a part's own pool is ended
        assert finished.is_set()

    asyncio.run(main())


def test_a_module_that_fails_is_logged_and_the_rest_still_load(modules: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="kiosk.core.preload"):
        load(["preload_broken", "preload_probe"])
    assert "preloading preload_broken failed" in caplog.text
    assert "preload_probe" in sys.modules and "preload_broken" not in sys.modules
