"""Sealed answers: only the server's private key opens them; the kiosk keeps nothing that could."""

from __future__ import annotations

import os

import pytest

from kiosk.core.sealing import (
    Opener,
    RestBox,
    Sealer,
    SealError,
    derive_rest_key,
    derive_sealing_key,
    key_fingerprint,
    parse_public_key,
    public_key_text,
)

FIELDS = {"full_name": "زهرا کاظمی", "national_id": "0012345679", "mobile": "09121234567", "agree": True}


def test_sealed_answers_open_only_with_the_server_s_key() -> None:
    opener = Opener(derive_sealing_key(os.urandom(32)))
    sealed = Sealer(opener.public_key).seal(FIELDS)
    assert "0012345679" not in sealed and "زهرا" not in sealed
    assert opener.open(sealed) == FIELDS
    other = Opener(derive_sealing_key(os.urandom(32)))
    with pytest.raises(SealError):
        other.open(sealed)


def test_sealing_twice_gives_different_bytes() -> None:
    sealer = Sealer(Opener(os.urandom(32)).public_key)
    assert sealer.seal(FIELDS) != sealer.seal(FIELDS)


@pytest.mark.parametrize("sealed", ["", "not base64!", "AAAA", "QUJD" * 30])
def test_garbage_is_a_seal_error_not_a_crash(sealed: str) -> None:
    with pytest.raises(SealError):
        Opener(os.urandom(32)).open(sealed)


def test_the_same_secret_gives_the_same_keys_and_different_secrets_different_ones() -> None:
    secret = os.urandom(32)
    assert Opener(derive_sealing_key(secret)).public_key == Opener(derive_sealing_key(secret)).public_key
    assert derive_rest_key(secret) != derive_sealing_key(secret)
    assert Opener(derive_sealing_key(os.urandom(32))).public_key != Opener(derive_sealing_key(secret)).public_key


def test_a_public_key_round_trips_as_text_and_bad_text_says_why() -> None:
    key = Opener(os.urandom(32)).public_key
    assert parse_public_key(public_key_text(key)) == key
    assert parse_public_key("  " + public_key_text(key) + "\n") == key
    assert len(key_fingerprint(key)) == 16
    with pytest.raises(ValueError, match="base64"):
        parse_public_key("این کلید نیست")
    with pytest.raises(ValueError, match="bytes"):
        parse_public_key(public_key_text(key[:16]))


def test_answers_at_rest_open_only_with_the_rest_key() -> None:
    box = RestBox(derive_rest_key(os.urandom(32)))
    locked = box.lock(FIELDS)
    assert b"0012345679" not in locked
    assert box.unlock(locked) == FIELDS
    with pytest.raises(SealError):
        RestBox(derive_rest_key(os.urandom(32))).unlock(locked)
