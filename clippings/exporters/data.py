"""Data formats: CSV, JSON and Markdown (one file each)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime

from clippings.exporters import TextExporter
from clippings.exporters.records import RECORD_FIELDS, clipping_record
from clippings.model import Clipping, Collection, published_to_iso

#: CSV columns: every field of a record but the provenance map and the structured lists,
#: tags joined by "; ", and ``published_at`` beside ``published`` (see ``csv_text``).
CSV_FIELDS = tuple(
    f for f in RECORD_FIELDS if f not in ("provenance", "trashed", "copies", "authors")
)
CSV_FIELDS = (
    *CSV_FIELDS[: CSV_FIELDS.index("published") + 1],
    "published_at",
    *CSV_FIELDS[CSV_FIELDS.index("published") + 1 :],
)

#: The version of the JSON export's shape: ``{"version": 1, "clippings": [...]}``.
JSON_VERSION = 1

# A cell a spreadsheet would read as a formula: OWASP's list of the characters that
# start one (with tab and carriage return, which some programs skip before them).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_cell(value: object) -> object:
    """A value as a spreadsheet will take it as text: a string that a spreadsheet would
    run as a formula (``=HYPERLINK(...)``, ``+1``, ``@SUM``) gets a leading apostrophe,
    which spreadsheets show as plain text (OWASP's advice for CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_text(clippings: tuple[Clipping, ...]) -> str:
    """A CSV table with a header row and one row per clipping, ready for a spreadsheet.

    It starts with a UTF-8 byte order mark, which tells Excel and LibreOffice the
    encoding. Every ``published`` cell is a day (``YYYY-MM-DD``, in the source's own
    time zone), so the column is one type a spreadsheet can sort; ``published_at`` has
    the moment in ISO 8601 with its offset where the source gave a time. ``imported_at``
    is ``YYYY-MM-DD HH:MM:SS`` in UTC. No cell can run as a formula (``csv_cell``).
    """
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for clipping in clippings:
        record = clipping_record(clipping)
        record["tags"] = "; ".join(record["tags"])
        when = clipping.published
        record["published"] = when.strftime("%Y-%m-%d") if when is not None else None
        record["published_at"] = published_to_iso(when) if isinstance(when, datetime) else None
        if clipping.imported_at is not None:
            record["imported_at"] = clipping.imported_at.astimezone(UTC).strftime(
                "%Y-%m-%d %H:%M:%S"
            )
        writer.writerow({key: csv_cell(value) for key, value in record.items()})
    return out.getvalue()


def json_text(clippings: tuple[Clipping, ...]) -> str:
    """The JSON export: ``{"version": 1, "clippings": [record, ...]}`` (each record as
    ``show --json`` prints it)."""
    document = {"version": JSON_VERSION, "clippings": [clipping_record(c) for c in clippings]}
    return json.dumps(document, ensure_ascii=False, indent=2)


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
    """One CommonMark file: a heading per clipping, its details, notes and text.

    Everything that comes from a clipping is escaped (``md_text``): an article's ``*x*``
    stays ``*x*``, ``<a@b>`` is no link, ``***`` no rule, and a URL is linked only when
    it is one line of http(s) with nothing Markdown could read as more.
    """

    name = "markdown"
    suffix = ".md"

    def render(self, collection: Collection, progress: Callable[[int], None]) -> str:
        count = len(collection.clippings)
        parts = [
            f"# {md_text(collection.title)}",
            "",
            f"{count} clipping{'s' if count != 1 else ''}, exported {collection.made_at:%Y-%m-%d}.",
        ]
        for number, clipping in enumerate(collection.clippings):
            progress(number)
            parts += ["", "---", "", f"## {md_text(clipping.title)}", ""]
            when = (published_to_iso(clipping.published) or "")[:10]
            meta = [m for m in (clipping.outlet, when, clipping.author) if m]
            if meta:
                parts.append("*" + md_text(" · ".join(meta)) + "*  ")
            if clipping.url:
                parts.append(_md_url(clipping.url) + "  ")
            if clipping.tags:
                parts.append("Tags: " + md_text(", ".join(clipping.tags)) + "  ")
            if clipping.notes:
                parts += ["", "**Notes:**", ""]
                parts += _md_paragraphs(clipping.notes, quote=True)
            parts.append("")
            if clipping.has_text:
                parts += _md_paragraphs(clipping.text)
            else:
                parts.append("*(a scan without text)*")
        return "\n".join(parts) + "\n"


# CommonMark's escapable characters that mean something anywhere in a line.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~&!])")
# What means something only at the start of a line: headings, quotes, lists, rules and
# setext underlines, ordered list items ("1." "1)").
_MD_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d{1,9}(?=[.)]))")


def md_text(text: str) -> str:
    """One line of Markdown that reads as ``text`` and nothing more: no line breaks,
    every character with a meaning escaped."""
    flat = " ".join(text.split())
    flat = _MD_INLINE.sub(r"\\\1", flat)
    match = _MD_LINE_START.match(flat)
    if match:
        start = match.end()
        if match.group(2).isdigit():
            flat = flat[:start] + "\\" + flat[start:]  # "1." -> "1\." (no list)
        else:
            flat = flat[: match.start(2)] + "\\" + flat[match.start(2) :]
    return flat


def _md_paragraphs(text: str, *, quote: bool = False) -> list[str]:
    """A text's paragraphs (blank-line separated, CR LF or CR read as line ends), each
    one escaped line; as a block quote when ``quote``."""
    lines: list[str] = []
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    for block in blocks:
        # A line break inside a paragraph stays one (a backslash at the end of a line
        # is CommonMark's hard break).
        line = "\\\n".join(filter(None, (md_text(part) for part in block.split("\n"))))
        if not line:
            continue
        if lines:
            lines.append(">" if quote else "")
        lines.append("> " + line.replace("\n", "\n> ") if quote else line)
    return lines


_SAFE_URL = re.compile(r"https?://[^\s<>\\`]+", re.IGNORECASE)


def _md_url(url: str) -> str:
    """A link for a one-line http(s) URL; anything else as escaped text."""
    if _SAFE_URL.fullmatch(url):
        return f"<{url}>"
    return md_text(url)
