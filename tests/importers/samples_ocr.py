"""Pages for OCR tests and benches: corpus articles set in type with Pillow, then spoiled
as a scanner or a phone would (a slight skew, noise, blur, JPEG).

Used by ``tests/importers/test_ocr.py``, ``tests/services/test_ocr.py`` and
``bench/ocr_quality.py``. Nothing here is stored in the repository: the pages are made
from the shared corpus each time.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONTS = Path("/usr/share/fonts")
SERIF = FONTS / "truetype/dejavu/DejaVuSerif.ttf"
SERIF_BOLD = FONTS / "truetype/dejavu/DejaVuSerif-Bold.ttf"
CJK = FONTS / "opentype/noto/NotoSerifCJK-Regular.ttc"
ARABIC = FONTS / "truetype/noto/NotoNaskhArabic-Regular.ttf"

#: The page: about A4 at 200 dpi, body type of 10-11 points.
PAGE_WIDTH = 1650
MARGIN = 110
GUTTER = 60
BODY_PX = 30
HEADLINE_PX = 52


def _font(lang: str, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    if lang in ("chi_sim", "jpn"):
        return ImageFont.truetype(str(CJK), size)
    if lang == "ara":
        return ImageFont.truetype(str(ARABIC), size)
    return ImageFont.truetype(str(SERIF_BOLD if bold else SERIF), size)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int, cjk: bool) -> list[str]:
    """The lines of one paragraph set ``width`` pixels wide."""
    units = list(text) if cjk else text.split()
    lines: list[str] = []
    line = ""
    for unit in units:
        candidate = unit if not line else line + ("" if cjk else " ") + unit
        if line and font.getlength(candidate) > width:
            lines.append(line)
            line = unit
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def render_page(text: str, lang: str, columns: int = 1, *, title: str | None = None) -> Image.Image:
    """``text`` (paragraphs separated by blank lines) set on a white page, under a
    headline when ``title`` is given, in one or two columns; the page is as tall as
    the text needs. Greyscale, 200 dpi."""
    cjk = lang in ("chi_sim", "jpn")
    body = _font(lang, BODY_PX)
    line_height = round(BODY_PX * 1.45)
    gap = round(BODY_PX * 0.8)
    inner = PAGE_WIDTH - 2 * MARGIN
    column_width = (inner - GUTTER * (columns - 1)) // columns
    # Each paragraph's lines, then a gap (None) before the next.
    flow: list[str | None] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        if flow:
            flow.append(None)
        flow += _wrap(" ".join(paragraph.split()), body, column_width, cjk)
    heights = [line_height if item is not None else gap for item in flow]
    if columns == 1:
        parts = [flow]
    else:  # balanced columns: break after a line near the middle of the text's height
        half, total, cut = sum(heights) / 2, 0, len(flow)
        for index, height in enumerate(heights):
            total += height
            if total >= half:
                cut = index + 1
                break
        parts = [flow[:cut], [x for x in flow[cut:]]]
        while parts[1] and parts[1][0] is None:
            parts[1].pop(0)
    top = MARGIN
    head_lines: list[str] = []
    headline = _font(lang, HEADLINE_PX, bold=True)
    if title:
        head_lines = _wrap(title, headline, inner, cjk)
        top += len(head_lines) * round(HEADLINE_PX * 1.3) + 2 * gap
    column_heights = [
        sum(line_height if item is not None else gap for item in part) for part in parts
    ]
    page = Image.new("L", (PAGE_WIDTH, top + max(column_heights) + MARGIN), 255)
    draw = ImageDraw.Draw(page)
    y = MARGIN
    for line in head_lines:
        draw.text((MARGIN, y), line, font=headline, fill=0)
        y += round(HEADLINE_PX * 1.3)
    for number, part in enumerate(parts):
        x = MARGIN + number * (column_width + GUTTER)
        y = top
        for item in part:
            if item is None:
                y += gap
                continue
            if lang == "ara":  # right to left: set against the column's right edge
                draw.text((x + column_width, y), item, font=body, fill=0, anchor="ra")
            else:
                draw.text((x, y), item, font=body, fill=0)
            y += line_height
    page.info["dpi"] = (200, 200)
    return page


def degrade(
    image: Image.Image,
    skew: float = 0.0,
    noise: float = 0.0,
    jpeg_quality: int | None = None,
    *,
    blur: float = 0.0,
    seed: int = 10,
) -> bytes:
    """The page as a scanner or a phone would give it: turned ``skew`` degrees, blurred,
    with Gaussian noise of standard deviation ``noise`` (grey levels), saved as JPEG of
    ``jpeg_quality`` (PNG when None)."""
    page = image.convert("L")
    if skew:
        page = page.rotate(skew, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    if blur:
        page = page.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        pixels = np.asarray(page, dtype=np.float32)
        pixels = pixels + np.random.default_rng(seed).normal(0, noise, pixels.shape)
        page = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L")
    buffer = BytesIO()
    if jpeg_quality is None:
        page.save(buffer, format="PNG", dpi=(200, 200))
    else:
        page.save(buffer, format="JPEG", quality=jpeg_quality, dpi=(200, 200))
    return buffer.getvalue()


def words(text: str) -> list[str]:
    """The words of a text, case and punctuation folded, for recall."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    return re.findall(r"\w+", folded)


def char_recall(truth: str, found: str) -> float:
    """The share of ``truth``'s letters (counted with repeats, spaces aside) that
    ``found`` has: recall for scripts written without spaces."""
    wanted = Counter(ch for ch in truth if ch.isalnum())
    got = Counter(ch for ch in found if ch.isalnum())
    total = sum(wanted.values())
    return sum((wanted & got).values()) / total if total else 1.0


def word_recall(truth: str, found: str) -> float:
    """The share of ``truth``'s words (counted with repeats) that ``found`` has."""
    wanted = Counter(words(truth))
    got = Counter(words(found))
    total = sum(wanted.values())
    return sum((wanted & got).values()) / total if total else 1.0


# --- Corpus articles ---------------------------------------------------------------------


def _html_paragraphs(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    found = re.findall(r"<p[^>]*>(.*?)</p>", source, flags=re.S)
    return [
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", p)).split())
        for p in found
        if len(re.sub(r"<[^>]+>", " ", p).split()) >= 8
    ]


def _text_paragraphs(path: Path) -> list[str]:
    return [
        " ".join(p.split())
        for p in re.split(r"\n\s*\n", path.read_text(encoding="utf-8"))
        if len(p.split()) >= 8
    ]


def _script_paragraphs(script: str) -> Callable[[Path], list[str]]:
    """Paragraphs of a text reduced to one script's letters, digits and punctuation
    (the page's font has no other glyphs), cut to a few lines each."""
    keep = re.compile(script + r"|[\d\s.,:;!?،؛。、「」（）・ー]")

    def read(path: Path) -> list[str]:
        found = []
        for paragraph in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            kept = " ".join("".join(ch for ch in paragraph if keep.match(ch)).split())
            if len(kept) >= 40:
                found.append(kept[:160].rsplit(" ", 1)[0] if " " in kept[120:160] else kept[:160])
        return found

    return read


#: A news text per OCR language, in the shared corpus (see its MANIFEST.md).
ARTICLES = {
    "eng": ("newspaper4k/txt/cnn_article.txt", _text_paragraphs, "en"),
    "deu": ("readability/test-pages/heise/expected.html", _html_paragraphs, "de"),
    "fra": ("readability/test-pages/liberation-1/expected.html", _html_paragraphs, "fr"),
    "rus": ("encodings/chardet-tests/utf-8/_ude_russian.txt", _text_paragraphs, "ru"),
    "ara": ("newspaper4k/txt/arabic_article.txt", _script_paragraphs("[\u0600-\u06ff]"), "ar"),
    "jpn": (
        "newspaper4k/txt/japanese_article.txt",
        _script_paragraphs("[\u3040-\u30ff\u4e00-\u9fff]"),
        "ja",
    ),
}


def article(corpus: Path, lang: str, max_words: int = 170) -> tuple[str, str]:
    """A corpus article in ``lang`` (an ``ARTICLES`` key): its language's ISO code and
    its first whole paragraphs, up to about ``max_words`` words (for Japanese, four
    characters count as a word)."""
    relative, read, iso = ARTICLES[lang]
    chosen: list[str] = []
    count = 0
    for paragraph in read(corpus / relative):
        size = len(paragraph) // 4 if lang in ("jpn", "chi_sim") else len(paragraph.split())
        if count and count + size > max_words:
            break
        chosen.append(paragraph)
        count += size
    return iso, "\n\n".join(chosen)


def pdf_of(pages: list[Image.Image], dpi: int = 200) -> bytes:
    """An image-only PDF of the pages (Pillow's PDF writer: no text layer)."""
    buffer = BytesIO()
    first, *rest = [page.convert("L") for page in pages]
    first.save(buffer, format="PDF", save_all=True, append_images=rest, resolution=dpi)
    return buffer.getvalue()


def tiff_of(pages: list[Image.Image]) -> bytes:
    """A multi-page TIFF of the pages."""
    buffer = BytesIO()
    first, *rest = [page.convert("L") for page in pages]
    first.save(
        buffer,
        format="TIFF",
        save_all=True,
        append_images=rest,
        compression="tiff_lzw",
        dpi=(200, 200),
    )
    return buffer.getvalue()


def contract_sample(corpus: Path) -> bytes:
    """A clean PNG page of an English corpus article under its headline (the importer
    contract's image sample)."""
    _, text = article(corpus, "eng", max_words=120)
    page = render_page(text, "eng", title="Holiday travel: we dodged a bullet")
    return degrade(page)
