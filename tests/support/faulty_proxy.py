"""A misbehaving network between the kiosk and the real central server, for fault tests.

    with FaultyProxy(central.url, plan) as proxy:
        client = CentralClient(proxy.url, token)

Every request the kiosk sends goes through ``plan()``, which names what happens to it:

- ``pass``: forwarded, the server's answer returned as it is;
- ``500`` / ``503`` / ``429``: answered by the proxy, never reaching the server (503 and 429 with
  ``Retry-After: 0``);
- ``malformed``: forwarded (the server stores it), then a 201 with a body that is not JSON;
- ``reset``: the connection is closed before anything is forwarded;
- ``drop``: forwarded (the server stores it), then the connection is closed without an answer,
  so the kiosk cannot know it was stored;
- ``stall``: held past the kiosk's read timeout, then forwarded (the server may store it after
  the kiosk gave up).

With ``batches=False`` the proxy plays a server older than the batch call: ``POST
/api/v1/requests/batch`` is a 404 (counted as ``no-batch``, outside the plan), so the kiosk delivers one at a time.

It also serves as a profile's ``server.proxy`` (a request line with the whole address is sent on
to the server all the same), and with ``tls=(certificate, key)`` as a server reached by https
(``url`` is then ``https://localhost:…``).

Only 127.0.0.1 is involved. ``counts`` records what happened, for the test to check its plan ran.
"""

from __future__ import annotations

import http.client
import random
import socket
import ssl
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

FAULTS = ("pass", "500", "503", "429", "malformed", "reset", "drop", "stall")


def random_plan(seed: int, weights: dict[str, float]) -> Callable[[], str]:
    """Faults drawn at random with these weights (the rest of 1.0 is 'pass'), reproducibly."""
    rng = random.Random(seed)
    names = [*weights, "pass"]
    chances = [*weights.values(), max(0.0, 1.0 - sum(weights.values()))]
    lock = threading.Lock()

    def plan() -> str:
        with lock:
            return rng.choices(names, chances)[0]

    return plan


def scripted_plan(*faults: str) -> Callable[[], str]:
    """These faults in order, then 'pass' for ever."""
    queue = list(faults)
    lock = threading.Lock()

    def plan() -> str:
        with lock:
            return queue.pop(0) if queue else "pass"

    return plan


class FaultyProxy:
    def __init__(
        self,
        upstream: str,
        plan: Callable[[], str],
        stall_seconds: float = 1.0,
        batches: bool = True,
        tls: tuple[Path, Path] | None = None,
    ) -> None:
        target = urlsplit(upstream)
        self.batches = batches
        self.upstream = (target.hostname or "127.0.0.1", target.port or 80)
        self.plan = plan
        self.stall_seconds = stall_seconds
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else ~40 ms per keep-alive answer

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                proxy._handle(self, b"")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                proxy._handle(self, self.rfile.read(length))

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self.url = f"https://localhost:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="faulty-proxy", daemon=True)

    def __enter__(self) -> FaultyProxy:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    # --- one request -------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        if not self.batches and handler.path.rstrip("/").endswith("/requests/batch"):
            with self._lock:
                self.counts["no-batch"] += 1
            self._answer(handler, 404, b'{"detail": "Not Found"}')
            return
        fault = self.plan()
        with self._lock:
            self.counts[fault] += 1
        if fault in ("500", "503", "429"):
            self._answer(handler, int(fault), b'{"detail": "injected fault"}', retry_after=fault != "500")
            return
        if fault == "reset":
            self._cut(handler)
            return
        if fault == "stall":
            time.sleep(self.stall_seconds)
        status, headers, answer = self._forward(handler, body)
        if fault == "drop":
            self._cut(handler)
        elif fault == "malformed":
            self._answer(handler, 201 if status in (200, 201) else status, b"{not json")
        else:
            self._answer(handler, status, answer, extra=headers)

    def _forward(self, handler: BaseHTTPRequestHandler, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(*self.upstream, timeout=30)
        try:
            headers = {k: v for k, v in handler.headers.items() if k.lower() not in ("host", "connection")}
            target = urlsplit(handler.path)  # as a proxy, the request line holds the whole address
            path = f"{target.path}?{target.query}" if target.query else target.path
            connection.request(handler.command, path, body=body or None, headers=headers)
            response = connection.getresponse()
            data = response.read()
            kept = [(k, v) for k, v in response.getheaders() if k.lower() in ("content-type", "retry-after", "etag")]
            return response.status, kept, data
        finally:
            connection.close()

    @staticmethod
    def _answer(
        handler: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        retry_after: bool = False,
        extra: list[tuple[str, str]] | None = None,
    ) -> None:
        handler.send_response(status)
        for key, value in extra or [("Content-Type", "application/json")]:
            handler.send_header(key, value)
        if retry_after:
            handler.send_header("Retry-After", "0")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    @staticmethod
    def _cut(handler: BaseHTTPRequestHandler) -> None:
        """Close the connection at once, with a reset rather than a polite close."""
        handler.close_connection = True
        try:
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            handler.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
