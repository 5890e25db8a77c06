"""The window's whole hit list of a search, and the first 20 with snippets, on a built
archive: the median / p95 of repeated warm searches in one process, per query.

    python bench/hit_list.py ARCHIVE [--repeat 7] [--check] [--query TEXT ...]

ARCHIVE is an archive folder (for example ``/var/tmp/clippings-scale/100000/whoosh``, built by
``bench/scale.py build``). It is opened read-only through ``Archive.open``: nothing in
it is written (an index that would need a rebuild is refused, not rebuilt). "whole
list" is what the window asks on a search (``Archive.search_ids(query, limit=10_000)``,
the ranked ids and the count, no rows); "first 20" is ``Archive.search(query,
limit=20)`` with its snippets. Times are wall-clock milliseconds with the process's
CPU time beside them (the machine is shared: CPU time is what the search costs).
``--check`` also compares the whole list with Whoosh's own search of every match
(``Searcher.search(limit=None)``, slow: seconds a query at 100,000 clippings).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

QUERIES = [
    "police",
    "police fire",
    '"police said"',
    "elect*",
    "outlet:Reuters",
    "police published:[2012-01-01 to 2013-12-31]",
    "police -killed",
    "tag:Crime",
    "lang:es",
]


def timed(action: Callable[[], Any], repeat: int) -> tuple[list[float], list[float], Any]:
    """Wall and CPU milliseconds of ``repeat`` runs (after one warm-up run)."""
    result = action()
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = action()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return walls, cpus, result


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def shown(walls: list[float], cpus: list[float]) -> str:
    return (
        f"{statistics.median(walls):7.1f} / p95 {p95(walls):7.1f} ms"
        f" (cpu {statistics.median(cpus):6.1f})"
    )


def whooshs_own(archive: Any, text: str) -> list[int]:
    """Every match as Whoosh's own collector ranks it (the reference of ``--check``)."""
    from whoosh.query import ConstantScoreQuery

    from clippings.search import whoosh_hits
    from clippings.search.query import combine

    index = archive.index
    searcher, prepared = index._prepared(combine(text, _no_filters()))
    ours = ConstantScoreQuery.matcher
    ConstantScoreQuery.matcher = whoosh_hits.WHOOSHS_CONSTANT_SCORE_MATCHER
    try:
        results = searcher.search(prepared.query, limit=None)
    finally:
        ConstantScoreQuery.matcher = ours
    stored = searcher.reader().stored_fields
    return [int(stored(docnum)["id"]) for _score, docnum in results.top_n]


def _no_filters() -> Any:
    from clippings.model import SearchFilters

    return SearchFilters()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archive", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--query", action="append", help="instead of the usual query kinds")
    args = parser.parse_args()

    from clippings.search import WhooshIndex
    from clippings.services import Archive

    folder = args.archive / "index"
    if folder.is_dir():
        reason = WhooshIndex(folder).needs_rebuild()
        if reason:
            # Archive.open would spend minutes building a temporary index.
            print(f"{args.archive}: {reason}; not measured", file=sys.stderr)
            return 1
    started = time.perf_counter()
    archive = Archive.open(args.archive, read_only=True)
    opened = (time.perf_counter() - started) * 1000
    try:
        engine = type(archive.index).__name__
        count = archive.store.count()
        print(
            f"{args.archive}: {count:,} clippings, {engine}, opened in {opened:.0f} ms; "
            f"{args.repeat} warm runs each; load average "
            + " ".join(f"{x:.1f}" for x in os.getloadavg())
        )
        print(f"{'query':<46} {'whole list (limit 10,000)':<40} {'first 20 with snippets':<40}")
        failed = False
        for text in args.query or QUERIES:
            walls, cpus, ranking = timed(
                lambda t=text: archive.search_ids(t, limit=10_000), args.repeat
            )
            first_walls, first_cpus, first = timed(
                lambda t=text: archive.search(t, limit=20), args.repeat
            )
            counted = f"{ranking.total:,}" if ranking.exact else f"more than {ranking.total:,}"
            print(
                f"{text:<46} {shown(walls, cpus):<40} {shown(first_walls, first_cpus):<40}"
                f" {counted} found"
            )
            if (
                first.hits
                and [hit.clipping.id for hit in first.hits] != ranking.ids[: len(first.hits)]
            ):
                # Not an error in itself (rows of trashed clippings are left out of the
                # first page), but worth a look.
                print("    note: the first page differs from the whole list's first 20")
            if args.check and engine == "WhooshIndex":
                expected = whooshs_own(archive, text)
                same = ranking.ids == expected[:10_000]
                exact = ranking.exact and ranking.total == len(expected)
                print(f"    check: same order as Whoosh's own: {same}; count exact: {exact}")
                failed = failed or not (same and exact)
        return 1 if failed else 0
    finally:
        archive.close()


if __name__ == "__main__":
    sys.exit(main())
