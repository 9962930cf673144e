"""Big, finger-sized tiles for agencies and services."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk.core.catalog import Agency, Service
from kiosk.ui.i18n import Localizer
from kiosk.ui.icons import IconSet
from kiosk.ui.theme import TOUCH_TARGET_PX, tint
from kiosk.ui.widgets.labels import WrappingLabel, with_room_for_tails
from kiosk.ui.widgets.mirroring import visual_rect
from kiosk.ui.widgets.offscreen import painting_off_screen

TOO_NARROW = 1 << 20  # the height of a tile too narrow for a word of its name


def _label(
    text: str, name: str, wrap: bool = True, parent: QWidget | None = None, keeps_heights: bool = False
) -> QLabel:
    label = WrappingLabel(parent) if keeps_heights else with_room_for_tails(QLabel(text, parent))
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
    """An agency on the home grid: its icon on a tinted disc and its short name, one above the
    other with how many services it has (``vertical``), or side by side without it, where tiles
    are short. Its parts are placed by hand, and it says how tall it must be at a width either
    way (``height_for``): home's grid (``AgencyGrid``) asks that to choose how many columns show
    every agency at once.
    """

    PAD_X, PAD_Y, GAP = 16, 12, 10
    DISC: ClassVar[dict[bool, int]] = {True: 72, False: 56}  # one above the other, side by side

    def __init__(self, agency: Agency, localizer: Localizer, icons: IconSet, parent: QWidget | None = None) -> None:
        super().__init__("agencyTile", f"agencyTile:{agency.id}", parent)
        self.agency = agency
        self._localizer = localizer
        self._icons = icons
        self.vertical: bool | None = None
        self._icon = _label("", "tileIcon", wrap=False, parent=self)
        self._icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._name = _label("", "tileTitle", parent=self, keeps_heights=True)
        self._count = _label("", "tileCaption", parent=self, keeps_heights=True)
        self.set_vertical(True)
        self.retranslate()

    def retranslate(self) -> None:
        self._name.setText(self._localizer.text(self.agency.short_name))
        count = self.tr("%1 online services").replace("%1", self._localizer.number(len(self.agency.services)))
        self._count.setText(count)
        self.setAccessibleName(self._localizer.text(self.agency.name))
        self.setAccessibleDescription(count)
        self._place()

    def _text_width(self, width: int, vertical: bool) -> int:
        """The labels' width: the room for their text, and their padding (room for a last letter's
        tail, ``kiosk.qss``) in the tile's own margin."""
        margins = self._name.contentsMargins()
        room = width - 2 * self.PAD_X - (0 if vertical else self.DISC[False] + self.GAP)
        return room + margins.left() + margins.right()

    def height_for(self, width: int, vertical: bool) -> int:
        """How tall the tile must be at ``width`` to show all its words, its parts one above the
        other or side by side."""
        text_width = self._text_width(width, vertical)
        labels = (self._name, self._count) if vertical else (self._name,)
        if any(label.widest_word() > text_width for label in labels):
            return TOO_NARROW  # a word would be broken
        name = self._name.heightForWidth(text_width)
        if vertical:
            inside = self.DISC[True] + self.GAP + name + self._count.heightForWidth(text_width)
        else:
            inside = max(self.DISC[False], name)
        return max(inside + 2 * self.PAD_Y, TOUCH_TARGET_PX)

    def set_vertical(self, vertical: bool) -> None:
        if vertical == self.vertical:
            return
        self.vertical = vertical
        self._show_count()
        disc = self.DISC[vertical]
        agency = self.agency
        self._icon.setFixedSize(disc, disc)
        self._icon.setPixmap(self._icons.pixmap(agency.icon, agency.color, disc * 2 // 3))
        self._icon.setStyleSheet(f"background: {tint(agency.color)}; border-radius: {disc // 2}px;")
        align = Qt.AlignmentFlag.AlignHCenter if vertical else Qt.AlignmentFlag.AlignLeft
        for label in (self._name, self._count):
            label.setAlignment(align | Qt.AlignmentFlag.AlignTop)
        self._place()

    def sizeHint(self) -> QSize:
        return QSize(4 * TOUCH_TARGET_PX, self.height_for(4 * TOUCH_TARGET_PX, bool(self.vertical)))

    def minimumSizeHint(self) -> QSize:
        return QSize(2 * TOUCH_TARGET_PX, TOUCH_TARGET_PX)

    def _show_count(self) -> None:
        """The count shows one above the other only; it is not shown while the tile is painted
        off screen (``painting_off_screen``), but when the tile is next shown."""
        if self._count.isHidden() != bool(self.vertical):
            return  # as it should be
        if not self.vertical:
            self._count.hide()
        elif not painting_off_screen():
            self._count.show()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._show_count()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.LayoutDirectionChange, QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._place()

    def _place(self) -> None:
        """The disc, the name and the count, in the middle of the tile's height."""
        width, vertical = self.width(), bool(self.vertical)
        disc = self.DISC[vertical]
        text_width = self._text_width(width, vertical)
        name = self._name.heightForWidth(text_width)
        count = self._count.heightForWidth(text_width) if vertical else 0
        inside = disc + self.GAP + name + count if vertical else max(disc, name)
        top = max(0, (self.height() - inside) // 2)
        direction, bounds = self.layoutDirection(), self.rect()
        pad = self._name.contentsMargins().left()
        if vertical:
            self._icon.move(visual_rect(direction, bounds, QRect((width - disc) // 2, top, disc, disc)).topLeft())
            name_top = top + disc + self.GAP
            name_rect = QRect(self.PAD_X - pad, name_top, text_width, name)
            self._name.setGeometry(visual_rect(direction, bounds, name_rect))
            count_rect = QRect(self.PAD_X - pad, name_top + name, text_width, count)
            self._count.setGeometry(visual_rect(direction, bounds, count_rect))
        else:
            self._icon.move(
                visual_rect(direction, bounds, QRect(self.PAD_X, top + (inside - disc) // 2, disc, disc)).topLeft()
            )
            left = self.PAD_X + disc + self.GAP - pad
            name_rect = QRect(left, top + (inside - name) // 2, text_width, name)
            self._name.setGeometry(visual_rect(direction, bounds, name_rect))


class ServiceTile(_Tile):
    """A service in a list: title, the summary's first sentence, and its fee and typical time,
    each whole, on as many lines as it takes."""

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
        self._text = text = QVBoxLayout()
        text.setSpacing(4)
        self._title = _label("", "tileTitle")
        self._summary = _label("", "tileCaption")
        self._meta = _label("", "tileMeta")
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
        self._summary.setText(first_sentence(summary))
        self._meta.setText(self._localizer.fee_and_time(service.fee, self._currency, service.time))
        self.setAccessibleName(self._localizer.text(service.title))
        self.setAccessibleDescription(f"{summary} {self._meta.text()}")
        # A tile kept for another service may need another height at the same width: its column
        # of labels forgets the heights it had (a new text invalidates only the tile's outer
        # layout), and its list asks again (a new height for a width alone does not tell it).
        # Without this, a title on two lines after one on one line had its second line cut off.
        self._text.invalidate()
        self.updateGeometry()


def first_sentence(text: str) -> str:
    """The first sentence of a summary, whole (a summary cut at 140 letters ended mid-word, «…»)."""
    cuts = [cut for cut in (text.find(mark) for mark in (". ", "؛ ", "。")) if cut > 0]
    return text[: min(cuts) + 1] if cuts else text
