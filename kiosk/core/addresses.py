"""The one rule for the central server's address: https to anything not on this machine.

Requests carry citizens' names, national IDs and mobiles, and every call carries the kiosk's
token, so they never cross a network in clear. Plain http is allowed only to this machine
(``localhost``, 127.0.0.0/8, ``::1``: a reverse proxy on the booth PC, a developer's server, the
tests). A profile, ``config.toml``, ``KIOSK_SERVER_URL`` and ``--server-url`` are all checked by
``server_address_problem``; each caller says where the address came from.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

LOCAL_NAMES = frozenset({"localhost"})
RULE = "should start with https:// (plain http:// only to this machine: localhost, 127.x.x.x, ::1)"


def is_this_machine(host: str) -> bool:
    """Whether a host name or address is this machine: a name, not a prefix (``localhost.example.ir``
    and ``127.example.ir`` are somebody else's)."""
    if host.lower() in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def server_address_problem(url: object) -> str | None:
    """What is wrong with ``url`` as the central server's address, or None when it may be used."""
    if not isinstance(url, str):
        return f"should be a text starting with https://, found {type(url).__name__}"
    shown = repr(url[:200])
    try:
        parts = urlsplit(url.strip())
        host, _port = parts.hostname, parts.port  # .port refuses a port that is not 0-65535
    except ValueError:
        return f"{shown} is not a server address: {RULE}"
    if parts.scheme not in ("https", "http"):
        return f"{shown} {RULE}"
    if not host:
        return f"{shown} names no server: write https://server or https://server:port"
    if parts.scheme == "http" and not is_this_machine(host):
        return f"{shown} {RULE}"
    return None
