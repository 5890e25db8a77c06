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
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QRawFont,
)

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
