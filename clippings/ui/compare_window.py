"""Two clippings side by side: passage by passage, scrolling together.

The two texts stand in two columns of one scrolling view, so aligned passages always
sit on the same line whatever their lengths. Each row is one aligned pair: the same
passage, a changed one (the differing words highlighted), one moved to another place,
one that says the same thing in other words (``similar``: the names and numbers both
carry marked), or a passage only one of the two carries. Above, a header compares outlet, date,
author and length; below, the quotations both carry and those only one carries.
"""

from __future__ import annotations

import html
import re
from collections import Counter

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from clippings.analysis.align import word_diff
from clippings.model import AlignedPair, Clipping, Quote, plural
from clippings.services.comparing import Comparison
from clippings.ui.reading_pane import OfflineTextBrowser
from clippings.ui.wording import elide_words, long_date

#: Background of each kind of passage, and what it means (the legend).
KINDS = {
    "same": ("#ffffff", "the same in both"),
    "changed": ("#fff4cc", "changed (differing words marked)"),
    "moved": ("#e3ecff", "moved to another place"),
    "similar": (
        "#ece0fa",
        "similar: likely the same in other words (shared names and numbers marked)",
    ),
    "only_a": ("#ffe3e3", "only in A"),
    "only_b": ("#e2f5e2", "only in B"),
}


#: Passages a page of the comparison shows. Qt lays a long table out slowly and on
#: the GUI thread (two 10,000-sentence documents: 3.5 s with the window frozen; 1,000
#: rows: 0.3 s), so a longer comparison is read a page at a time.
PAGE_ROWS = 1000

#: How the names and numbers a ``similar`` pair shares are marked.
SHARED_STYLE = "background-color: #d3bdf2; font-weight: bold"


def _marked(text: str, shared: tuple[str, ...]) -> str:
    """``text`` as HTML with each whole-word occurrence of a shared spelling marked."""
    if not shared:
        return html.escape(text)
    alternatives = "|".join(re.escape(s) for s in sorted(shared, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
    parts: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        parts.append(html.escape(text[last : match.start()]))
        parts.append(f"<span style='{SHARED_STYLE}'>{html.escape(match.group())}</span>")
        last = match.end()
    parts.append(html.escape(text[last:]))
    return "".join(parts)


def _side(pair: AlignedPair, side: str) -> str:
    """One pane's cell of a pair, as HTML."""
    text = pair.a if side == "a" else pair.b
    if text is None:
        return "&nbsp;"
    if pair.kind == "similar":
        return _marked(text, pair.shared)
    if pair.kind not in ("changed", "moved") or pair.a is None or pair.b is None:
        return html.escape(text)
    if pair.kind == "moved" and pair.a == pair.b:
        return html.escape(text)
    parts = []
    for kind, words in word_diff(pair.a, pair.b, "a" if side == "a" else "b"):
        escaped = html.escape(words)
        if kind == "same":
            parts.append(escaped)
        elif kind == "removed" and side == "a":
            parts.append(f"<span style='background-color: #f7b3b3'>{escaped}</span>")
        elif kind == "added" and side == "b":
            parts.append(f"<span style='background-color: #b3e6b3'>{escaped}</span>")
    return " ".join(p for p in parts if p)


def panes_html(comparison: Comparison, start: int = 0, stop: int | None = None) -> str:
    """Both texts as two columns, one aligned pair a row (the pairs ``start:stop``)."""
    a, b = comparison.a, comparison.b
    rows = [
        "<tr>"
        f"<th width='50%' align='left'>A · {html.escape(a.outlet or elide_words(a.title, 40))}</th>"
        f"<th width='50%' align='left'>B · {html.escape(b.outlet or elide_words(b.title, 40))}</th>"
        "</tr>"
    ]
    for pair in comparison.pairs[start:stop]:
        colour = KINDS[pair.kind][0]
        mark = " ↕" if pair.kind == "moved" else ""
        rows.append(
            "<tr>"
            f"<td style='background-color: {colour}; padding: 4px'>{_side(pair, 'a')}{mark}</td>"
            f"<td style='background-color: {colour}; padding: 4px'>{_side(pair, 'b')}{mark}</td>"
            "</tr>"
        )
    return f"<table width='100%' cellspacing='3'>{''.join(rows)}</table>"


def header_html(comparison: Comparison) -> str:
    def row(label: str, a: str, b: str) -> str:
        cells = f"<td>{html.escape(a)}</td><td>{html.escape(b)}</td>"
        return f"<tr><th align='left'>{label}</th>{cells}</tr>"

    a, b = comparison.a, comparison.b

    def date(c: Clipping) -> str:
        return long_date(c.published) or "—"

    legend = " ".join(
        f"<span style='background-color: {colour}'>&nbsp;{html.escape(label)}&nbsp;</span>"
        for colour, label in KINDS.values()
    )
    return (
        "<table cellspacing='6'>"
        + row("", f"A: {a.title}", f"B: {b.title}")
        + row("Clipping", str(a.id), str(b.id))  # two of one title told apart
        + row("Outlet", a.outlet or "—", b.outlet or "—")
        + row("Date", date(a), date(b))
        + row("Author", a.author or "—", b.author or "—")
        + row("Length", plural(a.word_count, "word"), plural(b.word_count, "word"))
        + "</table>"
        + f"<p><b>Text in common: {comparison.similarity:.0%}</b>"
        + (f" ({html.escape(coverage)})" if (coverage := comparison.coverage()) else "")
        + f" &nbsp; {legend}</p>"
        + f"<p>{html.escape(passage_counts(comparison))}</p>"
    )


def passage_counts(comparison: Comparison) -> str:
    """How many passages of each kind, in words: "2 the same · 3 similar · …"."""
    counts: Counter[str] = Counter(pair.kind for pair in comparison.pairs)
    names = {
        "same": "the same",
        "changed": "changed",
        "moved": "moved",
        "similar": "similar",
        "only_a": "only in A",
        "only_b": "only in B",
    }
    return "Passages: " + " · ".join(f"{counts[kind]:,} {name}" for kind, name in names.items())


def quotes_html(comparison: Comparison) -> str:
    def items(quotes: tuple[Quote, ...]) -> str:
        if not quotes:
            return "<p style='color: gray'>none</p>"
        return (
            "<ul>"
            + "".join(
                f"<li><b>{html.escape(q.speaker or 'unnamed')}</b>: “{html.escape(q.text)}”</li>"
                for q in quotes
            )
            + "</ul>"
        )

    return (
        f"<h4>Quoted in both ({len(comparison.quotes_both)})</h4>{items(comparison.quotes_both)}"
        f"<h4>Only in A ({len(comparison.quotes_only_a)})</h4>{items(comparison.quotes_only_a)}"
        f"<h4>Only in B ({len(comparison.quotes_only_b)})</h4>{items(comparison.quotes_only_b)}"
    )


def compare_title(comparison: Comparison) -> str:
    """ "Compare: <title A> — <title B>", each title shortened at a word's end."""
    a, b = (elide_words(c.title, 40) for c in (comparison.a, comparison.b))
    return f"Compare: {a} — {b}"


class CompareWindow(QDialog):
    """A comparison in its own window; the two text panes scroll together."""

    def __init__(self, comparison: Comparison, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.comparison = comparison
        self.setWindowTitle(compare_title(comparison))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.header = QLabel(header_html(comparison), self)
        self.header.setObjectName("compareHeader")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.panes = OfflineTextBrowser(self)
        self.panes.setObjectName("compareTexts")
        self.panes.setAccessibleName("The two texts, passage by passage")
        #: The page of passages shown (``PAGE_ROWS`` each), from 0.
        self.page = 0
        self.pages = max(1, -(-len(comparison.pairs) // PAGE_ROWS))
        self.page_label = QLabel(self)
        self.page_label.setObjectName("comparePage")
        self.previous_button = QPushButton("‹ &Previous Passages", self)
        self.previous_button.setObjectName("comparePrevious")
        self.previous_button.clicked.connect(self._on_previous_button_clicked)
        self.next_button = QPushButton("&Next Passages ›", self)
        self.next_button.setObjectName("compareNext")
        self.next_button.clicked.connect(self._on_next_button_clicked)
        for button in (self.previous_button, self.next_button):
            button.setAutoDefault(False)  # Enter in the window turns no page
        self.quotes = QTextBrowser(self)
        self.quotes.setObjectName("compareQuotes")
        self.quotes.setAccessibleName("Quotations in one or both")
        self.quotes.setOpenLinks(False)
        self.quotes.setHtml(quotes_html(comparison))
        body = QSplitter(Qt.Orientation.Vertical, self)
        body.addWidget(self.panes)
        body.addWidget(self.quotes)
        body.setStretchFactor(0, 4)
        body.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        layout.addLayout(top)
        paging = QHBoxLayout()
        paging.addWidget(self.page_label, 1)
        paging.addWidget(self.previous_button)
        paging.addWidget(self.next_button)
        layout.addLayout(paging)
        layout.addWidget(body, 1)
        for widget in (self.page_label, self.previous_button, self.next_button):
            widget.setVisible(self.pages > 1)
        self.show_page(0)
        self.resize(1200, 800)

    def show_page(self, page: int) -> None:
        """Show the ``page``-th ``PAGE_ROWS`` passages (clamped to the pages there are)."""
        self.page = min(max(page, 0), self.pages - 1)
        start = self.page * PAGE_ROWS
        stop = min(start + PAGE_ROWS, len(self.comparison.pairs))
        self.panes.setHtml(panes_html(self.comparison, start, stop))
        self.page_label.setText(
            f"Passages {start + 1:,}–{stop:,} of {len(self.comparison.pairs):,} "
            f"(page {self.page + 1} of {self.pages})"
        )
        self.previous_button.setEnabled(self.page > 0)
        self.next_button.setEnabled(self.page < self.pages - 1)

    @Slot()
    def _on_previous_button_clicked(self) -> None:
        self.show_page(self.page - 1)

    @Slot()
    def _on_next_button_clicked(self) -> None:
        self.show_page(self.page + 1)
