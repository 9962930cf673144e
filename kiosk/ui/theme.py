"""Look and feel: the bundled Vazirmatn fonts and the stylesheet, coloured by the profile's accent."""

from __future__ import annotations

import logging
from pathlib import Path
from string import Template

from PySide6.QtGui import QColor, QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

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


def apply_theme(app: QApplication, styles_dir: Path, accent: str) -> None:
    font = QFont(FONT_FAMILY, BASE_POINT_SIZE)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    app.setFont(font)
    app.setStyleSheet(stylesheet(styles_dir, accent))


def stylesheet(styles_dir: Path, accent: str) -> str:
    color = QColor(accent)
    template = Template((styles_dir / "kiosk.qss").read_text(encoding="utf-8"))
    return template.substitute(
        accent=color.name(),
        accent_dark=color.darker(135).name(),
        accent_light=_mix(color, QColor("#ffffff"), 0.88).name(),
        accent_soft=_mix(color, QColor("#ffffff"), 0.70).name(),
        font=FONT_FAMILY,
        touch=TOUCH_TARGET_PX,
        check_icon=(styles_dir.parent / "icons" / "check-white.svg").as_posix(),
    )


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
