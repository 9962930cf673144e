"""``kiosk render`` draws what the kiosk shows: its PNGs, made in a separate process, are compared
with the running kiosk window's own grab of the same screen at the same size, reached by a citizen's
taps (the card, a question typed on the keyboard, one on the keypad), in Persian on a landscape
screen and in English on a portrait one. And bad input is refused with a message, not a traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from kiosk.core.catalog import catalog_document
from tests.support.kiosk_process import ROOT, kiosk_environment

SERVICE = "mazandaran-water.new-connection"  # a text question first, then the keypad's national ID
SCREENS = {"fa": ((1366, 768), "landscape"), "en": ((1080, 1920), "portrait")}


def run_render(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "render", *args],
        capture_output=True, text=True, timeout=180, env=kiosk_environment(), cwd=ROOT, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("render")
    result = run_render("--service", SERVICE, "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def image_of(index: dict, language: str, orientation: str, screen: str, step: int | None, out: Path) -> QImage:
    found = [
        i for i in index["images"]
        if (i["language"], i["orientation"], i["screen"], i["step"]) == (language, orientation, screen, step)
    ]  # fmt: skip
    assert len(found) == 1, found
    image = QImage(str(out / found[0]["file"]))
    assert not image.isNull()
    return image


def differing_pixels(a: QImage, b: QImage) -> int:
    """How many pixels differ (a size that differs counts every pixel)."""
    a = a.convertToFormat(QImage.Format.Format_RGB32)
    b = b.convertToFormat(QImage.Format.Format_RGB32)
    if a.size() != b.size():
        return a.width() * a.height()
    if a == b:
        return 0
    width = a.width()
    return sum(
        1
        for y in range(a.height())
        for ra, rb in [(a.constScanLine(y).tobytes(), b.constScanLine(y).tobytes())]
        if ra != rb
        for x in range(width)
        if ra[4 * x : 4 * x + 4] != rb[4 * x : 4 * x + 4]
    )


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_rendered_card_and_questions_are_the_kiosk_windows_own_pixels(
    rendered: Path, tmp_path: Path, language: str
) -> None:
    index = json.loads((rendered / "index.json").read_text(encoding="utf-8"))
    (width, height), orientation = SCREENS[language]
    window = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("window_child.py")), str(tmp_path), language,
         f"{width}x{height}", SERVICE],
        capture_output=True, text=True, timeout=180, env=kiosk_environment(), cwd=ROOT, check=False,
    )  # fmt: skip
    assert window.returncode == 0, window.stdout + window.stderr
    assert "first=text second=national_id keypad=True" in window.stdout  # the keyboard's question, the keypad's
    for name, screen, step in (("card", "card", None), ("question-01", "question", 1), ("question-02", "question", 2)):
        drawn = image_of(index, language, orientation, screen, step, rendered)
        shown = QImage(str(tmp_path / f"{name}.png"))
        assert (shown.width(), shown.height()) == (width, height)
        assert differing_pixels(shown, drawn) == 0, f"{name} in {language}: not the window's own pixels"


def test_the_index_lists_every_image_with_its_hash(rendered: Path) -> None:
    import hashlib

    index = json.loads((rendered / "index.json").read_text(encoding="utf-8"))
    files = {p.relative_to(rendered).as_posix() for p in rendered.rglob("*.png")}
    assert {i["file"] for i in index["images"]} == files
    for image in index["images"]:
        assert hashlib.sha256((rendered / image["file"]).read_bytes()).hexdigest() == image["sha256"]
    screens = [(i["language"], i["orientation"], i["screen"]) for i in index["images"]]
    for language in ("fa", "en"):
        for orientation in ("landscape", "portrait"):
            assert screens.count((language, orientation, "card")) == 1
            assert screens.count((language, orientation, "review")) == 1
            assert screens.count((language, orientation, "question")) >= 2


def test_a_catalog_document_is_drawn_and_bad_input_is_refused_with_a_message(tmp_path: Path) -> None:
    document = catalog_document(ROOT / "resources" / "catalog", ROOT / "resources" / "icons")
    document["version"] = "draft-under-review"
    agency = next(a for a in document["agencies"] if a["id"] == "mazandaran-water")
    service = next(s for s in agency["services"] if s["id"] == SERVICE)
    service["title"]["en"] = "A title only the draft has"
    draft = tmp_path / "draft.json"
    draft.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    drawn = run_render("--catalog", str(draft), "--service", SERVICE, "--language", "en", "--orientation",
                       "portrait", "--size", "800x1280", "--text", "large", "--out", str(out))  # fmt: skip
    assert drawn.returncode == 0, drawn.stderr
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert index["catalog_version"] == "draft-under-review"
    for image in index["images"]:  # a screen that needs more room than the screen has is flagged
        assert image["fits"] == (image["size"] == [800, 1280]), image
        assert image["size"][1] == 1280 and image["size"][0] >= 800
    assert sum(image["fits"] for image in index["images"]) >= 10, "the card and the questions fit"
    assert {i["text"] for i in index["images"]} == {"large"}
    assert f"{SERVICE}/en/portrait/card-large.png" in {i["file"] for i in index["images"]}
    service["title"]["en"] = ""  # the validator's own message comes back
    draft.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    refused = run_render("--catalog", str(draft), "--service", SERVICE, "--out", str(tmp_path / "refused"))
    assert refused.returncode == 2
    assert "title" in refused.stderr and "is refused" in refused.stderr
    assert "Traceback" not in refused.stderr
    unknown = run_render("--service", "no-such.service", "--out", str(tmp_path / "unknown"))
    assert unknown.returncode == 2 and "unknown service 'no-such.service'" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    assert not (tmp_path / "refused" / "index.json").exists()
