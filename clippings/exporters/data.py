"""Data formats: CSV, JSON and Markdown (one file each)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

from clippings.exporters import TextExporter
from clippings.exporters.records import RECORD_FIELDS, clipping_record
from clippings.model import Clipping, Collection, published_to_iso

#: CSV columns: every field of a record but the provenance map, tags joined by "; ".
CSV_FIELDS = tuple(f for f in RECORD_FIELDS if f not in ("provenance", "trashed", "copies"))


def csv_text(clippings: tuple[Clipping, ...]) -> str:
    """UTF-8 CSV with a header row and one row per clipping."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for clipping in clippings:
        record = clipping_record(clipping)
        record["tags"] = "; ".join(record["tags"])
        writer.writerow(record)
    return out.getvalue()


def json_text(clippings: tuple[Clipping, ...]) -> str:
    return json.dumps([clipping_record(c) for c in clippings], ensure_ascii=False, indent=2)


class CsvExporter(TextExporter):
    name = "csv"
    suffix = ".csv"
    newline = ""  # the csv module writes its own line ends

    def render(self, collection: Collection, progress: Callable[[int], None]) -> str:
        progress(0)
        return csv_text(collection.clippings)


class JsonExporter(TextExporter):
    name = "json"
    suffix = ".json"

    def render(self, collection: Collection, progress: Callable[[int], None]) -> str:
        progress(0)
        return json_text(collection.clippings) + "\n"


class MarkdownExporter(TextExporter):
    name = "markdown"
    suffix = ".md"

    def render(self, collection: Collection, progress: Callable[[int], None]) -> str:
        count = len(collection.clippings)
        parts = [
            f"# {_md_line(collection.title)}",
            "",
            f"{count} clipping{'s' if count != 1 else ''}, exported {collection.made_at:%Y-%m-%d}.",
        ]
        for number, clipping in enumerate(collection.clippings):
            progress(number)
            parts += ["", "---", "", f"## {_md_line(clipping.title)}", ""]
            when = (published_to_iso(clipping.published) or "")[:10]
            meta = [m for m in (clipping.outlet, when, clipping.author) if m]
            if meta:
                parts.append("*" + _md_line(" · ".join(meta)) + "*  ")
            if clipping.url:
                parts.append(f"<{clipping.url}>  ")
            if clipping.tags:
                parts.append("Tags: " + ", ".join(clipping.tags))
            parts.append("")
            parts.append(clipping.text if clipping.has_text else "*(a scan without text)*")
        return "\n".join(parts) + "\n"


def _md_line(text: str) -> str:
    """One line of Markdown: no line breaks, no accidental emphasis or headings."""
    flat = " ".join(text.split())
    for char in "\\*_`[]<>#":
        flat = flat.replace(char, "\\" + char)
    return flat
