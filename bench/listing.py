"""How long a page of the list takes at 100,000 clippings, for every sort.

Builds (once, then reuses) an archive bulk-filled with ``tests.synthetic.fill``, varied
so that every sort has ties and missing values: some clippings without a date or an
outlet, word counts and import times that repeat, a few in the trash, a common tag
(a third of the archive) and a rare one (half a percent). Then it times the first, the
middle and the last page (200 rows, the window's page) of every sort, both directions,
without a tag, with each tag, and in the trash, and prints the medians in ms.

"jump" is a page read without knowing the page before it (the scrollbar dragged);
"next" is the page after one just read (scrolling). An archive without keyset paging
(``ClippingStore.page``) is measured with OFFSET, which has no "next".

    python bench/listing.py [--rows 100000] [--archive /tmp/listing-bench] [--repeat 3]
                            [--clock wall|cpu]

``--clock cpu`` times this process's CPU (user + system) instead of the wall clock:
steadier on a machine that other programs keep busy (the load average is printed).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from clippings.services import Archive
from clippings.storage import ClippingStore
from tests.synthetic import fill

PAGE = 200
SORTS = ("published", "title", "outlet", "words", "imported", "id")
COMMON, RARE = "Common", "Rare"


def build(folder: Path, rows: int) -> None:
    marker = folder / f"filled-{rows}"
    if marker.exists():
        return
    Archive.open(folder).close()
    database = folder / "clippings.sqlite3"
    fill(database, rows)
    db = sqlite3.connect(database)
    # Ties and missing values for every sort key.
    db.execute("UPDATE clippings SET published = NULL, published_utc = NULL WHERE id % 20 = 3")
    db.execute("UPDATE clippings SET outlet = NULL WHERE id % 13 = 5")
    db.execute("UPDATE clippings SET word_count = 100 + (id * 7919) % 1500")
    db.execute(
        "UPDATE clippings SET imported_at = datetime('2026-01-01', '+' || (id / 50) || ' minutes')"
    )
    db.execute("UPDATE clippings SET title = 'Same title' WHERE id % 11 = 0")
    db.execute("UPDATE clippings SET trashed = 1, trashed_at = imported_at WHERE id % 50 = 7")
    for name in (COMMON, RARE):
        db.execute("INSERT INTO tags (name) VALUES (?)", (name,))
    db.execute(
        "INSERT INTO clipping_tags (clipping_id, tag_id) SELECT id, "
        "(SELECT id FROM tags WHERE name = ?) FROM clippings WHERE id % 3 = 0",
        (COMMON,),
    )
    db.execute(
        "INSERT INTO clipping_tags (clipping_id, tag_id) SELECT id, "
        "(SELECT id FROM tags WHERE name = ?) FROM clippings WHERE id % 200 = 1",
        (RARE,),
    )
    db.commit()
    db.close()
    marker.touch()


CLOCK: Callable[[], float] = time.perf_counter


def median_ms(call: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = CLOCK()
        call()
        times.append((CLOCK() - start) * 1000)
    return statistics.median(times)


def measure(store: ClippingStore, repeat: int) -> None:
    keyset = hasattr(store, "page")
    cases: list[tuple[str, str | None, bool]] = [
        ("all", None, False),
        ("tag " + COMMON, COMMON, False),
        ("tag " + RARE, RARE, False),
        ("trash", None, True),
    ]
    print(
        f"{'sort':<10} {'dir':<4} {'rows':<11} {'count':>6} {'first':>7} "
        f"{'mid jump':>9} {'mid next':>9} {'last jump':>10} {'last next':>10}"
    )
    worst = 0.0
    for label, tag, trashed in cases:
        count = store.count(tag=tag, trashed=trashed)
        middle = (count // PAGE // 2) * PAGE
        last = max(0, (count - 1) // PAGE * PAGE)
        for sort in SORTS:
            for descending in (True, False):
                common = {"tag": tag, "trashed": trashed, "sort": sort, "descending": descending}
                cells: list[float | None] = []
                if keyset:
                    cells.append(median_ms(lambda c=common: store.page(**c, limit=PAGE), repeat))
                    for position in (middle, last):
                        cells.append(
                            median_ms(
                                lambda p=position, c=common: store.page(**c, skip=p, limit=PAGE),
                                repeat,
                            )
                        )
                        before = store.page(**common, skip=max(0, position - PAGE), limit=PAGE)
                        cells.append(
                            median_ms(
                                lambda b=before, c=common: store.page(
                                    **c, after=b.next, limit=PAGE
                                ),
                                repeat,
                            )
                        )
                else:
                    for position in (0, middle, last):
                        cells.append(
                            median_ms(
                                lambda p=position, c=common: store.summaries(
                                    **c, offset=p, limit=PAGE
                                ),
                                repeat,
                            )
                        )
                        if position:
                            cells.append(None)
                worst = max(worst, *(c for c in cells if c is not None))
                shown = " ".join(
                    f"{'-' if c is None else f'{c:.1f}':>{w}}"
                    for c, w in zip(cells, (7, 9, 9, 10, 10), strict=True)
                )
                print(
                    f"{sort:<10} {'desc' if descending else 'asc':<4} {label:<11} "
                    f"{count:>6} {shown}",
                    flush=True,
                )
    print(f"slowest page: {worst:.1f} ms ({'keyset' if keyset else 'OFFSET'} paging)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--archive", type=Path, default=Path("/tmp/listing-bench"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    args = parser.parse_args()
    global CLOCK
    CLOCK = time.process_time if args.clock == "cpu" else time.perf_counter
    build(args.archive, args.rows)
    print(f"{args.clock} clock, ms; load average {os.getloadavg()[0]:.1f} at the start")
    with Archive.open(args.archive) as archive:
        measure(archive.store, args.repeat)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
