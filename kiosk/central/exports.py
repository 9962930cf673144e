"""The requests' exports for spreadsheets: one CSV per service, one column per question of its form.

``/requests.csv`` needs the list's filter to name a service: each service asks its own questions,
and one file of every service would be either a column per question of every form (a sheet of
mostly empty cells) or the answers packed into one cell (what it was: staff could not sort or
filter on them). Without a service the list offers ``/requests.zip``: the same selection, one CSV
per service in it; ``/requests.csv`` without one is sent there, so an old link still exports.

Every column is headed in Persian: the request's own columns, then each question of the service
under its Persian label (``readable.FormBook.columns``). Answers are written as the detail page
shows them (choices by their labels, consent «بله») but with ASCII digits and dates as
``1405/09/14``, so a spreadsheet sorts them. Each file is UTF-8 with a BOM (so spreadsheet programs
read the Persian as UTF-8), and a cell a spreadsheet would run as a formula is neutralised
(``csv_safe``). Staff see only their agencies' requests: ``store.requests.export_rows`` applies it.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from kiosk.central import jalali
from kiosk.central.clock import iso, utcnow
from kiosk.central.dashboard import MODE_LABELS, STATUS_LABELS, Dashboard, StaffUser, board_of, security_headers
from kiosk.central.models import CitizenRequest, User
from kiosk.central.pages import Filters, request_filters
from kiosk.central.readable import FormBook, Question, show
from kiosk.core.persian import to_ascii_digits

router = APIRouter(include_in_schema=False)

REQUEST_COLUMNS = (
    "شمارهٔ مرجع", "کد رهگیری", "خدمت", "زمان ثبت در پیشخوان", "زمان دریافت", "زمان دریافت (UTC)",
    "شمارهٔ پیشخوان", "نام پیشخوان", "نوع", "وضعیت", "دلیل یا توضیح برای شهروند",
    "تکراری احتمالیِ درخواست شمارهٔ", "نسخهٔ فهرست خدمات",
)  # fmt: skip
# A cell starting with one of these is a formula to a spreadsheet (OWASP, "CSV injection"); the
# full-width forms too, which some spreadsheets read as the ASCII ones.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


@dataclass(frozen=True)
class Exported:
    """One request as an export writes it: read while the database session is open."""

    id: int
    tracking_code: str
    service_id: str
    catalog_version: str
    created_at: datetime
    received_at: datetime
    kiosk_number: int
    kiosk_name: str
    mode: str
    status: str
    reason: str | None
    duplicate_of_id: int | None
    answers: dict[str, Any]


@router.get("/requests.csv")
def service_csv(request: Request, staff: StaffUser, filters: Annotated[Filters, Depends(request_filters)]) -> Response:
    if not filters.service:
        return RedirectResponse("/requests.zip?" + filters.query(page=1), status_code=303)
    board = board_of(request)
    records = _selected(board, staff.user, filters)
    if records is None:
        return RedirectResponse("/requests?" + filters.query(page=1), status_code=303)
    body = service_table(board.forms, filters.service, records, board.settings.display_utc_offset_minutes)
    name = "".join(ch for ch in filters.service if ch.isascii() and (ch.isalnum() or ch in ".-"))
    return _download(body, "text/csv; charset=utf-8", f"pishkhan-{name}-{_stamp()}.csv")


@router.get("/requests.zip")
def all_services_zip(
    request: Request, staff: StaffUser, filters: Annotated[Filters, Depends(request_filters)]
) -> Response:
    board = board_of(request)
    records = _selected(board, staff.user, filters)
    if not records:  # a date that could not be read, or nothing to export: the list says which
        return RedirectResponse("/requests?" + filters.query(page=1), status_code=303)
    by_service: dict[str, list[Exported]] = {}
    for record in records:
        by_service.setdefault(record.service_id, []).append(record)
    buffer = io.BytesIO()
    offset = board.settings.display_utc_offset_minutes
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for service_id in sorted(by_service):
            # Service ids are ASCII (the API's pattern), so every unzip program names the files alike.
            table = service_table(board.forms, service_id, by_service[service_id], offset)
            archive.writestr(f"{service_id}.csv", table)
    return _download(buffer.getvalue(), "application/zip", f"pishkhan-requests-{_stamp()}.zip")


def _selected(board: Dashboard, user: User, filters: Filters) -> list[Exported] | None:
    """The list's selection, oldest first; None when a date in the filter could not be read (the
    list shows why: an export must not quietly hold more than the list)."""
    criteria, errors = filters.criteria(board.settings.display_utc_offset_minutes)
    if errors:
        return None
    board.forms.refresh()
    requests = board.store.requests
    return [_exported(row, requests.answers(row)) for row in requests.export_rows(criteria, user)]


def _exported(row: CitizenRequest, answers: dict[str, Any]) -> Exported:
    return Exported(
        id=row.id, tracking_code=row.tracking_code, service_id=row.service_id, catalog_version=row.catalog_version,
        created_at=row.created_at, received_at=row.received_at, kiosk_number=row.kiosk.number,
        kiosk_name=row.kiosk.name, mode=row.mode, status=row.status, reason=row.reason,
        duplicate_of_id=row.duplicate_of_id, answers=answers,
    )  # fmt: skip


def service_table(book: FormBook, service_id: str, records: Iterable[Exported], offset_minutes: int) -> bytes:
    """One service's requests as CSV (UTF-8 with a BOM): the request's columns, then one per question."""
    records = list(records)
    versions = list(dict.fromkeys(r.catalog_version for r in records))
    keys = list(dict.fromkeys(key for r in records for key in r.answers))
    questions = book.columns(service_id, versions, keys)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(csv_safe(h) for h in (*REQUEST_COLUMNS, *_headers(questions)))
    title = book.service_title(None, service_id)
    for r in records:
        cells: list[Any] = [
            r.id, r.tracking_code, title, _when(r.created_at, offset_minutes), _when(r.received_at, offset_minutes),
            iso(r.received_at), r.kiosk_number, r.kiosk_name, MODE_LABELS.get(r.mode, r.mode),
            STATUS_LABELS.get(r.status, r.status), r.reason or "", r.duplicate_of_id or "", r.catalog_version,
        ]  # fmt: skip
        for question in questions:
            own = book.question(r.catalog_version, service_id, question.id)
            cells.append(show(own, r.answers.get(question.id), question.id in r.answers).csv)
        writer.writerow(csv_safe(cell) for cell in cells)
    return buffer.getvalue().encode("utf-8")


def _headers(questions: list[Question]) -> list[str]:
    """Each question's Persian label; one two questions share is told apart by the questions' ids."""
    labels = [q.label for q in questions]
    return [f"{q.label} ({q.id})" if labels.count(q.label) > 1 else q.label for q in questions]


def _when(moment: datetime, offset_minutes: int) -> str:
    """``1405/09/14 10:30``, Iran time, ASCII digits."""
    return to_ascii_digits(jalali.persian_datetime(moment, offset_minutes))


def csv_safe(value: Any) -> str:
    """A cell a spreadsheet would run as a formula gets an apostrophe before it: one that starts with
    a formula's first character, also after spaces or invisible marks (a right-to-left mark, a
    zero-width non-joiner), which some spreadsheets skip."""
    text = str(value)
    start = 0
    while start < len(text) and unicodedata.category(text[start]) in ("Cf", "Zs"):
        start += 1
    return "'" + text if text[start:].startswith(FORMULA_STARTS) or text.startswith(FORMULA_STARTS) else text


def _stamp() -> str:
    return utcnow().strftime("%Y%m%d-%H%M")


def _download(body: bytes | str, media_type: str, filename: str) -> Response:
    response = Response(
        body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
    security_headers(response)
    return response
