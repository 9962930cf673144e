"""Screenshots of the real kiosk window for the README: run under Xvfb (see README, "Screenshots").

    xvfb-run -s "-screen 0 1366x768x24" .venv/bin/python docs/screenshots.py

``--steps FOLDER`` instead grabs every step of one filing, in both languages, on a landscape and a
portrait screen (offscreen; see ``shoot_steps``).

Captures the X screen itself (not a widget rendering), so what is saved is what a citizen sees.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

# A script's own folder comes first on sys.path, not the repository: without this the kiosk would
# come from wherever an editable install points (another checkout or worktree), not from this tree.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.app.root import Kiosk  # noqa: E402
from kiosk.app.running import show_full_screen  # noqa: E402
from kiosk.core.paths import KioskPaths, resources_root  # noqa: E402

OUT = Path(__file__).resolve().parent / "screenshots"
_FEW_COLOURS = Qt.ImageConversionFlag.ThresholdDither | Qt.ImageConversionFlag.AvoidDither


def settle(app: QApplication, ms: int = 400) -> None:
    done = []
    QTimer.singleShot(ms, lambda: done.append(1))
    while not done:
        app.processEvents()


def main() -> int:
    if "--steps" in sys.argv:
        return shoot_steps(Path(sys.argv[sys.argv.index("--steps") + 1]))
    if os.environ.get("QT_QPA_PLATFORM", "xcb") != "xcb" or not os.environ.get("DISPLAY"):
        print("run under Xvfb: xvfb-run -s '-screen 0 1366x768x24' python docs/screenshots.py", file=sys.stderr)
        return 2
    app = QApplication(sys.argv[:1])
    data = Path(tempfile.mkdtemp(prefix="kiosk-shots-"))
    kiosk = Kiosk.build(KioskPaths(root=resources_root(), data=data), "festival")
    window = kiosk.window
    show_full_screen(window)
    out = Path(tempfile.mkdtemp(prefix="kiosk-check-")) if "--check" in sys.argv else OUT
    out.mkdir(exist_ok=True)

    def shoot(name: str) -> None:
        settle(app)
        screen = window.screen()
        image = screen.grabWindow(0)
        if image.isNull() or not image.save(str(out / f"{name}.png")):
            raise SystemExit(f"could not capture {name}")
        print(f"saved {out / name}.png ({image.width()}x{image.height()})")

    catalog = kiosk.content.catalog
    shoot("attract-fa")
    window.start_session()
    shoot("home-fa")
    agency = catalog.agency("mazandaran-water")
    window.open_agency(agency.id)
    shoot("agency-fa")
    window.open_service(agency.services[0].id)
    shoot("service-fa")
    filed = next((s for s in agency.services if s.accepts_requests), None)
    if filed is not None:
        shoot_request(window, filed.id, shoot, app)
    shoot_track(window, shoot)
    window.go_home()
    QTest.mouseClick(window.home.search_field, Qt.MouseButton.LeftButton)  # as a citizen's tap: the keyboard comes up
    window.home.search_field.setText("كارت ملي")  # typed with Arabic letters on purpose
    shoot("search-fa")
    window.home.clear_search()
    shoot_staff(kiosk, window, shoot)
    kiosk.localizer.set_language("en")
    window.start_session()
    shoot("home-en")
    kiosk.close()
    return 0


ANSWERS = {
    "full_name": "زهرا حسین‌زاده",
    "national_id": "۰۰۱۲۳۴۵۶۷۹",
    "mobile": "۰۹۱۱۱۲۳۴۵۶۷",
    "postal_code": "۴۸۱۶۸۱۳۳۱۱",
    "address": "ساری، خیابان فرهنگ، کوچه ۱۲، پلاک ۸",
    "description": "کنتور از دیروز صدا می‌دهد.",
}


def answer_step(form, step) -> None:
    """Answer the question on screen as a citizen would, without moving on: the sample answer
    typed, the first option chosen, the tick ticked, today picked."""
    from kiosk.core.persian import to_persian_digits

    if step.options is not None:
        step.options.buttons()[0].setChecked(True)
    elif step.consent is not None:
        step.consent.blockSignals(True)  # a tap on the tick moves on by itself: not here
        step.consent.setChecked(True)
        step.consent.box.setChecked(True)
        step.consent.blockSignals(False)
    elif step.picker is not None:
        step.picker.choose_today()
    elif step.editor is not None:
        text = ANSWERS.get(step.spec.id) or to_persian_digits("12345678"[: max(step.spec.min_digits, 3)])
        if hasattr(step.editor, "setText"):
            step.editor.setText(text)
        else:
            step.editor.setPlainText(text)


def shoot_request(window, service_id: str, shoot, app: QApplication) -> None:
    """A question typed on the keyboard, one on the keypad, the review and the receipt."""
    window.open_form(service_id)
    form = window.requests.form
    answer_step(form, form.current)
    shoot("form-fa")
    numbers = next((step for step in form.steps if step.spec.uses_keypad and step.editor is not None), None)
    if numbers is not None:  # the keypad a national ID or a mobile number is typed on
        form.go_to(numbers.spec.id)
        answer_step(form, numbers)
        shoot("form-keypad-fa")
    form.go_to(form.steps[0].spec.id)
    for step in form.steps:
        form.go_to(step.spec.id)
        answer_step(form, step)
    form.submit()
    if window.requests.review is None:
        print(f"the sample answers do not fit {service_id}'s form: {form.last_check.problems}")
        return
    shoot("review-fa")
    window.requests.review.confirm.setChecked(True)
    window.requests.review.submit_button.click()
    shoot("receipt-fa")


def shoot_steps(folder: Path) -> int:
    """Every step of one filing (the water connection), landscape 1920x1080 and portrait
    1080x1920, Persian and English: offscreen, each a grab of the window, for reading every word.

        QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots.py --steps FOLDER
    """
    app = QApplication(sys.argv[:1])
    folder.mkdir(parents=True, exist_ok=True)
    for size, shape in (((1920, 1080), "landscape"), ((1080, 1920), "portrait")):
        for language in ("fa", "en"):
            shoot_one_filing(folder, f"{shape}-{language}", size, language)
    del app
    return 0


def shoot_one_filing(folder: Path, prefix: str, size: tuple[int, int], language: str) -> None:
    from harness.citizen import answer, child, settle, tap

    kiosk = Kiosk.build(
        KioskPaths(root=resources_root(), data=Path(tempfile.mkdtemp(prefix="kiosk-steps-"))), "festival"
    )
    window = kiosk.window
    window.resize(*size)
    window.show()
    settle()
    shots = []

    def shoot(name: str) -> None:
        settle()
        path = folder / f"{prefix}-{len(shots) + 1:02d}-{name}.png"
        # 256 colours, most compressed: a quarter of the size, the text as sharp (they live in git)
        image = window.grab().toImage().convertToFormat(QImage.Format.Format_Indexed8, _FEW_COLOURS)
        image.save(str(path), "PNG", 0)
        shots.append(path)
        print(f"saved {path}")

    tap(window.attract)
    if kiosk.localizer.language != language:
        tap(child(window, "languageButton"))
    tap(child(window, "agencyTile:mazandaran-water"))
    tap(child(window, "serviceTile:mazandaran-water.new-connection"))
    shoot("service")
    tap(child(window, "startRequestButton"))
    form = window.requests.form
    for step in list(form.steps):
        shoot(f"q{form.index + 1}-{step.spec.id}")
        if step.options is not None or step.consent is not None:
            answer(form, step)  # a tap, and on to the next question
            continue
        if step.picker is not None:
            tap(step.picker.today_button)
        else:
            answer_step(form, step)
        shoot(f"q{form.index + 1}-{step.spec.id}-answered")
        if step.editor is not None:  # and what a wrong answer says
            text = step.editor.text() if hasattr(step.editor, "text") else step.editor.toPlainText()
            answer_step_wrong(step)
            tap(child(form, "nextButton"))
            shoot(f"q{form.index + 1}-{step.spec.id}-refused")
            step.editor.setText(text) if hasattr(step.editor, "setText") else step.editor.setPlainText(text)
        tap(child(form, "nextButton"))
    tap(child(window, "backButton"))
    shoot("back-to-the-last-question")
    tap(child(window, "homeButton"))
    shoot("leave-question")
    tap(child(window.leave_prompt, "stayButton"))
    tap(child(form, "nextButton"))
    shoot("review")
    tap(child(window, "reviewConsent"))
    shoot("review-confirmed")
    tap(child(window, "submitButton"))
    shoot("receipt")
    # The water connection asks no date: the Jalali picker, on the gas meter reading's form.
    tap(child(window, "doneButton"))
    tap(window.attract)
    if kiosk.localizer.language != language:
        tap(child(window, "languageButton"))
    window.open_form("mazandaran-gas.meter-reading")
    form = window.requests.form
    form.go_to("reading_date")
    shoot("date-none-chosen")
    tap(child(form, "nextButton"))
    shoot("date-refused")
    tap(form.current.picker.today_button)
    shoot("date-today")
    tap(child(form.current.picker, "monthDown"))
    tap(child(form.current.picker, "day:5"))
    shoot("date-a-month-back")
    kiosk.close()
    settle()


def answer_step_wrong(step) -> None:
    """Half an answer, for the reason a question gives."""
    kind = step.spec.kind
    wrong = "ع" if kind in ("text", "long_text") else "۱" * (step.spec.max_digits + 1) if kind == "number" else "۰۹۱"
    step.editor.setText(wrong) if hasattr(step.editor, "setText") else step.editor.setPlainText(wrong)


def shoot_track(window, shoot) -> None:
    """ "Track my request" with the answer the server gives for a request under review."""
    from datetime import UTC, datetime

    from kiosk.core.persian import to_persian_digits
    from kiosk.core.tracking import format_for_reading, make_tracking_code
    from kiosk.link.lookup import FOUND, LookupAnswer

    window.go_home()
    window.open_track()
    screen = window.tracking.screen
    code = make_tracking_code(10, 28219720)
    screen.code_field.setText(to_persian_digits(format_for_reading(code)))
    now = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    screen.show_answer(LookupAnswer(FOUND, code, "mazandaran-water.new-connection", "in_review", now))
    shoot("track-fa")


def shoot_staff(kiosk, window, shoot) -> None:
    """The PIN pad after a wrong PIN, and the technician's panel."""
    from kiosk.core.pins import PinVault

    PinVault(kiosk.paths.data / "staff.json", scrypt_n=2**10).set_pin("technician", "7305186")
    window.end_session()
    window.staff.request()
    pad = window.staff.pin_pad
    pad.field.setText("1111")
    pad.submit()
    while pad.checking:  # the PIN is checked off the UI thread; its answer comes as a signal
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
    pad.field.setText("۴۸۲")
    shoot("pin-pad-fa")
    pad.hide()
    window.staff._open("technician")
    shoot("staff-panel-fa")
    window.staff.close()


if __name__ == "__main__":
    sys.exit(main())
