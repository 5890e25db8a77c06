"""Text copied or searched out of the dossier is the clipping's text, in every script.

Real articles from ../shared/corpus (Arabic, Thai, Burmese, Hebrew, Chinese, Japanese,
Korean) are read back with pdfminer (layout analysis, as ``pdf2txt`` and most Python
tools do) and, where installed, poppler's ``pdftotext``. Compared as a reader's search
would: whitespace, control and bidi formatting characters dropped, both sides NFC.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path

import pikepdf
import pytest
from pdfminer.high_level import extract_text

from clippings.exporters.dossier import DossierExporter
from clippings.model import Clipping, Collection
from tests.conftest import skip_unless_installed

LANGUAGES = {
    "arabic": "ar",
    "thai": "th",
    "burmese": "my",
    "hebrew": "he",
    "chinese": "zh",
    "japanese": "ja",
    "korean": "ko",
}
#: Enough paragraphs for one page of each article.
_LENGTH = 700


def searchable(text: str) -> str:
    """Text as a search compares it: no whitespace, no control or format characters."""
    kept = (c for c in re.sub(r"\s+", "", text) if unicodedata.category(c) not in {"Cc", "Cf"})
    return unicodedata.normalize("NFC", "".join(kept))


def paragraphs(text: str) -> list[str]:
    chosen: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        if paragraph.strip() and sum(map(len, chosen)) < _LENGTH:
            chosen.append(paragraph.strip())
    return chosen


def article(corpus: Path, script: str) -> str:
    if script == "hebrew":
        raw = corpus / "encodings" / "chardet-tests" / "windows-1255-hebrew" / "_ude_he2.txt"
        return raw.read_bytes().decode("cp1255")
    return (corpus / "newspaper4k" / "txt" / f"{script}_article.txt").read_text("utf-8")


@pytest.fixture(scope="module")
def scripts(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> tuple[Path, dict]:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    assert app is not None
    texts = {s: "\n\n".join(paragraphs(article(corpus, s))) for s in LANGUAGES}
    clippings = tuple(
        Clipping(
            id=number,
            title=f"Sample {script}",
            text=text,
            outlet="Outlet",
            published=date(2024, 3, number),
            language=LANGUAGES[script],
        )
        for number, (script, text) in enumerate(texts.items(), start=1)
    )
    collection = Collection(
        title="Scripts", clippings=clippings, made_at=datetime(2024, 3, 11, tzinfo=UTC)
    )
    path = tmp_path_factory.mktemp("scripts") / "scripts.pdf"
    DossierExporter().write(collection, path, read_original=lambda _sha: b"")
    with pikepdf.open(path) as pdf:
        count = len(pdf.pages)
    starts = {}
    for number in range(1, count + 1):
        text = str(extract_text(path, page_numbers=[number - 1]))
        if text.startswith(("Contents", "Summary")):
            continue
        for script in LANGUAGES:
            if f"Sample {script}" in text and script not in starts:
                starts[script] = number
    ends = [*sorted(starts.values())[1:], count + 1]
    pages = {s: range(n, ends[sorted(starts.values()).index(n)]) for s, n in starts.items()}
    return path, {"texts": texts, "pages": pages}


def pdfminer_text(path: Path, page: int) -> str:
    return str(extract_text(path, page_numbers=[page - 1]))


def poppler_text(path: Path, page: int) -> str:
    command = ["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def read(path: Path, pages: range, tool: str) -> str:
    """The searchable text of an article's pages, without the running header and footer."""
    if tool == "pdftotext" and shutil.which("pdftotext") is None:
        skip_unless_installed(
            "poppler's pdftotext is not installed (apt-get install poppler-utils)"
        )
    extract = pdfminer_text if tool == "pdfminer" else poppler_text
    text = ""
    for page in pages:
        body = searchable(extract(path, page))
        for furniture in ("Scripts", f"Page{page}", "(continued)", "Outlet·Sample"):
            body = body.replace(furniture, "")
        text += body
    return text


def words(text: str) -> list[str]:
    """The words of a text as a search looks for them (punctuation around them dropped)."""
    edge = "".join(c for c in (chr(i) for i in range(0x3000)) if unicodedata.category(c)[0] in "PS")
    found = (w.strip(edge + "\u3000\u3001\u3002\uff08\uff09\uff0c") for w in text.split())
    return [searchable(w) for w in found if w]


@pytest.mark.parametrize("tool", ["pdfminer", "pdftotext"])
@pytest.mark.parametrize("script", list(LANGUAGES))
def test_every_word_of_every_script_can_be_found(scripts, script: str, tool: str) -> None:
    """Each word reads back as itself: no lost ligature, unmapped glyph or split vowel."""
    path, found = scripts
    text = read(path, found["pages"][script], tool)
    wanted = words(found["texts"][script])
    if script == "arabic" and tool == "pdftotext":
        # poppler takes a glyph's text for visual order and so reverses the two letters
        # of the lam-alef ligature (pdfminer reads them right).
        wanted = [w for w in wanted if not re.search("ل[اأإآ]", w)]
    if script == "hebrew" and tool == "pdftotext":
        wanted = [w for w in wanted if not re.search("[0-9]", w)]  # poppler's bidi moves them
    assert wanted
    missing = [w for w in wanted if w not in text]
    # Burmese too: pdfminer boxes a glyph from its font's descent, and a Latin word or a
    # quote mark beside Burmese was a line of its own until the Myanmar face's descent
    # was lined up with the others' (``dossier_clusters._line_up``).
    assert not missing, (script, tool, missing[:10])


@pytest.mark.parametrize(
    ("script", "tool"),
    [
        *(
            (s, t)
            for s in ("thai", "burmese", "chinese", "japanese", "korean")
            for t in ("pdfminer", "pdftotext")
        ),
    ],
)
def test_left_to_right_scripts_read_back_paragraph_by_paragraph(
    scripts, script: str, tool: str
) -> None:
    """Whole paragraphs, in order: Thai and Burmese marks and reordered vowels included.

    (Right-to-left lines holding a Latin word or a number are beyond pdfminer, which has
    no bidi, and poppler moves such a number: their words are checked above.)
    """
    path, found = scripts
    text = read(path, found["pages"][script], tool)
    for paragraph in paragraphs(found["texts"][script]):
        assert searchable(paragraph) in text, (script, tool, paragraph[:80])


@pytest.mark.parametrize("script", ["hebrew", "arabic", "burmese"])
def test_mixed_lines_read_back_in_order_in_pdfminer(scripts, script: str) -> None:
    """Between the Latin and number runs pdfminer cannot place in a right-to-left line
    (it has no bidi), the text is in order."""
    path, found = scripts
    text = read(path, found["pages"][script], "pdfminer")
    pairs = found_pairs = 0
    for paragraph in paragraphs(found["texts"][script]):
        for piece in re.split(
            r"[\sA-Za-z0-9()\-\"]*[A-Za-z0-9()\-\"][\sA-Za-z0-9()\-\"]*", paragraph
        ):
            piece_words = [searchable(w) for w in piece.split()]
            for pair in itertools.pairwise(piece_words):
                pairs += 1
                found_pairs += "".join(pair) in text
    # A line holding such a run comes out in pieces, so the pair of words around the
    # line's end may be apart; every other pair of words is read in order.
    assert pairs > 20 and found_pairs >= 0.9 * pairs, (found_pairs, pairs)


def test_no_glyph_of_a_complex_script_is_left_without_text(scripts) -> None:
    """Every glyph has text in its font's map (or its cluster's text is carried by another
    glyph): nothing reads as ``(cid:N)``."""
    path, found = scripts
    for script, pages in found["pages"].items():
        for page in pages:
            assert "(cid:" not in pdfminer_text(path, page), script


def test_the_arabic_ligature_and_thai_sara_am_are_whole(scripts) -> None:
    path, found = scripts
    assert "الأسد" in read(path, found["pages"]["arabic"], "pdfminer")  # lam-alef
    thai = read(path, found["pages"]["thai"], "pdfminer")
    sara_am = re.findall(r"\S*ำ\S*", found["texts"]["thai"])
    assert sara_am
    for word in sara_am:
        assert searchable(word) in thai, word


def test_qpdf_finds_nothing_wrong_in_the_rewritten_pages(scripts) -> None:
    path, _ = scripts
    with pikepdf.open(path) as pdf:
        check = getattr(pdf, "check_pdf_syntax", None) or pdf.check
        assert list(check()) == []


def test_an_arabic_collection_title_reads_back_on_the_cover(tmp_path: Path, corpus: Path) -> None:
    from PySide6.QtWidgets import QApplication

    assert QApplication.instance() or QApplication([])
    title = "الأسد والائتلاف"
    clipping = Clipping(id=1, title="x", text=article(corpus, "arabic")[:300], language="ar")
    collection = Collection(
        title=title, clippings=(clipping,), made_at=datetime(2024, 3, 11, tzinfo=UTC)
    )
    path = tmp_path / "cover.pdf"
    DossierExporter().write(collection, path, read_original=lambda _sha: b"")
    assert searchable(title) in searchable(pdfminer_text(path, 1))


def test_brackets_of_english_after_arabic_read_the_right_way_round(
    tmp_path: Path, corpus: Path
) -> None:
    """A right-to-left line draws "(" with the glyph of ")" (mirrored); correcting that
    glyph's text for the Arabic run must leave the English clipping's brackets alone."""
    from PySide6.QtWidgets import QApplication

    assert QApplication.instance() or QApplication([])
    arabic = "\n\n".join(paragraphs(article(corpus, "arabic")))
    assert "(" in arabic and ")" in arabic
    english = "Follow us on Twitter (@Rabbi_360) for more.\n\nThe minister said so (FR mit dpa)."
    clippings = (
        Clipping(id=1, title="Arabic", text=arabic, published=date(2024, 3, 1), language="ar"),
        Clipping(id=2, title="English", text=english, published=date(2024, 3, 2), language="en"),
    )
    collection = Collection(
        title="Brackets", clippings=clippings, made_at=datetime(2024, 3, 11, tzinfo=UTC)
    )
    path = tmp_path / "brackets.pdf"
    DossierExporter().write(collection, path, read_original=lambda _sha: b"")
    tools = [str(extract_text(path))]
    if shutil.which("pdftotext") is not None:
        command = ["pdftotext", str(path), "-"]
        tools.append(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    bracketed = re.findall(r"\([\u0600-\u06ff ]+\)", arabic)
    assert bracketed
    for text in tools:
        assert "(@Rabbi_360)" in text and "(FR mit dpa)" in text
        # The Arabic run's brackets still read as the Arabic text has them.
        for words in bracketed:
            assert words in text, words
