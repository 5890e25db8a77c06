"""E-books (``.epub``): one clipping for the book, or one per article of a collection.

Read with lxml through ``ZipContainer``, as the format is laid out:
``META-INF/container.xml`` names the package document (OPF), whose metadata gives the
title, creators, date, language and publisher, and whose spine lists the chapters'
XHTML in reading order. Each chapter's XHTML is walked into paragraphs by
``office.body_from_html`` (an e-book has no site furniture to cut, so the web page
extraction, with its guesses, would only lose text). Cover, title page, table of
contents and copyright pages (marked by ``epub:type`` or the EPUB 2 guide) are left
out, and so is anything the spine marks ``linear="no"``.

ebooklib (AGPL-3.0) was weighed and left: its licence binds more than ours does, and
it opens the zip itself, unpacking every member without limits.

**One clipping or several.** A book is one clipping (``part`` None), unless it is a
collection of articles, which becomes one clipping per chapter (``part`` 1, 2, ...,
each titled by its own heading). A book is taken for a collection when it has at least
two chapters and every chapter has its own heading, and either the book marks them as
articles (``epub:type="article"``), or every chapter is of an article's length (at
least ``office.ARTICLE_WORDS`` words) under a heading of its own that is not a
chapter number ("Chapter 3", "IV", "Part Two", "Глава 2") and does not open with the
same two words as all the others ("Storm Report, Part 1", "Storm Report, Part 2").

The reason: what an archivist keeps as an EPUB is either one article converted
(pandoc, a browser's "send to e-reader": a title page and one chapter) or a set of
articles (a read-later export, a magazine issue) whose chapters each are a clipping to
search, tag and relate on its own; a novel's numbered chapters, or one piece's
sections, stay together.

Metadata of a book: ``dc:title`` (``epub-metadata``; else the first heading),
``dc:creator`` as the author, ``dc:date`` as published (explicit publication metadata;
an EPUB 2 date marked as the file's creation or modification is not), ``dc:publisher``
as the outlet, ``dc:source`` or a URL identifier as the URL, ``dc:language``. Of a
collection's article: the publisher as the outlet and the language; the book's date
only as a guess at each article's (``epub-heuristic``: an issue's date); the book's
creator names the compiler, not the article's author, so it is not used.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from lxml import html as lxml_html

from clippings.importers.base import FirstArticle, report_step
from clippings.importers.containers import MB, ZipContainer, is_zip
from clippings.importers.office import (
    ARTICLE_WORDS,
    HEADING,
    Block,
    Body,
    Fields,
    body_from_html,
    finish,
    parse_xml,
    usable_title,
)
from clippings.model import (
    DEFAULT_OPTIONS,
    Extracted,
    ExtractionError,
    ImportOptions,
    UnsupportedFormatError,
)

DAMAGED = "the e-book is damaged"
_NS = {
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
}
_OPF_EVENT = "{http://www.idpf.org/2007/opf}event"
_XHTML_TYPES = {"application/xhtml+xml", "text/html", "application/x-dtbook+xml"}
# Pages of a book that are not its text (EPUB 3 ``epub:type``, EPUB 2 guide types).
_NOT_TEXT = {
    "cover",
    "titlepage",
    "title-page",
    "halftitlepage",
    "toc",
    "landmarks",
    "loi",
    "lot",
    "copyright-page",
    "copyright",
    "colophon",
    "imprint",
    "index",
}
_CHAPTER_LABEL = re.compile(
    r"(?:chapter|part|book|section|kapitel|teil|chapitre|partie|cap[ií]tulo|parte|capitolo|"
    r"глава|часть|розділ|rozdział)?\s*(?:\d+|[ivxlcdm]+|one|two|three|four|five|six|seven|"
    r"eight|nine|ten|eleven|twelve)\b[.:]?",
    re.IGNORECASE,
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


@dataclass
class Chapter:
    """One document of the spine, as paragraphs."""

    body: Body
    heading: Block | None
    marked_article: bool

    @property
    def words(self) -> int:
        return self.body.words()


@dataclass
class Package:
    """What the OPF says: metadata by name, and the chapters' member names in order."""

    metadata: dict[str, list[tuple[str, str | None]]]
    spine: list[str]


class EpubImporter(FirstArticle):
    """An EPUB e-book (2 or 3)."""

    name = "epub"
    label = "E-books (EPUB)"
    suffixes = frozenset({".epub"})

    def sniff(self, head: bytes) -> bool:
        return (
            is_zip(head) and head[30:38] == b"mimetype" and b"application/epub+zip" in head[38:80]
        )

    def extract_articles(
        self, data: bytes, name: str, options: ImportOptions = DEFAULT_OPTIONS
    ) -> Sequence[Extracted]:
        if not is_zip(data):
            raise ExtractionError(f"{DAMAGED}: it is not an EPUB (zip) file")
        with ZipContainer(data, what="e-book") as container:
            if container.has("META-INF/encryption.xml"):
                raise UnsupportedFormatError(
                    "the e-book is protected (DRM or font encryption), and Clippings cannot "
                    "read protected e-books: import a copy without protection"
                )
            package = _package(container)
            chapters = []
            for number, member in enumerate(package.spine, 1):
                report_step(number - 1, len(package.spine), f"reading chapter {number}")
                chapter = _chapter(container.read(member), member)
                if chapter is not None and chapter.body.blocks:
                    chapters.append(chapter)
        if not chapters:
            raise ExtractionError("the e-book holds no text (only pictures, or nothing at all)")
        language = _first(package, "language")
        if _is_collection(chapters):
            return [
                _article(chapter, package, number, language)
                for number, chapter in enumerate(chapters, 1)
            ]
        return [_book(chapters, package, name, language)]


def _first(package: Package, key: str) -> str | None:
    values = package.metadata.get(key) or []
    return values[0][0] if values else None


def _book(chapters: list[Chapter], package: Package, name: str, language: str | None) -> Extracted:
    fields = Fields()
    fields.offer("title", usable_title(_first(package, "title"), name), "epub-metadata")
    creators = [value for value, _event in package.metadata.get("creator", [])]
    fields.offer("author", ", ".join(dict.fromkeys(creators)), "epub-metadata")
    for value, event in package.metadata.get("date", []):
        if event in (None, "", "publication", "original-publication"):
            fields.offer_published(value, "epub-metadata")
    fields.offer("outlet", _first(package, "publisher"), "epub-metadata")
    for key in ("source", "identifier"):
        for value, _event in package.metadata.get(key, []):
            if re.match(r"https?://\S+$", value):
                fields.offer("url", value, "epub-metadata")
    blocks = [block for chapter in chapters for block in chapter.body.blocks]
    return finish("epub", Body(blocks), fields, language=language, language_source="epub-metadata")


def _article(chapter: Chapter, package: Package, number: int, language: str | None) -> Extracted:
    fields = Fields()
    assert chapter.heading is not None  # a collection's chapters all have one
    fields.offer("title", " ".join(chapter.heading.text.split()), HEADING)
    fields.offer("outlet", _first(package, "publisher"), "epub-metadata")
    for value, event in package.metadata.get("date", []):
        if event in (None, "", "publication", "original-publication"):
            fields.offer_published(value, "epub-heuristic")
    return finish(
        "epub",
        chapter.body.without(chapter.heading),
        fields,
        language=language,
        language_source="epub-metadata",
        part=number,
    )


def _is_collection(chapters: list[Chapter]) -> bool:
    """Whether the book is a set of articles (see the module's docstring)."""
    if len(chapters) < 2 or any(chapter.heading is None for chapter in chapters):
        return False
    if all(chapter.marked_article for chapter in chapters):
        return True
    headings = [" ".join(c.heading.text.lower().split()) for c in chapters if c.heading]
    # "Storm Report, Part 1" and "Storm Report, Part 2" are sections of one piece.
    shared = len(set(tuple(heading.split()[:2]) for heading in headings)) == 1
    return (
        not shared
        and all(chapter.words >= ARTICLE_WORDS for chapter in chapters)
        and len(set(headings)) == len(headings)
        and not any(_CHAPTER_LABEL.fullmatch(heading) for heading in headings)
        and not any(_CHAPTER_LABEL.match(heading) and len(heading) < 12 for heading in headings)
    )


def _package(container: ZipContainer) -> Package:
    if not container.has("META-INF/container.xml"):
        raise ExtractionError(f"{DAMAGED}: it has no META-INF/container.xml")
    root = parse_xml(container.read("META-INF/container.xml", limit=MB), DAMAGED)
    rootfile = root.find(".//c:rootfile", namespaces=_NS)
    path = rootfile.get("full-path") if rootfile is not None else None
    if not path:
        raise ExtractionError(f"{DAMAGED}: its container.xml names no package document")
    opf = parse_xml(container.read(path, limit=16 * MB), DAMAGED)
    folder = posixpath.dirname(path)

    metadata: dict[str, list[tuple[str, str | None]]] = {}
    found = opf.find("opf:metadata", namespaces=_NS)
    if found is not None:
        for element in found.iter("{http://purl.org/dc/elements/1.1/}*"):
            key = element.tag.rsplit("}", 1)[-1]
            value = " ".join("".join(element.itertext()).split())
            if value:
                metadata.setdefault(key, []).append((value, element.get(_OPF_EVENT)))

    manifest: dict[str, tuple[str, str, str]] = {}
    for item in opf.iterfind("opf:manifest/opf:item", namespaces=_NS):
        href = item.get("href") or ""
        member = posixpath.normpath(posixpath.join(folder, unquote(href.split("#")[0])))
        manifest[item.get("id") or ""] = (
            member,
            item.get("media-type") or "",
            item.get("properties") or "",
        )
    skipped = {
        posixpath.normpath(posixpath.join(folder, unquote((ref.get("href") or "").split("#")[0])))
        for ref in opf.iterfind("opf:guide/opf:reference", namespaces=_NS)
        if (ref.get("type") or "").lower() in _NOT_TEXT
    }
    spine = []
    for itemref in opf.iterfind("opf:spine/opf:itemref", namespaces=_NS):
        if (itemref.get("linear") or "yes") == "no":
            continue
        entry = manifest.get(itemref.get("idref") or "")
        if entry is None:
            continue
        member, media_type, properties = entry
        is_text = media_type in _XHTML_TYPES and "nav" not in properties.split()
        if is_text and member not in skipped and member not in spine and container.has(member):
            spine.append(member)
    if not spine:
        raise ExtractionError(
            "the e-book holds no text: its pages are pictures, or its package lists no "
            "pages that it holds"
        )
    return Package(metadata, spine)


def _types(element: Any) -> set[str]:
    value = element.get("epub:type") or element.get("{http://www.idpf.org/2007/ops}type") or ""
    return set(value.lower().split())


def _chapter(data: bytes, member: str) -> Chapter | None:
    """One spine document's paragraphs; None for a page that is not the book's text."""
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    text = _XML_DECLARATION.sub("", text, count=1)
    if not text.strip():
        return None
    try:
        root = lxml_html.document_fromstring(text)
    except Exception as error:  # lxml's parser errors have no common public base
        raise ExtractionError(
            f"{DAMAGED}: its chapter {member} cannot be read ({error})"
        ) from error
    body = root.find("body")
    if body is None:
        return None
    # The body, or the sections it is made of, say what kind of page this is.
    kinds = _types(body)
    sections = [child for child in body if isinstance(child.tag, str)]
    for section in sections[:1]:
        kinds |= _types(section)
    if kinds & _NOT_TEXT:
        return None
    content = body_from_html(body)
    return Chapter(content, content.title_heading(), "article" in kinds)
