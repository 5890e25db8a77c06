"""Recognising the text of page images (OCR) with Tesseract, through tesserocr.

tesserocr runs Tesseract's C API inside the extraction worker: no ``tesseract`` child
process exists, so a worker killed for Cancel or a time limit leaves nothing running,
and the language models are loaded once per file, not once per page.

A page goes through:

1. orientation and script detection (Tesseract's OSD, ``osd.traineddata``): the page is
   turned upright, and unless the user chose the languages, the script (Latin,
   Cyrillic, Arabic, Han, Japanese... see ``SCRIPT_LANGUAGES``) and then the language
   detected in the first page's text pick them (``Reader``);
2. recognition, read back from Tesseract's TSV as blocks, paragraphs and lines with
   each word's confidence;
3. paragraphs rebuilt (lines joined, words broken by a hyphen at a line's end mended).

``recognise_pages`` does this for the pages of a file and reports each page with
``report_step`` (each one restarts the worker's time limit). ``ocr_text`` reads
Tesseract's result into paragraphs, and ``extracted_from_pages`` turns a file's into an
``Extracted`` (title, date, language, the OCR facts).

tesserocr and Pillow are imported inside functions: importing the package list must
stay cheap.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clippings.importers.base import report_step
from clippings.importers.language import detect_language
from clippings.importers.ocr_text import (
    NOTHING_ON_PAGES,
    NOTHING_RECOGNISED,
    PageText,
    Recognised,
    extracted_from_pages,
    join_lines,
    page_text,
)
from clippings.model import ExtractionError, ImportOptions, TooLargeError

if TYPE_CHECKING:
    from PIL.Image import Image

#: Pixels one page may have (a 48-megapixel phone photo passes; an A4 page at 600 dpi is
#: 35 million). Larger images are refused rather than decoded: a small file can claim
#: a huge image (a decompression bomb), and Tesseract needs ~10 bytes a pixel.
MAX_PIXELS = 60_000_000
#: Pages recognised at most in one file (a few seconds each).
MAX_PAGES = 100
#: The resolution assumed for an image that does not say (a scanner's usual 300 dpi).
DEFAULT_DPI = 300

#: The Tesseract languages a script found by OSD stands for, the likeliest first. The
#: first one reads the first page; the language detected in that text then picks the
#: languages (``Reader``); the whole set is the fallback when it cannot (too little
#: text, a language not installed). A whole set read at once is slower and worse than
#: the right language first (``bench/ocr_quality.py --sets``: a scanned German page,
#: eng+deu+fra+spa+ita+por+pol 0.92 word recall, deu+eng 0.98).
SCRIPT_LANGUAGES: dict[str, tuple[str, ...]] = {
    "Latin": ("eng", "deu", "fra", "spa", "ita", "por", "pol"),
    "Cyrillic": ("rus", "ukr"),
    "Arabic": ("ara",),
    "Han": ("chi_sim", "chi_tra"),
    "Japanese": ("jpn",),
    "Hiragana": ("jpn",),
    "Katakana": ("jpn",),
    "Hangul": ("kor",),
    "Greek": ("ell",),
    "Hebrew": ("heb",),
    "Devanagari": ("hin",),
    "Thai": ("tha",),
}
#: Tesseract's language for a language detected in the text (ISO 639-1).
TESSERACT_CODES = {
    "en": "eng", "de": "deu", "fr": "fra", "es": "spa", "it": "ita", "pt": "por",
    "pl": "pol", "nl": "nld", "sv": "swe", "da": "dan", "no": "nor", "nb": "nor",
    "fi": "fin", "cs": "ces", "sk": "slk", "hu": "hun", "ro": "ron", "tr": "tur",
    "hr": "hrv", "sl": "slv", "ca": "cat", "lv": "lav", "lt": "lit", "et": "est",
    "ru": "rus", "uk": "ukr", "bg": "bul", "sr": "srp", "el": "ell", "he": "heb",
    "ar": "ara", "fa": "fas", "zh": "chi_sim", "ja": "jpn", "ko": "kor", "hi": "hin",
    "th": "tha",
}  # fmt: skip
#: What OSD must be sure of before its script or orientation is believed.
_MIN_SCRIPT_CONFIDENCE = 1.0
_MIN_ORIENTATION_CONFIDENCE = 1.5

#: Where distributions put Tesseract's language data.
_TESSDATA_PLACES = (
    "/usr/share/tesseract-ocr/*/tessdata",
    "/usr/share/tessdata",
    "/usr/share/tesseract/tessdata",
    "/usr/local/share/tessdata",
    "/usr/local/share/tesseract-ocr/*/tessdata",
    "/opt/homebrew/share/tessdata",
    "/opt/local/share/tessdata",
)
_NOT_LANGUAGES = frozenset({"osd", "equ"})

# --- Tesseract's language data --------------------------------------------------------


@cache
def tessdata_path() -> str:
    """The folder of Tesseract's ``*.traineddata`` files.

    Raises:
        ExtractionError: Tesseract's language data is not installed.
    """
    places: list[Path] = []
    prefix = os.environ.get("TESSDATA_PREFIX")
    if prefix:
        places += [Path(prefix), Path(prefix) / "tessdata"]
    for pattern in _TESSDATA_PLACES:
        # The newest version first (tesseract-ocr/5 before 4.00).
        places += sorted(Path("/").glob(pattern.lstrip("/")), reverse=True)
    for place in places:
        if place.is_dir() and any(place.glob("*.traineddata")):
            return f"{place}/"
    raise ExtractionError(
        "text in images cannot be recognised: Tesseract's language data is not installed "
        "(install tesseract-ocr and its language packs, e.g. tesseract-ocr-eng)"
    )


@cache
def installed_languages() -> tuple[str, ...]:
    """The OCR languages installed (Tesseract codes: ``eng``, ``deu``, ``chi_sim``)."""
    found = (path.stem for path in Path(tessdata_path()).glob("*.traineddata"))
    return tuple(sorted(code for code in found if code not in _NOT_LANGUAGES))


def tesseract_version() -> str:
    """The Tesseract library tesserocr runs ("5.3.0"), for Help › About."""
    import tesserocr

    first = str(tesserocr.tesseract_version()).splitlines()[0]
    return first.removeprefix("tesseract").strip() or first


def has_osd() -> bool:
    """Whether orientation and script detection is installed (tesseract-ocr-osd)."""
    return (Path(tessdata_path()) / "osd.traineddata").is_file()


def check_languages(languages: Sequence[str]) -> tuple[str, ...]:
    """The languages the user chose, each installed.

    Raises:
        ExtractionError: a language that is not installed, naming those that are.
    """
    chosen = tuple(dict.fromkeys(code.strip() for code in languages if code.strip()))
    installed = installed_languages()
    unknown = [code for code in chosen if code not in installed]
    if unknown:
        names = ", ".join(unknown)
        raise ExtractionError(
            f"the OCR language{'s' if len(unknown) > 1 else ''} {names} "
            f"{'are' if len(unknown) > 1 else 'is'} not installed; installed: "
            f"{', '.join(installed) or 'none'} (Tesseract's codes, joined with +)"
        )
    return chosen


# --- Pages -----------------------------------------------------------------------------


def check_size(width: int, height: int, what: str = "the image") -> None:
    """Refuse a page too large to recognise.

    Raises:
        TooLargeError: more than ``MAX_PIXELS`` pixels.
    """
    if width * height > MAX_PIXELS:
        raise TooLargeError(
            f"{what} is too large to read: {width} × {height} pixels "
            f"(at most {MAX_PIXELS // 1_000_000} million pixels a page)"
        )


class Reader:
    """One file's Tesseract: the orientation detector, and the recognisers of the
    languages chosen or found.

    Unless the user chose the languages, the first page with text picks them: it is
    read with the first language of the script OSD finds (English for Latin script),
    the language of that text is detected, and the page is read again in it (with
    English beside it for a Latin-script language: names and quotations) when that
    differs. Its accents and letters then come out right (a German page read as
    English loses its umlauts), at the cost of one more reading of one page; a
    language whose pack is not installed falls back to the script's whole set.
    """

    def __init__(self, options: ImportOptions) -> None:
        import tesserocr

        self._tesserocr = tesserocr
        self._path = tessdata_path()
        self.chosen = check_languages(options.ocr_languages)
        #: The languages the pages are read in (decided on the first page with text).
        self.languages: tuple[str, ...] = self.chosen
        #: The languages a page with no text was read in (while none are decided).
        self.tried: tuple[str, ...] = ()
        self.warnings: list[str] = []
        self._osd: Any = None
        self._recognisers: dict[tuple[str, ...], Any] = {}
        if has_osd():
            self._osd = _start(
                tesserocr.PyTessBaseAPI, path=self._path, lang="osd", psm=tesserocr.PSM.OSD_ONLY
            )
        elif not self.chosen:
            self.warnings.append(
                "the script could not be detected (tesseract-ocr-osd is not installed): "
                "read as Latin script"
            )

    def close(self) -> None:
        for api in (self._osd, *self._recognisers.values()):
            if api is not None:
                api.End()
        self._osd = None
        self._recognisers.clear()

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, image: Image) -> PageText:
        """The text of one page image (turned upright first)."""
        page = _grey(image)
        dpi = _dpi(image)
        rotated, script = self._detect(page, dpi)
        if rotated:
            page = page.rotate(rotated, expand=True, fillcolor=255)
        if self.languages:
            result = self._recognise(self.languages, page, dpi)
        else:
            result = self._choose_languages(script, page, dpi)
        result.rotated = rotated
        return result

    def _choose_languages(self, script: str | None, page: Image, dpi: int) -> PageText:
        family = self._script_set(script)
        first = family[:1]
        result = self._recognise(first, page, dpi)
        text = "\n".join(p.text for p in result.paragraphs)
        self.tried = first
        if not text.strip():
            return result  # nothing to go by: the next page decides
        found = TESSERACT_CODES.get(detect_language(text) or "")
        installed = installed_languages()
        if found in installed and _fits(found, script, family):
            final: tuple[str, ...] = (found,)
            if family[0] == "eng" and found != "eng" and "eng" in installed:
                final += ("eng",)
        else:
            final = family
        self.languages = final
        return result if final == first else self._recognise(final, page, dpi)

    def _recognise(self, languages: tuple[str, ...], page: Image, dpi: int) -> PageText:
        api = self._recognisers.get(languages)
        if api is None:
            tesserocr = self._tesserocr
            api = _start(
                tesserocr.PyTessBaseAPI,
                path=self._path,
                lang="+".join(languages),
                psm=tesserocr.PSM.AUTO,
                oem=tesserocr.OEM.LSTM_ONLY,
            )
            self._recognisers[languages] = api
        _set_image(api, page, dpi)
        api.Recognize()
        return page_text(api)

    def _detect(self, page: Image, dpi: int) -> tuple[int, str | None]:
        """The rotation that makes the page upright, and its script (None: unsure)."""
        if self._osd is None:
            return 0, None
        _set_image(self._osd, page, dpi)
        try:
            found = self._osd.DetectOrientationScript()
        except RuntimeError:
            found = None
        if not found:
            return 0, None
        rotated = int(found.get("orient_deg") or 0)
        if float(found.get("orient_conf") or 0) < _MIN_ORIENTATION_CONFIDENCE:
            rotated = 0
        script = str(found.get("script_name") or "")
        if float(found.get("script_conf") or 0) < _MIN_SCRIPT_CONFIDENCE:
            script = ""
        return rotated % 360, script or None

    def _script_set(self, script: str | None) -> tuple[str, ...]:
        """The installed languages of a script, the likeliest first."""
        installed = set(installed_languages())
        if not installed:
            raise ExtractionError(
                "text in images cannot be recognised: no OCR language is installed "
                "(install tesseract-ocr-eng or another language pack)"
            )
        wanted = SCRIPT_LANGUAGES.get(script or "Latin", ())
        found = tuple(code for code in wanted if code in installed)
        if found:
            return found
        if script and script != "Latin":
            package = f"tesseract-ocr-{wanted[0].replace('_', '-')}" if wanted else None
            notice = (
                f"the text looks like {script} script, whose OCR language is not installed"
                + (f" ({package})" if package else "")
                + ": read as Latin script"
            )
            if notice not in self.warnings:
                self.warnings.append(notice)
        latin = tuple(code for code in SCRIPT_LANGUAGES["Latin"] if code in installed)
        return latin or (sorted(installed)[0],)


def _start(api: Any, **settings: Any) -> Any:
    """A Tesseract instance; ``ExtractionError`` when its language data cannot load."""
    try:
        return api(**settings)
    except RuntimeError as error:
        raise ExtractionError(
            f"Tesseract cannot load the OCR language {settings.get('lang')} from "
            f"{settings.get('path')} ({error}): reinstall its language pack"
        ) from None


#: Languages written in CJK characters: OSD may call a Japanese page "Han".
_CJK_LANGUAGES = frozenset({"chi_sim", "chi_tra", "jpn", "kor"})
_NON_LATIN = frozenset(
    code for script, codes in SCRIPT_LANGUAGES.items() if script != "Latin" for code in codes
)


def _fits(language: str, script: str | None, family: Sequence[str]) -> bool:
    """Whether a language detected in the text can be written in the script OSD found."""
    if language in family:
        return True
    if script in (None, "Latin"):
        return language not in _NON_LATIN
    return language in _CJK_LANGUAGES and bool(_CJK_LANGUAGES & set(family))


def _grey(image: Image) -> Image:
    """A greyscale copy Tesseract reads (transparency flattened onto white)."""
    from PIL import Image as PilImage

    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = PilImage.new("RGBA", rgba.size, (255, 255, 255, 255))
        flat.alpha_composite(rgba)
        image = flat
    if image.mode == "1":
        image = image.convert("L")
    return image if image.mode == "L" else image.convert("L")


def _dpi(image: Image) -> int:
    """The image's resolution as it says (a plausible one), else ``DEFAULT_DPI``."""
    value = image.info.get("dpi")
    try:
        dpi = round(float(value[0])) if value else 0
    except (TypeError, ValueError, IndexError):
        dpi = 0
    return dpi if 70 <= dpi <= 1200 else DEFAULT_DPI


def _set_image(api: Any, page: Image, dpi: int) -> None:
    width, height = page.size
    api.SetImageBytes(page.tobytes(), width, height, 1, width)
    api.SetSourceResolution(dpi)


def recognise_pages(
    pages: Iterator[Image] | Iterable[Image], total: int, options: ImportOptions
) -> Recognised:
    """Recognise each page, reporting ``Recognising page n of total`` before it."""
    with Reader(options) as reader:
        read: list[PageText] = []
        for number, image in enumerate(pages, start=1):
            report_step(number - 1, total, f"Recognising page {number} of {total}")
            width, height = image.size
            check_size(width, height, what=f"page {number}" if total > 1 else "the image")
            read.append(reader.read(image))
        report_step(total, total, f"Recognised {total} page{'s' if total != 1 else ''}")
        return Recognised(read, reader.languages or reader.tried, list(reader.warnings))


__all__ = [
    "MAX_PAGES",
    "MAX_PIXELS",
    "NOTHING_ON_PAGES",
    "NOTHING_RECOGNISED",
    "SCRIPT_LANGUAGES",
    "Reader",
    "Recognised",
    "check_languages",
    "check_size",
    "extracted_from_pages",
    "installed_languages",
    "join_lines",
    "recognise_pages",
    "tessdata_path",
]
