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
import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from html import escape
from pathlib import Path

from clippings.model import (
    CheckProblem,
    Clipping,
    ClippingSummary,
    IndexDocument,
    NotFoundError,
    Progress,
    QueryError,
    SavedSearch,
    SearchFilters,
    SearchHit,
    SearchResults,
    Tag,
    TagError,
    tag_name,
)
from clippings.search import SearchIndex, SortOrder, WhooshIndex, combine
from clippings.storage import (
    DATABASE_NAME,
    EDITABLE_FIELDS,
    INDEX_DIR,
    ORIGINALS_DIR,
    ClippingStore,
    OriginalStore,
    SortKey,
    prepare_folder,
)

log = logging.getLogger(__name__)

Report = Callable[[Progress], None]
Cancel = Callable[[], bool]

#: How many queued clippings one index commit takes.
SYNC_BATCH = 250


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


class Archive:
    """One open archive folder."""

    def __init__(self, path: Path, store: ClippingStore, index: SearchIndex) -> None:
        self.path = path
        self.store = store
        self.originals = OriginalStore(path / ORIGINALS_DIR)
        self.index = index
        self._index_lock = threading.Lock()
        #: Opened without write access: search, reading and export work, changes do not.
        self.read_only = False
        #: What the user should know about where the archive lives (a synced folder, a
        #: network share, a sync tool's conflict copies), in plain words.
        self.warnings: tuple[str, ...] = ()

    # --- Opening ----------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, report: Report | None = None) -> Archive:
        """Open (or create) the archive at ``path``, repairing what a crash left.

        The schema is migrated, half-written originals are removed, queued index
        updates are applied, and a missing or outdated index is rebuilt.

        Raises:
            ArchiveError: the folder cannot be an archive.
        """
        path = prepare_folder(Path(path))
        store = ClippingStore.for_file(path / DATABASE_NAME)
        store.upgrade()
        archive = cls(path, store, WhooshIndex(path / INDEX_DIR))
        for leftover in archive.originals.leftovers():
            leftover.unlink(missing_ok=True)
        reason = archive.index.needs_rebuild()
        if reason:
            log.info("%s: rebuilding", reason)
            archive.rebuild_index(report=report)
        else:
            archive.sync_index()
        return archive

    def close(self) -> None:
        self.index.close()
        self.store.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- The index --------------------------------------------------------------------

    def sync_index(self) -> int:
        """Apply queued changes to the search index, in batches; returns how many."""
        applied = 0
        with self._index_lock:
            while True:
                pending = self.store.pending(SYNC_BATCH)
                if not pending:
                    return applied
                ids = sorted({clipping_id for _, clipping_id in pending})
                documents = self.store.index_documents(ids)
                deletions = [i for i in ids if i not in documents]
                self.index.apply([with_speakers(d) for d in documents.values()], deletions)
                # Only after the index commit: a crash before this replays the batch.
                self.store.done([queue_id for queue_id, _ in pending])
                applied += len(ids)

    def rebuild_index(self, *, report: Report | None = None, cancel: Cancel | None = None) -> bool:
        """Rebuild the search index from the database (into a new folder, then swapped)."""
        with self._index_lock:
            upto = self.store.last_queue_id()
            total = self.store.count()

            def batches() -> Iterable[Sequence[IndexDocument]]:
                for ids in self.store.all_ids(searchable_only=True):
                    yield [with_speakers(d) for d in self.store.index_documents(ids).values()]

            done = self.index.rebuild(batches(), total, report, cancel)
            if done:
                self.store.clear_queue_upto(upto)
        if done:
            self.sync_index()
        return done

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
        ranked, total = self.index.search(query, limit=limit, sort=sort)
        ids = [clipping_id for clipping_id, _ in ranked]
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
        return SearchResults(hits=tuple(hits), total=max(total, len(hits)))

    def search_ids(
        self,
        query: str,
        filters: SearchFilters | None = None,
        *,
        sort: SortOrder = "relevance",
        limit: int | None = 10_000,
    ) -> tuple[builtins.list[int], int]:
        """Ids of the clippings matching a query and filters, best (or newest) first,
        and how many match in all. No snippets, no rows: the window fetches those for
        the rows it shows.

        Raises:
            QueryError: the query cannot be understood.
        """
        text = combine(query, filters or SearchFilters())
        if not text.strip():
            raise QueryError("the query is empty: type some words to search for")
        ranked, total = self.index.search(text, limit=limit, sort=sort)
        return [clipping_id for clipping_id, _ in ranked], total

    def snippets(self, query: str, ids: Sequence[int], *, length: int = 240) -> dict[int, str]:
        """Highlighted passages of these clippings for a query (for the rows shown)."""
        texts = self.store.texts(list(ids))
        return {i: self.index.snippet(query, texts[i], length=length) for i in ids if i in texts}

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
            marked = self.index.highlight_all(query, clipping.text)
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
        self.index.search(combine(search.query, search.filters), limit=1)  # must parse
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
        self.sync_index()
        return clipping

    # --- Trash ------------------------------------------------------------------------

    def trash(self, ids: Iterable[int]) -> builtins.list[int]:
        """Move clippings to the trash (hidden from the list and search)."""
        changed = self.store.set_trashed(ids, True)
        self.sync_index()
        return changed

    def restore(self, ids: Iterable[int]) -> builtins.list[int]:
        changed = self.store.set_trashed(ids, False)
        self.sync_index()
        return changed

    def purge(self, ids: Iterable[int] | None = None) -> builtins.list[int]:
        """Remove trashed clippings for good (the whole trash when ``ids`` is None).

        An original file goes too, unless another clipping still uses it.

        Raises:
            ValueError: an id that is not in the trash.
        """
        removed, unused = self.store.purge(None if ids is None else list(ids))
        for sha in unused:
            self.originals.remove(sha)
        self.sync_index()
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
        self.sync_index()
        return TagChange(tag=name, added=tuple(added))

    def remove_tag(self, ids: Iterable[int], name: str) -> TagChange:
        name = tag_name(name)
        wanted = self.store.require(ids)
        if not self.store.tag_exists(name):
            raise NotFoundError(f"there is no tag {name!r}")
        before = self.store.tag_members(name)
        self.store.remove_tag(wanted, name)
        self.sync_index()
        lost = {i: tuple(before[i]) for i in wanted if i in before}
        return TagChange(tag=name, removed=lost)

    def undo_tag_change(self, change: TagChange) -> None:
        """Put tags back as they were before ``change``."""
        if change.added:
            self.store.remove_tag(change.added, change.tag)
        if change.removed:
            self.store.restore_tags(change.removed)
        self.sync_index()

    def rename_tag(self, old: str, new: str) -> None:
        self.store.rename_tag(old, new)
        self.sync_index()

    def merge_tag(self, source: str, target: str) -> None:
        self.store.merge_tag(source, target)
        self.sync_index()

    def delete_tag(self, name: str) -> builtins.list[int]:
        """Delete a tag and its children; never the clippings."""
        affected = self.store.delete_tag(name)
        self.sync_index()
        return affected

    def set_tag_colour(self, name: str, colour: str | None) -> None:
        if colour is not None and not _is_colour(colour):
            raise TagError(f"{colour!r} is not a colour: write it as #rrggbb, e.g. #d9534f")
        self.store.set_tag_colour(name, colour.lower() if colour else None)

    # --- Checking ---------------------------------------------------------------------

    def check(self, *, report: Report | None = None) -> builtins.list[CheckProblem]:
        """Everything wrong with the archive (an empty list when all is well).

        Looks at the database's integrity, every original (present, unaltered) and
        whether the search index holds exactly the live clippings at their current
        revision.
        """
        problems: builtins.list[CheckProblem] = [
            CheckProblem("database", f"the database reports: {line}")
            for line in self.store.integrity_problems()
        ]
        used = self.store.original_hashes()
        for number, (sha, ids) in enumerate(sorted(used.items()), start=1):
            state = self.originals.verify(sha)
            if state != "ok":
                which = ", ".join(str(i) for i in ids)
                verb = (
                    "is missing"
                    if state == "missing"
                    else "has been altered (its bytes no longer match)"
                )
                problems.append(
                    CheckProblem(
                        f"original-{state}",
                        f"the original file of clipping {which} {verb}: "
                        f"{self.originals.path_for(sha)}",
                        ids[0],
                    )
                )
            if report:
                report(Progress(number, len(used), "Checking original files"))
        if self.store.pending_count():
            problems.append(
                CheckProblem("index-pending", "some changes have not reached the search index yet")
            )
        expected = self.store.revisions()
        indexed = self.index.revisions()
        for clipping_id in sorted(set(expected) - set(indexed)):
            problems.append(
                CheckProblem(
                    "index-missing",
                    f"clipping {clipping_id} is missing from the search index",
                    clipping_id,
                )
            )
        for clipping_id in sorted(set(indexed) - set(expected)):
            problems.append(
                CheckProblem(
                    "index-stale",
                    f"the search index has an entry for clipping {clipping_id}, "
                    "which is deleted or in the trash",
                    clipping_id,
                )
            )
        for clipping_id in sorted(set(indexed) & set(expected)):
            if indexed[clipping_id] != expected[clipping_id]:
                problems.append(
                    CheckProblem(
                        "index-outdated",
                        f"the search index holds an old version of clipping {clipping_id}",
                        clipping_id,
                    )
                )
        return problems


def _is_colour(value: str) -> bool:
    return (
        len(value) in (7, 9)
        and value.startswith("#")
        and all(c in "0123456789abcdefABCDEF" for c in value[1:])
    )
