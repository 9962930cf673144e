"""The staff dashboard's work pages: requests (list, detail, status changes), fleet; the
requests' exports are in ``exports``, the usage page in ``usage_page``.

Login, sessions, CSRF and rendering are in ``dashboard``; every route here needs a logged-in
``StaffUser``. Requests are shown only for the agencies that user works for: the
``store.requests`` methods these pages read through take the user and apply that scope themselves
(the usage page, ``usage_page``, the same way). The fleet (``store.kiosks.fleet``) is the same for all staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from kiosk.central import jalali
from kiosk.central.clock import utcnow
from kiosk.central.dashboard import StaffUser, board_of, check_csrf
from kiosk.central.models import STATUSES
from kiosk.central.store.kiosks import FleetCriteria
from kiosk.central.store.requests import PageKey, RequestCriteria
from kiosk.core.persian import to_ascii_digits

PAGE_SIZE = 50
OLD_PAGE_LINK = (
    "فهرست دیگر شمارهٔ صفحه ندارد؛ صفحهٔ اول نشان داده شده است. "
    "با «صفحهٔ بعد» به درخواست‌های قدیمی‌تر بروید یا با تاریخ و شرط‌ها جست‌وجو کنید."
)
BAD_PAGE_LINK = "پیوند این صفحه درست نیست؛ صفحهٔ اول نشان داده شده است."
# A kiosk whose last heartbeat is older than this is marked as silent on the fleet page.
STALE_AFTER = timedelta(minutes=10)

router = APIRouter(include_in_schema=False)


@dataclass
class Filters:
    agency: str = ""
    service: str = ""
    mode: str = "live"
    status: str = ""
    date_from: str = ""
    date_to: str = ""
    code: str = ""
    duplicates: bool = False
    # Where the page starts (``PageKey.text``): older than ``after``, or newer than ``before``.
    after: str = ""
    before: str = ""
    # ``?page=N`` of the numbered pages the list had before it paged by key: kept so such a link
    # (a bookmark) opens the first page with a word on why, instead of failing.
    old_page: str = ""

    def query(self, **changes: Any) -> str:
        """The filters as a query string (no page: an export, a filter, the first page), with ``changes``
        (``after=``/``before=`` for a page's link)."""
        values = {
            "agency": self.agency, "service": self.service, "mode": self.mode, "status": self.status,
            "from": self.date_from, "to": self.date_to, "code": self.code,
            "duplicates": "1" if self.duplicates else "",
        }  # fmt: skip
        values.update({k: str(v) for k, v in changes.items()})
        return urlencode({k: v for k, v in values.items() if v})

    def criteria(self, utc_offset_minutes: int) -> tuple[RequestCriteria, list[str]]:
        """What the store is asked for, and a message for each date that could not be read (left out)."""
        errors: list[str] = []
        received_from, error = _day_start(self.date_from, utc_offset_minutes)
        if error:
            errors.append(error)
        received_before, error = _day_start(self.date_to, utc_offset_minutes, plus_days=1)
        if error:
            errors.append(error)
        code = to_ascii_digits(self.code).replace(" ", "").replace("-", "") if self.code.strip() else None
        criteria = RequestCriteria(
            agency_id=self.agency or None, service_id=self.service or None,
            mode=None if self.mode == "all" else self.mode, status=self.status or None,
            duplicates_only=self.duplicates, tracking_code=code,
            received_from=received_from, received_before=received_before,
        )  # fmt: skip
        return criteria, errors


def request_filters(
    agency: Annotated[str, Query(max_length=100)] = "",
    service: Annotated[str, Query(max_length=200)] = "",
    mode: Annotated[str, Query(max_length=10)] = "live",
    status: Annotated[str, Query(max_length=20)] = "",
    date_from: Annotated[str, Query(alias="from", max_length=20)] = "",
    date_to: Annotated[str, Query(alias="to", max_length=20)] = "",
    code: Annotated[str, Query(max_length=40)] = "",
    duplicates: Annotated[str, Query(max_length=5)] = "",
    after: Annotated[str, Query(max_length=60)] = "",
    before: Annotated[str, Query(max_length=60)] = "",
    page: Annotated[str, Query(max_length=20)] = "",
) -> Filters:
    return Filters(
        agency=agency, service=service, mode=mode if mode in ("live", "demo", "all") else "live",
        status=status if status in STATUSES else "", date_from=date_from, date_to=date_to,
        code=code, duplicates=duplicates == "1", after=after, before=before,
        old_page="" if page.strip() in ("", "1") else page,
    )  # fmt: skip


def _day_start(text: str, offset: int, plus_days: int = 0) -> tuple[datetime | None, str | None]:
    if not text.strip():
        return None, None
    try:
        day = jalali.parse_jalali(text) + timedelta(days=plus_days)
    except ValueError:
        return None, f"تاریخ «{text}» درست نیست؛ به شکل ۱۴۰۵/۰۹/۰۲ بنویسید."
    return datetime.combine(day, time(), tzinfo=jalali.local_zone(offset)).astimezone(UTC), None


@router.get("/requests")
def requests_page(
    request: Request, staff: StaffUser, filters: Annotated[Filters, Depends(request_filters)]
) -> Response:
    board = board_of(request)
    criteria, errors = filters.criteria(board.settings.display_utc_offset_minutes)
    after, before = PageKey.parse(filters.after), PageKey.parse(filters.before)
    if filters.old_page:
        errors.append(OLD_PAGE_LINK)
    elif (filters.after and after is None) or (filters.before and before is None):
        errors.append(BAD_PAGE_LINK)
    found = board.store.requests.page(criteria, staff.user, PAGE_SIZE, after=after, before=before)
    board.forms.refresh()
    summaries = {
        r.id: board.forms.summary(r.catalog_version, r.service_id, board.store.requests.answers(r)) for r in found.rows
    }
    return board.render(
        request, "requests.html", staff=staff, rows=found.rows, total=found.total, more=found.more,
        filters=filters, errors=errors, agencies=found.agencies, services=found.services, nav="requests",
        summaries=summaries, newer=found.newer and found.newer.text(), older=found.older and found.older.text(),
        first=after is None and before is None,
    )  # fmt: skip


@router.get("/requests/{request_id}")
def request_detail(request: Request, staff: StaffUser, request_id: int, error: str = "") -> Response:
    board = board_of(request)
    detail = board.store.requests.detail(request_id, staff.user)
    if detail is None:
        return board.render(request, "not_found.html", status_code=404, staff=staff, nav="requests")
    return board.render(
        request, "request_detail.html", staff=staff, row=detail.row, related=detail.related, history=detail.history,
        answers=detail.answers, error=error[:200], nav="requests",
    )  # fmt: skip


@router.post("/requests/{request_id}/status")
def change_status(
    request: Request,
    staff: StaffUser,
    request_id: int,
    csrf_token: Annotated[str, Form(max_length=100)],
    status: Annotated[str, Form(max_length=20)],
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    check_csrf(request, staff, csrf_token)
    board = board_of(request)
    try:
        board.store.requests.set_status(request_id, status, reason, by=staff.user)
    except LookupError:  # not one of this staff member's agencies (or no such request)
        return board.render(request, "not_found.html", status_code=404, staff=staff, nav="requests")
    except ValueError:
        message = "برای رد درخواست، دلیل آن را بنویسید." if status == "rejected" else "وضعیت درست نیست."
        return RedirectResponse(f"/requests/{request_id}?{urlencode({'error': message})}", status_code=303)
    return RedirectResponse(f"/requests/{request_id}", status_code=303)


# The fleet page's "silent" filter: how long without a heartbeat, by its link's word.
SILENT_FOR = {"10m": timedelta(minutes=10), "1h": timedelta(hours=1), "1d": timedelta(days=1), "7d": timedelta(days=7)}
SILENT_LABELS = {"10m": "۱۰ دقیقه", "1h": "یک ساعت", "1d": "یک روز", "7d": "یک هفته"}
FLEET_PAGE_SIZE = 50


@dataclass
class FleetFilters:
    silent: str = ""  # a key of SILENT_FOR
    backlog: bool = False
    catalog: bool = False  # behind the newest catalog (refused it, or not fetched yet)
    refused: bool = False  # said in its heartbeat that it refused the newest catalog
    # Where the page starts: the kiosks numbered above ``after``, or the page just below ``before``.
    after: int | None = None
    before: int | None = None

    def query(self, **changes: Any) -> str:
        values = {
            "silent": self.silent, "backlog": "1" if self.backlog else "", "catalog": "1" if self.catalog else "",
            "refused": "1" if self.refused else "",
        }  # fmt: skip
        values.update({k: str(v) for k, v in changes.items()})
        return urlencode({k: v for k, v in values.items() if v})


def _number(text: str) -> int | None:
    """A kiosk number a fleet page's link carries; None for anything else (a mangled link: the first page)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


@router.get("/fleet")
def fleet(
    request: Request,
    staff: StaffUser,
    silent: Annotated[str, Query(max_length=20)] = "",
    backlog: Annotated[str, Query(max_length=20)] = "",
    catalog: Annotated[str, Query(max_length=20)] = "",
    refused: Annotated[str, Query(max_length=20)] = "",
    after: Annotated[str, Query(max_length=20)] = "",
    before: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    board = board_of(request)
    now = utcnow()
    filters = FleetFilters(
        silent=silent if silent in SILENT_FOR else "", backlog=backlog == "1", catalog=catalog == "1",
        refused=refused == "1", after=_number(after), before=_number(before),
    )  # fmt: skip
    newest = board.store.catalogs.latest() if filters.catalog else None
    criteria = FleetCriteria(
        silent_since=now - SILENT_FOR[filters.silent] if filters.silent else None, backlog=filters.backlog,
        behind_catalog=newest.catalog_version if newest is not None else None, refused_catalog=filters.refused,
    )  # fmt: skip
    found = board.store.kiosks.fleet_page(criteria, FLEET_PAGE_SIZE, after=filters.after, before=filters.before)
    return board.render(
        request, "fleet.html", staff=staff, kiosks=found.kiosks, next_after=found.next_after, filters=filters,
        previous_before=found.previous_before, now=now, nav="fleet", stale=STALE_AFTER, silent_labels=SILENT_LABELS,
        no_catalog=filters.catalog and newest is None,
    )  # fmt: skip
