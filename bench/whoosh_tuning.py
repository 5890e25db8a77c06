"""Whoosh tuned: the search index alone, before and after, on N synthetic clippings.

    .venv/bin/python bench/whoosh_tuning.py [--docs 20000] [--baseline REV] [--only new]

Builds a synthetic index of N clippings (~600 words of corpus sentences each, with
outlets, authors, tags, languages and dates) with ``WhooshIndex.rebuild`` and measures,
per query kind: median / p95 ms of the first 20 hits with their snippets, the window's
full hit list (limit=10,000), whether the count is exact (compared with the whole hit
list, limit=None) or an honest lower bound; then the build time, a new process's open +
first search and its memory, and an import's commits (batches of 50 new clippings into
the full index): the slowest commit is the stall an import would see, then ``tidy``.

Each variant runs in its own process: "new" is this worktree's code, "old" the code of
``--baseline`` (default: the commit before the Whoosh tuning), exported with git.
"""

from __future__ import annotations

import argparse
import os
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
CORPUS = REPO.parent / "shared" / "corpus"

QUERIES = [
    ("word", "police", "relevance"),
    ("word, by date", "police", "date"),
    ("AND", "police fire", "relevance"),
    ("OR", "earthquake OR hurricane", "relevance"),
    ("NOT", "police NOT fire", "relevance"),
    ("phrase", '"police said"', "relevance"),
    ("prefix", "elect*", "relevance"),
    ("title:", "title:police", "relevance"),
    ("outlet:", "outlet:reuters", "relevance"),
    ("author:", "author:smith", "relevance"),
    ("date", "published:2012", "relevance"),
    ("word + date range", "police published:[2012-01-01 to 2013-12-31]", "relevance"),
    ("tag:", "tag:politics", "relevance"),
    ("lang:", "lang:de", "relevance"),
    ("combination", "(police OR fire) -killed published:2013 outlet:reuters", "relevance"),
]

OUTLETS = ["Reuters", "Thomson Reuters Foundation", "AP", "BBC News", "Le Monde", "TASS"] + [
    f"Outlet {n}" for n in range(40)
]
AUTHORS = ["Anna Smith", "John Smithson", "Maria Garcia", "Li Wei", "Olga Ivanova", ""]
TAGS = [
    ("Politics",),
    ("Politics", "Politics/Elections"),
    ("Crime",),
    ("Economy",),
    ("Economy", "Economy/Trade"),
    (),
    (),
]


def sentences() -> list[str]:
    found = []
    for path in sorted((CORPUS / "ecbplus" / "text").glob("*/*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines()[3:]:
            if len(line.split()) > 6:
                found.append(line.strip())
    return found


def document(pool: list[str], number: int) -> object:
    from clippings.model import IndexDocument

    rng = random.Random(number)
    body = "\n\n".join(" ".join(rng.choice(pool) for _ in range(4)) for _ in range(6))
    language = "de" if number % 20 == 0 else "fr" if number % 20 == 1 else "en"
    return IndexDocument(
        id=number,
        revision=1,
        title=" ".join(rng.choice(pool).split()[:8]),
        text=body,
        outlet=OUTLETS[number % len(OUTLETS)],
        author=AUTHORS[number % len(AUTHORS)] or None,
        language=language,
        published=date(2010 + number % 6, 1 + number % 12, 1 + number % 28),
        tags=TAGS[number % len(TAGS)],
    )


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def memory() -> str:
    status = Path("/proc/self/status").read_text()
    values = dict(line.split(":", 1) for line in status.splitlines())
    return f"RSS {values['VmRSS'].strip()}, peak {values['VmHWM'].strip()}"


def run_variant(root: Path, work: Path, count: int, label: str) -> None:
    sys.path.insert(0, str(root))
    from clippings.search import WhooshIndex

    pool = sentences()
    folder = work / "index"
    index = WhooshIndex(folder)
    reports = []

    def batches(after: int = 0):  # type: ignore[no-untyped-def]
        for start in range(after + 1, count + 1, 500):
            yield [document(pool, n) for n in range(start, min(start + 500, count + 1))]

    started, cpu = time.perf_counter(), time.process_time()
    index.rebuild(batches, count, report=lambda progress: reports.append(time.perf_counter()))
    built = time.perf_counter() - started
    gaps = [
        b - a for a, b in zip([started, *reports], [*reports, time.perf_counter()], strict=True)
    ]
    print(
        f"[{label}] build {count} docs: {built:.1f} s ({count / built:.0f} docs/s; "
        f"x{100_000 / count:.0f} -> ~{built * 100_000 / count / 60:.1f} min at 100k), "
        f"{len(reports)} progress reports, longest gap {max(gaps):.1f} s; CPU: this process "
        f"{time.process_time() - cpu:.0f} s, workers {_children_cpu():.0f} s"
    )
    index.close()

    cold = (
        "import sys, time; t = time.perf_counter(); "
        f"sys.path.insert(0, {str(root)!r}); "
        "from clippings.search import WhooshIndex; from pathlib import Path; "
        f"r = WhooshIndex(Path({str(folder)!r})).search('police', limit=20); "
        "ms = (time.perf_counter() - t) * 1000; "
        f"sys.path.insert(0, {str(REPO / 'bench')!r}); from whoosh_tuning import memory; "
        "print(f'{ms:.0f} ms, {memory()}')"
    )
    for attempt in range(2):
        out = subprocess.run(
            [sys.executable, "-c", cold], capture_output=True, text=True, check=True
        ).stdout.strip()
        print(f"[{label}] new process: imports + open + first search ({attempt + 1}): {out}")

    print(
        f"[{label}] {'query':<58}{'20+snip med':>12}{'p95':>8}{'full list':>11}"
        f"{'cpu 20+snip':>12}{'count':>9}{'all hits':>9}  exact?"
    )
    texts: dict[int, str] = {}
    for kind, query, sort in QUERIES:
        firsts, fulls, cpus = [], [], []
        ranking = None
        for _ in range(9):
            first = index.search(query, limit=20, sort=sort)
            for clipping_id in first.ids:
                if clipping_id not in texts:
                    texts[clipping_id] = document(pool, clipping_id).text  # type: ignore[attr-defined]
            t, c = time.perf_counter(), time.process_time()
            ranking = index.search(query, limit=20, sort=sort)
            for clipping_id in ranking.ids:
                index.snippet(query, texts[clipping_id])
            firsts.append((time.perf_counter() - t) * 1000)
            cpus.append((time.process_time() - c) * 1000)
            t = time.perf_counter()
            index.search(query, limit=10_000, sort=sort)
            fulls.append((time.perf_counter() - t) * 1000)
        assert ranking is not None
        everything = len(index.search(query, limit=None, sort=sort).hits)
        exact = getattr(ranking, "exact", True)
        if ranking.total == everything and exact:
            verdict = "exact"
        elif not exact and len(ranking.hits) <= ranking.total <= everything:
            verdict = "lower bound"
        else:
            verdict = "WRONG"
        notes = "; ".join(getattr(ranking, "notes", ()))
        name = f"{kind}: {query}"
        print(
            f"[{label}] {name[:58]:<58}{statistics.median(firsts):10.1f}ms"
            f"{sorted(firsts)[-1]:6.0f}ms{statistics.median(fulls):9.1f}ms"
            f"{statistics.median(cpus):10.1f}ms{ranking.total:>9}{everything:>9}  {verdict}"
            f"{'  (' + notes + ')' if notes else ''}"
        )

    # An import's commits: batches of 50 new clippings into the full index.
    commits, commit_cpus = [], []
    for batch in range(40):
        start = count + 1 + batch * 50
        upserts = [document(pool, n) for n in range(start, start + 50)]
        t, c = time.perf_counter(), time.process_time()
        with index.locked():
            index.apply(upserts, [])  # type: ignore[arg-type]
        commits.append(time.perf_counter() - t)
        commit_cpus.append(time.process_time() - c)
    segments = len(index._open()._segments())
    print(
        f"[{label}] import commits (40 x 50 docs): median {statistics.median(commits) * 1000:.0f}"
        f" ms, slowest {max(commits) * 1000:.0f} ms, total {sum(commits):.1f} s; "
        f"{segments} segments; CPU median {statistics.median(commit_cpus) * 1000:.0f} ms, "
        f"slowest {max(commit_cpus) * 1000:.0f} ms"
    )
    for attempt in ("first", "second"):
        t = time.perf_counter()
        index.search("police", limit=20)
        print(
            f"[{label}] {attempt} search after the commits: "
            f"{(time.perf_counter() - t) * 1000:.0f} ms"
        )
    if hasattr(index, "tidy"):
        t, c = time.perf_counter(), time.process_time()
        with index.locked():
            while index.tidy():
                pass
        segments = len(index._open()._segments())
        print(
            f"[{label}] tidy() after the import: {time.perf_counter() - t:.1f} s "
            f"(CPU {time.process_time() - c:.1f} s); {segments} segments"
        )
    index.close()
    size = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
    print(f"[{label}] index on disk: {size:.0f} MB in {len(list(folder.iterdir()))} files")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--baseline", default="801f52d")
    parser.add_argument("--only", choices=["old", "new"])
    parser.add_argument("--variant", help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        run_variant(args.root, args.work, args.docs, args.variant)
        return 0
    work = Path(tempfile.mkdtemp(prefix="whoosh-tuning-"))
    try:
        variants = []
        if args.only != "new":
            old = work / "old-code"
            old.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(REPO), "archive", args.baseline, "clippings"],
                capture_output=True,
                check=True,
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
            variants.append(("old", old))
        if args.only != "old":
            variants.append(("new", REPO))
        for label, root in variants:
            (work / label).mkdir()
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--variant",
                    label,
                    "--root",
                    str(root),
                    "--work",
                    str(work / label),
                    "--docs",
                    str(args.docs),
                ],
                check=True,
                env={**os.environ, "PYTHONHASHSEED": "0"},
            )
            shutil.rmtree(work / label, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
