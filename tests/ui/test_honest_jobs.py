"""The window never freezes, its jobs say what they are, and undo is honest."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from clippings.services import Archive
from clippings.ui.export_dialog import ExportRequest
from tests.conftest import add_clipping

TEXT = "The harbour reopened after the storm. Ferries run again from Monday."


@pytest.fixture
def messages(monkeypatch):
    """The texts of the message boxes the window shows (none is shown for real)."""
    shown: list[str] = []

    def warning(parent, title, text, *rest, **options):
        shown.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))
    return shown


@pytest.fixture
def three(make_window, tmp_path):
    archive = Archive.open(tmp_path / "archive")
    for number in range(3):
        add_clipping(archive, f"{TEXT} Report {number}.", title=f"Report {number}")
    window = make_window(archive, analyse=False)
    return window


def titles(window) -> list[str]:
    return [window.model.row_at(r).title for r in range(window.model.rowCount())]


# --- The index lock is never waited for on the GUI thread ---------------------------------


@contextmanager
def index_held(window):
    """Hold the archive's index lock on another thread, as an import's index batch does
    on its worker, for the time of the block."""
    held, release = threading.Event(), threading.Event()

    def hold_the_index() -> None:
        with window.archive.index.locked():
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold_the_index)
    holder.start()
    try:
        assert held.wait(10)
        yield
    finally:
        release.set()
        holder.join()


def test_tagging_while_the_index_is_held_returns_at_once_and_search_catches_up(qtbot, three):
    window = three
    window.search_bar.field.setText("tag:Weekly")
    window.search_bar.flush()
    assert titles(window) == []
    with index_held(window):
        first = window.archive.list()[0].id
        started = time.monotonic()
        window.tag_clippings([first], "Weekly")
        assert time.monotonic() - started < 2, "the window waited for the index"
        assert window.archive.get(first).tags == ("Weekly",)  # saved at once
        assert window.undo_stack.undoText() == "Tag 1 Clipping “Weekly”"
        assert window.archive.search("tag:Weekly").total == 0  # the index waits
    qtbot.waitUntil(lambda: window.archive.search("tag:Weekly").total == 1, timeout=10_000)
    qtbot.waitUntil(lambda: len(titles(window)) == 1, timeout=10_000)


def test_trash_and_edit_do_not_wait_for_the_index_either(qtbot, three):
    window = three
    with index_held(window):
        window.table.selectRow(0)
        doomed = window.selected_ids()
        started = time.monotonic()
        window.trash_selection()
        window.undo_action.trigger()
        window.redo_action.trigger()
        assert time.monotonic() - started < 2, "the window waited for the index"
        assert window.model.rowCount() == 2 and window.archive.count(trashed=True) == 1
    qtbot.waitUntil(lambda: window.archive.search("Report").total == 2, timeout=10_000)
    assert doomed[0] not in [h.clipping.id for h in window.archive.search("Report").hits]


# --- Each job by what it does -------------------------------------------------------------


def test_the_status_bar_names_each_job_by_what_it_does(qtbot, three, tmp_path, monkeypatch):
    window = three
    label = window.job_status.job_label
    shown: list[str] = []
    set_text = label.setText
    monkeypatch.setattr(label, "setText", lambda text: (shown.append(text), set_text(text)))
    scope = window.export_scopes()[0]
    request = ExportRequest(scope, "pdf", tmp_path / "review.pdf", force=False)
    with qtbot.waitSignal(window.jobs.idle, timeout=60_000):
        window.start_export(request)
    assert (tmp_path / "review.pdf").is_file()
    assert shown and all(text.startswith("Exporting…") for text in shown), shown
    assert "Report" in label.toolTip()  # what the step does, for who wants to know

    # An export queued behind an import, and a backup behind it: each says what it does.
    folder = tmp_path / "in"
    folder.mkdir()
    for number in range(3):
        (folder / f"news-{number}.txt").write_text(
            f"Storm news {number}\n\nThe storm closed the port for a day. Report {number}.",
            encoding="utf-8",
        )
    shown.clear()
    monkeypatch.setattr(
        QFileDialog, "getExistingDirectory", staticmethod(lambda *a: str(tmp_path / "backup"))
    )
    said: list[str] = []
    for kind in ("information", "warning"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(lambda p, t, text, *a: said.append(t)))
    with qtbot.waitSignal(window.jobs.idle, timeout=60_000):
        window.import_paths([folder])
        window.start_export(ExportRequest(scope, "pdf", tmp_path / "again.pdf", force=False))
        window.back_up_archive()
    if window.summary_dialog:
        window.summary_dialog.close()
    assert (tmp_path / "again.pdf").is_file() and said == ["Backup Made"]
    kinds = [text.split("…")[0].split(" ")[0] for text in shown if not text.startswith("Fin")]
    assert kinds[0] == "Importing" and "Exporting" in kinds and "Backing" in kinds
    assert kinds.index("Backing") > kinds.index("Exporting") > kinds.index("Importing")
    imports = [t for t in shown if t.startswith("Importing")]
    assert all(t.startswith(("Importing news-", "Importing…")) for t in imports), imports
    assert any(t.startswith("Finishing the import…") for t in shown)
    assert not any("Importing" in t and ("Laying" in t or "Writing" in t) for t in shown)
    assert any(t.startswith("Backing up…") for t in shown)

    shown.clear()
    window.analysing = True
    with qtbot.waitSignal(window.jobs.idle, timeout=60_000):
        assert window.analyse_in_background() is not None
    assert shown and all(text.startswith("Finding related pieces…") for text in shown), shown
    assert not any("Importing" in text for text in shown)


# --- Undo offers only what happened -------------------------------------------------------


def test_a_failed_remove_tag_is_a_plain_message_and_never_undone(
    qtbot, three, messages, capfd, monkeypatch
):
    window = three
    window.archive.create_tag("Elsewhere")
    window.refresh_all()
    window.table.selectRow(0)
    ids = window.selected_ids()
    from clippings.ui import dialogs

    monkeypatch.setattr(dialogs.TagDialog, "exec", lambda d: True)
    monkeypatch.setattr(dialogs.TagDialog, "name", lambda d: "Elsewhere")
    window.untag_action.trigger()  # the clipping has no such tag
    monkeypatch.setattr(dialogs.TagDialog, "name", lambda d: "Nowhere")
    window.untag_action.trigger()  # the archive has no such tag
    assert messages == [
        "This clipping has no tag “Elsewhere”: nothing was removed.",
        "there is no tag 'Nowhere'",
    ]
    assert window.undo_stack.count() == 0
    assert not window.undo_action.isEnabled()
    window.tag_clippings(ids, "Kept")
    assert window.undo_action.text().endswith("Tag 1 Clipping “Kept”")
    err = capfd.readouterr().err
    assert "Error calling Python override" not in err and "Traceback" not in err


def test_a_command_whose_redo_breaks_leaves_the_undo_stack(qtbot, three, messages, capfd):
    window = three
    window.table.selectRow(0)
    ids = window.selected_ids()
    window.tag_clippings(ids, "Kept")
    assert window.undo_stack.count() == 1

    def broken(*args, **options):
        raise RuntimeError("the database went away")

    window.archive.undo_tag_change = broken  # a bug, not a refusal
    window.undo_action.trigger()
    assert len(messages) == 1 and "the database went away" in messages[0]
    assert "Error calling Python override" not in messages[0]
    assert window.undo_stack.count() == 0 and not window.undo_action.isEnabled()
    assert "Error calling Python override" not in capfd.readouterr().err


def test_tagging_clippings_that_have_the_tag_offers_nothing_to_undo(qtbot, three):
    window = three
    window.table.selectRow(0)
    ids = window.selected_ids()
    window.tag_clippings(ids, "Kept")
    window.tag_clippings(ids, "Kept")
    assert window.undo_stack.count() == 1
    assert "already has the tag “Kept”" in window.statusBar().currentMessage()


# --- Feedback -----------------------------------------------------------------------------


def test_moving_to_the_trash_says_so_with_the_undo_key(qtbot, three):
    window = three
    window.table.selectAll()
    window.trash_selection()
    assert window.statusBar().currentMessage() == (
        "Moved 3 clippings to the Trash — Undo with Ctrl+Z"
    )
    window.undo_action.trigger()
    window.table.selectRow(0)
    window.trash_selection()
    assert window.statusBar().currentMessage() == "Moved 1 clipping to the Trash — Undo with Ctrl+Z"
    window.show_trash()
    window.table.selectAll()
    window.restore_selection()
    assert window.statusBar().currentMessage() == "Restored 1 clipping from the Trash"


def test_a_failed_open_original_says_why(qtbot, three, messages, monkeypatch):
    window = three
    clipping = window.archive.list()[0]
    window.archive.original_path(clipping.id).unlink()
    assert window.open_original(clipping.id) is None
    assert len(messages) == 1
    assert f"original file of “{clipping.title}”" in messages[0] and "missing" in messages[0]

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: False))
    other = window.archive.list()[1]
    copy = window.open_original(other.id)
    assert copy is not None and copy.is_file()
    assert "No program on this computer opens" in messages[1] and str(copy) in messages[1]
    assert QUrl.fromLocalFile(str(copy)).isLocalFile()


# --- Opening an archive off the GUI thread ------------------------------------------------


def test_the_window_shows_at_once_while_its_archive_opens(qtbot, tmp_path, settings):
    from clippings.model import Progress
    from clippings.ui.jobs import JobRunner
    from clippings.ui.main_window import MainWindow

    folder = tmp_path / "archive"
    with Archive.open(folder) as archive:
        add_clipping(archive, TEXT, title="Harbour reopens")
    may_finish = threading.Event()

    def slow_open(path, *, report):  # a migration or an index rebuild takes a while
        report(Progress(1, 4, "Rebuilding the search index"))
        assert may_finish.wait(30)
        return Archive.open(path, report=report)

    window = MainWindow(None, settings=settings, jobs=JobRunner(), open_archive=slow_open)
    qtbot.addWidget(window)
    window.show()
    job = window.archive_actions.open_in_background(folder)
    page = window.archive_actions.opening_page
    assert window.list_stack.currentWidget() is page
    assert f"Opening {folder}…" in page.label.text() and "Opening" in window.windowTitle()
    assert not window.menuBar().isEnabled() and not window.has_archive
    for key in (Qt.Key.Key_I, Qt.Key.Key_O, Qt.Key.Key_E, Qt.Key.Key_F, Qt.Key.Key_2):
        QTest.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)  # nothing happens
    QTest.keyClick(window.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: page.progress.maximum() == 4, timeout=10_000)
    assert page.step.text() == "Rebuilding the search index"
    with qtbot.waitSignal(job.ended, timeout=30_000):
        may_finish.set()
    assert window.has_archive and window.menuBar().isEnabled()
    assert titles(window) == ["Harbour reopens"]
    assert window.list_stack.currentWidget() is window.table
    window.jobs.wait()
    window.watch_timer.stop()
    window.catch_up_runner.wait()
    window.archive.close()


def test_files_given_at_start_are_imported_once_the_archive_is_open(qtbot, tmp_path, settings):
    # "Open with Clippings": the window opens its archive, then imports what it was given.
    from clippings.ui.jobs import JobRunner
    from clippings.ui.main_window import MainWindow

    page = tmp_path / "harbour.txt"
    page.write_text("Harbour reopens\n\n" + TEXT, encoding="utf-8")
    window = MainWindow(None, settings=settings, jobs=JobRunner())
    qtbot.addWidget(window)
    window.archive_actions.open_in_background(tmp_path / "archive")
    window.import_when_open([page])
    qtbot.waitUntil(lambda: window.has_archive and window.archive.count() == 1, timeout=30_000)
    qtbot.waitUntil(lambda: not window.jobs.pending, timeout=30_000)
    assert titles(window) == ["Harbour reopens"]
    window.watch_timer.stop()
    window.catch_up_runner.wait()
    window.archive.close()


def test_an_archive_that_cannot_be_opened_leaves_the_open_one(qtbot, three, tmp_path, messages):
    window = three
    before = window.archive
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "clippings.sqlite3").write_bytes(b"not a database at all" * 100)
    with qtbot.waitSignal(window.jobs.idle, timeout=30_000):
        assert window.switch_archive(foreign) is not None
    assert window.archive is before and window.menuBar().isEnabled()
    assert len(messages) == 1 and f"{foreign} cannot be opened" in messages[0]
    assert titles(window) == ["Report 2", "Report 1", "Report 0"] or len(titles(window)) == 3
    assert window.list_stack.currentWidget() is window.table


# --- Passwords in the import summary ------------------------------------------------------


def locked_pdf(path, password: str) -> None:
    """A one-page PDF with a text layer that opens only with ``password``."""
    import pikepdf

    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    lines = [
        "Harbour reopens after the storm",
        "The harbour reopened on Monday after a week of repairs to the quay.",
        "Ferries to the islands run again from the morning, the port authority said.",
    ]
    text = "".join(
        f"BT /F1 12 Tf 72 {720 - 20 * i} Td ({line}) Tj ET\n" for i, line in enumerate(lines)
    )
    page = pikepdf.Page(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, 612, 792],
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
            Contents=pdf.make_stream(text.encode("latin-1")),
        )
    )
    pdf.pages.append(page)
    pdf.save(path, encryption=pikepdf.Encryption(user=password, owner=password + "-owner"))


def test_a_locked_pdf_waits_for_its_password_then_counts_as_imported(
    qtbot, make_window, tmp_path, monkeypatch
):
    window = make_window(analyse=False)
    folder = tmp_path / "in"
    folder.mkdir()
    locked_pdf(folder / "locked.pdf", "secret")
    (folder / "plain.txt").write_text(
        "Ferries run again\n\nThe ferries to the islands run again from Monday morning.",
        encoding="utf-8",
    )
    asked: list[tuple[str, str, str]] = []

    def answer(parent, title, prompt, echo=None, text=""):
        summary = window.summary_dialog.browser.toPlainText()
        asked.append((prompt, summary, window.statusBar().currentMessage()))
        return ("secret", True)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(answer))
    with qtbot.waitSignal(window.jobs.idle, timeout=60_000):
        window.import_paths([folder / "locked.pdf", folder / "plain.txt"])
    qtbot.waitUntil(lambda: window.archive.count() == 2, timeout=60_000)
    qtbot.waitUntil(lambda: window.jobs.pending == 0, timeout=60_000)
    [(prompt, summary, status)] = asked
    assert "locked.pdf" in prompt and "password" in prompt
    assert "1 imported, 1 waiting for a password" in summary
    assert "Waiting for a password (1)" in summary and "locked.pdf" in summary
    assert "failed" not in summary.lower()
    assert status == "Import finished: 1 imported, 1 waiting for a password."
    final = window.summary_dialog.browser.toPlainText()
    assert "2 imported" in final and "failed" not in final.lower() and "waiting" not in final
    assert "Imported (2)" in final
    assert window.statusBar().currentMessage() == "Import finished: 2 imported."


def test_a_password_not_given_is_listed_as_failed(qtbot, make_window, tmp_path, monkeypatch):
    window = make_window(analyse=False)
    locked_pdf(tmp_path / "locked.pdf", "secret")
    (tmp_path / "plain.txt").write_text(
        "Ferries run again\n\nThe ferries to the islands run again from Monday morning.",
        encoding="utf-8",
    )
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("", False)))
    with qtbot.waitSignal(window.jobs.idle, timeout=60_000):
        window.import_paths([tmp_path / "locked.pdf", tmp_path / "plain.txt"])
    final = window.summary_dialog.browser.toPlainText()
    assert "1 imported, 1 failed" in final and "waiting" not in final
    assert window.statusBar().currentMessage() == "Import finished: 1 imported, 1 failed."


def test_a_first_archive_that_cannot_be_opened_says_why_and_ends(
    qtbot, tmp_path, settings, monkeypatch
):
    from clippings.ui.jobs import JobRunner
    from clippings.ui.main_window import MainWindow

    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "clippings.sqlite3").write_bytes(b"not a database at all" * 100)
    said: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda p, t, text, *a: said.append(text))
    )
    window = MainWindow(None, settings=settings, jobs=JobRunner())
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.archive_actions.start_failed, timeout=30_000):
        window.archive_actions.open_in_background(foreign)
    assert len(said) == 1 and said[0].startswith(f"Cannot open the archive {foreign}:")
    assert "not an SQLite database" in said[0]
    assert not window.has_archive
    window.jobs.wait()
    window.close()  # nothing to save or close
