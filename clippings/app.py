"""The window's composition root: the application, logging, which archive, the window.

The only module besides the ``cli`` package that sees every layer.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import sys
from collections.abc import Sequence
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QSettings, QSize
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from clippings import __version__
from clippings.address import is_server_url
from clippings.resources import resource_path
from clippings.services.locate import (
    ENV_ARCHIVE,
    archive_exists,
    default_archive_path,
    resolve_archive_path,
    state_path,
)
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


def window_archive_path(explicit: str | None, settings: QSettings) -> Path | str:
    """``--archive``, else ``CLIPPINGS_ARCHIVE``, else the last one open, else the default.

    A team archive's address (``postgresql://…``) is kept as a string.
    """
    if explicit or os.environ.get(ENV_ARCHIVE):
        return resolve_archive_path(explicit)
    last = settings.value("lastArchive")
    if isinstance(last, str) and last and (is_server_url(last) or Path(last).is_dir()):
        return last if is_server_url(last) else Path(last)
    return default_archive_path()


def confirm_new_archive(path: Path | str, named: bool) -> bool:
    """Whether to open ``path``: yes when an archive is there, or nobody named the
    folder (the first start's default archive); else the user is asked, so that a
    mistyped ``--archive`` does not quietly become a new, empty archive."""
    if not named or archive_exists(path):
        return True
    answer = QMessageBox.question(
        None,
        "Clippings",
        f"There is no archive at {path}.\n\nMake a new, empty archive there?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes


ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# What the window says when it has nowhere to open (exit code 2, like the command line's
# other refusals).
EXIT_NO_DISPLAY = 2


def app_icon() -> QIcon:
    """The application icon, from the PNG renderings of ``resources/icons/clippings.svg``."""
    icon = QIcon()
    for size in ICON_SIZES:
        path = resource_path("icons", f"{size}x{size}", "clippings.png")
        if path.is_file():
            icon.addFile(str(path), QSize(size, size))
    return icon


def _x_display_opens(display: str) -> bool | None:
    """Whether an X server answers at ``display``; None when libxcb cannot be loaded."""
    name = ctypes.util.find_library("xcb") or "libxcb.so.1"
    try:
        xcb = ctypes.CDLL(name)
    except OSError:
        return None
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    try:
        return connection is not None and xcb.xcb_connection_has_error(connection) == 0
    finally:
        if connection is not None:
            xcb.xcb_disconnect(connection)  # frees the error object xcb returns too


def display_problem() -> str | None:
    """Why the window cannot open on this machine's display, or None when it can.

    Qt aborts the whole process (exit 134, "reinstalling the application may fix this
    problem") when its platform plugin finds no display; this looks first. Only X11 is
    checked: another platform (offscreen, Wayland, Windows, macOS) is left to Qt.
    """
    if not sys.platform.startswith("linux") or QApplication.instance() is not None:
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0].strip()
    if platform and platform != "xcb":
        return None
    wayland = os.environ.get("WAYLAND_DISPLAY", "")
    if not platform and wayland:
        runtime = os.environ.get("XDG_RUNTIME_DIR", "")
        if Path(wayland).is_absolute() or (runtime and (Path(runtime) / wayland).exists()):
            return None
    display = os.environ.get("DISPLAY", "")
    advice = "Run it on a desktop, or use the command line: clippings --help"
    if not display:
        return f"Clippings cannot open its window: there is no display. {advice}"
    if _x_display_opens(display) is False:
        return f"Clippings cannot open its window: no display at {display}. {advice}"
    return None


def ensure_display() -> bool:
    """Say on stderr why the window cannot open, if it cannot; True when it can."""
    problem = display_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return False
    return True


def _excepthook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    log.error("unexpected error", exc_info=(kind, error, tb))
    if QApplication.instance() is not None:
        QMessageBox.warning(
            None,
            "Clippings",
            f"Something went wrong: {error}\n\nThe details are in {log_file()}.",
        )


def main(archive: str | None = None, files: Sequence[str] = ()) -> int:
    """Open the window on ``archive`` (or the usual one) and import ``files``, if any, once
    it is open; the exit status."""
    if not ensure_display():
        return EXIT_NO_DISPLAY
    app = QApplication.instance() or QApplication(sys.argv[:1])
    QApplication.setWindowIcon(app_icon())
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName("clippings")
    setup_logging()
    sys.excepthook = _excepthook
    settings = QSettings()
    path = window_archive_path(archive, settings)
    if not confirm_new_archive(path, named=bool(archive or os.environ.get(ENV_ARCHIVE))):
        return 1
    # The window shows at once; the archive opens (and migrates, or rebuilds its index)
    # in the background, with progress in the window.
    window = MainWindow(None, settings=settings)
    window.archive_actions.start_failed.connect(lambda: app.exit(2))
    window.show()
    window.archive_actions.open_in_background(path)
    if files:
        window.import_when_open(files)
    code = app.exec()
    window.jobs.wait()
    if window.has_archive:
        window.archive.close()
    return int(code)
