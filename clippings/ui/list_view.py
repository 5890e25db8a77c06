"""The list of clippings: its table, and keeping the user's place in the list while it
is read again.

After a change (an import's progress, another program's edit, an undo) the model is
reset; these functions note the selection, the current row and the scroll position by
clipping before, and find them again after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableView,
    QWidget,
)

from clippings.ui.clipping_model import DATE, OUTLET, TAGS, TITLE, WORDS, ClippingTableModel
from clippings.ui.delegates import TagChipsDelegate, TitleDelegate
from clippings.ui.wording import short_date

#: A bigger selection is kept by its rows, not by its clippings, when the list is read again.
KEPT_SELECTION = 1000

#: The outlet and the tags columns are at most this part of the title's width.
SHARE = 0.45


def make_clipping_list(
    parent: QWidget, model: ClippingTableModel
) -> tuple[QTableView, TitleDelegate, TagChipsDelegate]:
    """The table of clippings, with the delegates that draw its titles and tag chips."""
    table = QTableView(parent)
    table.setObjectName("clippingList")
    table.setAccessibleName("Clippings")
    # Tab goes on to the reading pane (arrows move between rows), never cell by cell.
    table.setTabKeyNavigation(False)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.setSortingEnabled(True)
    table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    table.setDragEnabled(True)
    table.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
    table.setWordWrap(False)
    table.setShowGrid(False)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    header = table.horizontalHeader()
    header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
    header.setStretchLastSection(False)
    header.setMinimumSectionSize(40)
    widths = column_widths(table)
    for column, width in widths.items():
        header.resizeSection(column, width)
    table.viewport().installEventFilter(_TitleRoom(table, widths))
    title_delegate = TitleDelegate(table)
    tags_delegate = TagChipsDelegate(table)
    table.setItemDelegateForColumn(TITLE, title_delegate)
    table.setItemDelegateForColumn(TAGS, tags_delegate)
    table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    return table, title_delegate, tags_delegate


def column_widths(table: QTableView) -> dict[int, int]:
    """The columns' first widths: the date and the word count as wide as what they show,
    the outlet and the tags modest; the title takes the rest (it stretches)."""
    metrics = table.fontMetrics()
    padding = 2 * metrics.averageCharWidth() + 12  # the cell's margins and the sort arrow
    widest_day = max(
        (short_date(date(2000, month, 28)) for month in range(1, 13)),
        key=metrics.horizontalAdvance,
    )
    return {
        DATE: metrics.horizontalAdvance(widest_day) + padding,
        OUTLET: metrics.horizontalAdvance("The Seattle Times") + padding,
        TAGS: metrics.horizontalAdvance("Press review") + padding,
        WORDS: metrics.horizontalAdvance("99,999") + padding,
    }


class _TitleRoom(QObject):
    """Keeps the title the widest column: when the list narrows, the outlet and the tags
    give up width before the title does, and take it back when it widens again, up to
    their first width. A width the user chose (by dragging, or restored) stays."""

    def __init__(self, table: QTableView, widths: dict[int, int]) -> None:
        super().__init__(table)
        self.table = table
        self.first = {c: widths[c] for c in (OUTLET, TAGS)}
        #: The width each column was last given here; another one is the user's.
        self.given = dict(self.first)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def fit(self) -> None:
        header = self.table.horizontalHeader()
        least = header.minimumSectionSize()
        fitted = [c for c in (OUTLET, TAGS) if header.sectionSize(c) == self.given[c]]
        others = sum(
            header.sectionSize(c) for c in range(header.count()) if c not in (TITLE, *fitted)
        )
        # The title and the fitted columns share what the others leave, each of those at
        # most SHARE of the title's width.
        room = self.table.viewport().width() - others
        share = int(room * SHARE / (1 + SHARE * len(fitted))) if fitted else 0
        for column in fitted:
            width = max(least, min(self.first[column], share))
            self.given[column] = width
            header.resizeSection(column, width)


@dataclass(frozen=True)
class ViewState:
    """Where the user is in the list, to be found again after the list is read again."""

    selected: tuple[tuple[int, int], ...]  # (clipping id, row)
    selected_rows: tuple[tuple[int, int], ...]  # (first, last) of a big selection
    current: tuple[int, int] | None  # (clipping id, row)
    top: tuple[int, int] | None  # the clipping at the top of the view, and its row
    scroll: int
    horizontal: int


def view_state(table: QTableView, model: ClippingTableModel) -> ViewState:
    """The selection, the current row and the scroll position, by clipping."""
    selection = table.selectionModel()
    ranges = selected_ranges(table)
    selected: dict[tuple[int, int], None] = {}
    big: tuple[tuple[int, int], ...] = ()
    if sum(bottom - top + 1 for top, bottom in ranges) > KEPT_SELECTION:
        big = tuple(ranges)
    else:
        for top, bottom in ranges:
            for row in range(top, bottom + 1):
                clipping_id = model.id_at(row)
                if clipping_id is not None:
                    selected[(clipping_id, row)] = None

    def at(row: int) -> tuple[int, int] | None:
        clipping_id = model.id_at(row) if row >= 0 else None
        return None if clipping_id is None else (clipping_id, row)

    return ViewState(
        selected=tuple(selected),
        selected_rows=big,
        current=at(selection.currentIndex().row()),
        top=at(table.rowAt(0)),
        scroll=table.verticalScrollBar().value(),
        horizontal=table.horizontalScrollBar().value(),
    )


def restore_view(
    table: QTableView, model: ClippingTableModel, state: ViewState, *, load: bool
) -> None:
    """Select the same clippings and show the same rows again after a model reset.

    ``load`` False looks for them only among the rows already read (after a
    reading off the GUI thread); True may read the pages around their old rows.
    """

    def find(clipping_id: int, row: int) -> int | None:
        return model.row_of(clipping_id, look_ahead=0, near=row, load=load)

    last = model.columnCount() - 1
    chosen = QItemSelection()
    for clipping_id, row in state.selected:
        found = find(clipping_id, row)
        if found is not None:
            chosen.select(model.index(found, 0), model.index(found, last))
    for top, bottom in state.selected_rows:
        bottom = min(bottom, model.rowCount() - 1)
        if top <= bottom:
            chosen.select(model.index(top, 0), model.index(bottom, last))
    selection = table.selectionModel()
    if chosen.count():
        selection.select(chosen, QItemSelectionModel.SelectionFlag.Select)
    current = find(*state.current) if state.current else None
    if current is not None:
        selection.setCurrentIndex(
            model.index(current, 0), QItemSelectionModel.SelectionFlag.NoUpdate
        )
    table.doItemsLayout()  # the scroll bar's range for the new number of rows
    value = state.scroll
    anchor = find(*state.top) if state.top and state.scroll > 0 else None
    if anchor is not None and state.top is not None:
        # The same clipping stays at the top; at the very top, new ones show above.
        value += (anchor - state.top[1]) * _scroll_step(table)
    table.verticalScrollBar().setValue(value)
    table.horizontalScrollBar().setValue(state.horizontal)


def _scroll_step(table: QTableView) -> int:
    if table.verticalScrollMode() == QAbstractItemView.ScrollMode.ScrollPerItem:
        return 1
    return max(table.verticalHeader().defaultSectionSize(), 1)


def rows_in_view(table: QTableView, model: ClippingTableModel) -> list[int]:
    """The rows shown and the ends of the selection (their pages are read again)."""
    first = max(table.rowAt(0), 0)
    last = table.rowAt(table.viewport().height() - 1)
    if last < 0:  # the rows end above the bottom of the view
        last = model.rowCount() - 1
    rows = [first, max(last, first)]
    for top, bottom in selected_ranges(table):
        rows += [top, bottom]
    rows.append(table.selectionModel().currentIndex().row())
    return [r for r in rows if r >= 0]


def selected_ranges(table: QTableView) -> list[tuple[int, int]]:
    """The selection as (first row, last row) blocks, without visiting each row."""
    selection = table.selectionModel().selection()
    blocks = (selection.at(i) for i in range(selection.count()))
    return [(block.top(), block.bottom()) for block in blocks]
