"""A file's pages as pictures: a PDF's pages rendered with pypdfium2, an image's pages
(a TIFF may have many) decoded with Pillow.

The OCR of scanned PDFs reads pages rendered here (``pdf_ocr``), and the reading pane
shows a scan's pages beside its text (``page_images``, run in an extraction worker by
``services.ocr``: a hostile file costs a message, not the window).
"""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from typing import TYPE_CHECKING, Any

from clippings.importers import ocr
from clippings.importers.image import frame_count, frames, is_image, open_image
from clippings.model import ExtractionError, PasswordRequiredError

if TYPE_CHECKING:
    from PIL.Image import Image

#: The resolution PDF pages are rendered at for OCR (what Tesseract reads best).
OCR_DPI = 300
#: A PDF page is a 72nd of an inch a unit.
_POINTS = 72.0


def is_pdf(head: bytes) -> bool:
    return b"%PDF-" in head[:1024]


def open_pdf(data: bytes, password: str | None = None) -> Any:
    """A pypdfium2 document.

    Raises:
        PasswordRequiredError: the file needs a (different) password.
        ExtractionError: the PDF is damaged beyond rendering.
    """
    import pypdfium2

    try:
        return pypdfium2.PdfDocument(data, password=password or None)
    except pypdfium2.PdfiumError as error:
        message = str(error)
        if "password" in message.lower():
            raise PasswordRequiredError(
                "the PDF is protected by a password", wrong=bool(password)
            ) from None
        raise ExtractionError(f"the PDF's pages cannot be rendered ({message})") from None


def pdf_pages(document: Any, dpi: float, limit: int) -> Iterator[Image]:
    """The first ``limit`` pages of a pypdfium2 document as greyscale images at ``dpi``
    (less for a page so large that it would pass ``ocr.MAX_PIXELS``)."""
    for number in range(min(len(document), limit)):
        page = document[number]
        try:
            width, height = page.get_size()
            scale = dpi / _POINTS
            pixels = width * height * scale * scale
            if pixels > ocr.MAX_PIXELS:
                scale *= (ocr.MAX_PIXELS / pixels) ** 0.5
            bitmap = page.render(scale=max(scale, 0.01), grayscale=True)
            image = bitmap.to_pil()
        except Exception as error:  # noqa: BLE001 - pdfium's errors name the page's fault
            raise ExtractionError(
                f"page {number + 1} of the PDF cannot be rendered ({error})"
            ) from None
        finally:
            page.close()
        rendered_dpi = round(scale * _POINTS)
        image.info["dpi"] = (rendered_dpi, rendered_dpi)
        yield image


def page_images(data: bytes, width: int = 1200, max_pages: int = 20) -> list[bytes]:
    """PNG pictures of a file's first ``max_pages`` pages, ``width`` pixels wide: a PDF's
    pages rendered, an image's pages scaled; ``[]`` for a file with no pages (text,
    HTML, ...).

    Raises:
        TooLargeError: an image larger than ``ocr.MAX_PIXELS``.
        PasswordRequiredError: a PDF that needs a password.
        ExtractionError: a damaged PDF or image.
    """
    width = max(16, min(width, 4000))
    head = data[:1024]
    if is_pdf(head):
        document = open_pdf(data)
        try:
            pictures = []
            for number in range(min(len(document), max_pages)):
                page = document[number]
                try:
                    page_width, page_height = page.get_size()
                    scale = min(width / page_width if page_width > 0 else 1.0, 10.0)
                    # A page far taller than wide would make a huge picture.
                    pixels = page_width * page_height * scale * scale
                    if pixels > ocr.MAX_PIXELS:
                        scale *= (ocr.MAX_PIXELS / pixels) ** 0.5
                    image = page.render(scale=max(scale, 0.01)).to_pil()
                finally:
                    page.close()
                pictures.append(_png(image))
            return pictures
        finally:
            document.close()
    if is_image(head):
        image = open_image(data)
        pictures = []
        for frame in frames(image, min(frame_count(image), max_pages)):
            # Scaled first, then converted: a large scan is not copied at full size.
            if frame.mode in ("RGB", "L"):
                picture = frame
            else:
                picture = frame.convert("L" if frame.mode in ("1", "I", "I;16", "F") else "RGB")
            if picture.width != width:
                height = max(1, round(picture.height * width / picture.width))
                picture = picture.resize((width, height), reducing_gap=3.0)
            pictures.append(_png(picture))
        return pictures
    return []


def _png(image: Image) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


__all__ = ["OCR_DPI", "is_pdf", "open_pdf", "page_images", "pdf_pages"]
