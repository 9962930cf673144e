"""Two real server processes (``kiosk-central serve``, each a Python process of its own) on one
PostgreSQL database share everything a kiosk or a member of staff meets: the kiosk's rate, the
login throttle, exactly-once storage and staff sessions. Nothing of it may live in a process.

PostgreSQL only (several processes on SQLite take turns to write, and a province runs PostgreSQL):
skipped without ``KIOSK_TEST_POSTGRES_URL`` on a developer's machine, failed under CI.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

import kiosk
from kiosk.central.app import open_store
from kiosk.central.models import CitizenRequest
from kiosk.central.settings import Settings
from kiosk.central.store import Store
from tests.support.kiosk_client import KioskClient

REPOSITORY = Path(kiosk.__file__).resolve().parent.parent
PASSWORD = "correct horse battery"
START_TIMEOUT = 60.0


@dataclass
class Pair:
    """Two server processes on one database, and that database's store in the test process."""

    urls: tuple[str, str]
    store: Store

    def kiosk(self, name: str) -> KioskClient:
        number, token = self.store.kiosks.add(name)
        return KioskClient(number, token, httpx.Client(timeout=30))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _serve(data_dir: Path, db_url: str, log: Path, *options: str) -> Iterator[subprocess.Popen[bytes]]:
    port = _free_port()
    command = [sys.executable, "-m", "kiosk.central", "serve", "--port", str(port), "--data-dir", str(data_dir),
               "--db", db_url, *options]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPOSITORY), os.environ.get("PYTHONPATH")]))}
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)
    process.url = f"http://127.0.0.1:{port}"  # type: ignore[attr-defined]
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(process: subprocess.Popen[bytes], log: Path) -> str:
    url: str = process.url  # type: ignore[attr-defined]
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            httpx.get(url + "/openapi.json", timeout=2).raise_for_status()
            return url
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"a server process did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.1)


@contextmanager
def _pair(tmp_path: Path, url: str, *options: str) -> Iterator[Pair]:
    """Two ``kiosk-central serve`` processes on one PostgreSQL schema, sharing a data folder (so the
    same server key, as the deployment guide says to give them)."""
    data_dir = tmp_path / "central"
    with ExitStack() as stack:
        store = open_store(Settings(data_dir=data_dir, db_url=url), migrate=True)
        stack.callback(store.db.dispose)
        logs = [tmp_path / "server-a.log", tmp_path / "server-b.log"]
        processes = [stack.enter_context(_serve(data_dir, url, log, *options)) for log in logs]
        first, second = (_wait_until_up(process, log) for process, log in zip(processes, logs, strict=True))
        yield Pair((first, second), store)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory, module_postgres_url: str) -> Iterator[Pair]:
    with _pair(tmp_path_factory.mktemp("two-processes"), module_postgres_url) as running:
        yield running


def test_a_kiosk_alternating_between_two_processes_gets_the_rate_of_one(tmp_path: Path, postgres_url: str) -> None:
    """Before: each process kept its own buckets, so this kiosk got six calls through, not three."""
    with _pair(tmp_path, postgres_url, "--rate-per-minute", "3") as slow:
        client = slow.kiosk("Alternating")
        with client.http:
            statuses = []
            for index in range(6):
                client.http.base_url = httpx.URL(slow.urls[index % 2])
                response = client.submit(client.body())
                statuses.append(response.status_code)
                if response.status_code == 429:
                    assert 1 <= int(response.headers["Retry-After"]) <= 60
            assert statuses == [201, 201, 201, 429, 429, 429]
            other = slow.kiosk("Another")  # the limit is per kiosk
            with other.http:
                other.http.base_url = httpx.URL(slow.urls[1])
                assert other.submit(other.body()).status_code == 201


class Browser:
    """A browser at one process's login page (its own cookies: login CSRF, trusted device)."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=30)
        self.token = _field(self.http.get("/login").text, "csrf_token")

    def login(self, name: str, password: str) -> httpx.Response:
        data = {"username": name, "password": password, "csrf_token": self.token}
        response = self.http.post("/login", data=data)
        if response.status_code != 303:
            self.token = _field(response.text, "csrf_token")
        return response

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.http.close()


def _field(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def test_the_login_throttle_counts_tries_on_both_processes(pair: Pair) -> None:
    pair.store.people.add("sara", PASSWORD, ["water"], all_agencies=False)
    with Browser(pair.urls[0]) as on_a, Browser(pair.urls[1]) as on_b:
        assert on_a.login("sara", "guess 1").status_code == 401
        # The first failure makes the next try wait 2 s, on the other process too (the right
        # password included: it is not even checked).
        waiting = on_b.login("sara", PASSWORD)
        assert waiting.status_code == 429
        wait = int(waiting.headers["Retry-After"])
        assert 1 <= wait <= 2
        time.sleep(wait)
        assert on_b.login("sara", "guess 2").status_code == 401
        # Two failures, one on each process: the next try waits 4 s, wherever it comes.
        again = on_a.login("sara", PASSWORD)
        assert again.status_code == 429
        assert 3 <= int(again.headers["Retry-After"]) <= 4


def test_20_posts_of_one_request_spread_over_both_processes_store_it_once(pair: Pair) -> None:
    """Each answer is 201 (one of them), 200 with the same receipt, or 409 "still being processed",
    which a kiosk retries (kiosk.link.client) until it gets that receipt."""
    client = pair.kiosk("Parallel")
    client.http.close()
    key, body = str(uuid.uuid4()), client.body()
    barrier = threading.Barrier(20)
    headers = {**client.auth, "Idempotency-Key": key}

    def deliver(index: int) -> list[httpx.Response]:
        url = pair.urls[index % 2]
        answers = []
        with httpx.Client(base_url=url, timeout=30) as http:
            http.get("/openapi.json")  # connected before the barrier
            barrier.wait()
            while True:
                answers.append(http.post("/api/v1/requests", json=body, headers=headers))
                if answers[-1].status_code != 409:
                    return answers
                assert "still being processed" in answers[-1].json()["detail"]
                assert len(answers) < 50
                time.sleep(0.05)

    with ThreadPoolExecutor(20) as pool:
        deliveries = list(pool.map(deliver, range(20)))
    finals = [answers[-1] for answers in deliveries]
    assert sorted(r.status_code for r in finals).count(201) == 1, [r.status_code for r in finals]
    assert {r.status_code for r in finals} <= {200, 201}
    assert all(r.json() == finals[0].json() for r in finals)
    with pair.store.db.read() as session:
        stored = session.scalar(select(func.count()).where(CitizenRequest.idempotency_key == key))
    assert stored == 1


def test_a_staff_session_opened_on_one_process_works_on_the_other(pair: Pair) -> None:
    pair.store.people.add("reza", PASSWORD, ["water"], all_agencies=False)
    with Browser(pair.urls[0]) as browser:
        assert browser.login("reza", PASSWORD).status_code == 303
        cookies = {"pishkhan_session": browser.http.cookies["pishkhan_session"]}
        with httpx.Client(base_url=pair.urls[1], cookies=cookies, timeout=30) as other:
            page = other.get("/requests")
            assert page.status_code == 200, page.headers.get("location")
            # Logging out on the second process ends the session on the first.
            assert other.post("/logout", data={"csrf_token": _field(page.text, "csrf_token")}).status_code == 303
        after = browser.http.get("/requests")
        assert after.status_code == 303 and after.headers["location"].startswith("/login")
