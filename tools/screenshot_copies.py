"""A screenshot of a clipping that keeps copies: a web page, its print-to-PDF (made by
Chromium) and a .docx of it, imported one after the other.

    xvfb-run -s "-screen 0 1400x900x24" .venv/bin/python tools/screenshot_copies.py [OUT]

Saves ``11-copies.png`` (the reading pane's "Also imported as") and
``12-copies-import-summary.png`` (the import's summary) in OUT (by default
docs/screenshots). The page is read from ../shared, never copied into the repository.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from shot_args import output_folder  # noqa: E402


def main() -> int:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from clippings.importers import extract_articles
    from clippings.services import Archive, import_paths
    from clippings.ui.jobs import JobRunner
    from clippings.ui.main_window import MainWindow
    from tools.make_print_pdfs import print_file
    from tools.screenshots import CORPUS, SIZE, shoot, wait_for

    out = output_folder(__doc__, REPO / "docs" / "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    work = Path(tempfile.mkdtemp(prefix="clippings-copies-"))
    folder = work / "files"
    folder.mkdir()
    page = folder / "surveillance-laws.html"
    shutil.copy(CORPUS / "readability/test-pages/herald-sun-1/source.html", page)
    printed = print_file(page, folder / "surveillance-laws.pdf")
    import docx  # python-docx, a test dependency

    [article] = extract_articles(page.read_bytes(), page.name)
    document = docx.Document()
    document.add_heading(article.title or "", level=1)
    for paragraph in article.text.split("\n\n"):
        document.add_paragraph(paragraph.strip())
    word = folder / "surveillance-laws.docx"
    document.save(str(word))

    archive = Archive.open(work / "archive")
    import_paths(archive, [page])
    archive.close()
    settings = QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Archive.open(work / "archive"), settings=settings, jobs=JobRunner())
    window.resize(*SIZE)
    window.show()
    window.import_paths([printed, word])
    while window.jobs.pending:
        app.processEvents()
    if window.summary_dialog:
        window.summary_dialog.show()
        app.processEvents()
        window.summary_dialog.grab().save(str(out / "12-copies-import-summary.png"))
        print(f"saved {out / '12-copies-import-summary.png'}")
        window.summary_dialog.close()
    window.refresh_all()
    window.table.selectRow(0)
    wait_for(app, lambda: "looking" not in window.related.title.text())
    shoot(window, out, "11-copies")
    window.close()
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
