"""How the main window's parts are laid out, and how that layout is kept between runs.

Sidebar | search bar, notices and the list (or the welcome, Stories, "no result") |
the reading pane over the Related panel; the splitters, the window's geometry and the
list's columns are saved in the settings and restored at the next start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtWidgets import QLabel, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from clippings.ui.notice_bar import NoticeBar

if TYPE_CHECKING:
    from clippings.ui.main_window import MainWindow

#: The window's first size, before the user chose one.
FIRST_SIZE = (1280, 800)


def lay_out(window: MainWindow) -> None:
    """Put the window's parts (made already) in their places, as its central widget."""
    window.list_stack = QStackedWidget(window)
    window.list_stack.addWidget(window.table)
    window.list_stack.addWidget(window.empty_state)
    window.list_stack.addWidget(window.stories_view)
    window.no_results = QLabel("", window)
    window.no_results.setObjectName("noResults")
    window.no_results.setAlignment(Qt.AlignmentFlag.AlignCenter)
    window.no_results.setWordWrap(True)
    window.list_stack.addWidget(window.no_results)

    middle = QWidget(window)
    middle_layout = QVBoxLayout(middle)
    middle_layout.setContentsMargins(0, 0, 0, 0)
    window.notice_bar = NoticeBar(middle)
    middle_layout.addWidget(window.notice_bar)
    middle_layout.addWidget(window.search_bar)
    middle_layout.addWidget(window.list_stack, 1)
    window.splitter = QSplitter(Qt.Orientation.Horizontal, window)
    window.splitter.setObjectName("mainSplitter")
    window.splitter.addWidget(window.sidebar)
    window.splitter.addWidget(middle)
    window.right_side = QSplitter(Qt.Orientation.Vertical, window)
    window.right_side.setObjectName("readingSplitter")
    window.right_side.addWidget(window.reading)
    window.right_side.addWidget(window.related)
    # The Related panel gets two fifths: a quarter showed three or four of its pieces.
    window.right_side.setStretchFactor(0, 3)
    window.right_side.setStretchFactor(1, 2)
    window.splitter.addWidget(window.right_side)
    window.splitter.setStretchFactor(1, 3)
    window.splitter.setStretchFactor(2, 2)
    window.splitter.setSizes([180, 700, 400])
    window.setCentralWidget(window.splitter)


def restore_window_state(window: MainWindow) -> None:
    """The geometry, splitters and list columns of the last run (the first size else)."""
    settings = window.settings
    geometry = settings.value("window/geometry")
    if isinstance(geometry, QByteArray | bytes):
        window.restoreGeometry(geometry)
    else:
        window.resize(*FIRST_SIZE)
    for key, splitter in (
        ("window/splitter", window.splitter),
        ("window/readingSplitter", window.right_side),
    ):
        state = settings.value(key)
        if isinstance(state, QByteArray | bytes):
            splitter.restoreState(state)
    header = settings.value("window/listHeader")
    if isinstance(header, QByteArray | bytes):
        window.table.horizontalHeader().restoreState(header)


def save_window_state(window: MainWindow) -> None:
    """Keep the layout, and the archive open, for the next start."""
    settings = window.settings
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/splitter", window.splitter.saveState())
    settings.setValue("window/readingSplitter", window.right_side.saveState())
    settings.setValue("window/listHeader", window.table.horizontalHeader().saveState())
    if window.has_archive:
        settings.setValue("lastArchive", window.archive.location)
    settings.sync()
