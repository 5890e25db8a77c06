"""Scanned PDFs: pages with no text layer rendered with pypdfium2 and recognised with
Tesseract (``importers.ocr``).

``pdf.PdfImporter`` hands a PDF here when pdfminer found no text but images (a scan),
or when the user asked for OCR (``ImportOptions.force_ocr``: ``clippings ocr``). The
metadata the PDF itself declares (its title, author) is kept; the publication date
comes only from a date in the recognised text, never from the file's dates (a scan's
CreationDate is when it was scanned).
"""

from __future__ import annotations

from dataclasses import replace

from clippings.importers import ocr
from clippings.importers.pages import OCR_DPI, open_pdf, pdf_pages
from clippings.model import Extracted, ImportOptions

#: Warnings of the text-layer reading that OCR makes moot.
_MOOT = ("no text layer",)


def recognise_pdf(data: bytes, name: str, options: ImportOptions, read: Extracted) -> Extracted:
    """The PDF's pages recognised, with the metadata ``read`` from its text layer and
    document information.

    Raises:
        TooLargeError, ExtractionError: see ``ocr.recognise_pages``.
    """
    document = open_pdf(data, options.password)
    try:
        total = len(document)
        warnings = [w for w in read.warnings if not w.startswith(_MOOT)]
        if total > ocr.MAX_PAGES:
            warnings.append(f"only the first {ocr.MAX_PAGES} of {total} pages were recognised")
            total = ocr.MAX_PAGES
        recognised = ocr.recognise_pages(pdf_pages(document, OCR_DPI, total), total, options)
    finally:
        document.close()
    found = ocr.extracted_from_pages(recognised, name, read.format, warnings)
    provenance = dict(found.provenance)
    declared = {
        key: getattr(read, key)
        for key in ("title", "author", "outlet", "url")
        if getattr(read, key) and read.provenance.get(key) in ("pdf-info", "pdf-xmp")
    }
    provenance.update({key: read.provenance[key] for key in declared})
    return replace(found, **declared, provenance=provenance)


__all__ = ["recognise_pdf"]
