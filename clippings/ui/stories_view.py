"""The Stories view: clippings grouped by event, each story's reports by time."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, Signal, Slot
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSlider,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clippings.model import Story, judged_with, plural, story_change, story_summary
from clippings.ui.wording import long_date, short_date

IdRole = Qt.ItemDataRole.UserRole + 30
#: A story's heading row: the story's id (``Story.id``).
StoryRole = Qt.ItemDataRole.UserRole + 31

#: The slider's range maps to these thresholds (how alike reports must be).
THRESHOLD_STEPS = 20

#: Before a clipping a story holds because the user said it is the same story as
#: another (its tooltip names which).
VERDICT_MARK = "✓ "
#: Before the title of the story's first report, and of a copy of another's text.
FIRST_MARK = "★ "
COPY_MARK = "(copy) "

#: The widest an outlet's column grows to fit its names.
OUTLET_WIDTH = 170


class StoriesView(QWidget):
    """Signals:
    clipping_chosen(int): a clipping of a story was selected.
    threshold_changed(float): the user moved the "how alike" slider (0..1).
    selection_changed(): the clippings selected changed (two of them can be compared).
    told(str): what a verdict did to the stories, for the status bar (``watch``).
    """

    clipping_chosen = Signal(int)
    threshold_changed = Signal(float)
    selection_changed = Signal()
    told = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("storiesTree")
        self.tree.setAccessibleName("Stories")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Story / clipping", "Outlet", "Date"])
        self.tree.setAlternatingRowColors(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        # Ctrl+click a second report to compare the two (Ctrl+D), tag or export them.
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.sectionResized.connect(self._on_header_section_resized)
        #: Each story's row, its title and its summary (the title is shortened to fit).
        self._headings: list[tuple[QTreeWidgetItem, str, str]] = []
        #: The clippings to choose again once the stories are shown anew.
        self._keep: list[int] = []
        #: The row at the top of the view, to show there again: a clipping's, or (with
        #: ``_top_heading``) the heading of the story that clipping heads (None: the
        #: view shows the clippings chosen, wherever they are).
        self._top: int | None = None
        self._top_heading = False
        #: The clipping that was current (the one read), to make current again.
        self._current: int | None = None
        #: The stories the user collapsed (their ids), kept collapsed; those whose
        #: heading was chosen, chosen again.
        self._collapsed: set[int] = set()
        self._headings_chosen: set[int] = set()
        #: The stories shown (before they are grouped anew: see ``watch``).
        self._shown: list[Story] = []
        #: A pair whose verdict changed, and whether by an undo: what it did is told
        #: once the stories are new.
        self._watched: tuple[int, int, bool] | None = None
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setObjectName("storyThreshold")
        self.slider.setAccessibleName("How alike reports must be to join a story")
        self.slider.setRange(1, THRESHOLD_STEPS - 1)
        self.slider.setToolTip("How alike two reports must be to count as the same story")
        self.summary = QLabel("", self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Group loosely", self))
        top.addWidget(self.slider, 1)
        top.addWidget(QLabel("strictly", self))
        top.addWidget(self.summary)
        #: What the marks before the titles mean (their tooltips say it again).
        self.legend = QLabel(
            f"{FIRST_MARK.strip()} published first   {VERDICT_MARK.strip()} in the story by"
            " your verdict   (copy) a copy of another report's text",
            self,
        )
        self.legend.setObjectName("storiesLegend")
        self.legend.setEnabled(False)  # drawn greyed: a key, not a control
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.legend)
        self.tree.currentItemChanged.connect(self._on_tree_current_item_changed)
        self.tree.itemSelectionChanged.connect(self.selection_changed)
        self.slider.sliderReleased.connect(self._on_slider_released)
        self.slider.valueChanged.connect(self._on_slider_value_changed)

    def selected_ids(self) -> list[int]:
        """The clippings selected, in the order they are shown (story rows left out)."""
        chosen = {id(item) for item in self.tree.selectedItems()}
        ids: list[int] = []
        for child, clipping in self._clipping_rows():
            if id(child) in chosen and clipping not in ids:
                ids.append(clipping)
        return ids

    def heading_selected(self) -> bool:
        """Whether a story's heading row is selected."""
        return any(item.data(0, IdRole) is None for item in self.tree.selectedItems())

    def _clipping_rows(self) -> Iterator[tuple[QTreeWidgetItem, int]]:
        """Each clipping's row under its story, with the clipping's id, in order."""
        for top in range(self.tree.topLevelItemCount()):
            story = self.tree.topLevelItem(top)
            for n in range(story.childCount() if story is not None else 0):
                child = story.child(n) if story is not None else None
                clipping = child.data(0, IdRole) if child is not None else None
                if child is not None and clipping is not None:
                    yield child, int(clipping)

    def threshold(self) -> float:
        return self.slider.value() / THRESHOLD_STEPS

    def set_threshold(self, value: float) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(round(value * THRESHOLD_STEPS))
        self.slider.blockSignals(False)

    def watch(self, a: int, b: int, *, undoing: bool = False) -> None:
        """The user's verdict on ``a`` and ``b`` changed (``undoing``: Edit › Undo took
        it back): once the stories are grouped again, say what it did to them (two
        stories joined into one, one split), as one verdict may move whole stories."""
        self._watched = (a, b, undoing) if self.isVisible() and self._shown else None

    def keep_place(self) -> None:
        """Before the stories are shown anew: the clippings chosen and the current one
        are chosen again, the row at the top of the view is put back there, and the
        stories collapsed stay so, once they are shown."""
        if not self.tree.topLevelItemCount():
            return  # nothing shown (the view is waiting): the place kept stands
        self._keep = self.selected_ids()
        current = self.tree.currentItem()
        if current is not None and current.data(0, IdRole) is not None:
            self._current = int(current.data(0, IdRole))
        item = self.tree.itemAt(QPoint(1, 1))
        heading = item is not None and item.data(0, IdRole) is None
        if heading and item is not None and item.childCount():
            item = item.child(0)  # a story's heading: known by its first report
        top = item.data(0, IdRole) if item is not None else None
        if top is not None:
            self._top, self._top_heading = int(top), heading
        headings = [
            story
            for n in range(self.tree.topLevelItemCount())
            if (story := self.tree.topLevelItem(n)) is not None
        ]
        self._collapsed = {int(h.data(0, StoryRole)) for h in headings if not h.isExpanded()}
        self._headings_chosen = {int(h.data(0, StoryRole)) for h in headings if h.isSelected()}

    def show_regrouping(self) -> None:
        """The stories shown are being grouped anew: they stay until the new ones come
        (the reader's place is taken then, in ``show_stories``)."""
        if self._shown:
            self.summary.setText(f"{plural(len(self._shown), 'story', 'stories')} · regrouping…")

    def show_pending(self) -> None:
        self.keep_place()
        self.tree.clear()
        self._headings = []
        self.summary.setText("grouping…")

    @Slot(object)
    def show_stories(self, stories: list[Story]) -> None:
        before, self._shown = self._shown, stories
        watched, self._watched = self._watched, None
        if watched is not None:
            a, b, undoing = watched
            told = verdict_outcome(before, stories, a, b, undoing=undoing)
            if told:
                self.told.emit(told)
        self.keep_place()  # as it is now: a click made while grouping stands
        self.tree.clear()
        self._headings = []
        for story in stories:
            summary = story_summary(story)
            said = judged_with(story)
            titles = {row.id: row.title for row in story.clippings}
            copied = dict(story.copy_of)
            top = QTreeWidgetItem(self.tree, [f"{story.title} ({summary})"])
            top.setToolTip(0, f"{story.title}\n{summary}")
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            top.setFirstColumnSpanned(True)
            top.setData(0, StoryRole, story.id)
            self._headings.append((top, story.title, summary))
            for row in story.clippings:
                # Marks go before the title, where a long title never cuts them off.
                first = FIRST_MARK if row.id == story.known_first else ""
                copy = COPY_MARK if row.id in copied else ""
                child = QTreeWidgetItem(
                    top, [first + copy + row.title, row.outlet or "", short_date(row.published)]
                )
                tip = row.title
                if first:
                    tip += "\n\nPublished first of the story's reports."
                if row.id in copied:
                    tip += f"\n\nA copy of the text of: {titles[copied[row.id]]}"
                if row.id in said:
                    # At the start, where a long title never cuts it off.
                    child.setText(0, VERDICT_MARK + child.text(0))
                    others = "\n".join(f"• {titles[i]}" for i in said[row.id])
                    tip += f"\n\nIn this story because you said it is the same story as:\n{others}"
                child.setToolTip(0, tip)
                child.setToolTip(1, row.outlet or "")
                child.setToolTip(2, long_date(row.published))
                child.setData(0, IdRole, row.id)
            top.setExpanded(story.id not in self._collapsed)
        self.tree.resizeColumnToContents(1)
        self.tree.resizeColumnToContents(2)
        self.tree.setColumnWidth(1, min(self.tree.columnWidth(1), OUTLET_WIDTH))
        self.summary.setText(plural(len(stories), "story", "stories"))
        self._fit_headings()
        self._choose_again()

    def _choose_again(self) -> None:
        """Choose again the clippings chosen before the stories were grouped anew (the
        current one current again), and show the row that was at the top of the view
        there again."""
        keep, self._keep = self._keep, []
        top, self._top = self._top, None
        current, self._current = self._current, None
        first = top_row = current_row = None
        for child, clipping in self._clipping_rows():
            if clipping in keep:
                first = first or child
                child.setSelected(True)
                if clipping == current:
                    current_row = child
            if clipping == top:
                top_row = child
        chosen_headings, self._headings_chosen = self._headings_chosen, set()
        for n in range(self.tree.topLevelItemCount()):
            story = self.tree.topLevelItem(n)
            if story is not None and story.data(0, StoryRole) in chosen_headings:
                story.setSelected(True)
        chosen = current_row or first
        if chosen is not None:
            self.tree.setCurrentItem(chosen, 0, QItemSelectionModel.SelectionFlag.NoUpdate)
        if top_row is not None:
            parent = top_row.parent()
            heading = self._top_heading and parent is not None and parent.indexOfChild(top_row) == 0
            self.tree.scrollToItem(
                parent if heading and parent is not None else top_row,
                QAbstractItemView.ScrollHint.PositionAtTop,
            )
        elif first is not None:
            self.tree.scrollToItem(first)

    def _fit_headings(self) -> None:
        """Each story's title shortened with "…" so that its summary always shows."""
        width = self.tree.viewport().width() - 2 * self.tree.indentation()
        for item, title, summary in self._headings:
            metrics = QFontMetrics(item.font(0))
            room = width - metrics.horizontalAdvance(f" ({summary})") - 8
            shown = metrics.elidedText(title, Qt.TextElideMode.ElideRight, max(room, 40))
            item.setText(0, f"{shown} ({summary})")

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_headings()

    @Slot(int, int, int)
    def _on_header_section_resized(self, _section: int, _old: int, _new: int) -> None:
        self._fit_headings()

    @Slot(QTreeWidgetItem, QTreeWidgetItem)
    def _on_tree_current_item_changed(
        self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None
    ) -> None:
        if current is not None and current.data(0, IdRole) is not None:
            self.clipping_chosen.emit(int(current.data(0, IdRole)))

    @Slot()
    def _on_slider_released(self) -> None:
        self.threshold_changed.emit(self.threshold())

    @Slot(int)
    def _on_slider_value_changed(self, _value: int) -> None:
        if not self.slider.isSliderDown():
            self.threshold_changed.emit(self.threshold())


def verdict_outcome(
    before: list[Story], after: list[Story], a: int, b: int, *, undoing: bool = False
) -> str | None:
    """What a verdict on ``a`` and ``b`` did to the stories (``before`` and ``after``
    it), in words for the status bar with the way back, or None when it did not join
    or part them; ``undoing``: Edit › Undo took the verdict back, so Redo gives it
    again."""
    told = story_change(before, after, a, b)
    if told is None:
        return None
    if undoing:
        return told + " Edit › Redo (Ctrl+Shift+Z) gives your verdict again."
    return told + " Edit › Undo (Ctrl+Z) takes it back."
