"""How list cells are drawn: a title with its search snippet, tags as colour chips."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from clippings.model import ClippingSummary
from clippings.ui.clipping_model import ClippingRole, SnippetRole

ModelIndex = QModelIndex | QPersistentModelIndex


def tag_colour(name: str, colours: dict[str, str | None]) -> QColor:
    """A tag's colour, else its nearest coloured parent's, else one made from its name."""
    parts = name.split("/")
    for end in range(len(parts), 0, -1):
        colour = colours.get("/".join(parts[:end]))
        if colour:
            return QColor(colour)
    hue = sum(ord(c) * 31 for c in parts[0]) % 360
    return QColor.fromHsl(hue, 110, 150)


def trim_marked(snippet: str, budget: int) -> str:
    """Cut a snippet (escaped text with ``<mark>`` tags) after ``budget`` visible
    characters, at a word, keeping the tags balanced."""
    out: list[str] = []
    visible = 0
    position = 0
    open_mark = False
    while position < len(snippet) and visible < budget:
        if snippet.startswith("<mark>", position):
            out.append("<mark>")
            open_mark = True
            position += 6
        elif snippet.startswith("</mark>", position):
            out.append("</mark>")
            open_mark = False
            position += 7
        elif snippet[position] == "&":
            end = snippet.find(";", position)
            end = position if end < 0 else end
            out.append(snippet[position : end + 1])
            visible += 1
            position = end + 1
        else:
            out.append(snippet[position])
            visible += 1
            position += 1
    text = "".join(out)
    if position < len(snippet):
        cut = text.rfind(" ")
        text = (text[:cut] if cut > len(text) // 2 else text) + " …"
        if open_mark or text.count("<mark>") > text.count("</mark>"):
            text += "</mark>"
    return text


class TitleDelegate(QStyledItemDelegate):
    """The title; in search results, the highlighted snippet on two lines below it."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        snippet = index.data(SnippetRole)
        if not snippet:
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        title = option.text
        option.text = ""
        if style:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        rect = option.rect.adjusted(4, 2, -4, -2)
        painter.save()
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(option.palette.color(role))
        metrics = QFontMetrics(bold)
        painter.drawText(
            rect.left(),
            rect.top() + metrics.ascent(),
            metrics.elidedText(title, Qt.TextElideMode.ElideRight, rect.width()),
        )
        # About two lines' worth of characters: a third line would show cut in half.
        budget = int(2 * rect.width() / max(option.fontMetrics.averageCharWidth(), 1) * 0.95)
        document = self._document(trim_marked(snippet, budget), option, rect.width(), selected)
        painter.translate(rect.left() - 2, rect.top() + metrics.height())
        # Exactly two lines of the snippet; a third would show cut in half.
        height = 2 * option.fontMetrics.lineSpacing() + 4
        painter.setClipRect(QRectF(0, 0, rect.width() + 4, height))
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(role))
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:  # noqa: N802
        size = super().sizeHint(option, index)
        if index.data(SnippetRole):
            return QSize(size.width(), option.fontMetrics.lineSpacing() * 3 + 14)
        return size

    @staticmethod
    def _document(
        snippet: str, option: QStyleOptionViewItem, width: int, selected: bool
    ) -> QTextDocument:
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(2)
        document.setTextWidth(width)
        mark = option.palette.color(QPalette.ColorRole.Highlight).lighter(170).name()
        grey = (
            "inherit"
            if selected
            else option.palette.color(QPalette.ColorRole.PlaceholderText).name()
        )
        document.setDefaultStyleSheet(
            f"mark {{ background-color: {mark}; color: black; }} span {{ color: {grey}; }}"
        )
        document.setHtml(f"<span>{snippet}</span>")
        return document


class TagChipsDelegate(QStyledItemDelegate):
    """Each tag as a small rounded chip in the tag's colour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colours: dict[str, str | None] = {}

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        row: ClippingSummary | None = index.data(ClippingRole)
        self.initStyleOption(option, index)
        option.text = ""
        style = option.widget.style() if option.widget else None
        if style:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        if row is None or not row.tags:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = option.fontMetrics
        x = option.rect.left() + 3
        height = metrics.height() + 2
        y = option.rect.top() + (min(option.rect.height(), 2 * height) - height) // 2
        for name in row.tags:
            label = name.rpartition("/")[2]
            width = metrics.horizontalAdvance(label) + 10
            if x + width > option.rect.right():
                painter.setPen(option.palette.color(QPalette.ColorRole.Text))
                painter.drawText(x, y + metrics.ascent() + 1, "…")
                break
            colour = tag_colour(name, self.colours)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(QRectF(x, y, width, height), 6, 6)
            painter.setPen(QColor("black") if colour.lightness() > 140 else QColor("white"))
            painter.drawText(x + 5, y + metrics.ascent() + 1, label)
            x += width + 4
        painter.restore()
