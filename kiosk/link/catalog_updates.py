"""Catalog updates from the central server: asked at start-up and then every few minutes.

Before anything of a release is read, its signature is checked against the signing keys this kiosk
was provisioned with (``kiosk.core.release_signing``): a release changed on the way, or signed by
another key, is refused like an invalid one. A kiosk with no signing key applies no release in live
mode (refused: "no signing key is provisioned"); in demo mode it takes them unchecked, with a
warning in the log each time (a first-boot demo kiosk on this machine must still work).

A new catalog is validated in full with the same rules as the bundled one (and against the
kiosk's profile: every agency the profile shows must still exist), written atomically to the
data folder, and handed to ``on_ready``; the window swaps it in at the next return to the
attract loop, never in the middle of a citizen's session. A refused catalog is logged with every
reason, remembered for the heartbeat, and changes nothing: the kiosk keeps its last good one.
Offline, the cached catalog serves; with none, the bundled one.

Like the sync engine, this is plain asyncio; the blocking HTTP call runs on a worker thread
(``kiosk.core.background``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from kiosk.core.background import Workers, stop_task
from kiosk.core.catalog import (
    MAX_CATALOG_BYTES,
    Catalog,
    load_catalog,
    parse_catalog_document,
    write_catalog_directory,
)
from kiosk.core.datafile import DataFileError, Problem, parse_json
from kiosk.core.release_signing import ReleaseRefused, verify_release
from kiosk.link.client import CatalogRefused, CentralClient, ServerUnreachable

log = logging.getLogger(__name__)

UNCHANGED = "unchanged"
UPDATED = "updated"
REFUSED = "refused"
OFFLINE = "offline"


class CatalogUpdater:
    def __init__(
        self,
        client: CentralClient,
        cache_dir: Path,
        etag_file: Path,
        *,
        icons_dir: Path | None,
        check_profile: Callable[[Catalog], list[Problem]],
        on_ready: Callable[[Catalog], None],
        interval_seconds: float,
        workers: Workers | None = None,
        signing_keys: Callable[[], tuple[bytes, ...]] = tuple,
        unsigned_allowed: Callable[[], bool] = lambda: False,
    ) -> None:
        self._client = client
        self._cache_dir = cache_dir
        self._etag_file = etag_file
        self._icons_dir = icons_dir
        self._check_profile = check_profile
        self._on_ready = on_ready
        self._interval = interval_seconds
        self._signing_keys = signing_keys
        self._unsigned_allowed = unsigned_allowed
        pool, self._own_workers = Workers.own(workers, "catalog-updates")
        self._lane = pool.lane()
        self._task: asyncio.Task[None] | None = None
        self.last_result = ""
        self.last_refusal: str | None = None  # for the heartbeat and the staff panel

    def start(self) -> asyncio.Task[None]:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="catalog-updates")
        return self._task

    async def stop(self) -> None:
        task, self._task = self._task, None
        await stop_task(task, self._lane, self._own_workers)

    async def _run(self) -> None:
        while True:
            await self.check_once()
            await asyncio.sleep(self._interval)

    async def check_once(self) -> str:
        """Ask the server once; returns what came of it (UNCHANGED, UPDATED, REFUSED or OFFLINE)."""
        catalog = None
        try:
            result, catalog = await self._lane.run(self._check)
        except Exception:  # never let one bad answer stop the updates
            log.exception("catalog update failed")
            result = REFUSED
        self.last_result = result
        if catalog is not None:
            self._on_ready(catalog)  # on the loop's thread: the window may act on it
        return result

    def _check(self) -> tuple[str, Catalog | None]:
        etag = self._known_etag()
        try:
            answer = self._client.fetch_catalog(etag, MAX_CATALOG_BYTES)
        except ServerUnreachable as exc:
            log.info("catalog update: the server cannot be asked (%s); keeping the current catalog", exc)
            return OFFLINE, None
        except CatalogRefused as exc:
            return self._refuse([str(exc)]), None
        if not answer.changed:
            return UNCHANGED, None
        label = f"catalog from {self._client.base_url}"
        keys = self._signing_keys()
        if keys or not self._unsigned_allowed():
            try:
                signer = verify_release(keys, answer.release, answer.body, answer.signature)
            except ReleaseRefused as exc:
                return self._refuse([str(exc)]), None
            log.info("catalog release %s: signed with key %s", answer.release, signer)
        else:
            log.warning(
                "catalog release %s taken UNCHECKED: no signing key is provisioned (demo mode only; a live"
                " kiosk refuses it): set [server] signing_key in config.toml from `kiosk-central signing-key`",
                answer.release,
            )
        try:  # read as every catalog file is, so a bad one is refused in the same words
            document = parse_json(answer.body, label)
            catalog = parse_catalog_document(document, label, self._icons_dir, source="server")
        except DataFileError as exc:
            return self._refuse([str(p) for p in exc.problems]), None
        if catalog.icons:  # kept as sanitised here, whatever the server sent
            document["icons"] = dict(catalog.icons)
        problems = self._check_profile(catalog)
        if problems:
            return self._refuse([str(p) for p in problems]), None
        try:
            write_catalog_directory(document, self._cache_dir, keep_previous=self._cache_is_good())
            if answer.etag:
                self._etag_file.write_text(answer.etag, encoding="utf-8")
        except OSError as exc:
            log.error("catalog %s is valid but cannot be saved in %s: %s", catalog.version, self._cache_dir, exc)
        self.last_refusal = None
        log.info("catalog %s received from the server; it is used from the next citizen on", catalog.version)
        return UPDATED, catalog

    def _cache_is_good(self) -> bool:
        """Whether the cached catalog loads: then it is kept as the last good one when a new one
        replaces it (a refused one is not: the one kept before it stays)."""
        if not (self._cache_dir / "catalog.json").is_file():
            return False
        try:
            load_catalog(self._cache_dir, self._icons_dir)
        except DataFileError:
            return False
        return True

    def _refuse(self, problems: list[str]) -> str:
        for problem in problems:
            log.error("catalog from the server refused: %s", problem)
        self.last_refusal = f"catalog refused: {problems[0]}" + (
            f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        )
        return REFUSED

    def _known_etag(self) -> str | None:
        """The ETag of the cached catalog, only while that catalog is still there to fall back on."""
        if not (self._cache_dir / "catalog.json").is_file():
            return None
        try:
            return self._etag_file.read_text(encoding="utf-8").strip() or None
        except OSError:
            return None
