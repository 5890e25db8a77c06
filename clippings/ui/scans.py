"""Scans and photos in the window: their pages beside the recognised text, and
Edit › Recognise Text (OCR) for clippings already stored.

The pages are rendered by the archive's extraction workers (``services.ocr``) on a
lookup thread, and shown only if their clipping is still the one being read. OCR runs
as a job with progress per page and Cancel; each clipping's new text is saved as it is
read, so cancelling keeps what was done.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QMessageBox

from clippings.model import ClippingsError, ImportResult
from clippings.services.ocr import page_images, recognise
from clippings.ui.jobs import Job

if TYPE_CHECKING:
    from clippings.ui.main_window import MainWindow

#: Pages shown at most beside a clipping's text (the original has them all).
SHOWN_PAGES = 12
RECOGNISING = "Recognising text"


class Scans(QObject):
    """The window's part that shows pages and runs OCR on stored clippings."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        window.reading.pages_wanted.connect(self.load_pages)

    @Slot(int)
    def load_pages(self, clipping_id: int) -> Job:
        """Render the clipping's pages off the GUI thread; the reading pane shows them
        if it still shows that clipping."""
        archive = self.window.archive

        def render(report: Any, cancel: Any) -> tuple[int, list[bytes], str]:
            try:
                pages = page_images(archive, clipping_id, max_pages=SHOWN_PAGES)
            except ClippingsError as error:
                return clipping_id, [], f"The pages cannot be shown: {error}"
            return clipping_id, pages, "" if pages else "This file has no pages to show."

        job = Job("Loading pages", render)
        job.finished.connect(self._on_pages_loaded)
        return self.window.lookups.submit(job)

    @Slot(object)
    def _on_pages_loaded(self, result: tuple[int, list[bytes], str]) -> None:
        clipping_id, pages, note = result
        self.window.reading.show_pages(clipping_id, pages, note)

    def recognise_selected(self) -> Job | None:
        """Edit › Recognise Text: OCR the selected scans and photos again, in the
        archive's OCR languages (Preferences), with progress and Cancel."""
        w = self.window
        ids = w.selected_ids()
        if not ids or not w.writable():
            return None
        options = w.archive.import_options()
        job = Job(RECOGNISING, recognise, w.archive, ids, options=options)
        job.finished.connect(self._on_recognised)
        job.failed.connect(w.job_status.on_job_failed)
        submitted: Job = w.jobs.submit(job)
        return submitted

    @Slot(object)
    def _on_recognised(self, results: list[ImportResult]) -> None:
        w = self.window
        done = [r for r in results if r.outcome == "imported"]
        other = [r for r in results if r.outcome != "imported"]
        w.after_change()
        message = f"Text recognised in {len(done)} clipping{'s' if len(done) != 1 else ''}."
        if not other:
            w.statusBar().showMessage(message, 10_000)
            return
        lines = "\n".join(f"• {r.path}: {r.reason}" for r in other[:20])
        more = f"\n…and {len(other) - 20} more." if len(other) > 20 else ""
        QMessageBox.information(w, "Recognise Text", f"{message}\n\nNot recognised:\n{lines}{more}")
