"""Filing a request: form, review, commit to the outbox, then receipt (or an apology).

Every screen of the flow is built for one citizen and destroyed with ``discard``: nothing they
typed survives in a widget, an undo stack or the clipboard for the next person. While a citizen
reads a service's card, its empty form is built ahead (``build_form_ahead_soon``), so the tap on
"start" only has to show it. The screens' modules load on the first request or, after the first
frame, as work done ahead (``ahead_steps``, ``kiosk.ui.ahead``), not before the kiosk's first
frame. The flow emits what happened; the window navigates.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, QSize, QTimer, Signal
from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

from kiosk.core.catalog import Agency, Catalog, Service
from kiosk.outbox.desk import RequestDesk
from kiosk.outbox.store import OutboxError
from kiosk.ui.ahead import Step, unattended
from kiosk.ui.i18n import Localizer
from kiosk.ui.widgets.offscreen import paint_off_screen
from kiosk.ui.widgets.scrolling import give_back

if TYPE_CHECKING:
    from kiosk.ui.screens.form import FormScreen
    from kiosk.ui.screens.receipt import ReceiptScreen, SubmitFailedScreen
    from kiosk.ui.screens.review import ReviewScreen
    from kiosk.ui.widgets.keyboard import NumericKeypad, OnScreenKeyboard

log = logging.getLogger(__name__)

# How long a citizen has been on a service's card before its form is built ahead: nobody reads a
# card and reaches for "start" sooner, and a citizen who is only flicking through cards (or a tap
# on "back") is not kept waiting by a form they will not open.
FORM_AHEAD_AFTER_MS = 400
# The tracking code of the receipt painted ahead off screen (every digit, so each is drawn once
# before a citizen's receipt): never stored, never shown.
CODE_PAINTED_AHEAD = "012345678900"


class RequestFlow(QObject):
    step_shown = Signal(bool)  # review, receipt or apology on screen; whether Back may leave it
    filed = Signal(str, str)  # a request was committed: service id, agency id
    finished = Signal()  # the citizen is done (receipt or apology): the session can end

    def __init__(
        self, localizer: Localizer, desk: RequestDesk | None, receipts_dir: Path | None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._localizer = localizer
        self.desk = desk
        self._receipts_dir = receipts_dir
        self.host = QWidget()
        self.host.setObjectName("requestHost")
        self._layout = QVBoxLayout(self.host)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.form: FormScreen | None = None
        self.review: ReviewScreen | None = None
        self.receipt: ReceiptScreen | None = None
        self.failed: SubmitFailedScreen | None = None
        self._service: Service | None = None
        self._agency: Agency | None = None
        self._demo = True
        self._form_scroll: QScrollArea | None = None
        self._review_scroll: QScrollArea | None = None
        self._keyboard: OnScreenKeyboard | None = None
        self._keypad: NumericKeypad | None = None
        # The empty form built ahead for the card on screen, and the day it was built for (its
        # date checks count from that day).
        self._form_ahead: FormScreen | None = None
        self._form_ahead_on: date | None = None
        self._form_ahead_for: tuple[Service, Agency] | None = None
        self._form_ahead_timer = QTimer(self)
        self._form_ahead_timer.setSingleShot(True)
        self._form_ahead_timer.setInterval(FORM_AHEAD_AFTER_MS)
        self._form_ahead_timer.timeout.connect(self._build_form_ahead)

    @property
    def current(self) -> QWidget | None:
        return next((w for w in (self.receipt, self.failed, self.review, self.form) if w is not None), None)

    def ahead_steps(self, catalog: Catalog, page_size: Callable[[], QSize]) -> list[Step]:
        """Work done ahead for the flow (``kiosk.ui.ahead``): its modules, the shared keys, print
        support and a text box's viewport; then, unattended, the catalog's longest form, a review
        with no answers and a receipt with a code that exists nowhere, each built, painted off
        screen at ``page_size()`` and destroyed, and the keyboard and keypad painted. None is ever
        shown or stored; a step does nothing while a citizen's request is open or a form is built
        ahead for them."""
        with_forms = [s for s in catalog.services if s.form is not None]
        # The form with the most questions (of the most kinds) is the one painted ahead.
        longest = max(
            with_forms, key=lambda s: (len({f.kind for f in s.form.fields}), len(s.form.fields)), default=None
        )
        painted = self._painted_ahead(longest, catalog.agency(longest.agency_id), page_size) if longest else []
        return [Step(self._load_ahead), Step(self._load_print_support), Step(self._meet_a_text_box), *painted]

    def _load_ahead(self) -> None:
        """Load the flow's screens and build the shared keyboard ahead of the first request."""
        # The same import statements as the flow's, not importlib: PySide's import hook reads the
        # source of each module the first time a statement imports it (in a dev install), and
        # keeps it; done here, that happens before the first citizen, not during their request.
        from kiosk.ui.screens.form import FormScreen  # noqa: F401
        from kiosk.ui.screens.receipt import ReceiptScreen  # noqa: F401
        from kiosk.ui.screens.review import ReviewScreen  # noqa: F401

        keyboard, _keypad = self._keys()
        keyboard.keys  # noqa: B018 (its keys are made on first use: now, while nobody waits)

    @staticmethod
    def _meet_a_text_box() -> None:
        """Hand PySide a text box's viewport once. The first time it meets one, it sets up the
        enums of ~80 Qt widget classes while it works out the viewport's type (~10-30 ms here):
        done now, not during the first form with an address box. (Named here, not at the top:
        naming a Qt class makes its enums, and this module loads before the first frame.)"""
        from PySide6.QtWidgets import QPlainTextEdit

        box = QPlainTextEdit()
        box.viewport()
        shiboken6.delete(box)

    @staticmethod
    def _load_print_support() -> None:
        """Load Qt's print support, which the first receipt needs: ~12 ms and a few MiB the first
        citizen would otherwise wait for, loaded while nobody waits. (The QR encoder, pure Python,
        loads on a worker thread: ``KioskWindow.start_work_ahead``.)"""
        from kiosk.ui.printing import print_receipt  # noqa: F401 (see _load_ahead)

    def _painted_ahead(self, service: Service, agency: Agency, size: Callable[[], QSize]) -> list[Step]:
        def idle() -> bool:
            return self.current is None and self._form_ahead is None

        def paint(name: str, build: Callable[[], QWidget]) -> Step:
            def step() -> None:
                if idle():
                    screen = build()
                    setattr(self, name, screen)
                    self._show(screen)
                    paint_off_screen(self.host, size())
                    self._drop(name)

            return unattended(step)

        def keys() -> None:
            if idle():  # (while a form is open, the keys are in it)
                for keys in self._keys():
                    paint_off_screen(keys, QSize(size().width(), keys.sizeHint().height()))

        def review() -> QWidget:
            from kiosk.ui.screens.review import ReviewScreen

            return ReviewScreen(service, agency, {}, self._localizer, self._demo, self._review_scroll)

        def receipt() -> QWidget:
            from kiosk.ui.screens.receipt import ReceiptScreen

            now = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
            code = CODE_PAINTED_AHEAD
            return ReceiptScreen(code, now, service, agency, self._localizer, self._demo, self._review_scroll)

        return [
            paint("_form_ahead", lambda: self._new_form(service, agency)),
            unattended(keys),
            paint("review", review),
            paint("receipt", receipt),
        ]

    def build_form_ahead_soon(self, service: Service, agency: Agency) -> None:
        """A citizen is reading this service's card: build its empty form in a moment, unless
        they have moved on by then (``stop_building_ahead``)."""
        if service.form is None:
            self.stop_building_ahead()
            return
        self._form_ahead_for = (service, agency)
        self._form_ahead_timer.start()

    def stop_building_ahead(self) -> None:
        """The card is gone: build nothing for it (a form already built waits for ``start`` or
        ``discard``)."""
        self._form_ahead_timer.stop()
        self._form_ahead_for = None

    @property
    def form_built_ahead(self) -> FormScreen | None:
        """The empty form built ahead, not yet shown."""
        return self._form_ahead

    def _form_ahead_of(self, service: Service) -> FormScreen | None:
        """The form built ahead, if it is this service's and was built today."""
        form = self._form_ahead
        return form if form is not None and form.service is service and self._form_ahead_on == date.today() else None

    def _new_form(self, service: Service, agency: Agency) -> FormScreen:
        from kiosk.ui.screens.form import FormScreen

        return FormScreen(service, agency, self._localizer, date.today(), self._keys(), self._form_scroll)

    def _build_form_ahead(self) -> None:
        if self._form_ahead_for is None or self.current is not None:
            return
        (service, agency), self._form_ahead_for = self._form_ahead_for, None
        if self._form_ahead_of(service) is not None:
            return
        self._drop("_form_ahead")
        self._form_ahead = self._new_form(service, agency)
        self._form_ahead.ensurePolished()  # styled now, not when the citizen taps "start"
        self._form_ahead_on = date.today()

    def start(self, service: Service, agency: Agency, demo: bool) -> None:
        self.stop_building_ahead()
        form = self._form_ahead_of(service)
        if form is not None:
            self._form_ahead = None  # the form built ahead, untouched: shown as it is
        self.discard()
        self._service, self._agency, self._demo = service, agency, demo
        self.form = form or self._new_form(service, agency)
        self.form.review_requested.connect(self._to_review)
        self._show(self.form)

    def back(self) -> bool:
        """Step back inside the flow; False when there is nothing to go back to (leave the flow)."""
        if self.review is not None and self.form is not None:
            self._back_to_form(self.form.index)
            return True
        return False

    @property
    def holds_answers(self) -> bool:
        """Whether leaving the flow now would wipe answers the citizen gave (none on the receipt:
        the request is filed)."""
        return self.receipt is None and self.form is not None and self.form.has_answers()

    def _edit(self) -> None:
        """ "Change an answer" on the review: the questions again from the first, every answer in
        place, and a way straight back to the review."""
        self._back_to_form(0)

    def _back_to_form(self, index: int) -> None:
        assert self.form is not None
        self._drop("review")
        self._show(self.form)
        self.form.show_step(index)

    def discard(self) -> None:
        """Destroy every screen of the flow, with all it held, and any form built ahead."""
        self.stop_building_ahead()
        for name in ("receipt", "failed", "review", "form", "_form_ahead"):
            self._drop(name)
        self._service = self._agency = None

    def retranslate(self) -> None:
        for screen in (self.form, self.review, self.receipt, self.failed, self._form_ahead):
            if screen is not None:
                screen.retranslate()

    # --- steps -----------------------------------------------------------------------------

    def _to_review(self) -> None:
        from kiosk.ui.screens.review import ReviewScreen

        assert self.form is not None and self.form.last_check is not None
        assert self._service is not None and self._agency is not None
        self.review = ReviewScreen(
            self._service,
            self._agency,
            self.form.last_check.values,
            self._localizer,
            self._demo,
            self._review_scroll,
        )
        self.review.edit_requested.connect(self._edit)
        self.review.submit_requested.connect(self._submit)
        self._show(self.review)
        self.step_shown.emit(True)

    def _submit(self) -> None:
        from kiosk.ui.screens.receipt import ReceiptScreen, SubmitFailedScreen

        assert self.review is not None and self._service is not None and self._agency is not None
        service, agency, values = self._service, self._agency, self.review.values
        try:
            if self.desk is None:
                raise OutboxError("this kiosk has no outbox")
            request = self.desk.submit(service, values)
        except OutboxError:
            self.failed = SubmitFailedScreen(self._localizer)
            self.failed.done.connect(self.finished)
            self.failed.retry.connect(self._retry)
            self._show(self.failed)
            self.step_shown.emit(False)
            return
        self.filed.emit(service.id, service.agency_id)
        # Committed: only now does a tracking code exist. The answers go with the form.
        self._drop("review")
        self._drop("form")
        self.receipt = ReceiptScreen(
            request.tracking_code, request.created_at, service, agency, self._localizer, self._demo, self._review_scroll
        )
        self.receipt.done.connect(self.finished)
        self.receipt.print_requested.connect(self._print)
        self._show(self.receipt)
        self.step_shown.emit(False)

    def _retry(self) -> None:
        self._drop("failed")
        if self.review is not None:
            self._submit()

    def _print(self) -> None:
        from kiosk.ui.printing import ReceiptText, print_receipt  # Qt's print support loads on first use

        receipt = self.receipt
        if receipt is None:
            return
        text = ReceiptText(
            title=receipt.title.text(),
            code_label=receipt.code_label.text(),
            code=receipt.shown_code,
            details=receipt.details.text(),
            when=receipt.when_text(),
            next_steps=receipt.next_steps.text(),
            demo_note=receipt.demo_note.text() if self._demo else None,
            right_to_left=self._localizer.is_rtl,
        )
        try:
            result = print_receipt(
                text, receipt.qr.modules, self._receipts_dir or Path("receipts"), receipt.tracking_code
            )
        except OSError:
            log.exception("the receipt could not be printed")
            receipt.show_print_result(self.tr("The receipt could not be printed. Please note the code down."))
            return
        if result.printer is not None:
            receipt.show_print_result(self.tr("Printing… please take your receipt from the printer."))
        else:
            receipt.show_print_result(
                self.tr("There is no printer here: the receipt was saved for the staff. Please note the code down.")
            )

    # --- plumbing --------------------------------------------------------------------------

    def _show(self, screen: QWidget) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.hide()
        self._layout.addWidget(screen)
        screen.show()

    def _keys(self) -> tuple[OnScreenKeyboard, NumericKeypad]:
        """The keyboard and keypad every form borrows (they hold no text, only a target)."""
        if self._keyboard is None or self._keypad is None:
            from kiosk.ui.widgets.keyboard import NumericKeypad, OnScreenKeyboard

            self._keyboard, self._keypad = OnScreenKeyboard(self.host), NumericKeypad(self.host)
            self._keyboard.hide()
            self._keypad.hide()
        return self._keyboard, self._keypad

    def _drop(self, name: str) -> None:
        screen = getattr(self, name)
        if screen is None:
            return
        setattr(self, name, None)
        # Keep the scroll area for the next citizen's screen, without what this one showed.
        scroll_name = {
            "form": "_form_scroll", "_form_ahead": "_form_scroll",
            "review": "_review_scroll", "receipt": "_review_scroll",
        }.get(name)  # fmt: skip
        if scroll_name is not None:
            setattr(self, scroll_name, screen.scroll)
            give_back(screen.scroll, self.host)
        if name in ("form", "_form_ahead"):  # take the keys back before the form goes
            for keys in (self._keyboard, self._keypad):
                if keys is not None:
                    keys.set_target(None)
                    keys.hide()
                    keys.setParent(self.host)
        self._layout.removeWidget(screen)
        screen.hide()
        screen.deleteLater()
