"""End-to-end fixtures: the real central server on 127.0.0.1, a kiosk registered with it, and the
real window of a kiosk connected to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from harness.central_server import RunningCentral, start_central_server
from kiosk.app.root import Kiosk
from kiosk.core.paths import KioskPaths
from kiosk.core.release_signing import parse_signing_key
from kiosk.core.sealing import parse_public_key
from kiosk.core.settings import KioskSettings
from tests.support.e2e import RegisteredKiosk, heard_from_its_server
from tests.support.window import build_kiosk


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


@pytest.fixture
def connected_kiosk(qtbot: QtBot, kiosk_paths: KioskPaths, registered: RegisteredKiosk) -> Iterator[Kiosk]:
    """The real window on the festival profile, with the registered kiosk's number, server, token
    and the server's sealing and signing keys, as a technician sets them up (config.toml)."""
    settings = KioskSettings(kiosk_number=registered.number, server_url=registered.central.url,
                             server_token=registered.token,
                             server_key=parse_public_key(registered.central.sealing_key),
                             signing_keys=(parse_signing_key(registered.central.signing_key),))  # fmt: skip
    heard_from_its_server(kiosk_paths.outbox, registered.number)
    yield from build_kiosk(qtbot, kiosk_paths, "festival", settings)
