"""Search results on home: the best few matches as big tiles, and how many more there are.

A citizen reads a handful of results, not forty (above the on-screen keyboard there is room for
one or two), so the list shows the best ``SHOWN`` and then says how many more matched, asking for
more letters.

Each result is one finger-sized button that paints its own icon and three lines of text (title,
the agency, fee and time; for an agency, its name and how many services), each on one line, so
every tile has the same height whatever its text. A line too long for the tile would be elided;
``lines_cut`` says which, and no line is on any of the kiosk's screens
(``tests/ui/test_every_screen_fits.py``). (The second line was the summary's first sentence,
elided on nearly every result.) Typing a letter then costs no text layout at all: the same few tiles are
given the new best matches, and only the ones on screen shape their text, when they are painted.
The lines take their fonts and colours from hidden labels named like a tile's labels, so the
stylesheet (large text, high contrast) styles them as it styles every other tile.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPixmap, QStaticText, QTransform
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.catalog import Agency, Catalog, Service
from kiosk.core.search import SearchResult
from kiosk.ui.i18n import Localizer
from kiosk.ui.icons import IconSet
from kiosk.ui.theme import TOUCH_TARGET_PX, tint
from kiosk.ui.widgets.labels import WrappingLabel
from kiosk.ui.widgets.mirroring import visual_rect

SHOWN = 6  # results shown at once (seven when that lists them all, rather than "one more")
AGENCIES_SHOWN = 2  # of which agencies, when there are services enough for the rest

_MARGIN_X, _MARGIN_Y, _ICON_BOX, _ICON_GAP, _LINE_GAP = 20, 14, 56, 18, 4
_TITLE, _CAPTION, _META = "tileTitle", "tileCaption", "tileMeta"  # the tile labels' style names
_LINES = (_TITLE, _CAPTION, _META)


class _Probe(QLabel):
    """A hidden label the stylesheet styles like a tile's line; tells the look when that changes."""

    def __init__(self, name: str, changed: Callable[[], None], parent: QWidget) -> None:
        super().__init__(parent)
        self._changed = changed
        self.setObjectName(name)
        self.hide()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self._changed()


class _Look:
    """Fonts and colours of a tile's lines, as the stylesheet gives them to labels of those names."""

    def __init__(self, parent: QWidget) -> None:
        self.generation = 0  # counts the changes, so that tiles know when to measure again
        self._styles: dict[str, tuple[QFont, QColor, int]] = {}
        self._probes = {name: _Probe(name, self._changed, parent) for name in _LINES}

    def _changed(self) -> None:
        self.generation += 1
        self._styles.clear()

    def style(self, name: str) -> tuple[QFont, QColor, int]:
        """The font, colour and line height of the line of that name."""
        style = self._styles.get(name)
        if style is None:
            probe = self._probes[name]
            probe.ensurePolished()
            font = probe.font()
            style = (font, probe.palette().color(probe.foregroundRole()), QFontMetrics(font).height())
            self._styles[name] = style
        return style


class _ResultTile(QPushButton):
    """A search result: an icon and three lines on the leading side, the whole tile one tap target."""

    def __init__(self, role: str, look: _Look, localizer: Localizer, icons: IconSet, parent: QWidget) -> None:
        super().__init__(parent)
        self.setProperty("role", role)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._look = look
        self._localizer = localizer
        self._icons = icons
        self._lines: tuple[str, str, str] = ("", "", "")
        self._disc: QColor | None = None  # a tinted disc behind the icon, for agencies
        self._icon: QPixmap | None = None
        self._icon_key = ("", "")
        self._height: tuple[int, int] = (-1, 0)  # (look generation, height)
        self._drawn: tuple[object, list[tuple[QPointF, QStaticText, QFont, QColor]]] = (None, [])

    @property
    def lines(self) -> tuple[str, str, str]:
        """What it shows: title, agency, and fee and time (or the number of services)."""
        return self._lines

    def release(self) -> None:
        """Hidden until needed again, answering no longer to the name of what it showed."""
        self.hide()
        self.setObjectName(f"{self.property('role')}:")

    def set_content(self, lines: tuple[str, str, str], icon: str, color: str, disc: str = "") -> None:
        self._lines = lines
        if (icon, color) != self._icon_key:
            self._icon_key = (icon, color)
            self._icon = self._icons.pixmap(icon, color, 36 if disc else 40)
        self._disc = QColor(disc) if disc else None
        self.update()

    # QPushButton sizes itself from its own text; a result is as tall as its three lines.
    def sizeHint(self) -> QSize:
        generation, height = self._height
        if generation != self._look.generation:
            height = 2 * _MARGIN_Y + 2 * _LINE_GAP + sum(self._look.style(name)[2] for name in _LINES)
            height = max(height, TOUCH_TARGET_PX + 36)
            self._height = (self._look.generation, height)
        return QSize(4 * TOUCH_TARGET_PX, height)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def lines_cut(self) -> list[str]:
        """The lines this tile, at its size now, paints elided (none should be)."""
        width = self.width() - 2 * _MARGIN_X - _ICON_BOX - _ICON_GAP
        return [
            text
            for name, text in zip(_LINES, self._lines, strict=True)
            if text and _static_text(text, self._look.style(name)[0]).size().width() > width
        ]

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self.updateGeometry()  # larger text, taller tile

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)  # the button as the stylesheet draws it: background, border, focus
        painter = QPainter(self)
        direction = self.layoutDirection()
        inner = self.rect().adjusted(_MARGIN_X, _MARGIN_Y, -_MARGIN_X, -_MARGIN_Y)
        icon_box = visual_rect(direction, self.rect(), QRect(inner.left(), inner.top(), _ICON_BOX, _ICON_BOX))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self._disc is not None:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self._disc)
            painter.drawEllipse(icon_box)
        if self._icon is not None:
            size = round(self._icon.deviceIndependentSize().width())
            corner = icon_box.center() - QPoint(size // 2 - 1, size // 2 - 1)
            painter.drawPixmap(corner, self._icon)
        for position, text, font, color in self._text_lines(inner, direction):
            painter.setFont(font)
            painter.setPen(color)
            painter.drawStaticText(position, text)
        painter.end()

    def _text_lines(
        self, inner: QRect, direction: Qt.LayoutDirection
    ) -> list[tuple[QPointF, QStaticText, QFont, QColor]]:
        """The lines as laid out for this size, look and text: shaped once, drawn at every paint."""
        key = (self._look.generation, inner.width(), inner.height(), direction, self._lines)
        if self._drawn[0] == key:
            return self._drawn[1]
        left = inner.left() + _ICON_BOX + _ICON_GAP
        width = inner.right() - left + 1
        lines = [(self._look.style(name), text) for name, text in zip(_LINES, self._lines, strict=True) if text]
        top = inner.top() + max(0, (inner.height() - sum(s[2] for s, _ in lines) - _LINE_GAP * (len(lines) - 1)) // 2)
        drawn = []
        for (font, color, height), text in lines:
            static = _static_text(text, font)
            if static.size().width() > width:  # shaped once when it fits, which is most of the time
                static = _static_text(QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, width), font)
            size = static.size()
            line = visual_rect(direction, self.rect(), QRect(left, top, width, height))
            x = line.left() if direction == Qt.LayoutDirection.LeftToRight else line.right() + 1 - size.width()
            drawn.append((QPointF(x, line.top() + (height - size.height()) / 2), static, font, color))
            top += height + _LINE_GAP
        self._drawn = (key, drawn)
        return drawn


class _AgencyResult(_ResultTile):
    def __init__(self, look: _Look, localizer: Localizer, icons: IconSet, parent: QWidget) -> None:
        super().__init__("agencyTile", look, localizer, icons, parent)
        self.agency: Agency | None = None

    def release(self) -> None:
        super().release()
        self.agency = None

    def show_agency(self, agency: Agency) -> None:
        if agency is not self.agency:
            self.agency = agency
            self.setObjectName(f"agencyTile:{agency.id}")
            self.retranslate()

    def retranslate(self) -> None:
        agency = self.agency
        if agency is None:
            return
        loc = self._localizer
        count = self.tr("%1 online services").replace("%1", loc.number(len(agency.services)))
        self.set_content((loc.text(agency.short_name), count, ""), agency.icon, agency.color, tint(agency.color))
        self.setAccessibleName(loc.text(agency.name))
        self.setAccessibleDescription(count)


class _ServiceResult(_ResultTile):
    def __init__(self, look: _Look, localizer: Localizer, icons: IconSet, currency: str, parent: QWidget) -> None:
        super().__init__("serviceTile", look, localizer, icons, parent)
        self._currency = currency
        self.service: Service | None = None
        self._agency: Agency | None = None

    def release(self) -> None:
        super().release()
        self.service = None

    def show_service(self, service: Service, agency: Agency) -> None:
        if service is not self.service:
            self.service, self._agency = service, agency
            self.setObjectName(f"serviceTile:{service.id}")
            self.retranslate()

    def retranslate(self) -> None:
        service, agency = self.service, self._agency
        if service is None or agency is None:
            return
        loc = self._localizer
        title = loc.text(service.title)
        # Which agency, not the summary: its first sentence on one line was nearly always elided.
        meta = loc.fee_and_time(service.fee, self._currency, service.time)
        phone = service.emergency_phone
        if phone:  # an emergency: its number where the fee and time would be
            meta = self.tr("Emergency: call %1, day and night").replace("%1", loc.digits(phone))
        self.set_content((title, loc.text(agency.name), meta), agency.icon, agency.color)
        self.setAccessibleName(title)
        self.setAccessibleDescription(f"{loc.text(agency.name)} {loc.text(service.summary)} {meta}")


class SearchResults(QWidget):
    """The results of one query: agencies first, then services, each opening on a tap."""

    agency_chosen = Signal(str)
    service_chosen = Signal(str)
    every_agency_asked = Signal()  # nothing found: the citizen asks for the agencies instead

    def __init__(self, localizer: Localizer, icons: IconSet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._localizer = localizer
        self._icons = icons
        self._look = _Look(self)
        self._catalog: Catalog | None = None
        self._currency = ""
        self._agencies: list[_AgencyResult] = []  # tiles kept for the next keystrokes, in order
        self._services: list[_ServiceResult] = []
        self._listed = (0, 0)  # how many of each are listed now
        self._more_count = 0

        self._layout = QVBoxLayout(self)
        self._layout.setSpacing(14)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.guessing = _hint(self)  # nothing matched with confidence: "did you mean one of these?"
        self.guessing.setObjectName("didYouMean")
        self.guessing.setAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter)
        self.more = _hint(self)  # "so many more: type more to narrow them down"
        self.no_results = _hint(self)
        self.every_agency = QPushButton(self)  # nothing found: the agencies, one tap away
        self.every_agency.setObjectName("everyAgencyButton")
        self.every_agency.setProperty("role", "secondary")
        self.every_agency.hide()
        self.every_agency.clicked.connect(self.every_agency_asked)
        self._layout.addWidget(self.guessing)
        self._layout.addWidget(self.more)
        self._layout.addWidget(self.no_results)
        self._layout.addWidget(self.every_agency, 0, Qt.AlignmentFlag.AlignHCenter)
        self._layout.addStretch(1)

    def set_catalog(self, catalog: Catalog, currency: str) -> None:
        """Tiles of the old catalog (or currency) must not be listed again."""
        self._catalog = catalog
        self._currency = currency
        for tile in (*self._agencies, *self._services):
            self._layout.removeWidget(tile)
            tile.hide()
            tile.deleteLater()
        self._agencies, self._services = [], []
        self._listed = (0, 0)
        self.more.hide()
        self.no_results.hide()

    def show_result(self, result: SearchResult) -> None:
        """List the best of ``result`` (which should hold at least ``SHOWN + 1`` of each kind)."""
        matches = result.agency_matches + result.service_matches
        room = matches if matches <= SHOWN + 1 else SHOWN
        # Agencies first, but at most a couple of them when services could take their place.
        agencies = result.agencies[: max(AGENCIES_SHOWN, room - result.service_matches)]
        services = result.services[: room - len(agencies)]
        for index, agency in enumerate(agencies):
            self._agency_tile(index).show_agency(agency)
        for index, service in enumerate(services):
            assert self._catalog is not None, "results before a catalog"
            self._service_tile(index).show_service(service, self._catalog.agency(service.agency_id))
        _show_only(self._agencies, len(agencies), self._listed[0])
        _show_only(self._services, len(services), self._listed[1])
        self._listed = (len(agencies), len(services))
        self._more_count = matches - len(agencies) - len(services)
        self._say_more()
        if self.more.isHidden() == (self._more_count > 0):
            self.more.setVisible(self._more_count > 0)
        if self.no_results.isHidden() == (not matches):
            self.no_results.setVisible(not matches)
            self.every_agency.setVisible(not matches)
        if self.guessing.isHidden() == result.guesses:
            self.guessing.setVisible(result.guesses)

    def tiles(self) -> list[QWidget]:
        """The tiles listed now, in order."""
        return [*self._agencies[: self._listed[0]], *self._services[: self._listed[1]]]

    def retranslate(self) -> None:
        self.no_results.setText(
            self.tr("This kiosk has no service for these words. Try other words, or choose an agency.")
        )
        self.every_agency.setText(self.tr("See every agency"))
        self.guessing.setText(self.tr("Nothing matches exactly. Did you mean one of these?"))
        self._say_more()
        for tile in (*self._agencies, *self._services):
            tile.retranslate()

    def _say_more(self) -> None:
        if self._more_count > 0:
            text = self.tr("%1 more found. Type a few more letters to narrow the list.")
            self.more.setText(text.replace("%1", self._localizer.number(self._more_count)))

    def _open(self, tile: _ResultTile) -> None:
        if isinstance(tile, _AgencyResult) and tile.agency is not None:
            self.agency_chosen.emit(tile.agency.id)
        elif isinstance(tile, _ServiceResult) and tile.service is not None:
            self.service_chosen.emit(tile.service.id)

    def _agency_tile(self, index: int) -> _AgencyResult:
        if index == len(self._agencies):
            tile = _AgencyResult(self._look, self._localizer, self._icons, self)
            tile.hide()
            tile.clicked.connect(lambda _=False, t=tile: self._open(t))
            self._layout.insertWidget(index + 1, tile)  # agencies first (after "did you mean")
            self._agencies.append(tile)
            self._chain_tabs()
        return self._agencies[index]

    def _service_tile(self, index: int) -> _ServiceResult:
        if index == len(self._services):
            tile = _ServiceResult(self._look, self._localizer, self._icons, self._currency, self)
            tile.hide()
            tile.clicked.connect(lambda _=False, t=tile: self._open(t))
            self._layout.insertWidget(self._layout.indexOf(self.more), tile)  # services after agencies
            self._services.append(tile)
            self._chain_tabs()
        return self._services[index]

    def _chain_tabs(self) -> None:
        """Tab (and a screen reader) goes through the tiles in the order they are listed."""
        tiles = [*self._agencies, *self._services]
        for before, after in pairwise(tiles):
            QWidget.setTabOrder(before, after)


def _show_only(tiles: list[_AgencyResult] | list[_ServiceResult], count: int, shown: int) -> None:
    """Show the first ``count`` tiles, of which the first ``shown`` are showing already."""
    for tile in tiles[shown:count]:
        tile.show()
    for tile in tiles[count:shown]:
        tile.release()


def _static_text(text: str, font: QFont) -> QStaticText:
    static = QStaticText(text)
    static.setTextFormat(Qt.TextFormat.PlainText)
    static.prepare(QTransform(), font)
    return static


def _hint(parent: QWidget) -> QLabel:
    label = WrappingLabel(parent)
    label.setObjectName("hint")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.hide()
    return label
