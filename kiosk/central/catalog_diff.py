"""What changed between two versions of a service, or two catalog releases, in Persian words: field
by field ("کارمزد: ۲۵۰٬۰۰۰ ریال ← ۳۰۰٬۰۰۰ ریال"), never raw JSON. The review page and the release
history read it; it knows the catalog format (``resources/catalog/README.md``), not the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kiosk.central.jalali import persian_date
from kiosk.core.persian import isolate_ltr, to_persian_digits

FEE_KINDS = {"free": "رایگان", "fixed": "مبلغ ثابت", "variable": "متغیر"}
TIME_UNITS = {
    "instant": "بی‌درنگ", "minute": "دقیقه", "hour": "ساعت", "day": "روز", "workday": "روز کاری",
    "week": "هفته", "month": "ماه",
}  # fmt: skip
CHANNEL_KINDS = {"web": "وب", "app": "برنامه", "ussd": "کد دستوری", "phone": "تلفن"}
QUESTION_KINDS = {
    "text": "متن کوتاه", "long_text": "متن بلند", "national_id": "کد ملی", "mobile": "شمارهٔ همراه",
    "postal_code": "کد پستی", "number": "عدد", "choice": "گزینه‌ای", "jalali_date": "تاریخ", "consent": "رضایت",
}  # fmt: skip
LANGUAGES = {"fa": "فارسی", "en": "انگلیسی"}


@dataclass(frozen=True)
class Change:
    label: str  # the field, in Persian ("گام ۲ (فارسی)")
    before: str  # "" when it was added
    after: str  # "" when it was removed


@dataclass(frozen=True)
class ServiceChanges:
    service_id: str
    title: str  # the service's Persian title (the newer one's)
    kind: str  # "changed", "added" or "removed"
    changes: list[Change]


def _n(value: Any) -> str:
    return to_persian_digits(str(value))


def _local(label: str, value: Any) -> list[tuple[str, str]]:
    if not isinstance(value, dict):
        return [(label, str(value))] if value is not None else []
    return [(f"{label} ({LANGUAGES.get(lang, lang)})", str(value.get(lang, ""))) for lang in ("fa", "en")]


def _day(value: str) -> str:
    """A catalog's YYYY-MM-DD as the dashboard writes days (Jalali: ۱۴۰۵/۰۹/۱۰)."""
    try:
        return persian_date(date.fromisoformat(value))
    except ValueError:
        return _n(value)


def _fee(fee: Any) -> str:
    if not isinstance(fee, dict):
        return "رایگان"
    kind = fee.get("kind", "free")
    if kind == "fixed":
        rial = f"{int(fee.get('rial', 0)):,}".replace(",", "٬")
        return f"{to_persian_digits(rial)} ریال"
    if kind == "variable":
        note = fee.get("note") or {}
        return f"متغیر: {note.get('fa', '')}"
    return FEE_KINDS.get(kind, str(kind))


def _time(time: Any) -> str:
    if not isinstance(time, dict) or time.get("unit", "instant") == "instant":
        return "بی‌درنگ"
    unit = TIME_UNITS.get(time.get("unit"), str(time.get("unit")))
    low, high = time.get("min"), time.get("max", time.get("min"))
    return f"{_n(low)} {unit}" if low == high else f"{_n(low)} تا {_n(high)} {unit}"


def service_fields(service: dict[str, Any]) -> list[tuple[str, str]]:
    """A service document as (Persian label, value) pairs, in the card's order."""
    fields: list[tuple[str, str]] = []
    fields += _local("عنوان", service.get("title"))
    fields += _local("خلاصه", service.get("summary"))
    fields += _local("برای چه کسانی", service.get("audience"))
    fields.append(("کارمزد", _fee(service.get("fee"))))
    fields.append(("زمان معمول", _time(service.get("time"))))
    for number, document in enumerate(service.get("documents") or [], 1):
        fields += _local(f"مدرک {_n(number)}", document)
    for number, step in enumerate(service.get("steps") or [], 1):
        fields += _local(f"گام {_n(number)}", step)
    for number, channel in enumerate(service.get("channels") or [], 1):
        if isinstance(channel, dict):
            kind = CHANNEL_KINDS.get(channel.get("kind"), str(channel.get("kind")))
            fields.append((f"راه {_n(number)}", f"{kind}: {isolate_ltr(str(channel.get('address', '')))}"))
            fields += _local(f"برچسب راه {_n(number)}", channel.get("label"))
    keywords = service.get("keywords") or {}
    for lang in ("fa", "en"):
        fields.append((f"کلیدواژه‌ها ({LANGUAGES[lang]})", "، ".join(keywords.get(lang) or [])))
    if service.get("emergency"):
        fields.append(("فوری", "بله"))
    desk = service.get("service_desk") or {}
    if desk.get("service_code"):
        fields.append(("شناسهٔ خدمت", _n(desk["service_code"])))
    if desk.get("service_type"):
        fields.append(("نوع خدمت", str(desk["service_type"])))
    fields += _local("مبنای قانونی", desk.get("legal_basis"))
    fields += _local("واحد پاسخگو", desk.get("responsible_unit"))
    if desk.get("national_window"):
        fields.append(("پیوند پنجرهٔ ملی", isolate_ltr(str(desk["national_window"]))))
    if service.get("last_verified"):
        fields.append(("آخرین بازبینی", _day(str(service["last_verified"]))))
    form = service.get("form")
    if isinstance(form, dict):
        for number, question in enumerate(form.get("fields") or [], 1):
            if isinstance(question, dict):
                kind = QUESTION_KINDS.get(question.get("kind"), str(question.get("kind")))
                label = (question.get("label") or {}).get("fa", "")
                required = "" if question.get("required", True) else "، اختیاری"
                fields.append((f"پرسش {_n(number)}", f"{label} ({kind}{required})"))
    return fields


def service_changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Change]:
    """Field by field, what differs between two versions of a service (either may be None)."""
    old = dict(service_fields(before)) if before else {}
    new = dict(service_fields(after)) if after else {}
    labels = [label for label, _ in service_fields(after or {})] if after else []
    labels += [label for label, _ in service_fields(before or {}) if label not in new] if before else []
    return [
        Change(label, old.get(label, ""), new.get(label, ""))
        for label in labels
        if old.get(label, "") != new.get(label, "")
    ]


def _services(document: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for agency in (document or {}).get("agencies", []):
        for service in agency.get("services", []):
            found[str(service.get("id"))] = service
    return found


def release_changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[ServiceChanges]:
    """Each service a release added, removed or changed against the one before it."""
    old, new = _services(before), _services(after)
    result = []
    for service_id in [*new, *(s for s in old if s not in new)]:
        was, now = old.get(service_id), new.get(service_id)
        if was == now:
            continue
        kind = "added" if was is None else "removed" if now is None else "changed"
        title = str(((now or was or {}).get("title") or {}).get("fa", service_id))
        result.append(ServiceChanges(service_id, title, kind, service_changes(was, now)))
    return result
