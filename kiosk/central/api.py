"""The kiosk API (v1): the contract's routes (docs/architecture.md), with bearer-token kiosk identity."""

from __future__ import annotations

import hmac
import re
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError

from kiosk.central import security
from kiosk.central.clock import iso
from kiosk.central.models import CitizenRequest
from kiosk.central.ratelimit import RateLimiter
from kiosk.central.schemas import (
    BatchItemOut,
    HeartbeatIn,
    HeartbeatOut,
    Problem,
    RequestBatchIn,
    RequestBatchOut,
    RequestIn,
    RequestReceipt,
    RequestStatusOut,
    StatusProofIn,
    UsageIn,
    public_errors,
)
from kiosk.central.store import Store
from kiosk.central.store.intake import InvalidSealedFields, Refused
from kiosk.central.store.kiosks import KioskIdentity
from kiosk.central.store.requests import Proof
from kiosk.core.release_signing import RELEASE_HEADER, SIGNATURE_HEADER, SIGNING_KEY_HEADER

_bearer = HTTPBearer(auto_error=False, description="The kiosk's token, as `kiosk-central kiosk add` printed it")


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "model": Problem}


AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _problem("Missing, unknown or revoked token"),
    413: _problem("Body larger than 64 KB"),
    422: {"description": "Invalid input"},
    429: _problem("This kiosk exceeded its rate; see Retry-After"),
    503: _problem("Server overloaded; see Retry-After"),
}
# What FastAPI answers, before any of the kiosk's code, for a JSON body that is not UTF-8.
UNREADABLE_BODY = "a body that is not UTF-8 JSON"
BODY_RESPONSES: dict[int | str, dict[str, Any]] = {**AUTH_RESPONSES, 400: _problem(f"Unreadable: {UNREADABLE_BODY}")}


class TokenCache:
    """Tokens already checked against a stored hash, so scrypt runs once per token and process.

    Keyed by the token's SHA-256 and holding the stored hash it matched: a token re-issued or a
    kiosk revoked in the database is noticed at once, because every call still reads the kiosk row.
    """

    def __init__(self, size: int = 4096) -> None:
        self._verified: OrderedDict[str, str] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def matches(self, token: str, stored_hash: str) -> bool:
        digest = security.session_digest(token)
        with self._lock:
            known = self._verified.get(digest)
        if known is not None and hmac.compare_digest(known, stored_hash):
            return True
        if not security.verify_secret(token, stored_hash):
            return False
        with self._lock:
            self._verified[digest] = stored_hash
            while len(self._verified) > self._size:
                self._verified.popitem(last=False)
        return True


@dataclass
class ApiContext:
    store: Store
    limiter: RateLimiter
    tokens: TokenCache

    def reset(self) -> None:
        """Forget verified tokens (tests reuse one server for many cases; the rates are rows, emptied with the rest)."""
        self.tokens = TokenCache()


def _context(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.api
    return context


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def authenticated_kiosk(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> KioskIdentity:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthorized("missing bearer token")
    context = _context(request)
    token = credentials.credentials
    parts = security.split_kiosk_token(token)
    kiosk = context.store.kiosks.credentials(parts[0]) if parts else None
    if kiosk is None or not context.tokens.matches(token, kiosk.token_hash):
        raise _unauthorized("unknown token")
    if kiosk.revoked:
        raise _unauthorized("this kiosk's token has been revoked")
    wait = context.limiter.acquire(kiosk.id)
    if wait:
        raise HTTPException(
            status_code=429, detail="too many requests from this kiosk", headers={"Retry-After": str(wait)}
        )
    return KioskIdentity(id=kiosk.id, number=kiosk.number)


Kiosk = Annotated[KioskIdentity, Depends(authenticated_kiosk)]


# A UUID as RFC 9562 writes it (JSON Schema's "uuid" format), in either case: what a kiosk sends.
# uuid.UUID alone would also take braces, "urn:uuid:" and no hyphens, which the schema does not.
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
IDEMPOTENCY_KEY = "Idempotency-Key"
# Declared here rather than as a FastAPI header parameter, which would answer a missing one with
# 422: the contract says 400, and now also says that the header is required.
IDEMPOTENCY_KEY_PARAMETER = {
    "name": IDEMPOTENCY_KEY,
    "in": "header",
    "required": True,
    "description": "A UUID the kiosk made for this request, the same on every retry (400 without it)",
    "schema": {"type": "string", "format": "uuid"},
}


def _parsed_key(key: str) -> str:
    """A UUID in one spelling (lower case); ValueError for anything else."""
    if not _UUID.fullmatch(key):
        raise ValueError(key)
    return str(uuid.UUID(key))


def idempotency_key(request: Request) -> str:
    key = request.headers.get(IDEMPOTENCY_KEY)
    if key is None:
        raise HTTPException(status_code=400, detail="the Idempotency-Key header is required")
    try:
        return _parsed_key(key)
    except ValueError:
        raise HTTPException(status_code=400, detail="the Idempotency-Key header must be a UUID") from None


router = APIRouter(prefix="/api/v1", tags=["kiosk API"])


@router.post(
    "/requests",
    status_code=201,
    response_model=RequestReceipt,
    openapi_extra={"parameters": [IDEMPOTENCY_KEY_PARAMETER]},
    responses={
        **AUTH_RESPONSES,
        200: {"description": "A replay: the same key and body as a request already stored", "model": RequestReceipt},
        400: _problem(f"No Idempotency-Key, or not a UUID; or {UNREADABLE_BODY}"),
        409: _problem(
            "The first request with this key is still being processed; or its sealed answers cannot be opened"
            " with this server's key (the detail names its fingerprint): keep the request and try again later"
        ),
    },
)
def submit_request(
    kiosk: Kiosk,
    key: Annotated[str, Depends(idempotency_key)],
    body: Annotated[RequestIn, Body()],
    request: Request,
) -> JSONResponse:
    """Store a citizen's request once per Idempotency-Key: 201 the first time, 200 for a replay.
    Its answers come in clear (`fields`) or sealed to the server's key (`sealed_fields`): the same
    request either way, with the same hash."""
    try:
        receipt = _context(request).store.requests.submit(kiosk, key, body)
    except InvalidSealedFields as invalid:
        return JSONResponse({"detail": public_errors(invalid.errors, prefix=("body",))}, status_code=422)
    except Refused as refused:
        return JSONResponse({"detail": refused.detail}, status_code=refused.status)
    return JSONResponse(receipt.as_json(), status_code=201 if receipt.created else 200)


@router.post(
    "/requests/batch",
    response_model=RequestBatchOut,
    responses={**BODY_RESPONSES, 413: _problem("Body larger than 1 MB")},
)
def submit_requests(batch: RequestBatchIn, kiosk: Kiosk, request: Request) -> RequestBatchOut:
    """Store up to 50 requests in one call and one commit, as if each had been POSTed to /requests
    with its own Idempotency-Key: each result carries the status that call would have had (201,
    200 for a replay, 400, 409, 422) and its receipt or its reason. A kiosk with a backlog (after a
    day offline) delivers it this way; the call counts once against the kiosk's rate."""
    requests = _context(request).store.requests
    results: list[BatchItemOut | None] = [None] * len(batch.requests)
    to_store: list[tuple[int, str, RequestIn]] = []
    for index, item in enumerate(batch.requests):
        try:
            key = _parsed_key(item.idempotency_key)
        except ValueError:
            results[index] = BatchItemOut(
                idempotency_key=item.idempotency_key, status=400, detail="idempotency_key must be a UUID"
            )
            continue
        try:
            to_store.append((index, key, requests.opened(RequestIn.model_validate(item.request))))
        except ValidationError as exc:
            errors = public_errors(exc.errors(include_input=False, include_url=False), prefix=("request",))
            results[index] = BatchItemOut(idempotency_key=key, status=422, detail=errors)
        except InvalidSealedFields as invalid:
            errors = public_errors(invalid.errors, prefix=("request",))
            results[index] = BatchItemOut(idempotency_key=key, status=422, detail=errors)
        except Refused as refused:
            results[index] = BatchItemOut(idempotency_key=key, status=refused.status, detail=refused.detail)
    stored = requests.submit_many(kiosk, [(key, body) for _index, key, body in to_store])
    for (index, key, _body), outcome in zip(to_store, stored, strict=True):
        if isinstance(outcome, Refused):
            results[index] = BatchItemOut(idempotency_key=key, status=outcome.status, detail=outcome.detail)
        else:
            receipt = RequestReceipt(**outcome.as_json())
            results[index] = BatchItemOut(idempotency_key=key, status=201 if outcome.created else 200, receipt=receipt)
    return RequestBatchOut(results=[r for r in results if r is not None])


def _status_out(row: CitizenRequest, reason_shown: bool) -> RequestStatusOut:
    return RequestStatusOut(
        tracking_code=row.tracking_code,
        service_id=row.service_id,
        agency_id=row.agency_id,
        status=row.status,  # type: ignore[arg-type]
        status_changed_at=iso(row.status_changed_at),
        reason=row.reason if reason_shown else None,
        reason_withheld=row.reason is not None and not reason_shown,
        second_factor="mobile_last4" if row.mobile_check is not None else None,
    )


NOT_FOUND = "not found"


def _may_be_code(text: str) -> bool:
    """Whether ``text`` can be a tracking code (12 ASCII digits): only then is the database asked.
    Anything else is no request's (404), and some of it the database cannot even be asked about
    (PostgreSQL refuses a NUL in a parameter)."""
    return len(text) == 12 and text.isascii() and text.isdigit()


@router.get(
    "/requests/{tracking_code}",
    response_model=RequestStatusOut,
    responses={**AUTH_RESPONSES, 404: _problem("No request has this tracking code")},
)
def request_status(tracking_code: str, kiosk: Kiosk, request: Request) -> RequestStatusOut:
    """A request's status for "track my request": no personal data, and never the staff's reason
    (`reason` is null; `reason_withheld` says whether there is one): whoever guesses a code next
    to theirs learns no one's reason. POST .../status with the second factor shows it."""
    row = _context(request).store.requests.by_tracking_code(tracking_code) if _may_be_code(tracking_code) else None
    if row is None:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    return _status_out(row, reason_shown=False)


@router.post(
    "/requests/{tracking_code}/status",
    response_model=RequestStatusOut,
    responses={
        **AUTH_RESPONSES,
        403: _problem("Not the last four digits of the request's mobile number, or the request has none"),
        404: _problem("No request has this tracking code"),
        429: _problem(
            "Five wrong tries for this tracking code within an hour (or this kiosk exceeded its rate); see Retry-After"
        ),
    },
)
def request_status_with_reason(
    tracking_code: str, proof: StatusProofIn, kiosk: Kiosk, request: Request
) -> Response | RequestStatusOut:
    """The request's status with the staff's reason, for whoever gives the last four digits of the
    mobile number the citizen gave (`mobile_last4`, ASCII or Persian digits). Wrong tries are
    counted per tracking code in the database: the sixth within an hour of the first is 429."""
    outcome = None
    if _may_be_code(tracking_code):
        try:
            outcome = _context(request).store.requests.check_mobile(tracking_code, proof.mobile_last4)
        except LookupError:
            outcome = None
    if outcome is None:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    if outcome.proof is Proof.LOCKED:
        return JSONResponse(
            {"detail": "too many wrong tries for this tracking code; try again later"},
            status_code=429,
            headers={"Retry-After": str(outcome.retry_after)},
        )
    if outcome.proof is Proof.NONE:
        detail = "this request has no mobile number to check: its reason is not shown at a kiosk"
        return JSONResponse({"detail": detail}, status_code=403)
    if outcome.proof is Proof.WRONG:
        return JSONResponse({"detail": "those are not the last four digits of the request's mobile"}, status_code=403)
    return _status_out(outcome.row, reason_shown=True)


@router.get(
    "/catalog",
    responses={
        **AUTH_RESPONSES,
        200: {
            "description": "The current catalog document, signed: `X-Pishkhan-Signature` is the base64 Ed25519"
            " signature of `pishkhan catalog release v1\\n<X-Pishkhan-Release>\\n<body>` by the server's"
            " signing key (`kiosk-central signing-key`)",
            "content": {"application/json": {}},
        },
        304: {"description": "The catalog has not changed since the ETag given in If-None-Match"},
        404: _problem("No catalog has been published yet"),
    },
)
def catalog(
    kiosk: Kiosk,
    request: Request,
    if_none_match: Annotated[str | None, Header(alias="If-None-Match")] = None,
) -> Response:
    """The latest published catalog, with an ETag."""
    release = _context(request).store.catalogs.latest()
    if release is None:
        raise HTTPException(status_code=404, detail="no catalog has been published yet")
    headers = {"ETag": release.etag, "Cache-Control": "no-cache"}
    if if_none_match is not None and _etag_matches(if_none_match, release.etag):
        return Response(status_code=304, headers=headers)  # the kiosk keeps the release it verified
    headers[RELEASE_HEADER] = str(release.id)
    if release.signature:  # made when it was published: over the number and these very bytes
        headers[SIGNATURE_HEADER] = release.signature
        headers[SIGNING_KEY_HEADER] = release.signed_by or ""
    return Response(release.document.encode("utf-8"), media_type="application/json", headers=headers)


def _etag_matches(header: str, etag: str) -> bool:
    candidates = [part.strip() for part in header.split(",")]
    return any(c == "*" or c.removeprefix("W/") == etag for c in candidates)


@router.post(
    "/kiosks/{number}/heartbeat",
    response_model=HeartbeatOut,
    responses={**BODY_RESPONSES, 403: _problem("The token belongs to another kiosk")},
)
def heartbeat(number: int, beat: HeartbeatIn, kiosk: Kiosk, request: Request) -> HeartbeatOut:
    """Fleet health: queue depth, oldest pending age, version, profile. The answer gives the highest
    tracking-code sequence stored for this kiosk number, so a kiosk with a lost or replaced outbox
    never issues a code again that is already taken, and the public key to seal answers to."""
    if number != kiosk.number:
        raise HTTPException(status_code=403, detail="this token belongs to another kiosk")
    store = _context(request).store
    store.kiosks.record_heartbeat(kiosk.id, beat)
    return HeartbeatOut(highest_sequence=store.kiosks.highest_sequence(kiosk.number), sealing_key=store.sealing_key)


@router.post("/usage", status_code=204, responses=BODY_RESPONSES)
def usage(batch: UsageIn, kiosk: Kiosk, request: Request) -> Response:
    """Anonymous usage events, batched (at most 500)."""
    _context(request).store.usage.record(kiosk.id, batch.events)
    return Response(status_code=204)
