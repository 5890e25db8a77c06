"""The pdfminer plumbing: opening a PDF (passwords included), counting and reading its
pages, and turning pdfminer's many failures into messages a person can act on.

Separate from the layout (``pdf_layout``) and the text (``pdf_text``) because it is the
part that meets damaged and encrypted files: everything here either returns pdfminer
objects or raises ``PasswordRequiredError``/``ExtractionError``.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from typing import Any

from clippings.importers.pdf_layout import Page, lay_out
from clippings.model import ExtractionError, PasswordRequiredError


def damaged(reason: str) -> str:
    """The message for a PDF that cannot be read, with the reason."""
    return f"the PDF is damaged and its text cannot be read ({reason})"


def reason_of(error: BaseException) -> str:
    """What went wrong, in a few words, from whatever pdfminer raised."""
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


def open_document(data: bytes, name: str, password: str | None) -> Any:
    """A ``PDFDocument``, decrypted when needed.

    The empty user password is tried first: many PDFs are encrypted only against editing
    and open for everyone, whatever password someone typed.
    """
    from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser

    if not data.strip():
        raise ExtractionError(damaged("the file is empty"))
    try:
        return PDFDocument(PDFParser(BytesIO(data)), password="")
    except PDFPasswordIncorrect:
        if not password:
            raise PasswordRequiredError(f"{name} is protected by a password", wrong=False) from None
    try:
        return PDFDocument(PDFParser(BytesIO(data)), password=password)
    except PDFPasswordIncorrect:
        raise PasswordRequiredError(f"the password for {name} is wrong", wrong=True) from None


def page_count(document: Any) -> int | None:
    """The number of pages the document says it has, or None when it cannot say."""
    from pdfminer.pdftypes import resolve1

    try:
        count = resolve1(resolve1(document.catalog.get("Pages")).get("Count"))
    except Exception:  # noqa: BLE001 - a damaged page tree only loses the count
        return None
    return count if isinstance(count, int) and count > 0 else None


# --- Reading pages -----------------------------------------------------------------------


def read_pages(document: Any, limit: int) -> tuple[list[Page], list[str]]:
    """Interpret and lay out up to ``limit`` pages; unreadable pages become warnings."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    resources = PDFResourceManager(caching=True)
    device = PDFPageAggregator(resources, laparams=None)
    interpreter = PDFPageInterpreter(resources, device)
    pages: list[Page] = []
    failed: list[int] = []
    last_error: BaseException | None = None
    for number, pdf_page in enumerate(_iter_pages(document, PDFPage), start=1):
        if number > limit:
            break
        try:
            interpreter.process_page(pdf_page)
            pages.append(lay_out(device.get_result(), number))
        except MemoryError:
            raise  # a page that inflates past the memory limit: the whole file is too large
        except (Exception, RecursionError) as error:  # noqa: BLE001 - one unreadable page is skipped, not fatal
            failed.append(number)
            last_error = error
    if failed and not pages:
        assert last_error is not None
        raise ExtractionError(damaged(reason_of(last_error))) from last_error
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
