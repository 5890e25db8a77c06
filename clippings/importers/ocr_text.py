"""What OCR read, as text: Tesseract's TSV result into paragraphs and lines, lines
joined (hyphenated words mended, CJK without spaces), and a file's recognised pages
into an ``Extracted`` (the first page's headline as title, a date in the text, the
language detected, the OCR facts). The recognising itself is ``ocr``'s.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from clippings.importers.base import text_to_html
from clippings.importers.language import detect_language
from clippings.model import Extracted, Published

NOTHING_RECOGNISED = "no text was recognised in the image"
NOTHING_ON_PAGES = "no text was recognised on the scanned pages"


# --- Pages, paragraphs, lines ---------------------------------------------------------


@dataclass
class Line:
    text: str
    height: int


@dataclass
class Paragraph:
    lines: list[Line]

    @property
    def text(self) -> str:
        return join_lines([line.text for line in self.lines])

    @property
    def height(self) -> float:
        return statistics.median(line.height for line in self.lines)


@dataclass
class PageText:
    """What Tesseract read on one page."""

    paragraphs: list[Paragraph] = field(default_factory=list)
    #: Each word's confidence, 0 to 100.
    confidences: list[float] = field(default_factory=list)
    #: Degrees the page was turned to be upright.
    rotated: int = 0


@dataclass
class Recognised:
    """What Tesseract read on the pages of one file."""

    pages: list[PageText]
    languages: tuple[str, ...]
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for page in self.pages for p in page.paragraphs)

    @property
    def confidence(self) -> float | None:
        words = [c for page in self.pages for c in page.confidences]
        return sum(words) / len(words) if words else None


def page_text(api: Any) -> PageText:
    """Tesseract's paragraphs, lines and word confidences, read from its TSV result
    (one row an element: level, block, paragraph, line and word numbers, box,
    confidence, text). The TSV keeps right-to-left words in reading order with their
    letters in order, which tesserocr's result iterator does not."""
    page = PageText()
    try:
        table = str(api.GetTSVText(0) or "")
    except RuntimeError:  # tesserocr's "No text returned" for an empty page
        return page
    heights: dict[tuple[str, str, str], int] = {}
    words: dict[tuple[str, str, str], list[str]] = {}
    for row in table.splitlines():
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] not in ("4", "5"):
            continue
        key = (cells[2], cells[3], cells[4])  # block, paragraph, line
        if cells[0] == "4":
            heights[key] = _number(cells[9])
            continue
        text = cells[11].strip()
        if not text:
            continue
        words.setdefault(key, []).append(text)
        confidence = float(cells[10]) if _is_number(cells[10]) else -1.0
        if confidence >= 0:
            page.confidences.append(confidence)
    current: Paragraph | None = None
    last: tuple[str, str] | None = None
    for key, line_words in words.items():  # in reading order, as the rows came
        if current is None or key[:2] != last:
            current = Paragraph([])
            page.paragraphs.append(current)
            last = key[:2]
        current.lines.append(Line(_join_words(line_words), heights.get(key, 0)))
    return page


def _number(cell: str) -> int:
    return int(cell) if cell.isdigit() else 0


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _join_words(words: Sequence[str]) -> str:
    """A line from its words: CJK characters join without a space."""
    line = ""
    for word in words:
        if line and not (_CJK.match(line[-1]) and _CJK.match(word[0])):
            line += " "
        line += word
    return line


# --- Lines into paragraphs ------------------------------------------------------------

_HYPHENS = ("-", "\u00ad", "\u2010", "¬")
_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff00-\uffef]")


def join_lines(lines: Iterable[str]) -> str:
    """One paragraph from its lines: a word broken by a hyphen at a line's end is
    mended when the next line goes on in lower case; CJK lines join without a space."""
    joined = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not joined:
            joined = line
        elif joined.endswith(_HYPHENS) and line[0].islower() and joined[-2:-1].isalpha():
            joined = joined[:-1] + line
        elif _CJK.match(joined[-1]) and _CJK.match(line[0]):
            joined += line
        else:
            joined += " " + line
    return joined


# --- A file's text ----------------------------------------------------------------------


def heading(recognised: Recognised) -> str | None:
    """The first page's heading: among its first paragraphs, the first one set in
    larger type than the page's body (a headline); else the first paragraph when short;
    else its first line."""
    first = next((page for page in recognised.pages if page.paragraphs), None)
    if first is None:
        return None
    paragraphs = first.paragraphs
    body = statistics.median(line.height for p in paragraphs for line in p.lines)
    for paragraph in paragraphs[:5]:
        text = paragraph.text
        if len(paragraph.lines) <= 3 and paragraph.height >= 1.25 * body and _wordy(text):
            return _shorten(text)
    opening = paragraphs[0]
    if len(opening.lines) <= 2 and len(opening.text.split()) <= 20 and _wordy(opening.text):
        return _shorten(opening.text)
    return _shorten(opening.lines[0].text) if _wordy(opening.lines[0].text) else None


def _wordy(text: str) -> bool:
    return sum(ch.isalpha() for ch in text) >= 3


def _shorten(text: str, limit: int = 200) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def date_in(text: str) -> Published | None:
    """A date near the start of the recognised text (a dateline), if any."""
    from clippings.importers.dates import find_date

    try:
        found = find_date(text[:3000])
    except Exception:  # noqa: BLE001 - no date rather than no clipping
        return None
    return found[0] if found else None


def ocr_facts(recognised: Recognised) -> dict[str, str]:
    """The provenance facts of a recognised text (``model.PROVENANCE_FACTS``)."""
    facts = {"text": "ocr"}
    if recognised.languages:
        facts["ocr_languages"] = "+".join(recognised.languages)
    confidence = recognised.confidence
    if confidence is not None:
        facts["ocr_confidence"] = str(round(confidence))
    return facts


def extracted_from_pages(
    recognised: Recognised, name: str, file_format: str, warnings: Sequence[str] = ()
) -> Extracted:
    """An ``Extracted`` for a file whose text is all recognised: title from the first
    page's heading, published from a date in the text (never the file's time), the
    language detected from the text."""
    text = recognised.text.strip()
    notes = [*warnings, *recognised.warnings]
    provenance = ocr_facts(recognised)
    stem = PurePath(name).stem or name
    if not text:
        provenance["title"] = "derived"
        return Extracted(
            text="",
            format=file_format,
            title=stem,
            provenance=provenance,
            has_text=False,
            warnings=(NOTHING_RECOGNISED if file_format == "image" else NOTHING_ON_PAGES, *notes),
        )
    title = heading(recognised)
    provenance["title"] = "ocr" if title else "derived"
    published = date_in(text)
    if published is not None:
        provenance["published"] = "text-heuristic"
    language = detect_language(text)
    if language:
        provenance["language"] = "detected"
    return Extracted(
        text=text,
        format=file_format,
        title=title or stem,
        html=text_to_html(text),
        published=published,
        language=language,
        provenance=provenance,
        warnings=tuple(notes),
    )


__all__ = [
    "NOTHING_ON_PAGES",
    "NOTHING_RECOGNISED",
    "PageText",
    "Paragraph",
    "Recognised",
    "extracted_from_pages",
    "heading",
    "join_lines",
    "ocr_facts",
    "page_text",
]
