"""A simulated citizen: one whole session through the real kiosk window, by taps and key presses.

Used by the soak and storage-fault tests, the UI tests' taps and the tap, search, drain and memory
benchmarks, so it depends on Qt alone, not on pytest-qt. A session: leave the attract loop, search
(typed with Arabic ي/ك as some keyboards send them), clear the search, browse an agency and a
service, go home, open a request form, answer its questions one at a time (keypad fields by tapping
the on-screen keypad, text by key presses, an option or the tick by a tap, a date by "Today",
then «بعدی»), review, confirm, submit, and end either with "Done" or by walking away (the idle
timer). Sessions take turns over every service that has a form.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from kiosk.app.root import Kiosk
from kiosk.core.catalog import Service
from kiosk.core.forms import FormField
from kiosk.core.persian import PERSIAN_DIGITS
from kiosk.ui.screens.form import FormScreen, QuestionStep
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


def answer(form: FormScreen, step: QuestionStep) -> None:
    """Answer the question on screen as a citizen does, and go on to the next one (or the review)."""
    for act in answer_taps(form, step):
        act()


def answer_taps(form: FormScreen, step: QuestionStep) -> list[Callable[[], None]]:
    """What a citizen does, tap by tap, to answer ``step`` and go on; the last one goes on. An
    option or the tick is one tap, and moves on by itself; a date is "Today", then «بعدی»; a
    number or code is tapped on the keypad, words are typed by key presses, then «بعدی»."""
    spec = step.spec
    next_button = child(form, "nextButton")
    if step.options is not None:
        return [lambda: tap(step.options.buttons()[0])]
    if step.consent is not None:
        return [lambda: tap(step.consent)]
    if step.picker is not None:
        return [lambda: tap(step.picker.today_button), lambda: tap(next_button)]
    assert step.editor is not None
    editor = step.editor
    if spec.uses_keypad:
        keys = [child(form.keypad, f"keypad:{char}") for char in keypad_answer(spec)]
        return [*(lambda key=key: tap(key) for key in keys), lambda: tap(next_button)]

    def typed() -> None:
        press_keys(editor, TEXT_ANSWERS[spec.kind][: spec.max_length or None])
        settle()

    return [typed, lambda: tap(next_button)]


def type_on_keys(form: FormScreen, text: str) -> int:
    """Type ``text`` by tapping the on-screen keys the question on screen shows (the keypad, or
    the keyboard's keys, a layer, letters or shift key first where a character needs it);
    returns how many taps were not characters (those layer, letters and shift keys)."""
    switches = 0
    for char in text:
        if form.keypad.isVisible():
            digit = PERSIAN_DIGITS.index(char) if char in PERSIAN_DIGITS else char
            tap(child(form.keypad, f"keypad:{digit}"))
            continue
        names = form.keyboard.taps_for(char)
        if not names:
            raise SessionError(f"no key types {char!r}")
        for name in names:
            tap(form.keyboard.keys[name])
        switches += len(names) - 1
    return switches


def form_services(kiosk: Kiosk) -> list[Service]:
    catalog = kiosk.window.catalog
    assert catalog is not None, "the kiosk shows no catalog"
    return [s for s in catalog.services if s.form is not None]


def keypad_answer(spec: FormField) -> str:
    if spec.kind in KEYPAD_ANSWERS:
        return KEYPAD_ANSWERS[spec.kind]
    return "1" + "0" * (max(spec.min_digits, 1) - 1)  # a number


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
        review = window.requests.review
        if review is None:
            raise SessionError(f"the form stayed at {form.current.spec.id}: {form.current.problem!r}")
        tap(child(review, "reviewConsent"))
        tap(child(review, "submitButton"))
        receipt = window.requests.receipt
        if receipt is None:
            raise SessionError("no receipt after submitting")
        self.submitted.append(receipt.code.text())

    def fill(self, form: FormScreen) -> None:
        """Answer what a citizen answers, question by question up to the review: every required
        question, and the optional text ones; the other optional ones are passed by «بعدی»."""
        for taps in self.taps_by_question(form):
            for act in taps:
                act()

    @staticmethod
    def taps_by_question(form: FormScreen) -> list[list[Callable[[], None]]]:
        """Each tap of ``fill``, question by question (the questions are all built when the form
        opens, so the whole walk is known before the first tap); the last tap of each moves on,
        the very last opens the review."""
        taps: list[list[Callable[[], None]]] = []
        for step in form.steps:
            if step.spec.required or step.spec.kind in ("text", "long_text"):
                taps.append(answer_taps(form, step))
            else:
                taps.append([lambda: tap(child(form, "nextButton"))])
        return taps

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
