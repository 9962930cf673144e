"""An agency: who it is, how to reach it, and its online services as tiles."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.core.catalog import Agency, Catalog
from kiosk.ui.ahead import Step, unattended
from kiosk.ui.i18n import Localizer
from kiosk.ui.icons import IconSet
from kiosk.ui.theme import tint
from kiosk.ui.widgets.labels import with_room_for_tails
from kiosk.ui.widgets.offscreen import paint_off_screen
from kiosk.ui.widgets.screen import Screen
from kiosk.ui.widgets.scrolling import to_top, touch_scroll_area
from kiosk.ui.widgets.tiles import ServiceTile


class AgencyScreen(Screen):
    service_chosen = Signal(str)

    def __init__(self, localizer: Localizer, icons: IconSet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agencyScreen")
        self._localizer = localizer
        self._icons = icons
        self.agency: Agency | None = None
        self._currency = "rial"
        self._tiles: list[ServiceTile] = []  # the agency's, in order: the first of ``_made``
        self._made: list[ServiceTile] = []  # every tile made so far, kept for the next agency
        self._icon_color = ""

        self.icon = QLabel()
        self.icon.setFixedSize(96, 96)
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = with_room_for_tails(QLabel())
        self.title.setObjectName("screenTitle")
        self.title.setWordWrap(True)
        self.about = with_room_for_tails(QLabel())
        self.about.setObjectName("screenSubtitle")
        self.about.setWordWrap(True)
        self.contact = with_room_for_tails(QLabel())
        self.contact.setObjectName("tileMeta")
        heading_text = QVBoxLayout()
        heading_text.setSpacing(6)
        heading_text.addWidget(self.title)
        heading_text.addWidget(self.about)
        heading_text.addWidget(self.contact)
        heading = QHBoxLayout()
        heading.setSpacing(24)
        heading.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        heading.addLayout(heading_text, 1)

        self.list_title = with_room_for_tails(QLabel())
        self.list_title.setObjectName("sectionTitle")
        self._list_host = host = QWidget()
        self._list = QVBoxLayout(host)
        self._list.setContentsMargins(0, 0, 0, 0)
        self._list.setSpacing(14)
        self._list.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 28, 40, 24)
        layout.setSpacing(18)
        layout.addLayout(heading)
        layout.addWidget(self.list_title)
        self.scroll = touch_scroll_area(host)
        layout.addWidget(self.scroll, 1)

    def show_agency(self, agency: Agency, currency: str) -> None:
        self.agency = agency
        self._currency = currency
        self.icon.setPixmap(self._icons.pixmap(agency.icon, agency.color, 72))
        if agency.color != self._icon_color:  # a widget's own stylesheet restyles it at each call
            self._icon_color = agency.color
            self.icon.setStyleSheet(f"background: {tint(agency.color)}; border-radius: 48px;")
        # The tiles made for an earlier agency show this one's services: making and styling new
        # tiles (and destroying the old) was most of the time it took to open an agency.
        for index, service in enumerate(agency.services):
            if index < len(self._made):
                tile = self._made[index]
                tile.show_service(service, currency)
            else:
                tile = ServiceTile(service, self._localizer, self._icons, currency, parent=self._list_host)
                tile.clicked.connect(lambda _=False, t=tile: self.service_chosen.emit(t.service.id))
                self._list.insertWidget(index, tile)
                self._made.append(tile)
            tile.show()
        for spare in self._made[len(agency.services) :]:
            spare.hide()
        self._tiles = self._made[: len(agency.services)]
        self.retranslate()
        to_top(self.scroll)  # every agency's list starts at its first service, for every citizen

    @property
    def service_tiles(self) -> list[ServiceTile]:
        return list(self._tiles)

    def retranslate(self) -> None:
        if self.agency is None:
            return
        agency = self.agency
        self.title.setText(self._localizer.text(agency.name))
        self.about.setText(self._localizer.text(agency.about))
        contact = []
        if agency.phone:
            contact.append(self.tr("Call centre: %1").replace("%1", self._localizer.address(agency.phone)))
        if agency.web:
            contact.append(self._localizer.address(agency.web.removeprefix("https://")))
        # One under the other: a "·" between them read as a zero after the phone number's digits.
        self.contact.setText("\n".join(contact))
        self.contact.setVisible(bool(contact))
        count = self._localizer.number(len(agency.services))
        self.list_title.setText(self.tr("Online services (%1)").replace("%1", count))
        for tile in self._tiles:
            tile.retranslate()


# An agency with more services is not painted ahead: making its tiles is no small step (~1 ms a
# tile); its first citizen makes them, as before.
MAX_TILES_AHEAD = 40


def ahead_steps(screen: Callable[[], AgencyScreen], catalog: Catalog, currency: str,
                page_size: Callable[[], QSize]) -> list[Step]:  # fmt: skip
    """Work done ahead for the agency screen (``kiosk.ui.ahead``), which ``screen()`` builds on
    first use: build it; then, unattended, show each agency once (the largest sets how many tiles
    are kept; each its colour and icons) and paint its page off screen."""
    return [
        Step(screen),
        *(
            unattended(lambda a=agency: screen().show_agency(a, currency))
            for agency in catalog.agencies
            if len(agency.services) <= MAX_TILES_AHEAD
        ),
        unattended(lambda: paint_off_screen(screen().parentWidget(), page_size())),  # its page
    ]
