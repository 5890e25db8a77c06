"""The press review dossier: a PDF of a collection made with Qt's own PDF writer.

This is the one module outside ``clippings/ui/`` that imports Qt (QtGui's ``QPdfWriter``,
``QTextDocument`` and ``QPainter``; see STYLE.md). It needs a ``QGuiApplication``: the
window's is used when there is one; on the command line one is started here, offscreen
when there is no display. Start it from the main thread (the CLI does); the window's
worker threads find the window's application already running.

The dossier is A4: a cover (the collection's title, the date range, the number of
clippings, when it was made), a table of contents, then each clipping on a new page with
its outlet, date, title, author and URL above its text. Every page after the cover has
its number in the footer.

Page numbers are exact because every clipping is laid out first, as a ``QTextDocument``
paginated to the body area of the page, and then painted page by page with ``QPainter``
from that same layout: the page count used for the table of contents is the count that
is painted. The table of contents is laid out again until its own page count is stable
(its numbers sit in a fixed-width column, so that takes at most two rounds).

Qt writes each embedded font's ToUnicode map by looking up, for every glyph, the
*lowest* code point that the font maps to it. Where a font shares one glyph between
several code points (the space and the tab, a CJK ideograph and its radical, 長 and
⻑) or where shaping made a glyph no code point maps to (the fi ligature, Arabic
contextual forms, Thai marks), text copied out of the PDF came out wrong. ``write``
therefore corrects the ToUnicode maps after Qt has written the file (see
``_repair_text_layer``), and shapes Thai without the ``ccmp`` feature, whose mark
variants have no code point at all.
"""

from __future__ import annotations

import contextlib
import os
import re
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from PySide6.QtCore import QBuffer, QCoreApplication, QIODevice, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QRawFont,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextLength,
    QTextTableFormat,
)

from clippings.exporters import Cancel, ReadOriginal, Report
from clippings.model import Cancelled, Clipping, ClippingsError, Collection, Progress, Published

# --- Page geometry (millimetres on A4) and type --------------------------------------------

_RESOLUTION: Final = 600  # device pixels per inch of the PDF writer
_PAGE_MM: Final = (210.0, 297.0)
_MARGIN_LEFT_MM: Final = 24.0
_MARGIN_RIGHT_MM: Final = 24.0
_MARGIN_TOP_MM: Final = 22.0
_MARGIN_BOTTOM_MM: Final = 26.0  # the footer sits in here
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


def _mm(value: float) -> float:
    """Millimetres in device pixels of the PDF writer."""
    return value / 25.4 * _RESOLUTION


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


# --- The application Qt needs ---------------------------------------------------------------

_app: QGuiApplication | None = None


def _ensure_gui_application() -> None:
    """Make sure a ``QGuiApplication`` exists (never a second one)."""
    global _app
    existing = QCoreApplication.instance()
    if isinstance(existing, QGuiApplication):
        return
    if existing is not None:
        raise ClippingsError(
            "The PDF dossier needs Qt's GUI module, but a non-GUI Qt application is running."
        )
    if not os.environ.get("QT_QPA_PLATFORM") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    _app = QGuiApplication([])


# --- Building the documents -----------------------------------------------------------------


@dataclass
class _Typesetter:
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
    setter: _Typesetter,
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


def _clipping_document(setter: _Typesetter, clipping: Clipping) -> QTextDocument:
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
            "This clipping has no text layer (a scan): only its details are in the dossier.",
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


def _cover_document(setter: _Typesetter, collection: Collection) -> QTextDocument:
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


def _contents_document(
    setter: _Typesetter, clippings: Sequence[Clipping], starts: Sequence[int]
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


def _paint_page(
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


def _paint_footer(painter: QPainter, setter: _Typesetter, page: int, title: str) -> None:
    width = _mm(_PAGE_MM[0])
    baseline_top = _mm(_PAGE_MM[1] - _FOOTER_FROM_BOTTOM_MM)
    left = _mm(_MARGIN_LEFT_MM)
    right = width - _mm(_MARGIN_RIGHT_MM)
    painter.save()
    painter.setPen(_RULE)
    painter.drawLine(int(left), int(baseline_top - _mm(3)), int(right), int(baseline_top - _mm(3)))
    painter.setPen(_MUTED)
    font = setter.font(sans=True, points=8)
    painter.setFont(font)
    row = QRectF(left, baseline_top - _mm(1.5), right - left, _mm(6))
    setter.drawn.update(title)
    painter.drawText(row, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), title)
    label = f"Page {page}"
    setter.drawn.update(label)
    painter.drawText(row, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), label)
    painter.restore()


# --- The exporter ----------------------------------------------------------------------------


class DossierExporter:
    """A press review dossier: cover, table of contents, one clipping per page (A4 PDF)."""

    name = "pdf"
    suffix = ".pdf"
    description = "Press review dossier (PDF): cover, contents, each clipping on its own page"

    def write(
        self,
        collection: Collection,
        path: Path,
        *,
        read_original: ReadOriginal,
        report: Report | None = None,
        cancel: Cancel | None = None,
    ) -> None:
        """Write the dossier to ``path``, replacing it only once the whole file is made.

        Progress counts two steps per clipping: laying it out, then writing its pages.

        Raises:
            Cancelled: ``cancel()`` returned True (checked between clippings); nothing
                is left at ``path`` or beside it.
            ClippingsError: the file cannot be written.
        """
        del read_original  # the dossier shows the clippings' text, not their originals
        _ensure_gui_application()
        path = Path(path)
        # Beside the target (same file system, so the rename is atomic); QPdfWriter
        # creates it, with the permissions any new file of the user gets.
        part = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.part")
        try:
            # Painted in memory and written by Python: Qt's writer says nothing when a
            # write fails (a full disk) and cannot open a path that is not valid UTF-8.
            made, drawn = _write_pdf(collection, report, cancel)
            if _STARTXREF.search(made[-1024:]) is None:
                raise ClippingsError("the PDF dossier could not be made completely")
            part.write_bytes(_repair_text_layer(made, drawn))
            part.replace(path)
        except BaseException:
            with contextlib.suppress(OSError):
                part.unlink()
            raise


def _write_pdf(
    collection: Collection, report: Report | None, cancel: Cancel | None
) -> tuple[bytes, set[str]]:
    """Lay out and paint the dossier; returns the PDF's bytes and the characters drawn."""
    clippings = collection.clippings
    total = 2 * len(clippings)

    def check() -> None:
        if cancel is not None and cancel():
            raise Cancelled("The dossier was not made: the export was cancelled.")

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(_RESOLUTION)
    writer.setTitle(collection.title)
    writer.setCreator("Clippings")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
    )
    setter = _Typesetter(
        writer=writer,
        available=set(QFontDatabase.families()),
        body_width=_mm(_PAGE_MM[0] - _MARGIN_LEFT_MM - _MARGIN_RIGHT_MM),
        body_height=_mm(_PAGE_MM[1] - _MARGIN_TOP_MM - _MARGIN_BOTTOM_MM),
        drawn=set(),
    )

    documents: list[QTextDocument] = []
    for done, clipping in enumerate(clippings):
        check()
        document = _clipping_document(setter, clipping)
        document.pageCount()  # lays the whole document out now, inside this step
        documents.append(document)
        if report is not None:
            report(Progress(done + 1, total, f"Laying out “{clipping.title}”"))
    check()

    # The contents' own length moves every start page; lay it out until it is stable.
    contents_pages = 1
    for _ in range(5):
        starts = _start_pages(2 + contents_pages, (d.pageCount() for d in documents))
        contents = _contents_document(setter, clippings, starts)
        if contents.pageCount() == contents_pages:
            break
        contents_pages = contents.pageCount()
    else:  # pragma: no cover - the numbers' column has a fixed width
        raise ClippingsError("The dossier's table of contents would not settle on a length.")

    painter = QPainter()
    if not painter.begin(writer):
        raise ClippingsError("the PDF dossier could not be started (Qt's PDF writer refused)")
    try:
        origin = (_mm(_MARGIN_LEFT_MM), _mm(_MARGIN_TOP_MM))
        # The cover starts a third of the way down the page.
        cover_origin = (origin[0], origin[1] + _mm(70))
        _paint_page(painter, _cover_document(setter, collection), 0, cover_origin)
        page = 1
        for index in range(contents.pageCount()):
            writer.newPage()
            page += 1
            _paint_page(painter, contents, index, origin)
            _paint_footer(painter, setter, page, collection.title)
        for done, (clipping, document) in enumerate(zip(clippings, documents, strict=True)):
            check()
            assert page + 1 == starts[done], "the contents promised another page"
            for index in range(document.pageCount()):
                writer.newPage()
                page += 1
                _paint_page(painter, document, index, origin)
                _paint_footer(painter, setter, page, collection.title)
            if report is not None:
                report(Progress(len(clippings) + done + 1, total, f"Writing “{clipping.title}”"))
    finally:
        painter.end()
    buffer.close()
    return bytes(buffer.data().data()), setter.drawn


def _start_pages(first: int, page_counts: Iterable[int]) -> list[int]:
    """The page on which each clipping starts, the first one starting on ``first``."""
    starts = []
    page = first
    for count in page_counts:
        starts.append(page)
        page += max(1, count)
    return starts


# --- Correcting the text layer ---------------------------------------------------------------

_FONT_DICT: Final = re.compile(
    rb"/BaseFont /(?P<name>[^\s/]+)\s[^>]*?/ToUnicode (?P<ref>\d+) 0 R", re.S
)
_XREF: Final = re.compile(rb"\nxref\n0 (?P<count>\d+)\n(?P<table>(?:\d{10} \d{5} [fn]\s*\n)+)")
_STARTXREF: Final = re.compile(rb"startxref\n(\d+) ?\n%%EOF\s*$")
_HEX: Final = re.compile(rb"<([0-9A-Fa-f]+)>")


def _repair_text_layer(pdf: bytes, drawn: set[str]) -> bytes:
    """Correct the ToUnicode maps Qt wrote, so that text copied from the PDF is the text.

    For every code point a map names that was never drawn, prefer a drawn character that
    the same font draws with the same glyph (a radical becomes its ideograph, the tab a
    space), else its compatibility decomposition (``ﬁ`` becomes ``fi``, an Arabic
    contextual form its letter). The file is otherwise left byte for byte as Qt made it,
    with its cross-reference table moved to match.

    Args:
        pdf: the file as ``QPdfWriter`` wrote it.
        drawn: every character laid out on its pages.

    Returns:
        The corrected file (the input unchanged when its structure is not Qt's usual one).
    """
    xref = _XREF.search(pdf)
    startxref = _STARTXREF.search(pdf)
    if xref is None or startxref is None:
        return pdf
    edits: list[tuple[int, int, bytes]] = []
    fonts = _RawFonts()
    for match in _FONT_DICT.finditer(pdf):
        found = re.search(rb"\n%s 0 obj\n<< /Length (\d+) >>\nstream\n" % match["ref"], pdf)
        if found is None:
            continue
        start = found.end()
        end = start + int(found[1])
        stream = pdf[start:end]
        fixed = _repair_cmap(stream, fonts.lookup(match["name"].decode("latin-1")), drawn)
        if fixed != stream:
            header = found.group(0).replace(b"/Length %s" % found[1], b"/Length %d" % len(fixed))
            edits.append((found.start(), end, header + fixed))
    if not edits:
        return pdf

    edits.sort()

    def moved(offset: int) -> int:
        return offset + sum(
            len(new) - (stop - begin) for begin, stop, new in edits if stop <= offset
        )

    pieces: list[bytes] = []
    position = 0
    for begin, stop, new in edits:
        pieces += [pdf[position:begin], new]
        position = stop
    pieces.append(pdf[position : xref.start()])
    table = []
    for entry in xref["table"].splitlines():
        offset, generation, kind = entry.split()
        if kind == b"n":
            offset = b"%010d" % moved(int(offset))
        table.append(b"%s %s %s \n" % (offset, generation, kind))
    new_start = sum(len(p) for p in pieces) + 1  # "xref" follows the match's newline
    pieces += [
        b"\nxref\n0 %s\n" % xref["count"],
        *table,
        pdf[xref.end() : startxref.start()],
        b"startxref\n%d\n%%%%EOF\n" % new_start,
    ]
    return b"".join(pieces)


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-be").hex().upper().encode("ascii")


def _repair_cmap(stream: bytes, font: QRawFont | None, drawn: set[str]) -> bytes:
    """One ToUnicode CMap with its destinations corrected (CIDs are left alone)."""
    glyphs: dict[int, str] | None = None

    def replacement(code: str) -> str:
        nonlocal glyphs
        if code == "\t":
            return " "
        if code in drawn or len(code) != 1:
            return code
        if font is not None:
            if glyphs is None:
                glyphs = _glyph_owners(font, drawn)
            (glyph,) = font.glyphIndexesForString(code) or [0]
            if glyph and glyph in glyphs:
                return glyphs[glyph]
        decomposed = unicodedata.normalize("NFKC", code)
        if decomposed != code and decomposed.strip():
            return decomposed
        return code

    def destination(match: re.Match[bytes]) -> bytes:
        raw = bytes.fromhex(match[1].decode("ascii"))
        code = raw.decode("utf-16-be", errors="replace")
        better = replacement(code)
        return b"<%s>" % _utf16(better) if better != code else match[0]

    def line(source: bytes) -> bytes:
        if b"[" in source:  # <first> <last> [<u> <u> ...]: all after "[" are destinations
            head, _, array = source.partition(b"[")
            return head + b"[" + _HEX.sub(destination, array)
        tokens = _HEX.findall(source)
        if len(tokens) == 3 and tokens[0] == tokens[1]:  # a bfrange of one CID
            head, _, last = source.rpartition(b"<")
            return head + _HEX.sub(destination, b"<" + last)
        if len(tokens) == 2:  # a bfchar line
            head, _, last = source.rpartition(b"<")
            return head + _HEX.sub(destination, b"<" + last)
        return source

    out: list[bytes] = []
    in_map = False
    for source in stream.split(b"\n"):
        if source.endswith((b"beginbfrange", b"beginbfchar")):
            in_map = True
            out.append(source)
        elif source.startswith((b"endbfrange", b"endbfchar")):
            in_map = False
            out.append(source)
        else:
            out.append(line(source) if in_map else source)
    return b"\n".join(out)


def _glyph_owners(font: QRawFont, drawn: set[str]) -> dict[int, str]:
    """Glyph index -> a drawn character that the font draws with it."""
    characters = sorted(c for c in drawn if not c.isspace())
    indexes = font.glyphIndexesForString("".join(characters))
    owners: dict[int, str] = {}
    if len(indexes) == len(characters):
        for character, glyph in zip(characters, indexes, strict=True):
            if glyph:
                owners.setdefault(glyph, character)
    return owners


class _RawFonts:
    """The installed fonts by the PostScript-like name Qt gives them in a PDF."""

    def __init__(self) -> None:
        self._fonts: dict[str, QRawFont | None] = {}
        self._families = {_squash(family): family for family in QFontDatabase.families()}

    def lookup(self, base_font: str) -> QRawFont | None:
        if base_font not in self._fonts:
            self._fonts[base_font] = self._load(base_font)
        return self._fonts[base_font]

    def _load(self, base_font: str) -> QRawFont | None:
        # "ABCDEF+NotoSansCJKsc-Bold" -> the family "NotoSansCJKsc", the style "Bold"
        family_part, _, style = base_font.rpartition("+")[2].partition("-")
        family = self._families.get(_squash(family_part))
        if family is None:
            return None
        font = QFont(family)
        font.setPixelSize(64)
        if "Bold" in style:
            font.setWeight(QFont.Weight.Bold)
        font.setItalic("Italic" in style)
        raw = QRawFont.fromFont(font)
        if not raw.isValid() or _squash(raw.familyName()) != _squash(family_part):
            return None
        return raw


def _squash(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


__all__ = ["DossierExporter"]
