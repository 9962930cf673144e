"""A simulated citizen: one whole session through the real kiosk window, by taps and key presses.

Used by the soak and storage-fault tests, the UI tests' taps and the tap, search, drain and memory
benchmarks, so it depends on Qt alone, not on pytest-qt. A session: leave the attract loop, search
(typed with Arabic ي/ك as some keyboards send them), clear the search, browse an agency and a
service, go home, open a request form, answer every question (keypad fields by tapping the
on-screen keypad, text by key presses), review, confirm, submit, and end either with "Done" or by
walking away (the idle timer). Sessions take turns over every service that has a form.
"""

from __future__ import annotations

import asyncio
import time
from datetime import date, timedelta

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from kiosk.app.root import Kiosk
from kiosk.core.catalog import Service
from kiosk.core.forms import FormField, format_jalali
from kiosk.ui.screens.form import FieldRow, FormScreen
from kiosk.ui.shell import KioskWindow, Page

SEARCHES = ("قبض آب", "گذرنامه", "كد پستي", "مالیات")
TEXT_ANSWERS = {"text": "زهرا حسین\u200cزاده", "long_text": "ساری، خیابان فرهنگ، کوچه ۱۲، پلاک ۴"}
KEYPAD_ANSWERS = {"national_id": "0012345679", "mobile": "09123456789", "postal_code": "4816813311"}


class SessionError(AssertionError):
    """The window did not do what a citizen's tap should have made it do."""


def settle() -> None:
    """Let Qt run what a tap queued: layouts, deferred deletes, repaints."""
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()


def tap(widget: QWidget) -> None:
    """A finger on the visible part of ``widget`` (``aim``); then Qt runs what the tap queued
    (``settle``)."""
    finger(widget, aim(widget))
    settle()


def aim(widget: QWidget) -> QPoint:
    """Where a finger lands on ``widget``: the middle of its part on screen, once pending layouts
    are done and a list that hides it has scrolled it into sight (or turned to its page)."""
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    holder = widget.parentWidget()
    if not widget.isVisible() and holder is not None and callable(getattr(holder, "reveal", None)):
        holder.reveal(widget)  # on another page of home's agencies: the citizen turns to it first
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    if not widget.isVisible():
        raise SessionError(f"{widget.objectName() or type(widget).__name__} is not visible")
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    if isinstance(parent, QScrollArea) and parent.widget() is not None and parent.widget().isAncestorOf(widget):
        parent.ensureWidgetVisible(widget, 0, 0)
    visible = widget.visibleRegion().boundingRect()
    if visible.isEmpty():
        raise SessionError(f"{widget.objectName()} is out of sight")
    return visible.center()


def as_painted() -> None:
    """Let Qt finish what the last input queued (layouts, showing, scrolling) before the next tap:
    a finger only lands on a screen that has been painted. Inside an asyncio task (the end-to-end
    tests run on qasync) the event loop must not run, lest other tasks run inside this one: there,
    only the pending layouts are done."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        QApplication.processEvents()
    else:
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


def finger(widget: QWidget, at: QPoint, button: Qt.MouseButton = Qt.MouseButton.LeftButton) -> None:
    """A press and release at ``at`` (in ``widget``'s coordinates) as the screen delivers it: to
    the platform window, past the lockdown guard, which hands it to the widget on top there.
    (Sent, not through QTest, which also runs the event loop: under asyncio that would run other
    tasks inside the one that taps.)"""
    window = widget.window()
    window.winId()  # the platform window, should the widget's window not have one yet
    local = QPointF(widget.mapTo(window, at))
    screen = QPointF(window.mapToGlobal(local.toPoint()))
    for kind, buttons in (
        (QEvent.Type.MouseButtonPress, button),
        (QEvent.Type.MouseButtonRelease, Qt.MouseButton.NoButton),
    ):
        event = QMouseEvent(kind, local, local, screen, button, buttons, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(window.windowHandle(), event)


def press_keys(widget: QWidget, text: str) -> None:
    """Key presses carrying any text, as a physical keyboard sends them (QTest.keyClicks aborts on
    letters outside Latin-1)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char))


def child(root: QWidget, name: str) -> QWidget:
    """The widget of that name a citizen can see (hidden ones, such as kept search-result tiles
    of the same name, come after), or the first one."""
    found = root.findChildren(QWidget, name)
    if not found:
        raise SessionError(f"no widget named {name!r}")
    return next((w for w in found if w.isVisible()), found[0])


def wait_until_ready(window: KioskWindow, seconds: float = 30.0) -> None:
    """Let the window finish the work it does ahead after its first frame (``start_work_ahead``), as
    a kiosk has long done by the time its first citizen arrives."""
    settle()
    window.repaint()  # the first frame, which starts the work done ahead
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        settle()
        if not window.working_ahead:
            return
        time.sleep(0.001)  # some steps wait for a worker thread (kiosk.core.preload)
    raise SessionError("the window is still working ahead")


def answer(form: FormScreen, row: FieldRow, today: date) -> None:
    """Answer one question as a citizen does: a tap on a choice or the consent box, or the field
    tapped and its answer typed on the on-screen keypad, or by key presses."""
    spec = row.spec
    if row.choices is not None:
        tap(row.choices.buttons()[0])
    elif row.consent is not None:
        tap(row.consent)
    elif row.editor is not None:
        tap(row.editor)
        if spec.uses_keypad:
            for char in keypad_answer(spec, today):
                tap(child(form.keypad, "keypad:slash" if char == "/" else f"keypad:{char}"))
        else:
            press_keys(row.editor, TEXT_ANSWERS[spec.kind][: spec.max_length or None])
            settle()


def form_services(kiosk: Kiosk) -> list[Service]:
    catalog = kiosk.window.catalog
    assert catalog is not None, "the kiosk shows no catalog"
    return [s for s in catalog.services if s.form is not None]


def keypad_answer(spec: FormField, today: date) -> str:
    if spec.kind in KEYPAD_ANSWERS:
        return KEYPAD_ANSWERS[spec.kind]
    if spec.kind == "number":
        return "1" + "0" * (max(spec.min_digits, 1) - 1)
    shift = {"past": -400, "future": 10}.get(spec.when, 0)
    return format_jalali(today + timedelta(days=shift))


class Citizen:
    """Drives ``kiosk``'s window through whole sessions; ``session(n)`` runs the n-th one."""

    def __init__(self, kiosk: Kiosk) -> None:
        self.kiosk = kiosk
        self.window = kiosk.window
        self.services = form_services(kiosk)
        if not self.services:
            raise SessionError("no service of this catalog takes requests")
        self.submitted: list[str] = []

    def session(self, number: int) -> None:
        window = self.window
        if window.current_page != Page.ATTRACT:
            raise SessionError(f"a session starts on the attract loop, not {window.current_page.name}")
        tap(window.attract)
        self._expect(Page.HOME)
        self.search(SEARCHES[number % len(SEARCHES)])
        service = self.services[number % len(self.services)]
        self.browse(service)
        self.file_request(service)
        if number % 2:
            tap(child(window, "doneButton"))
        else:
            self.walk_away()
        self._expect(Page.ATTRACT)

    def search(self, words: str) -> None:
        field = child(self.window, "searchField")
        tap(field)
        press_keys(field, words)
        settle()
        if not self.window.home.result_tiles():
            raise SessionError(f"nothing found for {words!r}")
        tap(child(self.window, "clearSearchButton"))

    def browse(self, service: Service) -> None:
        window = self.window
        tap(child(window, f"agencyTile:{service.agency_id}"))
        self._expect(Page.AGENCY)
        tap(child(window, f"serviceTile:{service.id}"))
        self._expect(Page.SERVICE)
        tap(child(window, "homeButton"))
        self._expect(Page.HOME)
        tap(child(window, f"agencyTile:{service.agency_id}"))
        tap(child(window, f"serviceTile:{service.id}"))
        self._expect(Page.SERVICE)

    def file_request(self, service: Service) -> None:
        window = self.window
        tap(child(window, "startRequestButton"))
        self._expect(Page.REQUEST)
        form = window.requests.form
        if form is None:
            raise SessionError("no form opened")
        self.fill(form)
        tap(child(form, "reviewButton"))
        review = window.requests.review
        if review is None:
            problems = form.last_check.problems if form.last_check else {}
            raise SessionError(f"the form was refused: {problems}")
        tap(child(review, "reviewConsent"))
        tap(child(review, "submitButton"))
        receipt = window.requests.receipt
        if receipt is None:
            raise SessionError("no receipt after submitting")
        self.submitted.append(receipt.code.text())

    def fill(self, form: FormScreen) -> None:
        """Answer what a citizen answers: every required question, and the optional text ones."""
        today = date.today()
        for row in form.rows:
            if row.spec.required or row.spec.kind in ("text", "long_text"):
                answer(form, row, today)

    def walk_away(self) -> None:
        """The citizen leaves: the idle timer fires and, when the kiosk asks "are you still
        there?", nobody answers. Both waits are shortened to a few milliseconds here."""
        window = self.window
        timer = window.idle_timer
        interval = timer.interval()
        prompt = getattr(window, "idle_prompt", None)
        countdown = prompt.seconds if prompt is not None else 0
        if prompt is not None:
            prompt.seconds = 0
        timer.start(1)
        deadline = time.monotonic() + 5
        while window.current_page != Page.ATTRACT and time.monotonic() < deadline:
            QApplication.processEvents()
            time.sleep(0.001)
        timer.setInterval(interval)
        if prompt is not None:
            prompt.seconds = countdown
        settle()

    def _expect(self, page: Page) -> None:
        settle()
        if self.window.current_page != page:
            raise SessionError(f"expected {page.name}, the window shows {self.window.current_page.name}")
