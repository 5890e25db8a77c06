"""Importing many files: both workers read, the storing goes in batches, and a crash,
a hang, a failed batch or a cancel costs only the file concerned."""

from __future__ import annotations

import errno
import shutil
import threading
import time
from pathlib import Path

import pytest

from clippings.model import DEFAULT_OPTIONS, Extracted, ImportOptions, Progress
from clippings.services import extraction, import_paths, import_run, importing, index_updates
from clippings.services.extraction import Cancel, ExtractionPool, Wanted
from tests.services import hostile_tasks


class NotingPool(ExtractionPool):
    """A real pool that notes which worker read each file (by its process id), and
    where a file named ``*crash*`` kills its worker and one named ``*hang*`` hangs."""

    def __init__(self, **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self.readers: set[int] = set()
        self._lock = threading.Lock()

    def extract(
        self,
        data: bytes,
        name: str,
        options: ImportOptions = DEFAULT_OPTIONS,
        *,
        cancel: Cancel | None = None,
        steps: object = None,
        wanted: Wanted | None = None,
    ) -> tuple[Extracted, ...]:
        reader, extracted = self.call(
            hostile_tasks.extract_as, data, name, options.password, cancel=cancel, wanted=wanted
        )
        with self._lock:
            self.readers.add(reader)
        return (extracted,)  # type: ignore[return-value]


def articles(corpus: Path, folder: Path, count: int, first: int = 0) -> list[Path]:
    """``count`` different real news texts copied into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = sorted((corpus / "ecbplus" / "text" / "1").glob("*.txt"))[first : first + count]
    assert len(sources) == count
    return [
        Path(shutil.copy(source, folder / f"article-{n:02d}.txt"))
        for n, source in enumerate(sources)
    ]


def files_on_disk(archive) -> list[str]:
    """The originals the archive holds (files in its folder, rows on a server)."""
    return sorted(archive.originals.stored())


def test_two_workers_read_at_once_and_the_files_are_stored_in_batches(
    archive, corpus, tmp_path, monkeypatch
):
    # Files that take their worker a while (as web pages and PDFs do): the storing
    # waits for them, so a second worker starts (a real import first waits half a
    # second of the first one's being busy).
    files = [
        path.rename(path.with_name(path.stem + "-slow.txt"))
        for path in articles(corpus, tmp_path / "in", 12)
    ]
    monkeypatch.setattr(import_run, "BATCH_FILES", 4)
    monkeypatch.setattr(extraction, "GROW_AFTER_S", 0.0)
    batches: list[int] = []
    add_many = archive.store.add_many

    def noting_add_many(batch, *args, **kwargs):
        batches.append(len(batch))
        return add_many(batch, *args, **kwargs)

    monkeypatch.setattr(archive.store, "add_many", noting_add_many)

    with NotingPool(workers=2, time_limit=60) as pool:
        report = import_paths(archive, [tmp_path / "in"], pool=pool)

    assert len(pool.readers) == 2, "one worker read every file"
    # The report lists the files in the order given, whatever order they were read in.
    assert [r.path for r in report.results] == [str(f) for f in files]
    imported = report.of("imported")
    assert len(imported) + len(report.of("duplicate")) == 12
    assert sum(batches) == 12 and len(batches) >= 3 and max(batches) <= 4
    assert archive.count() == len(imported) == len(files_on_disk(archive))
    for result in imported:  # each is searchable, with its own original
        assert archive.original(result.id) == Path(result.path).read_bytes()
    assert archive.check() == []


def test_files_read_quicker_than_they_are_stored_keep_to_one_worker(
    archive, corpus, tmp_path, monkeypatch
):
    """Text files take a worker milliseconds and their storing longer: a second worker
    (a second of CPU and 260 MB to start) would read ahead of nothing, and four
    windows importing at once would start eight."""
    articles(corpus, tmp_path / "in", 12)
    monkeypatch.setattr(extraction, "GROW_AFTER_S", 0.3)
    batches: list[int] = []
    add_many = archive.store.add_many

    def slow_add_many(batch, *args, **kwargs):
        batches.append(len(batch))
        time.sleep(1.0)  # a busy disk or server
        return add_many(batch, *args, **kwargs)

    monkeypatch.setattr(archive.store, "add_many", slow_add_many)

    with NotingPool(workers=2, time_limit=60) as pool:
        pool.call(hostile_tasks.extract_as, b"Warm.", "warm.txt", None)  # its imports
        report = import_paths(archive, [tmp_path / "in"], pool=pool)

    assert len(pool.readers) == 1, "a second worker started for files nothing waited for"
    assert len(report.of("imported")) + len(report.of("duplicate")) == 12
    # What was read while a batch was stored went into the next one, all at once.
    assert sum(batches) == 12 and len(batches) <= 3


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
def test_the_index_takes_an_import_in_few_commits_and_is_complete_when_it_returns(
    archive, corpus, tmp_path, monkeypatch, engine
):
    if archive.on_server:  # one engine, the server's: run once
        if engine != "whoosh":
            pytest.skip("a team archive searches on its server, whatever the engine asked")
    elif engine != archive.engine:
        archive.switch_engine(engine)
    articles(corpus, tmp_path / "in", 12)
    monkeypatch.setattr(import_run, "BATCH_FILES", 3)
    monkeypatch.setattr(index_updates, "INDEX_BATCH", 6)
    monkeypatch.setattr(index_updates, "INDEX_SECONDS", 3600.0)  # only by count here
    batches: list[int] = []
    commits: list[int] = []
    add_many, apply = archive.store.add_many, archive.index.apply

    def noting_add_many(batch, *args, **kwargs):
        batches.append(len(batch))
        return add_many(batch, *args, **kwargs)

    def noting_apply(upserts, deletions):
        commits.append(len(upserts))
        return apply(upserts, deletions)

    monkeypatch.setattr(archive.store, "add_many", noting_add_many)
    monkeypatch.setattr(archive.index, "apply", noting_apply)

    with NotingPool(workers=2, time_limit=60) as pool:
        report = import_paths(archive, [tmp_path / "in"], pool=pool)

    imported = {r.id for r in report.of("imported")}
    assert len(imported) >= 10
    # Gathered: fewer commits than stored batches, none larger than INDEX_BATCH ...
    assert len(commits) < len(batches) and max(commits) <= 6
    # ... and every imported clipping is in the index when the import returns.
    assert set(archive.index.revisions()) == imported
    assert archive.store.pending(100) == []


def test_a_crashing_and_a_hanging_file_cost_only_themselves(archive, corpus, tmp_path):
    folder = tmp_path / "in"
    articles(corpus, folder, 6)
    (folder / "article-02-crash.txt").write_text("This file kills the worker reading it.")
    (folder / "article-04-hang.txt").write_text("This file is never read to its end.")

    with NotingPool(workers=2, time_limit=2) as pool:
        report = import_paths(archive, [folder], pool=pool)

    outcomes = {Path(r.path).name: r for r in report.results}
    assert outcomes["article-02-crash.txt"].outcome == "failed"
    assert "crashed" in outcomes["article-02-crash.txt"].reason
    assert outcomes["article-04-hang.txt"].outcome == "skipped"
    assert "too slow" in outcomes["article-04-hang.txt"].reason
    good = [r for name, r in outcomes.items() if "crash" not in name and "hang" not in name]
    assert len(good) == 6 and all(r.outcome == "imported" for r in good)
    assert archive.count() == 6 == len(files_on_disk(archive))
    assert archive.check() == []


def test_cancel_stops_the_file_being_read_and_keeps_what_was_read(archive, corpus, tmp_path):
    folder = tmp_path / "in"
    articles(corpus, folder, 4)
    (folder / "article-03-hang.txt").write_text("This file is never read to its end.")
    progress: list[Progress] = []

    def cancel() -> bool:
        # Every other file is read; progress goes on while the last one hangs.
        done_at = [n for n, p in enumerate(progress) if p.done == 4]
        return bool(done_at) and len(progress) - done_at[0] >= 3

    with NotingPool(workers=2, time_limit=3600) as pool:
        report = import_paths(archive, [folder], pool=pool, report=progress.append, cancel=cancel)

    assert report.cancelled
    assert sorted(Path(r.path).name for r in report.results) == [
        f"article-{n:02d}.txt" for n in range(4)
    ]
    assert all(r.outcome == "imported" for r in report.results)
    assert archive.count() == 4 == len(files_on_disk(archive))
    assert not list((archive.path / "originals").glob("*/.incoming-*"))
    assert [p.done for p in progress] == sorted(p.done for p in progress)
    assert archive.check() == []


def test_a_batch_that_cannot_be_stored_costs_only_the_file_at_fault(
    archive, corpus, tmp_path, monkeypatch
):
    files = articles(corpus, tmp_path / "in", 6)
    bad = importing.sha256_of(files[3].read_bytes())
    add_many, add_new = archive.store.add_many, archive.store.add_new

    def failing_add_many(batch, tags=(), *, store_originals, copies=None):
        def place_then_fail(created):
            store_originals(created)  # the batch's files are in place when it fails
            if any(batch[n].sha256 == bad for n in created):
                raise OSError(errno.EIO, "Input/output error")

        return add_many(batch, tags, store_originals=place_then_fail, copies=copies)

    def failing_add_new(new, tags=(), *, store_original, copies=None):
        if new.sha256 == bad:
            raise OSError(errno.EIO, "Input/output error")
        return add_new(new, tags, store_original=store_original, copies=copies)

    monkeypatch.setattr(archive.store, "add_many", failing_add_many)
    monkeypatch.setattr(archive.store, "add_new", failing_add_new)
    with ExtractionPool(workers=2, time_limit=60) as pool:
        report = import_paths(archive, [tmp_path / "in"], pool=pool)

    outcomes = {Path(r.path).name: r for r in report.results}
    assert outcomes[files[3].name].outcome == "failed"
    assert outcomes[files[3].name].reason == "could not be stored: Input/output error"
    assert len(report.of("imported")) == 5
    # Nothing of the bad file stays; every other file has its original.
    assert archive.count() == 5 == len(files_on_disk(archive))
    assert archive.check() == []


@pytest.mark.parametrize("workers", [1, 2])
def test_the_same_file_twice_in_one_import_is_stored_once(archive, seed, tmp_path, workers):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        shutil.copy(seed, folder / name)

    with ExtractionPool(workers=workers, time_limit=60) as pool:
        report = import_paths(archive, [folder], pool=pool)

    assert len(report.of("imported")) == 1 and len(report.of("duplicate")) == 2
    assert {r.id for r in report.results} == {report.of("imported")[0].id}
    assert archive.count() == 1 == len(files_on_disk(archive))
