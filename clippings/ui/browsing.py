"""Finding clippings in the window: the sidebar's views (all, trash, stories, a tag, a
saved search), the search bar, related pieces, comparing two clippings, and what the
list shows when it is empty."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox

from clippings.model import (
    VERDICTS,
    Clipping,
    NotFoundError,
    QueryError,
    RelatedClipping,
    SavedSearch,
    SearchFilters,
    Story,
    Verdict,
    count_found,
)
from clippings.services.comparing import Comparison, compare
from clippings.services.related import related, stories
from clippings.ui.commands import VerdictCommand, push
from clippings.ui.compare_window import CompareWindow
from clippings.ui.jobs import Job
from clippings.ui.sidebar import ALL, SAVED, STORIES, TAG, TRASH

if TYPE_CHECKING:
    from clippings.ui.main_window import MainWindow


#: The status bar while two clippings are aligned.
COMPARING = "Comparing the two clippings…"

#: Another program's changes regroup the stories shown at most this often (ms), and
#: never sooner after a grouping than it took: while a colleague imports into a large
#: archive, the window does not spend all its time grouping.
REGROUP_MIN_MS = 5000


class Browsing(QObject):
    """The views of the list, the search, related pieces and stories, comparing."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        #: The related piece to choose again when the list next arrives (after a verdict).
        self._choose_after: int | None = None
        #: The comparisons asked for and not yet shown, by their pair (smaller id first).
        self._comparing: dict[tuple[int, int], Job] = {}
        #: How long the last grouping took (seconds), and when it ended (monotonic).
        self._grouped_in = 0.0
        self._grouped_at = float("-inf")
        #: Another program changed the archive while the stories were being grouped or
        #: shortly after: they are grouped again once ``regroup_timer`` fires.
        self.regroup_timer = QTimer(self)
        self.regroup_timer.setSingleShot(True)
        self.regroup_timer.timeout.connect(self._on_regroup_timer_timeout)
        sidebar = window.sidebar
        sidebar.all_chosen.connect(self._on_sidebar_all_chosen)
        sidebar.trash_chosen.connect(self._on_sidebar_trash_chosen)
        sidebar.stories_chosen.connect(self._on_sidebar_stories_chosen)
        window.related.clipping_requested.connect(window.select_clipping)
        window.related.compare_requested.connect(self.compare_clippings)
        window.related.verdict_requested.connect(self._on_related_verdict_requested)
        window.stories_view.clipping_chosen.connect(self._on_stories_view_clipping_chosen)
        window.stories_view.threshold_changed.connect(self._on_stories_view_threshold_changed)
        window.stories_view.selection_changed.connect(self._on_stories_view_selection_changed)
        window.stories_view.told.connect(self._on_stories_view_told)
        sidebar.tag_chosen.connect(self._on_sidebar_tag_chosen)
        sidebar.saved_search_chosen.connect(self._on_sidebar_saved_search_chosen)
        sidebar.saved_search_delete_requested.connect(self._on_sidebar_saved_search_delete)
        window.search_bar.changed.connect(self._on_search_bar_changed)
        window.search_bar.save_requested.connect(self._on_search_bar_save_requested)

    # --- Views ------------------------------------------------------------------------

    def show_all(self) -> None:
        w = self.window
        w.trash_view = False
        w.sidebar.select_all()
        w.search_bar.show_error("")
        w.search_bar.clear()

    def show_stories(self) -> Job:
        """The Stories view: clippings grouped by event (grouped off the GUI thread)."""
        w = self.window
        w.trash_view = False
        w.sidebar.follow(STORIES)
        w.list_stack.setCurrentWidget(w.stories_view)
        w.stories_view.show_pending()
        w.update_actions()
        self.regroup_timer.stop()  # this grouping sees whatever was owed
        return self._group()

    def regroup_stories(self) -> None:
        """Another program changed the archive: group the stories shown anew, keeping
        them on screen meanwhile (the user's place and selection kept), and no more
        often than ``REGROUP_MIN_MS`` or the time the last grouping took."""
        w = self.window
        if w.list_stack.currentWidget() is not w.stories_view:
            return
        if w.groupings.busy or self.regroup_timer.isActive():
            if not self.regroup_timer.isActive():
                self.regroup_timer.start(self._regroup_delay_ms())
            return
        since_ms = (time.monotonic() - self._grouped_at) * 1000
        wait_ms = self._regroup_delay_ms() - since_ms
        if wait_ms > 0:
            self.regroup_timer.start(int(wait_ms))
        else:
            self._regroup_now()

    def _regroup_delay_ms(self) -> int:
        return max(REGROUP_MIN_MS, int(self._grouped_in * 1000))

    def _regroup_now(self) -> None:
        w = self.window
        if w.list_stack.currentWidget() is w.stories_view:
            w.stories_view.show_regrouping()
            self._group()

    def refresh_stories(self) -> None:
        """After the window's own change (a verdict, a trashed clipping): the Stories
        shown are grouped anew at once, kept on screen meanwhile (at 100,000 clippings
        a grouping takes seconds, and a blank view would hide what the change did)."""
        self.regroup_timer.stop()  # this grouping sees whatever was owed
        self._regroup_now()

    @Slot()
    def _on_regroup_timer_timeout(self) -> None:
        if self.window.groupings.busy:  # still grouping: once more after it
            self.regroup_timer.start(self._regroup_delay_ms())
        else:
            self._regroup_now()

    def _group(self) -> Job:
        w = self.window
        archive, threshold = w.archive, w.stories_view.threshold()
        started = time.monotonic()

        def lookup(report: Any, cancel: Any) -> list[Story]:
            return stories(archive, threshold=threshold, compute_missing=False)

        job = Job("Grouping stories", lookup)
        job.finished.connect(w.stories_view.show_stories)
        job.failed.connect(self._on_lookup_failed)

        def ended() -> None:
            self._grouped_at = time.monotonic()
            self._grouped_in = self._grouped_at - started

        job.ended.connect(ended)
        return w.groupings.submit(job)

    def show_trash(self) -> None:
        w = self.window
        w.trash_view = True
        w.sidebar.follow(TRASH)
        w.search_bar.show_error("")
        w.search_bar.reset_quietly()
        w.model.show_list(trashed=True)
        w.update_actions()

    @Slot()
    def _on_sidebar_all_chosen(self) -> None:
        self.window.show_all()

    @Slot()
    def _on_sidebar_trash_chosen(self) -> None:
        self.window.show_trash()

    @Slot()
    def _on_sidebar_stories_chosen(self) -> None:
        self.window.show_stories()

    @Slot(int)
    def _on_stories_view_clipping_chosen(self, clipping_id: int) -> None:
        shown = self.window.reading.clipping
        if shown is not None and shown.id == clipping_id:
            return  # chosen again as the stories were regrouped: the reader keeps their place
        self.window.read_clipping(self.window.archive.get(clipping_id))

    @Slot()
    def _on_stories_view_selection_changed(self) -> None:
        self.window.update_actions()

    @Slot(float)
    def _on_stories_view_threshold_changed(self, value: float) -> None:
        self.window.settings.setValue("storyThreshold", value)
        self.window.show_stories()

    def show_list_page(self, *, keeping_view: bool) -> None:
        """After the list was read again: the list, or the page that says why it is
        empty; the row height and the count of what a search found."""
        w = self.window
        model = w.model
        if keeping_view and w.list_stack.currentWidget() is w.stories_view:
            pass  # the list behind the Stories view was read again: stay in Stories
        elif model.query_error:
            w.no_results.setText(
                "<h3>No result</h3><p>This search cannot be read, so it finds nothing: "
                "see the message under the search field.</p>"
            )
            w.list_stack.setCurrentWidget(w.no_results)
        elif model.rowCount():
            w.list_stack.setCurrentWidget(w.table)
        elif model.searching:
            w.no_results.setText(
                "<h3>Nothing matches</h3><p>No clipping matches this search and these "
                "filters. Try fewer words, another form of a word (elect*), or clear a filter."
                "</p>"
            )
            w.list_stack.setCurrentWidget(w.no_results)
        elif w.trash_view:
            w.no_results.setText("<h3>The trash is empty</h3>")
            w.list_stack.setCurrentWidget(w.no_results)
        elif model.tag is not None:
            w.no_results.setText(f"<h3>No clipping carries “{model.tag}”</h3>")
            w.list_stack.setCurrentWidget(w.no_results)
        elif w.archive.read_only:
            # Nothing can be dropped into a read-only archive: do not invite it.
            w.no_results.setText(
                "<h3>This archive is empty</h3><p>It is read-only, so nothing can be "
                "imported into it here.</p>"
            )
            w.list_stack.setCurrentWidget(w.no_results)
        else:
            w.empty_state.show_archive(w.archive.location, on_server=w.archive.on_server)
            w.list_stack.setCurrentWidget(w.empty_state)
        line = w.table.fontMetrics().lineSpacing()
        with_snippets = model.searching and bool(model.query.strip())
        w.table.verticalHeader().setDefaultSectionSize(line * 3 + 14 if with_snippets else line + 8)
        # By relevance (no sort key): no column's order to show.
        w.table.horizontalHeader().setSortIndicatorShown(model.sort_key is not None)
        self.follow_in_sidebar()
        if model.query_error:
            w.search_bar.show_count("No result")
        elif model.searching:
            shown = model.rowCount()
            total = model.total_matches
            text = count_found(total, model.total_exact) + (
                f" (first {shown:,} shown)" if shown < total else ""
            )
            if model.search_notes:
                text += " · " + " · ".join(model.search_notes)
            w.search_bar.show_count(text)
        else:
            w.search_bar.show_count("")

    def follow_in_sidebar(self) -> None:
        """The sidebar highlights what the centre shows, and nothing else."""
        w = self.window
        model = w.model
        if w.list_stack.currentWidget() is w.stories_view:
            w.sidebar.follow(STORIES)
        elif w.trash_view:
            w.sidebar.follow(TRASH)
        elif model.searching:
            name = w.sidebar.saved_search_named(model.query, model.filters)
            w.sidebar.follow(SAVED if name else None, name)
        elif model.tag is not None:
            w.sidebar.follow(TAG, model.tag)
        else:
            w.sidebar.follow(ALL)

    # --- Search -----------------------------------------------------------------------

    def focus_search(self) -> None:
        field = self.window.search_bar.field
        field.setFocus()
        field.selectAll()

    @Slot(str, object)
    def _on_search_bar_changed(self, query: str, filters: SearchFilters) -> None:
        w = self.window
        w.trash_view = False
        if not query and filters.is_empty():
            w.search_bar.show_error("")
            w.model.show_list()
        elif not query and filters == SearchFilters(tag=filters.tag):
            w.search_bar.show_error("")
            w.model.show_list(tag=filters.tag)
        else:
            try:
                w.model.show_search(query, filters)
            except QueryError as error:
                # Not the last good result beside the message: this query finds nothing.
                w.model.show_invalid(query, filters, str(error))
                w.search_bar.show_error(str(error))
                w.update_actions()
                return
            w.search_bar.show_error("")
        w.update_actions()

    @Slot(str)
    def _on_sidebar_tag_chosen(self, tag: str) -> None:
        self.window.trash_view = False
        self.window.search_bar.set_tag(tag)

    @Slot(object)
    def _on_sidebar_saved_search_chosen(self, search: SavedSearch) -> None:
        self.window.trash_view = False
        self.window.search_bar.set_search(search.query, search.filters)

    @Slot()
    def _on_search_bar_save_requested(self) -> None:
        w = self.window
        if not w.writable():
            return
        query, filters = w.search_bar.query(), w.search_bar.filters()
        if not query and filters.is_empty():
            w.search_bar.show_error("Type a query or choose a filter first, then save it.")
            return
        name, ok = QInputDialog.getText(
            w, "Save Search", "Name of this search:", QLineEdit.EchoMode.Normal, query[:40]
        )
        if ok and name.strip():
            w.run_action(lambda: w.archive.save_search(SavedSearch(name.strip(), query, filters)))
            w.refresh_side()

    @Slot(str)
    def _on_sidebar_saved_search_delete(self, name: str) -> None:
        w = self.window
        if not w.writable():
            return
        w.run_action(lambda: w.archive.delete_saved_search(name))
        w.refresh_side()

    # --- Related pieces, comparing ------------------------------------------------------

    def request_related(self, clipping_id: int) -> Job:
        """Find the related pieces of a clipping off the GUI thread (the panel shows
        them when they arrive, if that clipping is still the one shown)."""
        w = self.window
        archive = w.archive
        w.related.show_pending(clipping_id)

        def lookup(report: Any, cancel: Any) -> tuple[int, list[RelatedClipping]]:
            return clipping_id, related(archive, clipping_id, limit=20, compute_missing=False)

        job = Job("Finding related pieces", lookup)
        job.finished.connect(self._on_related_found)
        job.failed.connect(self._on_lookup_failed)
        return w.lookups.submit(job)

    @Slot(object)
    def _on_related_found(self, result: tuple[int, list[RelatedClipping]]) -> None:
        clipping_id, found = result
        reading = self.window.reading
        if reading.clipping is not None and reading.clipping.id == clipping_id:
            self.window.related.show_related(clipping_id, found, reading.clipping.published)
            if self._choose_after is not None:
                self.window.related.choose(self._choose_after)
        self._choose_after = None

    @Slot(str)
    def _on_stories_view_told(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 15_000)

    @Slot(int, int, object)
    def _on_related_verdict_requested(self, shown: int, other: int, verdict: object) -> None:
        """The user's verdict on the clipping shown and a related piece: undoable, and
        the piece stays the chosen row when the list is shown again."""
        w = self.window
        if not w.writable():
            return
        chosen: Verdict | None = next((v for v in VERDICTS if v == verdict), None)
        self._choose_after = other
        if not push(w.undo_stack, VerdictCommand(w, shown, other, chosen)):
            self._choose_after = None

    @Slot(str)
    def _on_lookup_failed(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 8000)
        self.window.related.show_related(None, [])

    def compare_selected(self) -> None:
        w = self.window
        ids = w.selected_ids()
        if len(ids) == 2:
            w.compare_clippings(ids[0], ids[1])
        else:
            w.statusBar().showMessage("Select two clippings to compare them (Ctrl+D).", 5000)

    @Slot(int, int)
    def compare_clippings(self, a: int, b: int) -> Job | None:
        """Open two clippings side by side in a window of their own, once they are
        aligned off the GUI thread (two long reports take seconds to align). None when
        a window on the pair, still true to the two clippings, is open: it is raised."""
        w = self.window
        archive = w.archive
        pair = (min(a, b), max(a, b))
        shown = self._comparison_open(pair)
        if shown is not None:
            if shown.isMinimized():
                shown.showNormal()  # a maximised one stays maximised
            shown.raise_()
            shown.activateWindow()
            return None
        under_way = self._comparing.get(pair)
        if under_way is not None:  # asked twice: one window is enough
            return under_way
        w.statusBar().showMessage(COMPARING)

        def align_them(report: Any, cancel: Any) -> Comparison:
            return compare(archive, a, b, cancel)

        job = Job("Comparing two clippings", align_them)
        job.finished.connect(self._on_compared)
        job.failed.connect(self._on_compare_failed)
        job.ended.connect(lambda: self._comparing.pop(pair, None))
        self._comparing[pair] = job
        return w.comparisons.submit(job)

    def _comparison_open(self, pair: tuple[int, int]) -> CompareWindow | None:
        """The window open on these two clippings, if neither changed since in what a
        comparison shows (a tag added is no reason to compare again)."""
        w = self.window
        for window in w.compare_windows:
            if _pair_of(window) != pair:
                continue
            a, b = window.comparison.a, window.comparison.b
            try:
                same = all(_as_compared(w.archive.get(c.id)) == _as_compared(c) for c in (a, b))
            except NotFoundError:
                return None
            if same:
                return window
        return None

    @Slot(object)
    def _on_compared(self, comparison: Comparison) -> None:
        w = self.window
        window = CompareWindow(comparison, w)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        windows = w.compare_windows
        # A window on the pair as it was before an edit: the new one takes its place
        # (and its size), not a second window beside it showing the old text.
        stale = [old for old in windows if _pair_of(old) == _pair_of(window)]
        window.destroyed.connect(lambda: windows.remove(window) if window in windows else None)
        windows.append(window)
        if stale:
            window.setGeometry(stale[-1].geometry())
            maximised = stale[-1].isMaximized()
            for old in stale:
                windows.remove(old)
                old.close()
            if maximised:
                window.showMaximized()
        window.show()
        # Said until now (building the rows of two long documents takes a moment too),
        # and while another comparison the user asked for is still to come.
        if w.statusBar().currentMessage() == COMPARING and len(self._comparing) <= 1:
            w.statusBar().clearMessage()

    @Slot(str)
    def _on_compare_failed(self, message: str) -> None:
        w = self.window
        if len(self._comparing) <= 1:
            w.statusBar().clearMessage()
        if w.isVisible():  # not when the window closing stopped it
            QMessageBox.warning(w, "Clippings", message)


def _pair_of(window: CompareWindow) -> tuple[int, int]:
    """The two clippings a comparison window shows, the lower id first."""
    a, b = window.comparison.a.id, window.comparison.b.id
    return min(a, b), max(a, b)


def _as_compared(clipping: Clipping) -> tuple[object, ...]:
    """What a comparison window shows of a clipping: its text and its header's fields."""
    return (
        clipping.text,
        clipping.title,
        clipping.outlet,
        clipping.author,
        clipping.published,
        clipping.language,
        clipping.word_count,
    )
