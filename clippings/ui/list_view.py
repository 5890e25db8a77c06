"""The list of clippings: its table, and keeping the user's place in the list while it
is read again.

After a change (an import's progress, another program's edit, an undo) the model is
reset; these functions note the selection, the current row and the scroll position by
clipping before, and find them again after.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableView,
    QWidget,
)

from clippings.ui.clipping_model import COLUMNS, TAGS, TITLE, ClippingTableModel
from clippings.ui.delegates import TagChipsDelegate, TitleDelegate

#: A bigger selection is kept by its rows, not by its clippings, when the list is read again.
KEPT_SELECTION = 1000


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
    header.resizeSection(0, 90)
    header.resizeSection(1, 120)
    header.resizeSection(TAGS, 110)
    header.resizeSection(len(COLUMNS) - 1, 60)
    title_delegate = TitleDelegate(table)
    tags_delegate = TagChipsDelegate(table)
    table.setItemDelegateForColumn(TITLE, title_delegate)
    table.setItemDelegateForColumn(TAGS, tags_delegate)
    table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    return table, title_delegate, tags_delegate


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
