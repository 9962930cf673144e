"""The API's JSON shapes (pydantic, strict: unknown keys and wrong types are 422, never 500).

The OpenAPI document FastAPI builds from them is the contract, so each shape says in JSON Schema
what the server takes, no more and no less: text the database can store (no U+0000, valid
Unicode), instants as RFC 3339 writes them in years the server can compute with, integers as JSON
Schema counts them (285.0 is 285), bounds as ``minimum``/``maximum``. What no schema can say (a
tracking code's check digit and kiosk number, a service of its agency, answers sealed to this
server's key) is a 422 or 409 with its reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from kiosk.core.persian import to_ascii_digits
from kiosk.core.tracking import MAX_SEQUENCE


def public_errors(errors: Iterable[Mapping[str, Any]], prefix: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Validation errors as the API answers them: where, what and which rule, never the input
    itself (it may be a citizen's personal data, and it may not be JSON). ``prefix`` goes before
    each location (a batch item's errors are under ``request``)."""
    return [{"loc": [*prefix, *e.get("loc", ())], "msg": str(e.get("msg", "")), "type": e.get("type")} for e in errors]


MAX_FIELDS = 40
MAX_FIELD_CHARS = 2000
MAX_USAGE_EVENTS = 500
MAX_BATCH_REQUESTS = 50
# Sealed answers: 40 fields of 2000 characters as canonical JSON, sealed, in base64, fit well
# within this; the body's own limits (64 KB, a batch 1 MB) bind first.
MAX_SEALED_CHARS = 2_000_000

Mode = Literal["demo", "live"]
Status = Literal["received", "in_review", "done", "rejected"]
UsageKind = Literal[
    "service_viewed", "request_started", "request_submitted", "request_abandoned", "search", "session_ended"
]

_ID = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_SERVICE_ID = r"^[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*$"

# Text the server keeps: PostgreSQL cannot store U+0000 in a text column (SQLite could; the
# contract is one for both, and no one types a NUL at a kiosk). The schema says so with this
# pattern (the same in ECMA-262, Python and Rust syntax). A lone surrogate (a JSON escape such as
# "\ud800") is no character at all: pydantic's strict strings refuse it already.
NO_NUL = "^[^\\u0000]*$"
NUL_MESSAGE = "must not contain the character U+0000 (NUL)"


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError(NUL_MESSAGE)
    return value


Storable = AfterValidator(_storable)


def limits(max_length: int, min_length: int | None = None) -> Any:
    """The length of a ``Storable`` string, and its NUL-free pattern for the schema."""
    return Field(min_length=min_length, max_length=max_length, json_schema_extra={"pattern": NO_NUL})


# Instants a kiosk sends (a request's created_at, a usage event's at): RFC 3339's date-time, in the
# years 1900 to 2999 as written. A kiosk's clock is never outside them, even with a flat battery
# (1970), while years 1 and 9999 are: shifted to UTC or to Iran time, or widened by the duplicate
# window, they leave the years Python and PostgreSQL can hold, and were 500s.
INSTANT_PATTERN = (
    r"^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]"
    r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)
_INSTANT = re.compile(INSTANT_PATTERN)
INSTANT_EXAMPLE = "2026-11-23T14:00:00Z"


def _instant(value: Any) -> datetime:
    """The instant in UTC, for a string as INSTANT_PATTERN writes one (a real calendar day); else
    ValueError. Only strings: a number (``"at": 0``) is not a date-time, whatever a parser makes of it."""
    if isinstance(value, datetime) and value.tzinfo is not None:  # already validated (a model copied)
        return value.astimezone(UTC)
    if not isinstance(value, str) or not _INSTANT.fullmatch(value):
        raise ValueError(f"must be an RFC 3339 date-time in the years 1900-2999, such as {INSTANT_EXAMPLE}")
    try:
        moment = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{value[:10]} is not a day of the calendar") from None
    return moment.astimezone(UTC)


Instant = Annotated[
    datetime,
    BeforeValidator(_instant),
    WithJsonSchema(
        {"type": "string", "format": "date-time", "pattern": INSTANT_PATTERN, "examples": [INSTANT_EXAMPLE]}
    ),
]


def _whole_number(value: Any) -> Any:
    # JSON has numbers, not integers and floats: JSON Schema's "integer" is any number without a
    # fraction, so a sender that writes 285.0 sent 285. A bool is still not a number.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


WholeNumber = BeforeValidator(_whole_number)
# The bounds first, on the integer itself, so that the schema has them as minimum and maximum.
Count = Annotated[StrictInt, Field(ge=0, le=10**9), WholeNumber]


AgencyId = Annotated[StrictStr, Field(max_length=100, pattern=_ID)]
ServiceId = Annotated[StrictStr, Field(max_length=200, pattern=_SERVICE_ID)]
ShortText = Annotated[StrictStr, limits(100, min_length=1), Storable]
Text100 = Annotated[StrictStr, limits(100), Storable]
# The answers' NUL rule is checked on the whole of ``fields`` (RequestIn): its error names no answer.
FieldName = Annotated[StrictStr, Field(min_length=1, max_length=100)]
FieldValue = Annotated[StrictStr, Field(max_length=MAX_FIELD_CHARS)] | StrictBool
# Written out: pydantic turns a pattern on a dict's keys into "patternProperties", which leaves a
# key outside the pattern unchecked instead of refused.
Fields = Annotated[
    dict[FieldName, FieldValue],
    Field(max_length=MAX_FIELDS),
    WithJsonSchema(
        {
            "type": "object",
            "maxProperties": MAX_FIELDS,
            "propertyNames": {"minLength": 1, "maxLength": 100, "pattern": NO_NUL},
            "additionalProperties": {
                "anyOf": [{"type": "string", "maxLength": MAX_FIELD_CHARS, "pattern": NO_NUL}, {"type": "boolean"}]
            },
        }
    ),
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RequestIn(Strict):
    # Exactly one of fields and sealed_fields, as the schema says it: one of two branches, each
    # true when its key holds a value (null is as good as absent).
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "oneOf": [
                {"required": ["fields"], "properties": {"fields": {"type": "object"}}},
                {"required": ["sealed_fields"], "properties": {"sealed_fields": {"type": "string"}}},
            ]
        },
    )

    tracking_code: Annotated[StrictStr, Field(pattern=r"^[0-9]{12}$", description="12 ASCII digits, Damm-valid")]
    service_id: ServiceId
    agency_id: AgencyId
    mode: Mode
    profile: ShortText
    catalog_version: ShortText
    created_at: Instant
    # Exactly one of the two: the answers in clear (kiosks before sealed answers), or sealed to
    # the server's key. The server opens sealed answers and checks them as it checks plain ones.
    fields: Fields | None = None
    sealed_fields: (
        Annotated[
            StrictStr,
            Field(
                min_length=1,
                max_length=MAX_SEALED_CHARS,
                description="Standard base64 of a libsodium sealed box, to the key the heartbeat's answer names"
                " (`sealing_key`), of the canonical JSON of `fields` (UTF-8, sorted keys, no spaces)",
            ),
        ]
        | None
    ) = None

    @field_validator("fields")
    @classmethod
    def _answers_storable(cls, fields: dict[str, str | bool] | None) -> dict[str, str | bool] | None:
        if fields is not None and any("\x00" in k or (isinstance(v, str) and "\x00" in v) for k, v in fields.items()):
            raise ValueError(f"a field's name or answer {NUL_MESSAGE}")
        return fields

    @model_validator(mode="after")
    def _service_belongs_to_agency(self) -> RequestIn:
        if self.service_id.split(".", 1)[0] != self.agency_id:
            raise ValueError("service_id must start with agency_id and a dot")
        if (self.fields is None) == (self.sealed_fields is None):
            raise ValueError("a request carries either fields or sealed_fields, not both and not neither")
        return self

    @property
    def answers(self) -> dict[str, str | bool]:
        """The answers of a request whose answers are in clear (sent so, or opened by the server)."""
        if self.fields is None:
            raise ValueError("the answers are still sealed")
        return self.fields

    def hashed_form(self) -> dict[str, Any]:
        """What the idempotency hash covers: the request with its answers in clear, exactly the
        form kiosks before sealed answers sent (so the hashes stored for them still match)."""
        if self.sealed_fields is not None:
            raise ValueError("the answers are still sealed")
        return self.model_dump(mode="json", exclude={"sealed_fields"})


class RequestReceipt(Strict):
    reference: str
    tracking_code: str
    status: Literal["received"]
    received_at: str


class BatchItemIn(Strict):
    idempotency_key: Annotated[StrictStr, Field(max_length=100, description="As the Idempotency-Key header")]
    # Checked one by one (as a RequestIn), so that one invalid request is a 422 of its own and
    # never refuses the others in the batch.
    request: dict[str, Any]


class RequestBatchIn(Strict):
    requests: Annotated[list[BatchItemIn], Field(min_length=1, max_length=MAX_BATCH_REQUESTS)]


class BatchItemOut(Strict):
    idempotency_key: str
    status: int = Field(description="What POST /requests would have answered for this request alone")
    receipt: RequestReceipt | None = None
    detail: Any = None


class RequestBatchOut(Strict):
    results: list[BatchItemOut]


class RequestStatusOut(Strict):
    tracking_code: str
    service_id: str
    agency_id: str
    status: Status
    status_changed_at: str
    reason: str | None = Field(
        description="The staff's reason: always null from GET; from POST .../status only with the right digits"
    )
    reason_withheld: bool = Field(description="True when the request has a reason this answer does not show")
    second_factor: Literal["mobile_last4"] | None = Field(
        description="What POST .../status asks for to show the reason: the last four digits of the mobile"
        " number the citizen gave; null when the request has none (its reason is never shown at a kiosk)"
    )


# Four digits, ASCII, Persian or Arabic-Indic (a kiosk's keypad may give any of them).
MOBILE_LAST4_PATTERN = "^[0-9\u06f0-\u06f9\u0660-\u0669]{4}$"
_MOBILE_LAST4 = re.compile(MOBILE_LAST4_PATTERN)


class StatusProofIn(Strict):
    mobile_last4: Annotated[
        StrictStr,
        Field(
            description="The last four digits of the citizen's mobile number",
            json_schema_extra={"pattern": MOBILE_LAST4_PATTERN},
        ),
    ]

    @field_validator("mobile_last4")
    @classmethod
    def _four_digits(cls, value: str) -> str:
        if not _MOBILE_LAST4.fullmatch(value):  # fullmatch: "$" alone lets a final newline through
            raise ValueError("four digits")
        return to_ascii_digits(value)


class HeartbeatIn(Strict):
    version: Text100
    profile: Text100
    mode: Mode
    catalog_version: Text100
    queue_depth: Count
    # Any JSON number (an integer too), as a float: "number" in the schema, bounds as minimum/maximum.
    oldest_pending_seconds: Annotated[StrictFloat, Field(ge=0, le=10**10, allow_inf_nan=False)] | None
    rejected: Count
    last_error: Annotated[StrictStr, limits(2000), Storable] | None
    # Why the kiosk refused the newest catalog it was sent (it keeps its last good one); null when it
    # took it. Optional: kiosks older than this field do not send it.
    catalog_refused: Annotated[StrictStr, limits(1000), Storable] | None = None


class HeartbeatOut(Strict):
    highest_sequence: Annotated[
        int | None,
        Field(
            ge=0,
            le=MAX_SEQUENCE,
            description="The highest tracking-code sequence (digits 4-11 of a code) stored for this kiosk"
            " number, null when none: the kiosk issues no code at or below it, even with a new outbox",
        ),
    ]
    sealing_key: str = Field(
        description="The server's public key for sealed answers (standard base64 of 32 bytes, X25519);"
        " a kiosk learns it here on first contact"
    )


class UsageEventIn(Strict):
    kind: UsageKind
    service_id: ServiceId | None
    agency_id: AgencyId | None
    at: Instant
    profile: Text100
    mode: Mode
    # session_ended: how long the citizen stayed; service_viewed: how long they looked at the card
    # (in seconds, no more than a day).
    # (Any JSON number, an integer too, as a float: "number" in the schema, bounds as minimum/maximum.)
    duration_seconds: Annotated[StrictFloat, Field(ge=0, le=86400, allow_inf_nan=False)] | None = None


class UsageIn(Strict):
    events: Annotated[list[UsageEventIn], Field(max_length=MAX_USAGE_EVENTS)]


class Problem(BaseModel):
    detail: str
