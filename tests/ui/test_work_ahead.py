"""Work done ahead (``kiosk.ui.ahead``): in idle time after the first frame the browsing and request
screens are built, filled and painted off screen, so the first citizen's taps make no tiles and
lines; it never shows, stores or changes anything of a citizen's. The runner itself: one step a
turn, builds before paints, unattended steps only while nobody is there, a failing step dropped."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from kiosk.app.root import Kiosk
from kiosk.core.catalog import Service, catalog_document, write_catalog_directory
from kiosk.core.paths import KioskPaths
from kiosk.ui.ahead import NOT_YET, AheadRunner, Step, unattended
from kiosk.ui.screens.agency import MAX_TILES_AHEAD
from kiosk.ui.screens.form import FormScreen
from kiosk.ui.screens.receipt import ReceiptScreen
from kiosk.ui.screens.review import ReviewScreen
from kiosk.ui.screens.service import longest_cards
from kiosk.ui.shell import Page
from kiosk.ui.widgets.offscreen import STRIP_PX, paint_off_screen
from kiosk.ui.widgets.tiles import ServiceTile
from tests.support.factories import copy_resources
from tests.support.window import build_kiosk, click, find, type_text


def ready(qtbot: QtBot, kiosk: Kiosk) -> None:
    qtbot.waitUntil(lambda: not kiosk.window.working_ahead, timeout=20_000)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def widgets_of(kind: type) -> list[QWidget]:
    return [w for w in QApplication.allWidgets() if isinstance(w, kind)]


def test_after_the_work_ahead_browsing_and_searching_make_no_widget(qtbot: QtBot, kiosk: Kiosk) -> None:
    """Every agency's tiles, every card's lines and the search results' tiles were made while
    nobody waited: a citizen's taps only fill them."""
    window = kiosk.window
    ready(qtbot, kiosk)
    made = len(QApplication.allWidgets())
    click(qtbot, window.attract)
    agencies = [tile.agency for tile in window.home.agency_tiles]
    for agency in agencies:
        click(qtbot, find(window, f"agencyTile:{agency.id}"))
        assert window.current_page == Page.AGENCY
        for service in agency.services:
            window.open_service(service.id)
            assert window.current_page == Page.SERVICE
            window.back()
        window.go_home()
    field = find(window, "searchField")
    click(qtbot, field)
    for words in ("آب", "سازمان", "ا", "گذرنامه", "zzzz"):
        type_text(field, words)
        window.home.clear_search()
    assert len(QApplication.allWidgets()) == made


def test_the_work_ahead_leaves_no_request_screen_and_stores_nothing(qtbot: QtBot, kiosk: Kiosk) -> None:
    window = kiosk.window
    ready(qtbot, kiosk)
    flow = window.requests
    assert flow.current is None and flow.form_built_ahead is None
    assert not widgets_of(FormScreen) and not widgets_of(ReviewScreen) and not widgets_of(ReceiptScreen)
    assert kiosk.store is not None and kiosk.store.pending() == []
    assert kiosk.store.find_by_tracking_code("012345678900") is None
    assert window.current_page == Page.ATTRACT
    assert window.home.search_field.text() == "" and window.home.pages.currentIndex() == 0


def test_the_work_ahead_leaves_alone_what_a_citizen_has_open(qtbot: QtBot, kiosk: Kiosk) -> None:
    """A citizen who comes before the work ahead is done keeps their agency, card and form: the steps
    left do nothing once the attract loop is gone."""
    window = kiosk.window
    assert window.working_ahead
    click(qtbot, window.attract)
    agency = window.home.agency_tiles[0].agency
    service = next(s for s in agency.services if s.form is not None)
    window.open_agency(agency.id)
    ready(qtbot, kiosk)
    assert window.agency.agency is agency
    assert [tile.service for tile in window.agency.service_tiles] == list(agency.services)
    window.open_service(service.id)
    window.open_form(service.id)
    form = window.requests.form
    assert form is not None and form.service is service
    assert window.current_page == Page.REQUEST


class _Painted(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.painted: list[int] = []
        QVBoxLayout(self).addWidget(QLabel("سلام"))

    def paintEvent(self, event: QPaintEvent) -> None:
        self.painted.append(event.rect().top())


def test_paint_off_screen_lays_out_and_paints_every_strip_of_a_hidden_widget(qtbot: QtBot) -> None:
    widget = _Painted()
    qtbot.addWidget(widget)
    paint_off_screen(widget, QSize(400, 3 * STRIP_PX + 10))
    assert not widget.isVisible()
    assert widget.size() == QSize(400, 3 * STRIP_PX + 10)
    assert widget.painted == [0, STRIP_PX, 2 * STRIP_PX, 3 * STRIP_PX]
    label = widget.findChild(QLabel)
    assert label.width() == 400 - widget.layout().contentsMargins().left() - widget.layout().contentsMargins().right()


def test_the_cards_painted_ahead_are_each_agencys_longest_and_the_longest_of_each_section(kiosk: Kiosk) -> None:
    catalog = kiosk.content.catalog
    chosen = longest_cards(catalog)
    assert len({s.id for s in chosen}) == len(chosen) < len(catalog.services)

    def lines(service: Service) -> int:
        return len(service.documents) + len(service.steps) + len(service.channels)

    for agency in catalog.agencies:
        longest = max(lines(s) for s in agency.services)
        assert any(s.agency_id == agency.id and lines(s) == longest for s in chosen)
    for section in ("documents", "steps", "channels"):
        most = max(len(getattr(s, section)) for s in catalog.services)
        assert max(len(getattr(s, section)) for s in chosen) == most


def test_an_agency_too_large_to_paint_ahead_in_one_small_step_is_left_to_its_first_citizen(
    qtbot: QtBot, kiosk_paths: KioskPaths
) -> None:
    """Its tiles (~1 ms each) would make one long step that a tap could wait behind."""
    document = catalog_document(kiosk_paths.catalog, kiosk_paths.icons)
    agency = document["agencies"][0]
    seed = next(s for s in agency["services"] if "form" not in s)
    for number in range(MAX_TILES_AHEAD + 1 - len(agency["services"])):
        agency["services"].append({**copy.deepcopy(seed), "id": f"{seed['id']}-{number}"})
    for service in agency["services"]:
        service.pop("related", None)
    document["version"] = "large-agency"
    write_catalog_directory(document, kiosk_paths.cached_catalog)  # the kiosk prefers it to the bundled one
    for kiosk in build_kiosk(qtbot, kiosk_paths):
        catalog = kiosk.window.catalog
        assert catalog is not None and len(catalog.agencies[0].services) == MAX_TILES_AHEAD + 1
        ready(qtbot, kiosk)
        painted = max(len(a.services) for a in catalog.agencies if len(a.services) <= MAX_TILES_AHEAD)
        assert len(widgets_of(ServiceTile)) == painted


def test_the_runner_builds_first_then_paints_one_step_a_turn_and_only_while_nobody_is_there(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    ran: list[str] = []
    nobody = [True]
    loaded = [False]

    def fails() -> None:
        raise RuntimeError("broken step")

    def paint_home() -> None:
        ran.append("paint home")
        nobody[0] = False  # a citizen comes meanwhile: what paints screens from now on is dropped

    runner = AheadRunner(lambda: nobody[0], host)
    runner.start([
        unattended(paint_home),
        Step(lambda: ran.append("build agency")),
        Step(fails),
        Step(lambda: ran.append("wait") if loaded[0] else NOT_YET),
        unattended(lambda: ran.append("paint card")),
        lambda: ran.append("load modules"),
    ])  # fmt: skip
    assert ran == [] and runner.started and not runner.done, "nothing before the next turn"
    QApplication.processEvents()
    assert ran == ["build agency"], "one step a turn"
    qtbot.wait(30)
    assert ran == ["build agency"], "waiting: tried again, the rest held back"
    loaded[0] = True
    qtbot.waitUntil(lambda: runner.done, timeout=2000)
    assert ran == ["build agency", "wait", "load modules", "paint home"]
    assert "broken step" in caplog.text


def test_a_kiosk_closed_before_its_first_frame_is_worked_ahead_does_not_start_that_work(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The first frame queues the work ahead for the next turn; a kiosk closed in between (a test's
    end, the technician's exit) shut its worker pool down: the work ahead then raised "cannot
    schedule new futures after shutdown" (seen in test_startup and test_search_ui teardowns)."""
    paths = copy_resources(tmp_path)
    kiosk = Kiosk.build(paths, "festival")
    window = kiosk.window
    kiosk.close()
    window.start_work_ahead()  # what the queued call does, now late
    assert not window._ahead.started
