"""The reading pane: a clipping's metadata, then its article text; for a scan or a
photo, its pages beside the recognised text.

Rendering never touches the network: the text browser refuses every resource (no
remote images, no stylesheets, no scripts — Qt runs none anyway), and links open in
the system browser only when clicked. Page images come from the archive (rendered in
the extraction workers), never from the article's HTML.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QSize, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from clippings.model import PROVENANCE_LABELS, AuditEntry, Clipping, Quote, published_from_iso
from clippings.services.copies import format_words
from clippings.services.history import described
from clippings.ui.wording import EDGE_MARGIN, long_date

TAG_STYLE = "background-color: #e4e4e4; color: #222"
#: The links to a clipping's copies (``copy:<sha256>``), opened like its original.
COPY_SCHEME = "copy"

#: Sources that are a guess rather than something the file declared (and every
#: ``*-heuristic`` source).
GUESSED = {"derived", "detected"}


def is_guess(source: str | None) -> bool:
    return source is not None and (source in GUESSED or source.endswith("-heuristic"))


def shows_pages(clipping: Clipping) -> bool:
    """Whether the reading pane shows the clipping's pages beside its text: a scan or a
    photo, read by OCR or still without text."""
    return clipping.provenance.get("text") == "ocr" or (
        not clipping.has_text and clipping.format in ("pdf", "image")
    )


class OfflineTextBrowser(QTextBrowser):
    """A QTextBrowser that fetches nothing: every resource request is refused.

    ``requested`` keeps the URLs it was asked for (tests check nothing was fetched).
    """

    #: A link to one of the clipping's copies was clicked (its original's SHA-256).
    copy_link_clicked = Signal(str)

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
        elif url.scheme() == COPY_SCHEME:
            self.copy_link_clicked.emit(url.path())


def guess_note(clipping: Clipping, field: str) -> str:
    """Why a value is a guess ("" when the file declared it or the user set it)."""
    source = clipping.provenance.get(field)
    if not is_guess(source):
        return ""
    return PROVENANCE_LABELS.get(source or "", "guessed")


def _mark(clipping: Clipping, field: str) -> str:
    note = guess_note(clipping, field)
    if not note:
        return ""
    return f"<sup style='color: gray' title='{html.escape(note)}'> ≈</sup>"


def copies_html(clipping: Clipping) -> str:
    """ "Also imported as: page.pdf (PDF), …": the same piece in other formats, each a
    link that opens that file."""
    links = [
        f"<a href='{COPY_SCHEME}:{html.escape(copy.sha256, quote=True)}'>"
        f"{html.escape(copy.original_name or copy.sha256[:12])}</a> "
        f"({html.escape(format_words(copy.format))})"
        for copy in clipping.copies
    ]
    return (
        "<p style='margin: 0; color: gray; font-size: small'>Also imported as: "
        + ", ".join(links)
        + "</p>"
    )


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
    published = long_date(clipping.published)
    if published:
        line.append(f"{html.escape(published)}{_mark(clipping, 'published')}")
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
    if clipping.copies:
        parts.append(copies_html(clipping))
    if clipping.notes:
        parts.append(f"<p style='color: #555'><i>Notes:</i> {html.escape(clipping.notes)}</p>")
    if guesses:
        parts.append(
            "<p style='margin: 0; color: gray; font-size: small'>≈ guessed — "
            + html.escape("; ".join(guesses))
            + "</p>"
        )
    facts = provenance_facts(clipping)
    if facts:
        parts.append(
            "<p style='margin: 0; color: gray; font-size: small'>" + html.escape(facts) + "</p>"
        )
    if clipping.trashed:
        parts.append("<p style='color: #a33'>This clipping is in the trash.</p>")
    return "\n".join(parts)


def history_html(history: Sequence[AuditEntry], titles: Mapping[int, str] | None = None) -> str:
    """The clipping's audit trail: who did what, and when (newest last); ``titles``
    names the other clippings of verdicts (``services.history.titles_named``)."""
    if not history:
        return ""
    rows = []
    for entry in history:
        done = html.escape(described(entry, titles))
        when = html.escape(long_date(entry.at.astimezone()) or "")
        rows.append(
            f"<tr><td style='padding-right: 12px'>{when}</td>"
            f"<td><b>{html.escape(entry.who)}</b> {done}</td></tr>"
        )
    return (
        "<h4 style='color: gray; margin-bottom: 2px'>History</h4>"
        "<table style='color: gray; font-size: small'>" + "".join(rows) + "</table>"
    )


def provenance_facts(clipping: Clipping) -> str:
    """What the reader should know of where the text came from, in plain words: text
    recognised by OCR (with its confidence), a page printed from a browser."""
    facts = clipping.provenance
    said = []
    if facts.get("text") == "ocr":
        line = "Text recognised in the image (OCR)"
        confidence = facts.get("ocr_confidence")
        if confidence:
            line += f", mean confidence {confidence}%"
        languages = facts.get("ocr_languages")
        if languages:
            line += f", languages {languages.replace('+', ', ')}"
        said.append(line + ": check names and numbers against the page.")
    printed = facts.get("printed")
    if printed:
        said.append(f"Printed from a browser on {printed_text(printed)}.")
    return " ".join(said)


def printed_text(value: str) -> str:
    """When a page was printed (ISO text), as the window writes dates."""
    try:
        moment = published_from_iso(value.strip())
    except ValueError:
        return value.replace("T", " ")[:16]
    return long_date(moment) or value


def quotes_html(quotes: Sequence[Quote]) -> str:
    if not quotes:
        return ""
    items = "".join(
        f"<li><b>{html.escape(q.speaker or 'unnamed speaker')}</b>: “{html.escape(q.text)}”</li>"
        for q in quotes
    )
    return f"<hr><h4>Quotations ({len(quotes)})</h4><ul>{items}</ul>"


class PageView(QScrollArea):
    """A scan's or photo's pages, one under the other, as wide as the view."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readingPages")
        self.setWidgetResizable(True)
        self.setMinimumWidth(160)
        self.setAccessibleName("Pages of the original")
        self.pixmaps: list[QPixmap] = []
        self._labels: list[QLabel] = []
        holder = QWidget(self)
        self._layout = QVBoxLayout(holder)
        self._layout.setContentsMargins(4, 4, 4, 4)
        self._note = QLabel("", holder)
        self._note.setStyleSheet("color: gray")
        self._note.setWordWrap(True)
        self._layout.addWidget(self._note)
        self._layout.addStretch(1)
        self.setWidget(holder)

    def show_note(self, note: str) -> None:
        """No pages, a word instead ("Loading the pages…", why they cannot be shown)."""
        self.set_pages([])
        self._note.setText(note)
        self._note.setVisible(bool(note))

    def set_pages(self, pages: Sequence[bytes]) -> None:
        """Show these pages (PNG or JPEG bytes); a page Qt cannot read is left out."""
        for label in self._labels:
            self._layout.removeWidget(label)
            label.deleteLater()
        self._labels = []
        self.pixmaps = []
        for data in pages:
            pixmap = QPixmap()
            if pixmap.loadFromData(data):
                self.pixmaps.append(pixmap)
        for number, _ in enumerate(self.pixmaps, 1):
            label = QLabel(self.widget())
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            label.setAccessibleName(f"Page {number}")
            self._layout.insertWidget(self._layout.count() - 1, label)
            self._labels.append(label)
        self._note.setVisible(not self.pixmaps and bool(self._note.text()))
        if self.pixmaps:
            self._note.setText("")
            self._note.setVisible(False)
        self._scale()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._scale()

    def _scale(self) -> None:
        width = max(80, self.viewport().width() - 12)
        for label, pixmap in zip(self._labels, self.pixmaps, strict=True):
            if label.pixmap().width() != min(width, pixmap.width()):
                label.setPixmap(
                    pixmap.scaledToWidth(
                        min(width, pixmap.width()), Qt.TransformationMode.SmoothTransformation
                    )
                )

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(360, 480)


class ReadingPane(QWidget):
    """Shows one clipping.

    Signals:
        edit_requested(int): the user wants to edit the clipping's metadata.
        open_original_requested(int): the user wants to see the original file.
        open_copy_requested(int, str): the user wants to see one of the clipping's
            copies (the same piece in another format), by its SHA-256.
        pages_wanted(int): a scan or photo is shown: its pages should be loaded (and
            handed to ``show_pages``).
    """

    edit_requested = Signal(int)
    open_original_requested = Signal(int)
    #: (clipping id, the copy's SHA-256): the user wants to see one of its copies.
    open_copy_requested = Signal(int, str)
    pages_wanted = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clipping: Clipping | None = None
        #: False for a read-only archive: the Edit button stays off.
        self.can_edit = True
        self.browser = OfflineTextBrowser(self)
        self.browser.setObjectName("readingText")
        self.browser.setAccessibleName("Clipping text")
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
        self.pages = PageView(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("readingSplitter")
        self.splitter.addWidget(self.pages)
        self.splitter.addWidget(self.browser)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.pages.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, EDGE_MARGIN, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.splitter, 1)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.original_button.clicked.connect(self._on_original_button_clicked)
        self.browser.copy_link_clicked.connect(self._on_browser_copy_link_clicked)
        self.show_clipping(None)

    def show_clipping(
        self,
        clipping: Clipping | None,
        body_html: str = "",
        quotes: Sequence[Quote] = (),
        history: Sequence[AuditEntry] = (),
        titles: Mapping[int, str] | None = None,
    ) -> None:
        """Show a clipping; ``body_html`` is its article (made safe by the archive),
        ``quotes`` its direct quotations, listed after it with their speakers, and
        ``history`` who changed it and when (the audit trail), last (``titles``: those
        of the other clippings its verdicts name)."""
        self.clipping = clipping
        has = clipping is not None
        self.edit_button.setEnabled(has and self.can_edit)
        self.original_button.setEnabled(has)
        self.placeholder.setVisible(not has)
        if clipping is None:
            self.browser.clear()
            self.pages.hide()
            return
        if not clipping.has_text:
            body_html = (
                "<p style='color: gray'>No text could be read in this file (a scan without "
                "a text layer, or a picture): it is stored with its metadata. "
                "Clipping › Recognise Text reads it again, and “Open original” shows it.</p>"
            )
        self.browser.setHtml(
            header_html(clipping)
            + "<hr>"
            + body_html
            + quotes_html(quotes)
            + history_html(history, titles)
        )
        if shows_pages(clipping):
            if not self.pages.isVisible() or self.pages.pixmaps:
                self.pages.show_note("Loading the pages…")
            self.pages.show()
            self.pages_wanted.emit(clipping.id)
        else:
            self.pages.hide()
            self.pages.set_pages([])

    def show_pages(self, clipping_id: int, pages: Sequence[bytes], note: str = "") -> None:
        """The pages of a scan or photo, if that clipping is still the one shown;
        ``note`` says why there are none."""
        if self.clipping is None or self.clipping.id != clipping_id:
            return
        if pages:
            self.pages.set_pages(pages)
        else:
            self.pages.show_note(note or "The pages cannot be shown.")

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

    @Slot(str)
    def _on_browser_copy_link_clicked(self, sha256: str) -> None:
        if self.clipping:
            self.open_copy_requested.emit(self.clipping.id, sha256)
