"""Adding clippings: the import's one write.

A part of ``ClippingStore``. The duplicate check, the claim on the original, the
clipping's row, its tags and its queue rows are one transaction that holds the write
lock, so two programs importing the same file at once store it once, and an
original's file is on disk before the commit that points at it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, CursorResult, and_, delete, insert, or_, select

from clippings.model import Extracted, published_to_iso, published_utc, tag_name
from clippings.storage.queue import queue_changes
from clippings.storage.schema import clippings, original_removals, originals


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


class AddingStore:
    """Adding clippings (a part of ``ClippingStore``)."""

    if TYPE_CHECKING:

        def _reading(self) -> AbstractContextManager[Connection]: ...
        def _writing(self) -> AbstractContextManager[Connection]: ...
        def _attach(self, conn: Connection, ids: Sequence[int], name: str) -> list[int]: ...

    def find_duplicate(self, sha256: str, text_hash: str | None) -> int | None:
        """The id of a clipping with the same bytes (any article of them) or the same
        normalised text."""
        with self._reading() as conn:
            return self._duplicate(conn, sha256, text_hash)

    def _duplicate(
        self, conn: Connection, sha256: str, text_hash: str | None, part: int | None = -1
    ) -> int | None:
        """A clipping with the same bytes and, unless ``part`` is -1, the same article
        of them; or one with the same normalised text."""
        condition = clippings.c.sha256 == sha256
        if part is None:
            condition = and_(condition, clippings.c.part.is_(None))
        elif part != -1:
            condition = and_(condition, clippings.c.part == part)
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
            existing = self._duplicate(conn, new.sha256, new.text_hash, new.extracted.part)
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
                existing = self._duplicate(conn, new.sha256, new.text_hash, new.extracted.part)
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
                    part=ex.part,
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
        queue_changes(conn, [clipping_id])
        return clipping_id


def _new_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])
