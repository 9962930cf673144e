"""Hashes and secrets: scrypt for passwords and kiosk tokens, HMAC for national IDs, random tokens.

Everything secret is compared with ``hmac.compare_digest``. Stored hashes carry their parameters
(``scrypt$n$r$p$salt$hash``) so the cost can be raised later without breaking old rows.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from kiosk.core.persian import to_ascii_digits

# Passwords: the cost OWASP suggests for scrypt (n=2^17 would need 128 MB per login; 2^14, 16 MB).
PASSWORD_COST = 2**14
# Kiosk tokens carry 256 random bits, so the slow hash only has to keep a stolen database from
# being a list of usable tokens; a lower cost keeps it affordable on every API call (see api.py's
# cache, which skips it for a token already verified against the same stored hash).
TOKEN_COST = 2**10
_R, _P, _LEN = 8, 1, 32


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_secret(secret: str, cost: int = PASSWORD_COST) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=cost, r=_R, p=_P, dklen=_LEN, maxmem=64 * 2**20)
    return f"scrypt${cost}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_secret(secret: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(
            secret.encode("utf-8"), salt=_unb64(salt), n=int(n), r=int(r), p=int(p), dklen=_LEN, maxmem=64 * 2**20
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, _unb64(expected))


# Checked against when a login names an unknown user, so that case takes as long as a wrong password.
DUMMY_PASSWORD_HASH = hash_secret(secrets.token_urlsafe(16))


def new_kiosk_token(number: int) -> str:
    """``<number>.<secret>``: the number finds the kiosk's row, the secret proves the caller holds the token."""
    return f"{number:03d}.{secrets.token_urlsafe(32)}"


def split_kiosk_token(token: str) -> tuple[int, str] | None:
    number, dot, secret = token.partition(".")
    if not dot or not number.isascii() or not number.isdigit() or len(number) > 3 or not secret:
        return None
    return int(number), secret


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def session_digest(token: str) -> str:
    """Session ids are random 256-bit values looked up by hash: a fast hash is enough for those."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def load_or_create_secret(path: Path) -> bytes:
    """The server's own key (national-ID hashes). Kept in the data folder, never in the database:
    a database dump alone must not let anyone try all billion national IDs against the hashes.
    ``KIOSK_CENTRAL_SECRET`` (hex) overrides it, for several servers sharing one PostgreSQL."""
    from_env = os.environ.get("KIOSK_CENTRAL_SECRET")
    if from_env:
        return bytes.fromhex(from_env)
    if path.exists():
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = os.urandom(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.hex() + "\n")
    return key


def load_or_create_signing_seed(path: Path) -> bytes:
    """The seed of the Ed25519 key catalog releases are signed with, made on first use. Kept in the
    data folder beside ``secret.key``, never in the database (a database dump must not let anyone
    sign a release kiosks would take), and apart from the secret so it can be rotated alone.
    ``KIOSK_CENTRAL_SIGNING_KEY`` (hex) overrides it, for several servers sharing one PostgreSQL.
    Two processes making it at once keep the one that was written first."""
    from_env = os.environ.get("KIOSK_CENTRAL_SIGNING_KEY")
    if from_env:
        return _seed(bytes.fromhex(from_env.strip()), "KIOSK_CENTRAL_SIGNING_KEY")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        seed = os.urandom(32)
        draft = path.with_name(f"{path.name}.{os.getpid()}.new")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(seed.hex() + "\n")
        try:
            os.link(draft, path)  # fails if another process made it first: theirs is kept
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return _seed(bytes.fromhex(path.read_text(encoding="ascii").strip()), str(path))


def _seed(raw: bytes, where: str) -> bytes:
    if len(raw) != 32:
        raise ValueError(f"{where}: a signing key is 32 bytes (64 hex digits), not {len(raw)}")
    return raw


def secret_fingerprint(key: bytes) -> str:
    """Stored in the database so servers sharing it notice when they hold different keys."""
    return hmac.new(key, b"pishkhan-central fingerprint", hashlib.sha256).hexdigest()[:32]


def national_id_digest(key: bytes, national_id: str) -> str | None:
    value = to_ascii_digits(national_id).strip().replace("-", "").replace(" ", "")
    if not value:
        return None
    return hmac.new(key, b"national_id:" + value.encode("utf-8"), hashlib.sha256).hexdigest()


def keyed_body_hash(key: bytes, body_hash: str) -> str:
    """The idempotency hash as stored: the SHA-256 of a request's canonical JSON, keyed with the
    server's secret, so that a database dump is no way to test guesses of a citizen's answers
    (a form of a national ID and a consent box has only a billion possible bodies)."""
    return hmac.new(key, b"request body:" + body_hash.encode("ascii"), hashlib.sha256).hexdigest()


def mobile_check(key: bytes, tracking_code: str, last4: str) -> str:
    """What tracking compares the digits a citizen types with: keyed, and bound to the request, so
    the same four digits on two requests do not look alike."""
    return hmac.new(key, f"mobile last4:{tracking_code}:{last4}".encode("ascii"), hashlib.sha256).hexdigest()
