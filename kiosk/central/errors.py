"""What the server says, and logs, when a call fails in a way nothing foresaw (a bug, a database
fault). What it refuses before any route reads a call (NUL in a page's input, bodies too large or
not UTF-8) is ``guard.py``'s.

Every refusal the server means is a 4xx with its reason (``schemas``, ``api``); ``SafeErrors`` is
for the rest. Left to Starlette and uvicorn, such an exception is logged with its text, and a database
error's text holds the statement's parameters: a request's profile, its hashes and the start of its
sealed answers (``sqlalchemy.exc.StatementError``); a driver's message may quote a value too
(PostgreSQL's "Failing row contains (...)"). ``SafeErrors`` catches it first: it answers 500 (the
kiosk keeps the request and tries again later, as for any 5xx) and logs the call, the exception's
class, the driver's error class and SQLSTATE, and where it was raised, never its message. The
engine is made with ``hide_parameters=True`` as well (``db.connect``), for errors met elsewhere
(the command line, start-up).
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

API_DETAIL = "the server failed to handle this call (its log says why); try again later"
PAGE_TEXT = "خطایی در سرور رخ داد و کار انجام نشد. کمی بعد دوباره امتحان کنید."


def describe(exc: BaseException) -> str:
    """The exception's class (and, for a database error, its driver's class and SQLSTATE), and
    where it was raised: the innermost frame of this project's code and the innermost of all.
    Never the exception's message, which may quote what a citizen sent."""
    parts = [f"{type(exc).__module__}.{type(exc).__qualname__}"]
    original = getattr(exc, "orig", None)  # sqlalchemy.exc.DBAPIError: the driver's own exception
    if isinstance(original, BaseException):
        parts.append(f"from {type(original).__module__}.{type(original).__qualname__}")
        state = getattr(original, "sqlstate", None) or getattr(original, "sqlite_errorname", None)
        if isinstance(state, str):
            parts.append(f"({state})")
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/kiosk/" in Path(f.filename).as_posix()]
    places = [f"at {Path(f.filename).name}:{f.lineno} in {f.name}" for f in (ours[-1:] + frames[-1:])]
    return " ".join(parts + list(dict.fromkeys(places)))


class SafeErrors:
    """Outermost middleware: an exception from anything inside becomes a 500 and one log line that
    holds nothing of the request but its method and path."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            try:
                what = describe(exc)
            except Exception:  # describing it must not fail the answer
                what = type(exc).__qualname__
            log.error("%s %s failed: %s", scope.get("method", "?"), scope.get("path", "?"), what)
            if not started:  # else the answer is under way: the server closes the connection
                await _answer(send, str(scope.get("path", "")).startswith("/api/"))


async def _answer(send: Send, api: bool) -> None:
    if api:
        body, kind = json.dumps({"detail": API_DETAIL}).encode("utf-8"), b"application/json"
    else:
        body, kind = PAGE_TEXT.encode("utf-8"), b"text/plain; charset=utf-8"
    headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 500, "headers": headers})
    await send({"type": "http.response.body", "body": body})
