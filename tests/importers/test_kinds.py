"""What is not an article is told apart from what is: by name in a folder, by content
in the registry; and the one list of accepted formats."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import struct
import tarfile
import zipfile
import zlib
from email.message import EmailMessage
from pathlib import Path

import pytest

from clippings import importers
from clippings.importers.kinds import is_junk, not_an_article, reason_for_name
from clippings.model import UnsupportedFormatError

PROSE = (
    "The minister resigned on Monday after a leak of cabinet papers, officials said.\n\n"
    "Opposition leaders called for an inquiry. The prime minister said he regretted the "
    "decision but respected it, and named a successor within hours.\n\n"
    "Markets barely moved; the currency, which had slipped on Friday, recovered by noon.\n"
)

MIT = """MIT License

Copyright (c) 2020 Someone

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED.
"""

PYTHON = '''"""Fetch the feeds."""

import json
from pathlib import Path


def load(path):
    """Read one file."""
    with open(path) as handle:
        data = json.load(handle)
    for item in data["items"]:
        if item.get("title"):
            yield item


class Feed:
    def __init__(self, url):
        self.url = url
        self.items = []
'''

JAVASCRIPT = """const items = document.querySelectorAll('.story');
let count = 0;
function show(item) {
  item.classList.add('visible');
  count += 1;
}
for (const item of items) {
  show(item);
}
export default show;
"""

CSS = """body {
  margin: 0;
  font-family: Georgia, serif;
}
.story h1 {
  font-size: 2em;
  color: #222;
}
.story p {
  line-height: 1.5;
}
"""

C_SOURCE = """#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    int total = 0;
    for (int i = 1; i < argc; i++) {
        total += atoi(argv[i]);
    }
    printf("%d\\n", total);
    return 0;
}
"""

SQL = """CREATE TABLE clippings (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  published DATE
);
CREATE INDEX clippings_published ON clippings (published);
INSERT INTO clippings (title) VALUES ('Minister resigns');
INSERT INTO clippings (title) VALUES ('Markets calm');
SELECT title FROM clippings WHERE published > '2021-01-01';
UPDATE clippings SET title = 'Minister quits' WHERE id = 1;
"""

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Daily News</title><link>https://news.example/</link>
<item><title>Minister resigns</title><link>https://news.example/1</link></item>
<item><title>Markets calm</title><link>https://news.example/2</link></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Daily News</title>
  <link rel="alternate" href="https://news.example/"/>
  <entry><title>Minister resigns</title><link href="https://news.example/1"/>
    <summary>The minister resigned on Monday after a leak.</summary></entry>
</feed>
"""

NITF = """<?xml version="1.0" encoding="UTF-8"?>
<nitf>
  <head><title>Minister resigns after leak</title></head>
  <body>
    <body.head><hedline><hl1>Minister resigns after leak</hl1></hedline>
      <byline>By Jane Doe</byline></body.head>
    <body.content>
      <p>The minister resigned on Monday after a leak of cabinet papers, officials said.</p>
      <p>Opposition leaders called for an inquiry into how the papers reached the press.</p>
    </body.content>
  </body>
</nitf>
"""

NEWSML = """<?xml version="1.0" encoding="UTF-8"?>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:x" version="1">
  <contentSet><inlineXML contenttype="application/nitf+xml">
    <nitf><body><body.content><p>The minister resigned on Monday.</p></body.content></body></nitf>
  </inlineXML></contentSet>
</newsItem>
"""

MARKDOWN_ABOUT_CODE = """# How the newsroom rebuilt its archive

The newsroom's developers spent a year moving forty years of clippings into one archive.
They wrote the importer in Python; the core of it fits on a screen:

```python
import json
for item in json.load(open("feed.json")):
    if item["type"] == "story":
        store(item)
```

| year | clippings |
|------|-----------|
| 1990 | 12,000    |
| 2020 | 48,000    |

"It was slower than we hoped," the archivist said, "but nothing was lost."
The project, she added, will be finished by the spring; the reporters already use it.
Readers can search the whole archive from the website since last week.
"""


def _email() -> bytes:
    message = EmailMessage()
    message["From"] = "Daily News <newsletter@news.example>"
    message["To"] = "reader@example.org"
    message["Subject"] = "Minister resigns"
    message["Date"] = "Mon, 26 Jul 2021 06:00:00 +0000"
    message.set_content(PROSE)
    message.add_alternative("<html><body><p>" + PROSE + "</p></body></html>", subtype="html")
    return message.as_bytes()


def _mhtml() -> bytes:
    page = (
        "From: <Saved by Blink>\r\n"
        "Snapshot-Content-Location: https://news.example/minister\r\n"
        "Subject: Minister resigns\r\n"
        "Date: Mon, 26 Jul 2021 06:00:00 -0000\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/related; type="text/html"; boundary="----B"\r\n\r\n'
        "------B\r\nContent-Type: text/css\r\n\r\nbody { margin: 0; }\r\np { color: #222; }\r\n"
        "------B\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        "<html><body><p>" + PROSE.replace("\n", " ") + "</p></body></html>\r\n------B--\r\n"
    )
    return page.encode()


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + bytes(range(8)) for _ in range(8)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _tar() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo("article.txt")
        info.size = len(PROSE)
        archive.addfile(info, io.BytesIO(PROSE.encode()))
    return buffer.getvalue()


def _windows_program() -> bytes:
    header = bytearray(b"MZ" + bytes(126))
    header[0x3C:0x40] = (128).to_bytes(4, "little")
    return bytes(header) + b"PE\x00\x00" + bytes(200)


NOT_ARTICLES = {
    "json-object": (json.dumps({"title": "Minister resigns", "id": 1}).encode(), "JSON"),
    "json-array": (json.dumps([{"doc": 1, "topic": 2}, {"doc": 3, "topic": 4}]).encode(), "JSON"),
    "json-lines": (b'{"id": 1, "title": "a"}\n{"id": 2, "title": "b"}\n', "JSON Lines"),
    "csv": (b"doc,topic,subtopic\n1,2,3\n4,5,6\n7,8,9\n10,11,12\n13,14,15\n", "CSV"),
    "tsv": (b"doc\ttopic\tsubtopic\n1_10ecb\t1\t1_ecb\n1_11ecb\t1\t1_ecb\n", "TSV"),
    "two-columns": (
        b"seed, 0x0\n" + b"".join(b"%d, 0x%x\n" % (i, i * 7919) for i in range(12)),
        "CSV",
    ),
    "rss": (RSS.encode(), "RSS news feed"),
    "atom": (ATOM.encode(), "Atom news feed"),
    "xml-data": (
        b'<?xml version="1.0"?>\n<Document doc_name="1.xml">\n<token t_id="1">http</token>\n'
        b'<token t_id="2">:</token>\n</Document>\n',
        "XML data file (<Document>)",
    ),
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1"/></svg>', "SVG"),
    "mit-licence": (MIT.encode(), "licence"),
    "python": (PYTHON.encode(), "source code"),
    "javascript": (JAVASCRIPT.encode(), "source code"),
    "css": (CSS.encode(), "source code"),
    "c": (C_SOURCE.encode(), "source code"),
    "sql": (SQL.encode(), "source code"),
    "shell": (b"#!/bin/sh\necho hello\n", "script"),
    "php": (b"<?php echo 'hello'; ?>\n", "PHP"),
    "minified": (b"function a(b){return b+1};var c=a(2);" * 80, "minified code"),
    "links": (b"https://news.example/1\nhttps://news.example/2\nhttps://news.example/3\n", "web"),
    "gzip": (gzip.compress(PROSE.encode()), "gzip"),
    "bzip2": (bz2.compress(PROSE.encode()), "bzip2"),
    "xz": (lzma.compress(PROSE.encode()), "xz"),
    "7z": (b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(40), "7-Zip"),
    "rar": (b"Rar!\x1a\x07\x01\x00" + bytes(40), "RAR"),
    "tar": (_tar(), "tar"),
    "elf": (b"\x7fELF\x02\x01\x01" + bytes(100), "program"),
    "exe": (_windows_program(), "Windows program"),
    "sqlite": (b"SQLite format 3\x00" + bytes(100), "SQLite"),
}


@pytest.mark.parametrize("kind", sorted(NOT_ARTICLES))
def test_what_is_not_an_article_is_named(kind: str) -> None:
    data, expected = NOT_ARTICLES[kind]
    reason = not_an_article(data, "download")
    assert reason is not None and expected in reason and "not an article" in reason
    # Whatever name it has, the registry refuses it with the same reason.
    with pytest.raises(UnsupportedFormatError) as refused:
        importers.importer_for(data, "clipping.txt")
    assert str(refused.value) == reason


ARTICLES = {
    "plain text": PROSE.encode(),
    "plain text, cp1251": ("Посол заявил, что Россия готова улучшать отношения.\n" * 4).encode(
        "cp1251"
    ),
    "indented paragraphs": ("\t" + PROSE.replace("\n\n", "\n\t")).encode(),
    "markdown about code": MARKDOWN_ABOUT_CODE.encode(),
    "a text quoting JSON": ("[Reuters] " + PROSE).encode(),
    "a licence mentioned once": (PROSE + "\nThe code is under the MIT License.\n").encode(),
    "three lines with commas": b"Moscow, Russia, Monday\nThe minister, 54, resigned, aides said\n"
    b"He will, they said, stay on\n",
    "a poem": "\n".join(f"Line {n} of the song, sung at dawn" for n in range(12)).encode(),
    "a list of dates": "\n".join(
        f"Monday, {n} July: the talks went on" for n in range(12)
    ).encode(),
    "subtitles": (
        "1\n00:00:01,000 --> 00:00:04,000\nRussia is ready to improve relations.\n\n"
        "2\n00:00:05,000 --> 00:00:08,000\nThe ambassador said so on Saturday.\n"
    ).encode("utf-16"),
    "webvtt": b"WEBVTT\n\n00:01.000 --> 00:04.000\nThe ambassador said so on Saturday.\n",
    "html page": b"<!DOCTYPE html><html><head><title>Minister</title></head><body><p>"
    + PROSE.encode()
    + b"</p></body></html>",
    "html fragment": b'<div id="page"><p>' + PROSE.encode() + b"</p></div>",
    "xhtml": b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body><p>'
    + PROSE.encode()
    + b"</p></body></html>",
    "nitf": NITF.encode(),
    "newsml": NEWSML.encode(),
    "rtf": rb"{\rtf1\ansi\deff0{\fonttbl{\f0 Times;}}\f0 The minister resigned on Monday.\par}",
    "eml": _email(),
    "mbox": b"From newsletter@news.example Mon Jul 26 06:00:00 2021\n" + _email(),
    "mhtml": _mhtml(),
    "pdf": b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
    "docx": _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}),
    "odt": _zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<o/>"}),
    "epub": _zip({"mimetype": "application/epub+zip", "META-INF/container.xml": "<c/>"}),
    "png": _png(),
    "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(64),
    "tiff": b"II*\x00\x08\x00\x00\x00" + bytes(64),
}


@pytest.mark.parametrize("kind", sorted(ARTICLES))
def test_articles_and_documents_are_never_called_something_else(kind: str) -> None:
    assert not_an_article(ARTICLES[kind], "download") is None


def test_a_feed_that_carries_html_is_still_a_feed() -> None:
    # Its items' HTML makes the HTML importer recognise it; the root says what it is.
    feed = RSS.replace(
        "<title>Minister resigns</title>",
        "<title>Minister resigns</title><description><![CDATA[<html><head>"
        '<meta name="author" content="Jane Doe"><link rel="canonical" href="https://n.example/1">'
        "</head><body><p>The minister resigned.</p></body></html>]]></description>",
    ).encode()
    assert any(i.name == "html" and i.sniff(feed) for i in importers.importers())
    with pytest.raises(UnsupportedFormatError, match="an RSS news feed"):
        importers.importer_for(feed, "feed.xml")


def test_a_page_full_of_script_is_still_a_page() -> None:
    script = "\n".join(f"var x{n} = document.getElementById('a{n}');" for n in range(300))
    page = (
        f"<!DOCTYPE html><html><head><script>{script}</script></head><body><p>{PROSE}</p>"
        "</body></html>"
    ).encode()
    assert importers.importer_for(page, "page.html").name == "html"


def test_a_news_format_goes_to_an_importer() -> None:
    assert importers.importer_for(NITF.encode(), "story.xml").name == "text"
    extracted = importers.extract(NITF.encode(), "story.xml")
    assert "The minister resigned on Monday" in extracted.text


def test_a_txt_holding_json_is_refused_with_the_reason() -> None:
    data = json.dumps({"articleBody": PROSE, "url": "https://news.example/1"}).encode()
    with pytest.raises(UnsupportedFormatError, match="a JSON data file, not an article"):
        importers.extract_articles(data, "article.txt")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("README", "README"),
        ("README.md", "README"),
        ("readme.txt", "README"),
        ("UPSTREAM-tests-README.rst", "README"),
        ("LICENSE", "licence"),
        ("LICENSE.txt", "licence"),
        ("Licence.md", "licence"),
        ("GOOSE-LICENSE.txt", "licence"),
        ("LICENSE-MIT", "licence"),
        ("COPYING.LESSER", "licence"),
        ("CHANGELOG.md", "change log"),
        ("AUTHORS", "authors"),
        ("CONTRIBUTING.md", "contributors"),
        ("NOTICE", "NOTICE"),
        ("ground-truth.json", "JSON"),
        ("index.tsv", "TSV"),
        ("prices.CSV", "CSV"),
        ("settings.yaml", "configuration"),
        ("scrape.py", "source code (.py)"),
        ("app.js", "source code (.js)"),
        ("style.css", "source code (.css)"),
        ("Main.java", "source code (.java)"),
        ("pages.tar.gz", "archive (.tar.gz)"),
        ("pages.html.gz", "archive (.gz)"),
        ("pages.7z", "archive (.7z)"),
        ("setup.exe", "program"),
        ("interview.mp4", "audio or video"),
    ],
)
def test_a_folders_non_articles_are_known_by_name(name: str, expected: str) -> None:
    reason = reason_for_name(name)
    assert reason is not None and expected in reason and "not an article" in reason


@pytest.mark.parametrize(
    "name",
    [
        "article.txt",
        "notes.md",
        "license-plate-readers.html",
        "readme-of-the-trial.txt",
        "news.txt",
        "feed.xml",
        "story.nitf",
        "bundle.zip",
        "letter.docx",
        "letter.odt",
        "book.epub",
        "letter.rtf",
        "newsletter.eml",
        "archive.mbox",
        "page.mhtml",
        "scan.png",
        "scan.JPG",
        "scan.tiff",
        "paper.pdf",
        "no-suffix",
    ],
)
def test_articles_are_never_skipped_by_name(name: str) -> None:
    assert reason_for_name(name) is None


def test_no_importers_suffix_is_skipped_by_name() -> None:
    for _label, suffixes in importers.accepted_formats():
        for suffix in suffixes:
            assert reason_for_name(f"article{suffix}") is None, suffix


def test_system_leftovers_are_junk() -> None:
    assert is_junk("Thumbs.db") and is_junk("desktop.ini") and is_junk("~$letter.docx")
    assert not is_junk("article.txt")


def test_accepted_formats_list_every_importer_with_its_label() -> None:
    formats = importers.accepted_formats()
    listed = {suffix for _, suffixes in formats for suffix in suffixes}
    for importer in importers.importers():
        assert importer.suffixes <= listed, importer.name
    assert all(label and suffixes for label, suffixes in formats)
    assert ("Clippings bundles", (".zip",)) in formats


def test_the_corpus_articles_are_never_called_something_else(corpus: Path) -> None:
    """The same judgement as ``bench/eval_skipping.py``, on a sample of each kind."""
    samples = [
        *sorted((corpus / "ecbplus" / "text" / "1").glob("*.txt"))[:10],
        *sorted((corpus / "encodings" / "chardet-tests").glob("*/_ude_*.txt")),
        *sorted((corpus / "trafilatura" / "html").glob("*.html"))[:10],
        corpus / "readability/test-pages/nytimes-1/source.html",
        corpus / "readability/test-pages/nytimes-1/expected.html",
        corpus / "encodings/chardet-tests/UTF-16/bom-utf-16-le.srt",
        corpus / "pdf/pdfminer.six/contrib/issue-00352-asw-oct96-p41.pdf",
    ]
    for path in samples:
        assert not_an_article(path.read_bytes(), path.name) is None, path
    for name, expected in [
        ("aeb/ground-truth.json", "JSON"),
        ("ecbplus/index.tsv", "TSV"),
        ("aeb/LICENSE", "licence"),
        ("encodings/chardet-tests/KOI8-R/aviaport.ru.xml", "RSS"),
        ("ecbplus/xml-sample/ECB+/1/1_1ecb.xml", "XML data"),
    ]:
        reason = not_an_article((corpus / name).read_bytes(), Path(name).name)
        assert reason is not None and expected in reason, name
