"""Edit › Preferences… switches the archive's search engine; a large archive on Whoosh is
offered tantivy once."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from clippings.services import Archive, import_bytes
from clippings.ui import preferences
from clippings.ui.preferences import ENGINE_HINT_SIZE, PreferencesDialog
from tests.synthetic import fill


def _small_archive(path):
    archive = Archive.open(path)
    import_bytes(archive, b"The ambassador met the minister in Geneva.", "geneva.txt")
    import_bytes(archive, b"Floods closed the northern railway again.", "floods.txt")
    return archive


def test_the_window_switches_engines_and_searches_the_same(make_window, tmp_path):
    window = make_window(_small_archive(tmp_path / "a"), inline=True)
    assert window.archive.engine == "whoosh"
    before = window.archive.search_ids("ambassador").ids
    window.switch_engine("tantivy")
    assert window.archive.engine == "tantivy"
    assert window.archive.search_ids("ambassador").ids == before
    assert "tantivy" in window.statusBar().currentMessage()
    # The choice is the archive's: opened again, it searches with tantivy.
    again = Archive.open(tmp_path / "a")
    try:
        assert again.engine == "tantivy"
    finally:
        again.close()
    window.switch_engine("whoosh")
    assert window.archive.engine == "whoosh"
    assert window.archive.search_ids("ambassador").ids == before


def test_preferences_show_the_engine_and_return_the_choice(qtbot):
    dialog = PreferencesDialog("whoosh", 1234, read_only=False)
    qtbot.addWidget(dialog)
    assert dialog.buttons["whoosh"].isChecked()
    assert "1,234 clippings" in dialog.status.text()
    assert "Whoosh" in dialog.status.text()
    dialog.buttons["tantivy"].click()
    assert dialog.chosen_engine() == "tantivy"


def test_a_read_only_archive_cannot_change_engine(qtbot):
    dialog = PreferencesDialog("tantivy", 10, read_only=True)
    qtbot.addWidget(dialog)
    assert not dialog.buttons["whoosh"].isEnabled()
    assert "read-only" in dialog.status.text()


def test_choosing_an_engine_in_preferences_switches(make_window, tmp_path, monkeypatch):
    window = make_window(_small_archive(tmp_path / "a"), inline=True)

    def choose_tantivy(dialog):
        dialog.buttons["tantivy"].setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(preferences.PreferencesDialog, "exec", choose_tantivy)
    window.show_preferences()
    assert window.archive.engine == "tantivy"


def test_a_large_archive_is_offered_tantivy_once(make_window, tmp_path):
    Archive.open(tmp_path / "big").close()
    fill(tmp_path / "big" / "clippings.sqlite3", ENGINE_HINT_SIZE)
    window = make_window(Archive.open(tmp_path / "big"), analyse=False)
    assert window.notice_bar.isVisible()
    assert "tantivy" in window.notice_bar.text()
    assert f"{ENGINE_HINT_SIZE:,} clippings" in window.notice_bar.text()
    # Once: the next window on the same archive does not say it again.
    window.archive.close()
    second = make_window(Archive.open(tmp_path / "big"), analyse=False)
    assert "tantivy" not in second.notice_bar.text()


def test_a_small_archive_gets_no_hint(window):
    assert "tantivy" not in window.notice_bar.text()


def test_the_hint_link_switches_to_tantivy(make_window, tmp_path):
    window = make_window(_small_archive(tmp_path / "a"), inline=True)
    window.notice_bar.link_activated.emit(preferences.SWITCH_LINK)
    assert window.archive.engine == "tantivy"
