"""Home: the agencies on show as big tiles, and a search field that answers as the citizen types."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFocusEvent, QFontMetricsF, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.catalog import Catalog
from kiosk.core.profiles import DemoProfile
from kiosk.core.search import CatalogSearch, SearchResult, example_words
from kiosk.ui.ahead import Step, unattended
from kiosk.ui.i18n import Localizer
from kiosk.ui.icons import IconSet
from kiosk.ui.widgets.agency_grid import AgencyGrid
from kiosk.ui.widgets.finger import when_finger_lifts
from kiosk.ui.widgets.keyboard import OnScreenKeyboard
from kiosk.ui.widgets.labels import WrappingLabel
from kiosk.ui.widgets.mirroring import visual_rect
from kiosk.ui.widgets.offscreen import paint_off_screen
from kiosk.ui.widgets.results import SHOWN, SearchResults
from kiosk.ui.widgets.screen import Screen
from kiosk.ui.widgets.scrolling import touch_scroll_area
from kiosk.ui.widgets.tiles import AgencyTile

# Focus leaving the search field for another control (not for a popup or another window).
_FOCUS_MOVED_ON = (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason, Qt.FocusReason.MouseFocusReason)


PLACEHOLDER_RESERVE_PX = 60

# What work done ahead types in the search field: alef is in nearly every Persian name, so the
# search lists as many tiles as it can.
SEARCHED_AHEAD = "ا"


class HomeScreen(Screen):
    agency_chosen = Signal(str)
    service_chosen = Signal(str)
    track_requested = Signal()
    accessibility_requested = Signal(bool, bool)  # large text, high contrast

    def __init__(self, localizer: Localizer, icons: IconSet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("homeScreen")
        self._localizer = localizer
        self._icons = icons
        self._catalog: Catalog | None = None
        self._profile: DemoProfile | None = None
        self._search: CatalogSearch | None = None
        self._example_words: dict[str, list[str]] = {}  # language -> the search field's examples
        self._tiles: list[AgencyTile] = []

        self.search_field = QLineEdit()
        self.search_field.setObjectName("searchField")
        self.search_field.setClearButtonEnabled(False)
        self.search_field.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.search_field.textChanged.connect(self._on_query)
        self.search_field.addAction(icons.icon("search", "#52606d", 32), QLineEdit.ActionPosition.LeadingPosition)
        for glyph in self.search_field.findChildren(QToolButton):  # the magnifier: a picture, not a button
            glyph.setObjectName("searchIcon")
            glyph.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            glyph.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.clear_button = QPushButton()
        self.clear_button.setObjectName("clearSearchButton")
        self.clear_button.setIcon(icons.icon("clear", "#243b53", 32))
        self.clear_button.setIconSize(QSize(32, 32))
        self.clear_button.clicked.connect(self.clear_search)
        self.clear_button.hide()
        self.track_button = QPushButton()
        self.track_button.setObjectName("trackButton")
        self.track_button.setIcon(icons.icon("steps", "#ffffff", 30))
        self.track_button.setIconSize(QSize(30, 30))
        self.track_button.setProperty("role", "primary")
        self.track_button.clicked.connect(self.track_requested)

        self.large_text_button = self._toggle("largeTextButton")
        self.contrast_button = self._toggle("contrastButton")

        self.greeting = WrappingLabel()  # laid out again at each letter typed: shaped once instead
        self.greeting.setObjectName("screenSubtitle")

        search_row = _Row(self.search_field, self.clear_button, self.track_button)

        self.grid = AgencyGrid(localizer, icons)  # every agency at once, or pages of them
        # Tiles are kept between keystrokes (they hold catalog text, nothing the citizen typed):
        # typing one more letter re-fills the same few tiles, so each tap answers at once.
        self.results = SearchResults(localizer, icons)
        self.results.agency_chosen.connect(self.agency_chosen)
        self.results.service_chosen.connect(self.service_chosen)
        self.results.every_agency_asked.connect(self.clear_search)
        self.no_results = self.results.no_results

        self.pages = _Pages(self.grid, touch_scroll_area(self.results))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 16, 40, 16)
        layout.setSpacing(14)
        # The greeting and the accessibility toggles make way for the keyboard while a citizen
        # types: with both, the home screen needs 778 pixels, more than a 768-pixel screen has.
        self.greeting_row = QWidget()
        greeting_row = QHBoxLayout(self.greeting_row)
        greeting_row.setContentsMargins(0, 0, 0, 0)
        greeting_row.setSpacing(12)
        greeting_row.addWidget(self.greeting, 1)
        greeting_row.addWidget(self.large_text_button)
        greeting_row.addWidget(self.contrast_button)
        layout.addWidget(self.greeting_row)
        layout.addWidget(search_row)
        layout.addWidget(self.pages, 1)
        # Citizens have no keyboard: tapping the search field brings the on-screen one up.
        self.keyboard = OnScreenKeyboard()
        self.keyboard.setObjectName("searchKeyboard")
        self.keyboard.set_target(self.search_field)
        self.keyboard.hide()
        layout.addWidget(self.keyboard)
        self.search_field.installEventFilter(self)

    # --- content ---------------------------------------------------------------------------

    def show_content(self, catalog: Catalog, profile: DemoProfile) -> None:
        self._catalog = catalog
        self._profile = profile
        self._example_words.clear()
        self._search = None  # indexed in idle time after the first frame, or at the first key (search_index)
        self.results.set_catalog(catalog, profile.currency)
        # The old tiles go at once, not at Qt's next deferred deletion: until then they would
        # still be in the grid, under the same names as the new ones. No tap is being handled
        # on one (a new catalog or profile comes at the attract loop or from the staff panel).
        for tile in self._tiles:
            shiboken6.delete(tile)
        self._tiles = []
        for agency in catalog.agencies:
            tile = AgencyTile(agency, self._localizer, self._icons, self.grid)
            tile.clicked.connect(lambda _=False, a=agency.id: self.agency_chosen.emit(a))
            self._tiles.append(tile)
        self.grid.set_tiles(self._tiles)
        self.clear_search()
        self.retranslate()

    def _toggle(self, name: str) -> QPushButton:
        button = QPushButton()
        button.setObjectName(name)
        button.setProperty("role", "toggle")
        button.setCheckable(True)
        button.toggled.connect(self._accessibility_toggled)
        return button

    def _accessibility_toggled(self) -> None:
        self.accessibility_requested.emit(self.large_text_button.isChecked(), self.contrast_button.isChecked())

    def reset_accessibility(self) -> None:
        """Back to the usual look for the next citizen (without announcing it twice)."""
        if self.large_text_button.isChecked() or self.contrast_button.isChecked():
            for button in (self.large_text_button, self.contrast_button):
                button.blockSignals(True)
                button.setChecked(False)
                button.blockSignals(False)
            self._accessibility_toggled()

    def ahead_steps(self, page_size: Callable[[], QSize]) -> list[Step]:
        """Work done ahead for home (``kiosk.ui.ahead``): the search index and the keyboard's keys;
        then, unattended, home painted off screen with its tiles, with a full page of results
        (the most tiles of each kind), while searching, and its keyboard."""

        def fill_results() -> None:
            catalog = self._catalog
            if catalog is None:
                return
            for agencies, services in ((catalog.agencies, ()), ((), catalog.services)):
                listed = SearchResult(
                    tuple(agencies[: SHOWN + 1]), tuple(services[: SHOWN + 1]), len(agencies), len(services)
                )
                self.results.show_result(listed)

        def search() -> None:
            self.search_field.setText(SEARCHED_AHEAD)  # as if typed: the results page up, as a citizen sees it
            paint_off_screen(self, page_size())
            self.clear_search()

        def keyboard_size() -> QSize:
            return QSize(page_size().width(), self.keyboard.sizeHint().height())

        return [
            Step(lambda: self.search_index),
            Step(lambda: self.keyboard.keys),  # made on first use: now, while nobody waits
            unattended(lambda: paint_off_screen(self, page_size())),
            unattended(fill_results),
            unattended(search),
            unattended(lambda: paint_off_screen(self.keyboard, keyboard_size())),
        ]

    @property
    def search_index(self) -> CatalogSearch | None:
        """The catalog's search index, built on first use (the first frame does not need it)."""
        if self._search is None and self._catalog is not None:
            self._search = CatalogSearch(self._catalog)
        return self._search

    def clear_search(self) -> None:
        # setText (not clear) also drops the undo history: nothing typed survives for the next person.
        self.search_field.setText("")
        if self._search is not None:
            self._search.forget()  # nor does what the search remembers of it
        self.keyboard.hide()
        self.keyboard.set_letters("fa")
        self.greeting_row.show()
        self.grid.turn_to(0)  # the next citizen, or one who tapped Home, starts at the first page

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search_field:
            kind = event.type()
            if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.FocusIn):
                self.greeting_row.hide()
                self.keyboard.show()
            elif kind == QEvent.Type.FocusOut and isinstance(event, QFocusEvent) and event.reason() in _FOCUS_MOVED_ON:
                # Tab (or a tap on another control) moved on: the greeting row and its toggles
                # come back, and the keyboard makes room for them; what was typed stays. After a
                # tap, once the finger lifts: the tapped control must not move from under it.
                if event.reason() == Qt.FocusReason.MouseFocusReason:
                    when_finger_lifts(QApplication.focusWidget(), self._search_left)
                else:
                    self._search_left()
            elif kind in (QEvent.Type.Resize, QEvent.Type.FontChange, QEvent.Type.StyleChange):
                self._fit_placeholder()
        return False

    def _fit_placeholder(self) -> None:
        """The example searches, when the field has room for them; else only "Search services"
        (in portrait with large text, the examples were cut at «گذرنامه، …»)."""
        field = self.search_field
        # Examples this catalog answers (a profile of one agency gets its own words): as many as fit.
        examples = self._examples()
        separator = "، " if self._localizer.language == "fa" else ", "
        # The field's padding and border (52 pixels) and the magnifier beside the text.
        room = field.width() - PLACEHOLDER_RESERVE_PX - sum(g.width() for g in field.findChildren(QToolButton))
        metrics = QFontMetricsF(field.font())
        text = self.tr("Search services")
        for shown in range(len(examples), 0, -1):
            whole = self.tr("Search services, e.g. %1").replace("%1", separator.join(examples[:shown]))
            if math.ceil(metrics.horizontalAdvance(whole)) <= room:
                text = whole
                break
        if field.placeholderText() != text:
            field.setPlaceholderText(text)

    def _examples(self) -> list[str]:
        """The search field's example words in the language on screen (worked out once per catalog
        and language: the field is fitted again at every resize and style change)."""
        language = self._localizer.language
        if language not in self._example_words and self._catalog is not None:
            self._example_words[language] = example_words(self._catalog, language)
        return self._example_words.get(language, [])

    def _search_left(self) -> None:
        if not self.search_field.hasFocus():
            self.keyboard.hide()
            self.greeting_row.show()

    @property
    def agency_tiles(self) -> list[AgencyTile]:
        return list(self._tiles)

    # --- search ----------------------------------------------------------------------------

    def _on_query(self, text: str) -> None:
        self.clear_button.setVisible(bool(text))
        index = self.search_index if text.strip() else None
        if index is None or self._profile is None:
            self.pages.setCurrentIndex(0)
            return
        self.results.show_result(index.search(text, limit=SHOWN + 1))
        self.pages.setCurrentIndex(1)

    def result_tiles(self) -> list[QWidget]:
        """Tiles now listed as search results, in order."""
        return self.results.tiles()

    def retranslate(self) -> None:
        self.greeting.setText(self.tr("Choose an agency, or search for what you need"))
        self._fit_placeholder()
        self.search_field.setAccessibleName(self.tr("Search services"))
        self.clear_button.setAccessibleName(self.tr("Clear search"))
        self.track_button.setText(self.tr("Follow a request"))
        self.large_text_button.setText(self.tr("Larger text"))
        self.large_text_button.setAccessibleName(self.tr("Larger text for this visit"))
        self.contrast_button.setText(self.tr("High contrast"))
        self.contrast_button.setAccessibleName(self.tr("High contrast colours for this visit"))
        self.track_button.setAccessibleName(self.tr("Follow a request you filed, with its tracking code"))
        self.results.retranslate()
        for tile in self._tiles:
            tile.retranslate()
        self.grid.retranslate()
        if self.search_field.text().strip():
            self._on_query(self.search_field.text())


# Showing or hiding a widget in a Qt layout makes Qt lay out every layout above it again, up to
# the window, whose stack of screens then measures every screen's word-wrapped text: most of a
# keystroke's time, at the first letter (results replace the agencies, the clear button appears).
# The two widgets below lay out their children by hand, so what changes inside them stays there.


class _Row(QWidget):
    """Widgets side by side: the first takes the room the others leave (mirrored right to left)."""

    def __init__(self, stretch: QWidget, *others: QWidget, spacing: int = 12) -> None:
        super().__init__()
        self._widgets = (stretch, *others)
        self._spacing = spacing
        self._hint = QSize()
        for widget in self._widgets:
            widget.setParent(self)

    def sizeHint(self) -> QSize:
        return self._measure(minimum=False)

    def minimumSizeHint(self) -> QSize:
        return self._measure(minimum=True)

    def _measure(self, minimum: bool) -> QSize:
        # Hidden ones counted too: the clear button coming and going must not resize the row.
        sizes = [_size(widget) for widget in self._widgets]
        if minimum:  # the one that stretches can shrink too
            sizes[0].setWidth(self._widgets[0].minimumSizeHint().width())
        width = sum(size.width() for size in sizes) + self._spacing * max(0, len(sizes) - 1)
        return QSize(width, max((size.height() for size in sizes), default=0))

    def event(self, event: QEvent) -> bool:
        # A child shown, hidden or resized while this row is on screen posts a layout request; one
        # changed while it was not (the language switched on another screen) is seen when shown.
        if event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.Show):
            self._place()
            hint = self.sizeHint()
            if hint != self._hint:
                self._hint = hint
                self.updateGeometry()
        return super().event(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LayoutDirectionChange:
            self._place()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place()

    def _place(self) -> None:
        stretch, *others = self._widgets
        right = self.width()
        for widget in reversed(others):
            if widget.isHidden():
                continue
            size = _size(widget)
            right -= size.width()
            self._put(widget, right, size)
            right -= self._spacing
        self._put(stretch, 0, QSize(max(0, right), _size(stretch).height()))

    def _put(self, widget: QWidget, left: int, size: QSize) -> None:
        height = min(size.height(), self.height())
        logical = QRect(left, (self.height() - height) // 2, size.width(), height)
        widget.setGeometry(visual_rect(self.layoutDirection(), self.rect(), logical))


def _size(widget: QWidget) -> QSize:
    return widget.sizeHint().expandedTo(widget.minimumSize())


class _Pages(QWidget):
    """Pages in the same place, one of them shown: the agencies, or the search results."""

    def __init__(self, *pages: QWidget) -> None:
        super().__init__()
        self._pages = pages
        self._current = 0
        for index, page in enumerate(pages):
            page.setParent(self)
            page.setVisible(index == 0)

    def currentIndex(self) -> int:
        return self._current

    def widget(self, index: int) -> QWidget:
        return self._pages[index]

    def setCurrentIndex(self, index: int) -> None:
        if index == self._current:
            return
        old, new = self._pages[self._current], self._pages[index]
        self._current = index
        new.setGeometry(self.rect())
        new.show()
        old.hide()

    def sizeHint(self) -> QSize:
        return _largest(page.sizeHint() for page in self._pages)

    def minimumSizeHint(self) -> QSize:
        return _largest(page.minimumSizeHint() for page in self._pages)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._pages[self._current].setGeometry(self.rect())


def _largest(sizes: Iterable[QSize]) -> QSize:
    largest = QSize(0, 0)
    for size in sizes:
        largest = largest.expandedTo(size)
    return largest
