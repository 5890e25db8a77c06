"""Help › Open Sample Archive: an archive of a few invented articles to try Clippings on.

The archive lives in the user's data folder, beside (never instead of) their own. The
first time, the window switches to it while it is empty and imports the articles as
an import job (progress in the status bar, new clippings shown as they come); opened
again, it is switched to as the user left it. ``services.sample`` decides which files
and which tags, the same for ``clippings sample``.
"""

from __future__ import annotations

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
    from pathlib import Path

    from clippings.ui.main_window import MainWindow


class SampleArchiveOpener(QObject):
    """Opens (or makes, then fills) the sample archive in the window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def open_sample_archive(self, path: Path | None = None) -> Job | None:
        """Switch the window to the sample archive; the import job that fills it the
        first time (None when it has its articles already, or could not be opened)."""
        w = self.window
        path = path or sample_archive_path()
        if w.archive.path.resolve() != path.resolve() and not w.switch_archive(path):
            return None
        if w.archive.path.resolve() != path.resolve():
            # Never fill any other archive than the sample one (should switching
            # archives ever finish later, as a job, this must wait for it).
            return None
        if w.archive.read_only or not needs_sample_articles(w.archive):
            w.statusBar().showMessage("This is the sample archive: try anything on it.", 10_000)
            return None
        job = Job(IMPORTING, fill_sample_archive, w.archive)
        job.finished.connect(self._on_sample_job_finished)
        job.failed.connect(w.job_status.on_job_failed)
        return w.jobs.submit(job)

    @Slot(object)
    def _on_sample_job_finished(self, built: SampleArchive) -> None:
        w = self.window
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
