"""The commands that move files in and out of the archive: ``import``, ``export``,
``backup``.

Each imports its service (the importers, the exporters, the backup) when it runs.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clippings.cli.output import EXIT_FAILED, EXIT_OK, _emit_json, _ids, _ProgressBar
from clippings.model import ImportReport, plural

if TYPE_CHECKING:
    from clippings.services.archive import Archive


def cmd_import(archive: Archive, args: argparse.Namespace) -> int:
    bar = _ProgressBar("Importing")
    try:
        from clippings.services.importing import import_paths

        options = archive.import_options(
            password=args.password, ocr_languages=ocr_languages(args.ocr_lang or "")
        )
        report = import_paths(
            archive,
            args.paths,
            report=bar,
            tags=args.tag or (),
            options=options,
            keep_copies=args.keep_copies,
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
        related.compute_missing_features(archive, report=bar)
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


def import_json(report: ImportReport) -> dict[str, list[dict[str, Any]]]:
    return {
        "imported": [
            {"path": r.path, "id": r.id, "title": r.title, "without_text": r.without_text}
            for r in report.of("imported")
        ],
        "duplicates": [
            {"path": r.path, "id": r.id, "reason": r.reason, "kept_as_copy": r.kept_as_copy}
            for r in report.of("duplicate")
        ],
        "skipped": [{"path": r.path, "reason": r.reason} for r in report.of("skipped")],
        "failed": [{"path": r.path, "error": r.reason} for r in report.of("failed")],
    }


def _print_import_summary(report: ImportReport) -> None:
    imported = report.of("imported")
    scans = [r for r in imported if r.without_text]
    for r in imported:
        note = "  (stored without text: none was found, even by OCR)" if r.without_text else ""
        print(f"imported   {r.id}: {r.title}{note}")
    for r in report.of("duplicate"):
        if r.kept_as_copy:  # the same piece in another format: say which
            print(f"duplicate  {r.path}: {r.reason}")
        else:
            print(f"duplicate  {r.path} is already clipping {r.id}")
    for r in report.of("skipped"):
        print(f"skipped    {r.path}: {r.reason}")
    for r in report.of("failed"):
        print(f"FAILED     {r.path}: {r.reason}", file=sys.stderr)
    parts = [f"{len(imported) - len(scans)} imported"]
    if scans:
        parts.append(f"{len(scans)} stored without text")
    parts += [
        plural(len(report.of("duplicate")), "duplicate"),
        f"{len(report.of('skipped'))} skipped",
        f"{len(report.of('failed'))} failed",
    ]
    if report.cancelled:
        parts.append("cancelled")
    print(", ".join(parts) + ".", file=sys.stderr)


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


def cmd_copy(args: argparse.Namespace) -> int:
    """``clippings copy SRC DEST``: an archive folder to a team archive, or back."""
    from clippings.services.locate import resolve_archive_path
    from clippings.services.transfer import copy_archive

    source, target = resolve_archive_path(args.source), resolve_archive_path(args.target)
    bar = _ProgressBar("Copying")
    try:
        summary = copy_archive(source, target, report=bar)
    finally:
        bar.finish()
    rows = sum(summary.rows.values())
    print(
        f"copied {plural(summary.clippings, 'clipping')} and "
        f"{plural(summary.originals, 'original')} ({plural(rows, 'row')}) "
        f"from {summary.source} to {summary.target}"
    )
    print(
        "checked: the same rows in every table, every original's SHA-256, and "
        f"{plural(len(summary.phrases), 'exact-phrase search')} finding the same clippings",
        file=sys.stderr,
    )
    return EXIT_OK


def ocr_languages(given: str) -> tuple[str, ...]:
    """``eng+deu``, ``eng,deu`` or ``eng deu`` as Tesseract language codes."""
    return tuple(code for code in re.split(r"[+,\s]+", given.strip()) if code)
