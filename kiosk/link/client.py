"""The central server's HTTP contract (v1), seen from the kiosk: blocking calls on a requests.Session.

Every call has connect and read timeouts (the qasync loop waits for executor threads on exit, so
an unbounded call would hang shutdown). The session ignores proxy and CA variables from the
environment (``trust_env=False``): a kiosk talks to its server directly, with TLS verified.
Nothing here logs request bodies: they carry personal data.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests

from kiosk.core.live_state import InForce
from kiosk.core.release_signing import RELEASE_HEADER, SIGNATURE_HEADER
from kiosk.core.sealing import parse_public_key
from kiosk.core.tracking import MAX_SEQUENCE
from kiosk.outbox.retry import parse_retry_after

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 15.0
API = "/api/v1"
# POST /requests/batch: at most 50 requests and 1 MB a call (the server's limits); kept a little
# under the byte limit for the envelope.
BATCH_MAX_REQUESTS = 50
BATCH_MAX_BYTES = 900 * 1024
# A server without the batch call (older than this kiosk) is asked one request at a time, and
# asked again about batches after this long (it may have been upgraded).
NO_BATCH_RECHECK_SECONDS = 3600.0

# What a delivery attempt came to.
DELIVERED = "delivered"  # the server has it (201 new, 200 replay)
RETRY = "retry"  # try again later: network trouble, 408, 409, 429, 5xx
REJECTED = "rejected"  # the server refuses it for good (other 4xx): keep it and show staff
PAUSED = "paused"  # 401/403: this kiosk is not (or no longer) allowed; stop and alert staff


@dataclass(frozen=True)
class Outcome:
    kind: str
    reason: str = ""
    reference: str | None = None
    retry_after: float | None = None


@dataclass(frozen=True)
class TrackedStatus:
    """What the server says about a tracking code. The agency's reason may be personal: a server
    may hold it back (``reason_withheld``) until the citizen proves the request is theirs with
    ``second_factor``: ``MOBILE_LAST4`` (the last 4 digits of the request's mobile number), or
    None when a kiosk cannot be shown it at all. A server older than this kiosk sends the reason
    and neither field: nothing is withheld."""

    tracking_code: str
    service_id: str
    status: str
    status_changed_at: str
    reason: str | None
    reason_withheld: bool = False
    second_factor: str | None = None


MOBILE_LAST4 = "mobile_last4"  # the one second factor a kiosk can ask for


class WrongSecondFactor(Exception):
    """403 to the second factor: the digits do not match the request's (the citizen may try again)."""


class TooManyTries(Exception):
    """429 to the second factor: too many wrong tries for this code; ask again after ``retry_after`` s."""

    def __init__(self, retry_after: float | None) -> None:
        super().__init__("too many wrong tries for this tracking code")
        self.retry_after = retry_after


@dataclass(frozen=True)
class HeartbeatAnswer:
    """What the server answered to a heartbeat: the highest tracking-code sequence it holds for this
    kiosk number (None: none, or a server older than this kiosk, which answers 204), and its public
    key, to which answers are sealed (None: not told, or not a key)."""

    highest_sequence: int | None = None
    sealing_key: bytes | None = None


@dataclass(frozen=True)
class CatalogAnswer:
    """What ``GET /catalog`` gave: a new release (its body unread, its number, signature and ETag),
    or nothing new. The body is parsed only after its signature is checked (``verify_release``)."""

    changed: bool
    body: bytes = b""
    etag: str | None = None
    release: str | None = None
    signature: str | None = None


class CatalogRefused(Exception):
    """The server sent something that cannot be a catalog (too large): refused unread."""


class ServerUnreachable(Exception):
    """The server could not be asked (network error, timeout, 5xx): say "offline", not "not found"."""


def classify(status: int, headers: dict[str, str], text: str, now: datetime | None = None) -> Outcome:
    """Turn the server's answer to ``POST /requests`` into what the outbox does next."""
    reason = _reason(status, text)
    if status in (200, 201):
        try:
            reference = str(json.loads(text).get("reference") or "") or None
        except (ValueError, AttributeError):
            reference = None
        return Outcome(DELIVERED, reference=reference)
    if status in (401, 403):
        return Outcome(PAUSED, reason)
    retry_after = parse_retry_after(headers.get("Retry-After"), now or datetime.now(UTC))
    if status in (408, 409, 425, 429) or status >= 500:
        return Outcome(RETRY, reason, retry_after=retry_after)
    if 300 <= status < 400:
        return Outcome(RETRY, f"unexpected redirect ({status}): check the server address")
    return Outcome(REJECTED, reason)


def classify_batch_item(item: Any) -> Outcome:
    """One result of ``POST /requests/batch``: the status its own POST would have had, classified
    the same way (a 409 retries, a 422 is refused for good, 200 and 201 are delivered)."""
    if not isinstance(item, dict) or not isinstance(item.get("status"), int):
        return Outcome(RETRY, "malformed answer from the server")
    status = item["status"]
    if status in (200, 201):
        receipt = item.get("receipt")
        reference = receipt.get("reference") if isinstance(receipt, dict) else None
        return Outcome(DELIVERED, reference=str(reference) if reference else None)
    return classify(status, {}, json.dumps({"detail": item.get("detail")}, ensure_ascii=False))


def read_heartbeat_answer(status: int, text: str) -> HeartbeatAnswer | None:
    """The server's answer to a heartbeat (None: not taken). A body without a sequence a code can
    have (an older server's 204, not JSON, a bool, out of range) gives no floor."""
    if status >= 300:
        return None
    try:
        answer = json.loads(text) if text.strip() else {}
    except ValueError:
        answer = {}
    if not isinstance(answer, dict):
        answer = {}
    highest = answer.get("highest_sequence")
    valid = isinstance(highest, int) and not isinstance(highest, bool) and 0 <= highest <= MAX_SEQUENCE
    key = answer.get("sealing_key")
    try:
        sealing_key = parse_public_key(key) if isinstance(key, str) else None
    except ValueError:
        sealing_key = None
    return HeartbeatAnswer(highest if valid else None, sealing_key)


def _reason(status: int, text: str) -> str:
    """The server's own words for a refusal, shortened; never the request body."""
    detail: Any = None
    try:
        detail = json.loads(text).get("detail")
    except (ValueError, AttributeError):
        pass
    if isinstance(detail, list):
        detail = "; ".join(
            f"{'.'.join(str(p) for p in item.get('loc', []))}: {item.get('msg', '')}"
            if isinstance(item, dict)
            else str(item)
            for item in detail[:5]
        )
    words = str(detail) if detail else (text.strip()[:200] or "no explanation")
    return f"HTTP {status}: {words[:300]}"


def submit_each(
    submit: Callable[[str, dict[str, Any]], Outcome], pending: list[tuple[str, dict[str, Any]]]
) -> list[Outcome]:
    """``submit`` each (key, body) of ``pending`` in turn up to the first retry or pause: the server is unwell or
    refuses this kiosk, and the rest would only add to its trouble."""
    tried: list[Outcome] = []
    for key, body in pending:
        tried.append(submit(key, body))
        if tried[-1].kind in (RETRY, PAUSED):
            break
    return tried


def client_for(in_force: InForce) -> CentralClient | None:
    """The client for the server in force: its address (the settings', else the profile's), this
    kiosk's token, and the profile's proxy and CA file. The kiosk and ``kiosk outbox drain`` both
    make theirs here, so the technician's command reaches the server the way the kiosk does.
    None without an address or a token."""
    token = in_force.settings.server_token
    if not in_force.server_url or not token:
        return None
    profile = in_force.profile
    return CentralClient(in_force.server_url, token, proxy=profile.proxy, ca_file=profile.ca_file)


class CentralClient:
    """One kiosk's connection to its central server."""

    def __init__(
        self,
        base_url: str,
        token: str,
        timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT),
        session: requests.Session | None = None,
        proxy: str | None = None,
        ca_file: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._clock = clock
        self._no_batch_until = 0.0
        self._session = session or requests.Session()
        # Only what the profile names: a kiosk's environment (HTTPS_PROXY, REQUESTS_CA_BUNDLE...)
        # is not its technician's decision to make silently.
        self._session.trust_env = False
        if proxy:
            self._session.proxies = {"http": proxy, "https": proxy}
        self._session.verify = ca_file or True
        self._session.headers.update(
            {"Authorization": f"Bearer {token}", "Accept": "application/json", "User-Agent": "pishkhan-kiosk"}
        )

    def close(self) -> None:
        self._session.close()

    def submit(self, idempotency_key: str, body: dict[str, Any]) -> Outcome:
        """Deliver one request; never raises for network trouble (that is an Outcome too)."""
        try:
            response = self._session.post(
                f"{self.base_url}{API}/requests",
                data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                headers={"Idempotency-Key": idempotency_key, "Content-Type": "application/json"},
                timeout=self._timeout,
                allow_redirects=False,
            )
        except requests.Timeout:
            return Outcome(RETRY, "the server did not answer in time")
        except requests.RequestException as exc:
            return Outcome(RETRY, f"cannot reach the server ({type(exc).__name__})")
        return classify(response.status_code, dict(response.headers), response.text)

    def submit_many(self, pending: list[tuple[str, dict[str, Any]]]) -> list[Outcome]:
        """Deliver a backlog: as many of ``pending`` (key, body) as fit in one batch call, else one
        at a time. Returns the outcomes of the first ``len(result)`` requests, in order; the rest
        were not tried (a retry or a pause stops the one-at-a-time path, as it does the engine).
        Never raises for network trouble."""
        if not pending:
            return []
        if len(pending) > 1 and self._clock() >= self._no_batch_until:
            outcomes = self._submit_batch(pending)
            if outcomes is not None:
                return outcomes
            self._no_batch_until = self._clock() + NO_BATCH_RECHECK_SECONDS
        return submit_each(self.submit, pending)

    def _submit_batch(self, pending: list[tuple[str, dict[str, Any]]]) -> list[Outcome] | None:
        """One ``POST /requests/batch`` for a prefix of ``pending``; None when this server has no
        batch call (404, 405), so the caller goes one at a time."""
        items: list[bytes] = []
        size = 0
        for key, body in pending[:BATCH_MAX_REQUESTS]:
            item = json.dumps({"idempotency_key": key, "request": body}, ensure_ascii=False).encode("utf-8")
            if items and size + len(item) > BATCH_MAX_BYTES:
                break
            items.append(item)
            size += len(item) + 1
        try:
            response = self._session.post(
                f"{self.base_url}{API}/requests/batch",
                data=b'{"requests":[' + b",".join(items) + b"]}",
                headers={"Content-Type": "application/json"},
                timeout=self._timeout,
                allow_redirects=False,
            )
        except requests.Timeout:
            return [Outcome(RETRY, "the server did not answer in time")] * len(items)
        except requests.RequestException as exc:
            return [Outcome(RETRY, f"cannot reach the server ({type(exc).__name__})")] * len(items)
        if response.status_code in (404, 405, 413):
            return None
        if 200 < response.status_code < 400:
            return [Outcome(RETRY, f"unexpected answer from the server (HTTP {response.status_code})")] * len(items)
        if response.status_code != 200:
            # The call as a whole was refused: every request in it shares the answer. A 4xx for
            # the whole call says nothing about any one request, so none is refused for good.
            outcome = classify(response.status_code, dict(response.headers), response.text)
            if outcome.kind == REJECTED:
                return None
            return [outcome] * len(items)
        try:
            results = response.json()["results"]
        except (ValueError, KeyError, TypeError):
            results = None
        keys = [key for key, _body in pending[: len(items)]]
        if (
            not isinstance(results, list)
            or [r.get("idempotency_key") if isinstance(r, dict) else None for r in results] != keys
        ):
            return [Outcome(RETRY, "malformed answer from the server")] * len(items)
        return [classify_batch_item(item) for item in results]

    def heartbeat(self, kiosk_number: int, payload: dict[str, Any]) -> HeartbeatAnswer | None:
        """Tell the server this kiosk's health; None when it could not be told (never raises)."""
        try:
            response = self._session.post(
                f"{self.base_url}{API}/kiosks/{kiosk_number}/heartbeat", json=payload, timeout=self._timeout
            )
        except requests.RequestException:
            return None
        return read_heartbeat_answer(response.status_code, response.text)

    def fetch_catalog(self, etag: str | None, max_bytes: int) -> CatalogAnswer:
        """The server's current catalog unless it still has ``etag``; the body is read up to
        ``max_bytes`` and refused past that (CatalogRefused), so a runaway answer cannot fill memory.

        Raises ServerUnreachable for network trouble, 5xx and 404 (nothing published yet), and
        CatalogRefused for an answer too large. The body comes back as bytes: nothing of it is read
        before its signature is checked.
        """
        headers = {"If-None-Match": etag} if etag else {}
        try:
            with self._session.get(
                f"{self.base_url}{API}/catalog", headers=headers, timeout=self._timeout, stream=True
            ) as response:
                if response.status_code == 304:
                    return CatalogAnswer(False, etag=etag)
                if response.status_code != 200:
                    raise ServerUnreachable(f"HTTP {response.status_code}")
                body = bytearray()
                for chunk in response.iter_content(64 * 1024):
                    body.extend(chunk)
                    if len(body) > max_bytes:
                        raise CatalogRefused(f"the catalog is larger than {max_bytes:,} bytes")
                headers = response.headers
                return CatalogAnswer(
                    True,
                    bytes(body),
                    headers.get("ETag"),
                    release=headers.get(RELEASE_HEADER),
                    signature=headers.get(SIGNATURE_HEADER),
                )
        except requests.RequestException as exc:
            raise ServerUnreachable(type(exc).__name__) from exc

    def send_usage(self, events: list[dict[str, Any]]) -> bool:
        """Deliver a batch of anonymous usage events; True when the server has them."""
        try:
            response = self._session.post(f"{self.base_url}{API}/usage", json={"events": events}, timeout=self._timeout)
        except requests.RequestException:
            return False
        return response.status_code < 300

    def track(self, tracking_code: str, mobile_last4: str | None = None) -> TrackedStatus | None:
        """A request's status on the server; None when the server does not know the code.

        Without ``mobile_last4``: ``GET /requests/{code}``. With it (4 ASCII digits, the second
        factor the server asked for): ``POST /requests/{code}/status``, whose answer has the
        agency's reason when the digits match; WrongSecondFactor (403) when they do not,
        TooManyTries (429) after too many wrong tries. Raises ServerUnreachable for network
        trouble and any other answer. The digits go in the body, never in the address, and are
        never logged.
        """
        address = f"{self.base_url}{API}/requests/{tracking_code}"
        if mobile_last4 is not None and not (
            len(mobile_last4) == 4 and mobile_last4.isascii() and mobile_last4.isdigit()
        ):
            raise ValueError("the second factor is the last 4 digits of a mobile number, in ASCII digits")
        try:
            if mobile_last4 is None:
                response = self._session.get(address, timeout=self._timeout)
            else:
                response = self._session.post(
                    f"{address}/status", json={MOBILE_LAST4: mobile_last4}, timeout=self._timeout, allow_redirects=False
                )
        except requests.RequestException as exc:
            raise ServerUnreachable(type(exc).__name__) from exc
        if response.status_code == 404:
            return None
        if mobile_last4 is not None and response.status_code == 403:
            raise WrongSecondFactor()
        if mobile_last4 is not None and response.status_code == 429:
            raise TooManyTries(parse_retry_after(response.headers.get("Retry-After"), datetime.now(UTC)))
        if response.status_code != 200:
            raise ServerUnreachable(f"HTTP {response.status_code}")
        try:
            return read_tracked_status(response.json())
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ServerUnreachable("malformed answer") from exc


def read_tracked_status(data: Any) -> TrackedStatus:
    """The body of a status answer. ``reason_withheld`` is true only when the server says so (an
    older server sends the reason itself); a second factor this kiosk cannot ask for is none."""
    reason = data.get("reason")
    withheld = data.get("reason_withheld") is True
    factor = data.get("second_factor")
    return TrackedStatus(
        tracking_code=str(data["tracking_code"]),
        service_id=str(data["service_id"]),
        status=str(data["status"]),
        status_changed_at=str(data["status_changed_at"]),
        reason=reason if isinstance(reason, str) and reason.strip() else None,
        reason_withheld=withheld,
        second_factor=MOBILE_LAST4 if withheld and factor == MOBILE_LAST4 else None,
    )
