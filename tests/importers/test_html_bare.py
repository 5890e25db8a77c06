"""Pages whose text sits directly in ``<body>``, with no ``<p>``: old sites, hand-written
pages, chardet's test pages. The extractor sees no article there; the page's bare text
is the article."""

from __future__ import annotations

from pathlib import Path

import pytest

from clippings.importers.html import HtmlImporter

importer = HtmlImporter()

FIRST = (
    "The harbour at Port Ellery reopened on Friday morning, two days after a storm drove "
    "waves over the sea wall and flooded the quay."
)
SECOND = (
    "Engineers who inspected the wall on Thursday found new cracks in the lower courses of "
    "stone, but said the structure was safe for now."
)
THIRD = "Fishermen returned to the quay to count their losses."

# Text straight in <body>: the extractor's last resort hands the body back, and the text
# before the first <br> used to be lost.
BARE = f"""<html><head><title>Harbour reopens after storm</title></head>
<body>
{FIRST}<br><br>
{SECOND}<br>
Repairs could begin in the autumn.<br><br>
{THIRD}
<script>document.write("tracking");</script>
</body></html>
"""


def test_bare_body_text_imports_as_paragraphs() -> None:
    result = importer.extract(BARE.encode(), "harbour.html")
    paragraphs = result.text.split("\n\n")
    # The text before the first <br> too (the extractor's last resort loses it).
    assert paragraphs == [FIRST, f"{SECOND}\nRepairs could begin in the autumn.", THIRD]
    assert result.title == "Harbour reopens after storm"
    assert result.language == "en"
    assert result.html is not None and result.html.count("<p>") == 3
    assert "tracking" not in result.text


def test_bare_text_leaves_out_what_a_reader_does_not_see() -> None:
    from clippings.importers.html_body import bare_text
    from clippings.importers.html_decoding import parse_html

    page = f"""<html><body><nav>Home</nav><header>The Coastal Herald</header>
    <h1>Harbour reopens</h1>{FIRST}<span hidden>Sign in</span><br><br>
    <span style="display:none">Subscribe to our newsletter</span>{SECOND}
    <aside>Most read</aside><form>Search <input name=q></form>{THIRD}
    <footer>Copyright</footer></body></html>"""
    found = bare_text(parse_html(page))
    assert found is not None
    assert [(block.kind, block.text) for block in found.blocks] == [
        ("heading", "Harbour reopens"),
        ("p", FIRST),
        ("p", SECOND),
        ("p", THIRD),
    ]


def test_bare_text_in_a_table_cell_keeps_its_paragraphs() -> None:
    page = f"""<html><head><title>Harbour reopens</title></head><body><table><tr><td>
    <font size="4"><b>Harbour reopens after storm</b></font><br><br>{FIRST}<br><br>{SECOND}
    </td></tr></table></body></html>"""
    result = importer.extract(page.encode(), "harbour.html")
    assert FIRST in result.text and SECOND in result.text


@pytest.mark.parametrize(
    "file",
    [
        "iso-8859-6-arabic/_chromium_ISO-8859-6_with_no_encoding_specified.html",
        "windows-1256-arabic/_chromium_windows-1256_with_no_encoding_specified.html",
    ],
)
def test_arabic_page_with_its_text_in_the_body_imports(corpus: Path, file: str) -> None:
    path = corpus / "encodings" / "chardet-tests" / file
    result = importer.extract(path.read_bytes(), path.name)
    assert result.language == "ar"
    assert result.has_text
    # Decoded right (no mojibake, no replacement characters), whole.
    assert "أعلنت كتائب الشهيد عز الدين القسام" in result.text
    assert "قطاع غزة" in result.text
    assert "\ufffd" not in result.text
    assert len(result.text.split()) > 50
