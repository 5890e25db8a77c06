"""The data and citation exports as programs nobody here wrote read them.

Each export is read back by the consumer that would open it: the csv module as a
spreadsheet's import does, jsonschema with the official CSL-JSON schema
(``tests/data/csl``), citeproc-py (a CSL processor, as Zotero and Pandoc use), rispy
(RIS, as reference managers read it) and markdown-it-py (CommonMark). The archive holds
hostile and multilingual values: formula-like titles, Markdown characters, a URL with a
line break, CRLF notes, bylines that split wrongly before, and Arabic, Hebrew, Thai,
Burmese, Chinese and Japanese text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import citeproc
import jsonschema
import markdown_it
import pytest
import rispy
from citeproc.source.json import CiteProcJSON

from clippings.services.exporting import export, gather
from tests.conftest import add_clipping

CSL_SCHEMA = Path(__file__).resolve().parent.parent / "data" / "csl" / "csl-data.json"

HOSTILE_TITLE = '=HYPERLINK("http://evil.example","click")'
MARKDOWN_TEXT = (
    "Prices *rose* by 5_000 <a@b> [link](javascript:alert(1)).\n\n"
    "***\n\n# not a heading\n\n1. not a list\n\n- not an item\n\n    not code\n\n"
    "<script>alert(1)</script> & done"
)


@pytest.fixture
def hostile(archive):
    """An archive of hostile and multilingual clippings, all tagged ``Dossier``."""
    offset = timezone(timedelta(hours=2))
    rows = [
        dict(
            text=MARKDOWN_TEXT,
            title=HOSTILE_TITLE,
            author="By JANE DOE and Tom Watkins, CNN",
            outlet="CNN",
            published=datetime(2021, 7, 25, 5, 5, tzinfo=offset),
            url="https://example.org/a\n[x](javascript:alert(1))",
            language="en",
        ),
        dict(
            text="The agency reported the figures on Monday.",
            title="+44 figures; -3% @ close",
            author="Associated Press",
            outlet="AP",
            published=date(2021, 7, 26),
            language="en",
        ),
        dict(
            text="التقى الأسد بالوفد في دمشق يوم الأحد.",
            title="الأسد يلتقي الوفد",
            author="TOM KRISHER, AP Auto Writer",
            published=datetime(2021, 7, 24, 22, 0, tzinfo=UTC),
            language="ar",
        ),
        dict(
            text="ראש הממשלה נפגש עם השר בירושלים.",
            title="ראש הממשלה נפגש",
            author="Mac & i",
            language="he",
        ),
        dict(text="นายกรัฐมนตรีกล่าวว่าน้ำท่วมทำให้บ้านเรือนเสียหาย", title="น้ำท่วม", language="th"),
        dict(text="မြန်မာနိုင်ငံတွင် မိုးသည်းထန်စွာ ရွာသွန်းခဲ့သည်။", title="မိုး", language="my"),
        dict(
            text="北京市政府周一宣布新的交通规则。",
            title="北京交通新规",
            author="No Author",
            language="zh",
        ),
        dict(text="東京都は月曜日に新しい規則を発表した。", title="東京の新規則", language="ja"),
    ]
    ids = [add_clipping(archive, tags=["Dossier"], **row) for row in rows]
    archive.edit(ids[1], {"notes": "call back\r\nbefore Friday\r\n\r\n=1+1"})
    return archive, ids


def _export(archive, fmt: str, path: Path) -> Path:
    return export(archive, gather(archive, tag="Dossier"), fmt, path)


def test_csv_opens_in_a_spreadsheet_as_text_dates_and_no_formulas(hostile, tmp_path):
    archive, ids = hostile
    raw = _export(archive, "csv", tmp_path / "c.csv").read_bytes()
    # The byte order mark tells Excel and LibreOffice it is UTF-8 (no "bliÅ¼ej").
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == len(ids)
    for row in rows:
        for column, value in row.items():
            # No cell starts a formula; a value that looked like one keeps its text.
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (column, value)
    titles = {row["title"] for row in rows}
    assert "'" + HOSTILE_TITLE in titles
    assert "'+44 figures; -3% @ close" in titles
    # One type per date column, so a spreadsheet sorts it: a day, and the moment apart.
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["published"]) for r in rows if r["published"])
    by_title = {row["title"]: row for row in rows}
    first = by_title["'" + HOSTILE_TITLE]
    assert first["published"] == "2021-07-25"
    assert first["published_at"] == "2021-07-25T05:05:00+02:00"
    assert by_title["'+44 figures; -3% @ close"]["published_at"] == ""
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", r["imported_at"]) for r in rows)
    # Notes keep their lines (and "=1+1" is not a formula).
    assert by_title["'+44 figures; -3% @ close"]["notes"].startswith("call back\r\nbefore Friday")
    assert by_title["الأسد يلتقي الوفد"]["text"] == "التقى الأسد بالوفد في دمشق يوم الأحد."
    assert first["author"] == "Jane Doe; Tom Watkins"


def test_json_has_a_version_and_the_authors_as_a_list(hostile, tmp_path):
    archive, ids = hostile
    document = json.loads(_export(archive, "json", tmp_path / "c.json").read_text("utf-8"))
    assert document["version"] == 1
    records = {r["title"]: r for r in document["clippings"]}
    assert len(records) == len(ids)
    assert records[HOSTILE_TITLE]["authors"] == [
        {"family": "Doe", "given": "Jane"},
        {"family": "Watkins", "given": "Tom"},
    ]
    assert records["+44 figures; -3% @ close"]["authors"] == [{"literal": "Associated Press"}]
    assert records["北京交通新规"]["author"] is None and records["北京交通新规"]["authors"] == []


def test_csl_json_is_valid_and_citeproc_cites_the_right_names(hostile, tmp_path):
    archive, _ = hostile
    items = json.loads(_export(archive, "csl-json", tmp_path / "c.json").read_text("utf-8"))
    schema = json.loads(CSL_SCHEMA.read_text("utf-8"))
    jsonschema.Draft7Validator(schema).validate(items)
    by_title = {item["title"]: item for item in items}
    assert by_title[HOSTILE_TITLE]["author"] == [
        {"family": "Doe", "given": "Jane"},
        {"family": "Watkins", "given": "Tom"},
    ]
    assert by_title["+44 figures; -3% @ close"]["author"] == [{"literal": "Associated Press"}]
    assert by_title["ראש הממשלה נפגש"]["author"] == [{"literal": "Mac & i"}]
    assert by_title["الأسد يلتقي الوفد"]["author"] == [{"family": "Krisher", "given": "Tom"}]
    assert "author" not in by_title["北京交通新规"]
    today = datetime.now(UTC).date()
    assert by_title[HOSTILE_TITLE]["accessed"]["date-parts"][0][0] == today.year

    style = citeproc.CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = citeproc.CitationStylesBibliography(
        style, CiteProcJSON(items), citeproc.formatter.plain
    )
    for item in items:
        bibliography.register(citeproc.Citation([citeproc.CitationItem(item["id"])]))
    text = "\n".join(str(entry) for entry in bibliography.bibliography())
    assert "Doe, J." in text and "Watkins, T." in text
    assert "Associated Press" in text and "Press, A." not in text
    assert "Krisher, T." in text and "Writer" not in text
    assert "Mac & i" in text
    assert "Accessed" in text or "accessed" in text


def test_ris_reads_in_a_reference_manager(hostile, tmp_path):
    archive, ids = hostile
    entries = rispy.loads(_export(archive, "ris", tmp_path / "c.ris").read_text("utf-8"))
    assert len(entries) == len(ids)
    by_title = {entry["title"]: entry for entry in entries}
    first = by_title[HOSTILE_TITLE]
    assert first["type_of_reference"] == "NEWS"
    assert first["authors"] == ["Doe, Jane", "Watkins, Tom"]
    assert by_title["+44 figures; -3% @ close"]["authors"] == ["Associated Press"]
    assert by_title["الأسد يلتقي الوفد"]["authors"] == ["Krisher, Tom"]
    assert "authors" not in by_title["北京交通新规"]
    today = datetime.now(UTC).date()
    assert first["access_date"] == f"{today:%Y/%m/%d}/"
    # A value with line breaks stays one RIS line (nothing injects a tag).
    assert first["urls"] == ["https://example.org/a [x](javascript:alert(1))"]
    assert by_title["+44 figures; -3% @ close"]["notes"] == ["call back before Friday =1+1"]


def test_markdown_renders_the_text_as_written(hostile, tmp_path):
    archive, ids = hostile
    source = _export(archive, "markdown", tmp_path / "c.md").read_text("utf-8")
    html = markdown_it.MarkdownIt("commonmark").render(source)
    # Only the export's own structure: a title, a heading and a rule per clipping.
    assert html.count("<h1>") == 1
    assert html.count("<h2>") == len(ids)
    assert html.count("<hr />") == len(ids)
    assert "<ol" not in html and "<ul" not in html and "<pre>" not in html
    assert "<script" not in html and "javascript:" not in re.sub(r">[^<]*<", "><", html)
    # Every link is the clipping's own http(s) URL, nothing the text or a URL injected.
    assert re.findall(r'href="([^"]*)"', html) == []
    # The article's characters are there as text.
    for words in (
        "Prices *rose* by 5_000 &lt;a@b&gt; [link](javascript:alert(1)).",
        "***",
        "# not a heading",
        "1. not a list",
        "- not an item",
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; done",
        HOSTILE_TITLE.replace('"', "&quot;"),
        "التقى الأسد بالوفد في دمشق يوم الأحد.",
    ):
        assert words in html, words
    # Notes are there, as a quote, with their lines.
    assert "<blockquote>\n<p>call back<br />\nbefore Friday</p>\n<p>=1+1</p>" in html


def test_markdown_links_a_plain_url(archive, tmp_path):
    add_clipping(
        archive, "Plain text.", title="Plain", url="https://example.org/news?id=1", tags=["D"]
    )
    path = export(archive, gather(archive, tag="D"), "markdown", tmp_path / "p.md")
    html = markdown_it.MarkdownIt("commonmark").render(path.read_text("utf-8"))
    assert re.findall(r'href="([^"]*)"', html) == ["https://example.org/news?id=1"]
