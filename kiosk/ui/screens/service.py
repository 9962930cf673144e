"""A service card: everything a citizen needs to use one service online, and a QR code to go."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QDate, QSize, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.catalog import Agency, Catalog, Channel, Service
from kiosk.ui.ahead import Step, unattended
from kiosk.ui.i18n import Localizer
from kiosk.ui.icons import IconSet
from kiosk.ui.widgets.labels import with_room_for_tails
from kiosk.ui.widgets.offscreen import paint_off_screen
from kiosk.ui.widgets.qr import QrView
from kiosk.ui.widgets.screen import Screen
from kiosk.ui.widgets.scrolling import to_top, touch_scroll_area

_CHANNEL_ICONS = {"web": "web", "app": "mobile", "ussd": "ussd", "phone": "telecom"}


def _label(name: str, wrap: bool = True, parent: QWidget | None = None) -> QLabel:
    label = with_room_for_tails(QLabel(parent))
    label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class ServiceScreen(Screen):
    request_started = Signal(str)

    def __init__(self, localizer: Localizer, icons: IconSet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("serviceScreen")
        self._localizer = localizer
        self._icons = icons
        self.service: Service | None = None
        self._agency: Agency | None = None
        self._currency = "rial"
        self._summary: QLabel | None = None
        self._sections: dict[str, _Section] = {}

        self.title = _label("screenTitle")
        self.agency_name = _label("screenSubtitle")

        self._card = card = QFrame()
        card.setObjectName("card")
        self._body = QVBoxLayout(card)
        self._body.setContentsMargins(32, 28, 32, 28)
        self._body.setSpacing(12)
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.addWidget(card)
        content_layout.addStretch(1)

        side = QFrame()
        side.setObjectName("sidePanel")
        side.setFixedWidth(400)
        side.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(28, 24, 28, 24)
        side_layout.setSpacing(10)
        self.fee_label, self.fee_value = _label("factLabel"), _label("factValue")
        self.time_label, self.time_value = _label("factLabel"), _label("factValue")
        self.qr = QrView(size=260)
        self.qr_caption = _label("qrCaption")
        self.qr_caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr_address = _label("channelText")
        self.qr_address.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.request_button = QPushButton()
        self.request_button.setObjectName("startRequestButton")
        self.request_button.setProperty("role", "primary")
        self.request_button.clicked.connect(self._start_request)
        # The note under the button wraps at the button's width. With a maximum width of its own
        # instead, Qt gave it the height of its lines at the column's width, and with large text
        # its third line was cut off, its first under the button.
        self.request_note = _label("hint")
        policy = self.request_note.sizePolicy()
        policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
        self.request_note.setSizePolicy(policy)
        for widget in (self.fee_label, self.fee_value, self.time_label, self.time_value):
            side_layout.addWidget(widget)
        side_layout.addSpacing(12)
        side_layout.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignHCenter)
        side_layout.addWidget(self.qr_caption)
        side_layout.addWidget(self.qr_address)
        side_layout.addStretch(1)

        columns = QHBoxLayout()
        columns.setSpacing(24)
        self.scroll = touch_scroll_area(content)
        columns.addWidget(self.scroll, 1)
        # On a short screen the panel scrolls instead of making the window taller than the screen. It
        # takes the column's whole height: aligned to the top it kept the height QScrollArea measured
        # first (its size hint is cached), and cut the QR code off at 1366x768.
        self.side_scroll = touch_scroll_area(side)
        self.side_scroll.setFixedWidth(side.width() + 20)
        columns.addWidget(self.side_scroll, 0)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 24, 40, 24)
        layout.setSpacing(10)
        names = QVBoxLayout()
        names.setSpacing(4)
        names.addWidget(self.title)
        names.addWidget(self.agency_name)
        action = QVBoxLayout()
        action.setSpacing(4)
        action.addWidget(self.request_button)
        action.addWidget(self.request_note)
        heading = QHBoxLayout()
        heading.setSpacing(24)
        heading.addLayout(names, 1)
        heading.addLayout(action)
        layout.addLayout(heading)
        layout.addLayout(columns, 1)

    def _start_request(self) -> None:
        if self.service is not None:
            self.request_started.emit(self.service.id)

    def show_service(self, service: Service, agency: Agency, currency: str) -> None:
        self.service = service
        self._agency = agency
        self._currency = currency
        self.qr.set_data(service.online_address or "")
        self.retranslate()
        for area in (self.scroll, self.side_scroll):  # every card starts at its top, for every citizen
            to_top(area)

    def retranslate(self) -> None:
        if self.service is None or self._agency is None:
            return
        lang = self._localizer.language
        service = self.service
        self.title.setText(self._localizer.text(service.title))
        self.agency_name.setText(self._localizer.text(self._agency.name))
        self.fee_label.setText(self.tr("Fee"))
        self.fee_value.setText(self._localizer.fee(service.fee, self._currency))
        self.time_label.setText(self.tr("Typical time"))
        self.time_value.setText(self._localizer.typical_time(service.time))
        self.request_button.setVisible(service.accepts_requests)
        self.request_note.setVisible(service.accepts_requests)
        self.request_button.setText(self.tr("File this request here"))
        self.request_button.setAccessibleName(self.request_button.text())
        self.request_note.setText(self.tr("Fill in a short form now; the kiosk sends it to the agency for you."))
        online = service.online_address
        self.qr.setVisible(online is not None)
        self.qr_caption.setVisible(online is not None)
        self.qr_address.setVisible(online is not None)
        if online:
            self.qr_caption.setText(self.tr("Scan with your phone's camera to continue on your phone"))
            self.qr_address.setText(self._localizer.address(online.removeprefix("https://")))
            self.qr.setAccessibleName(self.tr("QR code of %1").replace("%1", online))
        self._fill_body(service, lang)

    def _fill_body(self, service: Service, lang: str) -> None:
        # The card's labels are made for the first service shown and kept for the next: making,
        # styling and destroying two dozen labels was most of the time it took to open a service.
        if self._summary is None:
            self._summary = _label("bodyText", parent=self._card)
            self._body.addWidget(self._summary)
        self._summary.setText(self._localizer.text(service.summary))
        self._section("audience", self.tr("Who it is for"), [self._localizer.text(service.audience)])
        documents = [self._localizer.text(d) for d in service.documents] or [self.tr("No documents needed")]
        self._section("documents", self.tr("What to have at hand"), documents, bullet="•")
        self._section("steps", self.tr("Steps"), [self._localizer.text(s) for s in service.steps], numbered=True)
        self._channels(service.channels, lang)
        self._section("info", self.tr("About this service"), self._about_lines(service), bullet="•")

    def _about_lines(self, service: Service) -> list[str]:
        """The service-desk directive's facts the agency gave, and when it last checked the card
        (none: the section is not shown)."""
        loc, lines = self._localizer, []
        desk = service.desk
        label_id, label_type = self.tr("Service ID"), self.tr("Type")
        label_basis, label_unit = self.tr("Legal basis"), self.tr("Responsible unit")
        label_window, label_checked = self.tr("On the national services window"), self.tr("Last checked by the agency")
        if desk is not None:
            if desk.code:
                lines.append(f"{label_id}: {loc.address(desk.code)}")
            if desk.kind:
                kinds = {
                    "G2C": self.tr("a service to citizens (G2C)"),
                    "G2B": self.tr("a service to businesses (G2B)"),
                    "G2G": self.tr("a service to government bodies (G2G)"),
                }
                lines.append(f"{label_type}: {kinds.get(desk.kind, desk.kind)}")
            if desk.legal_basis:
                lines.append(f"{label_basis}: {loc.text(desk.legal_basis)}")
            if desk.unit:
                lines.append(f"{label_unit}: {loc.text(desk.unit)}")
            if desk.national_window:
                lines.append(f"{label_window}: {loc.address(desk.national_window.removeprefix('https://'))}")
        if service.last_verified:
            day = QDate.fromString(service.last_verified, "yyyy-MM-dd")
            lines.append(f"{label_checked}: {loc.short_date(day)}")
        return lines

    def _section(self, icon: str, title: str, lines: list[str], bullet: str = "", numbered: bool = False) -> None:
        section = self._sections.get(icon)
        if section is None:
            section = self._sections[icon] = _Section(self._card, self._body, numbered)
        color = self._agency.color if self._agency else "#334e68"
        section.show(self._icons.pixmap(icon, color, 30), title, lines, bullet, self._localizer.number)
        section.set_visible(bool(lines))

    def _channels(self, channels: tuple[Channel, ...], lang: str) -> None:
        names = {
            "web": self.tr("Website"),
            "app": self.tr("Mobile app"),
            "ussd": self.tr("Dial on any phone (USSD)"),
            "phone": self.tr("Call"),
        }
        lines = []
        for channel in channels:
            label = self._localizer.text(channel.label) if channel.label else names[channel.kind]
            shown = channel.address.removeprefix("https://")
            lines.append(f"{label}: {self._localizer.address(shown)}")
        self._section("web", self.tr("Where to do it online"), lines, bullet="›" if lang == "en" else "‹")

    def spoken_lines(self) -> list[str]:
        """The card read aloud in the order a citizen needs it: what, whose, what it does, the
        fee and the time, who it is for, what to have at hand, the steps, where to do it online,
        and filing it here (``kiosk.ui.speech``)."""
        service, agency, loc = self.service, self._agency, self._localizer
        if service is None or agency is None:
            return []
        lines = [loc.text(service.title), loc.text(agency.name), loc.text(service.summary)]
        lines.append(f"{self.tr('Fee')}: {loc.fee(service.fee, self._currency)}")
        lines.append(f"{self.tr('Typical time')}: {loc.typical_time(service.time)}")
        lines.append(f"{self.tr('Who it is for')}: {loc.text(service.audience)}")
        documents = [loc.text(d) for d in service.documents] or [self.tr("No documents needed")]
        separator = "، " if loc.language == "fa" else "; "
        lines.append(f"{self.tr('What to have at hand')}: {separator.join(documents)}")
        lines.append(self.tr("Steps"))
        lines += [f"{loc.number(n)}. {loc.text(step)}" for n, step in enumerate(service.steps, 1)]
        if service.channels:
            lines.append(self.tr("Where to do it online"))
            lines += [line for line in self._channel_lines(service.channels)]
        about = self._about_lines(service)
        if about:
            lines.append(self.tr("About this service"))
            lines += about
        if service.accepts_requests:
            lines += [self.request_button.text(), self.request_note.text()]
        return lines

    def _channel_lines(self, channels: tuple[Channel, ...]) -> list[str]:
        names = {
            "web": self.tr("Website"),
            "app": self.tr("Mobile app"),
            "ussd": self.tr("Dial on any phone (USSD)"),
            "phone": self.tr("Call"),
        }
        return [f"{self._localizer.text(c.label) if c.label else names[c.kind]}: {c.address}" for c in channels]

    def ahead_steps(self, catalog: Catalog, currency: str, page_size: Callable[[], QSize]) -> list[Step]:
        """Work done ahead for the card (``kiosk.ui.ahead``), unattended: show the cards that make
        every line any card needs (``longest_cards``), then paint the screen off screen."""
        return [
            *(
                unattended(lambda s=service: self.show_service(s, catalog.agency(s.agency_id), currency))
                for service in longest_cards(catalog)
            ),
            unattended(lambda: paint_off_screen(self, page_size())),
        ]


def longest_cards(catalog: Catalog) -> list[Service]:
    """The services whose cards, shown one after the other, make every line any card needs and
    draw the card's icons in every agency's colour: each agency's longest card, and the longest
    of each section. (Not every card: a province's catalog may hold thousands.)"""

    def sections(service: Service) -> tuple[int, int, int]:
        return len(service.documents), len(service.steps), len(service.channels)

    chosen = [max(agency.services, key=lambda s: sum(sections(s))) for agency in catalog.agencies if agency.services]
    for section in range(3 if catalog.services else 0):
        chosen.append(max(catalog.services, key=lambda s: sections(s)[section]))
    return list({service.id: service for service in chosen}.values())


class _Section:
    """A heading (icon and title) and its lines, each after a bullet or its number, in the card;
    kept from one service to the next, its lines made as needed and the spare ones hidden."""

    def __init__(self, card: QFrame, body: QVBoxLayout, numbered: bool) -> None:
        self._card = card
        self._numbered = numbered
        heading = QHBoxLayout()
        heading.setSpacing(10)
        self.glyph = QLabel(card)
        self.title = _label("sectionTitle", wrap=False, parent=card)
        heading.addWidget(self.glyph)
        heading.addWidget(self.title, 1)
        body.addSpacing(10)
        body.addLayout(heading)
        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(12)
        self._grid.setVerticalSpacing(8)
        self._grid.setColumnStretch(1, 1)
        body.addLayout(self._grid)
        self._lines: list[tuple[QLabel, QLabel]] = []

    def show(self, glyph: QPixmap, title: str, lines: list[str], bullet: str, number: Callable[[int], str]) -> None:
        self.glyph.setPixmap(glyph)
        self.title.setText(title)
        for row, line in enumerate(lines):
            if row == len(self._lines):
                marker = _label("factValue" if self._numbered else "bodyText", wrap=False, parent=self._card)
                marker.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
                text = _label("bodyText", parent=self._card)
                self._grid.addWidget(marker, row, 0)
                self._grid.addWidget(text, row, 1)
                self._lines.append((marker, text))
            marker, text = self._lines[row]
            marker.setText(number(row + 1) + "." if self._numbered else bullet)
            text.setText(line)
            marker.show()
            text.show()
        for marker, text in self._lines[len(lines) :]:  # a hidden row takes no room in the grid
            marker.hide()
            text.hide()

    def set_visible(self, visible: bool) -> None:
        """Show or hide the heading (a section with no lines shows nothing)."""
        self.glyph.setVisible(visible)
        self.title.setVisible(visible)
