"""A PDF's metadata: the Info dictionary, the XMP packet, and the first page's heading.

Producers leave junk in these fields (``Microsoft Word - draft3.doc``, ``untitled``, a
login name as the author, ``D:00000101000000Z``): ``clean_title``, ``clean_author`` and
the date parsers keep only what is worth showing. When the metadata has no title the
largest type on the first page is the headline (``first_page_heading``), and when it has
no date the first page's text may print one (``date_in_text``). Separate from the text
because the same rules apply to any PDF, whatever its layout.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import PurePath
from typing import Any

from clippings.importers.pdf_layout import CONTROL, Line, Page
from clippings.importers.pdf_text import join_lines
from clippings.model import Published

_XMP_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

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
    text = re.sub(r"\s+", " ", CONTROL.sub("", text.replace("\x00", ""))).strip()
    return text or None


def document_info(document: Any) -> dict[str, str]:
    """The Info dictionary's values as text (``Title``, ``Author``, ``CreationDate``...)."""
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


def xmp_metadata(document: Any) -> dict[str, str]:
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


def first_page_heading(pages: Sequence[Page]) -> str | None:
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
    picked: list[Line] = []
    for line in lines:
        if line in upper and line.size >= 0.95 * largest:
            if picked and line.y1 < picked[-1].y0 - 2.5 * largest:
                break
            picked.append(line)
        elif picked:
            break
    title = join_lines([line.text for line in picked], set(), set()) if picked else ""
    title = title.strip(" .:-–—")
    if not 3 <= len(title) <= 250:
        return None
    return clean_title(title)


#: A line longer than this, in words, is a sentence rather than a heading.
_HEADING_WORDS = 16


def heading_line(text: str) -> str | None:
    """The text's first paragraph when it reads as a heading: one short line of words,
    not ending a sentence, with more text after it (for a PDF whose title is set in the
    body's type)."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    if len(paragraphs) < 2 or "\n" in paragraphs[0]:
        return None
    first = paragraphs[0]
    letters = sum(ch.isalpha() for ch in first)
    if (
        not 2 <= len(first.split()) <= _HEADING_WORDS
        or len(first) > 150
        or first[-1] in ".,;:!?"
        or letters < 0.6 * len(first.replace(" ", ""))
    ):
        return None
    return clean_title(first)


def is_file_name(title: str, name: str) -> bool:
    """Whether a metadata title only repeats the file's name ("issue-848" of
    ``issue-848.pdf``), in any case and with any of ``-_ .`` between its words."""

    def folded(value: str) -> str:
        return re.sub(r"[\s\-_.]+", " ", value).strip().casefold()

    stem = PurePath(name).stem
    return bool(stem) and folded(title) in (folded(stem), folded(PurePath(name).name))


def date_in_text(text: str) -> Published | None:
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
