"""The window's composition root: the application, logging, which archive, the window.

The only module besides the ``cli`` package that sees every layer.
"""

from __future__ import annotations

import logging
import os
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from clippings import __version__
from clippings.services.locate import ENV_ARCHIVE, default_archive_path, state_path
from clippings.ui.main_window import MainWindow

log = logging.getLogger("clippings")

ORGANISATION = "Clippings"
APPLICATION = "Clippings"


def log_file() -> Path:
    """Where the window's log goes: ``$XDG_STATE_HOME/clippings/clippings.log``."""
    return state_path() / "clippings.log"


def setup_logging() -> Path:
    path = log_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def window_archive_path(explicit: str | None, settings: QSettings) -> Path:
    """``--archive``, else ``CLIPPINGS_ARCHIVE``, else the last one open, else the default."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get(ENV_ARCHIVE):
        return Path(os.environ[ENV_ARCHIVE]).expanduser()
    last = settings.value("lastArchive")
    if isinstance(last, str) and last and Path(last).is_dir():
        return Path(last)
    return default_archive_path()


def _excepthook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    log.error("unexpected error", exc_info=(kind, error, tb))
    if QApplication.instance() is not None:
        QMessageBox.warning(
            None,
            "Clippings",
            f"Something went wrong: {error}\n\nThe details are in {log_file()}.",
        )


def main(archive: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName("clippings")
    setup_logging()
    sys.excepthook = _excepthook
    settings = QSettings()
    path = window_archive_path(archive, settings)
    # The window shows at once; the archive opens (and migrates, or rebuilds its index)
    # in the background, with progress in the window.
    window = MainWindow(None, settings=settings)
    window.archive_actions.start_failed.connect(lambda: app.exit(2))
    window.show()
    window.archive_actions.open_in_background(path)
    code = app.exec()
    window.jobs.wait()
    if window.has_archive:
        window.archive.close()
    return int(code)
