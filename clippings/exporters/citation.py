"""Citation formats for reference managers: RIS and CSL-JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from clippings.authors import author_list
from clippings.exporters import TextExporter
from clippings.exporters.records import author_record
from clippings.model import Clipping, Collection


def ris_entry(clipping: Clipping) -> str:
    """One RIS record of type NEWS."""
    lines = [("TY", "NEWS"), ("TI", clipping.title)]
    if clipping.outlet:
        lines.append(("T2", clipping.outlet))
        lines.append(("JO", clipping.outlet))
    for author in author_list(clipping.author):
        # RIS wants "Last, First"; an organisation is its name as written.
        lines.append(("AU", author.inverted()))
    if clipping.published is not None:
        day = clipping.published
        lines.append(("PY", f"{day.year:04d}"))
        lines.append(("DA", f"{day.year:04d}/{day.month:02d}/{day.day:02d}/"))
    if clipping.url:
        lines.append(("UR", clipping.url))
    if clipping.imported_at is not None:
        # Y2, the access date: when the page was saved into the archive.
        accessed = clipping.imported_at
        lines.append(("Y2", f"{accessed.year:04d}/{accessed.month:02d}/{accessed.day:02d}/"))
    if clipping.language:
        lines.append(("LA", clipping.language))
    if clipping.page:
        lines.append(("SP", clipping.page))
    if clipping.section:
        lines.append(("SE", clipping.section))
    if clipping.edition:
        lines.append(("ET", clipping.edition))
    for tag in clipping.tags:
        lines.append(("KW", tag))
    if clipping.notes:
        lines.append(("N1", clipping.notes))
    lines.append(("ID", f"clipping-{clipping.id}"))
    body = "".join(f"{key}  - {' '.join(str(value).split())}\r\n" for key, value in lines)
    return body + "ER  - \r\n"


def csl_item(clipping: Clipping) -> dict[str, Any]:
    """One CSL-JSON item of type article-newspaper."""
    item: dict[str, Any] = {
        "id": f"clipping-{clipping.id}",
        "type": "article-newspaper",
        "title": clipping.title,
    }
    if clipping.outlet:
        item["container-title"] = clipping.outlet
    people = [author_record(a) for a in author_list(clipping.author)]
    if people:
        item["author"] = people
    if clipping.published is not None:
        item["issued"] = {"date-parts": [_date_parts(clipping.published)]}
    if clipping.url:
        item["URL"] = clipping.url
    if clipping.imported_at is not None:
        # When the page was saved into the archive: the "accessed" of a web citation.
        item["accessed"] = {"date-parts": [_date_parts(clipping.imported_at)]}
    if clipping.language:
        item["language"] = clipping.language
    if clipping.page:
        item["page"] = clipping.page
    if clipping.section:
        item["section"] = clipping.section
    if clipping.edition:
        item["edition"] = clipping.edition
    if clipping.tags:
        item["keyword"] = ", ".join(clipping.tags)
    return item


def _date_parts(value: date | datetime) -> list[int]:
    return [value.year, value.month, value.day]


class RisExporter(TextExporter):
    name = "ris"
    suffix = ".ris"
    newline = ""  # RIS lines end in "\r\n", as written

    def render(self, collection: Collection, progress: Callable[[int], None]) -> str:
        entries = []
        for number, clipping in enumerate(collection.clippings):
            progress(number)
            entries.append(ris_entry(clipping))
        return "\r\n".join(entries)


class CslJsonExporter(TextExporter):
    name = "csl-json"
    suffix = ".json"

    def render(self, collection: Collection, progress: Callable[[int], None]) -> str:
        progress(0)
        items = [csl_item(c) for c in collection.clippings]
        return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
