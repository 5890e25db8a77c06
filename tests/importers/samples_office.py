"""Word, OpenDocument, RTF and EPUB files made from real articles, for tests and benches.

``make_docx`` writes with python-docx and ``make_odt`` with odfpy (the libraries people's
tools use), ``make_rtf`` and ``make_epub`` by hand as their specifications lay them out.
``corpus_article`` and ``russian_article`` read an article of the shared corpus;
``word_scores`` measures an extraction's word precision and recall against it.
The per-format evaluation (``bench/``) imports this module with ``tests/`` on its path.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class Article:
    title: str
    paragraphs: tuple[str, ...]
    language: str


def corpus_article(corpus: Path, page: str) -> Article:
    """A readability test page's article: its title and the paragraphs of its expected
    main text (``readability/test-pages/<page>``)."""
    from lxml import html as lxml_html

    folder = corpus / "readability" / "test-pages" / page
    metadata = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
    tree = lxml_html.fromstring((folder / "expected.html").read_text(encoding="utf-8"))
    paragraphs = []
    for element in tree.iter("p"):
        text = " ".join(element.text_content().split())
        if len(text.split()) >= 5:
            paragraphs.append(text)
    language = (metadata.get("lang") or "en").split("-")[0]
    return Article(metadata["title"], tuple(paragraphs), language)


def russian_article(corpus: Path) -> Article:
    """Russian news text of the corpus (a cp1251 feed): the first item's headline and the
    items' summaries as paragraphs."""
    feed = corpus / "encodings" / "chardet-tests" / "windows-1251-russian" / "newsru.com.xml"
    text = feed.read_bytes().decode("cp1251")
    titles = re.findall(r"<item>\s*<title>(.*?)</title>", text, re.DOTALL)
    summaries = re.findall(r"<description>(.*?)</description>", text, re.DOTALL)[1:9]
    paragraphs = tuple(" ".join(html.unescape(s).split()) for s in summaries)
    return Article(" ".join(titles[0].split()), paragraphs, "ru")


_WORD = re.compile(r"\w+")


def word_scores(extracted: str, reference: str) -> tuple[float, float]:
    """(precision, recall) of ``extracted``'s words against ``reference``'s (lower case,
    counted with repetition)."""
    ours = Counter(w.lower() for w in _WORD.findall(extracted))
    theirs = Counter(w.lower() for w in _WORD.findall(reference))
    common = sum((ours & theirs).values())
    precision = common / max(sum(ours.values()), 1)
    recall = common / max(sum(theirs.values()), 1)
    return precision, recall


# --- Word ------------------------------------------------------------------------------

_CUSTOM = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="published">'
    "<vt:lpwstr>{value}</vt:lpwstr></property></Properties>"
)


def make_docx(
    title: str,
    paragraphs: list[str] | tuple[str, ...],
    author: str | None = None,
    published: date | None = None,
    *,
    title_property: bool | str = True,
    created: str | None = None,
    modified: str | None = None,
) -> bytes:
    """A Word document: the title in the Title style (and in the properties when
    ``title_property``, or that text), the paragraphs, ``published`` as a custom property."""
    from datetime import datetime

    import docx

    document = docx.Document()
    document.add_paragraph(title, style="Title")
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    properties = document.core_properties
    if isinstance(title_property, str):
        properties.title = title_property
    else:
        properties.title = title if title_property else ""
    properties.author = author or ""
    if created:
        properties.created = datetime.fromisoformat(created)
    if modified:
        properties.modified = datetime.fromisoformat(modified)
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    if published is not None:
        data = _with_custom_published(data, published.isoformat())
    return data


def _with_custom_published(data: bytes, value: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/docProps/custom.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>',
                )
            elif info.filename == "_rels/.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdCustom" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/custom-properties" '
                    b'Target="docProps/custom.xml"/></Relationships>',
                )
            copy.writestr(info, content)
        copy.writestr("docProps/custom.xml", _CUSTOM.replace("{value}", value))
    return out.getvalue()


# --- OpenDocument ----------------------------------------------------------------------


def make_odt(
    title: str,
    paragraphs: list[str] | tuple[str, ...],
    author: str | None = None,
    published: date | None = None,
    *,
    title_property: bool = True,
) -> bytes:
    """An OpenDocument text written by odfpy: the title as a heading (and ``dc:title``),
    the paragraphs, ``published`` as a user-defined property."""
    from odf import dc, meta
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TextProperties
    from odf.text import H, P

    document = OpenDocumentText()
    heading = Style(name="Heading_20_1", displayname="Heading 1", family="paragraph")
    heading.addElement(TextProperties(fontsize="18pt", fontweight="bold"))
    document.styles.addElement(heading)
    document.text.addElement(H(outlinelevel=1, stylename=heading, text=title))
    for paragraph in paragraphs:
        document.text.addElement(P(text=paragraph))
    if title_property:
        document.meta.addElement(dc.Title(text=title))
    if author:
        document.meta.addElement(meta.InitialCreator(text=author))
    if published is not None:
        document.meta.addElement(
            meta.UserDefined(name="published", valuetype="date", text=published.isoformat())
        )
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


# --- RTF -------------------------------------------------------------------------------


def rtf_escape(text: str, codepage: int = 1252) -> str:
    """``text`` as RTF: 8-bit characters as ``\\'xx`` in the code page, the rest ``\\uN?``."""
    out = []
    for char in text:
        if char in "\\{}":
            out.append("\\" + char)
        elif ord(char) < 128:
            out.append(char)
        else:
            try:
                out.append("".join(f"\\'{b:02x}" for b in char.encode(f"cp{codepage}")))
            except UnicodeEncodeError:
                code = ord(char)
                out.append(f"\\u{code if code < 32768 else code - 65536}?")
    return "".join(out)


def make_rtf(
    title: str,
    paragraphs: list[str] | tuple[str, ...],
    author: str | None = None,
    published: date | None = None,
    *,
    codepage: int = 1252,
    info_title: bool = True,
) -> bytes:
    """An RTF document as Word and WordPad write one: ``\\ansicpg``, a font table, an
    ``{\\info}`` group (title, author, creation time), the title as a bold first line."""
    charset = {1251: 204, 1250: 238, 1253: 161}.get(codepage, 0)
    info = []
    if info_title:
        info.append("{\\title " + rtf_escape(title, codepage) + "}")
    if author:
        info.append("{\\author " + rtf_escape(author, codepage) + "}")
    if published is not None:
        info.append(
            f"{{\\creatim\\yr{published.year}\\mo{published.month}\\dy{published.day}\\hr9\\min30}}"
        )
        info.append(
            f"{{\\revtim\\yr{published.year}\\mo{published.month}\\dy{published.day}\\hr17\\min2}}"
        )
    lines = [
        f"{{\\rtf1\\ansi\\ansicpg{codepage}\\deff0\\deflang1033",
        f"{{\\fonttbl{{\\f0\\froman\\fcharset{charset} Times New Roman;}}}}",
        "{\\colortbl;\\red0\\green0\\blue0;}",
        "{\\*\\generator Clippings tests;}",
        "{\\info" + "".join(info) + "}",
        "\\viewkind4\\uc1",
        "\\pard\\sa200\\outlinelevel0\\b\\fs32 " + rtf_escape(title, codepage) + "\\b0\\fs24\\par",
    ]
    for paragraph in paragraphs:
        lines.append("\\pard\\sa200\\f0 " + rtf_escape(paragraph, codepage) + "\\par")
    lines.append("}")
    return "\r\n".join(lines).encode("ascii")


# --- EPUB ------------------------------------------------------------------------------


def _xhtml(title: str, body: str, epub_type: str = "chapter") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
        f"<head><title>{html.escape(title)}</title></head><body>"
        f'<section epub:type="{epub_type}">{body}</section></body></html>'
    )


def make_epub(
    chapters: list[tuple[str, list[str] | tuple[str, ...]]],
    title: str | None = None,
    author: str | None = None,
    published: date | None = None,
    *,
    language: str = "en",
    publisher: str | None = None,
    source: str | None = None,
    epub_type: str = "chapter",
) -> bytes:
    """An EPUB 3 as pandoc writes one: a title page, a navigation document and one XHTML
    document a chapter (``<h1>`` heading, ``<p>`` paragraphs)."""
    book_title = title or chapters[0][0]
    names = [f"text/ch{number:03d}.xhtml" for number in range(1, len(chapters) + 1)]
    metadata = [
        f'<dc:identifier id="id">urn:sha1:{hashlib.sha1(book_title.encode()).hexdigest()}'
        "</dc:identifier>",
        f"<dc:title>{html.escape(book_title)}</dc:title>",
        f"<dc:language>{language}</dc:language>",
        '<meta property="dcterms:modified">2026-11-30T09:00:00Z</meta>',
    ]
    if author:
        metadata.append(f"<dc:creator>{html.escape(author)}</dc:creator>")
    if published:
        metadata.append(f"<dc:date>{published.isoformat()}</dc:date>")
    if publisher:
        metadata.append(f"<dc:publisher>{html.escape(publisher)}</dc:publisher>")
    if source:
        metadata.append(f"<dc:source>{html.escape(source)}</dc:source>")
    manifest = [
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
        '<item id="title_page" href="text/title_page.xhtml" media-type="application/xhtml+xml"/>',
    ]
    spine = ['<itemref idref="title_page" linear="yes"/>']
    for number, name in enumerate(names, 1):
        manifest.append(f'<item id="ch{number}" href="{name}" media-type="application/xhtml+xml"/>')
        spine.append(f'<itemref idref="ch{number}"/>')
    spine.append('<itemref idref="nav" linear="no"/>')
    opf = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<package version="3.0" xmlns="http://www.idpf.org/2007/opf" unique-identifier="id">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        + "".join(metadata)
        + "</metadata><manifest>"
        + "".join(manifest)
        + "</manifest><spine>"
        + "".join(spine)
        + "</spine></package>"
    )
    container = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
        '<rootfiles><rootfile full-path="EPUB/content.opf" '
        'media-type="application/oebps-package+xml"/></rootfiles></container>'
    )
    toc = "".join(
        f'<li><a href="{name}">{html.escape(heading)}</a></li>'
        for name, (heading, _paragraphs) in zip(names, chapters, strict=True)
    )
    nav = _xhtml("Contents", f'<nav epub:type="toc"><ol>{toc}</ol></nav>', "toc")
    title_page = _xhtml(
        book_title,
        f"<h1>{html.escape(book_title)}</h1><p>{html.escape(author or '')}</p>",
        "titlepage",
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr(
            zipfile.ZipInfo("mimetype"), "application/epub+zip", compress_type=zipfile.ZIP_STORED
        )
        book.writestr("META-INF/container.xml", container)
        book.writestr("EPUB/content.opf", opf)
        book.writestr("EPUB/nav.xhtml", nav)
        book.writestr("EPUB/text/title_page.xhtml", title_page)
        for name, (heading, paragraphs) in zip(names, chapters, strict=True):
            body = f"<h1>{html.escape(heading)}</h1>" + "".join(
                f"<p>{html.escape(p)}</p>" for p in paragraphs
            )
            book.writestr(f"EPUB/{name}", _xhtml(heading, body, epub_type))
    return out.getvalue()


#: The corpus article the contract test's and the bench's samples are made from.
SAMPLE_PAGE = "nytimes-1"


def sample(fmt: str, corpus: Path, page: str = SAMPLE_PAGE) -> tuple[str, bytes]:
    """A file name and the bytes of one format's sample, made from a corpus article."""
    article = corpus_article(corpus, page)
    day = date(2017, 1, 13)
    if fmt == "docx":
        return "article.docx", make_docx(article.title, article.paragraphs, "Jane Doe", day)
    if fmt == "odt":
        return "article.odt", make_odt(article.title, article.paragraphs, "Jane Doe", day)
    if fmt == "rtf":
        return "article.rtf", make_rtf(article.title, article.paragraphs, "Jane Doe", day)
    if fmt == "epub":
        chapters = [(article.title, article.paragraphs)]
        return "article.epub", make_epub(chapters, author="Jane Doe", published=day)
    raise ValueError(fmt)


def nexis_lines(
    articles: list[tuple[Article, str, str, str]],
) -> list[str]:
    """The paragraphs of a Nexis Uni download of ``articles`` (article, outlet, date
    line, byline), laid out as the database lays them out."""
    lines: list[str] = []
    for number, (article, outlet, dateline, byline) in enumerate(articles, 1):
        lines += [
            article.title,
            outlet,
            dateline,
            "Late Edition - Final",
            f"Copyright 2017 {outlet}",
            f"Section: Section A; Column 0; Foreign Desk; Pg. {number}",
            f"Length: {sum(len(p.split()) for p in article.paragraphs)} words",
            f"Byline: By {byline}",
            "Body",
            *article.paragraphs,
            "Classification",
            "Language: ENGLISH",
            "Publication-Type: Newspaper",
            "Subject: INTERNATIONAL RELATIONS (90%); SANCTIONS (89%)",
            f"Load-Date: {dateline.rsplit(' ', 1)[0]}",
            "End of Document",
        ]
    return lines


def make_nexis_docx(articles: list[tuple[Article, str, str, str]]) -> bytes:
    """A Word file of a Nexis Uni download (see ``nexis_lines``)."""
    import docx

    document = docx.Document()
    for line in nexis_lines(articles):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_nexis_rtf(articles: list[tuple[Article, str, str, str]]) -> bytes:
    """An RTF file of a Nexis Uni download (see ``nexis_lines``)."""
    lines = ["{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Times New Roman;}}"]
    lines += ["\\pard " + rtf_escape(line) + "\\par" for line in nexis_lines(articles)]
    return "\r\n".join([*lines, "}"]).encode("ascii")


def make_lexis_legacy_rtf(articles: list[tuple[Article, str, str, str]]) -> bytes:
    """An RTF download in the LexisNexis Academic layout of before 2018: "1 of 3
    DOCUMENTS", outlet, date, edition, headline, capitalised fields around the body."""
    lines: list[str] = []
    for number, (article, outlet, dateline, byline) in enumerate(articles, 1):
        lines += [
            f"{number} of {len(articles)} DOCUMENTS",
            outlet,
            dateline,
            "Late Edition - Final",
            article.title,
            f"BYLINE: By {byline.upper()}",
            f"SECTION: Section A; Column 0; Foreign Desk; Pg. {number}",
            f"LENGTH: {sum(len(p.split()) for p in article.paragraphs)} words",
            *article.paragraphs,
            "URL: http://www.example.com/article",
            f"LOAD-DATE: {dateline.rsplit(' ', 1)[0]}",
            "LANGUAGE: ENGLISH",
            "PUBLICATION-TYPE: Newspaper",
            f"Copyright 2017 {outlet}",
        ]
    rtf = ["{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Courier New;}}"]
    rtf += ["\\pard " + rtf_escape(line) + "\\par\\par" for line in lines]
    return "\r\n".join([*rtf, "}"]).encode("ascii")
