"""A screenshot of the import summary for a folder with non-articles beside the articles.

    xvfb-run -s "-screen 0 1400x900x24" .venv/bin/python tools/screenshot_skipped.py [OUT]

Copies into a temporary folder what a press archivist's download folder holds: three
articles of the shared corpus (a text, a web page, a PDF) and the files that came with
them (the corpus's own JSON ground truth and TSV index, a licence, a README, an ECB+
token XML, an RSS feed, a script, a .tar.gz of pages); imports the folder in a real
window and saves the summary dialog as ``9-import-skipped.png``.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import tarfile
import tempfile
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

#: Name in the folder -> the corpus file it is a copy of.
FILES = {
    "antonov-interview.txt": SHARED / "seed" / "000_68045496e93c7aa0.txt",
    "sudan-sanctions.html": CORPUS / "readability/test-pages/nytimes-1/source.html",
    "losing-the-cabin.pdf": CORPUS / "pdf/pdfminer.six/contrib/issue-00352-asw-oct96-p41.pdf",
    "ground-truth.json": CORPUS / "aeb/ground-truth.json",
    "index.tsv": CORPUS / "ecbplus/index.tsv",
    "LICENSE": CORPUS / "aeb/LICENSE",
    "README.rst": CORPUS / "aeb/README.rst",
    "1_1ecb.xml": CORPUS / "ecbplus/xml-sample/ECB+/1/1_1ecb.xml",
    "aviaport-feed.xml": CORPUS / "encodings/chardet-tests/KOI8-R/aviaport.ru.xml",
    "downloaded-as.txt": CORPUS / "newspaper4k/metadata/arabic_article.json",
}

SCRIPT = """#!/usr/bin/env python3
import sys, urllib.request
for url in sys.argv[1:]:
    print(urllib.request.urlopen(url).read().decode())
"""


def make_folder(folder: Path) -> None:
    folder.mkdir(parents=True)
    for name, source in FILES.items():
        shutil.copy(source, folder / name)
    (folder / "fetch.py").write_text(SCRIPT, encoding="utf-8")
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as pages:
        pages.add(FILES["sudan-sanctions.html"], arcname="sudan-sanctions.html")
    (folder / "pages.tar.gz").write_bytes(buffer.getvalue())


def main() -> int:
    out = output_folder(__doc__, REPO / "docs" / "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    work = Path(tempfile.mkdtemp(prefix="clippings-skipped-"))
    folder = work / "Downloads" / "press"
    make_folder(folder)
    settings = QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Archive.open(work / "archive"), settings=settings, jobs=JobRunner())
    window.resize(1360, 820)
    window.show()
    window.import_paths([folder])
    while window.jobs.pending:
        app.processEvents()
    dialog = window.summary_dialog
    assert dialog is not None, "the import shows its summary"
    dialog.resize(900, 620)
    app.processEvents()
    path = out / "9-import-skipped.png"
    dialog.grab().save(str(path))
    print(f"saved {path}")
    for result in window.last_report.results:
        print(f"{result.outcome:9} {Path(result.path).name}: {result.reason or result.title}")
    dialog.close()
    window.close()
    window.archive.close()
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
