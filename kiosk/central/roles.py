"""Staff roles and what each may open: one table, read by every dashboard page through ``current_staff``.

- **admin** (province administrator): every agency's requests, the fleet, usage, users, the audit log.
- **supervisor** (agency supervisor): their agencies' requests (list, detail, status, CSV), their
  agencies' usage, and the list of their agencies' users (read only: who has access, so they can
  ask the administrator to disable a leaver; managing people stays with the administrator).
- **case_worker** (agency case worker): their agencies' requests (list, detail, status, CSV), nothing else.
- **viewer** (organisers): usage only, for their agencies or all of them; never a citizen's answer.
- **editor** (agency editor): their agencies' services: proposes changes (drafts) and approves a
  colleague's, never their own; the release history.
- **reviewer** (agency reviewer): approves or rejects their agencies' drafts; the release history.

The administrator edits and approves every agency's services, may publish a draft without review
(with a written reason, ``store.drafts``) and rolls a release back (``ROLL_BACK``).

The catalog's preview (a service as kiosks draw it) is open to the administrator for every
agency and to agency staff (supervisor, case worker) for their agencies' services.

Pages are grouped into *areas* by the first segment of their route's path (``/requests.csv`` and
``/requests/{id}`` are both "requests"); a page whose area is in no table below is the
administrator's alone, so a page added later is closed until someone opens it here. What a page
shows is limited to the staff member's agencies by the store (``store.requests.visible_to``), a
second check that does not rest on this one.
"""

from __future__ import annotations

from typing import Final

ADMIN: Final = "admin"
SUPERVISOR: Final = "supervisor"
CASE_WORKER: Final = "case_worker"
VIEWER: Final = "viewer"
EDITOR: Final = "editor"
REVIEWER: Final = "reviewer"
ROLES: Final = (ADMIN, SUPERVISOR, CASE_WORKER, VIEWER, EDITOR, REVIEWER)

LABELS: Final = {
    ADMIN: "مدیر استان",
    SUPERVISOR: "سرپرست دستگاه",
    CASE_WORKER: "کارشناس دستگاه",
    VIEWER: "بیننده آمار",
    EDITOR: "ویرایشگر خدمات دستگاه",
    REVIEWER: "بازبین خدمات دستگاه",
}
DESCRIPTIONS: Final = {
    ADMIN: "همه چیز: درخواست‌های همهٔ دستگاه‌ها، پیشخوان‌ها، آمار، کاربران و گزارش کارها",
    SUPERVISOR: "درخواست‌ها و آمار دستگاه خود، و فهرست کاربران آن (بی‌تغییر)",
    CASE_WORKER: "درخواست‌های دستگاه خود: دیدن، تغییر وضعیت، خروجی",
    VIEWER: "فقط آمار استفاده",
    EDITOR: "پیشنهاد تغییر در خدمات دستگاه خود، و تأیید پیشنهاد همکاران (نه پیشنهاد خودش)",
    REVIEWER: "بررسی و تأیید یا رد پیشنهادهای تغییر خدمات دستگاه خود",
}

# Areas of the dashboard (a route's first path segment) and the roles that may open them.
REQUESTS, USAGE, FLEET, USERS, AUDIT, LOGOUT = "requests", "usage", "fleet", "users", "audit", "logout"
SERVICES, RELEASES = "services", "releases"
CATALOG: Final = "catalog"  # the published catalog's services as kiosks draw them (read only)
# Not areas of their own: changing people (the users page's forms), the administrator's only; and
# within "services", proposing a change, reviewing one, publishing one without review, rolling back.
MANAGE_USERS: Final = "manage_users"
EDIT: Final = "edit_services"
REVIEW: Final = "review_services"
FORCE_PUBLISH: Final = "force_publish"
ROLL_BACK: Final = "roll_back"
GRANTS: Final[dict[str, frozenset[str]]] = {
    ADMIN: frozenset({REQUESTS, USAGE, FLEET, USERS, AUDIT, LOGOUT, MANAGE_USERS, CATALOG})
    | frozenset({SERVICES, RELEASES, EDIT, REVIEW, FORCE_PUBLISH, ROLL_BACK}),
    SUPERVISOR: frozenset({REQUESTS, USAGE, USERS, LOGOUT, CATALOG}),
    CASE_WORKER: frozenset({REQUESTS, LOGOUT, CATALOG}),
    VIEWER: frozenset({USAGE, LOGOUT}),
    EDITOR: frozenset({SERVICES, RELEASES, LOGOUT, EDIT, REVIEW, CATALOG}),
    REVIEWER: frozenset({SERVICES, RELEASES, LOGOUT, REVIEW, CATALOG}),
}
# Where each role lands after logging in (and at "/").
HOMES: Final = {
    ADMIN: "/requests", SUPERVISOR: "/requests", CASE_WORKER: "/requests", VIEWER: "/usage",
    EDITOR: "/services", REVIEWER: "/services",
}  # fmt: skip


def may(role: str, area: str) -> bool:
    """Whether ``role`` may open ``area`` (an unknown role may open nothing)."""
    return area in GRANTS.get(role, frozenset())


def area_of(path: str) -> str:
    """The area a route path belongs to: its first segment without an extension ("/requests.csv" -> "requests")."""
    first = path.lstrip("/").split("/", 1)[0]
    return first.split(".", 1)[0]


def may_open(role: str, path: str) -> bool:
    return may(role, area_of(path))


def home(role: str) -> str:
    return HOMES.get(role, "/requests")


def needs_agency(role: str) -> bool:
    """Roles that work for particular agencies (or all of them); an administrator always has all."""
    return role != ADMIN
