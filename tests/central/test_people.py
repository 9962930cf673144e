"""People and roles over real HTTP and the command line: what each role may open, the users page
(invite by a one-time link, role and agencies, disable, remove, password reset, forced logout),
sessions that end at once, the audit log, and the migration that gave old users a role."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, text

from harness.central_server import RunningCentral
from kiosk.central.__main__ import main
from kiosk.central.app import open_store
from kiosk.central.models import AuditEvent, User
from kiosk.central.settings import Settings
from kiosk.central.store.people import Actor
from tests.support.kiosk_client import KioskClient

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a new sentence to remember"


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


@contextmanager
def login(central: RunningCentral, name: str, password: str = PASSWORD) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=central.url, timeout=30) as client:
        page = client.get("/login")
        response = client.post("/login", data={"username": name, "password": password, "csrf_token": _csrf(page.text)})
        assert response.status_code == 303, response.text
        yield client


def try_login(central: RunningCentral, name: str, password: str) -> int:
    with httpx.Client(base_url=central.url, timeout=30) as client:
        page = client.get("/login")
        form = {"username": name, "password": password, "csrf_token": _csrf(page.text)}
        return client.post("/login", data=form).status_code


def people(central: RunningCentral) -> dict[str, int]:
    """The four roles, one user each, by name: ids."""
    store = central.store.people
    added = {
        "ava": store.add("ava", PASSWORD, [], all_agencies=True),  # administrator (all agencies)
        "sam": store.add("sam", PASSWORD, ["civil"], all_agencies=False, role="supervisor"),
        "cat": store.add("cat", PASSWORD, ["water"], all_agencies=False),  # case worker
        "vic": store.add("vic", PASSWORD, [], all_agencies=True, role="viewer"),
    }
    assert [added[n].role for n in ("ava", "sam", "cat", "vic")] == ["admin", "supervisor", "case_worker", "viewer"]
    return {name: user.id for name, user in added.items()}


def test_each_role_opens_only_its_pages(central: RunningCentral, kiosk: KioskClient) -> None:
    water = kiosk.submit(kiosk.body()).json()["reference"]
    ids = people(central)
    csv, zipped = "/requests.csv?service=water.connection", "/requests.zip"
    pages = ["/requests", f"/requests/{water}", csv, zipped, "/fleet", "/usage", "/users", f"/users/{ids['cat']}",
             "/audit"]  # fmt: skip
    allowed = {
        "ava": set(pages),
        "sam": {"/requests", f"/requests/{water}", csv, zipped, "/usage", "/users"},
        "cat": {"/requests", f"/requests/{water}", csv, zipped},
        "vic": {"/usage"},
    }
    # Sam may export, but water's request is not his agency's: not found, and nothing to zip (back to the list).
    otherwise = {("sam", f"/requests/{water}"): 404, ("sam", zipped): 303}
    homes = {"ava": "/requests", "sam": "/requests", "cat": "/requests", "vic": "/usage"}
    for name, may in allowed.items():
        with login(central, name) as client:
            assert client.get("/").headers["location"] == homes[name]
            for path in pages:
                response = client.get(path)
                expected = otherwise.get((name, path), 200) if path in may else 403
                assert response.status_code == expected, (name, path)
                if expected == 403:
                    assert "این صفحه برای شما نیست" in response.text and "<nav>" in response.text
            nav = client.get(homes[name]).text
            assert ('href="/users"' in nav) == ("/users" in may)
            assert ('href="/fleet"' in nav) == ("/fleet" in may)
            assert ('href="/requests"' in nav) == ("/requests" in may)


def test_a_viewer_lands_on_usage_and_reaches_no_request(central: RunningCentral, kiosk: KioskClient) -> None:
    reference = kiosk.submit(kiosk.body()).json()["reference"]
    people(central)
    with httpx.Client(base_url=central.url) as client:
        page = client.get("/login")
        form = {"username": "vic", "password": PASSWORD, "csrf_token": _csrf(page.text), "next": "/requests"}
        response = client.post("/login", data=form)
        assert response.headers["location"] == "/usage"
        token = _csrf(client.get("/usage").text)
        status = client.post(f"/requests/{reference}/status", data={"status": "done", "csrf_token": token})
        assert status.status_code == 403
    assert central.requests()[0]["status"] == "received"
    viewer = central.store.people.by_name("vic")
    assert viewer is not None
    assert central.store.requests.detail(int(reference), viewer) is None  # the store refuses too


def test_a_case_worker_of_one_agency_cannot_reach_anothers_requests_users_or_exports(
    central: RunningCentral, kiosk: KioskClient
) -> None:
    civil = kiosk.submit(kiosk.body(service_id="civil.birth", agency_id="civil")).json()["reference"]
    ids = people(central)
    with login(central, "cat") as cat:
        assert f"/requests/{civil}" not in cat.get("/requests").text
        assert cat.get(f"/requests/{civil}").status_code == 404
        token = _csrf(cat.get("/requests").text)
        assert cat.post(f"/requests/{civil}/status", data={"status": "done", "csrf_token": token}).status_code == 404
        exported = cat.get("/requests.csv", params={"service": "civil.birth"})
        assert exported.status_code == 200 and exported.text.count("\n") == 1  # the header row alone
        assert cat.get("/requests.zip", params={"agency": "civil"}).status_code == 303  # nothing to export
        assert cat.get("/users").status_code == 403
        assert cat.get(f"/users/{ids['sam']}").status_code == 403
        assert cat.post("/users", data={"csrf_token": token, "name": "x", "role": "admin"}).status_code == 403
    # A civil supervisor sees civil's people (and the administrator, who sees civil's requests), not water's.
    with login(central, "sam") as sam:
        listing = sam.get("/users").text
        assert "ava" in listing and "sam" in listing and "cat" not in listing and "vic" in listing
        assert "ساختن پیوند دعوت" not in listing and f"/users/{ids['ava']}" not in listing  # read only
        token = _csrf(listing)
        assert sam.get(f"/users/{ids['cat']}").status_code == 403
        assert sam.post(f"/users/{ids['cat']}/disable", data={"csrf_token": token}).status_code == 403
        assert sam.post("/users", data={"csrf_token": token, "name": "x", "role": "admin"}).status_code == 403
    assert central.store.people.by_name("x") is None
    assert central.store.people.get(ids["cat"]).disabled_at is None  # type: ignore[union-attr]


def _link(page: str) -> str:
    match = re.search(r'<bdi dir="ltr">(http://[^<]+/welcome/[^<]+)</bdi>', page)
    assert match, page
    return match.group(1)


def test_an_invitation_link_sets_the_password_once(central: RunningCentral) -> None:
    people(central)
    with login(central, "ava") as ava:
        token = _csrf(ava.get("/users").text)
        form = {"csrf_token": token, "name": "nima", "role": "case_worker", "agency": ["water", "civil"]}
        invited = ava.post("/users", data=form)
        assert invited.status_code == 200 and "دعوت" in invited.text
        link = _link(invited.text)
        assert "در انتظار گذاشتن گذرواژه" in ava.get("/users").text
    assert try_login(central, "nima", "") in (401, 422)
    with httpx.Client(timeout=30) as browser:
        page = browser.get(link)
        assert page.status_code == 200 and "nima" in page.text
        assert page.headers["referrer-policy"] == "same-origin"  # the link's token goes to this server only
        token = _csrf(page.text)
        differ = browser.post(link, data={"csrf_token": token, "password": NEW_PASSWORD, "again": "something else"})
        assert differ.status_code == 422 and "دو گذرواژه یکی نیستند" in differ.text
        token = _csrf(differ.text)
        short = browser.post(link, data={"csrf_token": token, "password": "short", "again": "short"})
        assert short.status_code == 422 and "دست‌کم ۱۰ نویسه" in short.text
        forged = browser.post(link, data={"csrf_token": "forged", "password": NEW_PASSWORD, "again": NEW_PASSWORD})
        assert forged.status_code == 403
        token = _csrf(short.text)
        done = browser.post(link, data={"csrf_token": token, "password": NEW_PASSWORD, "again": NEW_PASSWORD})
        assert done.status_code == 200 and "گذرواژه ثبت شد" in done.text
        again = browser.get(link)
        assert again.status_code == 404 and "این پیوند کار نمی‌کند" in again.text
    nima = central.store.people.by_name("nima")
    assert nima is not None and (nima.role, nima.agencies) == ("case_worker", ["civil", "water"])
    with login(central, "nima", NEW_PASSWORD) as client:
        assert client.get("/requests").status_code == 200
    assert central.store.people.link_user(link.rsplit("/", 1)[1]) is None


def test_an_unused_link_expires(central: RunningCentral, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import timedelta

    from kiosk.central.store import people as people_module

    _user, token = central.store.people.invite("nima", "viewer", [], True, by=Actor(None, None))
    assert central.store.people.link_user(token) is not None
    later = people_module.utcnow() + timedelta(hours=people_module.LINK_HOURS, seconds=1)
    monkeypatch.setattr(people_module, "utcnow", lambda: later)
    assert central.store.people.link_user(token) is None
    with pytest.raises(LookupError):
        central.store.people.set_password_with_link(token, NEW_PASSWORD)


def _act(admin: httpx.Client, user_id: int, act: str, **form: str | list[str]) -> httpx.Response:
    token = _csrf(admin.get(f"/users/{user_id}").text)
    return admin.post(f"/users/{user_id}/{act}", data={"csrf_token": token, **form})


@pytest.mark.parametrize("act", ["role", "disable", "remove", "reset-password", "logout"])
def test_a_users_sessions_end_at_once(central: RunningCentral, act: str) -> None:
    ids = people(central)
    with login(central, "cat") as cat, login(central, "ava") as ava:
        assert cat.get("/requests").status_code == 200
        form: dict[str, str | list[str]] = {"role": "supervisor", "agency": ["water"]} if act == "role" else {}
        if act == "remove":
            form = {"confirm": "1"}
        response = _act(ava, ids["cat"], act, **form)
        assert response.status_code in (200, 303), response.text
        refused = cat.get("/requests")  # the very next request
        assert refused.status_code == 303 and refused.headers["location"].startswith("/login")
        assert ava.get("/requests").status_code == 200  # the administrator's own session goes on
    logs_in = try_login(central, "cat", PASSWORD)
    assert logs_in == (303 if act in ("role", "logout") else 401)
    if act == "role":
        with login(central, "cat") as cat:
            assert cat.get("/users").status_code == 200  # now a supervisor


def test_a_user_disabled_from_the_command_line_is_refused_at_once(central: RunningCentral) -> None:
    people(central)
    with login(central, "cat") as cat:
        assert cat.get("/requests").status_code == 200
        args = ["--data-dir", str(central.settings.data_dir)]
        if central.settings.db_url:
            args += ["--db", central.settings.db_url]
        assert main(["user", "disable", "cat", *args]) == 0  # another process, the same database
        assert cat.get("/requests").status_code == 303
        assert main(["user", "enable", "cat", *args]) == 0
        assert cat.get("/requests").status_code == 303  # enabling does not bring the session back
    assert try_login(central, "cat", PASSWORD) == 303


def test_a_password_reset_gives_a_new_link_and_stops_the_old_password(central: RunningCentral) -> None:
    ids = people(central)
    with login(central, "ava") as ava:
        reset = _act(ava, ids["cat"], "reset-password")
        assert reset.status_code == 200 and "بازنشانی شد" in reset.text
        link = _link(reset.text)
        assert "بی‌گذرواژه" not in ava.get("/users").text
    assert try_login(central, "cat", PASSWORD) == 401
    with httpx.Client(timeout=30) as browser:
        token = _csrf(browser.get(link).text)
        assert (
            browser.post(link, data={"csrf_token": token, "password": NEW_PASSWORD, "again": NEW_PASSWORD}).status_code
            == 200
        )
    assert try_login(central, "cat", NEW_PASSWORD) == 303


def test_bad_input_gets_a_persian_message_not_a_500(central: RunningCentral) -> None:
    ids = people(central)
    with login(central, "ava") as ava:
        token = _csrf(ava.get("/users").text)
        cases = [
            ({"name": "nima", "role": "case_worker"}, "دست‌کم یک دستگاه"),
            ({"name": "nima", "role": "case_worker", "other_agencies": "Water Board"}, "شناسهٔ دستگاه درست نیست"),
            ({"name": "nima", "role": "chief"}, "نقش درست نیست"),
            ({"name": "  ", "role": "viewer", "all_agencies": "1"}, "نام کاربری باید"),
            ({"name": "cat", "role": "viewer", "all_agencies": "1"}, "پیش‌تر به کار رفته"),
            ({"name": "x" * 150, "role": "viewer", "all_agencies": "1"}, "نام کاربری باید"),
        ]
        for form, message in cases:
            response = ava.post("/users", data={"csrf_token": token, **form})
            assert response.status_code == 422 and message in response.text, form
        assert ava.get("/users/99999").status_code == 404
        assert ava.get(f"/users/{2**63}").status_code == 404
        assert ava.post(f"/users/{2**63}/disable", data={"csrf_token": token}).status_code == 404
        assert ava.get("/users/abc").status_code == 422
        unconfirmed = _act(ava, ids["cat"], "remove")
        assert unconfirmed.status_code == 422 and "جعبهٔ تأیید" in unconfirmed.text
        assert ava.post(f"/users/{ids['cat']}/disable", data={"csrf_token": "forged"}).status_code == 403
        foreign = {"Origin": "https://evil.example"}
        assert ava.post(f"/users/{ids['cat']}/disable", data={"csrf_token": token}, headers=foreign).status_code == 403
    assert central.store.people.get(ids["cat"]).disabled_at is None  # type: ignore[union-attr]


def test_the_last_administrator_cannot_be_taken_away(central: RunningCentral) -> None:
    ids = people(central)
    with login(central, "ava") as ava:
        for act, form in (
            ("disable", {}),
            ("remove", {"confirm": "1"}),
            ("role", {"role": "viewer", "all_agencies": "1"}),
        ):
            refused = _act(ava, ids["ava"], act, **form)
            assert refused.status_code == 422 and "حساب خودتان" in refused.text, act
    people_store = central.store.people
    with pytest.raises(ValueError, match="last active administrator"):
        people_store.disable(ids["ava"], by=Actor(None, None))
    people_store.add("bob", PASSWORD, [], all_agencies=True)
    people_store.disable(ids["ava"], by=Actor(None, None))  # another administrator can log in: allowed
    bob = people_store.by_name("bob")
    assert bob is not None
    with pytest.raises(ValueError, match="last active administrator"):
        people_store.set_role(bob.id, "viewer", [], True, by=Actor(None, None))


def test_the_audit_log_says_who_did_what_to_whom_and_holds_no_secret(central: RunningCentral) -> None:
    ids = people(central)
    with login(central, "ava") as ava:
        token = _csrf(ava.get("/users").text)
        invite = ava.post("/users", data={"csrf_token": token, "name": "nima", "role": "viewer", "all_agencies": "1"})
        link = _link(invite.text)
        assert _act(ava, ids["cat"], "role", role="supervisor", agency=["water", "roads"]).status_code == 303
        assert _act(ava, ids["cat"], "disable").status_code == 303
        assert _act(ava, ids["cat"], "enable").status_code == 303
        reset_link = _link(_act(ava, ids["sam"], "reset-password").text)
        assert _act(ava, ids["vic"], "logout").status_code == 303
        assert _act(ava, ids["vic"], "remove", confirm="1").headers["location"] == "/users?done=removed"
        page = ava.get("/audit")
        assert page.status_code == 200
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", page.text, re.S)
    seen = [(re.sub("<[^>]+>", "", who), what, re.sub("<[^>]+>", "", whom)) for _at, who, what, whom in rows]
    assert seen[:7] == [
        ("ava", "حذف", "vic"),
        ("ava", "بستن همهٔ نشست‌ها", "vic"),
        ("ava", "بازنشانی گذرواژه (پیوند تازه)", "sam"),
        ("ava", "فعال کردن دوباره", "cat"),
        ("ava", "غیرفعال کردن", "cat"),
        ("ava", "تغییر نقش یا دستگاه", "cat"),
        ("ava", "دعوت با پیوند یک‌بار مصرف", "nima"),
    ]
    assert ("خط فرمان سرور", "افزودن با گذرواژه", "ava") in seen
    assert "نقش: کارشناس دستگاه ← سرپرست دستگاه" in page.text
    for secret in (link.rsplit("/", 1)[1], reset_link.rsplit("/", 1)[1], PASSWORD):
        assert secret not in page.text
        with central.store.db.read() as session:
            stored = session.execute(text("SELECT * FROM audit_events")).all()
        assert secret not in repr(stored)
    with central.store.db.read() as session:
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions.count("added") == 4 and actions[-1] == "removed"


def test_a_removed_user_stays_named_in_histories_and_the_name_is_not_given_again(
    central: RunningCentral, kiosk: KioskClient
) -> None:
    body = kiosk.body()
    reference = kiosk.submit(body).json()["reference"]
    ids = people(central)
    with login(central, "cat") as cat:
        token = _csrf(cat.get(f"/requests/{reference}").text)
        assert (
            cat.post(f"/requests/{reference}/status", data={"status": "done", "csrf_token": token}).status_code == 303
        )
    with login(central, "ava") as ava:
        assert _act(ava, ids["cat"], "remove", confirm="1").status_code == 303
        assert "cat" not in re.sub(r"<header.*?</header>", "", ava.get("/users").text, flags=re.S)
        assert "cat" in ava.get(f"/requests/{reference}").text  # the history still says who
        token = _csrf(ava.get("/users").text)
        again = ava.post("/users", data={"csrf_token": token, "name": "cat", "role": "viewer", "all_agencies": "1"})
        assert again.status_code == 422
        assert ava.get(f"/users/{ids['cat']}").status_code == 404
    assert try_login(central, "cat", PASSWORD) == 401


def test_the_users_command_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = ["--data-dir", str(tmp_path / "central-data")]

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["user", *args, *data])
        out, err = capsys.readouterr()
        return code, out, err

    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert run("add", "ava", "--all-agencies", "--password-stdin")[1] == "user 'ava' added as admin (all agencies)\n"
    code, out, _ = run("invite", "cat", "--role", "case_worker", "--agency", "water", "--url", "https://p.example.ir/")
    assert code == 0
    link = re.search(r"https://p\.example\.ir/welcome/(\S+)", out)
    assert link, out
    assert run("invite", "dan", "--role", "supervisor")[0] == 2  # no agency
    code, out, _ = run("list")
    assert out.splitlines()[0].startswith("ava  admin  active  (all agencies)")
    assert out.splitlines()[1].startswith("cat  case_worker  no password yet  (water)")
    assert run("set-role", "cat", "supervisor")[1] == "user 'cat' is now supervisor; their sessions ended\n"
    assert run("set-role", "cat", "viewer", "--all-agencies")[0] == 0
    assert run("disable", "cat")[0] == 0 and "disabled" in run("list")[1].splitlines()[1]
    assert run("enable", "cat")[0] == 0
    code, out, _ = run("reset-password", "cat")
    assert code == 0 and "<the dashboard's address>/welcome/" in out
    assert run("logout", "cat")[1] == "user 'cat': 0 session(s) ended\n"
    assert run("remove", "cat")[0] == 0
    assert run("disable", "cat")[0:2] == (1, "")  # no such user any more
    code, _, err = run("disable", "ava")
    assert code == 2 and "last active administrator" in err
    store = open_store(Settings(data_dir=tmp_path / "central-data"), migrate=False)
    try:
        with store.db.read() as session:
            events = session.execute(select(AuditEvent.actor_name, AuditEvent.action, AuditEvent.target_name)).all()
        assert [tuple(e) for e in events] == [
            (None, "added", "ava"), (None, "invited", "cat"), (None, "role_changed", "cat"),
            (None, "role_changed", "cat"), (None, "disabled", "cat"), (None, "enabled", "cat"),
            (None, "password_reset", "cat"), (None, "logged_out", "cat"), (None, "removed", "cat"),
        ]  # fmt: skip
    finally:
        store.db.dispose()


def test_old_users_become_administrators_or_case_workers(db_url: str | None, tmp_path: Path) -> None:
    """Revision 0004: users of all agencies become administrators, the others case workers."""
    from alembic import command

    from kiosk.central.db import _alembic_config, connect, upgrade

    db = connect(db_url or f"sqlite:///{tmp_path / 'old.sqlite3'}")
    try:
        with db.engine.connect() as connection:
            command.upgrade(_alembic_config(connection), "0003")
            connection.commit()
        with db.engine.begin() as connection:
            for name, every, agencies in (("ava", True, "[]"), ("cat", False, '["water"]')):
                connection.execute(
                    text(
                        "INSERT INTO users (name, password_hash, all_agencies, agencies, created_at)"
                        " VALUES (:name, 'x', :every, :agencies, '2026-11-20 09:00:00')"
                    ),
                    {"name": name, "every": every, "agencies": agencies},
                )
        upgrade(db)
        with db.read() as session:
            found = {
                user.name: (user.role, user.removed_at, user.link_digest) for user in session.scalars(select(User))
            }
        assert found == {"ava": ("admin", None, None), "cat": ("case_worker", None, None)}
    finally:
        db.dispose()
