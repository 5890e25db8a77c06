"""The list of clippings, a page at a time: sorts, paging by keyset, counts.

A part of ``ClippingStore``. Every page is read by seeking in the index of its sort
(schema 5) and never loads article texts, so reading a page costs about the same
anywhere in the list. Separate from ``database.py`` because the tuning of these
queries (small tags, far jumps) is a subject of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Connection, RowMapping, and_, exists, func, or_, select, type_coerce
from sqlalchemy.types import NullType

from clippings.model import ClippingSummary, ListPage, ListPosition, published_from_iso, tag_name
from clippings.storage.queue import chunks
from clippings.storage.schema import clipping_tags, clippings, tags
from clippings.storage.tags import stored_tag_name, tag_filter, tags_of

SortKey = Literal["published", "title", "outlet", "words", "imported", "id"]

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
    # By the day the source gives (ISO text in its own offset: "2023-11-09" sorts before
    # "2023-11-09T00:30:00+01:00"), then by its time of day: the order of the dates the
    # list shows, which the instant (published_utc) is not across offsets (schema 11).
    "published": _SortKeyColumn(clippings.c.published, True),
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


class ListingStore:
    """The list's pages and counts (a part of ``ClippingStore``)."""

    if TYPE_CHECKING:

        def _reading(self) -> AbstractContextManager[Connection]: ...

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
                for chunk in chunks([i for i, _ in ordered])
                for row in conn.execute(
                    select(*_SUMMARY_COLUMNS).where(clippings.c.id.in_(chunk))
                ).all()
            }
            tag_map = tags_of(conn, list(found))
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
        """Ids of the tag and of the tags below it, the name in any letter case (empty for
        a tag nobody has made)."""
        name = stored_tag_name(conn, tag_name(tag))
        return [int(i) for i in conn.execute(select(tags.c.id).where(tag_filter(name))).scalars()]

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
            for chunk in chunks(ids):
                rows = conn.execute(
                    select(*_SUMMARY_COLUMNS).where(clippings.c.id.in_(chunk))
                ).all()
                tag_map = tags_of(conn, [row.id for row in rows])
                for row in rows:
                    found[int(row.id)] = _summary(row._mapping, tag_map.get(row.id, ()))
        return found

    def order_ids(self, ids: Sequence[int], sort: SortKey, *, descending: bool) -> list[int]:
        """``ids`` in the order of a list column, rows without a value last."""
        column = _SORT_KEYS[sort].expression
        keys: dict[int, Any] = {}
        with self._reading() as conn:
            for chunk in chunks(ids):
                for clipping_id, key in conn.execute(
                    select(clippings.c.id, column).where(clippings.c.id.in_(chunk))
                ):
                    keys[int(clipping_id)] = key
        present = [i for i in ids if i in keys]
        with_value = [i for i in present if keys[i] is not None]
        without = [i for i in present if keys[i] is None]
        with_value.sort(key=lambda i: (keys[i], i), reverse=descending)
        return with_value + without


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
