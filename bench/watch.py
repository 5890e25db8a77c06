"""Cost of noticing other programs' changes: what the window pays every two seconds.

    .venv/bin/python bench/watch.py [--clippings N]

Builds an archive of N bulk-inserted clippings (100,000 by default), then times
``Archive.changed_elsewhere`` (one poll of the window's timer) when nothing changed and
just after another connection committed, and, for scale, the reads the window makes
when something did change (counts, tags, outlets, languages, the first page).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from clippings.services import Archive  # noqa: E402
from clippings.storage import DATABASE_NAME  # noqa: E402
from tests.synthetic import fill  # noqa: E402


def timed(action: Callable[[], object], times: int) -> list[float]:
    """Microseconds per call."""
    spent = []
    for _ in range(times):
        start = time.perf_counter()
        action()
        spent.append((time.perf_counter() - start) * 1e6)
    return spent


def show(label: str, spent: list[float]) -> None:
    spent = sorted(spent)
    p99 = spent[min(len(spent) - 1, int(len(spent) * 0.99))]
    print(f"{label:<44} median {statistics.median(spent):9.1f} µs   p99 {p99:9.1f} µs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clippings", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "archive"
        Archive.open(path).close()
        started = time.perf_counter()
        fill(path / DATABASE_NAME, args.clippings)
        print(f"{args.clippings:,} clippings inserted in {time.perf_counter() - started:.1f} s")
        with Archive.open(path) as archive:
            archive.changed_elsewhere()  # starts watching
            show("poll, nothing changed", timed(archive.changed_elsewhere, 20_000))
            other = sqlite3.connect(path / DATABASE_NAME)

            def commit_then_poll() -> bool:
                after_count = len(after)
                other.execute("UPDATE clippings SET notes = ? WHERE id = 1", (str(after_count),))
                other.commit()
                start = time.perf_counter()
                seen = archive.changed_elsewhere()
                after.append((time.perf_counter() - start) * 1e6)
                assert seen, "a commit by another connection was not seen"
                return seen

            after: list[float] = []
            timed(commit_then_poll, 500)
            show("poll just after another connection committed", after)
            other.close()
            print("for scale, what the window reads when something changed:")
            show("  count (live and trashed)", timed(lambda: archive.count(trashed=True), 20))
            show("  tags", timed(archive.tags, 20))
            show("  outlets", timed(archive.outlets, 20))
            show("  languages", timed(archive.languages, 20))
            show("  first page of the list", timed(lambda: archive.list(limit=200), 20))
            show(
                "  a page deep in the list",
                timed(lambda: archive.list(offset=90_000, limit=200), 20),
            )


if __name__ == "__main__":
    main()
