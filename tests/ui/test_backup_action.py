"""File › Back Up Archive…: a folder chosen, the backup made in the background, and said."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from clippings.services import Archive
from clippings.services.backup import suggested_name
from clippings.storage import DATABASE_NAME
from tests.conftest import add_clipping


@pytest.fixture(autouse=True)
def state_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


@pytest.fixture
def messages(monkeypatch):
    """What the window told the user in message boxes: (kind, title, text)."""
    shown: list[tuple[str, str, str]] = []
    for kind in ("information", "warning"):
        monkeypatch.setattr(
            QMessageBox,
            kind,
            staticmethod(
                lambda parent, title, text, *a, kind=kind: shown.append((kind, title, text))
            ),
        )
    return shown


def choose_folder(monkeypatch, folder) -> list[str]:
    asked: list[str] = []

    def answer(parent, caption, start, *args):
        asked.append(caption)
        return str(folder)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(answer))
    return asked


def back_up(qtbot, window) -> None:
    with qtbot.waitSignal(window.jobs.idle, timeout=60_000):
        window.findChild(QAction, "backUpArchive").trigger()


def test_back_up_archive_from_the_file_menu(qtbot, make_window, tmp_path, monkeypatch, messages):
    window = make_window()
    add_clipping(window.archive, "Talks resumed in Geneva. Both sides spoke of progress.")
    destination = tmp_path / "usb-stick"
    destination.mkdir()
    asked = choose_folder(monkeypatch, destination)

    back_up(qtbot, window)

    assert asked and "Back Up Archive" in asked[0]
    assert messages == [
        (
            "information",
            "Backup Made",
            f"Backed up 1 clipping and 1 original file to {destination}.\n\n"
            "To use the backup in place of this archive, open it with File › Open Archive…; "
            "its search index is rebuilt when it is first opened.",
        )
    ]
    assert str(destination) in window.statusBar().currentMessage()
    with Archive.open(destination) as copy:
        assert [h.clipping.title for h in copy.search("Geneva").hits] == ["Talks resumed in Geneva"]


def test_a_folder_that_holds_files_gets_a_dated_backup_inside(
    qtbot, make_window, tmp_path, monkeypatch, messages
):
    window = make_window()
    add_clipping(window.archive, "Markets fell sharply. Traders blamed the talks.")
    backups = tmp_path / "Backups"
    backups.mkdir()
    (backups / "notes.txt").write_text("older things")
    choose_folder(monkeypatch, backups)

    back_up(qtbot, window)

    made = backups / suggested_name()
    assert (made / DATABASE_NAME).is_file()
    assert messages[0][0] == "information" and str(made) in messages[0][2]


def test_cancel_and_errors_are_said_in_plain_words(
    qtbot, make_window, tmp_path, monkeypatch, messages
):
    window = make_window(inline=True)  # the job runs on this thread: cancel it mid-way
    for number in range(3):
        add_clipping(window.archive, f"Dispatch {number} from the summit. Round {number} began.")
    destination = tmp_path / "backup"
    destination.mkdir()
    choose_folder(monkeypatch, destination)

    def cancel_when_copying(job):
        job.progress.connect(lambda progress: progress.done and job.cancel())

    window.jobs.started.connect(cancel_when_copying)
    back_up(qtbot, window)
    window.jobs.started.disconnect(cancel_when_copying)
    assert messages == [("warning", "Clippings", "the backup was cancelled; nothing was kept")]
    assert list(destination.iterdir()) == []

    messages.clear()
    choose_folder(monkeypatch, window.archive.path / "originals")
    back_up(qtbot, window)
    assert len(messages) == 1 and messages[0][0] == "warning"
    assert "inside the archive: choose a folder outside it" in messages[0][2]
