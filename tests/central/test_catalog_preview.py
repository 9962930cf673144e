"""The catalog's preview: staff see a published service as kiosks draw it (``kiosk render`` run by
the server as a separate process), only for the agencies they may see; the images are kept by the
document's content hash, a bounded number of them; a refused document, a missing kiosk program and
a kiosk that takes too long each say why."""

from __future__ import annotations

import json
import re
import struct
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from harness.central_server import RunningCentral
from kiosk.central.preview import FOLDER_NAME, Previewer, PreviewFailed, Selection, kiosk_command
from kiosk.core.catalog import catalog_document

ROOT = Path(__file__).resolve().parents[2]
SERVICE = "mazandaran-water.new-connection"
PASSWORD = "correct horse battery"


@contextmanager
def login(central: RunningCentral, name: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=central.url, timeout=120) as client:
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token, page.text
        response = client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token.group(1)})
        assert response.status_code == 303, response.text
        yield client


def png_size(body: bytes) -> tuple[int, int]:
    assert body[:8] == b"\x89PNG\r\n\x1a\n", "a PNG"
    width, height = struct.unpack(">II", body[16:24])
    return width, height


def bundled_document() -> dict:
    return catalog_document(ROOT / "resources" / "catalog", ROOT / "resources" / "icons")


@pytest.mark.parametrize("backend", ["sqlite"])  # the database plays no part in drawing
@pytest.mark.parametrize("central_settings", [{"kiosk_program": ""}])
def test_staff_see_a_published_service_as_kiosks_draw_it(central: RunningCentral) -> None:
    central.publish_catalog(ROOT / "resources" / "catalog")
    central.store.people.add("sara", PASSWORD, [], all_agencies=True)
    with login(central, "sara") as staff:
        page = staff.get(f"/catalog/preview/{SERVICE}")
        assert page.status_code == 200, page.text
        assert "پیش‌نمایش" in page.text and "درخواست انشعاب آب" in page.text
        images = re.findall(r'<img src="([^"]+)"', page.text)
        # card, 9 questions and the review, in 2 languages on 2 screens
        assert len(images) == 4 * 11, images
        assert f"/catalog/preview/{SERVICE}/fa/portrait/card.png" in images
        assert f"/catalog/preview/{SERVICE}/en/landscape/question-02.png" in images
        for url, size in (
            (f"/catalog/preview/{SERVICE}/fa/landscape/card.png", (1366, 768)),
            (f"/catalog/preview/{SERVICE}/en/portrait/review.png", (1080, 1920)),
        ):
            image = staff.get(url)
            assert image.status_code == 200 and image.headers["content-type"] == "image/png"
            assert png_size(image.content) == size
        previews = central.settings.data_dir / FOLDER_NAME
        assert len([p for p in previews.iterdir() if not p.name.startswith(".")]) == 1, "drawn once, then kept"
        for missing in (
            f"/catalog/preview/{SERVICE}/fa/landscape/question-99.png",
            f"/catalog/preview/{SERVICE}/de/landscape/card.png",
            f"/catalog/preview/{SERVICE}/fa/landscape/..%2F..%2Findex.json.png",
            "/catalog/preview/no-such.service",
        ):
            assert staff.get(missing).status_code == 404, missing


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("central_settings", [{"kiosk_program": ""}])
def test_agency_staff_see_their_agencies_services_only_and_a_viewer_none(central: RunningCentral) -> None:
    central.publish_catalog(ROOT / "resources" / "catalog")
    central.store.people.add("gas", PASSWORD, ["mazandaran-gas"], all_agencies=False, role="case_worker")
    central.store.people.add("vic", PASSWORD, [], all_agencies=True, role="viewer")
    with login(central, "gas") as other_agency:
        assert other_agency.get(f"/catalog/preview/{SERVICE}").status_code == 404
        assert other_agency.get(f"/catalog/preview/{SERVICE}/fa/landscape/card.png").status_code == 404
    with login(central, "vic") as viewer:
        assert viewer.get(f"/catalog/preview/{SERVICE}").status_code == 403
    with httpx.Client(base_url=central.url) as anonymous:
        assert anonymous.get(f"/catalog/preview/{SERVICE}").status_code == 303  # to the login page
    assert not (central.settings.data_dir / FOLDER_NAME).exists(), "nothing drawn for those who may not see it"


@pytest.mark.parametrize("backend", ["sqlite"])
def test_before_any_catalog_is_published_there_is_nothing_to_preview(central: RunningCentral) -> None:
    central.store.people.add("sara", PASSWORD, [], all_agencies=True)
    with login(central, "sara") as staff:
        assert staff.get(f"/catalog/preview/{SERVICE}").status_code == 404


def test_a_draft_refused_by_the_kiosks_validator_says_why(tmp_path: Path) -> None:
    document = bundled_document()
    agency = next(a for a in document["agencies"] if a["id"] == "mazandaran-water")
    next(s for s in agency["services"] if s["id"] == SERVICE)["title"]["fa"] = ""
    with pytest.raises(PreviewFailed) as refused:
        Previewer(tmp_path).preview(document, Selection(services=(SERVICE,), languages=("fa",)))
    assert "title" in refused.value.reason and "Traceback" not in refused.value.reason
    assert refused.value.message.startswith("پیشخوان این فهرست خدمات را نپذیرفت")
    assert "catalog-preview-" not in refused.value.message, "no temporary file's name"
    assert "the document is refused" in refused.value.reason


FAKE_KIOSK = """
    import hashlib, json, sys, time
    from pathlib import Path
    args = sys.argv[1:]
    out = Path(args[args.index("--out") + 1])
    document = json.loads(Path(args[args.index("--catalog") + 1]).read_text(encoding="utf-8"))
    if document.get("version") == "slow":
        time.sleep(30)
    (out / "s" / "fa" / "landscape").mkdir(parents=True)
    (out / "s" / "fa" / "landscape" / "card.png").write_bytes(b"png of " + document["version"].encode())
    image = {"service": "s", "screen": "card", "step": None, "field": None, "language": "fa",
             "orientation": "landscape", "size": [1, 1], "text": "usual", "file": "s/fa/landscape/card.png",
             "sha256": ""}
    (out / "index.json").write_text(json.dumps({"format": 1, "images": [image]}), encoding="utf-8")
    with open(out.parent / "runs.log", "a") as runs:
        runs.write(document["version"] + "\\n")
"""


@pytest.fixture
def fake_kiosk(tmp_path: Path) -> str:
    """A stand-in for ``kiosk render`` (the cache's and the limits' behaviour, without drawing)."""
    script = tmp_path / "fake_kiosk.py"
    script.write_text(textwrap.dedent(FAKE_KIOSK), encoding="utf-8")
    return f"{sys.executable} {script}"


def test_previews_are_kept_by_content_and_the_oldest_deleted(tmp_path: Path, fake_kiosk: str) -> None:
    previewer = Previewer(tmp_path / "data", fake_kiosk, keep=2)
    first = previewer.preview({"version": "1"})
    assert previewer.preview({"version": "1"}).folder == first.folder
    assert (tmp_path / "data" / FOLDER_NAME / "runs.log").read_text() == "1\n", "the same document drawn once"
    assert first.image("s", "fa", "landscape", "card") == first.folder / "s" / "fa" / "landscape" / "card.png"
    assert first.image("s", "fa", "landscape", "../index") is None
    second = previewer.preview({"version": "2"})
    assert second.folder != first.folder
    previewer.preview({"version": "3"})
    kept = sorted(p.name for p in (tmp_path / "data" / FOLDER_NAME).iterdir() if p.is_dir())
    assert len(kept) == 2 and first.folder.name not in kept, "bounded: the oldest went"
    assert not [p for p in kept if p.startswith(".")], "no partial folder left"


def test_a_kiosk_that_takes_too_long_is_stopped(tmp_path: Path, fake_kiosk: str) -> None:
    previewer = Previewer(tmp_path / "data", fake_kiosk, timeout=1.0)
    with pytest.raises(PreviewFailed) as slow:
        previewer.preview({"version": "slow"})
    assert "timed out" in slow.value.reason
    assert list((tmp_path / "data" / FOLDER_NAME).iterdir()) == [], "its partial images deleted"


def test_a_frozen_server_needs_the_kiosk_program_named(monkeypatch: pytest.MonkeyPatch) -> None:
    assert kiosk_command(None) == [sys.executable, "-m", "kiosk"]
    assert kiosk_command("/opt/pishkhan/kiosk --x") == ["/opt/pishkhan/kiosk", "--x"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    with pytest.raises(PreviewFailed) as missing:
        kiosk_command(None)
    assert "kiosk-program" in missing.value.reason
    assert kiosk_command("/opt/pishkhan/kiosk") == ["/opt/pishkhan/kiosk"]
    json.dumps(missing.value.message)  # a Persian sentence for staff


def test_the_kiosk_program_is_a_setting_of_serve_and_reaches_every_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.central.__main__ import build_parser, settings_from
    from kiosk.central.settings import settings_from_environment, settings_to_environment

    settings = settings_from(build_parser().parse_args(["serve", "--kiosk-program", "/opt/pishkhan/kiosk"]))
    assert settings.kiosk_program == "/opt/pishkhan/kiosk"
    for key, value in settings_to_environment(settings).items():
        monkeypatch.setenv(key, value)
    assert settings_from_environment().kiosk_program == "/opt/pishkhan/kiosk"
    monkeypatch.setenv("KIOSK_CENTRAL_KIOSK_PROGRAM", "/srv/kiosk")
    assert settings_from(build_parser().parse_args(["serve"])).kiosk_program == "/srv/kiosk"
