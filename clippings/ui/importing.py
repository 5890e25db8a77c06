"""Importing from the window: File › Import, paste, drag and drop, passwords, the summary.

The files are imported by ``services.import_paths`` on the worker thread (the
``JobRunner``); the window stays usable and shows the new clippings as they come.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMimeData, QObject, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit

from clippings.model import ImportReport
from clippings.services import accepted_formats, import_paths
from clippings.services.importing import import_bytes
from clippings.ui.dialogs import ImportSummaryDialog, summary_counts, summary_html
from clippings.ui.jobs import Job

if TYPE_CHECKING:
    from clippings.ui.main_window import MainWindow

#: The title of the window's import jobs (whose progress refreshes the list itself).
IMPORTING = "Importing"


def import_file_filter() -> str:
    """File › Import's file filter: every accepted format at once, then each on its own
    (from ``accepted_formats``, so a new importer shows up by itself), then all files."""
    formats = accepted_formats()

    def patterns(suffixes: Sequence[str]) -> str:
        return " ".join(f"*{suffix}" for suffix in suffixes)

    every = [suffix for _, suffixes in formats for suffix in suffixes]
    filters = [f"All articles ({patterns(every)})"]
    filters += [f"{label} ({patterns(suffixes)})" for label, suffixes in formats]
    filters.append("All files (*)")
    return ";;".join(filters)


class Importing(QObject):
    """What the window imports, and what it shows when an import ends."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        #: What the last import did, with what its password imports did since.
        self.summary: ImportReport | None = None
        #: The files of ``summary`` whose password is asked for (or being tried).
        self.waiting: list[str] = []

    def choose_files(self) -> None:
        w = self.window
        if not w.writable():
            return
        paths, _ = QFileDialog.getOpenFileNames(
            w, "Import Files", str(Path.home()), import_file_filter()
        )
        if paths:
            w.import_paths(paths)

    def choose_folder(self) -> None:
        w = self.window
        if not w.writable():
            return
        folder = QFileDialog.getExistingDirectory(w, "Import Folder", str(Path.home()))
        if folder:
            w.import_paths([folder])

    def import_paths(
        self, paths: Sequence[str | Path], passwords: dict[str, str] | None = None
    ) -> Job | None:
        """Import files and folders on the worker thread; the window stays usable.
        None when the archive is read-only."""
        w = self.window
        if not w.writable():
            return None
        job = Job(
            IMPORTING,
            import_paths,
            w.archive,
            [str(p) for p in paths],
            passwords=passwords,
            options=w.archive.import_options(),
        )
        job.finished.connect(self._on_import_job_finished)
        job.failed.connect(w.job_status.on_job_failed)
        return w.jobs.submit(job)

    def import_data(self, data: bytes, name: str) -> Job | None:
        """Import pasted or dropped text/HTML through the same importers (None when the
        archive is read-only)."""
        w = self.window
        if not w.writable():
            return None

        def run(report: Any, cancel: Any) -> ImportReport:
            options = w.archive.import_options()
            return ImportReport(results=tuple(import_bytes(w.archive, data, name, options=options)))

        job = Job(IMPORTING, run)
        job.finished.connect(self._on_import_job_finished)
        job.failed.connect(w.job_status.on_job_failed)
        return w.jobs.submit(job)

    def paste_clipping(self) -> None:
        w = self.window
        if not w.writable():
            return
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None or not self.import_mime(mime):
            w.statusBar().showMessage("The clipboard holds no text or web page to import.", 5000)

    def import_mime(self, mime: QMimeData) -> bool:
        """Import dropped or pasted files, HTML or text; False when there is none."""
        w = self.window
        if not w.writable():
            return False
        if mime.hasUrls() and any(url.isLocalFile() for url in mime.urls()):
            w.import_paths([url.toLocalFile() for url in mime.urls() if url.isLocalFile()])
            return True
        if mime.hasHtml() and mime.html().strip():
            w.import_data(mime.html().encode("utf-8"), "Pasted clipping.html")
            return True
        if mime.hasText() and mime.text().strip():
            w.import_data(mime.text().encode("utf-8"), "Pasted clipping.txt")
            return True
        return False

    @Slot(object)
    def _on_import_job_finished(self, report: ImportReport) -> None:
        w = self.window
        retried = self.summary is not None and all(r.path in self.waiting for r in report.results)
        if retried and report.results:
            self._merge(report)
        else:
            self.summary = report
            self.waiting = [r.path for r in report.results if r.needs_password]
        w.last_report = self.summary
        w.after_change()
        w.analyse_in_background()  # the new clippings' related pieces
        w.tidy_in_background()
        self._show_summary(opening=not retried)
        imported = report.of("imported")
        if len(imported) == 1 and imported[0].id is not None:
            w.select_clipping(imported[0].id)
        for result in report.results:
            if result.needs_password:
                wrong = retried or "wrong" in (result.reason or "").lower()
                self._ask_password(result.path, wrong=wrong)

    def _merge(self, report: ImportReport) -> None:
        """A password import's results take the place of the locked file's."""
        assert self.summary is not None
        again = {r.path: r for r in report.results}
        self.summary = ImportReport(
            results=tuple(again.get(r.path, r) for r in self.summary.results),
            cancelled=self.summary.cancelled,
        )
        self.waiting = [p for p in self.waiting if p not in again or again[p].needs_password]

    def _show_summary(self, *, opening: bool) -> None:
        """The status bar's counts and the summary dialog (opened when there is more to
        say than one file imported; kept up to date while passwords are asked)."""
        w = self.window
        report = self.summary
        if report is None:
            return
        shown = ImportReport(
            results=tuple(r for r in report.results if r.path not in self.waiting),
            cancelled=report.cancelled,
        )
        counts = summary_counts(shown)
        if self.waiting:
            counts += f", {len(self.waiting)} waiting for a password"
        w.statusBar().showMessage(f"Import finished: {counts}.", 10_000)
        page = summary_html(shown)
        if self.waiting:
            names = "".join(f"<li><b>{html.escape(Path(p).name)}</b></li>" for p in self.waiting)
            _, _, rest = page.partition("\n")
            page = (
                f"<p><b>{html.escape(counts)}.</b></p>\n"
                f"<h4>Waiting for a password ({len(self.waiting)})</h4><ul>{names}</ul>\n{rest}"
            )
        dialog = w.summary_dialog
        if dialog is not None and not opening and dialog.isVisible():
            dialog.report = report
            dialog.browser.setHtml(page)
        elif opening and (
            len(report.results) > 1 or any(r.outcome != "imported" for r in shown.results)
        ):
            w.summary_dialog = ImportSummaryDialog(report, w)
            w.summary_dialog.browser.setHtml(page)
            w.summary_dialog.clipping_requested.connect(w.select_clipping)
            w.summary_dialog.setModal(False)
            w.summary_dialog.show()

    def _ask_password(self, path: str, *, wrong: bool) -> None:
        prompt = f"“{Path(path).name}” is protected by a password."
        if wrong:
            prompt = f"That password did not open “{Path(path).name}”. Try again?"
        password, ok = QInputDialog.getText(
            self.window, "Password Needed", prompt, QLineEdit.EchoMode.Password
        )
        if ok and password:
            self.window.import_paths([path], passwords={path: password})
        else:  # not imported: the summary lists it as failed, with why
            self.waiting = [p for p in self.waiting if p != path]
            self._show_summary(opening=False)

    # --- Dropping files and text on the window ---------------------------------------

    def drag_enter(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if self.window.archive.read_only:
            event.ignore()  # the pointer says no; the bar above the list says why
        elif mime.hasUrls() or mime.hasHtml() or mime.hasText():
            event.acceptProposedAction()
        else:
            event.ignore()

    def drop(self, event: QDropEvent) -> None:
        if self.import_mime(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()
