"""Signed releases (issue 23), end to end: the real kiosk window on a live profile, provisioned
with the server's signing key as a technician does (config.toml's ``server.signing_key``), against
the real central server on 127.0.0.1. A release changed by one byte on its way (here: in the
server's database, after it was published) and a release signed by another key are refused before
anything of them is applied; the kiosk keeps its last good verified release, and says why in its
heartbeat and its staff panel. A kiosk without a key: a live one applies nothing, a demo one takes
releases unchecked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from harness.central_server import RunningCentral
from kiosk.app.root import Kiosk
from kiosk.central.models import CatalogRelease
from kiosk.core.catalog import catalog_document
from kiosk.core.paths import KioskPaths
from kiosk.core.release_signing import ReleaseSigner, parse_signing_key
from kiosk.core.sealing import parse_public_key
from kiosk.core.settings import KioskSettings
from kiosk.link.catalog_updates import REFUSED, UPDATED, CatalogUpdater
from tests.support.e2e import RegisteredKiosk, heard_from_its_server, on_loop, until
from tests.support.window import build_kiosk

LIVE_PROFILE = "sari-lobby"
AGENCY = "sari-municipality"


def release(kiosk_paths: KioskPaths, version: str) -> dict[str, Any]:
    document = catalog_document(kiosk_paths.catalog, kiosk_paths.icons)
    document["version"] = version
    agency = next(a for a in document["agencies"] if a["id"] == AGENCY)
    agency["short_name"] = {"fa": f"شهرداری {version}", "en": version}
    return document


def change_one_byte_of_the_newest_release(central: RunningCentral, old: bytes, new: bytes) -> None:
    """As a database or a proxy on the way would: one byte of the stored document, nothing else."""
    assert len(old) == len(new)
    with central.store.db.write() as session:
        row = session.scalars(select(CatalogRelease).order_by(CatalogRelease.id.desc()).limit(1)).one()
        body = row.document.encode("utf-8")
        assert body.count(old) == 1
        changed = body.replace(old, new).decode("utf-8")
        session.execute(update(CatalogRelease).where(CatalogRelease.id == row.id).values(document=changed))


def cached_version(kiosk_paths: KioskPaths) -> str:
    import json

    return json.loads((kiosk_paths.cached_catalog / "catalog.json").read_text(encoding="utf-8"))["version"]


def live_settings(registered: RegisteredKiosk, *signing_keys: bytes) -> KioskSettings:
    central = registered.central
    return KioskSettings(kiosk_number=registered.number, server_url=central.url, server_token=registered.token,
                         server_key=parse_public_key(central.sealing_key), signing_keys=signing_keys)  # fmt: skip


def test_a_tampered_release_and_one_signed_by_another_key_are_refused_and_the_last_good_is_kept(
    qtbot: QtBot, kiosk_paths: KioskPaths, registered: RegisteredKiosk
) -> None:
    central = registered.central
    settings = live_settings(registered, parse_signing_key(central.signing_key))
    heard_from_its_server(kiosk_paths.outbox, registered.number)
    for kiosk in build_kiosk(qtbot, kiosk_paths, LIVE_PROFILE, settings):

        async def scenario(kiosk: Kiosk = kiosk) -> None:
            await until(lambda: kiosk.updater is not None)  # the link starts after the first frame
            updater = kiosk.updater
            assert updater is not None
            central.publish_catalog(release(kiosk_paths, "signed-good"))
            assert await updater.check_once() == UPDATED
            kiosk.window.end_session()
            assert kiosk.content.catalog.version == "signed-good"

            # One byte changed after signing: refused, nothing applied or saved.
            central.publish_catalog(release(kiosk_paths, "signed-next"))
            change_one_byte_of_the_newest_release(central, b'"version":"signed-next"', b'"version":"signed-nexu"')
            assert await updater.check_once() == REFUSED
            assert "signature does not match" in (updater.last_refusal or ""), updater.last_refusal
            await heard_in_heartbeat(kiosk, central, "signature does not match")

            # Signed by another key (a server that is not this kiosk's, or a stolen database alone).
            own = central.store.release_signer
            central.store.__dict__["release_signer"] = ReleaseSigner.generate()[0]
            try:
                central.publish_catalog(release(kiosk_paths, "other-key"))
                assert await updater.check_once() == REFUSED
            finally:
                central.store.__dict__["release_signer"] = own
            assert own.fingerprint in (updater.last_refusal or ""), "names the key it was provisioned with"
            refusal = kiosk.window.staff.actions.staff_view().catalog_refused
            assert "signature does not match" in refusal, "said in the staff panel"
            kiosk.window.end_session()
            assert kiosk.content.catalog.version == "signed-good", "the last good verified release stays"
            assert cached_version(kiosk_paths) == "signed-good"

            # The next release signed with the right key is taken again.
            central.publish_catalog(release(kiosk_paths, "signed-again"))
            assert await updater.check_once() == UPDATED
            assert updater.last_refusal is None
            kiosk.window.end_session()
            assert kiosk.content.catalog.version == "signed-again"

        on_loop(kiosk, scenario)


async def heard_in_heartbeat(kiosk: Kiosk, central: RunningCentral, words: str) -> None:
    assert kiosk.engine is not None
    kiosk.engine._next_heartbeat = 0  # heartbeat now rather than in a minute
    kiosk.engine.wake()
    await until(lambda: any(words in (b["catalog_refused"] or "") for b in central.heartbeats()))


def updater_for(registered: RegisteredKiosk, folder: Path, keys: tuple[bytes, ...], demo: bool) -> CatalogUpdater:
    return CatalogUpdater(
        registered.client(), folder / "cache", folder / "etag", icons_dir=None,
        check_profile=lambda catalog: [], on_ready=lambda catalog: None, interval_seconds=60,
        signing_keys=lambda: keys, unsigned_allowed=lambda: demo,
    )  # fmt: skip


def test_without_a_provisioned_key_a_live_kiosk_applies_nothing_and_a_demo_one_takes_it_unchecked(
    tmp_path: Path, kiosk_paths: KioskPaths, registered: RegisteredKiosk
) -> None:
    registered.central.publish_catalog(release(kiosk_paths, "unprovisioned"))
    live = updater_for(registered, tmp_path / "live", (), demo=False)
    assert live._check() == (REFUSED, None)
    assert "no signing key is provisioned" in (live.last_refusal or "")
    assert not (tmp_path / "live" / "cache").exists()
    demo = updater_for(registered, tmp_path / "demo", (), demo=True)
    result, catalog = demo._check()
    assert result == UPDATED and catalog is not None and catalog.version == "unprovisioned"
    # A demo kiosk that was given a key checks with it like any other.
    other = ReleaseSigner.generate()[0].public_key
    provisioned_demo = updater_for(registered, tmp_path / "demo-keyed", (other,), demo=True)
    assert provisioned_demo._check() == (REFUSED, None)
