"""Big, finger-sized tiles for agencies and services."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk.core.catalog import Agency, Service
from kiosk.ui.i18n import Localizer
from kiosk.ui.icons import IconSet
from kiosk.ui.theme import TOUCH_TARGET_PX, tint


def _label(text: str, name: str, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class _Tile(QPushButton):
    """A push button laid out with labels inside: the whole tile is one tap target."""

    def __init__(self, role: str, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", role)
        self.setObjectName(object_name)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

    # QPushButton sizes itself from its own text and icon; these tiles size from their layout.
    def sizeHint(self) -> QSize:
        return self.layout().sizeHint()

    def minimumSizeHint(self) -> QSize:
        return self.layout().minimumSize()


class AgencyTile(_Tile):
    """An agency on the home grid: its icon on a tinted disc, its short name."""

    def __init__(self, agency: Agency, localizer: Localizer, icons: IconSet, parent: QWidget | None = None) -> None:
        super().__init__("agencyTile", f"agencyTile:{agency.id}", parent)
        self.agency = agency
        self._localizer = localizer
        self.setMinimumHeight(TOUCH_TARGET_PX * 2 + 40)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 20, 16, 18)
        layout.setSpacing(10)
        self._icon = _label("", "tileIcon", wrap=False)
        self._icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._icon.setFixedHeight(84)
        self._icon.setPixmap(icons.pixmap(agency.icon, agency.color, 64))
        self._icon.setStyleSheet(f"background: {tint(agency.color)}; border-radius: 42px;")
        self._icon.setFixedWidth(84)
        self._name = _label("", "tileTitle")
        self._name.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self._count = _label("", "tileCaption", wrap=False)
        self._count.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self._name, 1)
        layout.addWidget(self._count)
        self.retranslate()

    def retranslate(self) -> None:
        self._name.setText(self._localizer.text(self.agency.short_name))
        count = len(self.agency.services)
        self._count.setText(self.tr("%1 online services").replace("%1", self._localizer.number(count)))
        self.setAccessibleName(self._localizer.text(self.agency.name))
        self.setAccessibleDescription(self._count.text())


class ServiceTile(_Tile):
    """A service in a list: title, one-line summary, and its fee and typical time."""

    def __init__(
        self,
        service: Service,
        localizer: Localizer,
        icons: IconSet,
        currency: str,
        agency: Agency | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("serviceTile", f"serviceTile:{service.id}", parent)
        self.service = service
        self._agency = agency
        self._localizer = localizer
        self._currency = currency
        self.setMinimumHeight(TOUCH_TARGET_PX + 36)
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 14, 20, 14)
        row.setSpacing(18)
        icon = _label("", "tileIcon", wrap=False)
        color = agency.color if agency else "#334e68"
        icon.setPixmap(icons.pixmap(agency.icon if agency else "info", color, 40))
        icon.setFixedSize(56, 56)
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QVBoxLayout()
        text.setSpacing(4)
        self._title = _label("", "tileTitle")
        self._summary = _label("", "tileCaption")
        self._meta = _label("", "tileMeta", wrap=False)
        text.addWidget(self._title)
        text.addWidget(self._summary)
        text.addWidget(self._meta)
        row.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)
        self.retranslate()

    def show_service(self, service: Service, currency: str) -> None:
        """Stand for another service of the same kind of list: the agency screen keeps its tiles
        from one agency to the next (making and styling new ones is most of opening a list)."""
        self.service = service
        self._currency = currency
        self.setObjectName(f"serviceTile:{service.id}")
        self.retranslate()

    def retranslate(self) -> None:
        service = self.service
        self._title.setText(self._localizer.text(service.title))
        summary = self._localizer.text(service.summary)
        if self._agency is not None:
            summary = f"{self._localizer.text(self._agency.short_name)} · {summary}"
        self._summary.setText(_first_sentence(summary))
        fee = self._localizer.fee(service.fee, self._currency)
        time = self._localizer.typical_time(service.time)
        self._meta.setText(f"{fee}  ·  {time}")
        self.setAccessibleName(self._localizer.text(service.title))
        self.setAccessibleDescription(f"{summary} {fee}, {time}")


def _first_sentence(text: str, limit: int = 140) -> str:
    for mark in (". ", "؛ ", "。"):
        cut = text.find(mark)
        if 0 < cut < limit:
            return text[: cut + 1]
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
