"""The archive's database: every read and write of clippings and tags.

``ClippingStore`` is the only place that speaks SQL. It hands out frozen dataclasses
from ``clippings.model``, never rows. Each method runs in its own transaction, so it
is safe to call from any thread; SQLite allows one writer at a time, and a busy
timeout makes a second writer wait rather than fail.

Every write that changes what search sees also queues the clipping in
``index_queue`` (and, unless only its tags changed, in ``analysis_queue``) in the
same transaction (``queue.py``). The queues' reads and the stored analysis live in
``queue.py`` and ``analysis.py``, parts of ``ClippingStore``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

from sqlalchemy import (
    Connection,
    CursorResult,
    Engine,
    RowMapping,
    and_,
    create_engine,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.types import NullType

from clippings.model import (
    METADATA_FIELDS,
    ArchiveError,
    Clipping,
    ClippingsError,
    ClippingSummary,
    Extracted,
    IndexDocument,
    ListPage,
    ListPosition,
    NotFoundError,
    Published,
    ReadOnlyArchiveError,
    SavedSearch,
    SearchFilters,
    StorageError,
    Tag,
    TagError,
    published_from_iso,
    published_to_iso,
    published_utc,
    tag_ancestors,
    tag_name,
)
from clippings.storage import migrations, sqlite
from clippings.storage.analysis import AnalysisStore
from clippings.storage.backup import backup_database
from clippings.storage.queue import IndexQueue, queue_changes
from clippings.storage.schema import (
    archive_meta,
    clipping_tags,
    clippings,
    original_removals,
    originals,
    saved_searches,
    tags,
)
from clippings.storage.watch import CHANGE_KEY, OwnChanges

_T = TypeVar("_T")

SortKey = Literal["published", "title", "outlet", "words", "imported", "id"]

#: Where copies of the database made before a schema migration go, in the archive.
BACKUPS_DIR = "backups"

READ_ONLY_MESSAGE = (
    "this archive is open read-only (its disk or folder cannot be written): "
    "the change was not saved"
)

#: Metadata a user may edit; the rest comes from the file.
EDITABLE_FIELDS = (*METADATA_FIELDS, "notes")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class NewClipping:
    """What the import service stores for one file."""

    extracted: Extracted
    sha256: str
    size: int
    original_name: str
    text_hash: str | None
    word_count: int
    notes: str | None = None


def _like_children(name: str) -> str:
    escaped = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "/%"


def _tag_filter(name: str) -> Any:
    """The tag and all of its children."""
    return or_(tags.c.name == name, tags.c.name.like(_like_children(name), escape="\\"))


class ClippingStore(IndexQueue, AnalysisStore):
    """The database of one archive."""

    def __init__(
        self,
        url: str,
        *,
        reader: Engine | None = None,
        writer: Engine | None = None,
        read_only: bool = False,
        path: Path | None = None,
    ) -> None:
        self.url = url
        self.engine: Engine = reader or create_engine(url, future=True)
        self._writer: Engine = writer or self.engine
        #: Opened without write access: every write raises ReadOnlyArchiveError.
        self.read_only = read_only
        #: The database file, for an embedded archive.
        self.path = path
        #: The change numbers this program's commits wrote (see ``_writing``).
        self.own_changes = OwnChanges()

    @classmethod
    def for_file(cls, path: Path, *, read_only: bool = False) -> ClippingStore:
        """The database in ``path`` (an SQLite file).

        Raises:
            ArchiveError: the file exists but cannot be an archive's database.
        """
        reader, writer = sqlite.engines(path, read_only=read_only)
        return cls(
            f"sqlite:///{path}", reader=reader, writer=writer, read_only=read_only, path=path
        )

    def close(self) -> None:
        self.engine.dispose()
        if self._writer is not self.engine:
            self._writer.dispose()

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """A connection for reads; the database's faults become the project's errors."""
        with _translated(self.path), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A write transaction that holds the write lock from its first statement.

        One that changed rows also advances the archive's change number, noted in
        ``own_changes`` so that this program's watcher does not take its own commits
        for another program's (``watch.py``).
        """
        if self.read_only:
            raise ReadOnlyArchiveError(READ_ONLY_MESSAGE)
        number: int | None = None
        try:
            with _translated(self.path), self._writer.begin() as conn:
                before = _changes(conn)
                yield conn
                if before is None or _changes(conn) != before:
                    number = _next_change_number(conn)
                    # Noted before the commit (the write lock is still held, so nobody
                    # else can write this number) and taken back if it fails.
                    self.own_changes.add(number)
        except BaseException:
            if number is not None:
                self.own_changes.discard(number)
            raise

    # --- Schema -----------------------------------------------------------------------

    def upgrade(self) -> int:
        """Create or migrate the schema; returns the version found before.

        Before migrating an existing archive, a copy of its database is kept in
        ``backups/`` beside it (originals never change, so they need no copy).

        Raises:
            ArchiveError: the archive was made by a newer Clippings, its schema mark
                is damaged, or a read-only archive would need an upgrade.
        """
        with self._reading() as conn:
            found = migrations.current_version(conn)
        migrations.check_supported(found)
        if self.read_only:
            if found < migrations.LATEST:
                raise ArchiveError(
                    "this archive was made by an older version of Clippings and must be "
                    "upgraded, which a read-only archive cannot be: copy it to a disk you "
                    "can write to and open the copy"
                )
            return found
        if self.engine.dialect.name == "sqlite":
            with _translated(self.path):
                sqlite.enable_wal(self._writer)
        if 0 < found < migrations.LATEST and self.path is not None:
            self.backup_before_migration(found)
        with self._writing() as conn:
            return migrations.upgrade(conn)

    def backup_before_migration(self, found: int) -> Path:
        """Copy the database to ``backups/`` before it is migrated from ``found``."""
        assert self.path is not None
        folder = self.path.parent / BACKUPS_DIR
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        target = folder / f"{self.path.stem}-schema{found}-{stamp}{self.path.suffix}"
        try:
            folder.mkdir(exist_ok=True)
            backup_database(self.path, target)
        except (OSError, StorageError) as error:
            raise StorageError(
                f"cannot keep a copy of the database before upgrading it ({error}); "
                "nothing was changed: free some space and open the archive again"
            ) from error
        return target

    def schema_version(self) -> int:
        with self._reading() as conn:
            return migrations.current_version(conn)

    def meta(self, key: str) -> str | None:
        with self._reading() as conn:
            value = conn.execute(
                select(archive_meta.c.value).where(archive_meta.c.key == key)
            ).scalar()
        return None if value is None else str(value)

    def set_meta(self, key: str, value: str) -> None:
        """Record ``value`` under ``key`` in the archive's own notes (``archive_meta``)."""
        with self._writing() as conn:
            conn.execute(archive_meta.delete().where(archive_meta.c.key == key))
            conn.execute(archive_meta.insert().values(key=key, value=value))

    # --- Clippings --------------------------------------------------------------------

    def find_duplicate(self, sha256: str, text_hash: str | None) -> int | None:
        """The id of a clipping with the same bytes or the same normalised text."""
        with self._reading() as conn:
            return self._duplicate(conn, sha256, text_hash)

    def _duplicate(self, conn: Connection, sha256: str, text_hash: str | None) -> int | None:
        condition = clippings.c.sha256 == sha256
        if text_hash:
            condition = or_(condition, clippings.c.text_hash == text_hash)
        found = conn.execute(
            select(clippings.c.id).where(condition).order_by(clippings.c.id).limit(1)
        ).scalar()
        return None if found is None else int(found)

    def add(self, new: NewClipping, tag_names: Iterable[str] = ()) -> int:
        """Store one clipping (and its original's row) in one transaction."""
        with self._writing() as conn:
            return self._insert(conn, new, tag_names)

    def add_new(
        self,
        new: NewClipping,
        tag_names: Iterable[str] = (),
        *,
        store_original: Callable[[], object],
    ) -> tuple[int, bool]:
        """Store a clipping unless the archive has it already: (id, whether new).

        The duplicate check, the claim on the original and the insert are one
        transaction holding the write lock, so two programs importing the same file
        at once store it once. ``store_original`` writes the original's file; it runs
        inside that transaction, so no purge or repair can remove the file between
        its writing and the commit that points at it.
        """
        with self._writing() as conn:
            existing = self._duplicate(conn, new.sha256, new.text_hash)
            if existing is not None:
                return existing, False
            store_original()
            return self._insert(conn, new, tag_names), True

    def add_many(
        self,
        batch: Sequence[NewClipping],
        tag_names: Iterable[str] = (),
        *,
        store_originals: Callable[[Sequence[int]], object],
    ) -> list[tuple[int, bool]]:
        """``add_new`` for a batch of clippings, in one transaction: (id, whether new)
        for each, in order.

        Each clipping is checked against the archive and the batch's earlier ones (the
        same original, or the same normalised text), inside the transaction that holds
        the write lock. ``store_originals`` gets the positions of the new clippings and
        writes their originals' files; it runs before the commit, so a commit never
        points at a file that is not yet on disk. Any error rolls back the whole batch.
        """
        names = list(tag_names)
        outcomes: list[tuple[int, bool]] = []
        with self._writing() as conn:
            for new in batch:
                existing = self._duplicate(conn, new.sha256, new.text_hash)
                if existing is not None:
                    outcomes.append((existing, False))
                else:
                    outcomes.append((self._insert(conn, new, names), True))
            store_originals([n for n, (_, created) in enumerate(outcomes) if created])
        return outcomes

    def _insert(self, conn: Connection, new: NewClipping, tag_names: Iterable[str]) -> int:
        ex = new.extracted
        now = _now()
        known = conn.execute(
            select(originals.c.sha256).where(originals.c.sha256 == new.sha256)
        ).scalar()
        if known is None:
            conn.execute(insert(originals).values(sha256=new.sha256, size=new.size, stored_at=now))
        # A purge that has not yet removed this file must leave it now.
        conn.execute(delete(original_removals).where(original_removals.c.sha256 == new.sha256))
        clipping_id = _new_id(
            conn.execute(
                insert(clippings).values(
                    title=ex.title or new.original_name,
                    outlet=ex.outlet,
                    author=ex.author,
                    published=published_to_iso(ex.published),
                    published_utc=published_utc(ex.published),
                    language=ex.language,
                    url=ex.url,
                    text=ex.text,
                    html=ex.html,
                    word_count=new.word_count,
                    page=ex.page,
                    section=ex.section,
                    edition=ex.edition,
                    notes=new.notes,
                    original_name=new.original_name,
                    sha256=new.sha256,
                    format=ex.format,
                    text_hash=new.text_hash,
                    has_text=ex.has_text,
                    imported_at=now,
                    trashed=False,
                    revision=1,
                    provenance=json.dumps(dict(ex.provenance), sort_keys=True),
                )
            )
        )
        for name in tag_names:
            self._attach(conn, [clipping_id], tag_name(name))
        self._queue(conn, [clipping_id])
        return clipping_id

    def get(self, clipping_id: int) -> Clipping:
        with self._reading() as conn:
            row = conn.execute(select(clippings).where(clippings.c.id == clipping_id)).first()
            if row is None:
                raise NotFoundError(f"there is no clipping {clipping_id}")
            tag_map = self._tags_of(conn, [clipping_id])
        return _clipping(row._mapping, tag_map.get(clipping_id, ()))

    def exists(self, ids: Iterable[int]) -> set[int]:
        wanted = list(set(ids))
        with self._reading() as conn:
            return {
                int(i)
                for i in conn.execute(select(clippings.c.id).where(clippings.c.id.in_(wanted)))
                .scalars()
                .all()
            }

    def require(self, ids: Iterable[int]) -> list[int]:
        """The ids, or NotFoundError naming those the archive does not have."""
        wanted = list(dict.fromkeys(ids))
        missing = sorted(set(wanted) - self.exists(wanted))
        if missing:
            listed = ", ".join(str(i) for i in missing)
            raise NotFoundError(
                f"there is no clipping {listed}"
                if len(missing) == 1
                else f"there are no clippings {listed}"
            )
        return wanted

    def count(self, *, tag: str | None = None, trashed: bool = False) -> int:
        with self._reading() as conn:
            tag_ids: list[int] | None = None
            if tag is not None:
                tag_ids = self._tag_ids(conn, tag)
                if not tag_ids:
                    return 0
            return self._count(conn, tag_ids, trashed)

    def summaries(
        self,
        *,
        tag: str | None = None,
        trashed: bool = False,
        sort: SortKey = "published",
        descending: bool = True,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[ClippingSummary]:
        """A page of the list, sorted; never loads article texts (``page`` without its
        position, for callers that count rows)."""
        return list(
            self.page(
                tag=tag,
                trashed=trashed,
                sort=sort,
                descending=descending,
                skip=offset,
                limit=limit,
            ).rows
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
        """A page of the list: ``limit`` rows after ``after`` (from the top when None),
        having first passed over ``skip`` rows; never loads article texts.

        Rows without a value (no date, no outlet) come last whichever the direction;
        rows with the same value are in the order of their ids, in the same direction.
        Every page is read by seeking in the index of its sort (schema 5), so reading
        the page after a known one costs the same anywhere in the list. ``skip`` steps
        over index entries without reading their rows: a jump into the middle of the
        list (the scrollbar dragged) costs a few milliseconds per 100,000 rows.

        Args:
            tag: only clippings with this tag or one below it.
            trashed: the trash instead of the live clippings.
            sort: the column sorted on.
            descending: largest (newest, Z) first.
            after: where the previous page ended (its ``next``).
            skip: rows to pass over before the page.
            limit: rows in the page (None: all of the rest).
        """
        key = _SORT_KEYS[sort]
        with self._reading() as conn:
            tag_ids: list[int] | None = None
            if tag is not None:
                tag_ids = self._tag_ids(conn, tag)
                if not tag_ids:
                    return ListPage((), None)
            small = tag_ids is not None and self._tag_is_small(conn, tag_ids)
            if small:
                assert tag_ids is not None
                ordered = self._small_tag_page(
                    conn, key, tag_ids, trashed, descending, after, skip, limit
                )
            elif after is None and limit is not None and skip >= _FAR_JUMP:
                ordered = self._far_page(conn, key, tag_ids, trashed, descending, skip, limit)
            else:
                ordered = self._index_page(
                    conn, key, tag_ids, trashed, descending, after, skip, limit
                )
            more = limit is not None and len(ordered) > limit
            ordered = ordered[:limit] if limit is not None else ordered
            found = {
                int(row.id): row
                for chunk in _chunks([i for i, _ in ordered])
                for row in conn.execute(
                    select(*_SUMMARY_COLUMNS).where(clippings.c.id.in_(chunk))
                ).all()
            }
            tag_map = self._tags_of(conn, list(found))
        rows = tuple(
            _summary(found[i]._mapping, tag_map.get(i, ())) for i, _ in ordered if i in found
        )
        last = ordered[-1] if ordered else None
        return ListPage(rows, ListPosition(last[1], last[0]) if more and last else None)

    def _index_page(
        self,
        conn: Connection,
        key: _SortKeyColumn,
        tag_ids: list[int] | None,
        trashed: bool,
        descending: bool,
        after: ListPosition | None,
        skip: int,
        limit: int | None,
        *,
        backwards: bool = False,
    ) -> list[tuple[int, Any]]:
        """(id, sort value) of a page and one row more, walking the sort's index.

        The rows with a value and those without are two ranges of the index (SQLite
        puts NULL first), read one after the other, so that rows without a value come
        last in both directions and every ORDER BY is the index's own order.
        ``backwards`` reads the list from its end (``descending`` is then already
        turned round): the rows without a value first.
        """
        value = type_coerce(key.expression, NullType())
        wanted = None if limit is None else limit + 1
        found: list[tuple[int, Any]] = []
        segments = (True, False) if key.nullable else (True,)
        for with_value in segments[::-1] if backwards else segments:
            if after is not None and with_value and after.value is None:
                continue  # the previous page ended among the rows without a value
            conditions: list[Any] = [clippings.c.trashed == trashed]
            if tag_ids is not None:
                conditions.append(
                    exists()
                    .where(clipping_tags.c.clipping_id == clippings.c.id)
                    .where(clipping_tags.c.tag_id.in_(tag_ids))
                )
            if key.nullable:
                # ">= ''" rather than IS NOT NULL: the values of a key that may be
                # missing are texts, and SQLite reads a range in the index for it
                # (also to count the rows a skip passes over), not every row.
                conditions.append(value >= "" if with_value else key.expression.is_(None))
            if after is not None and (after.value is not None) == with_value:
                conditions.append(_after(value, after, descending, with_value))
            columns = [value, clippings.c.id] if with_value else [clippings.c.id]
            order: list[Any] = [c.desc() for c in columns] if descending else columns
            query = (
                select(clippings.c.id, value.label("sort_value"))
                .where(*conditions)
                .order_by(*order)
                .limit(wanted)
                .offset(skip)
            )
            rows = [(int(row.id), row.sort_value) for row in conn.execute(query)]
            if skip and not rows:
                # The skip may have passed over this whole range: count what it held.
                held = conn.execute(
                    select(func.count()).select_from(clippings).where(*conditions)
                ).scalar()
                skip = max(0, skip - int(held or 0))
            else:
                skip = 0
            found += rows
            if wanted is not None:
                wanted -= len(rows)
                if wanted <= 0:
                    break
        return found

    def _far_page(
        self,
        conn: Connection,
        key: _SortKeyColumn,
        tag_ids: list[int] | None,
        trashed: bool,
        descending: bool,
        skip: int,
        limit: int,
    ) -> list[tuple[int, Any]]:
        """A page far down the list, with one row more: in the second half of the list
        it is read from the end backwards (the End key, the scrollbar dragged down), so
        no jump passes over more than half of the index."""
        total = self._count(conn, tag_ids, trashed)
        if skip <= total // 2:
            return self._index_page(conn, key, tag_ids, trashed, descending, None, skip, limit)
        end = total - skip  # rows from the page's first row to the end of the list
        if end <= 0:
            return []
        from_end = max(0, end - limit - 1)
        backwards = self._index_page(
            conn,
            key,
            tag_ids,
            trashed,
            not descending,
            None,
            from_end,
            end - from_end - 1,
            backwards=True,
        )
        return backwards[::-1]

    def _count(self, conn: Connection, tag_ids: list[int] | None, trashed: bool) -> int:
        """How many clippings the list holds (live or trashed, of a tag or all)."""
        if tag_ids is None:
            query = select(func.count()).where(clippings.c.trashed == trashed)
            return int(conn.execute(query.select_from(clippings)).scalar() or 0)
        # The tag's clippings are counted in its index, the trashed ones among them by
        # walking the (usually short) trash: looking up every clipping of a big tag to
        # see whether it is trashed would cost a read per clipping.
        tagged = clipping_tags.c.clipping_id
        everything = conn.execute(
            select(func.count(tagged.distinct() if len(tag_ids) > 1 else tagged)).where(
                clipping_tags.c.tag_id.in_(tag_ids)
            )
        ).scalar()
        in_trash = conn.execute(
            select(func.count())
            .select_from(clippings)
            .where(
                clippings.c.trashed.is_(True),
                exists()
                .where(clipping_tags.c.clipping_id == clippings.c.id)
                .where(clipping_tags.c.tag_id.in_(tag_ids)),
            )
        ).scalar()
        in_trash = int(in_trash or 0)
        return in_trash if trashed else int(everything or 0) - in_trash

    def _small_tag_page(
        self,
        conn: Connection,
        key: _SortKeyColumn,
        tag_ids: list[int],
        trashed: bool,
        descending: bool,
        after: ListPosition | None,
        skip: int,
        limit: int | None,
    ) -> list[tuple[int, Any]]:
        """(id, sort value) of a page and one row more of a tag with few clippings:
        its clippings are found through the tag's index and sorted here (walking the
        sort's index looking for them would read most of it)."""
        value = type_coerce(key.expression, NullType())
        # The trash is sorted out here: in the query, SQLite would walk an index of all
        # the (live or trashed) clippings instead of looking up the tag's few.
        keys = [
            (int(row.id), row.sort_value)
            for row in conn.execute(
                select(clippings.c.id, value.label("sort_value"), clippings.c.trashed).where(
                    clippings.c.id.in_(_clippings_with(tag_ids))
                )
            )
            if bool(row.trashed) == trashed
        ]
        with_value = sorted(
            ((i, v) for i, v in keys if v is not None),
            key=lambda pair: (pair[1], pair[0]),
            reverse=descending,
        )
        without = sorted(((i, v) for i, v in keys if v is None), reverse=descending)
        ordered = with_value + without
        if after is not None:
            ordered = [pair for pair in ordered if _comes_after(pair, after, descending)]
        end = None if limit is None else skip + limit + 1
        return ordered[skip:end]

    def _tag_ids(self, conn: Connection, tag: str) -> list[int]:
        """Ids of the tag and of the tags below it (empty for a tag nobody has made)."""
        return [
            int(i)
            for i in conn.execute(select(tags.c.id).where(_tag_filter(tag_name(tag)))).scalars()
        ]

    def _tag_is_small(self, conn: Connection, tag_ids: list[int]) -> bool:
        """Whether at most ``_SMALL_TAG`` clippings have one of these tags (counted in
        the tag's index, and only as far as that bound)."""
        entries = (
            select(clipping_tags.c.clipping_id)
            .where(clipping_tags.c.tag_id.in_(tag_ids))
            .limit(_SMALL_TAG + 1)
            .subquery()
        )
        found = conn.execute(select(func.count()).select_from(entries)).scalar()
        return int(found or 0) <= _SMALL_TAG

    def summaries_by_id(self, ids: Sequence[int]) -> dict[int, ClippingSummary]:
        found: dict[int, ClippingSummary] = {}
        with self._reading() as conn:
            for chunk in _chunks(ids):
                rows = conn.execute(
                    select(*_SUMMARY_COLUMNS).where(clippings.c.id.in_(chunk))
                ).all()
                tag_map = self._tags_of(conn, [row.id for row in rows])
                for row in rows:
                    found[int(row.id)] = _summary(row._mapping, tag_map.get(row.id, ()))
        return found

    def order_ids(self, ids: Sequence[int], sort: SortKey, *, descending: bool) -> list[int]:
        """``ids`` in the order of a list column, rows without a value last."""
        column = _SORT_KEYS[sort].expression
        keys: dict[int, Any] = {}
        with self._reading() as conn:
            for chunk in _chunks(ids):
                for clipping_id, key in conn.execute(
                    select(clippings.c.id, column).where(clippings.c.id.in_(chunk))
                ):
                    keys[int(clipping_id)] = key
        present = [i for i in ids if i in keys]
        with_value = [i for i in present if keys[i] is not None]
        without = [i for i in present if keys[i] is None]
        with_value.sort(key=lambda i: (keys[i], i), reverse=descending)
        return with_value + without

    def texts(self, ids: Sequence[int]) -> dict[int, str]:
        """Article texts of a few clippings (for the snippets of the rows shown)."""
        with self._reading() as conn:
            rows = conn.execute(
                select(clippings.c.id, clippings.c.text).where(clippings.c.id.in_(ids))
            ).all()
        return {int(row.id): str(row.text) for row in rows}

    def trashed_ids(self, ids: Iterable[int]) -> set[int]:
        with self._reading() as conn:
            return set(
                conn.execute(
                    select(clippings.c.id).where(
                        clippings.c.id.in_(list(ids)), clippings.c.trashed.is_(True)
                    )
                ).scalars()
            )

    def edit(self, clipping_id: int, changes: Mapping[str, object]) -> Clipping:
        """Set metadata fields; each is then marked as set by the user.

        ``published`` takes a ``date``/``datetime`` or None; the others a string or None.
        """
        unknown = set(changes) - set(EDITABLE_FIELDS)
        if unknown:
            raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
        current = self.get(clipping_id)
        values: dict[str, object] = {}
        provenance = dict(current.provenance)
        for key, value in changes.items():
            if key == "published":
                when: Published | None = value  # type: ignore[assignment]
                values["published"] = published_to_iso(when)
                values["published_utc"] = published_utc(when)
            else:
                cleaned = str(value).strip() if value is not None else None
                if key == "title" and not cleaned:
                    raise ValueError("a clipping needs a title")
                values[key] = cleaned or None
            if key != "notes":
                provenance[key] = "user"
        values["provenance"] = json.dumps(provenance, sort_keys=True)
        with self._writing() as conn:
            conn.execute(update(clippings).where(clippings.c.id == clipping_id).values(**values))
            self._queue(conn, [clipping_id])
        return self.get(clipping_id)

    def set_trashed(self, ids: Iterable[int], trashed: bool) -> list[int]:
        """Move clippings to the trash or back; returns those that changed."""
        wanted = self.require(ids)
        with self._writing() as conn:
            changed = [
                int(i)
                for i in conn.execute(
                    select(clippings.c.id).where(
                        clippings.c.id.in_(wanted), clippings.c.trashed.is_(not trashed)
                    )
                ).scalars()
            ]
            if changed:
                conn.execute(
                    update(clippings)
                    .where(clippings.c.id.in_(changed))
                    .values(
                        trashed=trashed,
                        trashed_at=_now() if trashed else None,
                    )
                )
                self._queue(conn, changed)
        return changed

    def purge(self, ids: Iterable[int] | None = None) -> tuple[list[int], list[str]]:
        """Remove trashed clippings for good (all of the trash when ``ids`` is None).

        Returns the ids removed and the originals no clipping uses any more (the
        caller deletes those files after this transaction has committed).

        Raises:
            NotFoundError: an id that does not exist.
            ValueError: an id that is not in the trash.
        """
        with self._writing() as conn:
            if ids is None:
                doomed = list(
                    conn.execute(
                        select(clippings.c.id).where(clippings.c.trashed.is_(True))
                    ).scalars()
                )
            else:
                doomed = self.require(ids)
                live = sorted(set(doomed) - self.trashed_ids(doomed))
                if live:
                    raise ValueError(
                        "only clippings in the trash can be purged; not in the trash: "
                        + ", ".join(str(i) for i in live)
                    )
            if not doomed:
                return [], []
            shas = set(
                conn.execute(select(clippings.c.sha256).where(clippings.c.id.in_(doomed))).scalars()
            )
            conn.execute(delete(clipping_tags).where(clipping_tags.c.clipping_id.in_(doomed)))
            conn.execute(delete(clippings).where(clippings.c.id.in_(doomed)))
            still_used = set(
                conn.execute(
                    select(clippings.c.sha256).where(clippings.c.sha256.in_(shas))
                ).scalars()
            )
            unused = sorted(shas - still_used)
            if unused:
                conn.execute(delete(originals).where(originals.c.sha256.in_(unused)))
                # Removed from disk after the commit (``remove_unclaimed``); a crash in
                # between leaves these rows, and the next open finishes the purge.
                conn.execute(
                    delete(original_removals).where(original_removals.c.sha256.in_(unused))
                )
                conn.execute(
                    insert(original_removals),
                    [{"sha256": sha, "queued_at": _now()} for sha in unused],
                )
            self._queue(conn, doomed)
        return doomed, unused

    # --- Originals: claims and removals -----------------------------------------------

    def pending_removals(self) -> list[str]:
        """Originals a purge took out of the database whose files may still be on disk."""
        with self._reading() as conn:
            return [str(s) for s in conn.execute(select(original_removals.c.sha256)).scalars()]

    def remove_unclaimed(self, sha256: str, unlink: Callable[[str], object]) -> bool:
        """Call ``unlink(sha256)`` if no clipping claims that original; True if it did.

        Runs in a write transaction, so no import can claim the file meanwhile (imports
        write originals only while they hold the write lock).
        """
        with self._writing() as conn:
            claimed = conn.execute(
                select(originals.c.sha256).where(originals.c.sha256 == sha256)
            ).scalar()
            if claimed is None:
                unlink(sha256)
            conn.execute(delete(original_removals).where(original_removals.c.sha256 == sha256))
        return claimed is None

    def release_unused_originals(self) -> list[str]:
        """Record the originals no clipping uses for removal (``remove_unclaimed`` then
        removes their files); returns them."""
        with self._writing() as conn:
            unused = [
                str(s)
                for s in conn.execute(
                    select(originals.c.sha256).where(
                        originals.c.sha256.notin_(select(clippings.c.sha256))
                    )
                ).scalars()
            ]
            for chunk in _chunks(unused):
                conn.execute(delete(originals).where(originals.c.sha256.in_(chunk)))
                conn.execute(delete(original_removals).where(original_removals.c.sha256.in_(chunk)))
                conn.execute(
                    insert(original_removals),
                    [{"sha256": sha, "queued_at": _now()} for sha in chunk],
                )
        return unused

    def restore_original(self, sha256: str, write: Callable[[], object]) -> None:
        """Put back the file of an original the archive records (``write`` writes it),
        inside a write transaction so no purge removes it meanwhile."""
        with self._writing() as conn:
            recorded = conn.execute(
                select(originals.c.sha256).where(originals.c.sha256 == sha256)
            ).scalar()
            if recorded is not None:
                write()

    def claimed_originals(self) -> set[str]:
        """Every original the database records."""
        with self._reading() as conn:
            return {str(s) for s in conn.execute(select(originals.c.sha256)).scalars()}

    def unused_original_rows(self) -> list[str]:
        """Originals the database records that no clipping uses."""
        with self._reading() as conn:
            return [
                str(s)
                for s in conn.execute(
                    select(originals.c.sha256).where(
                        originals.c.sha256.notin_(select(clippings.c.sha256))
                    )
                ).scalars()
            ]

    # --- Tags -------------------------------------------------------------------------

    def tags(self) -> list[Tag]:
        """Every tag, with implicit parents, and how many live clippings each covers.

        A tag's count includes the clippings of its children.
        """
        with self._reading() as conn:
            stored = {
                str(row.name): row.colour
                for row in conn.execute(select(tags.c.name, tags.c.colour)).all()
            }
            pairs = conn.execute(
                select(tags.c.name, clipping_tags.c.clipping_id)
                .join(clipping_tags, clipping_tags.c.tag_id == tags.c.id)
                .join(clippings, clippings.c.id == clipping_tags.c.clipping_id)
                .where(clippings.c.trashed.is_(False))
            ).all()
        covered: dict[str, set[int]] = {}
        for name in stored:
            for ancestor in tag_ancestors(name):
                covered.setdefault(ancestor, set())
        for name, clipping_id in pairs:
            for ancestor in tag_ancestors(str(name)):
                covered[ancestor].add(int(clipping_id))
        return [
            Tag(name=name, colour=stored.get(name), count=len(ids))
            for name, ids in sorted(covered.items(), key=lambda item: item[0].casefold())
        ]

    def tag_exists(self, name: str) -> bool:
        with self._reading() as conn:
            return (
                conn.execute(select(tags.c.id).where(_tag_filter(name)).limit(1)).first()
                is not None
            )

    def create_tag(self, name: str) -> None:
        """Make a tag that no clipping carries yet (it shows in the tag tree)."""
        with self._writing() as conn:
            self._tag_id(conn, tag_name(name))

    def add_tag(self, ids: Iterable[int], name: str) -> list[int]:
        """Tag clippings; returns the ids that did not have the tag before."""
        wanted = self.require(ids)
        with self._writing() as conn:
            added = self._attach(conn, wanted, tag_name(name))
            self._queue(conn, added, analyse=False)
        return added

    def remove_tag(self, ids: Iterable[int], name: str) -> list[int]:
        """Untag clippings (the tag and its children); returns the ids that had it."""
        wanted = self.require(ids)
        name = tag_name(name)
        with self._writing() as conn:
            tag_ids = list(conn.execute(select(tags.c.id).where(_tag_filter(name))).scalars())
            had = sorted(
                {
                    int(i)
                    for i in conn.execute(
                        select(clipping_tags.c.clipping_id).where(
                            clipping_tags.c.tag_id.in_(tag_ids),
                            clipping_tags.c.clipping_id.in_(wanted),
                        )
                    ).scalars()
                }
            )
            conn.execute(
                delete(clipping_tags).where(
                    clipping_tags.c.tag_id.in_(tag_ids), clipping_tags.c.clipping_id.in_(wanted)
                )
            )
            self._queue(conn, had, analyse=False)
        return had

    def tag_members(self, name: str) -> dict[int, list[str]]:
        """Which clippings carry the tag (or a child), and under which exact names."""
        with self._reading() as conn:
            rows = conn.execute(
                select(clipping_tags.c.clipping_id, tags.c.name)
                .join(tags, tags.c.id == clipping_tags.c.tag_id)
                .where(_tag_filter(tag_name(name)))
            ).all()
        members: dict[int, list[str]] = {}
        for clipping_id, exact in rows:
            members.setdefault(int(clipping_id), []).append(str(exact))
        return members

    def rename_tag(self, old: str, new: str) -> None:
        """Rename a tag and its children (``a`` -> ``b`` renames ``a/x`` to ``b/x``).

        Raises:
            NotFoundError: no such tag.
            TagError: the new name is taken, or lies inside the old one.
        """
        old, new = tag_name(old), tag_name(new)
        if old == new:
            return
        if new.startswith(old + "/"):
            raise TagError(f"cannot move tag {old!r} inside itself")
        with self._writing() as conn:
            moving = self._subtree(conn, old)
            clash = conn.execute(
                select(tags.c.name).where(_tag_filter(new), tags.c.id.notin_(list(moving)))
            ).first()
            if clash is not None:
                raise TagError(f"there is already a tag {new!r}: use merge to put the two together")
            for tag_id, name in moving.items():
                conn.execute(
                    update(tags).where(tags.c.id == tag_id).values(name=new + name[len(old) :])
                )
            self._queue(conn, self._clippings_of_tags(conn, list(moving)), analyse=False)

    def merge_tag(self, source: str, target: str) -> None:
        """Give ``source``'s clippings ``target`` instead, then drop ``source``.

        Children move along: ``source/x`` becomes ``target/x``.
        """
        source, target = tag_name(source), tag_name(target)
        if source == target:
            return
        if target.startswith(source + "/"):
            raise TagError(f"cannot merge tag {source!r} into its own child {target!r}")
        with self._writing() as conn:
            moving = self._subtree(conn, source)
            affected = self._clippings_of_tags(conn, list(moving))
            for tag_id, name in moving.items():
                destination = target + name[len(source) :]
                members = [
                    int(i)
                    for i in conn.execute(
                        select(clipping_tags.c.clipping_id).where(clipping_tags.c.tag_id == tag_id)
                    ).scalars()
                ]
                self._attach(conn, members, destination)
                conn.execute(delete(clipping_tags).where(clipping_tags.c.tag_id == tag_id))
                conn.execute(delete(tags).where(tags.c.id == tag_id))
            self._queue(conn, affected, analyse=False)

    def delete_tag(self, name: str) -> list[int]:
        """Delete a tag and its children; the clippings stay. Returns the clippings
        that carried it."""
        name = tag_name(name)
        with self._writing() as conn:
            doomed = self._subtree(conn, name)
            affected = self._clippings_of_tags(conn, list(doomed))
            conn.execute(delete(clipping_tags).where(clipping_tags.c.tag_id.in_(list(doomed))))
            conn.execute(delete(tags).where(tags.c.id.in_(list(doomed))))
            self._queue(conn, affected, analyse=False)
        return affected

    def set_tag_colour(self, name: str, colour: str | None) -> None:
        name = tag_name(name)
        with self._writing() as conn:
            exact = conn.execute(select(tags.c.id).where(tags.c.name == name)).scalar()
            if exact is None:
                if not self._subtree(conn, name):
                    raise NotFoundError(f"there is no tag {name!r}")
                # An implicit parent gets a row of its own to hold the colour.
                conn.execute(insert(tags).values(name=name, colour=colour))
            else:
                conn.execute(update(tags).where(tags.c.id == exact).values(colour=colour))

    def restore_tags(self, assignments: Mapping[int, Iterable[str]]) -> None:
        """Give clippings these exact tags back (undo of a tag removal)."""
        with self._writing() as conn:
            touched: list[int] = []
            for clipping_id, names in assignments.items():
                for name in names:
                    touched += self._attach(conn, [clipping_id], name)
            self._queue(conn, sorted(set(touched)), analyse=False)

    # --- Saved searches and filter choices ---------------------------------------------

    def saved_searches(self) -> list[SavedSearch]:
        with self._reading() as conn:
            rows = conn.execute(
                select(saved_searches).order_by(func.lower(saved_searches.c.name))
            ).all()
        return [
            SavedSearch(name=str(row.name), query=str(row.query), filters=_filters(row.filters))
            for row in rows
        ]

    def save_search(self, search: SavedSearch) -> None:
        """Store a saved search, replacing one of the same name."""
        values = {
            "query": search.query,
            "filters": json.dumps(_filters_json(search.filters), sort_keys=True),
        }
        with self._writing() as conn:
            changed = conn.execute(
                update(saved_searches).where(saved_searches.c.name == search.name).values(**values)
            ).rowcount
            if not changed:
                conn.execute(
                    insert(saved_searches).values(name=search.name, created_at=_now(), **values)
                )

    def delete_saved_search(self, name: str) -> None:
        with self._writing() as conn:
            gone = conn.execute(
                delete(saved_searches).where(saved_searches.c.name == name)
            ).rowcount
        if not gone:
            raise NotFoundError(f"there is no saved search {name!r}")

    def outlets(self) -> list[tuple[str, int]]:
        """Every outlet of a live clipping, with how many clippings it has."""
        return self._distinct(clippings.c.outlet)

    def languages(self) -> list[tuple[str, int]]:
        return self._distinct(clippings.c.language)

    def _distinct(self, column: Any) -> list[tuple[str, int]]:
        with self._reading() as conn:
            rows = conn.execute(
                select(column, func.count())
                .where(clippings.c.trashed.is_(False), column.is_not(None))
                .group_by(column)
                .order_by(func.count().desc(), column)
            ).all()
        return [(str(value), int(count)) for value, count in rows if str(value).strip()]

    def index_documents(self, ids: Sequence[int]) -> dict[int, IndexDocument]:
        """Documents for the clippings search should see (live, with text) among ``ids``."""
        with self._reading() as conn:
            rows = conn.execute(
                select(
                    clippings.c.id,
                    clippings.c.revision,
                    clippings.c.title,
                    clippings.c.text,
                    clippings.c.outlet,
                    clippings.c.author,
                    clippings.c.language,
                    clippings.c.published,
                ).where(
                    clippings.c.id.in_(list(ids)),
                    clippings.c.trashed.is_(False),
                )
            ).all()
            tag_map = self._tags_of(conn, [row.id for row in rows])
        documents = {}
        for row in rows:
            expanded = sorted({a for t in tag_map.get(row.id, ()) for a in tag_ancestors(t)})
            documents[int(row.id)] = IndexDocument(
                id=int(row.id),
                revision=int(row.revision),
                title=str(row.title),
                text=str(row.text),
                outlet=row.outlet,
                author=row.author,
                language=row.language,
                published=published_from_iso(row.published),
                tags=tuple(expanded),
            )
        return documents

    def all_ids(self, *, searchable_only: bool = False, after: int = 0) -> Iterator[list[int]]:
        """Every clipping id above ``after`` in batches of 500, in order (live ones only
        when ``searchable_only``)."""
        last = after
        while True:
            query = select(clippings.c.id).where(clippings.c.id > last)
            if searchable_only:
                query = query.where(clippings.c.trashed.is_(False))
            with self._reading() as conn:
                batch = [
                    int(i)
                    for i in conn.execute(query.order_by(clippings.c.id).limit(500)).scalars()
                ]
            if not batch:
                return
            yield batch
            last = batch[-1]

    def revisions(self) -> dict[int, int]:
        """Revision of every clipping search should see."""
        with self._reading() as conn:
            rows = conn.execute(
                select(clippings.c.id, clippings.c.revision).where(clippings.c.trashed.is_(False))
            ).all()
        return {int(a): int(b) for a, b in rows}

    # --- Checks -----------------------------------------------------------------------

    def integrity_problems(self) -> list[str]:
        """What the database engine itself finds wrong (empty when all is well)."""
        if self.engine.dialect.name != "sqlite":
            return []
        with self._reading() as conn:
            found = [str(r[0]) for r in conn.execute(text("PRAGMA integrity_check")).all()]
            found += [
                f"foreign key fault in {r[0]} row {r[1]}"
                for r in conn.execute(text("PRAGMA foreign_key_check")).all()
            ]
        return [part for line in found if line != "ok" for part in line.splitlines() if part]

    def original_hashes(self) -> dict[str, list[int]]:
        """Every original in use, with the clippings that use it."""
        with self._reading() as conn:
            rows = conn.execute(select(clippings.c.sha256, clippings.c.id)).all()
        used: dict[str, list[int]] = {}
        for sha, clipping_id in rows:
            used.setdefault(str(sha), []).append(int(clipping_id))
        return used

    # --- Internals --------------------------------------------------------------------

    def _queue(self, conn: Connection, ids: Iterable[int], *, analyse: bool = True) -> None:
        """Queue clippings for the index and, unless only tags changed, for analysis."""
        queue_changes(conn, ids, analyse=analyse)

    def _tag_id(self, conn: Connection, name: str) -> int:
        found = conn.execute(select(tags.c.id).where(tags.c.name == name)).scalar()
        if found is not None:
            return int(found)
        try:
            with conn.begin_nested():
                return _new_id(conn.execute(insert(tags).values(name=name)))
        except IntegrityError:  # another writer made it meanwhile
            return int(conn.execute(select(tags.c.id).where(tags.c.name == name)).scalar_one())

    def _attach(self, conn: Connection, ids: Sequence[int], name: str) -> list[int]:
        tag_id = self._tag_id(conn, name)
        present = set(
            conn.execute(
                select(clipping_tags.c.clipping_id).where(
                    clipping_tags.c.tag_id == tag_id, clipping_tags.c.clipping_id.in_(list(ids))
                )
            ).scalars()
        )
        added = [i for i in dict.fromkeys(ids) if i not in present]
        if added:
            conn.execute(
                insert(clipping_tags), [{"clipping_id": i, "tag_id": tag_id} for i in added]
            )
        return added

    def _subtree(self, conn: Connection, name: str) -> dict[int, str]:
        found = {
            int(row.id): str(row.name)
            for row in conn.execute(select(tags.c.id, tags.c.name).where(_tag_filter(name)))
        }
        if not found:
            raise NotFoundError(f"there is no tag {name!r}")
        return found

    def _clippings_of_tags(self, conn: Connection, tag_ids: list[int]) -> list[int]:
        return sorted(
            {
                int(i)
                for i in conn.execute(
                    select(clipping_tags.c.clipping_id).where(clipping_tags.c.tag_id.in_(tag_ids))
                ).scalars()
            }
        )

    def _tags_of(self, conn: Connection, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        if not ids:
            return {}
        found: dict[int, list[str]] = {}
        for clipping_id, name in conn.execute(
            select(clipping_tags.c.clipping_id, tags.c.name)
            .join(tags, tags.c.id == clipping_tags.c.tag_id)
            .where(clipping_tags.c.clipping_id.in_(list(ids)))
            .order_by(tags.c.name)
        ):
            found.setdefault(int(clipping_id), []).append(str(name))
        return {k: tuple(v) for k, v in found.items()}


def _changes(conn: Connection) -> int | None:
    """How many rows the connection has changed so far (SQLite), or None (unknown)."""
    raw = conn.connection.dbapi_connection
    total = getattr(raw, "total_changes", None)
    return total if isinstance(total, int) else None


def _next_change_number(conn: Connection) -> int:
    """Advance the archive's change number inside the current write transaction."""
    key = archive_meta.c.key == CHANGE_KEY
    found = conn.execute(select(archive_meta.c.value).where(key)).scalar()
    try:
        number = int(found) + 1 if found is not None else 1
    except ValueError:
        number = 1
    if found is None:
        conn.execute(archive_meta.insert().values(key=CHANGE_KEY, value=str(number)))
    else:
        conn.execute(update(archive_meta).where(key).values(value=str(number)))
    return number


@contextmanager
def _translated(path: Path | None) -> Iterator[None]:
    """The database engine's faults as the project's errors, in plain words."""
    try:
        yield
    except IntegrityError:
        raise
    except DBAPIError as error:
        raise storage_error(error.orig or error, path) from error


def storage_error(error: BaseException, path: Path | None) -> ClippingsError:
    """What a database fault means for the user (the database's own words last)."""
    said = str(error)
    text = said.lower()
    if "readonly" in text or "read-only" in text:
        return ReadOnlyArchiveError(READ_ONLY_MESSAGE)
    if "full" in text:
        return StorageError(
            "the disk is full: the change was not saved. Free some space and try again"
        )
    if "locked" in text or "busy" in text:
        return StorageError(
            "the archive is busy: another program has been writing to it for more than "
            f"{sqlite.BUSY_TIMEOUT_MS // 1000} seconds; try again in a moment"
        )
    if "malformed" in text or "not a database" in text or "encrypted" in text:
        return ArchiveError(
            sqlite.damaged_message(path or Path("?"), f"the database is damaged ({said})")
        )
    if "unable to open" in text:
        return ArchiveError(f"cannot open the archive's database {path or ''}: {said}")
    if "i/o" in text:
        return StorageError(f"the disk failed while reading or writing the archive ({said})")
    return StorageError(f"the archive's database failed: {said}")


_SUMMARY_COLUMNS = (
    clippings.c.id,
    clippings.c.title,
    clippings.c.outlet,
    clippings.c.published,
    clippings.c.language,
    clippings.c.word_count,
    clippings.c.trashed,
    clippings.c.has_text,
)


@dataclass(frozen=True)
class _SortKeyColumn:
    """What a sort of the list orders by: the expression its index (schema 5) holds."""

    expression: Any
    nullable: bool


_SORT_KEYS: dict[str, _SortKeyColumn] = {
    "published": _SortKeyColumn(clippings.c.published_utc, True),
    "title": _SortKeyColumn(func.lower(clippings.c.title), False),
    "outlet": _SortKeyColumn(func.lower(clippings.c.outlet), True),
    "words": _SortKeyColumn(clippings.c.word_count, False),
    "imported": _SortKeyColumn(clippings.c.imported_at, False),
    "id": _SortKeyColumn(clippings.c.id, False),
}

#: A jump past this many rows counts the list first, to read from its end when nearer.
_FAR_JUMP = 10_000

#: A tag with at most this many clippings is listed by sorting its clippings; a bigger
#: one by walking the sort's index, where its clippings are frequent enough.
_SMALL_TAG = 2000


def _clippings_with(tag_ids: list[int]) -> Any:
    return select(clipping_tags.c.clipping_id).where(clipping_tags.c.tag_id.in_(tag_ids))


def _after(value: Any, after: ListPosition, descending: bool, with_value: bool) -> Any:
    """The rows after ``after`` in the list's order, as an index range condition."""
    if not with_value:
        return clippings.c.id < after.id if descending else clippings.c.id > after.id
    # value <= v AND (value < v OR id < i): the first term is the index range, the
    # second only sorts out the rows that share the value.
    if descending:
        return and_(
            value <= after.value,
            or_(value < after.value, clippings.c.id < after.id),
        )
    return and_(value >= after.value, or_(value > after.value, clippings.c.id > after.id))


def _comes_after(pair: tuple[int, Any], after: ListPosition, descending: bool) -> bool:
    """Whether a (id, sort value) row comes after ``after`` in the list's order."""
    row_id, value = pair
    if value is None or after.value is None:
        if after.value is not None:
            return True  # rows without a value come after all the others
        if value is not None:
            return False
        return row_id < after.id if descending else row_id > after.id
    if descending:
        return (value, row_id) < (after.value, after.id)
    return (value, row_id) > (after.value, after.id)


def _chunks(ids: Sequence[_T], size: int = 900) -> Iterator[list[_T]]:
    """Ids in pieces small enough for any database's limit on bound parameters."""
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def _filters_json(filters: SearchFilters) -> dict[str, str]:
    found = {}
    for key, value in vars(filters).items():
        if value:
            found[key] = value.isoformat() if isinstance(value, date) else str(value)
    return found


def _filters(text: str) -> SearchFilters:
    raw = json.loads(text or "{}")
    return SearchFilters(
        date_from=date.fromisoformat(raw["date_from"]) if raw.get("date_from") else None,
        date_to=date.fromisoformat(raw["date_to"]) if raw.get("date_to") else None,
        outlet=raw.get("outlet"),
        language=raw.get("language"),
        tag=raw.get("tag"),
    )


def _new_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _summary(row: RowMapping, tag_names: tuple[str, ...]) -> ClippingSummary:
    return ClippingSummary(
        id=int(row["id"]),
        title=str(row["title"]),
        outlet=row["outlet"],
        published=published_from_iso(row["published"]),
        language=row["language"],
        word_count=int(row["word_count"] or 0),
        tags=tag_names,
        trashed=bool(row["trashed"]),
        has_text=bool(row["has_text"]),
    )


def _clipping(row: RowMapping, tag_names: tuple[str, ...]) -> Clipping:
    imported = row["imported_at"]
    return Clipping(
        id=int(row["id"]),
        title=str(row["title"]),
        text=str(row["text"] or ""),
        outlet=row["outlet"],
        author=row["author"],
        published=published_from_iso(row["published"]),
        language=row["language"],
        url=row["url"],
        html=row["html"],
        word_count=int(row["word_count"] or 0),
        page=row["page"],
        section=row["section"],
        edition=row["edition"],
        notes=row["notes"],
        original_name=str(row["original_name"]),
        sha256=str(row["sha256"]),
        format=str(row["format"]),
        imported_at=imported.replace(tzinfo=UTC) if imported else None,
        trashed=bool(row["trashed"]),
        has_text=bool(row["has_text"]),
        tags=tag_names,
        provenance=json.loads(row["provenance"] or "{}"),
    )


__all__ = ["EDITABLE_FIELDS", "ClippingStore", "NewClipping", "SortKey"]
