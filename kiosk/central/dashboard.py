"""The staff dashboard: server-rendered Persian pages behind a login (Jinja2, right-to-left).

Personal data is only ever on pages behind a session. Sessions live in the database (so several
server processes share them) and each carries a CSRF token every form must return. Cookies are
HttpOnly and SameSite=Strict, Secure over https; pages send a Content-Security-Policy that allows
no script at all, because the dashboard needs none.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from kiosk.central import jalali, roles
from kiosk.central.clock import iso
from kiosk.central.models import STATUSES, User
from kiosk.central.readable import FormBook
from kiosk.central.settings import Settings
from kiosk.central.store import Store
from kiosk.central.store.catalogs import Catalogs
from kiosk.core.paths import resources_root
from kiosk.core.persian import to_persian_digits
from kiosk.core.tracking import format_for_reading

SESSION_COOKIE = "pishkhan_session"
LOGIN_CSRF_COOKIE = "pishkhan_login_csrf"
# Browsers that have logged in before (``store.logins``): sent to /login only.
DEVICE_COOKIE = "pishkhan_device"

STATUS_LABELS = {"received": "دریافت‌شده", "in_review": "در حال بررسی", "done": "انجام‌شده", "rejected": "ردشده"}
MODE_LABELS = {"demo": "نمایشی", "live": "واقعی"}

CSP = (
    "default-src 'none'; style-src 'self'; font-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


class LoginRequired(Exception):
    pass


class Forbidden(Exception):
    pass


class NotAllowed(Exception):
    """A page the staff member's role may not open (``kiosk.central.roles``): 403 with a Persian page."""

    def __init__(self, staff: Staff) -> None:
        super().__init__(staff.user.role)
        self.staff = staff


@dataclass
class Staff:
    user: User
    token: str
    csrf: str

    def may(self, area: str) -> bool:
        return roles.may(self.user.role, area)


class CatalogNames:
    """Persian names of agencies and services from the latest published catalog (ids if none)."""

    def __init__(self, catalogs: Catalogs) -> None:
        self._catalogs = catalogs
        self._release = -1
        self.agencies: dict[str, str] = {}
        self.services: dict[str, str] = {}

    def refresh(self) -> None:
        if self._catalogs.latest_number() == self._release:
            return
        release = self._catalogs.latest()
        if release is None:
            return
        number = release.id
        document = json.loads(release.document)
        agencies, services = {}, {}
        for agency in document.get("agencies", []):
            agencies[agency["id"]] = agency["name"]["fa"]
            for service in agency.get("services", []):
                services[service["id"]] = service["title"]["fa"]
        self.agencies, self.services, self._release = agencies, services, number

    def agency(self, agency_id: str | None) -> str:
        return self.agencies.get(agency_id or "", agency_id or "—")

    def service(self, service_id: str | None) -> str:
        return self.services.get(service_id or "", service_id or "—")


class Dashboard:
    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self.names = CatalogNames(store.catalogs)
        self.forms = FormBook(store.catalogs)  # questions' and choices' labels, by catalog release
        offset = settings.display_utc_offset_minutes
        self.env = Environment(
            loader=FileSystemLoader(Path(__file__).parent / "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(
            fa=lambda v: to_persian_digits(str(v)),
            reading=format_for_reading,
            num=jalali.persian_number,
            jdate=lambda d: jalali.persian_date(d, offset) if d else "—",
            jdatetime=lambda d: jalali.persian_datetime(d, offset) if d else "—",
            duration=jalali.persian_duration,
            status_label=lambda s: STATUS_LABELS.get(s, s),
            mode_label=lambda m: MODE_LABELS.get(m, m or "—"),
            agency_name=lambda a: self.names.agency(a),
            service_name=lambda s: self.names.service(s),
            iso=iso,
        )
        self.env.globals.update(STATUSES=STATUSES, STATUS_LABELS=STATUS_LABELS)
        self.env.globals["shown_answers"] = lambda row, values: self.forms.shown(
            row.catalog_version, row.service_id, values
        )

    def render(self, request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        self.names.refresh()
        self.forms.refresh()
        html = self.env.get_template(name).render(request=request, **context)
        response = HTMLResponse(html, status_code=status_code)
        security_headers(response)
        return response

    def secure(self, request: Request) -> bool:
        if self.settings.secure_cookies is not None:
            return self.settings.secure_cookies
        return request.url.scheme == "https"


def security_headers(response: Response) -> None:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"


def board_of(request: Request) -> Dashboard:
    board: Dashboard = request.app.state.dashboard
    return board


def current_staff(request: Request) -> Staff:
    """The logged-in staff member, whose role may open this page (its route's path decides the area)."""
    token = request.cookies.get(SESSION_COOKIE)
    found = board_of(request).store.people.find_session(token) if token else None
    if found is None:
        raise LoginRequired
    user, session = found
    staff = Staff(user=user, token=token or "", csrf=session.csrf_token)
    route = request.scope.get("route")
    if not roles.may_open(user.role, getattr(route, "path", request.url.path)):
        raise NotAllowed(staff)
    return staff


StaffUser = Annotated[Staff, Depends(current_staff)]


def _same_origin(request: Request) -> bool:
    """Forms must come from our own pages: refuse a foreign Origin (or Referer) outright."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


def check_csrf(request: Request, staff: Staff, token: str) -> None:
    if not _same_origin(request) or not secrets.compare_digest(token.encode(), staff.csrf.encode()):
        raise Forbidden


router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request) -> RedirectResponse:
    token = request.cookies.get(SESSION_COOKIE)
    found = board_of(request).store.people.find_session(token) if token else None
    return RedirectResponse(roles.home(found[0].role) if found else "/requests", status_code=303)


@router.get("/login")
def login_page(request: Request, next: str = "/requests") -> HTMLResponse:
    board = board_of(request)
    token = secrets.token_urlsafe(32)
    response = board.render(request, "login.html", csrf=token, next=_safe_next(next), error=None)
    _set_cookie(response, LOGIN_CSRF_COOKIE, token, board.secure(request), max_age=3600)
    return response


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token: Annotated[str, Form(max_length=100)],
    next: Annotated[str, Form(max_length=2000)] = "/requests",
) -> Response:
    board = board_of(request)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie.encode(), csrf_token.encode()) or not _same_origin(request):
        raise Forbidden
    name = username.strip()
    logins = board.store.logins
    devices = logins.device_tokens(request.cookies.get(DEVICE_COOKIE, ""))
    # Throttled per name, per address and per browser (store.logins): a wait, never a lockout.
    attempt = logins.begin(name, request.client.host if request.client else "?", devices)
    if attempt.wait:
        response = _login_again(
            request, board, next, 429,
            f"چند تلاش ناموفق پشت سر هم بود؛ {_wait_words(attempt.wait)} دیگر دوباره امتحان کنید.",
        )  # fmt: skip
        response.headers["Retry-After"] = str(attempt.wait)
        return response
    user = board.store.people.authenticate(name, password)
    if user is None:
        logins.failed(attempt)
        return _login_again(request, board, next, 401, "نام کاربری یا گذرواژه درست نیست.")
    devices = logins.succeeded(attempt, user.id, devices)
    session_token, _csrf = board.store.people.open_session(user.id)
    target = _safe_next(next)
    if not roles.may_open(user.role, urlsplit(target).path):
        target = roles.home(user.role)
    response = RedirectResponse(target, status_code=303)
    _set_cookie(response, SESSION_COOKIE, session_token, board.secure(request), max_age=None)
    response.set_cookie(
        DEVICE_COOKIE, ".".join(devices), max_age=180 * 86400, path="/login", secure=board.secure(request),
        httponly=True, samesite="strict",
    )  # fmt: skip
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


def _wait_words(seconds: int) -> str:
    if seconds < 120:
        return f"{to_persian_digits(str(seconds))} ثانیهٔ"
    return f"{to_persian_digits(str(-(-seconds // 60)))} دقیقهٔ"


def _login_again(request: Request, board: Dashboard, next: str, status: int, error: str) -> Response:
    token = secrets.token_urlsafe(32)
    response = board.render(request, "login.html", status_code=status, csrf=token, next=_safe_next(next), error=error)
    _set_cookie(response, LOGIN_CSRF_COOKIE, token, board.secure(request), max_age=3600)
    return response


@router.post("/logout")
def logout(request: Request, staff: StaffUser, csrf_token: Annotated[str, Form(max_length=100)]) -> Response:
    check_csrf(request, staff, csrf_token)
    board_of(request).store.people.close_session(staff.token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _safe_next(target: str) -> str:
    """Only our own paths: a login link must not send staff to another site afterwards."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/requests"
    return target


def _set_cookie(response: Response, name: str, value: str, secure: bool, max_age: int | None) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", secure=secure, httponly=True, samesite="strict")


def install(app: FastAPI, settings: Settings, store: Store) -> None:
    app.state.dashboard = Dashboard(settings, store)
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    app.mount("/fonts", StaticFiles(directory=resources_root() / "resources" / "fonts"), name="fonts")

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _exc: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            target = "/requests"
        return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, _exc: Forbidden) -> Response:
        board = board_of(request)
        return board.render(request, "forbidden.html", status_code=403, staff=None, nav="")

    @app.exception_handler(NotAllowed)
    async def _not_allowed(request: Request, exc: NotAllowed) -> Response:
        board = board_of(request)
        staff = exc.staff
        return board.render(
            request, "not_allowed.html", status_code=403, staff=staff, nav="", home=roles.home(staff.user.role)
        )
