"""The commands that look after the archive itself: ``reindex`` and ``check``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from clippings.cli.output import EXIT_FAILED, EXIT_OK, _emit_json, _ProgressBar
from clippings.model import plural

if TYPE_CHECKING:
    from clippings.services.archive import Archive


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
            f"({plural(archive.count(), 'clipping')} indexed; it searched with {before})",
            file=sys.stderr,
        )
    else:
        print(
            f"rebuilt the {archive.engine} search index of {plural(archive.count(), 'clipping')}",
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
        print(f"ok: {plural(archive.count(), 'clipping')}, originals and search index are {state}")
    return EXIT_OK
