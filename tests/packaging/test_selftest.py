"""`kiosk --self-test` on a copy of the resources laid out as in a bundle: the manifest catches any
missing or changed file and names it; icons, stylesheet, the frozen case and the outbox (intact,
damaged) are checked too."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from kiosk import __version__
from kiosk.app.selftest import MANIFEST_NAME, build_manifest, self_test
from kiosk.core.paths import KioskPaths, resources_root
from tests.support.damage import outbox_with, overwrite_page, page_holding


@pytest.fixture
def bundle_root(tmp_path: Path, qapp: QApplication) -> KioskPaths:
    """Resources and compiled translations copied as build.spec lays them out, with their manifest."""
    root = tmp_path / "bundle"
    shutil.copytree(resources_root() / "resources", root / "resources")
    source = KioskPaths(root=resources_root(), data=tmp_path / "build-data")
    from kiosk.ui.i18n import Localizer

    localizer = Localizer(source.translations, source.cache)
    (root / "translations").mkdir()
    for language in ("fa", "en"):
        qm = localizer.compiled_translation(language)
        assert qm is not None
        shutil.copy2(qm, root / "translations" / f"kiosk_{language}.qm")
    files = {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}
    manifest = build_manifest(files, platform=sys.platform, central=False)
    (root / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    return KioskPaths(root=root, data=tmp_path / "data")


def run_self_test(paths: KioskPaths) -> tuple[int, str]:
    lines: list[str] = []
    code = self_test(paths, "festival", write=lines.append)
    return code, "\n".join(lines)


def test_a_complete_bundle_passes_and_counts_its_files(bundle_root: KioskPaths) -> None:
    code, report = run_self_test(bundle_root)
    assert code == 0, report
    listed = len(json.loads((bundle_root.root / MANIFEST_NAME).read_text(encoding="utf-8"))["files"])
    assert listed > 60
    assert f"  ok    bundle: {listed} files as built (kiosk {__version__}, {sys.platform})" in report
    assert "  ok    icons: " in report and "  ok    stylesheet: kiosk.qss" in report


@pytest.mark.parametrize(
    "name",
    ["resources/catalog/catalog.json", "resources/profiles/festival.toml", "resources/fonts/Vazirmatn-Regular.ttf",
     "resources/icons/water.svg", "resources/styles/kiosk.qss", "translations/kiosk_en.qm",
     "resources/deploy/linux/pishkhan-kiosk.service"],
)  # fmt: skip
def test_a_missing_file_is_named(bundle_root: KioskPaths, name: str) -> None:
    (bundle_root.root / name).unlink()
    code, report = run_self_test(bundle_root)
    assert code == 1
    assert f"  FAIL  missing file: {name} (in {bundle_root.root})" in report
    assert report.endswith("problem(s))")


def test_a_changed_file_of_the_same_size_is_named(bundle_root: KioskPaths) -> None:
    font = bundle_root.fonts / "Vazirmatn-Bold.ttf"
    data = bytearray(font.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte, e.g. a bad sector or a botched copy
    font.write_bytes(bytes(data))
    code, report = run_self_test(bundle_root)
    assert code == 1
    assert "  FAIL  damaged file: resources/fonts/Vazirmatn-Bold.ttf" in report and "differs from the build" in report


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "cannot be read"),
        ('{"kind": "something-else", "files": {}}', "not a Pishkhan bundle manifest"),
        ('{"kind": "pishkhan-bundle-manifest", "version": "0.0.1", "files": {}}', "lists kiosk 0.0.1, this program"),
        ('{"kind": "pishkhan-bundle-manifest", "files": {"../../etc/passwd": {"size": 1, "sha256": "x"}}}',
         "outside the bundle"),
    ],
)  # fmt: skip
def test_a_bad_manifest_fails(bundle_root: KioskPaths, content: str, message: str) -> None:
    content = content.replace('"kind": "pishkhan-bundle-manifest", "files"',
                              f'"kind": "pishkhan-bundle-manifest", "version": "{__version__}", "files"')  # fmt: skip
    (bundle_root.root / MANIFEST_NAME).write_text(content, encoding="utf-8")
    code, report = run_self_test(bundle_root)
    assert code == 1
    assert "  FAIL  bundle: " in report and message in report


def test_a_frozen_kiosk_without_its_manifest_fails(bundle_root: KioskPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    (bundle_root.root / MANIFEST_NAME).unlink()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    code, report = run_self_test(bundle_root)
    assert code == 1
    assert f"resources: {bundle_root.root} (bundle)" in report
    assert f"FAIL  bundle: {bundle_root.root / MANIFEST_NAME} is missing" in report


def test_without_a_manifest_icons_and_stylesheet_are_still_checked(bundle_root: KioskPaths) -> None:
    (bundle_root.root / MANIFEST_NAME).unlink()  # a source tree has none
    (bundle_root.icons / "home.svg").unlink()
    cut = bundle_root.resources / "logos" / "sari-municipality.svg"
    cut.write_bytes(cut.read_bytes()[:100])
    qss = bundle_root.styles / "kiosk.qss"
    qss.write_text(qss.read_text(encoding="utf-8") + "\nQLabel { color: $nosuchcolour; }\n", encoding="utf-8")
    code, report = run_self_test(bundle_root)
    assert code == 1
    assert "bundle:" not in report  # no manifest outside a bundle, and none expected
    assert f"  FAIL  icon missing: {bundle_root.icons / 'home.svg'}" in report
    assert f"  FAIL  icon damaged: {cut}: " in report
    assert f"  FAIL  stylesheet: {qss}: 'nosuchcolour'" in report


def test_a_missing_translation_is_named(bundle_root: KioskPaths) -> None:
    (bundle_root.root / MANIFEST_NAME).unlink()
    (bundle_root.translations / "kiosk_fa.qm").unlink()
    code, report = run_self_test(bundle_root)
    assert code == 1
    assert (
        f"  FAIL  translation fa: {bundle_root.translations / 'kiosk_fa.qm'} is missing or cannot be loaded" in report
    )


@pytest.mark.parametrize("damage", ["a page overwritten", "not a database"])
def test_a_damaged_outbox_fails_and_is_named(bundle_root: KioskPaths, damage: str) -> None:
    """The self-test never looked at the outbox: with its file damaged it said "passed"."""
    outbox = bundle_root.outbox
    requests = outbox_with(outbox, 60)
    if damage == "a page overwritten":
        overwrite_page(outbox, page_holding(outbox, requests[30]))
    else:
        outbox.write_bytes(b"not a database" * 1000)
    before = outbox.read_bytes()
    code, report = run_self_test(bundle_root)
    assert code == 1, report
    failed = next(line for line in report.splitlines() if line.startswith("  FAIL  outbox: "))
    assert f"{outbox} is damaged" in failed, report
    assert f"kiosk outbox salvage {outbox}" in report
    assert outbox.read_bytes() == before, "the self-test changed the outbox"


def test_an_intact_outbox_passes(bundle_root: KioskPaths) -> None:
    outbox_with(bundle_root.outbox, 3)
    code, report = run_self_test(bundle_root)
    assert code == 0, report
    assert f"  ok    outbox: {bundle_root.outbox}, intact" in report


def test_the_voice_is_checked_by_speaking_persian(bundle_root: KioskPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    """Read-aloud (issue 24): the self-test has the voice say a Persian word into a file; no voice
    is no fault from source, but a bundle without its own voice (and none on the system) fails."""
    if shutil.which("espeak-ng"):
        code, report = run_self_test(bundle_root)
        assert code == 0 and "  ok    voice: the system's espeak-ng speaks Persian" in report, report
    monkeypatch.setenv("PATH", "/nonexistent")
    code, report = run_self_test(bundle_root)
    assert code == 0 and "  ok    voice: none: install espeak-ng" in report, report
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    _code, report = run_self_test(bundle_root)
    assert f"  FAIL  voice: the bundle's espeak-ng is missing from {bundle_root.root / 'voice'}" in report
