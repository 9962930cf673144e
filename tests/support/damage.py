"""An outbox file damaged as a failing disk or a stray write leaves it: one page overwritten, or a
few bytes of one request's text changed, with every request it held known beforehand.

Shared by the tests of the store and the salvage (tests/unit), the kiosk at start and the
technician's commands (tests/reliability), the self-test (tests/packaging) and delivery of a
salvaged outbox to the real server (tests/e2e).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from kiosk.outbox.store import OutboxRequest, OutboxStore

PAGE_SIZE = 4096  # SQLite's default, the outbox's
# Long enough that a page holds a handful of requests: a damaged page takes a few, not all.
NAME = "زهرا حسین‌زاده " * 12
FIELDS = {"full_name": NAME, "national_id": "0012345679", "mobile": "09111234567"}


def outbox_with(path: Path, n: int, number: int = 7) -> list[OutboxRequest]:
    """A closed outbox holding ``n`` pending requests (committed without fsync: a test's own file)."""
    store = OutboxStore(path)
    store._db.execute("PRAGMA synchronous=OFF")  # the test reaches in: hundreds of fsyncs buy nothing here
    body = {"profile": "festival", "catalog_version": "t", "fields": FIELDS}
    requests = [store.enqueue(number, "mazandaran-water.new-connection", "mazandaran-water", "demo", body)
                for _ in range(n)]  # fmt: skip
    store.close()
    return requests


def page_holding(path: Path, request: OutboxRequest) -> int:
    """The number (from 0) of the table page that holds ``request`` (its body names its code; an
    index page holds the code alone)."""
    needle = f'"tracking_code": "{request.tracking_code}"'.encode()
    data = path.read_bytes()
    at = data.find(needle)
    assert at >= 0 and data.find(needle, at + 1) < 0, "the request is not in the file exactly once"
    return at // PAGE_SIZE


def overwrite_page(path: Path, page: int) -> bytes:
    """Overwrite one page with what a failing disk returns (neither zeros nor the old data); the
    file's new bytes."""
    data = bytearray(path.read_bytes())
    data[page * PAGE_SIZE : (page + 1) * PAGE_SIZE] = bytes((i * 7 + 13) % 256 for i in range(PAGE_SIZE))
    path.write_bytes(bytes(data))
    return bytes(data)


def requests_on_page(path: Path, page: int, requests: list[OutboxRequest]) -> list[OutboxRequest]:
    """Which of ``requests`` the table page ``page`` holds (read before it is damaged)."""
    data = path.read_bytes()[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    return [r for r in requests if f'"tracking_code": "{r.tracking_code}"'.encode() in data]


def rows_in(path: Path) -> dict[str, tuple[str, str]]:
    """tracking code -> (idempotency key, state) of every request in an intact outbox file."""
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT tracking_code, idempotency_key, state FROM requests").fetchall()
    db.close()
    return {code: (key, state) for code, key, state in rows}


def garble(path: Path, request: OutboxRequest) -> None:
    """Change a few bytes inside one request's stored text, where no page check looks (``PRAGMA
    quick_check`` still says ok): the text can no longer be decoded."""
    needle = f'"tracking_code": "{request.tracking_code}"'.encode()
    data = bytearray(path.read_bytes())
    at = data.find(needle)
    assert at >= 0
    data[at + len(needle) + 4 : at + len(needle) + 14] = b"\xff" * 10
    path.write_bytes(bytes(data))


def _varint(data: bytes, at: int) -> tuple[int, int]:
    """SQLite's variable-length integer at ``at``: (its value, where the next field starts)."""
    value = 0
    for i in range(8):
        byte = data[at + i]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + i + 1
    return (value << 8) | data[at + 8], at + 9


def root_page(path: Path, name: str) -> int:
    """The number (from 0, as ``overwrite_page`` takes it) of the root page of a table or index."""
    db = sqlite3.connect(path)
    try:
        return int(db.execute("SELECT rootpage FROM sqlite_schema WHERE name = ?", (name,)).fetchone()[0]) - 1
    finally:
        db.close()


def table_leaves(path: Path, table: str = "requests") -> dict[int, list[int]]:
    """Every leaf page of ``table`` (numbered from 0) with the rowids its cells hold, found by walking
    the table's b-tree in the file as SQLite does (rows a change left behind in free space are not
    counted). For a closed outbox, whose write-ahead log has been folded into the file."""
    if Path(f"{path}-wal").exists():
        assert Path(f"{path}-wal").stat().st_size == 0, "the outbox is open: its latest pages are in its log"
    root = root_page(path, table) + 1
    data = path.read_bytes()
    size = int.from_bytes(data[16:18], "big")
    size = 65536 if size == 1 else size
    leaves: dict[int, list[int]] = {}

    def walk(number: int) -> None:
        start = (number - 1) * size
        header = start + (100 if number == 1 else 0)
        kind, cells = data[header], int.from_bytes(data[header + 3 : header + 5], "big")
        pointers = header + (12 if kind == 0x05 else 8)
        offsets = [start + int.from_bytes(data[pointers + 2 * i : pointers + 2 * i + 2], "big") for i in range(cells)]
        if kind == 0x05:  # interior: a left child per cell, then the right-most child
            for at in offsets:
                walk(int.from_bytes(data[at : at + 4], "big"))
            walk(int.from_bytes(data[header + 8 : header + 12], "big"))
        elif kind == 0x0D:  # leaf: payload size, then the rowid
            leaves[number - 1] = [_varint(data, _varint(data, at)[1])[0] for at in offsets]
        else:
            raise AssertionError(f"page {number} of {table} is of kind {kind}, not a table page")

    walk(root)
    return leaves


def overwrite_page_in_place(path: Path, page: int) -> None:
    """``overwrite_page`` on a file a process has open: only that page is written, where it is."""
    with path.open("r+b") as file:
        file.seek(page * PAGE_SIZE)
        file.write(bytes((i * 7 + 13) % 256 for i in range(PAGE_SIZE)))
        file.flush()
        os.fsync(file.fileno())
