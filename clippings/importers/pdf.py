"""PDF files: text in reading order and metadata, with pdfminer.six.

One pass over the document does everything: the pages are interpreted once without
pdfminer's own layout analysis, and this module lays out each page itself (the same
steps as ``LTLayoutContainer.analyze``) so that it can

* keep reading order on multi-column pages (pdfminer's hierarchical box grouping,
  ``boxes_flow``), but fall back to a plain top-to-bottom sort on table-like pages with
  hundreds of boxes, where the grouping is quadratic (a 1,500-box table page took 13 s);
* switch to vertical writing only on pages whose lines come out one character long
  (Japanese gazettes), since ``detect_vertical`` garbles ordinary pages;
* read text placed inside form XObjects (figures), which pdfminer otherwise skips;
* take the first page's font sizes (heuristic title) and every page's margin lines
  (running headers and footers) from the same layout objects.

pdfminer is imported inside functions: importing the package list must stay cheap.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from io import BytesIO
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, TypeVar

from clippings.importers.base import text_to_html
from clippings.importers.language import detect_language
from clippings.model import Extracted, ExtractionError, PasswordRequiredError, Published

if TYPE_CHECKING:
    from pdfminer.layout import LTChar, LTPage, LTTextBox

_T = TypeVar("_T")

#: Pages read at most; a clipping is rarely longer, and pdfminer needs ~0.1 s a page.
MAX_PAGES = 200
#: Above this many text boxes on a page, pdfminer's hierarchical box grouping (which
#: finds the column order) is too slow: such a page is a table, read top to bottom.
BOX_BUDGET = 400
#: Form XObjects nest; text deeper than this is ignored (a recursion DoS guard).
MAX_FIGURE_DEPTH = 24

NO_TEXT_SCAN = "no text layer: a scan that needs OCR"
NO_TEXT_BLANK = "no text layer: the pages are blank"

_XMP_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
)
_CID = re.compile(r"\(cid:\d+\)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r"[ \t]{2,}")
_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff00-\uffef]")
_TERMINAL = tuple('.!?:;"”’»)]。！？：；」』）')
_PAGE_NUMBER = re.compile(
    r"^(?:page|p\.|seite|pagina|página)?\s*[-–—]?\s*\d{1,5}\s*[-–—]?"
    r"(?:\s*(?:of|/|von|de|sur)\s*\d{1,5})?$",
    re.IGNORECASE,
)
_PDF_DATE = re.compile(
    r"^\s*(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?"
    r"\s*(?:(Z)|([+\-])(\d{2})'?(\d{2})?'?)?"
)
_APP_PREFIX = re.compile(
    r"^(?:Microsoft (?:Word|PowerPoint|Excel|Publisher)|Word|PowerPoint|Excel)\s+-\s+",
    re.IGNORECASE,
)
_FILE_NAME = re.compile(
    r"^(?:.*[\\/])?[^\s\\/]+\.(?:[a-z]{2,4}\d?|indd|qxd|qxp|docx|xlsx|pptx)$", re.IGNORECASE
)
_JUNK_TITLES = {
    "untitled", "untitled document", "document", "title", "no title", "unknown",
    "anonymous", "(anonymous)", "none", "null", "default", "print", "new document", "slide 1",
}  # fmt: skip


# --- The importer ---------------------------------------------------------------------


class PdfImporter:
    """PDF files with a text layer; image-only scans are kept, flagged as needing OCR."""

    name = "pdf"
    suffixes = frozenset({".pdf"})

    def sniff(self, head: bytes) -> bool:
        return b"%PDF-" in head[:1024]

    def extract(self, data: bytes, name: str, *, password: str | None = None) -> Extracted:
        """Text and metadata of one PDF.

        Raises:
            PasswordRequiredError: the file needs a password (``wrong`` when one was
                given and refused).
            ExtractionError: the file is damaged beyond reading.
        """
        file_name = PurePath(name).name or name
        try:
            return _extract(data, file_name, password)
        except (ExtractionError, MemoryError):
            raise  # out of memory is the file's size, not damage: the caller says so
        except RecursionError as error:
            raise ExtractionError(_damaged("its objects nest without end")) from error
        except Exception as error:
            # pdfminer raises PSException subclasses, but also plain TypeError, KeyError,
            # ValueError, AssertionError... on garbage: none of them may reach the user as
            # a traceback.
            raise ExtractionError(_damaged(_reason(error))) from error


def _damaged(reason: str) -> str:
    return f"the PDF is damaged and its text cannot be read ({reason})"


def _reason(error: BaseException) -> str:
    from pdfminer.psexceptions import PSEOF

    if isinstance(error, PSEOF):
        return "the file ends too early: it may be truncated"
    text = str(error).strip().rstrip(".")
    if text.startswith("No /Root object"):
        text = "it has no document catalog"
    if len(text) > 120:
        text = text[:117] + "…"
    return text or type(error).__name__


# --- Opening ---------------------------------------------------------------------------


def _open(data: bytes, name: str, password: str | None) -> Any:
    """A ``PDFDocument``, decrypted when needed.

    The empty user password is tried first: many PDFs are encrypted only against editing
    and open for everyone, whatever password someone typed.
    """
    from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser

    if not data.strip():
        raise ExtractionError(_damaged("the file is empty"))
    try:
        return PDFDocument(PDFParser(BytesIO(data)), password="")
    except PDFPasswordIncorrect:
        if not password:
            raise PasswordRequiredError(f"{name} is protected by a password", wrong=False) from None
    try:
        return PDFDocument(PDFParser(BytesIO(data)), password=password)
    except PDFPasswordIncorrect:
        raise PasswordRequiredError(f"the password for {name} is wrong", wrong=True) from None


def _page_count(document: Any) -> int | None:
    from pdfminer.pdftypes import resolve1

    try:
        count = resolve1(resolve1(document.catalog.get("Pages")).get("Count"))
    except Exception:  # noqa: BLE001 - a damaged page tree only loses the count
        return None
    return count if isinstance(count, int) and count > 0 else None


# --- Layout ----------------------------------------------------------------------------


@dataclass
class _Line:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    vertical: bool


@dataclass
class _Box:
    lines: list[_Line]
    x0: float
    y0: float
    x1: float
    y1: float
    vertical: bool
    key: str = ""


@dataclass
class _Page:
    number: int
    x0: float
    y0: float
    x1: float
    y1: float
    boxes: list[_Box] = field(default_factory=list)
    has_images: bool = False

    def in_top(self, y0: float) -> bool:
        return y0 >= self.y1 - 0.12 * (self.y1 - self.y0)

    def in_band(self, y0: float, y1: float) -> bool:
        """Whether a line lies in the top or bottom band (running heads and folios)."""
        return self.in_top(y0) or y1 <= self.y0 + 0.12 * (self.y1 - self.y0)

    def side(self, box: _Box) -> str | None:
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


def _lay_out(raw: LTPage, number: int) -> _Page:
    """Lay out one interpreted page: lines, boxes in reading order."""
    from pdfminer.layout import (
        IndexAssigner,
        LAParams,
        LTChar,
        LTPage,
        LTTextBoxVertical,
        LTTextLineVertical,
    )

    page = _Page(number, *raw.bbox)
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
        out: list[_Line] = []
        for line in box:
            text = _clean(line.get_text())
            if not text.strip():
                continue
            sizes = sorted(c.size for c in line if isinstance(c, LTChar))
            out.append(
                _Line(
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
        key = _key(" ".join(line.text for line in out))
        # Some producers draw the same text twice (a fake bold, an invisible copy):
        # the second copy of a box at nearly the same place is dropped.
        place = (key, round(box.y0 / 4), round(box.x0 / 40))
        if place in seen:
            continue
        seen.add(place)
        page.boxes.append(
            _Box(out, box.x0, box.y0, box.x1, box.y1, isinstance(box, LTTextBoxVertical), key)
        )
    return page


def _clean(text: str) -> str:
    text = _CID.sub("", text).translate(_LIGATURES)
    text = _CONTROL.sub("", text.replace("\t", " ").replace("\n", ""))
    return _SPACES.sub(" ", text).strip()


def _key(text: str) -> str:
    """A line's identity for running-head detection: case, digits and spaces ignored."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text.lower())).strip()


def _read_pages(document: Any, limit: int) -> tuple[list[_Page], list[str]]:
    """Interpret and lay out up to ``limit`` pages; unreadable pages become warnings."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    resources = PDFResourceManager(caching=True)
    device = PDFPageAggregator(resources, laparams=None)
    interpreter = PDFPageInterpreter(resources, device)
    pages: list[_Page] = []
    failed: list[int] = []
    last_error: BaseException | None = None
    for number, pdf_page in enumerate(_iter_pages(document, PDFPage), start=1):
        if number > limit:
            break
        try:
            interpreter.process_page(pdf_page)
            pages.append(_lay_out(device.get_result(), number))
        except MemoryError:
            raise  # a page that inflates past the memory limit: the whole file is too large
        except (Exception, RecursionError) as error:  # noqa: BLE001 - one unreadable page is skipped, not fatal
            failed.append(number)
            last_error = error
    if failed and not pages:
        assert last_error is not None
        raise ExtractionError(_damaged(_reason(last_error))) from last_error
    warnings = []
    if failed:
        listed = ", ".join(map(str, failed[:10])) + (" …" if len(failed) > 10 else "")
        warnings.append(f"some pages could not be read: {listed}")
    return pages, warnings


def _iter_pages(document: Any, page_class: Any) -> Iterator[Any]:
    # A broken page tree may fail half-way: the pages before the break are kept.
    try:
        yield from page_class.create_pages(document)
    except Exception:  # noqa: BLE001 - keep the pages read before the break
        return


# --- Running heads and folios ----------------------------------------------------------


def _running_keys(pages: Sequence[_Page]) -> set[str]:
    """Margin lines (or margin boxes) that come back on most pages."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for page in pages:
        keys = {f"{side}:{mark}" for side, mark in page.side_marks().items()}
        for box in page.boxes:
            for line in box.lines:
                if page.in_band(line.y0, line.y1):
                    key = _key(line.text)
                    if sum(ch.isalnum() or ch == "#" for ch in key) >= 3:
                        keys.add(key)
        counts.update(keys)
    needed = max(2, math.ceil(0.6 * len(pages)))
    return {key for key, n in counts.items() if n >= needed}


def _drop_running_heads(pages: Sequence[_Page]) -> None:
    """Drop running heads and footers, and page numbers in the top and bottom bands.

    The first page with text keeps its top band: a line repeated at the top of the
    following pages is there usually the title (``dmca.pdf``). A page whose only text
    is numbers keeps them (a table of figures is not a folio).
    """
    running = _running_keys(pages)
    first = next((page.number for page in pages if page.boxes), None)

    def drop(page: _Page, line: _Line) -> bool:
        if not page.in_band(line.y0, line.y1):
            return False
        if _PAGE_NUMBER.match(line.text):
            return True
        return _key(line.text) in running and not (page.number == first and page.in_top(line.y0))

    for page in pages:
        everything = [line for box in page.boxes for line in box.lines]
        if all(_PAGE_NUMBER.match(line.text) for line in everything):
            continue
        marks = page.side_marks()
        kept: list[_Box] = []
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


def _box_paragraphs(box: _Box) -> list[list[_Line]]:
    """Split a box at first-line indents: a single indented line between flush lines."""
    if box.vertical or len(box.lines) < 3:
        return [box.lines]
    left = min(line.x0 for line in box.lines)
    em = max(line.size for line in box.lines) or 10.0

    def indented(i: int) -> bool:
        return box.lines[i].x0 >= left + 0.8 * em

    def flush(i: int) -> bool:
        return box.lines[i].x0 < left + 0.5 * em

    paragraphs: list[list[_Line]] = [[box.lines[0]]]
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
class _Paragraph:
    lines: list[str]
    first: _Line
    last: _Line
    box: _Box
    page: int


def _continues(previous: _Paragraph, following: _Paragraph) -> bool:
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


def _paragraphs(pages: Sequence[_Page]) -> list[_Paragraph]:
    found: list[_Paragraph] = []
    for page in pages:
        for box in page.boxes:
            for lines in _box_paragraphs(box):
                paragraph = _Paragraph(
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


def _join_lines(lines: Sequence[str], vocabulary: set[str], compounds: set[str]) -> str:
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


def _compose(paragraphs: Sequence[_Paragraph]) -> str:
    words = [w.lower() for p in paragraphs for line in p.lines for w in _WORD.findall(line)]
    vocabulary = {w for w in words if "-" not in w}
    compounds = {w for w in words if "-" in w}
    return "\n\n".join(_join_lines(p.lines, vocabulary, compounds) for p in paragraphs).strip()


# --- Metadata --------------------------------------------------------------------------


def _text_string(value: object) -> str | None:
    """A PDF text string as Python text (PDFDocEncoding, UTF-16 with BOM, UTF-8 with BOM)."""
    from pdfminer.psparser import PSLiteral
    from pdfminer.utils import decode_text

    if isinstance(value, bytes):
        if value.startswith(b"\xef\xbb\xbf"):
            text = value[3:].decode("utf-8", "replace")
        elif value.startswith(b"\xff\xfe"):
            text = value[2:].decode("utf-16-le", "replace")
        else:
            text = decode_text(value)
    elif isinstance(value, str):
        text = value
    elif isinstance(value, PSLiteral):
        text = str(value.name)
    elif isinstance(value, bool):
        return None
    elif isinstance(value, int | float):
        text = str(value)
    else:
        return None
    text = re.sub(r"\s+", " ", _CONTROL.sub("", text.replace("\x00", ""))).strip()
    return text or None


def _info(document: Any) -> dict[str, str]:
    from pdfminer.pdftypes import resolve1

    found: dict[str, str] = {}
    for info in getattr(document, "info", []) or []:
        try:
            items = list(resolve1(info).items())
        except Exception:  # noqa: BLE001 - damaged metadata is skipped
            continue
        for key, value in items:
            try:
                text = _text_string(resolve1(value))
            except Exception:  # noqa: BLE001 - damaged metadata is skipped
                continue
            if text and isinstance(key, str):
                found.setdefault(key, text)
    return found


def _xmp(document: Any) -> dict[str, str]:
    """``dc:title``, ``dc:creator``, dates... from the catalog's XMP packet."""
    from pdfminer.pdftypes import PDFStream, resolve1

    try:
        stream = resolve1(document.catalog.get("Metadata"))
        if not isinstance(stream, PDFStream):
            return {}
        packet = stream.get_data()
        root = ET.fromstring(packet.strip().rstrip(b"\x00"))
    except Exception:  # noqa: BLE001 - damaged XMP is skipped
        return {}
    found: dict[str, str] = {}
    for description in root.iter(f"{{{_XMP_NS['rdf']}}}Description"):
        for prefix, local in (
            ("dc", "title"),
            ("dc", "creator"),
            ("dc", "date"),
            ("xmp", "CreateDate"),
            ("photoshop", "DateCreated"),
        ):
            name = f"{prefix}:{local}"
            qualified = f"{{{_XMP_NS[prefix]}}}{local}"
            value = description.get(qualified)
            element = description.find(qualified)
            if value is None and element is not None:
                value = _xmp_value(element)
            if value and value.strip() and name not in found:
                found[name] = re.sub(r"\s+", " ", value).strip()
    return found


def _xmp_value(element: ET.Element) -> str | None:
    items = element.findall(".//rdf:li", _XMP_NS)
    if not items:
        return element.text
    for item in items:  # a language alternative: the default language first
        if item.get(_XML_LANG) == "x-default" and item.text:
            return item.text
    return ", ".join(item.text.strip() for item in items if item.text and item.text.strip())


def parse_pdf_date(value: str) -> Published | None:
    """``D:YYYYMMDDHHmmSS+HH'mm'`` as an aware datetime in its own offset.

    A date without a time or without an offset comes back as a plain ``date``; a value
    without a day, or an impossible one (``D:00000101000000Z``), as None.
    """
    match = _PDF_DATE.match(value)
    if not match:
        return None
    year, month, day, hour, minute, second, zulu, sign, off_h, off_m = match.groups()
    if not (month and day):
        return None
    try:
        day_value = date(int(year), int(month), int(day))
    except ValueError:
        return None
    if not _plausible(day_value):
        return None
    if hour is None or not (zulu or sign):
        return day_value
    try:
        if zulu:
            zone = UTC
        else:
            offset = timedelta(hours=int(off_h), minutes=int(off_m or 0))
            zone = timezone(-offset if sign == "-" else offset)
        return datetime(
            day_value.year,
            day_value.month,
            day_value.day,
            int(hour),
            int(minute or 0),
            int(second or 0),
            tzinfo=zone,
        )
    except ValueError:
        return day_value


def parse_xmp_date(value: str) -> Published | None:
    """An XMP (ISO 8601) date: aware datetime with an offset, else a plain date."""
    value = value.strip()
    if not re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = datetime.fromisoformat(value[:10])
        except ValueError:
            return None
    if not _plausible(parsed.date()):
        return None
    if len(value) <= 10 or parsed.tzinfo is None:
        return parsed.date()
    return parsed


def _plausible(day: date) -> bool:
    return 1900 <= day.year <= date.today().year + 1


def clean_title(value: str | None) -> str | None:
    """A metadata title worth showing, or None for the junk PDF producers leave behind.

    ``Microsoft Word - foo.doc`` keeps ``foo``; file names (``10811.exe``,
    ``zen_of_python.txt``, ``905_Precinct_NoOU``), ``untitled`` and bare numbers go.
    """
    if not value:
        return None
    title = re.sub(r"\s+", " ", value).strip()
    stripped = _APP_PREFIX.sub("", title)
    if stripped != title:
        title = re.sub(r"\.(?:docx?|rtf|pptx?|xlsx?|odt|txt)$", "", stripped, flags=re.I).strip()
    lowered = title.lower().strip(" .-_")
    if (
        not lowered
        or lowered in _JUNK_TITLES
        or re.fullmatch(r"untitled[\s\-_]*\d*", lowered)
        or _FILE_NAME.match(title)
        or (" " not in title and "_" in title)
        or sum(ch.isalpha() for ch in title) < 3
    ):
        return None
    return title


def clean_author(value: str | None) -> str | None:
    """A metadata author, or None for a login name or an id (``e516160``, ``jsmith``)."""
    if not value:
        return None
    author = re.sub(r"\s+", " ", value).strip(" ,;")
    if (
        sum(ch.isalpha() for ch in author) < 2
        or re.search(r"\d", author)
        or (" " not in author and author.islower())
        or _FILE_NAME.match(author)
        or author.lower() in _JUNK_TITLES
    ):
        return None
    return author


# --- Heuristics from the first page ----------------------------------------------------


def _heading(pages: Sequence[_Page]) -> str | None:
    """The largest-type line(s) in the upper half of the first page with text."""
    page = next((p for p in pages if p.boxes), None)
    if page is None:
        return None
    lines = [line for box in page.boxes if not box.vertical for line in box.lines]
    if not lines:
        return None
    chars: list[float] = []
    for line in lines:
        chars.extend([line.size] * len(line.text))
    chars.sort()
    body = chars[len(chars) // 2]
    middle = page.y0 + 0.5 * (page.y1 - page.y0)
    upper = [line for line in lines if line.y1 >= middle and sum(c.isalpha() for c in line.text)]
    if not upper:
        return None
    largest = max(line.size for line in upper)
    if largest < 1.15 * body:
        return None
    # Consecutive largest lines in reading order make one (wrapped) headline.
    picked: list[_Line] = []
    for line in lines:
        if line in upper and line.size >= 0.95 * largest:
            if picked and line.y1 < picked[-1].y0 - 2.5 * largest:
                break
            picked.append(line)
        elif picked:
            break
    title = _join_lines([line.text for line in picked], set(), set()) if picked else ""
    title = title.strip(" .:-–—")
    if not 3 <= len(title) <= 250:
        return None
    return clean_title(title)


def _find_date(text: str) -> Published | None:
    """A date from the first page, if the shared date finder is there to ask."""
    try:
        from clippings.importers import dates
    except ImportError:
        return None
    finder = getattr(dates, "find_date", None)
    if finder is None:
        return None
    try:
        found = finder(text)
    except Exception:  # noqa: BLE001 - no date rather than no clipping
        return None
    if not found:
        return None
    value = found[0] if isinstance(found, tuple) else found
    return value if isinstance(value, date) else None


# --- Putting it together ---------------------------------------------------------------


def _extract(data: bytes, name: str, password: str | None) -> Extracted:
    document = _open(data, name, password)
    info = _info(document)
    xmp = _xmp(document)
    total = _page_count(document)
    pages, warnings = _read_pages(document, MAX_PAGES)
    if total and total > MAX_PAGES:
        warnings.append(f"only the first {MAX_PAGES} of {total} pages were read")
    _drop_running_heads(pages)
    paragraphs = _paragraphs(pages)
    text = _compose(paragraphs) if paragraphs else ""
    has_text = bool(text.strip())
    if not has_text:
        text = ""
        scan = any(page.has_images for page in pages)
        warnings.insert(0, NO_TEXT_SCAN if scan else NO_TEXT_BLANK)

    provenance: dict[str, str] = {}
    title = _pick(
        provenance,
        "title",
        (clean_title(info.get("Title")), "pdf-info"),
        (clean_title(xmp.get("dc:title")), "pdf-xmp"),
        (_heading(pages) if has_text else None, "pdf-heuristic"),
        (PurePath(name).stem or name, "derived"),
    )
    author = _pick(
        provenance,
        "author",
        (clean_author(info.get("Author")), "pdf-info"),
        (clean_author(xmp.get("dc:creator")), "pdf-xmp"),
    )
    published = _pick(
        provenance,
        "published",
        (_maybe(parse_xmp_date, xmp.get("photoshop:DateCreated")), "pdf-xmp"),
        (_maybe(parse_pdf_date, info.get("CreationDate")), "pdf-info"),
        (_maybe(parse_xmp_date, xmp.get("xmp:CreateDate")), "pdf-xmp"),
        (_maybe(parse_xmp_date, xmp.get("dc:date")), "pdf-xmp"),
    )
    if published is None and has_text:
        first_page = next((p.number for p in pages if p.boxes), None)
        head = "\n\n".join("\n".join(p.lines) for p in paragraphs if p.page == first_page)
        published = _pick(provenance, "published", (_find_date(head[:4000]), "pdf-heuristic"))
    language = _pick(
        provenance, "language", (detect_language(text) if has_text else None, "detected")
    )
    return Extracted(
        text=text,
        format="pdf",
        title=title,
        html=text_to_html(text) if has_text else None,
        author=author,
        published=published,
        language=language,
        provenance=provenance,
        has_text=has_text,
        warnings=tuple(warnings),
    )


def _maybe(parse: Callable[[str], Published | None], value: str | None) -> Published | None:
    return parse(value) if value else None


def _pick(
    provenance: dict[str, str], field_name: str, *candidates: tuple[_T | None, str]
) -> _T | None:
    for value, source in candidates:
        if value:
            provenance[field_name] = source
            return value
    return None
