"""The ``clippings`` command: everything the window does, from a terminal.

A stable contract that scripts rely on. With ``--json`` standard output holds that
JSON and nothing else; progress and messages go to standard error. Exit status: 0
success, 1 a failed import or an unknown id, 2 a usage or query error.

Each command imports what it needs when it runs: ``--help`` needs no database and no
search engine, and ``search``, ``list`` and ``show`` never load Qt, the importers,
the analysis of related pieces or numpy (``tests/test_cli_imports.py`` checks).
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from clippings import __version__
from clippings.exporters import FORMAT_NAMES, FORMATS
from clippings.model import (
    METADATA_FIELDS,
    ArchiveError,
    Cancelled,
    Clipping,
    ClippingsError,
    ClippingSummary,
    ImportReport,
    ListPosition,
    NotFoundError,
    Progress,
    QueryError,
    Quote,
    TagError,
    count_found,
    published_to_iso,
)
from clippings.services.dates import parse_user_date
from clippings.services.locate import resolve_archive_path

if TYPE_CHECKING:
    from clippings.services.archive import Archive

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

#: `edit`'s text options (``--published`` is read as a date): storage's EDITABLE_FIELDS
#: without the date, spelled out from the model so that ``--help`` needs no database
#: library (a test checks that the two agree).
EDIT_OPTIONS = tuple(field for field in (*METADATA_FIELDS, "notes") if field != "published")

log = logging.getLogger("clippings")

QUERY_HELP = """\
query syntax:
  climate policy               clippings with both words (stemmed: policies, policy)
  "climate policy"             the exact phrase
  climate OR energy            either word;  climate NOT coal, climate -coal: without coal
  elect*                       words starting with elect
  title:summit outlet:reuters  a word in the title, in the outlet's name
  author:"Jane Doe"            author;  lang:ru  language (ISO code)
  tag:Russia                   tagged Russia or any tag below it (Russia/US relations)
  tag:"US relations"           a tag name with spaces
  published:2021-07            a year, a month or a day: published:2021-07-25
  published:[2021-07-01 to 2021-07-31]   a range, both ends included; [2021-07 to] open
"""


# --- Output helpers --------------------------------------------------------------------


def _emit_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _summary_json(row: ClippingSummary) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "outlet": row.outlet,
        "published": published_to_iso(row.published),
        "tags": list(row.tags),
    }


def _date_text(row: ClippingSummary | Clipping) -> str:
    value = published_to_iso(row.published)
    return value[:10] if value else "—"


def _print_rows(rows: Sequence[ClippingSummary], out: TextIO = sys.stdout) -> None:
    if not rows:
        print("(none)", file=out)
        return
    width = max(len(str(r.id)) for r in rows)
    for row in rows:
        print(_row_text(row, width), file=out)


def _row_text(row: ClippingSummary, width: int) -> str:
    outlet = f"  [{row.outlet}]" if row.outlet else ""
    tags = f"  #{' #'.join(row.tags)}" if row.tags else ""
    return f"{row.id:>{width}}  {_date_text(row):<10}  {row.title}{outlet}{tags}"


class _ProgressBar:
    """A one-line progress bar on standard error, only when it is a terminal."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.enabled = sys.stderr.isatty()

    def __call__(self, progress: Progress) -> None:
        if not self.enabled or not progress.total:
            return
        columns = shutil.get_terminal_size((80, 20)).columns
        width = max(10, min(30, columns - 50))
        filled = int(width * progress.done / progress.total)
        name = progress.message[-(columns - width - 25) :] if progress.message else ""
        sys.stderr.write(
            f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
            f"{progress.done}/{progress.total} {name}\x1b[K"
        )
        sys.stderr.flush()

    def finish(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def _ids(values: Sequence[str]) -> list[int]:
    ids = []
    for value in values:
        try:
            ids.append(int(value))
        except ValueError:
            raise QueryError(f"{value!r} is not a clipping id (ids are whole numbers)") from None
    return ids


# --- Commands --------------------------------------------------------------------------


def cmd_import(archive: Archive, args: argparse.Namespace) -> int:
    bar = _ProgressBar("Importing")
    try:
        from clippings.services.importing import import_paths

        report = import_paths(
            archive, args.paths, report=bar, tags=args.tag or (), password=args.password
        )
    finally:
        bar.finish()
    if args.json:
        _emit_json(import_json(report))
    else:
        _print_import_summary(report)
    if report.of("imported"):
        _after_import(archive)
    return EXIT_OK if report.ok else EXIT_FAILED


def _after_import(archive: Archive) -> None:
    """Each new clipping's related pieces, found right after an import, and the search
    index's small segments merged (both resumable: an interrupted run leaves the rest
    for the next one, here or in the window)."""
    from clippings.services import related

    bar = _ProgressBar("Finding related pieces")
    try:
        related.sync(archive, report=bar)
        archive.tidy_index(report=bar)
    except KeyboardInterrupt:
        bar.finish()
        print(
            "related pieces of the rest are found later (the next import, `related`, "
            "or the window)",
            file=sys.stderr,
        )
    finally:
        bar.finish()


def _analyse_queued(archive: Archive) -> bool:
    """Analyse the clippings whose related pieces are due (after an import elsewhere,
    or every clipping after an upgrade of Clippings), with a progress bar; Ctrl+C
    keeps what is done and leaves the rest queued. Returns whether nothing is left."""
    from clippings.services import related

    bar = _ProgressBar("Analysing clippings for related pieces")
    try:
        related.sync(archive, report=bar)
    except KeyboardInterrupt:
        return False
    finally:
        bar.finish()
    return True


def import_json(report: ImportReport) -> dict[str, list[dict[str, Any]]]:
    return {
        "imported": [
            {"path": r.path, "id": r.id, "title": r.title, "without_text": r.without_text}
            for r in report.of("imported")
        ],
        "duplicates": [{"path": r.path, "id": r.id} for r in report.of("duplicate")],
        "skipped": [{"path": r.path, "reason": r.reason} for r in report.of("skipped")],
        "failed": [{"path": r.path, "error": r.reason} for r in report.of("failed")],
    }


def _print_import_summary(report: ImportReport) -> None:
    imported = report.of("imported")
    scans = [r for r in imported if r.without_text]
    for r in imported:
        note = "  (stored without text: no text layer, needs OCR)" if r.without_text else ""
        print(f"imported   {r.id}: {r.title}{note}")
    for r in report.of("duplicate"):
        print(f"duplicate  {r.path} is already clipping {r.id}")
    for r in report.of("skipped"):
        print(f"skipped    {r.path}: {r.reason}")
    for r in report.of("failed"):
        print(f"FAILED     {r.path}: {r.reason}", file=sys.stderr)
    parts = [f"{len(imported) - len(scans)} imported"]
    if scans:
        parts.append(f"{len(scans)} stored without text")
    parts += [
        f"{len(report.of('duplicate'))} duplicates",
        f"{len(report.of('skipped'))} skipped",
        f"{len(report.of('failed'))} failed",
    ]
    if report.cancelled:
        parts.append("cancelled")
    print(", ".join(parts) + ".", file=sys.stderr)


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
    clipping = archive.get(_ids([args.id])[0])
    if args.json:
        from clippings.exporters.records import clipping_record

        _emit_json(clipping_record(clipping))
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
    line("Language", clipping.language)
    line("URL", clipping.url)
    line("Page", clipping.page)
    line("Section", clipping.section)
    line("Edition", clipping.edition)
    line("Tags", ", ".join(clipping.tags))
    line("Words", clipping.word_count, "-")
    line("Original", f"{clipping.original_name} ({clipping.sha256[:12]}…)", "-")
    line("Notes", clipping.notes, "-")
    if clipping.trashed:
        print("(in the trash)")
    print()
    print(clipping.text if clipping.has_text else "(no text: a scan without a text layer)")
    return EXIT_OK


#: Rows `list` reads at a time (by keyset: each page right after the one before).
LIST_PAGE = 1000


def cmd_list(archive: Archive, args: argparse.Namespace) -> int:
    """The clippings, newest first, written as they are read: a page at a time, so a
    list of 100,000 starts at once and never holds the whole archive in memory."""
    after: ListPosition | None = None
    first = True
    width = 0
    while True:
        page = archive.page(tag=args.tag, after=after, limit=LIST_PAGE)
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


def cmd_tag(archive: Archive, args: argparse.Namespace) -> int:
    ids = _ids(args.ids)
    if args.add is not None:
        change = archive.add_tag(ids, args.add)
        print(f"tagged {len(change.added)} clipping(s) {change.tag!r}", file=sys.stderr)
    else:
        change = archive.remove_tag(ids, args.remove)
        print(
            f"removed {change.tag!r} from {len(change.removed or {})} clipping(s)", file=sys.stderr
        )
    return EXIT_OK


def cmd_tags(archive: Archive, args: argparse.Namespace) -> int:
    action = args.tags_action
    if action == "rename":
        archive.rename_tag(args.old, args.new)
        print(f"renamed tag {args.old!r} to {args.new!r}", file=sys.stderr)
    elif action == "merge":
        archive.merge_tag(args.source, args.target)
        print(f"merged tag {args.source!r} into {args.target!r}", file=sys.stderr)
    elif action == "colour":
        archive.set_tag_colour(args.tag, args.colour)
        print(f"tag {args.tag!r} is now {args.colour}", file=sys.stderr)
    elif action == "delete":
        affected = archive.delete_tag(args.tag)
        print(
            f"deleted tag {args.tag!r} ({len(affected)} clipping(s) kept, untagged)",
            file=sys.stderr,
        )
    else:
        tags = archive.tags()
        if getattr(args, "json", False):
            _emit_json([{"name": t.name, "colour": t.colour, "count": t.count} for t in tags])
        elif not tags:
            print("(no tags)")
        else:
            for t in tags:
                depth = t.name.count("/")
                colour = f"  {t.colour}" if t.colour else ""
                print(f"{'  ' * depth}{t.leaf}  ({t.count}){colour}")
    return EXIT_OK


def cmd_edit(archive: Archive, args: argparse.Namespace) -> int:
    changes: dict[str, object] = {}
    for field in EDIT_OPTIONS:
        value = getattr(args, field)
        if value is not None:
            changes[field] = value or None
    if args.published is not None:
        changes["published"] = parse_user_date(args.published) if args.published else None
    if not changes:
        raise QueryError("nothing to change: give --title, --outlet, --published, …")
    clipping = archive.edit(_ids([args.id])[0], changes)
    print(f"saved clipping {clipping.id}: {clipping.title}", file=sys.stderr)
    return EXIT_OK


def cmd_delete(archive: Archive, args: argparse.Namespace) -> int:
    ids = _ids(args.ids)
    changed = archive.trash(ids)
    already = len(set(ids)) - len(changed)
    note = f"; {already} already in the trash" if already else ""
    print(
        f"moved {len(changed)} clipping(s) to the trash{note} (restore with: clippings restore ID)",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_restore(archive: Archive, args: argparse.Namespace) -> int:
    changed = archive.restore(_ids(args.ids))
    print(f"restored {len(changed)} clipping(s)", file=sys.stderr)
    return EXIT_OK


def cmd_trash(archive: Archive, args: argparse.Namespace) -> int:
    rows = archive.list(trashed=True)
    if args.json:
        _emit_json([_summary_json(r) for r in rows])
    else:
        _print_rows(rows)
    return EXIT_OK


def cmd_purge(archive: Archive, args: argparse.Namespace) -> int:
    try:
        removed = archive.purge(_ids(args.ids) if args.ids else None)
    except ValueError as error:
        raise QueryError(str(error)) from None
    print(f"removed {len(removed)} clipping(s) for good", file=sys.stderr)
    return EXIT_OK


def cmd_export(archive: Archive, args: argparse.Namespace) -> int:
    from clippings.services.exporting import export, gather

    collection = gather(
        archive,
        tag=args.tag,
        query=args.query,
        ids=_ids(args.ids) if args.ids else None,
    )
    bar = _ProgressBar("Exporting")
    try:
        written = export(
            archive, collection, args.format, Path(args.output), force=args.force, report=bar
        )
    finally:
        bar.finish()
    count = len(collection.clippings)
    print(f"exported {count} clipping{'s' if count != 1 else ''} to {written}", file=sys.stderr)
    return EXIT_OK


def _quote_json(quote: Quote) -> dict[str, Any]:
    return {"speaker": quote.speaker, "text": quote.text}


def cmd_related(archive: Archive, args: argparse.Namespace) -> int:
    from clippings.services.related import related

    found = related(archive, _ids([args.id])[0], limit=args.limit)
    if args.json:
        _emit_json(
            [
                {
                    "id": r.clipping.id,
                    "title": r.clipping.title,
                    "outlet": r.clipping.outlet,
                    "published": published_to_iso(r.clipping.published),
                    "relation": r.relation,
                    "score": round(r.score, 4),
                }
                for r in found
            ]
        )
        return EXIT_OK
    if not found:
        print("(nothing related found)")
    for r in found:
        row = r.clipping
        outlet = f"  [{row.outlet}]" if row.outlet else ""
        print(
            f"{row.id:>6}  {r.relation:<10} {r.score:4.2f}  {_date_text(row)}  {row.title}{outlet}"
        )
    return EXIT_OK


def cmd_stories(archive: Archive, args: argparse.Namespace) -> int:
    from clippings.services.related import STORY_THRESHOLD, stories

    complete = _analyse_queued(archive)
    threshold = STORY_THRESHOLD if args.threshold is None else args.threshold
    found = stories(archive, threshold=threshold, compute_missing=False)
    if not complete:
        print(
            "stories of the clippings analysed so far; the rest are analysed later "
            "(`stories` again, an import, or the window)",
            file=sys.stderr,
        )
    if args.json:
        _emit_json(
            [
                {
                    "id": story.id,
                    "title": story.title,
                    "clippings": [c.id for c in story.clippings],
                    "outlets": list(story.outlets),
                    "first": story.first,
                    "copies": story.copies,
                }
                for story in found
            ]
        )
        return EXIT_OK
    if not found:
        print("(no stories: no two clippings report the same event)")
    for story in found:
        copies = f", {story.copies} copies" if story.copies else ""
        print(f"Story {story.id}: {story.title} ({len(story.clippings)} clippings{copies})")
        for row in story.clippings:
            first = "  first" if row.id == story.first else ""
            outlet = f"  [{row.outlet}]" if row.outlet else ""
            print(f"    {row.id:>6}  {_date_text(row):<10}  {row.title}{outlet}{first}")
    return EXIT_OK


def cmd_compare(archive: Archive, args: argparse.Namespace) -> int:
    from clippings.services.comparing import compare

    a_id, b_id = _ids([args.a, args.b])
    result = compare(archive, a_id, b_id)
    if args.json:
        _emit_json(
            {
                "a": a_id,
                "b": b_id,
                "similarity": round(result.similarity, 4),
                "pairs": [{"kind": p.kind, "a": p.a, "b": p.b} for p in result.pairs],
                "quotes": {
                    "both": [_quote_json(q) for q in result.quotes_both],
                    "only_a": [_quote_json(q) for q in result.quotes_only_a],
                    "only_b": [_quote_json(q) for q in result.quotes_only_b],
                },
            }
        )
        return EXIT_OK
    print(f"A {a_id}: {result.a.title}  [{result.a.outlet or '—'}, {_date_text(result.a)}]")
    print(f"B {b_id}: {result.b.title}  [{result.b.outlet or '—'}, {_date_text(result.b)}]")
    print(f"text in common: {result.similarity:.0%}")
    marks = {"same": "=", "changed": "~", "moved": "↕", "only_a": "A", "only_b": "B"}
    for pair in result.pairs:
        if pair.kind in ("same", "moved", "only_a"):
            print(f"{marks[pair.kind]} {pair.a}")
        elif pair.kind == "only_b":
            print(f"{marks[pair.kind]} {pair.b}")
        else:
            print(f"~ A: {pair.a}\n  B: {pair.b}")
    for label, group in (
        ("quoted in both", result.quotes_both),
        ("quoted only in A", result.quotes_only_a),
        ("quoted only in B", result.quotes_only_b),
    ):
        if group:
            print(f"\n{label}:")
            for quote in group:
                print(f"  {quote.speaker or '(unnamed)'}: “{quote.text}”")
    return EXIT_OK


def cmd_quotes(archive: Archive, args: argparse.Namespace) -> int:
    from clippings.services.comparing import quotes

    found = quotes(archive, _ids([args.id])[0])
    if args.json:
        _emit_json([_quote_json(q) for q in found])
        return EXIT_OK
    if not found:
        print("(no direct quotations)")
    for quote in found:
        print(f"{quote.speaker or '(unnamed)'}: “{quote.text}”")
    return EXIT_OK


def cmd_reindex(archive: Archive, args: argparse.Namespace) -> int:
    bar = _ProgressBar("Indexing")
    before = archive.engine
    try:
        if args.engine:
            # Interrupted (Ctrl-C), the archive keeps its engine and its index, whole.
            archive.switch_engine(args.engine, report=bar)
        else:
            archive.rebuild_index(report=bar)
    finally:
        bar.finish()
    if archive.engine != before:
        print(
            f"the archive now searches with {archive.engine} "
            f"({archive.count()} clipping(s) indexed; it searched with {before})",
            file=sys.stderr,
        )
    else:
        print(
            f"rebuilt the {archive.engine} search index of {archive.count()} clipping(s)",
            file=sys.stderr,
        )
    return EXIT_OK


def cmd_check(archive: Archive, args: argparse.Namespace) -> int:
    repaired = archive.repair() if args.repair else []
    problems = archive.check()
    if args.json:
        _emit_json(
            {
                "repaired": repaired,
                "problems": [
                    {
                        "kind": p.kind,
                        "severity": p.severity,
                        "message": p.message,
                        "id": p.clipping_id,
                        "repairable": p.repairable,
                    }
                    for p in problems
                ],
            }
        )
    for done in repaired:
        print(f"repaired: {done}", file=sys.stderr)
    for problem in problems:
        print(f"{problem.severity}: {problem.message}", file=sys.stderr)
    errors = [p for p in problems if p.severity == "error"]
    if any(p.repairable for p in problems):
        print(
            "`clippings check --repair` fixes what can be fixed without losing anything.",
            file=sys.stderr,
        )
    if errors:
        return EXIT_FAILED
    if not args.json:
        state = "sound" if not problems else "sound (see the warnings above)"
        print(f"ok: {archive.count()} clipping(s), originals and search index are {state}")
    return EXIT_OK


def cmd_backup(archive: Archive, args: argparse.Namespace) -> int:
    bar = _ProgressBar("Backing up")
    try:
        from clippings.services.backup import backup_archive

        summary = backup_archive(archive, Path(args.destination), report=bar)
    finally:
        bar.finish()
    for problem in summary.problems:
        print(f"problem: {problem}", file=sys.stderr)
    trashed = f" (and {summary.trashed} in the trash)" if summary.trashed else ""
    print(
        f"backed up {summary.clippings} clipping{'s' if summary.clippings != 1 else ''}{trashed} "
        f"and {summary.originals} original{'s' if summary.originals != 1 else ''} "
        f"to {summary.path}"
    )
    print(
        f"to use it: clippings --archive {summary.path} list (or File › Open Archive… in the "
        "window); its search index is rebuilt when it is first opened. To replace a damaged "
        "archive, move the backup folder into its place.",
        file=sys.stderr,
    )
    return EXIT_FAILED if summary.problems else EXIT_OK


# --- Parser ----------------------------------------------------------------------------


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("give a number of 1 or more")
    return value


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="clippings",
        description="A desktop archive for press clippings. Without a command, opens the window.",
        epilog=QUERY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"clippings {__version__}")
    parser.add_argument(
        "--archive",
        metavar="DIR",
        help="the archive folder (default: $CLIPPINGS_ARCHIVE, else your data folder)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(
        name: str, handler: Callable[[Archive, argparse.Namespace], int], text: str, **kwargs: Any
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text, description=text, **kwargs)
        sub.set_defaults(handler=handler)
        return sub

    def json_flag(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--json", action="store_true", help="print JSON on standard output")

    sub = command("import", cmd_import, "import files and folders (text, HTML, PDF)")
    sub.add_argument("paths", nargs="+", metavar="PATH")
    sub.add_argument("--tag", action="append", metavar="TAG", help="tag every new clipping")
    sub.add_argument("--password", metavar="PW", help="the password to try for PDFs that need one")
    json_flag(sub)

    sub = command(
        "search",
        cmd_search,
        "search the archive",
        epilog=QUERY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("query", help="the query (start it with -- if it begins with a minus)")
    sub.add_argument("--limit", type=_positive, default=20, metavar="N")
    sub.add_argument("--sort", choices=("relevance", "date"), default="relevance")
    json_flag(sub)

    sub = command("show", cmd_show, "show one clipping")
    sub.add_argument("id")
    json_flag(sub)

    sub = command("list", cmd_list, "list clippings, newest first")
    sub.add_argument("--tag", metavar="TAG", help="only those with this tag or one below it")
    json_flag(sub)

    sub = command("tag", cmd_tag, "add a tag to clippings or remove one")
    sub.add_argument("ids", nargs="+", metavar="ID")
    which = sub.add_mutually_exclusive_group(required=True)
    which.add_argument("--add", metavar="TAG")
    which.add_argument("--remove", metavar="TAG")

    sub = command("tags", cmd_tags, "list tags, or rename, merge, colour or delete one")
    json_flag(sub)
    actions = sub.add_subparsers(dest="tags_action", metavar="ACTION", parser_class=_Parser)
    rename = actions.add_parser("rename", help="rename a tag (and the tags below it)")
    rename.add_argument("old")
    rename.add_argument("new")
    merge = actions.add_parser("merge", help="give FROM's clippings INTO and drop FROM")
    merge.add_argument("source", metavar="FROM")
    merge.add_argument("target", metavar="INTO")
    colour = actions.add_parser("colour", aliases=["color"], help="set a tag's colour")
    colour.add_argument("tag")
    colour.add_argument("colour", metavar="'#rrggbb'")
    delete = actions.add_parser("delete", help="delete a tag (never the clippings)")
    delete.add_argument("tag")

    sub = command("edit", cmd_edit, "change a clipping's metadata")
    sub.add_argument("id")
    for field in EDIT_OPTIONS:
        sub.add_argument(f"--{field}", metavar=field[0].upper())
    sub.add_argument("--published", metavar="DATE", help="2021-07-25 or 2021-07-25T05:05+00:00")

    sub = command("delete", cmd_delete, "move clippings to the trash")
    sub.add_argument("ids", nargs="+", metavar="ID")
    sub = command("restore", cmd_restore, "bring clippings back from the trash")
    sub.add_argument("ids", nargs="+", metavar="ID")
    sub = command("trash", cmd_trash, "list the clippings in the trash")
    json_flag(sub)
    sub = command("purge", cmd_purge, "remove clippings in the trash for good (all without IDs)")
    sub.add_argument("ids", nargs="*", metavar="ID")
    sub = command(
        "export",
        cmd_export,
        "export a tag's clippings, a search or chosen ids to a file",
        epilog="formats:\n"
        + "\n".join(f"  {name:<10} {FORMATS.get(name, name)}" for name in FORMAT_NAMES),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    which = sub.add_mutually_exclusive_group(required=True)
    which.add_argument("--tag", metavar="TAG", help="a tag and the tags below it")
    which.add_argument("--query", metavar="QUERY", help="the clippings a search finds")
    which.add_argument("--ids", nargs="+", metavar="ID", help="these clippings")
    sub.add_argument("--format", required=True, choices=FORMAT_NAMES)
    sub.add_argument("--output", required=True, metavar="PATH", help="the file to write")
    sub.add_argument("--force", action="store_true", help="replace the file if it exists")
    sub = command(
        "related", cmd_related, "clippings related to one: duplicates, same story, related"
    )
    sub.add_argument("id")
    sub.add_argument("--limit", type=_positive, default=20, metavar="N")
    json_flag(sub)
    sub = command("stories", cmd_stories, "group clippings about the same event into stories")
    sub.add_argument(
        "--threshold",
        type=float,
        default=None,
        metavar="T",
        help="how alike two reports must be to join a story (0..1)",
    )
    json_flag(sub)
    sub = command("compare", cmd_compare, "compare two clippings passage by passage")
    sub.add_argument("a", metavar="A")
    sub.add_argument("b", metavar="B")
    json_flag(sub)
    sub = command("quotes", cmd_quotes, "a clipping's direct quotations and who said them")
    sub.add_argument("id")
    json_flag(sub)
    sub = command("reindex", cmd_reindex, "rebuild the search index from the database")
    sub.add_argument(
        "--engine",
        choices=("whoosh", "tantivy"),
        help="switch the archive to this search engine (its index is built first; the "
        "archive keeps its engine if this is interrupted)",
    )
    sub = command("check", cmd_check, "verify the database, the originals and the index")
    sub.add_argument(
        "--repair",
        action="store_true",
        help="first fix what can be fixed without losing anything (leftovers, the index)",
    )
    json_flag(sub)
    sub = command(
        "backup",
        cmd_backup,
        "copy the archive, while in use, to a new or empty folder (an archive of its own)",
    )
    sub.add_argument("destination", metavar="DEST", help="the folder to make the backup in")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    _safe_output()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help, --version, or a usage error (already printed)
        return done.code if isinstance(done.code, int) else EXIT_USAGE
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="clippings: %(name)s: %(message)s" if args.verbose else "clippings: %(message)s",
        stream=sys.stderr,
    )
    if not args.verbose:
        # pdfminer warns about every odd font or stream, with no file name; the import
        # summary already says which files could not be read.
        logging.getLogger("pdfminer").setLevel(logging.ERROR)
    if args.command is None:
        return _open_window(args)
    from clippings.services.archive import Archive

    path = resolve_archive_path(args.archive)
    previous = _stop_on_sigterm()
    try:
        with Archive.open(path, report=_ProgressBar("Indexing")) as archive:
            for warning in archive.warnings:
                print(f"clippings: warning: {warning}", file=sys.stderr)
            return int(args.handler(archive, args))
    except NotFoundError as error:
        print(f"clippings: {error}", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:
        # The reader went away (`clippings list | head`): not an error of ours.
        sys.stderr.close()
        return EXIT_OK
    except (QueryError, TagError) as error:
        print(f"clippings: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ArchiveError as error:
        print(f"clippings: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Cancelled:
        print("clippings: stopped; nothing was written", file=sys.stderr)
        return EXIT_FAILED
    except ClippingsError as error:
        print(f"clippings: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("clippings: interrupted", file=sys.stderr)
        return 130
    except OSError as error:
        # The system refused something the archive needed (a full disk, a folder that
        # vanished); what was saved before stays saved.
        log.debug("system error", exc_info=True)
        where = f" ({error.filename})" if error.filename else ""
        print(f"clippings: {error.strerror or error}{where}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as error:  # a bug of ours: one line, the details with --verbose
        log.debug("unexpected error", exc_info=True)
        print(
            f"clippings: unexpected error: {error!r} (run again with --verbose for details; "
            "nothing already saved is lost)",
            file=sys.stderr,
        )
        return EXIT_FAILED
    finally:
        signal.signal(signal.SIGTERM, previous)


def _safe_output() -> None:
    """File names that are not valid UTF-8 print as escapes instead of crashing."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _stop_on_sigterm() -> Any:
    """SIGTERM ends a command like Ctrl+C does, so an export removes its partial file."""

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread (a test calling main() from a thread)
        return signal.getsignal(signal.SIGTERM)


def _open_window(args: argparse.Namespace) -> int:
    import os

    headless = not any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and headless and not os.environ.get("QT_QPA_PLATFORM"):
        print(
            "clippings: there is no display to open the window on; every task also has a "
            "command: see `clippings --help`.",
            file=sys.stderr,
        )
        return EXIT_FAILED
    try:
        from clippings.app import main as window_main
    except ImportError as error:  # Qt's system libraries are missing
        print(
            f"clippings: the window cannot start ({error}); ./run.sh installs what Qt "
            "needs. Every task also has a command: see `clippings --help`.",
            file=sys.stderr,
        )
        return EXIT_FAILED
    return window_main(args.archive)
