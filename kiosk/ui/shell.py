"""KioskWindow: the one window; it owns navigation, the idle timer and the end of a citizen's session.

What the first frame does not show is built on first use, or in idle time once the first frame
is painted (``warm_up``), whichever comes first: the agency screen, the PIN pad, the on-screen
keyboards' keys and the modules of the request and tracking flows; then, while the attract loop
plays, the screens are rehearsed off screen (``kiosk.ui.rehearsal``). (The service screen is built
with the window: its side panel keeps the height it is first measured at.) The lockdown guard goes
on the window's platform window with the first frame (``_FirstFrame``).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from kiosk.core.catalog import Catalog, Service
from kiosk.core.profiles import DemoProfile
from kiosk.outbox.desk import RequestDesk
from kiosk.outbox.usage import UsageLog
from kiosk.preload import Preload
from kiosk.ui.i18n import Localizer
from kiosk.ui.icons import IconSet
from kiosk.ui.lockdown import Guard
from kiosk.ui.rehearsal import rehearsal_steps
from kiosk.ui.request_flow import RequestFlow
from kiosk.ui.screens.attract import AttractScreen
from kiosk.ui.screens.home import HomeScreen
from kiosk.ui.screens.service import ServiceScreen
from kiosk.ui.staff.mode import StaffMode
from kiosk.ui.track_flow import TrackFlow
from kiosk.ui.widgets.header import Header
from kiosk.ui.widgets.idle_prompt import IdlePrompt
from kiosk.ui.widgets.qr import encode_ahead

if TYPE_CHECKING:  # built on first use (see the module's docstring)
    from kiosk.ui.screens.agency import AgencyScreen

log = logging.getLogger(__name__)

# Pure Python the warm-up loads on a worker thread (``kiosk.preload``): the QR encoder of service
# cards and receipts (with urllib, http.client, email and ssl: ~40 ms on the UI thread of a slow
# PC) and Babel (plurals, currency).
PRELOADED_MODULES = ("segno", "babel")
_NOT_YET = object()  # a warm-up step that returns this is tried again a moment later
_PRELOAD_POLL_MS = 10


class Page(IntEnum):
    ATTRACT = 0
    HOME = 1
    AGENCY = 2
    SERVICE = 3
    OUT_OF_SERVICE = 4
    REQUEST = 5  # the form, review, receipt or apology of the request being filed
    TRACK = 6  # "track my request"
    STAFF = 7  # the staff panel, behind the PIN


class KioskWindow(QMainWindow):
    """Shows one screen at a time; Back and Home are always one tap away."""

    session_started = Signal()
    session_ended = Signal()
    catalog_changed = Signal(object)  # the Catalog now shown, after an update was swapped in
    staff_requested = Signal()  # the corner gesture or Ctrl+Alt+Shift+S
    accessibility_changed = Signal(bool, bool)  # large text, high contrast: for this session only
    page_changed = Signal(int)

    def __init__(
        self,
        localizer: Localizer,
        icons: IconSet,
        desk: RequestDesk | None = None,
        receipts_dir: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("kioskWindow")
        self._localizer = localizer
        self._icons = icons
        self.requests = RequestFlow(self, localizer, desk, receipts_dir)
        self.staff = StaffMode(localizer, self, self)  # its PIN pad goes on the central widget (below)
        self.tracking = TrackFlow(localizer, self)
        self._pending_catalog: Catalog | None = None
        self._logo: Path | None = None
        self._catalog: Catalog | None = None
        self._full_catalog: Catalog | None = None
        self._profile: DemoProfile | None = None
        self._history: list[tuple[Page, str]] = []

        self.header = Header(localizer, icons)
        self.attract = AttractScreen(localizer, icons)
        self.home = HomeScreen(localizer, icons)
        self._agency: AgencyScreen | None = None
        self._agency_page = _page_slot("agencyPage")
        self.service = ServiceScreen(localizer, icons)
        self.out_of_service = QLabel()
        self.out_of_service.setObjectName("outOfServiceTitle")
        self.out_of_service.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.out_of_service.setWordWrap(True)

        self.pages = QStackedWidget()
        for page in (
            self.attract,
            self.home,
            self._agency_page,
            self.service,
            self.out_of_service,
            self.requests.host,
            self.tracking.host,
            self.staff.host,
        ):
            self.pages.addWidget(page)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.header)
        column.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.attract.started.connect(self.start_session)
        self.home.agency_chosen.connect(self.open_agency)
        self.home.service_chosen.connect(self.open_service)
        self.service.request_started.connect(self.open_form)
        self.home.track_requested.connect(self.open_track)
        self.home.accessibility_requested.connect(self.accessibility_changed)
        self.header.back_requested.connect(self.back)
        self.header.home_requested.connect(self.go_home)
        self.header.language_requested.connect(localizer.set_language)
        localizer.language_changed.connect(self.retranslate)

        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.timeout.connect(self._idle)
        self.idle_prompt = IdlePrompt(localizer, central)
        self.staff.overlay_parent = central  # the PIN pad covers everything but the window frame
        self.staff.opened.connect(self._staff_opened)
        self.staff.closed.connect(self.end_session)
        self.idle_prompt.expired.connect(self.end_session)
        self.idle_prompt.still_here.connect(self.idle_timer.start)
        self.guard = Guard(self, self.idle_timer, parent=self)
        self.guard.staff_gesture.connect(self.staff_requested)
        self.guard.extra_activity.append(self.staff.idle)
        self.staff_requested.connect(self.staff.request)
        self._guard_armed = False
        staff_keys = QShortcut(QKeySequence("Ctrl+Alt+Shift+S"), self)
        staff_keys.setContext(Qt.ShortcutContext.ApplicationShortcut)
        staff_keys.activated.connect(self.staff_requested)
        self._may_close = False
        self.usage: UsageLog | None = None  # set by the app: anonymous counters
        self._warm_up_steps: list[Callable[[], object]] = []
        self._warmed_up = False
        self._first_frame: _FirstFrame | None = _FirstFrame(self)
        self.retranslate()

    # --- screens built on first use -----------------------------------------------------------

    @property
    def agency(self) -> AgencyScreen:
        if self._agency is None:
            from kiosk.ui.screens.agency import AgencyScreen

            self._agency = AgencyScreen(self._localizer, self._icons)
            self._agency.service_chosen.connect(self.open_service)
            self._agency_page.layout().addWidget(self._agency)
        return self._agency

    def warm_up(self) -> None:
        """Build, in idle time after the first frame, what the first taps will need: one small
        step per event-loop turn, so a tap that comes meanwhile is answered at once. The QR
        encoder and Babel, pure Python, load on a worker thread meanwhile (``Preload``)."""
        if self._warmed_up:
            return
        self._warmed_up = True
        preload = Preload(*PRELOADED_MODULES)
        self._warm_up_steps = [
            lambda: self.home.search_index,
            lambda: self.home.keyboard.keys,  # home's on-screen keyboard makes its keys on first use
            lambda: self.agency,
            self.requests.warm_up,
            self.requests.warm_up_receipts,
            self.requests.warm_up_text_boxes,  # after print support: its classes are looked through too
            self.tracking.warm_up,
            lambda: self.staff.pin_pad,
            lambda: preload.done or _NOT_YET,  # what follows uses what the worker thread loads
            self._localizer.warm_up,
            # The service cards' QR codes, one per turn (~4-8 ms each): a tap on a service then
            # only paints. A catalog shown later encodes its new addresses on first view.
            *(functools.partial(encode_ahead, address) for address in self._service_addresses()),
            # Then the browsing screens, filled and painted off screen (``kiosk.ui.rehearsal``).
            *(rehearsal_steps(self, self._catalog, self._profile.currency) if self._catalog and self._profile else ()),
        ]
        QTimer.singleShot(0, self, self._warm_up_step)

    def _service_addresses(self) -> list[str]:
        if self._catalog is None:
            return []
        return list(dict.fromkeys(s.online_address for s in self._catalog.services if s.online_address))

    @property
    def warming_up(self) -> bool:
        """Whether what the first frame did not need is still to be built (see ``warm_up``)."""
        return not self._warmed_up or bool(self._warm_up_steps)

    def _warm_up_step(self) -> None:
        if not self._warm_up_steps:
            return
        try:
            waiting = self._warm_up_steps[0]() is _NOT_YET
        except Exception:  # whatever failed is built again when first needed, and fails there
            log.exception("warming up after the first frame failed")
            waiting = False
        if waiting:
            QTimer.singleShot(_PRELOAD_POLL_MS, self, self._warm_up_step)
            return
        self._warm_up_steps.pop(0)
        if self._warm_up_steps:
            QTimer.singleShot(0, self, self._warm_up_step)

    # --- lockdown --------------------------------------------------------------------------

    @property
    def guard_armed(self) -> bool:
        return self._guard_armed

    def arm_guard(self) -> None:
        """Put the guard on the window's platform window, where every touch and key for the window
        arrives before any widget sees it (see ``kiosk.ui.lockdown``). Idempotent."""
        if not self._guard_armed:
            self._guard_armed = True
            self.winId()  # the platform window, made now should the window not have one yet
            self.windowHandle().installEventFilter(self.guard)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Alt+F4, the window manager's close button, a stray close(): nothing, for citizens."""
        if self._may_close:
            event.accept()
        else:
            event.ignore()

    def allow_close(self) -> None:
        """Only the technician's "exit to desktop" and the application's own shutdown close it."""
        self._may_close = True

    def _staff_opened(self) -> None:
        """Staff took over: whatever a citizen left open is wiped first, then the panel shows."""
        self.end_session(keep_staff=True)
        self._history.clear()
        self._show(Page.STAFF)
        self.header.hide()

    def _idle(self) -> None:
        if self.current_page in (Page.ATTRACT, Page.OUT_OF_SERVICE):
            return
        self.idle_prompt.start()

    # --- content ---------------------------------------------------------------------------

    def show_content(self, catalog: Catalog, profile: DemoProfile, logo: Path | None, keep_staff: bool = False) -> None:
        """Show this catalog under this profile, starting from the attract loop (or staying on the
        staff panel, when staff switched the profile from there)."""
        self._full_catalog = catalog
        self._catalog = catalog.restricted_to(profile.agencies)
        self._profile = profile
        self._logo = logo
        self.header.set_profile(profile, logo)
        self.idle_timer.setInterval(profile.idle_timeout_seconds * 1000)
        if self._localizer.language != profile.language:
            self._localizer.set_language(profile.language)
        self.home.show_content(self._catalog, profile)
        self.attract.show_content(self._catalog, profile)
        self.end_session(keep_staff=keep_staff)
        if keep_staff and self.staff.active:
            self._show(Page.STAFF)
            self.header.hide()

    def show_out_of_service(self) -> None:
        """No usable catalog at all: say so plainly instead of showing an empty kiosk."""
        self._history.clear()
        self._show(Page.OUT_OF_SERVICE)

    @property
    def current_page(self) -> Page:
        return Page(self.pages.currentIndex())

    # --- navigation ------------------------------------------------------------------------

    def start_session(self) -> None:
        if self.usage is not None:
            self.usage.session_started()
        self._history.clear()
        self._show(Page.HOME)
        self.idle_timer.start()
        self.session_started.emit()

    def end_session(self, keep_staff: bool = False) -> None:
        """Back to the attract loop, forgetting everything this citizen typed or opened (and
        closing staff mode, unless it is staff mode that is taking over)."""
        self.idle_timer.stop()
        if not keep_staff:
            self.staff.discard()
        self.idle_prompt.cancel()
        if self.usage is not None:
            self.usage.session_ended()
        self._history.clear()
        self.requests.discard()
        self.tracking.discard()
        self.home.clear_search()
        self.home.reset_accessibility()
        if self._pending_catalog is not None and self._profile is not None:
            catalog, self._pending_catalog = self._pending_catalog, None
            self.show_content(catalog, self._profile, self._logo)  # comes back here, with nothing pending
            self.catalog_changed.emit(catalog)
            return
        if self._profile is not None and self._localizer.language != self._profile.language:
            self._localizer.set_language(self._profile.language)
        focused = QApplication.focusWidget()
        if focused is not None:
            focused.clearFocus()
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.clear()
        self._show(Page.ATTRACT)
        self.session_ended.emit()

    def go_home(self) -> None:
        self._history.clear()
        self.requests.discard()
        self.tracking.discard()
        self.home.clear_search()
        self._show(Page.HOME)

    def open_agency(self, agency_id: str) -> None:
        if self._catalog is None or self._profile is None:
            return
        self.agency.show_agency(self._catalog.agency(agency_id), self._profile.currency)
        self._push(Page.AGENCY, agency_id)

    def open_service(self, service_id: str) -> None:
        if self._catalog is None or self._profile is None:
            return
        service = self._fill_service_card(service_id)
        self._push(Page.SERVICE, service_id)
        self.note("service_viewed", service_id, service.agency_id)

    def _fill_service_card(self, service_id: str) -> Service:
        """Put this service on the card, and have its form built while the citizen reads it."""
        assert self._catalog is not None and self._profile is not None
        service = self._catalog.service(service_id)
        agency = self._catalog.agency(service.agency_id)
        self.service.show_service(service, agency, self._profile.currency)
        self.requests.prepare_soon(service, agency)
        return service

    def offer_catalog(self, catalog: Catalog) -> None:
        """A newer catalog: shown from the next return to the attract loop, never mid-session."""
        self._pending_catalog = catalog
        if self.current_page == Page.ATTRACT:
            self.end_session()

    @property
    def catalog(self) -> Catalog | None:
        """The whole catalog the window runs on (not only the profile's agencies)."""
        return self._full_catalog

    def open_track(self) -> None:
        if self._catalog is None:
            return
        self.tracking.start(self._catalog)
        self._push(Page.TRACK, "")

    def open_form(self, service_id: str) -> None:
        """Start a request for this service: a fresh form, nothing of anybody before."""
        if self._catalog is None or self._profile is None:
            return
        service = self._catalog.service(service_id)
        self.requests.start(service, self._catalog.agency(service.agency_id), self._profile.is_demo)
        self._push(Page.REQUEST, service_id)
        self.note("request_started", service_id, service.agency_id)

    def note(self, kind: str, service_id: str | None = None, agency_id: str | None = None) -> None:
        """Count an anonymous usage event (nothing the citizen typed)."""
        if self.usage is not None:
            self.usage.note(kind, service_id, agency_id)

    def show_request_step(self, can_go_back: bool) -> None:
        """The request flow moved on (review, receipt): show it; a receipt cannot go back."""
        if not can_go_back:
            self._history = [(Page.REQUEST, "")]
        self._show(Page.REQUEST)
        self.header.set_navigation(can_go_back=can_go_back, at_home=False)

    def back(self) -> None:
        if self.current_page == Page.REQUEST:
            if self.requests.back():  # from the review to the form: the answers are still there
                return
            self.requests.discard()
        if self.current_page == Page.TRACK:
            self.tracking.discard()
        if self._history:
            self._history.pop()
        if not self._history:
            self._show(Page.HOME)
            return
        page, item = self._history[-1]
        if page == Page.AGENCY and self._catalog and self._profile:
            self.agency.show_agency(self._catalog.agency(item), self._profile.currency)
        elif page == Page.SERVICE and self._catalog and self._profile:
            self._fill_service_card(item)
        self._show(page)

    def _push(self, page: Page, item: str) -> None:
        self._history.append((page, item))
        self._show(page)

    def _show(self, page: Page) -> None:
        if page != Page.SERVICE:
            self.requests.stop_preparing()  # the card is gone: no form to build for it
        self.pages.setCurrentIndex(page)
        self.header.setVisible(page not in (Page.ATTRACT, Page.OUT_OF_SERVICE))
        self.header.set_navigation(can_go_back=bool(self._history), at_home=page == Page.HOME)
        self.page_changed.emit(int(page))

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Pishkhan e-services kiosk"))
        self.out_of_service.setText(
            self.tr("This kiosk is out of service for a moment.\nPlease ask the booth staff for help.")
        )
        for screen in (self.header, self.attract, self.home, self._agency, self.service):
            if screen is not None:
                screen.retranslate()
        self.requests.retranslate()
        self.tracking.retranslate()
        self.staff.retranslate()


def _page_slot(name: str) -> QWidget:
    """A page of the stack whose screen is put in on first use (the page indexes never change)."""
    slot = QWidget()
    slot.setObjectName(name)
    layout = QVBoxLayout(slot)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    return slot


GUARD_AT_THE_LATEST_MS = 250


class _FirstFrame(QObject):
    """Watches the window (only the window) until its first frame: then arms the guard, starts the
    warm-up and removes itself. Until the window is painted there is nothing to tap; it is armed
    at the latest GUARD_AT_THE_LATEST_MS after the window is shown, painted or not.
    """

    def __init__(self, window: KioskWindow) -> None:
        super().__init__(window)
        self._window = window
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window:
            kind = event.type()
            if kind == QEvent.Type.Paint:
                self._done()
            elif kind == QEvent.Type.Show:  # should no frame come (a window never exposed), all the same
                QTimer.singleShot(GUARD_AT_THE_LATEST_MS, self._window, self._window.arm_guard)
        return False

    def _done(self) -> None:
        window = self._window
        window.removeEventFilter(self)
        window.arm_guard()
        QTimer.singleShot(0, window, window.warm_up)
        window._first_frame = None
        self.deleteLater()
