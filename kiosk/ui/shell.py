"""KioskWindow: the one window; it owns navigation, the idle timer and the end of a citizen's session.

What the first frame does not show is built on first use, or as work done ahead once the first
frame is painted (``start_work_ahead``, ``kiosk.ui.ahead``), whichever comes first: each screen
and flow offers its steps (the agency screen, the PIN pad, the keyboards' keys, the request and
tracking flows' modules, QR codes; then, while the attract loop plays, the screens painted off
screen). (The service screen is built with the window: its side panel keeps the height it is first
measured at.) The lockdown guard goes on the window's platform window with the first frame
(``_FirstFrame``). What is in force is asked of its owner (``kiosk.core.live_state``), never kept.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from kiosk.core.background import Workers
from kiosk.core.catalog import Catalog, Service
from kiosk.core.live_state import Change, InForce, LiveState
from kiosk.core.preload import load
from kiosk.core.voice import Voice
from kiosk.link.lookup import LookupAnswer
from kiosk.outbox.desk import RequestDesk
from kiosk.outbox.usage import UsageLog
from kiosk.ui.ahead import NOT_YET, AheadRunner, Step
from kiosk.ui.i18n import Localizer
from kiosk.ui.icons import IconSet
from kiosk.ui.lockdown import Guard
from kiosk.ui.request_flow import RequestFlow
from kiosk.ui.screens.attract import AttractScreen
from kiosk.ui.screens.home import HomeScreen
from kiosk.ui.screens.service import ServiceScreen
from kiosk.ui.speech import ReadAloud
from kiosk.ui.speech_mode import SpeechMode
from kiosk.ui.staff.mode import StaffMode
from kiosk.ui.track_flow import TrackFlow
from kiosk.ui.widgets.header import Header
from kiosk.ui.widgets.idle_prompt import IdlePrompt
from kiosk.ui.widgets.leave_prompt import LeavePrompt
from kiosk.ui.widgets.qr import encode_ahead

if TYPE_CHECKING:  # built on first use (see the module's docstring)
    from kiosk.ui.screens.agency import AgencyScreen

log = logging.getLogger(__name__)

# Pure Python the warm-up loads on a worker thread (``kiosk.core.preload``): the QR encoder of service
# cards and receipts (with urllib, http.client, email and ssl: ~40 ms on the UI thread of a slow
# PC) and Babel (plurals, currency).
PRELOADED_MODULES = ("segno", "babel")


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
    staff_requested = Signal()  # the corner gesture or Ctrl+Alt+Shift+S
    accessibility_changed = Signal(bool, bool)  # large text, high contrast: for this session only
    page_changed = Signal(int)

    def __init__(
        self,
        localizer: Localizer,
        icons: IconSet,
        state: LiveState | None = None,
        desk: RequestDesk | None = None,
        receipts_dir: Path | None = None,
        usage: UsageLog | None = None,
        workers: Workers | None = None,
        look_up: Callable[..., LookupAnswer] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("kioskWindow")
        self._localizer = localizer
        self._icons = icons
        self.requests = RequestFlow(localizer, desk, receipts_dir, self)
        workers = workers or Workers()  # the app's pool; a window built alone (a tool) has its own
        self._workers = workers
        self.staff = StaffMode(localizer, self, workers, self)  # its PIN pad goes on the central widget (below)
        self.tracking = TrackFlow(localizer, look_up, workers, self)
        self._state = state
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
        self.requests.step_shown.connect(self.show_request_step)
        self.requests.finished.connect(self.end_session)
        self.requests.filed.connect(self._request_filed)
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
        self.leave_prompt = LeavePrompt(central)  # before Back or Home wipes a citizen's answers
        # The speaker button reads the screen on show (or the question on top of it) aloud.
        self.read_aloud = ReadAloud(self.header, Voice(), localizer, self._on_show_to_read, self)
        self.page_changed.connect(lambda _page: self.read_aloud.stop())
        # Speech mode: the kiosk used by keypad and voice alone (kiosk.ui.speech_mode).
        self.speech_mode = SpeechMode(
            self,
            self.read_aloud,
            self._on_show_to_read,
            self.header,
            on_attract=lambda: self.current_page == Page.ATTRACT,
            start_session=self.start_session,
            back=self.back,
        )
        self.page_changed.connect(lambda _page: self.speech_mode.screen_changed())
        self.requests.step_shown.connect(lambda _back: self.speech_mode.screen_changed())
        self.session_started.connect(self.speech_mode.session_started)
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
        self._out_of_service = False  # for good: no catalog, or no outbox to commit requests to
        self.usage = usage  # anonymous counters
        self._ahead = AheadRunner(lambda: self.current_page == Page.ATTRACT, self)
        self._first_frame: _FirstFrame | None = _FirstFrame(self)
        self.retranslate()
        if state is not None:
            state.subscribe(self._in_force_changed)

    def show_in_force(self) -> None:
        """Show what is in force from the attract loop (the out-of-service screen when nothing is).
        The composition root calls it once the theme is applied: widgets made before the
        application's stylesheet is set are styled once, when it is; made after it, each is styled
        as it is added to its parent (measured: ~10 ms more before the first frame)."""
        if self._state is None:
            self.show_out_of_service()
        else:
            self._show_in_force(self._state.current)

    # --- screens built on first use -----------------------------------------------------------

    @property
    def agency(self) -> AgencyScreen:
        if self._agency is None:
            from kiosk.ui.screens.agency import AgencyScreen

            self._agency = AgencyScreen(self._localizer, self._icons)
            self._agency.service_chosen.connect(self.open_service)
            self._agency_page.layout().addWidget(self._agency)
        return self._agency

    def start_work_ahead(self) -> None:
        """After the first frame: what the first taps will need, done ahead in idle time by each
        screen's and flow's steps (``kiosk.ui.ahead``). The QR encoder and Babel, pure Python, load
        on a worker thread meanwhile (``kiosk.core.preload``); the steps that need them wait for it."""
        if self._ahead.started or self._may_close:
            return  # a kiosk being closed (its worker pool may be shut down already) works ahead for nobody
        from kiosk.ui.screens.agency import ahead_steps as agency_ahead_steps  # the screen loads on first use

        loaded = self._workers.submit(load, PRELOADED_MODULES)
        screens: list[Step] = self.home.ahead_steps(self._page_size)
        in_force = self._in_force
        if in_force is not None:
            shown, currency = in_force.shown, in_force.profile.currency
            screens += agency_ahead_steps(lambda: self.agency, shown, currency, self._page_size)
            screens += self.service.ahead_steps(shown, currency, self._page_size)
            screens += self.requests.ahead_steps(shown, self._page_size)
        self._ahead.start([
            *screens,
            *self.tracking.ahead_steps(),
            *self.staff.ahead_steps(),
            Step(lambda: loaded.done() or NOT_YET),  # what follows uses what the worker thread loads
            Step(self._localizer.load_ahead),
            # The service cards' QR codes, one per turn (~4-8 ms each): a tap on a service then
            # only paints. A catalog shown later encodes its new addresses on first view.
            *(Step(functools.partial(encode_ahead, address)) for address in self._service_addresses()),
        ])  # fmt: skip

    def _page_size(self) -> QSize:
        """The size of a page under the header. Screens are painted ahead on the attract loop,
        which hides the header and so has its room too (the header's height is fixed)."""
        return self.pages.size() - QSize(0, self.header.height())

    def _service_addresses(self) -> list[str]:
        if self._in_force is None:
            return []
        services = self._in_force.shown.services
        return list(dict.fromkeys(s.online_address for s in services if s.online_address))

    @property
    def working_ahead(self) -> bool:
        """Whether what the first frame did not need is still to be done (``start_work_ahead``)."""
        return not self._ahead.done

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
        if self.usage is not None:  # the last touch was one idle timeout ago: the card's time ends there
            self.usage.card_left(idle_seconds=self.idle_timer.interval() / 1000)
        self.idle_prompt.start()

    # --- content ---------------------------------------------------------------------------

    @property
    def _in_force(self) -> InForce | None:
        """What is in force: always asked of its owner, never copied here."""
        return self._state.current if self._state is not None else None

    def _in_force_changed(self, in_force: InForce, change: Change) -> None:
        if change & (Change.PROFILE | Change.CATALOG):
            self._show_in_force(in_force)
        elif change & Change.CATALOG_WAITING and self.current_page == Page.ATTRACT:
            self.end_session()  # nobody is at the screen: the new catalog goes in now

    def _show_in_force(self, in_force: InForce) -> None:
        """Show the catalog under the profile in force, starting from the attract loop (or staying
        on the staff panel, when staff switched the profile from there)."""
        profile = in_force.profile
        self.header.set_profile(profile, in_force.logo)
        self.idle_timer.setInterval(profile.idle_timeout_seconds * 1000)
        self.speech_mode.audio_first = profile.audio_first
        if self._localizer.language != profile.language:
            self._localizer.set_language(profile.language)
        self.home.show_content(in_force.shown, profile)
        self.attract.show_content(in_force.shown, profile)
        keep_staff = self.staff.active
        self.end_session(keep_staff=keep_staff)
        if keep_staff:
            self._show(Page.STAFF)
            self.header.hide()

    def show_out_of_service(self) -> None:
        """No usable catalog, or no outbox a request could be committed to: say so plainly instead
        of an empty kiosk, or a form whose answers could not be kept. Every end of a session (staff
        closing their panel, a profile or catalog change) comes back here."""
        self._out_of_service = True
        if self.current_page == Page.STAFF:
            return  # staff changed what put the kiosk out of service: it shows when they close the panel
        self._history.clear()
        self._show(Page.OUT_OF_SERVICE)

    def back_in_service(self) -> None:
        """The outbox opened after all (space freed, a lock let go): citizens from the attract loop on."""
        if self._out_of_service and self._state is not None:
            self._out_of_service = False
            if self.current_page == Page.OUT_OF_SERVICE:
                self.end_session()

    def _on_show_to_read(self) -> QWidget | None:
        """What read-aloud reads: a question on top of the screen (leaving, still there?), else
        the screen on show."""
        for prompt in (self.leave_prompt, self.idle_prompt):
            if prompt.isVisible():
                return prompt
        return self.pages.currentWidget()

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
        self.speech_mode.session_ended()
        self.read_aloud.forget()
        if not keep_staff:
            self.staff.discard()
        self.idle_prompt.cancel()
        self.leave_prompt.stay()
        if self.usage is not None:
            self.usage.session_ended()
        self._history.clear()
        self.requests.discard()
        self.tracking.discard()
        self.home.clear_search()
        self.home.reset_accessibility()
        state = self._state
        if state is not None and state.catalog_waiting and state.apply_waiting_catalog():
            return  # shown from the attract loop by ``_in_force_changed``, which came back here
        in_force = self._in_force
        if in_force is not None and self._localizer.language != in_force.profile.language:
            self._localizer.set_language(in_force.profile.language)
        focused = QApplication.focusWidget()
        if focused is not None:
            focused.clearFocus()
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.clear()
        self._show(Page.OUT_OF_SERVICE if self._out_of_service else Page.ATTRACT)
        self.session_ended.emit()

    def _asked_before_leaving(self, then: Callable[[], None]) -> bool:
        """Whether leaving now would wipe the answers of a request under way: then the citizen is
        asked first (``LeavePrompt``), and ``then`` runs only if they say to leave."""
        if self.current_page == Page.REQUEST and self.requests.holds_answers:
            self.leave_prompt.ask(then)
            return True
        return False

    def go_home(self) -> None:
        if not self._asked_before_leaving(self._go_home):
            self._go_home()

    def _go_home(self) -> None:
        self._history.clear()
        self.requests.discard()
        self.tracking.discard()
        self.home.clear_search()
        self._show(Page.HOME)

    def open_agency(self, agency_id: str) -> None:
        in_force = self._in_force
        if in_force is None:
            return
        self.agency.show_agency(in_force.shown.agency(agency_id), in_force.profile.currency)
        self._push(Page.AGENCY, agency_id)

    def open_service(self, service_id: str) -> None:
        if self._in_force is None:
            return
        service = self._fill_service_card(service_id)
        self._push(Page.SERVICE, service_id)
        self.note("service_viewed", service_id, service.agency_id)

    def _fill_service_card(self, service_id: str) -> Service:
        """Put this service on the card, and have its form built while the citizen reads it."""
        in_force = self._in_force
        assert in_force is not None
        service = in_force.shown.service(service_id)
        agency = in_force.shown.agency(service.agency_id)
        self.service.show_service(service, agency, in_force.profile.currency)
        self.requests.build_form_ahead_soon(service, agency)
        return service

    @property
    def catalog(self) -> Catalog | None:
        """The whole catalog in force (not only the profile's agencies)."""
        return self._in_force.catalog if self._in_force is not None else None

    def open_track(self) -> None:
        if self._in_force is None:
            return
        self.tracking.start(self._in_force.shown)
        self._push(Page.TRACK, "")

    def open_form(self, service_id: str) -> None:
        """Start a request for this service: a fresh form, nothing of anybody before."""
        in_force = self._in_force
        if in_force is None:
            return
        service = in_force.shown.service(service_id)
        self.requests.start(service, in_force.shown.agency(service.agency_id), in_force.profile.is_demo)
        self._push(Page.REQUEST, service_id)
        self.note("request_started", service_id, service.agency_id)

    def _request_filed(self, service_id: str, agency_id: str) -> None:
        self.note("request_submitted", service_id, agency_id)

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
            if self._asked_before_leaving(self._back):
                return
        self._back()

    def _back(self) -> None:
        if self.current_page == Page.REQUEST:
            self.requests.discard()
        if self.current_page == Page.TRACK:
            self.tracking.discard()
        if self._history:
            self._history.pop()
        if not self._history:
            self._show(Page.HOME)
            return
        page, item = self._history[-1]
        in_force = self._in_force
        if page == Page.AGENCY and in_force is not None:
            self.agency.show_agency(in_force.shown.agency(item), in_force.profile.currency)
        elif page == Page.SERVICE and in_force is not None:
            self._fill_service_card(item)
        self._show(page)

    def _push(self, page: Page, item: str) -> None:
        self._history.append((page, item))
        self._show(page)

    def _show(self, page: Page) -> None:
        if page != Page.SERVICE:
            self.requests.stop_building_ahead()  # the card is gone: no form to build for it
            if self.usage is not None:
                self.usage.card_left()  # how long the citizen looked at it (anonymous)
        self.pages.setCurrentIndex(page)
        self.header.setVisible(page not in (Page.ATTRACT, Page.OUT_OF_SERVICE))
        self.header.set_navigation(can_go_back=bool(self._history), at_home=page == Page.HOME)
        self.page_changed.emit(int(page))

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Pishkhan e-services kiosk"))
        self.leave_prompt.retranslate()
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
        QTimer.singleShot(0, window, window.start_work_ahead)
        window._first_frame = None
        self.deleteLater()
