"""Central server fixtures: a real server on 127.0.0.1, over SQLite and over PostgreSQL.

PostgreSQL comes from ``KIOSK_TEST_POSTGRES_URL`` (``.ci/run`` starts Debian's and sets it). Without
it the PostgreSQL variants skip on a developer's machine, but fail under CI (``CI`` set), so CI
can never pass by silently skipping them. Each test gets its own PostgreSQL schema, dropped after.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from harness.central_server import RunningCentral, start_central_server
from tests.support.kiosk_client import KioskClient, kiosk_client

POSTGRES_ENV = "KIOSK_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", "postgresql"]


def postgres_base_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if url:
        return url
    if os.environ.get("CI"):
        pytest.fail(f"{POSTGRES_ENV} is not set: CI must run the PostgreSQL tests (see .ci/run)")
    pytest.skip(f"{POSTGRES_ENV} is not set: PostgreSQL tests skipped on this machine")


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A URL whose connections use a fresh, empty schema of their own."""
    base = postgres_base_url()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in base else "?"
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each test that uses it runs once on SQLite and once on PostgreSQL."""
    if request.param == "postgresql":
        postgres_base_url()
    return str(request.param)


@pytest.fixture
def db_url(backend: str) -> Iterator[str | None]:
    """A fresh database: None for SQLite in the data folder (the default), else a PostgreSQL URL."""
    if backend == "sqlite":
        yield None
        return
    with postgres_schema() as url:
        yield url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with postgres_schema() as url:
        yield url


@pytest.fixture(scope="module")
def module_postgres_url() -> Iterator[str]:
    """A fresh schema for one test module's tests together (servers started once for the module)."""
    with postgres_schema() as url:
        yield url


@pytest.fixture
def central_settings() -> dict[str, Any]:
    """Parametrise this (``@pytest.mark.parametrize("central_settings", [{...}])``) for a server of one's own."""
    return {}


@pytest.fixture(scope="session")
def _shared_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, RunningCentral]]:
    """One server per database for the whole session (starting one costs ~0.25 s; emptying it, ms)."""
    servers: dict[str, RunningCentral] = {}
    with ExitStack() as stack:

        def get(backend: str) -> RunningCentral:
            if backend not in servers:
                url = stack.enter_context(postgres_schema()) if backend == "postgresql" else None
                data = tmp_path_factory.mktemp(f"central-{backend}")
                servers[backend] = stack.enter_context(start_central_server(data, db_url=url))
            return servers[backend]

        yield get  # type: ignore[misc]


@pytest.fixture
def central(
    request: pytest.FixtureRequest, backend: str, central_settings: dict[str, Any], _shared_servers: Any
) -> Iterator[RunningCentral]:
    """A running server with an empty database: the shared one emptied, or one of its own when the
    test asks for particular settings."""
    if not central_settings:
        server = _shared_servers(backend)
        server.reset()
        yield server
        return
    url = request.getfixturevalue("db_url")
    data = request.getfixturevalue("tmp_path") / "central"
    with start_central_server(data, db_url=url, **central_settings) as server:
        yield server


@pytest.fixture
def kiosk(central: RunningCentral) -> Iterator[KioskClient]:
    with kiosk_client(central) as client:
        yield client
