"""The staff dashboard as the central server's tests use it: a logged-in browser session over
HTTP, staff members of some agencies, and requests stored as the API stores them."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from harness.central_server import RunningCentral
from kiosk.central.models import User
from kiosk.central.store.kiosks import KioskIdentity
from tests.support.kiosk_client import KioskClient

PASSWORD = "correct horse battery"


def csrf_of(html: str) -> str:
    """The CSRF token a page's form carries."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


@contextmanager
def login(central: RunningCentral, name: str = "sara") -> Iterator[httpx.Client]:
    """A browser session of the staff member ``name`` (whose password is ``PASSWORD``)."""
    with httpx.Client(base_url=central.url, timeout=30) as client:
        page = client.get("/login")
        form = {"username": name, "password": PASSWORD, "csrf_token": csrf_of(page.text)}
        response = client.post("/login", data=form)
        assert response.status_code == 303, response.text
        yield client


def staff_member(central: RunningCentral, name: str, agencies: list[str]) -> User:
    """A staff member of these agencies (all of them when the list is empty), as a login returns them."""
    central.store.people.add(name, PASSWORD, agencies, all_agencies=not agencies)
    user = central.store.people.authenticate(name, PASSWORD)
    assert user is not None
    return user


def store_request(central: RunningCentral, kiosk: KioskClient, **overrides: Any) -> int:
    """Store a request as the API would; returns its reference."""
    row = central.store.kiosks.by_number(kiosk.number)
    assert row is not None
    identity = KioskIdentity(id=row.id, number=row.number)
    receipt = central.store.requests.submit(identity, str(uuid.uuid4()), kiosk.body(**overrides))
    return int(receipt.reference)


def civil_request(hour: int) -> dict[str, Any]:
    """A civil-registry request by another citizen (no possible duplicate of the water ones)."""
    return {"service_id": "civil.birth", "agency_id": "civil", "created_at": f"2026-11-23T{hour:02d}:00:00Z",
            "fields": {"full_name": "مریم", "national_id": "0013542419"}}  # fmt: skip
