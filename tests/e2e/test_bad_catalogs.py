"""One validator everywhere (issues 21 and 23): each kind of bad catalog document is refused with
the same message, and never a traceback, by every entry point a catalog passes through:

- the validator command (``python -m kiosk.core.catalog``, a process of its own),
- the kiosk's self-test (``kiosk --self-test``, the document as the cached catalog),
- ``kiosk-central catalog publish`` (nothing is published),
- the server's route the kiosk fetches from (``GET /catalog``, the document stored as a faulty or
  older server would have stored it): the kiosk's catalog updater refuses it,
- the kiosk's start (the document as the cached catalog): it starts on the last good catalog
  received, and says why in its staff panel and heartbeat.

The kinds: JSON nested 2,000 levels deep, a 5,000-digit number, a file in UTF-16, a text holding
a lone surrogate, an icon no kiosk has (``ship``), an icon name that is a path (``../``), a
10,000-character agency name, an agency over the 2 MiB an agency file may hold.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from harness.central_server import RunningCentral
from kiosk.app.selftest import self_test
from kiosk.central.models import CatalogRelease
from kiosk.core.catalog import MAX_AGENCY_BYTES, catalog_document, write_catalog_directory
from kiosk.core.content import previous_catalog
from kiosk.core.paths import KioskPaths, resources_root
from kiosk.core.release_signing import parse_signing_key
from kiosk.core.sealing import parse_public_key
from kiosk.core.settings import KioskSettings
from kiosk.link.catalog_updates import REFUSED, CatalogUpdater
from tests.support.e2e import RegisteredKiosk, heard_from_its_server
from tests.support.window import build_kiosk

ROOT = resources_root()
BUNDLED = ROOT / "resources" / "catalog"
AGENCY = "mazandaran-water"


@dataclass(frozen=True)
class BadKind:
    """One kind of bad document: how the water agency's JSON is spoiled, and the words every entry
    point must refuse it with. ``text`` edits the agency's JSON text (after ``data`` edited its
    value, which may leave a placeholder for ``text`` to replace with what JSON cannot hold as a
    value here); ``encoding`` is how the file is written."""

    message: str
    data: Callable[[dict[str, Any]], None] = lambda agency: None
    text: Callable[[str], str] = lambda text: text
    encoding: str = "utf-8"
    through_the_server: bool = True  # the server keeps documents as text: an encoding never reaches its route


def first_service(change: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    return lambda agency: change(agency["services"][0])


def many_services(agency: dict[str, Any]) -> None:
    """More copies of the agency's services (each its own id) than 2 MiB holds."""
    originals = copy.deepcopy(agency["services"])
    size, copies = len(json.dumps(agency, ensure_ascii=False).encode()), 0
    while size <= MAX_AGENCY_BYTES:
        copies += 1
        for service in copy.deepcopy(originals):
            service["id"] = f"{service['id']}-copy{copies}"
            service["related"] = []
            agency["services"].append(service)
        size = len(json.dumps(agency, ensure_ascii=False, indent=2).encode())


KINDS = {
    "deep-nesting": BadKind(
        "not valid JSON: nested more than 32 levels deep",
        data=first_service(lambda s: s.update(related="@DEEP@")),
        text=lambda t: t.replace('"@DEEP@"', "[" * 2000 + "]" * 2000),
    ),
    "huge-number": BadKind(
        "not valid JSON: a number has more than 18 digits",
        data=first_service(lambda s: s.update(fee={"kind": "fixed", "rial": "@BIG@"})),
        text=lambda t: t.replace('"@BIG@"', "9" * 5000),
    ),
    "utf-16": BadKind(
        "the file is UTF-16 text, not UTF-8: save it as UTF-8", encoding="utf-16", through_the_server=False
    ),
    "lone-surrogate": BadKind(
        "not valid JSON: a text holds U+DC80, which is not a character a text may hold",
        data=first_service(lambda s: s["title"].update(fa="@S@")),
        text=lambda t: t.replace('"@S@"', '"\\udc80"'),
    ),
    "unknown-icon": BadKind("icon: no icon 'ship' among the kiosk's icons", data=lambda a: a.update(icon="ship")),
    "icon-path": BadKind(
        "icon: '../../../../tmp/evil' is not an icon name", data=lambda a: a.update(icon="../../../../tmp/evil")
    ),
    "long-text": BadKind(
        "name.fa: is 10000 characters long; at most 90 fit", data=lambda a: a["name"].update(fa="ا" * 10_000)
    ),
    "oversized-agency": BadKind(f"; at most {MAX_AGENCY_BYTES:,} are read", data=many_services),
}


def agency_text(kind: BadKind) -> str:
    agency = json.loads((BUNDLED / "agencies" / f"{AGENCY}.json").read_text(encoding="utf-8"))
    kind.data(agency)
    return kind.text(json.dumps(agency, ensure_ascii=False, indent=2))


def bad_folder(kind: BadKind, folder: Path) -> Path:
    """The bundled catalog with the water agency's file spoiled."""
    shutil.copytree(BUNDLED, folder)
    (folder / "agencies" / f"{AGENCY}.json").write_bytes(agency_text(kind).encode(kind.encoding))
    return folder


def bad_document(kind: BadKind) -> str:
    """The bundled catalog as one document (the server's form) with the water agency spoiled."""
    document = catalog_document(BUNDLED)
    placeholder = "@AGENCY@"
    document["agencies"] = [placeholder if a["id"] == AGENCY else a for a in document["agencies"]]
    return json.dumps(document, ensure_ascii=False).replace(json.dumps(placeholder), agency_text(kind))


def no_traceback(text: str) -> None:
    assert "Traceback" not in text, text[-3000:]


@pytest.mark.parametrize("kind_id", list(KINDS))
def test_a_bad_catalog_is_refused_in_the_same_words_everywhere(
    qtbot: QtBot, tmp_path: Path, registered: RegisteredKiosk, kind_id: str
) -> None:
    kind = KINDS[kind_id]
    folder = bad_folder(kind, tmp_path / "bad-catalog")

    # The validator command.
    checked = subprocess.run(
        [sys.executable, "-m", "kiosk.core.catalog", str(folder)], capture_output=True, text=True, timeout=120
    )
    no_traceback(checked.stdout + checked.stderr)
    assert checked.returncode == 1 and kind.message in checked.stderr, checked.stderr[-2000:]

    # The self-test, the document being the kiosk's cached catalog.
    paths = KioskPaths(root=ROOT, data=tmp_path / "kiosk-data")
    paths.data.mkdir()
    shutil.copytree(folder, paths.cached_catalog)
    report: list[str] = []
    assert self_test(paths, "festival", report.append) == 1
    assert any(kind.message in line for line in report), "\n".join(report)
    assert any("FAIL  cached catalog" in line for line in report)

    # catalog publish: refused, nothing published.
    central = registered.central
    server_data = tmp_path / "server-data"
    published = subprocess.run(
        [sys.executable, "-m", "kiosk.central", "catalog", "publish", str(folder), "--data-dir", str(server_data)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    no_traceback(published.stdout + published.stderr)
    assert published.returncode == 1 and kind.message in published.stderr, published.stderr[-2000:]
    assert "published catalog" not in published.stdout

    # The server's route: stored as a faulty or older server would have, the kiosk refuses it.
    if kind.through_the_server:
        serve_as_is(central, bad_document(kind))
        updater = CatalogUpdater(
            registered.client(), paths.data / "fetched", paths.data / "fetched.etag", icons_dir=paths.icons,
            check_profile=lambda catalog: [], on_ready=lambda catalog: None, interval_seconds=60,
            signing_keys=lambda: (parse_signing_key(central.signing_key),),
        )  # fmt: skip
        assert updater._check() == (REFUSED, None)
        assert kind.message in (updater.last_refusal or ""), updater.last_refusal
        assert not (paths.data / "fetched").exists()

    # The kiosk's start: on the last good catalog received, saying why the newest was refused.
    last_good = catalog_document(BUNDLED)
    last_good["version"] = "last-good"
    write_catalog_directory(last_good, previous_catalog(paths.cached_catalog))
    settings = KioskSettings(kiosk_number=registered.number, server_url=central.url, server_token=registered.token,
                             server_key=parse_public_key(central.sealing_key))  # fmt: skip
    heard_from_its_server(paths.outbox, registered.number)
    for kiosk in build_kiosk(qtbot, paths, "festival", settings):
        assert kiosk.content is not None and kiosk.content.catalog.version == "last-good"
        assert kind.message in (kiosk.catalog_refused() or "")
        assert kind.message in kiosk.window.staff.actions.staff_view().catalog_refused
        assert kind.message in (kiosk._heartbeat()["catalog_refused"] or "")
        qtbot.waitUntil(lambda k=kiosk: not k.window.working_ahead, timeout=20_000)  # a start's own work, finished


def serve_as_is(central: RunningCentral, body: str) -> None:
    """Publish a good catalog, then put ``body`` in its place unchecked (as an older server did),
    signed as a faulty server that signs what it stores would: the kiosk's validator, not its
    signature check, is what refuses it here (``test_signed_releases.py`` covers the signature)."""
    etag = central.publish_catalog(catalog_document(BUNDLED))
    with central.store.db.write() as session:
        number = session.scalars(select(CatalogRelease.id).where(CatalogRelease.etag == etag)).one()
        signature = central.store.release_signer.sign(str(number), body.encode("utf-8", "surrogatepass"))
        session.execute(
            update(CatalogRelease)
            .where(CatalogRelease.id == number)
            .values(document=body, etag='"bad"', signature=signature)
        )


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("kiosk_number = " + "9" * 5000, "not valid TOML: a number has more than 18 digits"),
        ("kiosk_number = " + "[" * 2000 + "]" * 2000, "not valid TOML: nested more than 32 levels deep"),
    ],
    ids=["huge-number", "deep-nesting"],
)
def test_a_bad_toml_file_is_refused_in_the_same_words_everywhere(
    qtbot: QtBot, tmp_path: Path, caplog: pytest.LogCaptureFixture, toml: str, message: str
) -> None:
    """The kiosk's config.toml (TOML, like the profiles): the self-test, ``kiosk --print-config``
    and the kiosk's start say what is wrong with it; the kiosk starts on its default settings."""
    paths = KioskPaths(root=ROOT, data=tmp_path / "kiosk-data")
    paths.data.mkdir()
    paths.config_file.write_text(toml, encoding="utf-8")
    report: list[str] = []
    assert self_test(paths, "festival", report.append) == 1
    assert any(message in line for line in report), "\n".join(report)
    printed = subprocess.run(
        [sys.executable, "-m", "kiosk", "--print-config", "--data-dir", str(paths.data)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    no_traceback(printed.stdout + printed.stderr)
    assert message in printed.stdout + printed.stderr
    for kiosk in build_kiosk(qtbot, paths, "festival"):
        assert kiosk.content is not None and kiosk.settings.kiosk_number == 1
        assert any(message in record.getMessage() for record in caplog.records)
        qtbot.waitUntil(lambda k=kiosk: not k.window.working_ahead, timeout=20_000)  # a start's own work, finished
