"""The one input the dashboard's pages refuse before any of them reads it.

``NoNul``: PostgreSQL cannot take U+0000 in a text parameter, so a page's filter, form field or
path holding one (``%00``) was a 500 on PostgreSQL whatever page it reached. The API's schemas
refuse it in bodies (422) and its paths never reach the database unless they are digits; for the
pages this one check, before them all, answers 400 with a Persian sentence.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

NUL_PAGE_TEXT = "نشانی یا فرم نویسهٔ تهی (NUL) دارد که پذیرفته نیست. آن را دوباره و بدون این نویسه بفرستید."


class NoNul:
    """For the pages (not /api/, whose schemas say what they take): a path, query or urlencoded
    form holding U+0000 is answered 400 before any page sees it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).startswith("/api/"):
            await self.app(scope, receive, send)
            return
        if "\x00" in scope.get("path", "") or _has_nul(scope.get("query_string", b"")):
            await _refuse_nul(send)
            return
        headers = dict(scope.get("headers", []))
        if not headers.get(b"content-type", b"").lower().startswith(b"application/x-www-form-urlencoded"):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if _has_nul(body):
            await _refuse_nul(send)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _has_nul(encoded: bytes) -> bool:
    return b"%00" in encoded or b"\x00" in encoded


async def _refuse_nul(send: Send) -> None:
    body = NUL_PAGE_TEXT.encode("utf-8")
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 400, "headers": headers})
    await send({"type": "http.response.body", "body": body})
