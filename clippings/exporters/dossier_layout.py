"""Laying out the PDF dossier: page geometry and type, the fonts for every script, and
the ``QTextDocument`` of the cover, the table of contents and each clipping, painted page
by page with ``QPainter`` (with the footer).

Apart from the assembly of the file (``dossier``: the exporter, the order of the pages,
the contents laid out until its length is stable) and from the correction of the text
layer afterwards (``dossier_text_layer``): this is what a page looks like, the rest is
how a whole dossier is made. Imports Qt (QtGui), like the other dossier modules.

Thai is shaped without the ``ccmp`` feature (``Typesetter.insert``): its mark variants
have no code point at all, so text copied out of the PDF would come out wrong (see
``dossier_text_layer``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from PySide6.QtCore import QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QPainter,
    QPdfWriter,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextLength,
    QTextTableFormat,
)

from clippings.model import Clipping, Collection, Published

# --- Page geometry (millimetres on A4) and type --------------------------------------------

RESOLUTION: Final = 600  # device pixels per inch of the PDF writer
PAGE_MM: Final = (210.0, 297.0)
MARGIN_LEFT_MM: Final = 24.0
MARGIN_RIGHT_MM: Final = 24.0
MARGIN_TOP_MM: Final = 22.0
MARGIN_BOTTOM_MM: Final = 26.0  # the footer sits in here
_FOOTER_FROM_BOTTOM_MM: Final = 14.0

_BODY_PT: Final = 10.5
_MUTED: Final = QColor(96, 96, 96)
_RULE: Final = QColor(176, 176, 176)

#: Serif for the articles, sans for headings and metadata; the other families cover the
#: scripts the Latin fonts lack. Families missing on the machine are skipped, and Qt's own
#: fallback still covers anything left over.
_SERIF: Final = ("Noto Serif", "Noto Naskh Arabic", "Noto Serif Hebrew", "Noto Serif Thai")
_SANS: Final = ("Noto Sans", "Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans Thai")
_CJK_REGIONS: Final = ("SC", "TC", "HK", "JP", "KR")

_THAI_RUN: Final = re.compile(r"[\u0e00-\u0e7f]+")
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_PARAGRAPH_BREAK: Final = re.compile(r"\n[ \t\u00a0]*\n\s*")


#: One point in the units of text formats (margins, spacing): Qt scales those from
#: 96 dpi to the device, unlike the page size, which is in device pixels.
_FORMAT_PT: Final = 96 / 72


def mm(value: float) -> float:
    """Millimetres in device pixels of the PDF writer."""
    return value / 25.4 * RESOLUTION


def _cjk_region(language: str | None) -> str:
    """The Noto CJK variant whose glyph shapes suit a clipping's language."""
    lang = (language or "").lower().replace("_", "-")
    if lang.startswith("ja"):
        return "JP"
    if lang.startswith("ko"):
        return "KR"
    if lang in {"zh-tw", "zh-hant", "zh-mo"} or lang.startswith("zh-hant"):
        return "TC"
    if lang == "zh-hk":
        return "HK"
    return "SC"


def _families(style: Sequence[str], language: str | None, available: set[str]) -> list[str]:
    first = _cjk_region(language)
    kind = "Serif" if style is _SERIF else "Sans"
    regions = [first, *(r for r in _CJK_REGIONS if r != first)]
    cjk = [f"Noto {kind} CJK {r}" for r in regions] + [f"Noto Sans CJK {r}" for r in regions]
    wanted = [*style, *cjk]
    return [f for f in dict.fromkeys(wanted) if f in available] or ["Sans Serif"]


def _clean(text: str) -> str:
    """Text as it is laid out: no control characters, tabs as spaces, ``\\n`` line ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", text)


def _day(value: Published) -> str:
    day = value.date() if isinstance(value, datetime) else value
    return f"{day.day} {day.strftime('%B %Y')}"


def _when(value: Published) -> str:
    """A publication date for a header: the day, and the time when one is known."""
    if isinstance(value, datetime):
        return f"{_day(value)}, {value.strftime('%H:%M')}"
    return _day(value)


def _date_range(collection: Collection) -> str:
    span = collection.date_range
    if span is None:
        return "No publication dates"
    first, last = span
    first_day = first.date() if isinstance(first, datetime) else first
    last_day = last.date() if isinstance(last, datetime) else last
    if first_day == last_day:
        return _day(first_day)
    return f"{_day(first_day)} – {_day(last_day)}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# --- Building the documents -----------------------------------------------------------------


@dataclass
class Typesetter:
    """Fonts and page geometry shared by every document of one dossier."""

    writer: QPdfWriter
    available: set[str]
    body_width: float
    body_height: float
    #: Every character put on a page (the ToUnicode repair prefers these).
    drawn: set[str]

    def font(self, *, sans: bool, points: float, language: str | None = None) -> QFont:
        font = QFont()
        font.setFamilies(_families(_SANS if sans else _SERIF, language, self.available))
        font.setPointSizeF(points)
        return font

    def new_document(self, language: str | None = None) -> QTextDocument:
        document = QTextDocument()
        layout = document.documentLayout()
        layout.setPaintDevice(self.writer)
        document.setDocumentMargin(0)
        document.setDefaultFont(self.font(sans=False, points=_BODY_PT, language=language))
        document.setPageSize(QSizeF(self.body_width, self.body_height))
        return document

    def insert(self, cursor: QTextCursor, text: str, char: QTextCharFormat) -> None:
        """Insert text, shaping Thai runs without ``ccmp`` (see the module docstring)."""
        text = _clean(text)
        self.drawn.update(text)
        position = 0
        for run in _THAI_RUN.finditer(text):
            if run.start() > position:
                cursor.insertText(text[position : run.start()], char)
            thai = QTextCharFormat(char)
            thai.setFontFeatures({QFont.Tag("ccmp"): 0})
            cursor.insertText(run.group(), thai)
            position = run.end()
        if position < len(text):
            cursor.insertText(text[position:], char)


def _char_format(
    setter: Typesetter,
    *,
    sans: bool,
    points: float,
    bold: bool = False,
    colour: QColor | None = None,
    language: str | None = None,
) -> QTextCharFormat:
    char = QTextCharFormat()
    font = setter.font(sans=sans, points=points, language=language)
    if bold:
        font.setWeight(QFont.Weight.Bold)
    char.setFont(font)
    if colour is not None:
        char.setForeground(colour)
    return char


def _block(space_before: float = 0, space_after: float = 0) -> QTextBlockFormat:
    block = QTextBlockFormat()
    block.setTopMargin(space_before)
    block.setBottomMargin(space_after)
    return block


def clipping_document(setter: Typesetter, clipping: Clipping) -> QTextDocument:
    """One clipping: its metadata above its text, paginated to the body area."""
    lang = clipping.language
    document = setter.new_document(lang)
    cursor = QTextCursor(document)
    pt = _FORMAT_PT

    meta = _char_format(setter, sans=True, points=9, colour=_MUTED, language=lang)
    kicker = [part for part in (clipping.outlet, clipping.published and _when(clipping.published))]
    cursor.setBlockFormat(_block(space_after=4 * pt))
    setter.insert(cursor, " · ".join(p for p in kicker if p) or "Outlet and date unknown", meta)

    cursor.insertBlock(_block(space_after=6 * pt))
    title = _char_format(setter, sans=True, points=17, bold=True, language=lang)
    setter.insert(cursor, clipping.title.replace("\n", " "), title)

    if clipping.author:
        cursor.insertBlock(_block(space_after=2 * pt))
        author = _char_format(setter, sans=True, points=10, language=lang)
        setter.insert(cursor, f"By {clipping.author}", author)
    if clipping.url:
        rule = _block(space_after=12 * pt)
        cursor.insertBlock(_block(space_after=0))
        link = _char_format(setter, sans=True, points=8, colour=_MUTED, language=lang)
        link.setAnchor(True)
        link.setAnchorHref(clipping.url)
        setter.insert(cursor, clipping.url, link)
    else:
        rule = _block(space_after=12 * pt)
    rule.setProperty(QTextFormat.Property.BlockTrailingHorizontalRulerWidth, QTextLength())
    cursor.insertBlock(rule, QTextCharFormat())
    cursor.insertText(" ", _char_format(setter, sans=True, points=2))

    body = _char_format(setter, sans=False, points=_BODY_PT, language=lang)
    text = _clean(clipping.text).strip()
    if not clipping.has_text or not text:
        cursor.insertBlock(_block(space_after=6 * pt))
        note = _char_format(setter, sans=True, points=_BODY_PT, colour=_MUTED, language=lang)
        note.setFontItalic(True)
        setter.insert(
            cursor,
            "No text could be read in this clipping (a scan or picture): only its details "
            "are in the dossier.",
            note,
        )
        return document
    for paragraph in _PARAGRAPH_BREAK.split(text):
        block = _block(space_after=6 * pt)
        block.setAlignment(Qt.AlignmentFlag.AlignJustify)
        block.setLineHeight(125, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        cursor.insertBlock(block)
        setter.insert(cursor, paragraph.strip().replace("\n", "\u2028"), body)
    return document


def cover_document(setter: Typesetter, collection: Collection) -> QTextDocument:
    document = setter.new_document()
    cursor = QTextCursor(document)
    pt = _FORMAT_PT
    cursor.setBlockFormat(_block(space_after=10 * pt))
    setter.insert(
        cursor, "PRESS REVIEW", _char_format(setter, sans=True, points=11, bold=True, colour=_MUTED)
    )
    cursor.insertBlock(_block(space_after=18 * pt))
    setter.insert(cursor, collection.title, _char_format(setter, sans=True, points=30, bold=True))
    details = _char_format(setter, sans=True, points=13)
    for line in (_date_range(collection), _plural(len(collection.clippings), "clipping")):
        cursor.insertBlock(_block(space_after=4 * pt))
        setter.insert(cursor, line, details)
    cursor.insertBlock(_block(space_before=40 * pt))
    made = f"Made {_when(collection.made_at)} with Clippings"
    setter.insert(cursor, made, _char_format(setter, sans=True, points=9, colour=_MUTED))
    return document


def contents_document(
    setter: Typesetter, clippings: Sequence[Clipping], starts: Sequence[int]
) -> QTextDocument:
    """The table of contents: title, outlet and date, and the page number at the right."""
    document = setter.new_document()
    cursor = QTextCursor(document)
    pt = _FORMAT_PT
    cursor.setBlockFormat(_block(space_after=14 * pt))
    setter.insert(cursor, "Contents", _char_format(setter, sans=True, points=20, bold=True))

    table_format = QTextTableFormat()
    table_format.setBorder(0)
    table_format.setCellPadding(0)
    table_format.setCellSpacing(0)
    table_format.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
    table_format.setColumnWidthConstraints(
        [
            QTextLength(QTextLength.Type.PercentageLength, 90),
            QTextLength(QTextLength.Type.PercentageLength, 10),
        ]
    )
    # One edit block: Qt lays the table out once at its end, not again after every
    # insertion into one of its cells (which made the contents quadratic).
    cursor.beginEditBlock()
    table = cursor.insertTable(max(1, len(clippings)), 2, table_format)
    title = _char_format(setter, sans=True, points=10.5, bold=True)
    meta = _char_format(setter, sans=True, points=8.5, colour=_MUTED)
    number = _char_format(setter, sans=True, points=10.5)
    for row, (clipping, start) in enumerate(zip(clippings, starts, strict=True)):
        cell = table.cellAt(row, 0).firstCursorPosition()
        cell.setBlockFormat(_block(space_before=8 * pt))
        # The title is laid out in its own direction, but the entry stays left aligned.
        title_format = _char_format(
            setter, sans=True, points=10.5, bold=True, language=clipping.language
        )
        title_format.merge(title)
        setter.insert(cell, clipping.title.replace("\n", " "), title_format)
        cell.insertBlock(_block(space_after=1 * pt))
        kicker = [clipping.outlet, clipping.published and _day(clipping.published)]
        setter.insert(cell, " · ".join(p for p in kicker if p) or "—", meta)
        page = table.cellAt(row, 1).firstCursorPosition()
        right = _block(space_before=8 * pt)
        right.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute)
        page.setBlockFormat(right)
        setter.insert(page, str(start), number)
    cursor.endEditBlock()
    return document


# --- Painting --------------------------------------------------------------------------------


def paint_page(
    painter: QPainter, document: QTextDocument, index: int, origin: tuple[float, float]
) -> None:
    """Paint page ``index`` (from 0) of a paginated document at the body's origin."""
    height = document.pageSize().height()
    width = document.pageSize().width()
    painter.save()
    painter.translate(origin[0], origin[1] - index * height)
    context = QAbstractTextDocumentLayout.PaintContext()
    clip = QRectF(0, index * height, width, height)
    context.clip = clip
    painter.setClipRect(clip)
    document.documentLayout().draw(painter, context)
    painter.restore()


def paint_footer(painter: QPainter, setter: Typesetter, page: int, title: str) -> None:
    width = mm(PAGE_MM[0])
    baseline_top = mm(PAGE_MM[1] - _FOOTER_FROM_BOTTOM_MM)
    left = mm(MARGIN_LEFT_MM)
    right = width - mm(MARGIN_RIGHT_MM)
    painter.save()
    painter.setPen(_RULE)
    painter.drawLine(int(left), int(baseline_top - mm(3)), int(right), int(baseline_top - mm(3)))
    painter.setPen(_MUTED)
    font = setter.font(sans=True, points=8)
    painter.setFont(font)
    row = QRectF(left, baseline_top - mm(1.5), right - left, mm(6))
    setter.drawn.update(title)
    painter.drawText(row, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), title)
    label = f"Page {page}"
    setter.drawn.update(label)
    painter.drawText(row, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), label)
    painter.restore()
