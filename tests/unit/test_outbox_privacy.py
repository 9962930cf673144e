"""A citizen's answers on the booth PC: sealed when filed, gone once delivered, never exported in clear.

Each test reads the outbox file's bytes (and its WAL) as a thief with the disk would, looking for a
canary name, national ID and mobile number, in UTF-8 and as the digits were typed.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from kiosk.core.catalog import Service, load_catalog
from kiosk.core.paths import resources_root
from kiosk.core.sealing import Opener, derive_sealing_key
from kiosk.outbox import commands
from kiosk.outbox.desk import NO_FLOOR, NO_KEY, DeskContext, RequestDesk
from kiosk.outbox.store import OutboxError, OutboxStore

RESOURCES = resources_root() / "resources"
CANARY = {
    "full_name": "کاناری آزمون‌پور",
    "national_id": "0499370899",
    "mobile": "09127770431",
    "work_type": "new",
    "usage": "residential",
    "postal_code": "4816873451",
}
SERVICE_ID = "sari-municipality.building-permit"


def canaries() -> list[bytes]:
    return [CANARY["full_name"].encode("utf-8"), b"0499370899", b"09127770431", b"4816873451"]


def on_disk(path: Path) -> bytes:
    """Every byte of the outbox a thief would copy: the file, its WAL and shared memory."""
    return b"".join(
        Path(f"{path}{suffix}").read_bytes() for suffix in ("", "-wal", "-shm") if Path(f"{path}{suffix}").exists()
    )


def assert_no_canary(path: Path) -> None:
    data = on_disk(path)
    found = [c.decode("utf-8") for c in canaries() if c in data]
    assert not found, f"{path.name} holds {found} in clear"


@pytest.fixture(scope="module")
def service() -> Service:
    return load_catalog(RESOURCES / "catalog", RESOURCES / "icons").service(SERVICE_ID)


@pytest.fixture
def opener() -> Opener:
    return Opener(derive_sealing_key(os.urandom(32)))


def desk_for(
    store: OutboxStore, server_key: bytes | None, mode: str = "live", delivers: bool = True, heard: bool = True
) -> RequestDesk:
    """The desk of kiosk 7; ``heard``: its server has told the outbox which codes it holds (none)."""
    if heard and delivers:
        store.raise_sequence_floor(7, 0)
    return RequestDesk(store, lambda: DeskContext(7, "sari-lobby", mode, "v1", server_key, delivers))


def test_answers_are_sealed_when_filed_and_only_the_server_opens_them(
    tmp_path: Path, service: Service, opener: Opener
) -> None:
    store = OutboxStore(tmp_path / "outbox.db")
    request = desk_for(store, opener.public_key).submit(service, CANARY)
    assert "fields" not in request.body
    assert opener.open(request.body["sealed_fields"]) == CANARY
    store.close()
    assert_no_canary(tmp_path / "outbox.db")


def test_a_delivered_request_keeps_no_answers_not_even_sealed(tmp_path: Path, service: Service, opener: Opener) -> None:
    path = tmp_path / "outbox.db"
    store = OutboxStore(path)
    request = desk_for(store, opener.public_key).submit(service, CANARY)
    sealed = request.body["sealed_fields"].encode("ascii")
    [claimed] = store.claim_due()
    store.mark_delivered(claimed.id, "ref-1")
    kept = store.get(claimed.id)
    assert set(kept.body) == {"profile", "catalog_version", "tracking_code", "service_id", "agency_id", "mode",
                              "created_at"}  # fmt: skip
    assert (kept.state, kept.tracking_code, kept.service_id) == ("delivered", request.tracking_code, SERVICE_ID)
    store.close()  # the WAL is checkpointed into the file: secure_delete zeroed the old cell
    assert sealed not in on_disk(path)
    assert_no_canary(path)


def test_the_key_the_technician_set_wins_over_the_one_the_server_told(
    tmp_path: Path, service: Service, opener: Opener
) -> None:
    store = OutboxStore(tmp_path / "outbox.db")
    told = Opener(os.urandom(32))
    store.learn_server_key(told.public_key)
    request = desk_for(store, opener.public_key).submit(service, CANARY)
    assert opener.open(request.body["sealed_fields"]) == CANARY
    learned = desk_for(store, None).submit(service, CANARY)
    assert told.open(learned.body["sealed_fields"]) == CANARY


def test_a_kiosk_that_delivers_takes_no_request_before_it_knows_the_key(
    tmp_path: Path, service: Service, opener: Opener
) -> None:
    store = OutboxStore(tmp_path / "outbox.db")
    store.raise_sequence_floor(7, 0)  # it has heard from its server before
    desk = desk_for(store, None)
    assert desk.waiting_for_server() == NO_KEY
    with pytest.raises(OutboxError, match="key is not known"):
        desk.submit(service, CANARY)
    assert store.pending() == []  # no row, so no tracking code exists
    assert store.learn_server_key(opener.public_key) is True
    assert store.learn_server_key(opener.public_key) is False  # told again: nothing new
    assert desk.waiting_for_server() == ""
    assert opener.open(desk.submit(service, CANARY).body["sealed_fields"]) == CANARY


def test_a_demo_kiosk_with_nowhere_to_deliver_keeps_no_answers(tmp_path: Path, service: Service) -> None:
    store = OutboxStore(tmp_path / "outbox.db")
    desk = desk_for(store, None, mode="demo", delivers=False)
    assert desk.waiting_for_server() == ""
    request = desk.submit(service, CANARY)
    assert request.tracking_code and not {"fields", "sealed_fields"} & set(request.body)
    store.close()
    assert_no_canary(tmp_path / "outbox.db")


def version_2_outbox(path: Path) -> None:
    """An outbox as the kiosk before sealing left it: answers in clear, one delivered, one waiting."""
    db = sqlite3.connect(path)
    from kiosk.outbox.store import _MIGRATIONS

    db.executescript(_MIGRATIONS[0] + _MIGRATIONS[1] + "PRAGMA user_version = 2;")
    for n, state in enumerate(("delivered", "pending", "rejected"), start=1):
        code = f"00700000{n:03d}"
        body = {"profile": "sari-lobby", "catalog_version": "v1", "fields": CANARY, "tracking_code": code}
        db.execute(
            "INSERT INTO requests (idempotency_key, tracking_code, service_id, agency_id, mode, body, state,"
            " next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, 'sari-municipality', 'live', ?, ?, 0, ?, ?)",
            (f"key-{n}", code, SERVICE_ID, json.dumps(body, ensure_ascii=False), state, "2026-11-01T08:00:00Z",
             "2026-11-01T08:00:00Z"),
        )  # fmt: skip
    db.commit()
    db.close()


def test_an_outbox_from_before_sealing_loses_delivered_answers_and_seals_the_rest(
    tmp_path: Path, opener: Opener
) -> None:
    path = tmp_path / "outbox.db"
    version_2_outbox(path)
    store = OutboxStore(path)
    assert not list(tmp_path.glob("outbox.db.before-upgrade-*")), "a backup would keep the answers in clear"
    delivered, pending = store.get(1), store.get(2)
    assert "fields" not in delivered.body and pending.body["fields"] == CANARY  # no key yet: kept to deliver
    store.learn_server_key(opener.public_key)
    assert [opener.open(store.get(n).body["sealed_fields"]) for n in (2, 3)] == [CANARY, CANARY]
    store.close()
    assert_no_canary(path)


def test_an_export_holds_sealed_answers_only(tmp_path: Path, service: Service, opener: Opener) -> None:
    path = tmp_path / "outbox.db"
    version_2_outbox(path)
    store = OutboxStore(path)
    target = tmp_path / "usb" / "export.json"
    # Before the key is known, the request from before sealing is left out, and the command says so.
    assert commands.export(store, target, 7, out=(said := _Out())) == 1
    assert "left out" in said.text
    assert_no_canary(target)
    store.learn_server_key(opener.public_key)
    desk_for(store, None).submit(service, CANARY)
    assert commands.export(store, target, 7, out=_Out()) == 0
    exported = json.loads(target.read_text(encoding="utf-8"))["requests"]
    assert len(exported) == 2  # the waiting one from before sealing, and the new one
    assert all(opener.open(r["body"]["sealed_fields"]) == CANARY for r in exported)
    assert_no_canary(target)


class _Out:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass


def test_a_new_outbox_issues_no_code_before_the_server_says_which_it_holds(
    tmp_path: Path, service: Service, opener: Opener
) -> None:
    """A replaced PC (same kiosk number), set up with the server's key, offline at its first
    citizens: the codes of the one it replaces may have run ahead of the clock, so none is issued
    until the server's answer to a heartbeat tells its highest sequence (0: none held)."""
    lost = OutboxStore(tmp_path / "lost.db")
    lost.raise_sequence_floor(7, 0)
    issued = {desk_for(lost, opener.public_key).submit(service, CANARY).tracking_code for _ in range(50)}
    new = OutboxStore(tmp_path / "new.db")
    desk = desk_for(new, opener.public_key, heard=False)
    assert desk.waiting_for_server() == NO_FLOOR
    with pytest.raises(OutboxError, match="has not said yet"):
        desk.submit(service, CANARY)
    new.raise_sequence_floor(7, max(int(code[3:11]) for code in issued))  # the heartbeat's answer
    assert desk.waiting_for_server() == ""
    fresh = {desk.submit(service, CANARY).tracking_code for _ in range(50)}
    assert not issued & fresh
    demo = OutboxStore(tmp_path / "demo.db")  # a demo kiosk with no server: nobody to ask, codes from the clock
    assert desk_for(demo, None, mode="demo", delivers=False).submit(service, CANARY).tracking_code
