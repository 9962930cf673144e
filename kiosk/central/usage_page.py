"""The usage page: the organisers' numbers, per agency, service, day and profile, demo and live apart.

Every figure comes from ``store.usage.report``, which counts in SQL and has already replaced each
one drawn from fewer than five sessions with ``HIDDEN``; this module only chooses what to ask
(reading the filters, with a Persian message for any it cannot use) and how to show it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from kiosk.central import jalali
from kiosk.central.charts import COLOURS, FEW_TEXT, bar_chart, daily_chart
from kiosk.central.dashboard import StaffUser, board_of
from kiosk.central.store.usage import MIN_SESSIONS, PERIODS, Hidden, UsageQuery, UsageRow
from kiosk.core.persian import to_ascii_digits

DEFAULT_DAYS = 14
MODE_NAMES = {"live": "واقعی", "demo": "نمایشی"}
SERIES = ("service_viewed", "request_started", "request_submitted")
TOP_SERVICES = 10
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

router = APIRouter(include_in_schema=False)


class Shown:
    """How the page writes a figure: Persian digits, «<۵» for a hidden one, «—» for none."""

    few = Markup('<abbr class="few" title="کمتر از {} جلسه؛ عدد دقیق نشان داده نمی‌شود">{}</abbr>').format(
        jalali.persian_number(MIN_SESSIONS), FEW_TEXT
    )

    def count(self, value: int | Hidden) -> str:
        return self.few if isinstance(value, Hidden) else jalali.persian_number(value)

    def percent(self, value: float | Hidden | None) -> str:
        if isinstance(value, Hidden):
            return self.few
        if value is None:
            return "—"
        return jalali.persian_number(round(value * 100, 1)) + "٪"

    def seconds(self, value: float | Hidden | None) -> str:
        if isinstance(value, Hidden):
            return self.few
        if value is None:
            return "—"
        whole = round(value)
        if whole < 60:
            return jalali.persian_number(whole) + " ثانیه"
        minutes, rest = divmod(whole, 60)
        text = jalali.persian_number(minutes) + " دقیقه"
        return text + (" و " + jalali.persian_number(rest) + " ثانیه" if rest else "")


def _series(rows: list[UsageRow]) -> dict[str, list[int | Hidden]]:
    return {
        "service_viewed": [r.views for r in rows],
        "request_started": [r.starts for r in rows],
        "request_submitted": [r.filed for r in rows],
    }


@router.get("/usage")
def usage(
    request: Request,
    staff: StaffUser,
    days: Annotated[str, Query()] = str(DEFAULT_DAYS),
    mode: Annotated[str, Query()] = "live",
    agency: Annotated[str, Query()] = "",
    profile: Annotated[str, Query()] = "",
) -> Response:
    board = board_of(request)
    board.names.refresh()
    user = staff.user
    errors: list[str] = []

    period = _number(days)
    if period not in PERIODS:
        default = jalali.persian_number(DEFAULT_DAYS)
        errors.append(f"بازهٔ «{days[:20]}» از گزینه‌های این صفحه نیست؛ {default} روز گذشته آمده است.")
        period = DEFAULT_DAYS
    if mode not in MODE_NAMES:
        errors.append(f"«{mode[:20]}» نه «واقعی» است نه «نمایشی»؛ آمار پیشخوان‌های واقعی آمده است.")
        mode = "live"
    choices = sorted(board.names.agencies) if user.all_agencies else list(user.agencies)
    agency = agency.strip()
    if agency and not (agency in choices or (user.all_agencies and len(agency) <= 100 and _ID.match(agency))):
        errors.append(f"دستگاه «{agency[:40]}» از دستگاه‌های شما نیست؛ آمار همهٔ دستگاه‌های شما آمده است.")
        agency = ""
    if agency and agency not in choices:
        choices.append(agency)  # an agency the catalog no longer names, with events of its own
    profile = profile.strip()
    if len(profile) > 100:
        errors.append("نام پروفایل بیش از اندازه بلند است؛ آمار همهٔ پروفایل‌ها آمده است.")
        profile = ""

    report = board.store.usage.report(user, UsageQuery(period, mode, agency or None, profile or None))
    profiles = report.profiles if not profile or profile in report.profiles else [*report.profiles, profile]
    day_dates = [date.fromisoformat(row.key) for row in report.by_day]
    daily = daily_chart([jalali.persian_day_label(d) for d in day_dates], _series(report.by_day))
    top = report.by_service[:TOP_SERVICES]
    return board.render(
        request, "usage.html", staff=staff, nav="usage", errors=errors, shown=Shown(), report=report,
        days=period, periods=PERIODS, mode=mode, modes=MODE_NAMES, agency=agency,
        agencies=sorted(choices, key=board.names.agency), profile=profile, profiles=profiles,
        daily=daily, days_rows=list(zip(day_dates, report.by_day, strict=True)),
        by_agency=bar_chart([board.names.agency(r.key) for r in report.by_agency], _series(report.by_agency)),
        by_service=bar_chart([board.names.service(r.key) for r in top], _series(top)),
        by_profile=bar_chart([r.key for r in report.by_profile], _series(report.by_profile)),
        colours=COLOURS, few=FEW_TEXT, min_sessions=MIN_SESSIONS,
    )  # fmt: skip


def _number(text: str) -> int | None:
    try:
        return int(to_ascii_digits(text.strip()))
    except ValueError:
        return None
