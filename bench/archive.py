"""Speed of the archive core: importing real files, indexing, searching.

    .venv/bin/python bench/archive.py [--clippings N] [--corpus PATH]

1. Import: the real HTML pages (aeb, gzip-decompressed) and ecbplus texts of the
   corpus through the whole pipeline (sniff, extract, store, index), files a second.
2. Index and search: an archive of N synthetic clippings made of corpus sentences
   (bulk-stored, then `reindex`), then the median and 95th percentile of a set of
   queries, each returning the first 20 hits with their snippets (what a window shows),
   against a reference measured in the same run: the same query without snippets.
3. Opening the archive in a new process: import and first query.
"""

from __future__ import annotations

import argparse
import gzip
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from clippings.model import Extracted  # noqa: E402
from clippings.services import Archive, import_paths  # noqa: E402
from clippings.services.importing import text_fingerprint  # noqa: E402
from clippings.storage import NewClipping  # noqa: E402

QUERIES = [
    "police",
    "police fire",
    '"said on"',
    "elect*",
    "earthquake OR hurricane",
    "killed published:[2012-01-01 to 2012-12-31]",
    "title:oscar",
]


def bench_import(corpus: Path, work: Path) -> None:
    pages = work / "pages"
    pages.mkdir()
    for path in sorted((corpus / "aeb" / "html").glob("*.html.gz")):
        (pages / path.name.removesuffix(".gz")).write_bytes(gzip.decompress(path.read_bytes()))
    texts = sorted((corpus / "ecbplus" / "text").glob("*/*.txt"))[:300]
    for label, paths in (("HTML pages (aeb)", [pages]), ("ecbplus texts", texts)):
        with Archive.open(work / f"import-{len(paths)}") as archive:
            started = time.perf_counter()
            report = import_paths(archive, paths)
            elapsed = time.perf_counter() - started
        n = len(report.results)
        print(f"import {label:<18} {n:4d} files  {elapsed:6.1f} s  {n / elapsed:6.1f} files/s")


def sentences(corpus: Path) -> list[str]:
    found = []
    for path in sorted((corpus / "ecbplus" / "text").glob("*/*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines()[3:]:
            if len(line.split()) > 6:
                found.append(line.strip())
    return found


def bench_search(corpus: Path, work: Path, count: int) -> None:
    pool = sentences(corpus)
    rng = random.Random(7)
    folder = work / "synthetic"
    with Archive.open(folder) as archive:
        started = time.perf_counter()
        for number in range(count):
            body = "\n\n".join(" ".join(rng.choice(pool) for _ in range(4)) for _ in range(6))
            title = " ".join(rng.choice(pool).split()[:8])
            day = 1 + number % 28
            extracted = Extracted(
                text=body,
                format="text",
                title=title,
                outlet=rng.choice(["Reuters", "AP", "BBC News", "Le Monde", "TASS"]),
                published=date(2010 + number % 5, 1 + number % 12, day),
                language="en",
            )
            _add_fast(archive, extracted, number)
        stored = time.perf_counter() - started
        started = time.perf_counter()
        archive.rebuild_index()
        indexed = time.perf_counter() - started
        print(
            f"{count} synthetic clippings (~{len(body.split())} words each): "
            f"stored in {stored:.1f} s, "
            f"index built in {indexed:.1f} s ({count / indexed:.0f} clippings/s)"
        )
        print(f"{'query (20 hits)':<48}{'with snippets':>16}{'without':>12}   matches")
        for query in QUERIES:
            with_snippets, without = [], []
            for _ in range(7):
                t = time.perf_counter()
                results = archive.search(query, limit=20)
                with_snippets.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                archive.search(query, limit=20, snippets=False)
                without.append((time.perf_counter() - t) * 1000)
            print(
                f"{query:<48}{statistics.median(with_snippets):11.1f} ms"
                f"{statistics.median(without):9.1f} ms   {results.total}"
            )
        t = time.perf_counter()
        page = archive.list(limit=100, offset=count // 2)
        print(
            f"list: a page of {len(page)} rows from the middle, by date: "
            f"{(time.perf_counter() - t) * 1000:.1f} ms"
        )
    code = (
        "import time; t=time.perf_counter(); from clippings.services import Archive; "
        f"a=Archive.open(__import__('pathlib').Path({str(folder)!r})); "
        "a.search('police', limit=20); "
        "print(f'{(time.perf_counter()-t)*1000:.0f}')"
    )
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(3)
    ]
    print(f"new process: open the archive + first search: {statistics.median(runs):.0f} ms")


def _add_fast(archive: Archive, extracted: Extracted, number: int) -> None:
    """Store without the per-clipping index commit (the index is built after)."""
    body = extracted.text.encode("utf-8")
    sha, _ = archive.originals.put(body)
    archive.store.add(
        NewClipping(
            extracted=extracted,
            sha256=sha,
            size=len(body),
            original_name=f"{number}.txt",
            text_hash=text_fingerprint(extracted.text),
            word_count=len(extracted.text.split()),
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--clippings", type=int, default=2000)
    parser.add_argument("--skip-import", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="clippings-bench-"))
    try:
        if not args.skip_import:
            bench_import(args.corpus, work)
        bench_search(args.corpus, work, args.clippings)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
