"""Importers: one module per file format behind a registry.

The registry picks an importer by content first (a PDF header, HTML markup, text that
decodes) and by the file name's suffix second, so a ``.xml``, ``.srt`` or suffix-less
file of plain text still imports as text. One exception: when the content looks only
like plain text but the suffix names another format whose importer recognises the bytes
on a longer look (``SUFFIX_SNIFF_BYTES``), the suffix wins. A new format is one module
and one line in ``_IMPORTERS``.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from pathlib import PurePath

from clippings.importers.base import ArticlesImporter, Importer, word_count
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
_FALLBACK = "text"


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
        UnsupportedFormatError: no importer recognises the file.
    """
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
    if data.startswith(b"PK\x03\x04"):
        raise UnsupportedFormatError(
            "a zip archive that is not a readable Clippings bundle (damaged, or made by "
            "another program): unpack it and import the files inside"
        )
    raise UnsupportedFormatError(f"not a text, HTML or PDF file ({describe_suffix(suffix)})")


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
    "extract",
    "extract_articles",
    "importer_for",
    "importers",
    "word_count",
]
