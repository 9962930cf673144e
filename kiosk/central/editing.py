"""The dashboard's service pages: an agency's services, the edit form (a draft), the review page with
the field-by-field changes, approval (now or at a chosen time), rejection, the administrator's
publish without review (with a written reason), the release history with each release's changes,
and rollback.

What may be done is ``roles``' (``EDIT``, ``REVIEW``, ``FORCE_PUBLISH``, ``ROLL_BACK``); whose
services, the staff member's agencies, checked here on every page and act. The drafts, their
checks and the releases are ``store.drafts``'. Every form carries the session's CSRF token; a
refused form comes back filled in as typed, with the reason in Persian.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Form, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from kiosk.central import roles
from kiosk.central.catalog_diff import QUESTION_KINDS, release_changes, service_changes, service_fields
from kiosk.central.dashboard import NotAllowed, Staff, StaffUser, board_of, check_csrf, security_headers
from kiosk.central.models import ServiceDraft
from kiosk.central.preview import LANGUAGES, ORIENTATIONS, PreviewFailed, Selection
from kiosk.central.preview_page import groups, previewer_of
from kiosk.central.store import drafts as drafts_store
from kiosk.central.store.drafts import DraftError, find_service, with_service
from kiosk.central.store.people import Actor
from kiosk.core.catalog import (
    AUDIENCE_MAX,
    CHANNEL_KINDS,
    DOCUMENT_MAX,
    FEE_MAX_RIAL,
    KEYWORD_MAX,
    LEGAL_BASIS_MAX,
    SERVICE_TYPES,
    STEP_MAX,
    SUMMARY_MAX,
    TIME_MAX,
    TIME_UNITS,
    TITLE_MAX,
    UNIT_MAX,
)
from kiosk.core.forms import CHOICE_LABEL_MAX, FIELD_KINDS, HELP_MAX, LABEL_MAX, MAX_FIELDS
from kiosk.core.persian import to_ascii_digits, to_persian_digits

MAX_ID = 2**31 - 1
LINES_MAX = 30  # steps, documents or keywords in one box
NEW_QUESTIONS = 2  # empty question boxes under a form's questions, to add new ones

ERRORS = {
    "unchanged": "این پیش‌نویس چیزی را تغییر نمی‌دهد؛ دست‌کم یک خانه را عوض کنید.",
    "self_approval": "نویسندهٔ یک پیش‌نویس نمی‌تواند آن را تأیید یا رد کند؛ همکار دیگری از دستگاه باید بررسی کند.",
    "no_reason": "برای انتشار بدون بررسی، یا بازگشت به انتشار پیشین، دلیل را بنویسید (دست‌کم "
    f"{to_persian_digits(str(drafts_store.REASON_MIN))} نویسه)؛ این دلیل در سابقه می‌ماند.",
    "long_reason": f"دلیل بیش از {to_persian_digits(str(drafts_store.REASON_MAX))} نویسه نباشد.",
    "not_pending": "این پیش‌نویس دیگر در انتظار بررسی نیست (پیش‌تر تأیید، رد یا منتشر شده است).",
    "conflict": "این خدمت پس از شروع این پیش‌نویس در انتشار دیگری تغییر کرده است؛ پیش‌نویس منتشر نشد. "
    "خدمت را دوباره باز کنید و تغییر را روی نسخهٔ تازه بنویسید.",
    "invalid": "پیشخوان این خدمت را نمی‌پذیرد؛ ایرادها:",
    "no_service": "این خدمت در فهرست منتشرشده نیست.",
    "is_latest": "این همان انتشاری است که اکنون در پیشخوان‌هاست.",
    "no_release": "چنین انتشاری نیست.",
    "bad_time": "زمان انتشار درست نیست؛ تاریخ و ساعت را از جعبهٔ زمان برگزینید.",
}
DONE = {
    "saved": "پیش‌نویس ذخیره شد و در انتظار بررسی همکار دیگری از دستگاه است.",
    "published": "تأیید شد و منتشر شد؛ پیشخوان‌ها در نشست بعدی خود خدمت تازه را نشان می‌دهند.",
    "scheduled": "تأیید شد؛ در زمان گفته‌شده منتشر می‌شود.",
    "rejected": "پیش‌نویس رد شد.",
    "forced": "بدون بررسی منتشر شد؛ دلیل در سابقه ثبت شد.",
    "rolled_back": "انتشار پیشین دوباره منتشر شد.",
}
STATE_LABELS = {
    drafts_store.PENDING: "در انتظار بررسی",
    drafts_store.SCHEDULED: "زمان‌بندی‌شده",
    drafts_store.PUBLISHING: "در حال انتشار",
    drafts_store.PUBLISHED: "منتشرشده",
    drafts_store.REJECTED: "ردشده",
    drafts_store.CONFLICT: "ناسازگار با انتشار تازه‌تر",
}
RECORD_LABELS = {
    drafts_store.REVIEWED: "با بررسی",
    drafts_store.FORCED: "بدون بررسی (مدیر استان)",
    drafts_store.ROLLBACK: "بازگشت به انتشار پیشین",
}
ACTION_LABELS = {
    drafts_store.DRAFT_SAVED: "ذخیرهٔ پیش‌نویس خدمت",
    drafts_store.DRAFT_APPROVED: "تأیید پیش‌نویس",
    drafts_store.DRAFT_SCHEDULED: "تأیید و زمان‌بندی انتشار",
    drafts_store.DRAFT_REJECTED: "رد پیش‌نویس",
    drafts_store.DRAFT_FORCED: "انتشار بدون بررسی",
    drafts_store.DRAFT_CONFLICT: "ناسازگاری پیش‌نویس با انتشار تازه‌تر",
    drafts_store.RELEASE_PUBLISHED: "انتشار فهرست خدمات",
    drafts_store.RELEASE_ROLLED_BACK: "بازگشت به انتشار پیشین",
}
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

router = APIRouter(include_in_schema=False)


def _agencies(staff: Staff) -> list[str] | None:
    """The agencies whose services the staff member works on (None: all)."""
    user = staff.user
    return None if user.role == roles.ADMIN or user.all_agencies else list(user.agencies)


def _may_touch(staff: Staff, agency_id: str) -> bool:
    scope = _agencies(staff)
    return scope is None or agency_id in scope


def _need(staff: Staff, grant: str) -> None:
    if not staff.may(grant):
        raise NotAllowed(staff)


def _latest(request: Request) -> tuple[int, dict[str, Any] | None]:
    catalogs = board_of(request).store.catalogs
    number = catalogs.latest_number()
    return number, catalogs.document(number) if number else None


# The list -------------------------------------------------------------------------------------


@router.get("/services")
def services_page(request: Request, staff: StaffUser, done: Annotated[str, Query(max_length=20)] = "") -> Response:
    board = board_of(request)
    number, document = _latest(request)
    scope = _agencies(staff)
    agencies = [a for a in (document or {}).get("agencies", []) if scope is None or a.get("id") in scope]
    drafts = board.store.drafts.listed(scope)
    return board.render(
        request, "services.html", staff=staff, nav="services", agencies=agencies, drafts=drafts, release=number,
        notice=DONE.get(done), may_edit=staff.may(roles.EDIT),
    )  # fmt: skip


# The edit form --------------------------------------------------------------------------------


def _service_or_none(request: Request, staff: Staff, service_id: str) -> tuple[int, dict[str, Any]] | None:
    number, document = _latest(request)
    found = find_service(document, service_id) if document else None
    if found is None or not _may_touch(staff, str(found[0].get("id"))):
        return None
    return number, found[1]


def _not_found(request: Request, staff: Staff, what: str = "خدمت") -> Response:
    board = board_of(request)
    return board.render(request, "service_not_found.html", status_code=404, staff=staff, nav="services", what=what)


@router.get("/services/{service_id}/edit")
def edit_page(request: Request, staff: StaffUser, service_id: str) -> Response:
    _need(staff, roles.EDIT)
    found = _service_or_none(request, staff, service_id)
    if found is None:
        return _not_found(request, staff)
    number, service = found
    return _edit(request, staff, service_id, number, form_of(service))


def _slots(form: dict[str, str]) -> int:
    try:
        return min(int(form.get("questions", "0")), MAX_FIELDS) + NEW_QUESTIONS
    except ValueError:
        return NEW_QUESTIONS


def _edit(
    request: Request, staff: Staff, service_id: str, base: int, form: dict[str, str], status_code: int = 200,
    errors: list[str] | None = None, problems: list[str] | None = None,
) -> Response:  # fmt: skip
    board = board_of(request)
    return board.render(
        request, "service_edit.html", status_code=status_code, staff=staff, nav="services", service_id=service_id,
        base=base, form=form, errors=errors or [], problems=problems or [], time_units=TIME_UNITS,
        service_types=SERVICE_TYPES, question_kinds=QUESTION_KINDS, slots=_slots(form),
    )  # fmt: skip


@router.post("/services/{service_id}/edit")
async def save_draft(request: Request, staff: StaffUser, service_id: str) -> Response:
    _need(staff, roles.EDIT)
    posted = await request.form()
    form = {key: str(value)[:5000] for key, value in posted.items() if isinstance(value, str)}
    check_csrf(request, staff, form.get("csrf_token", ""))
    try:
        base = int(form.get("base_release", "0"))
    except ValueError:
        base = 0
    board = board_of(request)
    base_document = board.store.catalogs.document(base) if 0 < base <= MAX_ID else None
    found = find_service(base_document, service_id) if base_document else None
    if found is None or not _may_touch(staff, str(found[0].get("id"))):
        return _not_found(request, staff)
    proposed, errors = service_from_form(found[1], form)
    if errors:
        return _edit(request, staff, service_id, base, form, status_code=422, errors=errors)
    try:
        draft = board.store.drafts.save(proposed, base, by=Actor.of(staff.user))
    except DraftError as exc:
        return _edit(request, staff, service_id, base, form, 422, [ERRORS.get(exc.code, str(exc))], exc.problems)
    return RedirectResponse(f"/services/drafts/{draft.id}?done=saved", status_code=303)


# Review ---------------------------------------------------------------------------------------


def _draft_or_none(request: Request, staff: Staff, draft_id: int) -> ServiceDraft | None:
    draft = board_of(request).store.drafts.get(draft_id) if 0 < draft_id <= MAX_ID else None
    return draft if draft is not None and _may_touch(staff, draft.agency_id) else None


@router.get("/services/drafts/{draft_id}")
def draft_page(
    request: Request, staff: StaffUser, draft_id: int, done: Annotated[str, Query(max_length=20)] = ""
) -> Response:
    draft = _draft_or_none(request, staff, draft_id)
    if draft is None:
        return _not_found(request, staff, "پیش‌نویس")
    return _draft(request, staff, draft, notice=DONE.get(done))


def _draft(
    request: Request, staff: Staff, draft: ServiceDraft, status_code: int = 200, error: str | None = None,
    problems: list[str] | None = None, notice: str | None = None, reason: str = "",
) -> Response:  # fmt: skip
    board = board_of(request)
    base = board.store.catalogs.document(draft.base_release)
    found = find_service(base, draft.service_id) if base else None
    proposed = json.loads(draft.document)
    changes = service_changes(found[1] if found else None, proposed)
    own = staff.user.id == draft.author_id
    return board.render(
        request, "service_draft.html", status_code=status_code, staff=staff, nav="services", draft=draft,
        changes=changes, fields=service_fields(proposed), error=error, problems=problems or [], notice=notice,
        own=own, may_review=staff.may(roles.REVIEW) and not own, may_force=staff.may(roles.FORCE_PUBLISH),
        reason=reason,
    )  # fmt: skip


def _draft_act(
    request: Request, staff: Staff, draft_id: int, csrf_token: str, act: Any, done: str, **kept: str
) -> Response:
    """Do ``act`` to the draft, then show it; refused, the draft's page says why, with what the
    person typed (``kept``: a forced publish's reason) still in its box."""
    check_csrf(request, staff, csrf_token)
    draft = _draft_or_none(request, staff, draft_id)
    if draft is None:
        return _not_found(request, staff, "پیش‌نویس")
    try:
        act(draft)
    except LookupError:
        return _not_found(request, staff, "پیش‌نویس")
    except DraftError as exc:
        fresh = board_of(request).store.drafts.get(draft_id) or draft
        return _draft(request, staff, fresh, 422, ERRORS.get(exc.code, str(exc)), exc.problems, **kept)
    return RedirectResponse(f"/services/drafts/{draft_id}?done={done}", status_code=303)


@router.post("/services/drafts/{draft_id}/approve")
def approve(
    request: Request,
    staff: StaffUser,
    draft_id: int,
    csrf_token: Annotated[str, Form(max_length=100)],
    publish_at: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    _need(staff, roles.REVIEW)
    drafts = board_of(request).store.drafts
    when = None
    if publish_at.strip():
        when = _local_time(publish_at, board_of(request).settings.display_utc_offset_minutes)
        if when is None:
            check_csrf(request, staff, csrf_token)
            draft = _draft_or_none(request, staff, draft_id)
            if draft is None:
                return _not_found(request, staff, "پیش‌نویس")
            return _draft(request, staff, draft, 422, ERRORS["bad_time"])
    by = Actor.of(staff.user)
    done = "scheduled" if when is not None and when > datetime.now(UTC) else "published"
    return _draft_act(request, staff, draft_id, csrf_token, lambda d: drafts.approve(d.id, by, when), done)


@router.post("/services/drafts/{draft_id}/reject")
def reject(
    request: Request,
    staff: StaffUser,
    draft_id: int,
    csrf_token: Annotated[str, Form(max_length=100)],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    _need(staff, roles.REVIEW)
    drafts, by = board_of(request).store.drafts, Actor.of(staff.user)
    return _draft_act(request, staff, draft_id, csrf_token, lambda d: drafts.reject(d.id, by, note), "rejected")


@router.post("/services/drafts/{draft_id}/force")
def force(
    request: Request,
    staff: StaffUser,
    draft_id: int,
    csrf_token: Annotated[str, Form(max_length=100)],
    reason: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    _need(staff, roles.FORCE_PUBLISH)
    drafts, by = board_of(request).store.drafts, Actor.of(staff.user)
    return _draft_act(
        request, staff, draft_id, csrf_token, lambda d: drafts.force(d.id, by, reason), "forced", reason=reason
    )


# The draft as a kiosk draws it (``kiosk.central.preview``: ``kiosk render`` in a process of its own).


def _draft_document(request: Request, draft: ServiceDraft) -> dict[str, Any] | None:
    """The catalog the draft would publish: its base release with the proposed service in it."""
    base = board_of(request).store.catalogs.document(draft.base_release)
    if base is None:
        return None
    try:
        return with_service(base, json.loads(draft.document))
    except DraftError:
        return None


@router.get("/services/drafts/{draft_id}/preview")
def draft_preview_page(request: Request, staff: StaffUser, draft_id: int) -> Response:
    draft = _draft_or_none(request, staff, draft_id)
    document = _draft_document(request, draft) if draft is not None else None
    if draft is None or document is None:
        return _not_found(request, staff, "پیش‌نویس")
    board = board_of(request)
    base = f"/services/drafts/{draft.id}/preview"
    try:
        preview = previewer_of(request).preview(document, Selection(services=(draft.service_id,)))
    except PreviewFailed as exc:
        return board.render(
            request, "service_draft_preview.html", status_code=503, staff=staff, nav="services", draft=draft,
            groups=[], problem=exc.message,
        )  # fmt: skip
    return board.render(
        request, "service_draft_preview.html", staff=staff, nav="services", draft=draft,
        groups=groups(preview, draft.service_id, base), problem="",
    )  # fmt: skip


@router.get("/services/drafts/{draft_id}/preview/{language}/{orientation}/{name}.png")
def draft_preview_image(
    request: Request, staff: StaffUser, draft_id: int, language: str, orientation: str, name: str
) -> Response:
    draft = _draft_or_none(request, staff, draft_id)
    document = _draft_document(request, draft) if draft is not None else None
    if draft is None or document is None or language not in LANGUAGES or orientation not in ORIENTATIONS:
        return _not_found(request, staff, "پیش‌نویس")
    try:
        preview = previewer_of(request).preview(document, Selection(services=(draft.service_id,)))
    except PreviewFailed as exc:
        return Response(exc.message, status_code=503, media_type="text/plain; charset=utf-8")
    path = preview.image(draft.service_id, language, orientation, name)
    if path is None:
        return _not_found(request, staff, "پیش‌نویس")
    response = FileResponse(path, media_type="image/png")
    security_headers(response)
    return response


# History and rollback -------------------------------------------------------------------------


@router.get("/releases")
def releases_page(request: Request, staff: StaffUser, done: Annotated[str, Query(max_length=20)] = "") -> Response:
    board = board_of(request)
    return board.render(
        request, "releases.html", staff=staff, nav="releases", rows=board.store.drafts.history(),
        notice=DONE.get(done),
    )  # fmt: skip


@router.get("/releases/{number}")
def release_page(request: Request, staff: StaffUser, number: int) -> Response:
    return _release(request, staff, number)


def _release(
    request: Request, staff: Staff, number: int, status_code: int = 200, error: str | None = None,
    problems: list[str] | None = None, reason: str = "",
) -> Response:  # fmt: skip
    board = board_of(request)
    catalogs = board.store.catalogs
    document = catalogs.document(number) if 0 < number <= MAX_ID else None
    if document is None:
        return _not_found(request, staff, "انتشار")
    before = catalogs.document(number - 1) if number > 1 else None
    scope = _agencies(staff)
    changes = [c for c in release_changes(before, document) if scope is None or c.service_id.split(".", 1)[0] in scope]
    return board.render(
        request, "release.html", status_code=status_code, staff=staff, nav="releases", number=number,
        record=board.store.drafts.record(number), changes=changes, latest=catalogs.latest_number(), error=error,
        problems=problems or [], may_roll_back=staff.may(roles.ROLL_BACK), reason=reason,
    )  # fmt: skip


@router.post("/releases/{number}/rollback")
def rollback(
    request: Request,
    staff: StaffUser,
    number: int,
    csrf_token: Annotated[str, Form(max_length=100)],
    reason: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    _need(staff, roles.ROLL_BACK)
    check_csrf(request, staff, csrf_token)
    if not 0 < number <= MAX_ID:
        return _not_found(request, staff, "انتشار")
    try:
        release = board_of(request).store.drafts.rollback(number, Actor.of(staff.user), reason)
    except DraftError as exc:
        if exc.code == "no_release":
            return _not_found(request, staff, "انتشار")
        return _release(request, staff, number, 422, ERRORS.get(exc.code, str(exc)), exc.problems, reason)
    return RedirectResponse(f"/releases/{release.id}", status_code=303)


# The form and the service document ------------------------------------------------------------


def _lines(value: Any) -> str:
    return "\n".join(str(item) for item in value or [])


def form_of(service: dict[str, Any]) -> dict[str, str]:
    """A service document as the edit form's fields."""

    def local(value: Any, lang: str) -> str:
        return str((value or {}).get(lang, "")) if isinstance(value, dict) else ""

    fee, time = service.get("fee") or {}, service.get("time") or {}
    desk = service.get("service_desk") or {}
    keywords = service.get("keywords") or {}
    form = {
        "fee_kind": str(fee.get("kind", "free")),
        "fee_rial": str(fee.get("rial", "")),
        "time_unit": str(time.get("unit", "instant")),
        "time_min": str(time.get("min", "")),
        "time_max": str(time.get("max", time.get("min", ""))),
        "service_code": str(desk.get("service_code", "")),
        "service_type": str(desk.get("service_type", "")),
        "national_window": str(desk.get("national_window", "")),
        "last_verified": str(service.get("last_verified", "")),
    }
    for lang in ("fa", "en"):
        form[f"title_{lang}"] = local(service.get("title"), lang)
        form[f"summary_{lang}"] = local(service.get("summary"), lang)
        form[f"audience_{lang}"] = local(service.get("audience"), lang)
        form[f"fee_note_{lang}"] = local(fee.get("note"), lang)
        form[f"steps_{lang}"] = _lines(local(step, lang) for step in service.get("steps") or [])
        form[f"documents_{lang}"] = _lines(local(doc, lang) for doc in service.get("documents") or [])
        form[f"keywords_{lang}"] = _lines(keywords.get(lang))
        form[f"legal_basis_{lang}"] = local(desk.get("legal_basis"), lang)
        form[f"responsible_unit_{lang}"] = local(desk.get("responsible_unit"), lang)
    form["channels"] = _lines(
        " | ".join(
            [str(c.get("kind", "")), str(c.get("address", ""))]
            + ([local(c.get("label"), "fa"), local(c.get("label"), "en")] if c.get("label") else [])
        )
        for c in service.get("channels") or []
    )
    questions = (service.get("form") or {}).get("fields") or []
    form["questions"] = str(len(questions))
    for number, question in enumerate(questions):
        q = f"q{number}_"
        form[q + "id"] = str(question.get("id", ""))
        form[q + "kind"] = str(question.get("kind", "text"))
        form[q + "required"] = "1" if question.get("required", True) else ""
        for lang in ("fa", "en"):
            form[q + f"label_{lang}"] = local(question.get("label"), lang)
            form[q + f"help_{lang}"] = local(question.get("help"), lang)
            form[q + f"choices_{lang}"] = _lines(local(c.get("label"), lang) for c in question.get("choices") or [])
    return form


def service_from_form(current: dict[str, Any], form: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """The proposed service: ``current`` with the form's fields; or the reasons, in Persian, the
    form cannot make one (the kiosk's own checks run after, in ``store.drafts``)."""
    errors: list[str] = []
    service = json.loads(json.dumps(current))

    def text(name: str) -> str:
        return form.get(name, "").replace("\r", "").strip()

    def lines(name: str) -> list[str]:
        return [line.strip() for line in text(name).split("\n") if line.strip()]

    def pair(name: str, label: str, limit: int, required: bool = True) -> dict[str, str] | None:
        fa, en = text(f"{name}_fa"), text(f"{name}_en")
        if not fa and not en and not required:
            return None
        if not fa or not en:
            errors.append(f"«{label}» را به هر دو زبان فارسی و انگلیسی بنویسید.")
        for value, language in ((fa, "فارسی"), (en, "انگلیسی")):
            if len(value) > limit:
                errors.append(
                    f"«{label}» ({language}) {to_persian_digits(str(len(value)))} نویسه است؛ "
                    f"بیش از {to_persian_digits(str(limit))} نویسه در صفحهٔ پیشخوان جا نمی‌شود."
                )
        return {"fa": fa, "en": en}

    def number(name: str, label: str, low: int, high: int) -> int:
        raw = to_ascii_digits(text(name)).replace(",", "").replace("٬", "")
        if not raw.isdigit() or not low <= int(raw) <= high:
            errors.append(
                f"«{label}» باید عددی از {to_persian_digits(str(low))} تا {to_persian_digits(f'{high:,}')} باشد."
            )
            return low
        return int(raw)

    def listing(name: str, label: str, limit: int, minimum: int) -> list[dict[str, str]]:
        fa, en = lines(f"{name}_fa"), lines(f"{name}_en")
        if len(fa) != len(en):
            errors.append(
                f"«{label}»: {to_persian_digits(str(len(fa)))} سطر فارسی و {to_persian_digits(str(len(en)))} "
                "سطر انگلیسی است؛ هر سطر فارسی ترجمهٔ انگلیسی همان سطر را می‌خواهد."
            )
        if len(fa) < minimum:
            errors.append(f"«{label}» دست‌کم {to_persian_digits(str(minimum))} سطر می‌خواهد.")
        if len(fa) > LINES_MAX:
            errors.append(f"«{label}» بیش از {to_persian_digits(str(LINES_MAX))} سطر نباشد.")
        for value in fa + en:
            if len(value) > limit:
                errors.append(f"یک سطر «{label}» بیش از {to_persian_digits(str(limit))} نویسه است.")
                break
        return [{"fa": f, "en": e} for f, e in zip(fa, en, strict=False)]

    service["title"] = pair("title", "عنوان", TITLE_MAX)
    service["summary"] = pair("summary", "خلاصه", SUMMARY_MAX)
    service["audience"] = pair("audience", "برای چه کسانی", AUDIENCE_MAX)
    kind = text("fee_kind")
    if kind == "fixed":
        service["fee"] = {"kind": "fixed", "rial": number("fee_rial", "کارمزد (ریال)", 1, FEE_MAX_RIAL)}
    elif kind == "variable":
        service["fee"] = {"kind": "variable", "note": pair("fee_note", "توضیح کارمزد متغیر", 200)}
    elif kind == "free":
        service["fee"] = {"kind": "free"}
    else:
        errors.append("نوع کارمزد را برگزینید: رایگان، مبلغ ثابت یا متغیر.")
    unit = text("time_unit")
    if unit == "instant":
        service["time"] = {"unit": "instant"}
    elif unit in TIME_UNITS:
        low = number("time_min", "کمترین زمان", 1, TIME_MAX)
        high = number("time_max", "بیشترین زمان", 1, TIME_MAX) if text("time_max") else low
        if high < low:
            errors.append("بیشترین زمان از کمترین زمان کمتر است.")
        service["time"] = {"unit": unit, "min": low, "max": high}
    else:
        errors.append("یکای زمان معمول را برگزینید.")
    channels = []
    for line in lines("channels")[:LINES_MAX]:
        parts = [part.strip() for part in line.split("|")]
        if parts[0] not in CHANNEL_KINDS or len(parts) not in (2, 4) or not parts[1]:
            errors.append(
                f"سطر «{line[:60]}» از راه‌ها درست نیست: نوع (web، app، ussd یا phone)، سپس | و نشانی، "
                "و اگر برچسب دارد | برچسب فارسی | برچسب انگلیسی."
            )
            continue
        channel: dict[str, Any] = {"kind": parts[0], "address": to_ascii_digits(parts[1])}
        if len(parts) == 4:
            channel["label"] = {"fa": parts[2], "en": parts[3]}
        channels.append(channel)
    if not channels:
        errors.append("دست‌کم یک راه انجام خدمت (وب، برنامه، کد دستوری یا تلفن) بنویسید.")
    service["channels"] = channels
    service["steps"] = listing("steps", "گام‌ها", STEP_MAX, 2)
    service["documents"] = listing("documents", "مدارک", DOCUMENT_MAX, 0)
    keywords_fa, keywords_en = lines("keywords_fa"), lines("keywords_en")
    if not keywords_fa or not keywords_en:
        errors.append("دست‌کم یک کلیدواژه به هر زبان بنویسید (هر کلیدواژه در یک سطر).")
    if any(len(word) > KEYWORD_MAX for word in keywords_fa + keywords_en):
        errors.append(f"هر کلیدواژه بیش از {to_persian_digits(str(KEYWORD_MAX))} نویسه نباشد.")
    service["keywords"] = {"fa": keywords_fa, "en": keywords_en}
    desk: dict[str, Any] = {}
    code = to_ascii_digits(text("service_code"))
    if code:
        if not (len(code) == 11 and code.isdigit()):
            errors.append("شناسهٔ خدمت باید ۱۱ رقم باشد.")
        desk["service_code"] = code
    kind = text("service_type")
    if kind:
        if kind not in SERVICE_TYPES:
            errors.append("نوع خدمت یکی از G2C، G2B یا G2G است.")
        desk["service_type"] = kind
    basis = pair("legal_basis", "مبنای قانونی", LEGAL_BASIS_MAX, required=False)
    if basis:
        desk["legal_basis"] = basis
    unit_text = pair("responsible_unit", "واحد پاسخگو", UNIT_MAX, required=False)
    if unit_text:
        desk["responsible_unit"] = unit_text
    window = text("national_window")
    if window:
        if not window.startswith("https://") or any(ch.isspace() for ch in window):
            errors.append("پیوند پنجرهٔ ملی باید نشانی کاملی باشد که با https:// آغاز می‌شود.")
        desk["national_window"] = window
    if desk:
        service["service_desk"] = desk
    else:
        service.pop("service_desk", None)
    _questions(service, current, form, text, lines, pair, errors)
    verified = to_ascii_digits(text("last_verified"))
    if verified:
        try:
            if not _DATE.match(verified):
                raise ValueError(verified)
            datetime.strptime(verified, "%Y-%m-%d")
        except ValueError:
            errors.append("تاریخ آخرین بازبینی را از جعبهٔ تاریخ برگزینید.")
        service["last_verified"] = verified
    else:
        service.pop("last_verified", None)
    return service, errors


# What each kind of question keeps of its settings when its kind changes (the rest are dropped:
# the validator refuses, say, a max_length on a number question).
_KIND_KEYS = {"text": {"max_length"}, "long_text": {"max_length"}, "number": {"min_digits", "max_digits"},
              "jalali_date": {"when"}}  # fmt: skip
_QUESTION_ID = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")


def _questions(
    service: dict[str, Any], current: dict[str, Any], form: dict[str, str], text: Any, lines: Any, pair: Any,
    errors: list[str],
) -> None:  # fmt: skip
    """The request form's questions from the edit form: each existing one changed or removed, and up
    to ``NEW_QUESTIONS`` added; choices a line each, their ids kept by position."""
    old = (current.get("form") or {}).get("fields") or []
    try:
        slots = min(int(form.get("questions", "0")), MAX_FIELDS) + NEW_QUESTIONS
    except ValueError:
        slots = len(old) + NEW_QUESTIONS
    questions: list[dict[str, Any]] = []
    for number in range(slots):
        q = f"q{number}_"
        existing = old[number] if number < len(old) else None
        if text(q + "remove") == "1" or (existing is None and not text(q + "label_fa") and not text(q + "label_en")):
            continue
        shown = to_persian_digits(str(number + 1))
        kind = text(q + "kind")
        if kind not in FIELD_KINDS:
            errors.append(f"نوع پرسش {shown} را از فهرست برگزینید.")
            continue
        question: dict[str, Any] = {}
        if existing is not None:
            question = {
                k: v for k, v in existing.items() if k in ("id", "max_length", "min_digits", "max_digits", "when")
            }
        question_id = text(q + "id") or str(question.get("id", "")) or f"question_{number + 1}"
        if not _QUESTION_ID.match(question_id) or len(question_id) > 40:
            errors.append(f"شناسهٔ پرسش {shown} فقط حروف کوچک انگلیسی، رقم و _ باشد، مانند full_name.")
        question["id"] = question_id
        question["kind"] = kind
        for key in ("max_length", "min_digits", "max_digits", "when"):
            if key in question and key not in _KIND_KEYS.get(kind, set()):
                del question[key]
        question["label"] = pair(q + "label", f"پرسش {shown}", LABEL_MAX)
        help_text = pair(q + "help", f"راهنمای پرسش {shown}", HELP_MAX, required=False)
        if help_text:
            question["help"] = help_text
        required = text(q + "required") == "1"
        if kind == "consent" and not required:
            errors.append(f"پرسش {shown} از نوع رضایت است و همیشه باید پاسخ داده شود.")
        if not required or (existing is not None and "required" in existing):
            question["required"] = required  # else left out: a question is required unless it says not
        if kind == "choice":
            fa, en = lines(q + "choices_fa"), lines(q + "choices_en")
            if len(fa) != len(en) or len(fa) < 2:
                errors.append(f"گزینه‌های پرسش {shown}: دست‌کم دو گزینه، هر یک در یک سطر به هر دو زبان.")
            if any(len(label) > CHOICE_LABEL_MAX for label in fa + en):
                errors.append(f"هر گزینهٔ پرسش {shown} بیش از {to_persian_digits(str(CHOICE_LABEL_MAX))} نویسه نباشد.")
            ids = [str(c.get("id")) for c in (existing or {}).get("choices") or []] if existing else []
            question["choices"] = [
                {"id": ids[i] if i < len(ids) else f"c{i + 1}", "label": {"fa": f, "en": e}}
                for i, (f, e) in enumerate(zip(fa, en, strict=False))
            ]
        questions.append(question)
    if len(questions) > MAX_FIELDS:
        errors.append(f"فرم بیش از {to_persian_digits(str(MAX_FIELDS))} پرسش نداشته باشد.")
    if len({q["id"] for q in questions}) != len(questions):
        errors.append("دو پرسش یک شناسه دارند؛ شناسهٔ هر پرسش باید یکتا باشد.")
    if questions:
        service["form"] = {**(current.get("form") or {}), "fields": questions}
    else:
        service.pop("form", None)


def _local_time(value: str, offset_minutes: int) -> datetime | None:
    """A datetime-local box's value (the province's time) in UTC, or None if it is not a time."""
    try:
        moment = datetime.strptime(to_ascii_digits(value.strip()), "%Y-%m-%dT%H:%M")
    except ValueError:
        return None
    return moment.replace(tzinfo=timezone(timedelta(minutes=offset_minutes))).astimezone(UTC)


def install(app: FastAPI) -> None:
    """The service pages, on the dashboard ``dashboard.install`` set up."""
    board = app.state.dashboard
    people_actions = board.env.filters["action_label"]
    board.env.filters.update(
        draft_state=lambda state: STATE_LABELS.get(state, state),
        record_kind=lambda kind: RECORD_LABELS.get(kind, kind),
        action_label=lambda action: ACTION_LABELS.get(action) or people_actions(action),
    )
    app.include_router(router)
