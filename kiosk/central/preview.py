"""Previews of a catalog document as a kiosk draws it, for staff before they approve it.

The server imports no Qt (docs/architecture.md), so it asks the kiosk package to draw:
``kiosk render`` (``kiosk.app.render``) runs as a separate process on the document, written to a
temporary folder, and writes PNG files with an ``index.json``. The images are kept in the server's
data folder by the document's content hash (and what was asked: services, languages,
orientations, text size, profile), so the same document is drawn once; the oldest are deleted
beyond ``keep``.

The kiosk program: ``python -m kiosk`` on this interpreter by default. In the frozen central
bundle (PyInstaller) there is no Python to run ``-m kiosk`` with: the setting ``kiosk_program``
(``kiosk-central serve --kiosk-program``, ``KIOSK_CENTRAL_KIOSK_PROGRAM``) names the kiosk's
program instead (e.g. the kiosk bundle's ``kiosk`` executable), and without it a preview says so.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

LANGUAGES = ("fa", "en")
ORIENTATIONS = ("landscape", "portrait")
# Drawing one service in two languages and two orientations takes a few seconds (see
# benchmarks/preview.py); a whole catalog a few minutes on a slow server.
TIMEOUT_SECONDS = 300.0
KEEP = 50  # previews kept in the data folder: each is a folder of PNGs (~100 KB a screen)
FOLDER_NAME = "previews"
INDEX_NAME = "index.json"
# The images an index lists are named so (``kiosk.app.render``): nothing else is served.
IMAGE_NAME = re.compile(r"^(card|review|question-\d{2})(-large)?$")
# What the kiosk process is not given of the server's environment (its database URL, its folders).
PRIVATE_ENVIRONMENT = ("KIOSK_CENTRAL_",)
# A partial preview left by a process that died mid-render is deleted after this long.
STALE_PARTIAL_SECONDS = 3600


class PreviewFailed(Exception):
    """The kiosk could not draw the document. ``reason`` is for the log (English, the kiosk's own
    words: a refused catalog's problems); ``message`` is for staff (Persian)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class Preview:
    """A drawn document: its folder and the images ``index.json`` lists."""

    folder: Path
    key: str
    images: tuple[dict[str, Any], ...]

    def image(self, service_id: str, language: str, orientation: str, name: str) -> Path | None:
        """The PNG of that screen, if the preview has it (the name checked, never a path given)."""
        if not IMAGE_NAME.match(name):
            return None
        relative = f"{service_id}/{language}/{orientation}/{name}.png"
        if not any(image["file"] == relative for image in self.images):
            return None
        return self.folder / relative

    def of_service(self, service_id: str) -> list[dict[str, Any]]:
        return [image for image in self.images if image["service"] == service_id]


@dataclass(frozen=True)
class Selection:
    """What to draw of a document (every service when ``services`` is None)."""

    services: tuple[str, ...] | None = None
    languages: tuple[str, ...] = LANGUAGES
    orientations: tuple[str, ...] = ORIENTATIONS
    text: str = "usual"
    profile: str | None = None

    def arguments(self) -> list[str]:
        args = ["--all"] if self.services is None else [a for s in self.services for a in ("--service", s)]
        args += ["--language", self.languages[0] if len(self.languages) == 1 else "both"]
        args += ["--orientation", self.orientations[0] if len(self.orientations) == 1 else "both"]
        args += ["--text", self.text]
        if self.profile:
            args += ["--profile", self.profile]
        return args


def kiosk_command(program: str | None) -> list[str]:
    """How the kiosk is started: ``program`` (a command line) if set, else this Python's ``-m kiosk``."""
    if program:
        return shlex.split(program)
    if getattr(sys, "frozen", False):
        raise PreviewFailed(
            "no kiosk program to draw with: this server is a frozen bundle; set kiosk_program "
            "(kiosk-central serve --kiosk-program PATH, or KIOSK_CENTRAL_KIOSK_PROGRAM)",
            "پیش‌نمایش در دسترس نیست: برنامهٔ پیشخوان برای این سرور تعیین نشده است (به فنی خبر دهید).",
        )
    return [sys.executable, "-m", "kiosk"]


class Previewer:
    """Draws documents with the kiosk and keeps the images, one render at a time."""

    def __init__(
        self, data_dir: Path, program: str | None = None, timeout: float = TIMEOUT_SECONDS, keep: int = KEEP
    ) -> None:
        self.folder = data_dir / FOLDER_NAME
        self.program = program
        self.timeout = timeout
        self.keep = keep
        self._lock = threading.Lock()  # the machine's cores are the kiosk's: one drawing at a time

    def preview(self, document: dict[str, Any], what: Selection | None = None) -> Preview:
        """The images of ``document`` (a catalog document, as ``kiosk-central catalog publish``
        takes and kiosks receive), drawn now or found from before. Raises ``PreviewFailed``."""
        what = what or Selection()
        key = content_key(document, what)
        found = self._found(key)
        if found is not None:
            return found
        with self._lock:
            found = self._found(key)  # drawn by another request while this one waited
            if found is not None:
                return found
            preview = self._draw(document, what, key)
            self._prune(keep_key=key)
            return preview

    def _found(self, key: str) -> Preview | None:
        folder = self.folder / key
        index = folder / INDEX_NAME
        try:
            images = json.loads(index.read_text(encoding="utf-8"))["images"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        try:
            os.utime(folder)  # used now: the last to be pruned
        except OSError:
            pass
        return Preview(folder, key, tuple(images))

    def _draw(self, document: dict[str, Any], what: Selection, key: str) -> Preview:
        self.folder.mkdir(parents=True, exist_ok=True)
        command = kiosk_command(self.program)
        partial = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=self.folder))
        try:
            with tempfile.TemporaryDirectory(prefix="catalog-preview-") as scratch:
                source = Path(scratch) / "draft-catalog.json"
                source.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
                argv = [*command, "render", "--catalog", str(source), "--out", str(partial), *what.arguments()]
                started = time.perf_counter()
                result = self._run(argv, scratch)
            if result.returncode != 0:
                # (the temporary file's name is nobody's business: the problems name their places)
                reason = _last_lines(result.stderr.replace(f"{source}: ", "").replace(str(source), "the document"))
                reason = reason or f"exit code {result.returncode}"
                log.warning("the kiosk could not draw the catalog preview: %s", reason)
                if result.returncode == 2:  # the kiosk's validator (or an unknown service): its words
                    raise PreviewFailed(reason, "پیشخوان این فهرست خدمات را نپذیرفت: " + reason)
                raise PreviewFailed(reason, "پیش‌نمایش ساخته نشد؛ دوباره تلاش کنید یا به فنی خبر دهید.")
            log.info("catalog preview %s drawn in %.1f s", key[:12], time.perf_counter() - started)
            final = self.folder / key
            try:
                partial.rename(final)
            except OSError:  # drawn meanwhile by another server process: theirs is the same
                shutil.rmtree(partial, ignore_errors=True)
            found = self._found(key)
            if found is None:
                raise PreviewFailed(f"{final} has no readable {INDEX_NAME}", "پیش‌نمایش ساخته نشد.")
            return found
        finally:
            if partial.exists():
                shutil.rmtree(partial, ignore_errors=True)

    def _run(self, argv: list[str], scratch: str) -> subprocess.CompletedProcess[str]:
        environment = {k: v for k, v in os.environ.items() if not k.startswith(PRIVATE_ENVIRONMENT)}
        environment["QT_QPA_PLATFORM"] = "offscreen"
        if not self.program:  # this Python's -m kiosk: the kiosk package beside this server's own
            package_root = str(Path(__file__).resolve().parents[2])
            environment["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, environment.get("PYTHONPATH")]))
        try:
            return subprocess.run(
                argv, cwd=scratch, env=environment, capture_output=True, text=True, errors="replace",
                timeout=self.timeout, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            log.error("the kiosk took more than %.0f s to draw a catalog preview: stopped", self.timeout)
            raise PreviewFailed(
                f"timed out after {self.timeout:.0f} s", "ساختن پیش‌نمایش بیش از اندازه طول کشید."
            ) from None
        except OSError as exc:
            log.error("the kiosk program %s could not be started: %s", argv[0], exc)
            raise PreviewFailed(
                f"cannot start {argv[0]}: {exc}", "برنامهٔ پیشخوان برای پیش‌نمایش اجرا نشد (به فنی خبر دهید)."
            ) from None

    def _prune(self, keep_key: str) -> None:
        """Keep the ``keep`` previews used last (and the one just drawn); delete the rest, and
        partial ones a process left behind."""
        try:
            entries = [p for p in self.folder.iterdir() if p.is_dir()]
        except OSError:
            return
        now = time.time()
        finished = []
        for entry in entries:
            if entry.name.startswith("."):
                if now - _mtime(entry) > STALE_PARTIAL_SECONDS:
                    shutil.rmtree(entry, ignore_errors=True)
            elif entry.name != keep_key:
                finished.append(entry)
        finished.sort(key=_mtime, reverse=True)
        for old in finished[max(self.keep - 1, 0) :]:
            shutil.rmtree(old, ignore_errors=True)


def content_key(document: dict[str, Any], what: Selection) -> str:
    """The document's content hash with what is drawn of it: the same draft asked for again is
    found, any change to it is drawn anew."""
    body = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    asked = json.dumps(
        [what.services, what.languages, what.orientations, what.text, what.profile], separators=(",", ":")
    )
    return hashlib.sha256(f"{body}\n{asked}".encode()).hexdigest()


def service_ids(document: dict[str, Any]) -> Iterable[str]:
    """The ids of a catalog document's services (a document published is already validated)."""
    for agency in document.get("agencies", ()):
        for service in agency.get("services", ()):
            yield service["id"]


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _last_lines(text: str, lines: int = 8) -> str:
    kept = [line.removeprefix("kiosk render: ") for line in text.strip().splitlines()[-lines:]]
    return "\n".join(kept)[:2000]
