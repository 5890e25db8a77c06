"""The main window: sidebar, search, the list of clippings and the reading pane.

A thin layer over ``services.Archive``: every action calls the same use cases as
the command line. Long work (imports) runs through the ``JobRunner``.

The window is the composition root of its parts, each a small object given the
window: ``menus`` (the actions), ``importing``, ``exporting`` (and backups),
``editing`` (tags, metadata, trash; ``commands`` for undo), ``browsing`` (views,
search, related pieces, comparing), ``archive_actions`` (opening, checking, the
search engine, upkeep), ``sample_archive``, ``job_status`` (the status bar's
progress), ``other_programs.Watcher`` (changes made by other programs) and
``window_layout`` (where the parts sit, kept between runs). The window keeps the
widgets, the selection and the reading pane, and its public methods stay the doors
the menus and the tests use.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import (
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QSettings,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
)

from clippings.analysis.quotes import extract_quotes
from clippings.model import ArchiveError, Clipping, ClippingsError, ImportReport, Tag
from clippings.services import Archive
from clippings.services.history import titles_named
from clippings.services.related import STORY_THRESHOLD
from clippings.ui.archive_actions import READ_ONLY_NOTE, ArchiveActions
from clippings.ui.browsing import Browsing
from clippings.ui.clipping_model import ClippingTableModel
from clippings.ui.commands import ArchiveCommand, RestoreCommand, TagCommand, TrashCommand
from clippings.ui.compare_window import CompareWindow
from clippings.ui.dialogs import ImportSummaryDialog
from clippings.ui.editing import Editing
from clippings.ui.export_dialog import ExportDialog, ExportRequest, ExportScope
from clippings.ui.exporting import Exporting
from clippings.ui.importing import IMPORTING, Importing
from clippings.ui.job_status import LIVE_REFRESH_SECONDS, JobStatus
from clippings.ui.jobs import Job, JobRunner, LookupRunner
from clippings.ui.list_view import (
    KEPT_SELECTION,
    ViewState,
    make_clipping_list,
    restore_view,
    view_state,
)
from clippings.ui.menus import build_menus, update_actions
from clippings.ui.notice_bar import NoticeBar
from clippings.ui.other_programs import OTHER_PROGRAMS_POLL_MS, ArchiveReading, Watcher, read_side
from clippings.ui.reading_pane import ReadingPane
from clippings.ui.related_panel import RelatedPanel
from clippings.ui.sample_archive import SampleArchiveOpener
from clippings.ui.scans import Scans
from clippings.ui.search_bar import QUERY_HELP_HTML, SearchBar
from clippings.ui.sidebar import Sidebar
from clippings.ui.stories_view import StoriesView
from clippings.ui.welcome import WelcomePage
from clippings.ui.window_layout import lay_out, restore_window_state, save_window_state
from clippings.ui.wording import elide_path

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

if TYPE_CHECKING:
    from clippings.ui.about import AboutDialog

log = logging.getLogger(__name__)

READ_ONLY_REFUSAL = "This archive is read-only: nothing in it can be changed."


class _NoArchiveYet:
    """What the list reads while the window's first archive opens: nothing."""

    def count(self, **_where: object) -> int:
        return 0


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
    rename_outlet_action: QAction
    recognise_action: QAction
    compare_action: QAction
    trash_action: QAction
    restore_action: QAction
    purge_action: QAction
    # The parts ``window_layout.lay_out`` places.
    list_stack: QStackedWidget
    no_results: QLabel
    notice_bar: NoticeBar
    splitter: QSplitter
    right_side: QSplitter

    def __init__(
        self,
        archive: Archive | None,
        *,
        settings: QSettings | None = None,
        jobs: JobRunner | None = None,
        open_archive: Callable[..., Archive] = Archive.open,
        analyse: bool = True,
    ) -> None:
        """``archive`` None: the window shows at once and an archive is opened in the
        background (``archive_actions.open_in_background``)."""
        super().__init__()
        self._archive = archive
        self.settings = settings or QSettings()
        self.jobs = jobs or JobRunner(self)
        self.lookups = LookupRunner(self)
        #: Groupings of stories (beside the lookups: a related lookup never replaces one).
        self.groupings = LookupRunner(self)
        #: Comparisons, off the GUI thread (beside the lookups: never replaced by one).
        self.comparisons = LookupRunner(self, queue=True)
        #: Whether clippings without features are analysed in the background.
        self.analysing = analyse
        self.open_archive = open_archive
        self.undo_stack = QUndoStack(self)
        self.last_report: ImportReport | None = None
        self.summary_dialog: ImportSummaryDialog | None = None
        self.opened_originals: list[Path] = []
        self.last_export: Path | None = None
        self.last_export_dialog: ExportDialog | None = None
        self.trash_view = False
        self._keeping_view = False

        self.model = ClippingTableModel(archive or cast(Archive, _NoArchiveYet()), self)
        self.sidebar = Sidebar(self)
        self.search_bar = SearchBar(self)
        self.table, self.title_delegate, self.tags_delegate = make_clipping_list(self, self.model)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.activated.connect(self._on_table_double_clicked)
        # Made in the order Tab visits them: the centre's pages before the reading pane.
        self.stories_view = StoriesView(self)
        self.stories_view.set_threshold(
            float(self.settings.value("storyThreshold") or STORY_THRESHOLD)
        )
        self.empty_state = WelcomePage(self)
        self.reading = ReadingPane(self)
        self.related = RelatedPanel(self)
        self.compare_windows: list[CompareWindow] = []
        lay_out(self)
        self._make_status_bar()

        # The parts of the window; each connects the signals of the widgets it serves.
        self.importing = Importing(self)
        self.exporting = Exporting(self)
        self.editing = Editing(self)
        self.browsing = Browsing(self)
        self.archive_actions = ArchiveActions(self)
        self._import_at_open: list[str] = []
        self.archive_actions.opened.connect(self._on_archive_actions_opened)
        self.scans = Scans(self)
        self.sample_archive = SampleArchiveOpener(self)
        # Other programs: a cheap poll on a timer; reading again runs on a worker.
        self.watcher = Watcher(self)
        self.watch_timer = self.watcher.timer
        self.catch_up_runner = self.watcher.runner
        build_menus(self)
        self.setAcceptDrops(True)
        self.model.modelReset.connect(self._on_model_reset)

        self.read_only_label = QLabel("Read-only archive", self)
        self.read_only_label.setObjectName("readOnly")
        self.read_only_label.setToolTip(READ_ONLY_NOTE)
        self.statusBar().addPermanentWidget(self.read_only_label)
        self.read_only_label.hide()  # until an archive that is read-only shows
        self._restore_settings()
        if archive is not None:
            self.refresh_all()
            self.show_archive_notes()
            self.watch_timer.start()
            self.analyse_in_background()

    @property
    def archive(self) -> Archive:
        """The open archive (a ``ClippingsError`` while the first one is opening)."""
        if self._archive is None:
            raise ArchiveError("the archive is still being opened: try again in a moment")
        return self._archive

    @archive.setter
    def archive(self, archive: Archive) -> None:
        self._archive = archive

    @property
    def has_archive(self) -> bool:
        return self._archive is not None

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
        self.refresh_side()
        self.update_actions()

    def after_change(self) -> None:
        """After an action changed the archive: read the data again, keeping the
        selection, the scroll position and the reading pane."""
        self.watcher.forget_changes()
        state = view_state(self.table, self.model)
        with self.keeping_view():
            self.model.refresh()
            restore_view(self.table, self.model, state, load=True)
        self.refresh_side()
        self.show_current()
        self.update_actions()
        self.browsing.refresh_stories()  # a verdict, a trashed clipping: stories change

    def archive_title(self) -> str:
        read_only = " (read-only)" if self.archive.read_only else ""
        return f"Clippings — {elide_path(self.archive.location, 70)}{read_only}"

    def refresh_side(self) -> None:
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
        if not self.has_archive:
            return  # the opening page stays
        self.browsing.show_list_page(keeping_view=self._keeping_view)
        if not self._keeping_view:
            self.reading.show_clipping(None)
            self.related.show_related(None, [])

    def update_actions(self) -> None:
        if self.has_archive:
            update_actions(self)

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
        """The clippings selected in the list, or in Stories while it shows: there, the
        reports chosen, or none when a story's heading is, or else the clipping in the
        reading pane (never the hidden list's selection: an action must not reach a
        clipping the user cannot see)."""
        if self.list_stack.currentWidget() is self.stories_view:
            chosen = self.stories_view.selected_ids()
            if chosen or self.stories_view.heading_selected():
                return chosen
            shown = self.reading.clipping
            return [shown.id] if shown is not None else []
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
        self.show_current()
        self.update_actions()

    def show_current(self) -> None:
        """The selected clipping in the reading pane (none when not exactly one)."""
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
        titles: dict[int, str] = {}
        try:
            history = self.archive.history(clipping.id)
            titles = titles_named(self.archive, history)
        except ClippingsError as error:  # the trail must never keep a clipping from being read
            log.warning("the history of clipping %s: %s", clipping.id, error)
            history = []
        self.reading.show_clipping(
            clipping, self.archive.reading_html(clipping, query), quoted, history, titles
        )
        self.request_related(clipping.id)

    @Slot(QModelIndex)
    def _on_table_double_clicked(self, _index: QModelIndex) -> None:
        self.show_current()
        self.reading.browser.setFocus()

    # --- The parts' doors (menus, other widgets and tests call these) -------------------

    def request_related(self, clipping_id: int) -> Job:
        return self.browsing.request_related(clipping_id)

    def show_all(self) -> None:
        self.browsing.show_all()

    def show_stories(self) -> Job:
        return self.browsing.show_stories()

    def watch_pair(self, a: int, b: int, *, undoing: bool = False) -> None:
        """A verdict on ``a`` and ``b`` was given or undone (``undoing``): the Stories
        view, if shown, says what it did to the stories once they are grouped again."""
        self.stories_view.watch(a, b, undoing=undoing)

    def show_trash(self) -> None:
        self.browsing.show_trash()

    def focus_search(self) -> None:
        self.browsing.focus_search()

    def compare_selected(self) -> None:
        self.browsing.compare_selected()

    @Slot(int, int)
    def compare_clippings(self, a: int, b: int) -> Job | None:
        return self.browsing.compare_clippings(a, b)

    def choose_files(self) -> None:
        self.importing.choose_files()

    def choose_folder(self) -> None:
        self.importing.choose_folder()

    def import_paths(
        self, paths: Sequence[str | Path], passwords: dict[str, str] | None = None
    ) -> Job | None:
        return self.importing.import_paths(paths, passwords)

    def import_when_open(self, paths: Sequence[str | Path]) -> None:
        """Import these files and folders once the archive being opened is open (the
        files a file manager gave the window at its start)."""
        self._import_at_open = [str(p) for p in paths]

    @Slot(object)
    def _on_archive_actions_opened(self, _archive: Archive) -> None:
        paths, self._import_at_open = self._import_at_open, []
        if paths:
            self.import_paths(paths)

    def import_data(self, data: bytes, name: str) -> Job | None:
        return self.importing.import_data(data, name)

    def paste_clipping(self) -> None:
        self.importing.paste_clipping()

    def _import_mime(self, mime: QMimeData) -> bool:
        return self.importing.import_mime(mime)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if not self.has_archive:
            event.ignore()  # still opening
            return
        self.importing.drag_enter(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        self.importing.drop(event)

    def tag_names(self) -> list[str]:
        return self.editing.tag_names()

    def tag_selection(self) -> None:
        self.editing.tag_selection()

    def untag_selection(self) -> None:
        self.editing.untag_selection()

    def tag_clippings(self, ids: list[int], tag: str) -> None:
        self.editing.tag_clippings(ids, tag)

    def edit_selected(self) -> None:
        self.editing.edit_selected()

    def rename_outlet(self) -> None:
        self.editing.rename_outlet()

    @Slot(int)
    def edit_metadata(self, clipping_id: int) -> None:
        self.editing.edit_metadata(clipping_id)

    def open_selected_original(self) -> None:
        self.editing.open_selected_original()

    def recognise_selected(self) -> Job | None:
        return self.scans.recognise_selected()

    @Slot(int)
    def open_original(self, clipping_id: int) -> Path | None:
        return self.editing.open_original(clipping_id)

    def trash_selection(self) -> None:
        self.editing.trash_selection()

    def restore_selection(self) -> None:
        self.editing.restore_selection()

    def purge_selection(self) -> None:
        self.editing.purge_selection()

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

    def connect_to_team_archive(self) -> None:
        self.archive_actions.connect_to_team_archive()

    def switch_archive(self, path: Path | str) -> Job | None:
        return self.archive_actions.switch_archive(path)

    def show_archive_notes(self) -> None:
        self.archive_actions.show_archive_notes()

    def show_preferences(self) -> None:
        self.archive_actions.show_preferences()

    def switch_engine(self, engine: str) -> Job | None:
        return self.archive_actions.switch_engine(engine)

    def catch_up(self, *, sync: bool = True) -> Job | None:
        return self.watcher.catch_up(sync=sync)

    def sync_soon(self) -> None:
        """After the window's own change: the search index catches up on a worker."""
        self.watcher.sync_soon()

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

    def show_about(self) -> AboutDialog:
        from clippings.ui.about import AboutDialog

        dialog = AboutDialog(self)
        dialog.show()
        return dialog

    def open_sample_archive(self) -> Job | None:
        return self.sample_archive.open_sample_archive()

    # --- Errors -----------------------------------------------------------------------

    def report_problem(self, message: str) -> None:
        """Tell the user, in plain words, why something could not be done."""
        QMessageBox.warning(self, "Clippings", message)

    def writable(self) -> bool:
        """True when the archive may be changed; else says why, once, in the status bar."""
        if not self.archive.read_only:
            return True
        self.statusBar().showMessage(
            f"{READ_ONLY_REFUSAL} Search, reading, comparing and export still work.", 10_000
        )
        return False

    def run_action(self, action: Callable[[], Any]) -> Any:
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
        restore_window_state(self)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)

    def save_settings(self) -> None:
        save_window_state(self)

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
        self.groupings.wait()
        self.comparisons.cancel()  # two long documents: no reason to wait for them
        self.comparisons.wait()
        self.catch_up_runner.wait()
        self.save_settings()
        event.accept()
