"""The reading pane lists a clipping's copies (the same piece in other formats) and
opens each one."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from clippings.model import Extracted
from clippings.services.import_steps import store_extracted


def test_the_reading_pane_lists_the_copies_and_opens_one(qtbot, window, seed, monkeypatch):
    article = seed.read_text(encoding="utf-8")
    title = article.strip().splitlines()[0][:80]
    [page] = store_extracted(
        window.archive,
        [Extracted(text=article, title=title, format="html")],
        article.encode(),
        "article.html",
        shown="article.html",
    )
    printed_bytes = b"%PDF-1.7 the printed page\n"
    printed_text = "Menu Home World Sport\n\n" + article + "\n\nAll rights reserved."
    [printed] = store_extracted(
        window.archive,
        [Extracted(text=printed_text, title=title, format="pdf")],
        printed_bytes,
        "article.pdf",
        shown="article.pdf",
    )
    assert printed.outcome == "duplicate" and printed.kept_as_copy and printed.id == page.id

    opened = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True)
    )
    window.refresh_all()
    window.table.selectRow(0)
    pane = window.reading
    assert pane.clipping.id == page.id
    shown = pane.browser.toPlainText()
    assert "Also imported as: article.pdf (PDF)" in shown

    [copy] = pane.clipping.copies
    pane.browser.anchorClicked.emit(QUrl(f"copy:{copy.sha256}"))
    assert len(opened) == 1
    file = opened[0].toLocalFile()
    with open(file, "rb") as handle:
        assert handle.read() == printed_bytes
    assert file.endswith("article.pdf")


def test_the_import_summary_says_a_copy_is_kept():
    from clippings.model import ImportReport, ImportResult
    from clippings.ui.dialogs import summary_html

    report = ImportReport(
        (
            ImportResult("page.pdf", "duplicate", id=3, kept_as_copy=True),
            ImportResult("page.html", "duplicate", id=3),
        )
    )
    shown = summary_html(report)
    assert "page.pdf" in shown
    assert "in another format: kept as another original of it" in shown
    assert shown.count("kept as another original") == 1
