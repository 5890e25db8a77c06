"""Whatever bytes a file holds, an importer gives a clipping or one of the project's errors.

A library's ``IndexError`` or ``KeyError`` on a damaged file would reach the user as
"unexpected error"; these properties look for such bytes. Each run tries new examples;
a failure prints the call that reproduces it.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clippings import importers
from clippings.model import ClippingsError, Extracted

SUFFIXES = ["", ".txt", ".html", ".htm", ".pdf", ".xml"]

fuzzing = settings(
    max_examples=200,
    deadline=None,
    database=None,  # nothing written into the working tree
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)


def pieces(*fragments: bytes) -> st.SearchStrategy[bytes]:
    """Bytes made of a format's own fragments mixed with random bytes, to get past the
    first check of a parser and into its depths."""
    return st.lists(st.sampled_from(fragments) | st.binary(max_size=24), max_size=60).map(b"".join)


# The first bytes of each format, and fragments of its syntax.
FORMATS: dict[str, tuple[bytes, st.SearchStrategy[bytes]]] = {
    "pdf": (
        b"%PDF-1.4\n",
        pieces(
            b"1 0 obj\n", b"2 0 R", b"<<", b">>", b"/Type /Catalog", b"/Type /Page", b"/Pages",
            b"/Kids [3 0 R]", b"/Count 1", b"/Contents 4 0 R", b"/Length 20", b"stream\n",
            b"\nendstream", b"endobj\n", b"xref\n0 5\n", b"0000000000 65535 f \n", b"trailer",
            b"/Root 1 0 R", b"startxref\n", b"%%EOF", b"/Filter /FlateDecode", b"/Encrypt",
            b"BT /F1 12 Tf (Hello) Tj ET", b"/Info", b"/Title (A)", b"/Metadata", b"[", b"]",
            b"(", b")", b"-1", b"99999999999", b"/Font", b"/ObjStm", b"/N 3", b"/First 10",
        ),
    ),
    "html": (
        b"<!DOCTYPE html><html>",
        pieces(
            b"<head>", b"<title>", b"</title>", b"<meta charset='", b"' >", b"<body>", b"<p>",
            b"</p>", b"<div>", b"</div>", b"<article>", b"<h1>", b"</h1>", b"<br>", b"<a href='",
            b"'>", b"</a>", b"<script>", b"</script>", b"<!--", b"-->", b"<![CDATA[", b"]]>",
            b"&amp;", b"&#0;", b"&#x110000;", b"<time datetime='2021-13-45'>", b"\xff\xfe",
            b'<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": ',
            b'"headline": [', b"<meta property='og:title' content='", b"<li>", b"<table><tr>",
            b"A sentence of words for the page. ", b"By John Smith", b"2021-07-25", b"\x00",
        ),
    ),
    "text": (
        b"",
        pieces(
            b"\n", b"\n\n", b"https://www.example.com/news/1", b"By Jane Doe", b"# Title",
            b"July 25, 2021", b"00:00:01,000 --> 00:00:02,000", b"<?xml version='1.0'?>",
            b"<rss>", b"<title>", b"Share", b"\xef\xbb\xbf", b"\xff\xfe", b"\x1b$B",
            b"Mr. Smith said. ", b"\xe9", b"\xd0\xb0", b"*", b"[a](b)", b"\t",
        ),
    ),
}  # fmt: skip


def _reads_or_refuses(read, data: bytes, name: str) -> None:
    try:
        result = read(data, name)
    except ClippingsError:
        return
    assert isinstance(result, Extracted)


@fuzzing
@given(data=st.binary(max_size=2048), suffix=st.sampled_from(SUFFIXES))
def test_any_bytes_under_any_name_give_a_clipping_or_a_plain_error(data, suffix):
    _reads_or_refuses(importers.extract, data, f"file{suffix}")


@pytest.mark.parametrize("importer", importers.importers(), ids=lambda importer: importer.name)
@fuzzing
@given(fuzz=st.data())
def test_bytes_that_start_like_the_format_give_a_clipping_or_a_plain_error(importer, fuzz):
    magic, body = FORMATS.get(importer.name, (b"", st.binary(max_size=2048)))
    data = magic + fuzz.draw(body, label="body")
    suffix = fuzz.draw(st.sampled_from(sorted(importer.suffixes) or [""]), label="suffix")
    _reads_or_refuses(importer.extract, data, f"file{suffix}")


def test_a_page_saved_with_its_images_inline_reads_like_the_page_itself(corpus):
    page = (corpus / "readability/test-pages/nytimes-1/source.html").read_bytes()
    body = page.index(b">", page.index(b"<body")) + 1
    # "Save as one file": an 11 MB photo as base64, past the parser's 10 MB per value.
    photo = b"<img src='data:image/jpeg;base64," + b"QUJD" * (11 * 1024 * 1024 // 4) + b"'>"
    saved = page[:body] + photo + page[body:]

    assert importers.extract(saved, "page.html").text == importers.extract(page, "page.html").text
