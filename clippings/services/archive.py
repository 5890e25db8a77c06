"""An open archive: the use cases the window and the command line share.

``Archive`` joins the database (``storage``), the original files and the search
index (``search``) of one archive folder. Every method returns frozen dataclasses
from ``clippings.model``. Methods that change what search sees bring the index up
to date before they return (through the index queue, so a crash loses nothing).

Long work (import, reindex) takes a ``report(Progress)`` callback and a ``cancel()``
flag and knows nothing of Qt.
"""

from __future__ import annotations

import builtins
import errno
import logging
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from html import escape
from pathlib import Path
from typing import TypeVar

from clippings.model import (
    ArchiveError,
    CheckProblem,
    Clipping,
    ClippingSummary,
    IndexBusyError,
    IndexDamagedError,
    IndexDocument,
    ListPage,
    ListPosition,
    NotFoundError,
    Progress,
    QueryError,
    Ranking,
    ReadOnlyArchiveError,
    SavedSearch,
    SearchFilters,
    SearchHit,
    SearchResults,
    StorageError,
    Tag,
    TagError,
    tag_name,
)
from clippings.search import (
    DEFAULT_ENGINE,
    ENGINES,
    REBUILD_WAIT,
    WRITE_TIMEOUT,
    SearchIndex,
    SortOrder,
    combine,
    engine_folder,
    open_index,
)
from clippings.services.unfinished import clean_unfinished
from clippings.storage import (
    DATABASE_NAME,
    EDITABLE_FIELDS,
    INDEX_DIR,
    ORIGINALS_DIR,
    ClippingStore,
    OriginalStore,
    SortKey,
    prepare_folder,
    sqlite,
)
from clippings.storage.location import location_warnings

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


@dataclass(frozen=True)
class TagChange:
    """What a tag operation did, enough to undo it."""

    tag: str
    added: tuple[int, ...] = ()
    #: clipping id -> the exact tag names it lost
    removed: Mapping[int, tuple[str, ...]] | None = None


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


class Archive:
    """One open archive folder."""

    def __init__(
        self,
        path: Path,
        store: ClippingStore,
        index: SearchIndex,
        *,
        engine: str = DEFAULT_ENGINE,
    ) -> None:
        self.path = path
        self.store = store
        self.originals = OriginalStore(path / ORIGINALS_DIR)
        self.index = index
        #: The search engine ``index`` runs on ("whoosh" or "tantivy").
        self.engine = engine
        self._index_lock = threading.Lock()
        #: Opened without write access: search, reading and export work, changes do not.
        self.read_only = False
        self._temporary_index: Path | None = None
        #: Where a rebuild of the index reports its progress (given when opened).
        self._report: Report | None = None
        #: What the user should know about where the archive lives (a synced folder, a
        #: network share, a sync tool's conflict copies), in plain words.
        self.warnings: tuple[str, ...] = ()
        #: What ``services.related`` keeps for this archive while it is open.
        self.related_state: object | None = None

    # --- Opening ----------------------------------------------------------------------

    @classmethod
    def open(
        cls, path: Path, *, report: Report | None = None, read_only: bool | None = None
    ) -> Archive:
        """Open (or create) the archive at ``path``, finishing what a crash left.

        The database is looked at before it is trusted (an empty or foreign file is
        refused, never created over), the schema is migrated (after a copy of the
        database is kept in ``backups/``), unfinished purges and half-written originals
        of programs that are gone are cleaned up, queued index updates are applied, and
        a missing, damaged or outdated index is rebuilt. An archive that cannot be
        written (a read-only disk or folder) opens read-only: search, reading and export
        work, changes raise ``ReadOnlyArchiveError``.

        Raises:
            ArchiveError: the folder cannot be an archive, or its database is damaged.
        """
        path = Path(path).expanduser()
        clean_unfinished()  # temporaries of exports and backups that a kill left
        if read_only is None:
            read_only = path.is_dir() and sqlite.folder_is_read_only(path)
        if not read_only:
            path = prepare_folder(path)
        elif not (path / DATABASE_NAME).is_file():
            raise ArchiveError(f"{path} holds no Clippings archive (no {DATABASE_NAME})")
        database = path / DATABASE_NAME
        sqlite.inspect_file(database, archive_has_content=_has_content(path))
        store = ClippingStore.for_file(database, read_only=read_only)
        try:
            store.upgrade()
        except BaseException:
            store.close()
            raise
        try:
            engine = _recorded_engine(store)
        except BaseException:
            store.close()
            raise
        archive = cls(path, store, open_index(path / INDEX_DIR, engine), engine=engine)
        archive.read_only = read_only
        archive.warnings = tuple(location_warnings(path))
        archive._report = report
        try:
            if read_only:
                archive._open_index_read_only(report)
                return archive
            archive.index.clean_debris()
            archive._clean_other_engines()
            for leftover in archive.originals.leftovers():
                leftover.unlink(missing_ok=True)
            archive.finish_removals()
            reason = archive.index.needs_rebuild()
            if reason:
                log.info("%s: rebuilding", reason)
                archive.rebuild_index(report=report, only_if_needed=True)
            else:
                archive.sync_quietly()
        except BaseException:
            archive.close()
            raise
        return archive

    def _open_index_read_only(self, report: Report | None, *, force: bool = False) -> None:
        # The index folder cannot be written: use it as it is, or build a temporary one
        # outside the archive for this session.
        reason = "the search index is damaged" if force else self.index.needs_rebuild()
        if not reason:
            return
        self.index.close()
        if self._temporary_index is not None:
            shutil.rmtree(self._temporary_index, ignore_errors=True)
        log.info("%s: building a temporary index (the archive is read-only)", reason)
        self._temporary_index = Path(tempfile.mkdtemp(prefix="clippings-index-"))
        self.index = open_index(self._temporary_index / INDEX_DIR, self.engine)
        with self.index.locked():
            self.index.rebuild(self._index_batches, self.store.count(), report=report)

    def close(self) -> None:
        self._changed = None  # the change watcher's own connection closes now
        self.index.close()
        self.store.close()
        if self._temporary_index is not None:
            shutil.rmtree(self._temporary_index, ignore_errors=True)
            self._temporary_index = None

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def require_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyArchiveError(
                "this archive is open read-only (its disk or folder cannot be written): "
                "the change was not saved"
            )

    # --- The index --------------------------------------------------------------------

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
        change reaches the index the archive no longer uses."""
        if self.read_only or self._temporary_index is not None:
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

    # --- Originals ----------------------------------------------------------------------

    def finish_removals(self) -> int:
        """Remove the files of purged originals that a crash left behind; returns how
        many files went (an original claimed again by an import meanwhile stays)."""
        removed = 0
        for sha in self.store.pending_removals():
            if self.store.remove_unclaimed(sha, self.originals.remove):
                removed += 1
        return removed

    # --- Reading ----------------------------------------------------------------------

    def get(self, clipping_id: int) -> Clipping:
        return self.store.get(clipping_id)

    def count(self, *, tag: str | None = None, trashed: bool = False) -> int:
        return self.store.count(tag=tag, trashed=trashed)

    def list(
        self,
        *,
        tag: str | None = None,
        trashed: bool = False,
        sort: SortKey = "published",
        descending: bool = True,
        offset: int = 0,
        limit: int | None = None,
    ) -> builtins.list[ClippingSummary]:
        """A page of clippings (no article texts), newest first by default."""
        return self.store.summaries(
            tag=tag,
            trashed=trashed,
            sort=sort,
            descending=descending,
            offset=offset,
            limit=limit,
        )

    def page(
        self,
        *,
        tag: str | None = None,
        trashed: bool = False,
        sort: SortKey = "published",
        descending: bool = True,
        after: ListPosition | None = None,
        skip: int = 0,
        limit: int | None = 200,
    ) -> ListPage:
        """A page of clippings after ``after`` (the previous page's ``next``; from the
        top when None), having passed over ``skip`` rows: keyset paging, as fast at the
        end of the list as at its top (see ``ClippingStore.page``)."""
        return self.store.page(
            tag=tag,
            trashed=trashed,
            sort=sort,
            descending=descending,
            after=after,
            skip=skip,
            limit=limit,
        )

    def search(
        self,
        query: str,
        *,
        limit: int | None = 50,
        sort: SortOrder = "relevance",
        snippets: bool = True,
    ) -> SearchResults:
        """Clippings matching ``query``, best first (or newest first), with snippets.

        Snippets are made from the database's text for the returned rows only.

        Raises:
            QueryError: the query cannot be understood.
        """
        return self._from_index(lambda: self._search(query, limit, sort, snippets))

    def _search(
        self, query: str, limit: int | None, sort: SortOrder, snippets: bool
    ) -> SearchResults:
        ranking = self.index.search(query, limit=limit, sort=sort)
        ranked, total = ranking.hits, ranking.total
        ids = ranking.ids
        rows = self.store.summaries_by_id(ids)
        texts = self.store.texts(ids) if snippets else {}
        hits = []
        for clipping_id, score in ranked:
            row = rows.get(clipping_id)
            if row is None or row.trashed:  # the index is a step behind; never show these
                total -= 1
                continue
            snippet = self.index.snippet(query, texts.get(clipping_id, "")) if snippets else ""
            hits.append(SearchHit(clipping=row, score=score, snippet=snippet))
        return SearchResults(
            hits=tuple(hits),
            total=max(total, len(hits)),
            exact=ranking.exact,
            notes=ranking.notes,
        )

    def search_ids(
        self,
        query: str,
        filters: SearchFilters | None = None,
        *,
        sort: SortOrder = "relevance",
        limit: int | None = 10_000,
    ) -> Ranking:
        """The clippings matching a query and filters, best (or newest) first, and how
        many match in all. No snippets, no rows: the window fetches those for the rows
        it shows.

        Raises:
            QueryError: the query cannot be understood.
        """
        text = combine(query, filters or SearchFilters())
        if not text.strip():
            raise QueryError("the query is empty: type some words to search for")
        return self._from_index(lambda: self.index.search(text, limit=limit, sort=sort))

    def snippets(self, query: str, ids: Sequence[int], *, length: int = 240) -> dict[int, str]:
        """Highlighted passages of these clippings for a query (for the rows shown)."""
        texts = self.store.texts(list(ids))
        return self._from_index(
            lambda: {
                i: self.index.snippet(query, texts[i], length=length) for i in ids if i in texts
            }
        )

    def reading_html(self, clipping: Clipping, query: str = "") -> str:
        """The article as safe HTML for reading: paragraphs, with ``query``'s words marked.

        Without a query this is the readable HTML kept at import (sanitized, nothing
        that runs or fetches) or, failing that, the text's paragraphs.
        """
        if not clipping.has_text:
            return ""
        if not query.strip():
            if clipping.html:
                return clipping.html
            marked = escape(clipping.text)
        else:
            marked = self._from_index(lambda: self.index.highlight_all(query, clipping.text))
        paragraphs = [p.strip() for p in marked.split("\n\n") if p.strip()]
        return "\n".join("<p>" + p.replace("\n", "<br>") + "</p>" for p in paragraphs)

    def summaries(self, ids: Sequence[int]) -> dict[int, ClippingSummary]:
        """List rows of these clippings, by id."""
        return self.store.summaries_by_id(list(ids))

    def sort_ids(
        self, ids: Sequence[int], sort: SortKey, *, descending: bool
    ) -> builtins.list[int]:
        """``ids`` ordered by a list column (rows without a value last)."""
        return self.store.order_ids(ids, sort, descending=descending)

    def outlets(self) -> builtins.list[tuple[str, int]]:
        return self.store.outlets()

    def languages(self) -> builtins.list[tuple[str, int]]:
        return self.store.languages()

    # --- Saved searches ---------------------------------------------------------------

    def saved_searches(self) -> builtins.list[SavedSearch]:
        return self.store.saved_searches()

    def save_search(self, search: SavedSearch) -> None:
        """Keep a query and its filters under a name (replacing one of that name)."""
        if not search.name.strip():
            raise QueryError("a saved search needs a name")
        if not combine(search.query, search.filters).strip():
            raise QueryError("there is nothing to save: type a query or choose a filter")
        # It must parse.
        self._from_index(lambda: self.index.search(combine(search.query, search.filters), limit=1))
        self.store.save_search(
            SavedSearch(search.name.strip(), search.query.strip(), search.filters)
        )

    def delete_saved_search(self, name: str) -> None:
        self.store.delete_saved_search(name)

    def original(self, clipping_id: int) -> bytes:
        """The bytes of the file a clipping was imported from."""
        return self.originals.read(self.store.get(clipping_id).sha256)

    def original_path(self, clipping_id: int) -> Path:
        """Where the stored original lives (read it; never hand it to another program)."""
        return self.originals.path_for(self.store.get(clipping_id).sha256)

    # --- Editing ----------------------------------------------------------------------

    def edit(self, clipping_id: int, changes: Mapping[str, object]) -> Clipping:
        """Change metadata; each changed field is marked as set by the user."""
        unknown = set(changes) - set(EDITABLE_FIELDS)
        if unknown:
            raise QueryError(f"cannot edit {', '.join(sorted(unknown))}")
        published = changes.get("published")
        if published is not None and not isinstance(published, date | datetime):
            raise TypeError("published must be a date or a datetime")
        if "title" in changes and not str(changes["title"] or "").strip():
            raise QueryError("a clipping needs a title: give a non-empty --title")
        clipping = self.store.edit(clipping_id, changes)
        self.sync_quietly()
        return clipping

    # --- Trash ------------------------------------------------------------------------

    def trash(self, ids: Iterable[int]) -> builtins.list[int]:
        """Move clippings to the trash (hidden from the list and search)."""
        changed = self.store.set_trashed(ids, True)
        self.sync_quietly()
        return changed

    def restore(self, ids: Iterable[int]) -> builtins.list[int]:
        changed = self.store.set_trashed(ids, False)
        self.sync_quietly()
        return changed

    def purge(self, ids: Iterable[int] | None = None) -> builtins.list[int]:
        """Remove trashed clippings for good (the whole trash when ``ids`` is None).

        An original file goes too, unless another clipping still uses it.

        Raises:
            ValueError: an id that is not in the trash.
        """
        removed, _unused = self.store.purge(None if ids is None else list(ids))
        # After the commit, and only files no import has claimed again meanwhile; a
        # crash here leaves the removals recorded and the next open finishes them.
        self.finish_removals()
        self.sync_quietly()
        return removed

    # --- Tags -------------------------------------------------------------------------

    def tags(self) -> builtins.list[Tag]:
        return self.store.tags()

    def create_tag(self, name: str) -> str:
        """Make an empty tag; returns its name as stored."""
        name = tag_name(name)
        self.store.create_tag(name)
        return name

    def add_tag(self, ids: Iterable[int], name: str) -> TagChange:
        name = tag_name(name)
        added = self.store.add_tag(ids, name)
        self.sync_quietly()
        return TagChange(tag=name, added=tuple(added))

    def remove_tag(self, ids: Iterable[int], name: str) -> TagChange:
        name = tag_name(name)
        wanted = self.store.require(ids)
        if not self.store.tag_exists(name):
            raise NotFoundError(f"there is no tag {name!r}")
        before = self.store.tag_members(name)
        self.store.remove_tag(wanted, name)
        self.sync_quietly()
        lost = {i: tuple(before[i]) for i in wanted if i in before}
        return TagChange(tag=name, removed=lost)

    def undo_tag_change(self, change: TagChange) -> None:
        """Put tags back as they were before ``change``."""
        if change.added:
            self.store.remove_tag(change.added, change.tag)
        if change.removed:
            self.store.restore_tags(change.removed)
        self.sync_quietly()

    def rename_tag(self, old: str, new: str) -> None:
        self.store.rename_tag(old, new)
        self.sync_quietly()

    def merge_tag(self, source: str, target: str) -> None:
        self.store.merge_tag(source, target)
        self.sync_quietly()

    def delete_tag(self, name: str) -> builtins.list[int]:
        """Delete a tag and its children; never the clippings."""
        affected = self.store.delete_tag(name)
        self.sync_quietly()
        return affected

    def set_tag_colour(self, name: str, colour: str | None) -> None:
        if colour is not None and not _is_colour(colour):
            raise TagError(f"{colour!r} is not a colour: write it as #rrggbb, e.g. #d9534f")
        self.store.set_tag_colour(name, colour.lower() if colour else None)

    # --- Checking ---------------------------------------------------------------------

    def check(self, *, report: Report | None = None) -> builtins.list[CheckProblem]:
        """Everything wrong with the archive (an empty list when all is well).

        Each check is a small function (``clippings.services.checks``); one that
        cannot run (a damaged database) becomes a problem of its own instead of
        stopping the others.
        """
        from clippings.services.checks import run_checks

        return run_checks(self, report=report)

    def repair(self, *, report: Report | None = None) -> builtins.list[str]:
        """Fix what can be fixed without losing anything; returns what was done.

        Finishes interrupted purges, removes original files no clipping uses (left by
        a crash between writing a file and recording it) and half-written files of
        programs that are gone, and rebuilds a search index that is out of step.
        Missing or altered originals cannot be made here: importing the same file
        again restores one.
        """
        from clippings.services.checks import repair

        return repair(self, report=report)

    # --- Other programs ---------------------------------------------------------------

    #: Asks the database watcher, made by the first ``changed_elsewhere``. The watcher's
    #: read-only connection closes when it is collected (with the archive, or when this
    #: is set back to None).
    _changed: Callable[[], bool] | None = None

    def changed_elsewhere(self) -> bool:
        """True when another program (a ``clippings`` command, another window)
        committed a change to the database since the last call. This archive's own
        commits, from any thread, are not counted: whoever makes them shows them. The
        first call starts watching and returns False. Cheap whatever the archive's
        size: the window asks every few seconds on its GUI thread.

        Raises:
            StorageError: the database can no longer be read (the disk went away).
        """
        from clippings.storage.watch import watch_file  # only the window asks this

        if self._changed is None:
            self._changed = watch_file(self.path / DATABASE_NAME, self.store.own_changes).changed
            return False
        return self._changed()


def _has_content(path: Path) -> bool:
    """Whether an archive folder holds originals or an index (so it is not new)."""
    originals = path / ORIGINALS_DIR
    try:
        return any(engine_folder(path / INDEX_DIR, e).is_dir() for e in ENGINES) or (
            originals.is_dir() and any(originals.iterdir())
        )
    except OSError:
        return True


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


def _is_colour(value: str) -> bool:
    return (
        len(value) in (7, 9)
        and value.startswith("#")
        and all(c in "0123456789abcdefABCDEF" for c in value[1:])
    )
