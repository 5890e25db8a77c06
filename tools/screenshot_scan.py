"""A screenshot of a scanned clipping open: its page beside the text OCR read from it.

    xvfb-run -s "-screen 0 1400x900x24" .venv/bin/python tools/screenshot_scan.py [OUT]

Sets a German article of the shared corpus on a page, spoils it as a phone camera would
(turned 1.5°, noise, JPEG at quality 60), imports the photo into a new archive in a real
window, selects it and saves the window as ``10-scan-open.png``.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED = Path(os.environ.get("CLIPPINGS_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from shot_args import output_folder  # noqa: E402

from clippings.services import Archive  # noqa: E402
from clippings.ui.jobs import JobRunner  # noqa: E402
from clippings.ui.main_window import MainWindow  # noqa: E402
from tests.importers.samples_ocr import article, degrade, render_page  # noqa: E402


def main() -> int:
    out = output_folder(__doc__, REPO / "docs" / "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    work = Path(tempfile.mkdtemp(prefix="clippings-scan-"))
    _, text = article(CORPUS, "deu", max_words=220)
    page = render_page(text, "deu", title="Die Bahn und das Wetter")
    photo = work / "Zeitungsausschnitt.jpg"
    photo.write_bytes(degrade(page, skew=1.5, noise=12, jpeg_quality=60))
    settings = QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Archive.open(work / "archive"), settings=settings, jobs=JobRunner())
    window.resize(1360, 820)
    window.show()
    window.import_paths([photo])
    while window.jobs.pending:
        app.processEvents()
    if window.summary_dialog is not None:
        window.summary_dialog.close()
    window.table.selectRow(0)
    deadline = time.monotonic() + 60
    while not window.reading.pages.pixmaps and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    # The reading side wide enough for a page beside its text, as a reader would drag it.
    window.splitter.setSizes([170, 400, 790])
    window.reading.splitter.setSizes([400, 390])
    for _ in range(20):
        app.processEvents()
    path = out / "10-scan-open.png"
    window.grab().save(str(path))
    print(f"saved {path}")
    window.close()
    window.archive.close()
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
