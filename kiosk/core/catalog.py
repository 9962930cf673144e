"""The service catalog: agencies, their services, and loading them from data files.

The format is documented in ``resources/catalog/README.md``. Loading validates everything and
either returns a whole ``Catalog`` or raises ``DataFileError`` listing every problem found; it
never returns half a catalog.

Run ``python -m kiosk.core.catalog DIR`` (or ``--agency-file FILE``) to check files by hand.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.core.datafile import (
    COLOR_PATTERN,
    ID_MAX,
    ID_PATTERN,
    MAX_FILE_BYTES,
    DataFileError,
    LocalText,
    Problem,
    Reader,
    brief,
    file_exists,
    read_json,
    write_atomically,
)
from kiosk.core.forms import FormSpec, parse_form
from kiosk.core.profile_data import DemoProfile
from kiosk.core.release_extras import (
    EXTRA_KEYS,
    RELEASE_FORMAT,
    Branding,
    check_format,
    check_profiles,
    parse_branding,
    parse_icons,
    parse_profiles,
    read_folder_extras,
    write_folder_extras,
)
from kiosk.core.spelling import words

CATALOG_FORMAT = RELEASE_FORMAT  # 2: synonyms in the manifest, emergency services; 3: icons, branding
MANIFEST_NAME = "catalog.json"
PREVIOUS_SUFFIX = ".previous"  # beside a cached catalog: the one received before it
AGENCY_DIR = "agencies"

FEE_KINDS = ("free", "fixed", "variable")
FEE_MAX_RIAL = 10**15  # a thousand thousand milliard rials: more is a typing mistake
TIME_MAX = 999  # of a typical time's unit
TIME_UNITS = ("instant", "minute", "hour", "day", "workday", "week", "month")
CHANNEL_KINDS = ("web", "app", "ussd", "phone")

_USSD = re.compile(r"^\*[0-9*]+#$")
_PHONE = re.compile(r"^\+?[0-9]{3,15}$")
_HTTPS = re.compile(r"^https://[^\s/$.?#][^\s]*$")
_SERVICE_ID = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)*)\.([a-z0-9]+(?:-[a-z0-9]+)*)$")
_SERVICE_CODE = re.compile(r"^[0-9]{11}$")  # the national service ID (شناسه خدمت): 11 ASCII digits
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

# The service-desk directive's (1538588) fields of a service card, all optional.
SERVICE_TYPES = ("G2C", "G2B", "G2G")
LEGAL_BASIS_MAX = 200
UNIT_MAX = 100

# The longest text of each kind, in characters, in either language: what the kiosk's screens show
# whole, measured by tests/ui/test_every_screen_fits.py on a catalog with every text at its limit
# (on the smallest and the portrait screen, with the large text). The longest bundled texts are
# well under: agency name 74, about 241, summary 258, audience 101, document 117, step 111, fee
# note 113, channel label 76, keyword 29. The limits are in resources/catalog/README.md.
AGENCY_NAME_MAX = 90
SHORT_NAME_MAX = 28  # one line of a home tile
ABOUT_MAX = 320
TITLE_MAX = 60
SUMMARY_MAX = 320
AUDIENCE_MAX = 200
DOCUMENT_MAX = 200
STEP_MAX = 200
FEE_NOTE_MAX = 200
CHANNEL_LABEL_MAX = 100
ADDRESS_MAX = 300  # a web address still makes a QR code a phone reads from a metre away
KEYWORD_MAX = 40
VERSION_MAX = 100  # the server keeps a catalog version in 100 characters
SERVICE_ID_MAX = 2 * ID_MAX + 1  # "<agency id>.<name>"

# A catalog's size: every agency file at most MAX_FILE_BYTES (2 MiB, as written to the kiosk's
# data folder), the whole document the server serves at most MAX_CATALOG_BYTES (8 MiB).
MAX_AGENCY_BYTES = MAX_FILE_BYTES
MAX_CATALOG_BYTES = 4 * MAX_FILE_BYTES


@dataclass(frozen=True)
class Fee:
    kind: str  # one of FEE_KINDS
    rial: int = 0
    note: LocalText | None = None


@dataclass(frozen=True)
class TypicalTime:
    unit: str  # one of TIME_UNITS
    min: int = 0
    max: int = 0


@dataclass(frozen=True)
class Channel:
    kind: str  # one of CHANNEL_KINDS
    address: str
    label: LocalText | None = None

    @property
    def opens_on_phone(self) -> bool:
        """Whether a QR code of the address lets a citizen carry on on their own phone."""
        return self.kind in ("web", "app")


@dataclass(frozen=True)
class ServiceDesk:
    """What Iran's service-desk directive (1538588) asks of a published service card."""

    code: str | None = None  # the 11-digit national service ID (شناسه خدمت)
    kind: str | None = None  # one of SERVICE_TYPES: to citizens, to businesses, to government
    legal_basis: LocalText | None = None
    unit: LocalText | None = None  # the responsible unit of the agency
    national_window: str | None = None  # the service's page on the national window (https)


@dataclass(frozen=True)
class Service:
    id: str
    agency_id: str
    title: LocalText
    summary: LocalText
    audience: LocalText
    documents: tuple[LocalText, ...]
    fee: Fee
    time: TypicalTime
    channels: tuple[Channel, ...]
    steps: tuple[LocalText, ...]
    keywords_fa: tuple[str, ...]
    keywords_en: tuple[str, ...]
    related: tuple[str, ...] = ()
    form: FormSpec | None = None
    emergency: bool = False  # listed first by search for its topic, with its phone number
    desk: ServiceDesk | None = None  # the service-desk directive's fields, when the agency gave them
    last_verified: str | None = None  # "YYYY-MM-DD": when the agency last checked this card was right

    @property
    def emergency_phone(self) -> str | None:
        """The number an emergency service is called on (its first phone channel)."""
        return next((c.address for c in self.channels if c.kind == "phone"), None) if self.emergency else None

    @property
    def accepts_requests(self) -> bool:
        """Whether a citizen can file a request for this service at the kiosk."""
        return self.form is not None

    @property
    def online_address(self) -> str | None:
        """The address the service card's QR code opens: the first web or app channel."""
        for channel in self.channels:
            if channel.opens_on_phone:
                return channel.address
        return None


@dataclass(frozen=True)
class Agency:
    id: str
    name: LocalText
    short_name: LocalText
    icon: str
    color: str
    about: LocalText
    phone: str | None
    web: str | None
    services: tuple[Service, ...]


@dataclass(frozen=True)
class Catalog:
    version: str
    agencies: tuple[Agency, ...]
    source: str = "bundled"
    # Groups of words and phrases that name one thing («گذرنامه», «پاسپورت», "passport"): search
    # finds a service by any of them.
    synonyms: tuple[tuple[str, ...], ...] = ()
    # Words the search field offers as examples, best first, per language (``search.example_words``
    # keeps those a profile's agencies answer).
    search_examples: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    # The release's own icons (name -> sanitised SVG text) and the province's branding (format 3).
    icons: dict[str, str] = field(default_factory=dict, compare=False)
    branding: Branding | None = None
    profiles: dict[str, DemoProfile] = field(default_factory=dict, compare=False)  # stand in for the bundle's
    _by_agency: dict[str, Agency] = field(default_factory=dict, repr=False, compare=False)
    _by_service: dict[str, Service] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_agency.update({a.id: a for a in self.agencies})
        self._by_service.update({s.id: s for a in self.agencies for s in a.services})

    @property
    def services(self) -> tuple[Service, ...]:
        return tuple(s for a in self.agencies for s in a.services)

    def agency(self, agency_id: str) -> Agency:
        return self._by_agency[agency_id]

    def service(self, service_id: str) -> Service:
        return self._by_service[service_id]

    def has_agency(self, agency_id: str) -> bool:
        return agency_id in self._by_agency

    def has_service(self, service_id: str) -> bool:
        return service_id in self._by_service

    def restricted_to(self, agency_ids: tuple[str, ...] | None) -> Catalog:
        """The same catalog showing only these agencies, in this order (None: all of them)."""
        if agency_ids is None:
            return self
        agencies = tuple(self.agency(a) for a in agency_ids)
        return Catalog(
            self.version, agencies, self.source, self.synonyms, self.search_examples, self.icons, self.branding,
            self.profiles,
        )  # fmt: skip


def load_catalog(directory: Path, icons_dir: Path | None = None, source: str = "bundled") -> Catalog:
    """Load and validate a catalog directory (manifest + agency files) as one whole.

    ``icons_dir``, when given, is where agency icons must exist.
    """
    manifest_label = str(directory / MANIFEST_NAME)
    data = read_json(directory / MANIFEST_NAME, manifest_label)
    reader = Reader(manifest_label)
    manifest = reader.obj(data, "")
    version = _header(reader, manifest)
    order: list[str] = []
    for place, value in reader.items(manifest, "agencies", "", minimum=1):
        if not isinstance(value, str):
            reader.problem(place, "should be an agency id (a text)")
        elif value in order:
            reader.problem(place, f"lists agency {value!r} twice")
        else:
            order.append(value)
    synonyms = _synonyms(reader, manifest)
    examples = _examples(reader, manifest)
    extras = read_folder_extras(directory)
    check_format(reader, manifest | extras)
    icons = parse_icons(reader, extras.get("icons"))
    branding = parse_branding(reader, extras.get("branding"), icons)
    profiles = parse_profiles(reader, extras.get("profiles"), icons, version)
    check_profiles(reader, profiles, set(order))
    reader.raise_if_any()

    problems: list[Problem] = []
    agencies: list[Agency] = []
    agency_dir = directory / AGENCY_DIR
    on_disk = {p.stem for p in agency_dir.glob("*.json")} if agency_dir.is_dir() else set()
    for index, agency_id in enumerate(order):
        path = agency_dir / f"{agency_id}.json"
        if agency_id not in on_disk:
            problems.append(
                Problem(manifest_label, f"agencies[{index}]", f"unknown agency {agency_id!r}: there is no file {path}")
            )
            continue
        try:
            agencies.append(load_agency_file(path, icons_dir, icons))
        except DataFileError as exc:
            problems.extend(exc.problems)
    for stray in sorted(on_disk - set(order)):
        problems.append(Problem(str(agency_dir / f"{stray}.json"), "", f"is not listed in {MANIFEST_NAME}'s agencies"))
    if problems:
        raise DataFileError(problems)
    return build_catalog(version, agencies, manifest_label, source, synonyms, examples, icons, branding, profiles)


def catalog_document(directory: Path, icons_dir: Path | None = None) -> dict[str, Any]:
    """A catalog directory as one JSON document, the form the central server stores and serves.

    The directory is validated first (DataFileError if it is refused), so a document made here is
    always one ``parse_catalog_document`` accepts.
    """
    load_catalog(directory, icons_dir)
    manifest = read_json(directory / MANIFEST_NAME, str(directory / MANIFEST_NAME))
    agencies = [
        read_json(directory / AGENCY_DIR / f"{agency_id}.json", agency_id) for agency_id in manifest["agencies"]
    ]
    document = {"format": manifest.get("format", CATALOG_FORMAT), "version": manifest["version"], "agencies": agencies}
    for key in ("synonyms", "search_examples"):
        if key in manifest:
            document[key] = manifest[key]
    document.update(read_folder_extras(directory))
    return document


def parse_catalog_document(data: Any, label: str, icons_dir: Path | None = None, source: str = "server") -> Catalog:
    """Validate a whole catalog sent as one document (``catalog_document``'s form) with the same rules."""
    reader = Reader(label)
    obj = reader.obj(data, "")
    version = _header(reader, obj)
    check_format(reader, obj)
    icons = parse_icons(reader, obj.get("icons"))
    agencies: list[Agency] = []
    for place, item in reader.items(obj, "agencies", "", minimum=1):
        before = len(reader.problems)
        # As the kiosk writes it to its data folder, and reads it back (a document given as data,
        # not read by parse_json, may hold a lone surrogate: counted, not raised on).
        size = len(json.dumps(item, ensure_ascii=False, indent=2).encode("utf-8", "surrogatepass")) + 1
        if size > MAX_AGENCY_BYTES:
            reader.problem(place, f"is {size:,} bytes as an agency file; at most {MAX_AGENCY_BYTES:,} are read")
            continue
        sub = Reader(label)
        agency = parse_agency(sub, item, expected_id=None, icons_dir=icons_dir, shipped=icons)
        reader.problems.extend(
            Problem(label, f"{place}.{p.place}" if p.place else place, p.message) for p in sub.problems
        )
        if any(a.id == agency.id for a in agencies):
            reader.problem(f"{place}.id", f"agency {agency.id!r} appears twice")
        if len(reader.problems) == before:
            agencies.append(agency)
    synonyms = _synonyms(reader, obj)
    examples = _examples(reader, obj)
    branding = parse_branding(reader, obj.get("branding"), icons)
    profiles = parse_profiles(reader, obj.get("profiles"), icons, version)
    check_profiles(reader, profiles, {agency.id for agency in agencies})
    reader.raise_if_any()
    return build_catalog(version, agencies, label, source, synonyms, examples, icons, branding, profiles)


def read_catalog_source(path: Path, icons_dir: Path | None) -> tuple[dict[str, Any], Catalog]:
    """A catalog folder or a ``.json`` catalog document, validated as a kiosk validates it: the one
    check behind the validator command, ``kiosk-central catalog publish`` and the kiosk. Returns the
    document (what the server stores and serves) and the catalog; DataFileError if refused."""
    if path.is_dir():
        document = catalog_document(path, icons_dir)
    else:
        document = read_json(path, str(path), MAX_CATALOG_BYTES)
    catalog = parse_catalog_document(document, str(path), icons_dir)
    if catalog.icons:  # published as sanitised, never as uploaded
        document = {**document, "icons": dict(catalog.icons)}
    return document, catalog


def write_catalog_directory(document: dict[str, Any], directory: Path, keep_previous: bool = False) -> None:
    """Write a validated catalog document as a catalog directory, replacing any older one whole.

    The new files go to a sibling folder first and are swapped in by renames, so a crash leaves
    the old catalog or the new one, never a mix of both. ``keep_previous``: the one replaced is
    kept beside it (``<name>.previous``), the last good one should the new one be refused later
    (a kiosk started with stricter rules, a damaged disk, a technician's copy).
    """
    staging = directory.with_name(directory.name + ".new")
    retired = directory.with_name(directory.name + ".old")
    previous = directory.with_name(directory.name + PREVIOUS_SUFFIX)
    for leftover in (staging, retired):
        if leftover.exists():
            shutil.rmtree(leftover)
    (staging / AGENCY_DIR).mkdir(parents=True)
    ids = [agency["id"] for agency in document["agencies"]]
    for agency in document["agencies"]:
        write_atomically(staging / AGENCY_DIR / f"{agency['id']}.json", _json_bytes(agency))
    manifest = {"format": document.get("format", CATALOG_FORMAT), "version": document["version"], "agencies": ids}
    for key in ("synonyms", "search_examples"):
        if key in document:
            manifest[key] = document[key]
    write_atomically(staging / MANIFEST_NAME, _json_bytes(manifest))
    write_folder_extras(document, staging)
    if directory.exists():
        directory.rename(retired)
    staging.rename(directory)
    if retired.exists() and keep_previous:  # the last good one, should the new one be refused at a start
        shutil.rmtree(previous, ignore_errors=True)
        retired.rename(previous)
    shutil.rmtree(retired, ignore_errors=True)


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def build_catalog(
    version: str,
    agencies: list[Agency],
    label: str,
    source: str,
    synonyms: tuple[tuple[str, ...], ...] = (),
    examples: dict[str, tuple[str, ...]] | None = None,
    icons: dict[str, str] | None = None,
    branding: Branding | None = None,
    profiles: dict[str, DemoProfile] | None = None,
) -> Catalog:
    """Check what spans files (unique service ids, related services) and assemble the catalog."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for agency in agencies:
        for service in agency.services:
            if service.id in seen:
                problems.append(
                    Problem(
                        label, f"service {service.id!r}", f"is defined twice: in {seen[service.id]} and {agency.id}"
                    )
                )
            seen[service.id] = agency.id
    for agency in agencies:
        for service in agency.services:
            for related in service.related:
                if related not in seen:
                    problems.append(
                        Problem(label, f"service {service.id!r}.related", f"refers to unknown service {related!r}")
                    )
    if problems:
        raise DataFileError(problems)
    return Catalog(version, tuple(agencies), source, synonyms, examples or {}, icons or {}, branding, profiles or {})


def load_agency_file(path: Path, icons_dir: Path | None = None, shipped: Collection[str] = ()) -> Agency:
    label = str(path)
    reader = Reader(label)
    agency = parse_agency(reader, read_json(path, label), path.stem, icons_dir, shipped)
    reader.raise_if_any()
    return agency


def parse_agency(
    reader: Reader, data: Any, expected_id: str | None, icons_dir: Path | None, shipped: Collection[str] = ()
) -> Agency:
    """One agency; ``icons_dir``, when given, is where its icon must be (the kiosk's bundled icons),
    unless the release ships it (``shipped``: the names of the release's own icons)."""
    obj = reader.obj(data, "")
    reader.unknown_keys(obj, {"id", "name", "short_name", "icon", "color", "about", "contact", "services"}, "")
    agency_id = reader.identifier(obj, "id", "")
    if agency_id and expected_id is not None and agency_id != expected_id:
        reader.problem("id", f"is {agency_id!r} but the file is named {expected_id}.json; they must match")
    icon = reader.text(obj, "icon", "", max_len=ID_MAX)
    if icon and not ID_PATTERN.match(icon):  # a plain name: never a folder ("../x") nor a file name
        reader.problem("icon", f"{brief(icon)} is not an icon name: use lower-case letters, digits and dashes")
    elif icon and icon not in shipped and icons_dir is not None and not file_exists(icons_dir / f"{icon}.svg"):
        reader.problem("icon", f"no icon {icon!r} among the kiosk's icons ({_icon_names(icons_dir)})")
    color = reader.text(obj, "color", "")
    if color and not COLOR_PATTERN.match(color):
        reader.problem("color", f"{color!r} should be a colour written #rrggbb")
    phone = web = None
    contact = reader.field(obj, "contact", "", required=False)
    if contact is not None:
        contact = reader.obj(contact, "contact")
        reader.unknown_keys(contact, {"phone", "web"}, "contact")
        if "phone" in contact:
            phone = _phone(reader, reader.text(contact, "phone", "contact"), "contact.phone")
        if "web" in contact:
            web = _https(reader, reader.text(contact, "web", "contact", ADDRESS_MAX), "contact.web")
    services: list[Service] = []
    ids: dict[str, str] = {}
    for place, item in reader.items(obj, "services", "", minimum=1):
        service = parse_service(reader, item, place, agency_id)
        if service.id in ids:
            reader.problem(f"{place}.id", f"{service.id!r} is already used by {ids[service.id]}")
        elif service.id:
            ids[service.id] = place
        services.append(service)
    return Agency(
        id=agency_id,
        name=reader.local_text(obj, "name", "", max_len=AGENCY_NAME_MAX),
        short_name=reader.local_text(obj, "short_name", "", max_len=SHORT_NAME_MAX),
        icon=icon,
        color=color,
        about=reader.local_text(obj, "about", "", max_len=ABOUT_MAX),
        phone=phone,
        web=web,
        services=tuple(services),
    )


_SERVICE_KEYS = {
    "id", "title", "summary", "audience", "documents", "fee", "time",
    "channels", "steps", "keywords", "related", "form", "emergency", "service_desk", "last_verified",
}  # fmt: skip
_DESK_KEYS = {"service_code", "service_type", "legal_basis", "responsible_unit", "national_window"}


def parse_service(reader: Reader, data: Any, place: str, agency_id: str) -> Service:
    obj = reader.obj(data, place)
    reader.unknown_keys(obj, _SERVICE_KEYS, place)
    service_id = reader.text(obj, "id", place, SERVICE_ID_MAX)
    match = _SERVICE_ID.match(service_id) if service_id else None
    if service_id and not match:
        reader.problem(
            f"{place}.id",
            f"{service_id!r} should look like '<agency id>.<name>' in lower-case letters, digits and dashes",
        )
    elif match and agency_id and match.group(1) != agency_id:
        reader.problem(f"{place}.id", f"{service_id!r} should start with this agency's id, '{agency_id}.'")
    keywords = reader.obj(reader.field(obj, "keywords", place) or {}, f"{place}.keywords")
    related: list[str] = []
    for where, value in reader.items(obj, "related", place, required=False):
        if isinstance(value, str):
            related.append(value)
        else:
            reader.problem(where, "should be a service id (a text)")
    emergency = reader.field(obj, "emergency", place, required=False)
    if emergency is not None and not isinstance(emergency, bool):
        reader.problem(f"{place}.emergency", "should be true or false")
    emergency = emergency is True
    channels = tuple(_channel(reader, v, w) for w, v in reader.items(obj, "channels", place, minimum=1))
    if emergency and not any(c.kind == "phone" for c in channels):
        reader.problem(f"{place}.emergency", "an emergency service needs a phone channel: search shows its number")
    return Service(
        id=service_id,
        agency_id=agency_id,
        title=reader.local_text(obj, "title", place, max_len=TITLE_MAX),
        summary=reader.local_text(obj, "summary", place, max_len=SUMMARY_MAX),
        audience=reader.local_text(obj, "audience", place, max_len=AUDIENCE_MAX),
        documents=tuple(reader.local_text_value(v, w, DOCUMENT_MAX) for w, v in reader.items(obj, "documents", place)),
        fee=_fee(reader, reader.field(obj, "fee", place), f"{place}.fee"),
        time=_time(reader, reader.field(obj, "time", place), f"{place}.time"),
        channels=channels,
        steps=tuple(reader.local_text_value(v, w, STEP_MAX) for w, v in reader.items(obj, "steps", place, minimum=2)),
        keywords_fa=_words(reader, keywords, "fa", f"{place}.keywords") if "keywords" in obj else (),
        keywords_en=_words(reader, keywords, "en", f"{place}.keywords") if "keywords" in obj else (),
        related=tuple(related),
        form=parse_form(reader, obj["form"], f"{place}.form") if "form" in obj else None,
        emergency=emergency,
        desk=_desk(reader, obj["service_desk"], f"{place}.service_desk") if "service_desk" in obj else None,
        last_verified=_date(reader, obj, "last_verified", place) if "last_verified" in obj else None,
    )


def _desk(reader: Reader, data: Any, place: str) -> ServiceDesk:
    obj = reader.obj(data, place)
    reader.unknown_keys(obj, _DESK_KEYS, place)
    code = kind = window = None
    if "service_code" in obj:
        code = reader.text(obj, "service_code", place)
        if code and not _SERVICE_CODE.match(code):
            reader.problem(f"{place}.service_code", f"{brief(code)} should be the 11-digit service ID, in ASCII digits")
    if "service_type" in obj:
        kind = reader.one_of(obj, "service_type", place, SERVICE_TYPES)
    if "national_window" in obj:
        window = _https(reader, reader.text(obj, "national_window", place, ADDRESS_MAX), f"{place}.national_window")
    basis = reader.local_text(obj, "legal_basis", place, LEGAL_BASIS_MAX) if "legal_basis" in obj else None
    unit = reader.local_text(obj, "responsible_unit", place, UNIT_MAX) if "responsible_unit" in obj else None
    return ServiceDesk(
        code=code or None, kind=kind or None, legal_basis=basis, unit=unit, national_window=window or None
    )


def _date(reader: Reader, obj: dict[str, Any], key: str, place: str) -> str | None:
    """A calendar date written YYYY-MM-DD (Gregorian, as JSON dates are)."""
    value = reader.text(obj, key, place, max_len=10)
    if not value:
        return None
    try:
        if not _DATE.match(value):
            raise ValueError(value)
        date.fromisoformat(value)
    except ValueError:
        reader.problem(reader.join(place, key), f"{brief(value)} should be a date written YYYY-MM-DD")
        return None
    return value


def _icon_names(icons_dir: Path) -> str:
    """The icons a catalog may name, for a message (the screens' own are among them)."""
    try:
        names = sorted(path.stem for path in icons_dir.glob("*.svg") if ID_PATTERN.match(path.stem))
    except OSError:
        return f"{icons_dir} cannot be read"
    return ", ".join(names) if names else f"none in {icons_dir}"


def bundled_icons() -> Path:
    """The kiosk's own icons, the only ones a catalog may name (the server checks against them too)."""
    from kiosk.core.paths import resources_root

    return resources_root() / "resources" / "icons"


def _words(reader: Reader, obj: dict[str, Any], language: str, place: str) -> tuple[str, ...]:
    words: list[str] = []
    for where, value in reader.items(obj, language, place, minimum=1):
        if not isinstance(value, str) or not value.strip():
            reader.problem(where, "should be a non-empty text")
        elif len(value) > KEYWORD_MAX:
            reader.problem(where, f"is {len(value)} characters long; at most {KEYWORD_MAX}")
        else:
            words.append(value)
    return tuple(words)


def _fee(reader: Reader, data: Any, place: str) -> Fee:
    if data is None:
        return Fee("free")
    obj = reader.obj(data, place)
    kind = reader.one_of(obj, "kind", place, FEE_KINDS)
    if kind == "fixed":
        reader.unknown_keys(obj, {"kind", "rial"}, place)
        return Fee("fixed", rial=reader.integer(obj, "rial", place, minimum=1, maximum=FEE_MAX_RIAL))
    if kind == "variable":
        reader.unknown_keys(obj, {"kind", "note"}, place)
        return Fee("variable", note=reader.local_text(obj, "note", place, max_len=FEE_NOTE_MAX))
    reader.unknown_keys(obj, {"kind"}, place)
    return Fee("free")


def _time(reader: Reader, data: Any, place: str) -> TypicalTime:
    if data is None:
        return TypicalTime("instant")
    obj = reader.obj(data, place)
    unit = reader.one_of(obj, "unit", place, TIME_UNITS)
    if unit == "instant" or not unit:
        reader.unknown_keys(obj, {"unit"}, place)
        return TypicalTime("instant")
    reader.unknown_keys(obj, {"unit", "min", "max"}, place)
    low = reader.integer(obj, "min", place, minimum=1, maximum=TIME_MAX)
    high = reader.integer(obj, "max", place, minimum=1, maximum=TIME_MAX) if "max" in obj else low
    if high < low:
        reader.problem(f"{place}.max", f"is {high}, less than min ({low})")
        high = low
    return TypicalTime(unit, low, high)


def _channel(reader: Reader, data: Any, place: str) -> Channel:
    obj = reader.obj(data, place)
    reader.unknown_keys(obj, {"kind", "address", "label"}, place)
    kind = reader.one_of(obj, "kind", place, CHANNEL_KINDS)
    address = reader.text(obj, "address", place, ADDRESS_MAX)
    where = f"{place}.address"
    if address and kind in ("web", "app"):
        address = _https(reader, address, where)
    elif address and kind == "ussd" and not _USSD.match(address):
        reader.problem(where, f"{address!r} is not a USSD code: it should start with * and end with #")
    elif address and kind == "phone":
        address = _phone(reader, address, where)
    label = reader.local_text(obj, "label", place, max_len=CHANNEL_LABEL_MAX) if "label" in obj else None
    return Channel(kind, address, label)


def _https(reader: Reader, value: str, place: str) -> str:
    if value and not _HTTPS.match(value):
        reader.problem(place, f"{value!r} should be a full address starting with https://")
    return value


def _phone(reader: Reader, value: str, place: str) -> str:
    if value and not _PHONE.match(value):
        reader.problem(place, f"{value!r} should be a phone number written in digits only")
    return value


def _header(reader: Reader, obj: dict[str, Any]) -> str:
    """The keys a manifest and a catalog document share: format (checked) and version."""
    reader.unknown_keys(obj, {"format", "version", "agencies", "synonyms", "search_examples", *EXTRA_KEYS}, "")
    _check_format(reader, obj)
    return reader.text(obj, "version", "", VERSION_MAX)


SYNONYM_MAX = 40  # characters of one word or phrase of a synonym group


def _synonyms(reader: Reader, obj: dict[str, Any]) -> tuple[tuple[str, ...], ...]:
    """The manifest's (or document's) ``synonyms``: groups of at least two words or phrases that
    name one thing; a word belongs to one group only (matched as search matches: Arabic letters,
    digits and sound-alike letters as one)."""
    groups: list[tuple[str, ...]] = []
    seen: dict[str, str] = {}
    for place, value in reader.items(obj, "synonyms", "", required=False):
        if not isinstance(value, list):
            reader.problem(place, "should be a list of words or phrases that mean the same")
            continue
        if len(value) < 2:
            reader.problem(place, f"has {len(value)} entries; a synonym group needs at least two")
        terms: list[str] = []
        for index, term in enumerate(value):
            where = f"{place}[{index}]"
            if not isinstance(term, str) or not term.strip():
                reader.problem(where, "should be a non-empty text")
                continue
            if len(term) > SYNONYM_MAX:
                reader.problem(where, f"is {len(term)} characters long; at most {SYNONYM_MAX}")
            if "\u064a" in term or "\u0643" in term:
                reader.problem(where, "uses Arabic ي or ك; write Persian ی and ک")
            key = " ".join(words(term))
            if not key:
                reader.problem(where, f"{term!r} has no letters or digits")
            elif key in seen:
                reader.problem(where, f"{term!r} is already in {seen[key]}; a word belongs to one group")
            else:
                seen[key] = place
                terms.append(term)
        groups.append(tuple(terms))
    return tuple(groups)


EXAMPLE_MAX = 16  # characters of one example word for the search field


def _examples(reader: Reader, obj: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """The manifest's (or document's) ``search_examples``: per language, short words or phrases a
    citizen might search for, best first."""
    value = reader.field(obj, "search_examples", "", required=False)
    if value is None:
        return {}
    value = reader.obj(value, "search_examples")
    reader.unknown_keys(value, {"fa", "en"}, "search_examples")
    examples: dict[str, tuple[str, ...]] = {}
    for language in ("fa", "en"):
        found: list[str] = []
        for where, text in reader.items(value, language, "search_examples", required=False):
            if not isinstance(text, str) or not text.strip():
                reader.problem(where, "should be a non-empty text")
            elif len(text) > EXAMPLE_MAX:
                reader.problem(where, f"is {len(text)} characters long; at most {EXAMPLE_MAX} fit in the field")
            else:
                found.append(text)
        examples[language] = tuple(found)
    return examples


def _check_format(reader: Reader, obj: dict[str, Any]) -> None:
    fmt = reader.field(obj, "format", "")
    if fmt is None:
        return
    if isinstance(fmt, bool) or not isinstance(fmt, int):
        reader.problem("format", "should be a whole number")
    elif fmt > CATALOG_FORMAT:
        reader.problem("format", f"is {fmt}; this kiosk reads format {CATALOG_FORMAT}: update the kiosk first")
    elif fmt < 1:
        reader.problem("format", f"is {fmt}; formats start at 1")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.core.catalog", description="Check catalog files.")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument(
        "path", nargs="?", type=Path, help="a catalog directory (with catalog.json) or a catalog .json document"
    )
    group.add_argument("--agency-file", type=Path, help="check one agency file on its own")
    parser.add_argument(
        "--icons", type=Path, default=None, help="icons directory to check icon names against (the kiosk's own)"
    )
    args = parser.parse_args(argv)
    icons = args.icons or bundled_icons()
    try:
        if args.agency_file:
            agency = load_agency_file(args.agency_file, icons)
            print(f"ok: {agency.id}: {len(agency.services)} services")
        else:
            _document, catalog = read_catalog_source(args.path, icons)
            print(f"ok: version {catalog.version}: {len(catalog.agencies)} agencies, {len(catalog.services)} services")
    except DataFileError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"refused: {len(exc.problems)} problem(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
