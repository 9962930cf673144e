"""The dashboard's people pages: users (invite, list, role and agencies, disable, remove, password
reset, forced logout), the audit log, and the one-time link page where a user sets a password.

Only the administrator changes people (``roles.MANAGE_USERS``); a supervisor sees the list of their
agencies' users, read only. Every change goes through ``store.people``, which ends the user's
sessions and writes the audit log in the same transaction. Forms carry the session's CSRF token
(the link page, before any session, the login page's cookie token); no script anywhere.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from kiosk.central import roles
from kiosk.central.clock import utcnow
from kiosk.central.dashboard import (
    LOGIN_CSRF_COOKIE,
    Dashboard,
    Forbidden,
    NotAllowed,
    Staff,
    StaffUser,
    _same_origin,
    _set_cookie,
    board_of,
    check_csrf,
)
from kiosk.central.models import AuditEvent, User
from kiosk.central.store import people as people_store
from kiosk.central.store.people import LINK_HOURS, MIN_PASSWORD, Actor, PeopleError, is_active
from kiosk.core.persian import to_persian_digits

AUDIT_PAGE_SIZE = 100
# Ids beyond this are no user's (and too big for the database's integer): "not found", not a 500.
MAX_ID = 2**31 - 1

ERRORS = {
    "name_taken": "این نام کاربری پیش‌تر به کار رفته است؛ نام دیگری بنویسید.",
    "bad_name": "نام کاربری باید ۱ تا ۱۰۰ نویسه باشد، بی‌نویسه‌های کنترلی.",
    "short_password": f"گذرواژه دست‌کم {to_persian_digits(str(MIN_PASSWORD))} نویسه باشد.",
    "long_password": "گذرواژه بیش از ۱۰۰۰ نویسه نباشد.",
    "bad_role": "نقش درست نیست؛ یکی از نقش‌های فهرست را برگزینید.",
    "bad_agency": "شناسهٔ دستگاه درست نیست: فقط حروف کوچک انگلیسی، رقم و خط تیره، مانند mazandaran-water.",
    "no_agency": "دست‌کم یک دستگاه را برگزینید، یا «همهٔ دستگاه‌ها» را.",
    "oneself": "این کار را روی حساب خودتان نمی‌توانید بکنید؛ مدیر دیگری می‌تواند.",
    "last_admin": "این آخرین مدیر فعال است؛ نخست مدیر دیگری بسازید یا فعال کنید.",
    "passwords_differ": "دو گذرواژه یکی نیستند؛ دوباره بنویسید.",
    "confirm_remove": "برای حذف، جعبهٔ تأیید را علامت بزنید.",
}
DONE = {
    "role": "نقش و دستگاه‌ها تغییر کرد؛ کاربر باید دوباره وارد شود.",
    "disabled": "حساب غیرفعال شد و نشست‌های آن همین حالا بسته شد.",
    "enabled": "حساب دوباره فعال شد.",
    "logged_out": "همهٔ نشست‌های این کاربر بسته شد.",
    "removed": "کاربر حذف شد.",
}
ACTION_LABELS = {
    people_store.ADDED: "افزودن با گذرواژه",
    people_store.INVITED: "دعوت با پیوند یک‌بار مصرف",
    people_store.PASSWORD_SET: "گذاشتن گذرواژه با پیوند",
    people_store.ROLE_CHANGED: "تغییر نقش یا دستگاه",
    people_store.DISABLED: "غیرفعال کردن",
    people_store.ENABLED: "فعال کردن دوباره",
    people_store.REMOVED: "حذف",
    people_store.PASSWORD_RESET: "بازنشانی گذرواژه (پیوند تازه)",
    people_store.LOGGED_OUT: "بستن همهٔ نشست‌ها",
}

router = APIRouter(include_in_schema=False)


def _manager(staff: Staff) -> Staff:
    if not staff.may(roles.MANAGE_USERS):
        raise NotAllowed(staff)
    return staff


def _agency_choices(board: Dashboard, *users: User) -> list[tuple[str, str]]:
    """(id, Persian name) of the catalog's agencies and of those the given users already work for."""
    board.names.refresh()
    ids = set(board.names.agencies)
    for user in users:
        ids |= set(user.agencies)
    return sorted(((a, board.names.agency(a)) for a in ids), key=lambda pair: pair[1])


def _agencies_from(chosen: list[str], other: str) -> list[str]:
    return [*chosen, *other.replace("،", ",").replace(" ", ",").split(",")]


@router.get("/users")
def users_page(request: Request, staff: StaffUser, done: Annotated[str, Query(max_length=20)] = "") -> Response:
    return _users_page(request, staff, notice=DONE.get(done))


def _users_page(
    request: Request, staff: Staff, status_code: int = 200, error: str | None = None,
    notice: str | None = None, form: dict[str, Any] | None = None,
) -> Response:  # fmt: skip
    board = board_of(request)
    users = board.store.people.users(staff.user)
    return board.render(
        request, "users.html", status_code=status_code, staff=staff, users=users, nav="users", error=error,
        notice=notice, manage=staff.may(roles.MANAGE_USERS), choices=_agency_choices(board), form=form or {},
        now=utcnow(), link_hours=LINK_HOURS,
    )  # fmt: skip


@router.post("/users")
def invite(
    request: Request,
    staff: StaffUser,
    csrf_token: Annotated[str, Form(max_length=100)],
    name: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form(max_length=20)] = "",
    agency: Annotated[list[str] | None, Form(max_length=100)] = None,
    other_agencies: Annotated[str, Form(max_length=1000)] = "",
    all_agencies: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    check_csrf(request, _manager(staff), csrf_token)
    board = board_of(request)
    agencies = _agencies_from(agency or [], other_agencies)
    try:
        user, token = board.store.people.invite(name, role, agencies, all_agencies == "1", by=Actor.of(staff.user))
    except PeopleError as exc:
        form = {"name": name, "role": role, "agencies": agencies, "all_agencies": all_agencies == "1"}
        return _users_page(request, staff, status_code=422, error=ERRORS.get(exc.code, str(exc)), form=form)
    return _link_page(request, staff, user, token, invited=True)


def _link_page(request: Request, staff: Staff, user: User, token: str, invited: bool) -> Response:
    board = board_of(request)
    link = str(request.base_url).rstrip("/") + f"/welcome/{token}"
    return board.render(
        request, "user_link.html", staff=staff, user=user, link=link, invited=invited, nav="users",
        link_hours=LINK_HOURS,
    )  # fmt: skip


def _user_or_none(request: Request, user_id: int) -> User | None:
    return board_of(request).store.people.get(user_id) if 0 < user_id <= MAX_ID else None


def _not_found(request: Request, staff: Staff) -> Response:
    board = board_of(request)
    return board.render(request, "user_not_found.html", status_code=404, staff=staff, nav="users")


@router.get("/users/{user_id}")
def user_page(
    request: Request, staff: StaffUser, user_id: int, done: Annotated[str, Query(max_length=20)] = ""
) -> Response:
    _manager(staff)
    user = _user_or_none(request, user_id)
    if user is None:
        return _not_found(request, staff)
    return _user_page(request, staff, user, notice=DONE.get(done))


def _user_page(
    request: Request, staff: Staff, user: User, status_code: int = 200, error: str | None = None,
    notice: str | None = None,
) -> Response:  # fmt: skip
    board = board_of(request)
    return board.render(
        request, "user.html", status_code=status_code, staff=staff, user=user, nav="users", error=error,
        notice=notice, choices=_agency_choices(board, user), sessions=board.store.people.sessions_of(user.id),
        now=utcnow(), is_self=user.id == staff.user.id,
    )  # fmt: skip


def _act(request: Request, staff: Staff, user_id: int, csrf_token: str, act: Any, done: str) -> Response:
    """Run one change on a user as ``staff``: back to the user's page with a notice, or the page with
    the reason it was refused."""
    check_csrf(request, _manager(staff), csrf_token)
    user = _user_or_none(request, user_id)
    if user is None:
        return _not_found(request, staff)
    try:
        act(user)
    except LookupError:
        return _not_found(request, staff)
    except PeopleError as exc:
        return _user_page(request, staff, user, status_code=422, error=ERRORS.get(exc.code, str(exc)))
    target = "/users" if done == "removed" else f"/users/{user.id}"
    return RedirectResponse(f"{target}?done={done}", status_code=303)


@router.post("/users/{user_id}/role")
def change_role(
    request: Request,
    staff: StaffUser,
    user_id: int,
    csrf_token: Annotated[str, Form(max_length=100)],
    role: Annotated[str, Form(max_length=20)] = "",
    agency: Annotated[list[str] | None, Form(max_length=100)] = None,
    other_agencies: Annotated[str, Form(max_length=1000)] = "",
    all_agencies: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    people = board_of(request).store.people
    agencies = _agencies_from(agency or [], other_agencies)
    by = Actor.of(staff.user)
    return _act(
        request, staff, user_id, csrf_token,
        lambda user: people.set_role(user.id, role, agencies, all_agencies == "1", by=by), "role",
    )  # fmt: skip


@router.post("/users/{user_id}/disable")
def disable(
    request: Request, staff: StaffUser, user_id: int, csrf_token: Annotated[str, Form(max_length=100)]
) -> Response:
    people, by = board_of(request).store.people, Actor.of(staff.user)
    return _act(request, staff, user_id, csrf_token, lambda user: people.disable(user.id, by=by), "disabled")


@router.post("/users/{user_id}/enable")
def enable(
    request: Request, staff: StaffUser, user_id: int, csrf_token: Annotated[str, Form(max_length=100)]
) -> Response:
    people, by = board_of(request).store.people, Actor.of(staff.user)
    return _act(request, staff, user_id, csrf_token, lambda user: people.enable(user.id, by=by), "enabled")


@router.post("/users/{user_id}/logout")
def force_logout(
    request: Request, staff: StaffUser, user_id: int, csrf_token: Annotated[str, Form(max_length=100)]
) -> Response:
    people, by = board_of(request).store.people, Actor.of(staff.user)
    return _act(
        request, staff, user_id, csrf_token, lambda user: people.log_out_everywhere(user.id, by=by), "logged_out"
    )


@router.post("/users/{user_id}/remove")
def remove(
    request: Request,
    staff: StaffUser,
    user_id: int,
    csrf_token: Annotated[str, Form(max_length=100)],
    confirm: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    people, by = board_of(request).store.people, Actor.of(staff.user)

    def act(user: User) -> None:
        if confirm != "1":
            raise PeopleError("confirm_remove", "tick the box to confirm")
        people.remove(user.id, by=by)

    return _act(request, staff, user_id, csrf_token, act, "removed")


@router.post("/users/{user_id}/reset-password")
def reset_password(
    request: Request, staff: StaffUser, user_id: int, csrf_token: Annotated[str, Form(max_length=100)]
) -> Response:
    check_csrf(request, _manager(staff), csrf_token)
    user = _user_or_none(request, user_id)
    if user is None:
        return _not_found(request, staff)
    try:
        token = board_of(request).store.people.reset_password(user.id, by=Actor.of(staff.user))
    except LookupError:
        return _not_found(request, staff)
    return _link_page(request, staff, user, token, invited=False)


@router.get("/audit")
def audit_page(request: Request, staff: StaffUser, page: Annotated[int, Query(ge=1, le=100000)] = 1) -> Response:
    board = board_of(request)
    found = board.store.people.audit_log(page, AUDIT_PAGE_SIZE)
    pages = max(1, (found.total + AUDIT_PAGE_SIZE - 1) // AUDIT_PAGE_SIZE)
    return board.render(
        request, "audit.html", staff=staff, rows=found.rows, total=found.total, page=page, pages=pages, nav="audit"
    )


# The one-time link: no session yet, so the login page's CSRF cookie guards its form. ----------


@router.get("/welcome/{token}")
def welcome_page(request: Request, token: str) -> Response:
    board = board_of(request)
    user = board.store.people.link_user(token)
    if user is None:
        return _welcome(request, board, None, status_code=404)
    return _welcome(request, board, user)


@router.post("/welcome/{token}")
def set_password(
    request: Request,
    token: str,
    csrf_token: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=2000)] = "",
    again: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    board = board_of(request)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie.encode(), csrf_token.encode()) or not _same_origin(request):
        raise Forbidden
    user = board.store.people.link_user(token)
    if user is None:
        return _welcome(request, board, None, status_code=404)
    if password != again:
        return _welcome(request, board, user, status_code=422, error=ERRORS["passwords_differ"])
    try:
        board.store.people.set_password_with_link(token, password)
        board.store.logins.forget_account(user.name)
    except LookupError:
        return _welcome(request, board, None, status_code=404)
    except PeopleError as exc:
        return _welcome(request, board, user, status_code=422, error=ERRORS.get(exc.code, str(exc)))
    response = board.render(request, "welcome.html", staff=None, nav="", user=user, done=True, csrf="", error=None)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


def _welcome(
    request: Request, board: Dashboard, user: User | None, status_code: int = 200, error: str | None = None
) -> Response:
    csrf = secrets.token_urlsafe(32)
    response = board.render(
        request, "welcome.html", status_code=status_code, staff=None, nav="", user=user, done=False, csrf=csrf,
        error=error, min_password=MIN_PASSWORD,
    )  # fmt: skip
    # The token is in this page's address. The dashboard's Referrer-Policy (same-origin) lets it go
    # to this server only; "no-referrer" would make the browser send "Origin: null" with the form,
    # which _same_origin refuses as a forgery.
    _set_cookie(response, LOGIN_CSRF_COOKIE, csrf, board.secure(request), max_age=3600)
    return response


# Words for the templates. ---------------------------------------------------------------------


def describe(board: Dashboard, event: AuditEvent) -> str:
    """What an audit event changed, in Persian ("نقش: کارشناس دستگاه ← سرپرست دستگاه")."""
    detail = event.detail or {}
    parts = []

    def scope(agencies: list[str]) -> str:
        if agencies == ["*"]:
            return "همهٔ دستگاه‌ها"
        return "، ".join(board.names.agency(a) for a in agencies) or "—"

    role, agencies = detail.get("role"), detail.get("agencies")
    if isinstance(role, list) and len(role) == 2:
        if role[0] != role[1]:
            parts.append(f"نقش: {roles.LABELS.get(role[0], role[0])} ← {roles.LABELS.get(role[1], role[1])}")
    elif isinstance(role, str):
        parts.append(f"نقش: {roles.LABELS.get(role, role)}")
    if isinstance(agencies, list) and len(agencies) == 2 and all(isinstance(a, list) for a in agencies):
        if agencies[0] != agencies[1]:
            parts.append(f"دستگاه‌ها: {scope(agencies[0])} ← {scope(agencies[1])}")
    elif isinstance(agencies, list):
        parts.append(f"دستگاه‌ها: {scope(agencies)}")
    if isinstance(detail.get("sessions"), int):
        parts.append(f"{to_persian_digits(str(detail['sessions']))} نشست بسته شد")
    # Acts on services and releases (``store.drafts``).
    for key, label in (("base", "بر پایهٔ انتشار"), ("draft", "پیش‌نویس"), ("restored", "محتوای انتشار")):
        if isinstance(detail.get(key), int):
            parts.append(f"{label} {to_persian_digits(str(detail[key]))}")
    if isinstance(detail.get("service"), str):
        parts.append(f"خدمت: {board.names.service(detail['service'])}")
    if isinstance(detail.get("at"), str):
        parts.append(f"زمان انتشار: {to_persian_digits(detail['at'][:16].replace('T', ' '))} (UTC)")
    if isinstance(detail.get("reason"), str):
        parts.append(f"دلیل: {detail['reason']}")
    return "؛ ".join(parts)


def user_state(user: User, now: Any) -> tuple[str, str]:
    """(css class, Persian words) for a user's state on the lists."""
    if user.disabled_at is not None:
        return "state-disabled", "غیرفعال"
    if not user.password_hash:
        if user.link_expires_at is not None and user.link_expires_at > now:
            return "state-waiting", "در انتظار گذاشتن گذرواژه"
        return "state-expired", "بی‌گذرواژه (پیوند کهنه شده؛ پیوند تازه بفرستید)"
    return "state-active", "فعال"


def install(app: FastAPI) -> None:
    """The people pages, on the dashboard ``dashboard.install`` set up."""
    board: Dashboard = app.state.dashboard
    board.env.filters.update(
        role_label=lambda role: roles.LABELS.get(role, role),
        action_label=lambda action: ACTION_LABELS.get(action, action),
        audit_detail=lambda event: describe(board, event),
        user_state=user_state,
        scope_names=lambda user: (
            "همهٔ دستگاه‌ها" if user.all_agencies else "، ".join(board.names.agency(a) for a in user.agencies)
        ),
    )
    board.env.globals.update(ROLES=roles.ROLES, ROLE_LABELS=roles.LABELS, ROLE_DESCRIPTIONS=roles.DESCRIPTIONS,
                             is_active=is_active)  # fmt: skip
    app.include_router(router)
