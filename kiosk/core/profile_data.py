"""One profile's data and its checks (``DemoProfile``, ``parse_profile``), apart from the library
of profiles (``kiosk.core.profiles``) so that a catalog release can carry profiles: this module
needs nothing of the catalog.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.core.addresses import server_address_problem
from kiosk.core.datafile import (
    COLOR_PATTERN,
    ID_PATTERN,
    LANGUAGES,
    LocalText,
    Reader,
    file_exists,
)

PROFILE_FORMAT = 1
MODES = ("demo", "live")
CURRENCIES = ("rial", "toman")
MIN_IDLE_SECONDS = 15
MAX_IDLE_SECONDS = 3600
DEFAULT_CATALOG_REFRESH_MINUTES = 60

_KEYS = {
    "format", "title", "accent", "logo", "language", "idle_timeout_seconds", "mode",
    "currency", "agencies", "server", "audio_first",
}  # fmt: skip


@dataclass(frozen=True)
class DemoProfile:
    """What one kiosk set-up shows and where it sends requests."""

    name: str
    title: LocalText
    accent: str
    logo: str
    language: str
    idle_timeout_seconds: int
    mode: str
    currency: str
    agencies: tuple[str, ...] | None  # None: every agency in the catalog
    server_url: str
    source: str = ""
    catalog_refresh_minutes: int = DEFAULT_CATALOG_REFRESH_MINUTES  # how often to ask the server for news
    proxy: str | None = None  # an HTTP(S) proxy to reach the server through (the environment's is ignored)
    ca_file: str | None = None  # a CA bundle that signs the server's certificate, if not a public CA
    audio_first: bool = False  # every screen read aloud as it comes up, without a tap on «بشنوید»

    @property
    def is_demo(self) -> bool:
        return self.mode == "demo"


def parse_profile(
    data: Any, name: str, label: str, resources_dir: Path | None = None, server_required: bool = True
) -> DemoProfile:
    """One profile; ``server_required=False`` for a release's, which carries no ``[server]``."""
    reader = Reader(label)
    obj = reader.obj(data, "")
    reader.unknown_keys(obj, _KEYS, "")
    fmt = reader.field(obj, "format", "")
    if fmt is not None and (isinstance(fmt, bool) or not isinstance(fmt, int) or fmt < 1):
        reader.problem("format", "should be a whole number from 1")
    elif isinstance(fmt, int) and fmt > PROFILE_FORMAT:
        reader.problem("format", f"is {fmt}; this kiosk reads format {PROFILE_FORMAT}: update the kiosk first")
    if not ID_PATTERN.match(name):
        reader.problem("", f"the file name {name!r} should be lower-case letters, digits and dashes")
    accent = reader.text(obj, "accent", "")
    if accent and not COLOR_PATTERN.match(accent):
        reader.problem("accent", f"{accent!r} should be a colour written #rrggbb")
    logo = reader.text(obj, "logo", "")
    if logo and resources_dir is not None and not file_exists(resources_dir / logo):
        reader.problem("logo", f"{logo!r}: the file {resources_dir / logo} does not exist")
    idle = reader.integer(obj, "idle_timeout_seconds", "", minimum=MIN_IDLE_SECONDS)
    if idle > MAX_IDLE_SECONDS:
        reader.problem("idle_timeout_seconds", f"is {idle}; at most {MAX_IDLE_SECONDS} (an hour) is allowed")
    agencies = _agencies(reader, reader.field(obj, "agencies", ""))
    server = reader.obj(reader.field(obj, "server", "", required=server_required) or {}, "server")
    reader.unknown_keys(server, {"url", "catalog_refresh_minutes", "proxy", "ca_file"}, "server")
    proxy = reader.text(server, "proxy", "server") if "proxy" in server else None
    if proxy and not proxy.startswith(("http://", "https://")):
        reader.problem("server.proxy", f"{proxy!r} should be a proxy address starting with http:// or https://")
    ca_file = reader.text(server, "ca_file", "server") if "ca_file" in server else None
    if ca_file and resources_dir is not None and not file_exists(resources_dir / ca_file):
        reader.problem("server.ca_file", f"{ca_file!r}: the file {resources_dir / ca_file} does not exist")
    url = reader.text(server, "url", "server") if "server" in obj else ""
    refresh = DEFAULT_CATALOG_REFRESH_MINUTES
    if "catalog_refresh_minutes" in server:
        refresh = reader.integer(server, "catalog_refresh_minutes", "server", minimum=1)
        if refresh > 7 * 24 * 60:
            reader.problem("server.catalog_refresh_minutes", f"is {refresh}; at most a week (10080) is allowed")
    if url and (problem := server_address_problem(url)):
        reader.problem("server.url", problem)
    audio_first = reader.field(obj, "audio_first", "", required=False)
    if audio_first is not None and not isinstance(audio_first, bool):
        reader.problem("audio_first", "should be true or false")
    profile = DemoProfile(
        name=name,
        title=reader.local_text(obj, "title", "", max_len=48),
        accent=accent,
        logo=logo,
        language=reader.one_of(obj, "language", "", LANGUAGES),
        idle_timeout_seconds=idle,
        mode=reader.one_of(obj, "mode", "", MODES),
        currency=reader.one_of(obj, "currency", "", CURRENCIES),
        agencies=agencies,
        server_url=url.rstrip("/"),
        source=label,
        catalog_refresh_minutes=refresh,
        proxy=proxy or None,
        ca_file=str(resources_dir / ca_file) if ca_file and resources_dir is not None else (ca_file or None),
        audio_first=audio_first is True,
    )
    reader.raise_if_any()
    return profile


def _agencies(reader: Reader, value: Any) -> tuple[str, ...] | None:
    if value is None or value == "all":
        if value is None:
            reader.problem("agencies", 'is missing: list agency ids, or write agencies = "all"')
        return None
    if not isinstance(value, list) or not value:
        reader.problem("agencies", 'should be "all" or a non-empty list of agency ids')
        return None
    ids: list[str] = []
    for index, item in enumerate(value):
        if not isinstance(item, str):
            reader.problem(f"agencies[{index}]", "should be an agency id (a text)")
        elif item in ids:
            reader.problem(f"agencies[{index}]", f"lists {item!r} twice")
        else:
            ids.append(item)
    return tuple(ids)
