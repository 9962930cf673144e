"""The store's named queries the dashboard reads through, called directly, over SQLite and PostgreSQL:
what each returns, in what order, and that a staff member sees only their agencies' data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from harness.central_server import RunningCentral
from kiosk.central.clock import utcnow
from kiosk.central.models import User
from kiosk.central.schemas import HeartbeatIn
from kiosk.central.store import requests as requests_module
from kiosk.central.store.kiosks import FleetCriteria, highest_code_query
from kiosk.central.store.requests import PageKey, RequestCriteria
from tests.support.dashboard import civil_request as civil
from tests.support.dashboard import staff_member as staff
from tests.support.dashboard import store_request as submit
from tests.support.kiosk_client import KioskClient


def test_page_is_newest_first_counted_and_paged_by_key(central: RunningCentral, kiosk: KioskClient) -> None:
    sara = staff(central, "sara", [])
    references = [submit(central, kiosk, created_at=f"2026-11-2{day}T10:00:00Z") for day in range(1, 6)]
    requests = central.store.requests
    first = requests.page(RequestCriteria(), sara, size=2)
    assert (first.total, first.more, [r.id for r in first.rows]) == (5, False, references[:-3:-1])
    assert first.newer is None and first.older is not None and first.older.id == references[-2]
    second = requests.page(RequestCriteria(), sara, size=2, after=first.older)
    assert [r.id for r in second.rows] == references[-3:-5:-1]
    assert second.newer is not None and second.newer.id == references[-3]
    last = requests.page(RequestCriteria(), sara, size=2, after=second.older)
    assert ([r.id for r in last.rows], last.older) == (references[:1], None)
    # Back from the last page: the page before it, then the first page whole again.
    assert last.newer is not None
    back = requests.page(RequestCriteria(), sara, size=2, before=last.newer)
    assert ([r.id for r in back.rows], back.older, back.newer) == (
        [r.id for r in second.rows],
        second.older,
        second.newer,
    )
    top = requests.page(RequestCriteria(), sara, size=2, before=back.newer)
    assert ([r.id for r in top.rows], top.newer) == ([r.id for r in first.rows], None)
    assert first.rows[0].kiosk.number == kiosk.number  # read with its kiosk, for the page to show
    assert (first.agencies, first.services) == (["water"], ["water.connection"])


def test_page_key_reads_back_and_refuses_a_mangled_link() -> None:
    key = PageKey(datetime(2026, 12, 7, 10, 30, 0, 123456, tzinfo=UTC), 4711)
    assert key.text() == "20261207103000123456-4711"
    assert PageKey.parse(key.text()) == key
    for mangled in ("", "4711", "20261207103000123456", "20261307103000123456-1", "20261207103000123456-0",
                    "20261207103000123456-99999999999999999999", "20261207103000123456-1 OR 1=1"):  # fmt: skip
        assert PageKey.parse(mangled) is None


def test_page_counts_up_to_the_limit(
    central: RunningCentral, kiosk: KioskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(requests_module, "COUNT_LIMIT", 3)
    sara = staff(central, "sara", [])
    for day in range(1, 6):
        submit(central, kiosk, created_at=f"2026-11-2{day}T10:00:00Z")
    page = central.store.requests.page(RequestCriteria(), sara, size=2)
    assert (page.total, page.more) == (3, True)


def test_page_applies_every_criterion(central: RunningCentral, kiosk: KioskClient) -> None:
    sara = staff(central, "sara", [])
    water = submit(central, kiosk, created_at="2026-11-23T10:00:00Z")
    duplicate = submit(central, kiosk, created_at="2026-11-23T10:05:00Z")
    bill = submit(central, kiosk, service_id="water.bill", created_at="2026-11-10T10:00:00Z")
    demo = submit(central, kiosk, mode="demo", created_at="2026-11-01T10:00:00Z")
    birth = submit(central, kiosk, **civil(9))
    central.store.requests.set_status(bill, "done", None)
    code = central.store.requests.page(RequestCriteria(), sara, 50).rows[-1].tracking_code  # the first stored
    now = utcnow()

    def found(**criteria: Any) -> list[int]:
        return sorted(r.id for r in central.store.requests.page(RequestCriteria(**criteria), sara, 50).rows)

    assert found() == sorted([water, duplicate, bill, demo, birth])
    assert found(mode="live") == sorted([water, duplicate, bill, birth])
    assert found(mode="demo") == [demo]
    assert found(agency_id="civil") == [birth]
    assert found(service_id="water.bill") == [bill]
    assert found(status="done") == [bill]
    assert found(duplicates_only=True) == [duplicate]
    assert found(tracking_code=code) == [water]
    assert found(tracking_code="") == []  # a code of no digits at all matches nothing
    assert found(received_from=now - timedelta(hours=1), received_before=now + timedelta(hours=1)) == found()
    assert found(received_from=now + timedelta(hours=1)) == []
    assert found(received_before=now - timedelta(hours=1)) == []


def test_page_shows_a_staff_member_only_their_agencies(central: RunningCentral, kiosk: KioskClient) -> None:
    submit(central, kiosk)
    birth = submit(central, kiosk, **civil(9))
    reza = staff(central, "reza", ["civil", "roads"])
    page = central.store.requests.page(RequestCriteria(), reza, 50)
    assert (page.total, [r.id for r in page.rows]) == (1, [birth])
    # The filter offers the agencies he works for even where no request has come yet, and no other.
    assert (page.agencies, page.services) == (["civil", "roads"], ["civil.birth"])
    asked_for_water = central.store.requests.page(RequestCriteria(agency_id="water"), reza, 50)
    assert (asked_for_water.total, asked_for_water.rows) == (0, [])
    nobody = User(id=0, name="nobody", all_agencies=False, agencies=[])
    assert central.store.requests.page(RequestCriteria(), nobody, 50).total == 0


def test_export_rows_are_oldest_first_and_scoped(central: RunningCentral, kiosk: KioskClient) -> None:
    stored = [submit(central, kiosk, created_at=f"2026-11-2{day}T10:00:00Z") for day in range(1, 4)]
    birth = submit(central, kiosk, **civil(9))
    everyone = list(central.store.requests.export_rows(RequestCriteria(), staff(central, "sara", [])))
    assert [r.id for r in everyone] == [*stored, birth]
    assert {r.kiosk.number for r in everyone} == {kiosk.number}
    reza = staff(central, "reza", ["civil"])
    assert [r.id for r in central.store.requests.export_rows(RequestCriteria(), reza)] == [birth]
    assert list(central.store.requests.export_rows(RequestCriteria(agency_id="water"), reza)) == []


def test_detail_has_the_duplicates_both_ways_and_who_changed_the_status(
    central: RunningCentral, kiosk: KioskClient
) -> None:
    first = submit(central, kiosk, created_at="2026-11-23T10:00:00Z")
    second = submit(central, kiosk, created_at="2026-11-23T10:05:00Z")
    third = submit(central, kiosk, created_at="2026-11-23T10:09:00Z")
    submit(central, kiosk, **civil(10))
    sara = staff(central, "sara", ["water"])
    central.store.requests.set_status(first, "in_review", None)  # from the command line: nobody named
    central.store.requests.set_status(first, "rejected", "  مدارک ناقص است ", by=sara)
    detail = central.store.requests.detail(first, sara)
    assert detail is not None
    assert (detail.row.id, detail.row.status, detail.row.kiosk.number) == (first, "rejected", kiosk.number)
    assert [r.id for r in detail.related] == [second, third]  # both flagged as duplicates of the first
    assert [(h.status, h.reason, h.by) for h in detail.history] == [
        ("received", None, None), ("in_review", None, None), ("rejected", "مدارک ناقص است", "sara"),
    ]  # fmt: skip
    later = central.store.requests.detail(third, sara)
    assert later is not None and [r.id for r in later.related] == [first]  # the one it is a duplicate of
    assert central.store.requests.detail(first, staff(central, "reza", ["civil"])) is None
    assert central.store.requests.detail(10**9, sara) is None


def test_staff_cannot_set_the_status_of_another_agencys_request(central: RunningCentral, kiosk: KioskClient) -> None:
    water = submit(central, kiosk)
    reza = staff(central, "reza", ["civil"])
    for status in ("done", "no such status"):  # refused as unseen before the status is looked at
        with pytest.raises(LookupError):
            central.store.requests.set_status(water, status, None, by=reza)
    with pytest.raises(LookupError):
        central.store.requests.set_status(10**9, "done", None, by=staff(central, "sara", []))
    [row] = central.requests()
    assert row["status"] == "received"
    with pytest.raises(ValueError, match="reason"):
        central.store.requests.set_status(water, "rejected", " ", by=staff(central, "mina", ["water"]))


def test_fleet_is_every_kiosk_by_number_with_its_latest_heartbeat(central: RunningCentral) -> None:
    central.add_kiosk("Festival", 7)
    central.add_kiosk("Sari lobby", 2)
    central.revoke_kiosk(7)
    sari = central.store.kiosks.by_number(2)
    assert sari is not None
    for depth in (5, 3):
        beat = HeartbeatIn(version="0.3.1", profile="sari-lobby", mode="live", catalog_version="1",
                           queue_depth=depth, oldest_pending_seconds=60.0, rejected=0, last_error=None)  # fmt: skip
        central.store.kiosks.record_heartbeat(sari.id, beat)
    fleet = central.store.kiosks.fleet()
    assert [(k.number, k.name) for k in fleet] == [(2, "Sari lobby"), (7, "Festival")]
    assert (fleet[0].queue_depth, fleet[0].profile, fleet[0].revoked_at) == (3, "sari-lobby", None)
    assert fleet[0].last_seen_at is not None
    assert (fleet[1].revoked_at is not None, fleet[1].last_seen_at) == (True, None)


def test_the_highest_sequence_of_a_kiosk_is_one_step_on_the_tracking_code_index(central: RunningCentral) -> None:
    """Every heartbeat asks it: it must not read a busy kiosk's requests one by one."""
    query = highest_code_query(7).compile(central.store.db.engine, compile_kwargs={"literal_binds": True})
    with central.store.db.engine.connect() as connection:
        if central.store.db.dialect == "postgresql":
            connection.execute(text("SET enable_seqscan = off"))  # an empty table: the planner would scan it
            plan = " ".join(row[0] for row in connection.execute(text(f"EXPLAIN {query}")))
            assert "Index Only Scan Backward using ix_requests_tracking_code" in plan, plan
            assert "Sort" not in plan, plan
        else:
            plan = " ".join(row[-1] for row in connection.execute(text(f"EXPLAIN QUERY PLAN {query}")))
            assert "USING COVERING INDEX ix_requests_tracking_code (tracking_code>? AND tracking_code<?)" in plan, plan
            assert "TEMP B-TREE" not in plan, plan


def test_fleet_page_filters_silent_backlog_and_behind_catalog_and_pages_by_number(central: RunningCentral) -> None:
    for number in range(1, 8):
        central.add_kiosk(f"kiosk {number}", number)
    central.revoke_kiosk(7)  # never heard from, but revoked: not silent
    kiosks = central.store.kiosks

    def beat(number: int, depth: int, catalog: str, refused: str | None = None) -> None:
        row = kiosks.by_number(number)
        assert row is not None
        kiosks.record_heartbeat(row.id, HeartbeatIn(version="0.3.1", profile="p", mode="live", catalog_version=catalog,
                                                    queue_depth=depth, oldest_pending_seconds=None, rejected=0,
                                                    last_error=None, catalog_refused=refused))  # fmt: skip

    beat(1, 0, "v2")
    beat(2, 4, "v1", refused="catalog: agencies[0].icon: 'ship' is not one of the kiosk's icons")
    # kiosk 2 has a backlog, and an older catalog than the newest (v2): it refused v2, and said why
    beat(3, 0, "v2")
    with central.store.db.write() as session:  # kiosk 3 last heard from two hours ago
        session.execute(
            text("UPDATE kiosks SET last_seen_at = :at WHERE number = 3"), {"at": utcnow() - timedelta(hours=2)}
        )

    def numbers(size: int = 50, after: int | None = None, **criteria: Any) -> list[int]:
        return [k.number for k in kiosks.fleet_page(FleetCriteria(**criteria), size, after=after).kiosks]

    assert numbers() == [1, 2, 3, 4, 5, 6, 7]
    assert numbers(silent_since=utcnow() - timedelta(hours=1)) == [3, 4, 5, 6]  # 4-6: never, 7: revoked
    assert numbers(backlog=True) == [2]
    assert numbers(behind_catalog="v2") == [2, 4, 5, 6]  # no heartbeat yet: no catalog of the newest either
    assert numbers(refused_catalog=True) == [2]
    first = kiosks.fleet_page(FleetCriteria(), 3)
    assert ([k.number for k in first.kiosks], first.next_after, first.previous_before) == ([1, 2, 3], 3, None)
    second = kiosks.fleet_page(FleetCriteria(), 3, after=first.next_after)
    assert ([k.number for k in second.kiosks], second.next_after, second.previous_before) == ([4, 5, 6], 6, 4)
    last = kiosks.fleet_page(FleetCriteria(), 3, after=second.next_after)
    assert ([k.number for k in last.kiosks], last.next_after) == ([7], None)
    back = kiosks.fleet_page(FleetCriteria(), 3, before=last.previous_before)
    assert [k.number for k in back.kiosks] == [4, 5, 6]
    top = kiosks.fleet_page(FleetCriteria(), 3, before=back.previous_before)
    assert ([k.number for k in top.kiosks], top.previous_before) == ([1, 2, 3], None)
