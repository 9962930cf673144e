"""Home's agencies: every one of them at once, in as many columns as it takes; pages only when
even the most columns cannot hold them all.

A grid of tiles in a scrolling list showed 8 of the festival's 14 agencies on a 1366x768 screen,
the other six behind a thin grey scroll bar that a first-time citizen does not see. Here the grid
tries each number of columns (from two to as many as leave a tile ``MIN_TILE_PX`` wide), each
tile's parts one above the other or side by side (``AgencyTile.height_for``), and keeps the
arrangement that shows every agency with the most comfortable tiles: the smaller of their width
and a quarter more than their height, the fewer columns winning a tie. When none does (large text
on a small screen, a catalog of many agencies, the keyboard up), the agencies go on as few pages
as can hold them, the tiles as comfortable as they can be, turned with two big buttons, «قبلی»
and «بعدی», between which a line says which page this is. Tiles are placed by hand (no layout):
showing or hiding one never lays the window out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, QRect, QSize, Qt
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from kiosk.ui.i18n import Localizer
from kiosk.ui.icons import IconSet
from kiosk.ui.theme import TOUCH_TARGET_PX
from kiosk.ui.widgets.labels import with_room_for_tails
from kiosk.ui.widgets.mirroring import visual_rect
from kiosk.ui.widgets.offscreen import painting_off_screen
from kiosk.ui.widgets.tiles import AgencyTile

GAP_PX = 14
MIN_TILE_PX = 190
MAX_COLUMNS = 7
ASPECT = 1.25  # a tile this much wider than tall is as comfortable as a square one


@dataclass(frozen=True)
class Plan:
    columns: int
    rows: int  # on each page
    vertical: bool  # each tile's parts one above the other
    paged: bool

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


class AgencyGrid(QWidget):
    """The home screen's agency tiles, and the page buttons when they are on pages."""

    def __init__(self, localizer: Localizer, icons: IconSet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agencyGrid")
        self._localizer = localizer
        self._icons = icons
        self._tiles: list[AgencyTile] = []
        self._heights: dict[tuple[int, bool], int] = {}  # the tallest tile at a width, either way
        self._plan: Plan | None = None
        self._placed: tuple[object, ...] = ()
        self.page = 0
        self.previous_button = self._turn("previousPageButton", -1)
        self.next_button = self._turn("nextPageButton", 1)
        self.page_label = with_room_for_tails(QLabel(self))
        self.page_label.setObjectName("pageLabel")
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.retranslate()

    def _turn(self, name: str, step: int) -> QPushButton:
        button = QPushButton(self)
        button.setObjectName(name)
        button.setProperty("role", "primary")
        button.setIconSize(QSize(32, 32))
        button.clicked.connect(lambda: self.turn_to(self.page + step))
        button.hide()
        return button

    # --- content ---------------------------------------------------------------------------

    def set_tiles(self, tiles: list[AgencyTile]) -> None:
        self._tiles = list(tiles)
        for tile in self._tiles:
            tile.setParent(self)
        self.page = 0
        self.measure_again()

    @property
    def plan(self) -> Plan | None:
        return self._plan

    @property
    def pages(self) -> int:
        plan = self._plan
        return 1 if plan is None or not plan.paged else math.ceil(len(self._tiles) / plan.per_page)

    def turn_to(self, page: int) -> None:
        self.page = max(0, min(page, self.pages - 1))
        self._place()

    def reveal(self, widget: QWidget) -> None:
        """Turn to the page that shows ``widget`` (a tile): what a citizen does before tapping it."""
        if widget in self._tiles and self._plan is not None and self._plan.paged:
            self.turn_to(self._tiles.index(widget) // self._plan.per_page)

    def measure_again(self) -> None:
        """The tiles' words or fonts changed: their heights are measured again before the next
        arrangement (after the events under way: a new stylesheet reaches the tiles after this)."""
        self._heights.clear()
        self._placed = ()
        QCoreApplication.postEvent(self, QEvent(QEvent.Type.LayoutRequest))

    def retranslate(self) -> None:
        rtl = self._localizer.is_rtl
        self.previous_button.setText(self.tr("Previous"))
        self.previous_button.setAccessibleName(self.previous_button.text())
        self.previous_button.setIcon(self._icons.icon("arrow-right" if rtl else "arrow-left", "#ffffff", 32))
        self.next_button.setText(self.tr("Next"))
        self.next_button.setAccessibleName(self.next_button.text())
        self.next_button.setIcon(self._icons.icon("arrow-left" if rtl else "arrow-right", "#ffffff", 32))
        # Its arrow after its word, pointing where the next page is (a button's icon comes first).
        self.next_button.setLayoutDirection(Qt.LayoutDirection.LeftToRight if rtl else Qt.LayoutDirection.RightToLeft)
        self._say_page()
        self.measure_again()

    def _say_page(self) -> None:
        number = self._localizer.number
        text = self.tr("Page %1 of %2").replace("%1", number(self.page + 1)).replace("%2", number(self.pages))
        self.page_label.setText(text)

    # --- arrangement -----------------------------------------------------------------------

    def _tallest(self, width: int, vertical: bool) -> int:
        key = (width, vertical)
        height = self._heights.get(key)
        if height is None:
            height = self._heights[key] = max((t.height_for(width, vertical) for t in self._tiles), default=0)
        return height

    def _bar_height(self) -> int:
        return max(TOUCH_TARGET_PX, self.next_button.sizeHint().height(), self.page_label.sizeHint().height())

    def _choose(self, width: int, height: int) -> Plan:
        count = len(self._tiles)
        for paged in (False, True):
            room = height - (self._bar_height() + GAP_PX if paged else 0)
            best: tuple[tuple[float, ...], Plan] | None = None
            for columns in range(2, MAX_COLUMNS + 1):
                tile_width = (width - GAP_PX * (columns - 1)) // columns
                if tile_width < MIN_TILE_PX and columns > 2:
                    break
                for vertical in (True, False):
                    tall = self._tallest(tile_width, vertical)
                    rows = (room + GAP_PX) // (tall + GAP_PX) if paged else math.ceil(count / columns)
                    if rows < 1 or rows * tall + GAP_PX * (rows - 1) > room:
                        continue
                    rows = min(rows, math.ceil(count / columns))
                    row_height = (room - GAP_PX * (rows - 1)) / rows
                    comfort = min(tile_width, row_height * ASPECT)
                    fewer = (-columns, vertical)  # ties: fewer columns, the parts one above the other
                    pages = math.ceil(count / (columns * rows))
                    score = (-pages, comfort, *fewer) if paged else (comfort, *fewer)
                    if best is None or score > best[0]:
                        best = (score, Plan(columns, rows, vertical, paged))
            if best is not None:
                return best[1]
        return Plan(2, 1, False, True)  # nothing fits: one row a page, the tiles as tall as there is room

    def _place(self) -> None:
        size = self.size()
        if not self._tiles or size.isEmpty():
            return
        if self._plan is None or self._placed[:1] != (size,):
            self._plan = self._choose(size.width(), size.height())
            self.page = min(self.page, self.pages - 1)
        plan = self._plan
        state = (size, plan, self.page, self.layoutDirection())
        if state == self._placed:
            return
        # Tiles are not shown or hidden while home is painted off screen (work done ahead): a
        # page button shown then stayed "visible" under the attract loop (``painting_off_screen``).
        # The grid is placed again, whole, when it is next resized or shown.
        on_screen = not painting_off_screen()
        self._placed = state if on_screen else ()
        width, height = size.width(), size.height()
        bar = self._bar_height() if plan.paged else 0
        room = height - (bar + GAP_PX if plan.paged else 0)
        tile_width = (width - GAP_PX * (plan.columns - 1)) // plan.columns
        row_height = (room - GAP_PX * (plan.rows - 1)) // plan.rows
        row_height = min(row_height, max(self._tallest(tile_width, plan.vertical), tile_width))
        first = self.page * plan.per_page if plan.paged else 0
        shown = self._tiles[first : first + plan.per_page] if plan.paged else self._tiles
        direction, bounds = self.layoutDirection(), self.rect()
        for index, tile in enumerate(shown):
            row, column = divmod(index, plan.columns)
            logical = QRect(column * (tile_width + GAP_PX), row * (row_height + GAP_PX), tile_width, row_height)
            tile.set_vertical(plan.vertical)
            tile.setGeometry(visual_rect(direction, bounds, logical))
        if on_screen:
            for tile in self._tiles:
                tile.setVisible(tile in shown)
            for widget in (self.previous_button, self.next_button, self.page_label):
                widget.setVisible(plan.paged)
        if plan.paged:
            top = height - bar
            turn = max(self.previous_button.sizeHint().width(), self.next_button.sizeHint().width())
            self.previous_button.setGeometry(visual_rect(direction, bounds, QRect(0, top, turn, bar)))
            self.next_button.setGeometry(visual_rect(direction, bounds, QRect(width - turn, top, turn, bar)))
            label = QRect(turn + GAP_PX, top, width - 2 * (turn + GAP_PX), bar)
            self.page_label.setGeometry(visual_rect(direction, bounds, label))
            self.previous_button.setEnabled(self.page > 0)
            self.next_button.setEnabled(self.page < self.pages - 1)
            self._say_page()

    # --- Qt ------------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(4 * MIN_TILE_PX, 3 * 2 * TOUCH_TARGET_PX)

    def minimumSizeHint(self) -> QSize:
        return QSize(2 * MIN_TILE_PX, TOUCH_TARGET_PX)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._place()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self._plan = None if not self._placed else self._plan
            self._place()
        return super().event(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self.measure_again()  # large text: taller tiles
        elif event.type() == QEvent.Type.LayoutDirectionChange:
            self._placed = ()
            self._place()
