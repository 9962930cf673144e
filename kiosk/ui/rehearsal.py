"""The rehearsal: before the first citizen, the browsing screens are filled and painted once, off screen.

The first time Qt draws text at a size it rasterises each glyph into a cache it keeps for the
font; the first time a screen shows more tiles or card lines than before it makes them and keeps
them for the next (``AgencyScreen``, ``ServiceScreen``, ``SearchResults``). Left to the first
citizens, both happen during their taps: ~6 MiB of caches filled over the first sessions, and the
rasterising in the time of a tap. Rehearsed in idle time after the first frame, while the attract
loop plays, they happen while nobody waits, and the kiosk's memory is what it will stay.

Each step does one small thing (one agency, one service, one screen painted) so a tap that comes
meanwhile is answered at once; once a citizen is using the kiosk the steps left do nothing (what
is on screen is theirs) and the citizen fills what is left, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QSize
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from kiosk.core.search import SearchResult
from kiosk.ui.widgets.results import SHOWN

if TYPE_CHECKING:
    from kiosk.core.catalog import Catalog, Service
    from kiosk.ui.shell import KioskWindow

STRIP_PX = 96  # painted a strip at a time: a whole 1366x768 screen would take 4 MiB at once
# An agency with more services is not rehearsed: making its tiles is no small step (~1 ms a tile);
# its first citizen makes them, as before.
MAX_TILES_REHEARSED = 40
SEARCHED = "ا"  # alef: in nearly every Persian name, so the search lists as many tiles as it can


def paint_off_screen(widget: QWidget, size: QSize) -> None:
    """Lay ``widget`` out at ``size`` and paint it into a throwaway image, a strip at a time."""
    from PySide6.QtGui import QRegion  # named here: this module loads before the first frame, this runs after

    widget.ensurePolished()
    widget.resize(size)
    layout = widget.layout()
    if layout is not None:
        layout.activate()
    strip = QImage(size.width(), STRIP_PX, QImage.Format.Format_ARGB32_Premultiplied)
    for top in range(0, size.height(), STRIP_PX):
        widget.render(strip, QPoint(0, 0), QRegion(0, top, size.width(), STRIP_PX))


def rehearsal_steps(window: KioskWindow, catalog: Catalog, currency: str) -> list[Callable[[], object]]:
    """The window's warm-up steps that rehearse the catalog it shows."""

    def unattended(step: Callable[[], object]) -> Callable[[], object]:
        def run() -> None:
            from kiosk.ui.shell import Page

            if window.current_page == Page.ATTRACT:
                step()

        return run

    def page_size() -> QSize:
        """The size of a page under the header: the steps run on the attract loop, which hides the
        header and so has its room too (the header's height is fixed)."""
        return window.pages.size() - QSize(0, window.header.height())

    def keyboard_size() -> QSize:
        return QSize(page_size().width(), window.home.keyboard.sizeHint().height())

    def fill_results() -> None:
        for agencies, services in ((catalog.agencies, ()), ((), catalog.services)):  # the most tiles of each
            listed = SearchResult(
                tuple(agencies[: SHOWN + 1]), tuple(services[: SHOWN + 1]), len(agencies), len(services)
            )
            window.home.results.show_result(listed)

    def search() -> None:
        home = window.home
        home.search_field.setText(SEARCHED)  # as if typed: the results page up, as a citizen sees it
        paint_off_screen(home, page_size())
        home.clear_search()

    service_screen = window.service
    with_forms = [s for s in catalog.services if s.form is not None]
    # The form with the most questions (of the most kinds) is the one rehearsed.
    longest = max(with_forms, key=lambda s: (len({f.kind for f in s.form.fields}), len(s.form.fields)), default=None)
    request_steps = (
        window.requests.rehearsal_steps(longest, catalog.agency(longest.agency_id), page_size) if longest else []
    )
    return [
        # The largest agency and the longest cards set how many tiles and lines are kept; each
        # agency's colour, its icons. (The agency screen is named inside each step: it is built
        # by a warm-up step of its own.)
        *(
            unattended(lambda a=a: window.agency.show_agency(a, currency))
            for a in catalog.agencies
            if len(a.services) <= MAX_TILES_REHEARSED
        ),
        *(
            unattended(lambda s=s: service_screen.show_service(s, catalog.agency(s.agency_id), currency))
            for s in _longest_cards(catalog)
        ),
        unattended(lambda: paint_off_screen(window.home, page_size())),
        unattended(fill_results),
        unattended(search),
        unattended(lambda: paint_off_screen(window.home.keyboard, keyboard_size())),
        unattended(lambda: paint_off_screen(window.agency.parentWidget(), page_size())),  # its page
        unattended(lambda: paint_off_screen(service_screen, page_size())),
        *(unattended(step) for step in request_steps),
    ]


def _longest_cards(catalog: Catalog) -> list[Service]:
    """The services whose cards, shown one after the other, make every line any card needs and
    draw the card's icons in every agency's colour: each agency's longest card, and the longest
    of each section. (Not every card: a province's catalog may hold thousands.)"""

    def sections(service: Service) -> tuple[int, int, int]:
        return len(service.documents), len(service.steps), len(service.channels)

    chosen = [max(agency.services, key=lambda s: sum(sections(s))) for agency in catalog.agencies if agency.services]
    for section in range(3 if catalog.services else 0):
        chosen.append(max(catalog.services, key=lambda s: sections(s)[section]))
    return list({service.id: service for service in chosen}.values())
