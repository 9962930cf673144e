"""The contract tells the truth, over SQLite and PostgreSQL: whatever the API refuses is a 4xx with
its reason, never a 500 (instants in years 1 and 9999, NUL characters, path ids past BIGINT); the
published /openapi.json says what the server does (a required Idempotency-Key, JSON Schema's own
keywords, integers as JSON Schema counts them, date-times that are strings); schemathesis with all
its checks finds nothing; and a database error logs nothing of the request."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from harness.central_server import RunningCentral
from kiosk.central.models import MAX_ROW_ID
from tests.support.factories import write_catalog
from tests.support.kiosk_client import KioskClient

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"


def heartbeat(**overrides: Any) -> dict[str, Any]:
    return {
        "version": "0.1.0", "profile": "festival", "mode": "demo", "catalog_version": "test-1",
        "queue_depth": 3, "oldest_pending_seconds": 12.5, "rejected": 0, "last_error": None, **overrides,
    }  # fmt: skip


def usage_event(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "service_viewed", "service_id": "water.connection", "agency_id": "water",
        "at": "2026-11-23T10:00:00Z", "profile": "festival", "mode": "live", **overrides,
    }  # fmt: skip


def refused_at(response: httpx.Response, *where: str | int) -> str:
    """The reason of a 422 located at ``where`` (under ``body``)."""
    assert response.status_code == 422, (response.status_code, response.text)
    reasons = [e["msg"] for e in response.json()["detail"] if e["loc"][: len(where) + 1] == ["body", *where]]
    assert reasons, response.text
    return reasons[0]


@contextmanager
def staff_session(central: RunningCentral) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=central.url, timeout=30) as client:
        page = client.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf, page.text
        form = {"username": "sara", "password": PASSWORD, "csrf_token": csrf.group(1)}
        assert client.post("/login", data=form).status_code == 303
        yield client


# --- 4xx with a reason, never 500 ----------------------------------------------------------------

# Each was a 500 on SQLite and PostgreSQL: moved to UTC (created_at) or to Iran time (a usage
# event's day) it leaves the years Python can hold, and 24 hours after 9999-12-31T23:00Z (the
# duplicate window) does too.
OUT_OF_YEARS = [
    "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "9999-12-31T23:00:00Z", "0001-01-01T00:30:00Z",
]  # fmt: skip


@pytest.mark.parametrize("moment", OUT_OF_YEARS)
def test_a_request_from_year_1_or_9999_is_refused_with_its_reason(
    central: RunningCentral, kiosk: KioskClient, moment: str
) -> None:
    reason = refused_at(kiosk.submit(kiosk.body(created_at=moment)), "created_at")
    assert "1900-2999" in reason
    assert central.requests() == []


@pytest.mark.parametrize("moment", [*OUT_OF_YEARS, 0, 1764000000, "2026-02-30T10:00:00Z", "2026-11-23 10:00:00Z"])
def test_a_usage_event_s_time_is_a_date_time_string_in_the_years(kiosk: KioskClient, moment: Any) -> None:
    response = kiosk.http.post("/api/v1/usage", json={"events": [usage_event(at=moment)]}, headers=kiosk.auth)
    refused_at(response, "events", 0, "at")


def test_the_first_and_last_instants_of_the_years_are_stored_and_shown(
    central: RunningCentral, kiosk: KioskClient
) -> None:
    central.store.people.add("sara", PASSWORD, [], all_agencies=True)
    # A national ID, so the duplicate window is searched around each.
    for moment in ("1900-01-01T00:00:00+23:59", "2999-12-31T23:59:59-23:59", "2026-11-23t10:00:00.1234567z"):
        assert kiosk.submit(kiosk.body(created_at=moment)).status_code == 201, moment
        event = usage_event(at=moment)
        assert kiosk.http.post("/api/v1/usage", json={"events": [event]}, headers=kiosk.auth).status_code == 204
    with staff_session(central) as staff:
        for row in central.requests():
            assert staff.get(f"/requests/{row['reference']}").status_code == 200
        assert staff.get("/requests?mode=all").status_code == 200
        assert staff.get("/usage?days=90").status_code == 200


NUL = "a\x00b"


@pytest.mark.parametrize(
    "change",
    [{"profile": NUL}, {"catalog_version": NUL}, {"fields": {"full_name": NUL, "consent": True}},
     {"fields": {NUL: "x", "consent": True}}],
    ids=["profile", "catalog_version", "an answer", "a field's name"],
)  # fmt: skip
def test_a_nul_character_in_a_request_is_refused_with_its_reason(
    central: RunningCentral, kiosk: KioskClient, change: dict[str, Any]
) -> None:
    # PostgreSQL cannot store U+0000 in text: it was a 500 there (and stored on SQLite).
    response = kiosk.submit(kiosk.body(**change))
    assert response.status_code == 422, response.text
    assert "U+0000 (NUL)" in response.text
    assert central.requests() == []
    # In a batch, the same reason for that request alone.
    item = {"idempotency_key": str(uuid.uuid4()), "request": kiosk.body(**change)}
    batch = kiosk.http.post("/api/v1/requests/batch", json={"requests": [item]}, headers=kiosk.auth)
    assert batch.status_code == 200 and batch.json()["results"][0]["status"] == 422
    assert "U+0000 (NUL)" in str(batch.json()["results"][0]["detail"])


@pytest.mark.parametrize("field", ["version", "profile", "catalog_version", "last_error"])
def test_a_nul_character_in_a_heartbeat_is_refused_with_its_reason(
    central: RunningCentral, kiosk: KioskClient, field: str
) -> None:
    url = f"/api/v1/kiosks/{kiosk.number}/heartbeat"
    response = kiosk.http.post(url, json=heartbeat(**{field: NUL}), headers=kiosk.auth)
    assert "U+0000 (NUL)" in refused_at(response, field)
    assert central.heartbeats() == []


def test_a_nul_character_in_a_usage_event_is_refused_with_its_reason(kiosk: KioskClient) -> None:
    response = kiosk.http.post("/api/v1/usage", json={"events": [usage_event(profile=NUL)]}, headers=kiosk.auth)
    assert "U+0000 (NUL)" in refused_at(response, "events", 0, "profile")


@pytest.mark.parametrize("code", ["00100000002%00", "0010000000%002", "%00", "١٢٣٤٥٦٧٨٩٠١٢", "+00100000002"])
def test_a_tracking_code_that_is_not_12_digits_is_not_found(kiosk: KioskClient, code: str) -> None:
    # The database is not asked: PostgreSQL refused the NUL with a 500.
    assert kiosk.http.get(f"/api/v1/requests/{code}", headers=kiosk.auth).status_code == 404
    proof = kiosk.http.post(f"/api/v1/requests/{code}/status", json={"mobile_last4": "1234"}, headers=kiosk.auth)
    assert proof.status_code == 404


@pytest.mark.parametrize("digits", [" 1234", "1234\n", "１２٣٤", "12345"])
def test_the_second_factor_is_four_digits_as_the_schema_says(kiosk: KioskClient, digits: str) -> None:
    code = kiosk.body()["tracking_code"]
    response = kiosk.http.post(f"/api/v1/requests/{code}/status", json={"mobile_last4": digits}, headers=kiosk.auth)
    assert refused_at(response, "mobile_last4") == "Value error, four digits"


# --- the dashboard's ids and inputs ---------------------------------------------------------------


@pytest.mark.parametrize("request_id", [MAX_ROW_ID + 1, 2**64, 10**30, -(2**63) - 1])
def test_a_request_id_past_bigint_is_a_not_found_page(
    central: RunningCentral, kiosk: KioskClient, request_id: int
) -> None:
    central.store.people.add("sara", PASSWORD, [], all_agencies=True)
    with staff_session(central) as staff:
        page = staff.get(f"/requests/{request_id}")
        assert page.status_code == 404 and 'lang="fa"' in page.text, page.text[:300]
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', staff.get("/requests").text)
        assert csrf
        form = {"csrf_token": csrf.group(1), "status": "done"}
        changed = staff.post(f"/requests/{request_id}/status", data=form, headers={"Origin": central.url})
        assert changed.status_code == 404 and 'lang="fa"' in changed.text


@pytest.mark.parametrize("path", ["/requests?agency=%00", "/requests?code=12%0034", "/requests.csv?service=%00"])
def test_a_nul_in_a_page_s_address_is_a_400_in_persian(central: RunningCentral, path: str) -> None:
    central.store.people.add("sara", PASSWORD, [], all_agencies=True)
    with staff_session(central) as staff:
        page = staff.get(path)
        assert page.status_code == 400, (page.status_code, page.text[:300])
        assert "NUL" in page.text and "دوباره" in page.text


def test_a_nul_in_a_form_is_a_400_in_persian(central: RunningCentral) -> None:
    with httpx.Client(base_url=central.url, timeout=30) as client:
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
        assert csrf
        page = client.post("/login", data={"username": "sa\x00ra", "password": PASSWORD, "csrf_token": csrf.group(1)})
        assert page.status_code == 400 and "NUL" in page.text


# --- the published document says what the server does --------------------------------------------

# JSON Schema 2020-12's keywords, and what OpenAPI 3.1 adds to them: anything else in a schema
# (pydantic's "ge" and "le" were) means nothing to a client or a validator.
JSON_SCHEMA_KEYWORDS = {
    "$ref", "$defs", "$schema", "$id", "$anchor", "$comment", "type", "enum", "const", "title", "description",
    "default", "examples", "deprecated", "readOnly", "writeOnly", "format", "pattern", "minLength", "maxLength",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "items", "prefixItems", "minItems",
    "maxItems", "uniqueItems", "contains", "properties", "patternProperties", "additionalProperties",
    "propertyNames", "required", "minProperties", "maxProperties", "allOf", "anyOf", "oneOf", "not", "if", "then",
    "else", "dependentRequired", "dependentSchemas", "unevaluatedProperties", "unevaluatedItems",
    "contentMediaType", "contentEncoding", "discriminator", "xml", "externalDocs", "example",
}  # fmt: skip
SUBSCHEMA_MAPS = {"properties", "patternProperties", "$defs", "dependentSchemas"}


def schemas_in(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object of an OpenAPI document, with where it is."""

    def walk(schema: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
        if not isinstance(schema, dict):
            return
        yield where, schema
        for key, value in schema.items():
            if key in SUBSCHEMA_MAPS and isinstance(value, dict):
                for name, sub in value.items():
                    yield from walk(sub, f"{where}.{key}.{name}")
            elif isinstance(value, list) and key in {"allOf", "anyOf", "oneOf", "prefixItems"}:
                for index, sub in enumerate(value):
                    yield from walk(sub, f"{where}.{key}[{index}]")
            elif isinstance(value, dict) and key not in {"discriminator", "xml", "externalDocs", "default", "const"}:
                yield from walk(value, f"{where}.{key}")

    for name, schema in document["components"]["schemas"].items():
        yield from walk(schema, name)
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            for parameter in operation.get("parameters", []):
                yield from walk(parameter["schema"], f"{method} {path} {parameter['name']}")
            for media in operation.get("requestBody", {}).get("content", {}).values():
                yield from walk(media.get("schema"), f"{method} {path} body")
            for code, answer in operation["responses"].items():
                for media in answer.get("content", {}).values():
                    yield from walk(media.get("schema"), f"{method} {path} {code}")


def test_the_published_schemas_use_only_json_schema_s_keywords(kiosk: KioskClient) -> None:
    document = kiosk.http.get("/openapi.json").json()
    found = list(schemas_in(document))
    assert len(found) > 50
    strange = [f"{where}: {key}" for where, schema in found for key in schema if key not in JSON_SCHEMA_KEYWORDS]
    assert strange == []
    heartbeat_in = document["components"]["schemas"]["HeartbeatIn"]["properties"]
    assert heartbeat_in["queue_depth"] == {"type": "integer", "minimum": 0, "maximum": 10**9, "title": "Queue Depth"}


def test_the_idempotency_key_is_documented_as_the_server_requires_it(kiosk: KioskClient) -> None:
    operation = kiosk.http.get("/openapi.json").json()["paths"]["/api/v1/requests"]["post"]
    [key] = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
    assert key["in"] == "header" and key["required"] is True and key["schema"] == {"type": "string", "format": "uuid"}
    body = kiosk.body()
    without = kiosk.http.post("/api/v1/requests", json=body, headers=kiosk.auth)
    assert (without.status_code, without.json()) == (400, {"detail": "the Idempotency-Key header is required"})
    spelled = "5A0F7D1C-9A2B-4C3D-8E4F-0123456789AB"
    for other in ("{" + spelled + "}", "urn:uuid:" + spelled, spelled.replace("-", ""), spelled + "0"):
        assert kiosk.submit(body, key=other).status_code == 400, other
    assert kiosk.submit(body, key=spelled).status_code == 201  # either case: the format says hex digits


def test_a_whole_number_with_a_fraction_is_that_number(central: RunningCentral, kiosk: KioskClient) -> None:
    # JSON Schema's "integer" takes 285.0 (a number without a fraction): so does the server now.
    url = f"/api/v1/kiosks/{kiosk.number}/heartbeat"
    beat = heartbeat(queue_depth=285.0, rejected=2.0, oldest_pending_seconds=7)
    answer = kiosk.http.post(url, json=beat, headers=kiosk.auth)
    assert answer.status_code == 200, answer.text
    kept = central.heartbeats()[-1]
    assert (kept["queue_depth"], kept["rejected"], kept["oldest_pending_seconds"]) == (285, 2, 7.0)
    for bad in (285.5, True, "285", 1e300, -1):
        assert kiosk.http.post(url, json=heartbeat(queue_depth=bad), headers=kiosk.auth).status_code == 422, bad


# --- schemathesis ---------------------------------------------------------------------------------

ST_CONFIG = ROOT / "tests" / "support" / "schemathesis.toml"


@pytest.mark.slow
@pytest.mark.parametrize("central_settings", [{"rate_per_minute": 1_000_000}])
def test_schemathesis_with_every_check_finds_nothing(
    central: RunningCentral, kiosk: KioskClient, tmp_path: Path
) -> None:
    """The contract as a client reads it: every call, drawn valid and invalid, against the real
    server (its own, so schemathesis's hundreds of calls a minute are not rate limited)."""
    central.publish_catalog(write_catalog(tmp_path / "catalog"))  # GET /catalog: 200 and 304, not only 404
    command = [
        str(Path(sys.executable).with_name("st")), "--config-file", str(ST_CONFIG), "--no-color",
        "run", "--checks", "all", f"{central.url}/openapi.json",
    ]  # fmt: skip
    env = {
        **os.environ, "PYTHONPATH": str(ROOT), "PISHKHAN_KIOSK_TOKEN": kiosk.token,
        "PISHKHAN_KIOSK_NUMBER": str(kiosk.number),
    }  # fmt: skip
    # In a folder of its own: schemathesis keeps a cache and its reports where it runs.
    result = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout[-20_000:] + result.stderr[-5_000:]
    assert " passed" in result.stdout, result.stdout[-5_000:]


# --- nothing of a request in the log --------------------------------------------------------------

CANARY = "Canary-Zohreh-Kazemi"


class Everything(logging.Handler):
    """Every record, as a log file would hold it (tracebacks included)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def server_log() -> Iterator[Everything]:
    """What the server logs: the root logger's and uvicorn's (which does not pass its records on)."""
    handler = Everything()
    loggers = [logging.getLogger(name) for name in ("", "uvicorn", "uvicorn.error", "sqlalchemy")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
    logging.getLogger().setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)


def broken_intake(central: RunningCentral) -> tuple[list[str], list[str]]:
    """A trigger that fails every insert into requests (neither a constraint nor a lost row: an error
    nothing foresees), and the SQL that removes it."""
    if central.store.db.dialect == "postgresql":
        return (
            ["CREATE FUNCTION contract_refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk on fire'; END $$"
             " LANGUAGE plpgsql",
             "CREATE TRIGGER contract_refuse BEFORE INSERT ON requests FOR EACH ROW"
             " EXECUTE FUNCTION contract_refuse()"],
            ["DROP TRIGGER contract_refuse ON requests", "DROP FUNCTION contract_refuse()"],
        )  # fmt: skip
    return (
        ["CREATE TRIGGER contract_refuse BEFORE INSERT ON requests BEGIN SELECT contract_no_such_function(); END"],
        ["DROP TRIGGER contract_refuse"],
    )


def test_a_database_error_on_intake_logs_nothing_of_the_request(
    central: RunningCentral, kiosk: KioskClient, server_log: Everything
) -> None:
    body = kiosk.body(profile=f"{CANARY}-profile", fields={"full_name": CANARY, "national_id": "0012345679"})
    create, drop = broken_intake(central)
    with central.store.db.engine.begin() as connection:
        for statement in create:
            connection.execute(text(statement))
    try:
        response = kiosk.submit(body)
    finally:
        with central.store.db.engine.begin() as connection:
            for statement in drop:
                connection.execute(text(statement))
    # The kiosk keeps it and tries again later, as after any 5xx; the answer says nothing either.
    assert response.status_code == 500, response.text
    assert CANARY not in response.text and "refuse" not in response.text
    logged = "\n".join(server_log.lines)
    assert "POST /api/v1/requests failed" in logged and "Error" in logged, logged
    secrets = (CANARY, body["tracking_code"], "0012345679", "[parameters", "fields_sealed", "Binary(", "disk on fire")
    for secret in secrets:
        assert secret not in logged, (secret, logged)
    assert central.requests() == []
    assert kiosk.submit(body).status_code == 201  # and the same request, once the fault is gone, is stored
