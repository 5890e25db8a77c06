"""Laying out a PDF page: characters into lines, lines into boxes, boxes in reading order.

The pages are interpreted once without pdfminer's own layout analysis, and this module
lays out each page itself (the same steps as ``LTLayoutContainer.analyze``) so that it can

* keep reading order on multi-column pages (pdfminer's hierarchical box grouping,
  ``boxes_flow``), but fall back to a plain top-to-bottom sort on table-like pages with
  hundreds of boxes, where the grouping is quadratic (a 1,500-box table page took 13 s);
* switch to vertical writing only on pages whose lines come out one character long
  (Japanese gazettes), since ``detect_vertical`` garbles ordinary pages;
* read text placed inside form XObjects (figures), which pdfminer otherwise skips;
* keep each line's font size and place, from which the title (the first page's largest
  type) and the running headers and footers (lines in the margins) are found later.

Separate from the importer because it is the one part that knows pdfminer's layout
objects; what comes out is plain ``Page``/``Box``/``Line`` data.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pdfminer.layout import LTChar, LTPage, LTTextBox

#: Above this many text boxes on a page, pdfminer's hierarchical box grouping (which
#: finds the column order) is too slow: such a page is a table, read top to bottom.
BOX_BUDGET = 400
#: Form XObjects nest; text deeper than this is ignored (a recursion DoS guard).
MAX_FIGURE_DEPTH = 24


_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
)
_CID = re.compile(r"\(cid:\d+\)")
#: Control characters: no text shows them (metadata strings neither).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r"[ \t]{2,}")


@dataclass
class Line:
    """One line of text: its place on the page and its (median) font size."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    vertical: bool


@dataclass
class Box:
    """Lines pdfminer boxed together (a paragraph or part of one), in reading order."""

    lines: list[Line]
    x0: float
    y0: float
    x1: float
    y1: float
    vertical: bool
    key: str = ""


@dataclass
class Page:
    """One page's boxes in reading order, and whether it shows an image."""

    number: int
    x0: float
    y0: float
    x1: float
    y1: float
    boxes: list[Box] = field(default_factory=list)
    has_images: bool = False

    def in_top(self, y0: float) -> bool:
        return y0 >= self.y1 - 0.12 * (self.y1 - self.y0)

    def in_band(self, y0: float, y1: float) -> bool:
        """Whether a line lies in the top or bottom band (running heads and folios)."""
        return self.in_top(y0) or y1 <= self.y0 + 0.12 * (self.y1 - self.y0)

    def side(self, box: Box) -> str | None:
        """``left`` or ``right`` for a box in a side margin (where sideways marks sit)."""
        width = self.x1 - self.x0
        if box.x1 <= self.x0 + 0.08 * width:
            return "left"
        if box.x0 >= self.x1 - 0.08 * width:
            return "right"
        return None

    def side_marks(self) -> dict[str, str]:
        """Per side margin, the sorted letters of its boxes.

        A sideways mark (``jbel on DSKJLSW7X2PROD with PROPOSALS``) is boxed differently
        from page to page; its letters stay the same.
        """
        letters: dict[str, list[str]] = {}
        for box in self.boxes:
            side = self.side(box)
            if side:
                letters.setdefault(side, []).extend(c for c in box.key if c.isalnum())
        return {side: "".join(sorted(chars)) for side, chars in letters.items() if chars}


def _collect(
    items: Iterable[Any],
    chars: list[LTChar],
    seen: set[tuple[str, int, int]],
    depth: int = 0,
) -> bool:
    """Gather the characters of a page and its figures; whether it shows an image.

    A character drawn twice on the same spot (a fake bold) is kept once.
    """
    from pdfminer.layout import LTChar, LTFigure, LTImage

    images = False
    for item in items:
        if isinstance(item, LTChar):
            text, x, y = item.get_text(), math.floor(item.x0), math.floor(item.y0)
            # 1-pt cells and their neighbours: a copy offset by a fraction of a point
            # may fall into the next cell.
            if not any((text, x + dx, y + dy) in seen for dx in (-1, 0, 1) for dy in (-1, 0, 1)):
                seen.add((text, x, y))
                chars.append(item)
        elif isinstance(item, LTImage):
            images = True
        elif isinstance(item, LTFigure) and depth < MAX_FIGURE_DEPTH:
            images = _collect(item, chars, seen, depth + 1) or images
    return images


def _mostly_single_characters(lines: Sequence[Any]) -> bool:
    lengths = [len(line.get_text().strip()) for line in lines]
    singles = sum(1 for n in lengths if n == 1)
    return singles >= 20 and singles >= 0.6 * len(lengths)


def lay_out(raw: LTPage, number: int) -> Page:
    """Lay out one interpreted page: lines, boxes in reading order."""
    from pdfminer.layout import (
        IndexAssigner,
        LAParams,
        LTChar,
        LTPage,
        LTTextBoxVertical,
        LTTextLineVertical,
    )

    page = Page(number, *raw.bbox)
    chars: list[LTChar] = []
    page.has_images = _collect(raw, chars, set())
    if not chars:
        return page
    container = LTPage(raw.pageid, raw.bbox, raw.rotate)
    params = LAParams()
    lines = [line for line in container.group_objects(params, chars) if not line.is_empty()]
    if _mostly_single_characters(lines):
        params = LAParams(detect_vertical=True)
        lines = [line for line in container.group_objects(params, chars) if not line.is_empty()]
    boxes: list[LTTextBox] = list(container.group_textlines(params, lines))
    if len(boxes) <= BOX_BUDGET:
        assigner = IndexAssigner()
        for group in container.group_textboxes(params, boxes):
            group.analyze(params)
            assigner.run(group)
        boxes.sort(key=lambda box: box.index)
    else:
        for box in boxes:
            box.analyze(params)
        boxes.sort(
            key=lambda box: (
                (0, -box.x1, -box.y0)
                if isinstance(box, LTTextBoxVertical)
                else (1, -box.y0, box.x0)
            )
        )

    seen: set[tuple[str, int, int]] = set()
    for box in boxes:
        out: list[Line] = []
        for line in box:
            text = _clean(line.get_text())
            if not text.strip():
                continue
            sizes = sorted(c.size for c in line if isinstance(c, LTChar))
            out.append(
                Line(
                    text=text,
                    x0=line.x0,
                    y0=line.y0,
                    x1=line.x1,
                    y1=line.y1,
                    size=sizes[len(sizes) // 2] if sizes else 0.0,
                    vertical=isinstance(line, LTTextLineVertical),
                )
            )
        if not out:
            continue
        key = line_key(" ".join(line.text for line in out))
        # Some producers draw the same text twice (a fake bold, an invisible copy):
        # the second copy of a box at nearly the same place is dropped.
        place = (key, round(box.y0 / 4), round(box.x0 / 40))
        if place in seen:
            continue
        seen.add(place)
        page.boxes.append(
            Box(out, box.x0, box.y0, box.x1, box.y1, isinstance(box, LTTextBoxVertical), key)
        )
    return page


def _clean(text: str) -> str:
    text = _CID.sub("", text).translate(_LIGATURES)
    text = CONTROL.sub("", text.replace("\t", " ").replace("\n", ""))
    return _SPACES.sub(" ", text).strip()


def line_key(text: str) -> str:
    """A line's identity for running-head detection: case, digits and spaces ignored."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text.lower())).strip()
