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

The older LexisNexis Academic layout (downloads made before 2018) starts each article
with "1 of 3 DOCUMENTS", then the outlet, the date, the edition and the headline,
then capitalised fields ("BYLINE:", "SECTION:", "LENGTH: 1234 words") above the body
and others ("LOAD-DATE:", "LANGUAGE:", "URL:", the copyright line) below it.

``export_articles`` recognises either layout in a document's paragraphs (every
article has a "Length:" or "Load-Date:" field, and the body's place is certain) and
returns each article with the metadata of its header, which the database states
outright (provenance ``nexis``). Anything else is not an export: the importer then
reads the document as one article.
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
_LEGACY_START = re.compile(r"\d{1,5} of \d{1,5} documents?", re.IGNORECASE)
# Fields below an article's body in the older layout.
_LEGACY_TRAILER = {
    "load-date",
    "language",
    "url",
    "graphic",
    "publication-type",
    "correction-date",
    "notes",
    "subject",
    "organization",
    "person",
    "geographic",
    "industry",
    "ticker",
    "document-type",
    "journal-code",
    "type",
}
_PAGE = re.compile(r";?\s*pg\.?\s*([\w-]+)\s*$", re.IGNORECASE)


@dataclass
class ExportArticle:
    """One article of an export: its body and what its header says."""

    body: Body
    fields: Fields = field(default_factory=Fields)


def export_articles(body: Body) -> list[ExportArticle] | None:
    """The articles of a news database export, or None when ``body`` is not one."""
    segments: list[list[Block]] = [[]]
    if any(_END.fullmatch(block.text) for block in body.blocks):
        for block in body.blocks:
            if _END.fullmatch(block.text):
                segments.append([])
            else:
                segments[-1].append(block)
        read = _article
    elif any(_LEGACY_START.fullmatch(block.text) for block in body.blocks):
        for block in body.blocks:
            if _LEGACY_START.fullmatch(block.text):
                segments.append([])
            elif len(segments) > 1:  # what comes before the first article is a cover
                segments[-1].append(block)
        read = _legacy_article
    else:
        return None
    segments = [segment for segment in segments if segment]
    articles = [read(segment) for segment in segments]
    found = [article for article in articles if article is not None]
    # Every segment must read as an article: a document that merely says "End of
    # Document" somewhere is no export.
    return found if found and len(found) == len(segments) else None


def _field_name(block: Block) -> str:
    match = _FIELD.fullmatch(block.text)
    return match.group(1).lower() if match else ""


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
    plain = [b.text for b in header if _field(b) is None and not _is_copyright(b)]
    if plain:
        found.offer("title", " ".join(plain[0].split()), SOURCE)
    published: Published | None = None
    for position, line in enumerate(plain[1:], 1):
        when = parse_dateline(line) if published is None else None
        if when is not None:
            published = when
            found.offer("published", when, SOURCE)
            if position > 1:
                found.offer("outlet", plain[position - 1], SOURCE)
        elif published is not None and len(line) <= 60:
            found.offer("edition", line, SOURCE)
    if "outlet" not in found.values and len(plain) > 1 and published is None:
        found.offer("outlet", plain[1], SOURCE)
    _offer_fields(found, fields)
    return ExportArticle(Body(body), found)


def _is_copyright(block: Block) -> bool:
    return block.text.lower().startswith(("copyright", "©"))


def _legacy_article(blocks: list[Block]) -> ExportArticle | None:
    """An article in the LexisNexis Academic layout (see the module's docstring)."""
    first = next((i for i, block in enumerate(blocks) if _field(block)), None)
    if first is None:
        return None
    last = first
    while last + 1 < len(blocks) and _field(blocks[last + 1]):
        last += 1
    end = next(
        (
            i
            for i in range(last + 1, len(blocks))
            if _is_copyright(blocks[i]) or _field_name(blocks[i]) in _LEGACY_TRAILER
        ),
        len(blocks),
    )
    body = blocks[last + 1 : end]
    fields = dict(filter(None, (_field(block) for block in blocks[first : last + 1])))
    if any(_field_name(block) == "load-date" for block in blocks[end:]):
        fields.setdefault("load-date", "yes")
    plain = [block.text for block in blocks[:first]]
    if not body or len(plain) < 2 or not ({"length", "load-date"} & set(fields)):
        return None
    found = Fields()
    found.offer("outlet", plain[0], SOURCE)
    found.offer("title", " ".join(plain[-1].split()), SOURCE)
    for line in plain[1:-1]:
        when = parse_dateline(line)
        if when is not None and "published" not in found.values:
            found.offer("published", when, SOURCE)
        elif "published" in found.values and len(line) <= 60:
            found.offer("edition", line, SOURCE)
    _offer_fields(found, fields)
    return ExportArticle(Body(body), found)


def _offer_fields(found: Fields, fields: dict[str, str]) -> None:
    """The byline, section and page of an article's header fields."""
    byline = fields.get("byline", "")
    found.offer("author", re.sub(r"^by\s+", "", byline, flags=re.IGNORECASE), SOURCE)
    section = fields.get("section", "")
    page = _PAGE.search(section)
    if page:
        found.offer("page", page.group(1), SOURCE)
        section = section[: page.start()]
    found.offer("section", section.strip(" ;"), SOURCE)
