"""``clippings ocr``: recognise the text of stored scans and images again.

Imports its service when it runs (Tesseract loads only in the extraction workers).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from clippings.cli.cmd_files import ocr_languages
from clippings.cli.output import EXIT_FAILED, EXIT_OK, EXIT_USAGE, _emit_json, _ids, _ProgressBar
from clippings.model import ImportResult

if TYPE_CHECKING:
    from clippings.services.archive import Archive


def cmd_ocr(archive: Archive, args: argparse.Namespace) -> int:
    from clippings.services.ocr import installed_languages, recognise

    if args.languages is not None:
        chosen = () if args.languages.strip().lower() == "auto" else ocr_languages(args.languages)
        unknown = [code for code in chosen if code not in installed_languages()]
        if unknown:
            print(
                f"clippings: not installed: {', '.join(unknown)} (installed: "
                f"{', '.join(installed_languages()) or 'none'})",
                file=sys.stderr,
            )
            return EXIT_USAGE
        archive.set_ocr_languages(chosen)
    if not args.ids:
        chosen = archive.ocr_languages()
        print(
            "OCR languages: "
            + ("+".join(chosen) if chosen else "automatic (the script found on each page)")
        )
        return EXIT_OK
    ids = _ids(args.ids)
    options = archive.import_options(ocr_languages=ocr_languages(args.ocr_lang or ""))
    bar = _ProgressBar("Recognising")
    try:
        results = recognise(archive, ids, options=options, report=bar)
    finally:
        bar.finish()
    if args.json:
        _emit_json(ocr_json(results))
    else:
        _print_summary(results)
    done = {r.id for r in results}
    return (
        EXIT_OK
        if all(r.outcome == "imported" for r in results) and done >= set(ids)
        else EXIT_FAILED
    )


def ocr_json(results: list[ImportResult]) -> list[dict[str, Any]]:
    return [
        {
            "id": r.id,
            "file": r.path,
            "outcome": "recognised" if r.outcome == "imported" else r.outcome,
            "title": r.title,
            "without_text": r.without_text,
            "note": r.reason,
        }
        for r in results
    ]


def _print_summary(results: list[ImportResult]) -> None:
    for r in results:
        if r.outcome == "imported" and r.without_text:
            print(f"no text    {r.id}: {r.title}  ({r.reason or 'nothing was recognised'})")
        elif r.outcome == "imported":
            note = f"  ({r.reason})" if r.reason else ""
            print(f"recognised {r.id}: {r.title}{note}")
        elif r.outcome == "skipped":
            print(f"skipped    {r.id}: {r.reason}")
        else:
            print(f"FAILED     {r.id} ({r.path}): {r.reason}", file=sys.stderr)
