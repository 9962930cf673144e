""" "Track my request": what the server says about a tracking code, or what this kiosk knows.

The code is checked (its check digit) before anyone is asked. The server's answer carries no
personal data; offline, the kiosk's own outbox can still say whether a request it issued is
queued, delivered or held. ``look_up`` blocks (HTTP): the window runs it on a worker thread
(``kiosk.ui.background``), never on the UI thread.

The agency's reason may be personal: a server may withhold it until the citizen gives a second
factor, the last 4 digits of the mobile number in the request (``look_up(code, mobile_last4)``).
Those digits are passed on to the server and forgotten: never kept, never logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.core.persian import to_ascii_digits
from kiosk.core.tracking import normalize_tracking_code
from kiosk.outbox.store import OutboxStore

if TYPE_CHECKING:  # requests loads only when a server is asked, after the first frame
    from kiosk.link.client import CentralClient

INVALID = "invalid"  # the check digit does not match: a typing mistake
FOUND = "found"  # the server knows it: status, when it last changed, the agency's reason
NOT_FOUND = "not_found"  # nobody filed this code (or not yet delivered from another kiosk)
OFFLINE = "offline"  # the server cannot be asked now; ``local_state`` may still say something
WRONG_DIGITS = "wrong_digits"  # the second factor's digits do not match the request's: try again
TOO_MANY_TRIES = "too_many_tries"  # too many wrong digits for this code: ``retry_after`` seconds, or later

MOBILE_LAST4 = "mobile_last4"  # the second factor a kiosk asks for (``kiosk.link.client``)


@dataclass(frozen=True)
class LookupAnswer:
    kind: str
    tracking_code: str = ""
    service_id: str | None = None
    status: str | None = None  # received, in_review, done, rejected
    changed_at: str | None = None  # ISO 8601 UTC
    reason: str | None = None
    local_state: str | None = None  # this kiosk's outbox: pending, sending, delivered, rejected
    reason_withheld: bool = False  # the server holds the agency's reason back...
    second_factor: str | None = None  # ...until given this (MOBILE_LAST4), or at the agency (None)
    retry_after: float | None = None  # TOO_MANY_TRIES: seconds until the server takes digits again

    @property
    def asks_for_mobile_digits(self) -> bool:
        """The status is known, and the agency's reason is shown once the citizen gives the last 4
        digits of the request's mobile number."""
        return (
            self.kind == FOUND and self.reason is None and self.reason_withheld and self.second_factor == MOBILE_LAST4
        )

    @property
    def reason_only_at_agency(self) -> bool:
        """The agency has a reason the kiosk cannot show at all: the citizen hears it from the agency."""
        return self.kind == FOUND and self.reason is None and self.reason_withheld and self.second_factor is None


def mobile_digits(typed: str) -> str | None:
    """The last 4 digits of a mobile number as typed (Persian, Arabic-Indic or ASCII digits,
    spaces ignored) in ASCII; None unless it is exactly 4 digits."""
    digits = to_ascii_digits("".join(typed.split()))
    return digits if len(digits) == 4 and digits.isascii() and digits.isdigit() else None


class RequestLookup:
    def __init__(self, client: CentralClient | None, store: OutboxStore | None) -> None:
        self._client = client
        self._store = store

    def look_up(self, typed: str, mobile_last4: str | None = None) -> LookupAnswer:
        """What is known of the code ``typed``: INVALID at once for a mistyped code; else what the
        server says, or OFFLINE with what this kiosk's outbox knows. With ``mobile_last4`` (as
        typed: Persian or ASCII digits), the server is asked for the reason it withheld: FOUND
        with the reason, WRONG_DIGITS or TOO_MANY_TRIES."""
        try:
            code = normalize_tracking_code(typed)
        except ValueError:
            return LookupAnswer(INVALID)
        from kiosk.link.client import ServerUnreachable, TooManyTries, WrongSecondFactor

        local = self._store.find_by_tracking_code(code) if self._store is not None else None
        local_state = local.state if local is not None else None
        service = local.service_id if local is not None else None

        def withheld(kind: str, retry_after: float | None = None) -> LookupAnswer:
            return LookupAnswer(kind, code, service, local_state=local_state, reason_withheld=True,
                                second_factor=MOBILE_LAST4, retry_after=retry_after)  # fmt: skip

        digits = None if mobile_last4 is None else mobile_digits(mobile_last4)
        if mobile_last4 is not None and digits is None:
            return withheld(WRONG_DIGITS)  # not 4 digits: not worth one of the citizen's tries on the server
        if self._client is None:
            return LookupAnswer(OFFLINE, code, service, local_state=local_state)
        try:
            status = self._client.track(code, digits)
        except ServerUnreachable:
            return LookupAnswer(OFFLINE, code, service, local_state=local_state)
        except WrongSecondFactor:
            return withheld(WRONG_DIGITS)
        except TooManyTries as refused:
            return withheld(TOO_MANY_TRIES, refused.retry_after)
        if status is None:
            # Filed here but still on its way: the outbox knows better than the server.
            return LookupAnswer(NOT_FOUND, code, service, local_state=local_state)
        return LookupAnswer(
            FOUND,
            code,
            status.service_id,
            status.status,
            status.status_changed_at,
            status.reason,
            local_state,
            reason_withheld=status.reason_withheld,
            second_factor=status.second_factor,
        )
