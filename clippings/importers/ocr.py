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
``report_step`` (each one restarts the worker's time limit). ``extracted_from_pages``
turns the result into an ``Extracted`` (title, date, language, the OCR facts).

tesserocr and Pillow are imported inside functions: importing the package list must
stay cheap.
"""

from __future__ import annotations

import os
import re
import statistics
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from clippings.importers.base import report_step, text_to_html
from clippings.importers.language import detect_language
from clippings.model import (
    DEFAULT_OPTIONS,
    Extracted,
    ExtractionError,
    ImportOptions,
    Published,
    TooLargeError,
)

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

NOTHING_RECOGNISED = "no text was recognised in the image"
NOTHING_ON_PAGES = "no text was recognised on the scanned pages"


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


# --- One page -------------------------------------------------------------------------


@dataclass
class Line:
    text: str
    height: int


@dataclass
class Paragraph:
    lines: list[Line]

    @property
    def text(self) -> str:
        return join_lines([line.text for line in self.lines])

    @property
    def height(self) -> float:
        return statistics.median(line.height for line in self.lines)


@dataclass
class PageText:
    """What Tesseract read on one page."""

    paragraphs: list[Paragraph] = field(default_factory=list)
    #: Each word's confidence, 0 to 100.
    confidences: list[float] = field(default_factory=list)
    #: Degrees the page was turned to be upright.
    rotated: int = 0


@dataclass
class Recognised:
    """What Tesseract read on the pages of one file."""

    pages: list[PageText]
    languages: tuple[str, ...]
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for page in self.pages for p in page.paragraphs)

    @property
    def confidence(self) -> float | None:
        words = [c for page in self.pages for c in page.confidences]
        return sum(words) / len(words) if words else None


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
        return _page_text(api)

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


def _page_text(api: Any) -> PageText:
    """Tesseract's paragraphs, lines and word confidences, read from its TSV result
    (one row an element: level, block, paragraph, line and word numbers, box,
    confidence, text). The TSV keeps right-to-left words in reading order with their
    letters in order, which tesserocr's result iterator does not."""
    page = PageText()
    try:
        table = str(api.GetTSVText(0) or "")
    except RuntimeError:  # tesserocr's "No text returned" for an empty page
        return page
    heights: dict[tuple[str, str, str], int] = {}
    words: dict[tuple[str, str, str], list[str]] = {}
    for row in table.splitlines():
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] not in ("4", "5"):
            continue
        key = (cells[2], cells[3], cells[4])  # block, paragraph, line
        if cells[0] == "4":
            heights[key] = _number(cells[9])
            continue
        text = cells[11].strip()
        if not text:
            continue
        words.setdefault(key, []).append(text)
        confidence = float(cells[10]) if _is_number(cells[10]) else -1.0
        if confidence >= 0:
            page.confidences.append(confidence)
    current: Paragraph | None = None
    last: tuple[str, str] | None = None
    for key, line_words in words.items():  # in reading order, as the rows came
        if current is None or key[:2] != last:
            current = Paragraph([])
            page.paragraphs.append(current)
            last = key[:2]
        current.lines.append(Line(_join_words(line_words), heights.get(key, 0)))
    return page


def _number(cell: str) -> int:
    return int(cell) if cell.isdigit() else 0


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _join_words(words: Sequence[str]) -> str:
    """A line from its words: CJK characters join without a space."""
    line = ""
    for word in words:
        if line and not (_CJK.match(line[-1]) and _CJK.match(word[0])):
            line += " "
        line += word
    return line


# --- Lines into paragraphs ------------------------------------------------------------

_HYPHENS = ("-", "\u00ad", "\u2010", "¬")
_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff00-\uffef]")


def join_lines(lines: Iterable[str]) -> str:
    """One paragraph from its lines: a word broken by a hyphen at a line's end is
    mended when the next line goes on in lower case; CJK lines join without a space."""
    joined = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not joined:
            joined = line
        elif joined.endswith(_HYPHENS) and line[0].islower() and joined[-2:-1].isalpha():
            joined = joined[:-1] + line
        elif _CJK.match(joined[-1]) and _CJK.match(line[0]):
            joined += line
        else:
            joined += " " + line
    return joined


# --- A file's pages --------------------------------------------------------------------


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


def heading(recognised: Recognised) -> str | None:
    """The first page's heading: among its first paragraphs, the first one set in
    larger type than the page's body (a headline); else the first paragraph when short;
    else its first line."""
    first = next((page for page in recognised.pages if page.paragraphs), None)
    if first is None:
        return None
    paragraphs = first.paragraphs
    body = statistics.median(line.height for p in paragraphs for line in p.lines)
    for paragraph in paragraphs[:5]:
        text = paragraph.text
        if len(paragraph.lines) <= 3 and paragraph.height >= 1.25 * body and _wordy(text):
            return _shorten(text)
    opening = paragraphs[0]
    if len(opening.lines) <= 2 and len(opening.text.split()) <= 20 and _wordy(opening.text):
        return _shorten(opening.text)
    return _shorten(opening.lines[0].text) if _wordy(opening.lines[0].text) else None


def _wordy(text: str) -> bool:
    return sum(ch.isalpha() for ch in text) >= 3


def _shorten(text: str, limit: int = 200) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def date_in(text: str) -> Published | None:
    """A date near the start of the recognised text (a dateline), if any."""
    from clippings.importers.dates import find_date

    try:
        found = find_date(text[:3000])
    except Exception:  # noqa: BLE001 - no date rather than no clipping
        return None
    return found[0] if found else None


def ocr_facts(recognised: Recognised) -> dict[str, str]:
    """The provenance facts of a recognised text (``model.PROVENANCE_FACTS``)."""
    facts = {"text": "ocr"}
    if recognised.languages:
        facts["ocr_languages"] = "+".join(recognised.languages)
    confidence = recognised.confidence
    if confidence is not None:
        facts["ocr_confidence"] = str(round(confidence))
    return facts


def extracted_from_pages(
    recognised: Recognised, name: str, file_format: str, warnings: Sequence[str] = ()
) -> Extracted:
    """An ``Extracted`` for a file whose text is all recognised: title from the first
    page's heading, published from a date in the text (never the file's time), the
    language detected from the text."""
    text = recognised.text.strip()
    notes = [*warnings, *recognised.warnings]
    provenance = ocr_facts(recognised)
    stem = PurePath(name).stem or name
    if not text:
        provenance["title"] = "derived"
        return Extracted(
            text="",
            format=file_format,
            title=stem,
            provenance=provenance,
            has_text=False,
            warnings=(NOTHING_RECOGNISED if file_format == "image" else NOTHING_ON_PAGES, *notes),
        )
    title = heading(recognised)
    provenance["title"] = "ocr" if title else "derived"
    published = date_in(text)
    if published is not None:
        provenance["published"] = "text-heuristic"
    language = detect_language(text)
    if language:
        provenance["language"] = "detected"
    return Extracted(
        text=text,
        format=file_format,
        title=title or stem,
        html=text_to_html(text),
        published=published,
        language=language,
        provenance=provenance,
        warnings=tuple(notes),
    )


__all__ = [
    "DEFAULT_OPTIONS",
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
