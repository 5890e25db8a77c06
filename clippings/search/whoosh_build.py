"""Building a whole Whoosh index: in parallel, in rounds that survive an interruption.

A rebuild writes a fresh index into a folder of its own (``index.new`` beside the
index in use, which answers searches meanwhile). It adds the clippings in id order
and commits every ``ROUND`` of them; after each commit a checkpoint in that folder
records the last clipping id committed, how many are in, and the caller's mark (its
place in the queue of changes when the build began). Cancelled, killed or stopped by
a full disk, the folder keeps its committed rounds; the next rebuild of the same
analysis version resumes after the checkpoint instead of starting over (ten minutes
at 100,000 clippings). Whatever changed meanwhile is in the caller's queue after the
mark, which is why the mark of the build that began it is handed back.

At two cores, each round is written by two spawned processes, each leaving its own
segment (``multisegment``); starting them costs about a second, so small builds use
one writer in this process.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import NO_MERGE, SegmentWriter

from clippings.model import IndexDamagedError, IndexDocument, Progress, StorageError
from clippings.search.analysis import ANALYSIS_VERSION
from clippings.search.folder import Documents

#: Processes of a full rebuild (the machine the product aims at has two cores).
REBUILD_PROCS = 2
#: Clippings handed to a rebuild process at a time.
REBUILD_JOB = 100
#: A rebuild of at least this many clippings uses ``REBUILD_PROCS`` processes (starting
#: them costs about a second).
PARALLEL_REBUILD_FROM = 5_000
#: Clippings per committed round: what an interruption can cost at most. Each round
#: leaves a segment per process, so fewer, larger rounds search a little faster.
ROUND = 50_000
#: How often a long step that cannot count its progress says it is still at work.
TICK_SECONDS = 2.0
#: The checkpoint file inside a build's folder.
CHECKPOINT = "clippings-rebuild.json"


@dataclass(frozen=True)
class Checkpoint:
    """How far an interrupted build got: every clipping up to ``after`` is committed."""

    mark: int
    after: int
    done: int
    version: int

    def write(self, folder: Path) -> None:
        staged = folder / (CHECKPOINT + ".tmp")
        staged.write_text(json.dumps(self.__dict__))
        with staged.open("rb+") as handle:
            os.fsync(handle.fileno())
        staged.replace(folder / CHECKPOINT)

    @classmethod
    def read(cls, folder: Path) -> Checkpoint | None:
        """The checkpoint of a build that can be resumed, or None (no build, another
        analysis version, or an index Whoosh cannot open)."""
        try:
            found = cls(**json.loads((folder / CHECKPOINT).read_text()))
        except (OSError, ValueError, TypeError):
            return None
        if found.version != ANALYSIS_VERSION:
            return None
        try:
            if not windex.exists_in(str(folder)):
                return None
        except Exception:  # noqa: BLE001 - a table of contents Whoosh cannot read
            return None
        return found


def resumable(folder: Path) -> bool:
    """Whether ``folder`` holds an interrupted build with a committed round, which the
    next rebuild resumes (one stopped before its first round is left to be removed)."""
    found = Checkpoint.read(folder)
    return found is not None and found.after > 0


def build(
    folder: Path,
    documents: Documents,
    total: int,
    *,
    schema: Any,
    fields: Callable[[IndexDocument], dict[str, Any]],
    mark: int = 0,
    report: Callable[[Progress], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> int | None:
    """Build a complete index in ``folder``, resuming an interrupted build found there.

    Returns the mark of the build that completed (``mark``, or the resumed build's),
    or None when cancelled (the committed rounds stay for the next call). The folder
    is removed when what it holds cannot be trusted (the count of documents is
    wrong); it stays, resumable, after any other failure (a full disk, a dead worker).

    Raises:
        IndexDamagedError: the built index lacks documents (a worker that died).
        StorageError: a worker process stopped before its time.
        OSError: the disk failed or is full.
    """
    state = Checkpoint.read(folder)
    if state is None:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        ix = windex.create_in(str(folder), schema)
        state = Checkpoint(mark=mark, after=0, done=0, version=ANALYSIS_VERSION)
        state.write(folder)
    else:
        ix = windex.open_dir(str(folder))
    done, writer, in_round = state.done, None, 0
    message = "Building the search index"
    try:
        for batch in documents(state.after):
            if cancel and cancel():
                if writer is not None:
                    writer.cancel()
                ix.close()
                return None
            if writer is None:
                writer, in_round = _writer(ix, min(ROUND, max(total - done, 0))), 0
            for document in batch:
                writer.add_document(**fields(document))
            done += len(batch)
            in_round += len(batch)
            if report:
                report(Progress(min(done, total), max(total, done), message))
            if batch and in_round >= ROUND:
                _commit(writer, report, done, max(total, done))
                writer = None
                state = Checkpoint(state.mark, batch[-1].id, done, state.version)
                state.write(folder)
        if writer is not None:
            _commit(writer, report, done, max(total, done))
            writer = None
        indexed = ix.doc_count_all()
        ix.close()
    except BaseException:
        if writer is not None:
            with suppress(Exception):
                writer.cancel()
        raise
    if indexed != done:
        # A build process that died would leave its documents out: never swap in an
        # index that silently lacks clippings, nor resume one.
        shutil.rmtree(folder, ignore_errors=True)
        raise IndexDamagedError(
            f"the new search index holds {indexed} of {done} clippings; "
            "the old index is kept (try rebuilding again)"
        )
    (folder / CHECKPOINT).unlink(missing_ok=True)
    return state.mark


def _commit(writer: Any, report: Callable[[Progress], None] | None, done: int, total: int) -> None:
    if isinstance(writer, _SpawnedWriter):
        writer.check_workers()
    # No merge: a parallel build leaves one segment per process, which is fine.
    with _ticking(report, done, total, "Writing the search index"):
        writer.commit(mergetype=NO_MERGE)


def _writer(ix: Any, count: int) -> Any:
    procs = min(REBUILD_PROCS, os.cpu_count() or 1)
    if procs > 1 and count >= PARALLEL_REBUILD_FROM:
        return _SpawnedWriter(ix, procs, limitmb=128, compound=False)
    return ix.writer(limitmb=128, compound=False)


@contextmanager
def _ticking(
    report: Callable[[Progress], None] | None, done: int, total: int, message: str
) -> Iterator[None]:
    """Report ``message`` with the time spent, every ``TICK_SECONDS``, while the block
    runs: Whoosh writes a round's postings at its commit (a minute or two for 50,000
    clippings) without any way to count how far it is."""
    if report is None:
        yield
        return
    report(Progress(done, total, message))
    stop = threading.Event()
    started = time.monotonic()

    def tick() -> None:
        while not stop.wait(TICK_SECONDS):
            seconds = int(time.monotonic() - started)
            report(Progress(done, total, f"{message} ({seconds} s)"))

    ticker = threading.Thread(target=tick, name="clippings-index-ticker", daemon=True)
    ticker.start()
    try:
        yield
    finally:
        stop.set()
        ticker.join()


class _SpawnedSubWriter(SubWriterTask):  # type: ignore[misc]
    """A rebuild's worker process, started with "spawn" (never fork: the window has
    Qt threads, and a forked copy of them can deadlock)."""

    @staticmethod
    def _Popen(process: Any) -> Any:  # noqa: N802 - multiprocessing's name
        return multiprocessing.get_context("spawn").Process._Popen(process)


class _SpawnedWriter(MpWriter):  # type: ignore[misc]
    """Whoosh's multiprocess writer with spawned workers, each leaving its own segment."""

    def __init__(self, ix: Any, procs: int, **kwargs: Any) -> None:
        super().__init__(ix, procs=procs, batchsize=REBUILD_JOB, multisegment=True, **kwargs)
        context = multiprocessing.get_context("spawn")
        self.jobqueue = context.Queue(self.procs * 4)
        self.resultqueue = context.Queue()

    def _enqueue(self) -> None:
        # MpWriter._enqueue, but a worker that died (a crash, a main module that
        # starts a rebuild on import) stops the rebuild instead of blocking it forever.
        import pickle
        import queue

        from whoosh.util import random_name

        me: Any = self  # Whoosh's attributes are untyped
        filename = f"{random_name()}.doclist"
        with self.temp_storage().create_file(filename).raw_file() as f:
            for item in me.docbuffer:
                pickle.dump(item, f, 2)
        if len(self.tasks) < self.procs:
            self._new_task()
        job = (filename, len(me.docbuffer))
        me.docbuffer = []
        while True:
            try:
                self.jobqueue.put(job, timeout=1.0)
                return
            except queue.Full:
                self.check_workers()

    def check_workers(self) -> None:
        """Raise StorageError when a worker process has stopped before its time."""
        for task in self.tasks:
            if not task.is_alive() and task.exitcode not in (0, None):
                raise StorageError(
                    "a process building the search index stopped unexpectedly "
                    f"(exit code {task.exitcode}); the old index is kept"
                )

    def _new_task(self) -> Any:
        task = _SpawnedSubWriter(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
        )
        self.tasks.append(task)
        task.start()
        return task

    def cancel(self) -> None:
        # Whoosh's cancel only flags its copy of each task; stop the processes.
        for task in self.tasks:
            with suppress(Exception):
                task.terminate()
                task.join(5)
        SegmentWriter.cancel(self)


__all__ = ["CHECKPOINT", "ROUND", "Checkpoint", "build", "resumable"]
