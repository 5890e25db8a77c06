"""Correcting the text layer of the PDF dossier after Qt has written it.

Qt writes each embedded font's ToUnicode map by looking up, for every glyph, the
*lowest* code point that the font maps to it. Where a font shares one glyph between
several code points (the space and the tab, a CJK ideograph and its radical, 長 and
⻑) or where shaping made a glyph no code point maps to (the fi ligature, Arabic
contextual forms, Thai marks), text copied out of the PDF came out wrong.
``repair_text_layer`` therefore corrects the ToUnicode maps in the finished file.

Apart from the layout (``dossier_layout``) and the assembly (``dossier``): it works on
the bytes of a PDF and on the installed fonts, after everything is painted. Imports Qt
(QtGui's ``QRawFont`` and ``QFontDatabase``) to read the fonts' glyphs.

``shaped_runs`` reads, from Qt's layout of a painted page, where each glyph of complex
text (Arabic, Hebrew, Indic, Thai, Burmese…) is drawn and which characters it stands
for; ``dossier_clusters`` uses that to correct the text of those scripts in the file.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from typing import Final

from PySide6.QtCore import Qt, QTextBoundaryFinder
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QRawFont,
    QTextDocument,
    QTextLayout,
    QTextLine,
)

from clippings.exporters.dossier_clusters import ShapedRun

# --- Correcting the text layer ---------------------------------------------------------------

_FONT_DICT: Final = re.compile(
    rb"/BaseFont /(?P<name>[^\s/]+)\s[^>]*?/ToUnicode (?P<ref>\d+) 0 R", re.S
)
_XREF: Final = re.compile(rb"\nxref\n0 (?P<count>\d+)\n(?P<table>(?:\d{10} \d{5} [fn]\s*\n)+)")
STARTXREF: Final = re.compile(rb"startxref\n(\d+) ?\n%%EOF\s*$")
_HEX: Final = re.compile(rb"<([0-9A-Fa-f]+)>")


def repair_text_layer(pdf: bytes, drawn: set[str]) -> bytes:
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
    startxref = STARTXREF.search(pdf)
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


@functools.cache
def _family(name: str) -> str:
    """A family as ``ShapedRun.fonts`` names it (asked for every glyph of complex text)."""
    return _squash(name)


# --- Where shaped text lands: clusters for the post-pass -------------------------------------

#: Scripts whose shaping joins, splits or reorders characters, and right-to-left ones.
COMPLEX_TEXT: Final = re.compile(
    r"[\u0590-\u08ff\u0900-\u0dff\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff"
    r"\ua9e0-\ua9ff\uaa60-\uaa7f\ufb1d-\ufdff\ufe70-\ufeff]"
)

#: Marks that only steer the bidi algorithm (isolates, embeddings, LRM/RLM/ALM).
_BIDI_CONTROL: Final = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def shaped_runs(
    document: QTextDocument, index: int, origin: tuple[float, float], page: int
) -> list[ShapedRun]:
    """The lines of complex text painted on page ``index`` (from 0) of a document painted
    at ``origin``: where each glyph is drawn and the characters it belongs to."""
    if COMPLEX_TEXT.search(document.toPlainText()) is None:
        return []
    height = document.pageSize().height()
    layout = document.documentLayout()
    found: list[ShapedRun] = []
    block = document.begin()
    while block.isValid():
        text = block.text()
        if COMPLEX_TEXT.search(text) is not None:
            rect = layout.blockBoundingRect(block)
            lines = block.layout()
            right_to_left = block.textDirection() == Qt.LayoutDirection.RightToLeft
            for number in range(lines.lineCount()):
                line = lines.lineAt(number)
                if line_page(rect.top() + line.y(), line.height(), height) != index:
                    continue
                at = (origin[0] + rect.left(), origin[1] + rect.top() - index * height)
                found.append(_line_glyphs(lines, line, text, page, at, right_to_left))
        block = block.next()
    return found


def line_page(top: float, line_height: float, page_height: float) -> int:
    """The page (from 0) a line of a paginated document is seen on: the page of its middle
    (a line Qt pushed to the top of a page may start a rounding error above it)."""
    return int((top + line_height / 2) // page_height)


def _line_glyphs(
    lines: QTextLayout,
    line: QTextLine,
    text: str,
    page: int,
    at: tuple[float, float],
    right_to_left: bool,
) -> ShapedRun:
    """One line's glyphs, grouped in clusters of the characters they stand for.

    Asked grapheme by grapheme (Qt's string indexes of a whole line are wrong past its
    first item); graphemes that share a glyph (a Burmese consonant and its vowel signs,
    shaped together) are one cluster.
    """
    start, end = line.textStart(), line.textStart() + line.textLength()
    finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Grapheme, text)
    finder.setPosition(start)
    bounds = [start]
    while (position := finder.toNextBoundary()) != -1 and position <= end:
        bounds.append(position)
    wanted = QTextLayout.GlyphRunRetrievalFlag
    flags = wanted.RetrieveGlyphIndexes | wanted.RetrieveGlyphPositions
    positions: list[tuple[float, float]] = []
    clusters: list[int] = []
    texts: list[str] = []
    backwards: list[bool] = []
    fonts: list[str] = []
    seen: dict[tuple[str, int, int, int], int] = {}
    for first, last in itertools.pairwise(bounds):
        runs = lines.glyphRuns(first, last - first, flags)
        glyphs = [
            (family, glyph, point.x(), point.y())
            for run in runs
            for family in (_family(run.rawFont().familyName()),)
            for glyph, point in zip(run.glyphIndexes(), run.positions(), strict=False)
        ]
        # Set right to left: an Arabic or Hebrew run, also inside a left-to-right line
        # (an English clipping quoting an Arabic name), whatever the clipping's language.
        backward = any(run.isRightToLeft() for run in runs) if runs else right_to_left
        # Bidi controls (the isolates around an outlet) are drawn as empty glyphs: they
        # stand for no text a reader would copy or search for.
        piece = _BIDI_CONTROL.sub("", text[first:last]).replace("\u2028", " ")
        keys = [(f, g, round(x * 4), round(y * 4)) for f, g, x, y in glyphs]
        shared = [seen[k] for k in keys if k in seen]
        if backward and glyphs and positions and clusters and not shared:
            # A ligature drawn as glyphs at one spot (Arabic lam-alef): one cluster, or a
            # reader sorting by position may put its letters the wrong way round.
            x = at[0] + glyphs[0][2]
            if abs(positions[-1][0] - x) < 0.5 and piece.strip() and texts[-1].strip():
                shared = [clusters[-1]]
        if shared:
            cluster = shared[0]
            texts[cluster] += piece
        else:
            cluster = len(texts)
            texts.append(piece)
            backwards.append(backward)
        for key, (family, _, x, y) in zip(keys, glyphs, strict=True):
            if key not in seen:
                seen[key] = cluster
                positions.append((at[0] + x, at[1] + y))
                clusters.append(cluster)
                fonts.append(family)
    return ShapedRun(
        page=page,
        positions=tuple(positions),
        clusters=tuple(clusters),
        texts=tuple(texts),
        right_to_left=right_to_left,
        fonts=tuple(fonts),
        backwards=tuple(backwards),
    )
