"""PDF files: text in reading order and metadata, with pdfminer.six.

One pass over the document does everything: the pages are interpreted once without
pdfminer's own layout analysis and laid out here, so that reading order on multi-column
pages, vertical writing, text inside figures, the first page's font sizes (a heuristic
title) and every page's margin lines (running headers and footers) all come from the
same layout objects. The steps live in their own modules:

* ``pdf_document``: the pdfminer plumbing (opening, passwords, reading pages, damage);
* ``pdf_layout``: one page's characters as lines and boxes in reading order;
* ``pdf_text``: running heads and folios out, paragraphs and hyphenated words rebuilt;
* ``pdf_metadata``: the Info dictionary, XMP, their dates, the first page's heading;
* ``pdf_print``: a page a web browser printed (its header and footer, the outlet in the
  title).

A PDF's creation date says when the file was made, which is at most a guess at when the
article was published (``pdf-date-heuristic``, shown as a guess); a browser's print is
never dated by it: its print time is kept as the ``printed`` fact, and the date is the
article's own date line, if it prints one.

pdfminer is imported inside functions: importing the package list must stay cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath
from typing import TypeVar

from clippings.importers.base import text_to_html
from clippings.importers.language import detect_language
from clippings.importers.pdf_document import (
    damaged,
    open_document,
    page_count,
    read_pages,
    reason_of,
)
from clippings.importers.pdf_layout import Page
from clippings.importers.pdf_metadata import (
    clean_author,
    clean_title,
    date_in_text,
    document_info,
    first_page_heading,
    heading_line,
    is_file_name,
    parse_pdf_date,
    parse_xmp_date,
    xmp_metadata,
)
from clippings.importers.pdf_print import (
    PrintMarks,
    browser_made,
    browser_print,
    dateline_of,
    drop_print_marks,
    split_outlet,
)
from clippings.importers.pdf_text import (
    Paragraph,
    compose,
    drop_running_heads,
    paragraphs_of,
)
from clippings.importers.text import derive_title
from clippings.model import (
    DEFAULT_OPTIONS,
    Extracted,
    ExtractionError,
    ImportOptions,
    Published,
    published_to_iso,
)

_T = TypeVar("_T")

#: Pages read at most; a clipping is rarely longer, and pdfminer needs ~0.1 s a page.
MAX_PAGES = 200

NO_TEXT_SCAN = "no text layer: a scan that needs OCR"
NO_TEXT_BLANK = "no text layer: the pages are blank"


class PdfImporter:
    """PDF files: the text layer read, or a scan's pages recognised (OCR, ``pdf_ocr``)."""

    name = "pdf"
    suffixes = frozenset({".pdf"})
    label = "PDF documents"

    def sniff(self, head: bytes) -> bool:
        return b"%PDF-" in head[:1024]

    def extract(
        self, data: bytes, name: str, options: ImportOptions = DEFAULT_OPTIONS
    ) -> Extracted:
        """Text and metadata of one PDF.

        Raises:
            PasswordRequiredError: the file needs a password (``wrong`` when one was
                given and refused).
            ExtractionError: the file is damaged beyond reading.
        """
        file_name = PurePath(name).name or name
        try:
            read = _extract(data, file_name, options.password)
            if options.force_ocr or (not read.has_text and NO_TEXT_SCAN in read.warnings):
                from clippings.importers.pdf_ocr import recognise_pdf  # Tesseract: a scan

                return recognise_pdf(data, file_name, options, read)
            return read
        except (ExtractionError, MemoryError):
            raise  # out of memory is the file's size, not damage: the caller says so
        except RecursionError as error:
            raise ExtractionError(damaged("its objects nest without end")) from error
        except Exception as error:
            # pdfminer raises PSException subclasses, but also plain TypeError, KeyError,
            # ValueError, AssertionError... on garbage: none of them may reach the user as
            # a traceback.
            raise ExtractionError(damaged(reason_of(error))) from error


# --- Putting it together ---------------------------------------------------------------


def _extract(data: bytes, name: str, password: str | None) -> Extracted:
    document = open_document(data, name, password)
    info = document_info(document)
    xmp = xmp_metadata(document)
    total = page_count(document)
    pages, warnings = read_pages(document, MAX_PAGES)
    if total and total > MAX_PAGES:
        warnings.append(f"only the first {MAX_PAGES} of {total} pages were read")
    marks = browser_print(pages, info, total)
    if marks is not None:
        drop_print_marks(pages, marks)
    drop_running_heads(pages)
    paragraphs = paragraphs_of(pages)
    text = compose(paragraphs) if paragraphs else ""
    has_text = bool(text.strip())
    if not has_text:
        text = ""
        scan = any(page.has_images for page in pages)
        warnings.insert(0, NO_TEXT_SCAN if scan else NO_TEXT_BLANK)

    provenance: dict[str, str] = {}
    printed = marks is not None or browser_made(info)

    def declared(value: str | None) -> str | None:
        title = clean_title(value)
        return None if title is None or is_file_name(title, name) else title

    title = _pick(
        provenance,
        "title",
        (declared(info.get("Title")), "pdf-info"),
        (declared(xmp.get("dc:title")), "pdf-xmp"),
        (clean_title(marks.header_title) if marks else None, "print-footer"),
        (first_page_heading(pages) if has_text else None, "pdf-heuristic"),
        (heading_line(text) if has_text else None, "pdf-heuristic"),
        # No heading: the first sentence, as for a text file; the file's name is the
        # last resort ("issue-848" says nothing of the article).
        (derive_title(text.split("\n\n")) if has_text else None, "derived"),
        (PurePath(name).stem or name, "derived"),
    )
    author = _pick(
        provenance,
        "author",
        (clean_author(info.get("Author")), "pdf-info"),
        (clean_author(xmp.get("dc:creator")), "pdf-xmp"),
    )
    url = _pick(provenance, "url", (marks.url if marks else None, "print-footer"))
    outlet = None
    if printed and title and provenance["title"] != "derived":
        title, outlet = split_outlet(title, url)
        _pick(provenance, "outlet", (outlet, "pdf-heuristic"))
    if printed:
        _printed_fact(provenance, marks, info)
        published = _pick(provenance, "published", (dateline_of(pages), "pdf-heuristic"))
    else:
        published = _published(provenance, info, xmp, pages, paragraphs, has_text)
    language = _pick(
        provenance, "language", (detect_language(text) if has_text else None, "detected")
    )
    return Extracted(
        text=text,
        format="pdf",
        title=title,
        html=text_to_html(text) if has_text else None,
        author=author,
        outlet=outlet,
        url=url,
        published=published,
        language=language,
        provenance=provenance,
        has_text=has_text,
        warnings=tuple(warnings),
    )


def _published(
    provenance: dict[str, str],
    info: dict[str, str],
    xmp: dict[str, str],
    pages: list[Page],
    paragraphs: list[Paragraph],
    has_text: bool,
) -> Published | None:
    """The metadata's content date, else the file's creation date or the first page's
    date, both guesses: a PDF is made when it is saved or scanned, not when its article
    was published."""
    published = _pick(
        provenance,
        "published",
        (_maybe(parse_xmp_date, xmp.get("photoshop:DateCreated")), "pdf-xmp"),
        (_maybe(parse_pdf_date, info.get("CreationDate")), "pdf-date-heuristic"),
        (_maybe(parse_xmp_date, xmp.get("xmp:CreateDate")), "pdf-date-heuristic"),
        (_maybe(parse_xmp_date, xmp.get("dc:date")), "pdf-date-heuristic"),
    )
    if published is None and has_text:
        first_page = next((p.number for p in pages if p.boxes), None)
        head = "\n\n".join("\n".join(p.lines) for p in paragraphs if p.page == first_page)
        published = _pick(provenance, "published", (date_in_text(head[:4000]), "pdf-heuristic"))
    return published


def _printed_fact(
    provenance: dict[str, str], marks: PrintMarks | None, info: dict[str, str]
) -> None:
    """When the browser printed the page: its header's time, else the file's creation."""
    when = marks.printed if marks else None
    if when is None:
        created = _maybe(parse_pdf_date, info.get("CreationDate"))
        when = published_to_iso(created)
    if when:
        provenance["printed"] = when


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


__all__ = [
    "MAX_PAGES",
    "NO_TEXT_BLANK",
    "NO_TEXT_SCAN",
    "PdfImporter",
    "clean_author",
    "clean_title",
    "parse_pdf_date",
    "parse_xmp_date",
]
