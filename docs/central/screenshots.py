"""Screenshots of every dashboard page, taken in headless Chromium (Debian's ``chromium``).

    .venv/bin/python docs/central/screenshots.py            # writes docs/central/*.png

It starts the real central server on 127.0.0.1 with a fresh data folder, seeds it with a catalog,
kiosks, heartbeats, requests (one possible-duplicate pair, some demo ones) and two weeks of usage,
logs a staff user in over HTTP, and points Chromium at each page. Chromium's ``--screenshot`` mode
cannot log in by itself, so it talks to a tiny proxy on another 127.0.0.1 port that adds the
logged-in session cookie to each request, as the browser would after the login form.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import tempfile
import threading
import uuid
from datetime import UTC, datetime, timedelta
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from harness.central_server import RunningCentral, start_central_server  # noqa: E402
from kiosk.core.catalog import load_catalog  # noqa: E402
from kiosk.core.tracking import make_tracking_code  # noqa: E402

OUT = Path(__file__).resolve().parent
PASSWORD = "screenshot password"

# Real services of the bundled catalog (resources/catalog), which the server publishes first.
SERVICES = [
    "mazandaran-water.new-connection", "mazandaran-water.bill-payment", "civil-registration.smart-card-registration",
    "civil-registration.birth-registration", "sari-municipality.building-permit", "sari-municipality.complaint-137",
    "post.postal-code-certificate", "mazandaran-power.outage-report", "tax.rent-return",
]  # fmt: skip

PEOPLE = [
    ("علی رضایی", "0012345679"), ("زهرا احمدی", "2050123451"), ("محمد حسینی", "4311237894"),
    ("فاطمه کریمی", "2080564321"), ("رضا موسوی", "0079485123"), ("مریم جعفری", "2162345675"),
]  # fmt: skip

STATUS_SAMPLES = [
    ("in_review", None), ("done", None), ("rejected", "تصویر سند مالکیت خوانا نیست."), ("done", None),
    ("in_review", None), ("done", None), ("rejected", "این خدمت در شهر شما ارائه نمی‌شود."),
]  # fmt: skip

PAGES = {"login": "/login", "requests": "/requests?mode=all", "fleet": "/fleet", "usage": "/usage?days=14"}


def seed(c: RunningCentral) -> tuple[int, str]:
    """Fill the server; returns (reference of the duplicate request, staff session cookie)."""
    c.publish_catalog(ROOT / "resources" / "catalog")
    c.store.people.add("sara", PASSWORD, [], all_agencies=True)
    rng = random.Random(1405)
    kiosks = [
        c.add_kiosk("تالار ورودی استانداری مازندران"),
        c.add_kiosk("غرفهٔ نمایشگاه بین‌المللی ساری"),
        c.add_kiosk("دفتر آب و فاضلاب قائم‌شهر"),
        c.add_kiosk("شهرداری بابل (جمع‌آوری‌شده)"),
    ]
    services = [(service_id.split(".")[0], service_id) for service_id in SERVICES]
    now = datetime.now(UTC)
    duplicate_reference = 0
    with httpx.Client(base_url=c.url, timeout=30) as http:
        beats = [
            {"version": "0.4.0", "profile": "sari-lobby", "mode": "live", "catalog_version": "1405.09.02-1",
             "queue_depth": 0, "oldest_pending_seconds": None, "rejected": 0, "last_error": None},
            {"version": "0.4.0", "profile": "festival", "mode": "demo", "catalog_version": "1405.09.02-1",
             "queue_depth": 3, "oldest_pending_seconds": 42, "rejected": 0, "last_error": None},
            {"version": "0.3.2", "profile": "water-booth", "mode": "live", "catalog_version": "1405.08.20-2",
             "queue_depth": 27, "oldest_pending_seconds": 5400, "rejected": 1,
             "last_error": "connection timed out after 10 s"},
        ]  # fmt: skip
        for (number, token), beat in zip(kiosks, beats, strict=False):
            http.post(f"/api/v1/kiosks/{number}/heartbeat", json=beat, headers={"Authorization": f"Bearer {token}"})
        sequence = 5000
        for index in range(24):
            number, token = kiosks[index % 3]
            agency_id, service_id = services[rng.randrange(len(services))]
            name, national_id = PEOPLE[rng.randrange(len(PEOPLE))]
            sequence += rng.randrange(1, 40)
            created = now - timedelta(minutes=rng.randrange(10, 60 * 24 * 5))
            body = {
                "tracking_code": make_tracking_code(number, sequence), "service_id": service_id,
                "agency_id": agency_id, "mode": "demo" if number == 2 else "live",
                "profile": beats[(number - 1) % 3]["profile"], "catalog_version": "1405.09.02-1",
                "created_at": created.isoformat().replace("+00:00", "Z"),
                "fields": form_answers(service_id, name, f"{int(national_id) + index:010d}",
                                       f"0912{rng.randrange(1000000, 9999999)}", rng),
            }  # fmt: skip
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}
            http.post("/api/v1/requests", json=body, headers=headers).raise_for_status()
        # A kiosk killed between storing a request and printing its receipt: the citizen files again.
        number, token = kiosks[0]
        for minutes, seq in ((18, 9101), (15, 9102)):
            body = {
                "tracking_code": make_tracking_code(number, seq), "service_id": "mazandaran-water.new-connection",
                "agency_id": "mazandaran-water", "mode": "live", "profile": "sari-lobby",
                "catalog_version": "1405.09.02-1",
                "created_at": (now - timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z"),
                "fields": form_answers("mazandaran-water.new-connection", "علی رضایی", "0012345679",
                                       "09121234567", random.Random(9100)),
            }  # fmt: skip
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}
            response = http.post("/api/v1/requests", json=body, headers=headers)
            response.raise_for_status()
            duplicate_reference = int(response.json()["reference"])
        _as_if_delivered_over_days(c)
        rows = c.requests()
        for row, (status, reason) in zip(rng.sample(rows[:-2], len(STATUS_SAMPLES)), STATUS_SAMPLES, strict=True):
            c.set_status(row["tracking_code"], status, reason)
        # Two weeks of sessions, as kiosks send them: the lobby and the water booth live, the
        # festival's booth demo; services viewed (with the time on each card), requests started
        # and filed or left, each session's end. (The usage page counts sessions.)
        for (_number, token), profile, mode, per_day in (
            (kiosks[0], "sari-lobby", "live", 14), (kiosks[2], "water-booth", "live", 6),
            (kiosks[1], "festival", "demo", 9),
        ):  # fmt: skip
            events = []
            for day in range(13, -1, -1):
                for _ in range(rng.randrange(per_day // 2, per_day * 2)):
                    at = now - timedelta(days=day, hours=rng.randrange(0, 8), minutes=rng.randrange(60))
                    events += _session(rng, services, at, profile, mode)
            for start in range(0, len(events), 500):
                http.post("/api/v1/usage", json={"events": events[start:start + 500]},
                          headers={"Authorization": f"Bearer {token}"}).raise_for_status()  # fmt: skip
        c.revoke_kiosk(kiosks[3][0])

        page = http.get("/login")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        response = http.post("/login", data={"username": "sara", "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 303, response.text
        cookie = http.cookies["pishkhan_session"]
    return duplicate_reference, cookie


@cache
def _forms() -> dict[str, Any]:
    return {s.id: s.form for a in load_catalog(ROOT / "resources" / "catalog").agencies for s in a.services}


def form_answers(service_id: str, name: str, national_id: str, mobile: str, rng: random.Random) -> dict[str, object]:
    """Answers to every question of the service's form in the bundled catalog, as a kiosk sends them
    (the four of old for a service without a form)."""
    form = _forms().get(service_id)
    if form is None:
        return {"full_name": name, "national_id": national_id, "mobile": mobile, "consent": True}
    samples: dict[str, object] = {
        "national_id": national_id, "mobile": mobile, "postal_code": "4816834567", "number": "1204",
        "text": name, "long_text": "ساری، خیابان فرهنگ، کوچهٔ 12، پلاک 4", "consent": True,
        "jalali_date": (datetime.now(UTC) - timedelta(days=rng.randrange(1, 20))).date().isoformat(),
    }  # fmt: skip
    return {
        f.id: rng.choice(f.choices).id if f.kind == "choice" else samples[f.kind]
        for f in form.fields
        if f.required or rng.random() < 0.5
    }


def seed_people(c: RunningCentral) -> tuple[int, str]:
    """Staff of every role, some acts on them for the audit log, and one invitation not yet used:
    returns (the id of a user to show, the invitation's token)."""
    from kiosk.central.store.people import Actor

    people = c.store.people
    sara = people.by_name("sara")
    assert sara is not None
    by = Actor.of(sara)
    people.add("reza.karimi", PASSWORD, ["mazandaran-water"], all_agencies=False, role="supervisor", by=by)
    mina = people.add("mina.ahmadi", PASSWORD, ["mazandaran-water", "sari-municipality"], all_agencies=False, by=by)
    people.add("organisers", PASSWORD, [], all_agencies=True, role="viewer", by=by)
    people.set_role(mina.id, "case_worker", ["mazandaran-water"], all_agencies=False, by=by)
    people.disable(mina.id, by=by)
    people.enable(mina.id, by=by)
    people.log_out_everywhere(mina.id, by=by)
    _user, token = people.invite("hamed.rostami", "case_worker", ["civil-registration"], all_agencies=False, by=by)
    return mina.id, token


def seed_services(c: RunningCentral) -> int:
    """Two editors and a reviewer of the water company: one change approved and published (release
    2), a second waiting for review. Returns the waiting draft's number."""
    import copy

    from kiosk.central.store.drafts import find_service
    from kiosk.central.store.people import Actor

    people, drafts = c.store.people, c.store.drafts
    water = ["mazandaran-water"]
    editor = Actor.of(people.add("leila.moradi", PASSWORD, water, all_agencies=False, role="editor"))
    colleague = Actor.of(people.add("omid.tavakoli", PASSWORD, water, all_agencies=False, role="editor"))
    people.add("parisa.nouri", PASSWORD, water, all_agencies=False, role="reviewer")
    document = c.store.catalogs.document(1)
    assert document is not None
    found = find_service(document, "mazandaran-water.new-connection")
    assert found is not None
    proposed = copy.deepcopy(found[1])
    proposed["fee"] = {"kind": "fixed", "rial": 4_500_000}
    proposed["steps"][1] = {
        "fa": "شمارهٔ پرونده و کد ملی مالک را بنویسید.",
        "en": "Type the file number and the owner's national ID.",
    }
    proposed["service_desk"] = {
        "service_code": "13021450007", "service_type": "G2C",
        "legal_basis": {"fa": "آیین‌نامهٔ تعرفه‌های آب و فاضلاب", "en": "Water and wastewater tariff regulation"},
        "responsible_unit": {"fa": "ادارهٔ مشترکین", "en": "Customer office"},
        "national_window": "https://my.gov.ir/service/13021450007",
    }  # fmt: skip
    proposed["last_verified"] = "2026-12-01"
    first = drafts.save(proposed, 1, by=editor)
    drafts.approve(first.id, by=colleague)
    document = c.store.catalogs.document(2)
    assert document is not None
    found = find_service(document, "mazandaran-water.bill-payment")
    assert found is not None
    proposed = copy.deepcopy(found[1])
    proposed["title"]["fa"] = "پرداخت قبض آب و فاضلاب"
    proposed["keywords"]["fa"] = [*proposed["keywords"]["fa"], "قبض فاضلاب"]
    return drafts.save(proposed, 2, by=colleague).id


def _as_if_delivered_over_days(central: RunningCentral) -> None:
    """Seeding happens in a second; a real server receives each request soon after it was filed, and
    one kiosk has been silent for three hours."""
    from sqlalchemy import select, update

    from kiosk.central.models import CitizenRequest, Kiosk, StatusChange

    with central.store.db.write() as session:
        for row in session.scalars(select(CitizenRequest)):
            row.received_at = row.created_at + timedelta(seconds=4)
            row.status_changed_at = row.received_at
        for change in session.scalars(select(StatusChange)):
            change.at = session.get_one(CitizenRequest, change.request_id).received_at
        session.execute(
            update(Kiosk).where(Kiosk.number == 3).values(last_seen_at=datetime.now(UTC) - timedelta(hours=3))
        )


def _session(
    rng: random.Random, services: list[tuple[str, str]], at: datetime, profile: str, mode: str
) -> list[dict[str, object]]:
    """One citizen's visit: a few services viewed (some far more than others), perhaps a request."""
    weights = [1 + i % 4 * 3 for i in range(len(services))]
    viewed = rng.choices(services, weights, k=rng.choice((1, 1, 2, 3)))
    steps: list[tuple[str, tuple[str, str] | None, float | None]] = [
        ("service_viewed", service, round(rng.lognormvariate(3.4, 0.6), 1)) for service in viewed
    ]
    if rng.random() < 0.4:
        steps += [("request_started", viewed[-1], None),
                  ("request_submitted" if rng.random() < 0.75 else "request_abandoned", viewed[-1], None)]  # fmt: skip
    steps.append(("session_ended", None, round(rng.uniform(30, 400), 1)))
    return [
        {"kind": kind, "service_id": service[1] if service else None, "agency_id": service[0] if service else None,
         "at": (at + timedelta(seconds=25 * i)).isoformat().replace("+00:00", "Z"), "profile": profile,
         "mode": mode, "duration_seconds": seconds}
        for i, (kind, service, seconds) in enumerate(steps)
    ]  # fmt: skip


def cookie_proxy(target: str, cookie: str) -> ThreadingHTTPServer:
    """127.0.0.1 proxy adding the session cookie (except on /login, shown as a visitor sees it)."""
    client = httpx.Client(base_url=target, timeout=30)

    class Handler(BaseHTTPRequestHandler):
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            headers = {} if self.path.startswith("/login") else {"Cookie": f"pishkhan_session={cookie}"}
            response = client.get(self.path, headers=headers)
            self.send_response(response.status_code)
            for name in ("content-type", "location"):
                if name in response.headers:
                    self.send_header(name, response.headers[name])
            self.send_header("content-length", str(len(response.content)))
            self.end_headers()
            self.wfile.write(response.content)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def shoot(url: str, path: Path, height: int = 900) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("Debian's chromium is needed: apt-get install -y chromium")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--hide-scrollbars", f"--user-data-dir={profile}", f"--screenshot={path}",
             f"--window-size=1366,{height}", "--virtual-time-budget=3000", url],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    print(f"wrote {path.relative_to(ROOT)}")


def main() -> int:
    from kiosk.central import pages

    # A page of 12 (the server's is 50), so the list's page links show with the requests seeded here.
    pages.PAGE_SIZE = 12
    with tempfile.TemporaryDirectory() as data, start_central_server(Path(data)) as central:
        duplicate, cookie = seed(central)
        user_id, invitation = seed_people(central)
        waiting = seed_services(central)
        proxy = cookie_proxy(central.url, cookie)
        base = f"http://127.0.0.1:{proxy.server_address[1]}"
        try:
            for name, path in PAGES.items():
                shoot(base + path, OUT / f"{name}.png", height={"requests": 1300, "usage": 2300}.get(name, 900))
            shoot(f"{base}/requests/{duplicate}", OUT / "request-detail.png", height=1000)
            shoot(f"{base}/users", OUT / "users.png", height=1250)
            shoot(f"{base}/users/{user_id}", OUT / "user.png", height=1150)
            shoot(f"{base}/audit", OUT / "audit.png", height=820)
            shoot(f"{central.url}/welcome/{invitation}", OUT / "welcome.png", height=620)
            shoot(f"{base}/services/mazandaran-water.new-connection/edit", OUT / "service-edit.png", height=4200)
            shoot(f"{base}/services/drafts/{waiting}", OUT / "service-review.png", height=1500)
            shoot(f"{base}/releases", OUT / "releases.png", height=500)
            shoot(f"{base}/releases/2", OUT / "release.png", height=1000)
        finally:
            proxy.shutdown()
            proxy.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
