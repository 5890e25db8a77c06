"""A bar above the list for what the user should know about the open archive: that it
is read-only, that it lives in a synced folder or on a network share. It never blocks
(no modal box); the user closes it when read.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

STYLE = """
QFrame#noticeBar {
    background-color: #fff4d1;
    border: 1px solid #e3c66b;
    border-radius: 4px;
}
QFrame#noticeBar QLabel { color: #3d3112; background: transparent; border: none; }
QFrame#noticeBar QToolButton {
    border: none; background: transparent; color: #6b5a25; font-size: 15px; padding: 0 4px;
}
QFrame#noticeBar QToolButton:hover { color: black; }
"""


class NoticeBar(QFrame):
    """Notes in plain words, one per line, with a button that closes the bar.

    Signals:
        dismissed(): the user closed the bar.
        link_activated(str): the user followed a link of a note (its href).
    """

    dismissed = Signal()
    link_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeBar")
        self.setStyleSheet(STYLE)
        self.label = QLabel(self)
        self.label.setObjectName("noticeText")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.label.setOpenExternalLinks(False)
        self.label.linkActivated.connect(self.link_activated)
        self.close_button = QToolButton(self)
        self.close_button.setObjectName("noticeClose")
        self.close_button.setText("✕")
        self.close_button.setToolTip("Hide this note")
        self.close_button.setAccessibleName("Hide this note")
        self.close_button.clicked.connect(self._on_close_button_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 4, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.notes: tuple[str, ...] = ()
        self.suggestions: tuple[str, ...] = ()
        self.hide()

    def show_notes(self, notes: Sequence[str], *, suggestions: Sequence[str] = ()) -> None:
        """Show these notes (plain text) and suggestions (the window's own HTML, with
        links the window follows), or hide the bar when there are none."""
        self.notes = tuple(n for n in notes if n.strip())
        self.suggestions = tuple(s for s in suggestions if s.strip())
        lines = [f"⚠ {html.escape(note)}" for note in self.notes]
        lines += [f"<b>Tip:</b> {suggestion}" for suggestion in self.suggestions]
        self.label.setText("<br>".join(lines))
        self.setVisible(bool(lines))

    def text(self) -> str:
        """What the bar says, as plain text (one note a line)."""
        plain = [re.sub(r"<[^>]+>", "", s) for s in self.suggestions]
        return "\n".join([*self.notes, *(html.unescape(p) for p in plain)])

    @Slot()
    def _on_close_button_clicked(self) -> None:
        self.hide()
        self.dismissed.emit()
