"""Images of printed clippings (PNG, JPEG, TIFF with any number of pages): their text is
recognised with Tesseract (``importers.ocr``); Pillow decodes them.

Recognised by their first bytes, whatever the name says. An image larger than
``ocr.MAX_PIXELS`` is refused before it is decoded (Pillow's own decompression-bomb
check is set to the same limit), and a TIFF of more than ``ocr.MAX_PAGES`` pages is
read up to that page, with a warning.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from io import BytesIO
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from clippings.importers import ocr
from clippings.model import (
    DEFAULT_OPTIONS,
    ClippingsError,
    Extracted,
    ExtractionError,
    ImportOptions,
    TooLargeError,
)

if TYPE_CHECKING:
    from PIL.Image import Image

_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"II*\x00",  # TIFF, little-endian
    b"MM\x00*",  # TIFF, big-endian
    b"II+\x00",  # BigTIFF
    b"MM\x00+",
)


def is_image(head: bytes) -> bool:
    """Whether the first bytes are those of a PNG, JPEG or TIFF file."""
    return head.startswith(_MAGIC)


def open_image(data: bytes) -> Any:
    """The image, checked for size but not yet decoded.

    Raises:
        TooLargeError: more pixels than ``ocr.MAX_PIXELS``.
        ExtractionError: the image is damaged or not one Pillow reads.
    """
    from PIL import Image as PilImage
    from PIL import UnidentifiedImageError

    # Pillow warns above this many pixels and refuses twice as many when it opens the
    # file (a last line: ``ocr.check_size`` refuses anything above it just after).
    PilImage.MAX_IMAGE_PIXELS = ocr.MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PilImage.DecompressionBombWarning)
            image = PilImage.open(BytesIO(data))
    except PilImage.DecompressionBombError as error:
        found = re.search(r"\((\d+) pixels\)", str(error))
        size = f"{int(found[1]) // 1_000_000} million pixels" if found else "too many pixels"
        raise TooLargeError(
            f"the image is too large to read: {size} "
            f"(at most {ocr.MAX_PIXELS // 1_000_000} million pixels a page)"
        ) from None
    except UnidentifiedImageError:
        raise ExtractionError("the image is damaged or of a kind that cannot be read") from None
    except (OSError, ValueError, SyntaxError) as error:
        raise ExtractionError(f"the image is damaged and cannot be read ({error})") from None
    width, height = image.size
    ocr.check_size(width, height)
    return image


def frame_count(image: Any) -> int:
    return max(1, int(getattr(image, "n_frames", 1) or 1))


def frames(image: Any, limit: int) -> Iterator[Image]:
    """Each page of the image (one, or a TIFF's pages), decoded one at a time.

    Raises:
        TooLargeError: a page with more pixels than ``ocr.MAX_PIXELS``.
        ExtractionError: a page that cannot be decoded.
    """
    for number in range(min(frame_count(image), limit)):
        try:
            image.seek(number)
            width, height = image.size
            ocr.check_size(width, height, what=f"page {number + 1}")
            image.load()
            yield image
        except (ExtractionError, MemoryError):
            raise
        except EOFError:
            return  # the file holds fewer pages than it says
        except Exception as error:  # noqa: BLE001 - Pillow's decoders raise anything
            raise ExtractionError(
                f"page {number + 1} of the image is damaged and cannot be read ({error})"
            ) from None


class ImageImporter:
    """PNG, JPEG and TIFF images: the text recognised with OCR."""

    name = "image"
    label = "Images and scans"
    suffixes = frozenset({".png", ".jpg", ".jpeg", ".jpe", ".jfif", ".tif", ".tiff"})

    def sniff(self, head: bytes) -> bool:
        return is_image(head)

    def extract(
        self, data: bytes, name: str, options: ImportOptions = DEFAULT_OPTIONS
    ) -> Extracted:
        """The recognised text of every page of the image.

        Raises:
            TooLargeError: an image or page larger than ``ocr.MAX_PIXELS``.
            ExtractionError: the image is damaged, OCR is not installed, or an OCR
                language chosen is not installed.
        """
        file_name = PurePath(name).name or name
        try:
            image = open_image(data)
            total = frame_count(image)
            notes = []
            if total > ocr.MAX_PAGES:
                notes.append(f"only the first {ocr.MAX_PAGES} of {total} pages were read")
                total = ocr.MAX_PAGES
            recognised = ocr.recognise_pages(frames(image, total), total, options)
        except (ClippingsError, MemoryError):
            raise  # out of memory is the file's size, not damage: the caller says so
        except RecursionError as error:
            raise ExtractionError("the image is damaged and cannot be read") from error
        except Exception as error:  # noqa: BLE001 - Pillow's decoders raise anything
            reason = str(error).strip() or type(error).__name__
            raise ExtractionError(f"the image is damaged and cannot be read ({reason})") from None
        return ocr.extracted_from_pages(recognised, file_name, self.name, notes)


__all__ = ["ImageImporter", "frame_count", "frames", "is_image", "open_image"]
