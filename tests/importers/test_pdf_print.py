"""Pages a browser printed to PDF: pages headless Chromium printed (``tests/data/print``,
made by ``tools/make_print_pdfs.py``), margin lines made by hand for the other browsers
and locales, and the corpus's PDFs, none of which a browser printed."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest

from clippings.importers.pdf import PdfImporter
from clippings.importers.pdf_document import open_document, page_count, read_pages
from clippings.importers.pdf_layout import Box, Line, Page
from clippings.importers.pdf_metadata import document_info
from clippings.importers.pdf_print import (
    browser_made,
    browser_print,
    dateline_of,
    drop_print_marks,
    split_outlet,
)
from clippings.model import METADATA_FIELDS, PROVENANCE_FACTS, PROVENANCE_LABELS, Extracted

PRINTS = Path(__file__).resolve().parents[1] / "data" / "print"
EXPECTED = json.loads((PRINTS / "pages.json").read_text(encoding="utf-8"))
importer = PdfImporter()

# --- Pages Chromium printed ------------------------------------------------------------


def printed(name: str) -> Extracted:
    file = PRINTS / f"{name}.pdf"
    return importer.extract(file.read_bytes(), file.name)


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.casefold()))


@pytest.fixture(params=sorted(EXPECTED), ids=str)
def page(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_chromium_made_the_committed_prints_with_their_margins() -> None:
    # The files are what the tool says: Chromium's own prints, header and footer on.
    for name in EXPECTED:
        data = (PRINTS / f"{name}.pdf").read_bytes()
        document = open_document(data, name, None)
        assert browser_made(document_info(document))
    document = open_document((PRINTS / "sea-wall-decade.pdf").read_bytes(), "x", None)
    assert page_count(document) == 3, "one print runs over three pages"
    assert sum(1 for page in EXPECTED.values() if not page["margins"]) == 1


def test_the_browsers_header_and_footer_are_not_in_the_text(page: str) -> None:
    result = printed(page)
    expected = EXPECTED[page]
    lines = {line.strip() for line in result.text.splitlines()}
    assert not {line for line in lines if re.fullmatch(r"\d+\s*/\s*\d+", line)}, "no 1/3"
    assert "http" not in result.text and "example" not in result.text
    # The print time (11/30/26, 8:04 PM) is nowhere in the text.
    assert not re.search(r"\d{1,2}/\d{1,2}/\d{2}, \d{1,2}:\d{2}\s?[AP]M", result.text)
    # Nor the page's title as the header printed it, with the outlet.
    assert expected["outlet"] not in result.text


def test_url_title_outlet_and_language_come_from_the_print(page: str) -> None:
    result = printed(page)
    expected = EXPECTED[page]
    assert result.url == expected["url"]
    if expected["margins"]:
        assert result.provenance["url"] == "print-footer"
    else:  # printed without header and footer: nothing says where the page was
        assert "url" not in result.provenance
    assert result.title == expected["title"]
    assert result.outlet == expected["outlet"]
    assert result.provenance["outlet"].endswith("-heuristic")
    assert result.language == expected["language"]


def test_the_print_time_is_kept_as_a_fact_never_as_the_publication_date(page: str) -> None:
    result = printed(page)
    expected = EXPECTED[page]
    when = datetime.fromisoformat(result.provenance["printed"])
    # With margins, the PDF's creation date agrees with the header's time and gives its
    # offset; without, the creation date is the print time.
    assert when.tzinfo is not None
    if expected["published"] is None:
        # No date line on the page: no date at all rather than the print time.
        assert result.published is None
        assert "published" not in result.provenance
    else:
        assert result.published == date.fromisoformat(expected["published"])
        assert result.provenance["published"] == "pdf-heuristic"
    assert result.published != when.date()
    # Besides the fields, provenance holds only the facts the archive knows.
    assert set(result.provenance) <= set(METADATA_FIELDS) | set(PROVENANCE_FACTS)


def test_text_matches_the_page_it_was_printed_from(page: str) -> None:
    result = printed(page)
    ours = words(result.text)
    source = words((PRINTS / f"{page}.txt").read_text(encoding="utf-8"))
    common = sum((ours & source).values())
    precision, recall = common / sum(ours.values()), common / sum(source.values())
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)


def test_a_date_in_the_middle_of_the_article_is_not_its_date() -> None:
    # The long feature names "3 May 2016" in its third paragraph, and has no date line.
    result = printed("sea-wall-decade")
    assert "3 May 2016" in " ".join(result.text.split())
    assert result.published is None


# --- Margin lines by hand: other browsers, other locales --------------------------------


def line(text: str, y: float, x: float = 36, size: float = 8.0) -> Line:
    return Line(text, x, y, x + 5 * len(text), y + size, size, False)


def make_page(number: int, *lines: Line) -> Page:
    boxes = [Box([each], each.x0, each.y0, each.x1, each.y1, False) for each in lines]
    return Page(number, 0, 0, 612, 792, boxes)


def body(number: int) -> list[Line]:
    return [
        line(f"Paragraph {number}: the harbour closed on Tuesday as the storm came.", y, size=12)
        for y in range(600, 100, -40)
    ]


def chromium_page(number: int, total: int, stamp: str) -> Page:
    return make_page(
        number,
        line(stamp, 770, x=24),
        line("Storm closes harbour - The Coastal Herald", 770, x=260),
        *body(number),
        line("https://www.coastal-herald.example/news/storm.html", 14, x=24),
        line(f"{number}/{total}", 14, x=570),
    )


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("11/30/26, 9:38 AM", "2026-11-30T09:38"),  # en-US
        ("11/30/26, 9:38\u202fPM", "2026-11-30T21:38"),  # newer ICU: a narrow space
        ("30.11.26, 09:38", "2026-11-30T09:38"),  # de
        ("2026-11-30 09:38", "2026-11-30T09:38"),  # sv, ISO
        ("30/11/2026, 09:38", "2026-11-30T09:38"),  # en-GB, fr: day first
        ("2026/11/30 9:38", "2026-11-30T09:38"),  # ja
    ],
)
def test_chromium_margins_in_every_locale(stamp: str, expected: str) -> None:
    pages = [chromium_page(n, 2, stamp) for n in (1, 2)]
    info = {"Title": "Storm closes harbour - The Coastal Herald"}
    marks = browser_print(pages, info, 2)
    assert marks is not None
    assert marks.printed == expected
    assert marks.url == "https://www.coastal-herald.example/news/storm.html"
    drop_print_marks(pages, marks)
    left = [each.text for page in pages for box in page.boxes for each in box.lines]
    assert left == [each.text for n in (1, 2) for each in body(n)]


def test_the_pdfs_creation_date_settles_an_ambiguous_day_and_gives_the_offset() -> None:
    pages = [chromium_page(1, 1, "10/11/26, 09:38")]
    marks = browser_print(pages, {"CreationDate": "D:20261110093812+01'00'"}, 1)
    assert marks is not None and marks.printed == "2026-11-10T09:38:12+01:00"
    marks = browser_print(pages, {"CreationDate": "D:20261011093812+01'00'"}, 1)
    assert marks is not None and marks.printed == "2026-10-11T09:38:12+01:00"


def test_firefox_margins() -> None:
    # Firefox: title left and URL right at the top; "1 of 2" left, date-time right below.
    pages = [
        make_page(
            n,
            line("Storm closes harbour – The Coastal Herald", 770, x=24),
            line("https://www.coastal-herald.example/storm", 770, x=400),
            *body(n),
            line(f"{n} of 2", 14, x=24),
            line("30/11/2026, 09:38", 14, x=500),
        )
        for n in (1, 2)
    ]
    marks = browser_print(pages, {}, 2)
    assert marks is not None
    assert marks.header_title == "Storm closes harbour – The Coastal Herald"
    assert marks.url == "https://www.coastal-herald.example/storm"
    assert marks.printed == "2026-11-30T09:38"
    drop_print_marks(pages, marks)
    assert all(len(page.boxes) == len(body(1)) for page in pages)


def test_a_url_cut_short_by_the_browser_is_not_taken() -> None:
    page_ = make_page(
        1,
        line("11/30/26, 9:38 AM", 770),
        *body(1),
        line("https://www.coastal-herald.example/news/2026/11/30/a-very-long-…", 14),
        line("1/1", 14, x=570),
    )
    marks = browser_print([page_], {}, 1)
    assert marks is not None and marks.url is None
    drop_print_marks([page_], marks)
    assert not any("https" in each.text for box in page_.boxes for each in box.lines)


def test_page_numbers_and_a_date_in_the_body_are_not_a_print() -> None:
    # A report's page numbers (no date-time beside them) are not a browser's marks...
    numbered = [make_page(n, *body(n), line(f"{n}/2", 14, x=300)) for n in (1, 2)]
    assert browser_print(numbered, {}, 2) is None
    # ...and a date-time under the headline, in the top band but not its outermost
    # line, is the article's, not the browser's.
    dated = make_page(
        1,
        line("Storm closes harbour", 740, size=24),
        line("2026-11-30 09:38", 720, size=10),
        *body(1),
        line("1/1", 14, x=300),
    )
    assert browser_print([dated], {}, 1) is None


def test_a_print_needs_its_marks_on_nearly_every_page() -> None:
    pages = [chromium_page(1, 5, "11/30/26, 9:38 AM")] + [
        make_page(n, *body(n)) for n in range(2, 6)
    ]
    assert browser_print(pages, {}, 5) is None


def test_the_date_line_is_found_at_the_top_of_the_first_page() -> None:
    first = make_page(
        1,
        line("Storm closes harbour", 740, size=24),
        line("By Jane Doe", 700, size=10),
        line("Updated March 12, 2026 7:45 AM ET", 690, size=10),
        *body(1),
    )
    assert dateline_of([first]) == datetime.fromisoformat("2026-03-12T07:45:00-04:00")
    assert dateline_of([make_page(1, *body(1))]) is None


# --- The outlet in the title -----------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "url", "expected"),
    [
        (
            "Storm closes harbour - The New York Times",
            "https://www.nytimes.com/2026/11/30/storm.html",
            ("Storm closes harbour", "The New York Times"),
        ),
        (
            "Merz und die Koalition | Frankfurter Allgemeine Zeitung",
            "https://www.faz.net/aktuell/politik/merz.html",
            ("Merz und die Koalition", "Frankfurter Allgemeine Zeitung"),
        ),
        (
            "Storm closes harbour — BBC News",
            "https://www.bbc.co.uk/news/uk-123",
            ("Storm closes harbour", "BBC News"),
        ),
        (
            "Brexit - what happens next",  # a headline's own dash: not title-cased
            "https://www.bbc.co.uk/news/uk-123",
            ("Brexit - what happens next", None),
        ),
        (
            "Spider-Man – A Review",  # title-cased, but neither the site nor an outlet
            "https://www.example.com/films/spider-man",
            ("Spider-Man – A Review", None),
        ),
        (
            "Storm - and its aftermath - hits the coast - The Coastal Herald",
            "https://www.coastal-herald.example/storm",
            ("Storm - and its aftermath - hits the coast", "The Coastal Herald"),
        ),
        (
            "Why the sea wall failed | Opinion",  # a section, on a site named otherwise
            "https://www.nytimes.com/2026/11/30/opinion/sea-wall.html",
            ("Why the sea wall failed | Opinion", None),
        ),
        (
            "Storm closes harbour | Coastal Herald",  # no URL: "|" sets a site name apart
            None,
            ("Storm closes harbour", "Coastal Herald"),
        ),
        ("Storm closes harbour", None, ("Storm closes harbour", None)),
    ],
)
def test_split_outlet(title: str, url: str | None, expected: tuple[str, str | None]) -> None:
    assert split_outlet(title, url) == expected


# --- PDFs no browser printed -------------------------------------------------------------


def test_no_corpus_pdf_is_taken_for_a_browsers_print(corpus: Path) -> None:
    read = 0
    taken = []
    for file in sorted((corpus / "pdf").rglob("*.pdf")):
        try:
            document = open_document(file.read_bytes(), file.name, None)
            pages, _ = read_pages(document, 200)
        except Exception:  # noqa: BLE001 - damaged and locked files are another test's
            continue
        read += 1
        info = document_info(document)
        if browser_print(pages, info, page_count(document)) or browser_made(info):
            taken.append(file.name)
    assert read >= 30
    assert taken == []


def test_a_pdfs_creation_date_is_only_a_guess(corpus: Path) -> None:
    file = corpus / "pdf/pdfminer.six/contrib/issue-00352-asw-oct96-p41.pdf"
    result = importer.extract(file.read_bytes(), file.name)
    assert result.published is not None
    assert result.provenance["published"] == "pdf-date-heuristic"
    assert "printed" not in result.provenance
    assert result.outlet is None and result.url is None
    assert PROVENANCE_LABELS["pdf-date-heuristic"]
