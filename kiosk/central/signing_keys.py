"""The release signing key's turns: preparing the next key (so kiosks can be provisioned with it
while they still take the current one) and rotating to it. The key itself is read or made by
``security.load_or_create_signing_seed``."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from kiosk.central.security import load_or_create_signing_seed
from kiosk.core.release_signing import ReleaseSigner


def next_key_file(path: Path) -> Path:
    return path.with_name(path.name + ".next")


def prepare_next_key(path: Path) -> ReleaseSigner:
    """The next key (``signing.key.next``), made if there is none yet; the current one is made too if
    this server never signed, so both can be printed."""
    load_or_create_signing_seed(path)
    return ReleaseSigner(load_or_create_signing_seed(next_key_file(path)))


def rotate_to_next_key(path: Path) -> Path:
    """Sign with the next key from now on (made now if none was prepared); the current key is kept
    as ``signing.key.retired-<UTC time>`` and that path returned. A running server signs with the
    key it read until it is restarted."""
    load_or_create_signing_seed(path)
    upcoming = next_key_file(path)
    load_or_create_signing_seed(upcoming)
    retired = path.with_name(f"{path.name}.retired-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}")
    os.replace(path, retired)
    os.replace(upcoming, path)
    return retired
