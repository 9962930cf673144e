"""The central server's pure parts: Jalali dates, hashes, ETags, migrations vs models."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.central import jalali, security
from kiosk.central.api import _etag_matches
from kiosk.central.store.intake import canonical_hash


@pytest.mark.parametrize(
    ("gregorian", "expected"),
    [
        (date(2026, 11, 23), (1405, 9, 2)),
        (date(2026, 3, 21), (1405, 1, 1)),  # Nowruz 1405
        (date(2025, 3, 21), (1404, 1, 1)),
        (date(2025, 3, 20), (1403, 12, 30)),  # 1403 is a leap year
        (date(2024, 3, 20), (1403, 1, 1)),
        (date(1979, 2, 11), (1357, 11, 22)),
        (date(2000, 1, 1), (1378, 10, 11)),
        (date(2050, 6, 1), (1429, 3, 11)),
    ],
)
def test_jalali_known_dates(gregorian: date, expected: tuple[int, int, int]) -> None:
    assert jalali.to_jalali(gregorian) == expected
    assert jalali.from_jalali(*expected) == gregorian


def test_jalali_round_trips_and_month_lengths_for_a_century() -> None:
    day = date(1950, 1, 1)
    previous = jalali.to_jalali(day - timedelta(days=1))
    while day < date(2060, 1, 1):
        jy, jm, jd = jalali.to_jalali(day)
        assert jalali.from_jalali(jy, jm, jd) == day
        # Consecutive days: the next day in the month, or day 1 of the next month.
        assert (jy, jm, jd) == (previous[0], previous[1], previous[2] + 1) or jd == 1
        if jd == 1 and (jm, jy) != (1, previous[0] + 1):
            assert (jy, jm) == (previous[0], previous[1] + 1)
        previous = (jy, jm, jd)
        day += timedelta(days=1)
    assert [jalali.is_leap(y) for y in (1399, 1400, 1403, 1404, 1408)] == [True, False, True, False, True]


def test_jalali_parsing_and_persian_display() -> None:
    assert jalali.parse_jalali("۱۴۰۵/۰۹/۰۲") == date(2026, 11, 23)
    assert jalali.parse_jalali("1405-9-2") == date(2026, 11, 23)
    for bad in ("1405/13/01", "1404/12/30", "yesterday", "1405/09", ""):
        with pytest.raises(ValueError):
            jalali.parse_jalali(bad)
    # 22:00 UTC is already the next day in Iran (UTC+03:30).
    assert jalali.persian_datetime(datetime(2026, 11, 22, 22, 0, tzinfo=UTC)) == "۱۴۰۵/۰۹/۰۲ ۰۱:۳۰"
    assert jalali.persian_number(1234567) == "۱٬۲۳۴٬۵۶۷"
    assert jalali.persian_duration(7200) == "۲ ساعت"
    assert jalali.persian_duration(None) == "—"
    assert jalali.persian_day_label(date(2026, 11, 23)) == "۲ آذر"


def test_scrypt_hashes_are_salted_and_checked() -> None:
    first = security.hash_secret("a password", security.TOKEN_COST)
    second = security.hash_secret("a password", security.TOKEN_COST)
    assert first != second and first.startswith("scrypt$1024$")
    assert security.verify_secret("a password", first)
    assert not security.verify_secret("a passworD", first)
    assert not security.verify_secret("a password", "garbage")
    assert not security.verify_secret("a password", "md5$1$2$3$4$5")


def test_kiosk_tokens_name_their_kiosk() -> None:
    token = security.new_kiosk_token(7)
    assert security.split_kiosk_token(token) == (7, token[4:])
    for bad in ("", "7", "abc.def", "1234.x", ".x", "007."):
        assert security.split_kiosk_token(bad) is None


def test_national_id_digest_is_keyed_and_normalised() -> None:
    key_a, key_b = b"a" * 32, b"b" * 32
    assert security.national_id_digest(key_a, "0012345679") == security.national_id_digest(key_a, "۰۰۱۲۳۴۵۶۷۹")
    assert security.national_id_digest(key_a, "0012345679") != security.national_id_digest(key_b, "0012345679")
    assert security.national_id_digest(key_a, "  ") is None


def test_the_secret_is_created_once_private_and_overridable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIOSK_CENTRAL_SECRET", raising=False)
    path = tmp_path / "secret.key"
    key = security.load_or_create_secret(path)
    assert len(key) == 32 and security.load_or_create_secret(path) == key
    assert path.stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("KIOSK_CENTRAL_SECRET", "ab" * 32)
    assert security.load_or_create_secret(path) == b"\xab" * 32


def test_etag_matching() -> None:
    assert _etag_matches('"3-abc"', '"3-abc"')
    assert _etag_matches('W/"3-abc"', '"3-abc"')
    assert _etag_matches('"1-x", "3-abc"', '"3-abc"')
    assert _etag_matches("*", '"3-abc"')
    assert not _etag_matches('"3-abd"', '"3-abc"')
    assert not _etag_matches("", '"3-abc"')


def test_canonical_hash_ignores_key_order_not_values() -> None:
    assert canonical_hash({"a": 1, "b": [1, 2]}) == canonical_hash({"b": [1, 2], "a": 1})
    assert canonical_hash({"a": 1}) != canonical_hash({"a": "1"})


def test_migrations_create_exactly_the_models(tmp_path: Path) -> None:
    """A model changed without a migration (or the reverse) fails here."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from kiosk.central.db import connect, upgrade
    from kiosk.central.models import Base

    db = connect(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    try:
        upgrade(db)
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert differences == []
    finally:
        db.dispose()


def test_migrations_match_on_postgresql_too(postgres_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from kiosk.central.db import connect, upgrade
    from kiosk.central.models import Base

    db = connect(postgres_url)
    try:
        upgrade(db)
        upgrade(db)  # a second run (another server starting) changes nothing
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert differences == []
    finally:
        db.dispose()


def test_a_sqlite_database_is_backed_up_before_it_is_migrated(tmp_path: Path) -> None:
    import sqlite3

    from kiosk.central.db import _backup_sqlite, connect

    db = connect(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    try:
        with db.write() as session:
            from sqlalchemy import text

            session.execute(text("CREATE TABLE t (x INTEGER)"))
            session.execute(text("INSERT INTO t VALUES (42)"))
        _backup_sqlite(db, "0001")
    finally:
        db.dispose()
    [backup] = list(tmp_path.glob("c.sqlite3.before-0001-*.bak"))
    with sqlite3.connect(backup) as connection:
        assert connection.execute("SELECT x FROM t").fetchall() == [(42,)]
