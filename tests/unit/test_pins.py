"""Staff PINs: only salted scrypt hashes on disk, roles, and a lockout that outlives a restart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.core.pins import (
    FIRST_LOCK_SECONDS,
    MAX_LOCK_SECONDS,
    SCRYPT_N,
    PinFileError,
    PinVault,
    hash_pin,
    pin_problem,
)

FAST_N = 2**10  # the real cost (2^17) is checked once below; the rest would take minutes


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def vault(tmp_path: Path, clock: Clock | None = None) -> PinVault:
    return PinVault(tmp_path / "staff.json", clock or Clock(), scrypt_n=FAST_N)


def test_roles_and_nothing_but_hashes_on_disk(tmp_path: Path) -> None:
    pins = vault(tmp_path)
    assert not pins.is_set()
    pins.set_pin("staff", "482913")
    pins.set_pin("technician", "7305186")
    assert pins.try_pin("482913").role == "staff"
    assert pins.try_pin("7305186").role == "technician"
    text = (tmp_path / "staff.json").read_text()
    assert "482913" not in text and "7305186" not in text
    stored = json.loads(text)["pins"]["staff"]
    assert len(bytes.fromhex(stored["salt"])) == 16 and len(bytes.fromhex(stored["hash"])) == 32
    again = PinVault(tmp_path / "staff.json", Clock())
    assert again.try_pin("482913").role == "staff", "the cost travels with each hash"


def test_the_real_cost_is_owasp_s(tmp_path: Path) -> None:
    assert SCRYPT_N == 2**17
    assert len(hash_pin("482913", b"s" * 16)) == 32  # raises ValueError if maxmem were too low


@pytest.mark.parametrize(("pin", "problem"), [("12", "length"), ("12a4", "digits"), ("۱۲۳۴۵۶", "digits"),
                                               ("0000", "simple"), ("123456", "simple"), ("9876", "simple"),
                                               ("482913", None)])  # fmt: skip
def test_weak_pins_are_refused(pin: str, problem: str | None) -> None:
    assert pin_problem(pin) == problem


def test_five_wrong_pins_lock_for_30_s_then_doubling_to_15_minutes(tmp_path: Path) -> None:
    clock = Clock()
    pins = vault(tmp_path, clock)
    pins.set_pin("staff", "482913")
    locks = []
    for _round in range(8):
        for _ in range(4):
            assert pins.try_pin("111999").locked_for == 0
        fifth = pins.try_pin("111999")
        locks.append(fifth.locked_for)
        assert pins.try_pin("482913") == type(fifth)(None, fifth.locked_for), "even the right PIN waits"
        clock.now += fifth.locked_for
    assert locks == [FIRST_LOCK_SECONDS, 60, 120, 240, 480, MAX_LOCK_SECONDS, MAX_LOCK_SECONDS, MAX_LOCK_SECONDS]
    assert pins.try_pin("482913").role == "staff"
    for _ in range(5):
        pins.try_pin("111999")
    assert pins.locked_for() == FIRST_LOCK_SECONDS, "a right PIN starts the doubling afresh"


def test_the_count_and_the_lock_survive_a_restart(tmp_path: Path) -> None:
    clock = Clock()
    pins = vault(tmp_path, clock)
    pins.set_pin("staff", "482913")
    for _ in range(3):
        pins.try_pin("000111")
    restarted = vault(tmp_path, clock)
    assert restarted.failures == 3
    restarted.try_pin("000111")
    restarted.try_pin("000111")
    assert vault(tmp_path, clock).locked_for() == FIRST_LOCK_SECONDS


def test_a_damaged_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "staff.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(PinFileError, match=r"staff\.json"):
        PinVault(tmp_path / "staff.json")
    (tmp_path / "staff.json").write_text('{"format": 9}', encoding="utf-8")
    with pytest.raises(PinFileError, match="format 9"):
        PinVault(tmp_path / "staff.json")


def test_the_first_pins_are_set_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from kiosk.app.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO("1234\n"))
    assert main(["--data-dir", str(tmp_path), "pin", "set", "staff"]) == 1, "a simple run is refused"
    monkeypatch.setattr("sys.stdin", io.StringIO("482913\n"))
    assert main(["--data-dir", str(tmp_path), "pin", "set", "staff"]) == 0
    assert PinVault(tmp_path / "staff.json").try_pin("482913").role == "staff"
