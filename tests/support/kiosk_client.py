"""A kiosk as the central server's tests play it: registered, with its bearer token, an HTTP client
on the server, and request bodies with tracking codes of its own number."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from harness.central_server import RunningCentral
from kiosk.core.tracking import make_tracking_code


@dataclass
class KioskClient:
    """A registered kiosk talking to the server: its number, token and an HTTP client."""

    number: int
    token: str
    http: httpx.Client
    _sequence: int = field(default=1000)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def next_code(self) -> str:
        self._sequence += 1
        return make_tracking_code(self.number, self._sequence)

    def body(self, **overrides: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "tracking_code": self.next_code(),
            "service_id": "water.connection",
            "agency_id": "water",
            "mode": "live",
            "profile": "festival",
            "catalog_version": "test-1",
            "created_at": "2026-11-23T14:00:00Z",
            "fields": {"full_name": "علی رضایی", "national_id": "0012345679", "mobile": "09121234567", "consent": True},
        }
        data.update(overrides)
        return data

    def submit(self, body: dict[str, Any], key: str | None = None, **headers: str) -> httpx.Response:
        sent = {**self.auth, "Idempotency-Key": key or str(uuid.uuid4()), **headers}
        return self.http.post("/api/v1/requests", json=body, headers=sent)


@contextmanager
def kiosk_client(server: RunningCentral, name: str = "Test booth", number: int | None = None) -> Iterator[KioskClient]:
    kiosk_number, token = server.add_kiosk(name, number)
    with httpx.Client(base_url=server.url, timeout=30) as http:
        yield KioskClient(kiosk_number, token, http)
