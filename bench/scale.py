"""The scale issue's evidence: every row of its target table, measured at 1k, 10k, 100k.

    python bench/scale.py build   --size 100000 [--dir /var/tmp/clippings-scale]
                                  [--stages load,...] [--import-files 5000]
    python bench/scale.py measure --size 100000 [--only search,related,...] [--reindex]
                                  [--repeat 15] [--budget 300]
    python bench/scale.py report  --size 100000      (print the table, rewrite the doc)

``build`` makes ``DIR/<size>/`` in stages, each recorded in ``state.json`` when done, so a
killed build continues where it stopped (the bulk load resumes at the last committed
batch):

1. ``load``: synthetic clippings recombined from the real corpus (``scale_data``),
   stored through the database's own insert (``ClippingStore._insert``, one transaction
   per batch of 1,000) with their originals, never the whole archive in memory;
2. ``features``: related pieces' features and edges by the service itself
   (``related.sync`` once it exists, ``compute_missing_features`` before);
3. ``whoosh``: the search index, ``Archive.rebuild_index`` (timed: the reindex row);
4. ``tantivy``: a second copy of the archive (database, index; originals hard-linked)
   switched to tantivy (``Archive.switch_engine`` or ``clippings reindex --engine``),
   so both engines are measured on the same clippings; "n/a" until the engine exists;
5. ``postgresql``: a team archive on a PostgreSQL cluster the bench runs in
   ``DIR/<size>/postgresql-cluster`` with durable settings (``scale_postgres``):
   ``init_server``, the same clippings through the store's insert (originals in the
   database), then the server's search index; started again by ``measure``, stopped after;
6. ``fts5`` and ``tantivy-raw``: the reference engines, built from the same database;
7. ``import-files``: the files the import row imports (changed copies of the corpus's
   texts and news pages, and PDFs typeset from its sentences; 3:2:1).

``measure`` runs every row of ``TABLE`` for each engine present (or those of
``--only``), keeps the figures in ``results.json`` (a row measured again replaces its
figures) and prints the table with targets and ratios; ``docs/performance.md`` gets the
section of this size, with the machine and the date. Rows that measure memory or a
cold start run in a new process (``probe``); the import goes into a copy of the full
archive (removed after), so ``measure`` can be run again on the same build. The
Whoosh reindex is optional (``--reindex``; 15-25 min at 100k): without it the row shows
the build's figure. The dossier is stopped after ``--budget`` seconds (and shown as
"more than").

The postgresql rows: search (same query kinds, target p95 <= 150 ms), the cold CLI,
and the import files' texts imported into a copy of the full team archive by 1 and by 4
concurrent client processes, beside the embedded import of the same run.

The parts: ``scale_build`` (the build's stages), ``scale_probes`` (what runs in a new
process), ``scale_common`` (figures, targets, the size's folder, subprocesses),
``scale_data`` (the synthetic clippings and import files), ``scale_refs`` (FTS5 and
tantivy used directly), ``scale_postgres`` (the server). This module holds the query
kinds, the rows and ``TABLE``.

Seen on this 2-core machine (shared, load 8): build 1k 40 s, 10k 12 min (load 61 s,
features 63 s, Whoosh 570 s); measure 1k ~3 min plus the dossier. At 100k expect, on
the code of the first round: load ~10 min, features ~11 min, Whoosh index 20-60 min,
references ~3 min, import files ~2 min; measure ~30 min plus the dossier's budget (the
import row ~15 min of it), plus --reindex.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import scale_data as data  # noqa: E402
from bench import scale_postgres  # noqa: E402
from bench.scale_build import build, copy_archive  # noqa: E402
from bench.scale_common import (  # noqa: E402
    DEFAULT_DIR,
    ENGINES,
    PYTHON,
    Bench,
    Figure,
    Progress,
    Target,
    cold_cli,
    med_p95,
    number,
    p95,
    probe,
    timed_ms,
)
from bench.scale_probes import PROBES  # noqa: E402
from bench.scale_refs import Fts5, QueryKind, Tantivy  # noqa: E402

PAGE = 200  # rows of the window's list page

# --- The query kinds of the issue ----------------------------------------------------------

KINDS: tuple[QueryKind, ...] = (
    QueryKind("police", "police", match="police", tantivy="police"),
    QueryKind("police fire", "police fire", match="police fire", tantivy="police fire"),
    QueryKind('"police said"', '"police said"', match='"police said"', tantivy='"police said"'),
    QueryKind("elect*", "elect*", match="elect*", tantivy_prefix="elect.*"),
    QueryKind(
        "outlet:Reuters",
        "outlet:Reuters",
        where="f.outlet = ?",
        params=("Reuters",),
        tantivy_terms=(("outlet", "Reuters"),),
    ),
    QueryKind(
        "word + dates",
        "police published:[2012-01-01 to 2013-12-31]",
        match="police",
        where="f.day BETWEEN ? AND ?",
        params=(20120101, 20131231),
        tantivy="police",
        tantivy_days=(20120101, 20131231),
    ),
    QueryKind(
        "tag:Crime",
        "tag:Crime",
        where="f.id IN (SELECT id FROM tagged WHERE tag = ?)",
        params=("Crime",),
        tantivy_terms=(("tags", "Crime"),),
    ),
    QueryKind(
        "lang:es",
        "lang:es",
        where="f.language = ?",
        params=("es",),
        tantivy_terms=(("language", "es"),),
    ),
)

# --- The rows ------------------------------------------------------------------------------


def measure_references(bench: Bench) -> None:
    """FTS5 and raw tantivy on every query kind (once per run, shown beside each
    engine's figure)."""
    if bench.refs:
        return
    engines: list[tuple[str, Any]] = []
    if bench.done("fts5"):
        engines.append(("FTS5", Fts5(bench.fts5)))
    if bench.done("tantivy-raw"):
        engines.append(("tantivy", Tantivy(bench.tantivy_raw)))
    for kind in KINDS:
        shown = bench.refs.setdefault(kind.label, {})
        for name, engine in engines:
            first = timed_ms(lambda e=engine, k=kind: e.first(k, snippets=True), bench.repeat)
            full = timed_ms(lambda e=engine, k=kind: e.ids(k, 10_000), max(3, bench.repeat // 3))
            count = engine.count(kind)
            shown[name] = f"{name} {number(p95(first))}"
            shown[name + " list"] = f"{name} {number(statistics.median(full))}"
            shown[name + " count"] = f"{name} {count:,}"
    for _name, engine in engines:
        engine.close()


def row_search(bench: Bench) -> list[Figure]:
    """First 20 with snippets (p95) and the window's full hit list, each query kind."""
    from clippings.services import Archive

    measure_references(bench)
    figures = []
    for engine in ENGINES:
        row = f"search, {engine}"
        target = Target(300 if engine == "whoosh" else 30, "ms")
        if engine not in bench.engines():
            figures.append(Figure.missing(row, "every query kind", _why_not(bench, engine), target))
            continue
        with Archive.open(bench.archive(engine)) as archive:
            index = type(archive.index).__name__
            for kind in KINDS:
                figures += search_figures(bench, archive, engine, kind, target)
        figures[-1].note = f"the archive's index: {index}"
    return figures + postgres_search(bench)


def postgres_search(bench: Bench) -> list[Figure]:
    """The same query kinds on the team archive (the server's search, its own snippets)."""
    from clippings.services import Archive

    target = Target(150, "ms")
    row = "search, postgresql"
    if not bench.done("postgresql"):
        return [Figure.missing(row, "every query kind", _why_not(bench, "postgresql"), target)]
    figures: list[Figure] = []
    with Archive.open(scale_postgres.url(bench)) as archive:
        index = type(archive.index).__name__
        for kind in KINDS:
            figures += search_figures(bench, archive, "postgresql", kind, target)
    figures[
        -1
    ].note = f"the archive's index: {index}; server on 127.0.0.1 ({scale_postgres.settings_text()})"
    return figures


def search_figures(
    bench: Bench, archive: Any, engine: str, kind: QueryKind, target: Target
) -> list[Figure]:
    row = f"search, {engine}"
    first = timed_ms(lambda: archive.search(kind.text, limit=20), bench.repeat)
    listing = timed_ms(
        lambda: archive.search_ids(kind.text, limit=10_000), max(5, bench.repeat // 3)
    )
    found = archive.search(kind.text, limit=20)
    every = archive.search_ids(kind.text, limit=None)
    status = count_status(found.total, getattr(found, "exact", True), len(every.ids))
    refs = bench.refs.get(kind.label, {})
    counts = ", ".join(
        v + ("" if v.endswith(f" {len(every.ids):,}") else " ≠")
        for k, v in refs.items()
        if k.endswith(" count")
    )
    return [
        Figure(
            row,
            f"`{kind.text}`: first 20 with snippets (p95)",
            p95(first),
            "ms",
            target,
            shown=med_p95(first),
            refs=", ".join(v for k, v in refs.items() if " " not in k),
            note=f"count {status}; {len(every.ids):,} found ({counts})",
        ),
        Figure(
            row,
            f"`{kind.text}`: the window's full hit list",
            statistics.median(listing),
            "ms",
            Target(400, "ms"),
            shown=med_p95(listing),
            refs=", ".join(v for k, v in refs.items() if k.endswith(" list")),
        ),
    ]


def count_status(total: int, exact: bool, full: int) -> str:
    """ "exact", "lower bound" or "WRONG": what the shown count is worth against the
    full hit list."""
    if exact and total == full:
        return f"exact ({total:,})"
    if not exact and total <= full:
        return f"lower bound (more than {total:,})"
    return f"WRONG (says {total:,}{'' if exact else '+'}, the hit list has {full:,})"


def _why_not(bench: Bench, engine: str) -> str:
    note = bench.state.get(engine, {}).get("note", "")
    return note.removeprefix("n/a: ") or f"the {engine} archive is not built (run build)"


def row_cold_search(bench: Bench) -> list[Figure]:
    """`clippings search` in a new process (median of 5), and the references the same way."""
    figures = []
    refs = []
    if bench.done("fts5"):
        refs.append(f"FTS5 {number(statistics.median(cold_reference(bench, 'fts5')) * 1000)}")
    if bench.done("tantivy-raw"):
        refs.append(f"tantivy {number(statistics.median(cold_reference(bench, 'tantivy')) * 1000)}")
    for engine in (*ENGINES, "postgresql"):
        label = f"{engine}: `clippings search police` (ms)"
        target = Target(600, "ms")
        if not bench.done(engine):
            figures.append(
                Figure.missing("cold CLI search", label, _why_not(bench, engine), target)
            )
            continue
        where = scale_postgres.url(bench) if engine == "postgresql" else str(bench.archive(engine))
        spent, peak = cold_cli(["--archive", where, "search", "police"])
        ms = [s * 1000 for s in spent]
        figures.append(
            Figure(
                "cold CLI search",
                label,
                statistics.median(ms),
                "ms",
                target,
                shown=med_p95(ms),
                refs=", ".join(refs) + " (new process, open + first 20)",
                note=f"peak {peak:.0f} MB",
            )
        )
    return figures


_COLD_REFERENCE = {
    "fts5": (
        'import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute("SELECT rowid, '
        "snippet(texts, 1, '<b>', '</b>', '…', 40) FROM texts WHERE texts MATCH 'police' "
        'ORDER BY rank LIMIT 20").fetchall(); db.execute("SELECT count(*) FROM texts WHERE '
        "texts MATCH 'police'\").fetchone()"
    ),
    "tantivy": (
        "import sys, tantivy; i = tantivy.Index.open(sys.argv[1]); s = i.searcher(); "
        "q = i.parse_query('police', ['title', 'text']); r = s.search(q, limit=20); "
        "g = tantivy.SnippetGenerator.create(s, q, i.schema, 'text'); "
        "[g.snippet_from_doc(s.doc(a)).to_html() for _, a in r.hits]"
    ),
}


def cold_reference(bench: Bench, which: str, runs: int = 5) -> list[float]:
    path = bench.fts5 if which == "fts5" else bench.tantivy_raw
    spent = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([PYTHON, "-c", _COLD_REFERENCE[which], str(path)], check=True)
        spent.append(time.perf_counter() - started)
    return spent


def row_related(bench: Bench) -> list[Figure]:
    """Warm lookups in one process, the cold CLI, and the memory they add."""
    row = "related"
    path = bench.archive("whoosh")
    found = probe(bench, "related", str(path), str(bench.size))
    ids = found["ids"][:5]
    spent, peak = [], 0.0
    for clipping_id in ids:
        one, top = cold_cli(["--archive", str(path), "related", str(clipping_id)], runs=1)
        spent += one
        peak = max(peak, top)
    cold = [s * 1000 for s in spent]
    return [
        Figure(
            row,
            f"warm, {len(found['warm'])} random clippings in one process (median)",
            statistics.median(found["warm"]),
            "ms",
            Target(100, "ms"),
            shown=med_p95(found["warm"]),
            note=f"first lookup in the process {found['first']:.0f} ms",
        ),
        Figure(
            row,
            "cold CLI `clippings related ID` (median of 5 ids)",
            statistics.median(cold),
            "ms",
            Target(1000, "ms"),
            shown=med_p95(cold),
            note=f"peak {peak:.0f} MB",
        ),
        Figure(
            row,
            "memory added by related lookups (peak over the opened archive)",
            found["extra_peak"],
            "MB",
            Target(300, "MB"),
            shown=f"{found['extra_peak']:.0f} (after: +{found['extra_after']:.0f})",
            note=f"process {found['rss_before']:.0f} MB before the first lookup",
        ),
    ]


def row_stories(bench: Bench) -> list[Figure]:
    found = probe(bench, "stories", str(bench.archive("whoosh")))
    return [
        Figure(
            "stories",
            "all stories of the archive (service call, new process)",
            found["seconds"],
            "s",
            Target(5, "s"),
            shown=number(found["seconds"]),
            note=f"{found['stories']:,} stories of {found['grouped']:,} clippings",
        ),
        Figure(
            "stories",
            "peak memory of that process",
            found["peak"],
            "MB",
            Target(500, "MB"),
            shown=f"{found['peak']:.0f}",
        ),
    ]


SORTS = ("published", "title", "outlet", "words", "imported", "id")


def row_list(bench: Bench) -> list[Figure]:
    """First, middle and last page of every sort, both ways (keyset paging when the
    store has it, jumping with ``skip``; OFFSET otherwise)."""
    from clippings.services import Archive

    figures = []
    with Archive.open(bench.archive("whoosh")) as archive:
        store = archive.store
        keyset = hasattr(store, "page")
        count = archive.count()
        positions = {
            "first": 0,
            "middle": count // PAGE // 2 * PAGE,
            "last": (count - 1) // PAGE * PAGE,
        }
        for sort in SORTS:
            cells, worst = [], 0.0
            for descending in (True, False):
                common = {"sort": sort, "descending": descending, "limit": PAGE}
                parts = []
                for name, at in positions.items():
                    call = _page_call(archive, keyset, at, **common)
                    ms = statistics.median(timed_ms(call, max(5, bench.repeat // 2)))
                    worst = max(worst, ms)
                    parts.append(f"{name} {number(ms)}")
                cells.append(f"{'desc' if descending else 'asc'}: {', '.join(parts)}")
            figures.append(
                Figure(
                    "list page",
                    f"by {sort}: {PAGE} rows, first/middle/last page, both ways (worst)",
                    worst,
                    "ms",
                    Target(20, "ms"),
                    shown=number(worst),
                    note=f"{'keyset (store.page)' if keyset else 'OFFSET'}; " + "; ".join(cells),
                )
            )
    return figures


def _page_call(archive: Any, keyset: bool, at: int, **common: Any) -> Callable[[], object]:
    if keyset:
        return lambda: archive.store.page(**common, skip=at)
    return lambda: archive.list(**common, offset=at)


def row_reindex(bench: Bench) -> list[Figure]:
    """The full rebuild of each engine's index (``--reindex``), or the build's."""
    figures = []
    refs = ", ".join(
        f"{name} {bench.state[key]['seconds']:.1f} s"
        for key, name in (("fts5", "FTS5"), ("tantivy-raw", "tantivy"))
        if bench.done(key)
    )
    for engine, limit in (("whoosh", 15 * 60), ("tantivy", 120)):
        label = f"{engine}: rebuild of every clipping's entry"
        target = Target(limit, "s")
        if engine not in bench.engines():
            figures.append(Figure.missing("reindex", label, _why_not(bench, engine), target))
            continue
        if bench.reindex:
            from clippings.services import Archive

            progress = Progress(f"{engine} reindex", every=30)
            with Archive.open(bench.archive(engine)) as archive:
                archive.rebuild_index(report=progress)
            seconds, gap, where = progress.finish(), progress.longest, "--reindex"
        else:
            facts = bench.state[engine]
            seconds, gap, where = facts["seconds"], facts["longest_gap"], "the build's"
        figures.append(
            Figure(
                "reindex",
                label,
                seconds,
                "s",
                target,
                shown=f"{seconds:.1f}",
                refs=refs,
                note=where,
            )
        )
        figures.append(
            Figure(
                "reindex",
                f"{engine}: longest time between two progress reports",
                gap,
                "s",
                Target(5, "s"),
                shown=f"{gap:.1f}",
                note="read as 'with progress': a stall the user would see",
            )
        )
    return figures


def row_upgrade(bench: Bench) -> list[Figure]:
    """What a features upgrade costs: the build's computation of every clipping's related
    data by the service (the same work, done from none)."""
    facts = bench.state.get("features", {})
    if not facts.get("done"):
        return [Figure.missing("features upgrade", "related data of every clipping", "not built")]
    if "longest_gap" not in facts:  # made up by the build (--analysis synthetic)
        return [
            Figure.missing(
                "features upgrade",
                "related data of every clipping",
                "the build made the analysis up (--analysis synthetic); bench/upgrade.py "
                "measures an upgrade of the built archive",
            )
        ]
    return [
        Figure(
            "features upgrade",
            f"related data of every clipping ({facts['service']}), the build's",
            facts["longest_gap"],
            "s",
            Target(5, "s"),
            shown=f"gap {facts['longest_gap']:.1f}",
            note=(
                f"{facts['seconds']:.0f} s in all, {facts['reports']} progress reports; the "
                "target is read as 'progress never stalls > 5 s'; resumable and usable "
                "meanwhile are covered by tests, not timed here"
            ),
        )
    ]


def row_import(bench: Bench) -> list[Figure]:
    """Files through ``import_paths`` into a copy of the full archive: files a second by
    kind, peak memory of the process and its workers, the longest progress stall."""
    if not bench.done("import-files"):
        return [Figure.missing("import", "files a second", "the import files are not built")]
    figures = []
    embedded: dict[str, list[float]] = {}
    texts_only = bench.root / "import-texts.tsv"
    data.write_manifest(
        [f for f in data.read_manifest(bench.import_manifest) if f.kind == "text"], texts_only
    )
    for engine in bench.engines():
        found = _embedded_import(bench, engine, bench.import_manifest)
        # The texts again (the figure is the median of the runs), each into a new copy.
        text_rates = [
            part["units"] / part["seconds"]
            for again in [found]
            + [
                _embedded_import(bench, engine, texts_only)
                for _ in range(scale_postgres.IMPORT_RUNS - 1)
            ]
            if (part := again["kinds"].get("text"))
        ]
        samples = found["samples"]
        for kind, unit, limit in (
            ("text", "texts/s", 60.0),
            ("html", "HTML pages/s", 20.0),
            ("pdf", "PDF pages/s", 8.0),
        ):
            part = found["kinds"].get(kind)
            if not part:
                continue
            peak = max((mb for t, mb in samples if part["start"] <= t <= part["end"]), default=0)
            rate = part["units"] / part["seconds"]
            runs, first = "", ""
            if kind == "text" and len(text_rates) > 1:
                rate = statistics.median(text_rates)
                runs = f" (median of {len(text_rates)} runs)"
                first = f"runs {', '.join(number(r) for r in text_rates)} texts/s; the first "
            figures.append(
                Figure(
                    f"import, {engine}",
                    f"{part['files']} {kind} files into the full archive{runs}",
                    rate,
                    unit,
                    Target(limit, unit, at_least=True),
                    shown=number(rate),
                    note=(
                        f"{first}{part['seconds']:.1f} s; {part['statuses']}; peak {peak:.0f} MB;"
                        f" longest progress gap {part['gap']:.1f} s"
                    ),
                )
            )
        peak = max((mb for _, mb in samples), default=0.0)
        gap = max(p["gap"] for p in found["kinds"].values())
        figures.append(
            Figure(
                f"import, {engine}",
                "peak memory, the process and its extraction workers (sampled)",
                peak,
                "MB",
                Target(800, "MB"),
                shown=f"{peak:.0f}",
                note=f"the process alone: peak {found['peak']:.0f} MB",
            )
        )
        figures.append(
            Figure(
                f"import, {engine}",
                "longest time between two progress reports",
                gap,
                "s",
                Target(5, "s"),
                shown=f"{gap:.1f}",
            )
        )
        if text_rates:
            embedded[engine] = text_rates
    if bench.done("postgresql"):
        figures += scale_postgres.import_figures(bench, embedded)
    else:
        figures.append(
            Figure.missing("import, postgresql", "texts/s", _why_not(bench, "postgresql"))
        )
    return figures


def _embedded_import(bench: Bench, engine: str, manifest: Path) -> dict[str, Any]:
    """The files of ``manifest`` imported into a new copy of the engine's archive."""
    scratch = bench.root / f"scratch-{engine}"
    copy_archive(bench.archive(engine), scratch)
    # The copy's writes reach the disk now, not during the timed import.
    os.sync()
    try:
        return probe(bench, "import", str(scratch), str(manifest), sample=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def row_window(bench: Bench) -> list[Figure]:
    figures = []
    for engine in ENGINES:
        row = f"window, {engine}"
        if engine not in bench.engines():
            figures.append(Figure.missing(row, "first paint", _why_not(bench, engine)))
            continue
        found = probe(bench, "window", str(bench.archive(engine)), str(time.time()))
        figures += [
            Figure(
                row,
                "first paint after start (new process, offscreen)",
                found["first_paint"],
                "s",
                Target(2, "s"),
                shown=f"{found['first_paint']:.2f}",
                note=f"{found['rss_painted']:.0f} MB when painted",
            ),
            Figure(
                row,
                "memory after a search and a Related panel",
                found["rss_after"],
                "MB",
                Target(500, "MB"),
                shown=f"{found['rss_after']:.0f}",
                note=(
                    f"search `police` {found['search_ms']:.0f} ms, {found['rows']:,} rows; "
                    f"Related panel {found['related_ms']:.0f} ms ({found['related']} shown); "
                    f"peak {found['peak']:.0f} MB"
                ),
            ),
        ]
    return figures


def row_dossier(bench: Bench) -> list[Figure]:
    """A 500-clipping PDF dossier, stopped (and shown as "more than") after the budget:
    cancelled first, killed if it does not stop within a minute more."""
    found = probe(
        bench,
        "dossier",
        str(bench.archive("whoosh")),
        "500",
        str(bench.budget),
        timeout=bench.budget + 60,
    )
    if found.get("killed"):
        shown = f"> {found['seconds']:.0f} (killed)"
        note = (
            f"cancelled after the --budget of {bench.budget:.0f} s, it had not stopped a "
            "minute later (the contents table's layout does not look at cancel): killed"
        )
    elif found["stopped"]:
        shown = f"> {found['seconds']:.0f} (stopped)"
        note = f"cancelled after the --budget of {bench.budget:.0f} s; peak {found['peak']:.0f} MB"
    else:
        shown = f"{found['seconds']:.1f}"
        note = f"{found['pages']} pages, {found['mb']:.1f} MB; peak {found['peak']:.0f} MB"
    return [
        Figure(
            "PDF dossier",
            f"{found.get('clippings', 500)} clippings (gather + export, new process)",
            found["seconds"],
            "s",
            Target(60, "s"),
            shown=shown,
            note=note,
        )
    ]


@dataclass(frozen=True)
class Row:
    """A row of the issue's target table and the function that measures it."""

    key: str
    what: str
    target: str
    measure: Callable[[Bench], list[Figure]]


#: The issue's table, in its order; the printout and docs/performance.md come from it.
TABLE: tuple[Row, ...] = (
    Row(
        "import",
        "import, end to end",
        ">= 60 texts/s, >= 20 HTML pages/s, >= 8 PDF pages/s; peak <= 800 MB; "
        "progress never stalls > 5 s",
        row_import,
    ),
    Row(
        "search",
        "search, Whoosh / tantivy, first 20 with snippets, every query kind",
        "Whoosh p95 <= 300 ms, full hit list <= 400 ms; tantivy p95 <= 30 ms",
        row_search,
    ),
    Row("cold", "cold CLI search", "<= 0.6 s", row_cold_search),
    Row(
        "related",
        "`related`",
        "warm <= 100 ms, cold CLI <= 1 s, <= 300 MB more memory",
        row_related,
    ),
    Row("stories", "`stories`", "<= 5 s, <= 500 MB", row_stories),
    Row("list", "list page (any page, any sort)", "<= 20 ms", row_list),
    Row(
        "reindex",
        "reindex",
        "Whoosh <= 15 min, tantivy <= 2 min, resumable, with progress",
        row_reindex,
    ),
    Row(
        "upgrade",
        "a schema or features upgrade of a 100k archive",
        "with progress, resumable, the archive usable meanwhile",
        row_upgrade,
    ),
    Row(
        "window",
        "window",
        "first paint <= 2 s; <= 500 MB after a search and a Related panel",
        row_window,
    ),
    Row("dossier", "PDF dossier of 500 clippings", "<= 60 s", row_dossier),
)


def compile_bytecode() -> None:
    """Compile the project's modules as an install of the app does (a wheel's install
    byte-compiles it; an editable one writes the cache on first use). This machine sets
    PYTHONDONTWRITEBYTECODE, which leaves every new process (a reader, a client, a cold
    command) compiling them again: about 0.3 s of CPU each, which no user pays."""
    import compileall

    compileall.compile_dir(REPO / "clippings", quiet=1)


def measure(bench: Bench, only: Sequence[str]) -> None:
    compile_bytecode()
    if bench.done("postgresql"):
        with scale_postgres.running(bench):
            _measure(bench, only)
    else:
        _measure(bench, only)


def _measure(bench: Bench, only: Sequence[str]) -> None:
    results = load_results(bench)
    for row in TABLE:
        if only and row.key not in only:
            continue
        print(f"[{row.key}] {row.what} ...", flush=True)
        started = time.monotonic()
        try:
            figures = row.measure(bench)
        except Exception as error:  # noqa: BLE001 - one broken row must not lose the others
            figures = [Figure.missing(row.what, "(all)", f"failed: {error!r}"[:300])]
        for figure in figures:
            print("   ", line(figure), flush=True)
        results["rows"][row.key] = [asdict(f) for f in figures]
        results["measured"][row.key] = datetime.now(UTC).isoformat(timespec="seconds")
        results["machine"] = machine()
        save_results(bench, results)
        print(f"[{row.key}] {time.monotonic() - started:.0f} s", flush=True)
    report(bench)


def load_results(bench: Bench) -> dict[str, Any]:
    path = bench.root / "results.json"
    if path.exists():
        return dict(json.loads(path.read_text()))
    return {"rows": {}, "measured": {}, "machine": {}}


def save_results(bench: Bench, results: dict[str, Any]) -> None:
    path = bench.root / "results.json"
    path.with_suffix(".partial").write_text(json.dumps(results, indent=1))
    path.with_suffix(".partial").replace(path)


def figures_of(results: dict[str, Any], key: str) -> list[Figure]:
    found = []
    for stored in results["rows"].get(key, []):
        raw = dict(stored)
        target = Target(**raw.pop("target")) if raw.get("target") else None
        raw.pop("target", None)
        found.append(Figure(**raw, target=target))
    return found


def line(figure: Figure) -> str:
    target = figure.target.text() if figure.target else ""
    extra = "; ".join(x for x in (figure.refs, figure.note) if x)
    return (
        f"{figure.row[:18]:<18} {figure.label[:62]:<62} {figure.shown:>20} {figure.unit:<12}"
        f"{target:>16} {figure.ratio:>6} {figure.mark:<4}  {extra}"
    )


# --- The report ----------------------------------------------------------------------------


def machine() -> dict[str, str]:
    import sqlite3 as sqlite_module
    from importlib import metadata

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "-"

    memory = "?"
    with open("/proc/meminfo") as handle:
        for entry in handle:
            if entry.startswith("MemTotal:"):
                memory = f"{int(entry.split()[1]) / 2**20:.1f} GB"
    model = "?"
    with open("/proc/cpuinfo") as handle:
        for entry in handle:
            if entry.startswith("model name"):
                model = entry.split(":", 1)[1].strip()
                break
    commit = subprocess.run(
        ["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True, text=True
    ).stdout.strip()
    return {
        "cores": str(os.cpu_count()),
        "cpu": model,
        "memory": memory,
        "system": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite_module.sqlite_version,
        "whoosh": version("whoosh-reloaded") if version("whoosh") == "-" else version("whoosh"),
        "tantivy": version("tantivy"),
        "PySide6": version("PySide6-Essentials"),
        "SQLAlchemy": version("SQLAlchemy"),
        "clippings commit": commit,
        # The machine may be shared: a load above the core count slows every figure.
        "load average": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def report(bench: Bench) -> None:
    results = load_results(bench)
    print()
    print(f"Clippings at {bench.size:,} clippings ({bench.root})")
    header = f"{'row':<18} {'what':<62} {'measured':>20} {'unit':<12}{'target':>16} {'ratio':>6} ok"
    print(header)
    print("-" * len(header))
    for row in TABLE:
        for figure in figures_of(results, row.key):
            print(line(figure))
    write_doc(bench, results)


def _analysis_note(bench: Bench) -> list[str]:
    """Say so when the related pieces' analysis was made up rather than computed."""
    service = str(bench.state.get("features", {}).get("service", ""))
    if not service.startswith("synthetic"):
        return []
    return [
        "The related pieces' stored analysis of the bulk-loaded clippings was made up "
        "(`build --analysis synthetic`: term counts, postings and 30 neighbours each, "
        "by `tests/synthetic.fill_analysis`), which is what the speed and memory of "
        "`related` and `stories` depend on; computing it (`related.sync`) is measured "
        "at 10,000 clippings. The import rows include computing and storing the new "
        "clippings' features; finding their related pieces follows the import "
        "(`related.sync`) and is not in those figures.",
        "",
    ]


def _server_note(bench: Bench) -> list[str]:
    facts = bench.state.get("postgresql", {})
    if not facts.get("done"):
        return []
    return [
        "The postgresql rows: a team archive on a PostgreSQL cluster the bench runs on "
        f"this same machine (127.0.0.1; {facts.get('settings', '')}), the same clippings "
        f"stored through the store's insert ({facts.get('load_seconds', 0):.0f} s, originals "
        f"in the database; {facts.get('size_mb', 0):.0f} MB), then its search index built "
        f"({facts.get('seconds', 0):.0f} s; rebuilt since by `clippings server upgrade` "
        "when its layout changed). Its related pieces' analysis is not computed. "
        "The client imports are the import files' texts into a copy of the full database "
        "(`CREATE DATABASE ... TEMPLATE`), each client a process calling `import_paths` "
        "on its share, as the embedded import row does, timed as it is: from a common "
        "start once every client has its archive open, the reader processes' start-up "
        "included; the clients' own start-up before it is in the note. Three runs of "
        "each, 1 and 4 clients alternating, and three of each embedded engine's texts, "
        "the median shown (single runs on this machine differ by up to a quarter: "
        "compare figures of one run, not of two).",
        "",
    ]


TABLE_HEAD = "| row | what | measured | target | ratio | | references (same run) and notes |"

#: The first cell of a row's lines in the doc (to keep the lines of rows not measured).
ROW_CELLS = {
    "import": "import",
    "search": "search",
    "cold": "cold CLI search",
    "related": "related",
    "stories": "stories",
    "list": "list page",
    "reindex": "reindex",
    "upgrade": "features upgrade",
    "window": "window",
    "dossier": "PDF dossier",
}


def _kept_lines(previous: str, key: str) -> list[str]:
    """The previous section's table lines of row ``key``."""
    name = ROW_CELLS.get(key, key)
    kept = []
    for entry in previous.splitlines():
        cell = entry.split("|")[1].strip() if entry.startswith("| ") else ""
        if cell == name or cell.startswith(name + ","):
            kept.append(entry)
    return kept


def _previous_date(previous: str) -> str:
    for entry in previous.splitlines():
        if entry.startswith("Measured "):
            return entry.split(" with ")[0].removeprefix("Measured ")
    return "earlier"


def markdown(bench: Bench, results: dict[str, Any], previous: str = "") -> str:
    """The size's section; rows this folder's results lack keep the previous section's
    lines (said so above the table), so one run of a few rows loses none of the others."""
    facts = results.get("machine") or machine()
    build = ", ".join(
        f"{stage} {bench.state[stage]['seconds']:.0f} s"
        for stage in ("load", "features", "whoosh", "tantivy", "postgresql", "fts5", "tantivy-raw")
        if bench.done(stage) and "seconds" in bench.state[stage]
    )
    measured = sorted(results["measured"].values())
    days = sorted({m[:10] for m in measured}) or ["?"]
    out = [
        f"## {bench.size:,} clippings",
        "",
        f"Measured {' to '.join(dict.fromkeys([days[0], days[-1]]))}"
        f" with `python bench/scale.py measure --size {bench.size}`"
        f" (built with `build --size {bench.size}`: {build or 'no stage timed'}).",
        "",
        *_analysis_note(bench),
        *_server_note(bench),
        "Machine: " + "; ".join(f"{k} {v}" for k, v in facts.items()) + ".",
        "",
        TABLE_HEAD,
        "|---|---|---|---|---|---|---|",
    ]
    kept_rows = []
    for row in TABLE:
        if not figures_of(results, row.key):
            lines = _kept_lines(previous, row.key)
            if lines:
                kept_rows.append(row.key)
                out += lines
        for f in figures_of(results, row.key):
            target = f.target.text() if f.target else ""
            notes = "; ".join(x for x in (f.refs, f.note) if x).replace("|", "\\|")
            shown = f"{f.shown} {f.unit}".strip().replace("|", "\\|")
            label = f.label.replace("|", "\\|")
            out.append(
                f"| {f.row} | {label} | {shown} | {target} | {f.ratio} | {f.mark} | {notes} |"
            )
    if kept_rows:
        at = out.index(
            "| row | what | measured | target | ratio | | references (same run) and notes |"
        )
        out[at:at] = [
            f"Not measured in this run, kept from the section before (measured "
            f"{_previous_date(previous)}, on an earlier build and commit): the rows "
            f"{', '.join(kept_rows)}.",
            "",
        ]
    return "\n".join(out) + "\n"


DOC_HEAD = """# Performance at scale

Written by `bench/scale.py` (do not edit the sections by hand: run
`python bench/scale.py report --size N` to rewrite one). Each section is one archive
size: synthetic clippings recombined from the real corpus's sentences (stories of
reports sharing sentences, several years, a long tail of outlets, tags, a few percent
in other languages and scripts), bulk-loaded through the database's insert, then
measured row by row against the targets of the scale issue. Times are medians (p95
where the target says so); "FTS5" and "tantivy" beside a search figure are the same
query on the same texts in SQLite FTS5 and in tantivy used directly, measured in the
same run. "n/a" names what is missing. The targets are those of 100,000 clippings;
smaller sizes are measured against the same targets to show the trend. The project's
modules are compiled to bytecode before measuring, as an installed app's are (this
machine sets PYTHONDONTWRITEBYTECODE, which would leave each new process compiling
them).
"""


def write_doc(bench: Bench, results: dict[str, Any]) -> None:
    path = REPO / "docs" / "performance.md"
    text = path.read_text(encoding="utf-8") if path.exists() else DOC_HEAD
    begin, end = f"<!-- scale {bench.size} -->", f"<!-- /scale {bench.size} -->"
    previous = text[text.index(begin) : text.index(end)] if begin in text and end in text else ""
    section = f"{begin}\n{markdown(bench, results, previous)}{end}\n"
    if begin in text and end in text:
        text = text[: text.index(begin)] + section + text[text.index(end) + len(end) + 1 :]
    else:
        # Sections in size order, the largest (the one that matters) first.
        parts = text.split("<!-- scale ")
        head, sections = parts[0], ["<!-- scale " + p for p in parts[1:]]
        sections.append(section)
        sections.sort(key=lambda s: -int(s.split()[2]))
        text = head.rstrip("\n") + "\n\n" + "\n".join(s.rstrip("\n") + "\n" for s in sections)
    path.write_text(text, encoding="utf-8")
    print(f"\nwrote {path.relative_to(REPO)}")


# --- Command line --------------------------------------------------------------------------


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("build", "measure", "report"):
        sub = commands.add_parser(name)
        sub.add_argument("--size", type=int, required=True)
        sub.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    build_parser = commands.choices["build"]
    build_parser.add_argument(
        "--stages", default="", help="only these stages, comma-separated (default: all)"
    )
    build_parser.add_argument(
        "--import-files",
        type=int,
        default=None,
        help="files the import row imports (default: 5,000 from 50k clippings, fewer below)",
    )
    build_parser.add_argument(
        "--analysis",
        choices=("real", "synthetic"),
        default="real",
        help="related pieces' stored analysis: computed by related.sync (about an hour "
        "per 100k on 2 cores), or made up by tests/synthetic.fill_analysis in minutes "
        "(fine for the speed and memory of related and stories, not for their quality)",
    )
    measure_parser = commands.choices["measure"]
    measure_parser.add_argument(
        "--only", default="", help="rows, comma-separated: " + ",".join(r.key for r in TABLE)
    )
    measure_parser.add_argument("--repeat", type=int, default=15, help="runs per timed query")
    measure_parser.add_argument(
        "--budget",
        type=float,
        default=300.0,
        help="seconds after which the dossier is stopped and shown as 'more than' (300)",
    )
    measure_parser.add_argument(
        "--reindex", action="store_true", help="also rebuild each index (Whoosh: 15-25 min at 100k)"
    )
    sub = commands.add_parser("probe")
    sub.add_argument("name", choices=sorted(PROBES))
    sub.add_argument("args", nargs="*")
    args = parser.parse_args(list(argv) if argv is not None else None)

    if args.command == "probe":
        print(json.dumps(PROBES[args.name](*args.args)), flush=True)
        return 0
    bench = Bench.at(args.dir, args.size)
    if args.command == "build":
        bench.import_count = (
            args.import_files
            if args.import_files is not None
            else min(5_000, max(120, args.size // 10))
        )
        bench.analysis = args.analysis
        build(bench, [s for s in args.stages.split(",") if s])
    elif args.command == "measure":
        bench.repeat, bench.reindex, bench.budget = args.repeat, args.reindex, args.budget
        measure(bench, [s for s in args.only.split(",") if s])
    else:
        report(bench)
    return 0


if __name__ == "__main__":
    sys.exit(main())
