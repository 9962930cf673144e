"""This kiosk's own settings: its number, and which central server it talks to with which token.

Precedence, highest first: the command line, the environment (``KIOSK_NUMBER``,
``KIOSK_SERVER_URL``, ``KIOSK_SERVER_TOKEN``, ``KIOSK_SERVER_KEY``), the kiosk's config file (``config.toml`` in the
data folder), then the defaults (kiosk 1, the profile's server, no token). A demo profile works
with none of them; a live kiosk needs a number and a token from ``kiosk-central kiosk add``.
``server.key`` is the central server's public key (``kiosk-central sealing-key``): answers are
sealed to it. Without it a kiosk learns the key from the server's first answer to its heartbeat.
``server.signing_key`` is the key the server signs catalog releases with (``kiosk-central
signing-key``), or a list of them while the server's key is being rotated: a kiosk applies a release
only when one of them signed it. A live kiosk without one applies no release from the server (it
keeps the catalog it has, and says so); a demo kiosk takes unsigned-checked releases with a warning
in the log and the self-test. Unlike the sealing key it is never learned from the server: a key
told by the server the kiosk is checking would prove nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.core.addresses import server_address_problem
from kiosk.core.datafile import DataFileError, Problem, Reader, brief, read_toml
from kiosk.core.release_signing import parse_signing_key
from kiosk.core.sealing import key_fingerprint, parse_public_key
from kiosk.core.tracking import MAX_KIOSK_NUMBER

CONFIG_NAME = "config.toml"
MAX_SIGNING_KEYS = 4
ENVIRONMENT = {
    "kiosk_number": "KIOSK_NUMBER",
    "server_url": "KIOSK_SERVER_URL",
    "server_token": "KIOSK_SERVER_TOKEN",
    "server_key": "KIOSK_SERVER_KEY",
    "signing_keys": "KIOSK_SERVER_SIGNING_KEY",  # several: separated by commas
    "hide_cursor": "KIOSK_HIDE_CURSOR",
}
COMMAND_LINE = {"kiosk_number": "--kiosk-number", "server_url": "--server-url", "hide_cursor": "--hide-cursor"}
CONFIG_KEYS = {"kiosk_number": "kiosk_number", "hide_cursor": "hide_cursor", "server_url": "server.url",
               "server_token": "server.token", "server_key": "server.key",
               "signing_keys": "server.signing_key"}  # fmt: skip


@dataclass(frozen=True)
class KioskSettings:
    kiosk_number: int = 1
    server_url: str | None = None  # None: the profile's server
    server_token: str | None = None
    server_key: bytes | None = None  # the central server's public key (None: learned from the server)
    signing_keys: tuple[bytes, ...] = ()  # keys a release from the server must be signed with (one of)
    hide_cursor: bool = False  # a touch screen: no arrow in the middle of the screen
    origin: dict[str, str] = field(default_factory=dict, compare=False)  # setting -> where it came from

    def server_for(self, profile_url: str) -> str:
        return self.server_url or profile_url

    def masked(self) -> dict[str, str]:
        """The settings for showing on screen or in a terminal: the token never in full."""
        token = self.server_token
        return {
            "kiosk_number": str(self.kiosk_number),
            "server_url": self.server_url or "(the profile's)",
            "server_token": f"{token[:4]}…({len(token)} characters)" if token else "(none)",
            "server_key": key_fingerprint(self.server_key) if self.server_key else "(learned from the server)",
            "signing_key": ", ".join(key_fingerprint(key) for key in self.signing_keys) or "(none provisioned)",
        }


def load_settings(
    config_file: Path, environ: Mapping[str, str], command_line: Mapping[str, Any] | None = None
) -> KioskSettings:
    """Merge the layers; DataFileError names the file or variable and the problem."""
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    problems: list[Problem] = []
    if config_file.is_file():
        reader = Reader(str(config_file))
        data = reader.obj(read_toml(config_file, str(config_file)), "")
        reader.unknown_keys(data, {"kiosk_number", "hide_cursor", "server"}, "")
        for key in ("kiosk_number", "hide_cursor"):
            if key in data:
                values[key] = data[key]
                origin[key] = str(config_file)
        server = reader.obj(data.get("server", {}), "server")
        reader.unknown_keys(server, {"url", "token", "key", "signing_key"}, "server")
        for key in ("url", "token", "key"):
            if key in server:
                values[f"server_{key}"] = server[key]
                origin[f"server_{key}"] = str(config_file)
        if "signing_key" in server:
            values["signing_keys"] = server["signing_key"]
            origin["signing_keys"] = str(config_file)
        problems.extend(reader.problems)
    for name, variable in ENVIRONMENT.items():
        if environ.get(variable):
            values[name] = environ[variable]
            origin[name] = f"environment {variable}"
    for name, value in (command_line or {}).items():
        if value is not None:
            values[name] = value
            origin[name] = "command line"
    number = values.get("kiosk_number", 1)
    try:
        if isinstance(number, bool | float):  # int() would take True as 1 and cut 7.5 down to 7
            raise ValueError
        number = int(number)
        if not 1 <= number <= MAX_KIOSK_NUMBER:
            raise ValueError
    except (TypeError, ValueError):
        problems.append(_problem(origin, "kiosk_number", f"is {brief(number)}; it must be a whole number 1 to 999"))
    url = values.get("server_url")
    if url is not None and (problem := server_address_problem(url)):
        problems.append(_problem(origin, "server_url", problem))
    token = values.get("server_token")
    if token is not None and (not isinstance(token, str) or not token.strip()):
        problems.append(_problem(origin, "server_token", "should be a non-empty text"))
    key_text = values.get("server_key")
    server_key = None
    if key_text is not None:
        try:
            if not isinstance(key_text, str):
                raise ValueError("should be a text (copy it from `kiosk-central sealing-key`)")
            server_key = parse_public_key(key_text)
        except ValueError as exc:
            problems.append(_problem(origin, "server_key", str(exc)))
    signing_keys: tuple[bytes, ...] = ()
    if "signing_keys" in values:
        try:
            signing_keys = _signing_keys(values["signing_keys"])
        except ValueError as exc:
            problems.append(_problem(origin, "signing_keys", str(exc)))
    hide = values.get("hide_cursor", False)
    if isinstance(hide, str):
        hide = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}.get(hide.lower(), hide)
    if not isinstance(hide, bool):
        problems.append(_problem(origin, "hide_cursor", f"is {brief(hide)}; it must be true or false"))
    if problems:
        raise DataFileError(problems)
    return KioskSettings(number, url, token.strip() if token else None, server_key, signing_keys, hide is True, origin)


def _signing_keys(value: Any) -> tuple[bytes, ...]:
    """One key (a text; from the environment, several separated by commas) or a list of them."""
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if not isinstance(value, list) or not value or not all(isinstance(item, str) for item in value):
        raise ValueError("should be a key, or a list of keys (copy it from `kiosk-central signing-key`)")
    if len(value) > MAX_SIGNING_KEYS:
        raise ValueError(f"holds {len(value)} keys; at most {MAX_SIGNING_KEYS} (the current one and the next)")
    return tuple(parse_signing_key(item) for item in value)


def _problem(origin: Mapping[str, str], name: str, message: str) -> Problem:
    """A problem with one setting, naming where its value came from: the config file and its key,
    the environment variable, or the command-line option."""
    where = origin.get(name, "")
    if where == "command line":
        return Problem(f"command line {COMMAND_LINE.get(name, '')}".rstrip(), "", message)
    if where.startswith("environment "):
        return Problem(where, "", message)
    return Problem(where, CONFIG_KEYS[name], message)
