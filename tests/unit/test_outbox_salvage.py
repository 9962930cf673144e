"""kiosk.outbox.salvage: every request SQLite can still read in a damaged outbox is re-queued into a
working one with its own idempotency key and tracking code; the damaged file is never changed."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from kiosk.outbox.salvage import kept_aside, open_salvaging, read_damaged, salvage_into
from kiosk.outbox.store import OutboxStore
from tests.support.damage import outbox_with, overwrite_page, page_holding, requests_on_page, rows_in


def test_every_readable_request_is_re_queued_with_its_key_and_code(tmp_path: Path) -> None:
    damaged = tmp_path / "outbox.db.damaged-20260301T101010Z"
    requests = outbox_with(damaged, 120)
    page = page_holding(damaged, requests[60])
    lost = requests_on_page(damaged, page, requests)
    assert 0 < len(lost) < 10
    before = overwrite_page(damaged, page)

    store = OutboxStore(tmp_path / "outbox.db")
    result = salvage_into(store, damaged)
    assert damaged.read_bytes() == before, "the damaged file was changed"
    assert (len(result.found.rows), result.found.lost, result.taken.requeued) == (
        120 - len(lost),
        len(lost),
        120 - len(lost),
    )
    assert not result.complete and f"{len(lost)} could not be read" in result.summary()
    kept = {r.tracking_code: r for r in store.pending()}
    assert set(kept) == {r.tracking_code for r in requests} - {r.tracking_code for r in lost}
    for original in requests:
        if original.tracking_code in kept:
            again = kept[original.tracking_code]
            assert (again.idempotency_key, again.body, again.created_at) == (
                original.idempotency_key, original.body, original.created_at
            )  # fmt: skip
    # New codes carry on above every salvaged one (two requests never share a code).
    new = store.enqueue(7, "mazandaran-water.new-connection", "mazandaran-water", "demo", {"fields": {}})
    assert int(new.tracking_code[3:11]) > max(int(r.tracking_code[3:11]) for r in requests)
    # Salvaging the same file again adds nothing.
    again = salvage_into(store, damaged)
    assert (again.taken.requeued, again.taken.already) == (0, 120 - len(lost))
    assert store.health().counts["pending"] == 120 - len(lost) + 1
    store.close()


def test_a_healthy_file_an_older_kiosk_kept_aside_is_taken_up_whole_at_the_next_open(tmp_path: Path) -> None:
    """Older kiosks kept aside, as "damaged", outboxes they only could not open (a full disk, a
    lock) and never read them again: the next open re-queues them, once."""
    outbox = tmp_path / "outbox.db"
    requests = outbox_with(outbox, 6)
    store = OutboxStore(outbox)
    store.mark_delivered(store.claim_due(limit=1)[0].id, "ref-1")
    store.mark_rejected(store.claim_due(limit=1)[0].id, "HTTP 422: service withdrawn")
    store.close()
    aside = tmp_path / "outbox.db.damaged-20260101T000000Z"
    outbox.rename(aside)

    store, salvaged = open_salvaging(outbox)
    assert [s.source for s in salvaged] == [aside] and salvaged[0].complete
    assert rows_in(outbox) == rows_in(aside)
    assert [r.last_error for r in store.rejected()] == ["HTTP 422: service withdrawn"]
    assert store.find_by_tracking_code(requests[0].tracking_code).state == "delivered"
    assert len(store.pending()) == 4
    store.close()
    store, salvaged = open_salvaging(outbox)
    assert salvaged == [], "a file is salvaged once"
    store.close()


def test_a_damaged_outbox_is_kept_aside_and_its_requests_go_to_a_new_one(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.db"
    requests = outbox_with(outbox, 80)
    lost = requests_on_page(outbox, page_holding(outbox, requests[10]), requests)
    damaged = overwrite_page(outbox, page_holding(outbox, requests[10]))

    store, salvaged = open_salvaging(outbox)
    (aside,) = kept_aside(outbox)
    assert aside.read_bytes() == damaged
    assert [s.source for s in salvaged] == [aside]
    assert {r.tracking_code for r in store.pending()} == {r.tracking_code for r in requests if r not in lost}
    store.close()


def test_requests_still_in_the_write_ahead_log_are_salvaged(tmp_path: Path) -> None:
    """The latest commits may be only in outbox.db-wal when the kiosk stopped: the copy read takes it."""
    live = tmp_path / "live" / "outbox.db"
    requests = outbox_with(live, 5)
    store = OutboxStore(live)
    store._db.execute("PRAGMA wal_autocheckpoint=0")  # keep what follows in the log only
    later = store.enqueue(7, "mazandaran-water.new-connection", "mazandaran-water", "demo", {"fields": {}})
    aside = tmp_path / "outbox.db.damaged-x"
    shutil.copyfile(live, aside)
    shutil.copyfile(Path(f"{live}-wal"), Path(f"{aside}-wal"))
    store.close()
    found = read_damaged(aside)
    assert [r["tracking_code"] for r in found.rows] == [r.tracking_code for r in [*requests, later]]


def test_garbage_reads_nothing_and_says_so(tmp_path: Path) -> None:
    garbage = tmp_path / "outbox.db.damaged-y"
    garbage.write_bytes(b"not a database" * 1000)
    store = OutboxStore(tmp_path / "outbox.db")
    result = salvage_into(store, garbage)
    assert not result.complete and result.found.rows == []
    assert "cannot read its table of requests at all" in result.summary()
    store.close()


def test_a_code_another_request_already_has_is_not_taken(tmp_path: Path) -> None:
    """A replaced outbox may have issued a code again (issue 20, item 6): the salvaged request with
    it stays in its file, named, rather than two requests sharing one code."""
    aside = tmp_path / "outbox.db.damaged-z"
    (old,) = outbox_with(aside, 1)
    store = OutboxStore(tmp_path / "outbox.db")
    with sqlite3.connect(aside) as db:
        db.row_factory = sqlite3.Row
        (row,) = [dict(r) for r in db.execute("SELECT * FROM requests")]
    db.close()
    store.take_over([{**row, "idempotency_key": "another request's key"}], 0, "elsewhere")
    result = salvage_into(store, aside)
    assert result.taken.clashes == [old.tracking_code] and not result.complete
    assert old.tracking_code in result.summary()
    store.close()
