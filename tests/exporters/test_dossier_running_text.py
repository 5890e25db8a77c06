"""The running header and the footer read back as the outlet, title and collection title.

Article pages after a clipping's first carry "Outlet · Title (continued)" and the section
at the top, the collection's title and the page number at the bottom. Outlets and titles
in Arabic (lam-alef ligatures), Thai (sara am) and Hebrew, taken from the real articles
of ../shared/corpus, are read back with pdfminer and, where installed, poppler's
``pdftotext``: compared after NFC and with runs of whitespace made one space.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path

import pikepdf
import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTTextContainer, LTTextLine

from clippings.exporters.dossier import DossierExporter
from clippings.model import Clipping, Collection
from tests.conftest import skip_unless_installed
from tests.exporters.test_dossier_text_layer import article, poppler_text

#: The collection's title, in the footer of every page after the cover (lam-alef twice).
COLLECTION = "الأسد والائتلاف"
#: The top of an A4 page, in points from its bottom edge, down to below the header's rule.
_HEADER_BOTTOM = 842 - 17 / 25.4 * 72
_FOOTER_TOP = 20 / 25.4 * 72


def normal(text: str) -> str:
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", text).strip())


def real(corpus: Path, script: str) -> tuple[str, str, str]:
    """(outlet, title, text) of a real article: names found in the article or its page."""
    text = article(corpus, script)
    if script == "arabic":
        # A source the article quotes, and a phrase of its first sentence ("الأسد").
        outlet, title = "المرصد السوري لحقوق الإنسان", "فصائل مسلحة معارضة لنظام الرئيس بشار الأسد"
        assert outlet in text and title in text
    elif script == "thai":
        # The page's own title ("แม่น้ำ": sara am) and its site name (in its <title>).
        metadata = corpus / "newspaper4k" / "metadata" / "thai_article.json"
        title = json.loads(metadata.read_text("utf-8"))["title"]
        outlet = "ประชาไท"
        page = (corpus / "newspaper4k" / "html" / "thai_article.html").read_text("utf-8")
        assert "ำ" in title and f"| {outlet}" in page
    else:
        # An item of a Hebrew RSS feed, and a blog site its items name.
        feed = corpus / "encodings" / "chardet-tests" / "windows-1255-hebrew" / "info.org.il.xml"
        items = feed.read_bytes().decode("cp1255")
        outlet, title = "ישראבלוג", "כותרות השינוי החברתי באתר שתיל"
        assert outlet in items and f">{title}<" in items
    return outlet, title, text


@pytest.fixture(scope="module")
def dossier(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> tuple[Path, dict]:
    from PySide6.QtWidgets import QApplication

    assert QApplication.instance() or QApplication([])
    clippings = []
    for number, (script, language, section) in enumerate(
        [("arabic", "ar", "Syria"), ("thai", "th", "Thailand"), ("hebrew", "he", "Israel")],
        start=1,
    ):
        outlet, title, text = real(corpus, script)
        clippings.append(
            Clipping(
                id=number,
                title=title,
                # The article three times over: enough for a page after its first.
                text="\n\n".join([text] * 3),
                outlet=outlet,
                published=date(2024, 3, number),
                language=language,
                tags=(f"World/{section}",),
            )
        )
    collection = Collection(
        title=COLLECTION, clippings=tuple(clippings), made_at=datetime(2024, 3, 11, tzinfo=UTC)
    )
    path = tmp_path_factory.mktemp("running") / "running.pdf"
    DossierExporter().write(collection, path, read_original=lambda _sha: b"")
    with pikepdf.open(path) as pdf, pdf.open_outline() as outline:
        count = len(pdf.pages)
        opens = {}
        for part in outline.root:
            for item in part.children:
                target = item.destination[0]
                pages = [n for n, p in enumerate(pdf.pages, 1) if p.obj.objgen == target.objgen]
                opens[item.title] = pages[0]
    starts = {c.id: opens[f"{c.outlet} · {c.title}"] for c in clippings}
    ends = {
        c.id: min([s for s in starts.values() if s > starts[c.id]] + [count + 1]) for c in clippings
    }
    return path, {"clippings": clippings, "starts": starts, "ends": ends}


def lines_between(pdf: Path, page: int, low: float, high: float) -> list[str]:
    """pdfminer's lines of text on a page (from 1) whose middle lies between two heights."""
    found = []
    for layout in extract_pages(pdf, page_numbers=[page - 1]):
        for box in layout:
            if not isinstance(box, LTTextContainer):
                continue
            for line in box:
                if not isinstance(line, LTTextLine) or not line.get_text().strip():
                    continue
                if low < (line.y0 + line.y1) / 2 < high:
                    found.append(normal(line.get_text()))
    return found


def continuation(dossier, script: str) -> tuple[Clipping, int]:
    """A clipping and the second page of it (from 1)."""
    path, found = dossier
    clipping = found["clippings"][["arabic", "thai", "hebrew"].index(script)]
    page = found["starts"][clipping.id] + 1
    assert page < found["ends"][clipping.id], f"the {script} clipping fits on one page"
    return clipping, page


@pytest.mark.parametrize("script", ["arabic", "thai", "hebrew"])
def test_the_running_header_reads_as_outlet_and_title_in_pdfminer(dossier, script: str) -> None:
    path, _ = dossier
    clipping, page = continuation(dossier, script)
    header = lines_between(path, page, _HEADER_BOTTOM, 842)
    wanted = normal(f"{clipping.outlet} · {clipping.title}")
    section = clipping.tags[0].split("/")[1]
    assert section in header, header
    if script == "thai":
        assert f"{wanted} (continued)" in header, header
        return
    # pdfminer has no bidi: the Latin "(continued)", drawn at the far (left) end of the
    # right-to-left line, is read as pieces of its own; outlet and title are one line, in
    # reading order, whole (no lost ligature, no isolate marks).
    assert f"{wanted} (" in header, header
    assert "continued" in header, header


@pytest.mark.parametrize("script", ["arabic", "thai", "hebrew"])
def test_the_running_header_reads_as_outlet_and_title_in_pdftotext(dossier, script: str) -> None:
    if shutil.which("pdftotext") is None:
        skip_unless_installed(
            "poppler's pdftotext is not installed (apt-get install poppler-utils)"
        )
    path, _ = dossier
    clipping, page = continuation(dossier, script)
    # poppler marks the direction of what it reordered (U+202A…U+202C): not text.
    lines = [
        normal("".join(c for c in line if unicodedata.category(c) != "Cf"))
        for line in poppler_text(path, page).splitlines()
    ]
    wanted = re.escape(normal(f"{clipping.outlet} · {clipping.title}"))
    if script == "arabic":
        # poppler takes a glyph's text for visual order and so reverses the two letters
        # of the lam-alef ligature (as in the body's test): either order is accepted.
        wanted = re.sub("ل([اأإآ])", r"(?:ل\1|\1ل)", wanted)
    if script == "thai":
        assert any(re.fullmatch(rf"{wanted} \(continued\)", line) for line in lines), lines[:3]
    else:
        # poppler's bidi puts the mirrored brackets of "(continued)" its own way round.
        header = [line for line in lines if re.match(wanted, line)]
        assert header and "continued" in header[0], lines[:3]


def test_the_footer_reads_as_the_collection_title(dossier) -> None:
    path, found = dossier
    for clipping in found["clippings"]:
        for page in range(found["starts"][clipping.id], found["ends"][clipping.id]):
            footer = lines_between(path, page, 0, _FOOTER_TOP)
            assert COLLECTION in footer and f"Page {page}" in footer, (page, footer)
