"""The kiosk's log rotates: a size limit, a few backups, the oldest dropped, appended across starts."""

from __future__ import annotations

import logging
from pathlib import Path

from kiosk.app.logs import rotating_log


def write(handler: logging.Handler, text: str) -> None:
    handler.handle(logging.LogRecord("kiosk", logging.INFO, __file__, 1, text, None, None))


def test_the_log_rotates_before_a_line_would_pass_the_limit_and_keeps_that_many_backups(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.log"
    handler = rotating_log(path, max_bytes=100, backups=2)
    try:
        for index in range(8):
            write(handler, f"line {index} " + "x" * 40)  # 48 bytes with the newline: two fit in 100
    finally:
        handler.close()
    assert path.read_text(encoding="utf-8").splitlines()[0].startswith("line 6")
    assert path.with_name("kiosk.log.1").read_text(encoding="utf-8").startswith("line 4")
    assert path.with_name("kiosk.log.2").read_text(encoding="utf-8").startswith("line 2")
    assert not path.with_name("kiosk.log.3").exists(), "the oldest is dropped"
    assert all(p.stat().st_size < 100 for p in tmp_path.iterdir())


def test_a_log_appends_across_starts(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.log"
    for text in ("first start", "second start"):
        handler = rotating_log(path, max_bytes=2_000_000, backups=5)
        write(handler, text)
        handler.close()
    assert path.read_text(encoding="utf-8").splitlines() == ["first start", "second start"]
