"""Sealing a citizen's answers to the central server's public key (libsodium sealed boxes, PyNaCl).

The kiosk seals each request's answers the moment it is filed, with the server's X25519 public
key and a one-off key of its own that is thrown away at once: from then on only the holder of the
server's private key can open them. The kiosk cannot read back what it stored, a stolen booth PC
gives up nothing, and an export on a USB stick is as safe as the outbox.

Wire form: ``sealed_fields`` = standard base64 of ``SealedBox(server_key).encrypt(canonical JSON
of the fields, UTF-8)``; canonical = sorted keys, no spaces, non-ASCII kept. The server's key is
written as standard base64 of its 32 bytes; ``key_fingerprint`` gives 16 hex digits that a
technician can compare between ``kiosk-central sealing-key`` and the kiosk's staff panel.

The server derives its sealing key pair and its at-rest key from its one secret
(``derive_sealing_key`` / ``derive_rest_key``), so servers sharing a secret share the keys.
Domain logic only: no Qt, no network. PyNaCl loads when a key is first used (~10 ms of imports
the kiosk's first frame does not wait for).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any

KEY_BYTES = 32
SEALING_CONTEXT = b"pishkhan sealing key v1"
REST_CONTEXT = b"pishkhan answers at rest v1"


class SealError(ValueError):
    """Sealed answers that cannot be opened with this key (another key, cut short, not base64)."""


def canonical_fields(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def parse_public_key(text: str) -> bytes:
    """A server's public key as written in config.toml or told by the server: ValueError (with a
    message for a technician) when it is not 32 bytes of base64."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("the server's key is not base64 (copy it from `kiosk-central sealing-key`)") from exc
    if len(raw) != KEY_BYTES:
        raise ValueError(f"the server's key has {len(raw)} bytes, not {KEY_BYTES} (copy it again)")
    return raw


def public_key_text(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def key_fingerprint(key: bytes) -> str:
    """16 hex digits a person can compare between the server and a kiosk."""
    return hashlib.sha256(b"pishkhan key fingerprint:" + key).hexdigest()[:16]


class Sealer:
    """Seals answers to one public key; holds nothing that could open them again."""

    def __init__(self, public_key: bytes) -> None:
        from nacl.public import PublicKey, SealedBox

        self.public_key = public_key
        self._box = SealedBox(PublicKey(public_key))

    @property
    def fingerprint(self) -> str:
        return key_fingerprint(self.public_key)

    def seal(self, fields: dict[str, Any]) -> str:
        return base64.b64encode(self._box.encrypt(canonical_fields(fields))).decode("ascii")


class Opener:
    """The server's side: opens answers sealed to its key pair."""

    def __init__(self, private_key: bytes) -> None:
        from nacl.public import PrivateKey, SealedBox

        private = PrivateKey(private_key)
        self._box = SealedBox(private)
        self.public_key = bytes(private.public_key)

    @property
    def fingerprint(self) -> str:
        return key_fingerprint(self.public_key)

    def open(self, sealed: str) -> dict[str, Any]:
        from nacl.exceptions import CryptoError

        try:
            raw = base64.b64decode(sealed, validate=True)
            fields = json.loads(self._box.decrypt(raw).decode("utf-8"))
        except (binascii.Error, ValueError, CryptoError, UnicodeDecodeError) as exc:
            raise SealError("the sealed answers cannot be opened with this server's key") from exc
        if not isinstance(fields, dict):
            raise SealError("the sealed answers are not an object")
        return fields


def _derive(secret: bytes, context: bytes) -> bytes:
    return hmac.new(secret, context, hashlib.sha256).digest()


def derive_sealing_key(secret: bytes) -> bytes:
    """The server's X25519 private key, from its secret."""
    return _derive(secret, SEALING_CONTEXT)


def derive_rest_key(secret: bytes) -> bytes:
    """The server's key for answers at rest (XSalsa20-Poly1305, ``SecretBox``), from its secret."""
    return _derive(secret, REST_CONTEXT)


class RestBox:
    """Answers at rest in the central database: encrypted with a key that is not in it."""

    def __init__(self, key: bytes) -> None:
        from nacl.secret import SecretBox

        self._box = SecretBox(key)

    def lock(self, fields: dict[str, Any]) -> bytes:
        return bytes(self._box.encrypt(canonical_fields(fields)))

    def unlock(self, data: bytes) -> dict[str, Any]:
        from nacl.exceptions import CryptoError

        try:
            fields = json.loads(self._box.decrypt(bytes(data)).decode("utf-8"))
        except (CryptoError, ValueError, UnicodeDecodeError) as exc:
            raise SealError("the stored answers cannot be opened with this server's key") from exc
        if not isinstance(fields, dict):
            raise SealError("the stored answers are not an object")
        return fields
