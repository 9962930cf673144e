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

Exports are streamed: the rows are read from the database a batch at a time (``export_rows``)
and each piece of the file is sent as it is written, so memory does not grow with the export (a
CSV is read twice, once for its columns: ``service_chunks``). A ZIP is written as it is sent too,
so each file in it carries its sizes after its data (a data descriptor), which every unzip
program reads.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse

from kiosk.central import jalali
from kiosk.central.clock import iso, utcnow
from kiosk.central.dashboard import MODE_LABELS, STATUS_LABELS, Dashboard, StaffUser, board_of, security_headers
from kiosk.central.models import CitizenRequest, User
from kiosk.central.pages import Filters, request_filters
from kiosk.central.readable import FormBook, Question, show
from kiosk.central.store.requests import RequestCriteria
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
        return RedirectResponse("/requests.zip?" + filters.query(), status_code=303)
    board = board_of(request)
    selection = _selection(board, staff.user, filters)
    if selection is None:
        return RedirectResponse("/requests?" + filters.query(), status_code=303)
    offset = board.settings.display_utc_offset_minutes
    body = service_chunks(board.forms, filters.service, selection.records, offset, selection.forms)
    name = "".join(ch for ch in filters.service if ch.isascii() and (ch.isalnum() or ch in ".-"))
    return _download(body, "text/csv; charset=utf-8", f"pishkhan-{name}-{_stamp()}.csv")


@router.get("/requests.zip")
def all_services_zip(
    request: Request, staff: StaffUser, filters: Annotated[Filters, Depends(request_filters)]
) -> Response:
    board = board_of(request)
    selection = _selection(board, staff.user, filters)
    if selection is None or selection.up_to is None:  # a date that could not be read, or nothing: the list says which
        return RedirectResponse("/requests?" + filters.query(), status_code=303)
    services = board.store.requests.export_services(selection.criteria, staff.user, selection.up_to)
    body = _zip_chunks(board.forms, services, selection, board.settings.display_utc_offset_minutes)
    return _download(body, "application/zip", f"pishkhan-requests-{_stamp()}.zip")


@dataclass(frozen=True)
class _Selection:
    """The list's selection as an export reads it: up to the newest request there was when the
    export began (``up_to``, None when there is none), so each reading of it holds the same rows."""

    board: Dashboard
    user: User
    criteria: RequestCriteria
    up_to: int | None

    def records(self, service_id: str | None = None) -> Iterator[Exported]:
        """The selection (one service's part of it), oldest first, a batch at a time from the database."""
        if self.up_to is None:
            return
        requests = self.board.store.requests
        for row in requests.export_rows(self._of(service_id), self.user, self.up_to):
            yield _exported(row, requests.answers(row))

    def forms(self, service_id: str | None = None) -> Iterator[tuple[str, list[str]]]:
        """Each of ``records``' catalog version and answer ids, read more cheaply (the CSV's columns)."""
        if self.up_to is None:
            return iter(())
        return self.board.store.requests.export_forms(self._of(service_id), self.user, self.up_to)

    def _of(self, service_id: str | None) -> RequestCriteria:
        if service_id is None:
            return self.criteria
        return RequestCriteria(**{**self.criteria.__dict__, "service_id": service_id})


def _selection(board: Dashboard, user: User, filters: Filters) -> _Selection | None:
    """The list's selection; None when a date in the filter could not be read (the list shows why:
    an export must not quietly hold more than the list)."""
    criteria, errors = filters.criteria(board.settings.display_utc_offset_minutes)
    if errors:
        return None
    board.forms.refresh()
    return _Selection(board, user, criteria, board.store.requests.export_last_id(criteria, user))


def _exported(row: CitizenRequest, answers: dict[str, Any]) -> Exported:
    return Exported(
        id=row.id, tracking_code=row.tracking_code, service_id=row.service_id, catalog_version=row.catalog_version,
        created_at=row.created_at, received_at=row.received_at, kiosk_number=row.kiosk.number,
        kiosk_name=row.kiosk.name, mode=row.mode, status=row.status, reason=row.reason,
        duplicate_of_id=row.duplicate_of_id, answers=answers,
    )  # fmt: skip


def service_table(book: FormBook, service_id: str, records: Iterable[Exported], offset_minutes: int) -> bytes:
    """One service's requests as CSV (UTF-8 with a BOM), whole: ``service_chunks`` joined."""
    kept = list(records)
    return b"".join(service_chunks(book, service_id, lambda: iter(kept), offset_minutes))


def service_chunks(
    book: FormBook,
    service_id: str,
    records: Callable[[], Iterable[Exported]],
    offset_minutes: int,
    forms: Callable[[], Iterable[tuple[str, Iterable[str]]]] | None = None,
) -> Iterator[bytes]:
    """One service's requests as CSV (UTF-8 with a BOM), a piece at a time: the request's columns,
    then one per question. The questions' columns depend on every request (the catalogs they were
    filed against, answers no form asks for), so the requests are read twice: once for the columns
    (``forms``: each one's catalog version and answer ids, in ``records``' order; by default read
    from ``records``), keeping only those, then for the rows, each written as it comes."""
    versions: dict[str, None] = {}
    keys: dict[str, None] = {}
    for version, answered in forms() if forms is not None else ((r.catalog_version, r.answers) for r in records()):
        versions.setdefault(version)
        keys.update(dict.fromkeys(answered))
    questions = book.columns(service_id, list(versions), list(keys))
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(csv_safe(h) for h in (*REQUEST_COLUMNS, *_headers(questions)))
    title = book.service_title(None, service_id)
    for r in records():
        cells: list[Any] = [
            r.id, r.tracking_code, title, _when(r.created_at, offset_minutes), _when(r.received_at, offset_minutes),
            iso(r.received_at), r.kiosk_number, r.kiosk_name, MODE_LABELS.get(r.mode, r.mode),
            STATUS_LABELS.get(r.status, r.status), r.reason or "", r.duplicate_of_id or "", r.catalog_version,
        ]  # fmt: skip
        for question in questions:
            own = book.question(r.catalog_version, service_id, question.id)
            cells.append(show(own, r.answers.get(question.id), question.id in r.answers).csv)
        writer.writerow(csv_safe(cell) for cell in cells)
        if buffer.tell() >= CHUNK:
            yield _drain(buffer)
    yield _drain(buffer)


# A CSV is sent in pieces of about this many characters.
CHUNK = 64 * 1024


def _drain(buffer: io.StringIO) -> bytes:
    piece = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return piece


class _Pipe(io.RawIOBase):
    """Where ``zipfile`` writes an archive being sent: it keeps the bytes until they are taken.
    It cannot seek, so ``zipfile`` writes each file's sizes after its data (a data descriptor)."""

    def __init__(self) -> None:
        super().__init__()
        self._pieces: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        piece = bytes(data)
        self._pieces.append(piece)
        return len(piece)

    def take(self) -> bytes:
        piece = b"".join(self._pieces)
        self._pieces.clear()
        return piece


def _zip_chunks(book: FormBook, services: list[str], selection: _Selection, offset_minutes: int) -> Iterator[bytes]:
    """One CSV per service (``service_chunks``, the same bytes as ``/requests.csv`` gives for it) in a
    ZIP, sent as it is compressed."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for service_id in services:
            # Service ids are ASCII (the API's pattern), so every unzip program names the files alike.
            with archive.open(f"{service_id}.csv", "w") as member:

                def records(service_id: str = service_id) -> Iterator[Exported]:
                    return selection.records(service_id)

                def forms(service_id: str = service_id) -> Iterator[tuple[str, list[str]]]:
                    return selection.forms(service_id)

                for piece in service_chunks(book, service_id, records, offset_minutes, forms):
                    member.write(piece)
                    yield pipe.take()
    yield pipe.take()


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


def _download(body: Iterator[bytes], media_type: str, filename: str) -> Response:
    """The file, sent as it is written (each piece as the generator gives it: the export is never
    whole in memory)."""
    response = StreamingResponse(
        body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
    security_headers(response)
    return response
