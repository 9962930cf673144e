"""Home: the agencies on show as big tiles, and a search field that answers as the citizen types."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.catalog import Agency, Catalog, Service
from kiosk.core.profiles import DemoProfile
from kiosk.core.search import CatalogSearch
from kiosk.ui.i18n import Localizer
from kiosk.ui.icons import IconSet
from kiosk.ui.widgets.keyboard import OnScreenKeyboard
from kiosk.ui.widgets.scrolling import touch_scroll_area
from kiosk.ui.widgets.tiles import AgencyTile, ServiceTile

TILE_MIN_WIDTH = 290
MAX_SERVICE_RESULTS = 30
RESULT_POOL_SIZE = 120  # result tiles kept for the next keystrokes


class HomeScreen(QWidget):
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
        self._tiles: list[AgencyTile] = []
        self._result_pool: dict[str, QPushButton] = {}
        self._columns = 0

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

        self.greeting = QLabel()
        self.greeting.setObjectName("screenSubtitle")
        self.greeting.setWordWrap(True)

        search_row = QHBoxLayout()
        search_row.setSpacing(12)
        search_row.addWidget(self.search_field, 1)
        search_row.addWidget(self.clear_button)
        search_row.addWidget(self.track_button)

        self._grid_host = QWidget()
        self._grid = QGridLayout(self._grid_host)
        self._grid.setSpacing(20)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._results_host = QWidget()
        self._results = QVBoxLayout(self._results_host)
        self._results.setSpacing(14)
        self._results.setContentsMargins(0, 0, 0, 0)
        self.no_results = QLabel(self._results_host)
        self.no_results.setObjectName("hint")
        self.no_results.setWordWrap(True)
        self.no_results.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_results.hide()

        self.pages = QStackedWidget()
        self.pages.addWidget(touch_scroll_area(self._grid_host))
        self.pages.addWidget(touch_scroll_area(self._results_host))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 24, 40, 24)
        layout.setSpacing(18)
        greeting_row = QHBoxLayout()
        greeting_row.setSpacing(12)
        greeting_row.addWidget(self.greeting, 1)
        greeting_row.addWidget(self.large_text_button)
        greeting_row.addWidget(self.contrast_button)
        layout.addLayout(greeting_row)
        layout.addLayout(search_row)
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
        self._search = CatalogSearch(catalog)
        self._drop_result_pool()  # tiles of the old catalog (or currency) must not be listed again
        for tile in self._tiles:
            tile.deleteLater()
        self._tiles = []
        for agency in catalog.agencies:
            tile = AgencyTile(agency, self._localizer, self._icons, self._grid_host)
            tile.clicked.connect(lambda _=False, a=agency.id: self.agency_chosen.emit(a))
            self._tiles.append(tile)
        self._columns = 0
        self._layout_grid()
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

    def clear_search(self) -> None:
        # setText (not clear) also drops the undo history: nothing typed survives for the next person.
        self.search_field.setText("")
        self.keyboard.hide()
        self.keyboard.set_letters("fa")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search_field and event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.FocusIn):
            self.keyboard.show()
        return False

    @property
    def agency_tiles(self) -> list[AgencyTile]:
        return list(self._tiles)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._layout_grid()

    def _layout_grid(self) -> None:
        width = max(self.pages.width(), TILE_MIN_WIDTH)
        columns = max(2, min(6, width // TILE_MIN_WIDTH))
        if columns == self._columns:
            return
        self._columns = columns
        for tile in self._tiles:
            self._grid.removeWidget(tile)
        for index, tile in enumerate(self._tiles):
            self._grid.addWidget(tile, index // columns, index % columns)
        for column in range(6):
            self._grid.setColumnStretch(column, 1 if column < columns else 0)
        self._grid.setRowStretch(len(self._tiles) // columns + 1, 1)

    # --- search ----------------------------------------------------------------------------

    def _on_query(self, text: str) -> None:
        self.clear_button.setVisible(bool(text))
        if not text.strip() or self._search is None or self._catalog is None or self._profile is None:
            self.pages.setCurrentIndex(0)
            return
        result = self._search.search(text, limit=MAX_SERVICE_RESULTS)
        self._clear_results()
        # Tiles are kept between keystrokes (they hold catalog text, nothing the citizen typed):
        # typing one more letter mostly re-lists tiles already built, so each tap answers at once.
        for agency in result.agencies:
            self._results.addWidget(self._result_tile(f"agency:{agency.id}", lambda a=agency: self._agency_tile(a)))
        for service in result.services:
            self._results.addWidget(self._result_tile(f"service:{service.id}", lambda s=service: self._service_tile(s)))
        if result.empty:
            self._results.addWidget(self.no_results)
            self.no_results.show()
        self._results.addStretch(1)
        self.pages.setCurrentIndex(1)

    def _result_tile(self, key: str, make: Callable[[], QPushButton]) -> QPushButton:
        tile = self._result_pool.pop(key, None) or make()
        self._result_pool[key] = tile  # most recently used last
        tile.show()
        return tile

    def _agency_tile(self, agency: Agency) -> QPushButton:
        tile = AgencyTile(agency, self._localizer, self._icons, self._results_host)
        tile.setMinimumHeight(0)
        tile.clicked.connect(lambda _=False, a=agency.id: self.agency_chosen.emit(a))
        return tile

    def _service_tile(self, service: Service) -> QPushButton:
        assert self._catalog is not None and self._profile is not None
        agency = self._catalog.agency(service.agency_id)
        tile = ServiceTile(service, self._localizer, self._icons, self._profile.currency, agency, self._results_host)
        tile.clicked.connect(lambda _=False, s=service.id: self.service_chosen.emit(s))
        return tile

    def _clear_results(self) -> None:
        while self._results.count():
            widget = self._results.takeAt(0).widget()
            if widget is not None:
                widget.hide()
        while len(self._result_pool) > RESULT_POOL_SIZE:  # forget the least recently listed
            self._result_pool.pop(next(iter(self._result_pool))).deleteLater()

    def _drop_result_pool(self) -> None:
        self._clear_results()
        for tile in self._result_pool.values():
            tile.deleteLater()
        self._result_pool = {}

    def result_tiles(self) -> list[QWidget]:
        """Tiles now listed as search results, in order (hidden ones waiting for deletion excluded)."""
        tiles = []
        for index in range(self._results.count()):
            widget = self._results.itemAt(index).widget()
            if widget is not None and widget is not self.no_results:
                tiles.append(widget)
        return tiles

    def retranslate(self) -> None:
        self.greeting.setText(self.tr("Choose an agency, or search for what you need"))
        self.search_field.setPlaceholderText(self.tr("Search services, e.g. water bill, passport, postal code"))
        self.search_field.setAccessibleName(self.tr("Search services"))
        self.clear_button.setAccessibleName(self.tr("Clear search"))
        self.track_button.setText(self.tr("Follow a request"))
        self.large_text_button.setText(self.tr("Larger text"))
        self.large_text_button.setAccessibleName(self.tr("Larger text for this visit"))
        self.contrast_button.setText(self.tr("High contrast"))
        self.contrast_button.setAccessibleName(self.tr("High contrast colours for this visit"))
        self.track_button.setAccessibleName(self.tr("Follow a request you filed, with its tracking code"))
        self.no_results.setText(
            self.tr("Nothing found. Try a shorter or different word, or clear the search to see every agency.")
        )
        for tile in (*self._tiles, *self._result_pool.values()):
            tile.retranslate()
        if self.search_field.text().strip():
            self._on_query(self.search_field.text())
