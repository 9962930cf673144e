"""Guards against known faults of the Qt binding that would crash the kiosk, not just a test."""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    happened = Signal(int)


def test_emitting_a_signal_does_not_release_true() -> None:
    # PySide6 6.12.0 drops a reference to Python's True on every emit; after a few thousand taps
    # the interpreter aborts ("bool_dealloc"). pyproject.toml keeps that release out.
    emitter = _Emitter()
    emitter.happened.connect(lambda _n: None)
    gc.collect()
    before = sys.getrefcount(True)
    emits = 2000
    for n in range(emits):
        emitter.happened.emit(n)
    gc.collect()
    # A faulty binding loses one reference per emit; other threads (a test server) move the count
    # by a few dozen either way, far from a whole emit's worth each time.
    assert sys.getrefcount(True) - before > -emits // 2
