"""What the server checks of a call before any route sees it, in one pass over its body.

For the kiosk API (/api/): 503 when more calls than ``max_in_flight`` are already being handled by
this process; 413 for a body over its route's limit (by Content-Length, and counted as it is read,
in full, before any route sees it); 422 for a POST body that is not UTF-8 (JSON is UTF-8, RFC
8259; left to FastAPI it would be an undocumented 400).

For the pages (not /api/, whose schemas say what they take): a path, query or urlencoded form
holding U+0000 is answered 400 with a Persian sentence. PostgreSQL cannot take NUL in a text
parameter, so such a filter, form field or path (``%00``) was a 500 on PostgreSQL whatever page
it reached; the API's schemas refuse it in bodies (422) and its paths never reach the database
unless they are digits.

A body that is read is read once, here, and handed on as one message: the route reads it from
memory. One middleware rather than one per check: each buffered the body and replayed it again.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

NUL_PAGE_TEXT = "نشانی یا فرم نویسهٔ تهی (NUL) دارد که پذیرفته نیست. آن را دوباره و بدون این نویسه بفرستید."
_FORM = b"application/x-www-form-urlencoded"


class _Disconnected(Exception):
    """The client went away while its body was being read: nothing to answer."""


class _TooLarge(Exception):
    pass


class RequestGuard:
    def __init__(self, app: ASGIApp, max_body: int, max_in_flight: int, larger_bodies: dict[str, int]) -> None:
        self.app = app
        self.max_body = max_body
        self.larger_bodies = larger_bodies
        self.max_in_flight = max_in_flight
        self._in_flight = 0
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
        elif scope["path"].startswith("/api/"):
            await self._api(scope, receive, send)
        else:
            await self._page(scope, receive, send)

    # --- the kiosk API --------------------------------------------------------------------------

    async def _api(self, scope: Scope, receive: Receive, send: Send) -> None:
        with self._lock:
            busy = self._in_flight >= self.max_in_flight
            if not busy:
                self._in_flight += 1
        if busy:
            await _json(send, 503, {"detail": "the server is busy; try again shortly"}, {"retry-after": "2"})
            return
        try:
            await self._limited(scope, receive, send)
        finally:
            with self._lock:
                self._in_flight -= 1

    async def _limited(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.larger_bodies.get(scope["path"].rstrip("/"), self.max_body)
        too_big = {"detail": f"the body is larger than {limit} bytes"}
        length = _header(scope, b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await _json(send, 400, {"detail": "bad Content-Length"})
                return
            if declared > limit:
                await _json(send, 413, too_big)
                return
        try:
            body = await _read(receive, limit)
        except _Disconnected:
            return
        except _TooLarge:
            await _json(send, 413, too_big)
            return
        if body and scope["method"] == "POST" and not body.isascii():
            try:
                body.decode("utf-8")
            except UnicodeDecodeError:
                await _json(send, 422, {"detail": [{"loc": ["body"], "msg": "not UTF-8 text", "type": "json_invalid"}]})
                return
        await self.app(scope, _replaying(body, receive), send)

    # --- the pages ------------------------------------------------------------------------------

    async def _page(self, scope: Scope, receive: Receive, send: Send) -> None:
        if "\x00" in scope.get("path", "") or _has_nul(scope.get("query_string", b"")):
            await _refuse_nul(send)
            return
        if not (_header(scope, b"content-type") or b"").lower().startswith(_FORM):
            await self.app(scope, receive, send)
            return
        try:
            body = await _read(receive, None)
        except _Disconnected:
            return
        if _has_nul(body):
            await _refuse_nul(send)
            return
        await self.app(scope, _replaying(body, receive), send)


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value)
    return None


async def _read(receive: Receive, limit: int | None) -> bytes:
    """The whole body; _TooLarge past ``limit`` bytes (None: no limit), _Disconnected if the client left."""
    message = await receive()
    if message["type"] == "http.disconnect":
        raise _Disconnected
    body = message.get("body", b"")
    if not message.get("more_body", False):  # the usual case: one message holds it all
        if limit is not None and len(body) > limit:
            raise _TooLarge
        return bytes(body)
    chunks = [body]
    size = len(body)
    while True:
        if limit is not None and size > limit:
            raise _TooLarge
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            break
    if limit is not None and size > limit:
        raise _TooLarge
    return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """``receive`` for the app: the body already read, as one message, then the client's own."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _has_nul(encoded: bytes) -> bool:
    return b"%00" in encoded or b"\x00" in encoded


async def _refuse_nul(send: Send) -> None:
    body = NUL_PAGE_TEXT.encode("utf-8")
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 400, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _json(send: Send, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
    data = json.dumps(payload).encode("utf-8")
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    raw += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": data})
