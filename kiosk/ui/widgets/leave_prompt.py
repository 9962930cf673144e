"""«پاسخ‌های شما پاک می‌شود. خارج می‌شوید؟»: asked before Back or Home leaves a form with answers.

A citizen who taps Back or Home in the middle of a form (to look something up, or by mistake) lost
every answer at once. Now one big question covers the window, with two big buttons: stay (the form
as it was) or leave (the answers are wiped, as before). A form with no answer yet is left at once;
the idle timeout (privacy between citizens) does not ask: it ends the session as it always did.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class LeavePrompt(QWidget):
    """Covers its parent; ``ask(then)`` shows the question, "leave" runs ``then``, "stay" only hides."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("leavePrompt")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._then: Callable[[], None] | None = None
        card = QFrame(self)
        card.setObjectName("idleCard")
        self.question = QLabel(card)
        self.question.setObjectName("leaveQuestion")
        self.question.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.question.setWordWrap(True)
        self.stay_button = QPushButton(card)
        self.stay_button.setObjectName("stayButton")
        self.stay_button.setProperty("role", "primary")
        self.stay_button.clicked.connect(self.stay)
        self.leave_button = QPushButton(card)
        self.leave_button.setObjectName("leaveButton")
        self.leave_button.clicked.connect(self._leave)
        buttons = QHBoxLayout()
        buttons.setSpacing(24)
        buttons.addWidget(self.stay_button, 1)
        buttons.addWidget(self.leave_button, 1)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(48, 40, 48, 40)
        inner.setSpacing(32)
        inner.addWidget(self.question)
        inner.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 40, 40, 40)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        card.setMaximumWidth(980)
        parent.installEventFilter(self)
        self.retranslate()
        self.hide()

    def ask(self, then: Callable[[], None]) -> None:
        self._then = then
        self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()

    @property
    def asking(self) -> bool:
        return self.isVisible()

    def stay(self) -> None:
        """Back to where the citizen was (also how the end of a session puts the question away)."""
        self._then = None
        self.hide()

    def _leave(self) -> None:
        then, self._then = self._then, None
        self.hide()
        if then is not None:
            then()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self.parentWidget().rect())
        return False

    def retranslate(self) -> None:
        self.question.setText(self.tr("Your answers will be cleared.\nDo you want to leave?"))
        self.stay_button.setText(self.tr("No, stay"))
        self.stay_button.setAccessibleName(self.stay_button.text())
        self.leave_button.setText(self.tr("Yes, leave"))
        self.leave_button.setAccessibleName(self.leave_button.text())
