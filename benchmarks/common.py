"""What every benchmark shares: the figure it reports, percentiles, the machine, /proc readings.

Benchmarks assert nothing: each returns ``Figure`` rows saying what was measured, against which
target, and whether the target was met. Times are wall-clock on this machine; ratios against the
floor and the peer, measured in the same run, are what to compare across machines.
"""

from __future__ import annotations

import math
import os
import platform
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
SCREEN = (1366, 768)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass
class Figure:
    """One row of the results table."""

    key: str
    title: str
    value: float | None  # the figure compared with the target (None: not measured)
    unit: str
    target: str  # as the issue states it
    limit: float | None  # the number ``value`` must stay at or under
    met: bool | None = None  # None: not measured
    shown: str = ""  # the value as the table shows it, with its context
    details: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    floor: float | None = None  # for "at least" targets: the number ``value`` must reach

    def __post_init__(self) -> None:
        if self.met is None and self.value is not None and self.limit is not None:
            self.met = self.value <= self.limit
        if self.met is None and self.value is not None and self.floor is not None:
            self.met = self.value >= self.floor
        if not self.shown:
            self.shown = "not measured" if self.value is None else f"{self.value:.3g} {self.unit}".strip()

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def against_target(self) -> float | None:
        """Measured / target, oriented so that <= 1 is met: value/limit, or floor/value."""
        if self.value is None:
            return None
        if self.limit:
            return self.value / self.limit
        if self.floor:
            return self.floor / self.value if self.value else math.inf
        return None


def disk_folder() -> str:
    """A folder on a real disk for benchmark files: fsync on tmpfs costs nothing and would flatter
    every figure that writes."""
    for candidate in ("/var/tmp", tempfile.gettempdir()):
        if Path(candidate).is_dir():
            return candidate
    return tempfile.gettempdir()


def probe_env(folder: Path) -> dict[str, str]:
    """The environment of a Python program the benchmarks start and time: offscreen, with a bytecode
    cache of its own in ``folder`` (as an installed or frozen kiosk runs; this workplace sets
    PYTHONDONTWRITEBYTECODE, which would have it compile its sources again on every run)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPYCACHEPREFIX=str(folder / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def quick() -> bool:
    """``KIOSK_BENCH_QUICK=1``: fewer repetitions, for developing the benchmarks themselves."""
    return os.environ.get("KIOSK_BENCH_QUICK", "") not in ("", "0")


def percentile(values: Sequence[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), p in 0-100."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(values: Sequence[float], digits: int = 3) -> dict[str, float]:
    """n, median, p95, p99, min, max, rounded."""
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "median": round(statistics.median(values), digits),
        "p95": round(percentile(values, 95), digits),
        "p99": round(percentile(values, 99), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
    }


def machine() -> dict[str, Any]:
    """What the absolute numbers were measured on."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        first = Path("/proc/meminfo").read_text().splitlines()[0]
        memory = f"{int(first.split()[1]) // 1024} MiB"
    except (OSError, IndexError, ValueError):
        pass
    try:
        from PySide6 import __version__ as pyside
    except ImportError:  # pragma: no cover - the kiosk needs it
        pyside = "absent"
    return {
        "cpu": model,
        "cpus": os.cpu_count(),
        "memory": memory,
        "system": platform.platform(),
        "python": sys.version.split()[0],
        "pyside6": pyside,
        "qt_platform": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
    }


# --- /proc ---------------------------------------------------------------------------------------


def rss_kib(pid: int | str = "self") -> int:
    """Resident set size of one process, KiB (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU time of one process so far, seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    except (OSError, IndexError, ValueError):
        return 0.0


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (read from /proc, no psutil needed)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(parents.get(current, []))
    return found


def tree_rss_kib(pid: int) -> int:
    """RSS summed over a process tree (shared pages counted in each process, as top does)."""
    return sum(rss_kib(p) for p in descendants(pid))


def mib(kib: float) -> float:
    return round(kib / 1024, 1)


def run_alone(
    doc: str, measure: Callable[[Any], list[Figure]], option: str, kind: type = int, default: Any = None
) -> int:
    """``python -m benchmarks.<name> [--<option> N]``: one benchmark on its own, its table printed."""
    import argparse

    from benchmarks.__main__ import print_table

    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(f"--{option}", type=kind, default=default)
    print_table(measure(getattr(parser.parse_args(), option.replace("-", "_"))))
    return 0


def in_schema(base: str, schema: str) -> str:
    """``base`` (a PostgreSQL URL) with its connections' search path set to ``schema``."""
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}"


@contextmanager
def postgres_schema(base: str) -> Iterator[str]:
    """A URL whose connections use a fresh, empty schema of their own, dropped afterwards."""
    import uuid

    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield in_schema(base, schema)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
