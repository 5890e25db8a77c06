"""The reading pane: a clipping's metadata, then its article text.

Rendering never touches the network: the text browser refuses every resource (no
remote images, no stylesheets, no scripts — Qt runs none anyway), and links open in
the system browser only when clicked.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from clippings.model import PROVENANCE_LABELS, Clipping, Quote, published_to_iso

#: Sources that are a guess rather than something the file declared.
TAG_STYLE = "background-color: #e4e4e4; color: #222"

GUESSED = {"derived", "text-heuristic", "html-heuristic", "pdf-heuristic", "detected"}


class OfflineTextBrowser(QTextBrowser):
    """A QTextBrowser that fetches nothing: every resource request is refused.

    ``requested`` keeps the URLs it was asked for (tests check nothing was fetched).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.requested: list[str] = []
        self.anchorClicked.connect(self._on_anchor_clicked)

    def loadResource(self, kind: int, url: QUrl | str) -> Any:  # noqa: N802
        self.requested.append(url.toString() if isinstance(url, QUrl) else str(url))
        return None

    @Slot(QUrl)
    def _on_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)


def guess_note(clipping: Clipping, field: str) -> str:
    """Why a value is a guess ("" when the file declared it or the user set it)."""
    source = clipping.provenance.get(field)
    if source not in GUESSED and not (source or "").endswith("-heuristic"):
        return ""
    return PROVENANCE_LABELS.get(source or "", "guessed")


def _mark(clipping: Clipping, field: str) -> str:
    note = guess_note(clipping, field)
    if not note:
        return ""
    return f"<sup style='color: gray' title='{html.escape(note)}'> ≈</sup>"


def header_html(clipping: Clipping) -> str:
    """Title and metadata as HTML, each guessed value marked as such."""
    parts = [f"<h2 style='margin-bottom: 2px'>{html.escape(clipping.title)}</h2>"]
    guesses = [
        f"{field}: {guess_note(clipping, field)}"
        for field in ("title", "outlet", "author", "published")
        if guess_note(clipping, field)
    ]
    line = []
    if clipping.outlet:
        line.append(f"<b>{html.escape(clipping.outlet)}</b>{_mark(clipping, 'outlet')}")
    if clipping.author:
        line.append(f"{html.escape(clipping.author)}{_mark(clipping, 'author')}")
    published = published_to_iso(clipping.published)
    if published:
        shown = published.replace("T", " ")[:16] if "T" in published else published
        offset = published[19:] if len(published) > 19 else ""
        line.append(f"{html.escape(shown)} {html.escape(offset)}{_mark(clipping, 'published')}")
    if line:
        parts.append("<p style='margin: 0'>" + " · ".join(line) + "</p>")
    if clipping.url:
        url = html.escape(clipping.url, quote=True)
        parts.append(f"<p style='margin: 0'><a href='{url}'>{url}</a></p>")
    print_parts = [
        f"{label} {html.escape(value)}"
        for label, value in (
            ("page", clipping.page),
            ("section", clipping.section),
            ("edition", clipping.edition),
        )
        if value
    ]
    if print_parts:
        parts.append("<p style='margin: 0; color: gray'>" + ", ".join(print_parts) + "</p>")
    if clipping.tags:
        parts.append(
            "<p style='margin: 0'>"
            + " ".join(
                f"<span style='{TAG_STYLE}'>&nbsp;{html.escape(t)}&nbsp;</span>"
                for t in clipping.tags
            )
            + "</p>"
        )
    if clipping.notes:
        parts.append(f"<p style='color: #555'><i>Notes:</i> {html.escape(clipping.notes)}</p>")
    if guesses:
        parts.append(
            "<p style='margin: 0; color: gray; font-size: small'>≈ guessed — "
            + html.escape("; ".join(guesses))
            + "</p>"
        )
    if clipping.trashed:
        parts.append("<p style='color: #a33'>This clipping is in the trash.</p>")
    return "\n".join(parts)


def quotes_html(quotes: Sequence[Quote]) -> str:
    if not quotes:
        return ""
    items = "".join(
        f"<li><b>{html.escape(q.speaker or 'unnamed speaker')}</b>: “{html.escape(q.text)}”</li>"
        for q in quotes
    )
    return f"<hr><h4>Quotations ({len(quotes)})</h4><ul>{items}</ul>"


class ReadingPane(QWidget):
    """Shows one clipping.

    Signals:
        edit_requested(int): the user wants to edit the clipping's metadata.
        open_original_requested(int): the user wants to see the original file.
    """

    edit_requested = Signal(int)
    open_original_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clipping: Clipping | None = None
        #: False for a read-only archive: the Edit button stays off.
        self.can_edit = True
        self.browser = OfflineTextBrowser(self)
        self.browser.setObjectName("readingText")
        self.browser.document().setDefaultStyleSheet(
            "mark { background-color: #ffe27a; color: black; }"
        )
        self.edit_button = QPushButton("&Edit…", self)
        self.edit_button.setToolTip("Edit the title, outlet, date and other metadata")
        self.original_button = QPushButton("Open &original", self)
        self.original_button.setToolTip("Open a read-only copy of the imported file")
        self.placeholder = QLabel("Select a clipping to read it.", self)
        self.placeholder.setStyleSheet("color: gray")
        buttons = QHBoxLayout()
        buttons.addWidget(self.placeholder)
        buttons.addStretch(1)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.original_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.browser, 1)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.original_button.clicked.connect(self._on_original_button_clicked)
        self.show_clipping(None)

    def show_clipping(
        self, clipping: Clipping | None, body_html: str = "", quotes: Sequence[Quote] = ()
    ) -> None:
        """Show a clipping; ``body_html`` is its article (made safe by the archive), and
        ``quotes`` its direct quotations, listed after it with their speakers."""
        self.clipping = clipping
        has = clipping is not None
        self.edit_button.setEnabled(has and self.can_edit)
        self.original_button.setEnabled(has)
        self.placeholder.setVisible(not has)
        if clipping is None:
            self.browser.clear()
            return
        if not clipping.has_text:
            body_html = (
                "<p style='color: gray'>This file has no text layer (a scan): it is stored "
                "with its metadata, and “Open original” shows it.</p>"
            )
        self.browser.setHtml(header_html(clipping) + "<hr>" + body_html + quotes_html(quotes))

    def show_gone(self, title: str, message: str) -> None:
        """Say that the clipping that was shown is no longer there (``message``, plain
        words), instead of showing what it said."""
        self.show_clipping(None)
        self.placeholder.setVisible(False)
        self.browser.setHtml(
            f"<h2 style='margin-bottom: 2px; color: gray'>{html.escape(title)}</h2>"
            f"<p style='color: #a33'>{html.escape(message)}</p>"
        )

    @Slot()
    def _on_edit_button_clicked(self) -> None:
        if self.clipping:
            self.edit_requested.emit(self.clipping.id)

    @Slot()
    def _on_original_button_clicked(self) -> None:
        if self.clipping:
            self.open_original_requested.emit(self.clipping.id)
