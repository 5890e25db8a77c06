"""The main window: sidebar, search, the list of clippings and the reading pane.

A thin layer over ``services.Archive``: every action calls the same use cases as
the command line. Long work (imports) runs through the ``JobRunner``.
"""

from __future__ import annotations

import logging
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QSettings,
    Qt,
    QUrl,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QColorDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from clippings.analysis.quotes import extract_quotes
from clippings.model import (
    Clipping,
    ClippingsError,
    ImportReport,
    QueryError,
    RelatedClipping,
    SavedSearch,
    SearchFilters,
    Story,
    Tag,
    count_found,
)
from clippings.services import Archive
from clippings.services.comparing import compare
from clippings.services.related import (
    STORY_THRESHOLD,
    related,
    stories,
)
from clippings.ui.archive_actions import READ_ONLY_NOTE, ArchiveActions
from clippings.ui.clipping_model import ClippingTableModel
from clippings.ui.commands import ArchiveCommand, RestoreCommand, TagCommand, TrashCommand
from clippings.ui.compare_window import CompareWindow
from clippings.ui.dialogs import (
    EditMetadataDialog,
    ImportSummaryDialog,
    TagDialog,
)
from clippings.ui.export_dialog import ExportDialog, ExportRequest, ExportScope
from clippings.ui.exporting import Exporting
from clippings.ui.importing import IMPORTING, Importing
from clippings.ui.job_status import LIVE_REFRESH_SECONDS, JobStatus
from clippings.ui.jobs import Job, JobRunner, LookupRunner
from clippings.ui.list_view import (
    KEPT_SELECTION,
    ViewState,
    make_clipping_list,
    make_empty_state,
    restore_view,
    view_state,
)
from clippings.ui.menus import build_menus, update_actions
from clippings.ui.notice_bar import NoticeBar
from clippings.ui.other_programs import OTHER_PROGRAMS_POLL_MS, ArchiveReading, Watcher, read_side
from clippings.ui.reading_pane import ReadingPane
from clippings.ui.related_panel import RelatedPanel
from clippings.ui.search_bar import QUERY_HELP_HTML, SearchBar
from clippings.ui.sidebar import Sidebar
from clippings.ui.stories_view import StoriesView

# The names other modules and the tests have always imported from here.
__all__ = [
    "IMPORTING",
    "KEPT_SELECTION",
    "LIVE_REFRESH_SECONDS",
    "OTHER_PROGRAMS_POLL_MS",
    "READ_ONLY_NOTE",
    "READ_ONLY_REFUSAL",
    "ArchiveCommand",
    "MainWindow",
    "RestoreCommand",
    "TagCommand",
    "TrashCommand",
    "ViewState",
]

log = logging.getLogger(__name__)

READ_ONLY_REFUSAL = "This archive is read-only: nothing in it can be changed."


# --- The window --------------------------------------------------------------------------


class MainWindow(QMainWindow):
    # The actions ``menus.build_menus`` makes, enabled and disabled by ``update_actions``.
    import_files_action: QAction
    import_folder_action: QAction
    export_action: QAction
    undo_action: QAction
    redo_action: QAction
    paste_action: QAction
    tag_action: QAction
    untag_action: QAction
    edit_action: QAction
    original_action: QAction
    compare_action: QAction
    trash_action: QAction
    restore_action: QAction
    purge_action: QAction

    def __init__(
        self,
        archive: Archive,
        *,
        settings: QSettings | None = None,
        jobs: JobRunner | None = None,
        open_archive: Callable[[Path], Archive] = Archive.open,
        analyse: bool = True,
    ) -> None:
        super().__init__()
        self.archive = archive
        self.settings = settings or QSettings()
        self.jobs = jobs or JobRunner(self)
        self.lookups = LookupRunner(self)
        #: Whether clippings without features are analysed in the background.
        self.analysing = analyse
        self.open_archive = open_archive
        self.undo_stack = QUndoStack(self)
        self.last_report: ImportReport | None = None
        self.summary_dialog: ImportSummaryDialog | None = None
        self.opened_originals: list[Path] = []
        self.last_export: Path | None = None
        self.last_export_dialog: ExportDialog | None = None

        self.model = ClippingTableModel(archive, self)
        self.sidebar = Sidebar(self)
        self.search_bar = SearchBar(self)
        self.table, self.title_delegate, self.tags_delegate = make_clipping_list(self, self.model)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.activated.connect(self._on_table_double_clicked)
        self.reading = ReadingPane(self)
        self.related = RelatedPanel(self)
        self.stories_view = StoriesView(self)
        self.stories_view.set_threshold(
            float(self.settings.value("storyThreshold") or STORY_THRESHOLD)
        )
        self.compare_windows: list[CompareWindow] = []
        self.empty_state = make_empty_state(self)
        self.list_stack = QStackedWidget(self)
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.empty_state)
        self.list_stack.addWidget(self.stories_view)
        self.no_results = QLabel("", self)
        self.no_results.setObjectName("noResults")
        self.no_results.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_results.setWordWrap(True)
        self.list_stack.addWidget(self.no_results)

        middle = QWidget(self)
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        self.notice_bar = NoticeBar(middle)
        middle_layout.addWidget(self.notice_bar)
        middle_layout.addWidget(self.search_bar)
        middle_layout.addWidget(self.list_stack, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(middle)
        self.right_side = QSplitter(Qt.Orientation.Vertical, self)
        self.right_side.setObjectName("readingSplitter")
        self.right_side.addWidget(self.reading)
        self.right_side.addWidget(self.related)
        self.right_side.setStretchFactor(0, 3)
        self.right_side.setStretchFactor(1, 1)
        self.splitter.addWidget(self.right_side)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([200, 640, 440])
        self.setCentralWidget(self.splitter)
        self._make_status_bar()
        self.importing = Importing(self)
        self.exporting = Exporting(self)
        self.archive_actions = ArchiveActions(self)
        build_menus(self)
        self.setAcceptDrops(True)

        self.sidebar.all_chosen.connect(self._on_sidebar_all_chosen)
        self.sidebar.trash_chosen.connect(self._on_sidebar_trash_chosen)
        self.sidebar.stories_chosen.connect(self._on_sidebar_stories_chosen)
        self.related.clipping_requested.connect(self.select_clipping)
        self.related.compare_requested.connect(self.compare_clippings)
        self.stories_view.clipping_chosen.connect(self._on_stories_view_clipping_chosen)
        self.stories_view.threshold_changed.connect(self._on_stories_view_threshold_changed)
        self.sidebar.tag_chosen.connect(self._on_sidebar_tag_chosen)
        self.sidebar.saved_search_chosen.connect(self._on_sidebar_saved_search_chosen)
        self.sidebar.clippings_dropped.connect(self._on_sidebar_clippings_dropped)
        self.sidebar.tag_action_requested.connect(self._on_sidebar_tag_action_requested)
        self.sidebar.saved_search_delete_requested.connect(self._on_sidebar_saved_search_delete)
        self.search_bar.changed.connect(self._on_search_bar_changed)
        self.search_bar.save_requested.connect(self._on_search_bar_save_requested)
        self.reading.edit_requested.connect(self.edit_metadata)
        self.reading.open_original_requested.connect(self.open_original)
        self.model.modelReset.connect(self._on_model_reset)

        self.trash_view = False
        self._keeping_view = False
        # Other programs: a cheap poll on a timer; reading again runs on a worker.
        self.watcher = Watcher(self)
        self.watch_timer = self.watcher.timer
        self.catch_up_runner = self.watcher.runner
        self.read_only_label = QLabel("Read-only archive", self)
        self.read_only_label.setObjectName("readOnly")
        self.read_only_label.setToolTip(READ_ONLY_NOTE)
        self.statusBar().addPermanentWidget(self.read_only_label)
        self._restore_settings()
        self.refresh_all()
        self.show_archive_notes()
        self.watch_timer.start()
        self.analyse_in_background()

    # --- Building ---------------------------------------------------------------------

    def _make_status_bar(self) -> None:
        bar = self.statusBar()
        self.count_label = QLabel(self)
        self.job_status = JobStatus(self)
        bar.addWidget(self.count_label)
        bar.addPermanentWidget(self.job_status.job_box)

    # --- Refreshing -------------------------------------------------------------------

    def refresh_all(self) -> None:
        """Read everything the window shows again from the archive."""
        self.watcher.forget_changes()
        self.setWindowTitle(self.archive_title())
        self.model.refresh()
        self._refresh_side()
        self.update_actions()

    def after_change(self) -> None:
        """After an action changed the archive: read the data again, keeping the
        selection, the scroll position and the reading pane."""
        self.watcher.forget_changes()
        state = view_state(self.table, self.model)
        with self.keeping_view():
            self.model.refresh()
            restore_view(self.table, self.model, state, load=True)
        self._refresh_side()
        self._show_current()
        self.update_actions()

    def archive_title(self) -> str:
        read_only = " (read-only)" if self.archive.read_only else ""
        return f"Clippings — {self.archive.path}{read_only}"

    def _refresh_side(self) -> None:
        self.show_side(read_side(self.archive))

    def show_side(self, reading: ArchiveReading) -> None:
        """The sidebar, the filter lists and the counts, as read."""
        tags: list[Tag] = reading.tags
        self.sidebar.set_tags(tags)
        self.sidebar.set_saved_searches(reading.saved_searches)
        self.sidebar.set_counts(reading.live, reading.trashed)
        self.tags_delegate.colours = {t.name: t.colour for t in tags}
        self.search_bar.set_choices(reading.outlets, reading.languages, [t.name for t in tags])
        live = reading.live
        self.count_label.setText(f"{live:,} clipping{'s' if live != 1 else ''}")
        self.table.viewport().update()

    @Slot()
    def _on_model_reset(self) -> None:
        rows = self.model.rowCount()
        if self._keeping_view and self.list_stack.currentWidget() is self.stories_view:
            pass  # the list behind the Stories view was read again: stay in Stories
        elif rows:
            self.list_stack.setCurrentWidget(self.table)
        elif self.model.searching:
            self.no_results.setText(
                "<h3>Nothing matches</h3><p>No clipping matches this search and these "
                "filters. Try fewer words, another form of a word (elect*), or clear a filter."
                "</p>"
            )
            self.list_stack.setCurrentWidget(self.no_results)
        elif self.trash_view:
            self.no_results.setText("<h3>The trash is empty</h3>")
            self.list_stack.setCurrentWidget(self.no_results)
        elif self.model.tag is not None:
            self.no_results.setText(f"<h3>No clipping carries “{self.model.tag}”</h3>")
            self.list_stack.setCurrentWidget(self.no_results)
        elif self.archive.read_only:
            # Nothing can be dropped into a read-only archive: do not invite it.
            self.no_results.setText(
                "<h3>This archive is empty</h3><p>It is read-only, so nothing can be "
                "imported into it here.</p>"
            )
            self.list_stack.setCurrentWidget(self.no_results)
        else:
            self.list_stack.setCurrentWidget(self.empty_state)
        line = self.table.fontMetrics().lineSpacing()
        with_snippets = self.model.searching and bool(self.model.query.strip())
        self.table.verticalHeader().setDefaultSectionSize(
            line * 3 + 14 if with_snippets else line + 8
        )
        header = self.table.horizontalHeader()
        if self.model.sort_key is None:  # by relevance: no column's order
            header.setSortIndicatorShown(False)
        else:
            header.setSortIndicatorShown(True)
        if self.model.searching:
            shown = self.model.rowCount()
            total = self.model.total_matches
            text = count_found(total, self.model.total_exact) + (
                f" (first {shown:,} shown)" if shown < total else ""
            )
            if self.model.search_notes:
                text += " · " + " · ".join(self.model.search_notes)
            self.search_bar.show_count(text)
        else:
            self.search_bar.show_count("")
        if not self._keeping_view:
            self.reading.show_clipping(None)
            self.related.show_related(None, [])

    def update_actions(self) -> None:
        update_actions(self)

    # --- Keeping the view while the list is read again ----------------------------------

    @contextmanager
    def keeping_view(self) -> Iterator[None]:
        """While the list is read again: the reading pane and the selection's slots
        stay as they are (the caller restores the view, then updates the pane)."""
        self._keeping_view = True
        try:
            yield
        finally:
            self._keeping_view = False

    # --- Selection and reading --------------------------------------------------------

    def selected_ids(self) -> list[int]:
        selection = self.table.selectionModel()
        if selection is None:
            return []
        rows = sorted({index.row() for index in selection.selectedRows()})
        return [i for i in (self.model.id_at(r) for r in rows) if i is not None]

    def select_clipping(self, clipping_id: int) -> bool:
        """Select a clipping in the list (showing all clippings if needed)."""
        row = self.model.row_of(clipping_id)
        if row is None:
            self.show_all()
            for number in range(self.model.rowCount()):
                if self.model.id_at(number) == clipping_id:
                    row = number
                    break
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _select_ids(self, ids: Sequence[int]) -> None:
        selection = self.table.selectionModel()
        for clipping_id in ids:
            row = self.model.row_of(clipping_id)
            if row is not None:
                selection.select(
                    self.model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.Select
                    | QItemSelectionModel.SelectionFlag.Rows,
                )

    @Slot()
    def _on_selection_changed(self) -> None:
        if self._keeping_view:
            return  # the list is being read again; the reading pane is seen to after
        self._show_current()
        self.update_actions()

    def _show_current(self) -> None:
        ids = self.selected_ids()
        if len(ids) != 1:
            self.reading.show_clipping(None)
            self.related.show_related(None, [])
            return
        try:
            clipping = self.archive.get(ids[0])
        except ClippingsError:
            self.reading.show_clipping(None)
            return
        self.read_clipping(clipping)

    def read_clipping(self, clipping: Clipping) -> None:
        """Show a clipping in the reading pane, with its quotations and related pieces."""
        query = self.model.query if self.model.searching else ""
        try:
            quoted = extract_quotes(clipping.text)
        except Exception:  # analysis must never keep a clipping from being read
            log.exception("quotes of clipping %s", clipping.id)
            quoted = []
        self.reading.show_clipping(clipping, self.archive.reading_html(clipping, query), quoted)
        self.request_related(clipping.id)

    def request_related(self, clipping_id: int) -> Job:
        """Find the related pieces of a clipping off the GUI thread (the panel shows
        them when they arrive, if that clipping is still the one shown)."""
        archive = self.archive
        self.related.show_pending(clipping_id)

        def lookup(report: Any, cancel: Any) -> tuple[int, list[RelatedClipping]]:
            return clipping_id, related(archive, clipping_id, limit=20, compute_missing=False)

        job = Job("Finding related pieces", lookup)
        job.finished.connect(self._on_related_found)
        job.failed.connect(self._on_lookup_failed)
        return self.lookups.submit(job)

    @Slot(object)
    def _on_related_found(self, result: tuple[int, list[RelatedClipping]]) -> None:
        clipping_id, found = result
        if self.reading.clipping is not None and self.reading.clipping.id == clipping_id:
            self.related.show_related(clipping_id, found)

    @Slot(str)
    def _on_lookup_failed(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)
        self.related.show_related(None, [])

    @Slot(QModelIndex)
    def _on_table_double_clicked(self, _index: QModelIndex) -> None:
        self._show_current()
        self.reading.browser.setFocus()

    # --- Views and search ---------------------------------------------------------------

    def show_all(self) -> None:
        self.trash_view = False
        self.sidebar.select_all()
        self.search_bar.show_error("")
        self.search_bar.clear()

    def show_stories(self) -> Job:
        """The Stories view: clippings grouped by event (grouped off the GUI thread)."""
        self.trash_view = False
        self.sidebar.setCurrentItem(self.sidebar.stories_item)
        self.list_stack.setCurrentWidget(self.stories_view)
        self.stories_view.show_pending()
        self.update_actions()
        archive, threshold = self.archive, self.stories_view.threshold()

        def lookup(report: Any, cancel: Any) -> list[Story]:
            return stories(archive, threshold=threshold, compute_missing=False)

        job = Job("Grouping stories", lookup)
        job.finished.connect(self.stories_view.show_stories)
        job.failed.connect(self._on_lookup_failed)
        return self.lookups.submit(job)

    @Slot()
    def _on_sidebar_stories_chosen(self) -> None:
        self.show_stories()

    @Slot(int)
    def _on_stories_view_clipping_chosen(self, clipping_id: int) -> None:
        self.read_clipping(self.archive.get(clipping_id))

    @Slot(float)
    def _on_stories_view_threshold_changed(self, value: float) -> None:
        self.settings.setValue("storyThreshold", value)
        self.show_stories()

    def compare_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 2:
            self.compare_clippings(ids[0], ids[1])
        else:
            self.statusBar().showMessage("Select two clippings to compare them (Ctrl+D).", 5000)

    @Slot(int, int)
    def compare_clippings(self, a: int, b: int) -> CompareWindow | None:
        """Open two clippings side by side in a window of their own."""
        comparison = self._run(lambda: compare(self.archive, a, b))
        if comparison is None:
            return None
        window = CompareWindow(comparison, self)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.destroyed.connect(
            lambda: self.compare_windows.remove(window) if window in self.compare_windows else None
        )
        self.compare_windows.append(window)
        window.show()
        return window

    def show_trash(self) -> None:
        self.trash_view = True
        self.sidebar.setCurrentItem(self.sidebar.trash_item)
        self.search_bar.show_error("")
        self.search_bar.reset_quietly()
        self.model.show_list(trashed=True)
        self.update_actions()

    def focus_search(self) -> None:
        self.search_bar.field.setFocus()
        self.search_bar.field.selectAll()

    @Slot(str, object)
    def _on_search_bar_changed(self, query: str, filters: SearchFilters) -> None:
        self.trash_view = False
        if not query and filters.is_empty():
            self.search_bar.show_error("")
            self.model.show_list()
        elif not query and filters == SearchFilters(tag=filters.tag):
            self.search_bar.show_error("")
            self.model.show_list(tag=filters.tag)
        else:
            try:
                self.model.show_search(query, filters)
            except QueryError as error:
                self.search_bar.show_error(str(error))
                return
            self.search_bar.show_error("")
        self.update_actions()

    @Slot()
    def _on_sidebar_all_chosen(self) -> None:
        self.show_all()

    @Slot()
    def _on_sidebar_trash_chosen(self) -> None:
        self.show_trash()

    @Slot(str)
    def _on_sidebar_tag_chosen(self, tag: str) -> None:
        self.trash_view = False
        self.search_bar.set_tag(tag)

    @Slot(object)
    def _on_sidebar_saved_search_chosen(self, search: SavedSearch) -> None:
        self.trash_view = False
        self.search_bar.set_search(search.query, search.filters)

    @Slot()
    def _on_search_bar_save_requested(self) -> None:
        if not self.writable():
            return
        query, filters = self.search_bar.query(), self.search_bar.filters()
        if not query and filters.is_empty():
            self.search_bar.show_error("Type a query or choose a filter first, then save it.")
            return
        name, ok = QInputDialog.getText(
            self, "Save Search", "Name of this search:", QLineEdit.EchoMode.Normal, query[:40]
        )
        if ok and name.strip():
            self._run(lambda: self.archive.save_search(SavedSearch(name.strip(), query, filters)))
            self._refresh_side()

    @Slot(str)
    def _on_sidebar_saved_search_delete(self, name: str) -> None:
        if not self.writable():
            return
        self._run(lambda: self.archive.delete_saved_search(name))
        self._refresh_side()

    # --- Importing --------------------------------------------------------------------

    def choose_files(self) -> None:
        self.importing.choose_files()

    def choose_folder(self) -> None:
        self.importing.choose_folder()

    def import_paths(
        self, paths: Sequence[str | Path], passwords: dict[str, str] | None = None
    ) -> Job | None:
        return self.importing.import_paths(paths, passwords)

    def import_data(self, data: bytes, name: str) -> Job | None:
        return self.importing.import_data(data, name)

    def paste_clipping(self) -> None:
        self.importing.paste_clipping()

    def _import_mime(self, mime: QMimeData) -> bool:
        return self.importing.import_mime(mime)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        self.importing.drag_enter(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        self.importing.drop(event)

    # --- Tags -------------------------------------------------------------------------

    def tag_names(self) -> list[str]:
        return [t.name for t in self.archive.tags()]

    def tag_selection(self) -> None:
        ids = self.selected_ids()
        if not ids or not self.writable():
            return
        dialog = TagDialog(
            self.tag_names(),
            title="Tag Clippings",
            prompt=f"Tag {len(ids)} clipping(s) with:",
            parent=self,
        )
        if dialog.exec() and dialog.name():
            self.tag_clippings(ids, dialog.name())

    def untag_selection(self) -> None:
        ids = self.selected_ids()
        if not ids or not self.writable():
            return
        present = sorted({t for i in ids for t in self.archive.get(i).tags})
        dialog = TagDialog(
            present,
            title="Remove Tag",
            prompt=f"Remove this tag from {len(ids)} clipping(s):",
            parent=self,
        )
        if present:
            dialog.field.setText(present[0])
        if dialog.exec() and dialog.name():
            self._run(lambda: self.undo_stack.push(TagCommand(self, ids, dialog.name(), add=False)))

    def tag_clippings(self, ids: list[int], tag: str) -> None:
        if not self.writable():
            return
        self._run(lambda: self.undo_stack.push(TagCommand(self, ids, tag, add=True)))

    @Slot(list, str)
    def _on_sidebar_clippings_dropped(self, ids: list[int], tag: str) -> None:
        self.tag_clippings(ids, tag)

    @Slot(str, str)
    def _on_sidebar_tag_action_requested(self, action: str, tag: str) -> None:
        archive = self.archive
        if action != "export" and not self.writable():
            return
        if action == "new":
            base = f"{tag}/" if tag else ""
            name, ok = QInputDialog.getText(
                self, "New Tag", "Name of the new tag:", QLineEdit.EchoMode.Normal, base
            )
            if ok and name.strip() and name.strip() != base:
                ids = self.selected_ids()
                if ids:
                    self.tag_clippings(ids, name.strip())
                else:
                    self._run(lambda: archive.create_tag(name.strip()))
        elif action == "rename":
            name, ok = QInputDialog.getText(
                self, "Rename Tag", f"New name for “{tag}”:", QLineEdit.EchoMode.Normal, tag
            )
            if ok and name.strip() and name.strip() != tag:
                self._run(lambda: archive.rename_tag(tag, name.strip()))
        elif action == "colour":
            current = self.sidebar.colours.get(tag)
            from PySide6.QtGui import QColor

            colour = QColorDialog.getColor(QColor(current or "#888888"), self, f"Colour of “{tag}”")
            if colour.isValid():
                self._run(lambda: archive.set_tag_colour(tag, colour.name()))
        elif action == "merge":
            others = [n for n in self.tag_names() if n != tag and not n.startswith(tag + "/")]
            dialog = TagDialog(
                others, title="Merge Tag", prompt=f"Merge “{tag}” into:", parent=self
            )
            if dialog.exec() and dialog.name():
                self._run(lambda: archive.merge_tag(tag, dialog.name()))
        elif action == "export":
            self.export_dialog([self.exporting.tag_scope(tag)])
            return
        elif action == "delete":
            count = archive.count(tag=tag)
            answer = QMessageBox.question(
                self,
                "Delete Tag",
                f"Delete the tag “{tag}” and the tags inside it?\n\nThe {count} clipping(s) "
                "carrying it stay in the archive; only the tag is removed.",
            )
            if answer == QMessageBox.StandardButton.Yes:
                self._run(lambda: archive.delete_tag(tag))
        self.after_change()

    # --- Exporting ----------------------------------------------------------------------

    def export_scopes(self) -> list[ExportScope]:
        return self.exporting.export_scopes()

    def export_current(self) -> None:
        self.export_dialog(self.export_scopes())

    def export_dialog(self, scopes: list[ExportScope]) -> ExportDialog | None:
        return self.exporting.export_dialog(scopes)

    def start_export(self, request: ExportRequest) -> Job:
        return self.exporting.start_export(request)

    def back_up_archive(self) -> Job | None:
        return self.exporting.back_up_archive()

    # --- The archive as a whole: checking, opening another, upkeep, the engine ---------

    def check_archive(self, *, repair: bool = False) -> Job:
        return self.archive_actions.check_archive(repair=repair)

    def analyse_in_background(self) -> Job | None:
        return self.archive_actions.analyse_in_background()

    def tidy_in_background(self) -> Job | None:
        return self.archive_actions.tidy_in_background()

    def choose_archive(self) -> None:
        self.archive_actions.choose_archive()

    def choose_new_archive(self) -> None:
        self.archive_actions.choose_new_archive()

    def switch_archive(self, path: Path) -> bool:
        return self.archive_actions.switch_archive(path)

    def show_archive_notes(self) -> None:
        self.archive_actions.show_archive_notes()

    def show_preferences(self) -> None:
        self.archive_actions.show_preferences()

    def switch_engine(self, engine: str) -> Job | None:
        return self.archive_actions.switch_engine(engine)

    # --- Editing, trash ---------------------------------------------------------------

    def edit_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            self.edit_metadata(ids[0])

    @Slot(int)
    def edit_metadata(self, clipping_id: int) -> None:
        if not self.writable():
            return
        clipping = self.archive.get(clipping_id)
        dialog = EditMetadataDialog(clipping, self)
        if dialog.exec():
            changes = dialog.changes()
            if changes:
                self._run(lambda: self.archive.edit(clipping_id, changes))
                self.after_change()

    def open_selected_original(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            self.open_original(ids[0])

    @Slot(int)
    def open_original(self, clipping_id: int) -> Path | None:
        """Open a read-only temporary copy of the original with the system's viewer."""
        clipping = self.archive.get(clipping_id)
        name = Path(clipping.original_name).name or f"clipping-{clipping_id}"
        folder = Path(tempfile.mkdtemp(prefix="clippings-original-"))
        copy = folder / name
        copy.write_bytes(self.archive.original(clipping_id))
        copy.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        self.opened_originals.append(copy)
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(copy))):
            self.statusBar().showMessage(
                f"No program to open {name}; the copy is at {copy}", 10_000
            )
        return copy

    def trash_selection(self) -> None:
        ids = self.selected_ids()
        if ids and not self.trash_view and self.writable():
            self._run(lambda: self.undo_stack.push(TrashCommand(self, ids)))

    def restore_selection(self) -> None:
        ids = self.selected_ids()
        if ids and self.trash_view and self.writable():
            self._run(lambda: self.undo_stack.push(RestoreCommand(self, ids)))

    def purge_selection(self) -> None:
        ids = self.selected_ids()
        if not ids or not self.trash_view or not self.writable():
            return
        answer = QMessageBox.question(
            self,
            "Delete for Good",
            f"Remove {len(ids)} clipping(s) and their original files for good?\n\n"
            "This cannot be undone.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._run(lambda: self.archive.purge(ids))
            self.undo_stack.clear()
            self.after_change()

    # --- Other programs, read-only archives ------------------------------------------

    def writable(self) -> bool:
        """True when the archive may be changed; else says why, once, in the status bar."""
        if not self.archive.read_only:
            return True
        self.statusBar().showMessage(
            f"{READ_ONLY_REFUSAL} Search, reading, comparing and export still work.", 10_000
        )
        return False

    def catch_up(self, *, sync: bool = True) -> Job | None:
        return self.watcher.catch_up(sync=sync)

    @Slot()
    def _on_watch_timer_timeout(self) -> None:
        self.watcher.on_watch_timer_timeout()

    @property
    def _catching_up(self) -> Job | None:
        return self.watcher.catching_up

    @property
    def _sync_owed(self) -> bool:
        return self.watcher.sync_owed

    # --- Help -------------------------------------------------------------------------

    def show_query_help(self) -> None:
        QMessageBox.information(self, "Search Syntax", QUERY_HELP_HTML)

    def show_about(self) -> None:
        from clippings import __version__

        QMessageBox.about(
            self,
            "About Clippings",
            f"<h3>Clippings {__version__}</h3><p>A desktop archive for press clippings.</p>"
            f"<p>Archive: {self.archive.path}</p>",
        )

    # --- Errors -----------------------------------------------------------------------

    def report_problem(self, message: str) -> None:
        """Tell the user, in plain words, why something could not be done."""
        QMessageBox.warning(self, "Clippings", message)

    def _run(self, action: Callable[[], Any]) -> Any:
        """Run an action; a problem becomes a readable message, the traceback a log line."""
        try:
            return action()
        except ClippingsError as error:
            QMessageBox.warning(self, "Clippings", str(error))
        except Exception as error:
            log.exception("action failed")
            QMessageBox.warning(
                self,
                "Clippings",
                f"Something went wrong: {error}\n\nThe details are in the log file.",
            )
        return None

    # --- Settings ---------------------------------------------------------------------

    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        for key, widget in (
            ("window/splitter", self.splitter),
            ("window/readingSplitter", self.right_side),
        ):
            state = self.settings.value(key)
            if isinstance(state, QByteArray | bytes):
                widget.restoreState(state)
        header = self.settings.value("window/listHeader")
        if isinstance(header, QByteArray | bytes):
            self.table.horizontalHeader().restoreState(header)
        selection = self.table.selectionModel()
        selection.selectionChanged.connect(self._on_selection_changed)

    def save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("window/readingSplitter", self.right_side.saveState())
        self.settings.setValue("window/listHeader", self.table.horizontalHeader().saveState())
        self.settings.setValue("lastArchive", str(self.archive.path))
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        work = self.jobs.unfinished_work()
        if work:
            running = work[0].title
            kept = " Files imported so far stay." if running == IMPORTING else ""
            answer = QMessageBox.question(
                self,
                "Work Running",
                f"“{running}” is still running. Stop it and quit?{kept}",
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        if self.jobs.pending:  # upkeep (analysis, tidying) resumes at the next start
            self.jobs.cancel_all()
            self.jobs.wait()
        self.watch_timer.stop()
        self.lookups.wait()
        self.catch_up_runner.wait()
        self.save_settings()
        event.accept()
