"""The sidebar: all clippings, the trash, saved searches, and the tree of tags.

Clippings dragged from the list onto a tag get that tag. The sidebar only asks; the
main window does the work (so that it can be undone).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal, Slot
from PySide6.QtGui import QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent, QIcon, QPixmap
from PySide6.QtWidgets import QMenu, QTreeWidget, QTreeWidgetItem, QWidget

from clippings.model import SavedSearch, SearchFilters, Tag, plural
from clippings.ui.clipping_model import CLIPPING_IDS_MIME, ids_from_mime
from clippings.ui.delegates import tag_colour

KindRole = Qt.ItemDataRole.UserRole + 10
ValueRole = Qt.ItemDataRole.UserRole + 11

ALL, STORIES, TRASH, SAVED_HEADER, SAVED, TAGS_HEADER, TAG = (
    "all",
    "stories",
    "trash",
    "saved-header",
    "saved",
    "tags-header",
    "tag",
)


def colour_icon(colour: QColor) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(colour)
    return QIcon(pixmap)


#: The tag actions that change the tags themselves (an admin's, in a team archive).
STRUCTURE_ACTIONS = frozenset({"rename", "colour", "merge", "delete"})


class Sidebar(QTreeWidget):
    """Signals:
    all_chosen(), stories_chosen(), trash_chosen(), tag_chosen(str),
    saved_search_chosen(object: SavedSearch)
    clippings_dropped(list[int], str): clippings dragged onto a tag.
    tag_action_requested(str action, str tag): "new", "rename", "colour", "merge", "delete",
        "export".
    saved_search_delete_requested(str name)
    """

    all_chosen = Signal()
    stories_chosen = Signal()
    trash_chosen = Signal()
    tag_chosen = Signal(str)
    saved_search_chosen = Signal(object)
    clippings_dropped = Signal(list, str)
    tag_action_requested = Signal(str, str)
    saved_search_delete_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.setAccessibleName("Views, tags and saved searches")
        #: Whether the tag menu offers renaming, colours, merging and deleting (not to a
        #: team archive's editor).
        self.structure_allowed = True
        self.setHeaderHidden(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QTreeWidget.DragDropMode.DropOnly)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._on_context_menu_requested)
        self.itemClicked.connect(self._on_item_activated)
        self.itemActivated.connect(self._on_item_activated)
        self.colours: dict[str, str | None] = {}
        self.all_item = self._top(ALL, "All clippings")
        self.stories_item = self._top(STORIES, "Stories")
        self.stories_item.setToolTip(0, "Clippings grouped by the event they report")
        self.trash_item = self._top(TRASH, "Trash")
        self.saved_header = self._top(SAVED_HEADER, "Saved searches")
        self.tags_header = self._top(TAGS_HEADER, "Tags")
        for header in (self.saved_header, self.tags_header):
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = header.font(0)
            font.setBold(True)
            header.setFont(0, font)
        self.tag_items: dict[str, QTreeWidgetItem] = {}
        #: What the centre shows (a kind and a tag's or saved search's name): the one
        #: item highlighted, whatever was last clicked.
        self.mode: tuple[str | None, str | None] = (ALL, None)
        self.setCurrentItem(self.all_item)

    def _top(self, kind: str, label: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self, [label])
        item.setData(0, KindRole, kind)
        return item

    # --- Contents ---------------------------------------------------------------------

    def set_counts(self, live: int, trashed: int) -> None:
        self.all_item.setText(0, f"All clippings ({live:,})")
        self.trash_item.setText(0, f"Trash ({trashed:,})" if trashed else "Trash")

    def set_saved_searches(self, searches: list[SavedSearch]) -> None:
        """Rebuild the saved searches, keeping the one shown highlighted."""
        self.saved_header.takeChildren()
        for search in searches:
            item = QTreeWidgetItem(self.saved_header, [search.name])
            item.setData(0, KindRole, SAVED)
            item.setData(0, ValueRole, search)
            item.setToolTip(0, search.query or "(filters only)")
        self.saved_header.setHidden(not searches)
        self.saved_header.setExpanded(True)
        self.show_mode()

    def set_tags(self, tags: list[Tag]) -> None:
        """Rebuild the tag tree, keeping which branches were open and the selection."""
        expanded = {name for name, item in self.tag_items.items() if item.isExpanded()}
        self.colours = {t.name: t.colour for t in tags}
        self.tags_header.takeChildren()
        self.tag_items = {}
        for tag in tags:
            parent = self.tag_items.get(tag.parent or "", self.tags_header)
            item = QTreeWidgetItem(parent, [f"{tag.leaf} ({tag.count})"])
            item.setData(0, KindRole, TAG)
            item.setData(0, ValueRole, tag.name)
            item.setIcon(0, colour_icon(tag_colour(tag.name, self.colours)))
            item.setToolTip(0, f"{tag.name}: {plural(tag.count, 'clipping')}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsDropEnabled)
            self.tag_items[tag.name] = item
            item.setExpanded(tag.name in expanded)
        self.tags_header.setExpanded(True)
        self.show_mode()

    def current_tag(self) -> str | None:
        item = self.currentItem()
        if item is not None and item.data(0, KindRole) == TAG:
            return str(item.data(0, ValueRole))
        return None

    def select_all(self) -> None:
        self.follow(ALL)

    # --- Following the centre ---------------------------------------------------------

    def follow(self, kind: str | None, value: str | None = None) -> None:
        """Highlight what the centre shows: ``ALL``, ``STORIES``, ``TRASH``, a ``TAG``
        or a ``SAVED`` search by name; None (a search of the user's own): nothing."""
        self.mode = (kind, value)
        self.show_mode()

    def saved_search_named(self, query: str, filters: SearchFilters) -> str | None:
        """The name of the saved search that is this query with these filters."""
        for item in self._saved_items():
            search = item.data(0, ValueRole)
            if search.query == query and search.filters == filters:
                return str(search.name)
        return None

    def _saved_items(self) -> list[QTreeWidgetItem]:
        found = (self.saved_header.child(n) for n in range(self.saved_header.childCount()))
        return [item for item in found if item is not None]

    def mode_item(self) -> QTreeWidgetItem | None:
        """The item standing for what the centre shows (None: no item does)."""
        kind, value = self.mode
        if kind in (ALL, STORIES, TRASH):
            return {ALL: self.all_item, STORIES: self.stories_item, TRASH: self.trash_item}[kind]
        if kind == TAG and value is not None:
            return self.tag_items.get(value)
        if kind == SAVED:
            for item in self._saved_items():
                if item.data(0, ValueRole).name == value:
                    return item
        return None

    def show_mode(self) -> None:
        item = self.mode_item()
        if item is None:
            self.setCurrentIndex(QModelIndex())
            self.clearSelection()
        else:
            self.setCurrentItem(item)

    # --- Choosing ---------------------------------------------------------------------

    @Slot(QTreeWidgetItem, int)
    def _on_item_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        kind = item.data(0, KindRole)
        if kind == ALL:
            self.all_chosen.emit()
        elif kind == STORIES:
            self.stories_chosen.emit()
        elif kind == TRASH:
            self.trash_chosen.emit()
        elif kind == TAG:
            self.tag_chosen.emit(str(item.data(0, ValueRole)))
        elif kind == SAVED:
            self.saved_search_chosen.emit(item.data(0, ValueRole))

    # --- Dropping clippings on a tag --------------------------------------------------

    def _tag_at(self, point: QPoint) -> str | None:
        item = self.itemAt(point)
        if item is not None and item.data(0, KindRole) == TAG:
            return str(item.data(0, ValueRole))
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasFormat(CLIPPING_IDS_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        if event.mimeData().hasFormat(CLIPPING_IDS_MIME) and self._tag_at(
            event.position().toPoint()
        ):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        tag = self._tag_at(event.position().toPoint())
        ids = ids_from_mime(event.mimeData())
        if tag and ids:
            event.acceptProposedAction()
            self.clippings_dropped.emit(ids, tag)
        else:
            event.ignore()

    # --- Context menu -----------------------------------------------------------------

    @Slot(QPoint)
    def _on_context_menu_requested(self, point: QPoint) -> None:
        menu = self.menu_for(self.itemAt(point))
        if not menu.isEmpty():
            menu.exec(self.viewport().mapToGlobal(point))
        # A right-click selects the item under it; the highlight goes back to what the
        # centre shows (an action that changed the view has already said so).
        self.show_mode()

    def menu_for(self, item: QTreeWidgetItem | None) -> QMenu:
        """The context menu of an item (a tag, the tags' heading, a saved search)."""
        kind = item.data(0, KindRole) if item else None
        menu = QMenu(self)
        if kind == TAG and item is not None:
            name = str(item.data(0, ValueRole))
            for action, label in (
                ("new", "New Tag Inside…"),
                ("rename", "Rename…"),
                ("colour", "Colour…"),
                ("merge", "Merge Into…"),
                ("delete", "Delete Tag…"),
                ("export", "Export…"),
            ):
                if action in STRUCTURE_ACTIONS and not self.structure_allowed:
                    continue  # a team archive's editor: only its admins change tags' shape
                menu.addAction(label, partial(self.tag_action_requested.emit, action, name))
        elif kind in (TAGS_HEADER, None):
            menu.addAction("New Tag…", lambda: self.tag_action_requested.emit("new", ""))
        elif kind == SAVED and item is not None:
            search: Any = item.data(0, ValueRole)
            menu.addAction(
                "Delete Saved Search",
                lambda: self.saved_search_delete_requested.emit(search.name),
            )
        return menu
