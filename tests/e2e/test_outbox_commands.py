"""The technician's outbox commands, run as `kiosk outbox …`, against the real central server:
a kiosk offline for days exports its queue to a USB stick, the server imports it, and a later
drain finds every request already there (nothing stored twice)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.app.cli import main
from kiosk.central.importer import import_export
from kiosk.outbox.store import OutboxStore
from tests.support.e2e import RegisteredKiosk, enqueue


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def test_status_export_import_drain(
    registered: RegisteredKiosk, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "kiosk"
    store = OutboxStore(data / "outbox.db")
    requests = enqueue(store, registered.number, 30)
    store.mark_rejected(requests[0].id, "HTTP 422: service withdrawn")
    store.close()

    code, out = run(capsys, "--data-dir", str(data), "outbox", "status")
    assert code == 0
    assert "pending    29" in out and "rejected   1" in out
    assert f"rejected {requests[0].tracking_code} mazandaran-water.new-connection: HTTP 422" in out
    assert "0012345679" not in out, "status never shows what citizens typed"

    stick = tmp_path / "usb" / "kiosk-7.json"
    code, out = run(capsys, "--data-dir", str(data), "--kiosk-number", "7", "outbox", "export", str(stick))
    assert code == 0 and "exported 29 request(s)" in out
    exported = json.loads(stick.read_text(encoding="utf-8"))
    assert exported["kind"] == "pishkhan-outbox-export" and exported["kiosk_number"] == 7
    assert len(exported["requests"]) == 29

    first = import_export(registered.central.store, stick)
    again = import_export(registered.central.store, stick)
    assert (first.new, again.new) == (29, 0)

    monkeypatch.setenv("KIOSK_SERVER_TOKEN", registered.token)
    code, out = run(capsys, "--data-dir", str(data), "--kiosk-number", "7", "--server-url",
                    registered.central.url, "outbox", "drain", "--timeout", "30")  # fmt: skip
    assert code == 0, out
    assert "29/29 delivered" in out and "outbox empty" in out
    on_server = [r["tracking_code"] for r in registered.central.requests()]
    assert sorted(on_server) == sorted(r.tracking_code for r in requests[1:])

    code, out = run(capsys, "--data-dir", str(data), "outbox", "status")
    assert "delivered  29" in out and "pending    0" in out


def test_drain_without_a_token_says_what_to_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "kiosk"
    store = OutboxStore(data / "outbox.db")
    enqueue(store, 7, 1)
    store.close()
    code, out = run(capsys, "--data-dir", str(data), "outbox", "drain")
    assert code == 2 and "KIOSK_SERVER_TOKEN" in out


def test_drain_against_a_dead_server_stops_at_the_timeout_and_keeps_everything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "kiosk"
    store = OutboxStore(data / "outbox.db")
    enqueue(store, 7, 3)
    store.close()
    monkeypatch.setenv("KIOSK_SERVER_TOKEN", "007.secret")
    code, out = run(capsys, "--data-dir", str(data), "--server-url", "http://127.0.0.1:9", "outbox", "drain",
                    "--timeout", "1.5")  # fmt: skip
    assert code == 1 and "3 request(s) still waiting" in out
    store = OutboxStore(data / "outbox.db")
    assert store.health().counts["pending"] == 3
    store.close()
