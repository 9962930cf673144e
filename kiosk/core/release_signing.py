"""Signed catalog releases (Ed25519, PyNaCl): the server signs each release it sends, a kiosk
verifies it against the key it was provisioned with before it reads a byte of the document.

What is signed is exactly what the kiosk receives: the release number (header
``X-Pishkhan-Release``) and the body of ``GET /catalog`` byte for byte, joined as
``b"pishkhan catalog release v1\\n" + number + b"\\n" + body``. The signature travels in the header
``X-Pishkhan-Signature`` (standard base64 of its 64 bytes) beside the ETag, so the body is the same
document older kiosks already read (they ignore the headers), and a ``304 Not Modified`` needs no
signature: the kiosk keeps the release it verified when it received it.

Keys are written as standard base64 of their 32 bytes (the public key) and compared by
``key_fingerprint`` (16 hex digits, the same form as the sealing key's). Domain logic only: no Qt,
no network; PyNaCl loads when a key is first used.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable

from kiosk.core.sealing import KEY_BYTES, key_fingerprint

SIGNATURE_HEADER = "X-Pishkhan-Signature"
RELEASE_HEADER = "X-Pishkhan-Release"
SIGNING_KEY_HEADER = "X-Pishkhan-Signing-Key"  # the signer's fingerprint: a technician's hint, not trusted
SIGNATURE_BYTES = 64
CONTEXT = b"pishkhan catalog release v1\n"
MAX_RELEASE_DIGITS = 12


class ReleaseRefused(ValueError):
    """A release whose signature does not hold: the message says why, for the log, the heartbeat and
    the staff panel."""


def signed_message(release: str, body: bytes) -> bytes:
    """The bytes a release's signature covers: its number and its body, exactly as sent."""
    return CONTEXT + release.encode("ascii") + b"\n" + body


def parse_signing_key(text: str) -> bytes:
    """A server's public signing key as config.toml holds it: ValueError (a technician's message)
    when it is not 32 bytes of base64."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("the signing key is not base64 (copy it from `kiosk-central signing-key`)") from exc
    if len(raw) != KEY_BYTES:
        raise ValueError(f"the signing key has {len(raw)} bytes, not {KEY_BYTES} (copy it again)")
    return raw


class ReleaseSigner:
    """The server's side: signs releases with its private key (a 32-byte seed)."""

    def __init__(self, seed: bytes) -> None:
        from nacl.signing import SigningKey

        self._key = SigningKey(seed)
        self.public_key = bytes(self._key.verify_key)

    @classmethod
    def generate(cls) -> tuple[ReleaseSigner, bytes]:
        """A new signer and its seed (to be kept)."""
        from nacl.signing import SigningKey

        seed = bytes(SigningKey.generate())
        return cls(seed), seed

    @property
    def public_key_text(self) -> str:
        return base64.b64encode(self.public_key).decode("ascii")

    @property
    def fingerprint(self) -> str:
        return key_fingerprint(self.public_key)

    def sign(self, release: str, body: bytes) -> str:
        """The signature header's value for release ``release`` sent as ``body``."""
        signature = self._key.sign(signed_message(release, body)).signature
        return base64.b64encode(signature).decode("ascii")


def verify_release(keys: Iterable[bytes], release: str | None, body: bytes, signature: str | None) -> str:
    """Check a received release against the keys this kiosk was provisioned with (any one of them:
    during a rotation a kiosk holds the old and the new). Returns the fingerprint of the key that
    signed it; raises ReleaseRefused saying why otherwise."""
    from nacl.exceptions import BadSignatureError
    from nacl.signing import VerifyKey

    keys = tuple(keys)
    if not keys:
        raise ReleaseRefused("no signing key is provisioned to check the release against")
    if not signature:
        raise ReleaseRefused(f"the release is not signed (no {SIGNATURE_HEADER} header)")
    if not release or not release.isascii() or not release.isdigit() or len(release) > MAX_RELEASE_DIGITS:
        raise ReleaseRefused(f"the release has no number ({RELEASE_HEADER} header) its signature could cover")
    try:
        raw = base64.b64decode(signature.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ReleaseRefused("the release's signature is not base64") from None
    if len(raw) != SIGNATURE_BYTES:
        raise ReleaseRefused(f"the release's signature has {len(raw)} bytes, not {SIGNATURE_BYTES}")
    message = signed_message(release, body)
    for key in keys:
        try:
            VerifyKey(key).verify(message, raw)
        except BadSignatureError:
            continue
        return key_fingerprint(key)
    known = ", ".join(key_fingerprint(key) for key in keys)
    raise ReleaseRefused(
        f"release {release}: the signature does not match the signing key this kiosk was provisioned with"
        f" ({known}): changed on the way or signed by another key"
    )
