"""Laying out the PDF dossier: page geometry and type, the fonts for every script, and
the ``QTextDocument`` of the cover, the table of contents and each clipping, painted page
by page with ``QPainter`` (with the running header and the footer).

Apart from the assembly of the file (``dossier``: the exporter, the order of the pages,
the contents laid out until its length is stable) and from the correction of the text
layer afterwards (``dossier_text_layer``): this is what a page looks like, the rest is
how a whole dossier is made. Imports Qt (QtGui), like the other dossier modules.

The running header and the footer are one-line text documents too (not
``QPainter.drawText``), so that their glyphs reach the text-layer pass like the body's.

Chinese, Japanese and Korean are set in the Noto CJK face of their clipping's language
wherever they appear (its page and running header, the contents, the summary's outlets
and sections); kana always in the JP face and Hangul in the KR face; the collection's own
words (cover, footers) in the language of most of its CJK clippings (``cjk_language``).

Thai is shaped without the ``ccmp`` feature (``Typesetter.insert``): its mark variants
have no code point at all, so text copied out of the PDF would come out wrong (see
``dossier_text_layer``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPdfWriter,
    QTextBlock,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextLength,
    QTextOption,
    QTextTableFormat,
)

from clippings.exporters.dossier_clusters import ShapedRun
from clippings.exporters.dossier_text_layer import line_page, shaped_runs
from clippings.model import Clipping, Collection, Published

# --- Page geometry (millimetres on A4) and type --------------------------------------------

RESOLUTION: Final = 600  # device pixels per inch of the PDF writer
PAGE_MM: Final = (210.0, 297.0)
MARGIN_LEFT_MM: Final = 24.0
MARGIN_RIGHT_MM: Final = 24.0
MARGIN_TOP_MM: Final = 22.0
MARGIN_BOTTOM_MM: Final = 26.0  # the footer sits in here
_FOOTER_FROM_BOTTOM_MM: Final = 14.0
_HEADER_FROM_TOP_MM: Final = 10.0

_BODY_PT: Final = 10.5
_MUTED: Final = QColor(96, 96, 96)
_RULE: Final = QColor(176, 176, 176)
_NOTE_TINT: Final = QColor(244, 241, 230)

#: Serif for the articles, sans for headings and metadata; the other families cover the
#: scripts the Latin fonts lack. Families missing on the machine are skipped, and Qt's own
#: fallback still covers anything left over.
_SERIF: Final = (
    "Noto Serif",
    "Noto Naskh Arabic",
    "Noto Serif Hebrew",
    "Noto Serif Thai",
    # Not Noto Serif Myanmar: fontconfig gives its bold face for the regular weight.
    "Noto Sans Myanmar",
)
_SANS: Final = (
    "Noto Sans",
    "Noto Sans Arabic",
    "Noto Sans Hebrew",
    "Noto Sans Thai",
    "Noto Sans Myanmar",
)
_CJK_REGIONS: Final = ("SC", "TC", "JP", "KR", "HK")

#: Runs laid out apart: Thai (shaped without ``ccmp``) and CJK (in the language's face).
_SPECIAL_RUN: Final = re.compile(
    r"(?P<thai>[\u0e00-\u0e7f]+)"
    r"|(?P<cjk>[\u1100-\u11ff\u2e80-\u2fdf\u3000-\u303f\u3040-\u31ff\u3200-\u9fff"
    r"\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
    r"\U00020000-\U0003ffff]+)"
    # Burmese with the spaces and punctuation inside it, all in the Myanmar face: in
    # another face they sat on another baseline box, which broke lines for pdfminer.
    r"|(?P<myanmar>[\u1000-\u109f\uaa60-\uaa7f\ua9e0-\ua9ff]+"
    r"(?:[ \u00a0()\"'.,:;!?\-]+[\u1000-\u109f\uaa60-\uaa7f\ua9e0-\ua9ff]+)*)"
)
#: Scripts set ragged rather than justified: right-to-left ones, and those written with
#: few spaces (Thai, Lao, Burmese, Khmer).
_RAGGED: Final = re.compile(
    r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]"
)
_RIGHT_TO_LEFT: Final = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_PARAGRAPH_BREAK: Final = re.compile(r"\n[ \t\u00a0]*\n\s*")


#: One point in the units of text formats (margins, spacing): Qt scales those from
#: 96 dpi to the device, unlike the page size, which is in device pixels.
FORMAT_PT: Final = 96 / 72


def mm(value: float) -> float:
    """Millimetres in device pixels of the PDF writer."""
    return value / 25.4 * RESOLUTION


def _cjk_region(language: str | None) -> str:
    """The Noto CJK face whose glyph shapes suit a clipping's language (BCP 47 tag).

    Chinese is Simplified (SC) unless its tag says Traditional: the script ``Hant`` or
    a region that writes it (Taiwan, Hong Kong, Macau); Cantonese is Traditional too.
    """
    parts = (language or "").lower().replace("_", "-").split("-")
    if parts[0] == "ja":
        return "JP"
    if parts[0] == "ko":
        return "KR"
    if "hans" in parts[1:]:
        return "SC"
    if parts[0] == "yue" or "hant" in parts[1:] or {"tw", "hk", "mo"} & set(parts[1:]):
        return "TC"
    return "SC"


#: Kana and Hangul: Japanese and Korean whatever the language around them says.
_KANA: Final = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HANGUL: Final = re.compile(r"[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7ff\uffa0-\uffdc]")


def cjk_language(clippings: Sequence[Clipping]) -> str | None:
    """The language of most of the clippings written in Chinese, Japanese or Korean (None
    without any): the CJK face of text that belongs to no one clipping (the collection's
    title on the cover and in the footers, the summary's headings)."""
    found = Counter(
        c.language
        for c in clippings
        if c.language and c.language.lower().replace("_", "-").split("-")[0] in _CJK_LANGUAGES
    )
    return found.most_common(1)[0][0] if found else None


def main_language(clippings: Sequence[Clipping]) -> str | None:
    """The language most of the clippings are in: the CJK face of a name that is theirs
    (a section's tag, an outlet) in the contents and the summary."""
    found = Counter(c.language for c in clippings if c.language)
    return found.most_common(1)[0][0] if found else None


_CJK_LANGUAGES: Final = frozenset({"zh", "ja", "ko", "yue", "cmn", "lzh", "wuu", "hak", "nan"})


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


def day_words(value: Published) -> str:
    day = value.date() if isinstance(value, datetime) else value
    return f"{day.day} {day.strftime('%B %Y')}"


def _when(value: Published) -> str:
    """A publication date for a header: the day, and the time when one is known."""
    if isinstance(value, datetime):
        return f"{day_words(value)}, {value.strftime('%H:%M')}"
    return day_words(value)


def date_range(collection: Collection) -> str:
    span = collection.date_range
    if span is None:
        return "No publication dates"
    first, last = span
    first_day = first.date() if isinstance(first, datetime) else first
    last_day = last.date() if isinstance(last, datetime) else last
    if first_day == last_day:
        return day_words(first_day)
    return f"{day_words(first_day)} – {day_words(last_day)}"


def isolate(text: str | None) -> str | None:
    """Text set apart from its neighbours' direction (Unicode first-strong isolate), so that
    an Arabic outlet does not take the date after it into its own right-to-left run."""
    if not text or _RIGHT_TO_LEFT.search(text) is None:
        return text
    return f"\u2068{text}\u2069"


def _details(clipping: Clipping) -> str:
    """Where the piece ran in print ("In print: page A3, section World"), or ""."""
    parts = [
        clipping.page and f"page {clipping.page}",
        clipping.section and f"section {clipping.section}",
        clipping.edition and f"{clipping.edition} edition",
    ]
    found = [_clean(p).replace("\n", " ") for p in parts if p]
    return f"In print: {', '.join(found)}" if found else ""


def plural(count: int, word: str) -> str:
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
    #: The lines of headers and footers laid out lately, by text, side, language, width: the
    #: same title is in the footer of every page, an article's header on each of its own.
    running_lines: dict[tuple[str, int, str | None, float], QTextDocument] = field(
        default_factory=dict
    )
    #: The language of text that is no one clipping's (``cjk_language``).
    language: str | None = None

    def font(self, *, sans: bool, points: float, language: str | None = None) -> QFont:
        font = QFont()
        wanted = language or self.language
        font.setFamilies(_families(_SANS if sans else _SERIF, wanted, self.available))
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
        """Insert text; Thai runs are shaped without ``ccmp`` (see the module docstring),
        CJK runs set in the CJK face of the format's language (first among its families).

        Qt's font fallback remembers the face it found for a script by the first family
        alone, so a Japanese clipping laid out earlier made the next Chinese one fall
        back to the Japanese face: a CJK run therefore names its face first.
        """
        text = _clean(text)
        self.drawn.update(text)
        position = 0
        for run in _SPECIAL_RUN.finditer(text):
            if run.start() > position:
                cursor.insertText(text[position : run.start()], char)
            special = QTextCharFormat(char)
            if run.lastgroup == "thai":
                special.setFontFeatures({QFont.Tag("ccmp"): 0})
            else:
                families = [str(f) for f in char.fontFamilies() or []]
                own = " CJK " if run.lastgroup == "cjk" else " Myanmar"
                first = [f for f in families if own in f]
                if run.lastgroup == "cjk":
                    first.sort(key=lambda f: _script_face(run.group(), f))
                special.setFontFamilies([*first, *(f for f in families if f not in first)])
            cursor.insertText(run.group(), special)
            position = run.end()
        if position < len(text):
            cursor.insertText(text[position:], char)


def _script_face(text: str, family: str) -> int:
    """0 for the CJK face a run's own script asks for (kana: JP, Hangul: KR), else 1
    (a sort key: the language's order stays among the rest)."""
    if _KANA.search(text) is not None:
        return 0 if family.endswith(" JP") else 1
    if _HANGUL.search(text) is not None:
        return 0 if family.endswith(" KR") else 1
    return 1


def char_format(
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


def block_format(space_before: float = 0, space_after: float = 0) -> QTextBlockFormat:
    block = QTextBlockFormat()
    block.setTopMargin(space_before)
    block.setBottomMargin(space_after)
    return block


def clipping_document(
    setter: Typesetter, clipping: Clipping, section: str | None = None
) -> QTextDocument:
    """One clipping: its metadata above its text, paginated to the body area.

    ``section`` is the heading of the section this clipping opens (None inside one).
    """
    lang = clipping.language
    document = setter.new_document(lang)
    cursor = QTextCursor(document)
    pt = FORMAT_PT

    if section is not None:
        cursor.setBlockFormat(block_format(space_after=3 * pt))
        label = char_format(setter, sans=True, points=9, bold=True, colour=_MUTED)
        setter.insert(cursor, "SECTION", label)
        band = block_format(space_after=16 * pt)
        band.setProperty(QTextFormat.Property.BlockTrailingHorizontalRulerWidth, QTextLength())
        cursor.insertBlock(band)
        heading = char_format(setter, sans=True, points=22, bold=True, language=lang)
        setter.insert(cursor, section, heading)
        cursor.insertBlock(block_format(space_after=4 * pt))
    else:
        cursor.setBlockFormat(block_format(space_after=4 * pt))

    meta = char_format(setter, sans=True, points=9, colour=_MUTED, language=lang)
    kicker = [isolate(clipping.outlet), clipping.published and _when(clipping.published)]
    setter.insert(cursor, " · ".join(p for p in kicker if p) or "Outlet and date unknown", meta)

    cursor.insertBlock(block_format(space_after=6 * pt))
    title = char_format(setter, sans=True, points=17, bold=True, language=lang)
    setter.insert(cursor, clipping.title.replace("\n", " "), title)

    if clipping.author:
        cursor.insertBlock(block_format(space_after=2 * pt))
        author = char_format(setter, sans=True, points=10, language=lang)
        setter.insert(cursor, f"By {clipping.author}", author)
    details = _details(clipping)
    if details:
        cursor.insertBlock(block_format(space_after=2 * pt))
        setter.insert(cursor, details, char_format(setter, sans=True, points=9, colour=_MUTED))
    if clipping.tags:
        cursor.insertBlock(block_format(space_after=2 * pt))
        setter.insert(cursor, "Tags: ", char_format(setter, sans=True, points=9, bold=True))
        setter.insert(cursor, ", ".join(clipping.tags), char_format(setter, sans=True, points=9))
    if clipping.url:
        cursor.insertBlock(block_format(space_after=0))
        link = char_format(setter, sans=True, points=8, colour=_MUTED, language=lang)
        link.setAnchor(True)
        link.setAnchorHref(clipping.url)
        setter.insert(cursor, clipping.url, link)
    notes = _clean(clipping.notes or "").strip()
    if notes:
        # The user's own note, set apart from the article: a tinted, indented block.
        note_block = block_format(space_before=8 * pt, space_after=0)
        note_block.setBackground(_NOTE_TINT)
        note_block.setLeftMargin(6 * pt)
        note_block.setRightMargin(6 * pt)
        cursor.insertBlock(note_block)
        setter.insert(cursor, "Note: ", char_format(setter, sans=True, points=9, bold=True))
        note = char_format(setter, sans=True, points=9, language=lang)
        setter.insert(cursor, re.sub(r"\n\s*", "\u2028", notes), note)
    rule = block_format(space_before=4 * pt if notes else 0, space_after=12 * pt)
    rule.setProperty(QTextFormat.Property.BlockTrailingHorizontalRulerWidth, QTextLength())
    cursor.insertBlock(rule, QTextCharFormat())
    cursor.insertText(" ", char_format(setter, sans=True, points=2))

    body = char_format(setter, sans=False, points=_BODY_PT, language=lang)
    text = _clean(clipping.text).strip()
    if not clipping.has_text or not text:
        cursor.insertBlock(block_format(space_after=6 * pt))
        note = char_format(setter, sans=True, points=_BODY_PT, colour=_MUTED, language=lang)
        note.setFontItalic(True)
        setter.insert(
            cursor,
            "No text could be read in this clipping (a scan or picture): only its details "
            "are in the dossier.",
            note,
        )
        return document
    # Qt justifies by widening spaces only: right for most scripts, but Arabic wants
    # kashida, and Thai or Burmese, with few spaces, got gaps wide enough to split their
    # lines for text extraction (pdfminer then reads the pieces out of order).
    flush = Qt.AlignmentFlag.AlignLeading if _RAGGED.search(text) else Qt.AlignmentFlag.AlignJustify
    for paragraph in _PARAGRAPH_BREAK.split(text):
        block = block_format(space_after=6 * pt)
        block.setAlignment(flush)
        block.setLineHeight(125, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        cursor.insertBlock(block)
        setter.insert(cursor, paragraph.strip().replace("\n", "\u2028"), body)
    return document


def cover_document(setter: Typesetter, collection: Collection) -> QTextDocument:
    document = setter.new_document()
    cursor = QTextCursor(document)
    pt = FORMAT_PT
    cursor.setBlockFormat(block_format(space_after=10 * pt))
    setter.insert(
        cursor, "PRESS REVIEW", char_format(setter, sans=True, points=11, bold=True, colour=_MUTED)
    )
    cursor.insertBlock(block_format(space_after=18 * pt))
    setter.insert(cursor, collection.title, char_format(setter, sans=True, points=30, bold=True))
    details = char_format(setter, sans=True, points=13)
    for line in (date_range(collection), plural(len(collection.clippings), "clipping")):
        cursor.insertBlock(block_format(space_after=4 * pt))
        setter.insert(cursor, line, details)
    cursor.insertBlock(block_format(space_before=40 * pt))
    made = f"Made {_when(collection.made_at)} with Clippings"
    setter.insert(cursor, made, char_format(setter, sans=True, points=9, colour=_MUTED))
    return document


@dataclass(frozen=True)
class ContentsEntry:
    """A line of the contents: a part of the dossier (a section, the summary) or a clipping."""

    page: int
    clipping: Clipping | None = None
    #: The heading of a part (None for a clipping).
    heading: str | None = None
    #: The language of a part's heading (its clippings' ``main_language``).
    language: str | None = None


@dataclass(frozen=True)
class ContentsRow:
    """Where an entry of the laid-out contents is: its first and last block, and its page."""

    first: QTextBlock
    last: QTextBlock
    page: int


def contents_document(
    setter: Typesetter, entries: Sequence[ContentsEntry]
) -> tuple[QTextDocument, list[ContentsRow]]:
    """The table of contents: parts as headings; each clipping's title, outlet and date;
    the page number at the right. Returns the document and where each entry is."""
    document = setter.new_document()
    cursor = QTextCursor(document)
    pt = FORMAT_PT
    cursor.setBlockFormat(block_format(space_after=14 * pt))
    setter.insert(cursor, "Contents", char_format(setter, sans=True, points=20, bold=True))

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
    table = cursor.insertTable(max(1, len(entries)), 2, table_format)
    headings: dict[str | None, QTextCharFormat] = {}
    number = char_format(setter, sans=True, points=10.5)
    number_bold = char_format(setter, sans=True, points=12.5, bold=True)
    formats: dict[str | None, tuple[QTextCharFormat, QTextCharFormat]] = {}
    rows: list[ContentsRow] = []
    for row, entry in enumerate(entries):
        cell = table.cellAt(row, 0).firstCursorPosition()
        page = table.cellAt(row, 1).firstCursorPosition()
        right = block_format()
        right.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute)
        clipping = entry.clipping
        if clipping is None:
            space = 16 * pt if row else 4 * pt
            cell.setBlockFormat(block_format(space_before=space, space_after=2 * pt))
            if entry.language not in headings:
                headings[entry.language] = char_format(
                    setter, sans=True, points=12.5, bold=True, language=entry.language
                )
            setter.insert(cell, entry.heading or "", headings[entry.language])
            right.setTopMargin(space)
            page.setBlockFormat(right)
            setter.insert(page, str(entry.page), number_bold)
            rows.append(ContentsRow(cell.block(), cell.block(), entry.page))
            continue
        entry_block = block_format(space_before=8 * pt)
        # The title is laid out in its own direction, but the entry stays left aligned.
        entry_block.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignAbsolute)
        cell.setBlockFormat(entry_block)
        first = cell.block()
        # Title, outlet and date in the faces of the clipping's language (Japanese in the
        # Japanese face, not the dossier's).
        if clipping.language not in formats:
            formats[clipping.language] = (
                char_format(setter, sans=True, points=10.5, bold=True, language=clipping.language),
                char_format(
                    setter, sans=True, points=8.5, colour=_MUTED, language=clipping.language
                ),
            )
        title, meta = formats[clipping.language]
        setter.insert(cell, clipping.title.replace("\n", " "), title)
        meta_block = block_format(space_after=1 * pt)
        meta_block.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignAbsolute)
        cell.insertBlock(meta_block)
        kicker = [isolate(clipping.outlet), clipping.published and day_words(clipping.published)]
        setter.insert(cell, " · ".join(p for p in kicker if p) or "—", meta)
        right.setTopMargin(8 * pt)
        page.setBlockFormat(right)
        setter.insert(page, str(entry.page), number)
        rows.append(ContentsRow(first, cell.block(), entry.page))
    cursor.endEditBlock()
    return document, rows


# --- Painting --------------------------------------------------------------------------------


def paint_page(
    painter: QPainter, document: QTextDocument, index: int, origin: tuple[float, float]
) -> None:
    """Paint page ``index`` (from 0) of a paginated document at the body's origin.

    Each line is drawn on the one page where it is seen (see ``_PageLines``): the layout
    draws the page's blocks, and the lines of a paragraph continued from the page before
    are drawn here, one by one.
    """
    height = document.pageSize().height()
    width = document.pageSize().width()
    lines = _PageLines(document, index)
    painter.save()
    painter.translate(origin[0], origin[1] - index * height)
    painter.setClipRect(QRectF(0, index * height, width, height))
    context = QAbstractTextDocumentLayout.PaintContext()
    for block, numbers, rect, at in lines.continued:
        background = block.blockFormat().background()
        if background.style() != Qt.BrushStyle.NoBrush:
            painter.fillRect(rect, background)
        painter.setPen(context.palette.text().color())
        layout = block.layout()
        for number in numbers:
            layout.lineAt(number).draw(painter, at)
    if lines.high > lines.low:
        context.clip = QRectF(0, lines.low, width, lines.high - lines.low)
        document.documentLayout().draw(painter, context)
    painter.restore()


class _PageLines:
    """Which lines of a document go on one of its pages, and how to have Qt draw them.

    Qt's ``QTextLayout::draw`` draws the lines of a block that touch its clip *and the
    last line wholly above it* (it starts from that line, not the one after), and draws
    a line whose top is the clip's bottom edge: painted page by page through a clip,
    the last line of a paragraph (or of a contents entry) continued on the next page
    was written there too, clipped away (invisible) but in the text layer, and read
    twice. So the layout draws only the blocks from below every block begun on an
    earlier page (``low``) to above the first line of a later page (``high``), and the
    page's lines of the blocks above ``low`` are drawn one by one (``continued``). A
    line is on the page of its middle (one pushed to a page's top may start a rounding
    error above it).
    """

    def __init__(self, document: QTextDocument, index: int) -> None:
        height = document.pageSize().height()
        top, bottom = index * height, (index + 1) * height
        # A line Qt pushed to the next page starts at (or a rounding error above) its top
        # edge, which Qt would draw here too: the band stops short of the edge.
        self.low, self.high = top, bottom - _CLEAR
        #: Per block: its lines on the page, the part of the page it covers, and where
        #: its lines are drawn from (its bounding rectangle's corner: its layout's
        #: position in the document, a table cell's offset included).
        self.continued: list[tuple[QTextBlock, list[int], QRectF, QPointF]] = []
        if document.pageCount() == 1:
            return  # no other page's line to keep out (most clippings)
        layout = document.documentLayout()
        found: list[tuple[QTextBlock, list[int], QRectF]] = []
        block = document.begin()
        while block.isValid():
            rect = layout.blockBoundingRect(block)
            if rect.top() > bottom + height:
                break  # blocks come in reading order (a table's cells row by row)
            if rect.bottom() >= top - height:
                here = self._sort(block, rect, index, height)
                if here:
                    found.append((block, here, rect))
            block = block.next()
        # A block of the page with a line wholly above the band would have that line
        # drawn by Qt: it is drawn here line by line instead, and the band starts below.
        manual: set[int] = set()
        moved = True
        while moved:
            moved = False
            for number, (block, here, rect) in enumerate(found):
                if number in manual:
                    continue
                lines = block.layout()
                if any(
                    rect.top() + lines.lineAt(n).y() + lines.lineAt(n).height() < self.low
                    for n in here
                ):
                    manual.add(number)
                    self.low, moved = max(self.low, rect.bottom() + _CLEAR), True
        for number, (block, here, rect) in enumerate(found):
            if number in manual:
                upper, lower = max(rect.top(), top), min(rect.bottom(), bottom)
                shown = QRectF(rect.left(), upper, rect.width(), lower - upper)
                self.continued.append((block, here, shown, rect.topLeft()))

    def _sort(self, block: QTextBlock, rect: QRectF, index: int, height: float) -> list[int]:
        """The block's lines on the page; moves the band's edges past its other lines."""
        lines = block.layout()
        here: list[int] = []
        for number in range(lines.lineCount()):
            line = lines.lineAt(number)
            start = rect.top() + line.y()
            page = line_page(start, line.height(), height)
            if page < index:
                self.low = max(self.low, rect.bottom() + _CLEAR)
            elif page == index:
                here.append(number)
            else:
                self.high = min(self.high, start - _CLEAR)
        return here


#: Device pixels (1/600 inch) between the band the layout draws and a line it must not.
_CLEAR: Final = 0.5


def paint_footer(painter: QPainter, setter: Typesetter, page: int, title: str) -> list[ShapedRun]:
    """The footer of a page (``page`` from 1): the collection's title (elided to leave
    room) and the page number, under a rule. Returns its complex text's glyphs."""
    left = mm(MARGIN_LEFT_MM)
    right = mm(PAGE_MM[0] - MARGIN_RIGHT_MM)
    baseline_top = mm(PAGE_MM[1] - _FOOTER_FROM_BOTTOM_MM)
    painter.save()
    painter.setPen(_RULE)
    painter.drawLine(int(left), int(baseline_top - mm(3)), int(right), int(baseline_top - mm(3)))
    painter.restore()
    row = QRectF(left, baseline_top - mm(1.5), right - left, mm(6))
    return _paint_running_row(painter, setter, row, title, f"Page {page}", None, page - 1)


def paint_header(
    painter: QPainter,
    setter: Typesetter,
    page: int,
    left: str,
    right: str,
    language: str | None = None,
) -> list[ShapedRun]:
    """The running header of an article's page (``page`` from 1): what it is (left,
    elided to leave room) and its section (right), over a rule. Returns its complex
    text's glyphs."""
    page_left = mm(MARGIN_LEFT_MM)
    page_right = mm(PAGE_MM[0] - MARGIN_RIGHT_MM)
    top = mm(_HEADER_FROM_TOP_MM)
    row = QRectF(page_left, top, page_right - page_left, mm(5))
    runs = _paint_running_row(painter, setter, row, left, right, language, page - 1)
    painter.save()
    painter.setPen(_RULE)
    rule = int(top + mm(6))
    painter.drawLine(int(page_left), rule, int(page_right), rule)
    painter.restore()
    return runs


def _paint_running_row(
    painter: QPainter,
    setter: Typesetter,
    row: QRectF,
    left: str,
    right: str,
    language: str | None,
    page: int,
) -> list[ShapedRun]:
    """A header's or footer's line: ``left`` at the row's left edge (elided so it ends
    short of ``right``), ``right`` at its right edge, both centred on the row's height,
    in 8 pt muted sans. ``page`` is from 0.

    Laid out as text documents, like the body, rather than with ``QPainter.drawText``:
    the text-layer pass learns where their glyphs are only from a document's layout
    (``shaped_runs``), and an Arabic, Hebrew, Thai or Burmese outlet or title in them
    otherwise read back wrongly.
    """
    metrics = QFontMetricsF(setter.font(sans=True, points=8, language=language), setter.writer)
    right = _clean(right).replace("\n", " ")
    right_width = metrics.horizontalAdvance(right) + mm(6) if right else 0.0
    left = metrics.elidedText(
        _clean(left).replace("\n", " "), Qt.TextElideMode.ElideRight, row.width() - right_width
    )
    runs: list[ShapedRun] = []
    for text, side in ((left, Qt.AlignmentFlag.AlignLeft), (right, Qt.AlignmentFlag.AlignRight)):
        if not text:
            continue
        key = (text, side.value, language, row.width())
        document = setter.running_lines.get(key)
        if document is None:
            if len(setter.running_lines) > 64:
                setter.running_lines.clear()
            document = _running_line(setter, text, side, language, row.width())
            setter.running_lines[key] = document
        line = document.firstBlock().layout().lineAt(0)
        # Centred as drawText centres a line in a rectangle: by its own height.
        origin = (row.left(), row.top() + (row.height() - line.height()) / 2 - line.y())
        paint_page(painter, document, 0, origin)
        runs += shaped_runs(document, 0, origin, page)
    return runs


def _running_line(
    setter: Typesetter,
    text: str,
    side: Qt.AlignmentFlag,
    language: str | None,
    width: float,
) -> QTextDocument:
    """One line of 8 pt muted sans, unwrapped, at one side of ``width``.

    Its direction is the one ``QPainter.drawText`` gives a line, its first strong
    character outside an isolate (a block's own guess does not skip an isolated outlet).
    """
    document = setter.new_document(language)
    document.setPageSize(QSizeF(width, setter.body_height))
    option = document.defaultTextOption()
    option.setWrapMode(QTextOption.WrapMode.NoWrap)
    document.setDefaultTextOption(option)
    block = block_format()
    block.setAlignment(side | Qt.AlignmentFlag.AlignAbsolute)
    rtl = _right_to_left(text)
    block.setLayoutDirection(
        Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
    )
    cursor = QTextCursor(document)
    cursor.setBlockFormat(block)
    setter.insert(
        cursor, text, char_format(setter, sans=True, points=8, colour=_MUTED, language=language)
    )
    return document


def _right_to_left(text: str) -> bool:
    """Whether a line's first strong character outside isolates is right-to-left (as
    Qt's ``QString::isRightToLeft``)."""
    depth = 0
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind in {"LRI", "RLI", "FSI"}:
            depth += 1
        elif kind == "PDI":
            depth = max(0, depth - 1)
        elif depth == 0 and kind == "L":
            return False
        elif depth == 0 and kind in {"R", "AL"}:
            return True
    return False
