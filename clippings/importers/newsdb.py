"""News database exports: the articles of a Nexis Uni (LexisNexis) download.

A press archivist's Word and RTF files are often not one article typed or pasted, but
a news database's export of one or many articles, each laid out the same way::

    Russia Pulls Out of Grain Deal          <- the headline
    The New York Times                      <- the outlet
    July 18, 2023 Tuesday                   <- the publication date
    Late Edition - Final                    <- the edition (sometimes)
    Copyright 2023 The New York Times Company
    Section: Section A; Column 0; Foreign Desk; Pg. 1
    Length: 1234 words
    Byline: By Anton Troianovski
    Dateline: MOSCOW
    Body
    ...the article...
    Classification                          <- or Graphic, Notes, Load-Date:
    Language: ENGLISH
    Load-Date: July 18, 2023
    End of Document

``export_articles`` recognises that layout in a document's paragraphs (every article
has a "Body" line and a "Length:" or "Load-Date:" field, and ends with "End of
Document") and returns each article with the metadata of its header, which the
database states outright (provenance ``nexis``). Anything else is not an export: the
importer then reads the document as one article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from clippings.importers.dates import parse_dateline
from clippings.importers.office import Block, Body, Fields
from clippings.model import Published

#: Provenance of the metadata a news database's header states.
SOURCE = "nexis"

_END = re.compile(r"end of document", re.IGNORECASE)
_FIELD = re.compile(r"([A-Za-z][A-Za-z-]{1,30})\s*:\s*(.*)", re.DOTALL)
_HEADER_FIELDS = {
    "section",
    "length",
    "byline",
    "dateline",
    "highlight",
    "edition",
    "copyright",
    "load-date",
}
# Lines that end an article's body: the sections a database adds after it.
_AFTER_BODY = {"classification", "graphic", "notes", "correction", "related", "end of document"}
_PAGE = re.compile(r";?\s*pg\.?\s*([\w-]+)\s*$", re.IGNORECASE)


@dataclass
class ExportArticle:
    """One article of an export: its body and what its header says."""

    body: Body
    fields: Fields = field(default_factory=Fields)


def export_articles(body: Body) -> list[ExportArticle] | None:
    """The articles of a news database export, or None when ``body`` is not one."""
    if not any(_END.fullmatch(block.text) for block in body.blocks):
        return None
    segments: list[list[Block]] = [[]]
    for block in body.blocks:
        if _END.fullmatch(block.text):
            segments.append([])
        else:
            segments[-1].append(block)
    segments = [segment for segment in segments if segment]
    articles = [_article(segment) for segment in segments]
    found = [article for article in articles if article is not None]
    # Every segment must read as an article: a document that merely says "End of
    # Document" somewhere is no export.
    return found if found and len(found) == len(segments) else None


def _field(block: Block) -> tuple[str, str] | None:
    match = _FIELD.fullmatch(block.text)
    if match and match.group(1).lower() in _HEADER_FIELDS:
        return match.group(1).lower(), " ".join(match.group(2).split())
    return None


def _article(blocks: list[Block]) -> ExportArticle | None:
    starts = [i for i, block in enumerate(blocks) if block.text.strip().lower() == "body"]
    if not starts:
        return None
    header, rest = blocks[: starts[0]], blocks[starts[0] + 1 :]
    end = next(
        (
            i
            for i, block in enumerate(rest)
            if block.text.strip().lower() in _AFTER_BODY
            or block.text.lower().startswith("load-date:")
        ),
        len(rest),
    )
    body, trailer = rest[:end], rest[end:]
    fields = dict(filter(None, (_field(block) for block in header + trailer)))
    if not header or not body or not ({"length", "load-date"} & set(fields)):
        return None

    found = Fields()
    plain = [b for b in header if _field(b) is None and not b.text.lower().startswith("copyright")]
    if plain:
        found.offer("title", " ".join(plain[0].text.split()), SOURCE)
    published: Published | None = None
    for position, block in enumerate(plain[1:], 1):
        when = parse_dateline(block.text) if published is None else None
        if when is not None:
            published = when
            found.offer("published", when, SOURCE)
            if position > 1:
                found.offer("outlet", plain[position - 1].text, SOURCE)
        elif published is not None and len(block.text) <= 60:
            found.offer("edition", block.text, SOURCE)
    if "outlet" not in found.values and len(plain) > 1 and published is None:
        found.offer("outlet", plain[1].text, SOURCE)
    byline = fields.get("byline", "")
    found.offer("author", re.sub(r"^by\s+", "", byline, flags=re.IGNORECASE), SOURCE)
    section = fields.get("section", "")
    page = _PAGE.search(section)
    if page:
        found.offer("page", page.group(1), SOURCE)
        section = section[: page.start()]
    found.offer("section", section.strip(" ;"), SOURCE)
    return ExportArticle(Body(body), found)
