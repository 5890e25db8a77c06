"""Data formats: CSV, JSON and Markdown (one file each)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from clippings.exporters import Cancel, ReadOriginal, Report, step
from clippings.exporters.records import RECORD_FIELDS, clipping_record
from clippings.model import Clipping, Collection, published_to_iso

#: CSV columns: every field of a record but the provenance map, tags joined by "; ".
CSV_FIELDS = tuple(f for f in RECORD_FIELDS if f not in ("provenance", "trashed"))


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


class CsvExporter:
    name = "csv"
    suffix = ".csv"

    def write(
        self,
        collection: Collection,
        path: Path,
        *,
        read_original: ReadOriginal,
        report: Report | None = None,
        cancel: Cancel | None = None,
    ) -> None:
        step(report, cancel, 0, 1)
        path.write_text(csv_text(collection.clippings), encoding="utf-8", newline="")
        step(report, None, 1, 1)


class JsonExporter:
    name = "json"
    suffix = ".json"

    def write(
        self,
        collection: Collection,
        path: Path,
        *,
        read_original: ReadOriginal,
        report: Report | None = None,
        cancel: Cancel | None = None,
    ) -> None:
        step(report, cancel, 0, 1)
        path.write_text(json_text(collection.clippings) + "\n", encoding="utf-8")
        step(report, None, 1, 1)


class MarkdownExporter:
    name = "markdown"
    suffix = ".md"

    def write(
        self,
        collection: Collection,
        path: Path,
        *,
        read_original: ReadOriginal,
        report: Report | None = None,
        cancel: Cancel | None = None,
    ) -> None:
        parts = [f"# {_md_line(collection.title)}", ""]
        count = len(collection.clippings)
        parts.append(
            f"{count} clipping{'s' if count != 1 else ''}, exported {collection.made_at:%Y-%m-%d}."
        )
        for number, clipping in enumerate(collection.clippings, start=1):
            step(report, cancel, number - 1, count)
            parts += ["", "---", "", f"## {_md_line(clipping.title)}", ""]
            meta = [
                m
                for m in (
                    clipping.outlet,
                    (published_to_iso(clipping.published) or "")[:10],
                    clipping.author,
                )
                if m
            ]
            if meta:
                parts.append("*" + _md_line(" · ".join(meta)) + "*  ")
            if clipping.url:
                parts.append(f"<{clipping.url}>  ")
            if clipping.tags:
                parts.append("Tags: " + ", ".join(clipping.tags))
            parts.append("")
            parts.append(clipping.text if clipping.has_text else "*(a scan without text)*")
        path.write_text("\n".join(parts) + "\n", encoding="utf-8")
        step(report, None, count, count)


def _md_line(text: str) -> str:
    """One line of Markdown: no line breaks, no accidental emphasis or headings."""
    flat = " ".join(text.split())
    for char in "\\*_`[]<>#":
        flat = flat.replace(char, "\\" + char)
    return flat
