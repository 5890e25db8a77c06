"""What the archive calls related: import a folder into a temporary archive and print,
for each clipping, its related pieces with relation and score, then the stories.

    .venv/bin/python tools/related_report.py FOLDER [--limit N] [--summary]

For a person to eyeball (not a test, not a benchmark). When the folder has a
``MANIFEST.tsv`` with ``file``, ``language`` and ``event`` columns (as
``tests/data/multilingual`` has), each line is marked: ``ok`` for a link between
reports of one event, ``FOLLOW`` for a link between an event and its follow-up
(allowed, not required), ``WRONG`` for a link the manifest says is not there; and a
summary counts them by relation. ``--summary`` prints only that summary and the
stories.

The language shown is the clipping's stored ``language`` (what the importer detected).
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from clippings.model import ClippingSummary, RelatedClipping  # noqa: E402
from clippings.services import Archive, import_paths  # noqa: E402
from clippings.services import related as related_service  # noqa: E402

#: Events a manifest may link as a follow-up (the event, its follow-up).
FOLLOW_UPS = {("1", "3"), ("3", "1")}


def read_manifest(folder: Path) -> dict[str, dict[str, str]]:
    """The manifest's rows by file name (empty when the folder has none)."""
    path = folder / "MANIFEST.tsv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["file"]: row for row in csv.DictReader(handle, delimiter="\t")}


def verdict(a: dict[str, str] | None, b: dict[str, str] | None) -> str:
    """How the manifest judges a link between two files (blank when it cannot)."""
    if a is None or b is None:
        return ""
    ea, eb = a.get("event", "-"), b.get("event", "-")
    if ea != "-" and ea == eb:
        return "ok"
    if (ea, eb) in FOLLOW_UPS:
        return "FOLLOW"
    return "WRONG"


def describe(summary: ClippingSummary) -> str:
    return f"#{summary.id} [{summary.language or '??'}] {summary.title[:70]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--limit", type=int, default=20, help="related pieces per clipping")
    parser.add_argument("--summary", action="store_true", help="only the summary and stories")
    args = parser.parse_args(argv)
    folder: Path = args.folder
    manifest = read_manifest(folder)
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix != ".tsv")
    files = [p for p in files if p.name in manifest] if manifest else files

    with tempfile.TemporaryDirectory() as tmp, Archive.open(Path(tmp) / "archive") as archive:
        report = import_paths(archive, files)
        by_id: dict[int, dict[str, str] | None] = {}
        names: dict[int, str] = {}
        for path, result in zip(files, report.results, strict=True):
            if result.id is None:
                print(f"not imported: {path.name}: {result.outcome} {result.reason or ''}")
                continue
            by_id[result.id] = manifest.get(path.name)
            names[result.id] = path.name
        related_service.sync(archive)

        counts: Counter[tuple[str, str]] = Counter()
        shown: Counter[int] = Counter()
        for clipping_id in sorted(by_id):
            found: list[RelatedClipping] = related_service.related(
                archive, clipping_id, limit=args.limit
            )
            shown[clipping_id] = len(found)
            summary = archive.store.summaries_by_id([clipping_id])[clipping_id]
            if not args.summary:
                print(f"\n{describe(summary)}  ({names[clipping_id]})")
                if not found:
                    print("    (nothing related)")
            for piece in found:
                mark = verdict(by_id[clipping_id], by_id.get(piece.clipping.id))
                counts[(piece.relation, mark or "?")] += 1
                if not args.summary:
                    print(
                        f"    {piece.relation:<10} {piece.score:5.3f} {mark:<6} "
                        f"{describe(piece.clipping)}"
                    )

        print("\nLinks shown (each clipping's list; a pair counts from both sides):")
        for relation in ("duplicate", "same story", "related"):
            row = {mark: counts[(relation, mark)] for mark in ("ok", "FOLLOW", "WRONG", "?")}
            print(f"    {relation:<10} " + "  ".join(f"{m}={n}" for m, n in row.items() if n))
        unrelated = [i for i, row in by_id.items() if row and row.get("event", "-") == "-"]
        if unrelated:
            average = sum(shown[i] for i in unrelated) / len(unrelated)
            print(
                f"    pieces of no event: {len(unrelated)}, related shown on average {average:.1f}"
            )

        print("\nStories:")
        for story in related_service.stories(archive):
            events = Counter((by_id.get(c.id) or {}).get("event", "?") for c in story.clippings)
            print(f"  story #{story.id} ({len(story.clippings)} clippings; events {dict(events)})")
            for member in story.clippings:
                print(f"      {describe(member)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
