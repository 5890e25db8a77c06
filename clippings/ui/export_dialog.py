"""The export dialog: what to export, in which format, to which file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from clippings.exporters import FORMATS, exporter
from clippings.exporters.records import safe_name

#: The formats as the dialog names them (the command line's ``--format`` names beside).
FORMAT_TITLES = {
    "bundle": "Bundle",
    "pdf": "PDF dossier",
    "csv": "Spreadsheet (CSV)",
    "json": "JSON data",
    "markdown": "Markdown",
    "ris": "RIS citations",
    "csl-json": "CSL-JSON citations",
}


@dataclass(frozen=True)
class ExportScope:
    """One choice of what to export: a label, and the selection as ``gather`` takes it."""

    label: str
    count: int
    title: str
    tag: str | None = None
    query: str | None = None
    ids: tuple[int, ...] | None = None


@dataclass(frozen=True)
class ExportRequest:
    scope: ExportScope
    format_name: str
    output: Path
    force: bool


class ExportDialog(QDialog):
    """Choose a scope, a format and a file; ``request()`` says what was chosen."""

    def __init__(
        self, scopes: list[ExportScope], folder: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export Clippings")
        self.scopes = scopes
        self.folder = folder
        self._forced = False
        self.scope_group = QButtonGroup(self)
        scope_box = QVBoxLayout()
        for number, scope in enumerate(scopes):
            button = QRadioButton(f"{scope.label} ({scope.count:,})", self)
            button.setEnabled(scope.count > 0)
            self.scope_group.addButton(button, number)
            scope_box.addWidget(button)
        first = next((n for n, s in enumerate(scopes) if s.count > 0), 0)
        if scopes:
            self.scope_group.button(first).setChecked(True)
        self.format = QComboBox(self)
        self.format.setObjectName("exportFormat")
        for name, description in FORMATS.items():
            self.format.addItem(f"{FORMAT_TITLES.get(name, name)} — {description}", name)
        self.path = QLineEdit(self)
        self.path.setObjectName("exportPath")
        self.path.setAccessibleName("File to export to")
        choose = QPushButton("Choose…", self)
        choose.clicked.connect(self._on_choose_clicked)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(choose)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #b00")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Export", scope_box)
        # Each label names its field's shortcut, so it needs the field as its buddy
        # (a label added as text would show a literal "&").
        for text, field, row in (
            ("&Format", self.format, self.format),
            ("&To file", self.path, path_row),
        ):
            label = QLabel(text, self)
            label.setBuddy(field)
            form.addRow(label, row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.format.currentIndexChanged.connect(self._on_format_changed)
        self.scope_group.idToggled.connect(self._on_scope_toggled)
        self._suggest_path()
        self.resize(640, self.sizeHint().height())

    def scope(self) -> ExportScope:
        return self.scopes[max(self.scope_group.checkedId(), 0)]

    def format_name(self) -> str:
        return str(self.format.currentData())

    def request(self) -> ExportRequest:
        return ExportRequest(
            self.scope(),
            self.format_name(),
            Path(self.path.text().strip()).expanduser(),
            self._forced,
        )

    def _suggest_path(self) -> None:
        suffix = exporter(self.format_name()).suffix
        name = safe_name(self.scope().title, suffix)
        current = Path(self.path.text().strip()) if self.path.text().strip() else None
        folder = current.parent if current else self.folder
        self.path.setText(str(folder / name))

    @Slot(int)
    def _on_format_changed(self, _index: int) -> None:
        self._suggest_path()

    @Slot(int, bool)
    def _on_scope_toggled(self, _id: int, checked: bool) -> None:
        if checked:
            self._suggest_path()

    @Slot()
    def _on_choose_clicked(self) -> None:
        suffix = exporter(self.format_name()).suffix
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            "Export To",
            self.path.text(),
            f"*{suffix}",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if chosen:
            self.path.setText(chosen)

    def accept(self) -> None:
        text = self.path.text().strip()
        if not text:
            self.error.setText("Choose the file to write.")
            return
        output = Path(text).expanduser()
        if output.is_dir():
            self.error.setText(f"{output} is a folder: give the name of the file to write.")
            return
        if not output.parent.is_dir():
            self.error.setText(f"The folder {output.parent} does not exist.")
            return
        wanted = exporter(self.format_name()).suffix
        if output.suffix.lower() != wanted:
            others = [n for n in FORMATS if exporter(n).suffix == output.suffix.lower()]
            if others:
                self.error.setText(
                    f"The name ends in {output.suffix}, as a "
                    f"{FORMAT_TITLES.get(others[0], others[0])} does: choose that format, "
                    f"or end the name in {wanted}."
                )
                return
            output = output.with_name(output.name + wanted)  # no ending, or another one
            self.path.setText(str(output))
        self._forced = False
        if output.exists():
            answer = QMessageBox.question(
                self, "Replace File?", f"{output.name} already exists. Replace it?"
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            self._forced = True
        super().accept()
