"""Whoosh and tantivy side by side, on the same synthetic archive.

    .venv/bin/python bench/engines.py [--clippings 20000] [--work DIR] [--skip-whoosh]

1. Build: two copies of one archive of N synthetic ~600-word clippings made of the
   corpus's sentences (bulk-inserted with SQL, with outlets, dates, languages and tags);
   one is indexed by Whoosh (``reindex``), the other switched to tantivy
   (``reindex --engine tantivy``): the time of each, and the time of reading the
   documents from the database alone (which both pay).
2. Search: per query kind, the median and 95th percentile of the first 20 hits with
   their snippets (what the window shows), of the same without snippets, and of raw
   tantivy (the translated query run on the searcher, no Python around it) as the
   reference.
3. A new process: open the archive and run a first search, per engine.

The archives stay in ``--work`` (reused when there: delete the folder to rebuild).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

QUERIES = [
    ("word", "police"),
    ("two words (AND)", "police fire"),
    ("phrase", '"police said"'),
    ("prefix", "elect*"),
    ("OR", "earthquake OR hurricane"),
    ("NOT", "police -fire"),
    ("field", "title:oscar"),
    ("outlet", "outlet:reuters"),
    ("tag", "tag:politics"),
    ("word + dates", "police published:[2012-01-01 to 2013-12-31]"),
    ("dates only", "published:2012-03"),
    ("by date", "police"),
]
OUTLETS = ["Reuters", "Thomson Reuters Foundation", "AP", "BBC News", "Le Monde", "TASS"]
TAGS = ["Politics", "Politics/Elections", "Crime", "Weather"]


def sentences(corpus: Path) -> list[str]:
    found = []
    for path in sorted((corpus / "ecbplus" / "text").glob("*/*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines()[3:]:
            if len(line.split()) > 6:
                found.append(line.strip())
    return found


def fill(database: Path, count: int, pool: list[str]) -> None:
    """Insert ``count`` clippings of ~600 words made of corpus sentences."""
    rng = random.Random(7)
    db = sqlite3.connect(database)
    sha = "0" * 64
    now = datetime(2026, 1, 1)
    db.execute("INSERT INTO originals (sha256, size, stored_at) VALUES (?, 1, ?)", (sha, now))
    start = datetime(2010, 1, 1)

    def rows():  # type: ignore[no-untyped-def]
        for n in range(count):
            body = "\n\n".join(" ".join(rng.choice(pool) for _ in range(5)) for _ in range(5))
            moment = start + timedelta(hours=60_000 * n / count)  # 2010 to late 2016
            yield (
                " ".join(rng.choice(pool).split()[:8]),
                rng.choice(OUTLETS),
                moment.date().isoformat(),
                moment,
                body,
                len(body.split()),
                sha,
                now,
            )

    db.executemany(
        "INSERT INTO clippings (title, outlet, published, published_utc, language, text, "
        "word_count, original_name, sha256, format, has_text, imported_at, trashed, revision, "
        "provenance) VALUES (?, ?, ?, ?, 'en', ?, ?, 'x.txt', ?, 'text', 1, ?, 0, 1, '{}')",
        rows(),
    )
    for name in TAGS:
        db.execute("INSERT INTO tags (name) VALUES (?)", (name,))
    tag_ids = [row[0] for row in db.execute("SELECT id FROM tags")]
    db.executemany(
        "INSERT INTO clipping_tags (clipping_id, tag_id) VALUES (?, ?)",
        ((n, tag_ids[n % len(tag_ids)]) for n in range(1, count + 1, 7)),
    )
    db.commit()
    db.close()


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def build(work: Path, count: int, corpus: Path, engines: list[str]) -> None:
    from clippings.search.fast_terms import index_text
    from clippings.search.tantivy_index import TantivyIndex
    from clippings.services import Archive
    from clippings.services.archive import with_speakers

    template = work / "template"
    if not (template / "clippings.sqlite3").exists():
        Archive.open(template).close()
        started = time.perf_counter()
        fill(template / "clippings.sqlite3", count, sentences(corpus))
        print(f"{count} synthetic clippings stored in {time.perf_counter() - started:.1f} s")
    for engine in engines:
        folder = work / engine
        if folder.exists():
            continue
        shutil.copytree(template, folder, ignore=shutil.ignore_patterns("index*"))
        db = sqlite3.connect(folder / "clippings.sqlite3")
        db.execute("INSERT INTO archive_meta (key, value) VALUES ('search_engine', ?)", (engine,))
        db.commit()
        db.close()
        # Opening finds no index and builds it from the database.
        seconds = timed(lambda folder=folder: Archive.open(folder).close())
        print(
            f"{engine}: open + index built from the database (with quotations) in "
            f"{seconds:.1f} s ({count / seconds:.0f} clippings/s)"
        )
    if "tantivy" in engines and not (work / "tantivy-only").exists():
        with Archive.open(work / "tantivy") as archive:
            documents: list = []
            store = archive.store
            seconds = timed(
                lambda: [
                    documents.extend(store.index_documents(ids).values())
                    for ids in store.all_ids(searchable_only=True)
                ]
            )
            print(f"reading the documents from the database (no quotations): {seconds:.1f} s")
            sample = documents[:1000]
            seconds = timed(lambda: [with_speakers(d) for d in sample])
            print(f"finding the quotations' speakers: {seconds / len(sample) * 1000:.1f} ms each")
        seconds = timed(lambda: [index_text(d.text) for d in documents])
        print(f"the project's analysis of every text (warm word memory): {seconds:.1f} s")
        (work / "tantivy-only").mkdir()
        only = TantivyIndex(work / "tantivy-only" / "index")
        batches = [documents[i : i + 250] for i in range(0, len(documents), 250)]
        with only.locked():
            seconds = timed(lambda: only.rebuild(lambda _after: batches, len(documents)))
        print(
            f"tantivy: index built from documents in memory in {seconds:.1f} s "
            f"({count / seconds:.0f} clippings/s)"
        )


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):7.1f} {p95:7.1f}"


def measure(work: Path, engines: list[str], runs: int) -> None:
    from clippings.services import Archive

    header = f"{'query kind':<16}{'query':<46}{'engine':<9}"
    print(f"\n{header}{'snippets':>16}{'without':>16}{'raw':>16}  found")
    print(f"{'':<71}{'median  p95 ms':>16}{'median  p95 ms':>16}{'median  p95 ms':>16}")
    for kind, query in QUERIES:
        sort = "date" if kind == "by date" else "relevance"
        for engine in engines:
            with Archive.open(work / engine) as archive:
                archive.search(query, limit=20, sort=sort)  # warm: the first searcher
                with_snippets, without, raw = [], [], []
                search = partial(archive.search, query, limit=20, sort=sort)
                for _ in range(runs):
                    with_snippets.append(1000 * timed(search))
                    without.append(1000 * timed(partial(search, snippets=False)))
                found = archive.search(query, limit=20, sort=sort, snippets=False)
                raw_cell = f"{'':>16}"
                if engine == "tantivy":
                    run = _raw(archive, query, sort)
                    raw = [1000 * timed(run) for _ in range(runs)]
                    raw_cell = f"{percentiles(raw):>16}"
                note = f"  ({'; '.join(found.notes)})" if found.notes else ""
                print(
                    f"{kind:<16}{query:<46}{engine:<9}{percentiles(with_snippets):>16}"
                    f"{percentiles(without):>16}{raw_cell}  {found.total}{note}"
                )


def _raw(archive: object, query: str, sort: str) -> Callable[[], object]:
    import tantivy

    from clippings.search.tantivy_index import _parsed, _Translator

    index = archive.index  # type: ignore[attr-defined]
    searcher = index.searcher()
    translated = _Translator(index._schema, searcher).translate(_parsed(query))
    if sort == "date":
        return lambda: searcher.search(
            translated, 20, count=True, order_by_field="moment", order=tantivy.Order.Desc
        )
    return lambda: searcher.search(translated, 20, count=True)


def cold(work: Path, engines: list[str]) -> None:
    print()
    for engine in engines:
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "clippings",
                    "--archive",
                    str(work / engine),
                    "search",
                    "police",
                    "--limit",
                    "20",
                ],
                cwd=REPO,
                capture_output=True,
                check=True,
            )
            runs.append(time.perf_counter() - started)
        print(f"{engine}: new process, `clippings search police`: {statistics.median(runs):.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--clippings", type=int, default=20_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/clippings-bench-engines"))
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--skip-whoosh", action="store_true", help="tantivy only")
    args = parser.parse_args()
    engines = ["tantivy"] if args.skip_whoosh else ["whoosh", "tantivy"]
    work = args.work / str(args.clippings)
    work.mkdir(parents=True, exist_ok=True)
    print(f"{date.today()}  {args.clippings} clippings in {work}")
    build(work, args.clippings, args.corpus, engines)
    measure(work, engines, args.runs)
    cold(work, engines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
