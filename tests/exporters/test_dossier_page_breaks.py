"""Each line of a clipping's text is on exactly one page of the dossier's text layer.

A clipping running over several pages is painted page by page from one laid-out
document; the line that ends at a page's foot touches the next page's top edge. Read
back with pdfminer, page after page, the text is the clipping's own: every paragraph
once and in order, no line twice (none drawn, invisibly, on the next page as well).
The same for the contents, a table whose entries wrap over two lines.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pikepdf
import pytest
from pdfminer.high_level import extract_text

from clippings.exporters.dossier import DossierExporter
from clippings.model import Clipping, Collection
from tests.exporters.test_dossier_text_layer import article, searchable

#: The running header and the footer, around every article page's body.
_FURNITURE = re.compile(r"Long read \(continued\)|Breaks|Page \d+")


def body_lines(pdf: Path, page: int) -> list[str]:
    """pdfminer's lines of a page (from 1), in its reading order, without the header and
    footer: every line the page's text layer holds, drawn where a reader sees it or not."""
    text = str(extract_text(pdf, page_numbers=[page - 1]))
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not _FURNITURE.fullmatch(line)]


@pytest.mark.parametrize(("script", "language"), [("cnn_001", "en"), ("arabic", "ar")])
def test_a_line_at_a_page_break_is_on_one_page_only(
    tmp_path: Path, corpus: Path, script: str, language: str
) -> None:
    from PySide6.QtWidgets import QApplication

    assert QApplication.instance() or QApplication([])
    if script == "arabic":
        # The one Arabic article, five times (enough for three pages), each time with
        # its paragraphs' words rotated: no paragraph or line is another's twin.
        pieces = [p.split() for p in article(corpus, script).split("\n\n") if p.strip()]
        text = "\n\n".join(
            " ".join(words[turn * 3 :] + words[: turn * 3]) for turn in range(5) for words in pieces
        )
    else:
        text = (corpus / "newspaper4k" / "txt" / f"{script}.txt").read_text("utf-8")
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    clipping = Clipping(
        id=1, title="Long read", text=text, published=date(2024, 3, 1), language=language
    )
    collection = Collection(
        title="Breaks", clippings=(clipping,), made_at=datetime(2024, 3, 11, tzinfo=UTC)
    )
    path = tmp_path / "breaks.pdf"
    DossierExporter().write(collection, path, read_original=lambda _sha: b"")
    with pikepdf.open(path) as pdf:
        count = len(pdf.pages)
    first = 4  # after the cover, the contents and the summary
    assert count - first + 1 >= 3, "the clipping should run over three pages"
    lines = [line for page in range(first, count + 1) for line in body_lines(path, page)]
    repeated = [line for line, n in Counter(lines).items() if n > 1]
    assert not repeated
    read = searchable("".join(lines))
    if script == "arabic":
        # pdfminer has no bidi, so a line holding "(CNN)" or a number comes out in
        # pieces: every Arabic letter of the text is read, none twice.
        letters = re.compile("[\u0621-\u064a]")
        assert Counter(letters.findall(read)) == Counter(letters.findall(text))
        return
    position = 0
    for paragraph in paragraphs:
        wanted = searchable(paragraph)
        assert read.count(wanted) == 1, paragraph[:80]
        found = read.find(wanted, position)
        assert found >= 0, paragraph[:80]
        position = found + len(wanted)


def test_a_contents_entry_at_a_page_break_is_read_once(tmp_path: Path) -> None:
    """The contents' entries (a table) wrap over two lines; one split by a page break is
    read once, as are all the others."""
    from PySide6.QtWidgets import QApplication

    assert QApplication.instance() or QApplication([])
    clippings = tuple(
        Clipping(
            id=number,
            title=f"Title {number} is long enough to wrap onto a second line of the contents",
            text="Body",
            outlet=f"Outlet {number}",
            published=date(2024, 3, 1 + number % 28),
        )
        for number in range(1, 61)
    )
    collection = Collection(
        title="Breaks", clippings=clippings, made_at=datetime(2024, 3, 11, tzinfo=UTC)
    )
    path = tmp_path / "contents.pdf"
    DossierExporter().write(collection, path, read_original=lambda _sha: b"")
    contents = ""
    page = 2
    while not (text := str(extract_text(path, page_numbers=[page - 1]))).startswith("Summary"):
        contents += text
        page += 1
    assert page > 3, "the contents should run over two pages"
    for clipping in clippings:
        assert contents.count(f"Title {clipping.id} is long") == 1, clipping.id
        assert contents.count(f"{clipping.outlet} ·") == 1, clipping.id
