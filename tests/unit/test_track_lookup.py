""" "Track my request" from the kiosk's side: ``CentralClient.track`` and ``RequestLookup.look_up``
against a small HTTP server on 127.0.0.1 that answers as the central server does (the new
second-factor contract and an older server that sends the reason itself).

The server is scripted: each test says what it answers to ``GET /requests/{code}`` and to
``POST /requests/{code}/status``, and reads back what the kiosk sent.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from kiosk.core.tracking import make_tracking_code
from kiosk.link.client import (
    MOBILE_LAST4,
    CentralClient,
    ServerUnreachable,
    TooManyTries,
    TrackedStatus,
    WrongSecondFactor,
)
from kiosk.link.lookup import (
    FOUND,
    INVALID,
    NOT_FOUND,
    OFFLINE,
    TOO_MANY_TRIES,
    WRONG_DIGITS,
    RequestLookup,
    mobile_digits,
)

CODE = make_tracking_code(7, 5)
STATUS = {
    "tracking_code": CODE,
    "service_id": "water.connection",
    "agency_id": "water",
    "status": "rejected",
    "status_changed_at": "2026-05-04T08:30:00Z",
}
WITHHELD = {**STATUS, "reason": None, "reason_withheld": True, "second_factor": MOBILE_LAST4}
REASON = "سند مالکیت پیوست نشده است"


@dataclass
class Answer:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Asked:
    method: str
    path: str
    body: bytes
    authorization: str | None


class FakeCentral:
    """Answers ``(method, path)`` from ``routes`` (404 for anything else) and records every call."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Answer] = {}
        self.asked: list[Asked] = []
        central = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                central.asked.append(Asked(self.command, self.path, body, self.headers.get("Authorization")))
                answer = central.routes.get((self.command, self.path), Answer(404, {"detail": "not found"}))
                data = b"" if answer.body is None else json.dumps(answer.body, ensure_ascii=False).encode()
                self.send_response(answer.status)
                for name, value in {"Content-Type": "application/json", **answer.headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

            def log_message(self, format: str, *args: Any) -> None:  # quiet: pytest fails on stray output
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def answer(self, method: str, path: str, answer: Answer) -> None:
        self.routes[(method, f"/api/v1/requests/{path}")] = answer

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)


@pytest.fixture
def central() -> Iterator[FakeCentral]:
    server = FakeCentral()
    yield server
    server.close()


@pytest.fixture
def client(central: FakeCentral) -> Iterator[CentralClient]:
    made = CentralClient(central.url, "kiosk-token")
    yield made
    made.close()


def test_an_older_server_sends_the_reason_and_it_is_shown_as_before(
    central: FakeCentral, client: CentralClient
) -> None:
    central.answer("GET", CODE, Answer(200, {**STATUS, "reason": REASON}))
    assert client.track(CODE) == TrackedStatus(CODE, "water.connection", "rejected", "2026-05-04T08:30:00Z", REASON)
    answer = RequestLookup(client, None).look_up(CODE)
    assert answer.kind == FOUND and answer.reason == REASON
    assert not answer.asks_for_mobile_digits and not answer.reason_only_at_agency
    assert [(a.method, a.body) for a in central.asked] == [("GET", b"")] * 2


def test_a_withheld_reason_asks_for_the_mobile_s_last_four_digits(central: FakeCentral, client: CentralClient) -> None:
    central.answer("GET", CODE, Answer(200, WITHHELD))
    status = client.track(CODE)
    assert status is not None and status.reason is None
    assert status.reason_withheld and status.second_factor == MOBILE_LAST4
    answer = RequestLookup(client, None).look_up(CODE)
    assert answer.kind == FOUND and answer.status == "rejected" and answer.reason is None
    assert answer.asks_for_mobile_digits and not answer.reason_only_at_agency
    assert all(a.method == "GET" and a.authorization == "Bearer kiosk-token" for a in central.asked)


@pytest.mark.parametrize("factor", [None, "national_id_card_photo"], ids=["none", "one-a-kiosk-cannot-ask"])
def test_a_reason_no_kiosk_may_show_is_said_to_come_from_the_agency(
    central: FakeCentral, client: CentralClient, factor: str | None
) -> None:
    central.answer("GET", CODE, Answer(200, {**WITHHELD, "second_factor": factor}))
    answer = RequestLookup(client, None).look_up(CODE)
    assert answer.kind == FOUND and answer.second_factor is None
    assert answer.reason_only_at_agency and not answer.asks_for_mobile_digits


def test_nothing_withheld_and_no_reason_asks_for_nothing(central: FakeCentral, client: CentralClient) -> None:
    central.answer(
        "GET", CODE, Answer(200, {**STATUS, "reason": None, "reason_withheld": False, "second_factor": None})
    )
    answer = RequestLookup(client, None).look_up(CODE)
    assert answer.kind == FOUND and not answer.asks_for_mobile_digits and not answer.reason_only_at_agency


@pytest.mark.parametrize(
    "typed", ["۱۲۳۴", "1234", "١٢٣٤", " ۱۲ ۳۴ "], ids=["persian", "ascii", "arabic-indic", "spaced"]
)
def test_the_digits_go_in_the_body_of_a_post_as_ascii(central: FakeCentral, client: CentralClient, typed: str) -> None:
    central.answer("POST", f"{CODE}/status", Answer(200, {**WITHHELD, "reason": REASON}))
    answer = RequestLookup(client, None).look_up(CODE, typed)
    assert answer.kind == FOUND and answer.reason == REASON and not answer.asks_for_mobile_digits
    [asked] = central.asked
    assert asked.method == "POST" and asked.path == f"/api/v1/requests/{CODE}/status"
    assert json.loads(asked.body) == {"mobile_last4": "1234"}
    assert asked.authorization == "Bearer kiosk-token"


def test_wrong_digits_too_many_tries_and_an_unknown_code(central: FakeCentral, client: CentralClient) -> None:
    lookup = RequestLookup(client, None)
    central.answer("POST", f"{CODE}/status", Answer(403, {"detail": "the digits do not match"}))
    wrong = lookup.look_up(CODE, "1234")
    assert wrong.kind == WRONG_DIGITS and wrong.tracking_code == CODE and wrong.reason is None
    with pytest.raises(WrongSecondFactor):
        client.track(CODE, "1234")

    central.answer("POST", f"{CODE}/status", Answer(429, {"detail": "too many tries"}, {"Retry-After": "900"}))
    locked = lookup.look_up(CODE, "1234")
    assert locked.kind == TOO_MANY_TRIES and locked.retry_after == 900.0
    central.answer("POST", f"{CODE}/status", Answer(429, {"detail": "too many tries"}))
    assert lookup.look_up(CODE, "1234").retry_after is None  # no Retry-After: "later"
    with pytest.raises(TooManyTries):
        client.track(CODE, "1234")

    central.routes.clear()  # the server does not know the code (any more): 404
    assert lookup.look_up(CODE, "1234").kind == NOT_FOUND
    assert client.track(CODE, "1234") is None


@pytest.mark.parametrize("status", [500, 503, 401])
def test_a_server_in_trouble_is_offline_not_wrong_digits(
    central: FakeCentral, client: CentralClient, status: int
) -> None:
    central.answer("POST", f"{CODE}/status", Answer(status, {"detail": "trouble"}))
    assert RequestLookup(client, None).look_up(CODE, "1234").kind == OFFLINE
    with pytest.raises(ServerUnreachable):
        client.track(CODE, "1234")


def test_a_get_refused_with_403_or_429_is_offline_as_before(central: FakeCentral, client: CentralClient) -> None:
    """403 and 429 mean wrong digits and too many tries only for the second factor's POST."""
    for status in (403, 429):
        central.answer("GET", CODE, Answer(status, {"detail": "no"}))
        assert RequestLookup(client, None).look_up(CODE).kind == OFFLINE


def test_fewer_than_four_digits_use_none_of_the_citizen_s_tries(central: FakeCentral, client: CentralClient) -> None:
    lookup = RequestLookup(client, None)
    for typed in ("", "۱۲۳", "12345", "12a4", "۱۲-۴"):
        assert lookup.look_up(CODE, typed).kind == WRONG_DIGITS
    assert central.asked == []
    for bad in ("123", "۱۲۳۴", "12345"):
        with pytest.raises(ValueError):
            client.track(CODE, bad)  # the client takes only what the lookup made of them
    assert central.asked == []
    assert mobile_digits("۰۹۱۲") == "0912" and mobile_digits("0912 ") == "0912" and mobile_digits("091") is None


def test_a_mistyped_code_asks_nobody(central: FakeCentral, client: CentralClient) -> None:
    wrong = CODE[:-1] + str((int(CODE[-1]) + 1) % 10)
    assert RequestLookup(client, None).look_up(wrong, "1234").kind == INVALID
    assert central.asked == []


def test_an_unreachable_server_is_offline_with_and_without_digits() -> None:
    client = CentralClient("http://127.0.0.1:9", "kiosk-token", timeout=(1.0, 1.0))
    try:
        lookup = RequestLookup(client, None)
        assert lookup.look_up(CODE).kind == OFFLINE
        assert lookup.look_up(CODE, "1234").kind == OFFLINE
    finally:
        client.close()


def test_the_digits_are_never_logged(
    central: FakeCentral, client: CentralClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Every logger at DEBUG (urllib3 logs each request line): the digits appear in none of it."""
    central.answer("GET", CODE, Answer(200, WITHHELD))
    lookup = RequestLookup(client, None)
    with caplog.at_level(logging.DEBUG):
        lookup.look_up(CODE)
        for status in (403, 429, 500, 200):
            central.answer("POST", f"{CODE}/status", Answer(status, {**WITHHELD, "reason": REASON}))
            lookup.look_up(CODE, "۷۳۹۱")
    assert CODE in caplog.text, "the capture saw the requests"
    assert "7391" not in caplog.text and "۷۳۹۱" not in caplog.text
    assert all("7391" not in a.path for a in central.asked)
