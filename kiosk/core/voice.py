"""The kiosk's voice: espeak-ng, offline, in Persian (``fa``) and English (``en``).

PySide6-Essentials has no QtTextToSpeech or QtMultimedia, and a booth is offline: the voice is
the espeak-ng program (Debian's ``espeak-ng``; on Windows its own build beside the kiosk), run once
per utterance. Starting it costs a few milliseconds and nothing at the kiosk's start (nothing is
loaded before the first utterance); stopping it is ending the process, at once.

- ``Voice.say(text, language)`` stops what is being said and starts the new text (already written
  for speech: ``kiosk.core.speech_text.for_speech``); ``stop()``; ``repeat()`` says the last again.
- Level: espeak-ng's own output peaks at about -0.05 dBFS, which clips on cheap speakers; the
  amplitude is set so that its peaks stay under -3 dBFS (``AMPLITUDE``, checked with sox in the
  tests), and a little slower than its default rate, for elderly listeners (``RATE_WPM``).
- ``sink``: instead of the sound card, the audio is written to a WAV file (or ``-`` for the
  process's pipe): what tests and the benchmark use, on a machine with no audio device.
- No program, or no audio device, is not an error: ``problem`` says which, in words a booth's staff
  can act on, and ``say`` does nothing.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

log = logging.getLogger(__name__)

PROGRAM = "espeak-ng"
VOICES = {"fa": "fa", "en": "en-gb"}
RATE_WPM = 150  # espeak-ng's default is 175
# Of espeak-ng's 0-200 (100 by default). The loudest the keypad's "louder" reaches keeps peaks under
# -3 dBFS (measured on the receipt: 58 peaks at 0.65 of full scale, 62 at 0.709, just over -3 dBFS);
# a citizen starts one step below it, so that "louder" does something.
LOUDEST = 58
AMPLITUDE = 50
SOFTEST = 26
AMPLITUDE_STEP = 8
STOP_WAIT_S = 0.08
NO_PROGRAM = "no_program"
NO_AUDIO = "no_audio"
# What espeak-ng prints on stderr when it cannot open the sound card (ALSA, PulseAudio, Windows).
_AUDIO_FAILURES = ("cannot find card", "Unknown PCM", "error: No such file or directory", "Connection refused")


def bundled_voice_dir() -> Path:
    """Where a bundle keeps its own espeak-ng, its libraries and its Persian and English data
    (build.spec's voice/): beside the kiosk's resources."""
    from kiosk.core.paths import resources_root

    return resources_root() / "voice"


def find_program(bundled: Path | None = None) -> str | None:
    """espeak-ng: beside the kiosk in a bundle (``bundled``/espeak-ng[.exe]), else on PATH."""
    if bundled is not None:
        for name in (PROGRAM, f"{PROGRAM}.exe"):
            candidate = bundled / name
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    return shutil.which(PROGRAM)


def _library_path(folder: Path) -> dict[str, str]:
    """The environment the bundled program runs in: its libraries found in its own folder first."""
    env = dict(os.environ)
    if sys.platform != "win32":  # Windows finds DLLs beside the program anyway
        env["LD_LIBRARY_PATH"] = os.pathsep.join(p for p in (str(folder), env.get("LD_LIBRARY_PATH", "")) if p)
    return env


class Voice:
    """One utterance at a time. Thread-safe enough for its use: called from the UI thread, with
    a reader thread per utterance that only watches the program's error output."""

    def __init__(
        self,
        program: str | None = None,
        sink: str | None = None,
        rate_wpm: int = RATE_WPM,
        amplitude: int = AMPLITUDE,
        data_dir: Path | None = None,
        voice_dir: Path | None = None,
    ) -> None:
        bundled = voice_dir if voice_dir is not None else bundled_voice_dir()
        self.program = program if program is not None else find_program(bundled)
        if data_dir is None and self.program is not None and Path(self.program).parent == bundled:
            data_dir = bundled  # the bundle's own voice reads the bundle's own data and libraries
        own = data_dir is not None and self.program is not None and Path(self.program).parent == data_dir
        self._env = _library_path(data_dir) if own and data_dir is not None else None
        self.sink = sink
        self.rate_wpm = rate_wpm
        self.amplitude = self._usual_amplitude = amplitude
        self.data_dir = data_dir
        self.last: tuple[str, str] | None = None  # (text, language) said last, for repeat
        self._process: subprocess.Popen[bytes] | None = None
        self._no_audio = False
        self._lock = threading.Lock()

    @property
    def problem(self) -> str | None:
        """None when the voice can speak; else why not: ``NO_PROGRAM`` or ``NO_AUDIO``."""
        if self.program is None:
            return NO_PROGRAM
        if self._no_audio and self.sink is None:
            return NO_AUDIO
        return None

    @property
    def speaking(self) -> bool:
        process = self._process
        return process is not None and process.poll() is None

    def command(self, language: str) -> list[str]:
        assert self.program is not None
        command = [self.program, "-v", VOICES.get(language, VOICES["fa"]), "-s", str(self.rate_wpm)]
        command += ["-a", str(self.amplitude), "-b", "1"]  # -b 1: the text is UTF-8
        if self.data_dir is not None:
            command += ["--path", str(self.data_dir)]
        if self.sink == "-":
            command.append("--stdout")
        elif self.sink is not None:
            command += ["-w", self.sink]
        return command

    def say(self, text: str, language: str) -> subprocess.Popen[bytes] | None:
        """Stop what is being said and say ``text`` (written for speech) in ``language``."""
        self.stop()
        self.last = (text, language)
        if self.problem is not None or not text.strip():
            return None
        stdout = subprocess.PIPE if self.sink == "-" else subprocess.DEVNULL
        try:
            process = subprocess.Popen(
                [*self.command(language), "--stdin"],
                stdin=subprocess.PIPE,
                stdout=stdout,
                stderr=subprocess.PIPE,
                env=self._env,
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0) if sys.platform == "win32" else 0,
            )
        except OSError as exc:
            log.warning("the voice could not start: %s", type(exc).__name__)
            self.program = None
            return None
        with self._lock:
            self._process = process
        threading.Thread(target=self._feed, args=(process, text), daemon=True, name="voice").start()
        return process

    def _feed(self, process: subprocess.Popen[bytes], text: str) -> None:
        """Hand the text to the program, then read its errors: a missing sound card says so there
        (espeak-ng still exits 0)."""
        assert process.stdin is not None and process.stderr is not None
        try:
            process.stdin.write(text.encode("utf-8"))
            process.stdin.close()
            errors = process.stderr.read().decode("utf-8", "replace")
        except (OSError, ValueError):  # stopped while being fed
            return
        finally:
            process.stdin.close()
            process.stderr.close()
            process.wait()
        if self.sink is None and any(sign in errors for sign in _AUDIO_FAILURES):
            if not self._no_audio:
                log.warning("the voice has no audio device to speak through")
            self._no_audio = True

    def stop(self) -> None:
        """End what is being said, at once."""
        with self._lock:
            process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def louder(self) -> bool:
        """One step louder, for what is said next; False when already at the loudest."""
        return self._set_amplitude(min(LOUDEST, self.amplitude + AMPLITUDE_STEP))

    def softer(self) -> bool:
        """One step softer, for what is said next; False when already at the softest."""
        return self._set_amplitude(max(SOFTEST, self.amplitude - AMPLITUDE_STEP))

    def _set_amplitude(self, amplitude: int) -> bool:
        changed, self.amplitude = amplitude != self.amplitude, amplitude
        return changed

    def repeat(self) -> subprocess.Popen[bytes] | None:
        """Say the last text again."""
        if self.last is None:
            return None
        return self.say(*self.last)

    def forget(self) -> None:
        """Between citizens: nothing said stays to be repeated for the next one, and the next one
        starts at the usual level."""
        self.stop()
        self.last = None
        self.amplitude = self._usual_amplitude
