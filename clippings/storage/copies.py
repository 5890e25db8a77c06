"""Copies: other files of a clipping's piece, and the marks an import finds them by.

A part of ``ClippingStore``. A copy (a web page's print-to-PDF, a .docx of it) claims
its original like a clipping does (an ``originals`` row, the file written inside the
transaction that records it), so purges, ``check`` and the removal of unclaimed
files know it. Marks (``analysis/copies.py``) are written with each clipping, and
looked up inside the import's write transaction, so two programs importing a page and
its print at once store one clipping and one copy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    case,
    delete,
    func,
    insert,
    literal,
    select,
    update,
)

from clippings.model import ClippingCopy
from clippings.storage.queue import chunks
from clippings.storage.schema import (
    archive_meta,
    clipping_copies,
    clippings,
    copy_marks,
    original_removals,
    originals,
)

#: ``archive_meta`` key: clippings with a smaller id may still lack their marks.
MARKS_BELOW_KEY = "copy_marks_below"
#: Clippings ranked per candidate compared: those sharing the most marks, reordered by
#: the share of their own marks that they share.
_RANKED_PER_CANDIDATE = 8


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class StoredPiece:
    """A live clipping an import's text may be a copy of: what the check needs."""

    id: int
    title: str
    text: str
    format: str
    original_name: str
    url: str | None
    outlet: str | None
    #: How many of the new text's marks it has, and how many marks it has in all.
    shared_marks: int
    mark_count: int


class CopyStore:
    """Copies and marks (a part of ``ClippingStore``)."""

    if TYPE_CHECKING:

        def _reading(self) -> AbstractContextManager[Connection]: ...
        def _writing(self) -> AbstractContextManager[Connection]: ...

    # --- Inside an import's transaction -------------------------------------------------

    def _copy_candidates(
        self,
        conn: Connection,
        marks: Sequence[int],
        floor: int,
        limit: int,
        worth: Callable[[int, int], bool] | None = None,
    ) -> list[StoredPiece]:
        """Live clippings sharing at least ``floor`` of ``marks``: the ``limit`` whose
        marks are most nearly all shared (of the text with fewer) first.

        ``worth(mark_count, shared_marks)``: whether a candidate's text is worth
        comparing at all; the text of one that is not is left empty (not read), and
        none is read when no candidate is.

        A short clipping shares few marks in all, so raw counts would rank it below
        longer clippings that merely share a wire paragraph with the new text; the
        share of its own marks that are shared puts a copy first.
        """
        if not marks:
            return []
        shared = func.count().label("shared")
        theirs = copy_marks.alias("theirs")
        # How many marks each has in all, in the same statement (one round trip).
        total = (
            select(func.count())
            .where(theirs.c.clipping_id == copy_marks.c.clipping_id)
            .scalar_subquery()
            .label("total")
        )
        found = conn.execute(
            select(copy_marks.c.clipping_id, shared, total)
            .where(copy_marks.c.mark.in_(list(marks)))
            .group_by(copy_marks.c.clipping_id)
            .having(shared >= floor)
            .order_by(shared.desc(), copy_marks.c.clipping_id)
            .limit(limit * _RANKED_PER_CANDIDATE)
        ).all()
        if not found:
            return []
        counts = {int(i): int(n) for i, n, _ in found}
        totals = {int(i): int(t) for i, _, t in found}

        def nearness(clipping_id: int) -> tuple[float, int, int]:
            fewer = max(1, min(len(marks), totals.get(clipping_id, 0)))
            return (-counts[clipping_id] / fewer, -counts[clipping_id], clipping_id)

        ranked = sorted(counts, key=nearness)
        fetched = ranked[: limit * 2]
        wanted = [i for i in fetched if worth is None or worth(totals.get(i, 0), counts[i])]
        if not wanted:
            return []  # none could be the same piece: no text is read
        text: ColumnElement[Any] = clippings.c.text
        if len(wanted) < len(fetched):
            text = case((clippings.c.id.in_(wanted), clippings.c.text), else_=literal(""))
        rows = conn.execute(
            select(
                clippings.c.id,
                clippings.c.title,
                text.label("text"),
                clippings.c.format,
                clippings.c.original_name,
                clippings.c.url,
                clippings.c.outlet,
            ).where(clippings.c.id.in_(fetched), clippings.c.trashed.is_(False))
        ).all()
        by_id = {int(r.id): r for r in rows}
        pieces = [
            StoredPiece(
                i,
                str(by_id[i].title),
                str(by_id[i].text),
                str(by_id[i].format),
                str(by_id[i].original_name),
                by_id[i].url,
                by_id[i].outlet,
                counts[i],
                totals.get(i, 0),
            )
            for i in ranked
            if i in by_id
        ]
        return pieces[:limit]

    def _insert_marks(self, conn: Connection, clipping_id: int, marks: Iterable[int]) -> None:
        rows = [{"mark": m, "clipping_id": clipping_id} for m in dict.fromkeys(marks)]
        if rows:
            conn.execute(insert(copy_marks), rows)

    def _copy_owner(self, conn: Connection, sha256: str) -> int | None:
        """The clipping that has a file of these bytes as a copy."""
        found = conn.execute(
            select(clipping_copies.c.clipping_id)
            .where(clipping_copies.c.sha256 == sha256)
            .order_by(clipping_copies.c.id)
            .limit(1)
        ).scalar()
        return None if found is None else int(found)

    def _record_copy(
        self,
        conn: Connection,
        clipping_id: int,
        *,
        sha256: str,
        size: int,
        original_name: str,
        format: str,
    ) -> None:
        """Keep a file as another original of a clipping (its file is written by the
        caller before this transaction commits)."""
        now = _now()
        known = conn.execute(
            select(originals.c.sha256).where(originals.c.sha256 == sha256)
        ).scalar()
        if known is None:
            conn.execute(insert(originals).values(sha256=sha256, size=size, stored_at=now))
        conn.execute(delete(original_removals).where(original_removals.c.sha256 == sha256))
        conn.execute(
            insert(clipping_copies).values(
                clipping_id=clipping_id,
                sha256=sha256,
                original_name=original_name,
                format=format,
                added_at=now,
            )
        )

    def add_copy(
        self,
        clipping_id: int,
        *,
        sha256: str,
        size: int,
        original_name: str,
        format: str,
        store_original: Callable[[], object],
    ) -> bool:
        """Keep a file as a copy of a clipping (a bundle's copies), unless the archive
        has these bytes already (as any clipping's original or copy) or the clipping is
        gone; True if it was kept. ``store_original`` writes the file, inside the
        transaction, before the commit that claims it."""
        with self._writing() as conn:
            live = conn.execute(select(clippings.c.id).where(clippings.c.id == clipping_id))
            if live.first() is None:
                return False
            used = conn.execute(
                select(clippings.c.id).where(clippings.c.sha256 == sha256).limit(1)
            ).first()
            if used is not None or self._copy_owner(conn, sha256) is not None:
                return False
            store_original()
            self._record_copy(
                conn,
                clipping_id,
                sha256=sha256,
                size=size,
                original_name=original_name,
                format=format,
            )
        return True

    # --- Reads ------------------------------------------------------------------------

    def copies_of(self, clipping_id: int) -> list[ClippingCopy]:
        """The other files kept for a clipping, oldest first."""
        with self._reading() as conn:
            return _copies(conn, [clipping_id]).get(clipping_id, [])

    def copy_sha(self, clipping_id: int, sha256: str) -> bool:
        """Whether the clipping has a copy of these bytes."""
        with self._reading() as conn:
            return (
                conn.execute(
                    select(clipping_copies.c.id).where(
                        clipping_copies.c.clipping_id == clipping_id,
                        clipping_copies.c.sha256 == sha256,
                    )
                ).first()
                is not None
            )

    # --- Marking the clippings older than the marks -------------------------------------

    def unmarked_clippings(self, limit: int) -> list[tuple[int, str]]:
        """(id, text) of up to ``limit`` clippings that may lack marks, newest first."""
        with self._reading() as conn:
            below = _marks_below(conn)
            if below <= 1:
                return []
            rows = conn.execute(
                select(clippings.c.id, clippings.c.text)
                .where(clippings.c.id < below, clippings.c.part.is_(None))
                .order_by(clippings.c.id.desc())
                .limit(limit)
            ).all()
        return [(int(r.id), str(r.text)) for r in rows]

    def unmarked_count(self) -> int:
        """How many clippings may still lack marks (those ``unmarked_clippings`` gives)."""
        with self._reading() as conn:
            below = _marks_below(conn)
            if below <= 1:
                return 0
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(clippings)
                    .where(clippings.c.id < below, clippings.c.part.is_(None))
                ).scalar_one()
            )

    def store_marks(self, marked: Sequence[tuple[int, Sequence[int]]], below: int) -> None:
        """Store the marks of older clippings; ids from ``below`` on are now marked."""
        with self._writing() as conn:
            current = _marks_below(conn)
            existing = set(
                conn.execute(
                    select(clippings.c.id).where(clippings.c.id.in_([i for i, _ in marked]))
                ).scalars()
            )
            # Another program may have marked some of them meanwhile.
            done = set(
                conn.execute(
                    select(copy_marks.c.clipping_id)
                    .where(copy_marks.c.clipping_id.in_([i for i, _ in marked]))
                    .distinct()
                ).scalars()
            )
            for clipping_id, marks in marked:
                if clipping_id in existing and clipping_id not in done:  # not purged
                    self._insert_marks(conn, clipping_id, marks)
            new_below = min(current, below)
            if new_below <= 1:
                conn.execute(delete(archive_meta).where(archive_meta.c.key == MARKS_BELOW_KEY))
            else:
                conn.execute(
                    update(archive_meta)
                    .where(archive_meta.c.key == MARKS_BELOW_KEY)
                    .values(value=str(new_below))
                )


def _marks_below(conn: Connection) -> int:
    value = conn.execute(
        select(archive_meta.c.value).where(archive_meta.c.key == MARKS_BELOW_KEY)
    ).scalar()
    try:
        return int(str(value)) if value is not None else 0
    except ValueError:
        return 0


def _copies(conn: Connection, ids: Sequence[int]) -> dict[int, list[ClippingCopy]]:
    found: dict[int, list[ClippingCopy]] = {}
    for chunk in chunks(list(ids)):
        for row in conn.execute(
            select(clipping_copies)
            .where(clipping_copies.c.clipping_id.in_(chunk))
            .order_by(clipping_copies.c.id)
        ).all():
            found.setdefault(int(row.clipping_id), []).append(
                ClippingCopy(
                    sha256=str(row.sha256),
                    original_name=str(row.original_name),
                    format=str(row.format),
                    added_at=row.added_at,
                )
            )
    return found


def copies_by_clipping(conn: Connection, ids: Sequence[int]) -> dict[int, list[ClippingCopy]]:
    """The copies of these clippings (for reads of whole clippings)."""
    return _copies(conn, ids)


def copy_shas(conn: Connection, ids: Sequence[int]) -> set[str]:
    """The originals the copies of these clippings use."""
    found: set[str] = set()
    for chunk in chunks(list(ids)):
        found.update(
            str(s)
            for s in conn.execute(
                select(clipping_copies.c.sha256).where(clipping_copies.c.clipping_id.in_(chunk))
            ).scalars()
        )
    return found


def forget_copies(conn: Connection, ids: Sequence[int]) -> None:
    """Delete the copies' rows and the marks of clippings being purged."""
    for chunk in chunks(list(ids)):
        conn.execute(delete(clipping_copies).where(clipping_copies.c.clipping_id.in_(chunk)))
        conn.execute(delete(copy_marks).where(copy_marks.c.clipping_id.in_(chunk)))


def forget_marks(conn: Connection, clipping_id: int) -> None:
    """Delete a clipping's marks (its text changed: new ones follow)."""
    conn.execute(delete(copy_marks).where(copy_marks.c.clipping_id == clipping_id))
