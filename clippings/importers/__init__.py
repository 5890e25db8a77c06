"""Importers: one module per file format behind a registry.

The registry picks an importer by content first (a PDF header, HTML markup, text that
decodes) and by the file name's suffix second, so a ``.xml``, ``.srt`` or suffix-less
file of plain text still imports as text. One exception: when the content looks only
like plain text but the suffix names another format whose importer recognises the bytes
on a longer look (``SUFFIX_SNIFF_BYTES``), the suffix wins. A new format is one module
and one line in ``_IMPORTERS``.

What only the plain-text importer would take, and what no importer takes, is first
asked ``kinds.not_an_article`` (what the HTML importer would take, ``kinds.not_a_page``):
JSON, a table, a feed, a licence, code, an archive or a program is refused with the
reason (``UnsupportedFormatError``), so it is never stored as a clipping titled "{" or
"MIT License".
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from pathlib import PurePath

from clippings.importers.base import ArticlesImporter, Importer, word_count
from clippings.importers.kinds import not_a_page, not_an_article
from clippings.model import (
    DEFAULT_OPTIONS,
    Extracted,
    ExtractionError,
    ImportOptions,
    UnsupportedFormatError,
)

# Most specific first: sniffing stops at the first importer that recognises the bytes.
# Modules are imported lazily (trafilatura alone costs half a second).
_IMPORTERS = (
    "clippings.importers.pdf:PdfImporter",
    "clippings.importers.image:ImageImporter",
    # Zip-based and RTF documents, before the text importer takes their bytes for text.
    "clippings.importers.epub:EpubImporter",
    "clippings.importers.odt:OdtImporter",
    "clippings.importers.docx:DocxImporter",
    "clippings.importers.rtf:RtfImporter",
    # Mail before the web page: a saved page and a newsletter carry HTML inside MIME.
    "clippings.importers.mhtml:MhtmlImporter",
    "clippings.importers.mbox:MboxImporter",
    "clippings.importers.mail:EmailImporter",
    "clippings.importers.html:HtmlImporter",
    "clippings.importers.text:TextImporter",
)

#: How many leading bytes sniffing looks at.
SNIFF_BYTES = 8192
#: How far an importer named by the file's suffix may look when content sniffing found
#: only plain text (a saved page can open with tens of kilobytes of CSS).
SUFFIX_SNIFF_BYTES = 262144
#: The importer that takes anything readable: its guess yields to a suffix's importer.
#: What it is given is first asked ``not_an_article`` (data, code, a feed, a licence).
_FALLBACK = "text"
#: The importer of any markup: what it is given is first asked ``not_a_page`` (a feed
#: or an XML export that carries HTML).
_PAGES = "html"


@cache
def importers() -> tuple[Importer, ...]:
    """Every registered importer, most specific first."""
    found = []
    for spec in _IMPORTERS:
        module, _, name = spec.partition(":")
        found.append(getattr(import_module(module), name)())
    return tuple(found)


def importer_for(data: bytes, name: str) -> Importer:
    """The importer for a file: by content first, by suffix second.

    Raises:
        UnsupportedFormatError: no importer recognises the file, or the one that would
            take it would take something that is not an article (the reason says what:
            "a JSON data file, not an article").
    """
    importer = _recognise(data, name)
    reason = None
    if importer.name == _FALLBACK:
        reason = not_an_article(data, name)
    elif importer.name == _PAGES:
        reason = not_a_page(data)
    if reason is not None:
        raise UnsupportedFormatError(reason)
    return importer


def _recognise(data: bytes, name: str) -> Importer:
    head = data[:SNIFF_BYTES]
    suffix = PurePath(name).suffix.lower()
    by_suffix = next((i for i in importers() if suffix and suffix in i.suffixes), None)
    for importer in importers():
        if importer.sniff(head):
            # Plain text is what nearly anything readable looks like. When the name says
            # another format and that importer recognises the bytes on a longer look
            # (an ``.html`` page whose markup starts late), the name wins.
            if (
                importer.name == _FALLBACK
                and by_suffix is not None
                and by_suffix is not importer
                and len(data) > len(head)
                and by_suffix.sniff(data[:SUFFIX_SNIFF_BYTES])
            ):
                return by_suffix
            return importer
    if by_suffix is not None:
        return by_suffix
    if not data:
        raise UnsupportedFormatError("the file is empty")
    reason = not_an_article(data, name)
    if reason is not None:
        raise UnsupportedFormatError(reason)
    if data.startswith(b"PK\x03\x04"):
        raise UnsupportedFormatError(
            "a zip archive that is not a readable Clippings bundle (damaged, or made by "
            "another program): unpack it and import the files inside"
        )
    raise UnsupportedFormatError(f"not a format Clippings reads ({describe_suffix(suffix)})")


def accepted_formats() -> list[tuple[str, tuple[str, ...]]]:
    """Every kind of file an import reads: its name as a person knows it and its
    suffixes (``("Web pages", (".htm", ".html", ...))``), in the registry's order, then
    the Clippings bundle. The one list the import dialog's file filter, the README and
    the desktop file's types are made from.

    An importer names its format with ``label``; one without (made before ``label``
    existed) is listed under its ``name``.
    """
    from clippings.importers.bundle import BUNDLE_LABEL, BUNDLE_SUFFIX  # nh3 and zip limits: lazily

    labels: dict[str, set[str]] = {}
    for importer in importers():
        label = getattr(importer, "label", None) or importer.name
        labels.setdefault(label, set()).update(importer.suffixes)
    labels.setdefault(BUNDLE_LABEL, set()).add(BUNDLE_SUFFIX)
    return [(label, tuple(sorted(suffixes))) for label, suffixes in labels.items() if suffixes]


def describe_suffix(suffix: str) -> str:
    return f"a {suffix} file" if suffix else "a file with no name suffix"


def extract(data: bytes, name: str, options: ImportOptions = DEFAULT_OPTIONS) -> Extracted:
    """Extract one file's article text and metadata with the importer it needs (the
    first article of a file that holds several)."""
    return importer_for(data, name).extract(data, name, options)


def extract_articles(
    data: bytes, name: str, options: ImportOptions = DEFAULT_OPTIONS
) -> tuple[Extracted, ...]:
    """Every article of one file: one for most files, one per article of a file that
    holds several (``ArticlesImporter``)."""
    importer = importer_for(data, name)
    if isinstance(importer, ArticlesImporter):
        articles = tuple(importer.extract_articles(data, name, options))
        if not articles:
            raise ExtractionError("the file holds no article")
        return articles
    return (importer.extract(data, name, options),)


__all__ = [
    "ArticlesImporter",
    "Importer",
    "accepted_formats",
    "extract",
    "extract_articles",
    "importer_for",
    "importers",
    "not_a_page",
    "not_an_article",
    "word_count",
]
