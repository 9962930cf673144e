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
    fields: Annotated[dict[FieldName, FieldValue], Field(max_length=MAX_FIELDS)]

    @field_validator("created_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        # One spelling per instant, so a request's hash does not depend on the sender's zone.
        return value.astimezone(UTC)

    @model_validator(mode="after")
    def _service_belongs_to_agency(self) -> RequestIn:
        if self.service_id.split(".", 1)[0] != self.agency_id:
            raise ValueError("service_id must start with agency_id and a dot")
        return self


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
    reason: str | None


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


class UsageEventIn(Strict):
    kind: UsageKind
    service_id: ServiceId | None
    agency_id: AgencyId | None
    at: AwareDatetime
    profile: Annotated[StrictStr, Field(max_length=100)]
    mode: Mode
    # session_ended: how long the citizen stayed, in seconds (no more than a day).
    duration_seconds: Annotated[StrictFloat | StrictInt, Field(ge=0, le=86400, allow_inf_nan=False)] | None = None


class UsageIn(Strict):
    events: Annotated[list[UsageEventIn], Field(max_length=MAX_USAGE_EVENTS)]


class Problem(BaseModel):
    detail: str
