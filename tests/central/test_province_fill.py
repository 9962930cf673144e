"""The benchmarks' province filler, in small: what it stores is what the server stores and reads.

A few hundred rows on each database (the million-row fill is a benchmark's, not a test's)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from benchmarks.province_requests import fill, national_id, secret_for
from kiosk.central.db import connect, upgrade
from kiosk.central.models import CitizenRequest
from kiosk.central.settings import Settings
from kiosk.central.store import Store
from kiosk.core.validators import is_valid_national_id


def _url(backend: str, tmp_path: Path, db_url: str | None) -> str:
    return db_url if backend == "postgresql" else f"sqlite:///{tmp_path / 'province.db'}"


def test_fill_stores_a_province_the_server_reads(backend: str, db_url: str | None, tmp_path: Path) -> None:
    url = _url(backend, tmp_path, db_url)
    fill(url, 300, seed=3)
    db = connect(url)
    try:
        store = Store(db, secret_for(3), Settings(data_dir=tmp_path, db_url=url))
        store.check_secret()  # the fill recorded the key's fingerprint, as a server would
        with db.read() as session:
            count = session.scalar(text("SELECT count(*) FROM requests"))
            changes = session.scalar(text("SELECT count(*) FROM status_changes"))
            statuses = dict(session.execute(text("SELECT status, count(*) FROM requests GROUP BY status")).all())
            kiosks = session.scalar(text("SELECT count(*) FROM kiosks"))
            ids = session.scalar(text("SELECT count(DISTINCT national_id_hmac) FROM requests"))
            with_id = session.scalar(text("SELECT count(national_id_hmac) FROM requests"))
            # Every request's last status change is its status, at its status_changed_at.
            mismatched = session.scalar(
                text("SELECT count(*) FROM requests r JOIN status_changes c ON c.request_id = r.id "
                     "WHERE c.id = (SELECT max(id) FROM status_changes WHERE request_id = r.id) "
                     "AND (c.status != r.status OR c.at != r.status_changed_at)")
            )  # fmt: skip
            row = session.scalars(select(CitizenRequest).where(CitizenRequest.national_id_hmac.is_not(None))).first()
            assert row is not None
            answers = store.requests.answers(row)
        assert count == 300 and changes >= count and mismatched == 0
        assert set(statuses) <= {"received", "in_review", "done", "rejected"} and statuses.get("done", 0) > 100
        assert 20 <= kiosks <= 60
        assert 0 < ids < with_id  # some citizens came more than once
        assert is_valid_national_id(answers["national_id"])
        mobile = next(v for k, v in answers.items() if k == "mobile")
        assert store.requests.check_mobile(row.tracking_code, mobile[-4:]).proof.value == "right"
        # A second fill into the same database is refused, not mixed in.
        with pytest.raises(ValueError, match="empty"):
            fill(url, 10, seed=3)
    finally:
        db.dispose()


def test_fill_leaves_the_migrations_indexes(backend: str, db_url: str | None, tmp_path: Path) -> None:
    """The fill drops the two tables' secondary indexes while it writes and makes them again from
    their own definitions: the schema is the migrations' to the index."""
    url = _url(backend, tmp_path, db_url)
    fill(url, 50)
    filled = connect(url)
    try:
        made = {
            t: sorted(i["name"] for i in inspect(filled.engine).get_indexes(t)) for t in ("requests", "status_changes")
        }
    finally:
        filled.dispose()
    fresh_url = f"sqlite:///{tmp_path / 'fresh.db'}"
    fresh = connect(fresh_url)
    try:
        upgrade(fresh)
        expected = {t: sorted(i["name"] for i in inspect(fresh.engine).get_indexes(t)) for t in made}
    finally:
        fresh.dispose()
    assert made == expected and "uq_requests_kiosk_key" in made["requests"]


def test_national_ids_are_valid() -> None:
    assert all(is_valid_national_id(national_id(n)) for n in range(1_000_000, 1_000_500))
