"""A PDF's laid-out pages as running text: margins cleared, paragraphs rebuilt.

Running headers and footers, page numbers and sideways margin marks go
(``drop_running_heads``); boxes are split at first-line indents and joined where a
sentence runs on across a box, a column or a page (``paragraphs_of``); the lines of a
paragraph become one line of text, words broken at line ends made whole unless the
document spells them with their hyphen elsewhere (``compose``). Separate from the layout
because none of this touches pdfminer: it works on ``pdf_layout``'s plain data.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from clippings.importers.pdf_layout import Box, Line, Page, line_key

_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff00-\uffef]")
_TERMINAL = tuple('.!?:;"”’»)]。！？：；」』）')
_PAGE_NUMBER = re.compile(
    r"^(?:page|p\.|seite|pagina|página)?\s*[-–—]?\s*\d{1,5}\s*[-–—]?"
    r"(?:\s*(?:of|/|von|de|sur)\s*\d{1,5})?$",
    re.IGNORECASE,
)


# --- Running heads and folios ----------------------------------------------------------


def _running_keys(pages: Sequence[Page]) -> set[str]:
    """Margin lines (or margin boxes) that come back on most pages."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for page in pages:
        keys = {f"{side}:{mark}" for side, mark in page.side_marks().items()}
        for box in page.boxes:
            for line in box.lines:
                if page.in_band(line.y0, line.y1):
                    key = line_key(line.text)
                    if sum(ch.isalnum() or ch == "#" for ch in key) >= 3:
                        keys.add(key)
        counts.update(keys)
    needed = max(2, math.ceil(0.6 * len(pages)))
    return {key for key, n in counts.items() if n >= needed}


def drop_running_heads(pages: Sequence[Page]) -> None:
    """Drop running heads and footers, and page numbers in the top and bottom bands.

    The first page with text keeps its top band: a line repeated at the top of the
    following pages is there usually the title (``dmca.pdf``). A page whose only text
    is numbers keeps them (a table of figures is not a folio).
    """
    running = _running_keys(pages)
    first = next((page.number for page in pages if page.boxes), None)

    def drop(page: Page, line: Line) -> bool:
        if not page.in_band(line.y0, line.y1):
            return False
        if _PAGE_NUMBER.match(line.text):
            return True
        return line_key(line.text) in running and not (
            page.number == first and page.in_top(line.y0)
        )

    for page in pages:
        everything = [line for box in page.boxes for line in box.lines]
        if all(_PAGE_NUMBER.match(line.text) for line in everything):
            continue
        marks = page.side_marks()
        kept: list[Box] = []
        for box in page.boxes:
            side = page.side(box)
            if side and f"{side}:{marks.get(side, '')}" in running:
                continue
            box.lines = [line for line in box.lines if not drop(page, line)]
            if box.lines:
                kept.append(box)
        page.boxes = kept


# --- Paragraphs ------------------------------------------------------------------------


def _ends_paragraph(text: str) -> bool:
    return text.endswith(_TERMINAL)


def _box_paragraphs(box: Box) -> list[list[Line]]:
    """Split a box at first-line indents: a single indented line between flush lines."""
    if box.vertical or len(box.lines) < 3:
        return [box.lines]
    left = min(line.x0 for line in box.lines)
    em = max(line.size for line in box.lines) or 10.0

    def indented(i: int) -> bool:
        return box.lines[i].x0 >= left + 0.8 * em

    def flush(i: int) -> bool:
        return box.lines[i].x0 < left + 0.5 * em

    paragraphs: list[list[Line]] = [[box.lines[0]]]
    for i in range(1, len(box.lines)):
        starts = (
            indented(i)
            and flush(i - 1)
            and (i + 1 == len(box.lines) or flush(i + 1))
            and len(paragraphs[-1]) > 0
        )
        if starts:
            paragraphs.append([box.lines[i]])
        else:
            paragraphs[-1].append(box.lines[i])
    return paragraphs


@dataclass
class Paragraph:
    """One paragraph's lines, its first and last line, and the box and page it ends in."""

    lines: list[str]
    first: Line
    last: Line
    box: Box
    page: int


def _continues(previous: Paragraph, following: Paragraph) -> bool:
    """Whether ``following`` carries on the sentence ``previous`` broke off.

    True after a line-end hyphen, before a lower-case start, and for a one-line indented
    box sitting just above the rest of its paragraph (pdfminer boxes an indented first
    line on its own).
    """
    end, start = previous.lines[-1], following.lines[0]
    if end.endswith("-") or end.endswith("\xad"):
        return True
    if _ends_paragraph(end):
        return False
    if start[:1].islower():
        return True
    a, b = previous.box, following.box
    if previous.page != following.page or a.vertical or b.vertical:
        return False
    em = previous.last.size or 10.0
    gap = previous.last.y0 - following.first.y1
    if not -0.5 * em <= gap <= 1.5 * em:
        return False
    if len(a.lines) == 1 and 0.5 * em <= a.x0 - b.x0 <= 4 * em:
        return True
    # A full-width line ran on into a box of the same width (wide line spacing, as is
    # common in CJK): the sentence goes on.
    last, widest = previous.last, max(a.x1 - a.x0, b.x1 - b.x0)
    return (
        abs(last.x0 - b.x0) <= em
        and abs((a.x1 - a.x0) - (b.x1 - b.x0)) <= 0.15 * widest
        and (last.x1 - last.x0) >= 0.9 * widest
    )


def paragraphs_of(pages: Sequence[Page]) -> list[Paragraph]:
    """The pages' paragraphs in reading order, joined where a sentence runs on."""
    found: list[Paragraph] = []
    for page in pages:
        for box in page.boxes:
            for lines in _box_paragraphs(box):
                paragraph = Paragraph(
                    [line.text for line in lines], lines[0], lines[-1], box, page.number
                )
                if found and _continues(found[-1], paragraph):
                    found[-1].lines.extend(paragraph.lines)
                    found[-1].last = paragraph.last
                    found[-1].box = paragraph.box
                    found[-1].page = paragraph.page
                else:
                    found.append(paragraph)
    return found


_HYPHENATED = re.compile(r"(\w+)[-\xad]$")
_WORD = re.compile(r"\w+(?:-\w+)*")


def join_lines(lines: Sequence[str], vocabulary: set[str], compounds: set[str]) -> str:
    """One paragraph's lines as running text, words broken at line ends made whole."""
    out = lines[0]
    for line in lines[1:]:
        broken = _HYPHENATED.search(out)
        head = broken.group(1) if broken else ""
        tail_match = re.match(r"\w+", line)
        tail = tail_match.group(0) if tail_match else ""
        if broken and tail and head[-1:].isalpha() and tail[0].isalpha():
            # A syllable break unless the document spells the compound with its hyphen
            # elsewhere, or the second part starts a name (Soekarno-Hatta).
            pair = f"{head}-{tail}".lower()
            whole = (head + tail).lower()
            keep = pair in compounds and whole not in vocabulary
            if keep or tail[0].isupper():
                out = out.removesuffix("\xad") + ("" if out.endswith("-") else "-") + line
            else:
                out = out[:-1] + line
        elif (
            (out.endswith(("-", "–")) and line[:1].isdigit())  # a number range or an id
            or _CJK.search(out[-1:])  # scripts written without spaces
            or _CJK.match(line)
            or out.endswith(("://", "@"))  # a web or mail address
        ):
            out += line
        else:
            out += " " + line
    return out


def compose(paragraphs: Sequence[Paragraph]) -> str:
    """The paragraphs as running text, a blank line between two."""
    words = [w.lower() for p in paragraphs for line in p.lines for w in _WORD.findall(line)]
    vocabulary = {w for w in words if "-" not in w}
    compounds = {w for w in words if "-" in w}
    return "\n\n".join(join_lines(p.lines, vocabulary, compounds) for p in paragraphs).strip()
