"""Retry policy and the reading of the server's answers: pure functions, no loop, no network."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kiosk.link.client import (
    DELIVERED,
    PAUSED,
    REJECTED,
    RETRY,
    HeartbeatAnswer,
    classify,
    classify_batch_item,
    read_heartbeat_answer,
)
from kiosk.outbox.retry import (
    MAX_DELAY_SECONDS,
    MAX_RETRY_AFTER_SECONDS,
    backoff_delay,
    next_attempt_delay,
    parse_retry_after,
)

NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)


def test_backoff_doubles_then_caps_and_jitters_from_zero() -> None:
    top = [backoff_delay(n, rand=lambda: 1.0) for n in range(1, 12)]
    assert top[:5] == [2.0, 4.0, 8.0, 16.0, 32.0]
    assert top[-1] == MAX_DELAY_SECONDS and max(top) == MAX_DELAY_SECONDS
    assert backoff_delay(5, rand=lambda: 0.0) == 0.0
    assert backoff_delay(3, rand=lambda: 0.5) == 4.0
    assert backoff_delay(10_000, rand=lambda: 1.0) == MAX_DELAY_SECONDS  # no overflow


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("Mon, 23 Nov 2026 12:00:30 GMT", 30.0),
        ("Mon, 23 Nov 2026 11:00:00 GMT", 0.0),  # in the past: now
        ("999999", MAX_RETRY_AFTER_SECONDS),
        ("soon", None),
        ("-5", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_forms(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, NOW) == expected


def test_retry_after_wins_over_backoff() -> None:
    assert next_attempt_delay(9, 3.0, rand=lambda: 1.0) == 3.0
    assert next_attempt_delay(2, None, rand=lambda: 1.0) == 4.0


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (201, DELIVERED), (200, DELIVERED),
        (401, PAUSED), (403, PAUSED),
        (408, RETRY), (409, RETRY), (429, RETRY), (500, RETRY), (502, RETRY), (503, RETRY), (504, RETRY),
        (302, RETRY),
        (400, REJECTED), (404, REJECTED), (413, REJECTED), (422, REJECTED),
    ],
)  # fmt: skip
def test_every_status_has_an_outcome(status: int, kind: str) -> None:
    assert classify(status, {}, '{"detail": "x"}', NOW).kind == kind


def test_outcome_details() -> None:
    delivered = classify(201, {}, '{"reference": "42", "status": "received"}', NOW)
    assert delivered.reference == "42"
    assert classify(200, {}, "not json", NOW).reference is None
    throttled = classify(429, {"Retry-After": "17"}, "", NOW)
    assert throttled.retry_after == 17.0
    refused = classify(422, {}, '{"detail": [{"loc": ["body", "fields", "mobile"], "msg": "too long"}]}', NOW)
    assert refused.reason == "HTTP 422: body.fields.mobile: too long"
    assert classify(413, {}, "<html>too large</html>", NOW).reason.startswith("HTTP 413: <html>")


def test_a_batch_result_is_classified_as_its_own_post_would_be() -> None:
    receipt = {"reference": "42", "tracking_code": "007000000011", "status": "received", "received_at": "x"}
    assert classify_batch_item({"status": 201, "receipt": receipt}) == classify_batch_item(
        {"status": 200, "receipt": receipt}
    )
    assert classify_batch_item({"status": 201, "receipt": receipt}).reference == "42"
    assert classify_batch_item({"status": 409, "detail": "being stored"}).kind == RETRY
    refused = classify_batch_item({"status": 422, "detail": [{"loc": ["request", "mode"], "msg": "bad"}]})
    assert (refused.kind, refused.reason) == (REJECTED, "HTTP 422: request.mode: bad")
    for malformed in (None, [], {"status": "201"}, {"receipt": receipt}):
        assert classify_batch_item(malformed).kind == RETRY


def test_the_client_ignores_the_environment_s_proxy_and_ca_unless_the_profile_names_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kiosk.link.client import CentralClient

    monkeypatch.setenv("HTTPS_PROXY", "http://10.9.9.9:3128")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/tmp/untrusted.pem")
    plain = CentralClient("https://kiosk.sari.ir", "007.t")
    assert plain._session.trust_env is False and plain._session.verify is True and not plain._session.proxies
    named = CentralClient("https://kiosk.sari.ir", "007.t", proxy="http://127.0.0.1:3128", ca_file="/etc/ca.pem")
    assert named._session.proxies == {"http": "http://127.0.0.1:3128", "https": "http://127.0.0.1:3128"}
    assert named._session.verify == "/etc/ca.pem"


@pytest.mark.parametrize(
    ("status", "text", "answer"),
    [
        (200, '{"highest_sequence": 29439433}', HeartbeatAnswer(29439433)),
        (200, '{"highest_sequence": 0}', HeartbeatAnswer(0)),
        (200, '{"highest_sequence": null}', HeartbeatAnswer(None)),
        (204, "", HeartbeatAnswer(None)),  # a server older than the floor
        (200, "not json", HeartbeatAnswer(None)),
        (200, "[1]", HeartbeatAnswer(None)),
        (200, '{"highest_sequence": true}', HeartbeatAnswer(None)),
        (200, '{"highest_sequence": "29439433"}', HeartbeatAnswer(None)),
        (200, '{"highest_sequence": 100000000}', HeartbeatAnswer(None)),
        (200, '{"highest_sequence": -1}', HeartbeatAnswer(None)),
        (403, '{"detail": "this token belongs to another kiosk"}', None),
        (500, "", None),
    ],
)
def test_the_heartbeat_answer_gives_a_floor_only_when_it_is_a_sequence(
    status: int, text: str, answer: HeartbeatAnswer | None
) -> None:
    assert read_heartbeat_answer(status, text) == answer
