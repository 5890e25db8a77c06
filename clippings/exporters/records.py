"""What every export format says about a clipping, and safe file names."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from clippings.authors import Author, author_list
from clippings.model import Clipping, published_to_iso

#: The fields of ``clippings show --json``, in that order.
RECORD_FIELDS = (
    "id",
    "title",
    "outlet",
    "author",
    "authors",
    "published",
    "language",
    "url",
    "text",
    "tags",
    "word_count",
    "page",
    "section",
    "edition",
    "notes",
    "original_name",
    "sha256",
    "imported_at",
    "provenance",
    "format",
    "has_text",
    "trashed",
    "copies",
)


def clipping_record(clipping: Clipping) -> dict[str, Any]:
    """A clipping as plain JSON-ready data (the fields of ``show --json``)."""
    return {
        "id": clipping.id,
        "title": clipping.title,
        "outlet": clipping.outlet,
        "author": clipping.author,
        # The same names as a list, each a person (family and given names) or a literal.
        "authors": [author_record(a) for a in author_list(clipping.author)],
        "published": published_to_iso(clipping.published),
        "language": clipping.language,
        "url": clipping.url,
        "text": clipping.text,
        "tags": list(clipping.tags),
        "word_count": clipping.word_count,
        "page": clipping.page,
        "section": clipping.section,
        "edition": clipping.edition,
        "notes": clipping.notes,
        "original_name": clipping.original_name,
        "sha256": clipping.sha256,
        "imported_at": clipping.imported_at.isoformat(timespec="seconds")
        if clipping.imported_at
        else None,
        "provenance": dict(clipping.provenance),
        "format": clipping.format,
        "has_text": clipping.has_text,
        "trashed": clipping.trashed,
        # The same piece in other formats, kept as originals of this clipping.
        "copies": [
            {
                "original_name": copy.original_name,
                "format": copy.format,
                "sha256": copy.sha256,
                "added_at": copy.added_at.isoformat(timespec="seconds") if copy.added_at else None,
            }
            for copy in clipping.copies
        ],
    }


# Names Windows refuses for a file, whatever the suffix.
_RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{n}" for p in ("com", "lpt") for n in range(10)}
# Letters, digits, spaces, "." and "-" stay; so do combining marks, or Thai and Burmese
# words would break apart at every vowel sign ("ผล-DNA-ย-นย-น").
_UNSAFE = re.compile(r"[^\w\s.\-\u0300-\u036f\u0900-\u0dff\u0e00-\u0eff\u1000-\u109f]+")
_SPACES = re.compile(r"\s+")


def safe_name(
    wanted: str, suffix: str = "", *, taken: set[str] | None = None, limit: int = 80
) -> str:
    """A readable file name made from ``wanted`` that cannot leave its folder.

    No path separators, no ``..``, no leading dot, no reserved device names, no
    control characters; at most ``limit`` characters before the suffix; unique among
    ``taken`` (compared without case), which it then joins.
    """
    text = unicodedata.normalize("NFC", wanted)
    text = _UNSAFE.sub(" ", text)
    text = _SPACES.sub(" ", text).strip(" .-")
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0].strip(" .-") or text[:limit]
    text = text.replace(" ", "-") or "clipping"
    if text.split(".")[0].lower() in _RESERVED:
        text = "_" + text
    name = text + suffix
    if taken is not None:
        number = 2
        while name.lower() in taken:
            name = f"{text}-{number}{suffix}"
            number += 1
        taken.add(name.lower())
    return name


def author_record(author: Author) -> dict[str, str]:
    """A CSL name: family, given (and suffix) for a person; a literal for the rest."""
    if author.family is None:
        return {"literal": author.name}
    record = {"family": author.family}
    if author.given:
        record["given"] = author.given
    if author.suffix:
        record["suffix"] = author.suffix
    return record
