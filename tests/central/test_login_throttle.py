"""Login throttling that slows a password guesser without locking anyone out (``store.logins``):
over real HTTP for what staff meet, and on the store with a clock the test moves (never slept)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from harness.central_server import RunningCentral
from kiosk.central.clock import utcnow
from kiosk.central.models import LoginThrottle
from kiosk.central.store.logins import (
    ACCOUNT_CAP,
    ADDRESS_CAP,
    ADDRESS_FREE,
    DEVICE_FAILURES,
    Logins,
    account_delay,
    address_delay,
)

PASSWORD = "correct horse battery"


class Clock:
    """The throttle's clock, standing still unless the test moves it on."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The server's clock (``kiosk.central.clock.utcnow``, which the throttle reads), moved by the test."""
    fake = Clock()
    monkeypatch.setattr("kiosk.central.clock.utcnow", fake)
    return fake


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


class Browser:
    """One browser at the login page: keeps its cookies (login CSRF, trusted device) between tries."""

    def __init__(self, central: RunningCentral) -> None:
        self.http = httpx.Client(base_url=central.url, timeout=30)
        self.token = _csrf(self.http.get("/login").text)

    def login(self, name: str, password: str) -> httpx.Response:
        response = self.http.post("/login", data={"username": name, "password": password, "csrf_token": self.token})
        if response.status_code != 303:
            self.token = _csrf(response.text)
        else:
            self.http.cookies.delete("pishkhan_session")  # log in again as if from a fresh session
            self.token = _csrf(self.http.get("/login").text)
        return response

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def browsers(central: RunningCentral) -> Iterator[Callable[[], Browser]]:
    """Opens browsers at the login page; all closed at the end."""
    opened: list[Browser] = []

    def open_one() -> Browser:
        opened.append(Browser(central))
        return opened[-1]

    yield open_one
    for one in opened:
        one.close()


def test_delays_grow_to_a_cap() -> None:
    assert [account_delay(n) for n in range(0, 11)] == [0, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
    assert account_delay(1000) == ACCOUNT_CAP
    assert all(address_delay(n) == 0 for n in range(ADDRESS_FREE))
    assert [address_delay(ADDRESS_FREE + k) for k in range(7)] == [2, 4, 8, 16, 32, 60, 60]


def test_a_thousand_wrong_passwords_from_one_address_stop_no_right_password(
    central: RunningCentral, clock: Clock, browsers: Callable[[], Browser]
) -> None:
    """Before: 20 wrong passwords from one address answered every account behind it 429 for 15
    minutes, the right password included (one office behind NAT locked out by one guesser), and 5
    wrong guesses on a known name locked its owner out for 15 minutes."""
    for name in ("sara", "reza", "mina"):
        central.store.people.add(name, PASSWORD, ["water"], all_agencies=False)
    sara, reza = browsers(), browsers()  # they have logged in from these browsers before the attack
    assert sara.login("sara", PASSWORD).status_code == 303
    assert reza.login("reza", PASSWORD).status_code == 303
    attacker = browsers()  # the same address as all of them
    answers = []
    for attempt in range(1000):  # guessing sara's password, and spraying one guess on many other names
        name = "sara" if attempt % 2 else f"user{attempt}"
        answers.append(attacker.login(name, f"guess {attempt}").status_code)
        if attempt % 10 == 9:
            clock.advance(7)  # for about twelve minutes
    assert set(answers) <= {401, 429}
    assert answers.count(401) <= 60  # the rest refused without the password being checked
    # Their own browsers get in at once, whatever the address and the name went through.
    assert reza.login("reza", PASSWORD).status_code == 303
    assert sara.login("sara", PASSWORD).status_code == 303
    # From a browser never used here: a bounded wait ("wait N seconds"), then in.
    for name, cap in (("mina", ADDRESS_CAP), ("sara", ACCOUNT_CAP)):
        elsewhere = browsers()
        waiting = elsewhere.login(name, PASSWORD)
        if waiting.status_code == 429:
            wait = int(waiting.headers["Retry-After"])
            assert 0 < wait <= cap, name
            assert "ثانیهٔ دیگر دوباره امتحان کنید" in waiting.text or "دقیقهٔ دیگر" in waiting.text
            clock.advance(wait)
        assert elsewhere.login(name, PASSWORD).status_code == 303, name


def test_the_right_password_forgets_the_failures(
    central: RunningCentral, clock: Clock, browsers: Callable[[], Browser]
) -> None:
    central.store.people.add("sara", PASSWORD, ["water"], all_agencies=False)
    browser = browsers()
    for wait in (2, 4, 8, 16):
        assert browser.login("sara", "wrong").status_code == 401
        refused = browser.login("sara", PASSWORD)
        assert (refused.status_code, refused.headers["Retry-After"]) == (429, str(wait))
        clock.advance(wait)
    assert browser.login("sara", PASSWORD).status_code == 303
    other = browsers()  # the first browser is trusted now: a typo from another one costs 2 s again
    assert other.login("sara", "typo").status_code == 401
    assert other.login("sara", PASSWORD).headers["Retry-After"] == "2"


def test_unknown_names_are_throttled_alike_and_no_name_or_address_is_stored(
    central: RunningCentral, clock: Clock, browsers: Callable[[], Browser]
) -> None:
    central.store.people.add("sara", PASSWORD, ["water"], all_agencies=False)
    browser = browsers()
    for name in ("sara", "nobody"):
        first, second = browser.login(name, "wrong one"), browser.login(name, "wrong two")
        assert (first.status_code, second.status_code) == (401, 429)
        assert second.headers["Retry-After"] == "2"
    with central.store.db.read() as session:
        keys = list(session.scalars(select(LoginThrottle.key)))
    assert keys and not any("sara" in k or "nobody" in k or "127.0.0.1" in k for k in keys)


def test_a_trusted_browser_wrong_too_often_is_trusted_no_more(
    central: RunningCentral, clock: Clock, browsers: Callable[[], Browser]
) -> None:
    central.store.people.add("sara", PASSWORD, ["water"], all_agencies=False)
    own = browsers()
    assert own.login("sara", PASSWORD).status_code == 303
    for _ in range(DEVICE_FAILURES):
        assert own.login("sara", "wrong").status_code == 401  # never delayed while trusted
    assert own.login("sara", "wrong").status_code == 401  # now an untrusted try: counted on the name
    assert own.login("sara", PASSWORD).status_code == 429
    clock.advance(ACCOUNT_CAP)
    assert own.login("sara", PASSWORD).status_code == 303


def test_a_device_cookie_is_for_its_own_user_and_login_page_only(
    central: RunningCentral, clock: Clock, browsers: Callable[[], Browser]
) -> None:
    central.store.people.add("sara", PASSWORD, ["water"], all_agencies=False)
    central.store.people.add("reza", PASSWORD, ["water"], all_agencies=False)
    browser = browsers()
    response = browser.login("sara", PASSWORD)
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("pishkhan_device="))
    flags = [part.strip().lower() for part in cookie.split(";")]
    assert "path=/login" in flags and "httponly" in flags and "samesite=strict" in flags
    # Sara's browser is not trusted for reza: his name's throttle applies to it.
    assert browser.login("reza", "wrong").status_code == 401
    assert browser.login("reza", PASSWORD).status_code == 429


def test_the_throttle_is_shared_by_server_processes(central: RunningCentral, clock: Clock) -> None:
    """Two ``Logins`` over one database (as two processes have) count the same failures."""
    other_process = Logins(central.store.db, central.store._key)
    first = central.store.logins.begin("sara", "10.0.0.1", [])
    assert first.wait == 0
    assert other_process.begin("sara", "10.0.0.2", []).wait == 2
    assert other_process.begin("SARA ", "10.0.0.2", []).wait == 2  # names compare as typed loosely
    clock.advance(2)
    assert other_process.begin("sara", "10.0.0.2", []).wait == 0


def test_a_long_attack_gets_few_checks(central: RunningCentral, clock: Clock) -> None:
    """A guesser at one name, trying every five minutes for a day, has the password checked under 300 times."""
    logins = central.store.logins
    checked = 0
    for _ in range(24 * 12):
        clock.advance(300)
        if logins.begin("sara", "10.0.0.9", []).wait == 0:
            checked += 1
    assert checked <= 24 * 3600 // ACCOUNT_CAP
    # Spraying: one guess for each of 100 names from one address, at once: the free ones, then waits.
    sprayed = sum(logins.begin(f"user{n}", "10.0.0.8", []).wait == 0 for n in range(100))
    assert sprayed == ADDRESS_FREE
