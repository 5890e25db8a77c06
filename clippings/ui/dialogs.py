"""The window's dialogs: edit metadata, tag the selection, the import summary."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from clippings.model import (
    PROVENANCE_LABELS,
    Clipping,
    ImportOutcome,
    ImportReport,
    Outlet,
    QueryError,
    plural,
    published_to_iso,
)
from clippings.services.dates import parse_user_date
from clippings.ui.reading_pane import OfflineTextBrowser
from clippings.ui.wording import elide_words, long_date


class EditMetadataDialog(QDialog):
    """Edit a clipping's metadata; shows where each current value came from."""

    FIELDS = (
        ("title", "&Title"),
        ("outlet", "&Outlet"),
        ("author", "&Author"),
        ("published", "&Date"),
        ("url", "&URL"),
        ("page", "&Page"),
        ("section", "&Section"),
        ("edition", "Editio&n"),
    )

    def __init__(
        self, clipping: Clipping, parent: QWidget | None = None, *, outlets: Sequence[str] = ()
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Edit “{elide_words(clipping.title, 60)}”")
        self.clipping = clipping
        self.editors: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for field, label in self.FIELDS:
            editor = QLineEdit(self)
            editor.setObjectName(field)
            value = getattr(clipping, field)
            editor.setText(published_to_iso(value) or "" if field == "published" else value or "")
            if field == "published":
                editor.setPlaceholderText("2021-07-25 or 2021-07-25T05:05+00:00")
            elif field == "outlet" and outlets:
                # The archive's outlets: a name typed as one of them puts the clipping there.
                completer = QCompleter(list(outlets), editor)
                completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
                completer.setFilterMode(Qt.MatchFlag.MatchContains)
                editor.setCompleter(completer)
            elif field == "author":
                editor.setPlaceholderText("Jane Doe; Associated Press")
                editor.setToolTip(
                    "One name or several, with “;” between them. A person’s name may be "
                    "written “Doe, Jane”; any other name (an agency, a desk) is cited as written."
                )
            source = clipping.provenance.get(field)
            row = QHBoxLayout()
            row.addWidget(editor, 1)
            if source:
                mark = QLabel(PROVENANCE_LABELS.get(source, source), self)
                mark.setStyleSheet("color: gray")
                row.addWidget(mark)
            caption = QLabel(label, self)
            caption.setBuddy(editor)
            form.addRow(caption, row)
            self.editors[field] = editor
            if field == "published":
                # How the date reads everywhere else in the window, as it is typed.
                self.date_shown = QLabel(long_date(clipping.published), self)
                self.date_shown.setObjectName("dateShown")
                self.date_shown.setStyleSheet("color: gray")
                form.addRow("", self.date_shown)
                editor.textChanged.connect(self._on_date_text_changed)
        self.notes = QPlainTextEdit(clipping.notes or "", self)
        self.notes.setObjectName("notes")
        self.notes.setTabChangesFocus(True)
        form.addRow("N&otes", self.notes)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #b00")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())

    def changes(self) -> dict[str, object]:
        """The fields the user changed, ready for ``Archive.edit``.

        Raises:
            QueryError: a date that cannot be read, or an empty title.
        """
        found: dict[str, object] = {}
        for field, editor in self.editors.items():
            text = editor.text().strip()
            if field == "published":
                if text != (published_to_iso(self.clipping.published) or ""):
                    found[field] = parse_user_date(text) if text else None
            elif text != (getattr(self.clipping, field) or ""):
                if field == "title" and not text:
                    raise QueryError("a clipping needs a title")
                found[field] = text or None
        notes = self.notes.toPlainText().strip()
        if notes != (self.clipping.notes or ""):
            found["notes"] = notes or None
        return found

    @Slot(str)
    def _on_date_text_changed(self, text: str) -> None:
        try:
            shown = long_date(parse_user_date(text)) if text.strip() else "no date"
        except QueryError:
            shown = "not a date yet"
        self.date_shown.setText(shown)

    def accept(self) -> None:
        try:
            self.changes()
        except QueryError as error:
            self.error.setText(str(error))
            return
        super().accept()


class OutletRenameDialog(QDialog):
    """Rename an outlet for all its clippings (into another outlet's name: merge)."""

    def __init__(
        self, outlets: list[Outlet], current: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Rename Outlet")
        self.outlets = outlets
        self.choice = QComboBox(self)
        self.choice.setObjectName("outlet")
        for outlet in outlets:
            where = f" · {', '.join(outlet.domains)}" if outlet.domains else ""
            self.choice.addItem(f"{outlet.name} ({outlet.count}){where}", outlet.name)
        if current:
            index = self.choice.findData(current)
            if index >= 0:
                self.choice.setCurrentIndex(index)
        self.field = QLineEdit(self)
        self.field.setObjectName("newName")
        self.field.setText(self.old_name())
        self.choice.currentIndexChanged.connect(lambda _: self.field.setText(self.old_name()))
        form = QFormLayout()
        caption = QLabel("&Outlet:", self)
        caption.setBuddy(self.choice)
        form.addRow(caption, self.choice)
        caption = QLabel("&New name:", self)
        caption.setBuddy(self.field)
        form.addRow(caption, self.field)
        hint = QLabel(
            "Every clipping of the outlet shows the new name, and imports keep it. "
            "The name of another outlet merges the two.",
            self,
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: gray")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.field.setFocus()
        self.field.selectAll()

    def old_name(self) -> str:
        return str(self.choice.currentData() or "")

    def new_name(self) -> str:
        return " ".join(self.field.text().split())


class TagDialog(QDialog):
    """Ask for a tag name, completing from the tags the archive has."""

    def __init__(
        self, names: list[str], *, title: str, prompt: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.field = QLineEdit(self)
        self.field.setObjectName("tagName")
        self.field.setPlaceholderText("e.g. Russia/US relations")
        completer = QCompleter(names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.field.setCompleter(completer)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(prompt, self))
        layout.addWidget(self.field)
        hint = QLabel("Use / for a tag inside another: Russia/US relations", self)
        hint.setStyleSheet("color: gray")
        layout.addWidget(hint)
        layout.addWidget(buttons)

    def name(self) -> str:
        return self.field.text().strip()


class ImportSummaryDialog(QDialog):
    """What an import did, file by file, with links to duplicates' clippings.

    Signals:
        clipping_requested(int): the user clicked a clipping's link.
    """

    clipping_requested = Signal(int)

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import finished")
        self.report = report
        self.browser = OfflineTextBrowser(self)
        self.browser.setObjectName("importSummary")
        self.browser.setAccessibleName("What the import did, file by file")
        self.browser.anchorClicked.connect(self._on_browser_anchor_clicked)
        self.browser.setHtml(summary_html(report))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(640, 420)

    @Slot(QUrl)
    def _on_browser_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() == "clipping":
            self.clipping_requested.emit(int(url.path() or url.host()))


def summary_counts(report: ImportReport) -> str:
    imported = report.of("imported")
    scans = [r for r in imported if r.without_text]
    parts = [f"{len(imported) - len(scans)} imported"]
    if scans:
        parts.append(f"{len(scans)} stored without text")
    others: tuple[tuple[ImportOutcome, str, str], ...] = (
        ("duplicate", "duplicate", "duplicates"),
        ("skipped", "skipped", "skipped"),
        ("failed", "failed", "failed"),
    )
    for outcome, word, words in others:
        if report.of(outcome):
            parts.append(plural(len(report.of(outcome)), word, words))
    if report.cancelled:
        parts.append("cancelled")
    return ", ".join(parts)


def summary_html(report: ImportReport) -> str:
    """The summary, what needs the user first: failures, then scans, duplicates,
    skipped files, and last what went in."""

    def item(text: str) -> str:
        return f"<li>{text}</li>"

    def name(path: str) -> str:
        return html.escape(path.replace("\\", "/").rsplit("/", 1)[-1])

    def where(path: str) -> str:
        folder = path.replace("\\", "/").rpartition("/")[0]
        grey = f" <span style='color: gray'>in {html.escape(folder)}</span>" if folder else ""
        return f"<b>{name(path)}</b>{grey}"

    def reason(text: str | None) -> str:
        return html.escape(text or "")

    def link(clipping_id: int | None, label: str) -> str:
        return f"<a href='clipping:{clipping_id}'>{label}</a>"

    imported = [r for r in report.of("imported") if not r.without_text]
    scans = [r for r in report.of("imported") if r.without_text]
    sections: list[tuple[str, list[str]]] = [
        (
            "Failed",
            [item(f"{where(r.path)} — {reason(r.reason)}") for r in report.of("failed")],
        ),
        (
            "Stored without text (no text could be read: Edit › Recognise Text tries again)",
            [item(link(r.id, html.escape(r.title or name(r.path)))) for r in scans],
        ),
        (
            "Already in the archive",
            [
                # A copy in another format says so: its file is kept with that clipping.
                item(
                    f"{where(r.path)} — the same piece as {link(r.id, f'clipping {r.id}')}, "
                    "in another format: kept as another original of it"
                    if r.kept_as_copy
                    else f"{where(r.path)} — is {link(r.id, f'clipping {r.id}')}"
                )
                for r in report.of("duplicate")
            ],
        ),
        ("Skipped", [item(f"{where(r.path)} — {reason(r.reason)}") for r in report.of("skipped")]),
        ("Imported", [item(link(r.id, html.escape(r.title or name(r.path)))) for r in imported]),
    ]
    body = [f"<p><b>{html.escape(summary_counts(report))}.</b></p>"]
    for heading, items in sections:
        if items:
            body.append(f"<h4>{html.escape(heading)} ({len(items)})</h4><ul>{''.join(items)}</ul>")
    return "\n".join(body)
