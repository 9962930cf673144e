"""A central database filled with a province's year of requests, for benchmarks at scale.

    .venv/bin/python -m benchmarks.province_requests --url sqlite:////work/benchdata/me/central.db \\
        --count 1000000 [--seed 1] [--secret-file DATA_DIR/secret.key]

``fill(url, count, seed=1)`` makes the schema with the real Alembic migrations, publishes the
bundled catalog as release 1, registers 20-60 kiosks and a few dozen staff users, then stores
``count`` requests shaped like a year of a province's kiosks:

- the catalog's real agencies and the services that have a form, some far more asked for than others;
- created over the 365 days before now, on Iran's working week (Saturday to Wednesday busy,
  Thursday half a day, Friday nearly closed) with office-hour peaks (Iran time), received seconds
  later (now and then hours later: a kiosk that was offline);
- each kiosk's tracking codes in order, Idempotency-Keys random UUIDs, keyed body hashes;
- national-ID HMACs of a citizen population where some people come back (and now and then file the
  same request again within the duplicate window: those rows point at the first, as the server does);
- answers made from each service's form (names, IDs, mobiles, choices, Persian text) encrypted at
  rest exactly as the server stores them (``RestBox`` under the secret's at-rest key), with the
  tracking check of the mobile number's last four digits;
- statuses by age (old requests mostly done or rejected, the last days mostly still received or in
  review) with their status changes (received, in review, the decision, by a user of the agency).

The answers are encrypted under ``secret`` (default: a key derived from ``seed``, ``secret_for``):
a server reading them must run with the same key (its data folder's ``secret.key``, which the CLI's
``--secret-file`` writes, or ``KIOSK_CENTRAL_SECRET``). Rows are written in batches straight to
the driver (sqlite3 ``executemany`` with the two tables' secondary indexes dropped and made again
from their own definitions; PostgreSQL ``COPY``): a million requests in a few minutes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text

from kiosk.central import db as database
from kiosk.central import security
from kiosk.central.models import CatalogRelease, Kiosk, ServerSetting, User
from kiosk.core.catalog import catalog_document
from kiosk.core.sealing import RestBox, derive_rest_key
from kiosk.core.tracking import make_tracking_code

CATALOG = Path(__file__).resolve().parents[1] / "resources" / "catalog"
BATCH = 20_000
IRAN = timedelta(hours=3, minutes=30)
DUPLICATE_WINDOW = timedelta(hours=24)  # the server's default duplicate_window_hours
# Iran's week, Monday first (datetime.weekday): Thursday half a day, Friday nearly closed.
DAY_WEIGHTS = (1.0, 1.0, 1.0, 0.55, 0.08, 1.0, 1.05)
# Iran-time hours 0-23: the offices' day, peaking mid-morning.
HOUR_WEIGHTS = (0, 0, 0, 0, 0, 0, 0.2, 1, 4, 8, 10, 10, 9, 7, 4, 2.5, 2, 1.5, 1.2, 0.8, 0.5, 0.2, 0.05, 0)
FIRST_NAMES = ("علی", "محمد", "زهرا", "فاطمه", "حسین", "مریم", "رضا", "سارا", "مهدی", "نرگس", "امیر", "لیلا")
LAST_NAMES = ("رضایی", "محمدی", "حسینی", "احمدی", "کریمی", "موسوی", "جعفری", "قاسمی", "رحیمی", "نوری", "طاهری")
WORDS = (
    "لطفا", "بررسی", "درخواست", "قبض", "کنتور", "منزل", "خیابان", "کوچه", "پلاک", "ساری", "آمل", "بابل",
    "مشکل", "پرداخت", "مبلغ", "اشتباه", "ماه", "گذشته", "همسایه", "تعمیر", "فوری", "شده", "است", "نیست",
)  # fmt: skip
REASONS = (
    "مدارک ناقص است؛ لطفاً با اصل سند مراجعه کنید.",
    "نشانی با پرونده اشتراک مطابقت ندارد.",
    "درخواست تکراری است و پیش‌تر رسیدگی شده.",
    "این درخواست در حوزه این اداره نیست.",
)
DONE_NOTES = ("انجام شد.", "کارشناس بازدید کرد و مشکل برطرف شد.", None, None)


def secret_for(seed: int) -> bytes:
    """The server secret ``fill`` encrypts answers under when none is given (32 bytes)."""
    return hashlib.sha256(f"pishkhan province benchmark {seed}".encode()).digest()


@dataclass(frozen=True)
class Service:
    id: str
    agency_id: str
    fields: tuple[dict[str, Any], ...]
    mobile_field: str | None
    has_national_id: bool


def catalog_services(document: dict[str, Any]) -> list[Service]:
    """The services citizens can file a request for: those with a form."""
    found = []
    for agency in document["agencies"]:
        for service in agency.get("services", []):
            form = service.get("form")
            if not form:
                continue
            fields = tuple(form["fields"])
            mobile = next((f["id"] for f in fields if f["kind"] == "mobile"), None)
            national = any(f["kind"] == "national_id" for f in fields)
            found.append(Service(service["id"], agency["id"], fields, mobile, national))
    return found


def national_id(number: int) -> str:
    """A valid Iranian national ID (check digit) for a citizen number."""
    body = f"{number % 1_000_000_000:09d}"
    total = sum(int(d) * (10 - i) for i, d in enumerate(body))
    remainder = total % 11
    return body + str(remainder if remainder < 2 else 11 - remainder)


class Province:
    """Draws the rows; every choice comes from one seeded generator, so a seed makes one province."""

    def __init__(self, count: int, seed: int, key: bytes, document: dict[str, Any], now: datetime) -> None:
        self.rng = random.Random(seed)
        self.count = count
        self.key = key
        self.rest = RestBox(derive_rest_key(key))
        self.services = catalog_services(document)
        self.catalog_version = str(document["version"])
        # A few services take most requests (bills, complaints), as Zipf would have it.
        self.rng.shuffle(self.services)
        self.service_weights = [1 / (rank + 1) ** 0.9 for rank in range(len(self.services))]
        self.kiosk_count = self.rng.randint(20, 60)
        self.kiosk_weights = [self.rng.uniform(0.3, 3.0) for _ in range(self.kiosk_count)]
        self.population = max(10, int(count * 0.55))
        self.end = now.replace(minute=0, second=0, microsecond=0)
        self.start = self.end - timedelta(days=365)
        self._digests: dict[int, str] = {}

    # --- the year's shape ---------------------------------------------------------------------

    def created_times(self) -> list[datetime]:
        """``count`` instants over the year, sorted, shaped by the week and the office day (Iran time)."""
        rng = self.rng
        days = [self.start + timedelta(days=d) for d in range(365)]
        # Busier as the year goes on (more kiosks, better known): +60 % from first day to last.
        day_weights = [DAY_WEIGHTS[(day + IRAN).weekday()] * (1 + 0.6 * i / 365) for i, day in enumerate(days)]
        picked_days = rng.choices(range(365), weights=day_weights, k=self.count)
        picked_hours = rng.choices(range(24), weights=HOUR_WEIGHTS, k=self.count)
        local_midnight = self.start.replace(hour=0) - IRAN  # Iran midnight in UTC, near the start
        times = []
        for day, hour in zip(picked_days, picked_hours, strict=True):
            seconds = day * 86400 + hour * 3600 + rng.random() * 3600
            moment = local_midnight + timedelta(seconds=seconds)
            times.append(min(max(moment, self.start), self.end - timedelta(seconds=1)))
        times.sort()
        return times

    def citizen(self) -> int:
        """Some citizens come back often; most come once or twice."""
        if self.rng.random() < 0.2:
            return int(self.population * self.rng.random() ** 3)  # the regulars, skewed to a few
        return self.rng.randrange(self.population)

    def digest(self, citizen: int) -> str:
        found = self._digests.get(citizen)
        if found is None:
            found = security.national_id_digest(self.key, national_id(citizen + 1_000_000)) or ""
            self._digests[citizen] = found
        return found

    def answers(self, service: Service, citizen: int) -> dict[str, Any]:
        rng = self.rng
        values: dict[str, Any] = {}
        for field in service.fields:
            kind = field["kind"]
            if kind == "text":
                values[field["id"]] = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            elif kind == "long_text":
                size = rng.randint(6, min(45, field.get("max_length", 300) // 7))
                values[field["id"]] = " ".join(rng.choices(WORDS, k=size))
            elif kind == "national_id":
                values[field["id"]] = national_id(citizen + 1_000_000)
            elif kind == "mobile":
                values[field["id"]] = f"09{rng.randrange(10**9):09d}"
            elif kind == "postal_code":
                values[field["id"]] = f"{rng.randrange(1, 10):d}{rng.randrange(10**9):09d}"
            elif kind == "number":
                values[field["id"]] = str(rng.randrange(10 ** rng.randint(3, 10)))
            elif kind == "choice":
                values[field["id"]] = rng.choice(field["choices"])["id"]
            elif kind == "jalali_date":
                values[field["id"]] = f"1404/{rng.randint(1, 12):02d}/{rng.randint(1, 29):02d}"
            elif kind == "consent":
                values[field["id"]] = True
        return values

    def status_path(self, age_days: float) -> tuple[str, ...]:
        """The statuses a request went through, by how long ago it came."""
        rng = self.rng
        settled = min(1.0, age_days / 30)  # the share of requests decided grows over a month
        roll = rng.random()
        if roll < 0.25 * (1 - settled) + 0.02:
            return ("received",)
        if roll < 0.45 * (1 - settled) + 0.05:
            return ("received", "in_review")
        final = "rejected" if rng.random() < 0.16 else "done"
        return ("received", "in_review", final) if rng.random() < 0.7 else ("received", final)

    # --- rows ---------------------------------------------------------------------------------

    def kiosk_rows(self, now: datetime, token_hash: str) -> list[dict[str, Any]]:
        return [
            {
                "id": number, "number": number, "name": f"کیوسک {number}", "token_hash": token_hash,
                "created_at": self.start - timedelta(days=3), "revoked_at": None,
                "last_seen_at": now - timedelta(seconds=self.rng.randint(5, 600)), "version": "0.1.0",
                "profile": "sari-lobby", "mode": "live", "catalog_version": self.catalog_version,
                "queue_depth": 0, "oldest_pending_seconds": None, "rejected": 0, "last_error": None,
            }
            for number in range(1, self.kiosk_count + 1)
        ]  # fmt: skip

    def user_rows(self, password_hash: str) -> tuple[list[dict[str, Any]], dict[str, list[int]]]:
        agencies = sorted({s.agency_id for s in self.services})
        rows = [{"id": 1, "name": "admin", "all_agencies": True, "agencies": [], "role": "admin"}]
        by_agency: dict[str, list[int]] = {}
        for agency in agencies:
            for n in range(self.rng.randint(2, 4)):
                uid = len(rows) + 1
                role = "supervisor" if n == 0 else "case_worker"
                rows.append({"id": uid, "name": f"{agency}-{n + 1}", "all_agencies": False, "agencies": [agency],
                             "role": role})  # fmt: skip
                by_agency.setdefault(agency, []).append(uid)
        for row in rows:
            row.update(password_hash=password_hash, created_at=self.start - timedelta(days=5), disabled_at=None,
                       removed_at=None, last_login_at=self.end - timedelta(hours=1), link_digest=None,
                       link_expires_at=None)  # fmt: skip
        return rows, by_agency

    def request_batches(
        self, staff: dict[str, list[int]]
    ) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
        """Batches of (requests rows, status_changes rows) as tuples in ``REQUEST_COLUMNS`` and
        ``CHANGE_COLUMNS`` order, with Python values (aware datetimes, bytes, bools)."""
        rng = self.rng
        times = self.created_times()
        services = rng.choices(range(len(self.services)), weights=self.service_weights, k=self.count)
        kiosks = rng.choices(range(1, self.kiosk_count + 1), weights=self.kiosk_weights, k=self.count)
        sequences = [0] * (self.kiosk_count + 1)
        # (service, citizen) -> (id, created) of the first request in the current duplicate window.
        firsts: dict[tuple[int, int], tuple[int, datetime]] = {}
        recent: list[tuple[int, int]] = []  # (service, citizen) of the last few with a national ID
        change_id = 0
        requests: list[tuple[Any, ...]] = []
        changes: list[tuple[Any, ...]] = []
        for index in range(self.count):
            row_id = index + 1
            created = times[index]
            service_index = services[index]
            citizen = self.citizen()
            if recent and rng.random() < 0.015:  # the same person files the same request again
                service_index, citizen = recent[rng.randrange(len(recent))]
            service = self.services[service_index]
            kiosk = kiosks[index]
            sequences[kiosk] += 1
            code = make_tracking_code(kiosk, sequences[kiosk])
            delay = rng.expovariate(1 / 2.0) if rng.random() < 0.97 else rng.expovariate(1 / 7200)
            received = min(created + timedelta(seconds=delay), self.end)
            answers = self.answers(service, citizen)
            digest = None
            duplicate_of = None
            if service.has_national_id:
                digest = self.digest(citizen)
                pair = (service_index, citizen)
                first = firsts.get(pair)
                if first is not None and created - first[1] <= DUPLICATE_WINDOW:
                    duplicate_of = first[0]
                else:
                    firsts[pair] = (row_id, created)
                recent.append(pair)
                if len(recent) > 40:
                    del recent[0]
            mobile = answers.get(service.mobile_field) if service.mobile_field else None
            mobile_check = security.mobile_check(self.key, code, mobile[-4:]) if mobile else None
            body_hash = security.keyed_body_hash(self.key, f"{rng.getrandbits(256):064x}")
            key = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            age_days = (self.end - received).total_seconds() / 86400
            path = self.status_path(age_days)
            at = received
            reason = None
            users = staff.get(service.agency_id) or [1]
            for step, status in enumerate(path):
                user = None
                if step:
                    at = min(at + timedelta(hours=rng.expovariate(1 / 30)), self.end)
                    user = rng.choice(users)
                    if status == "rejected":
                        reason = rng.choice(REASONS)
                    elif status == "done":
                        reason = rng.choice(DONE_NOTES)
                change_id += 1
                changes.append((change_id, row_id, status, reason if step else None, at, user))
            source = "import" if rng.random() < 0.01 else "api"
            requests.append((
                row_id, kiosk, key, body_hash, True, code, service.id, service.agency_id, "live", "sari-lobby",
                self.catalog_version, created, received, self.rest.lock(answers), None, mobile_check, digest,
                duplicate_of, path[-1], at, reason, source,
            ))  # fmt: skip
            if len(requests) >= BATCH:
                yield requests, changes
                requests, changes = [], []
        if requests:
            yield requests, changes


REQUEST_COLUMNS = (
    "id", "kiosk_id", "idempotency_key", "body_hash", "enforced", "tracking_code", "service_id", "agency_id", "mode",
    "profile", "catalog_version", "created_at", "received_at", "fields_sealed", "fields", "mobile_check",
    "national_id_hmac", "duplicate_of_id", "status", "status_changed_at", "reason", "source",
)  # fmt: skip
CHANGE_COLUMNS = ("id", "request_id", "status", "reason", "at", "user_id")
TABLES = ("requests", "status_changes")


def _sqlite_value(value: Any) -> Any:
    """As SQLAlchemy's UTCDateTime and Boolean store them on SQLite (naive UTC text, 0/1)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, bool):
        return int(value)
    return value


def _insert_statement(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def _sqlite_rows(rows: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [tuple(_sqlite_value(v) for v in row) for row in rows]


def _secondary_indexes(connection: Any, dialect: str) -> list[tuple[str, str]]:
    """(name, its CREATE statement as the migrations made it) of the two tables' non-key indexes."""
    if dialect == "sqlite":
        found = connection.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                 "AND tbl_name IN ('requests', 'status_changes')")
        )  # fmt: skip
    else:
        found = connection.execute(
            text("SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
                 "AND i.tablename IN ('requests', 'status_changes') AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                 "WHERE c.conname = i.indexname AND c.connamespace = to_regnamespace(i.schemaname))")
        )  # fmt: skip
    return [(str(name), str(sql)) for name, sql in found]


def fill(url: str, count: int, *, seed: int = 1, secret: bytes | None = None) -> None:
    """Fill the database at ``url`` (SQLAlchemy URL: sqlite:///file or postgresql+psycopg://...)
    with ``count`` requests of a province's year. Its schema is made (or brought up to date) by the
    migrations; it must hold no request yet. Answers are encrypted under ``secret`` (default
    ``secret_for(seed)``), whose fingerprint is recorded as a server's would be."""
    if count < 1:
        raise ValueError("count must be at least 1")
    key = secret if secret is not None else secret_for(seed)
    db = database.connect(url)
    try:
        database.upgrade(db)
        with db.write() as session:
            if session.scalar(select(func.count()).select_from(Kiosk)) or session.scalar(
                text("SELECT 1 FROM requests LIMIT 1")
            ):
                raise ValueError("the database already has kiosks or requests: fill an empty one")
            fingerprint = security.secret_fingerprint(key)
            stored = session.get(ServerSetting, "secret_fingerprint")
            if stored is None:
                session.add(ServerSetting(key="secret_fingerprint", value=fingerprint))
            elif stored.value != fingerprint:
                raise ValueError("the database was used with another secret key: give fill() that one")
        now = datetime.now(UTC)
        document = catalog_document(CATALOG)
        province = Province(count, seed, key, document, now)
        body = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        token_hash = security.hash_secret("province benchmark kiosk token")  # one hash for all: no kiosk logs in
        users, staff = province.user_rows(security.hash_secret("province benchmark password"))
        with db.write() as session:
            session.execute(
                insert(CatalogRelease.__table__),
                [{"id": 1, "catalog_version": province.catalog_version,
                  "etag": f'"1-{hashlib.sha256(body.encode()).hexdigest()[:20]}"', "document": body,
                  "published_at": province.start - timedelta(days=4)}],
            )  # fmt: skip
            session.execute(insert(Kiosk.__table__), province.kiosk_rows(now, token_hash))
            session.execute(insert(User.__table__), users)
        _write_requests(db, province, staff)
    finally:
        db.dispose()


def _write_requests(db: database.Database, province: Province, staff: dict[str, list[int]]) -> None:
    dialect = db.dialect
    with db.engine.begin() as connection:
        indexes = _secondary_indexes(connection, dialect)
        for name, _sql in indexes:
            connection.execute(text(f'DROP INDEX "{name}"'))
        raw = connection.connection.driver_connection
        if dialect == "sqlite":
            connection.exec_driver_sql("PRAGMA cache_size = -200000")
            put_request = _insert_statement("requests", REQUEST_COLUMNS)
            put_change = _insert_statement("status_changes", CHANGE_COLUMNS)
            for requests, changes in province.request_batches(staff):
                raw.executemany(put_request, _sqlite_rows(requests))
                raw.executemany(put_change, _sqlite_rows(changes))
        else:
            cursor = raw.cursor()
            for requests, changes in province.request_batches(staff):
                with cursor.copy(f"COPY requests ({', '.join(REQUEST_COLUMNS)}) FROM STDIN") as copy:
                    for row in requests:
                        copy.write_row(row)
                with cursor.copy(f"COPY status_changes ({', '.join(CHANGE_COLUMNS)}) FROM STDIN") as copy:
                    for row in changes:
                        copy.write_row(row)
            for table in ("requests", "status_changes", "kiosks", "users", "catalogs"):
                connection.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
                )
        for _name, sql in indexes:
            connection.execute(text(sql))
    with db.engine.begin() as connection:
        if dialect == "sqlite":
            connection.exec_driver_sql("ANALYZE")
        else:
            connection.exec_driver_sql("ANALYZE requests")
            connection.exec_driver_sql("ANALYZE status_changes")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="sqlite:///path/central.db or postgresql+psycopg://...")
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--secret-file", type=Path, help="the server's secret.key: read if it exists, else written with the seed's key"
    )
    args = parser.parse_args(argv)
    secret = None
    if args.secret_file is not None:
        if args.secret_file.exists():
            secret = bytes.fromhex(args.secret_file.read_text(encoding="ascii").strip())
        else:
            args.secret_file.parent.mkdir(parents=True, exist_ok=True)
            args.secret_file.write_text(secret_for(args.seed).hex() + "\n", encoding="ascii")
            args.secret_file.chmod(0o600)
    began = time.perf_counter()
    try:
        fill(args.url, args.count, seed=args.seed, secret=secret)
    except ValueError as exc:
        print(f"province_requests: {exc}", file=sys.stderr)
        return 1
    print(f"stored {args.count} requests in {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
