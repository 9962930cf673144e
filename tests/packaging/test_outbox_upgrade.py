"""Updating a kiosk never loses its queue: an outbox written by the previous release is opened by this
one and its requests delivered to the real central server; an outbox from a newer release is refused
with a clear message and left exactly as it was."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.central_server import RunningCentral, start_central_server
from kiosk.app.cli import main
from kiosk.app.root import open_outbox
from kiosk.core.paths import KioskPaths, resources_root
from kiosk.outbox import store as store_module
from kiosk.outbox.store import SCHEMA_VERSION, OutboxStore, OutboxVersionError

KIOSK_NUMBER = 7
PREVIOUS_SCHEMA = 3  # the schema the release of 2026-12-07 writes (4 adds the indexes delivery reads by)
FIELDS = {"full_name": "زهرا حسین‌زاده", "national_id": "0012345679", "mobile": "09111234567", "agree": True}
SERVICE = "mazandaran-water.new-connection"


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningCentral]:
    with start_central_server(tmp_path_factory.mktemp("central")) as server:
        yield server


def user_version(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return int(db.execute("PRAGMA user_version").fetchone()[0])
    finally:
        db.close()


def write_previous_release_outbox(path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """An outbox as a kiosk of the previous release leaves it when it is stopped for the update:
    requests waiting, one caught mid-delivery (``sending``), one refused for good by the server.
    Returns tracking code -> state as written.

    Migrations only ever append, so the store with its schema capped at the previous version
    writes exactly the file the previous release wrote (its tables, its user_version)."""
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", PREVIOUS_SCHEMA)
    store = OutboxStore(path)
    try:
        body = {"profile": "festival", "catalog_version": "1405.09.02-1", "fields": FIELDS}
        requests = [store.enqueue(KIOSK_NUMBER, SERVICE, "mazandaran-water", "demo", body) for _ in range(5)]
        store.mark_rejected(requests[0].id, "HTTP 422: service withdrawn")
        claimed = store.claim_due(limit=1)  # the update stopped the kiosk while this one was on the wire
        assert [r.id for r in claimed] == [requests[1].id]
    finally:
        store.close()  # no call marks it delivered: it stays 'sending' in the file
        monkeypatch.undo()
    states = {r.tracking_code: "pending" for r in requests}
    states[requests[0].tracking_code] = "rejected"
    states[requests[1].tracking_code] = "sending"
    return states


def test_an_outbox_written_by_the_previous_schema_is_opened_and_delivered(
    central: RunningCentral, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert SCHEMA_VERSION == PREVIOUS_SCHEMA + 1, "a newer schema: test the upgrade from the release before"
    central.reset()
    _number, token = central.add_kiosk("upgraded booth", KIOSK_NUMBER)
    data = tmp_path / "data"
    written = write_previous_release_outbox(data / "outbox.db", monkeypatch)
    assert user_version(data / "outbox.db") == PREVIOUS_SCHEMA
    raw = sqlite3.connect(data / "outbox.db")
    assert dict(raw.execute("SELECT tracking_code, state FROM requests").fetchall()) == written
    raw.close()

    monkeypatch.setenv("KIOSK_SERVER_TOKEN", token)
    code = main(["--data-dir", str(data), "--kiosk-number", str(KIOSK_NUMBER), "--server-url", central.url,
                 "outbox", "drain", "--timeout", "30"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert "4/4 delivered" in out and "nothing left waiting" in out  # the rejected one stays, for staff
    assert "1 request(s) rejected earlier stay in the outbox" in out

    expected = sorted(code for code, state in written.items() if state != "rejected")
    stored = central.requests()
    assert sorted(row["tracking_code"] for row in stored) == expected, "every waiting request arrives exactly once"
    assert all(row["fields"] == FIELDS and row["kiosk_number"] == KIOSK_NUMBER for row in stored)

    store = OutboxStore(data / "outbox.db")
    try:
        health = store.health()
        assert health.counts == {"pending": 0, "sending": 0, "delivered": 4, "rejected": 1}
        assert [r.last_error for r in store.rejected()] == ["HTTP 422: service withdrawn"], "a refusal is kept"
        delivered = [store.find_by_tracking_code(code) for code in expected]
        assert all("fields" not in r.body for r in delivered if r), "delivered: their answers leave the kiosk"
    finally:
        store.close()
    assert user_version(data / "outbox.db") == SCHEMA_VERSION
    # No copy of the file before is made: it would keep answers (the migration is one transaction).
    assert not list(data.glob("outbox.db.before-upgrade-*"))


def make_newer_outbox(path: Path) -> bytes:
    """A valid outbox stamped with a schema this kiosk does not know; returns its bytes."""
    store = OutboxStore(path)
    store.enqueue(KIOSK_NUMBER, SERVICE, "mazandaran-water", "demo", {"fields": FIELDS})
    store.close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    return path.read_bytes()


def folder_listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_an_outbox_from_a_newer_kiosk_is_refused_clearly_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "data" / "outbox.db"
    before = make_newer_outbox(path)
    listing = folder_listing(path.parent)

    with pytest.raises(OutboxVersionError) as exc:
        OutboxStore(path)
    message = str(exc.value)
    assert str(path) in message
    assert f"written by a newer kiosk (schema {SCHEMA_VERSION + 1}; this kiosk reads up to {SCHEMA_VERSION})" in message
    assert "Install the newer kiosk again" in message and "kept as they are" in message

    assert path.read_bytes() == before, "the newer outbox must not be changed"
    assert folder_listing(path.parent) == listing, "no backup, no 'damaged' copy, no new file"


def test_the_kiosk_and_its_commands_refuse_a_newer_outbox_without_touching_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    before = make_newer_outbox(data / "outbox.db")
    listing = folder_listing(data)

    store, reason = open_outbox(KioskPaths(root=resources_root(), data=data))
    assert store is None and "written by a newer kiosk" in reason  # the kiosk refuses requests, keeps the file

    monkeypatch.setenv("KIOSK_SERVER_TOKEN", "007.secret")
    code = main(["--data-dir", str(data), "--server-url", "http://127.0.0.1:9", "outbox", "drain", "--timeout", "1"])
    out = capsys.readouterr().out
    assert code == 1 and "written by a newer kiosk" in out

    assert (data / "outbox.db").read_bytes() == before
    assert folder_listing(data) == listing
