"""The technician's outbox commands, run as `kiosk outbox …`, against the real central server:
a kiosk offline for days exports its queue to a USB stick, the server imports it, and a later
drain finds every request already there (nothing stored twice). Drain reaches the server as the
kiosk does (its profile's proxy and CA file, its settings' layers) and says which requests were
rejected or are still waiting, exiting non-zero then."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kiosk.app.cli import main
from kiosk.central.importer import import_export
from kiosk.core.paths import KioskPaths
from kiosk.core.sealing import parse_public_key
from kiosk.outbox.store import OutboxStore
from tests.support.certificates import private_ca
from tests.support.e2e import QUEUED_FIELDS, RegisteredKiosk, enqueue
from tests.support.factories import copy_resources
from tests.support.faulty_proxy import FaultyProxy, scripted_plan


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def test_status_export_import_drain(
    registered: RegisteredKiosk, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "kiosk"
    store = OutboxStore(data / "outbox.db")
    store.learn_server_key(parse_public_key(registered.central.sealing_key))  # its server told it
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
    assert "0012345679" not in stick.read_text(encoding="utf-8"), "an export holds sealed answers only"

    first = import_export(registered.central.store, stick)
    again = import_export(registered.central.store, stick)
    assert (first.new, again.new) == (29, 0)

    monkeypatch.setenv("KIOSK_SERVER_TOKEN", registered.token)
    code, out = run(capsys, "--data-dir", str(data), "--kiosk-number", "7", "--server-url",
                    registered.central.url, "outbox", "drain", "--timeout", "30")  # fmt: skip
    assert code == 0, out
    assert "29/29 delivered" in out and "nothing left waiting" in out  # the one rejected stays, for staff
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


# --- drain tells the truth, with the kiosk's own settings (issue 20) -----------------------------


def enqueue_refused(store: OutboxStore, number: int, n: int) -> list[str]:
    """Requests the server refuses for good (422: the service is not the agency's), as the desk
    would have committed them; their answers are ``QUEUED_FIELDS``."""
    body = {"profile": "festival", "catalog_version": "test-1", "fields": QUEUED_FIELDS}
    return [store.enqueue(number, "mazandaran-water.new-connection", "mazandaran-gas", "demo", body).tracking_code
            for _ in range(n)]  # fmt: skip


def test_drain_names_every_rejected_request_and_exits_non_zero(
    registered: RegisteredKiosk, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "kiosk"
    store = OutboxStore(data / "outbox.db")
    refused = enqueue_refused(store, registered.number, 3)
    store.close()
    monkeypatch.setenv("KIOSK_SERVER_TOKEN", registered.token)
    code, out = run(capsys, "--data-dir", str(data), "--kiosk-number", "7", "--server-url", registered.central.url,
                    "outbox", "drain", "--timeout", "30")  # fmt: skip
    assert code == 1, out
    assert "0/3 delivered, 3 rejected" in out and "outbox empty" not in out
    for tracking_code in refused:
        line = next(line for line in out.splitlines() if tracking_code in line)
        assert "mazandaran-water.new-connection: HTTP 422" in line and "agency" in line, line
    for answer in ("0012345679", "09111234567", "زهرا"):
        assert answer not in out, "drain never shows what citizens typed"

    store = OutboxStore(data / "outbox.db")
    enqueue(store, registered.number, 2)
    store.close()
    code, out = run(capsys, "--data-dir", str(data), "--kiosk-number", "7", "--server-url", registered.central.url,
                    "outbox", "drain", "--timeout", "30")  # fmt: skip
    assert code == 0, out  # what is rejected stays rejected: this drain delivered all it was given
    assert "2/2 delivered" in out and "nothing left waiting" in out and "outbox empty" not in out
    assert "3 request(s) rejected earlier stay in the outbox" in out


def booth_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: str) -> KioskPaths:
    """A kiosk install whose live profile ``booth`` has this ``[server]`` section, run as the
    technician runs it: resources of its own, the token and number in config.toml."""
    paths = copy_resources(tmp_path)
    profile = (paths.profiles / "sari-lobby.toml").read_text(encoding="utf-8")
    profile = profile.replace('url = "https://kiosk.sari.ir"', server)
    (paths.profiles / "booth.toml").write_text(profile, encoding="utf-8")
    monkeypatch.setenv("KIOSK_RESOURCES_ROOT", str(paths.root))
    return paths


def drain_the_booth(
    capsys: pytest.CaptureFixture[str], paths: KioskPaths, registered: RegisteredKiosk
) -> tuple[list[str], int, str]:
    """Three requests waiting, the kiosk number and token in config.toml, then `kiosk --profile booth
    outbox drain`: their tracking codes, its exit code and what it printed."""
    paths.data.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text(f'kiosk_number = 7\n[server]\ntoken = "{registered.token}"\n', encoding="utf-8")
    store = OutboxStore(paths.outbox)
    codes = [r.tracking_code for r in enqueue(store, registered.number, 3)]
    store.close()
    code, out = run(capsys, "--data-dir", str(paths.data), "--profile", "booth", "outbox", "drain", "--timeout", "5")
    return codes, code, out


def test_drain_goes_through_the_profile_s_proxy_as_the_kiosk_does(
    registered: RegisteredKiosk, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with FaultyProxy(registered.central.url, scripted_plan()) as proxy:
        # The server is reachable only through the proxy: straight to it, nothing answers.
        paths = booth_profile(tmp_path, monkeypatch, f'url = "http://127.0.0.1:9"\nproxy = "{proxy.url}"')
        codes, code, out = drain_the_booth(capsys, paths, registered)
        assert code == 0, out
        assert "3/3 delivered" in out and f"through the proxy {proxy.url}" in out
        assert proxy.counts["pass"] >= 1
    assert sorted(r["tracking_code"] for r in registered.central.requests()) == sorted(codes)


def test_drain_trusts_the_profile_s_ca_file_as_the_kiosk_does(
    registered: RegisteredKiosk, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    authority = private_ca(tmp_path / "ca")
    with FaultyProxy(registered.central.url, scripted_plan(), tls=(authority.certificate, authority.key)) as front:
        paths = booth_profile(tmp_path, monkeypatch, f'url = "{front.url}"\nca_file = "certs/booth-ca.pem"')
        (paths.resources / "certs").mkdir()
        shutil.copy(authority.ca, paths.resources / "certs" / "booth-ca.pem")
        codes, code, out = drain_the_booth(capsys, paths, registered)
        assert code == 0, out
        assert "3/3 delivered" in out and "booth-ca.pem" in out
    assert sorted(r["tracking_code"] for r in registered.central.requests()) == sorted(codes)
