"""Read-aloud: a tap on «بشنوید» to the first sample of audio, and a tap elsewhere to silence.

    .venv/bin/python -m benchmarks.read_aloud [--rounds N]

In-process, offscreen, the real window on the festival profile at 1366x768, with the real voice
(espeak-ng) writing its audio to a pipe instead of a sound card (this machine has none): the
time runs from the press on the speaker button (``QTest.mouseClick``) until the first bytes of
audio after the WAV header come out of the pipe. Each round reads another screen: home, an
agency, a card, a question of a form, the review, the receipt. To stop: with the voice still
speaking (the pipe is not read, so it waits as it would for a sound card), a tap on another
finger on the screen away from any control, until the voice's process has ended.
"""

from __future__ import annotations

import argparse
import os
import select
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import SCREEN, Figure, quick, summary

WAV_HEADER = 44
FIRST_SOUND_LIMIT_MS = 300.0
STOP_LIMIT_MS = 100.0


def _first_sound_ms(process, started: float, timeout: float = 5.0) -> float:  # type: ignore[no-untyped-def]
    """Read the pipe until audio past the WAV header arrives; the time since ``started``."""
    stream = process.stdout
    assert stream is not None
    seen = 0
    deadline = time.perf_counter() + timeout
    descriptor = stream.fileno()
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([descriptor], [], [], 0.01)
        if ready:
            chunk = os.read(descriptor, 4096)
            if not chunk:
                break
            seen += len(chunk)
            if seen > WAV_HEADER:
                return (time.perf_counter() - started) * 1000
    raise RuntimeError("no audio came out of the voice")


def measure(rounds: int | None = None) -> list[Figure]:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from harness.citizen import Citizen, aim, settle, tap, wait_until_ready
    from kiosk.app.root import Kiosk
    from kiosk.core.paths import KioskPaths, resources_root
    from kiosk.core.voice import Voice, find_program

    if find_program() is None:
        note = "espeak-ng is not installed"
        return [
            Figure("read_aloud_first_sound", "read-aloud: tap to first sound", None, "ms", "p95 <= 300 ms", None,
                   note=note),
            Figure("read_aloud_stop", "read-aloud: tap to silence", None, "ms", "p95 <= 100 ms", None, note=note),
            Figure("speech_mode_key_to_sound", "speech mode: key to first sound", None, "ms", "p95 <= 300 ms", None,
                   note=note),
        ]  # fmt: skip
    rounds = rounds or (3 if quick() else 10)
    _app = QApplication.instance() or QApplication(sys.argv[:1])
    first_sound: list[float] = []
    stops: list[float] = []
    key_to_sound: list[float] = []
    with tempfile.TemporaryDirectory() as data:
        kiosk = Kiosk.build(KioskPaths(root=resources_root(), data=Path(data)), "festival")
        window = kiosk.window
        window.resize(*SCREEN)
        window.show()
        wait_until_ready(window)
        voice = Voice(sink="-")
        window.read_aloud.voice = voice
        button = window.header.speak_button
        catalog = kiosk.content.catalog
        citizen = Citizen(kiosk)
        form_services = list(citizen.services)

        def press(widget) -> float:  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, aim(widget))
            return started

        def screens(round_number: int):  # type: ignore[no-untyped-def]
            agency = catalog.agencies[round_number % len(catalog.agencies)]
            service = agency.services[round_number % len(agency.services)]
            yield lambda: None  # home
            yield lambda: window.open_agency(agency.id)
            yield lambda: window.open_service(service.id)
            filed = form_services[round_number % len(form_services)]
            yield lambda: window.open_form(filed.id)

        try:
            tap(window.attract)
            for number in range(rounds):
                for show in screens(number):
                    show()
                    settle()
                    started = press(button)
                    process = voice._process
                    assert process is not None, "the button started no voice"
                    first_sound.append(_first_sound_ms(process, started))
                    # The pipe is no longer read: the voice waits, as for a sound card. Tap elsewhere.
                    time.sleep(0.05)
                    assert voice.speaking, "the voice finished before it could be stopped"
                    # A finger down on the screen, away from any control (the voice stops on the
                    # press, whatever the tap then does).
                    corner = window.pages.rect().bottomLeft() + QPoint(4, -4)
                    started = time.perf_counter()
                    QTest.mousePress(window.pages, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, corner)
                    while process.poll() is None and time.perf_counter() - started < 2:
                        time.sleep(0.001)
                    stops.append((time.perf_counter() - started) * 1000)
                    QTest.mouseRelease(window.pages, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, corner)
                    if process.stdout is not None:
                        process.stdout.close()
                window.end_session()
                tap(window.attract)
            # Speech mode: a key of the keypad ("next") to the first sound of the new focus.
            window.end_session()
            settle()
            QTest.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.KeypadModifier)  # starts it
            settle()
            for _ in range(rounds * 4):
                target = QApplication.focusWidget() or window
                started = time.perf_counter()
                QTest.keyClick(target, Qt.Key.Key_2, Qt.KeyboardModifier.KeypadModifier)
                process = voice._process
                assert process is not None, "the key started no voice"
                key_to_sound.append(_first_sound_ms(process, started))
                voice.stop()
                if process.stdout is not None:
                    process.stdout.close()
        finally:
            voice.stop()
            kiosk.close()
            settle()
    sound, silence, key = summary(first_sound, 1), summary(stops, 1), summary(key_to_sound, 1)
    return [
        Figure(
            "read_aloud_first_sound", "read-aloud: tap on «بشنوید» to the first sound", sound["p95"], "ms",
            "p95 <= 300 ms", FIRST_SOUND_LIMIT_MS,
            shown=f"p95 {sound['p95']:.1f} ms, median {sound['median']:.1f} ms over {sound['n']} screens",
            details={"ms": sound},
        ),
        Figure(
            "read_aloud_stop", "read-aloud: another tap to silence", silence["p95"], "ms", "p95 <= 100 ms",
            STOP_LIMIT_MS, shown=f"p95 {silence['p95']:.1f} ms, median {silence['median']:.1f} ms",
            details={"ms": silence},
        ),
        Figure(
            "speech_mode_key_to_sound", "speech mode: a keypad key to the first sound of the new focus", key["p95"],
            "ms", "p95 <= 300 ms", FIRST_SOUND_LIMIT_MS,
            shown=f"p95 {key['p95']:.1f} ms, median {key['median']:.1f} ms over {key['n']} keys",
            details={"ms": key},
        ),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    from benchmarks.__main__ import print_table

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=None)
    args = parser.parse_args(argv)
    print_table(measure(args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
