"""``kiosk-central catalog publish`` of a folder carrying another province's icons and branding:
published sanitised and signed; an unsafe icon is refused saying which and why, nothing published."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk.central.__main__ import main
from kiosk.central.app import open_store
from kiosk.central.settings import Settings
from kiosk.core.paths import resources_root

GILAN = resources_root() / "tests" / "data" / "other-province"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``kiosk-central ARGS`` in this process: its exit code, standard output and error."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_province_folder_publishes_with_its_icons_and_branding(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    code, out, err = run(capsys, "catalog", "publish", str(GILAN), "--data-dir", str(data))
    assert code == 0, err
    assert "24 agencies, 25 icons (sanitised), the province's branding" in out
    store = open_store(Settings(data_dir=data), migrate=False)
    try:
        document = store.catalogs.document(1)
    finally:
        store.db.dispose()
    assert document is not None and document["branding"]["logo"] == "gilan-province"
    assert sorted(document["icons"]) == sorted(p.stem for p in (GILAN / "icons").glob("*.svg"))


def test_an_unsafe_icon_is_refused_and_nothing_is_published(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = Path(shutil.copytree(GILAN, tmp_path / "gilan"))
    (folder / "icons" / "gilan-fisheries.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("https://x.example")</script></svg>', encoding="utf-8"
    )
    data = tmp_path / "data"
    code, out, err = run(capsys, "catalog", "publish", str(folder), "--data-dir", str(data))
    assert code == 1 and "published" not in out
    assert "icons.gilan-fisheries: the icon holds <script>" in err
    assert "Traceback" not in err
