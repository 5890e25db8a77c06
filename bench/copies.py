"""Speed of recognising the same piece in another format at import, on a large archive.

    .venv/bin/python bench/copies.py --archive /var/tmp/clippings-scale/10000/whoosh [--sample N]

Works on a copy of the archive's database (the archive itself is never written): opens
it (the migration to the schema with copies), marks every clipping (what
``services.copies.mark_old_clippings`` does in the background after an upgrade), then
stores, through ``ClippingStore.add_many`` with the import's ``SamePieceCheck`` (the
real transaction: candidates by marks, texts compared, the row or the copy written):

- ``print``: N stored clippings' texts with site furniture around them (another
  clipping's first 150 words before, 100 after) and the clipping's title with an
  outlet after it, as a browser's print carries: each must be recognised as a copy of
  its clipping;
- ``quote``: N texts of their own that quote 120 words of a clipping: no copy;
- ``two``: N pages of two clippings' texts each: no copy must be found (each holds a
  clipping whole, but it is only half of the page);
- ``baseline``: N other such pages stored without the check (what a store costs
  without it: the transaction and its commit).

Prints the time per file (median, 95th percentile, most), the candidates compared, how
many were recognised, the size of the marks table, and the time to mark the archive.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> None:
    from clippings.analysis import copies as analysis
    from clippings.model import Extracted
    from clippings.services import copies
    from clippings.services.import_steps import new_clipping
    from clippings.storage import ClippingStore
    from clippings.storage.copies import StoredPiece

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--archive", type=Path, required=True)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--misses", action="store_true", help="name the prints not recognised")
    args = parser.parse_args()
    rng = random.Random(11)

    with tempfile.TemporaryDirectory(prefix="bench-copies-") as temporary:
        database = Path(temporary) / "clippings.sqlite3"
        started = time.perf_counter()
        source = sqlite3.connect(f"file:{args.archive / 'clippings.sqlite3'}?mode=ro", uri=True)
        target = sqlite3.connect(database)
        source.backup(target)
        source.close()
        target.close()
        print(f"copied the database in {time.perf_counter() - started:.1f} s")

        store = ClippingStore.for_file(database)
        started = time.perf_counter()
        store.upgrade()
        print(f"migrated in {time.perf_counter() - started:.1f} s")
        archive = SimpleNamespace(read_only=False, store=store)
        started = time.perf_counter()
        marked = 0
        while True:
            done = copies.mark_old_clippings(archive)  # type: ignore[arg-type]
            if not done:
                break
            marked += done
        took = time.perf_counter() - started
        print(
            f"marked {marked} clippings in {took:.1f} s "
            f"({1000 * took / max(marked, 1):.2f} ms each)"
        )

        with sqlite3.connect(database) as conn:
            rows = conn.execute("SELECT count(*) FROM copy_marks").fetchone()[0]
            clippings = conn.execute("SELECT count(*) FROM clippings").fetchone()[0]
            try:
                size = conn.execute(
                    "SELECT sum(pgsize) FROM dbstat WHERE name LIKE '%copy_marks%'"
                ).fetchone()[0]
            except sqlite3.OperationalError:
                size = None
            ids = [
                int(r[0])
                for r in conn.execute(
                    "SELECT id FROM clippings WHERE trashed = 0 AND has_text = 1 "
                    "AND word_count >= 150 AND part IS NULL"
                )
            ]
        shown = f", {size / 1e6:.1f} MB with its index" if size else ""
        print(
            f"copy_marks: {rows} rows for {clippings} clippings "
            f"({rows / clippings:.1f} each){shown}"
        )

        picked = rng.sample(ids, min(args.sample, len(ids)))
        texts = {i: store.get(i).text for i in picked}
        titles = {i: store.get(i).title for i in picked}
        compared: list[int] = []

        class Counting(copies.SamePieceCheck):
            def reason(self, new, stored: StoredPiece):  # type: ignore[no-untyped-def]
                # Texts compared (a candidate whose marks rule it out costs nothing).
                compared[-1] += analysis.worth_comparing(
                    len(new.marks), stored.mark_count, stored.shared_marks
                )
                return super().reason(new, stored)

        check = Counting()

        def store_one(
            text: str, title: str, name: str, fmt: str, check: object
        ) -> tuple[float, object]:
            extracted = Extracted(text=text, title=title, format=fmt)
            new = new_clipping(extracted, f"{name}{rng.random()}".encode(), name)
            compared.append(0)
            started = time.perf_counter()
            [added] = store.add_many([new], store_originals=lambda _: None, copies=check)
            return time.perf_counter() - started, added

        # Prints first (they add copies, no clippings), the pages of two last (each kind
        # its own pairs, so that no text is one an earlier kind stored).
        for kind in ("print", "quote", "two", "baseline"):
            times, found, right = [], 0, 0
            compared.clear()
            for n, clipping_id in enumerate(picked):
                words = texts[clipping_id].split()
                step = 2 if kind == "baseline" else 1
                partner = picked[(n + step) % len(picked)]
                other = texts[partner].split()
                title = f"{kind} {n} of the bench"
                if kind in ("baseline", "two"):
                    # A page of two articles, the archive's and another: not a copy.
                    text = texts[clipping_id] + "\n\n" + texts[partner]
                elif kind == "quote":
                    # 120 words of the clipping quoted in a text of its own (the other
                    # clipping's words reversed: a text the archive does not have).
                    own = list(reversed(other))
                    text = " ".join(own[:200] + words[50:170] + own[200:])
                else:
                    # A print: furniture around the article, and the page's title.
                    title = f"{titles[clipping_id]} - The Bench Herald"
                    text = " ".join(other[:150]) + "\n\n" + texts[clipping_id] + "\n\n"
                    text += " ".join(other[-100:])
                took, added = store_one(
                    text,
                    title,
                    f"{kind}-{n}",
                    "pdf" if kind == "print" else "text",
                    None if kind == "baseline" else check,
                )
                times.append(took)
                if added.copy_reason:  # type: ignore[attr-defined]
                    found += 1
                    right += added.id == clipping_id  # type: ignore[attr-defined]
                if args.misses and kind == "print" and added.id != clipping_id:  # type: ignore[attr-defined]
                    print(
                        f"  print of {clipping_id} ({len(words)} words, title "
                        f"{titles[clipping_id]!r}): {added}"
                    )
                    marks = analysis.marks(text)
                    with store._reading() as conn:
                        candidates = store._copy_candidates(
                            conn, marks, analysis.candidate_floor(len(marks)), 8
                        )
                    print(
                        f"    {len(marks)} marks; candidates (id, shared, marks): "
                        f"{[(c.id, c.shared_marks, c.mark_count) for c in candidates]}"
                    )
            times.sort()
            p95 = times[int(0.95 * (len(times) - 1))]
            print(
                f"{kind:>8}: {len(times)} files, per file median "
                f"{1000 * statistics.median(times):.1f} ms, p95 {1000 * p95:.1f} ms, "
                f"max {1000 * times[-1]:.1f} ms; candidates compared per file "
                f"{statistics.mean(compared):.2f} (max {max(compared)}); "
                f"recognised as copies {found} ({right} of the right clipping)"
            )
        store.close()
        shutil.rmtree(temporary, ignore_errors=True)


if __name__ == "__main__":
    main()
