"""``kiosk-central``: kiosks, users, catalog publishing, import of outbox exports, db upgrade, serve."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from kiosk.central.__main__ import main
from kiosk.central.app import open_store
from kiosk.central.settings import Settings
from kiosk.core.tracking import make_tracking_code
from tests.support.factories import SAMPLE_AGENCIES, write_catalog


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "central-data"


def test_kiosk_add_list_revoke(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out, _ = run(capsys, "kiosk", "add", "Sari lobby", "--data-dir", str(data))
    assert code == 0
    assert "kiosk number: 001" in out
    token = out.split("token: ")[1].split()[0]
    assert token.startswith("001.") and len(token) > 40
    code, out, _ = run(capsys, "kiosk", "add", "Festival", "--number", "7", "--data-dir", str(data))
    assert code == 0 and "kiosk number: 007" in out
    code, _, err = run(capsys, "kiosk", "add", "Again", "--number", "7", "--data-dir", str(data))
    assert code == 2 and "already taken" in err
    code, _, err = run(capsys, "kiosk", "add", "Too big", "--number", "1000", "--data-dir", str(data))
    assert code == 2
    code, out, _ = run(capsys, "kiosk", "add", "Next", "--data-dir", str(data))
    assert "kiosk number: 002" in out
    assert run(capsys, "kiosk", "revoke", "7", "--data-dir", str(data))[0] == 0
    assert run(capsys, "kiosk", "revoke", "55", "--data-dir", str(data))[0] == 1
    code, out, _ = run(capsys, "kiosk", "list", "--data-dir", str(data))
    lines = out.strip().splitlines()
    assert [line[:3] for line in lines] == ["001", "002", "007"]
    assert "revoked" in lines[2] and "active" in lines[0]
    # Only a hash of the token is stored.
    store = open_store(Settings(data_dir=data), migrate=False)
    try:
        assert all(token not in k.token_hash and k.token_hash.startswith("scrypt$") for k in store.kiosks.fleet())
    finally:
        store.db.dispose()


def test_user_add_with_password_on_stdin(
    capsys: pytest.CaptureFixture[str], data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough password\n"))
    code, out, _ = run(capsys, "user", "add", "sara", "--agency", "water", "--agency", "civil", "--password-stdin",
                       "--data-dir", str(data))  # fmt: skip
    assert code == 0 and "(water, civil)" in out
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    code, _, err = run(capsys, "user", "add", "reza", "--all-agencies", "--password-stdin", "--data-dir", str(data))
    assert code == 2 and "10 characters" in err
    monkeypatch.setattr(sys, "stdin", io.StringIO("another long password\n"))
    code, _, err = run(capsys, "user", "add", "sara", "--all-agencies", "--password-stdin", "--data-dir", str(data))
    assert code == 2 and "already" in err
    with pytest.raises(SystemExit):  # an agency or --all-agencies is required
        main(["user", "add", "x", "--password-stdin", "--data-dir", str(data)])
    capsys.readouterr()
    store = open_store(Settings(data_dir=data), migrate=False)
    try:
        user = store.people.authenticate("sara", "a long enough password")
        assert user is not None and user.agencies == ["civil", "water"] and not user.all_agencies
        assert store.people.authenticate("sara", "a long enough passwordX") is None
        assert "a long enough password" not in user.password_hash
    finally:
        store.db.dispose()


def test_user_add_asks_twice_for_the_password(
    capsys: pytest.CaptureFixture[str], data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter(["first password typed", "second password typed"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    code, _, err = run(capsys, "user", "add", "sara", "--all-agencies", "--data-dir", str(data))
    assert code == 1 and "differ" in err


def test_catalog_publish_validates_and_versions(capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path) -> None:
    folder = write_catalog(tmp_path / "catalog")
    code, out, _ = run(capsys, "catalog", "publish", str(folder), "--data-dir", str(data))
    assert code == 0 and "release 1" in out and "test-1" in out
    document = tmp_path / "catalog.json"
    document.write_text(
        json.dumps({"format": 1, "version": "test-2", "agencies": SAMPLE_AGENCIES}, ensure_ascii=False),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "catalog", "publish", str(document), "--data-dir", str(data))
    assert code == 0 and "release 2" in out

    broken = json.loads(json.dumps(SAMPLE_AGENCIES))
    broken[0]["color"] = "blue"
    del broken[1]["services"][0]["title"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": 1, "version": "bad", "agencies": broken}), encoding="utf-8")
    code, _, err = run(capsys, "catalog", "publish", str(bad), "--data-dir", str(data))
    assert code == 1
    assert "2 problems" in err and "color" in err and "title" in err
    code, _, err = run(capsys, "catalog", "publish", str(tmp_path / "missing.json"), "--data-dir", str(data))
    assert code == 1 and "does not exist" in err

    store = open_store(Settings(data_dir=data), migrate=False)
    try:
        latest = store.catalogs.latest()
        assert latest is not None and (latest.id, latest.catalog_version) == (2, "test-2")
    finally:
        store.db.dispose()


def _export(number: int, requests: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "format": 1, "kind": "pishkhan-outbox-export", "kiosk_number": number,
        "exported_at": "2026-11-23T15:00:00Z", "requests": requests,
    }  # fmt: skip


def _body(number: int, sequence: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "tracking_code": make_tracking_code(number, sequence), "service_id": "water.bill", "agency_id": "water",
        "mode": "live", "profile": "festival", "catalog_version": "1", "created_at": "2026-11-20T09:00:00Z",
        "fields": {"full_name": "مریم", "national_id": "0012345679"},
    }  # fmt: skip
    body.update(overrides)
    return body


def test_import_stores_each_request_once(capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path) -> None:
    run(capsys, "kiosk", "add", "Offline booth", "--number", "7", "--data-dir", str(data))
    keys = [str(uuid.uuid4()) for _ in range(3)]
    items = [{"idempotency_key": k, "body": _body(7, 100 + i)} for i, k in enumerate(keys)]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(_export(7, items), ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(capsys, "import", str(path), "--data-dir", str(data))
    assert code == 0 and "3 new, 0 already there, 0 refused" in out

    # The kiosk came back online and delivered one itself; then the USB file is imported again with more.
    more = [
        {"idempotency_key": str(uuid.uuid4()), "body": _body(7, 200)},
        {"idempotency_key": str(uuid.uuid4()), "body": _body(8, 201)},  # another kiosk's code
        {"idempotency_key": keys[0], "body": _body(7, 999)},  # a known key with another body
        {"idempotency_key": "nope", "body": _body(7, 202)},
        {"idempotency_key": str(uuid.uuid4()), "body": {**_body(7, 203), "extra": 1}},
        "junk",
    ]
    path.write_text(json.dumps(_export(7, items + more), ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, "import", str(path), "--data-dir", str(data))
    assert code == 1
    assert "1 new, 3 already there, 5 refused" in out
    assert "requests[4]" in err and "kiosk's number 007" in err and "different request body" in err
    assert "not a UUID" in err and "extra" in err and "requests[8]" in err

    store = open_store(Settings(data_dir=data), migrate=False)
    try:
        with store.db.read() as session:
            from sqlalchemy import select

            from kiosk.central.models import CitizenRequest

            rows = list(session.scalars(select(CitizenRequest).order_by(CitizenRequest.id)))
        assert len(rows) == 4
        assert {r.source for r in rows} == {"import"}
        assert [r.duplicate_of_id is not None for r in rows] == [False, True, True, True]
    finally:
        store.db.dispose()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not a JSON export"),
        ('{"kind": "something-else"}', "not a Pishkhan outbox export"),
        ('{"kind": "pishkhan-outbox-export", "format": 2}', "format 2"),
        ('{"kind": "pishkhan-outbox-export", "format": 1, "kiosk_number": 3, "requests": []}', "not registered"),
    ],
)
def test_import_refuses_a_bad_file_as_a_whole(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "export.json"
    path.write_text(content, encoding="utf-8")
    code, _, err = run(capsys, "import", str(path), "--data-dir", str(data))
    assert code == 1 and message in err


def test_db_upgrade_and_a_newer_schema_is_refused(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    from kiosk.central.db import head_revision

    code, out, _ = run(capsys, "db", "upgrade", "--data-dir", str(data))
    assert code == 0 and f"revision {head_revision()}" in out and head_revision() >= "0004"
    assert run(capsys, "db", "upgrade", "--data-dir", str(data))[0] == 0  # idempotent
    import sqlite3

    with sqlite3.connect(data / "central.sqlite3") as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    from kiosk.central.db import SchemaError

    with pytest.raises(SchemaError, match="newer than this server knows"):
        main(["db", "upgrade", "--data-dir", str(data)])


def test_the_data_folder_and_database_can_be_chosen(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db_file = tmp_path / "elsewhere" / "my.sqlite3"
    code, _, _ = run(capsys, "kiosk", "add", "A", "--data-dir", str(tmp_path / "d"), "--db", f"sqlite:///{db_file}")
    assert code == 0
    assert db_file.exists()
    assert (tmp_path / "d" / "secret.key").exists()
    assert not (tmp_path / "d" / "central.sqlite3").exists()
    assert oct((tmp_path / "d" / "secret.key").stat().st_mode & 0o777) == "0o600"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_serve_works_with_no_configuration(tmp_path: Path) -> None:
    """`kiosk-central serve` in a fresh account: SQLite in the platform's data folder, answering on 127.0.0.1."""
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "xdg"), "HOME": str(tmp_path / "home")}
    env.pop("KIOSK_CENTRAL_DATA_DIR", None)
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk.central", "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                assert time.monotonic() < deadline, "the server did not answer in 30 s"
                time.sleep(0.1)
        assert response.status_code == 200
        assert (tmp_path / "xdg" / "pishkhan-central" / "central.sqlite3").exists()
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/catalog", timeout=5).status_code == 401
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=20)
    # uvicorn shuts down cleanly, then re-raises SIGTERM so the exit status still says why it stopped.
    assert process.returncode in (0, -15), output
    assert "Application shutdown complete" in output
    assert "Traceback" not in output


def test_the_testing_switch_is_hidden_and_off_unless_given(capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.central.__main__ import build_parser, settings_from

    parser = build_parser()
    assert settings_from(parser.parse_args(["serve"])).enforce_idempotency is True
    assert settings_from(parser.parse_args(["serve", "--testing-disable-idempotency"])).enforce_idempotency is False
    with pytest.raises(SystemExit):
        parser.parse_args(["serve", "--help"])
    assert "testing" not in capsys.readouterr().out


def test_import_after_delivery_counts_the_request_as_already_there(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The kiosk delivered a request, then the same outbox went to USB: the import must not refuse it
    because the export spells the same instant or the keys differently."""
    from harness.central_server import start_central_server

    data = tmp_path / "central"
    with start_central_server(data) as central:
        number, token = central.add_kiosk("Booth")
        key = str(uuid.uuid4())
        body = _body(number, 300, created_at="2026-11-20T09:00:00Z")
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
        assert httpx.post(f"{central.url}/api/v1/requests", json=body, headers=headers).status_code == 201
        exported = {**dict(reversed(list(body.items()))), "created_at": "2026-11-20T12:30:00+03:30"}
        path = tmp_path / "export.json"
        path.write_text(json.dumps(_export(number, [{"idempotency_key": key.upper(), "body": exported}])), "utf-8")
        code, out, err = run(capsys, "import", str(path), "--data-dir", str(data))
        assert (code, err) == (0, "")
        assert "0 new, 1 already there, 0 refused" in out
        assert len(central.requests()) == 1


def test_the_bundled_catalog_publishes(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    from kiosk.core.paths import resources_root

    code, out, err = run(capsys, "catalog", "publish", str(resources_root() / "resources" / "catalog"), "--data-dir",
                         str(data))  # fmt: skip
    assert code == 0, err
    assert "release 1" in out


def test_sealing_key_prints_the_public_key_and_its_fingerprint(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    from kiosk.central import security
    from kiosk.core.sealing import Opener, derive_sealing_key, key_fingerprint, public_key_text

    code, out, err = run(capsys, "sealing-key", "--data-dir", str(data))
    assert (code, err) == (0, "")
    opener = Opener(derive_sealing_key(security.load_or_create_secret(data / "secret.key")))
    assert f'server_key = "{public_key_text(opener.public_key)}"' in out
    assert key_fingerprint(opener.public_key) in out
    assert run(capsys, "sealing-key", "--data-dir", str(data))[1] == out  # the same key every time
    # `kiosk add` says it too, for the kiosk's config.toml.
    code, out, _ = run(capsys, "kiosk", "add", "Sari lobby", "--data-dir", str(data))
    assert code == 0 and f'server_key = "{public_key_text(opener.public_key)}"' in out


def test_import_takes_sealed_answers(capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path) -> None:
    from nacl.public import PrivateKey

    from kiosk.central import security
    from kiosk.core.sealing import Opener, Sealer, derive_sealing_key

    run(capsys, "kiosk", "add", "Offline booth", "--number", "7", "--data-dir", str(data))
    opener = Opener(derive_sealing_key(security.load_or_create_secret(data / "secret.key")))
    ours, theirs = Sealer(opener.public_key), Sealer(bytes(PrivateKey.generate().public_key))

    def sealed(body: dict[str, Any], sealer: Sealer) -> dict[str, Any]:
        return {**{k: v for k, v in body.items() if k != "fields"}, "sealed_fields": sealer.seal(body["fields"])}

    keys = [str(uuid.uuid4()) for _ in range(3)]
    items = [
        {"idempotency_key": keys[0], "body": sealed(_body(7, 100), ours)},
        {"idempotency_key": keys[1], "body": _body(7, 101)},
        {"idempotency_key": keys[2], "body": sealed(_body(7, 102), theirs)},
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(_export(7, items)), encoding="utf-8")
    code, out, err = run(capsys, "import", str(path), "--data-dir", str(data))
    assert code == 1 and "2 new, 0 already there, 1 refused" in out
    assert "requests[2]" in err and "another key" in err and opener.fingerprint in err
    assert "مریم" not in err
    # Again, the first sealed anew and the second sealed now: both already there.
    items[0]["body"] = sealed(_body(7, 100), ours)
    items[1]["body"] = sealed(_body(7, 101), ours)
    path.write_text(json.dumps(_export(7, items[:2])), encoding="utf-8")
    code, out, _ = run(capsys, "import", str(path), "--data-dir", str(data))
    assert code == 0 and "0 new, 2 already there, 0 refused" in out
    store = open_store(Settings(data_dir=data), migrate=False)
    try:
        from sqlalchemy import select

        from kiosk.central.models import CitizenRequest

        with store.db.read() as session:
            rows = list(session.scalars(select(CitizenRequest).order_by(CitizenRequest.id)))
        assert [store.requests.answers(row) for row in rows] == [_body(7, 100)["fields"]] * 2
    finally:
        store.db.dispose()
