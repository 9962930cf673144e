"""The intake benchmark's own code, in small: a few posts on SQLite, empty and pre-filled with 200
requests, against the bare-insert app (the million-row runs are benchmarks, not tests)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from benchmarks.central_load import Load, ratios, run_database


def test_the_benchmark_measures_the_ceiling_and_both_databases_and_gives_the_rows_back(tmp_path: Path) -> None:
    results = run_database("sqlite", None, 200, Load(kiosks=2, per_kiosk=3, seconds=10), 1, 1, tmp_path, None, 1)
    assert [(r.server, r.stored_before) for r in results] == [("bare insert", 0), ("pishkhan", 0), ("pishkhan", 200)]
    assert all(r.failed == 0 and r.requests == r.stored == 6 and r.per_second > 0 for r in results)
    found = ratios(results)["sqlite pishkhan"]
    assert found["empty_vs_bare"] and found["prefilled_vs_bare"] and found["prefilled_vs_empty"]
    # The pre-filled database is kept for the next run, with its 200 requests and no more.
    engine = create_engine(f"sqlite:///{tmp_path / 'province-200-s1.db'}")
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*), max(id) FROM requests")).one() == (200, 200)
    finally:
        engine.dispose()
