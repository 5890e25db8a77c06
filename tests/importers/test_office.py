"""Word, OpenDocument, RTF and EPUB files, made from real corpus articles, import as a
reader expects: the headline as the title, the article's words, the metadata marked as
sure or guessed, and hostile or damaged files refused with a reason."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from clippings import importers
from clippings.model import ExtractionError, TooLargeError, UnsupportedFormatError
from tests.importers.samples_office import (
    corpus_article,
    make_docx,
    make_epub,
    make_odt,
    make_rtf,
    russian_article,
    word_scores,
)

DAY = date(2017, 1, 13)
PAGES = ("nytimes-1", "liberation-1", "heise")


def _scores_ok(extracted, article) -> None:
    precision, recall = word_scores(extracted.text, "\n".join(article.paragraphs))
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)
    assert "\n\n" in extracted.text, "paragraphs are kept"


def _bomb(members: dict[str, bytes], bomb: str) -> bytes:
    """A zip of ``members`` plus ``bomb``: 30 MB of blanks that deflate to kilobytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            compress = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), content, compress_type=compress)
        archive.writestr(bomb, b"<x>" + b" " * (30 * 1024 * 1024) + b"</x>")
    return out.getvalue()


def _replace_member(data: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            copy.writestr(info, content if info.filename == name else source.read(info))
    return out.getvalue()


# --- Word ----------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_a_word_document_imports_with_its_title_text_and_publication_date(corpus, page):
    article = corpus_article(corpus, page)
    data = make_docx(article.title, article.paragraphs, "Jane Doe", DAY)
    [extracted] = importers.extract_articles(data, "clipping.docx")
    assert extracted.format == "docx"
    assert extracted.title == article.title
    assert extracted.provenance["title"] == "docx-properties"
    _scores_ok(extracted, article)
    assert not extracted.text.startswith(article.title), "the headline is the title, not text"
    # A custom "published" property is publication data; the file's author is a guess.
    assert (extracted.published, extracted.provenance["published"]) == (DAY, "docx-properties")
    assert extracted.provenance["author"] == "docx-heuristic"
    assert extracted.language == article.language
    assert "<p>" in (extracted.html or "")


def test_a_word_title_comes_from_the_title_style_when_the_properties_have_a_placeholder(corpus):
    article = corpus_article(corpus, "nytimes-1")
    data = make_docx(article.title, article.paragraphs, title_property=False)
    extracted = importers.extract(data, "clipping.docx")
    assert (extracted.title, extracted.provenance["title"]) == (article.title, "document-heading")
    _scores_ok(extracted, article)

    for placeholder in ("Microsoft Word - clipping.doc", "Document1", "Untitled", "clipping"):
        data = make_docx(article.title, article.paragraphs, title_property=placeholder)
        extracted = importers.extract(data, "clipping.docx")
        assert (extracted.title, extracted.provenance["title"]) == (
            article.title,
            "document-heading",
        )
    # The account that saved the file and its save time are not the article's.
    assert extracted.author is None  # python-docx's own name is an account, nobody's
    assert extracted.published is None  # created and saved at the same moment: a program's


def test_a_word_documents_creation_date_is_only_a_guess(corpus):
    article = corpus_article(corpus, "nytimes-1")
    data = make_docx(
        article.title,
        article.paragraphs,
        created="2017-01-13T08:00:00+00:00",
        modified="2017-01-15T17:30:00+00:00",
    )
    extracted = importers.extract(data, "clipping.docx")
    assert extracted.published == date(2017, 1, 13)
    assert extracted.provenance["published"] == "docx-heuristic"


def test_the_word_importer_reads_headings_lists_and_tables():
    import docx

    document = docx.Document()
    document.add_heading("Grain deal collapses", level=1)
    document.add_paragraph("Russia pulled out of the deal on Monday, officials said.")
    document.add_heading("Reaction", level=2)
    document.add_paragraph("Kyiv said it would keep shipping.", style="List Bullet")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Wheat", "12 Mt"
    out = io.BytesIO()
    document.save(out)
    extracted = importers.extract(out.getvalue(), "deal.docx")
    assert extracted.title == "Grain deal collapses"
    assert extracted.text.split("\n\n") == [
        "Russia pulled out of the deal on Monday, officials said.",
        "Reaction",
        "Kyiv said it would keep shipping.",
        "Wheat | 12 Mt",
    ]
    assert "<h2>Reaction</h2>" in (extracted.html or "")
    assert "<li>" in (extracted.html or "") and "<table>" in (extracted.html or "")


def test_a_zip_bomb_named_docx_is_refused_unpacked(corpus):
    data = _bomb({"[Content_Types].xml": b"<Types/>"}, "word/document.xml")
    with pytest.raises(TooLargeError, match="zip bomb"):
        importers.extract(data, "clipping.docx")


def test_a_damaged_word_document_says_so(corpus):
    article = corpus_article(corpus, "nytimes-1")
    data = make_docx(article.title, article.paragraphs)
    with pytest.raises(ExtractionError, match="the Word document is damaged"):
        importers.importer_for(data, "x.docx").extract(data[: len(data) // 2], "x.docx")
    broken = _replace_member(data, "word/document.xml", b"<w:document><w:body>")
    with pytest.raises(ExtractionError, match="the Word document is damaged"):
        importers.extract(broken, "x.docx")


def test_protected_and_old_word_files_are_refused_with_what_to_do():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    protected = ole + "EncryptedPackage".encode("utf-16-le") + bytes(1000)
    with pytest.raises(UnsupportedFormatError, match="password"):
        importers.extract(protected, "secret.docx")
    old = ole + "WordDocument".encode("utf-16-le") + bytes(1000)
    with pytest.raises(UnsupportedFormatError, match=r"save it as \.docx"):
        importers.extract(old, "old.doc")


# --- OpenDocument --------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_an_opendocument_text_imports_with_its_title_text_and_publication_date(corpus, page):
    article = corpus_article(corpus, page)
    data = make_odt(article.title, article.paragraphs, "Jane Doe", DAY)
    [extracted] = importers.extract_articles(data, "clipping.odt")
    assert extracted.format == "odt"
    assert (extracted.title, extracted.provenance["title"]) == (article.title, "odt-properties")
    _scores_ok(extracted, article)
    assert (extracted.published, extracted.provenance["published"]) == (DAY, "odt-properties")
    assert extracted.provenance["author"] == "odt-heuristic"
    assert extracted.language == article.language


def test_an_opendocument_title_comes_from_its_first_heading_without_a_title_property(corpus):
    article = corpus_article(corpus, "liberation-1")
    data = make_odt(article.title, article.paragraphs, title_property=False)
    extracted = importers.extract(data, "sans titre.odt")
    assert (extracted.title, extracted.provenance["title"]) == (article.title, "document-heading")
    assert extracted.published is None
    _scores_ok(extracted, article)


def test_opendocument_bombs_damage_and_passwords_are_refused(corpus):
    mimetype = {"mimetype": b"application/vnd.oasis.opendocument.text"}
    with pytest.raises(TooLargeError):
        importers.extract(_bomb(mimetype, "content.xml"), "bomb.odt")
    article = corpus_article(corpus, "nytimes-1")
    data = make_odt(article.title, article.paragraphs)
    broken = _replace_member(data, "content.xml", b"<office:document-content")
    with pytest.raises(ExtractionError, match="the OpenDocument file is damaged"):
        importers.extract(broken, "x.odt")
    manifest = b'<manifest:manifest><manifest:encryption-data manifest:checksum="x"/>'
    protected = _replace_member(data, "META-INF/manifest.xml", manifest + b"</manifest:manifest>")
    with pytest.raises(UnsupportedFormatError, match="password"):
        importers.extract(protected, "x.odt")


# --- RTF -------------------------------------------------------------------------------------


def test_a_russian_rtf_in_windows_1251_reads_right(corpus):
    article = russian_article(corpus)
    data = make_rtf(article.title, article.paragraphs, "Иван Петров", DAY, codepage=1251)
    assert max(data) < 128, "written as RTF writers do: 8-bit text only as \\'xx escapes"
    [extracted] = importers.extract_articles(data, "новости.rtf")
    assert extracted.format == "rtf"
    assert (extracted.title, extracted.provenance["title"]) == (article.title, "rtf-info")
    _scores_ok(extracted, article)
    assert extracted.language == "ru"
    assert extracted.author == "Иван Петров"
    assert (extracted.published, extracted.provenance["published"]) == (DAY, "rtf-heuristic")


def test_a_french_rtf_in_windows_1252_with_unicode_escapes_reads_right(corpus):
    article = corpus_article(corpus, "liberation-1")
    extra = "Le coût est estimé à 10 € – selon l’ONU."  # € and ’ are \\'xx; – too
    paragraphs = (*article.paragraphs, extra, "Ελληνικά και русский текст.")  # \\uN escapes
    data = make_rtf(article.title, paragraphs, codepage=1252, info_title=False)
    extracted = importers.extract(data, "article.rtf")
    assert (extracted.title, extracted.provenance["title"]) == (article.title, "rtf-heuristic")
    assert extra in extracted.text and "Ελληνικά και русский текст." in extracted.text
    _scores_ok(extracted, article)
    assert extracted.language == "fr"


def test_an_rtf_whose_fonts_say_ansi_follows_the_documents_code_page(corpus):
    article = russian_article(corpus)
    data = make_rtf(article.title, article.paragraphs, codepage=1251)
    data = data.replace(b"\\fcharset204", b"\\fcharset0")
    extracted = importers.extract(data, "news.rtf")
    assert extracted.title == article.title
    _scores_ok(extracted, article)


def test_an_rtf_links_text_stays_without_its_address():
    body = r'See {\field{\*\fldinst{HYPERLINK "https://example.com/a"}}{\fldrslt{the report}}}.'
    data = (
        "{\\rtf1\\ansi\\ansicpg1252 {\\info{\\title Untitled}}\\pard " + body + "\\par}"
    ).encode()
    extracted = importers.extract(data, "x.rtf")
    assert extracted.text == "See the report."
    assert extracted.title != "Untitled"


# --- EPUB ------------------------------------------------------------------------------------


def test_an_epub_of_one_article_is_one_clipping_with_its_metadata(corpus):
    article = corpus_article(corpus, "liberation-1")
    url = "https://www.liberation.fr/planete/2015/05/01/nepal_1278733"
    data = make_epub(
        [(article.title, article.paragraphs)],
        author="Jane Doe",
        published=DAY,
        language="fr",
        publisher="Libération",
        source=url,
    )
    [extracted] = importers.extract_articles(data, "article.epub")
    assert extracted.format == "epub" and extracted.part is None
    assert (extracted.title, extracted.provenance["title"]) == (article.title, "epub-metadata")
    _scores_ok(extracted, article)
    assert (extracted.published, extracted.provenance["published"]) == (DAY, "epub-metadata")
    assert (extracted.author, extracted.outlet, extracted.url) == ("Jane Doe", "Libération", url)
    assert extracted.language == "fr"
    assert article.title not in extracted.text, "neither the title page nor the headline"


def test_an_epub_of_several_articles_is_one_clipping_per_article(corpus):
    articles = [corpus_article(corpus, page) for page in ("nytimes-1", "nytimes-3", "wapo-1")]
    chapters = [(article.title, article.paragraphs) for article in articles]
    data = make_epub(chapters, title="Read later: January", publisher="Pocket", published=DAY)
    extracted = importers.extract_articles(data, "reading.epub")
    assert [e.part for e in extracted] == [1, 2, 3]
    assert [e.title for e in extracted] == [article.title for article in articles]
    for one, article in zip(extracted, articles, strict=True):
        _scores_ok(one, article)
        assert one.provenance["title"] == "document-heading"
        assert one.author is None, "the book's creator is not each article's author"
        assert one.provenance.get("published") == "epub-heuristic"
    assert importers.extract(data, "reading.epub").title == articles[0].title


def test_an_epub_of_numbered_chapters_is_one_book(corpus):
    article = corpus_article(corpus, "nytimes-3")
    half = len(article.paragraphs) // 2
    chapters = [("Chapter 1", article.paragraphs[:half]), ("Chapter 2", article.paragraphs[half:])]
    [extracted] = importers.extract_articles(make_epub(chapters, title=article.title), "b.epub")
    assert extracted.part is None and extracted.title == article.title
    assert extracted.text.startswith("Chapter 1\n\n") and "\n\nChapter 2\n\n" in extracted.text


def test_short_chapters_marked_as_articles_are_articles():
    chapters = [
        ("Storm hits coast", ["A storm hit the coast on Monday, closing ports."]),
        ("Ports reopen", ["The ports reopened on Tuesday after the storm passed."]),
    ]
    data = make_epub(chapters, title="Briefing", epub_type="article")
    assert [e.title for e in importers.extract_articles(data, "briefing.epub")] == [
        "Storm hits coast",
        "Ports reopen",
    ]
    # The same two short chapters, not marked: too short to be articles, so one book.
    [book] = importers.extract_articles(make_epub(chapters, title="Briefing"), "b.epub")
    assert book.title == "Briefing" and book.part is None


def test_epub_bombs_and_damage_are_refused(corpus):
    article = corpus_article(corpus, "nytimes-1")
    data = make_epub([(article.title, article.paragraphs)])
    bomb = _replace_member(data, "EPUB/text/ch001.xhtml", b"<x>" + b" " * (30 * 1024 * 1024))
    with pytest.raises(TooLargeError, match="zip bomb"):
        importers.extract(bomb, "x.epub")
    broken = _replace_member(data, "META-INF/container.xml", b"<container><rootfiles>")
    with pytest.raises(ExtractionError, match="the e-book is damaged"):
        importers.extract(broken, "x.epub")
    with pytest.raises(ExtractionError, match="the e-book is damaged"):
        importers.extract(data[: len(data) // 2], "x.epub")


def test_a_plain_first_line_is_a_guessed_title_and_a_dateline_is_not():
    import docx

    document = docx.Document()
    for line in (
        "Grain deal collapses as Russia walks out",
        "Russia pulled out of the Black Sea grain deal on Monday, officials said.",
    ):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    extracted = importers.extract(out.getvalue(), "deal.docx")
    assert extracted.title == "Grain deal collapses as Russia walks out"
    assert extracted.provenance["title"] == "docx-heuristic"
    assert extracted.text.startswith("Russia pulled out")

    dated = make_rtf("Monday, 17 July 2023", ["Russia pulled out of the deal, officials said."])
    dated = dated.replace(b"{\\title Monday, 17 July 2023}", b"")
    extracted = importers.extract(dated, "deal.rtf")
    assert extracted.title != "Monday, 17 July 2023"


def test_an_epub_2_with_a_guide_and_dated_events_reads_its_publication_date():
    opf = (
        '<?xml version="1.0"?><package version="2.0" xmlns="http://www.idpf.org/2007/opf">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:opf="http://www.idpf.org/2007/opf">'
        "<dc:title>Storm closes ports</dc:title><dc:language>en-GB</dc:language>"
        '<dc:date opf:event="modification">2026-11-30</dc:date>'
        '<dc:date opf:event="publication">2021-07-25</dc:date>'
        '<dc:identifier opf:scheme="URL">https://example.com/storm</dc:identifier>'
        "</metadata><manifest>"
        '<item id="cover" href="cover.html" media-type="application/xhtml+xml"/>'
        '<item id="text" href="Text/story%201.html" media-type="application/xhtml+xml"/>'
        '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>'
        '</manifest><spine toc="ncx"><itemref idref="cover"/><itemref idref="text"/></spine>'
        '<guide><reference type="cover" href="cover.html" title="Cover"/></guide></package>'
    )
    paragraph = "A storm closed the ports of the south coast on Monday, the coastguard said."
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        book.writestr("mimetype", "application/epub+zip")
        book.writestr(
            "META-INF/container.xml",
            '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="OEBPS/content.opf"/></rootfiles></container>',
        )
        book.writestr("OEBPS/content.opf", opf)
        book.writestr("OEBPS/cover.html", "<html><body><p>Cover of the book</p></body></html>")
        book.writestr(
            "OEBPS/Text/story 1.html",
            f"<html><body><div><p>{paragraph}</p><p>{paragraph}</p></div></body></html>",
        )
    extracted = importers.extract(out.getvalue(), "storm.epub")
    assert extracted.title == "Storm closes ports"
    assert extracted.text == f"{paragraph}\n\n{paragraph}", "the cover page is not text"
    assert extracted.published == date(2021, 7, 25)
    assert (extracted.url, extracted.language) == ("https://example.com/storm", "en")


def test_an_epub_of_pictures_only_says_it_holds_no_text():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        book.writestr("mimetype", "application/epub+zip")
        book.writestr(
            "META-INF/container.xml",
            '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="p.opf"/></rootfiles></container>',
        )
        book.writestr(
            "p.opf",
            '<package xmlns="http://www.idpf.org/2007/opf"><manifest>'
            '<item id="a" href="a.svg" media-type="image/svg+xml"/></manifest>'
            '<spine><itemref idref="a"/></spine></package>',
        )
        book.writestr("a.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    with pytest.raises(ExtractionError, match="holds no text"):
        importers.extract(out.getvalue(), "pictures.epub")


def test_an_epub_chapter_of_divisions_keeps_its_paragraphs_apart():
    first = "A storm closed the ports of the south coast on Monday, the coastguard said."
    second = "Ferries were cancelled and fishing boats stayed in harbour until Tuesday."
    body = f"<div>{first}</div><div>{second} <i>More</i> later.</div>"
    data = make_epub([("Storm closes ports", [])], title="Storm closes ports")
    data = _replace_member(
        data,
        "EPUB/text/ch001.xhtml",
        f"<html><body><h1>Storm closes ports</h1>{body}</body></html>".encode(),
    )
    extracted = importers.extract(data, "storm.epub")
    assert extracted.text == f"{first}\n\n{second} More later."
    assert "<i>More</i>" in (extracted.html or "")


def test_office_files_are_recognised_by_content_even_zipped_again_in_another_order(corpus):
    article = corpus_article(corpus, "nytimes-1")
    for data, fmt in (
        (make_docx(article.title, article.paragraphs), "docx"),
        (make_odt(article.title, article.paragraphs), "odt"),
        (make_epub([(article.title, article.paragraphs)]), "epub"),
        (make_rtf(article.title, article.paragraphs), "rtf"),
    ):
        assert importers.importer_for(data, "download.bin").name == fmt
    # An .odt re-zipped by a tool that put its mimetype last, under no suffix.
    source = zipfile.ZipFile(io.BytesIO(make_odt(article.title, article.paragraphs)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in sorted(source.infolist(), key=lambda i: i.filename == "mimetype"):
            copy.writestr(info.filename, source.read(info))
    assert importers.extract(out.getvalue(), "download").title == article.title


# --- News database exports ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["docx", "rtf", "legacy"])
def test_a_nexis_download_is_one_clipping_per_article_with_its_header(corpus, fmt):
    from tests.importers.samples_office import (
        make_lexis_legacy_rtf,
        make_nexis_docx,
        make_nexis_rtf,
    )

    pages = ("nytimes-1", "wapo-1", "herald-sun-1")
    articles = [corpus_article(corpus, page) for page in pages]
    export = [
        (articles[0], "The New York Times", "January 13, 2017 Friday", "Somini Sengupta"),
        (articles[1], "The Washington Post", "January 14, 2017 Saturday", "Erin Cunningham"),
        (articles[2], "Herald Sun (Australia)", "January 15, 2017 Sunday", "Ben Packham"),
    ]
    maker = {"docx": make_nexis_docx, "rtf": make_nexis_rtf, "legacy": make_lexis_legacy_rtf}
    data = maker[fmt](export)
    extracted = importers.extract_articles(data, f"Files (3).{fmt.replace('legacy', 'rtf')}")
    assert [e.part for e in extracted] == [1, 2, 3]
    for one, (article, outlet, dateline, byline) in zip(extracted, export, strict=True):
        assert (one.title, one.outlet) == (article.title, outlet)
        assert (one.author or "").lower() == byline.lower()
        assert one.published == date(2017, 1, int(dateline.split()[1].rstrip(",")))
        assert (one.section, one.page, one.edition) == (
            "Section A; Column 0; Foreign Desk",
            str(one.part),
            "Late Edition - Final",
        )
        assert {one.provenance[f] for f in ("title", "outlet", "published", "author")} == {"nexis"}
        _scores_ok(one, article)  # no header, classification or load date in the text


def test_a_document_that_only_mentions_end_of_document_is_one_article(corpus):
    article = corpus_article(corpus, "nytimes-1")
    paragraphs = (*article.paragraphs, "End of Document")
    [extracted] = importers.extract_articles(make_docx(article.title, paragraphs), "x.docx")
    assert extracted.part is None and extracted.title == article.title


def test_a_word_document_with_entity_declarations_is_refused(corpus):
    article = corpus_article(corpus, "nytimes-1")
    data = make_docx(article.title, article.paragraphs)
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    with pytest.raises(ExtractionError, match="the Word document is damaged"):
        importers.extract(_replace_member(data, "word/document.xml", laughs), "x.docx")


def test_an_epub_of_one_pieces_sections_is_one_book(corpus):
    article = corpus_article(corpus, "nytimes-3")
    third = len(article.paragraphs) // 3
    chapters = [
        ("Winter in the city: the pipes", article.paragraphs[:third]),
        ("Winter in the city: the manholes", article.paragraphs[third : 2 * third]),
        ("Winter in the city: the repairs", article.paragraphs[2 * third :]),
    ]
    [book] = importers.extract_articles(make_epub(chapters, title=article.title), "w.epub")
    assert book.part is None and book.title == article.title


def test_a_flat_opendocument_imports(corpus):
    from html import escape

    article = corpus_article(corpus, "liberation-1")
    paragraphs = "".join(f"<text:p>{escape(p)}</text:p>" for p in article.paragraphs)
    flat = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<office:document '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3" '
        'office:mimetype="application/vnd.oasis.opendocument.text">'
        f"<office:meta><dc:title>{escape(article.title)}</dc:title>"
        "<dc:language>fr-FR</dc:language></office:meta>"
        f"<office:body><office:text>{paragraphs}</office:text></office:body></office:document>"
    ).encode()
    extracted = importers.extract(flat, "article")
    assert extracted.format == "odt"
    assert (extracted.title, extracted.language) == (article.title, "fr")
    _scores_ok(extracted, article)


def test_a_title_property_with_the_outlet_after_the_headline_is_split(corpus):
    article = corpus_article(corpus, "nytimes-1")
    data = make_docx(
        article.title,
        article.paragraphs,
        title_property=f"{article.title} - The New York Times",
    )
    extracted = importers.extract(data, "sudan.docx")
    assert extracted.title == article.title
    assert (extracted.outlet, extracted.provenance["outlet"]) == (
        "The New York Times",
        "docx-heuristic",
    )
    _scores_ok(extracted, article)
