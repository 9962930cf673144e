"""The one way off the UI thread: a pool of worker threads that blocking calls run on.

Whatever would stop the screen for more than a frame runs here: the central server's HTTP calls
and the outbox writes that go with them (the sync engine, catalog updates, the tracking look-up),
checking a PIN (scrypt, a few tenths of a second), and loading pure-Python modules after the first
frame. The kiosk has one pool (``Workers``), made by the composition root and handed to every part
that needs it; a tool or a test that builds one part alone gets a pool of its own.

How a result comes back depends on who waits for it, never on how the call runs:
- plain asyncio code (the link to the server, which imports no Qt) awaits ``Lane.run``;
- a widget gets a Qt signal on the UI thread (``kiosk.ui.background.in_background``);
- a step of work done ahead polls a ``Future`` (``Workers.submit``).

Each part runs its calls in a ``Lane`` of its own: they run one at a time, as they did on the
part's own thread before there was one pool, and ``Lane.finish`` waits for the call under way (bounded by its
timeouts) so that a stopped part leaves nothing running behind it. Only code that imports no Qt
runs on a worker: Qt's objects belong to the UI thread. See docs/architecture.md, "Threads".
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

# asyncio (with ssl and socket) loads with the loop, after the first frame: the window imports
# this module, and its first frame needs none of it (~8 MiB and tens of ms, measured).
if TYPE_CHECKING:
    import asyncio

T = TypeVar("T")

# Enough for the parts that may each wait on the network at once (delivery, catalog updates, a
# tracking look-up) and one more for a PIN check or a module load.
WORKER_THREADS = 4


class Workers:
    """The pool. A part built without one (a tool, a test) makes its own with ``Workers.own``."""

    def __init__(self, threads: int = WORKER_THREADS, name: str = "kiosk-worker") -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=name)

    def submit(self, call: Callable[..., T], *args: Any) -> Future[T]:
        return self._pool.submit(call, *args)

    def lane(self) -> Lane:
        return Lane(self)

    @classmethod
    def own(cls, given: Workers | None, name: str) -> tuple[Workers, Workers | None]:
        """The pool a part uses, and the one it must shut down itself (None: the app's)."""
        if given is not None:
            return given, None
        own = cls(1, name)
        return own, own

    def shutdown(self) -> None:
        """Wait for the calls under way (each bounded by its own timeouts), then end the threads."""
        self._pool.shutdown(wait=True, cancel_futures=True)


class Lane:
    """One part's calls: one at a time, on the shared pool."""

    def __init__(self, workers: Workers) -> None:
        self._workers = workers
        self._lock = threading.Lock()  # one call at a time, as on a thread of the part's own
        self._under_way: set[asyncio.Future[Any]] = set()

    async def run(self, call: Callable[..., T], *args: Any) -> T:
        """Run ``call(*args)`` on a worker and return its result (or raise its exception)."""
        import asyncio

        future = asyncio.wrap_future(self._workers.submit(self._one_at_a_time, call, *args))
        self._under_way.add(future)
        try:
            return await asyncio.shield(future)  # a cancelled caller leaves the call to finish
        finally:
            if future.done():
                self._under_way.discard(future)
            else:
                future.add_done_callback(self._under_way.discard)

    def _one_at_a_time(self, call: Callable[..., T], *args: Any) -> T:
        with self._lock:
            return call(*args)

    async def finish(self) -> None:
        """Wait for the calls under way, whatever became of those who asked for them."""
        import asyncio

        if self._under_way:
            await asyncio.wait(list(self._under_way))


async def stop_task(
    task: asyncio.Task[None] | None, lane: Lane, own: Workers | None, begun: asyncio.Future[Any] | None = None
) -> None:
    """Cancel a part's task, wait for it, then for work it had ``begun`` that must not be cut short
    (it goes on when the task is cancelled) and for the call it had under way; end the part's own
    pool if it has one."""
    import asyncio

    if task is not None:
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
    if begun is not None:
        await asyncio.wait([begun])
    await lane.finish()
    if own is not None:
        own.shutdown()
