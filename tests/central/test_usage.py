"""The organisers' numbers: sessions derived from the events kiosks send, the report's figures per
agency, service, day and profile (demo and live apart, nothing drawn from fewer than five sessions),
the usage page that shows them, and the charts' axes. Over SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text

from harness.central_server import RunningCentral
from kiosk.central import charts
from kiosk.central.dashboard import SESSION_COOKIE
from kiosk.central.jalali import local_zone, persian_number
from kiosk.central.models import UsageEvent, User
from kiosk.central.store.usage import HIDDEN, UsageQuery, UsageRow
from kiosk.core.persian import to_ascii_digits
from tests.support.kiosk_client import KioskClient

PASSWORD = "correct horse battery"
FEW = "\u2066<۵\u2069"  # «<۵», kept left-to-right in the right-to-left page


# --- the events of a known set of sessions ------------------------------------------------------


@dataclass
class Visit:
    """One citizen's session at a kiosk, as the kiosk sends it: its events, then ``session_ended``."""

    at: datetime
    profile: str = "sari-lobby"
    mode: str = "live"
    events: list[dict[str, Any]] = field(default_factory=list)

    def _add(self, kind: str, service_id: str | None, seconds: float | None = None) -> Visit:
        event = {
            "kind": kind, "service_id": service_id, "agency_id": service_id.split(".")[0] if service_id else None,
            "at": (self.at + timedelta(seconds=len(self.events))).isoformat(), "profile": self.profile,
            "mode": self.mode,
        }  # fmt: skip
        if seconds is not None:
            event["duration_seconds"] = seconds
        self.events.append(event)
        return self

    def view(self, service_id: str, seconds: float | None = None) -> Visit:
        return self._add("service_viewed", service_id, seconds)

    def start(self, service_id: str) -> Visit:
        return self._add("request_started", service_id)

    def file(self, service_id: str) -> Visit:
        return self._add("request_submitted", service_id)

    def ended(self) -> list[dict[str, Any]]:
        return self._add("session_ended", None, 60.0).events


def known_sessions(now: datetime) -> list[list[dict[str, Any]]]:
    """Twelve live sessions and seven demo ones (the figures each test expects are worked out below).

    S1-S8 view water.bill for 10, 20, ... 80 s; S1-S6 start its request, S1-S5 file it. S7 and S8
    also view water.connection (100 s, 200 s), S8 starts it and leaves. S9-S11 view civil.birth
    from a kiosk that times no cards (S9 twice). S12 touches the screen and leaves. S6-S8 were
    yesterday, the rest today; S1-S6 at the Sari lobby's profile, S7-S12 the water booth's. D1-D7:
    demo sessions at the festival, each filing a birth registration."""
    yesterday = now - timedelta(days=1)
    sessions = []
    for i in range(8):
        visit = Visit(now if i < 5 else yesterday, profile="sari-lobby" if i < 6 else "water-booth")
        visit.view("water.bill", 10.0 * (i + 1))
        if i < 6:
            visit.start("water.bill")
        if i < 5:
            visit.file("water.bill")
        if i in (6, 7):
            visit.view("water.connection", 100.0 * (i - 5))
        if i == 7:
            visit.start("water.connection")
        sessions.append(visit.ended())
    for i in range(3):
        visit = Visit(now, profile="water-booth").view("civil.birth")
        if i == 0:
            visit.view("civil.birth")
        sessions.append(visit.ended())
    sessions.append(Visit(now, profile="water-booth").ended())
    for _ in range(7):
        demo = Visit(now, profile="festival", mode="demo")
        sessions.append(demo.view("civil.birth", 5.0).start("civil.birth").file("civil.birth").ended())
    return sessions


def post_sessions(kiosk: KioskClient, sessions: list[list[dict[str, Any]]], batch: int = 7) -> None:
    """As a kiosk sends them: in order, in batches that cut sessions in two."""
    events = [event for session in sessions for event in session]
    for start in range(0, len(events), batch):
        response = kiosk.http.post("/api/v1/usage", json={"events": events[start : start + batch]}, headers=kiosk.auth)
        assert response.status_code == 204, response.text


def staff(central: RunningCentral, name: str, agencies: list[str]) -> User:
    central.store.people.add(name, PASSWORD, agencies, all_agencies=not agencies)
    user = central.store.people.authenticate(name, PASSWORD)
    assert user is not None
    return user


def today_in(central: RunningCentral) -> date:
    return datetime.now(local_zone(central.settings.display_utc_offset_minutes)).date()


def row(key: str, agency: str | None, *figures: Any) -> UsageRow:
    return UsageRow(key, agency, *figures)


HIDDEN_ROW = (HIDDEN,) * 7


# --- sessions -----------------------------------------------------------------------------------


def test_each_event_gets_the_session_of_the_kiosk_s_previous_event_until_a_session_ends(
    central: RunningCentral, kiosk: KioskClient
) -> None:
    now = datetime.now(UTC)
    first = Visit(now).view("water.bill").view("water.connection").start("water.connection").ended()
    second = Visit(now).view("civil.birth").ended()
    third = Visit(now).view("post.code").ended()
    other_number, other_token = central.add_kiosk("Another kiosk")
    with httpx.Client(base_url=central.url, timeout=30) as other:
        other_auth = {"Authorization": f"Bearer {other_token}"}
        # The first kiosk's session arrives in two batches, another kiosk's in between.
        kiosk.http.post("/api/v1/usage", json={"events": first[:2]}, headers=kiosk.auth).raise_for_status()
        other.post("/api/v1/usage", json={"events": third}, headers=other_auth).raise_for_status()
        kiosk.http.post("/api/v1/usage", json={"events": first[2:] + second}, headers=kiosk.auth).raise_for_status()
    with central.store.db.read() as session:
        rows = session.execute(
            select(UsageEvent.kiosk_id, UsageEvent.kind, UsageEvent.session_key).order_by(UsageEvent.id)
        ).all()
    mine = central.store.kiosks.by_number(kiosk.number)
    assert mine is not None and other_number != kiosk.number
    keys = [key for kiosk_id, _kind, key in rows if kiosk_id == mine.id]
    assert None not in keys
    assert len(set(keys[:4])) == 1 and len(set(keys[4:])) == 1 and keys[0] != keys[4], keys
    others = {key for kiosk_id, _kind, key in rows if kiosk_id != mine.id}
    assert len(others) == 1 and others.isdisjoint(keys)


def test_the_migration_gives_the_events_stored_before_their_sessions(tmp_path: Path, db_url: str | None) -> None:
    from alembic import command

    from kiosk.central.db import _alembic_config, connect, upgrade

    url = db_url or f"sqlite:///{tmp_path / 'old.sqlite3'}"
    db = connect(url)
    insert = text(
        "INSERT INTO usage_events (kiosk_id, kind, service_id, agency_id, at, day, profile, mode)"
        " VALUES (:kiosk, :kind, NULL, NULL, '2026-11-20 09:00:00', '2026-11-20', 'p', 'live')"
    )
    try:
        with db.engine.connect() as connection:
            command.upgrade(_alembic_config(connection), "0003")
            connection.commit()
        with db.engine.begin() as connection:
            for number in (1, 2):
                connection.execute(
                    text("INSERT INTO kiosks (number, name, token_hash, created_at) VALUES (:n, 'k', 'x', :at)"),
                    {"n": number, "at": "2026-11-20 09:00:00"},
                )
            a, b = connection.execute(text("SELECT id FROM kiosks ORDER BY number")).scalars()
            # Kiosk a: a session of three events, one of two, and one not ended yet; b's in between.
            for kiosk_id, kind in [
                (a, "service_viewed"), (a, "request_started"), (b, "service_viewed"), (a, "session_ended"),
                (b, "session_ended"), (a, "service_viewed"), (a, "session_ended"), (a, "service_viewed"),
            ]:  # fmt: skip
                connection.execute(insert, {"kiosk": kiosk_id, "kind": kind})
        upgrade(db)
        with db.engine.connect() as connection:
            keys = connection.execute(text("SELECT id, session_key FROM usage_events ORDER BY id")).all()
    finally:
        db.dispose()
    ids = [event_id for event_id, _key in keys]
    assert [key for _id, key in keys] == [ids[0], ids[0], ids[2], ids[0], ids[2], ids[5], ids[5], ids[7]]


# --- the report ---------------------------------------------------------------------------------


def test_the_report_counts_per_agency_service_day_and_profile_and_hides_what_fewer_than_five_sessions_did(
    central: RunningCentral, kiosk: KioskClient
) -> None:
    post_sessions(kiosk, known_sessions(datetime.now(UTC)))
    usage = central.store.usage
    everyone = staff(central, "sara", [])
    live = usage.report(everyone, UsageQuery(days=7, mode="live"))
    today = today_in(central)
    assert (live.first, live.last) == (today - timedelta(days=6), today)
    # 12 sessions; 14 views by 11 of them, 7 starts by 6, 5 filed by 5; 10 timed views: 10 ... 80, 100, 200.
    assert live.total == row("", None, 12, 14, 7, 5, 5 / 14, 5 / 7, 55.0)
    assert live.by_agency == [
        row("water", None, 8, 10, 7, 5, 5 / 10, 5 / 7, 55.0),
        row("civil", None, *HIDDEN_ROW),  # three sessions
    ]
    assert live.by_service == [
        row("water.bill", "water", 8, 8, 6, 5, 5 / 8, 5 / 6, 45.0),
        row("civil.birth", "civil", *HIDDEN_ROW),
        row("water.connection", "water", *HIDDEN_ROW),
    ]
    assert live.by_profile == [
        row("water-booth", None, 6, 8, HIDDEN, 0, 0.0, HIDDEN, HIDDEN),  # one start; two timed sessions
        row("sari-lobby", None, 6, 6, 6, 5, 5 / 6, 5 / 6, 35.0),
    ]
    assert [r.key for r in live.by_day] == [(today - timedelta(days=6 - i)).isoformat() for i in range(7)]
    assert live.by_day[-1] == row(today.isoformat(), None, 9, 9, 5, 5, 5 / 9, 1.0, 30.0)
    assert live.by_day[-2] == row((today - timedelta(days=1)).isoformat(), None, *HIDDEN_ROW)
    assert live.by_day[0] == row((today - timedelta(days=6)).isoformat(), None, 0, 0, 0, 0, None, None, None)
    assert live.profiles == ["sari-lobby", "water-booth"]

    # Demo apart: none of the live numbers, and none of these in the live ones.
    demo = usage.report(everyone, UsageQuery(days=7, mode="demo"))
    assert demo.total == row("", None, 7, 7, 7, 7, 1.0, 1.0, 5.0)
    assert demo.by_service == [row("civil.birth", "civil", 7, 7, 7, 7, 1.0, 1.0, 5.0)]
    assert demo.profiles == ["festival"]

    # Filters: one agency, one profile.
    water = usage.report(everyone, UsageQuery(days=7, mode="live", agency_id="water"))
    assert water.total == row("", None, 8, 10, 7, 5, 5 / 10, 5 / 7, 55.0)
    assert [r.key for r in water.by_agency] == ["water"]
    lobby = usage.report(everyone, UsageQuery(days=7, mode="live", profile="sari-lobby"))
    assert lobby.total == row("", None, 6, 6, 6, 5, 5 / 6, 5 / 6, 35.0)
    assert usage.report(everyone, UsageQuery(days=1, mode="live")).total == row("", None, 9, 9, 5, 5, 5 / 9, 1.0, 30.0)


def test_staff_see_the_numbers_of_their_own_agencies_only(central: RunningCentral, kiosk: KioskClient) -> None:
    post_sessions(kiosk, known_sessions(datetime.now(UTC)))
    usage = central.store.usage
    water = usage.report(staff(central, "mina", ["water"]), UsageQuery(days=7, mode="live"))
    # The sessions that touched the water company's services: the civil ones and S12 are not theirs.
    assert water.total == row("", None, 8, 10, 7, 5, 5 / 10, 5 / 7, 55.0)
    assert [r.key for r in water.by_agency] == ["water"]
    assert {r.key for r in water.by_service} == {"water.bill", "water.connection"}
    civil = usage.report(staff(central, "reza", ["civil"]), UsageQuery(days=7, mode="live"))
    assert civil.total == row("", None, *HIDDEN_ROW)
    assert [r.key for r in civil.by_agency] == ["civil"] and [r.key for r in civil.by_service] == ["civil.birth"]
    # Even an agency named in the filter that is not theirs shows nothing of it.
    assert usage.report(staff(central, "ali", ["civil"]), UsageQuery(7, "live", agency_id="water")).by_agency == []


# --- the page -----------------------------------------------------------------------------------


class Tables(HTMLParser):
    """Each table's rows by id (``data-key``), each row's figures by name (``data-figure``)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: dict[str, dict[str, dict[str, str]]] = {}
        self._table = self._row = self._figure = ""
        self._text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("table", "dl") and found.get("id"):
            self._table = found["id"] or ""
            self.tables[self._table] = {"": {}} if tag == "dl" else {}
            self._row = "" if tag == "dl" else self._row
        elif tag == "tr" and "data-key" in found:
            self._row = found["data-key"] or ""
            self.tables[self._table][self._row] = {}
        elif "data-figure" in found and self._table:
            self._figure, self._text = found["data-figure"] or "", []

    def handle_data(self, data: str) -> None:
        if self._figure:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "dd") and self._figure:
            self.tables[self._table][self._row][self._figure] = "".join(self._text).strip()
            self._figure = ""


def figures(*values: str) -> dict[str, str]:
    names = ("sessions", "views", "starts", "filed", "filed_per_view", "filed_per_start", "median_card")
    return dict(zip(names, values, strict=True))


FEW_ROW = figures(*(FEW,) * 7)


@pytest.fixture
def sara(central: RunningCentral) -> Iterator[httpx.Client]:
    central.store.people.add("sara", PASSWORD, [], all_agencies=True)
    with closing(login(central, "sara")) as client:
        yield client


def login(central: RunningCentral, name: str) -> httpx.Client:
    """A logged-in client; the session is opened in the store, as the login form would (the login
    form and its throttling are tested in test_dashboard, whose failures the shared server keeps)."""
    user = central.store.people.authenticate(name, PASSWORD)
    assert user is not None
    token, _csrf = central.store.people.open_session(user.id)
    return httpx.Client(base_url=central.url, timeout=30, cookies={SESSION_COOKIE: token})


def test_the_page_shows_the_organisers_numbers_as_tables(
    central: RunningCentral, kiosk: KioskClient, sara: httpx.Client
) -> None:
    post_sessions(kiosk, known_sessions(datetime.now(UTC)))
    page = sara.get("/usage", params={"days": 7})
    assert page.status_code == 200
    tables = Tables(page.text).tables
    assert tables["totals"][""] == figures("۱۲", "۱۴", "۷", "۵", "۳۵٫۷٪", "۷۱٫۴٪", "۵۵ ثانیه")
    assert tables["by-agency"] == {
        "water": figures("۸", "۱۰", "۷", "۵", "۵۰٫۰٪", "۷۱٫۴٪", "۵۵ ثانیه"), "civil": FEW_ROW,
    }  # fmt: skip
    assert tables["by-service"]["water.bill"] == figures("۸", "۸", "۶", "۵", "۶۲٫۵٪", "۸۳٫۳٪", "۴۵ ثانیه")
    assert tables["by-service"]["water.connection"] == tables["by-service"]["civil.birth"] == FEW_ROW
    assert tables["by-profile"]["water-booth"] == figures("۶", "۸", FEW, "۰", "۰٫۰٪", FEW, FEW)
    today = today_in(central)
    assert tables["by-day"][today.isoformat()] == figures("۹", "۹", "۵", "۵", "۵۵٫۶٪", "۱۰۰٫۰٪", "۳۰ ثانیه")
    assert tables["by-day"][(today - timedelta(days=1)).isoformat()] == FEW_ROW
    assert tables["by-day"][(today - timedelta(days=2)).isoformat()] == figures("۰", "۰", "۰", "۰", "—", "—", "—")
    assert "پیشخوان‌های واقعی" in page.text and "demo-note" not in page.text
    # Never an exact figure of fewer than five sessions, not even in a chart's tooltip.
    assert page.text.count("<svg") == 4
    assert ": ۳</title>" not in page.text and ": ۲</title>" not in page.text

    demo = Tables(sara.get("/usage", params={"days": 7, "mode": "demo"}).text).tables
    assert demo["totals"][""] == figures("۷", "۷", "۷", "۷", "۱۰۰٫۰٪", "۱۰۰٫۰٪", "۵ ثانیه")
    assert set(demo["by-agency"]) == {"civil"}
    only_water = Tables(sara.get("/usage", params={"days": 7, "agency": "water"}).text).tables
    assert set(only_water["by-agency"]) == {"water"}
    booth = Tables(sara.get("/usage", params={"days": 7, "profile": "sari-lobby"}).text).tables
    assert booth["totals"][""] == figures("۶", "۶", "۶", "۵", "۸۳٫۳٪", "۸۳٫۳٪", "۳۵ ثانیه")


def test_demo_and_live_are_never_summed(central: RunningCentral, kiosk: KioskClient, sara: httpx.Client) -> None:
    """Before: the page counted the festival's demo views with the real ones."""
    now = datetime.now(UTC)
    post_sessions(kiosk, [Visit(now).view("water.bill").ended() for _ in range(6)])
    post_sessions(kiosk, [Visit(now, "festival", "demo").view("water.bill").ended() for _ in range(9)])
    live, demo = (sara.get("/usage", params={"days": 7, "mode": mode}).text for mode in ("live", "demo"))
    assert "۱۵ بازدید" not in live
    assert Tables(live).tables["totals"][""]["views"] == "۶"
    assert Tables(demo).tables["totals"][""]["views"] == "۹"


def test_bad_filters_get_a_persian_message_on_the_page(central: RunningCentral, sara: httpx.Client) -> None:
    central.store.people.add("reza", PASSWORD, ["civil"], all_agencies=False, role="supervisor")  # sees usage
    for params, message in (
        ({"days": "1000"}, "از گزینه‌های این صفحه نیست"),
        ({"days": "abc"}, "از گزینه‌های این صفحه نیست"),
        ({"mode": "all"}, "نه «واقعی» است نه «نمایشی»"),
        ({"agency": "<script>"}, "از دستگاه‌های شما نیست"),
        ({"profile": "x" * 500}, "بیش از اندازه بلند"),
    ):
        page = sara.get("/usage", params=params)
        assert page.status_code == 200, params
        assert message in page.text, params
        assert "<script>" not in page.text
    assert 'value="30" selected' in sara.get("/usage", params={"days": "۳۰"}).text  # Persian digits are read
    with closing(login(central, "reza")) as reza:
        page = reza.get("/usage", params={"agency": "water"})
        assert "از دستگاه‌های شما نیست" in page.text


# --- the charts' axes ---------------------------------------------------------------------------


def implied_scale(chart: charts.DailyChart) -> float:
    """Pixels per unit, as the chart's own bars show it."""
    for day in chart.days:
        for column in day.columns:
            value = int(to_ascii_digits(column.value_text).replace("٬", ""))
            if value:
                return column.height / value
    raise AssertionError("no bar")


@pytest.mark.parametrize("largest", [1, 3, 4, 7, 15, 86, 99, 100, 101, 1234, 48_000])
def test_each_axis_label_sits_on_the_gridline_of_its_value(largest: int) -> None:
    """Before: the labels were a quarter of the largest value each, rounded ("۴" at 3.75)."""
    values = [0, largest // 3, largest, largest // 2]
    chart = charts.daily_chart(["a", "b", "c", "d"], {"service_viewed": values, "request_submitted": [0, 0, 1, 0]})
    scale = implied_scale(chart)
    gridline_values = []
    for y, label in chart.gridlines:
        value = (chart.baseline - y) / scale
        assert value == pytest.approx(round(value), abs=1e-6), (label, value)
        assert label == persian_number(round(value)), (label, value)
        gridline_values.append(round(value))
    assert gridline_values[0] == 0, "a zero baseline"
    step = gridline_values[1]
    assert gridline_values == [step * i for i in range(len(gridline_values))]
    assert str(step).strip("0") in ("1", "2", "5"), f"a round step, not {step}"
    assert gridline_values[-1] >= largest > gridline_values[-2]
    for day in chart.days:
        for column in day.columns:
            assert column.y + column.height == pytest.approx(chart.baseline), "bars stand on zero"


def test_nice_axis_steps_are_round_and_reach_the_largest_value() -> None:
    assert charts.nice_axis(0).ticks == [0, 1]
    assert charts.nice_axis(4).ticks == [0, 1, 2, 3, 4]
    assert charts.nice_axis(15).ticks == [0, 5, 10, 15]
    assert charts.nice_axis(86).ticks == [0, 20, 40, 60, 80, 100]
    assert charts.nice_axis(1234).ticks == [0, 500, 1000, 1500]
    for largest in range(0, 3000, 7):
        axis = charts.nice_axis(largest)
        assert axis.ticks[0] == 0 and axis.top >= largest and len(axis.ticks) <= 6
        assert str(axis.step).strip("0") in ("1", "2", "5")


def test_horizontal_bars_share_the_axis_and_hidden_figures_reach_only_to_five() -> None:
    chart = charts.bar_chart(["آب", "ثبت"], {"service_viewed": [40, HIDDEN], "request_submitted": [HIDDEN, 0]})
    assert [label for _x, label in chart.gridlines] == ["۰", "۱۰", "۲۰", "۳۰", "۴۰"]
    per_unit = (chart.gridlines[0][0] - chart.gridlines[-1][0]) / 40
    water, civil = chart.groups
    assert water.bars[0].width == pytest.approx(40 * per_unit) and not water.bars[0].hidden
    assert water.bars[1].hidden and water.bars[1].width == pytest.approx(5 * per_unit)
    assert water.bars[1].value_text == civil.bars[0].value_text == FEW
    assert civil.bars[1].width == 0 and civil.bars[1].value_text == "۰"
    for x, _label in chart.gridlines:
        assert chart.zero_x - x >= 0
    assert all(b.x + b.width == pytest.approx(chart.zero_x) for g in chart.groups for b in g.bars), "from zero"


def test_a_year_of_days_draws_every_column_and_labels_a_few_days_and_today() -> None:
    """A year's columns were drawn 2 units narrower than their slot: less than nothing, so none."""
    series = {kind: [1] * 365 for kind in ("service_viewed", "request_started", "request_submitted")}
    labels = [f"{i % 30 + 1} اردیبهشت" for i in range(365)]
    chart = charts.daily_chart(labels, series)
    assert 0 < chart.column_width <= chart.bar_width
    labelled = [d for d in chart.days if d.labelled]
    assert 5 <= len(labelled) <= 11 and labelled[-1] is chart.days[-1], "a few days, today among them"
    centres = sorted(d.centre for d in labelled)
    assert min(b - a for a, b in pairwise(centres)) >= 11 * 6.5, "labels do not overlap"
    two_weeks = charts.daily_chart([f"{i + 1} آذر" for i in range(14)], {"service_viewed": [1] * 14})
    assert all(d.labelled for d in two_weeks.days) and two_weeks.column_width == two_weeks.bar_width - 2


def test_an_event_count_query_is_grouped_in_sql(central: RunningCentral, kiosk: KioskClient) -> None:
    """The report asks the database for counts; it reads no event row itself."""
    post_sessions(kiosk, known_sessions(datetime.now(UTC)))
    statements: list[str] = []
    from sqlalchemy import event

    engine = central.store.db.engine

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        central.store.usage.report(staff(central, "sara", []), UsageQuery(days=30, mode="live"))
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    reads = [s for s in statements if "usage_events" in s]
    assert len(reads) == 3, reads  # the counts, the medians' histograms, the profiles seen
    assert all(re.search(r"count\(|avg\(|DISTINCT", s, re.IGNORECASE) for s in reads), reads
