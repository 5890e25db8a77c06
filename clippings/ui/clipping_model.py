"""The list of clippings as a Qt table model, fast at 100,000 rows.

The model never loads every row, and never an article text. In list mode it asks
the archive for the row count and then for pages of rows as the view scrolls to
them; in search mode it holds only the ranked ids the index returned and fetches
the rows (and the snippets) of the pages the view shows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from clippings.model import ClippingSummary, SearchFilters, published_to_iso
from clippings.services import Archive
from clippings.storage import SortKey

#: Mime type of clippings dragged from the list (a JSON list of ids).
CLIPPING_IDS_MIME = "application/x-clippings-ids"

PAGE = 200
SNIPPET_BLOCK = 30

ClippingRole = Qt.ItemDataRole.UserRole + 1
SnippetRole = Qt.ItemDataRole.UserRole + 2
IdRole = Qt.ItemDataRole.UserRole + 3

ModelIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    key: SortKey | None
    title: str


COLUMNS = (
    Column("published", "Date"),
    Column("outlet", "Outlet"),
    Column("title", "Title"),
    Column(None, "Tags"),
    Column("words", "Words"),
)
DATE, OUTLET, TITLE, TAGS, WORDS = range(len(COLUMNS))


def date_text(row: ClippingSummary) -> str:
    value = published_to_iso(row.published)
    return value[:10] if value else ""


class ClippingTableModel(QAbstractTableModel):
    """Rows of clippings: the whole archive, a tag, the trash, or search results."""

    def __init__(self, archive: Archive, parent: Any = None) -> None:
        super().__init__(parent)
        self.archive = archive
        self.tag: str | None = None
        self.trashed = False
        self.query = ""
        self.filters = SearchFilters()
        self.searching = False
        self.sort_key: SortKey | None = "published"
        self.descending = True
        self.total_matches = 0
        self._count = 0
        self._ids: list[int] = []
        self._pages: dict[int, list[ClippingSummary]] = {}
        self._rows_by_id: dict[int, ClippingSummary] = {}
        self._snippets: dict[int, str] = {}
        self._reload()

    # --- What to show ---------------------------------------------------------------

    def set_archive(self, archive: Archive) -> None:
        self.archive = archive
        self.show_list()

    def show_list(self, *, tag: str | None = None, trashed: bool = False) -> None:
        """All clippings (newest first), those of a tag, or the trash."""
        self.tag, self.trashed = tag, trashed
        self.query, self.filters, self.searching = "", SearchFilters(), False
        if self.sort_key is None:
            self.sort_key, self.descending = "published", True
        self._reload()

    def show_search(self, query: str, filters: SearchFilters) -> None:
        """Clippings matching a query and filters, best first.

        Raises:
            QueryError: the query cannot be understood (the model is unchanged).
        """
        ids, total = self.archive.search_ids(
            query, filters, sort="relevance" if query.strip() else "date"
        )
        self.beginResetModel()
        self.tag, self.trashed = None, False
        self.query, self.filters, self.searching = query, filters, True
        self.sort_key = None  # relevance
        self.total_matches = total
        self._ids = ids
        self._clear_caches()
        self._count = len(ids)
        self.endResetModel()

    def refresh(self) -> None:
        """Read again what is shown (after an import, an edit, a deletion)."""
        if self.searching:
            try:
                self.show_search(self.query, self.filters)
            except Exception:  # noqa: BLE001 - the query was valid a moment ago
                self.show_list()
        else:
            self._reload()

    def _reload(self) -> None:
        self.beginResetModel()
        self._clear_caches()
        if self.searching:
            self._count = len(self._ids)
        else:
            self._ids = []
            self._count = self.archive.count(tag=self.tag, trashed=self.trashed)
        self.endResetModel()

    def _clear_caches(self) -> None:
        self._pages.clear()
        self._rows_by_id.clear()
        self._snippets.clear()

    # --- Rows -----------------------------------------------------------------------

    def row_at(self, row: int) -> ClippingSummary | None:
        if not 0 <= row < self._count:
            return None
        page, offset = divmod(row, PAGE)
        rows = self._pages.get(page)
        if rows is None:
            rows = self._fetch_page(page)
            self._pages[page] = rows
        return rows[offset] if offset < len(rows) else None

    def id_at(self, row: int) -> int | None:
        found = self.row_at(row)
        return found.id if found else None

    def row_of(self, clipping_id: int, *, look_ahead: int = 25) -> int | None:
        """The row showing a clipping: among the search results, or in the first
        ``look_ahead`` pages of the list (loading them if needed)."""
        if self.searching:
            try:
                return self._ids.index(clipping_id)
            except ValueError:
                return None
        for page in sorted(set(self._pages) | set(range(look_ahead))):
            if page * PAGE >= self._count:
                break
            self.row_at(page * PAGE)
            for offset, row in enumerate(self._pages.get(page, [])):
                if row.id == clipping_id:
                    return page * PAGE + offset
        return None

    def _fetch_page(self, page: int) -> list[ClippingSummary]:
        if self.searching:
            ids = self._ids[page * PAGE : (page + 1) * PAGE]
            found = self.archive.summaries(ids)
            rows = [found[i] for i in ids if i in found]
        else:
            rows = self.archive.list(
                tag=self.tag,
                trashed=self.trashed,
                sort=self.sort_key or "published",
                descending=self.descending,
                offset=page * PAGE,
                limit=PAGE,
            )
        for row in rows:
            self._rows_by_id[row.id] = row
        return rows

    def snippet_at(self, row: int) -> str:
        """The highlighted passage of a search result (made for nearby rows at once)."""
        if not self.searching or not self.query.strip():
            return ""
        clipping_id = self.id_at(row)
        if clipping_id is None:
            return ""
        if clipping_id not in self._snippets:
            start = max(0, row - SNIPPET_BLOCK // 3)
            block = [i for i in self._ids[start : start + SNIPPET_BLOCK] if i not in self._snippets]
            self._snippets.update(self.archive.snippets(self.query, block))
            for i in block:
                self._snippets.setdefault(i, "")
        return self._snippets[clipping_id]

    # --- QAbstractTableModel ----------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == DATE:
                return date_text(row)
            if column == OUTLET:
                return row.outlet or ""
            if column == TITLE:
                return row.title
            if column == TAGS:
                return ", ".join(row.tags)
            if column == WORDS:
                return f"{row.word_count:,}" if row.has_text else "no text"
        elif role == Qt.ItemDataRole.ToolTipRole and column == TITLE:
            return row.title
        elif role == Qt.ItemDataRole.TextAlignmentRole and column == WORDS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        elif role == ClippingRole:
            return row
        elif role == IdRole:
            return row.id
        elif role == SnippetRole and column == TITLE:
            return self.snippet_at(index.row())
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column].key
        if key is None:
            return
        self.sort_key = key
        self.descending = order == Qt.SortOrder.DescendingOrder
        if self.searching:
            self.beginResetModel()
            self._ids = self.archive.sort_ids(self._ids, key, descending=self.descending)
            self._clear_caches()
            self.endResetModel()
        else:
            self._reload()

    # --- Dragging clippings (onto a tag) ------------------------------------------------

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [CLIPPING_IDS_MIME]

    def mimeData(self, indexes: Any) -> QMimeData:  # noqa: N802
        found = {self.id_at(i.row()) for i in indexes if i.isValid()}
        ids = sorted(i for i in found if i is not None)
        data = QMimeData()
        data.setData(CLIPPING_IDS_MIME, QByteArray(json.dumps(ids).encode()))
        return data


def ids_from_mime(mime: QMimeData) -> list[int]:
    """The clipping ids a drag from the list carries (empty for anything else)."""
    if not mime.hasFormat(CLIPPING_IDS_MIME):
        return []
    try:
        return [int(i) for i in json.loads(bytes(mime.data(CLIPPING_IDS_MIME).data()))]
    except (ValueError, TypeError):
        return []
