"""The API's JSON shapes (pydantic, strict: unknown keys and wrong types are 422, never 500)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
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

AgencyId = Annotated[StrictStr, Field(max_length=100, pattern=_ID)]
ServiceId = Annotated[StrictStr, Field(max_length=200, pattern=_SERVICE_ID)]
ShortText = Annotated[StrictStr, Field(min_length=1, max_length=100)]
FieldName = Annotated[StrictStr, Field(min_length=1, max_length=100)]
FieldValue = Annotated[StrictStr, Field(max_length=MAX_FIELD_CHARS)] | StrictBool


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RequestIn(Strict):
    tracking_code: Annotated[StrictStr, Field(pattern=r"^[0-9]{12}$", description="12 ASCII digits, Damm-valid")]
    service_id: ServiceId
    agency_id: AgencyId
    mode: Mode
    profile: ShortText
    catalog_version: ShortText
    created_at: AwareDatetime
    # Exactly one of the two: the answers in clear (kiosks before sealed answers), or sealed to
    # the server's key. The server opens sealed answers and checks them as it checks plain ones.
    fields: Annotated[dict[FieldName, FieldValue], Field(max_length=MAX_FIELDS)] | None = None
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

    @field_validator("created_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        # One spelling per instant, so a request's hash does not depend on the sender's zone.
        return value.astimezone(UTC)

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


class StatusProofIn(Strict):
    mobile_last4: Annotated[
        StrictStr, Field(max_length=20, description="The last four digits of the citizen's mobile number")
    ]

    @field_validator("mobile_last4")
    @classmethod
    def _four_digits(cls, value: str) -> str:
        digits = to_ascii_digits(value).strip()
        if len(digits) != 4 or not digits.isascii() or not digits.isdigit():
            raise ValueError("four digits")
        return digits


class HeartbeatIn(Strict):
    version: Annotated[StrictStr, Field(max_length=100)]
    profile: Annotated[StrictStr, Field(max_length=100)]
    mode: Mode
    catalog_version: Annotated[StrictStr, Field(max_length=100)]
    queue_depth: Annotated[StrictInt, Field(ge=0, le=10**9)]
    oldest_pending_seconds: Annotated[StrictFloat | StrictInt, Field(ge=0, le=10**10, allow_inf_nan=False)] | None
    rejected: Annotated[StrictInt, Field(ge=0, le=10**9)]
    last_error: Annotated[StrictStr, Field(max_length=2000)] | None


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
    at: AwareDatetime
    profile: Annotated[StrictStr, Field(max_length=100)]
    mode: Mode
    # session_ended: how long the citizen stayed; service_viewed: how long they looked at the card
    # (in seconds, no more than a day).
    duration_seconds: Annotated[StrictFloat | StrictInt, Field(ge=0, le=86400, allow_inf_nan=False)] | None = None


class UsageIn(Strict):
    events: Annotated[list[UsageEventIn], Field(max_length=MAX_USAGE_EVENTS)]


class Problem(BaseModel):
    detail: str
