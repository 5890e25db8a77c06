"""Copies out of the archive: File › Export… (and a tag's Export) and File › Back Up Archive….

Both run on the worker thread with progress and Cancel in the status bar.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox

from clippings.search import combine
from clippings.services.backup import BackupSummary, backup_archive, suggested_name
from clippings.services.exporting import export, gather
from clippings.ui.export_dialog import ExportDialog, ExportRequest, ExportScope
from clippings.ui.jobs import Job
from clippings.ui.wording import elide_words

if TYPE_CHECKING:
    from clippings.ui.main_window import MainWindow


class Exporting(QObject):
    """What File › Export offers, the export itself, and backups."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def tag_scope(self, tag: str) -> ExportScope:
        """A tag and the tags below it, as something to export."""
        return ExportScope(
            f"Tag “{tag}” and the tags below it",
            self.window.archive.count(tag=tag),
            title=tag,
            tag=tag,
        )

    def export_scopes(self) -> list[ExportScope]:
        """What File › Export offers: the selection, the search or tag shown, everything."""
        w = self.window
        model = w.model
        scopes = []
        selected = w.selected_ids()
        if len(selected) > 1:
            scopes.append(
                ExportScope(
                    "The selected clippings",
                    len(selected),
                    title="Selected clippings",
                    ids=tuple(selected),
                )
            )
        if model.searching:
            query = combine(model.query, model.filters)
            scopes.append(
                ExportScope(
                    f"The search “{query}”",
                    model.total_matches,
                    title=f"Search: {query}",
                    query=query,
                )
            )
        elif model.tag:
            scopes.append(self.tag_scope(model.tag))
        if len(selected) == 1:
            title = w.archive.get(selected[0]).title
            scopes.append(
                ExportScope(
                    f"The selected clipping “{elide_words(title, 50)}”",
                    1,
                    title=title,
                    ids=tuple(selected),
                )
            )
        if not w.trash_view:
            scopes.append(ExportScope("All clippings", w.archive.count(), title="All clippings"))
        return scopes

    def export_dialog(self, scopes: list[ExportScope]) -> ExportDialog | None:
        w = self.window
        folder = Path(str(w.settings.value("exportFolder") or Path.home()))
        dialog = ExportDialog(scopes, folder, w)
        w.last_export_dialog = dialog
        if not dialog.exec():
            return None
        w.start_export(dialog.request())
        return dialog

    def start_export(self, request: ExportRequest) -> Job:
        """Export on the worker thread, with progress and Cancel in the status bar."""
        w = self.window
        w.settings.setValue("exportFolder", str(request.output.parent))
        scope = request.scope
        archive = w.archive

        def run(report: Any, cancel: Any) -> Path:
            if scope.tag is None and scope.query is None and scope.ids is None:
                ids: Sequence[int] | None = [row.id for row in archive.list()]
            else:
                ids = scope.ids
            collection = gather(
                archive,
                tag=scope.tag,
                query=scope.query,
                ids=list(ids) if ids is not None else None,
                title=scope.title,
            )
            return export(
                archive,
                collection,
                request.format_name,
                request.output,
                force=request.force,
                report=report,
                cancel=cancel,
            )

        job = Job("Exporting", run)
        job.finished.connect(self._on_export_job_finished)
        job.failed.connect(w.job_status.on_job_failed)
        return w.jobs.submit(job)

    @Slot(object)
    def _on_export_job_finished(self, path: Path) -> None:
        self.window.last_export = path
        self.window.statusBar().showMessage(f"Exported to {path}", 15_000)

    def back_up_archive(self) -> Job | None:
        """File › Back Up Archive…: copy the open archive into a folder, in the
        background, with progress and Cancel in the status bar.

        An empty folder becomes the backup; a folder that holds files (the root of a
        disk, a Backups folder) gets a new one named for the day inside it.
        """
        w = self.window
        chosen = QFileDialog.getExistingDirectory(
            w, "Back Up Archive (choose an empty folder, or one to put it in)", str(Path.home())
        )
        if not chosen:
            return None
        destination = Path(chosen)
        try:
            holds_files = any(destination.iterdir())
        except OSError:  # unreadable: the backup itself says so, in plain words
            holds_files = False
        if holds_files:
            destination = destination / suggested_name()
        job = Job("Backing up", backup_archive, w.archive, destination)
        job.finished.connect(self._on_backup_job_finished)
        job.failed.connect(w.job_status.on_job_failed)
        return w.jobs.submit(job)

    @Slot(object)
    def _on_backup_job_finished(self, summary: BackupSummary) -> None:
        w = self.window
        w.statusBar().showMessage(f"Backed up to {summary.path}", 15_000)
        trashed = f" (and {summary.trashed} in the trash)" if summary.trashed else ""
        clippings = f"{summary.clippings} clipping{'s' if summary.clippings != 1 else ''}"
        files = f"{summary.originals} original file{'s' if summary.originals != 1 else ''}"
        message = (
            f"Backed up {clippings}{trashed} and {files} to {summary.path}."
            "\n\nTo use the backup in place of this archive, "
            "open it with File › Open Archive…; its search index is rebuilt when it is first "
            "opened."
        )
        if summary.problems:
            problems = "\n".join(f"• {p[0].upper()}{p[1:]}." for p in summary.problems)
            QMessageBox.warning(
                w,
                "Backup Made, With Problems",
                f"{message}\n\nThe archive itself has problems the backup shares:\n{problems}",
            )
        else:
            QMessageBox.information(w, "Backup Made", message)
