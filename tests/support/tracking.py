""" "Track my request" with the look-up scripted: what the window's tracking flow calls
(``look_up(code)``, ``look_up(code, mobile_last4)``, on the kiosk's worker threads) answers as
the test says, and every call is recorded."""

from __future__ import annotations

import pytest

from kiosk.app.root import Kiosk
from kiosk.link.lookup import LookupAnswer


class ScriptedLookup:
    """Stands in for ``RequestLookup.look_up``. A code alone gets the next of ``codes`` (the last
    one again once they run out); a code with digits gets the next of ``digits`` (an exception
    is raised, as a broken look-up would)."""

    def __init__(self, codes: LookupAnswer | list[LookupAnswer], *digits: LookupAnswer | Exception) -> None:
        self.codes = list(codes) if isinstance(codes, list) else [codes]
        self.digits = list(digits)
        self.asked: list[tuple[str, str | None]] = []

    def __call__(self, code: str, mobile_last4: str | None = None) -> LookupAnswer:
        self.asked.append((code, mobile_last4))
        if mobile_last4 is None:
            return self.codes.pop(0) if len(self.codes) > 1 else self.codes[0]
        answer = self.digits.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def install(self, kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch) -> ScriptedLookup:
        """Answer the window's look-ups (in place of the kiosk's ``RequestLookup``) for this test."""
        monkeypatch.setattr(kiosk.window.tracking, "_look_up_code", self)
        return self
