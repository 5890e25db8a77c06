"""The PDF importer over real PDFs from pdfminer.six's and pdfplumber's test suites."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from clippings.importers import ocr, pdf
from clippings.importers.pdf import PdfImporter, clean_author, clean_title, parse_pdf_date
from clippings.model import Extracted, ExtractionError, ImportOptions, PasswordRequiredError

importer = PdfImporter()
MINUS_4 = timezone(-timedelta(hours=4))
PLUS_5_30 = timezone(timedelta(hours=5, minutes=30))


def extract(corpus: Path, path: str, password: str | None = None) -> Extracted:
    file = corpus / "pdf" / path
    return importer.extract(file.read_bytes(), file.name, ImportOptions(password=password))


def squash(text: str) -> str:
    return " ".join(text.split())


# --- Reading order -----------------------------------------------------------------------


def test_two_column_page_reads_left_column_then_right(corpus: Path) -> None:
    text = squash(extract(corpus, "pdfminer.six/nonfree/naacl06-shinyama.pdf").text)
    # The left column ends with "specify arti-", the right one starts with "cles and
    # adjust its patterns": one sentence, the hyphenated word made whole.
    assert (
        "you need to repeat the whole process: specify articles and adjust its patterns, "
        "either manually or" in text
    )
    # Lines of the two columns are not interleaved: whole column sentences survive.
    assert (
        "Then, you have to analyze the articles and manually craft a set of patterns to "
        "capture these events." in text
    )
    first = text.index("Every day, a large number of news articles")
    second = text.index("An IE task can be defined as finding a relation")
    third = text.index("Unrestricted Relation Discovery is a technique to automatically")
    assert first < second < third


def test_three_column_gazette_page(corpus: Path) -> None:
    text = squash(extract(corpus, "pdfminer.six/contrib/pr-00530-ml-lines.pdf").text)
    # The middle column ends "...reference a specific portion of the", the right one goes
    # on "proposal, explain the reason for any recommended change".
    assert (
        "The most helpful comments reference a specific portion of the proposal, explain "
        "the reason for any recommended change" in text
    )
    assert text.index("SUMMARY: The FAA proposes") < text.index("Comments Invited")


def test_running_heads_and_page_numbers_are_dropped(corpus: Path) -> None:
    result = extract(corpus, "pdfplumber/federal-register-2020-17221.pdf")
    assert "Federal Register / Vol." not in result.text
    assert "VerDate" not in result.text
    lines = {line.strip() for line in result.text.splitlines()}
    assert not {"47699", "47700", "47712"} & lines
    # A sentence broken across a page turn is one sentence.
    assert "accident after takeoff from Soekarno-Hatta International Airport" in squash(result.text)


def test_paragraphs_are_separated_by_blank_lines(corpus: Path) -> None:
    result = extract(corpus, "pdfplumber/issue-463-example.pdf")
    assert result.text.startswith("THE GRASSHOPPER\n\nA grasshopper spent the summer")
    assert result.html is not None and result.html.startswith("<p>THE GRASSHOPPER</p>")


def test_japanese_vertical_text(corpus: Path) -> None:
    result = extract(corpus, "pdfminer.six/jo.pdf")
    reference = (corpus / "pdf/pdfminer.six/jo.txt.ref").read_text(encoding="utf-8")
    lines = [line.strip(" \u3000") for line in reference.splitlines() if line.strip(" \u3000")]
    assert lines
    missing = [line for line in lines if line not in result.text]
    assert not missing
    assert result.text.index("わたくしといふ現象は") < result.text.index("假定された有機交流電燈の")
    assert result.language == "ja"


# --- Metadata ----------------------------------------------------------------------------


def test_info_metadata_with_a_date_in_its_own_offset(corpus: Path) -> None:
    result = extract(corpus, "pdfminer.six/contrib/issue-00352-asw-oct96-p41.pdf")
    assert result.title == "Losing the Cabin"
    assert result.author == "Mark Lacagnina"
    assert result.published == datetime(
        2006, 10, 6, 16, 34, 4, tzinfo=timezone(timedelta(hours=-4))
    )
    assert isinstance(result.published, datetime)
    assert result.published.utcoffset() == timedelta(hours=-4)
    assert result.provenance["title"] == "pdf-info"
    assert result.provenance["author"] == "pdf-info"
    # The file's creation date: when the PDF was made, at most a guess at publication.
    assert result.provenance["published"] == "pdf-date-heuristic"
    assert result.language == "en"
    assert result.format == "pdf"
    assert result.page is None


def test_utf16_title_and_a_date_without_the_d_prefix(corpus: Path) -> None:
    result = extract(corpus, "pdfminer.six/contrib/issue-00352-hash-twos-complement.pdf")
    assert result.title == "There’s No One Right Answer for Fighting Obesity"
    assert result.author == "Jennifer Ginn"
    assert result.published == datetime(
        2018, 6, 11, 14, 8, 29, tzinfo=timezone(timedelta(hours=-4))
    )


def test_misleading_file_name_title_is_rejected(corpus: Path) -> None:
    result = extract(corpus, "pdfplumber/scotus-transcript-p1.pdf")
    assert result.title != "10811.exe"
    assert result.provenance["title"] != "pdf-info"
    assert result.title  # a title is always there


def test_heuristic_title_from_the_largest_type(corpus: Path) -> None:
    result = extract(corpus, "pdfminer.six/nonfree/naacl06-shinyama.pdf")
    assert result.title == "Preemptive Information Extraction using Unrestricted Relation Discovery"
    assert result.provenance["title"] == "pdf-heuristic"


def test_integer_metadata_and_invalid_dates_are_tolerated(corpus: Path) -> None:
    blank = extract(corpus, "pdfplumber/issue-297-example.pdf")  # /Copies 0
    assert blank.title == "IntMetadata"
    dmca = extract(corpus, "pdfminer.six/nonfree/dmca.pdf")  # D:00000101000000Z
    assert dmca.provenance.get("published") != "pdf-info"
    assert dmca.title == "The Digital Millennium Copyright Act of 1998"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("D:20061006163404-04'00'", datetime(2006, 10, 6, 16, 34, 4, tzinfo=MINUS_4)),
        ("20180611140829+05'30'", datetime(2018, 6, 11, 14, 8, 29, tzinfo=PLUS_5_30)),
        ("D:20200806095125Z", datetime(2020, 8, 6, 9, 51, 25, tzinfo=UTC)),
        ("D:20231207135731Z00'00'", datetime(2023, 12, 7, 13, 57, 31, tzinfo=UTC)),
        ("D:20170303000600", date(2017, 3, 3)),
        ("D:20170303", date(2017, 3, 3)),
        ("D:2017", None),
        ("D:00000101000000Z", None),
        ("D:20171345000000Z", None),
        ("yesterday", None),
    ],
)  # fmt: skip
def test_pdf_dates(value: str, expected: object) -> None:
    assert parse_pdf_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Losing the Cabin", "Losing the Cabin"),
        ("Microsoft Word - SPECIAL BOARD AGENDA 040616.doc", "SPECIAL BOARD AGENDA 040616"),
        ("Microsoft Word - foo.doc", "foo"),
        ("10811.exe", None),
        ("zen_of_python.txt", None),
        ("905_Precinct_NoOU", None),
        ("untitled", None),
        ("Untitled-3", None),
        ("C:\\Documents\\report.doc", None),
        ("  ", None),
        ("12345", None),
    ],
)
def test_junk_titles(value: str, expected: str | None) -> None:
    assert clean_title(value) == expected


def test_junk_authors() -> None:
    assert clean_author("Mark Lacagnina") == "Mark Lacagnina"
    assert clean_author("e516160") is None
    assert clean_author("jsmith") is None


# --- Encryption --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "pdfminer.six/contrib/issue-00352-asw-oct96-p41.pdf",
        "pdfminer.six/contrib/issue-625-identity-cmap.pdf",
        "pdfplumber/pr-138-example.pdf",
        "pdfminer.six/nonfree/kampo.pdf",
    ],
)
def test_empty_user_password_opens_without_asking(corpus: Path, path: str) -> None:
    result = extract(corpus, path)
    assert result.has_text and len(result.text) > 200


@pytest.mark.parametrize(
    ("path", "password", "expected"),
    [
        ("pdfplumber/password-example.pdf", "test", None),
        ("pdfminer.six/encryption/rc4-40.pdf", "foo", "Secret!"),
        ("pdfminer.six/encryption/aes-128.pdf", "foo", "Secret!"),
        ("pdfminer.six/encryption/aes-256-m.pdf", "foo", "Secret!"),
        ("pdfminer.six/encryption/aes-256-r6.pdf", "usersecret", None),
    ],
)
def test_password_protected_files(
    corpus: Path, path: str, password: str, expected: str | None
) -> None:
    with pytest.raises(PasswordRequiredError) as missing:
        extract(corpus, path)
    assert not missing.value.wrong
    assert "protected by a password" in str(missing.value)

    with pytest.raises(PasswordRequiredError) as wrong:
        extract(corpus, path, password="not-" + password)
    assert wrong.value.wrong

    result = extract(corpus, path, password=password)
    if expected is not None:
        assert expected in result.text
    else:
        assert result.has_text or result.warnings


def test_a_password_for_a_file_that_needs_none_is_ignored(corpus: Path) -> None:
    result = extract(corpus, "pdfminer.six/encryption/base.pdf", password="whatever")
    assert result.text == "Secret!"


# --- Broken, scanned and hostile files ---------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"%PDF-1.7\n",
        b"%PDF-1.4\n" + bytes(range(256)) * 20,
    ],
    ids=["zero-bytes", "header-only", "garbage"],
)
def test_garbage_gives_a_readable_error(data: bytes) -> None:
    with pytest.raises(ExtractionError, match="the PDF is damaged and its text cannot be read"):
        importer.extract(data, "broken.pdf")


def test_empty_and_truncated_files(corpus: Path) -> None:
    with pytest.raises(ExtractionError, match="damaged"):
        extract(corpus, "pdfplumber/empty.pdf")
    data = (corpus / "pdf/pdfminer.six/nonfree/naacl06-shinyama.pdf").read_bytes()
    with pytest.raises(ExtractionError, match="truncated") as error:
        importer.extract(data[: len(data) // 2], "naacl06-shinyama.pdf")
    assert not isinstance(error.value, PasswordRequiredError)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("pdfminer.six/zen_of_python_corrupted.pdf", "Beautiful is better than ugly."),
        ("pdfminer.six/simple1.pdf", "Hello"),
        ("pdfplumber/malformed-from-issue-932.pdf", "2021"),
        ("pdfminer.six/contrib/issue-886-xref-stream-widths.pdf", "Hello"),
        ("pdfminer.six/contrib/issue-791-non-unicode-cmap.pdf", "Peněžní prostředky na účtech"),
    ],
)
def test_partly_broken_files_import_what_can_be_read(
    corpus: Path, path: str, expected: str
) -> None:
    assert expected in extract(corpus, path).text


def test_a_scan_without_text_layer_is_recognised(corpus: Path) -> None:
    result = extract(corpus, "pdfminer.six/contrib/pdf-with-jbig2.pdf")
    assert result.has_text
    assert result.text == "It Doesn't"
    assert result.provenance["text"] == "ocr"
    assert 0 <= int(result.provenance["ocr_confidence"]) <= 100
    assert result.warnings == ()


def test_a_scan_with_nothing_to_read_is_kept_without_text(corpus: Path) -> None:
    path = "pdfminer.six/contrib/issue-1057-tiff-predictor.pdf"
    result = extract(corpus, path)
    assert result.text == ""
    assert not result.has_text
    assert result.warnings[0] == ocr.NOTHING_ON_PAGES
    assert result.title == Path(path).stem
    assert result.provenance["title"] == "derived"


def test_a_scans_file_dates_are_not_its_publication_date(corpus: Path) -> None:
    # Its CreationDate (2011-07-13) is when it was scanned; the page has no date.
    result = extract(corpus, "pdfminer.six/contrib/pdf-with-jbig2.pdf")
    assert result.published is None
    assert "published" not in result.provenance


def test_recursive_xobjects_and_the_slow_table_page_finish(corpus: Path) -> None:
    started = time.monotonic()
    evil = extract(corpus, "pdfminer.six/contrib/issue-1113-evil-xobjects.pdf")
    assert "Hello world" in evil.text
    table = extract(corpus, "pdfplumber/nics-background-checks-2015-11-rotated.pdf")
    assert "NICS Firearm Background Checks" in table.text
    # pdfminer's own layout analysis needs 13 s for the table page; the box budget
    # reads it top to bottom instead. Generous bound for slow machines.
    assert time.monotonic() - started < 8


def test_page_limit_is_reported(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "MAX_PAGES", 2)
    result = extract(corpus, "pdfplumber/federal-register-2020-17221.pdf")
    assert "only the first 2 of 15 pages were read" in result.warnings
    assert "Proposed Rules" in result.text


# --- Sniffing ----------------------------------------------------------------------------


def test_sniff() -> None:
    assert importer.sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3")
    assert importer.sniff(b"\r\n" * 10 + b"%PDF-1.4")
    assert not importer.sniff(b"<html><body>%PDF-</body></html>"[:5])
    assert not importer.sniff(b"Plain text about PDFs")
    assert importer.name == "pdf" and ".pdf" in importer.suffixes
