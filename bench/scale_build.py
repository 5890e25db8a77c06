"""The build step of ``bench/scale.py``: an archive of N clippings in resumable stages."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench import scale_data as data
from bench.scale_common import CORPUS, Bench, Progress, run_clippings
from bench.scale_postgres import stage_postgresql
from bench.scale_refs import build_fts5, build_tantivy

#: Clippings stored per transaction by the bulk load.
LOAD_BATCH = 1_000

# --- Build ---------------------------------------------------------------------------------


def build(bench: Bench, stages: Sequence[str]) -> None:
    corpus = data.Corpus.read(CORPUS)
    steps: dict[str, Callable[[], None]] = {
        "load": lambda: stage_load(bench, corpus),
        "features": lambda: stage_features(bench),
        "whoosh": lambda: stage_whoosh(bench),
        "tantivy": lambda: stage_tantivy(bench),
        "postgresql": lambda: stage_postgresql(bench, corpus),
        "fts5": lambda: stage_reference(bench, "fts5"),
        "tantivy-raw": lambda: stage_reference(bench, "tantivy-raw"),
        "import-files": lambda: stage_import_files(bench, corpus),
    }
    for name, step in steps.items():
        if stages and name not in stages:
            continue
        if bench.done(name):
            print(f"[{name}] done before ({bench.state[name].get('seconds', 0):.0f} s)")
            continue
        print(f"[{name}] ...", flush=True)
        started = time.monotonic()
        step()
        if bench.done(name):
            print(f"[{name}] done in {time.monotonic() - started:.0f} s", flush=True)
        else:
            print(f"[{name}] {bench.state.get(name, {}).get('note', 'not done')}", flush=True)


def stage_load(bench: Bench, corpus: data.Corpus) -> None:
    """Bulk-load the synthetic clippings, a transaction per batch; resumable."""
    from sqlalchemy import text as sql

    from clippings.services import Archive

    path = bench.archive("whoosh")
    generator = data.Generator(corpus, bench.size)
    started = time.monotonic()
    with Archive.open(path) as archive:
        store = archive.store
        count = "SELECT count(*) FROM clippings WHERE original_name LIKE 'scale-%'"
        with store._reading() as conn:
            start = int(conn.execute(sql(count)).scalar() or 0)
        if start:
            print(f"  resuming the load at clipping {start:,}")
        for first in range(start, bench.size, LOAD_BATCH):
            batch = list(generator.clippings(first, min(bench.size, first + LOAD_BATCH)))
            for made in batch:
                _write_original(archive.originals.path_for(data_sha(made)), made.original)
            with store._writing() as conn:
                for made in batch:
                    store._insert(conn, new_clipping(made, data_sha(made)), made.tags)
                # The index is built whole by the next stage: no queued entry is left
                # for Archive.open to apply one by one.
                conn.execute(sql("DELETE FROM index_queue"))
            done = first + len(batch)
            if done % (LOAD_BATCH * 10) == 0 or done == bench.size:
                rate = (done - start) / max(time.monotonic() - started, 1e-9)
                print(f"  {done:,}/{bench.size:,} stored ({rate:.0f}/s)", flush=True)
    bench.record("load", done=True, seconds=time.monotonic() - started, clippings=bench.size)


def data_sha(made: data.Synthetic) -> str:
    from clippings.storage import sha256_of

    return sha256_of(made.original)


def _write_original(path: Path, content: bytes) -> None:
    # No fsync per file: durability of originals is not what this bench measures.
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".bench-partial")
    partial.write_bytes(content)
    partial.replace(path)


def new_clipping(made: data.Synthetic, sha: str) -> Any:
    """What the store's insert takes for a synthetic clipping (as an import gives it)."""
    from clippings.services import text_fingerprint
    from clippings.storage import NewClipping

    return NewClipping(
        extracted=_extracted(made),
        sha256=sha,
        size=len(made.original),
        original_name=made.original_name,
        text_hash=text_fingerprint(made.text),
        word_count=len(made.text.split()),
    )


def _extracted(made: data.Synthetic) -> Any:
    from clippings.model import Extracted

    return Extracted(
        text=made.text,
        format="text",
        title=made.title,
        outlet=made.outlet,
        author=made.author,
        published=made.published,
        language=made.language,
        provenance={"title": "bench", "outlet": "bench", "published": "bench"},
    )


def related_sync() -> tuple[Callable[..., Any], str]:
    """The service that computes related pieces' stored data for every clipping."""
    from clippings.services import related

    sync = getattr(related, "sync", None)
    if sync is not None:
        return sync, "related.sync"
    return related.compute_missing_features, "related.compute_missing_features"


def stage_features(bench: Bench) -> None:
    from clippings.services import Archive

    if bench.analysis == "synthetic":
        stage_synthetic_analysis(bench)
        return

    sync, name = related_sync()
    progress = Progress(f"{name}")
    with Archive.open(bench.archive("whoosh")) as archive:
        sync(archive, report=progress)
    seconds = progress.finish()
    bench.record(
        "features",
        done=True,
        seconds=seconds,
        service=name,
        longest_gap=progress.longest,
        reports=progress.reports,
    )


def stage_synthetic_analysis(bench: Bench) -> None:
    """Made-up stored analysis (term counts, postings, 30 neighbours each) for every
    clipping, in minutes: related and stories then answer from stored data of the
    archive's real size, which is what their speed and memory depend on."""
    import sys

    repo = Path(__file__).resolve().parents[1]
    if str(repo) not in sys.path:
        sys.path.insert(0, str(repo))
    from tests.synthetic import fill_analysis

    started = time.monotonic()
    path = bench.archive("whoosh")
    database = path / "clippings.sqlite3"
    db = sqlite3.connect(database)
    db.execute("DELETE FROM analysis_queue")
    db.commit()
    db.close()
    fill_analysis(database)
    bench.record(
        "features",
        done=True,
        seconds=time.monotonic() - started,
        service="synthetic (tests/synthetic.fill_analysis)",
    )


def stage_whoosh(bench: Bench) -> None:
    from clippings.services import Archive

    progress = Progress("Whoosh index")
    with Archive.open(bench.archive("whoosh")) as archive:
        archive.rebuild_index(report=progress)
        engine = type(archive.index).__name__
    seconds = progress.finish()
    bench.record("whoosh", done=True, seconds=seconds, longest_gap=progress.longest, index=engine)


def copy_archive(source: Path, target: Path) -> None:
    """A copy of a closed archive: the database by SQLite's backup, the index copied,
    the originals hard-linked (they are never rewritten)."""
    from clippings.storage import DATABASE_NAME, INDEX_DIR, ORIGINALS_DIR

    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    src = sqlite3.connect(source / DATABASE_NAME)
    dst = sqlite3.connect(target / DATABASE_NAME)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    for entry in source.iterdir():
        if entry.name == ORIGINALS_DIR:
            subprocess.run(["cp", "-al", str(entry), str(target / entry.name)], check=True)
        elif entry.name.startswith(INDEX_DIR) and entry.is_dir():
            shutil.copytree(entry, target / entry.name)


def engine_switch() -> str | None:
    """None when this code can switch an archive's engine, else why not (yet)."""
    from clippings.services import Archive

    if hasattr(Archive, "switch_engine"):
        return None
    if "--engine" in run_clippings(["reindex", "--help"], check=False).stdout:
        return None
    return "neither Archive.switch_engine nor `clippings reindex --engine` exists yet"


def switch_engine(path: Path, engine: str, report: Progress) -> None:
    """Switch an archive to ``engine`` the product's own way (the service, else the CLI)."""
    from clippings.services import Archive

    if hasattr(Archive, "switch_engine"):
        with Archive.open(path) as archive:
            archive.switch_engine(engine, report=report)
    else:
        run_clippings(["--archive", str(path), "reindex", "--engine", engine])


def stage_tantivy(bench: Bench) -> None:
    why = engine_switch()
    if why:
        bench.record("tantivy", done=False, note=f"n/a: {why}")
        return
    target = bench.archive("tantivy")
    copy_archive(bench.archive("whoosh"), target)
    progress = Progress("tantivy index")
    switch_engine(target, "tantivy", progress)
    seconds = progress.finish()
    bench.record(
        "tantivy", done=True, seconds=seconds, longest_gap=progress.longest, index=_engine(target)
    )


def _engine(path: Path) -> str:
    from clippings.services import Archive

    with Archive.open(path) as archive:
        return type(archive.index).__name__


def stage_reference(bench: Bench, which: str) -> None:
    from clippings.storage import DATABASE_NAME

    database = bench.archive("whoosh") / DATABASE_NAME
    bench.fts5.parent.mkdir(parents=True, exist_ok=True)
    if which == "fts5":
        seconds = build_fts5(database, bench.fts5)
    else:
        seconds = build_tantivy(database, bench.tantivy_raw)
    bench.record(which, done=True, seconds=seconds)


def import_counts(total: int) -> dict[str, int]:
    """How many files of each kind the import row imports (3:2:1 texts, pages, PDFs)."""
    return {"text": total * 3 // 6, "html": total * 2 // 6, "pdf": total - total * 5 // 6}


def stage_import_files(bench: Bench, corpus: data.Corpus) -> None:
    folder = bench.import_manifest.parent
    shutil.rmtree(folder, ignore_errors=True)
    counts = import_counts(bench.import_count)
    files = (
        data.text_files(corpus, folder / "text", counts["text"])
        + data.html_files(corpus, folder / "html", counts["html"])
        + data.pdf_files(corpus, folder / "pdf", counts["pdf"])
    )
    data.write_manifest(files, bench.import_manifest)
    bench.record("import-files", done=True, files=len(files), **counts)
