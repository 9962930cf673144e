"""One rule for the central server's address, wherever it comes from: https to anything not on this
machine, plain http only to localhost, 127.0.0.0/8 and ::1. A profile, ``config.toml``,
``KIOSK_SERVER_URL`` and ``--server-url`` all go through it, and a refusal names where the address
came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core.datafile import DataFileError
from kiosk.core.profiles import parse_profile
from kiosk.core.settings import load_settings

ACCEPTED = [
    "https://kiosk.sari.ir",
    "https://kiosk.sari.ir:8443/base",
    "https://10.0.0.5",
    "http://127.0.0.1:8765",
    "http://127.8.9.10",
    "http://localhost:8000",
    "http://LOCALHOST",
    "http://[::1]:8765",
]
REFUSED = [
    "http://kiosk.sari.ir",  # a remote server in clear: tokens and citizens' answers on the wire
    "http://10.0.0.5:8765",
    "http://localhost.example.ir",  # starts like a local address, is not one
    "http://127.example.ir",
    "http://[::2]",
    "ftp://kiosk.sari.ir",
    "kiosk.sari.ir",
    "https://",
    "https://:8443",
    "https://kiosk.sari.ir:99999",
]


def profile_with(url: str) -> dict[str, object]:
    return {
        "format": 1, "title": {"fa": "آزمون", "en": "Test"}, "accent": "#0f766e", "logo": "logos/pishkhan.svg",
        "language": "fa", "idle_timeout_seconds": 90, "mode": "live", "currency": "rial",
        "agencies": "all", "server": {"url": url},
    }  # fmt: skip


def settings_problems(tmp_path: Path, url: str, where: str) -> str:
    config = tmp_path / "config.toml"
    environ: dict[str, str] = {}
    command_line: dict[str, object] = {}
    if where == "config":
        config.write_text(f'[server]\nurl = "{url}"\n', encoding="utf-8")
    elif where == "environment":
        environ["KIOSK_SERVER_URL"] = url
    else:
        command_line["server_url"] = url
    try:
        load_settings(config, environ, command_line)
    except DataFileError as exc:
        return "\n".join(str(p) for p in exc.problems)
    return ""


def profile_problems(url: str) -> str:
    try:
        parse_profile(profile_with(url), "test", "test.toml")
    except DataFileError as exc:
        return "\n".join(str(p) for p in exc.problems)
    return ""


@pytest.mark.parametrize("url", ACCEPTED)
@pytest.mark.parametrize("where", ["profile", "config", "environment", "command line"])
def test_https_anywhere_and_plain_http_on_this_machine_are_accepted(tmp_path: Path, url: str, where: str) -> None:
    problems = profile_problems(url) if where == "profile" else settings_problems(tmp_path, url, where)
    assert problems == ""


@pytest.mark.parametrize("url", REFUSED)
@pytest.mark.parametrize(
    ("where", "named"),
    [
        ("profile", "test.toml: server.url"),
        ("config", "config.toml: server.url"),
        ("environment", "environment KIOSK_SERVER_URL"),
        ("command line", "command line --server-url"),
    ],
)
def test_anything_else_is_refused_wherever_it_comes_from(tmp_path: Path, url: str, where: str, named: str) -> None:
    problems = profile_problems(url) if where == "profile" else settings_problems(tmp_path, url, where)
    assert named in problems, problems
    assert repr(url) in problems and "https://" in problems, problems
