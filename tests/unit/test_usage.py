"""Anonymous usage counters: gathered per session, stored in one commit, never personal."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kiosk.core.content import SAFE_PROFILE
from kiosk.core.profiles import DemoProfile
from kiosk.outbox.store import OutboxStore
from kiosk.outbox.usage import UsageLog


def profile(name: str, mode: str) -> DemoProfile:
    return replace(SAFE_PROFILE, name=name, mode=mode)


class Clock:
    def __init__(self) -> None:
        self.now = 1_795_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_session_s_events_an_abandoned_form_and_its_length(tmp_path: Path) -> None:
    store = OutboxStore(tmp_path / "outbox.db")
    clock = Clock()
    usage = UsageLog(store, lambda: profile("festival", "demo"), clock)
    usage.session_started()
    usage.note("service_viewed", "water.bill", "water")
    usage.note("request_started", "water.connection", "water")
    clock.now += 95.25
    assert store.unsent_usage() == [], "nothing touches the disk during the session"
    usage.session_ended()
    events = [e for _id, e in store.unsent_usage()]
    assert [e["kind"] for e in events] == ["service_viewed", "request_started", "request_abandoned", "session_ended"]
    assert events[2]["service_id"] == "water.connection"
    assert events[3]["duration_seconds"] == 95.2 and events[3]["profile"] == "festival"
    assert set(events[0]) == {"kind", "service_id", "agency_id", "at", "profile", "mode", "duration_seconds"}
    assert store.usage_counts_since("2000-01-01T00:00:00Z", "service_viewed") == [("water.bill", 1)]
    store.mark_usage_sent([i for i, _e in store.unsent_usage()])
    assert store.unsent_usage() == []
    store.close()


def test_a_filed_request_is_not_abandoned(tmp_path: Path) -> None:
    store = OutboxStore(tmp_path / "outbox.db")
    usage = UsageLog(store, lambda: profile("festival", "live"), Clock())
    usage.session_started()
    usage.note("request_started", "water.connection", "water")
    usage.note("request_submitted", "water.connection", "water")
    usage.session_ended()
    kinds = [e["kind"] for _id, e in store.unsent_usage()]
    assert kinds == ["request_started", "request_submitted", "session_ended"]
    store.close()


def test_time_on_a_card_is_kept_on_its_view_until_the_card_is_left(tmp_path: Path) -> None:
    store = OutboxStore(tmp_path / "outbox.db")
    clock = Clock()
    usage = UsageLog(store, lambda: profile("sari-lobby", "live"), clock)
    usage.session_started()
    usage.note("service_viewed", "water.bill", "water")
    clock.now += 12.34
    usage.card_left()  # back to the agency's list
    clock.now += 5
    usage.card_left()  # no card open: nothing changes
    usage.note("service_viewed", "water.connection", "water")
    clock.now += 40
    usage.note("service_viewed", "civil.birth", "civil")  # a card opened from a card: the first is left
    clock.now += 100
    usage.card_left(idle_seconds=90)  # the idle prompt: the last touch was 90 s ago
    usage.note("service_viewed", "post.code", "post")
    clock.now += 7
    usage.session_ended()  # staff took over, or the catalog changed: the card is left now
    events = [e for _id, e in store.unsent_usage()]
    assert [(e["service_id"], e["duration_seconds"]) for e in events if e["kind"] == "service_viewed"] == [
        ("water.bill", 12.3), ("water.connection", 40.0), ("civil.birth", 10.0), ("post.code", 7.0),
    ]  # fmt: skip
    assert set(events[0]) == {"kind", "service_id", "agency_id", "at", "profile", "mode", "duration_seconds"}
    store.close()


def test_a_card_s_time_is_never_negative_nor_over_a_day(tmp_path: Path) -> None:
    store = OutboxStore(tmp_path / "outbox.db")
    clock = Clock()
    usage = UsageLog(store, lambda: profile("sari-lobby", "live"), clock)
    usage.session_started()
    usage.note("service_viewed", "water.bill", "water")
    clock.now += 30
    usage.card_left(idle_seconds=60)  # a touch the idle timer did not see: not before the card opened
    usage.note("service_viewed", "water.bill", "water")
    clock.now += 3 * 86400  # a clock set forward while the card was open: the server refuses over a day
    usage.session_ended()
    times = [e["duration_seconds"] for _id, e in store.unsent_usage() if e["kind"] == "service_viewed"]
    assert times == [0.0, 86400.0]
    store.close()
