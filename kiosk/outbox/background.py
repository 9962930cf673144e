"""Stopping background work cleanly: a task on the loop and the worker thread its blocking calls use."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor


async def stop_task_and_worker(task: asyncio.Task[None] | None, worker: ThreadPoolExecutor) -> None:
    """Cancel the task, wait for it, then for the worker's call under way (bounded by its timeouts)."""
    if task is not None:
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
    await asyncio.get_running_loop().run_in_executor(None, worker.shutdown, True)
