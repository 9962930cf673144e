"""Signed catalog releases: what the server signs, what a kiosk accepts, and the key files."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from kiosk.central.security import load_or_create_signing_seed
from kiosk.central.signing_keys import prepare_next_key, rotate_to_next_key
from kiosk.core.datafile import DataFileError
from kiosk.core.release_signing import ReleaseRefused, ReleaseSigner, parse_signing_key, verify_release
from kiosk.core.sealing import key_fingerprint
from kiosk.core.settings import load_settings

BODY = b'{"format":2,"version":"sari-1","agencies":[]}'


@pytest.fixture
def signer() -> ReleaseSigner:
    return ReleaseSigner.generate()[0]


def test_a_release_signed_by_the_provisioned_key_is_accepted(signer: ReleaseSigner) -> None:
    signature = signer.sign("12", BODY)
    assert verify_release([signer.public_key], "12", BODY, signature) == signer.fingerprint


@pytest.mark.parametrize("position", [0, len(BODY) // 2, len(BODY) - 1])
def test_one_byte_changed_anywhere_in_the_body_is_refused(signer: ReleaseSigner, position: int) -> None:
    signature = signer.sign("12", BODY)
    tampered = bytearray(BODY)
    tampered[position] ^= 0x01
    with pytest.raises(ReleaseRefused, match="signature does not match"):
        verify_release([signer.public_key], "12", bytes(tampered), signature)


def test_the_release_number_is_signed_too(signer: ReleaseSigner) -> None:
    """An old release cannot be passed off under a newer number (or the other way round)."""
    signature = signer.sign("12", BODY)
    with pytest.raises(ReleaseRefused, match="signature does not match"):
        verify_release([signer.public_key], "13", BODY, signature)


def test_a_release_signed_by_another_key_is_refused(signer: ReleaseSigner) -> None:
    other = ReleaseSigner.generate()[0]
    with pytest.raises(ReleaseRefused, match=signer.fingerprint):
        verify_release([signer.public_key], "12", BODY, other.sign("12", BODY))


def test_during_a_rotation_either_provisioned_key_is_accepted(signer: ReleaseSigner) -> None:
    upcoming = ReleaseSigner.generate()[0]
    keys = [signer.public_key, upcoming.public_key]
    assert verify_release(keys, "3", BODY, upcoming.sign("3", BODY)) == upcoming.fingerprint
    assert verify_release(keys, "3", BODY, signer.sign("3", BODY)) == signer.fingerprint


@pytest.mark.parametrize(
    ("keys", "release", "signature", "words"),
    [
        ("none", "12", "good", "no signing key is provisioned"),
        ("one", "12", None, "the release is not signed"),
        ("one", None, "good", "has no number"),
        ("one", "1x", "good", "has no number"),
        ("one", "12", "not base64!", "is not base64"),
        ("one", "12", base64.b64encode(b"short").decode(), "has 5 bytes, not 64"),
    ],
)
def test_what_cannot_be_checked_is_refused_saying_why(
    signer: ReleaseSigner, keys: str, release: str | None, signature: str | None, words: str
) -> None:
    provisioned = [signer.public_key] if keys == "one" else []
    sent = signer.sign("12", BODY) if signature == "good" else signature
    with pytest.raises(ReleaseRefused, match=words):
        verify_release(provisioned, release, BODY, sent)


def test_a_signing_key_is_parsed_from_base64_or_refused_for_a_technician(signer: ReleaseSigner) -> None:
    assert parse_signing_key(f"  {signer.public_key_text}\n") == signer.public_key
    with pytest.raises(ValueError, match="not base64"):
        parse_signing_key("not a key")
    with pytest.raises(ValueError, match="has 3 bytes, not 32"):
        parse_signing_key(base64.b64encode(b"abc").decode())


def test_config_toml_takes_one_signing_key_or_a_list(tmp_path: Path, signer: ReleaseSigner) -> None:
    upcoming = ReleaseSigner.generate()[0]
    config = tmp_path / "config.toml"
    config.write_text(f'[server]\nsigning_key = "{signer.public_key_text}"\n', encoding="utf-8")
    assert load_settings(config, {}).signing_keys == (signer.public_key,)
    both = f'[server]\nsigning_key = ["{signer.public_key_text}", "{upcoming.public_key_text}"]\n'
    config.write_text(both, encoding="utf-8")
    settings = load_settings(config, {})
    assert settings.signing_keys == (signer.public_key, upcoming.public_key)
    assert settings.masked()["signing_key"] == f"{signer.fingerprint}, {upcoming.fingerprint}"
    env = {"KIOSK_SERVER_SIGNING_KEY": upcoming.public_key_text}
    assert load_settings(config, env).signing_keys == (upcoming.public_key,), "the environment wins"
    config.write_text('[server]\nsigning_key = "abc"\n', encoding="utf-8")
    with pytest.raises(DataFileError, match=r"server\.signing_key"):
        load_settings(config, {})
    config.write_text("[server]\nsigning_key = []\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="a list of keys"):
        load_settings(config, {})


def test_the_server_makes_its_signing_key_once_and_keeps_it_private(tmp_path: Path) -> None:
    path = tmp_path / "data" / "signing.key"
    seed = load_or_create_signing_seed(path)
    assert load_or_create_signing_seed(path) == seed
    assert path.stat().st_mode & 0o077 == 0, "readable by others"
    assert [p.name for p in path.parent.iterdir()] == ["signing.key"], "no draft left behind"


def test_the_environment_gives_the_signing_key_to_servers_sharing_a_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_CENTRAL_SIGNING_KEY", "11" * 32)
    assert load_or_create_signing_seed(tmp_path / "signing.key") == bytes([0x11]) * 32
    assert not (tmp_path / "signing.key").exists()
    monkeypatch.setenv("KIOSK_CENTRAL_SIGNING_KEY", "11" * 8)
    with pytest.raises(ValueError, match="32 bytes"):
        load_or_create_signing_seed(tmp_path / "signing.key")


def test_a_rotation_prepares_the_next_key_then_signs_with_it(tmp_path: Path) -> None:
    path = tmp_path / "signing.key"
    current = ReleaseSigner(load_or_create_signing_seed(path))
    upcoming = prepare_next_key(path)
    assert prepare_next_key(path).public_key == upcoming.public_key, "prepared once"
    assert ReleaseSigner(load_or_create_signing_seed(path)).public_key == current.public_key, "not yet in use"
    retired = rotate_to_next_key(path)
    assert ReleaseSigner(load_or_create_signing_seed(path)).public_key == upcoming.public_key
    assert ReleaseSigner(load_or_create_signing_seed(retired)).public_key == current.public_key, "kept"
    assert not (tmp_path / "signing.key.next").exists()
    assert key_fingerprint(upcoming.public_key) == upcoming.fingerprint
