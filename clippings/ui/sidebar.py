"""The sidebar: all clippings, the trash, saved searches, and the tree of tags.

Clippings dragged from the list onto a tag get that tag. The sidebar only asks; the
main window does the work (so that it can be undone).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import QPoint, Qt, Signal, Slot
from PySide6.QtGui import QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent, QIcon, QPixmap
from PySide6.QtWidgets import QMenu, QTreeWidget, QTreeWidgetItem, QWidget

from clippings.model import SavedSearch, Tag
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
        """Rebuild the saved searches, keeping the one chosen chosen."""
        chosen = self.currentItem()
        current = (
            chosen.data(0, ValueRole).name
            if chosen is not None and chosen.data(0, KindRole) == SAVED
            else None
        )
        self.saved_header.takeChildren()
        for search in searches:
            item = QTreeWidgetItem(self.saved_header, [search.name])
            item.setData(0, KindRole, SAVED)
            item.setData(0, ValueRole, search)
            item.setToolTip(0, search.query or "(filters only)")
            if search.name == current:
                self.setCurrentItem(item)
        self.saved_header.setHidden(not searches)
        self.saved_header.setExpanded(True)

    def set_tags(self, tags: list[Tag]) -> None:
        """Rebuild the tag tree, keeping which branches were open and the selection."""
        expanded = {name for name, item in self.tag_items.items() if item.isExpanded()}
        current = self.current_tag()
        self.colours = {t.name: t.colour for t in tags}
        self.tags_header.takeChildren()
        self.tag_items = {}
        for tag in tags:
            parent = self.tag_items.get(tag.parent or "", self.tags_header)
            item = QTreeWidgetItem(parent, [f"{tag.leaf} ({tag.count})"])
            item.setData(0, KindRole, TAG)
            item.setData(0, ValueRole, tag.name)
            item.setIcon(0, colour_icon(tag_colour(tag.name, self.colours)))
            item.setToolTip(0, f"{tag.name}: {tag.count} clipping(s)")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsDropEnabled)
            self.tag_items[tag.name] = item
            item.setExpanded(tag.name in expanded)
        self.tags_header.setExpanded(True)
        if current and current in self.tag_items:
            self.setCurrentItem(self.tag_items[current])

    def current_tag(self) -> str | None:
        item = self.currentItem()
        if item is not None and item.data(0, KindRole) == TAG:
            return str(item.data(0, ValueRole))
        return None

    def select_all(self) -> None:
        self.setCurrentItem(self.all_item)

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
        item = self.itemAt(point)
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
                menu.addAction(label, partial(self.tag_action_requested.emit, action, name))
        elif kind in (TAGS_HEADER, None):
            menu.addAction("New Tag…", lambda: self.tag_action_requested.emit("new", ""))
        elif kind == SAVED and item is not None:
            search: Any = item.data(0, ValueRole)
            menu.addAction(
                "Delete Saved Search",
                lambda: self.saved_search_delete_requested.emit(search.name),
            )
        if not menu.isEmpty():
            menu.exec(self.viewport().mapToGlobal(point))
