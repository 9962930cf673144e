"""End-to-end fixtures: the real central server on 127.0.0.1, a kiosk registered with it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.central_server import RunningCentral, start_central_server
from kiosk.outbox.client import CentralClient


@dataclass
class RegisteredKiosk:
    central: RunningCentral
    number: int
    token: str

    def client(self, timeout: tuple[float, float] = (2.0, 5.0), url: str | None = None) -> CentralClient:
        return CentralClient(url or self.central.url, self.token, timeout=timeout)


@pytest.fixture(scope="session")
def central_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningCentral]:
    """One real server for the session (starting one per test costs more than the tests)."""
    with start_central_server(tmp_path_factory.mktemp("central")) as central:
        yield central


@pytest.fixture
def central(central_server: RunningCentral) -> RunningCentral:
    central_server.reset()
    return central_server


@pytest.fixture
def registered(central: RunningCentral) -> RegisteredKiosk:
    number, token = central.add_kiosk("e2e booth", 7)
    return RegisteredKiosk(central, number, token)


@pytest.fixture
def outbox_path(tmp_path: Path) -> Path:
    return tmp_path / "kiosk" / "outbox.db"
