"""Every screen a citizen or staff member meets shows every word of its text, on the smallest kiosk
screen (1366x768), the large landscape one (1920x1080) and the portrait one (1080x1920), in both
languages, with the usual and the large text.

Each screen is measured widget by widget (``tests.support.fit.misfits``): no visible label, button
or field has its text elided or cut, none is covered by another widget, nothing runs off the window,
and the window stays the size of the screen. Home must show every agency of the profile without
scrolling. The attract loop, the out-of-service screen and staff mode come only between citizens,
when the text is the usual size again (large text is a citizen's choice for one visit), so they
are measured in both languages at the usual size.

The form is walked as the harness's citizen fills it (``harness.citizen.Citizen``), whatever shape
it has: the screen is measured after each tap that changed what shows.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot

import harness.citizen
from harness.citizen import Citizen, child, press_keys, settle, tap
from kiosk.app.root import Kiosk
from kiosk.core import catalog as rules
from kiosk.core import forms
from kiosk.core.catalog import catalog_document, write_catalog_directory
from kiosk.core.paths import KioskPaths
from kiosk.core.pins import PinVault
from kiosk.core.tracking import make_tracking_code
from kiosk.link.lookup import FOUND, NOT_FOUND, LookupAnswer
from kiosk.ui.screens.service import longest_cards
from kiosk.ui.shell import Page
from tests.support.fit import in_window, misfits, name, seen_part
from tests.support.staff import STAFF_PIN, TECHNICIAN_PIN, enter_pin, tap_corner
from tests.support.tracking import ScriptedLookup
from tests.support.window import build_kiosk

SCREENS = {"1366x768": (1366, 768), "1920x1080": (1920, 1080), "1080x1920": (1080, 1920)}
LANGUAGES = ["fa", "en"]
TEXT = {"usual-text": False, "large-text": True}


class Walk:
    """One walk through the window on one screen: what it found at each step."""

    def __init__(self, kiosk: Kiosk, size: tuple[int, int]) -> None:
        self.kiosk = kiosk
        self.window = kiosk.window
        self.size = size
        self.found: list[str] = []
        self.window.resize(*size)
        settle()

    def measure(self, step: str, root: QWidget | None = None) -> None:
        for _ in range(3):  # what a layout pass posts, and what that posts: as the citizen sees it
            settle()
        self.found.extend(f"{step}: {problem}" for problem in misfits(root or self.window, self.size))

    def start(self, language: str, large_text: bool) -> None:
        """A citizen's session, in their language and text size."""
        window = self.window
        tap(window.attract)
        if language != self.kiosk.localizer.language:
            tap(child(window, "languageButton"))
        if large_text:
            tap(child(window, "largeTextButton"))

    def verdict(self) -> None:
        assert not self.found, f"{len(self.found)} misfits:\n" + "\n".join(self.found)


def screens(test: Callable) -> Callable:
    return pytest.mark.parametrize("screen", list(SCREENS))(test)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("text", list(TEXT))
@screens
def test_browsing_fits(qtbot: QtBot, kiosk: Kiosk, language: str, text: str, screen: str) -> None:
    """Home with every agency, the keyboard up, search results and none, every agency, and the
    cards with the longest sections of each agency."""
    walk = Walk(kiosk, SCREENS[screen])
    window = kiosk.window
    walk.start(language, TEXT[text])
    walk.measure("home")
    walk.found.extend(f"home: {problem}" for problem in agencies_unseen(walk))
    field = child(window, "searchField")
    tap(field)
    walk.measure("home, the keyboard up")
    press_keys(field, "آب" if language == "fa" else "water")
    walk.measure("search results")
    press_keys(field, "ژژژ")
    walk.measure("search, nothing found")
    tap(child(window, "clearSearchButton"))
    catalog = window.catalog
    assert catalog is not None
    shown = [agency.id for agency in catalog.agencies]
    for agency_id in shown:
        window.open_agency(agency_id)
        walk.measure(f"agency {agency_id}")
    for service in longest_cards(catalog):
        if service.agency_id not in shown:
            continue
        window.open_service(service.id)
        walk.measure(f"service {service.id}")
    walk.verdict()


def agencies_unseen(walk: Walk) -> list[str]:
    """Every agency of the profile on home, whole, without scrolling: on one screen, or on pages
    turned with the home screen's own buttons (each page measured as well), back to the first."""
    window = walk.window
    home = window.home
    wanted = {tile.agency.id for tile in home.agency_tiles}
    seen: set[str] = set()
    problems = []
    turn = home.findChild(QPushButton, "nextPageButton")
    for _ in range(len(wanted) + 1):
        for tile in home.agency_tiles:
            if not tile.isVisible():
                continue
            if seen_part(tile, window) == in_window(tile, window):
                seen.add(tile.agency.id)
            elif not seen_part(tile, window).isEmpty():
                problems.append(f"{name(tile)} shows only in part")
        if turn is None or not turn.isVisible() or not turn.isEnabled():
            break
        tap(turn)
        walk.measure("home, the next page")
    back = home.findChild(QPushButton, "previousPageButton")
    while back is not None and back.isVisible() and back.isEnabled():
        tap(back)
    missing = sorted(wanted - seen)
    if missing:
        problems.append(f"{len(missing)} of {len(wanted)} agencies cannot be seen without scrolling: {missing}")
    return problems


def walk_a_request(kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch, language: str, text: str, screen: str) -> Walk:
    """A request for the service with the longest form (every kind of question), filed as the
    harness's citizen files it (``Citizen.file_request``), whatever shape the form has: the
    screen is measured after every tap that changed what shows (a step, the field in focus, a
    keyboard, an error), each finding named after the flow's screen on show."""
    walk = Walk(kiosk, SCREENS[screen])
    window = kiosk.window
    citizen = Citizen(kiosk)
    service = max(citizen.services, key=lambda s: (len({f.kind for f in s.form.fields}), len(s.form.fields)))
    walk.start(language, TEXT[text])
    window.open_service(service.id)
    walk.measure("service")
    last: list[object] = [None]

    def measuring_tap(widget: QWidget) -> None:
        tap(widget)
        flow = window.requests
        shows = (window.current_page, flow.current, QApplication.focusWidget(), visible_count(window))
        if shows != last[0]:
            last[0] = shows
            current = flow.current
            step = {id(flow.form): "form", id(flow.review): "review", id(flow.receipt): "receipt"}.get(
                id(current), type(current).__name__ if current is not None else window.current_page.name
            )
            focus = QApplication.focusWidget()
            walk.measure(f"{step}, at {focus.objectName() if focus else 'nothing'}")

    monkeypatch.setattr(harness.citizen, "tap", measuring_tap)
    citizen.file_request(service)
    assert window.requests.receipt is not None, "no receipt"
    walk.measure("receipt")
    return walk


def visible_count(window: QWidget) -> int:
    return sum(1 for widget in window.findChildren(QWidget) if widget.isVisible())


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("text", list(TEXT))
@screens
def test_filing_a_request_fits(
    qtbot: QtBot, kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch, language: str, text: str, screen: str
) -> None:
    """The card's request button, the form at each tap that changes it, and the receipt (the
    review has a test of its own, below)."""
    walk = walk_a_request(kiosk, monkeypatch, language, text, screen)
    walk.found = [finding for finding in walk.found if not finding.startswith("review")]
    walk.verdict()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("text", list(TEXT))
@screens
def test_the_review_fits(
    qtbot: QtBot,
    kiosk: Kiosk,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    text: str,
    screen: str,
) -> None:
    """The review of the answers, at each tap on it."""
    walk = walk_a_request(kiosk, monkeypatch, language, text, screen)
    walk.found = [finding for finding in walk.found if finding.startswith("review")]
    walk.verdict()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("text", list(TEXT))
@screens
def test_tracking_fits(
    qtbot: QtBot, kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch, language: str, text: str, screen: str
) -> None:
    """ "Track my request": empty, a code typed, a request found, a code not found."""
    walk = Walk(kiosk, SCREENS[screen])
    window = kiosk.window
    service = next(s for s in Citizen(kiosk).services)
    code = make_tracking_code(1, 5)
    found = LookupAnswer(FOUND, code, service.id, "in_review", "2026-05-04T08:30:00Z", None)
    ScriptedLookup([found, LookupAnswer(NOT_FOUND, code)]).install(kiosk, monkeypatch)
    walk.start(language, TEXT[text])
    tap(child(window, "trackButton"))
    track = window.tracking.screen
    assert track is not None
    walk.measure("track")
    for digit in code:
        tap(child(track, f"keypad:{digit}"))
    walk.measure("track, a code typed")
    for step in ("track, found", "track, not found"):
        tap(child(track, "checkCodeButton"))
        qtbot.waitUntil(lambda: track.check_button.isEnabled(), timeout=3000)
        walk.measure(step)
    walk.verdict()


@pytest.fixture
def staffed_kiosk(qtbot: QtBot, kiosk_paths) -> Kiosk:
    vault = PinVault(kiosk_paths.data / "staff.json", scrypt_n=2**10)  # fast hashes for the tests
    vault.set_pin("staff", STAFF_PIN)
    vault.set_pin("technician", TECHNICIAN_PIN)
    yield from build_kiosk(qtbot, kiosk_paths, "festival")


@pytest.mark.parametrize("language", LANGUAGES)
@screens
def test_between_citizens_fits(qtbot: QtBot, staffed_kiosk: Kiosk, language: str, screen: str) -> None:
    """The attract loop (every slide), the out-of-service screen, the staff PIN pad, the booth
    staff's and the technician's panels: in the profile's language, at the usual text size."""
    kiosk = staffed_kiosk
    walk = Walk(kiosk, SCREENS[screen])
    window = kiosk.window
    kiosk.localizer.set_language(language)  # as a profile in that language shows it
    settle()
    for slide in range(len(window.catalog.agencies) if window.catalog else 0):
        walk.measure(f"attract, slide {slide}")
        window.attract._next_slide()
    tap_corner(qtbot, kiosk, 5)
    pad = window.staff.pin_pad
    walk.measure("PIN pad", pad)
    enter_pin(qtbot, kiosk, "111999")
    walk.measure("PIN pad, a wrong PIN", pad)
    enter_pin(qtbot, kiosk, STAFF_PIN)
    assert window.current_page == Page.STAFF
    walk.measure("staff panel")
    tap(child(window, "closeStaffButton"))
    tap_corner(qtbot, kiosk, 5)
    enter_pin(qtbot, kiosk, TECHNICIAN_PIN)
    walk.measure("technician's panel")
    tap(child(window, "closeStaffButton"))
    window.show_out_of_service()
    walk.measure("out of service")
    walk.verdict()


# --- every text of a catalog at its longest allowed length ------------------------------------------
# The catalog's length limits (``kiosk.core.catalog``'s ``*_MAX``, ``kiosk.core.forms``' ``LABEL_MAX``,
# ``HELP_MAX``, ``CHOICE_LABEL_MAX``) are what the screens hold, not guesses. The bundled catalog is
# stretched: each text of every agency and service (names, about, summary, audience, documents,
# steps, fee notes, channel labels, a form's questions, help and choices) is made exactly as long as
# its limit, from its own words repeated, and put in the data folder as a catalog received from the
# server. The screens are measured as above with the large text (the widest a citizen makes them)
# on the smallest landscape screen and the portrait one, in both languages: home, every agency, the
# longest cards, and the request with every kind of question (each choice one line on its button).

LIMITS_SCREENS = ["1366x768", "1080x1920"]


def stretched(text: str, limit: int) -> str:
    """``text``'s own words, repeated, cut to exactly ``limit`` characters (never ending in a space)."""
    words = text.split()
    out = text
    while len(out) < limit:
        out = f"{out} {words[len(out) % len(words)]}"
    out = out[:limit]
    return out if not out.endswith(" ") else out[:-1] + out[0]


def stretch(value: dict[str, str], limit: int) -> None:
    for language in ("fa", "en"):
        value[language] = stretched(value[language], limit)


def stretch_service(service: dict[str, Any]) -> None:
    stretch(service["title"], rules.TITLE_MAX)
    stretch(service["summary"], rules.SUMMARY_MAX)
    stretch(service["audience"], rules.AUDIENCE_MAX)
    for document in service.get("documents", []):
        stretch(document, rules.DOCUMENT_MAX)
    for step in service["steps"]:
        stretch(step, rules.STEP_MAX)
    if service.get("fee", {}).get("kind") == "variable":
        stretch(service["fee"]["note"], rules.FEE_NOTE_MAX)
    for channel in service["channels"]:
        if "label" in channel:
            stretch(channel["label"], rules.CHANNEL_LABEL_MAX)
    # Every card shows the service-desk directive's facts, each at its limit (the address as long
    # as the national window's are: an address never wraps, as the channels' do not).
    basis = {"fa": "قانون مدیریت خدمات کشوری، مادهٔ ۱۳", "en": "Civil Service Management Act, article 13"}
    unit = {"fa": "ادارهٔ خدمات مشترکین و امور شهروندان", "en": "Office of customer and citizen services"}
    stretch(basis, rules.LEGAL_BASIS_MAX)
    stretch(unit, rules.UNIT_MAX)
    service["service_desk"] = {
        "service_code": "12345678901", "service_type": "G2G", "legal_basis": basis, "responsible_unit": unit,
        "national_window": "https://my.gov.ir/services/12345678901",
    }  # fmt: skip
    service["last_verified"] = "2026-11-30"
    for field in service.get("form", {}).get("fields", []):
        stretch(field["label"], forms.LABEL_MAX)
        if "help" in field:
            stretch(field["help"], forms.HELP_MAX)
        for choice in field.get("choices", []):
            stretch(choice["label"], forms.CHOICE_LABEL_MAX)


def longest_catalog(paths: KioskPaths) -> dict[str, Any]:
    document = copy.deepcopy(catalog_document(paths.catalog, paths.icons))
    document["version"] = "longest-texts"
    for agency in document["agencies"]:
        stretch(agency["name"], rules.AGENCY_NAME_MAX)
        stretch(agency["short_name"], rules.SHORT_NAME_MAX)
        stretch(agency["about"], rules.ABOUT_MAX)
        for service in agency["services"]:
            stretch_service(service)
    return document


@pytest.fixture
def long_kiosk(qtbot: QtBot, kiosk_paths: KioskPaths) -> Iterator[Kiosk]:
    """The festival kiosk (every agency) running on the stretched catalog."""
    write_catalog_directory(longest_catalog(kiosk_paths), kiosk_paths.cached_catalog)
    for kiosk in build_kiosk(qtbot, kiosk_paths):
        assert kiosk.content.catalog.version == "longest-texts", "the stretched catalog must be valid"
        yield kiosk


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize("screen", LIMITS_SCREENS)
def test_texts_at_their_limits_fit_while_browsing(qtbot: QtBot, long_kiosk: Kiosk, language: str, screen: str) -> None:
    walk = Walk(long_kiosk, SCREENS[screen])
    window = long_kiosk.window
    walk.start(language, True)
    walk.measure("home")
    walk.found.extend(f"home: {problem}" for problem in agencies_unseen(walk))
    catalog = window.catalog
    assert catalog is not None
    for agency in catalog.agencies:
        window.open_agency(agency.id)
        walk.measure(f"agency {agency.id}")
    for service in longest_cards(catalog):
        window.open_service(service.id)
        walk.measure(f"service {service.id}")
    walk.verdict()


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize("screen", LIMITS_SCREENS)
def test_texts_at_their_limits_fit_in_a_request(
    qtbot: QtBot, long_kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch, language: str, screen: str
) -> None:
    walk_a_request(long_kiosk, monkeypatch, language, "large-text", screen).verdict()
