"""A folder an archivist imports holds more than articles: the data, notes, code and
archives beside them are listed as skipped with the reason, and never stored; a file
given explicitly is tried, and refused with the reason if it is not an article."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from clippings.cli import main
from clippings.services import import_paths
from clippings.services.files import expand

NITF = """<?xml version="1.0" encoding="UTF-8"?>
<nitf>
  <head><title>Harbour strike ends after nine days</title></head>
  <body>
    <body.head><hedline><hl1>Harbour strike ends after nine days</hl1></hedline></body.head>
    <body.content>
      <p>Dock workers in the port returned to work on Tuesday after nine days on strike,
      the union said, ending a dispute over shift pay that had left ships waiting.</p>
      <p>The port authority said the backlog of containers would take a week to clear.</p>
    </body.content>
  </body>
</nitf>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Harbour News</title>
  <entry><title>Harbour strike ends</title><link href="https://harbour.example/1"/></entry>
  <entry><title>Ships wait</title><link href="https://harbour.example/2"/></entry>
</feed>
"""

MIT = """MIT License

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software").

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND.
"""

SCRAPER = """import json
import sys

from feeds import fetch


def main(url):
    items = fetch(url)
    for item in items:
        print(json.dumps(item))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
"""

#: A folder's non-articles: name, bytes, what the reason says.
NON_ARTICLES = {
    "ground-truth.json": (
        json.dumps({"1": {"articleBody": "Dock workers returned.", "url": "u"}}).encode(),
        "a JSON data file, not an article",
    ),
    "index.tsv": (
        b"doc\ttopic\ttitle\n1\t2\tHarbour strike\n2\t2\tShips wait\n",
        "a TSV table (tab-separated data), not an article",
    ),
    "tokens.xml": (
        b'<?xml version="1.0"?>\n<Document doc_name="1.xml">\n<token t_id="1">Dock</token>\n'
        b'<token t_id="2">workers</token>\n</Document>\n',
        "an XML data file (<Document>), not an article",
    ),
    "feed.xml": (ATOM.encode(), "an Atom news feed"),
    "README.md": (b"# Clippings of the harbour strike\n\nSaved by hand.\n", "a README file"),
    "LICENSE": (MIT.encode(), "a licence text, not an article"),
    "scrape.py": (SCRAPER.encode(), "source code (.py), not an article"),
    "saved-as-text.txt": (
        json.dumps([{"title": "Harbour strike ends", "body": "Dock workers..."}]).encode(),
        "a JSON data file, not an article",
    ),
    "pages.zip": (b"", "not a readable Clippings bundle"),  # made by ``_zip_of_an_article``
}


def _zip_of_an_article(article: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("article.txt", article)
    return buffer.getvalue()


@pytest.fixture
def drop(tmp_path, seed) -> Path:
    """A folder as an archivist has it: two articles (a text, a NITF story) and the
    files that came with them."""
    folder = tmp_path / "harbour"
    folder.mkdir()
    shutil.copy(seed, folder / "seed.txt")
    (folder / "story.xml").write_text(NITF, encoding="utf-8")
    for name, (data, _reason) in NON_ARTICLES.items():
        (folder / name).write_bytes(data or _zip_of_an_article(seed.read_bytes()))
    (folder / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    return folder


def test_a_folder_imports_its_articles_and_lists_the_rest_with_the_reason(archive, drop):
    report = import_paths(archive, [drop])

    by_name = {Path(r.path).name: r for r in report.results}
    assert {r.title for r in report.of("imported")} >= {"Harbour strike ends after nine days"}
    assert sorted(Path(r.path).name for r in report.of("imported")) == ["seed.txt", "story.xml"]
    for name, (_data, reason) in NON_ARTICLES.items():
        assert by_name[name].outcome == "skipped", name
        assert reason in (by_name[name].reason or ""), (name, by_name[name].reason)
    assert "Thumbs.db" not in by_name  # the system's leftovers go unmentioned
    # Nothing of them is stored: two clippings, two originals, nothing searchable.
    assert archive.count() == 2
    assert len(list(archive.originals.stored())) == 2
    assert archive.search("articleBody").total == 0
    assert archive.search("license").total == 0


def test_the_walk_skips_by_name_without_reading(drop):
    found = {Path(f.shown).name: f for f in expand([drop])}
    for name in ("ground-truth.json", "index.tsv", "README.md", "LICENSE", "scrape.py"):
        assert found[name].path is None and found[name].skip_reason, name
    # Content decides for these: XML may be news, a .txt anything, a .zip a bundle.
    for name in ("story.xml", "tokens.xml", "feed.xml", "saved-as-text.txt", "pages.zip"):
        assert found[name].path is not None and found[name].skip_reason is None, name


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("ground-truth.json", "a JSON data file, not an article"),
        ("index.tsv", "a TSV table (tab-separated data), not an article"),
        ("tokens.xml", "an XML data file (<Document>), not an article"),
        ("feed.xml", "an Atom news feed (a list of headlines and links), not an article"),
        ("LICENSE", "a licence text, not an article"),
        ("scrape.py", "source code (.py), not an article"),
    ],
)
def test_a_non_article_given_explicitly_is_tried_and_refused_with_the_reason(
    archive, drop, name, reason
):
    report = import_paths(archive, [drop / name])

    # Judged by its bytes now, not its name.
    [result] = report.results
    assert (result.outcome, result.reason) == ("skipped", reason)
    assert archive.count() == 0
    assert not list(archive.originals.stored())


def test_a_readme_given_explicitly_is_tried_and_imports_if_it_is_prose(archive, drop, seed):
    # In a folder its name skips it; given by hand, its bytes decide: an article.
    shutil.copy(seed, drop / "README.txt")
    report = import_paths(archive, [drop / "README.txt"])
    assert [r.outcome for r in report.results] == ["imported"]


def test_the_command_line_lists_skipped_files_with_the_reason(tmp_path, drop, capsys):
    code = main(["--archive", str(tmp_path / "archive"), "import", str(drop)])
    out, err = capsys.readouterr()

    assert code == 0
    assert f"skipped    {drop / 'ground-truth.json'}: a JSON data file, not an article" in out
    assert f"skipped    {drop / 'LICENSE'}: a licence text, not an article" in out
    assert "2 imported" in err and f"{len(NON_ARTICLES)} skipped" in err
