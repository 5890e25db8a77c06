"""``clippings sample``: build the sample archive (the window's Help › Open Sample Archive)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from clippings.cli.output import EXIT_FAILED, EXIT_OK, _emit_json, _ProgressBar

if TYPE_CHECKING:
    from clippings.services.archive import Archive


def cmd_sample(archive: Archive, args: argparse.Namespace) -> int:
    from clippings.services.sample import fill_sample_archive

    bar = _ProgressBar("Importing the sample articles")
    try:
        built = fill_sample_archive(archive, report=bar)
    finally:
        bar.finish()
    imported = built.report.of("imported")
    failed = built.report.of("failed")
    if args.json:
        _emit_json(
            {
                "archive": str(built.path),
                "imported": [{"id": r.id, "title": r.title} for r in imported],
                "failed": [{"path": r.path, "reason": r.reason} for r in failed],
                "tagged": [{"tag": tag, "id": i} for tag, i in built.tagged],
            }
        )
    if not built.report.results:
        print(
            f"the sample archive {built.path} already has clippings; kept as it is", file=sys.stderr
        )
    else:
        count = len(imported)
        print(
            f"imported {count} sample article{'' if count == 1 else 's'} into {built.path}",
            file=sys.stderr,
        )
    for result in failed:
        print(f"failed: {result.path}: {result.reason}", file=sys.stderr)
    print(f"open it with: clippings --archive '{built.path}'", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK
