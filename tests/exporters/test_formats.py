"""Every export format, opened with a real reader; the bundle's round trip."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

import pytest

from clippings.exporters.records import safe_name
from clippings.importers.sanitize import sanitize_html
from clippings.model import ClippingsError, QueryError
from clippings.services import Archive, import_paths
from clippings.services.exporting import NothingToExportError, export, gather


@pytest.fixture
def collection_archive(archive, seed, corpus):
    texts = corpus / "ecbplus" / "text" / "2"
    report = import_paths(
        archive,
        [
            seed,
            texts / "2_1ecbplus.txt",
            texts / "2_2ecbplus.txt",
            corpus / "readability/test-pages/nytimes-1/source.html",
            corpus / "pdf/pdfminer.six/contrib/pdf-with-jbig2.pdf",
            corpus / "newspaper4k/txt/chinese_article.txt",
        ],
    )
    ids = [r.id for r in report.of("imported")]
    archive.add_tag(ids[:4], "Review/Week 30")
    archive.add_tag(ids[4:], "Review/Scans & more")
    archive.add_tag(ids[:1], "Russia")
    archive.edit(ids[0], {"notes": "check the quotes", "author": "Staff, RT"})
    return archive, ids


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.scripts = 0
        self.forbidden: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag == "script":
            self.scripts += 1
            if attributes.get("src"):
                self.forbidden.append("script src")
        if tag in ("iframe", "img", "object", "embed", "link", "video", "audio"):
            self.forbidden.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.forbidden.append(name)
            if name in ("src", "srcset") and value:
                self.forbidden.append(f"{tag} {name}")


def parse_html(text: str) -> Links:
    parser = Links()
    parser.feed(text)
    return parser


def test_bundle_opens_offline_and_every_link_resolves(collection_archive, tmp_path):
    archive, ids = collection_archive
    collection = gather(archive, tag="Review")
    path = export(archive, collection, "bundle", tmp_path / "week.zip")
    with zipfile.ZipFile(path) as bundle:
        names = set(bundle.namelist())
        assert {"index.html", "clippings.json", "clippings.csv", "bundle.json"} <= names
        for name in names:
            assert not name.startswith("/") and ".." not in PurePosixPath(name).parts
        index = bundle.read("index.html").decode("utf-8")
        parsed = parse_html(index)
        assert parsed.scripts == 1 and not parsed.forbidden  # our sorting script only
        assert len(parsed.links) == len(ids)
        for link in parsed.links:
            assert link in names, link
            page = parse_html(bundle.read(link).decode("utf-8"))
            assert page.scripts == 0 and not page.forbidden
            for target in page.links:
                if target.startswith(("http://", "https://", "mailto:")):
                    continue
                resolved = str(PurePosixPath(link).parent / target)
                normalised = str(PurePosixPath(*[p for p in PurePosixPath(resolved).parts]))
                parts: list[str] = []
                for part in PurePosixPath(normalised).parts:
                    if part == "..":
                        parts.pop()
                    else:
                        parts.append(part)
                assert "/".join(parts) in names, (link, target)
        data = json.loads(bundle.read("clippings.json"))
        assert data["version"] == 1
        records = data["clippings"]
        assert [r["id"] for r in records] == [c.id for c in collection.clippings]
        rows = list(csv.DictReader(io.StringIO(bundle.read("clippings.csv").decode("utf-8-sig"))))
        assert [int(r["id"]) for r in rows] == [c.id for c in collection.clippings]
        originals = [n for n in names if n.startswith("originals/")]
        assert len(originals) == len(ids)
        for clipping in collection.clippings:
            record = next(r for r in records if r["id"] == clipping.id)
            assert bundle.read(record["bundle_original"]) == archive.original(clipping.id)
    # Ordered by publication date, undated last.
    dates = [c.published for c in collection.clippings if c.published is not None]
    assert collection.clippings[-1].published is None or dates == sorted(dates, key=str)


def test_bundle_round_trip_restores_every_field_and_tag(collection_archive, tmp_path):
    archive, ids = collection_archive
    collection = gather(archive, tag="Review")
    path = export(archive, collection, "bundle", tmp_path / "week.zip")
    with Archive.open(tmp_path / "other") as other:
        report = import_paths(other, [path])
        assert [r.path for r in report.results] == [str(path)] * len(ids)
        assert len(report.of("imported")) == len(ids)
        restored = {c.sha256: c for c in (other.get(r.id) for r in report.of("imported"))}
        for original in collection.clippings:
            copy = restored[original.sha256]
            for field in (
                "title",
                "outlet",
                "author",
                "published",
                "language",
                "url",
                "text",
                "word_count",
                "page",
                "section",
                "edition",
                "notes",
                "original_name",
                "format",
                "has_text",
                "tags",
                "provenance",
            ):
                assert getattr(copy, field) == getattr(original, field), field
            # A bundle's HTML is sanitized again on import: the same markup, though
            # entities may be written another way (&quot; or ").
            assert sanitize_html(copy.html or "") == sanitize_html(original.html or "")
            assert other.original(copy.id) == archive.original(original.id)
        assert other.search("Antonov").total == 1
        again = import_paths(other, [path])
        assert len(again.of("duplicate")) == len(ids)


def test_csv_and_json(collection_archive, tmp_path):
    archive, ids = collection_archive
    collection = gather(archive, ids=ids)
    rows = list(
        csv.DictReader(
            export(archive, collection, "csv", tmp_path / "c.csv").open(
                encoding="utf-8-sig", newline=""
            )
        )
    )
    assert len(rows) == len(ids)
    assert {"id", "title", "outlet", "published", "tags", "text", "notes"} <= set(rows[0])
    seed_row = next(r for r in rows if "Antonov" in r["text"])
    assert seed_row["tags"] == "Review/Week 30; Russia"
    assert seed_row["notes"] == "check the quotes"
    document = json.loads(export(archive, collection, "json", tmp_path / "c.json").read_text())
    assert document["version"] == 1
    data = document["clippings"]
    assert len(data) == len(ids)
    assert set(data[0]) >= {
        "id",
        "title",
        "outlet",
        "author",
        "published",
        "language",
        "url",
        "text",
        "tags",
        "word_count",
        "provenance",
    }


def test_markdown(collection_archive, tmp_path):
    archive, ids = collection_archive
    text = export(archive, gather(archive, tag="Russia"), "markdown", tmp_path / "r.md")
    content = text.read_text(encoding="utf-8")
    assert content.startswith("# Russia\n")
    assert "## Russia-US relations" in content
    assert "Antonov" in content


def parse_ris(text: str) -> list[dict[str, list[str]]]:
    """A small RIS reader: 'XX  - value' lines, records ending at 'ER  - '."""
    records, current = [], {}
    for line in text.splitlines():
        if not line.strip():
            continue
        key, separator, value = line.partition("  - ")
        assert separator and len(key) == 2, line
        if key == "ER":
            records.append(current)
            current = {}
        else:
            current.setdefault(key, []).append(value)
    assert current == {}, "every record ends with ER"
    return records


def test_ris_and_csl_json(collection_archive, tmp_path):
    archive, ids = collection_archive
    collection = gather(archive, tag="Review")
    records = parse_ris(
        export(archive, collection, "ris", tmp_path / "c.ris").read_text(encoding="utf-8")
    )
    assert len(records) == len(ids)
    assert all(r["TY"] == ["NEWS"] for r in records)
    times = next(r for r in records if r["TI"] == ["United States to Lift Sudan Sanctions"])
    assert times["T2"] == ["NYTimes"] and times["AU"] == ["Gettleman, Jeffrey"]
    assert times["DA"][0].startswith("2017/01/13")
    assert times["UR"][0].startswith("https://www.nytimes.com/")
    assert times["LA"] == ["en"]
    items = json.loads(export(archive, collection, "csl-json", tmp_path / "c.json").read_text())
    assert len(items) == len(ids)
    assert all(i["type"] == "article-newspaper" for i in items)
    item = next(i for i in items if i["title"] == "United States to Lift Sudan Sanctions")
    assert item["container-title"] == "NYTimes"
    assert item["author"] == [{"family": "Gettleman", "given": "Jeffrey"}]
    assert item["issued"] == {"date-parts": [[2017, 1, 13]]}
    assert item["URL"].startswith("https://") and item["language"] == "en"
    seed_item = next(i for i in items if "Russia-US" in i["title"])
    # What the user typed is one name (no ";"), cited as written, not as a person.
    assert seed_item["author"] == [{"literal": "Staff, RT"}]


def test_clear_messages_for_empty_existing_and_unwritable(collection_archive, tmp_path):
    archive, ids = collection_archive
    with pytest.raises(NothingToExportError, match="nothing to export"):
        gather(archive, query="zzzzqqq")
    archive.create_tag("Empty")
    with pytest.raises(NothingToExportError):
        gather(archive, tag="Empty")
    with pytest.raises(QueryError):
        gather(archive)
    collection = gather(archive, ids=ids[:1])
    target = tmp_path / "out.csv"
    target.write_text("mine")
    with pytest.raises(ClippingsError, match="already exists"):
        export(archive, collection, "csv", target)
    assert target.read_text() == "mine"
    export(archive, collection, "csv", target, force=True)
    assert "Antonov" in target.read_text()
    with pytest.raises(ClippingsError, match="does not exist"):
        export(archive, collection, "csv", tmp_path / "missing" / "out.csv")
    # A folder nobody may write to, not even root: the kernel's /proc.
    with pytest.raises(ClippingsError, match=r"cannot write /proc/out\.csv"):
        export(archive, collection, "csv", Path("/proc/out.csv"))


def test_cancel_leaves_nothing(collection_archive, tmp_path):
    from clippings.model import Cancelled

    archive, ids = collection_archive
    collection = gather(archive, ids=ids)
    with pytest.raises(Cancelled):
        export(archive, collection, "bundle", tmp_path / "b.zip", cancel=lambda: True)
    assert list(tmp_path.glob("b.zip*")) == [] and list(tmp_path.glob(".b.zip*")) == []


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        ("../../etc/passwd", "etc-passwd"),
        ("/absolute/path.txt", "absolute-path.txt"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("...hidden", "hidden"),
        ("Россия: отношения / США", "Россия-отношения-США"),
        # Vowel signs are part of their word, not a break in it.
        ("ผล DNA ยืนยัน", "ผล-DNA-ยืนยัน"),
        ("တရုတ် ခေါင်းဆောင်", "တရုတ်-ခေါင်းဆောင်"),
        ("", "clipping"),
    ],
)
def test_safe_names_never_escape(wanted, expected):
    assert safe_name(wanted) == expected


def test_safe_names_stay_unique_and_short():
    taken: set[str] = set()
    first = safe_name("Same title", ".html", taken=taken)
    second = safe_name("same TITLE", ".html", taken=taken)
    assert first == "Same-title.html" and second == "same-TITLE-2.html"
    assert len(safe_name("word " * 100, ".html")) <= 85
