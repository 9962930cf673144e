"""The storage-fault suite's pieces (tests/reliability/test_storage_fault_suite.py): the real kiosk
process driven from outside, the real central server behind a network the test can take down or
hold, real faults of the disk, and the one check every case ends with.

- ``DrivenKiosk``: ``python tests/support/kiosk_driver.py`` (the real kiosk as ``python -m
  kiosk`` runs it, with a test's hand on its request desk), its tracking codes read as it prints
  them, after each commit.
- ``Network``: the FaultyProxy between that kiosk and the server, up, down (every connection
  reset) or holding deliveries (``POST /requests/batch`` waits until released).
- ``Ledger`` and ``Booth.check``: every request whose code the kiosk handed out is on the server
  exactly once, counted by tracking code and by idempotency key, and no code was handed out twice
  (across the case's kiosks and outboxes).
- Disk faults: a small tmpfs mounted for the test, filled to a given number of free bytes, remounted
  read-only; a user without the right to write a root-owned file; pages overwritten while the
  kiosk runs.
- ``Findings``: what a case expects to see on the way (the out-of-service screen, a heartbeat naming
  the error, an exit code) is noted and asserted after the end check, so a case fails first on
  what matters most: a committed request not on the server exactly once.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from harness.central_server import RunningCentral
from tests.support.faulty_proxy import FaultyProxy
from tests.support.kiosk_process import ROOT, kiosk_environment, text_of

DRIVER = Path(__file__).with_name("kiosk_driver.py")
SERVER_WAIT_SECONDS = 30.0  # the longest a case waits for its requests to reach the server


@dataclass(frozen=True)
class Filed:
    """A request the kiosk committed and handed a citizen the code of."""

    code: str
    key: str


class Findings:
    """What a case expects to see along the way, asserted at its end (after the end check)."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def expect(self, ok: bool, problem: str) -> bool:
        if not ok:
            self.problems.append(problem)
        return ok

    def assert_none(self) -> None:
        assert not self.problems, "\n".join(self.problems)


def poll(condition: Callable[[], Any], timeout: float, interval: float = 0.1) -> Any:
    """``condition()`` once it is true, or its last (false) answer after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not (answer := condition()) and time.monotonic() < deadline:
        time.sleep(interval)
    return answer


# --- the network between the kiosk and the server ----------------------------------------------


class Network(FaultyProxy):
    """The real central server, reached through a proxy the test controls: ``down`` resets every
    connection (the kiosk sees the network fail), ``hold_deliveries`` keeps each batch of requests
    waiting in the proxy until ``release`` (the kiosk has claimed it and waits for the answer)."""

    def __init__(self, upstream: str) -> None:
        super().__init__(upstream, self._plan)
        self.down = False
        self._open = threading.Event()
        self._open.set()
        self.held = 0  # deliveries waiting in the proxy now

    def _plan(self) -> str:
        return "reset" if self.down else "pass"

    def hold_deliveries(self) -> None:
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    def _handle(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        if handler.path.rstrip("/").endswith("/requests/batch") and not self._open.is_set():
            with self._lock:
                self.held += 1
            self._open.wait(timeout=60)
            with self._lock:
                self.held -= 1
        super()._handle(handler, body)


# --- the real kiosk process ---------------------------------------------------------------------


@dataclass(frozen=True)
class KioskUser:
    """Who the kiosk process runs as: ``argv`` goes before the command, ``uid``/``gid`` own its data.
    ``other`` is True when it is not the test's own user (a root-owned file is then not its to
    write, whatever the file's mode)."""

    argv: tuple[str, ...]
    uid: int
    gid: int
    other: bool


# What the kiosk's user must be able to reach, by the permission bits alone (Qt checks them with
# access(2) before loading a plugin or a translation): the interpreter's modules and the checkout.
REACHABLE = (
    "import os, sys, PySide6, kiosk\n"
    "sys.exit(not all(os.access(os.path.dirname(m.__file__), os.R_OK | os.X_OK) for m in (PySide6, kiosk)))"
)


def kiosk_user() -> KioskUser:
    """A user that is not root for the kiosk process, as a booth runs it: as root, ``nobody``
    through ``setpriv``. Where ``nobody`` cannot reach the checkout or the virtual environment
    (a checkout in root's home), root itself without its capabilities: it then cannot write a
    file whose mode says read-only, which the case uses instead. As another user, that user."""
    if os.geteuid() != 0:
        return KioskUser((), os.getuid(), os.getgid(), other=False)
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv (util-linux) to drop root's rights for the kiosk")
    nobody = pwd.getpwnam("nobody")
    as_nobody = (setpriv, f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups", "--")
    probe = subprocess.run([*as_nobody, sys.executable, "-c", REACHABLE], capture_output=True, text=True, timeout=60,
                           env=kiosk_environment(), cwd="/", check=False)  # fmt: skip
    if probe.returncode == 0:
        return KioskUser(as_nobody, nobody.pw_uid, nobody.pw_gid, other=True)
    return KioskUser((setpriv, "--inh-caps=-all", "--bounding-set=-all", "--"), 0, 0, other=False)


@contextmanager
def folder_anyone_reaches() -> Iterator[Path]:
    """A folder every user can reach (pytest's own are root's alone): the data folder of a kiosk
    run as another user goes in it, where that user reaches it as a booth's user reaches its own."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="kiosk-storage-faults-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class DrivenKiosk:
    """The real kiosk process (``kiosk_driver.py``), started at once; use it as a context manager,
    which kills it if the test left it running."""

    def __init__(
        self,
        data: Path,
        settings: dict[str, str],
        stderr: Path,
        user: KioskUser | None = None,
        busy_timeout: float | None = None,
    ) -> None:
        self.data = data
        self.stderr = stderr
        env = dict(kiosk_environment(), **settings, KIOSK_DRIVER_FAST="1", PYTHONDONTWRITEBYTECODE="1")
        if busy_timeout is not None:
            env["KIOSK_DRIVER_BUSY_TIMEOUT"] = str(busy_timeout)
        if user is not None and user.uid != os.getuid():
            env["HOME"] = str(data)  # its own; root's is not its to write
        argv = [*(user.argv if user else ()), sys.executable, str(DRIVER), "--windowed", "--data-dir", str(data)]
        with stderr.open("ab") as errors:  # the child has its own copy of the handle
            self.process = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, env=env, cwd=ROOT,
                text=True, encoding="utf-8",
            )  # fmt: skip
        self._lines: list[str] = []
        self._ended = False
        self._seen = 0
        self._arrived = threading.Condition()
        self._reader = threading.Thread(target=self._read, name="driven-kiosk-stdout", daemon=True)
        self._reader.start()
        try:
            self._next(60, "ready")
        except BaseException:
            self.__exit__()
            raise

    def __enter__(self) -> DrivenKiosk:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        self._reader.join(timeout=30)  # it has read to the end: the process is gone
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._arrived:
                self._lines.append(line.rstrip("\n"))
                self._arrived.notify_all()
        with self._arrived:
            self._ended = True
            self._arrived.notify_all()

    def _next(self, timeout: float, expected: str = "") -> str:
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self._lines) > self._seen or self._ended, timeout):
                raise AssertionError(f"the kiosk said nothing in {timeout:.0f} s:\n{self.output()}")
            if len(self._lines) <= self._seen:
                code = self.process.wait(timeout=30)
                raise AssertionError(f"the kiosk ended (exit code {code}) before it answered:\n{self.output()}")
            line = self._lines[self._seen]
            self._seen += 1
        assert line.startswith(expected), line
        return line

    def _send(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def file(self, n: int, reject: bool = False, timeout: float = 60) -> tuple[list[Filed], list[str]]:
        """File ``n`` requests through the kiosk's desk: those committed (codes handed out) and the
        reasons of those refused (no code)."""
        self._send(f"file {n}{' reject' if reject else ''}")
        filed: list[Filed] = []
        refused: list[str] = []
        for _ in range(n):
            line = self._next(timeout)
            if line.startswith("filed "):
                _word, code, key = line.split()
                filed.append(Filed(code, key))
            else:
                assert line.startswith("refused "), line
                refused.append(line.removeprefix("refused "))
        return filed, refused

    def status(self) -> dict[str, Any]:
        self._send("status")
        return dict(json.loads(self._next(30, "status ").removeprefix("status ")))

    def until_status(self, condition: Callable[[dict[str, Any]], bool], timeout: float) -> dict[str, Any] | None:
        """The kiosk's status once ``condition`` holds for it, None if it did not in time."""
        deadline = time.monotonic() + timeout
        while True:
            status = self.status()
            if condition(status):
                return status
            if time.monotonic() > deadline:
                return None
            time.sleep(0.1)

    def log(self) -> str:
        return text_of(self.data / "logs" / "kiosk.log")

    def output(self) -> str:
        """Its log and standard error, the end of them."""
        return f"{self.log()[-2500:]}\n--- stderr ---\n{text_of(self.stderr)[-2500:]}"

    def sigterm(self, timeout: float = 60) -> int | None:
        """SIGTERM, as ``systemctl stop`` sends it; the exit code (negative: ended by a signal), or
        None when it did not end in time (then where each of its tasks and threads was goes to its
        standard error, and it is killed).

        Sent once the delivery engine has taken up its last wake (a request committed): a stop that
        meets a wake not yet taken up leaves the kiosk running for ever on Python 3.11, a product
        bug with a test of its own (``test_7_stopping_delivery_just_after_a_wake``); the cases here
        are about the outbox, and must not fail on it one run in ten."""
        if self.process.poll() is None:
            self.until_status(lambda s: not s.get("woken"), timeout=10)
        self.process.send_signal(signal.SIGTERM)
        return self.ended(timeout)

    def ended(self, timeout: float) -> int | None:
        """Its exit code once it ends, or None if it is still running after ``timeout`` (then killed)."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGUSR2)  # the driver: every asyncio task's stack
            time.sleep(1)
            self.process.send_signal(signal.SIGUSR1)  # the driver's faulthandler: every thread's stack
            time.sleep(1)
            self.process.kill()
            self.process.wait(timeout=30)
            return None


def run_kiosk_command(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``python -m kiosk ARGS`` as a technician runs it."""
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, timeout=timeout,
        env=dict(kiosk_environment(), **(env or {})), cwd=ROOT, check=False,
    )  # fmt: skip


# --- what was handed out, and the end check -------------------------------------------------------


@dataclass
class Ledger:
    """Every request the case's kiosks handed a code out for, in order, across their outboxes."""

    filed: list[Filed] = field(default_factory=list)

    def add(self, answer: tuple[list[Filed], list[str]]) -> list[Filed]:
        self.filed.extend(answer[0])
        return answer[0]


@dataclass
class Booth:
    """A kiosk number registered with the real central server, the network to it, what it handed out."""

    central: RunningCentral
    number: int
    token: str
    network: Network
    logs: Path
    ledger: Ledger = field(default_factory=Ledger)
    findings: Findings = field(default_factory=Findings)
    _started: int = 0

    def stop(self, kiosk: DrivenKiosk, what: str = "the kiosk") -> None:
        """SIGTERM, and note it unless the kiosk ended cleanly (exit 0)."""
        code = kiosk.sigterm()
        self.findings.expect(
            code == 0, f"{what} ended with {code} on SIGTERM (None: still running after 60 s)\n{kiosk.output()}"
        )

    def settings(self) -> dict[str, str]:
        """The kiosk's settings as a technician sets them up (here in the environment, which stands
        for config.toml): its number, the server (through the network), its token, the server's key."""
        settings = {"KIOSK_NUMBER": str(self.number), "KIOSK_SERVER_URL": self.network.url,
                    "KIOSK_SERVER_TOKEN": self.token}  # fmt: skip
        key = getattr(self.central, "sealing_key", None)  # a server from before sealed answers has none
        return settings | ({"KIOSK_SERVER_KEY": key} if key else {})

    def kiosk(self, data: Path, user: KioskUser | None = None, busy_timeout: float | None = None) -> DrivenKiosk:
        self._started += 1
        stderr = self.logs / f"kiosk-{self._started}.stderr"
        return DrivenKiosk(data, self.settings(), stderr, user, busy_timeout)

    def stored(self) -> list[dict[str, Any]]:
        return [row for row in self.central.requests() if row["kiosk_number"] == self.number]

    def on_server(self, filed: Iterable[Filed | str], timeout: float = SERVER_WAIT_SECONDS) -> bool:
        """Wait until the server holds every one of ``filed`` (requests, or their tracking codes)."""
        codes = {f if isinstance(f, str) else f.code for f in filed}
        return bool(poll(lambda: codes <= {row["tracking_code"] for row in self.stored()}, timeout))

    def heartbeat_said(self, words: tuple[str, ...], timeout: float) -> bool:
        """Wait until a heartbeat from this kiosk reached the server with ``last_error`` holding one of ``words``."""

        def said() -> bool:
            errors = [b["last_error"] or "" for b in self.central.heartbeats() if b["kiosk_number"] == self.number]
            return any(word in error for error in errors for word in words)

        return bool(poll(said, timeout, interval=0.2))

    def heartbeats(self) -> int:
        return sum(b["kiosk_number"] == self.number for b in self.central.heartbeats())

    def check(
        self,
        kiosk: DrivenKiosk | None,
        lost: Collection[str] = frozenset(),
        rejected: Collection[str] = frozenset(),
        timeout: float = SERVER_WAIT_SECONDS,
    ) -> None:
        """The end of every case: each request whose code was handed out (but those ``lost`` with a
        damaged page and those the server ``rejected`` for good) is on the server exactly once,
        counted by tracking code and by idempotency key; none of the others is; no code was handed
        out twice. Once the server has them (or the time is up), ``kiosk`` is stopped with SIGTERM,
        which must end it cleanly. Then what the case noted along the way."""
        handed = Counter(f.code for f in self.ledger.filed)
        expected = {f.code: f.key for f in self.ledger.filed if f.code not in {*lost, *rejected}}
        self.on_server([Filed(code, key) for code, key in expected.items()], timeout)
        rows = self.stored()
        by_code = Counter(row["tracking_code"] for row in rows)
        by_key = Counter(row["idempotency_key"] for row in rows)
        key_of = {row["tracking_code"]: row["idempotency_key"] for row in rows}
        found = {
            f"of {len(expected)} committed requests not on the server after {timeout:.0f} s": [
                code for code in expected if code not in by_code
            ],
            "tracking code(s) handed out twice": [code for code, n in handed.items() if n > 1],
            "request(s) stored more than once": [code for code in expected if by_code[code] > 1],
            "idempotency key(s) stored more than once": [key for key in expected.values() if by_key[key] > 1],
            "on the server under another key": [c for c, k in expected.items() if key_of.get(c, k) != k],
            "on the server, never handed out (or lost, or rejected)": sorted(set(by_code) - set(expected)),
        }
        problems = [f"{len(items)} {what}: {items}" for what, items in found.items() if items]
        if kiosk is not None:
            self.stop(kiosk)
        assert not problems, "\n".join(problems)
        self.findings.assert_none()


@contextmanager
def booth(central: RunningCentral, logs: Path) -> Iterator[Booth]:
    central.reset()
    number, token = central.add_kiosk("storage-fault booth", 7)
    with Network(central.url) as network:
        yield Booth(central, number, token, network, logs)


# --- the outbox file, read by the test --------------------------------------------------------------


def at_rest(path: Path) -> None:
    """The outbox as a clean stop leaves it: its write-ahead log folded into the file and gone (the
    last connection to close does it). A kiosk that stops cleanly has done so already; one that
    SIGTERM ended where it was (older kiosks) left its log behind, and a start on a full disk then
    needs no room for one."""
    with closing(sqlite3.connect(path)) as db:
        db.execute("SELECT COUNT(*) FROM sqlite_schema").fetchone()  # opening reads the log in
    assert not Path(f"{path}-wal").exists(), "the outbox is still open"


def outbox_rows(path: Path) -> dict[str, str]:
    """tracking code -> state of every request in the outbox (the kiosk may have it open)."""
    with closing(sqlite3.connect(path, timeout=30)) as db:
        return dict(db.execute("SELECT tracking_code, state FROM requests").fetchall())


def kept_aside(data: Path) -> list[Path]:
    return sorted(p for p in data.iterdir() if ".damaged-" in p.name and not p.name.endswith(("-wal", "-shm")))


# --- the disk ------------------------------------------------------------------------------------


def need_root(what: str) -> None:
    if os.geteuid() != 0:
        pytest.skip(f"{what} needs root (CI runs the suite as root)")


def mount(*args: str) -> None:
    result = subprocess.run(["mount", *args], capture_output=True, text=True, timeout=30, check=False)
    if result.returncode != 0:
        pytest.skip(f"cannot mount here ({result.stderr.strip() or result.returncode}): run the suite as root")


@contextmanager
def small_disk(where: Path, size: str) -> Iterator[Path]:
    """A real file system of ``size`` mounted at ``where`` (a tmpfs), unmounted after."""
    need_root("mounting a small tmpfs")
    where.mkdir(parents=True, exist_ok=True)
    mount("-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where))
    try:
        yield where
    finally:
        if subprocess.run(["umount", str(where)], capture_output=True, timeout=30, check=False).returncode:
            subprocess.run(["umount", "--lazy", str(where)], capture_output=True, timeout=30, check=False)


def fill_disk(folder: Path, leave: int) -> Path:
    """Take all the room left on ``folder``'s file system but ``leave`` bytes; the file that does."""
    filler = folder / "filler"
    room = os.statvfs(folder)
    descriptor = os.open(filler, os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        os.posix_fallocate(descriptor, 0, room.f_bavail * room.f_frsize - leave)
    finally:
        os.close(descriptor)
    return filler


def remount(where: Path, mode: str) -> None:
    """``ro`` or ``rw``: the small disk read-only (a failing disk the kernel gave up on), or back."""
    mount("-o", f"remount,{mode}", str(where))
