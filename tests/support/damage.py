"""An outbox file damaged as a failing disk or a stray write leaves it: one page overwritten, or a
few bytes of one request's text changed, with every request it held known beforehand.

Shared by the tests of the store and the salvage (tests/unit), the kiosk at start and the
technician's commands (tests/reliability), the self-test (tests/packaging) and delivery of a
salvaged outbox to the real server (tests/e2e).
"""

from __future__ import annotations

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
