"""The search index of an open archive: keeping it in step with the database.

A part of ``Archive`` (``clippings.services.archive``): applying the index queue,
rebuilding and tidying the index, reading it (with a rebuild when it turns out
damaged) and switching the search engine. Kept apart from the use cases because it
is the one place that holds the index lock, always ``_index_lock`` (this program's
threads) before ``index.locked`` (other programs), and clears the queue after a build.
"""

from __future__ import annotations

import builtins
import errno
import logging
import shutil
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from clippings.model import (
    ArchiveError,
    IndexBusyError,
    IndexDamagedError,
    IndexDocument,
    Progress,
    StorageError,
)
from clippings.search import (
    DEFAULT_ENGINE,
    ENGINES,
    REBUILD_WAIT,
    WRITE_TIMEOUT,
    SearchIndex,
    engine_folder,
    open_index,
)
from clippings.storage import INDEX_DIR, ClippingStore

log = logging.getLogger(__name__)

_T = TypeVar("_T")
Report = Callable[[Progress], None]
Cancel = Callable[[], bool]

#: How many queued clippings one index commit takes.
SYNC_BATCH = 250
#: How long a change waits for the index before leaving its entry to a later sync.
QUIET_SYNC_TIMEOUT = 5.0
#: The archive_meta key naming the archive's search engine (absent: Whoosh).
ENGINE_KEY = "search_engine"


def with_speakers(document: IndexDocument) -> IndexDocument:
    """The document with the speakers of its quotations, for ``speaker:`` searches."""
    from clippings.analysis.quotes import extract_quotes

    try:
        names = {q.speaker for q in extract_quotes(document.text) if q.speaker}
    except Exception:  # an analysis bug must never keep a clipping out of the index
        log.exception("quotations of clipping %s", document.id)
        return document
    return replace(document, speakers=tuple(sorted(names)))


def with_stored_speakers(
    store: ClippingStore, documents: Iterable[IndexDocument]
) -> builtins.list[IndexDocument]:
    """The documents with their speakers as the analysis stored them (computed once
    per text, with the features); computed now only where none fit the text."""
    from clippings.analysis.features import FEATURES_VERSION, source_digest

    found = builtins.list(documents)
    stored = store.stored_speakers([d.id for d in found], FEATURES_VERSION)
    ready = []
    for document in found:
        known = stored.get(document.id)
        if known and known[0] == source_digest(document.title, document.text, document.language):
            ready.append(replace(document, speakers=known[1]))
        else:
            ready.append(with_speakers(document))
    return ready


class IndexUpkeep:
    """The search index's upkeep (a part of ``Archive``)."""

    if TYPE_CHECKING:
        path: Path
        store: ClippingStore
        index: SearchIndex
        engine: str
        read_only: bool
        server: str | None
        _index_lock: threading.Lock
        _temporary_index: Path | None
        _report: Report | None

        def require_writable(self) -> None: ...
        def _open_index_read_only(self, report: Report | None, *, force: bool = False) -> None: ...

    def sync_index(
        self, *, timeout: float | None = None, batch: int = SYNC_BATCH, once: bool = False
    ) -> int:
        """Apply queued changes to the search index, in batches; returns how many.

        Each batch (up to ``batch`` clippings, one index commit) is read from the
        database and committed while this program holds the index, so programs sharing
        the archive never overwrite a newer entry with an older one; queue rows go only
        after the index commit (a crash replays them). With ``once``, one batch at most:
        what is queued meanwhile waits for the next sync (an import gathers it into a
        larger commit).

        Raises:
            IndexBusyError: another program held the index for ``timeout`` seconds.
            StorageError: the index could not be written (a full disk); the changes
                stay queued.
        """
        if self.read_only:
            return 0
        applied = 0
        with self._index_lock:
            while True:
                with self.index.locked(WRITE_TIMEOUT if timeout is None else timeout):
                    self._follow_engine()
                    pending = self.store.pending(batch)
                    if not pending:
                        return applied
                    ids = sorted({clipping_id for _, clipping_id in pending})
                    documents = self.store.index_documents(ids)
                    deletions = [i for i in ids if i not in documents]
                    upserts = with_stored_speakers(self.store, documents.values())
                    try:
                        self.index.apply(upserts, deletions)
                    except OSError as error:
                        raise StorageError(_index_write_failed(error)) from error
                    self.store.done([queue_id for queue_id, _ in pending])
                applied += len(ids)
                if once:
                    return applied

    def sync_quietly(
        self, *, timeout: float | None = None, batch: int = SYNC_BATCH, once: bool = False
    ) -> int:
        """``sync_index`` after a change that is already saved: when the index is busy
        or cannot be written, the change waits in the queue (logged) and the next
        sync, in this program or another, applies it."""
        try:
            return self.sync_index(
                timeout=QUIET_SYNC_TIMEOUT if timeout is None else timeout,
                batch=batch,
                once=once,
            )
        except (IndexBusyError, StorageError) as error:
            log.warning("%s", error)
            return 0

    def _build_index(
        self, index: SearchIndex, report: Report | None, cancel: Cancel | None
    ) -> int | None:
        """Build ``index`` from the database (the caller holds the index). Returns the
        queue position the new index holds the changes up to (``_index_built`` takes
        it), or None when cancelled."""
        try:
            return index.rebuild(
                self._index_batches,
                self.store.count(),
                mark=self.store.last_queue_id(),
                report=report,
                cancel=cancel,
            )
        except OSError as error:
            raise StorageError(_index_write_failed(error)) from error

    def _index_built(self, index: SearchIndex, upto: int) -> None:
        """After ``index`` is built and in use: the changes queued after the build
        began stay queued. A resumed build began in an earlier run, and a change made
        between the runs may have reached only the old index and left the queue, so
        every entry at another revision than the database's (or that should be gone)
        is queued again."""
        self.store.clear_queue_upto(upto)
        expected, indexed = self.store.revisions(), index.revisions()
        self.store.queue_for_index(
            [i for i, revision in expected.items() if indexed.get(i) != revision]
            + [i for i in indexed if i not in expected]
        )

    def _index_batches(self, after: int = 0) -> Iterable[Sequence[IndexDocument]]:
        """The documents of the live clippings whose id is above ``after``, in id order."""
        for ids in self.store.all_ids(searchable_only=True, after=after):
            yield with_stored_speakers(self.store, self.store.index_documents(ids).values())

    def rebuild_index(
        self,
        *,
        report: Report | None = None,
        cancel: Cancel | None = None,
        only_if_needed: bool = False,
    ) -> bool:
        """Rebuild the search index from the database (into a new folder, then swapped).

        Waits while another program rebuilds; with ``only_if_needed``, an index that
        program left sound is kept.
        """
        self.require_writable()
        with self._index_lock, self.index.locked(REBUILD_WAIT):
            self._follow_engine()
            if only_if_needed and self.index.needs_rebuild() is None:
                done = True
            else:
                upto = self._build_index(self.index, report, cancel)
                if upto is not None:
                    self._index_built(self.index, upto)
                done = upto is not None
        if done:
            self.sync_quietly()
        return done

    def tidy_index(self, *, report: Report | None = None, cancel: Cancel | None = None) -> int:
        """Merge the search index's small segments after an import (one step at a time,
        holding the index only for a step, so other programs' syncs go in between);
        returns how many steps were taken. Quiet on a busy or unwritable index: the
        next tidy does it."""
        if self.read_only:
            return 0
        steps = 0
        while not (cancel and cancel()):
            if report:
                report(Progress(steps, steps + 1, "Tidying the search index"))
            try:
                with self._index_lock, self.index.locked(QUIET_SYNC_TIMEOUT):
                    if not self.index.tidy():
                        break
            except (IndexBusyError, OSError) as error:
                log.warning("tidying the search index: %s", error)
                break
            steps += 1
        return steps

    def _from_index(self, read: Callable[[], _T]) -> _T:
        """A read of the search index. A damaged index (a file Whoosh cannot read, which
        opening did not notice) is rebuilt from the database once, then read again."""
        index = self.index
        try:
            return read()
        except IndexDamagedError as error:
            # The engine was switched meanwhile (by this program's other thread, whose
            # switch closed the index this read began on, or by another program).
            if self.index is not index or self._follow_engine():
                return read()
            log.warning("%s: rebuilding it from the database", error)
            if self.read_only:
                self._open_index_read_only(self._report, force=True)
            else:
                self.rebuild_index(report=self._report)
            return read()

    # --- The search engine ------------------------------------------------------------

    def switch_engine(
        self, engine: str, *, report: Report | None = None, cancel: Cancel | None = None
    ) -> bool:
        """Move the archive to another search engine ("whoosh" or "tantivy").

        The new engine's index is built from the database beside the old one (which
        stays in use meanwhile); only once it is complete is the engine recorded in
        the archive and the old index removed. Cancelled or killed, the archive keeps
        its old engine, whole; running it again resumes a Whoosh build where its last
        committed round ended (a tantivy build, seconds long, starts again). Asking
        for the engine in use rebuilds its index. Returns False when cancelled.

        Raises:
            ArchiveError: not an engine this version offers.
            IndexBusyError: another program held the index too long.
        """
        if self.server is not None:
            raise ArchiveError(
                "a team archive searches on its server (PostgreSQL): it has no other engine"
            )
        if engine not in ENGINES:
            raise ArchiveError(
                f"there is no search engine {engine!r}: choose {' or '.join(ENGINES)}"
            )
        self.require_writable()
        if engine == self.engine:
            return self.rebuild_index(report=report, cancel=cancel)
        with self._index_lock, self.index.locked(REBUILD_WAIT):
            self._follow_engine()
            if engine == self.engine:  # another program switched it meanwhile
                return True
            target = open_index(self.path / INDEX_DIR, engine)
            upto = self._build_index(target, report, cancel)
            if upto is None:
                target.close()
                return False
            self.store.set_meta(ENGINE_KEY, engine)
            self._index_built(target, upto)
            old, self.index, self.engine = self.index, target, engine
            old.close()
            self._remove_other_engines()
        self.sync_quietly()
        return True

    def _follow_engine(self) -> bool:
        """Open the engine the archive records, if another program switched it since
        this one opened; True when it did. Called while holding the index, so that no
        change reaches the index the archive no longer uses. A team archive searches
        on its server whatever an archive folder's engine was."""
        if self.read_only or self._temporary_index is not None or self.server is not None:
            return False
        engine = _recorded_engine(self.store)
        if engine == self.engine:
            return False
        log.info("the archive now searches with %s (switched by another program)", engine)
        old, self.index, self.engine = self.index, open_index(self.path / INDEX_DIR, engine), engine
        old.close()
        return True

    def _other_engines(self) -> builtins.list[Path]:
        used = engine_folder(self.path / INDEX_DIR, self.engine)
        found = []
        for engine in ENGINES:
            folder = engine_folder(self.path / INDEX_DIR, engine)
            if folder != used:
                found += [folder, *(folder.with_name(folder.name + s) for s in (".new", ".old"))]
        return [path for path in found if path.exists()]

    def _remove_other_engines(self) -> None:
        """Remove the index folders of engines the archive no longer uses (what a
        switch leaves, or a switch killed before it was recorded); the caller holds
        the index."""
        for path in self._other_engines():
            shutil.rmtree(path, ignore_errors=True)

    def _clean_other_engines(self) -> None:
        """``_remove_other_engines`` at opening, unless another program holds the
        index (it may be building another engine's index right now)."""
        if not self._other_engines():
            return
        try:
            with self.index.locked(timeout=0):
                self._follow_engine()
                self._remove_other_engines()
        except IndexBusyError:
            pass


def _recorded_engine(store: ClippingStore) -> str:
    """The search engine the archive records (Whoosh when it records none).

    Raises:
        ArchiveError: an engine this version does not know (a newer Clippings's).
    """
    engine = store.meta(ENGINE_KEY) or DEFAULT_ENGINE
    if engine not in ENGINES:
        raise ArchiveError(
            f"this archive searches with {engine!r}, which this version of Clippings does "
            "not know: open it with a newer version"
        )
    return engine


def _index_write_failed(error: OSError) -> str:
    reason = "the disk is full" if error.errno == errno.ENOSPC else str(error.strerror or error)
    return (
        f"the search index could not be updated ({reason}); your changes are saved and "
        "reach search once it can be written again"
    )
