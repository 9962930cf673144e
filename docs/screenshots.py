"""Screenshots of the real kiosk window for the README: run under Xvfb (see README, "Screenshots").

    xvfb-run -s "-screen 0 1366x768x24" .venv/bin/python docs/screenshots.py

Captures the X screen itself (not a widget rendering), so what is saved is what a citizen sees.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt, QTimer
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


def settle(app: QApplication, ms: int = 400) -> None:
    done = []
    QTimer.singleShot(ms, lambda: done.append(1))
    while not done:
        app.processEvents()


def main() -> int:
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


def shoot_request(window, service_id: str, shoot, app: QApplication) -> None:
    """The form with its keyboard, the review, and the receipt, filled as a citizen would."""
    from kiosk.core.persian import to_persian_digits

    window.open_form(service_id)
    form = window.requests.form
    answers = {
        "full_name": "زهرا حسین‌زاده",
        "national_id": "۰۰۱۲۳۴۵۶۷۹",
        "mobile": "۰۹۱۱۱۲۳۴۵۶۷",
        "postal_code": "۴۸۱۶۸۱۳۳۱۱",
        "address": "ساری، خیابان فرهنگ، کوچه ۱۲، پلاک ۸",
        "description": "کنتور از دیروز صدا می‌دهد.",
    }
    for row in form.rows:
        if row.editor is not None and row.spec.id in answers:
            if hasattr(row.editor, "setText"):
                row.editor.setText(answers[row.spec.id])
            else:
                row.editor.setPlainText(answers[row.spec.id])
    first = form.rows[0]
    form.activate(first)
    shoot("form-fa")
    numbers = next((row for row in form.rows if row.spec.uses_keypad and row.editor is not None), None)
    if numbers is not None:  # the keypad a national ID or a mobile number is typed on
        form.activate(numbers)
        shoot("form-keypad-fa")
    for row in form.rows:
        if row.choices is not None:
            row.choices.buttons()[0].setChecked(True)
        if row.consent is not None:
            row.consent.setChecked(True)
        if row.spec.kind == "jalali_date" and row.editor is not None:
            from datetime import date, timedelta

            from kiosk.core.forms import format_jalali

            delta = -3 if row.spec.when == "past" else 7
            row.editor.setText(to_persian_digits(format_jalali(date.today() + timedelta(days=delta))))
        if row.spec.kind == "number" and row.editor is not None:
            row.editor.setText(to_persian_digits("12345678"[: max(row.spec.min_digits, min(row.spec.max_digits, 3))]))
    form.submit()
    if window.requests.review is None:
        print(f"the sample answers do not fit {service_id}'s form: {form.last_check.problems}")
        return
    shoot("review-fa")
    window.requests.review.confirm.setChecked(True)
    window.requests.review.submit_button.click()
    shoot("receipt-fa")


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
