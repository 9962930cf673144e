"""Building the kiosk's PyInstaller bundle from this tree: shared by the packaging test and the
bundle benchmark, so both measure the same thing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# On Windows kiosk.exe has no console; kiosk-console.exe is the same program for the technician's commands.
EXE_NAME = "kiosk-console.exe" if sys.platform == "win32" else "kiosk"


def build_bundle(out: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    """``pyinstaller build.spec`` into ``out/dist/kiosk`` (see ``bundle_folder``). Always the
    kiosk's bundle: ``KIOSK_BUNDLE_CENTRAL`` (which makes build.spec build the central server's)
    is left out of its environment."""
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_BUNDLE_CENTRAL"}
    return subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(out / "dist"), "--workpath", str(out / "work"), str(ROOT / "build.spec")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


def bundle_folder(out: Path) -> Path:
    return out / "dist" / "kiosk"


def bundle_mib(folder: Path) -> float:
    """Every regular file under the bundle's folder, MiB."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20
