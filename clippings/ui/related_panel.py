"""The Related panel beside the reading pane: duplicates, same story, related."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clippings.model import Published, RelatedClipping, Verdict
from clippings.services.related import (
    NONE_ALIKE,
    judged_without_date,
    undated_piece,
    undated_with_stories,
)
from clippings.ui.wording import EDGE_MARGIN, short_date

IdRole = Qt.ItemDataRole.UserRole + 20


RELATION_LABELS = {
    "duplicate": "Copy",
    "same story": "Same story",
    "related": "Related",
}

#: A row's label when the user gave the pair a verdict.
VERDICT_LABELS: dict[Verdict, str] = {
    "same story": "Same story (your verdict)",
    "not same story": "Not the same story (your verdict)",
}

#: The verdict menu (the button under "Related" and a row's context menu): its entries
#: with their mnemonics, and what each says the pair is.
VERDICT_ACTIONS: tuple[tuple[str, Verdict | None], ...] = (
    ("&Same Story", "same story"),
    ("&Not the Same Story", "not same story"),
    ("&Let Clippings Decide", None),
)

#: Beside a same-story piece when one of the two has no date.
NO_DATE = "no date to compare"

#: Under the list when the clipping shown has no date and some piece is same story (one
#: line: the list keeps its room), with ``SHOWN_UNDATED_MORE`` as its tooltip.
SHOWN_UNDATED = "No date on this clipping: same story judged on words alone (Ctrl+E to date it)"
SHOWN_UNDATED_MORE = (
    "This clipping has no date, so its same-story pieces are judged by names and words "
    "alone: a report of a similar event in another year can pass. Give it its date with "
    "Edit › Edit Metadata (Ctrl+E)."
)


def item_text(found: RelatedClipping, undated: bool = False) -> str:
    """The list row: the relation and title, then outlet and date (``NO_DATE`` in its
    place when ``undated``: a same-story piece with no date to weigh)."""
    row = found.clipping
    label = (
        VERDICT_LABELS[found.verdict]
        if found.verdict is not None and found.relation != "duplicate"
        else RELATION_LABELS.get(found.relation, found.relation)
    )
    share = f" {found.shared:.0%} shared" if found.relation == "duplicate" else ""
    when = short_date(row.published)
    meta = " · ".join(m for m in (row.outlet, when, NO_DATE if undated else "") if m)
    first = f"{label}{share} — {row.title}"
    return f"{first}\n    {meta}" if meta else first


def item_tip(found: RelatedClipping, published: Published | None) -> str:
    """What the relation means for this pair, in words (``published``: the date of the
    clipping shown)."""
    if found.verdict is not None:
        said = "the same story" if found.verdict == "same story" else "not the same story"
        copy = " Its text is a copy of this one's." if found.relation == "duplicate" else ""
        return (
            f"You said these two are {said}; Clippings follows your word here and in "
            f"Stories.{copy} Same story? › Let Clippings Decide takes it back."
        )
    if found.relation == "duplicate":
        return f"A copy of the same text: {found.shared:.0%} of the shorter one is in the other"
    if found.relation == "related":
        return (
            "On the same subject: alike beyond chance, without evidence of one event "
            f"(score {found.score:.2f})"
        )
    if judged_without_date(published, found):
        if published is None and found.clipping.published is None:
            whose = "Neither of the two has a date"
            how = "Edit › Edit Metadata (Ctrl+E) dates the clipping shown."
        elif published is None:
            whose = "This clipping has no date"
            how = "Edit › Edit Metadata (Ctrl+E) dates it."
        else:
            whose = "That piece has no date"
            how = "To date it, open it (double-click) and use Edit › Edit Metadata."
        return (
            f"Same story, judged by names and words alone (score {found.score:.2f}). "
            f"{whose}, so how far apart the two were published could not be weighed. {how}"
        )
    return (
        "Another report of the same event: shares names or numbers and is close in time "
        f"(score {found.score:.2f})"
    )


class RelatedPanel(QWidget):
    """Signals:
    clipping_requested(int): open this related clipping.
    compare_requested(int, int): compare the clipping shown with this related one.
    verdict_requested(int, int, object): the user's verdict on the clipping shown and
        the related one chosen ("same story", "not same story", or None: let Clippings
        decide).
    """

    clipping_requested = Signal(int)
    compare_requested = Signal(int, int)
    verdict_requested = Signal(int, int, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.current: int | None = None
        #: The pieces listed, by id.
        self.found: dict[int, RelatedClipping] = {}
        #: Whether the user may give verdicts (not in a read-only archive).
        self.can_judge = True
        self.title = QLabel("<b>Related</b>", self)
        self.list = QListWidget(self)
        self.list.setObjectName("relatedList")
        self.list.setAccessibleName("Related pieces")
        self.list.setWordWrap(True)
        self.compare_button = QPushButton("Co&mpare", self)
        self.compare_button.setToolTip("Compare the clipping shown with the related one chosen")
        self.compare_button.setEnabled(False)
        # The user's word on a pair outranks Clippings's label: from this button (Tab,
        # then Space or the mnemonic), or a row's context menu (right-click, the Menu key).
        # A push button with a menu keeps room for its arrow (a tool button's was drawn
        # over the question mark).
        self.verdict_button = QPushButton("Same stor&y?", self)
        self.verdict_button.setObjectName("relatedVerdict")
        self.verdict_button.setToolTip(
            "Say whether the chosen piece and the clipping shown are the same story, "
            "whatever Clippings judged"
        )
        self.verdict_menu = QMenu(self.verdict_button)
        self.verdict_actions: dict[Verdict | None, QAction] = {}
        for text, verdict in VERDICT_ACTIONS:
            action = self.verdict_menu.addAction(text)
            action.setData(verdict)
            self.verdict_actions[verdict] = action
        self.verdict_menu.aboutToShow.connect(self._on_verdict_menu_about_to_show)
        self.verdict_menu.triggered.connect(self._on_verdict_menu_triggered)
        self.verdict_button.setMenu(self.verdict_menu)
        self.verdict_button.setEnabled(False)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._on_list_context_menu_requested)
        self.empty_note = QLabel(NONE_ALIKE, self)
        self.empty_note.setObjectName("relatedNoneAlike")
        self.empty_note.setWordWrap(True)
        self.empty_note.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.empty_note.setStyleSheet("color: gray; padding: 6px;")
        self.empty_note.hide()
        self.undated_note = QLabel(SHOWN_UNDATED, self)
        self.undated_note.setObjectName("relatedShownUndated")
        self.undated_note.setToolTip(SHOWN_UNDATED_MORE)
        self.undated_note.setWordWrap(True)
        self.undated_note.setStyleSheet("color: gray; padding: 2px 6px;")
        self.undated_note.hide()
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.verdict_button)
        top.addWidget(self.compare_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, EDGE_MARGIN, EDGE_MARGIN)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty_note, 1)
        layout.addWidget(self.undated_note)
        self.list.itemActivated.connect(self._on_list_item_activated)
        self.list.currentItemChanged.connect(self._on_list_current_item_changed)
        self.compare_button.clicked.connect(self._on_compare_button_clicked)

    def show_related(
        self,
        clipping_id: int | None,
        found: list[RelatedClipping],
        published: Published | None = None,
    ) -> None:
        """List ``found`` for the clipping ``clipping_id`` (None: no clipping shown),
        which was published ``published`` (None: it has no date)."""
        self.current = clipping_id
        self.list.clear()
        self.found = {r.clipping.id: r for r in found}
        for related in found:
            # An undated piece says so where its date would be; an undated clipping
            # shown says so once, under the list.
            undated = related.verdict is None and undated_piece(related)
            item = QListWidgetItem(item_text(related, undated), self.list)
            item.setData(IdRole, related.clipping.id)
            item.setToolTip(item_tip(related, published))
        self.undated_note.setVisible(undated_with_stories(published, found))
        self.title.setToolTip("")
        none_alike = clipping_id is not None and not found
        self.list.setVisible(not none_alike)
        self.empty_note.setVisible(none_alike)
        if clipping_id is None:
            self.title.setText("<b>Related</b>")
        elif not found:
            self.title.setText(
                "<b>Related</b> <span style='color: gray'>— none alike enough</span>"
            )
        else:
            self.title.setText(f"<b>Related</b> ({len(found)})")
        self.compare_button.setEnabled(False)
        self.verdict_button.setEnabled(False)

    def choose(self, clipping_id: int) -> bool:
        """Make this piece the chosen row (after the list is shown again)."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item is not None and item.data(IdRole) == clipping_id:
                self.list.setCurrentItem(item)
                return True
        return False

    def show_pending(self, clipping_id: int) -> None:
        self.current = clipping_id
        self.list.clear()
        self.list.show()
        self.empty_note.hide()
        self.undated_note.hide()
        self.title.setText("<b>Related</b> <span style='color: gray'>— looking…</span>")
        self.compare_button.setEnabled(False)
        self.verdict_button.setEnabled(False)

    def chosen(self) -> int | None:
        item = self.list.currentItem()
        return int(item.data(IdRole)) if item is not None else None

    @Slot(QListWidgetItem)
    def _on_list_item_activated(self, item: QListWidgetItem) -> None:
        self.clipping_requested.emit(int(item.data(IdRole)))

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_list_current_item_changed(
        self, current: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        self.compare_button.setEnabled(current is not None and self.current is not None)
        self._enable_verdicts()

    def set_can_judge(self, allowed: bool) -> None:
        """Offer verdicts only where the archive may be changed."""
        self.can_judge = allowed
        self._enable_verdicts()

    def _enable_verdicts(self) -> None:
        chosen = self.list.currentItem() is not None and self.current is not None
        self.verdict_button.setEnabled(chosen and self.can_judge)

    @Slot()
    def _on_verdict_menu_about_to_show(self) -> None:
        # The pair's verdict is ticked; "Let Clippings Decide" only when there is one.
        chosen = self.found.get(self.chosen() or -1)
        given = chosen.verdict if chosen is not None else None
        for verdict, action in self.verdict_actions.items():
            action.setCheckable(verdict is not None)
            action.setChecked(verdict is not None and verdict == given)
        self.verdict_actions[None].setEnabled(given is not None)

    @Slot(QAction)
    def _on_verdict_menu_triggered(self, action: QAction) -> None:
        other = self.chosen()
        if self.current is not None and other is not None:
            self.verdict_requested.emit(self.current, other, action.data())

    @Slot(QPoint)
    def _on_list_context_menu_requested(self, where: QPoint) -> None:
        item = self.list.itemAt(where) or self.list.currentItem()
        if item is None or self.current is None or not self.can_judge:
            return
        self.list.setCurrentItem(item)
        self.verdict_menu.popup(self.list.viewport().mapToGlobal(where))

    @Slot()
    def _on_compare_button_clicked(self) -> None:
        other = self.chosen()
        if self.current is not None and other is not None:
            self.compare_requested.emit(self.current, other)
