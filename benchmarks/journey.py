"""A citizen's journey: from the attract loop to the receipt, every tap and keystroke counted.

    .venv/bin/python -m benchmarks.journey [--all]

In-process, offscreen, the real window on the bundled catalog and the festival profile at
1366x768. A citizen taps the attract loop, the agency's tile, the service's tile and "start",
answers every question of the form (optional ones too), ticks the confirmation on the review and
sends: the receipt is the end. Words are typed on the on-screen keyboard and numbers on the
keypad, one tap per character; a choice is a tap on its option; a date is picked (a date in the
past three days ago, one to come in five days, any other today); a consent is ticked.

Counted on the window's platform window, where the screen delivers every touch (an event filter,
as the lockdown guard sees them): a press on a key that types or erases a character is a
*keystroke*, every other press (a button, an option, a field, the keyboard's layer key) is a
*tap*. A *drag* is a control the citizen had to scroll into sight before tapping it (counted
where the harness scrolls it for them). A person's time is estimated at 1.5 s a tap or drag and
0.4 s a keystroke. Three forms are reported one by one (the water connection, the gas meter
reading with a date, the health insurance complaint with a choice, a date and long text); the
per-question average is over every form of the catalog.

It drives the form of before issue 18 as well (one scrolling page, a review button), so the same
file run against an older tree gives the figure from before (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks.common import SCREEN, Figure, quick

SECONDS_PER_TAP = 1.5
SECONDS_PER_KEYSTROKE = 0.4
WATER = "mazandaran-water.new-connection"
REPORTED = (WATER, "mazandaran-gas.meter-reading", "health-insurance.complaint")
TAPS_TARGET = 45  # the water connection, attract loop to receipt
PER_QUESTION_TARGET = 5.0

# What the citizen types, by kind (words on the keyboard, numbers and codes on the keypad).
WORDS = {
    "text": "زهرا حسین\u200cزاده",
    "long_text": "ساری، خیابان فرهنگ، کوچه ۱۲، پلاک ۴",
}
DIGITS = {"national_id": "0012345679", "mobile": "09123456789", "postal_code": "4816813311"}
CHARACTER_KEYS = ("key:", "keypad:")
LAYER_KEYS = ("key:switch", "key:digits", "key:signs", "key:shift")  # taps that type nothing


@dataclass
class Journey:
    service: str
    questions: int
    taps: int = 0
    keystrokes: int = 0
    drags: int = 0
    seconds_driven: float = 0.0
    tapped: list[str] = field(default_factory=list)  # what each tap landed on, for reading back
    dragged: list[str] = field(default_factory=list)  # what had to be scrolled into sight first

    @property
    def person_seconds(self) -> float:
        return (self.taps + self.drags) * SECONDS_PER_TAP + self.keystrokes * SECONDS_PER_KEYSTROKE

    def as_dict(self) -> dict[str, Any]:
        return {
            "questions": self.questions,
            "taps": self.taps,
            "keystrokes": self.keystrokes,
            "drags": self.drags,
            "taps_per_question": round(self.taps / self.questions, 2),
            "person_seconds": round(self.person_seconds, 1),
            "dragged": self.dragged,
        }


class _Counter:
    """Counts presses on the window's platform window, each by what it lands on."""

    def __init__(self, window: Any) -> None:
        from PySide6.QtCore import QEvent, QObject, QPoint
        from PySide6.QtWidgets import QAbstractButton

        counter = self
        self.journey: Journey | None = None

        class Filter(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:
                if event.type() == QEvent.Type.MouseButtonPress and counter.journey is not None:
                    hit = window.childAt(QPoint(round(event.position().x()), round(event.position().y())))
                    while hit is not None and not isinstance(hit, QAbstractButton) and hit.objectName() == "":
                        hit = hit.parentWidget()
                    counter.count(hit.objectName() if hit is not None else "")
                return False

        self.filter = Filter()
        window.windowHandle().installEventFilter(self.filter)

    def count(self, name: str) -> None:
        journey = self.journey
        assert journey is not None
        if name.startswith(CHARACTER_KEYS) and name not in LAYER_KEYS:
            journey.keystrokes += 1
        else:
            journey.taps += 1
            journey.tapped.append(name)


def measure(every_form: bool | None = None) -> list[Figure]:
    from PySide6.QtWidgets import QApplication

    import harness.citizen as citizen
    from harness.citizen import child, settle, tap, wait_until_ready
    from kiosk.app.root import Kiosk
    from kiosk.core.paths import KioskPaths, resources_root
    from kiosk.ui.shell import Page

    _app = QApplication.instance() or QApplication(sys.argv[:1])
    every_form = (not quick()) if every_form is None else every_form
    journeys: dict[str, Journey] = {}
    with tempfile.TemporaryDirectory() as data:
        kiosk = Kiosk.build(KioskPaths(root=resources_root(), data=Path(data)), "festival")
        window = kiosk.window
        window.resize(*SCREEN)
        window.show()
        wait_until_ready(window)
        counter = _Counter(window)
        aim = citizen.aim

        def counting_aim(widget: Any) -> Any:
            """The harness scrolls a control into sight before its tap: a citizen drags."""
            if counter.journey is not None and _scrolled_away(widget):
                counter.journey.drags += 1
                counter.journey.dragged.append(widget.objectName())
            return aim(widget)

        citizen.aim = counting_aim
        try:
            services = [s for s in citizen.form_services(kiosk)]
            chosen = services if every_form else [s for s in services if s.id in REPORTED]
            for service in chosen:
                journey = Journey(service.id, len(service.form.fields))
                counter.journey = journey
                start = time.perf_counter()
                tap(window.attract)
                tap(child(window, f"agencyTile:{service.agency_id}"))
                tap(child(window, f"serviceTile:{service.id}"))
                tap(child(window, "startRequestButton"))
                form = window.requests.form
                if hasattr(form, "steps"):
                    _answer_steps(form)
                else:
                    _answer_one_page(form)
                review = window.requests.review
                if review is None:
                    raise RuntimeError(f"{service.id}: no review after the last question")
                tap(child(review, "reviewConsent"))
                tap(child(review, "submitButton"))
                if window.requests.receipt is None:
                    raise RuntimeError(f"{service.id}: no receipt")
                journey.seconds_driven = time.perf_counter() - start
                counter.journey = None
                journeys[service.id] = journey
                tap(child(window, "doneButton"))
                settle()
                if window.current_page != Page.ATTRACT:
                    raise RuntimeError(f"{service.id}: not back on the attract loop")
        finally:
            citizen.aim = aim
            window.windowHandle().removeEventFilter(counter.filter)
            kiosk.close()
            settle()
    return _figures(journeys, every_form)


def _scrolled_away(widget: Any) -> bool:
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication, QScrollArea

    # As the finger's aim does: the layouts the last tap asked for first (a new question's options
    # are laid out then; before that they are not where the citizen sees them).
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    if parent is None or parent.widget() is None or not parent.widget().isAncestorOf(widget):
        return False
    return widget.visibleRegion().boundingRect() != widget.rect()


def _type(form: Any, text: str) -> None:
    """Each character on the on-screen key that types it, after the keys that bring it (another
    layer or letters, shift: taps, not keystrokes)."""
    from harness.citizen import child, tap
    from kiosk.core.persian import PERSIAN_DIGITS

    keyboard = form.keyboard
    for char in text:
        if form.keypad.isVisible():
            name = "slash" if char == "/" else str(PERSIAN_DIGITS.index(char)) if char in PERSIAN_DIGITS else char
            tap(child(form.keypad, f"keypad:{name}"))
        elif hasattr(keyboard, "taps_for"):  # the keyboard of issue 18: a digit row, signs, shift
            for name in keyboard.taps_for(char):
                tap(keyboard.keys[name])
        else:  # the keyboard before it: digits on a layer of their own
            name = {" ": "key:space", "\u200c": "key:zwnj"}.get(char, f"key:{char}")
            if name not in keyboard.keys:
                tap(child(keyboard, "key:digits"))
            tap(keyboard.keys[name])


def _typed(spec: Any) -> str:
    if spec.kind in WORDS:
        return WORDS[spec.kind][: spec.max_length or None]
    if spec.kind in DIGITS:
        return DIGITS[spec.kind]
    return "1" + "0" * (max(spec.min_digits, 1) - 1)  # a number


def _date_wanted(spec: Any) -> date:
    return date.today() + timedelta(days={"past": -3, "future": 5}.get(spec.when, 0))


def _answer_steps(form: Any) -> None:
    """The form of issue 18: one question at a time."""
    from harness.citizen import child, tap
    from kiosk.core.forms import format_jalali

    for step in list(form.steps):
        if form.current is not step:
            raise RuntimeError(f"expected {step.spec.id}, the form shows {form.current.spec.id}")
        if step.options is not None:
            tap(step.options.buttons()[0])  # moves on by itself
            continue
        if step.consent is not None:
            tap(step.consent)  # moves on by itself
            continue
        if step.picker is not None:
            wanted = _date_wanted(step.spec)
            if wanted == date.today():
                tap(step.picker.today_button)
            else:
                year, month, day = (int(p) for p in format_jalali(wanted).split("/"))
                while step.picker.shown_month != (year, month):
                    later = step.picker.shown_month < (year, month)
                    tap(child(step.picker, "monthUp" if later else "monthDown"))
                tap(child(step.picker, f"day:{day}"))
        else:
            _type(form, _typed(step.spec))
        tap(child(form, "nextButton"))
        if form.current is step and form.isVisible():
            raise RuntimeError(f"{step.spec.id} was not accepted: {step.problem!r}")


def _answer_one_page(form: Any) -> None:
    """The form before issue 18: every question on one scrolling page, typed dates, a review
    button at the end."""
    from harness.citizen import child, tap
    from kiosk.core.forms import format_jalali

    for row in form.rows:
        if row.choices is not None:
            tap(row.choices.buttons()[0])
        elif row.consent is not None:
            tap(row.consent)
        else:
            tap(row.editor)
            spec = row.spec
            _type(form, format_jalali(_date_wanted(spec)) if spec.kind == "jalali_date" else _typed(spec))
    tap(child(form, "reviewButton"))


def _figures(journeys: dict[str, Journey], every_form: bool) -> list[Figure]:
    water = journeys[WATER]
    per_question = sum(j.taps / j.questions for j in journeys.values()) / len(journeys)
    typed = sum(j.keystrokes / j.questions for j in journeys.values()) / len(journeys)
    reported = {name: journeys[name].as_dict() for name in REPORTED if name in journeys}
    which = f"{len(journeys)} forms" + ("" if every_form else " (--quick: the three reported ones only)")
    drags = f" and {water.drags} drags" if water.drags else ""
    return [
        Figure(
            "journey_water", "water connection: taps from the attract loop to the receipt", water.taps, "taps",
            f"water connection <= {TAPS_TARGET} taps", TAPS_TARGET,
            shown=f"{water.taps} taps{drags} + {water.keystrokes} keystrokes; a person ~{water.person_seconds:.0f} s "
            f"(1.5 s a tap, 0.4 s a keystroke); {water.questions} questions",
            details={"forms": reported, "water_tapped": water.tapped},
        ),
        Figure(
            "journey_per_question", "taps per question, every form of the catalog", round(per_question, 2), "taps",
            f"<= {PER_QUESTION_TARGET:g} taps per question on average (plus characters typed)", PER_QUESTION_TARGET,
            shown=f"{per_question:.2f} taps per question (attract loop to receipt) + {typed:.1f} characters typed, "
            f"over {which}",
            details={"every_form": {name: j.as_dict() for name, j in journeys.items()}},
        ),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    from benchmarks.__main__ import print_table

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--all", action="store_true", help="every form, even with --quick")
    args = parser.parse_args(argv)
    figures = measure(True if args.all else None)
    print_table(figures)
    print()
    for name, journey in figures[1].details["every_form"].items():
        print(
            f"  {name:<40} {journey['questions']:>2} questions  {journey['taps']:>3} taps  "
            f"{journey['keystrokes']:>3} keystrokes  {journey['drags']:>2} drags  ~{journey['person_seconds']:>5} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
