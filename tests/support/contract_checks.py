"""Schemathesis hooks for the kiosk API's contract run (``tests/support/schemathesis.toml``).

JSON Schema cannot say everything ``POST /api/v1/requests`` checks: a tracking code's Damm check
digit and the kiosk number it starts with, that a service belongs to the agency named, that a code
or an Idempotency-Key was not used before for another request. Left alone, nearly every request
schemathesis draws as valid is refused for one of those (422) before the server stores anything,
and the storing (the database, the duplicate check, sealing at rest) is never reached. So each
request it draws as valid is made one this kiosk could send: a new tracking code of its own
number, its service under its agency, a new Idempotency-Key. Everything else stays as drawn, and
``positive_data_acceptance`` holds the server to accepting it; requests drawn as invalid are left
as they are.
"""

from __future__ import annotations

import os
import random
import uuid
from typing import Any

import schemathesis

from kiosk.core.tracking import MAX_SEQUENCE, make_tracking_code

REQUESTS = "POST /api/v1/requests"
SERVICE_ID_MAX = 200
# Codes new to the server even when a person runs this twice against the same one.
_sequence = random.SystemRandom().randrange(1, MAX_SEQUENCE // 2)


@schemathesis.hook
def map_case(context: Any, case: Any) -> Any:
    meta = case.meta
    if case.operation.label != REQUESTS or meta is None or not meta.generation.mode.is_positive:
        return case
    if not isinstance(case.body, dict):
        return case
    global _sequence
    _sequence += 1
    body = dict(case.body)
    body["tracking_code"] = make_tracking_code(int(os.environ["PISHKHAN_KIOSK_NUMBER"]), _sequence)
    agency, service = body.get("agency_id"), body.get("service_id")
    if isinstance(agency, str) and isinstance(service, str) and "." in service:
        mine = f"{agency}.{service.partition('.')[2]}"
        body["service_id"] = mine if len(mine) <= SERVICE_ID_MAX else f"{agency}.x"
    case.body = body
    case.headers = {**(case.headers or {}), "Idempotency-Key": str(uuid.uuid4())}
    return case
