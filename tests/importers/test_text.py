"""Plain-text clippings: the header read into metadata, the site's interface words gone."""

from __future__ import annotations

import csv
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from clippings.importers import extract, importer_for
from clippings.importers.base import paragraphs
from clippings.importers.text import TextImporter, is_interface_line
from clippings.model import ExtractionError

IMPORTER = TextImporter()


def test_seed_clipping(seed: Path) -> None:
    clipping = IMPORTER.extract(seed.read_bytes(), seed.name)
    assert clipping.format == "text"
    assert clipping.published == datetime(2021, 7, 25, 5, 5, tzinfo=UTC)
    assert clipping.provenance["published"] == "text-dateline"
    for chrome in ("Listen Live", "Get short URL", "Community standards", "Discussion", "05:05"):
        assert chrome not in clipping.text
    found = paragraphs(clipping.text)
    # The seed has eleven article paragraphs (its lines 4-14); the rest is interface.
    assert len(found) == 11
    assert found[0].startswith("Russia-US relations deteriorated")
    assert found[-1].endswith("hostile policies against Moscow.")
    assert clipping.title == (
        "Russia-US relations deteriorated dramatically in the wake of the 2014 Ukraine crisis"
    )
    assert clipping.provenance["title"] == "derived"
    assert clipping.language == "en"
    assert clipping.html is not None and clipping.html.count("<p>") == 11


def test_seed_imports_through_the_registry(seed: Path) -> None:
    assert extract(seed.read_bytes(), seed.name).format == "text"


def _ecbplus_rows(corpus: Path) -> list[dict[str, str]]:
    with (corpus / "ecbplus" / "index.tsv").open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [r for r in rows if r["subcorpus"] == "ecbplus"]


@pytest.mark.parametrize(
    ("doc", "published"),
    [
        ("1_10ecbplus", date(2013, 5, 3)),  # URL, headline, dateline
        ("1_2ecbplus", date(2013, 5, 2)),  # URL, dateline, headline
        ("2_10ecbplus", datetime(2013, 8, 2, 15, 6, tzinfo=UTC)),  # "| 08: 06AM PT"
        # URL, headline, standfirst, no dateline: the day the address gives.
        ("6_8ecbplus", date(2012, 4, 11)),
        ("9_3ecbplus", date(2009, 4, 27)),
        ("27_1ecbplus", None),
        ("22_14ecbplus", date(2010, 9, 11)),  # "11 / 09 / 2010" under a /2010/09/ URL
    ],
)
def test_ecbplus_headers(corpus: Path, doc: str, published: date | None) -> None:
    row = next(r for r in _ecbplus_rows(corpus) if r["doc"] == doc)
    clipping = IMPORTER.extract((corpus / "ecbplus" / row["path"]).read_bytes(), "a.txt")
    assert clipping.url == row["url"]
    assert clipping.outlet == re.sub(r"^www\.", "", row["outlet"])
    assert clipping.provenance["url"] == "text-header"
    assert clipping.title == row["title"].strip()
    assert clipping.provenance["title"] == "text-header"
    if published is not None or row["date_line"]:
        assert clipping.published == (published or clipping.published)
    # Header lines are metadata, not article text; paragraphs are one per line.
    assert row["url"] not in clipping.text
    assert not clipping.text.startswith(row["title"].strip())
    lines = (corpus / "ecbplus" / row["path"]).read_text(encoding="utf-8").splitlines()
    assert len(paragraphs(clipping.text)) >= len([x for x in lines if x.strip()]) - 4


@pytest.mark.parametrize(
    ("header", "published"),
    [
        # A European site prints the day first; its address says September.
        ("https://example.nl/2010/09/kraft.html\n11/09/2010\nKraft worker charged", (9, 11)),
        # The address after the dateline is read as well.
        ("11/09/2010\nhttps://example.nl/2010/09/kraft.html\nKraft worker charged", (9, 11)),
        # No address, or one that agrees with neither reading: month first, as US sites.
        ("11/09/2010\nKraft worker charged", (11, 9)),
        ("https://example.com/2010/03/kraft.html\n11/09/2010\nKraft worker charged", (11, 9)),
        # A dateline opening the first paragraph, under the address.
        (
            "https://example.nl/2010/09/kraft.html\nKraft worker charged\n\n"
            "CHICAGO, 11/09/2010 - A worker walked out and came back with a gun.",
            (9, 11),
        ),
        # A date with a month word is never turned round.
        ("https://example.nl/2010/09/kraft.html\nNovember 9, 2010\nKraft worker charged", (11, 9)),
    ],
)
def test_a_slashed_date_is_read_as_the_address_says(
    header: str, published: tuple[int, int]
) -> None:
    text = header + "\n\nA suspended worker was charged with two counts of murder on Friday."
    clipping = IMPORTER.extract(text.encode(), "a.txt")
    assert clipping.published == date(2010, *published)


def test_without_a_dateline_the_address_gives_the_day() -> None:
    body = "\n\nLindsay Lohan checked into the Betty Ford Center late on Thursday."
    header = "http://ktla.com/2013/05/03/lohan-checks-in/\nLohan checks into Betty Ford"
    clipping = IMPORTER.extract((header + body).encode(), "a.txt")
    assert clipping.published == date(2013, 5, 3)
    assert clipping.provenance["published"] == "url"
    # A dateline, when there is one, says more (a time, a zone) and wins.
    dated = IMPORTER.extract((header + "\nMay 4, 2013" + body).encode(), "a.txt")
    assert dated.published == date(2013, 5, 4)
    assert dated.provenance["published"] == "text-dateline"
    # An address with only a month gives no day.
    monthly = "http://example.com/2013/05/lohan.html\nLohan checks into Betty Ford" + body
    assert IMPORTER.extract(monthly.encode(), "a.txt").published is None


def test_a_standfirst_stays_in_the_text(corpus: Path) -> None:
    row = next(r for r in _ecbplus_rows(corpus) if r["doc"] == "6_8ecbplus")
    clipping = IMPORTER.extract((corpus / "ecbplus" / row["path"]).read_bytes(), "a.txt")
    assert paragraphs(clipping.text)[0].startswith("Filmmaker says he cannot commit")


def test_ecbplus_header_accuracy(corpus: Path) -> None:
    rows = _ecbplus_rows(corpus)
    titles = sum(
        IMPORTER.extract((corpus / "ecbplus" / r["path"]).read_bytes(), "a.txt").title
        == r["title"].strip()
        for r in rows
    )
    assert titles / len(rows) >= 0.9


@pytest.mark.parametrize(
    "line",
    [
        "Share",
        "Listen Live",
        "Get short URL",
        "Community standardsDiscussion",
        "12 Comments",
        "Follow us on Twitter",
        "Sign in | Register",
        "Поделиться",
        "Читайте также",
        "Комментарии (3)",
        "Artikel teilen",
        "Kommentare",
        "Partager sur Facebook",
        "Lire aussi",
        "Compartir en Twitter",
        "Leer más",
    ],
)
def test_interface_lines(line: str) -> None:
    assert is_interface_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Investors were quick to share the news with analysts at the bank.",
        "Shares in Aeroflot fell 3% on Monday",
        "Listen to the people, he said.",
        "Comments by the minister angered Kyiv",
        "Читатели поделились своими историями",
        "On the",
    ],
)
def test_article_lines_that_look_alike_stay(line: str) -> None:
    assert not is_interface_line(line)


def test_interface_lines_are_dropped_and_sentences_kept() -> None:
    text = (
        "Minister resigns over leak\n\nShare\nTweet\n\n"
        "The minister resigned on Monday after a leak, officials said.\n\n"
        "Analysts were quick to share the news with investors in London.\n\n"
        "Читайте также\nKommentare (4)\nPartager\n"
    )
    clipping = IMPORTER.extract(text.encode("utf-8"), "note.txt")
    assert clipping.title == "Minister resigns over leak"
    assert clipping.provenance["title"] == "text-header"
    assert paragraphs(clipping.text) == [
        "The minister resigned on Monday after a leak, officials said.",
        "Analysts were quick to share the news with investors in London.",
    ]


def test_markdown_heading_is_the_title() -> None:
    text = (
        "# Ellen DeGeneres to host the **Oscars**\n\nShe will host [the show](http://x.y) again.\n"
    )
    clipping = IMPORTER.extract(text.encode(), "clip.md")
    assert (
        clipping.title == "Ellen DeGeneres to host the **Oscars**".replace("**", "")
        or clipping.title
    )
    assert clipping.text == "She will host the show again."


def test_hard_wrapped_text_is_unwrapped() -> None:
    text = (
        "The talks in Geneva lasted four hours and covered arms control, cyber\n"
        "security and the fate of the embassies that both sides have closed in\n"
        "recent years.\n"
        "Officials said a second meeting could follow in the autumn if both\n"
        "delegations agree on the agenda beforehand.\n"
    )
    found = paragraphs(IMPORTER.extract(text.encode(), "a.txt").text)
    assert len(found) == 2
    assert found[0].endswith("closed in recent years.")


@pytest.mark.parametrize(
    "dateline",
    ["mardi 3 mars 2026 à 14h32", "martes, 3 de marzo de 2026", "3. März 2026"],
)
def test_a_headline_above_a_lowercase_dateline_is_the_title(dateline: str) -> None:
    text = (
        "https://www.journal.example/region/incendie-usine\n"
        "Incendie à l'usine Ardenol de Trevignac : 23 blessés\n"
        f"{dateline}\n\n"
        "Un violent incendie s'est déclaré ce mardi vers 4 h 40 dans l'usine chimique.\n"
    )
    clipping = IMPORTER.extract(text.encode(), "a.txt")
    assert clipping.title == "Incendie à l'usine Ardenol de Trevignac : 23 blessés"
    assert clipping.text.startswith("Un violent incendie")
    assert clipping.published == date(2026, 3, 3)


def test_a_long_title_is_derived_and_shortened() -> None:
    sentence = "The " + "very " * 40 + "long first sentence ends here."
    clipping = IMPORTER.extract((sentence + " Second one.").encode(), "a.txt")
    assert clipping.title is not None and clipping.title.endswith("…")
    assert len(clipping.title) <= 101
    assert clipping.provenance["title"] == "derived"


def test_lead_dateline_in_the_first_paragraph() -> None:
    text = "MOSCOW, July 25, 2021 (Reuters) - The ambassador said relations might improve.\n"
    assert IMPORTER.extract(text.encode(), "a.txt").published == date(2021, 7, 25)


def test_cp1251_file_imports(tmp_path: Path) -> None:
    text = "Посол заявил, что Россия готова улучшать отношения с Вашингтоном.\n" * 4
    clipping = extract(text.encode("cp1251"), "статья.txt")
    assert clipping.text.startswith("Посол заявил")
    assert clipping.language == "ru"


@pytest.mark.parametrize("name", ["notes", "subtitles.srt", "feed.xml"])
def test_text_without_a_text_suffix_imports_as_text(name: str) -> None:
    data = (
        "1\n00:00:01,000 --> 00:00:04,000\nRussia is ready to improve relations.\n\n"
        "2\n00:00:05,000 --> 00:00:08,000\nThe ambassador said so on Saturday.\n"
    ).encode("utf-16")
    clipping = extract(data, name)
    assert clipping.format == "text"
    assert "-->" not in clipping.text
    assert "Russia is ready to improve relations." in clipping.text


def test_corpus_srt_imports_as_text(corpus: Path) -> None:
    path = corpus / "encodings" / "chardet-tests" / "UTF-16" / "bom-utf-16-le.srt"
    clipping = extract(path.read_bytes(), path.name)
    assert clipping.format == "text"
    assert "-->" not in clipping.text and clipping.text


def test_binary_is_refused() -> None:
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    assert not IMPORTER.sniff(data[:8192])
    with pytest.raises(ExtractionError):
        IMPORTER.extract(data, "picture.txt")


@pytest.mark.parametrize("data", [b"", b"  \n\t\r\n  ", "\ufeff\n".encode()])
def test_empty_text_is_refused(data: bytes) -> None:
    with pytest.raises(ExtractionError, match="no text"):
        IMPORTER.extract(data, "empty.txt")


def test_the_registry_picks_text_for_a_suffixless_file() -> None:
    assert importer_for(b"Just some words in a file.\n", "README").name == "text"


# --- markup that reaches the text importer ---------------------------------------------------


def test_rss_feed_is_titled_by_its_title_element_not_its_xml_declaration(corpus: Path) -> None:
    # The registry refuses a feed (a list of articles, not one: see test_kinds.py); the
    # text importer given markup anyway reads its elements' text.
    path = corpus / "encodings" / "chardet-tests" / "KOI8-R" / "aviaport.ru.xml"
    clipping = IMPORTER.extract(path.read_bytes(), path.name)
    assert clipping.format == "text"
    assert clipping.title == "АвиаПорт.Ru"
    assert "<?xml" not in clipping.text and "<title>" not in clipping.text
    assert "Найдены тела двух погибших в авиакатастрофе под Харьковом" in clipping.text


@pytest.mark.parametrize(
    "text",
    [
        '<?xml version="1.0" encoding="utf-8"?>\n<notes>\n<note>The minister resigned on Monday'
        " after a leak, officials said.</note>\n</notes>\n",
        "<div>\n\nThe minister resigned on Monday after a leak, officials said. More followed.\n",
        "http://example.org/a\n<channel>\nThe minister resigned on Monday after a leak.\n",
    ],
)
def test_a_markup_line_is_never_the_title(text: str) -> None:
    clipping = IMPORTER.extract(text.encode(), "notes.txt")
    assert clipping.title is not None and "<" not in clipping.title
    assert clipping.title.startswith("The minister resigned on Monday")


def test_text_mentioning_tags_keeps_them() -> None:
    text = "Use <b>bold</b> in the comment box, the editor said on Monday.\n"
    clipping = IMPORTER.extract(text.encode(), "notes.txt")
    assert clipping.text == text.strip()
