"""The dossier as a press review: bookmarks, linked contents, sections by sub-tag, the
summary, running headers, each article's details and the CJK face per language.

Read back with pikepdf (outline, links, fonts) and pdfminer (text per page), as a PDF
reader and a reader's search would.
"""

from __future__ import annotations

import csv
import re
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

import pikepdf
import pytest
from pdfminer.high_level import extract_pages, extract_text
from pdfminer.layout import LTTextContainer, LTTextLine

from clippings.exporters import dossier as dossier_module
from clippings.exporters.dossier import DossierExporter
from clippings.exporters.dossier_summary import OTHER, sections
from clippings.model import Clipping, Collection
from tests.conftest import skip_unless_installed

MADE = datetime(2024, 3, 11, 9, 30, tzinfo=UTC)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@cache
def page_text(pdf: Path, number: int) -> str:
    return str(extract_text(pdf, page_numbers=[number - 1]))


def ecbplus(corpus: Path, count: int) -> list[tuple[str, str, str]]:
    """(title, outlet, text) of the longest ECB+ texts, their sentences as paragraphs."""
    with (corpus / "ecbplus" / "index.tsv").open(encoding="utf-8") as index:
        rows = [r for r in csv.DictReader(index, delimiter="\t") if r["subcorpus"] == "ecbplus"]
    rows.sort(key=lambda r: -int(r["n_tokens"]))
    chosen = []
    for row in rows[:count]:
        lines = (corpus / "ecbplus" / row["path"]).read_text(encoding="utf-8").splitlines()
        body = "\n\n".join(line for line in lines[3:] if line.strip())
        chosen.append((row["title"], row["outlet"], body))
    return chosen


@pytest.fixture(scope="module")
def review(
    tmp_path_factory: pytest.TempPathFactory, corpus: Path
) -> tuple[Path, Collection, bytes]:
    """A tag's press review: two sub-tags, one clipping with none, one long clipping."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    assert app is not None
    texts = ecbplus(corpus, 4)
    chinese = (corpus / "newspaper4k" / "txt" / "chinese_article.txt").read_text("utf-8")
    japanese = (corpus / "newspaper4k" / "txt" / "japanese_article.txt").read_text("utf-8")
    korean = (corpus / "newspaper4k" / "txt" / "korean_article.txt").read_text("utf-8")
    made = [
        Clipping(
            id=1,
            title=texts[0][0],
            text=texts[0][2],
            outlet="The Long Gazette",
            published=date(2024, 3, 4),
            tags=("Crime/Courts", "Weekly"),
            notes="Ask legal about this one.\r\nCall back on Monday.",
            page="A3",
            section="World",
            language="en",
        ),
        Clipping(
            id=2,
            title=texts[1][0],
            text=texts[1][2][:1500],
            outlet="Daily Mirror",
            published=datetime(2024, 3, 4, 8, 15, tzinfo=UTC),
            tags=("Crime/Police",),
            language="en",
        ),
        Clipping(
            id=3,
            title=texts[2][0],
            text=texts[2][2][:1500],
            outlet="Daily Mirror",
            published=date(2024, 3, 6),
            tags=("Crime",),
            language="en",
        ),
        Clipping(
            id=4,
            title="日本語の記事",
            text=japanese[:600],
            outlet="Asahi",
            published=date(2024, 3, 7),
            tags=("Crime/Courts",),
            language="ja",
        ),
        Clipping(
            id=5,
            title="简体中文报道",
            text=chinese[:600],
            outlet="Xinhua",
            published=date(2024, 3, 8),
            tags=("Crime/Police",),
            language="zh",
        ),
        Clipping(
            id=6,
            title="繁體中文報導",
            text=chinese[:600],
            outlet="Central News Agency",
            published=date(2024, 3, 8),
            tags=("Crime/Police",),
            language="zh-TW",
        ),
        Clipping(
            id=7,
            title="한국어 기사",
            text=korean[:600],
            outlet="Yonhap",
            published=None,
            tags=("Crime/Police",),
            language="ko",
        ),
    ]
    collection = Collection(title="Crime", clippings=tuple(made), made_at=MADE)
    seen: list[bytes] = []
    original = dossier_module.post_pass

    def keep(pdf: bytes, *args: object) -> bytes:
        seen.append(pdf)
        return original(pdf, *args)  # type: ignore[arg-type]

    path = tmp_path_factory.mktemp("review") / "crime.pdf"
    patch = pytest.MonkeyPatch()
    patch.setattr(dossier_module, "post_pass", keep)
    try:
        DossierExporter().write(collection, path, read_original=lambda _sha: b"")
    finally:
        patch.undo()
    return path, collection, seen[0]


def text_lines(pdf: Path, number: int) -> list[tuple[float, float, str]]:
    """(x, middle y, text) of every line of text on a page (from 1)."""
    found = []
    for page in extract_pages(pdf, page_numbers=[number - 1]):
        for box in page:
            if isinstance(box, LTTextContainer):
                for line in box:
                    if isinstance(line, LTTextLine) and line.get_text().strip():
                        middle = (line.y0 + line.y1) / 2
                        found.append((line.x0, middle, line.get_text().strip()))
    return found


def contents_numbers(pdf: Path) -> list[tuple[str, int, float]]:
    """(the entry's first line, its page number, the line's middle y) of the contents, in
    order: each number is read beside the line it stands level with."""
    lines = text_lines(pdf, 2)
    numbers = [(y, int(t)) for x, y, t in lines if t.isdigit() and x > 400]
    entries = []
    for y, number in sorted(numbers, reverse=True):
        label = min((abs(ly - y), t) for x, ly, t in lines if x < 400)[1]
        entries.append((label, number, y))
    return entries


def page_of(pdf: pikepdf.Pdf, destination: pikepdf.Object) -> int:
    """A destination's page, from 1."""
    target = destination[0]
    for number, page in enumerate(pdf.pages, start=1):
        if page.obj.objgen == target.objgen:
            return number
    raise AssertionError("the destination names no page of the file")


@cache
def page_count(pdf: Path) -> int:
    with pikepdf.open(pdf) as opened:
        return len(opened.pages)


def start_page(pdf: Path, title: str) -> int:
    """The first page whose text holds the title (after the contents and summary)."""
    for number in range(4, page_count(pdf) + 1):
        if squash(title) in squash(page_text(pdf, number)):
            return number
    raise AssertionError(f"{title!r} is on no page")


def test_sections_are_the_exported_tags_children() -> None:
    def tagged(number: int, *tags: str) -> Clipping:
        return Clipping(id=number, title=f"c{number}", text="x", tags=tags)

    collection = Collection(
        title="Crime",
        clippings=(
            tagged(1, "Crime/Police", "Crime/Courts"),
            tagged(2, "Crime/Police/Raids"),
            tagged(3, "Crime"),
            tagged(4, "Crime/Courts", "Other/Thing"),
        ),
        made_at=MADE,
    )
    found = [(s.name, [c.id for c in s.clippings]) for s in sections(collection)]
    # Each clipping once, in its first sub-tag; those with none last.
    assert found == [("Courts", [1, 4]), ("Police", [2]), (OTHER, [3])]
    alone = Collection(title="x", clippings=(tagged(1, "A/B"), tagged(2, "A/B")), made_at=MADE)
    assert [s.name for s in sections(alone)] == [None]
    # Without a common tag, the top-level tags are the sections.
    mixed = Collection(title="x", clippings=(tagged(1, "A/B"), tagged(2, "C")), made_at=MADE)
    assert [s.name for s in sections(mixed)] == ["A", "C"]


def test_contents_group_the_clippings_under_their_sections(review) -> None:
    pdf, _, _ = review
    entries = [line for line, _, _ in contents_numbers(pdf)]
    assert entries[0] == "Summary"
    headings = [e for e in entries if e in {"Courts", "Police", OTHER}]
    assert headings == ["Courts", "Police", OTHER]
    text = squash(page_text(pdf, 2))
    order = ["Courts", "日本語の記事", "Police", "简体中文报道", "한국어기사", OTHER]
    positions = [text.index(squash(t)) for t in order]
    assert positions == sorted(positions)


def test_every_contents_entry_links_to_the_page_it_names(review) -> None:
    path, collection, _ = review
    numbers = contents_numbers(path)
    assert len(numbers) == 1 + 3 + len(collection.clippings)  # summary, sections, clippings
    with pikepdf.open(path) as pdf:
        links = [a for a in pdf.pages[1].get("/Annots", []) if a.Subtype == "/Link"]
        targets = [page_of(pdf, a.Dest) for a in links]
        boxes = [[float(v) for v in a.Rect] for a in links]
    assert targets == [number for _, number, _ in numbers]
    # Each link covers its entry: the entry's first line lies inside the clickable box.
    for (label, _, middle), box in zip(numbers, boxes, strict=True):
        assert box[1] <= middle <= box[3], (label, box, middle)
    for clipping in collection.clippings:
        (number,) = [n for label, n, _ in numbers if label == clipping.title]
        assert number == start_page(path, clipping.title)


def test_the_links_leave_the_contents_text_as_it_was(review, tmp_path: Path) -> None:
    path, _, before = review
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(before)
    assert page_text(path, 2) == page_text(plain, 2)
    assert page_text(path, 3) == page_text(plain, 3)


def test_bookmarks_open_the_summary_sections_and_each_clipping(review) -> None:
    path, collection, _ = review
    with pikepdf.open(path) as pdf, pdf.open_outline() as outline:
        top = [(item.title, page_of(pdf, item.destination)) for item in outline.root]
        children = {
            item.title: [(c.title, page_of(pdf, c.destination)) for c in item.children]
            for item in outline.root
        }
        assert pdf.Root.PageMode == "/UseOutlines"
    assert [t for t, _ in top] == ["Contents", "Summary", "Courts", "Police", OTHER]
    assert top[0][1] == 2 and top[1][1] == 3
    for clipping in collection.clippings:
        section = {1: "Courts", 4: "Courts", 3: OTHER}.get(clipping.id, "Police")
        (page,) = [p for t, p in children[section] if t.endswith(clipping.title)]
        assert page == start_page(path, clipping.title), clipping.title
    assert children["Courts"][0][0] == f"The Long Gazette · {collection.clippings[0].title}"
    assert dict(top)["Police"] == children["Police"][0][1]


def test_the_summary_counts_clippings_per_section_outlet_and_day(review) -> None:
    path, _, _ = review
    text = page_text(path, 3)
    assert "7 clippings from 6 outlets" in text
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert "Clippings per outlet" in lines and "Clippings per day" in lines
    assert "Daily Mirror" in lines
    flat = squash(text)
    # The days, in order, with their counts: two on the 4th and on the 8th, one undated.
    for day in ("4March2024", "6March2024", "7March2024", "8March2024", "Nodate"):
        assert day in flat


def test_a_long_clipping_carries_a_running_header_on_its_next_pages(review) -> None:
    path, collection, _ = review
    first = collection.clippings[0]
    start = start_page(path, first.title)
    # The header sits above the body (the top 25 mm): what it is, and its section.
    header = [t for _, y, t in text_lines(path, start + 1) if y > 842 - 25 / 25.4 * 72]
    assert any(t.startswith("The Long Gazette · Vincent") for t in header), header
    assert any(t.endswith("(continued)") for t in header), header
    assert "Courts" in header
    assert "(continued)" not in page_text(path, start)


def test_each_article_shows_its_tags_notes_page_and_section(review) -> None:
    path, collection, _ = review
    first = collection.clippings[0]
    text = page_text(path, start_page(path, first.title))
    assert "Tags: Crime/Courts, Weekly" in text
    assert "In print: page A3, section World" in text
    flat = squash(text)
    assert squash("Note: Ask legal about this one.") in flat
    assert squash("Call back on Monday.") in flat
    assert "SECTION" in text and "Courts" in text


@pytest.mark.parametrize(
    ("title", "face"),
    [
        ("日本語の記事", "NotoSerifCJKjp"),
        ("简体中文报道", "NotoSerifCJKsc"),
        ("繁體中文報導", "NotoSerifCJKtc"),
        ("한국어 기사", "NotoSerifCJKkr"),
    ],
)
def test_cjk_is_set_in_the_face_of_its_language(review, title: str, face: str) -> None:
    path, _, _ = review
    number = start_page(path, title)
    with pikepdf.open(path) as pdf:
        fonts = {
            str(f.BaseFont).lstrip("/").split("+")[-1]
            for f in pdf.pages[number - 1].Resources.Font.values()
        }
    cjk = {f.split("-")[0] for f in fonts if "CJK" in f}
    if not any("CJK" in f for f in fonts):
        skip_unless_installed(
            "no Noto CJK fonts installed (scripts/setup.sh installs fonts-noto-cjk)"
        )
    assert face in cjk
    assert cjk <= {face, face.replace("Serif", "Sans")}


def test_qpdf_finds_nothing_wrong_in_the_outline_and_links(review) -> None:
    path, _, _ = review
    with pikepdf.open(path) as pdf:
        check = getattr(pdf, "check_pdf_syntax", None) or pdf.check
        assert list(check()) == []
