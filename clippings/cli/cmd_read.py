"""The commands that only read the archive: ``search``, ``list``, ``show``.

They must start fast: none of them loads Qt, the importers, the analysis or numpy
(``tests/test_cli_imports.py`` checks), so whatever else they need is imported inside.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from clippings.cli.output import EXIT_OK, _date_text, _emit_json, _ids, _row_text, _summary_json
from clippings.model import ListPosition, count_found, published_to_iso

if TYPE_CHECKING:
    from clippings.services.archive import Archive


def cmd_search(archive: Archive, args: argparse.Namespace) -> int:
    results = archive.search(args.query, limit=args.limit, sort=args.sort)
    if args.json:
        _emit_json(
            [
                {
                    "id": hit.clipping.id,
                    "title": hit.clipping.title,
                    "outlet": hit.clipping.outlet,
                    "published": published_to_iso(hit.clipping.published),
                    "score": round(hit.score, 4),
                    "snippet": hit.snippet,
                }
                for hit in results.hits
            ]
        )
        return EXIT_OK
    shown = len(results.hits)
    print(
        count_found(results.total, results.exact)
        + (f", showing {shown}" if shown < results.total else ""),
        file=sys.stderr,
    )
    for note in results.notes:
        print(f"note: {note}", file=sys.stderr)
    bold = sys.stdout.isatty()
    for hit in results.hits:
        row = hit.clipping
        outlet = f"  [{row.outlet}]" if row.outlet else ""
        print(f"{row.id}  {_date_text(row)}  {row.title}{outlet}")
        print("    " + _terminal_snippet(hit.snippet, bold))
    return EXIT_OK


def _terminal_snippet(snippet: str, bold: bool) -> str:
    import html

    start, end = ("\x1b[1m", "\x1b[0m") if bold else ("«", "»")
    text = snippet.replace("<mark>", "\x00").replace("</mark>", "\x01")
    text = html.unescape(text).replace("\x00", start).replace("\x01", end)
    return " ".join(text.split())


def cmd_show(archive: Archive, args: argparse.Namespace) -> int:
    from clippings.services.history import described, titles_named

    clipping = archive.get(_ids([args.id])[0])
    history = archive.history(clipping.id) if args.history else []
    titles = titles_named(archive, history) if history else {}
    if args.json:
        from clippings.exporters.records import clipping_record

        record = clipping_record(clipping)
        if args.history:
            record["history"] = [
                {
                    "at": entry.at.isoformat(),
                    "who": entry.who,
                    "action": entry.action,
                    "detail": entry.detail,
                    "said": described(entry, titles),
                }
                for entry in history
            ]
        _emit_json(record)
        return EXIT_OK
    provenance = clipping.provenance

    def line(label: str, value: object, key: str | None = None) -> None:
        if value in (None, "", ()):
            return
        source = provenance.get(key or label.lower())
        mark = f"   ({source})" if source else ""
        print(f"{label + ':':<10} {value}{mark}")

    line("Title", clipping.title)
    line("Outlet", clipping.outlet)
    line("Author", clipping.author)
    line("Published", published_to_iso(clipping.published))
    line("Printed", provenance.get("printed"), "-")  # a browser's print to PDF: not published
    line("Language", clipping.language)
    line("URL", clipping.url)
    line("Page", clipping.page)
    line("Section", clipping.section)
    line("Edition", clipping.edition)
    line("Tags", ", ".join(clipping.tags))
    line("Words", clipping.word_count, "-")
    if provenance.get("text") == "ocr":
        how = [provenance.get("ocr_languages")]
        if provenance.get("ocr_confidence"):
            how.append(f"mean confidence {provenance['ocr_confidence']}")
        line("Text", "from OCR (" + ", ".join(h for h in how if h) + ")", "-")
    line("Original", f"{clipping.original_name} ({clipping.sha256[:12]}…)", "-")
    for copy in clipping.copies:  # the same piece in another format
        line("Also as", f"{copy.original_name} ({copy.format}, {copy.sha256[:12]}…)", "-")
    line("Notes", clipping.notes, "-")
    if clipping.trashed:
        print("(in the trash)")
    print()
    print(clipping.text if clipping.has_text else "(no text: none was found, even by OCR)")
    if args.history:
        print("\nHistory:")
        for entry in history:
            when = entry.at.astimezone().strftime("%Y-%m-%d %H:%M")
            print(f"  {when}  {entry.who} {described(entry, titles)}")
    return EXIT_OK


#: Rows `list` reads at a time (by keyset: each page right after the one before).
LIST_PAGE = 1000


def cmd_list(archive: Archive, args: argparse.Namespace) -> int:
    """The clippings, newest first, written as they are read: a page at a time, so a
    list of 100,000 starts at once and never holds the whole archive in memory."""
    after: ListPosition | None = None
    first = True
    width = 0
    tag = archive.tag_called(args.tag) if args.tag else None
    while True:
        page = archive.page(tag=tag, after=after, limit=LIST_PAGE)
        if args.json:
            for row in page.rows:
                # The same text as json.dump(list, indent=2), one element at a time.
                item = json.dumps(_summary_json(row), ensure_ascii=False, indent=2)
                sys.stdout.write(("[\n  " if first else ",\n  ") + item.replace("\n", "\n  "))
                first = False
        elif page.rows:
            # The id column as wide as the first page's widest id (ids grow by one digit
            # at most in a list sorted by date, so the columns barely move).
            width = width or max(len(str(r.id)) for r in page.rows)
            for row in page.rows:
                print(_row_text(row, width))
            first = False
        if page.next is None:
            break
        after = page.next
    if args.json:
        sys.stdout.write("[]\n" if first else "\n]\n")
    elif first:
        print("(none)")
    return EXIT_OK
