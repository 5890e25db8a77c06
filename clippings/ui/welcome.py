"""The welcome the list shows while the archive is empty: what to drop on the window,
how to search, where the archive lives, and the sample archive to try it all on.

It is the list's empty page (``Browsing.show_list_page`` shows it when the archive has
no clipping and no search or filter is active), so it goes once a clipping arrives.
Everything on it is reachable with Tab; its buttons call the window's own doors.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from clippings.ui.main_window import MainWindow

#: What can be dropped on the window, in the user's words.
WHAT_TO_DROP = (
    "Drop files or whole folders on this window: web pages (.html, saved pages), PDFs, "
    "Word and OpenDocument files, e-mails, plain text, and scans or photos of articles "
    "(their text is read by OCR)."
)

#: Example searches: (what to type, what it finds).
EXAMPLE_QUERIES = (
    ("bridge collapse", "clippings with both words, in any form (collapsed, bridges)"),
    ('"open source" outlet:gazette', "the exact phrase, in one outlet's clippings"),
    ('tag:"Kestrel Valley" published:2025-03', "a tag's clippings of one month"),
)


def open_folder(parent: QWidget, path: Path) -> bool:
    """Show a folder in the system's file manager; says so in a message when it cannot."""
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        return True
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.information(
        parent, "Clippings", f"No file manager could be started to show {path}."
    )
    return False


def _text(markup: str, parent: QWidget, *, name: str = "") -> QLabel:
    label = QLabel(markup, parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    if name:
        label.setObjectName(name)
    return label


class WelcomePage(QScrollArea):
    """The page an empty archive shows in the middle of the window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.main_window = window
        self.setObjectName("welcome")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAccessibleName("Welcome")
        panel = QWidget(self)
        panel.setObjectName("welcomePanel")
        panel.setMaximumWidth(620)
        column = QVBoxLayout(panel)
        column.setSpacing(10)

        title = _text("<h2>Welcome to Clippings</h2>", panel, name="welcomeTitle")
        column.addWidget(title)
        column.addWidget(
            _text(
                "Your archive is empty. Put articles in it, then search, tag, compare and "
                "export them all at once.",
                panel,
            )
        )

        sample = QHBoxLayout()
        self.sample_button = QPushButton("Open &Sample Archive", panel)
        self.sample_button.setAccessibleDescription(
            "Open an archive of a few invented articles to try Clippings on"
        )
        sample.addWidget(self.sample_button)
        sample.addStretch(1)
        column.addLayout(sample)
        column.addWidget(
            _text(
                "<span style='color: gray'>Try Clippings first on a few short invented "
                "articles, in an archive of their own (yours stays as it is): two reports "
                "of one event, a news-agency copy of one, a follow-up.</span>",
                panel,
            )
        )

        column.addWidget(_text("<h3>Add articles</h3>", panel))
        drop = _text(html.escape(WHAT_TO_DROP), panel, name="welcomeDrop")
        column.addWidget(drop)
        buttons = QHBoxLayout()
        self.import_files_button = QPushButton("&Import Files…", panel)
        self.import_files_button.setAccessibleDescription("Choose files to import (Ctrl+I)")
        self.import_folder_button = QPushButton("Import &Folder…", panel)
        self.import_folder_button.setAccessibleDescription(
            "Choose a folder whose articles to import (Ctrl+Shift+I)"
        )
        buttons.addWidget(self.import_files_button)
        buttons.addWidget(self.import_folder_button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        column.addWidget(
            _text(
                "<span style='color: gray'>Or paste text or a web page with "
                "<b>Edit › Paste as Clipping</b> (Ctrl+Shift+V).</span>",
                panel,
            )
        )

        column.addWidget(_text("<h3>Search</h3>", panel))
        rows = "".join(
            f"<tr><td style='padding-right: 12px'><code>{html.escape(query)}</code></td>"
            f"<td>{html.escape(meaning)}</td></tr>"
            for query, meaning in EXAMPLE_QUERIES
        )
        examples = _text(
            "Type in the search field above (Ctrl+F), for example:"
            f"<table style='margin-top: 4px'>{rows}</table>"
            "<p><b>Help › Search Syntax</b> (F1) lists everything a search can say.</p>",
            panel,
            name="welcomeSearch",
        )
        column.addWidget(examples)

        column.addWidget(_text("<h3>Where your archive lives</h3>", panel))
        self.path_label = QLabel(panel)
        self.path_label.setObjectName("welcomeArchivePath")
        self.path_label.setWordWrap(True)
        self.path_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.path_label.setAccessibleName("Archive folder")
        where = QHBoxLayout()
        where.addWidget(self.path_label, 1)
        self.open_folder_button = QPushButton("&Open Folder", panel)
        self.open_folder_button.setAccessibleDescription(
            "Show the archive's folder in the file manager"
        )
        where.addWidget(self.open_folder_button)
        column.addLayout(where)
        self.where_note = _text(
            "The original files, their text and the search index are all kept in this "
            "one folder: back it up or move it as a whole.",
            panel,
        )
        column.addWidget(self.where_note)

        column.addStretch(1)

        outer = QWidget(self)
        centring = QHBoxLayout(outer)
        centring.addStretch(1)
        centring.addWidget(panel, 100)
        centring.addStretch(1)
        self.setWidget(outer)

        self.import_files_button.clicked.connect(self._on_import_files_button_clicked)
        self.import_folder_button.clicked.connect(self._on_import_folder_button_clicked)
        self.open_folder_button.clicked.connect(self._on_open_folder_button_clicked)
        self.sample_button.clicked.connect(self._on_sample_button_clicked)
        if window.has_archive:  # else named once the first archive is open
            self.show_archive(window.archive.location, on_server=window.archive.on_server)

    def show_archive(self, location: Path | str, *, on_server: bool = False) -> None:
        """Name the open archive's folder or server (after the window switched archives)."""
        self.path_label.setText(str(location))
        self.path_label.setToolTip(str(location))
        self.path_label.setAccessibleName("Team archive" if on_server else "Archive folder")
        self.open_folder_button.setVisible(not on_server)
        self.where_note.setText(
            "This team archive lives on a PostgreSQL server that your team shares: its "
            "admin backs it up there. What you import is seen by everyone connected."
            if on_server
            else "The original files, their text and the search index are all kept in this "
            "one folder: back it up or move it as a whole."
        )

    @Slot()
    def _on_import_files_button_clicked(self) -> None:
        self.main_window.choose_files()

    @Slot()
    def _on_import_folder_button_clicked(self) -> None:
        self.main_window.choose_folder()

    @Slot()
    def _on_open_folder_button_clicked(self) -> None:
        open_folder(self, self.main_window.archive.path)

    @Slot()
    def _on_sample_button_clicked(self) -> None:
        self.main_window.open_sample_archive()
