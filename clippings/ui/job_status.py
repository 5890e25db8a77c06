"""The status bar's share of background work: what runs, how far it is, Cancel.

While an import runs, its progress also shows the clippings it has added so far
(read again off the GUI thread, keeping the user's place in the list).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QProgressBar, QPushButton, QWidget

from clippings.ui.importing import IMPORTING
from clippings.ui.jobs import Job

if TYPE_CHECKING:
    from clippings.ui.main_window import MainWindow

#: How often the list shows what a running import has added so far.
LIVE_REFRESH_SECONDS = 1.5


class JobStatus(QObject):
    """The running job's title, progress bar and Cancel button in the status bar."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.job_label = QLabel(window)
        self.job_progress = QProgressBar(window)
        self.job_progress.setMaximumWidth(220)
        self.job_progress.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel", window)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        job_box = QWidget(window)
        layout = QHBoxLayout(job_box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.job_label)
        layout.addWidget(self.job_progress)
        layout.addWidget(self.cancel_button)
        self.job_box = job_box
        job_box.hide()
        self._last_live_refresh = 0.0
        #: The job the status bar shows (a late progress of another is not shown).
        self.job: Job | None = None
        window.jobs.started.connect(self._on_jobs_started)
        window.jobs.idle.connect(self._on_jobs_idle)

    @Slot(str)
    def on_job_failed(self, message: str) -> None:
        """A job's error, in a message box (the jobs of every part of the window)."""
        # What the job changed before it failed (part of an import) is shown: the
        # watcher does not report this program's own commits.
        self.window.catch_up()
        QMessageBox.warning(self.window, "Clippings", message)

    @Slot(object)
    def _on_jobs_started(self, job: Job) -> None:
        self.job = job
        self.job_label.setText(job.title + "…")
        self.job_label.setToolTip("")
        self.job_progress.setRange(0, 0)
        # Opening an archive cannot be stopped half-way (a migration, an index swap).
        self.cancel_button.setVisible(job is not self.window.archive_actions.opening)
        self.job_box.show()
        job.progress.connect(self._on_job_progress)

    @Slot(object)
    def _on_job_progress(self, progress: Any) -> None:
        w = self.window
        job = self.job
        if job is None or self.sender() is not job:
            return  # a job that has ended meanwhile
        importing = job.title == IMPORTING
        # New clippings show up during a long import: read off the GUI thread, shown
        # keeping the selection, the scroll position and the reading pane.
        now = time.monotonic()
        still_empty = w.model.rowCount() == 0 and progress.done > 0
        opening = job is w.archive_actions.opening  # nothing to read again yet
        if not opening and (still_empty or now - self._last_live_refresh > LIVE_REFRESH_SECONDS):
            self._last_live_refresh = now
            w.catch_up(sync=False)  # the import brings the index up to date itself
        self.job_progress.setRange(0, max(progress.total, 1))
        self.job_progress.setValue(progress.done)
        self.job_progress.setFormat(f"{progress.done}/{progress.total}")
        name = Path(progress.message).name if progress.message else ""
        waiting = w.jobs.pending - 1
        more = f" (+{waiting} waiting)" if waiting > 0 else ""
        # Each job by what it does ("Exporting…", "Backing up…"); only an import names
        # the file it is at; what a step does in detail is the label's tooltip.
        if importing and progress.total and progress.done >= progress.total:
            self.job_label.setText(f"Finishing the import…{more}")  # the last index commit
        elif importing:
            self.job_label.setText(f"{IMPORTING} {name}{more}")
        else:
            self.job_label.setText(f"{job.title}…{more}")
        self.job_label.setToolTip(progress.message or "")

    @Slot()
    def _on_jobs_idle(self) -> None:
        self.job = None
        self.job_box.hide()

    @Slot()
    def _on_cancel_button_clicked(self) -> None:
        self.window.jobs.cancel_all()
        self.job_label.setText("Cancelling…")
