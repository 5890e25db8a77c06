"""Reading the archive again after another program changed it, off the GUI thread.

The window's timer asks ``Archive.changed_elsewhere`` (microseconds); when it says
yes, ``read_archive`` runs as a job on a worker thread: it brings the search index up
to date, then reads everything the window shows (counts, tags, saved searches, the
filter lists, the pages of the list in view, the clipping being read). The window then
only swaps the results in, so its GUI thread does no work that grows with the archive.
"""

from __future__ import annotations

import logging
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtWidgets import QApplication

from clippings.model import (
    Clipping,
    ClippingsError,
    IndexBusyError,
    NotFoundError,
    SavedSearch,
    Tag,
)
from clippings.services import Archive
from clippings.ui.clipping_model import RowsReading, RowsRequest, read_rows
from clippings.ui.importing import IMPORTING
from clippings.ui.jobs import Job, LookupRunner
from clippings.ui.list_view import restore_view, rows_in_view, view_state

if TYPE_CHECKING:
    from clippings.ui.main_window import MainWindow

log = logging.getLogger(__name__)

#: How often the window asks whether another program changed the archive (ms).
OTHER_PROGRAMS_POLL_MS = 2000


@dataclass(frozen=True)
class ArchiveReading:
    """What the window shows, as the archive holds it now."""

    archive: Archive
    live: int
    trashed: int
    tags: list[Tag]
    saved_searches: list[SavedSearch]
    outlets: list[tuple[str, int]]
    languages: list[tuple[str, int]]
    #: The list's rows (None when the list was not asked for, or its search broke).
    rows: RowsReading | None = None
    #: The clipping in the reading pane, as it is now (None: it was deleted for good).
    reading_id: int | None = None
    reading: Clipping | None = None
    #: Another program holds the search index: the index waits for the next try.
    index_busy: bool = False
    #: Why the search index could not be brought up to date (in plain words), if so.
    index_problem: str = ""


def read_side(archive: Archive, **extra: Any) -> ArchiveReading:
    """The counts, tags, saved searches and filter choices the window's side shows,
    with ``extra`` fields of ``ArchiveReading`` (rows, the clipping being read …)."""
    return ArchiveReading(
        archive=archive,
        live=archive.count(),
        trashed=archive.count(trashed=True),
        tags=archive.tags(),
        saved_searches=archive.saved_searches(),
        outlets=archive.outlets(),
        languages=archive.languages(),
        **extra,
    )


def read_archive(
    archive: Archive,
    rows: RowsRequest | None,
    reading_id: int | None,
    *,
    sync: bool,
    report: Any = None,
    cancel: Any = None,
) -> ArchiveReading:
    """Bring the index up to date (when ``sync``), then read what the window shows.

    A job function: ``report`` and ``cancel`` are the job runner's and not used.
    """
    busy, problem = False, ""
    if sync:
        try:
            archive.sync_index()
        except IndexBusyError:
            busy = True
        except ClippingsError as error:  # the disk refused: the list still shows the news
            problem = str(error)
    # Whatever changed until now is read below; later changes are news for the next poll.
    archive.changed_elsewhere()
    reading: Clipping | None = None
    if reading_id is not None:
        try:
            reading = archive.get(reading_id)
        except NotFoundError:
            reading = None
    rows_read: RowsReading | None = None
    if rows is not None:
        try:
            rows_read = read_rows(archive, rows)
        except ClippingsError:
            log.info("the search shown cannot be run again", exc_info=True)
    return read_side(
        archive,
        rows=rows_read,
        reading_id=reading_id,
        reading=reading,
        index_busy=busy,
        index_problem=problem,
    )


class Watcher(QObject):
    """Shows in the window what other programs change in the archive: a cheap poll on
    a timer; reading again runs on a worker (``read_archive``)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.runner = LookupRunner(window)
        self.catching_up: Job | None = None
        self._catch_up_reads = 0
        #: Full reads on the GUI thread: a catch-up read before one is stale.
        self.reads = 0
        #: The search index was busy at the last reading: bring it up to date at the next tick.
        self.sync_owed = False
        self._watch_problem = ""
        #: The window changed the archive during a reading: sync and read again after it.
        self._sync_again = False
        #: Another program changed the archive: regroup the stories and list the
        #: related pieces again once the reading under way is shown.
        self._elsewhere = False
        self.timer = QTimer(window)
        self.timer.setObjectName("otherProgramsTimer")
        self.timer.setInterval(OTHER_PROGRAMS_POLL_MS)
        self.timer.timeout.connect(self.on_watch_timer_timeout)

    def forget_changes(self) -> None:
        """Before reading the whole archive again on the GUI thread: whatever changed
        until now is about to be shown, so the next poll reports only later changes."""
        self.reads += 1
        with suppress(ClippingsError):  # the next poll says what is wrong
            self.window.archive.changed_elsewhere()

    @Slot()
    def on_watch_timer_timeout(self) -> None:
        """Ask whether another program changed the archive; if so, read it again."""
        w = self.window
        if self.catching_up is not None or QApplication.activeModalWidget() is not None:
            return  # a dialog's answer may change the archive: look once it is closed
        current = w.jobs.current
        if current is not None and current.title == IMPORTING:
            return  # the import's progress reads the list again, with the news
        try:
            changed = w.archive.changed_elsewhere()
        except ClippingsError as error:
            if str(error) != self._watch_problem:
                self._watch_problem = str(error)
                log.warning("cannot watch the archive: %s", error)
                w.statusBar().showMessage(
                    f"Changes by other programs cannot be shown: {error}", 15_000
                )
            return
        self._watch_problem = ""
        if changed:
            self._elsewhere = True
        if changed or self.sync_owed:
            w.catch_up()

    def sync_soon(self) -> None:
        """After the window's own change, which only queued the clippings for the search
        index: bring the index up to date on a worker (waiting there, not on the GUI
        thread, while an import holds it), then show what search finds now."""
        if self.catching_up is not None:
            self._sync_again = True  # the reading under way may have synced before it
            return
        self.catch_up()

    def catch_up(self, *, sync: bool = True) -> Job | None:
        """Read what the window shows again off the GUI thread and show it, keeping the
        selection, the scroll position and the reading pane: after another program
        changed the archive, and while an import runs. ``sync`` first brings the search
        index up to date. None when a reading is already under way."""
        w = self.window
        if self.catching_up is not None:
            return None
        rows = None
        if w.list_stack.currentWidget() is not w.stories_view:
            rows = w.model.request(rows_in_view(w.table, w.model))
        shown = w.reading.clipping
        job = Job(
            "Reading the archive again",
            read_archive,
            w.archive,
            rows,
            shown.id if shown else None,
            sync=sync and not w.archive.read_only,
        )
        job.finished.connect(self._on_catch_up_finished)
        job.failed.connect(self._on_catch_up_failed)
        job.ended.connect(self._on_catch_up_ended)
        self.catching_up = job
        self._catch_up_reads = self.reads
        return self.runner.submit(job)

    @Slot(object)
    def _on_catch_up_finished(self, reading: ArchiveReading) -> None:
        w = self.window
        if reading.archive is not w.archive:
            return  # another archive was opened meanwhile
        self.sync_owed = reading.index_busy  # then try again at the next tick
        if reading.index_problem:
            w.statusBar().showMessage(reading.index_problem, 15_000)
        if self.reads != self._catch_up_reads:
            return  # the window read everything itself meanwhile: this reading is older
        if reading.rows is not None and w.list_stack.currentWidget() is not w.stories_view:
            state = view_state(w.table, w.model)
            with w.keeping_view():
                if w.model.apply(reading.rows):
                    restore_view(w.table, w.model, state, load=False)
        w.show_side(reading)
        w.update_actions()
        self._show_news_of_read_clipping(reading)
        if self._elsewhere:
            # Another program's change may be a verdict, a merge, a trashed report:
            # the stories and the related pieces shown are grouped and listed anew.
            self._elsewhere = False
            w.browsing.regroup_stories()
            shown = w.reading.clipping
            if shown is not None and reading.reading is not None and not reading.reading.trashed:
                w.request_related(shown.id)

    def _show_news_of_read_clipping(self, reading: ArchiveReading) -> None:
        """The reading pane after another program changed the archive: the new version
        of the clipping shown, or a note that it is gone (never stale text)."""
        w = self.window
        shown = w.reading.clipping
        if shown is None or shown.id != reading.reading_id:
            return
        now = reading.reading
        gone = ""
        if now is None:
            gone = "Another program deleted this clipping for good."
        elif now.trashed and not shown.trashed:
            gone = "Another program moved this clipping to the trash."
        if gone:
            w.reading.show_gone(shown.title, gone)
            w.related.show_related(None, [])
        elif now is not None and now != shown:
            bar = w.reading.browser.verticalScrollBar()
            position = bar.value()
            w.read_clipping(now)
            bar.setValue(position)

    @Slot(str)
    def _on_catch_up_failed(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 10_000)

    @Slot()
    def _on_catch_up_ended(self) -> None:
        self.catching_up = None
        if self._sync_again:
            self._sync_again = False
            self.catch_up()
