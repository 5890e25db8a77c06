"""A new user's first minutes: the welcome of an empty archive, Help › Open Sample
Archive, and Help › About."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QLabel

from clippings import __version__
from clippings.services import Archive
from clippings.services.sample import SAMPLE_FOLDER
from tests.conftest import add_clipping


@pytest.fixture
def data_home(monkeypatch, tmp_path):
    """The user's data folder (where the sample archive goes), in the test's folder."""
    home = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


@pytest.fixture
def opened_urls(monkeypatch):
    """What the window asked the system to open, instead of opening it."""
    urls = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: urls.append(url) or True)
    return urls


def action(window, name: str) -> QAction:
    found = window.findChild(QAction, name)
    assert found is not None, name
    return found


# --- The welcome ------------------------------------------------------------------------


def test_an_empty_archive_shows_the_welcome(window):
    welcome = window.empty_state
    assert window.list_stack.currentWidget() is welcome
    drop = welcome.findChild(QLabel, "welcomeDrop").text()
    for kind in ("folders", "web pages", "PDFs", "Word", "e-mails", "plain text", "OCR"):
        assert kind in drop
    search = welcome.findChild(QLabel, "welcomeSearch").text()
    assert "bridge collapse" in search and "Search Syntax" in search
    assert welcome.path_label.text() == str(window.archive.path)


def test_the_welcome_is_reachable_from_the_keyboard(window):
    welcome = window.empty_state
    for button in (
        welcome.sample_button,
        welcome.import_files_button,
        welcome.import_folder_button,
        welcome.open_folder_button,
    ):
        assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
        assert button.isVisibleTo(window)
    flags = welcome.path_label.textInteractionFlags()
    assert flags & Qt.TextInteractionFlag.TextSelectableByKeyboard


def test_open_folder_shows_the_archive_folder(window, opened_urls):
    window.empty_state.open_folder_button.click()
    assert [u.toLocalFile() for u in opened_urls] == [str(window.archive.path)]


def test_the_welcome_goes_once_there_is_a_clipping(window):
    add_clipping(window.archive, "A report about a bridge over a river.")
    window.refresh_all()
    assert window.list_stack.currentWidget() is window.table


def test_a_search_that_finds_nothing_says_so_instead_of_welcoming(window):
    window.search_bar.field.setText("bridge")
    window.search_bar.flush()
    assert window.list_stack.currentWidget() is window.no_results


def switch(qtbot, window, path) -> None:
    """Switch archives (a job) and wait until the window shows the new one and the work
    its opening started (catching up the index and the analysis) is done: switching
    again while work runs asks the user to wait, in a message box a test cannot close."""
    with qtbot.waitSignal(window.archive_actions.opened, timeout=30_000):
        assert window.switch_archive(path) is not None
    qtbot.waitUntil(lambda: not window.jobs.pending, timeout=60_000)


def test_the_welcome_names_the_archive_switched_to(qtbot, window, tmp_path):
    other = tmp_path / "other"
    switch(qtbot, window, other)
    assert window.list_stack.currentWidget() is window.empty_state
    assert window.empty_state.path_label.text() == str(other)


# --- The sample archive -----------------------------------------------------------------


def wait_for_sample(qtbot, window) -> None:
    qtbot.waitUntil(
        lambda: window.model.rowCount() == 9 and not window.jobs.pending, timeout=60_000
    )


def test_help_opens_the_sample_archive_and_fills_it_off_the_gui_thread(qtbot, window, data_home):
    own = window.archive.path
    started = []
    window.jobs.started.connect(lambda job: started.append(job.title))
    action(window, "openSampleArchive").trigger()
    sample = data_home / "clippings" / SAMPLE_FOLDER
    # Switching is a job; the articles are imported once the sample archive is open.
    qtbot.waitUntil(lambda: window.has_archive and window.archive.path == sample, timeout=30_000)
    assert SAMPLE_FOLDER in window.windowTitle()
    qtbot.waitUntil(lambda: "Importing" in started, timeout=30_000)
    assert started[0].startswith("Opening")  # the normal import job, with progress, after
    wait_for_sample(qtbot, window)
    assert window.archive.count(tag="Kestrel Valley") == 4
    assert "Kestrel Valley" in window.sidebar.tag_items
    assert "sample archive is ready" in window.statusBar().currentMessage()
    assert window.list_stack.currentWidget() is window.table
    assert window.settings.value("lastArchive") == str(sample)
    with Archive.open(own) as archive:
        assert archive.count() == 0  # the user's own archive is left alone


def test_the_sample_archive_opened_again_is_kept_as_it_was(qtbot, window, data_home):
    own = window.archive.path
    window.empty_state.sample_button.click()
    wait_for_sample(qtbot, window)
    first = window.model.id_at(0)
    window.archive.trash([first])
    qtbot.waitUntil(lambda: not window.jobs.pending, timeout=60_000)  # the analysis
    switch(qtbot, window, own)
    started = []
    window.jobs.started.connect(lambda job: started.append(job.title))
    with qtbot.waitSignal(window.archive_actions.opened, timeout=30_000):
        assert window.open_sample_archive() is not None  # the switch
    assert window.open_sample_archive() is None  # open already, with its articles
    assert "Importing" not in started  # nothing imported again
    assert window.archive.count() == 8
    assert window.archive.count(trashed=True) == 1


# --- About --------------------------------------------------------------------------------


def test_about_tells_the_version_licence_archive_and_libraries(qtbot, window):
    add_clipping(window.archive, "A report about a bridge over a river.")
    about = window.show_about()
    qtbot.waitUntil(lambda: about.facts is not None, timeout=10_000)
    assert __version__ in about.name_label.text()
    assert "GPL-3.0-or-later" in about.findChild(QLabel, "aboutLicence").text()
    assert about.path_label.text() == str(window.archive.path)
    assert about.path_label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    facts = about.facts_label.text()
    assert "1 clipping ·" in facts and "on disk" in facts
    assert about.facts.size > 0
    libraries = about.libraries_view.toPlainText()
    for name in (
        "Qt",
        "PySide6",
        "SQLAlchemy",
        "SQLite",
        "Whoosh",
        "tantivy",
        "pdfminer.six",
        "trafilatura",
        "charset-normalizer",
        "Tesseract",
    ):
        assert f"{name}: " in libraries, name
    about.close()


def test_about_copies_a_bug_report(qtbot, window, opened_urls):
    about = window.show_about()
    qtbot.waitUntil(lambda: about.facts is not None, timeout=10_000)
    about.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert f"Clippings {__version__}" in copied
    assert str(window.archive.path) in copied and "0 clippings" in copied
    assert "SQLAlchemy: " in copied
    about.open_folder_button.click()
    assert [u.toLocalFile() for u in opened_urls] == [str(window.archive.path)]
    about.close()
