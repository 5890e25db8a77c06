"""The list of clippings as a Qt table model, fast at 100,000 rows.

The model never loads every row, and never an article text. In list mode it asks
the archive for the row count and then for pages of rows as the view scrolls to
them; in search mode it holds only the ranked ids the index returned and fetches
the rows (and the snippets) of the pages the view shows.

List pages are read by keyset: each page starts right after where the page before
it ended (``ListPage.next``), so scrolling costs the same at the end of 100,000 rows
as at the top. A page far from any page read yet (the scrollbar dragged, the view
scrolled to the bottom) starts from the nearest page read before it, or from the
top or the end of the list when nearer, and passes over the rows in between in the
sort's index without reading them (see ``list_page``).

To show what another program changed without stalling the window, the model can be
read again off the GUI thread: ``request`` says what it shows and which pages the
view needs, ``read_rows`` reads them (on any thread), and ``apply`` swaps them in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from clippings.model import (
    ClippingSummary,
    ListPage,
    ListPosition,
    SearchFilters,
)
from clippings.services import Archive
from clippings.storage import SortKey
from clippings.ui.wording import long_date, short_date

#: Mime type of clippings dragged from the list (a JSON list of ids).
CLIPPING_IDS_MIME = "application/x-clippings-ids"

PAGE = 200
SNIPPET_BLOCK = 30
#: Rows this close to a page's edge have the next page read too when read again.
SHIFT_MARGIN = 40
#: At most this many pages are read again at once (the rows shown and selected).
MAX_REREAD_PAGES = 8

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


@dataclass(frozen=True)
class RowsRequest:
    """What the model shows, and the pages of it to read again (made on the GUI thread)."""

    tag: str | None
    trashed: bool
    searching: bool
    query: str
    filters: SearchFilters
    sort_key: SortKey | None
    descending: bool
    pages: tuple[int, ...] = ()
    #: The query cannot be read: it finds nothing.
    invalid: bool = False

    def shows_the_same(self, other: RowsRequest) -> bool:
        return replace(self, pages=()) == replace(other, pages=())


@dataclass(frozen=True)
class RowsReading:
    """The model's rows read again: how many, the ranked ids of a search, some pages."""

    request: RowsRequest
    count: int
    ids: tuple[int, ...] = ()
    total: int = 0
    exact: bool = True
    notes: tuple[str, ...] = ()
    pages: Mapping[int, list[ClippingSummary]] = field(default_factory=dict)
    #: Where each list page read ended (None after the last), to read on from there.
    ends: Mapping[int, ListPosition | None] = field(default_factory=dict)


def list_page(
    archive: Archive,
    *,
    tag: str | None,
    trashed: bool,
    sort: SortKey,
    descending: bool,
    page: int,
    ends: Mapping[int, ListPosition | None],
    count: int,
) -> ListPage:
    """Page ``page`` of the list (of ``count`` rows): right after the nearest page
    before it whose end is known (``ends``), passing over the pages in between, unless
    the top or the end of the list is nearer: the archive then reads from there."""
    known = [p for p, end in ends.items() if p < page and end is not None]
    first = page * PAGE
    after: ListPosition | None = None
    skip = first
    if known:
        nearest = max(known)
        between = (page - nearest - 1) * PAGE
        if between <= min(first, count - first):
            after, skip = ends[nearest], between
    return archive.page(
        tag=tag,
        trashed=trashed,
        sort=sort,
        descending=descending,
        after=after,
        skip=skip,
        limit=PAGE,
    )


def read_rows(archive: Archive, request: RowsRequest) -> RowsReading:
    """Read what ``request`` describes (any thread: it touches no Qt object).

    Raises:
        QueryError: the search no longer parses.
    """
    pages: dict[int, list[ClippingSummary]] = {}
    if request.invalid:
        return RowsReading(request, 0)
    if request.searching:
        ranking = archive.search_ids(
            request.query,
            request.filters,
            sort="relevance" if request.query.strip() else "date",
        )
        ranked = ranking.ids
        if request.sort_key is not None:
            ranked = archive.sort_ids(ranked, request.sort_key, descending=request.descending)
        for page in request.pages:
            ids = ranked[page * PAGE : (page + 1) * PAGE]
            found = archive.summaries(ids)
            pages[page] = [found[i] for i in ids if i in found]
        return RowsReading(
            request,
            len(ranked),
            tuple(ranked),
            ranking.total,
            ranking.exact,
            ranking.notes,
            pages,
        )
    count = archive.count(tag=request.tag, trashed=request.trashed)
    ends: dict[int, ListPosition | None] = {}
    for page in sorted(request.pages):  # in order: each page reads on from the one before
        if page * PAGE < count:
            read = list_page(
                archive,
                tag=request.tag,
                trashed=request.trashed,
                sort=request.sort_key or "published",
                descending=request.descending,
                page=page,
                ends=ends,
                count=count,
            )
            pages[page] = list(read.rows)
            ends[page] = read.next
    return RowsReading(request, count, pages=pages, ends=ends)


def date_text(row: ClippingSummary) -> str:
    """The day in the list: the user's locale's short date."""
    return short_date(row.published)


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
        #: False when ``total_matches`` is a lower bound ("more than N").
        self.total_exact = True
        #: Where the search was narrowed (a prefix that stands for too many words).
        self.search_notes: tuple[str, ...] = ()
        #: Why the query shown cannot be read ("" when it can): it then finds nothing.
        self.query_error = ""
        self._count = 0
        self._ids: list[int] = []
        self._pages: dict[int, list[ClippingSummary]] = {}
        self._rows_by_id: dict[int, ClippingSummary] = {}
        #: Where each list page read ended: the next page reads on from there.
        self._ends: dict[int, ListPosition | None] = {}
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
        self.query_error = ""
        if self.sort_key is None:
            self.sort_key, self.descending = "published", True
        self._reload()

    def show_search(self, query: str, filters: SearchFilters) -> None:
        """Clippings matching a query and filters, best first.

        Raises:
            QueryError: the query cannot be understood (the model is unchanged).
        """
        ranking = self.archive.search_ids(
            query, filters, sort="relevance" if query.strip() else "date"
        )
        self.beginResetModel()
        self.tag, self.trashed = None, False
        self.query, self.filters, self.searching = query, filters, True
        self.query_error = ""
        self.sort_key = None  # relevance
        self.total_matches = ranking.total
        self.total_exact = ranking.exact
        self.search_notes = ranking.notes
        self._ids = ranking.ids
        ids = self._ids
        self._clear_caches()
        self._count = len(ids)
        self.endResetModel()

    def show_invalid(self, query: str, filters: SearchFilters, error: str) -> None:
        """A query that cannot be read (``error`` says why): it finds nothing, rather
        than the results of the last query that could be read."""
        self.beginResetModel()
        self.tag, self.trashed = None, False
        self.query, self.filters, self.searching = query, filters, True
        self.query_error = error
        self.sort_key = None
        self.total_matches, self.total_exact, self.search_notes = 0, True, ()
        self._ids = []
        self._clear_caches()
        self._count = 0
        self.endResetModel()

    def refresh(self) -> None:
        """Read again what is shown (after an import, an edit, a deletion): a model reset,
        after which the window selects the same clippings and shows the same rows again."""
        if self.query_error:
            self._reload()
        elif self.searching:
            try:
                self.show_search(self.query, self.filters)
            except Exception:  # noqa: BLE001 - the query was valid a moment ago
                self.show_list()
        else:
            self._reload()

    def request(self, rows: Iterable[int] = ()) -> RowsRequest:
        """What the model shows, with the pages holding ``rows`` and their neighbours
        (rows move a little when clippings are added or removed before them)."""
        pages: set[int] = set()
        for row in rows:
            page, offset = divmod(max(row, 0), PAGE)
            pages.add(page)
            if offset < SHIFT_MARGIN and page > 0:
                pages.add(page - 1)
            if offset >= PAGE - SHIFT_MARGIN:
                pages.add(page + 1)
        return RowsRequest(
            self.tag,
            self.trashed,
            self.searching,
            self.query,
            self.filters,
            self.sort_key,
            self.descending,
            tuple(sorted(pages)[:MAX_REREAD_PAGES]),
            bool(self.query_error),
        )

    def apply(self, reading: RowsReading) -> bool:
        """Show rows read by ``read_rows`` (a model reset); False, and nothing changed,
        when the model has moved on to show something else meanwhile."""
        if not reading.request.shows_the_same(self.request()):
            return False
        self.beginResetModel()
        self._clear_caches()
        if self.searching:
            self._ids = list(reading.ids)
            self.total_matches = reading.total
            self.total_exact = reading.exact
            self.search_notes = reading.notes
        self._count = reading.count
        for page, rows in reading.pages.items():
            self._pages[page] = rows
            for row in rows:
                self._rows_by_id[row.id] = row
        self._ends.update(reading.ends)
        self.endResetModel()
        return True

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
        self._ends.clear()
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

    def row_of(
        self,
        clipping_id: int,
        *,
        look_ahead: int = 25,
        near: int | None = None,
        load: bool = True,
    ) -> int | None:
        """The row showing a clipping: among the search results, or in the list's pages
        around row ``near``, those already read and the first ``look_ahead`` pages
        (reading those from the archive unless ``load`` is False)."""
        if self.searching:
            try:
                return self._ids.index(clipping_id)
            except ValueError:
                return None
        first: list[int] = []
        if near is not None:
            page = near // PAGE
            first = [page, page - 1, page + 1]
        order = first + sorted(set(self._pages) | set(range(look_ahead)))
        for page in dict.fromkeys(order):
            if page < 0 or page * PAGE >= self._count:
                continue
            if page not in self._pages and not load:
                continue
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
            read = list_page(
                self.archive,
                tag=self.tag,
                trashed=self.trashed,
                sort=self.sort_key or "published",
                descending=self.descending,
                page=page,
                ends=self._ends,
                count=self._count,
            )
            rows = list(read.rows)
            self._ends[page] = read.next
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
        elif role == Qt.ItemDataRole.ToolTipRole:
            if column == TITLE:
                return row.title
            if column == OUTLET:
                return row.outlet or None
            if column == DATE:
                return long_date(row.published) or None
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
