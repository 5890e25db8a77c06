"""Scans in the window: the page beside the recognised text, Edit › Recognise Text, and
the OCR languages in Preferences."""

from __future__ import annotations

from PySide6.QtCore import Qt

from clippings.services import Archive, import_paths
from clippings.ui.preferences import PreferencesDialog
from tests.importers.samples_ocr import contract_sample, pdf_of, render_page


def _archive_with(tmp_path, name, data):
    archive = Archive.open(tmp_path / "archive")
    path = tmp_path / name
    path.write_bytes(data)
    report = import_paths(archive, [path])
    assert [r.outcome for r in report.results] == ["imported"], report.results
    return archive


def test_a_scanned_clipping_shows_its_page_beside_the_recognised_text(
    make_window, qtbot, tmp_path, corpus
):
    window = make_window(_archive_with(tmp_path, "clipping.png", contract_sample(corpus)))
    window.table.selectRow(0)
    qtbot.waitUntil(lambda: len(window.reading.pages.pixmaps) == 1, timeout=30_000)
    pane = window.reading
    assert pane.pages.isVisible()
    assert pane.pages.pixmaps[0].width() > 500  # the page itself, not an icon
    shown = pane.browser.toPlainText()
    assert "Text recognised in the image (OCR)" in shown
    assert "mean confidence" in shown
    assert "bullet" in shown.lower()  # the recognised headline and text


def test_a_text_clipping_shows_no_page_view(make_window, qtbot, tmp_path):
    window = make_window(_archive_with(tmp_path, "note.txt", b"Floods closed the railway.\n"))
    window.table.selectRow(0)
    assert window.reading.clipping is not None
    assert not window.reading.pages.isVisible()


def test_recognise_text_reads_a_stored_scan_again_in_the_chosen_languages(
    make_window, qtbot, tmp_path
):
    page = render_page(
        "Die Regierung hat am Montag neue Maßnahmen für die Städte beschlossen.\n\n"
        "Die Bürgermeister begrüßten die Entscheidung über die Förderung.",
        "deu",
        title="Neue Maßnahmen für Städte",
    )
    archive = _archive_with(tmp_path, "scan.pdf", pdf_of([page]))
    archive.set_ocr_languages(["deu"])
    window = make_window(archive, inline=True)
    window.table.selectRow(0)
    assert window.recognise_action.isEnabled()
    window.recognise_selected()
    window.jobs.wait()
    qtbot.waitUntil(lambda: "recognised in 1 clipping" in window.statusBar().currentMessage())
    clipping = window.archive.get(window.selected_ids()[0])
    assert clipping.provenance.get("ocr_languages") == "deu"
    assert "Bürgermeister" in clipping.text


def test_preferences_choose_the_ocr_languages(qtbot):
    dialog = PreferencesDialog(
        "whoosh", 3, read_only=False, ocr_available=("eng", "deu", "rus"), ocr_chosen=()
    )
    qtbot.addWidget(dialog)
    assert dialog.ocr_automatic.isChecked()
    assert not dialog.ocr_languages.isEnabled()
    assert dialog.chosen_ocr_languages() == ()
    dialog.ocr_listed.setChecked(True)
    assert dialog.ocr_languages.isEnabled()
    labels = [dialog.ocr_languages.item(n).text() for n in range(dialog.ocr_languages.count())]
    assert labels == ["English (eng)", "German (deu)", "Russian (rus)"]
    dialog.ocr_languages.item(1).setCheckState(Qt.CheckState.Checked)
    dialog.ocr_languages.item(2).setCheckState(Qt.CheckState.Checked)
    assert dialog.chosen_ocr_languages() == ("deu", "rus")
    assert dialog.ocr_languages_changed()


def test_the_archive_keeps_its_ocr_languages_for_imports(tmp_path):
    archive = Archive.open(tmp_path / "a")
    try:
        assert archive.ocr_languages() == ()
        archive.set_ocr_languages(["deu", "eng", "deu"])
        assert archive.ocr_languages() == ("deu", "eng")
        assert archive.import_options().ocr_languages == ("deu", "eng")
        assert archive.import_options(ocr_languages=["fra"]).ocr_languages == ("fra",)
        archive.set_ocr_languages([])
        assert archive.import_options().ocr_languages == ()
    finally:
        archive.close()
    again = Archive.open(tmp_path / "a")
    try:
        assert again.ocr_languages() == ()
    finally:
        again.close()
