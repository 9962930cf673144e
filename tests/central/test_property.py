"""Property-based: whatever a kiosk (or anyone) sends to the API, the answer is never a 5xx, and
its status code is one /openapi.json documents for that call."""

from __future__ import annotations

import string
import uuid
from typing import Any
from urllib.parse import unquote

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.central_server import RunningCentral
from tests.support.kiosk_client import KioskClient

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=50)
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=15), children, max_size=5),
    max_leaves=20,
)  # fmt: skip
header_text = st.text(alphabet=string.ascii_letters + string.digits + "-._", max_size=60)
# A path segment, escapes included; but not one that names another path once decoded ("..", "%2F"):
# that request is for another URL, and a 404 there says nothing about this one.
path_text = st.text(alphabet=string.ascii_letters + string.digits + "-._~%", min_size=1, max_size=60).filter(
    lambda segment: unquote(segment).strip(".") != "" and not {"/", "\\", "?", "#"} & set(unquote(segment))
)

EXAMPLES = 120


def _mutated(valid: dict[str, Any], data: st.DataObject) -> Any:
    choice = data.draw(st.sampled_from(["replace", "drop", "add", "fields", "whole", "valid"]))
    body = dict(valid)
    if choice == "replace":
        body[data.draw(st.sampled_from(sorted(body)))] = data.draw(json_values)
    elif choice == "drop":
        body.pop(data.draw(st.sampled_from(sorted(body))))
    elif choice == "add":
        body[data.draw(st.text(max_size=20))] = data.draw(json_values)
    elif choice == "fields":
        body["fields"] = data.draw(
            st.dictionaries(st.text(max_size=120), st.text(max_size=2100) | st.booleans() | json_values, max_size=45)
        )
    elif choice == "whole":
        return data.draw(json_values)
    return body


@settings(
    max_examples=EXAMPLES,
    database=None,  # nothing written into the source tree
    derandomize=True,  # the same examples on every run, as the reliability suite's fast run
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_input_makes_the_api_fail(central: RunningCentral, kiosk: KioskClient, data: st.DataObject) -> None:
    spec = _spec(kiosk.http)
    path, method = data.draw(
        st.sampled_from(sorted((p, m) for p, methods in spec["paths"].items() for m in methods)), label="operation"
    )
    documented = {int(code) for code in spec["paths"][path][method]["responses"]}

    auth = data.draw(st.sampled_from(["valid", "missing", "garbage"]), label="auth")
    headers: dict[str, str] = {}
    if auth == "valid":
        headers.update(kiosk.auth)
    elif auth == "garbage":
        headers["Authorization"] = "Bearer " + data.draw(path_text)
    key = data.draw(st.sampled_from(["uuid", "missing", "garbage"]), label="key")
    if key == "uuid":
        headers["Idempotency-Key"] = str(uuid.uuid4())
    elif key == "garbage":
        headers["Idempotency-Key"] = data.draw(header_text)
    if data.draw(st.booleans(), label="if-none-match"):
        headers["If-None-Match"] = data.draw(header_text)

    url = path.replace(
        "{tracking_code}", data.draw(st.text(string.digits, min_size=1, max_size=14) | path_text, label="code")
    )
    number = data.draw(st.sampled_from([str(kiosk.number)]) | st.integers().map(str) | path_text, label="number")
    url = url.replace("{number}", number)

    if path == "/api/v1/requests":
        body = _mutated(kiosk.body(), data)
    elif path.endswith("/heartbeat"):
        valid = {
            "version": "1", "profile": "p", "mode": "live", "catalog_version": "1", "queue_depth": 0,
            "oldest_pending_seconds": None, "rejected": 0, "last_error": None,
        }  # fmt: skip
        body = _mutated(valid, data)
    elif path == "/api/v1/usage":
        event = {"kind": "search", "service_id": None, "agency_id": None, "at": "2026-11-23T10:00:00Z",
                 "profile": "p", "mode": "demo"}  # fmt: skip
        body = _mutated({"events": [event]}, data)
    else:
        body = None

    if method == "get":
        response = kiosk.http.get(url, headers=headers)
    elif data.draw(st.booleans(), label="raw bytes"):
        raw = data.draw(st.binary(max_size=300), label="raw")
        response = kiosk.http.post(url, content=raw, headers={**headers, "Content-Type": "application/json"})
    else:
        response = kiosk.http.post(url, json=body, headers=headers)

    assert response.status_code < 500, (method, url, response.status_code, response.text)
    assert response.status_code in documented, (method, path, response.status_code, response.text, documented)
    if response.status_code >= 400:
        assert "detail" in response.json()


_SPEC: dict[str, Any] = {}


def _spec(http: httpx.Client) -> dict[str, Any]:
    if not _SPEC:
        _SPEC.update(http.get("/openapi.json").json())
    return _SPEC
