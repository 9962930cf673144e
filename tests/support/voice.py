"""A stand-in for the kiosk's voice in UI tests: it records what it would say."""

from __future__ import annotations


class RecordingVoice:
    """Says nothing: records what it was asked to say, and 'speaks' until stopped."""

    def __init__(self, problem: str | None = None) -> None:
        self.said: list[tuple[str, str]] = []
        self.problem = problem
        self.speaking = False
        self.stops = 0

    def say(self, text: str, language: str) -> None:
        self.said.append((text, language))
        self.speaking = self.problem is None

    def stop(self) -> None:
        self.stops += 1
        self.speaking = False

    def forget(self) -> None:
        self.stop()
        self.said.clear()

    def louder(self) -> bool:
        return False

    def softer(self) -> bool:
        return False
