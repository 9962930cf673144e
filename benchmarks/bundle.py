"""The PyInstaller one-folder bundle: its size, and its start against a start from source.

    .venv/bin/python -m benchmarks.bundle                         builds the bundle, then measures it
    KIOSK_BENCH_BUNDLE=dist/kiosk .venv/bin/python -m benchmarks.bundle    measures one already built

The bundle is built from the working tree with ``build.spec`` into a temporary folder (about 20 s),
so the figures are always those of the code being measured, never of a stale ``dist/``. Size:
every regular file under the bundle folder, MiB. Start: the technician's check,
``kiosk --self-test`` (catalog, every profile, fonts, translations, data folder), frozen
(``kiosk``) and from source (``python -m kiosk``), whole processes in interleaved rounds,
offscreen, each with a fresh data folder, both from a warm page cache and the source from compiled
bytecode (an uncounted run of each first); medians and their ratio. The self-test is the one start
path the frozen program exposes that ends by itself, so it stands in for the window. When
PyInstaller cannot build (not installed, no ``binutils``), the figures say why.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import ROOT, Figure, disk_folder, probe_env, quick, run_alone, summary
from harness.bundle import EXE_NAME, build_bundle, bundle_folder, bundle_mib


def build(folder: Path) -> Path:
    """``pyinstaller build.spec`` into ``folder`` (as the packaging test builds it); the bundle's folder."""
    done = build_bundle(folder, timeout=1800)
    if done.returncode != 0:
        raise subprocess.CalledProcessError(done.returncode, "pyinstaller build.spec", done.stdout, done.stderr)
    return bundle_folder(folder)


def timed(command: list[str], env: dict[str, str]) -> float:
    with tempfile.TemporaryDirectory() as data:
        env = dict(env, KIOSK_DATA_DIR=data)
        start = time.perf_counter()
        done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
        elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {(done.stdout + done.stderr)[-1500:]}")
    return elapsed * 1000


def measure(runs: int | None = None) -> list[Figure]:
    given = os.environ.get("KIOSK_BENCH_BUNDLE")
    with tempfile.TemporaryDirectory(dir=disk_folder()) as folder:
        try:
            bundle = Path(given) if given else build(Path(folder))
        except (OSError, subprocess.SubprocessError) as exc:
            stderr = getattr(exc, "stderr", "") or ""
            note = f"not built: {type(exc).__name__}: {str(exc)[:200]} {stderr[-300:]}".strip()
            return [
                Figure("bundle_size", "PyInstaller one-folder size", None, "MiB", "<= 122 MiB", 122.0, note=note),
                Figure("bundle_start", "frozen start vs source start (self-test)", None, "x", "<= 1.3 x", 1.3,
                       note=note),
            ]  # fmt: skip
        return _measure(bundle, runs or (3 if quick() else 9), built_here=not given, cache=Path(folder))


def _measure(bundle: Path, runs: int, built_here: bool, cache: Path) -> list[Figure]:
    exe = bundle / EXE_NAME
    size = bundle_mib(bundle)
    frozen: list[float] = []
    source: list[float] = []
    env = probe_env(cache)  # from source too, the kiosk runs from compiled bytecode, as installed
    order = [("frozen", [str(exe), "--self-test"]), ("source", [sys.executable, "-m", "kiosk", "--self-test"])]
    for _name, command in order:  # not counted: fills the page cache and the bytecode cache
        timed(command, env)
    for round_ in range(runs):
        for name, command in order if round_ % 2 == 0 else order[::-1]:
            (frozen if name == "frozen" else source).append(timed(command, env))
    ratio = statistics.median(frozen) / statistics.median(source)
    where = "built from this tree by the benchmark" if built_here else f"{bundle}, built before"
    return [
        Figure(
            "bundle_size", "PyInstaller one-folder size", round(size, 1), "MiB", "<= 122 MiB", 122.0,
            shown=f"{size:.1f} MiB ({where})", details={"folder": str(bundle)},
        ),
        Figure(
            "bundle_start", "frozen start vs source start (self-test)", round(ratio, 2), "x", "<= 1.3 x", 1.3,
            shown=f"{statistics.median(frozen):.0f} ms vs {statistics.median(source):.0f} ms = {ratio:.2f} x",
            details={"frozen_ms": summary(frozen, 1), "source_ms": summary(source, 1)},
        ),
    ]  # fmt: skip


if __name__ == "__main__":
    sys.exit(run_alone(__doc__, measure, "runs"))
