"""Starting the window: which archive, where the log goes."""

from __future__ import annotations

import logging

from PySide6.QtCore import QSettings

from clippings import app
from clippings.services.locate import default_archive_path


def test_which_archive_the_window_opens(tmp_path, monkeypatch):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    monkeypatch.delenv("CLIPPINGS_ARCHIVE", raising=False)
    assert app.window_archive_path(None, settings) == default_archive_path()
    last = tmp_path / "last"
    last.mkdir()
    settings.setValue("lastArchive", str(last))
    assert app.window_archive_path(None, settings) == last
    monkeypatch.setenv("CLIPPINGS_ARCHIVE", str(tmp_path / "env"))
    assert app.window_archive_path(None, settings) == tmp_path / "env"
    assert app.window_archive_path(str(tmp_path / "given"), settings) == tmp_path / "given"
    # A last archive that is gone falls back to the default.
    monkeypatch.delenv("CLIPPINGS_ARCHIVE")
    last.rmdir()
    assert app.window_archive_path(None, settings) == default_archive_path()


def test_the_log_goes_to_the_state_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        path = app.setup_logging()
        assert path == tmp_path / "state" / "clippings" / "clippings.log"
        logging.getLogger("clippings.test").error("something broke")
        for handler in root.handlers:
            handler.flush()
        assert "something broke" in path.read_text(encoding="utf-8")
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
                handler.close()
