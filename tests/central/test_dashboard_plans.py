"""The staff list's query plans, on SQLite and PostgreSQL: every statement the list page sends that
reads ``requests`` (captured through SQLAlchemy's ``before_cursor_execute`` event, as the page sends
it, parameters and all) walks an index, never the table, and never sorts; and each filter the page
offers walks its own index, from the page's key on. At a million requests a full scan or a sort is
what made the list slow (issue 21); on a test's few rows the plan is the only witness of it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import event, text

from harness.central_server import RunningCentral
from tests.support.dashboard import civil_request as civil
from tests.support.dashboard import login
from tests.support.dashboard import staff_member as staff
from tests.support.dashboard import store_request as submit
from tests.support.kiosk_client import KioskClient

# Each filter of the list, as its link says it, and the index the list walks for it.
FILTERS = {
    "": "ix_requests_mode_received",  # the default list: live requests
    "mode=all": "ix_requests_mode_received",  # live and demo, each walked, merged
    "mode=demo": "ix_requests_mode_received",
    "agency=water": "ix_requests_agency_received",
    "service=water.connection": "ix_requests_service_received",
    "status=received": "ix_requests_status_received",
    "agency=water&status=received": "ix_requests_agency_status_received",
    "duplicates=1": "ix_requests_duplicates_received",
    "from=1400/01/01&to=1499/12/29": "ix_requests_mode_received",
    "code=000000000000": "ix_requests_tracking_code",
}


@contextmanager
def statements(central: RunningCentral) -> Iterator[list[tuple[str, Any]]]:
    """What the server sends the database about requests while the block runs."""
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if re.search(r"\brequests\b", statement) and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    engine = central.store.db.engine
    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def plan_of(central: RunningCentral, statement: str, parameters: Any) -> str:
    with central.store.db.engine.connect() as connection:
        if central.store.db.dialect == "postgresql":
            # A test's few rows: the planner would read the whole table, which costs nothing here.
            connection.execute(text("SET enable_seqscan = off"))
            connection.execute(text("SET enable_sort = off"))
            rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
            return "\n".join(row[0] for row in rows)
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        return "\n".join(row[-1] for row in rows)


def full_reads(plan: str, dialect: str, one_code: bool) -> list[str]:
    """The plan's lines that read the requests table whole, or sort. (Reading the partial index of
    possible duplicates from its start is no such read: it holds those requests only; and the
    requests of one tracking code, one at most, may be sorted.)"""
    if dialect == "postgresql":
        pattern = r"Seq Scan on requests" + ("" if one_code else r"|Sort\b")
    else:
        pattern = r"\bSCAN (requests|r)\b(?! USING INDEX ix_requests_duplicates_received$)"
        pattern += "" if one_code else "|TEMP B-TREE"
    return [line for line in plan.splitlines() if re.search(pattern, line)]


@pytest.fixture
def stored(central: RunningCentral, kiosk: KioskClient) -> None:
    for day in range(1, 8):
        submit(central, kiosk, created_at=f"2026-11-2{day}T10:00:00Z")  # the later ones: possible duplicates
    submit(central, kiosk, mode="demo")
    submit(central, kiosk, **civil(9))
    staff(central, "sara", [])  # every agency
    staff(central, "reza", ["water", "civil"])  # two: each walked, merged


@pytest.mark.parametrize("name", ["sara", "reza"])
@pytest.mark.parametrize("query", list(FILTERS))
def test_each_filter_of_the_list_walks_its_index(central: RunningCentral, stored: None, name: str, query: str) -> None:
    expected = FILTERS[query]
    if name == "reza" and expected == "ix_requests_mode_received":
        expected = "ix_requests_agency_received"  # his agencies are the narrower walk
    if name == "reza" and expected == "ix_requests_status_received":
        expected = "ix_requests_agency_status_received"  # his agencies' requests of that status
    with login(central, name) as client:
        first = client.get(f"/requests?{query}&mode=all" if "mode" not in query else f"/requests?{query}")
        assert first.status_code == 200, first.text
        with statements(central) as seen:
            deeper = _deeper(client, first, query)
            assert deeper.status_code == 200
    assert seen, "the page read no request"
    dialect = central.store.db.dialect
    walked = []
    for statement, parameters in seen:
        plan = plan_of(central, statement, parameters)
        assert full_reads(plan, dialect, "tracking_code = " in statement) == [], f"{statement}\n{plan}"
        if "received_at" in statement.split("FROM")[0] and "ORDER BY" in statement:  # the page's keys
            walked.append(plan)
    accepted = [expected]
    if dialect == "postgresql" and expected == "ix_requests_agency_status_received":
        # Two equalities, each the start of an index: on a test's few rows PostgreSQL's costs may
        # pick either (the other is then a filter); at scale its statistics pick the narrower.
        accepted.append("ix_requests_status_received")
    assert walked and all(any(name in plan for name in accepted) for plan in walked), walked


def _deeper(client: httpx.Client, first: httpx.Response, query: str) -> httpx.Response:
    """The next page when there is one (a key to walk from), else the first page again."""
    found = re.search(r'href="/requests\?([^"]*after=[^"]*)"', first.text)
    if found is None:
        return client.get(f"/requests?{query}")
    link = found.group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit("?" + link).query)["after"]
    return client.get(f"/requests?{link}")


@pytest.mark.parametrize("name", ["sara", "reza"])
@pytest.mark.parametrize("query", ["service=water.connection", "agency=water", "status=received", "duplicates=1"])
def test_an_export_reads_its_batches_along_the_primary_key(
    central: RunningCentral, stored: None, name: str, query: str
) -> None:
    """Each batch of an export continues from the last id read: along the primary key, never an
    index in the list's order whose rows would be sorted by id again for every batch."""
    with login(central, name) as client, statements(central) as seen:
        assert client.get(f"/requests.zip?{query}&mode=all").status_code == 200
    batches = [(statement, parameters) for statement, parameters in seen if "requests.id > " in statement]
    assert batches, seen
    dialect = central.store.db.dialect
    for statement, parameters in batches:
        plan = plan_of(central, statement, parameters)
        assert full_reads(plan, dialect, one_code=False) == [], f"{statement}\n{plan}"
        assert re.search(r"INTEGER PRIMARY KEY \(rowid>\?|Index Scan using pk_requests", plan), plan
