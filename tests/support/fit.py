"""Whether a screen fits: measured on the real window, widget by widget, as a citizen reads it.

``misfits(root, size)`` lists, in words, everything on the screen under ``root`` (the window, or
an overlay on it) that a citizen could not read whole:

- the window grew past the screen (Qt grows a window whose layout asks for more than it has,
  past the screen's edge, when there is no window manager; under one the side or the bottom is
  cut off), or asks for more than the screen;
- a visible label, button, check box or text field whose text does not fit it: a line wider than
  its contents rect, more lines than its height holds (a word-wrapped label: its height for its
  width), a word wider than the label, a button smaller than its text and padding ask, a field's
  hint wider than its room beside its icons (or a short entry's text: a code, a number), a title
  shortened with an ellipsis, a search result's line elided (``lines_cut``);
- a widget that runs off the window (its rect mapped to the window outside the window's rect), or
  is cut by a parent that is not a list scrolling up and down (a list never scrolls sideways: a
  widget wider than its list is cut), or passes for visible inside a hidden parent;
- a widget covered by another visible widget: what the window finds on top at points spread over
  it is neither it, nor inside it, nor what holds it; and text widgets of one parent that overlap.

A widget in a list scrolled out of sight is not "cut": the citizen scrolls to it. Whether a list
should scroll at all (home's agencies) is for the test to say. ``assert_fits`` and
``assert_whole`` are the narrower checks ``tests/ui/test_screen_fit.py`` makes of one widget.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyleOptionFrame,
    QToolButton,
    QWidget,
)

from tests.support.window import SCREEN_SIZE

# A label that ends in an ellipsis and is longer than this was shortened (the short ones are "in
# progress" messages: «در حال بررسی…», "Looking it up…").
ELLIPSIS_AFTER = 40
# A text box taking no more letters than this shows all of them (codes, numbers, PINs).
SHORT_ENTRY = 24


def assert_fits(window: QWidget, step: str, size: tuple[int, int] = SCREEN_SIZE) -> None:
    """The window asks for no more than the screen and is exactly its size (``misfits`` says
    everything else)."""
    hint = window.minimumSizeHint()
    assert hint.width() <= size[0] and hint.height() <= size[1], f"{step} asks for {hint.toTuple()}"
    assert window.size().toTuple() == size, f"{step}: the window grew to {window.size().toTuple()}"


def assert_whole(widget: QWidget, step: str) -> None:
    """``widget`` is on screen and shows every word of its text: a wrapped label is as tall as its
    lines need and as wide as its longest word, a label of one line as wide as the line, a button
    as its text and padding ask, a line edit as four of the language's widest digits."""
    where = f"{step}: {widget.objectName()}"
    assert widget.isVisible(), f"{where} is not shown"
    if isinstance(widget, QLabel):
        text = widget.text()
        assert text.strip(), f"{where} is empty"
        metrics = QFontMetricsF(widget.font())
        room = widget.contentsRect().width()
        if widget.wordWrap():
            assert widget.heightForWidth(widget.width()) <= widget.height(), f"{where}: lines cut off: {text!r}"
            widest = max(metrics.horizontalAdvance(word) for word in text.split())
            assert math.ceil(widest) <= room, f"{where}: a word is wider than the label: {text!r}"
        else:
            assert math.ceil(metrics.horizontalAdvance(text)) <= room, f"{where}: cut off: {text!r}"
    elif isinstance(widget, QPushButton):
        hint = widget.sizeHint()
        assert hint.width() <= widget.width() and hint.height() <= widget.height(), f"{where}: {widget.text()!r} cut"
    elif isinstance(widget, QLineEdit):
        option = QStyleOptionFrame()
        widget.initStyleOption(option)
        room = widget.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, widget).width()
        digits = "۰۱۲۳۴۵۶۷۸۹" if widget.isRightToLeft() or "۰" in widget.text() else "0123456789"
        widest = max(QFontMetricsF(widget.font()).horizontalAdvance(d * widget.maxLength()) for d in digits)
        assert math.ceil(widest) <= room, f"{where}: {widget.maxLength()} digits need {widest:.0f} px, it has {room}"


def misfits(root: QWidget, size: tuple[int, int] | None = None) -> list[str]:
    """Everything under ``root`` (the window, or an overlay on it) that a citizen cannot read whole;
    with ``size``, the window must also be exactly that size."""
    window = root.window()
    found: list[str] = []
    if size is not None:
        hint = window.minimumSizeHint()
        if hint.width() > size[0] or hint.height() > size[1]:
            found.append(f"the window asks for {hint.width()}x{hint.height()}, the screen is {size[0]}x{size[1]}")
        if window.size().toTuple() != size:
            found.append(f"the window grew to {window.width()}x{window.height()} on a {size[0]}x{size[1]} screen")
    shown = [w for w in (root, *root.findChildren(QWidget)) if w.isVisible()]
    texts = [w for w in shown if _has_text(w)]
    for widget in shown:
        found.extend(_placement(widget, window))
    for widget in texts:
        found.extend(_text_cut(widget))
        found.extend(_covered(widget, window))
    found.extend(_overlapping(texts, window))
    return found


def name(widget: QWidget) -> str:
    """How a finding names a widget: its object name (or class), and its text when it has one."""
    label = widget.objectName() or type(widget).__name__
    text = _text(widget)
    return f"{label} {text[:60]!r}" if text else label


def in_window(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def seen_part(widget: QWidget, window: QWidget) -> QRect:
    """The part of ``widget`` not clipped by its parents (in the window's coordinates)."""
    part = in_window(widget, window)
    parent = widget.parentWidget()
    while parent is not None and part.isValid():
        part = part.intersected(in_window(parent, window))
        if parent is window:
            break
        parent = parent.parentWidget()
    return part


def _text(widget: QWidget) -> str:
    if isinstance(widget, QLabel | QAbstractButton):
        return widget.text()
    if isinstance(widget, QLineEdit):
        return widget.text() or widget.placeholderText()
    return " / ".join(getattr(widget, "lines", ()) or ())


def _has_text(widget: QWidget) -> bool:
    if isinstance(widget, QLabel):
        return bool(widget.text().strip()) and widget.pixmap().isNull()
    if isinstance(widget, QAbstractButton | QLineEdit):
        return bool(_text(widget).strip())
    return callable(getattr(widget, "lines_cut", None))  # a search result, painting its own lines


def _scrolled_by(parent: QWidget) -> bool:
    """Whether ``parent`` is a list's viewport (what it clips, the citizen scrolls to)."""
    area = parent.parentWidget()
    return isinstance(area, QAbstractScrollArea) and area.viewport() is parent


def _placement(widget: QWidget, window: QWidget) -> list[str]:
    rect = in_window(widget, window)
    if widget is window:
        return []
    if not window.rect().contains(rect) and not _in_a_list(widget, window):
        return [f"{name(widget)} runs off the window: {_box(rect)} on {window.width()}x{window.height()}"]
    hidden = next((a for a in _ancestors(widget, window) if not a.isVisible()), None)
    if hidden is not None:
        return [f"{name(widget)} passes for visible inside {name(hidden)}, which is hidden"]
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        outer = in_window(parent, window)
        if _scrolled_by(parent):
            if rect.left() < outer.left() or rect.right() > outer.right():
                return [f"{name(widget)} is wider than its list: {_box(rect)} in {_box(outer)}"]
        elif not outer.contains(rect) and rect.isValid():
            return [f"{name(widget)} is cut by {name(parent)}: {_box(rect)} in {_box(outer)}"]
        if _scrolled_by(parent):
            rect = rect.intersected(outer)  # what shows of it is what the rest must hold
            if rect.isEmpty():
                return []
        parent = parent.parentWidget()
    return []


def _ancestors(widget: QWidget, window: QWidget) -> list[QWidget]:
    found = []
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        found.append(parent)
        parent = parent.parentWidget()
    return found


def _in_a_list(widget: QWidget, window: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if _scrolled_by(parent):
            return True
        parent = parent.parentWidget()
    return False


def _text_cut(widget: QWidget) -> list[str]:
    where = name(widget)
    if isinstance(widget, QLabel):
        text = widget.text()
        whole = getattr(widget, "whole", None)
        if isinstance(whole, str) and whole != text.replace("\n", " "):  # on one line or two, all of it
            return [f"{where} is shortened: the whole is {whole!r}"]
        if text.endswith("…") and len(text) > ELLIPSIS_AFTER:
            return [f"{where} is shortened with an ellipsis"]
        metrics = QFontMetricsF(widget.font())
        room = widget.contentsRect()
        if widget.wordWrap():
            if widget.heightForWidth(widget.width()) > widget.height():
                return [f"{where}: lines cut off ({widget.heightForWidth(widget.width())} px of {widget.height()})"]
            widest = max((metrics.horizontalAdvance(word) for word in text.split()), default=0)
            if math.ceil(widest) > room.width():
                return [f"{where}: a word is wider than the label ({widest:.0f} px of {room.width()})"]
            return []
        lines = text.split("\n")
        wide = max(metrics.horizontalAdvance(line) for line in lines)
        tall = metrics.height() + metrics.lineSpacing() * (len(lines) - 1)
        if math.ceil(wide) > room.width() or math.floor(tall) > room.height():
            return [f"{where} is cut: needs {wide:.0f}x{tall:.0f}, has {room.width()}x{room.height()}"]
        return []
    if isinstance(widget, QAbstractButton):
        hint = widget.sizeHint()
        if widget.hasHeightForWidth():  # words that wrap (a big tick): as tall as its width needs
            hint = QSize(widget.minimumSizeHint().width(), widget.heightForWidth(widget.width()))
        if hint.width() > widget.width() or hint.height() > widget.height():
            return [f"{where} is cut: asks {_size(hint)}, has {_size(widget.size())}"]
        return []
    if isinstance(widget, QLineEdit):
        if widget.echoMode() != QLineEdit.EchoMode.Normal:
            return []
        option = QStyleOptionFrame()
        widget.initStyleOption(option)
        room = widget.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, widget).width()
        room -= 4 + sum(icon.width() for icon in widget.findChildren(QToolButton) if icon.isVisible())
        # A text box scrolls what is typed into it; what it asks for before that must show, and
        # a code or number short enough to read at a glance (a tracking code, a mobile number).
        typed = widget.text()
        text = typed if 0 < widget.maxLength() <= SHORT_ENTRY else ""
        text = text or (widget.placeholderText() if not typed else "")
        wide = QFontMetricsF(widget.font()).horizontalAdvance(text)
        if text and math.ceil(wide) > room:
            what = "what is typed" if typed else "its hint"
            return [f"{where}: {what} is cut ({wide:.0f} px of {room})"]
        return []
    cut = widget.lines_cut()  # type: ignore[attr-defined]
    return [f"{where}: {line!r} is elided" for line in cut]


def _covered(widget: QWidget, window: QWidget) -> list[str]:
    part = seen_part(widget, window).adjusted(2, 2, -2, -2)
    if part.width() <= 0 or part.height() <= 0:
        return []
    for fx in (0.1, 0.5, 0.9):
        for fy in (0.2, 0.5, 0.8):
            point = QPoint(part.left() + round(part.width() * fx), part.top() + round(part.height() * fy))
            top = window.childAt(point)
            if top is None or top is widget or widget.isAncestorOf(top) or top.isAncestorOf(widget):
                continue
            return [f"{name(widget)} is covered by {name(top)} at {point.x()},{point.y()}"]
    return []


def _overlapping(texts: list[QWidget], window: QWidget) -> list[str]:
    found = []
    by_parent: dict[int, list[QWidget]] = {}
    for widget in texts:
        by_parent.setdefault(id(widget.parentWidget()), []).append(widget)
    for siblings in by_parent.values():
        rects = [(w, in_window(w, window)) for w in siblings]
        for index, (one, rect) in enumerate(rects):
            for other, other_rect in rects[index + 1 :]:
                if rect.intersects(other_rect):
                    found.append(f"{name(one)} and {name(other)} overlap")
    return found


def _box(rect: QRect) -> str:
    return f"({rect.x()},{rect.y()} {rect.width()}x{rect.height()})"


def _size(size: QSize) -> str:
    return f"{size.width()}x{size.height()}"
