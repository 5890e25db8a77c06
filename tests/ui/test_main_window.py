"""The window as a user meets it: drop files, search, read, tag, trash, undo."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication, QInputDialog, QLabel, QMessageBox

from clippings.services import import_paths
from clippings.ui.clipping_model import CLIPPING_IDS_MIME, TITLE, SnippetRole


def drop(widget, mime: QMimeData, point: QPoint | None = None) -> QDropEvent:
    """Drag ``mime`` over ``widget`` and drop it, as a user's mouse would."""
    position = QPointF(point or widget.rect().center())
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    try:  # Qt 6.12 takes a QPointF and deprecates the QPoint form
        enter = QDragEnterEvent(position, actions, mime, buttons, modifiers)
    except TypeError:
        enter = QDragEnterEvent(position.toPoint(), actions, mime, buttons, modifiers)
    QApplication.sendEvent(widget, enter)
    event = QDropEvent(position, actions, mime, buttons, modifiers)
    QApplication.sendEvent(widget, event)
    return event


def file_mime(*paths) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def titles(window) -> list[str]:
    return [window.model.row_at(r).title for r in range(window.model.rowCount())]


def wait_for_import(qtbot, window, start):
    """Run ``start`` (which starts an import) and wait until the job has finished."""
    with qtbot.waitSignal(window.jobs.idle, timeout=60_000):
        start()
    if window.summary_dialog:
        window.summary_dialog.close()


@pytest.fixture
def stocked(qtbot, window, seed, corpus):
    """A window whose archive holds the seed and a few corpus articles."""
    folder = corpus / "ecbplus" / "text" / "2"
    import_paths(
        window.archive,
        [
            seed,
            folder / "2_1ecbplus.txt",
            folder / "2_2ecbplus.txt",
            corpus / "readability/test-pages/nytimes-1/source.html",
        ],
    )
    window.refresh_all()
    return window


def test_an_empty_archive_says_what_to_do(window):
    assert window.list_stack.currentWidget() is window.empty_state
    label = window.findChild(QLabel, "welcomeDrop")
    assert "Drop files or whole folders" in label.text()
    assert "Import Files" in window.empty_state.import_files_button.text()
    # The title names the archive's folder: the whole path, or (when long, as a test's
    # temporary folder under pytest-xdist is) its end after "…/".
    shown = window.windowTitle().removeprefix("Clippings — ")
    path = str(window.archive.path)
    assert shown == path or (shown.startswith("…/") and path.endswith(shown[1:])), shown
    assert shown.endswith(f"/{window.archive.path.name}")


def test_dropping_files_and_folders_imports_them_off_the_gui_thread(
    qtbot, window, seed, corpus, tmp_path
):
    folder = tmp_path / "press"
    folder.mkdir()
    shutil.copy(corpus / "readability/test-pages/nytimes-1/source.html", folder / "sudan.html")
    shutil.copy(corpus / "pdf/pdfminer.six/contrib/issue-00352-asw-oct96-p41.pdf", folder)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<")
    progress = []

    def start():
        event = drop(window, file_mime(seed, folder))
        assert event.isAccepted()
        window.jobs.current.progress.connect(progress.append)
        # The window is not blocked: the list and search still answer meanwhile.
        assert window.search_bar.isEnabled()

    wait_for_import(qtbot, window, start)
    assert window.list_stack.currentWidget() is window.table
    assert set(titles(window)) >= {"Losing the Cabin", "United States to Lift Sudan Sanctions"}
    assert window.model.rowCount() == 3
    assert progress and progress[-1].done == progress[-1].total == 4
    report = window.last_report
    assert [r.path.rsplit("/", 1)[1] for r in report.of("failed")] == ["broken.pdf"]
    assert "1 failed" in window.statusBar().currentMessage()
    assert "3 clippings" in window.count_label.text()


def test_import_summary_lists_duplicates_with_a_link(qtbot, window, seed):
    wait_for_import(qtbot, window, lambda: window.import_paths([seed]))
    first = window.last_report.results[0].id
    with qtbot.waitSignal(window.jobs.idle, timeout=30_000):
        window.import_paths([seed])
    dialog = window.summary_dialog
    assert dialog is not None and dialog.isVisible()
    assert f"clipping:{first}" in dialog.browser.toHtml()
    assert "Already in the archive" in dialog.browser.toPlainText()
    with qtbot.waitSignal(dialog.clipping_requested) as signal:
        dialog.browser.anchorClicked.emit(QUrl(f"clipping:{first}"))
    assert signal.args == [first]
    assert window.selected_ids() == [first]


def test_files_dropped_during_an_import_queue_behind_it(qtbot, window, corpus):
    folder = corpus / "ecbplus" / "text" / "4"
    with qtbot.waitSignal(window.jobs.idle, timeout=60_000):
        first = window.import_paths([folder])
        second = window.import_paths([corpus / "ecbplus" / "text" / "5" / "5_1ecb.txt"])
        assert window.jobs.pending == 2
        assert not second.cancelled and first is not second
    assert window.archive.count() > 5


def test_cancel_stops_an_import_and_keeps_what_is_in(qtbot, window, corpus):
    job = None

    def start():
        nonlocal job
        job = window.import_paths([corpus / "ecbplus" / "text"])
        job.progress.connect(lambda p: job.cancel() if p.done >= 3 else None)

    wait_for_import(qtbot, window, start)
    assert window.last_report.cancelled
    assert 3 <= window.archive.count() < 100


def test_paste_as_clipping_uses_the_importers(qtbot, window, seed):
    # setText, not setMimeData: the clipboard would own (and at exit free) our QMimeData.
    QGuiApplication.clipboard().setText(seed.read_text(encoding="utf-8"))
    wait_for_import(qtbot, window, window.paste_clipping)
    QGuiApplication.clipboard().clear()
    clipping = window.archive.get(window.last_report.results[0].id)
    assert clipping.format == "text" and "Listen Live" not in clipping.text

    page = QMimeData()
    page.setHtml(
        "<html><head><title>Harbour reopens</title></head><body><article>"
        + "<p>The harbour reopened on Monday after the storm, officials said.</p>" * 5
        + "</article></body></html>"
    )
    wait_for_import(qtbot, window, lambda: drop(window, page))
    clipping = window.archive.get(window.last_report.results[0].id)
    assert clipping.format == "html"
    assert clipping.title == "Harbour reopens"


def test_a_pdf_that_needs_a_password_asks_for_it(qtbot, window, corpus, tmp_path, monkeypatch):
    locked = tmp_path / "locked.pdf"
    shutil.copy(corpus / "pdf/pdfplumber/password-example.pdf", locked)
    asked = []

    def answer(parent, title, prompt, echo=None, text=""):
        asked.append(prompt)
        return ("test", True)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(answer))
    wait_for_import(qtbot, window, lambda: window.import_paths([locked]))
    qtbot.waitUntil(lambda: window.archive.count() == 1, timeout=30_000)
    assert asked and "password" in asked[0]


def test_search_filters_the_list_with_snippets_and_errors_inline(qtbot, stocked, seed):
    window = stocked
    window.search_bar.field.setText("Antonov")
    qtbot.waitUntil(lambda: window.model.searching, timeout=5000)
    assert titles(window) == [window.archive.get(window.model.id_at(0)).title]
    assert window.search_bar.count.text() == "1 found"
    snippet = window.model.index(0, TITLE).data(SnippetRole)
    assert "<mark>Antonov</mark>" in snippet
    window.table.selectRow(0)
    assert "<mark>Antonov</mark>" in window.archive.reading_html(window.reading.clipping, "Antonov")
    assert "Antonov" in window.reading.browser.toPlainText()

    window.search_bar.field.setText("colour:red")
    window.search_bar.flush()
    assert window.search_bar.error.isVisible()
    assert "unknown field" in window.search_bar.error.text()
    # Not the last good result and its count beside the message: no result for it.
    assert window.model.rowCount() == 0
    assert window.search_bar.count.text() == "No result"
    assert window.list_stack.currentWidget() is window.no_results
    assert "cannot be read" in window.no_results.text()

    window.search_bar.field.clear()
    window.search_bar.flush()
    assert not window.search_bar.error.isVisible()
    assert window.model.rowCount() == 4


def test_filters_and_saved_searches(qtbot, stocked, monkeypatch):
    window = stocked
    combo = window.search_bar.language
    combo.setCurrentIndex(combo.findData("en"))
    assert window.model.searching and window.model.rowCount() == 4
    window.search_bar.field.setText("DeGeneres")
    window.search_bar.flush()
    assert window.model.rowCount() == 2
    monkeypatch.setattr(
        QInputDialog, "getText", staticmethod(lambda *a, **k: ("Oscar hosts", True))
    )
    window.search_bar.save_requested.emit()
    assert [s.name for s in window.archive.saved_searches()] == ["Oscar hosts"]
    item = window.sidebar.saved_header.child(0)
    assert item.text(0) == "Oscar hosts"
    window.show_all()
    assert window.model.rowCount() == 4
    window.sidebar.itemClicked.emit(item, 0)
    assert window.search_bar.query() == "DeGeneres"
    assert window.model.rowCount() == 2


def test_reading_pane_shows_metadata_and_fetches_nothing(qtbot, stocked):
    window = stocked
    ids = [window.model.id_at(r) for r in range(window.model.rowCount())]
    for clipping_id in ids:
        window.select_clipping(clipping_id)
        shown = window.reading.browser.toPlainText()
        clipping = window.archive.get(clipping_id)
        assert clipping.title in shown
        if clipping.outlet:
            assert clipping.outlet in shown
    assert window.reading.browser.requested == []
    # A page that tries to load remote images and scripts still fetches nothing.
    window.reading.browser.setHtml(
        "<img src='http://tracker.example/pixel.gif'><script src='https://x.example/a.js'>"
        "</script><link rel=stylesheet href='http://x.example/s.css'><p>text</p>"
    )
    assert all("example" in url for url in window.reading.browser.requested)
    assert window.reading.browser.loadResource(2, QUrl("http://tracker.example/p.gif")) is None


def test_edit_metadata_is_saved_reindexed_and_marked(qtbot, stocked, monkeypatch, seed):
    window = stocked
    seed_id = next(i for i in range(1, 10) if window.archive.get(i).original_name == seed.name)
    window.select_clipping(seed_id)
    assert "made up from the text" in window.reading.browser.toPlainText()
    from clippings.ui import dialogs

    def fake_exec(dialog):
        dialog.editors["title"].setText("Antonov on relations")
        dialog.editors["published"].setText("2021-07-25T08:05+03:00")
        dialog.notes.setPlainText("for the weekly review")
        return True

    monkeypatch.setattr(dialogs.EditMetadataDialog, "exec", fake_exec)
    window.edit_action.trigger()
    clipping = window.archive.get(seed_id)
    assert clipping.title == "Antonov on relations"
    assert clipping.provenance["title"] == "user"
    assert clipping.notes == "for the weekly review"
    assert "Antonov on relations" in window.reading.browser.toPlainText()
    # The index catches up on a worker thread.
    qtbot.waitUntil(lambda: window.archive.search("title:relations").total == 1, timeout=10_000)


def test_rename_outlet_reaches_every_clipping_of_it(qtbot, stocked, monkeypatch):
    from clippings.ui import dialogs

    window = stocked
    times = next(i for i in range(1, 10) if window.archive.get(i).original_name == "source.html")
    old = window.archive.get(times).outlet
    assert old
    window.select_clipping(times)
    offered = []

    def fake_exec(dialog):
        offered.extend(dialog.choice.itemData(i) for i in range(dialog.choice.count()))
        assert dialog.old_name() == old  # the selected clipping's outlet, to start
        dialog.field.setText("  The New York Times ")
        return True

    monkeypatch.setattr(dialogs.OutletRenameDialog, "exec", fake_exec)
    assert window.rename_outlet_action.isEnabled()
    window.rename_outlet_action.trigger()
    assert old in offered
    assert window.archive.get(times).outlet == "The New York Times"
    assert "The New York Times" in window.reading.browser.toPlainText()
    assert "is now “The New York Times”" in window.statusBar().currentMessage()
    qtbot.waitUntil(  # the index catches up on a worker thread
        lambda: window.archive.search('outlet:"The New York Times"').total == 1, timeout=10_000
    )
    # The edit dialog completes the archive's outlets.
    dialog = dialogs.EditMetadataDialog(
        window.archive.get(times), outlets=[n for n, _ in window.archive.outlets()]
    )
    qtbot.addWidget(dialog)
    completer = dialog.editors["outlet"].completer()
    assert completer is not None
    assert "The New York Times" in completer.model().stringList()


def test_edit_dialog_refuses_an_unreadable_date(qtbot, stocked):
    from clippings.ui.dialogs import EditMetadataDialog

    dialog = EditMetadataDialog(stocked.archive.get(1))
    qtbot.addWidget(dialog)
    dialog.editors["published"].setText("next Tuesday")
    dialog.accept()
    assert dialog.result() == 0 and "cannot read the date" in dialog.error.text()


def test_open_original_hands_over_a_read_only_copy(qtbot, stocked, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    opened = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True)
    )
    window = stocked
    window.table.selectRow(0)
    clipping = window.reading.clipping
    copy = window.open_original(clipping.id)
    assert copy.name == clipping.original_name
    assert copy.read_bytes() == window.archive.original(clipping.id)
    assert copy != window.archive.original_path(clipping.id)
    assert not copy.stat().st_mode & 0o222
    assert opened and opened[0].toLocalFile() == str(copy)


def test_tagging_by_drag_onto_the_sidebar_and_undo(qtbot, stocked):
    window = stocked
    window.archive.create_tag("Russia/US relations")
    window.refresh_all()
    window.table.selectAll()
    ids = window.selected_ids()
    mime = window.model.mimeData(window.table.selectionModel().selectedRows())
    assert mime.hasFormat(CLIPPING_IDS_MIME)
    item = window.sidebar.tag_items["Russia/US relations"]
    window.sidebar.expandAll()
    point = window.sidebar.visualItemRect(item).center()
    drop(window.sidebar.viewport(), mime, point)
    assert window.archive.count(tag="Russia") == len(ids) == 4
    assert "(4)" in window.sidebar.tag_items["Russia"].text(0)
    window.undo_action.trigger()
    assert window.archive.count(tag="Russia") == 0
    window.redo_action.trigger()
    assert window.archive.count(tag="Russia") == 4


def test_tagging_with_ctrl_t_and_filtering_by_a_sidebar_tag(qtbot, stocked, monkeypatch):
    window = stocked
    from clippings.ui import dialogs

    window.table.selectRow(0)
    first = window.selected_ids()
    monkeypatch.setattr(dialogs.TagDialog, "exec", lambda d: True)
    monkeypatch.setattr(dialogs.TagDialog, "name", lambda d: "Weekly review")
    assert window.tag_action.shortcut().toString() == "Ctrl+T"
    window.tag_action.trigger()
    assert window.archive.count(tag="Weekly review") == 1
    window.sidebar.itemClicked.emit(window.sidebar.tag_items["Weekly review"], 0)
    assert [window.model.id_at(r) for r in range(window.model.rowCount())] == first
    window.show_all()
    assert window.model.rowCount() == 4


def test_tag_management_from_the_sidebar(qtbot, stocked, monkeypatch):
    window = stocked
    window.archive.add_tag([1, 2], "Russia")
    window.refresh_all()
    monkeypatch.setattr(
        QInputDialog, "getText", staticmethod(lambda *a, **k: ("Russian Federation", True))
    )
    window.sidebar.tag_action_requested.emit("rename", "Russia")
    assert "Russian Federation" in window.sidebar.tag_items
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes)
    )
    window.sidebar.tag_action_requested.emit("delete", "Russian Federation")
    assert window.sidebar.tag_items == {}
    assert window.archive.count() == 4


def test_trash_restore_and_undo(qtbot, stocked):
    window = stocked
    window.table.selectRow(0)
    doomed = window.selected_ids()
    assert window.trash_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Delete)
    window.trash_action.trigger()
    assert window.model.rowCount() == 3
    assert doomed[0] not in [window.model.id_at(r) for r in range(3)]
    assert "Trash (1)" in window.sidebar.trash_item.text(0)
    window.undo_action.trigger()
    assert window.model.rowCount() == 4 and window.archive.count(trashed=True) == 0
    window.redo_action.trigger()
    window.show_trash()
    assert [window.model.id_at(r) for r in range(window.model.rowCount())] == doomed
    window.table.selectRow(0)
    window.restore_action.trigger()
    assert window.archive.count(trashed=True) == 0
    assert window.archive.count() == 4


def test_settings_persist_geometry_columns_and_sort(qtbot, make_window, stocked, settings):
    window = stocked
    window.resize(1000, 540)
    window.table.horizontalHeader().resizeSection(1, 222)
    window.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    window.splitter.setSizes([150, 700, 400])
    window.close()
    again = make_window(window.archive.__class__.open(window.archive.path))
    # The offscreen screen is 800 pixels wide: Qt keeps the window on it, so only the
    # height is restored exactly here.
    assert again.size().height() == 540
    assert settings.value("window/geometry")
    assert again.table.horizontalHeader().sectionSize(1) == 222
    assert again.table.horizontalHeader().sortIndicatorSection() == 2
    assert again.model.sort_key == "title" and not again.model.descending
    assert settings.value("lastArchive") == str(window.archive.path)


def test_keyboard_shortcuts_are_in_the_menus(window):
    shortcuts = {
        a.objectName(): a.shortcut().toString()
        for a in window.findChildren(QAction)
        if a.objectName()
    }
    assert shortcuts["importFiles"] == "Ctrl+I"
    assert shortcuts["find"] == "Ctrl+F"
    assert shortcuts["tagSelection"] == "Ctrl+T"
    assert shortcuts["pasteClipping"] == "Ctrl+Shift+V"
    assert shortcuts["undo"] == "Ctrl+Z"
    window.activateWindow()
    window.findChild(QAction, "find").trigger()
    assert window.search_bar.field.hasFocus()


def test_files_dropped_on_the_search_field_import_rather_than_type(qtbot, window, seed):
    wait_for_import(qtbot, window, lambda: drop(window.search_bar.field, file_mime(seed)))
    assert window.search_bar.field.text() == ""
    assert window.archive.count() == 1


def test_export_from_a_tags_context_menu(qtbot, stocked, tmp_path, monkeypatch):
    import csv

    from clippings.ui import export_dialog

    window = stocked
    window.archive.add_tag([1, 2, 3], "Review/Week 30")
    window.refresh_all()
    seen = {}

    def fake_exec(dialog):
        seen["scopes"] = [(s.label, s.count) for s in dialog.scopes]
        seen["suggested"] = dialog.path.text()
        dialog.format.setCurrentIndex(dialog.format.findData("csv"))
        dialog.path.setText(str(tmp_path / "week.csv"))
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(export_dialog.ExportDialog, "exec", fake_exec)
    with qtbot.waitSignal(window.jobs.idle, timeout=30_000):
        window.sidebar.tag_action_requested.emit("export", "Review")
    assert seen["scopes"] == [("Tag “Review” and the tags below it", 3)]
    assert seen["suggested"].endswith("Review.zip")
    rows = list(csv.DictReader((tmp_path / "week.csv").open(encoding="utf-8")))
    assert len(rows) == 3
    assert window.last_export == tmp_path / "week.csv"
    assert "Exported to" in window.statusBar().currentMessage()


def test_export_offers_the_selection_search_and_everything(qtbot, stocked):
    window = stocked
    window.search_bar.field.setText("DeGeneres")
    window.search_bar.flush()
    window.table.selectAll()
    labels = [(s.label, s.count) for s in window.export_scopes()]
    assert labels == [
        ("The selected clippings", 2),
        ("The search “DeGeneres”", 2),
        ("All clippings", 4),
    ]


def test_long_snippets_are_cut_to_what_a_row_shows():
    from clippings.ui.delegates import trim_marked

    snippet = "word " * 10 + "<mark>Antonov</mark> said &amp; more " + "filler " * 40
    cut = trim_marked(snippet, 80)
    assert cut.count("<mark>") == cut.count("</mark>") == 1
    assert cut.endswith("…") and len(cut) < 120
    assert trim_marked("<mark>" + "x" * 200 + "</mark>", 20).endswith("</mark>")
