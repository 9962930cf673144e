"""Look and feel: the bundled Vazirmatn fonts and the stylesheet, coloured by the profile's accent."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from string import Template

from PySide6.QtGui import QColor, QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger(__name__)

FONT_FAMILY = "Vazirmatn"
FONT_FILES = ("Vazirmatn-Regular.ttf", "Vazirmatn-Medium.ttf", "Vazirmatn-Bold.ttf")
BASE_POINT_SIZE = 15

# Minimum height of anything a finger taps (issue: touch targets at least 64 px).
TOUCH_TARGET_PX = 72


def load_fonts(fonts_dir: Path) -> list[str]:
    """Register the bundled fonts; returns the problems (missing or unreadable files)."""
    problems = []
    for name in FONT_FILES:
        path = fonts_dir / name
        if not path.is_file():
            problems.append(f"font file missing: {path}")
        elif QFontDatabase.addApplicationFont(str(path)) < 0:
            problems.append(f"font file unreadable: {path}")
    return problems


LARGE_TEXT_SCALE = 1.3
# A size marked ``/* fixed */`` in the stylesheet stays as it is with large text (the header's).
_POINT_SIZE = re.compile(r"font-size:\s*(\d+)pt(?!\s*/\*\s*fixed)")


def apply_theme(
    app: QApplication, styles_dir: Path, accent: str, large_text: bool = False, high_contrast: bool = False
) -> None:
    """The kiosk's look; ``large_text`` and ``high_contrast`` are the citizen's own choices on home."""
    scale = LARGE_TEXT_SCALE if large_text else 1.0
    font = QFont(FONT_FAMILY, round(BASE_POINT_SIZE * scale))
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    app.setFont(font)
    try:
        sheet = stylesheet(styles_dir, accent, high_contrast)
    except (OSError, KeyError, ValueError) as exc:
        # A missing or broken stylesheet must not keep the kiosk from starting: plain Qt looks
        # worse but works, and the self-test names the file.
        log.error("stylesheet unusable (%s); running with Qt's plain look", exc)
        sheet = ""
    if scale != 1.0:
        sheet = _POINT_SIZE.sub(lambda m: f"font-size: {round(int(m.group(1)) * scale)}pt", sheet)
    app.setStyleSheet(sheet)


def stylesheet(styles_dir: Path, accent: str, high_contrast: bool = False) -> str:
    color = QColor(accent)
    text = (styles_dir / "kiosk.qss").read_text(encoding="utf-8")
    if high_contrast:
        text += "\n" + (styles_dir / "high-contrast.qss").read_text(encoding="utf-8")
    return Template(text).substitute(
        accent=color.name(),
        accent_dark=color.darker(135).name(),
        accent_light=_mix(color, QColor("#ffffff"), 0.88).name(),
        accent_soft=_mix(color, QColor("#ffffff"), 0.70).name(),
        font=FONT_FAMILY,
        touch=TOUCH_TARGET_PX,
        # A PNG (drawn from check-white.svg, with an @2x for fine screens): an SVG here made Qt load
        # its SVG image and icon plugins at the first consent box, for one tick.
        check_icon=(styles_dir.parent / "icons" / "check-white.png").as_posix(),
    )


def set_style_flags(widget: QWidget, **flags: bool) -> None:
    """Set properties the stylesheet selects on (``[error="true"]``) and restyle the widget now:
    Qt does not re-read a stylesheet when a property changes by itself."""
    for name, value in flags.items():
        widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def tint(color: str, amount: float = 0.88) -> str:
    """A pale version of a colour, for the disc behind an icon."""
    return _mix(QColor(color), QColor("#ffffff"), amount).name()


def _mix(a: QColor, b: QColor, amount: float) -> QColor:
    """a blended towards b by amount (0: a, 1: b)."""
    return QColor(
        round(a.red() + (b.red() - a.red()) * amount),
        round(a.green() + (b.green() - a.green()) * amount),
        round(a.blue() + (b.blue() - a.blue()) * amount),
    )
