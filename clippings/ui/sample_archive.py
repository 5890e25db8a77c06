"""Help › Open Sample Archive: an archive of a few invented articles to try Clippings on.

The archive lives in the user's data folder, beside (never instead of) their own. The
first time, the window switches to it while it is empty and imports the articles as
an import job (progress in the status bar, new clippings shown as they come); opened
again, it is switched to as the user left it. ``services.sample`` decides which files
and which tags, the same for ``clippings sample``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot

from clippings.services.sample import (
    SampleArchive,
    fill_sample_archive,
    needs_sample_articles,
    sample_archive_path,
)
from clippings.ui.importing import IMPORTING
from clippings.ui.jobs import Job

if TYPE_CHECKING:
    from clippings.services import Archive
    from clippings.ui.main_window import MainWindow


class SampleArchiveOpener(QObject):
    """Opens (or makes, then fills) the sample archive in the window.

    Switching archives is a job: the articles are imported once the window shows the
    sample archive (``ArchiveActions.opened``), never into whichever archive is open.
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        #: The sample archive being switched to, until it is open.
        self._waiting_for: Path | None = None
        #: The job importing the sample articles, while it runs.
        self.filling: Job | None = None
        window.archive_actions.opened.connect(self._on_archive_actions_opened)

    def open_sample_archive(self, path: Path | None = None) -> Job | None:
        """Switch the window to the sample archive and fill it the first time.

        Returns:
            The job at work: switching archives, or (when the sample archive is open
            already) importing its articles; None when there is nothing to do.
        """
        w = self.window
        path = path or sample_archive_path()
        if w.has_archive and _same(w.archive.path, path):
            return self._fill()
        job = w.switch_archive(path)
        if job is not None:
            self._waiting_for = path
        return job

    @Slot(object)
    def _on_archive_actions_opened(self, archive: Archive) -> None:
        if self._waiting_for is not None and _same(archive.path, self._waiting_for):
            self._waiting_for = None
            self._fill()

    def _fill(self) -> Job | None:
        w = self.window
        if w.archive.read_only or not needs_sample_articles(w.archive):
            w.statusBar().showMessage("This is the sample archive: try anything on it.", 10_000)
            return None
        job = Job(IMPORTING, fill_sample_archive, w.archive)
        job.finished.connect(self._on_sample_job_finished)
        job.failed.connect(w.job_status.on_job_failed)
        self.filling = job
        return w.jobs.submit(job)

    @Slot(object)
    def _on_sample_job_finished(self, built: SampleArchive) -> None:
        w = self.window
        self.filling = None
        w.last_report = built.report
        w.after_change()
        w.analyse_in_background()  # related pieces and stories need the features
        count = len(built.report.of("imported"))
        w.statusBar().showMessage(
            f"The sample archive is ready: {count} invented article"
            f"{'' if count == 1 else 's'}. Search them, open two reports of the bridge "
            "collapse side by side, or look at View › Stories.",
            20_000,
        )


def _same(a: Path, b: Path) -> bool:
    return a.expanduser().resolve() == b.expanduser().resolve()
