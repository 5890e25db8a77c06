"""Help › About Clippings: what the program is, its licence, the open archive (where it
lives, how big it is) and the libraries it runs on, with a button that copies it all
for a bug report.

The archive's size is found by walking its folder, which takes a while for a large
archive: a job of the dialog's own runs it, and the dialog shows it when it arrives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import PySide6
from PySide6.QtCore import QLocale, Qt, Slot, qVersion
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from clippings import __version__
from clippings.resources import resource_path
from clippings.services.about import (
    ArchiveFacts,
    archive_facts,
    library_versions,
    system_description,
)
from clippings.ui.jobs import Job, JobRunner
from clippings.ui.preferences import engine_name
from clippings.ui.welcome import open_folder

if TYPE_CHECKING:
    from clippings.ui.main_window import MainWindow

DESCRIPTION = (
    "Clippings keeps the articles you collect (web pages, PDFs, Word files, e-mails, "
    "scans) in one archive on your own computer: it reads their text and metadata, finds "
    "them again with a full-text search, groups reports of the same event into stories, "
    "compares two versions of a piece side by side, and exports a selection as a dossier "
    "or a spreadsheet."
)
LICENCE = "GPL-3.0-or-later"
LICENCE_URL = "https://www.gnu.org/licenses/gpl-3.0.html"


def app_icon() -> QIcon:
    """The application's icon (the one set on the application, else the shipped file)."""
    icon = QApplication.windowIcon()
    if icon.isNull():
        svg = resource_path("icons", "clippings.svg")
        if svg.is_file():
            icon = QIcon(str(svg))
    return icon


def libraries() -> list[tuple[str, str]]:
    """Qt and PySide6, then what the services name (Python, SQLite, the libraries)."""
    return [("Qt", qVersion()), ("PySide6", PySide6.__version__), *library_versions()]


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


class AboutDialog(QDialog):
    """Help › About Clippings."""

    def __init__(self, window: MainWindow, *, jobs: JobRunner | None = None) -> None:
        super().__init__(window)
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About Clippings")
        self.archive_path = window.archive.path
        self.archive_location = window.archive.location
        self.on_server = window.archive.on_server
        self.facts: ArchiveFacts | None = None
        self.libraries = libraries()
        self._jobs = jobs or JobRunner(self)
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        icon = app_icon()
        self.icon_label = QLabel(self)
        self.icon_label.setObjectName("aboutIcon")
        self.icon_label.setAccessibleName("Clippings icon")
        if not icon.isNull():
            self.icon_label.setPixmap(icon.pixmap(64, 64))
        self.icon_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.icon_label)
        heading = QVBoxLayout()
        self.name_label = QLabel(f"<h2>Clippings {__version__}</h2>", self)
        self.name_label.setObjectName("aboutName")
        heading.addWidget(self.name_label)
        description = QLabel(DESCRIPTION, self)
        description.setWordWrap(True)
        heading.addWidget(description)
        licence = QLabel(
            f"Free software under the GNU General Public License, version 3 or later "
            f"(<a href='{LICENCE_URL}'>{LICENCE}</a>).",
            self,
        )
        licence.setObjectName("aboutLicence")
        licence.setWordWrap(True)
        licence.setOpenExternalLinks(True)
        licence.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        heading.addWidget(licence)
        top.addLayout(heading, 1)
        layout.addLayout(top)

        archive_box = QGroupBox("Open archive", self)
        grid = QGridLayout(archive_box)
        self.path_label = QLabel(self.archive_location, archive_box)
        self.path_label.setObjectName("aboutArchivePath")
        self.path_label.setWordWrap(True)
        self.path_label.setAccessibleName("Team archive" if self.on_server else "Archive folder")
        self.path_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.open_folder_button = QPushButton("&Open Folder", archive_box)
        self.open_folder_button.setAccessibleDescription(
            "Show the archive's folder in the file manager"
        )
        self.open_folder_button.clicked.connect(self._on_open_folder_button_clicked)
        self.facts_label = QLabel("Counting its clippings and its size…", archive_box)
        self.facts_label.setObjectName("aboutArchiveFacts")
        self.facts_label.setAccessibleName("Archive contents and size")
        grid.addWidget(self.path_label, 0, 0)
        grid.addWidget(self.open_folder_button, 0, 1, Qt.AlignmentFlag.AlignTop)
        self.open_folder_button.setVisible(not self.on_server)  # it lives on a server
        grid.addWidget(self.facts_label, 1, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        layout.addWidget(archive_box)

        libraries_box = QGroupBox("Libraries", self)
        box_layout = QVBoxLayout(libraries_box)
        self.libraries_view = QPlainTextEdit(libraries_box)
        self.libraries_view.setObjectName("aboutLibraries")
        self.libraries_view.setAccessibleName("Libraries and their versions")
        self.libraries_view.setReadOnly(True)
        self.libraries_view.setTabChangesFocus(True)
        self.libraries_view.setPlainText(
            "\n".join(f"{name}: {version}" for name, version in self.libraries)
        )
        lines = self.libraries_view.fontMetrics().lineSpacing()
        self.libraries_view.setMinimumHeight(lines * 7)
        box_layout.addWidget(self.libraries_view)
        layout.addWidget(libraries_box, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton("&Copy for a Bug Report", self)
        self.copy_button.setAccessibleDescription(
            "Copy the version, the libraries and the archive's size to the clipboard"
        )
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        close.setFocus()
        layout.addWidget(buttons)
        self.resize(560, 560)

        self.facts_job = Job("Measuring the archive", archive_facts, window.archive)
        self.facts_job.finished.connect(self._on_facts_job_finished)
        self.facts_job.failed.connect(self._on_facts_job_failed)
        self._jobs.submit(self.facts_job)

    # --- The archive's numbers ----------------------------------------------------------

    @Slot(object)
    def _on_facts_job_finished(self, facts: ArchiveFacts) -> None:
        self.facts = facts
        self.facts_label.setText(self.facts_text(facts))

    @Slot(str)
    def _on_facts_job_failed(self, message: str) -> None:
        self.facts_label.setText(f"Its size could not be measured: {message}")

    @staticmethod
    def facts_text(facts: ArchiveFacts) -> str:
        size = QLocale().formattedDataSize(facts.size, 1, QLocale.DataSizeFormat.DataSizeSIFormat)
        text = plural(facts.clippings, "clipping")
        if facts.trashed:
            text += f" (and {facts.trashed:,} in the trash)"
        where = "on disk" if facts.location == str(facts.path) else "on the server"
        return f"{text} · {size} {where} · search engine: {engine_name(facts.engine)}"

    # --- Buttons ------------------------------------------------------------------------

    def report_text(self) -> str:
        """Everything a bug report needs, as plain text."""
        lines = [f"Clippings {__version__}", system_description()]
        lines += [f"{name}: {version}" for name, version in self.libraries]
        archive = f"Archive: {self.archive_location}"
        if self.facts is not None:
            archive += f" ({self.facts_text(self.facts)})"
        lines.append(archive)
        return "\n".join(lines)

    @Slot()
    def _on_copy_button_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.report_text())
        self.copy_button.setText("Copied")

    @Slot()
    def _on_open_folder_button_clicked(self) -> None:
        open_folder(self, self.archive_path)

    def done(self, result: int) -> None:
        self.facts_job.cancel()
        self._jobs.wait()
        super().done(result)
