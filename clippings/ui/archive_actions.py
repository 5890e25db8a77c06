"""The archive as a whole: opening another, what to know about it, checking and
repairing it, its search engine, and the upkeep that runs in the background."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMessageBox,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from clippings.address import display
from clippings.model import CheckProblem, ClippingsError, Progress
from clippings.services import Archive
from clippings.services.credentials import save_password
from clippings.services.ocr import installed_languages
from clippings.services.related import compute_missing_features, upkeep_due
from clippings.ui.check_report import show_check_result
from clippings.ui.jobs import Job
from clippings.ui.preferences import SWITCH_LINK, PreferencesDialog, engine_hint, engine_name

if TYPE_CHECKING:
    from clippings.ui.main_window import MainWindow

READ_ONLY_NOTE = (
    "This archive is read-only: you can search, read, compare and export its clippings, "
    "but not import, edit, tag or delete them."
)


TEAM_READER_NOTE = (
    "You are a reader of this team archive: you can search, read, compare and export its "
    "clippings; importing, editing, tagging and deleting are for its editors (ask its "
    "admin for another role)."
)
REPLICA_NOTE = (
    "This team archive is open read-only (a read-only copy of it, or your account may not "
    "change it): you can search, read, compare and export its clippings."
)


def open_with_progress(
    opener: Callable[..., Archive],
    path: Path | str,
    *,
    report: Any,
    cancel: Any,
    password: str | None = None,
) -> Archive:
    """A job: open (or create) the archive at ``path``, migrating its database and
    rebuilding its index if needed, with the rebuild's progress. Later rebuilds of the
    open archive report nowhere (this job has ended by then)."""
    reporting = [True]

    def forward(progress: Progress) -> None:
        if reporting[0]:
            report(progress)

    try:
        if password is not None:
            return opener(path, report=forward, password=password)
        return opener(path, report=forward)
    finally:
        reporting[0] = False


class OpeningPage(QWidget):
    """What the list shows while an archive opens: its name and the progress."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("openingArchive")
        self.label = QLabel(self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(360)
        self.step = QLabel(self)
        self.step.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.step.setStyleSheet("color: gray")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.label)
        layout.addWidget(self.progress, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.step)
        layout.addStretch(1)


class ArchiveActions(QObject):
    """File › Open Archive / New Archive, Tools › Check Archive, Preferences, upkeep.

    Signals:
        start_failed(): the archive the window started with could not be opened (the
            user was told why); the application ends.
        opened(Archive): an archive was opened in the background and the window shows it.
    """

    start_failed = Signal()
    opened = Signal(object)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._switching_to = ""
        #: The job opening an archive, while it runs.
        self.opening: Job | None = None
        self._opening_path: Path | str = Path()
        #: A team archive's password to keep in the keyring once it opens with it.
        self._remember: tuple[str, str] | None = None
        self.opening_page = OpeningPage(window.list_stack)
        window.list_stack.addWidget(self.opening_page)
        window.notice_bar.link_activated.connect(self._on_notice_bar_link_activated)

    # --- Opening another archive --------------------------------------------------------

    def choose_archive(self) -> None:
        w = self.window
        start = Path.home() if w.archive.on_server else w.archive.path
        folder = QFileDialog.getExistingDirectory(w, "Open Archive", str(start))
        if folder:
            w.switch_archive(Path(folder))

    def choose_new_archive(self) -> None:
        w = self.window
        folder = QFileDialog.getExistingDirectory(
            w, "New Archive (choose an empty folder)", str(Path.home())
        )
        if folder:
            w.switch_archive(Path(folder))

    def connect_to_team_archive(self, problem: str | None = None) -> Job | None:
        """File › Connect to Team Archive…: ask where and who, then open it."""
        from clippings.services.credentials import keyring_available
        from clippings.ui.connect_dialog import ConnectDialog

        w = self.window
        last = w.archive.location if w.has_archive and w.archive.on_server else None
        remembered = w.settings.value("lastTeamArchive")
        dialog = ConnectDialog(
            w,
            last=last or (remembered if isinstance(remembered, str) else None),
            problem=problem,
            keyring_available=keyring_available(),
        )
        if dialog.exec() != ConnectDialog.DialogCode.Accepted:
            return None
        address, password = dialog.address(), dialog.password()
        w.settings.setValue("lastTeamArchive", address)
        self._remember = (address, password) if password and dialog.remember.isChecked() else None
        if w.jobs.pending:
            QMessageBox.information(
                w, "Clippings", "Wait for the work running to finish before switching archives."
            )
            return None
        return self.open_in_background(address, password=password)

    def switch_archive(self, path: Path | str) -> Job | None:
        """Open another archive in the background; the window shows it once it is open
        (None when work is running). When it cannot be opened, a message says why and
        the archive open before stays."""
        w = self.window
        if w.jobs.pending:
            QMessageBox.information(
                w, "Clippings", "Wait for the work running to finish before switching archives."
            )
            return None
        return self.open_in_background(path)

    def open_in_background(self, path: Path | str, *, password: str | None = None) -> Job:
        """Open (or create) the archive at ``path`` (a folder, or a team archive's
        address) as a job: the window says so, with the progress of a migration or an
        index rebuild, and stays responsive."""
        w = self.window
        page = self.opening_page
        shown = display(path) if isinstance(path, str) else str(path)
        page.label.setText(f"<h3>Opening {escape(shown)}…</h3>")
        page.step.setText("")
        page.progress.setRange(0, 0)
        self._set_opening(True)
        w.setWindowTitle(f"Clippings — Opening {shown}…")
        name = shown if isinstance(path, str) else (path.name or shown)
        job = Job(f"Opening {name}", open_with_progress, w.open_archive, path, password=password)
        job.progress.connect(self._on_open_job_progress)
        job.finished.connect(self._on_open_job_finished)
        job.failed.connect(self._on_open_job_failed)
        self.opening = job
        self._opening_path = path
        return w.jobs.submit(job)

    def _set_opening(self, opening: bool) -> None:
        w = self.window
        for part in (w.menuBar(), w.sidebar, w.search_bar, w.right_side):
            part.setEnabled(not opening)
        if opening:
            w.list_stack.setCurrentWidget(self.opening_page)

    @Slot(object)
    def _on_open_job_progress(self, progress: Progress) -> None:
        page = self.opening_page
        if progress.total:
            page.progress.setRange(0, progress.total)
            page.progress.setValue(progress.done)
        page.step.setText(progress.message or "")

    @Slot(object)
    def _on_open_job_finished(self, archive: Archive) -> None:
        w = self.window
        self.opening = None
        w.catch_up_runner.wait()  # a reading of the old archive must end before it closes
        if w.has_archive:
            w.archive.close()
        w.archive = archive
        w.model.archive = archive
        w.undo_stack.clear()
        w.watcher.sync_owed = False
        w.settings.setValue("lastArchive", archive.location)
        if self._remember is not None and archive.on_server:
            address, password = self._remember
            if not save_password(address, password):
                w.statusBar().showMessage(
                    "The password could not be kept: this computer has no keyring. "
                    "It will be asked next time.",
                    15_000,
                )
        self._remember = None
        self._set_opening(False)
        w.show_all()
        w.refresh_all()
        w.show_archive_notes()
        w.watch_timer.start()
        w.analyse_in_background()
        self.opened.emit(archive)

    @Slot(str)
    def _on_open_job_failed(self, message: str) -> None:
        w = self.window
        self.opening = None
        self._remember = None
        self._set_opening(False)
        shown = self._opening_path
        if isinstance(shown, str) and w.has_archive:  # a team archive: try again
            w.setWindowTitle(w.archive_title())
            w.browsing.show_list_page(keeping_view=True)
            self.connect_to_team_archive(problem=f"{display(shown)} cannot be opened: {message}")
            return
        if not w.has_archive:  # the archive the window started with
            QMessageBox.critical(
                w, "Clippings", f"Cannot open the archive {self._opening_path}:\n\n{message}"
            )
            self.start_failed.emit()
            return
        w.setWindowTitle(w.archive_title())
        w.browsing.show_list_page(keeping_view=True)
        QMessageBox.warning(
            w,
            "Cannot Open Archive",
            f"{self._opening_path} cannot be opened: {message}\n\n{w.archive.location} stays open.",
        )

    def show_archive_notes(self) -> None:
        """Say once, in the bar above the list, what the user should know about the open
        archive: that it is read-only, that it lives in a synced folder, … (or hide it)."""
        w = self.window
        notes = list(w.archive.warnings)
        if w.archive.read_only and w.archive.on_server:
            notes.insert(0, TEAM_READER_NOTE if w.archive.role == "reader" else REPLICA_NOTE)
        elif w.archive.read_only:
            notes.insert(0, READ_ONLY_NOTE)
        suggestions = []
        hint = None if w.archive.read_only else self._engine_hint()
        if hint:
            suggestions.append(hint)
        w.notice_bar.show_notes(notes, suggestions=suggestions)
        w.read_only_label.setVisible(w.archive.read_only)
        w.setWindowTitle(w.archive_title())
        w.update_actions()

    # --- Upkeep in the background -------------------------------------------------------

    def analyse_in_background(self) -> Job | None:
        """Compute the features related pieces need for clippings that have none yet
        (new ones, or all of an archive from an older version) and mark older clippings
        for their copies: a background job with progress."""
        w = self.window
        if not w.analysing or w.archive.read_only or not upkeep_due(w.archive):
            return None  # a read-only archive cannot store them
        job = Job("Finding related pieces", compute_missing_features, w.archive)
        job.resumable = True
        job.failed.connect(w.job_status.on_job_failed)
        return w.jobs.submit(job)

    def tidy_in_background(self) -> Job | None:
        """Merge the search index's small segments after an import, in the background."""
        w = self.window
        if w.archive.read_only:
            return None
        job = Job("Tidying the search index", w.archive.tidy_index)
        job.resumable = True
        job.failed.connect(w.job_status.on_job_failed)
        return w.jobs.submit(job)

    # --- Checking -----------------------------------------------------------------------

    def check_archive(self, *, repair: bool = False) -> Job:
        """Tools › Check Archive…: check (or repair, then check) in the background; the
        result, with a Repair button when something can be fixed, when done."""
        w = self.window
        archive = w.archive

        def run(report: Any, cancel: Any) -> tuple[list[str], list[CheckProblem]]:
            repaired = archive.repair(report=report) if repair else []
            return repaired, archive.check(report=report)

        job = Job("Repairing the archive" if repair else "Checking the archive", run)
        job.finished.connect(self._on_check_job_finished)
        job.failed.connect(w.job_status.on_job_failed)
        return w.jobs.submit(job)

    @Slot(object)
    def _on_check_job_finished(self, result: tuple[list[str], list[CheckProblem]]) -> None:
        w = self.window
        repaired, problems = result
        if repaired:
            w.catch_up()
        if show_check_result(w, problems, repaired=repaired, can_repair=not w.archive.read_only):
            w.check_archive(repair=True)

    # --- Preferences, the search engine -------------------------------------------------

    def _engine_hint_key(self) -> str:
        archive = self.window.archive
        path = archive.location if archive.on_server else str(archive.path.resolve())
        return f"engineHintShown/{hashlib.sha256(path.encode()).hexdigest()[:16]}"

    def _engine_hint(self) -> str | None:
        """The one-time suggestion of tantivy for a large archive (None once shown)."""
        w = self.window
        if w.settings.value(self._engine_hint_key(), False, type=bool):
            return None
        hint = engine_hint(w.archive.engine, w.archive.count())
        if hint:
            w.settings.setValue(self._engine_hint_key(), True)
        return hint

    @Slot(str)
    def _on_notice_bar_link_activated(self, link: str) -> None:
        w = self.window
        if link == SWITCH_LINK:
            w.notice_bar.show_notes(w.notice_bar.notes)
            w.switch_engine("tantivy")

    def show_preferences(self) -> None:
        """Edit › Preferences…: the archive's settings; a new engine is switched to in
        the background."""
        w = self.window
        dialog = PreferencesDialog(
            w.archive.engine,
            w.archive.count(),
            read_only=w.archive.read_only,
            ocr_available=installed_languages(),
            ocr_chosen=w.archive.ocr_languages(),
            parent=w,
        )
        if not dialog.exec():
            return
        if dialog.ocr_languages_changed():
            try:
                w.archive.set_ocr_languages(dialog.chosen_ocr_languages())
            except (ClippingsError, ValueError) as error:
                QMessageBox.warning(w, "Preferences", f"The OCR languages were not saved: {error}")
        if dialog.chosen_engine() != w.archive.engine:
            w.switch_engine(dialog.chosen_engine())

    def switch_engine(self, engine: str) -> Job | None:
        """Build the archive's search index with another engine, in the background;
        searches use the old one until the new one is complete."""
        w = self.window
        if not w.writable():
            return None
        self._switching_to = engine
        job = Job(f"Switching search to {engine_name(engine)}", w.archive.switch_engine, engine)
        job.finished.connect(self._on_switch_job_finished)
        job.failed.connect(w.job_status.on_job_failed)
        return w.jobs.submit(job)

    @Slot(object)
    def _on_switch_job_finished(self, done: object) -> None:
        w = self.window
        name, current = engine_name(self._switching_to), engine_name(w.archive.engine)
        w.statusBar().showMessage(
            f"Searches now use {name}."
            if done
            else f"Switching to {name} was cancelled; searches use {current}.",
            10_000,
        )
