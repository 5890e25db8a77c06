"""Adding clippings: the import's one write.

A part of ``ClippingStore``. The duplicate check (the same bytes, the same text, or
the same piece in another format: a copy), the claim on the original, the
clipping's row, its marks, its tags and its queue rows are one transaction that holds
the write lock, so two programs importing the same file, or a page and its print, at
once store it once, and an original's file is on disk before the commit that points
at it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from sqlalchemy import ColumnElement, Connection, CursorResult, and_, delete, insert, or_, select

from clippings.model import Extracted, published_to_iso, published_utc, tag_name
from clippings.storage.copies import StoredPiece
from clippings.storage.outlets import resolve_outlet
from clippings.storage.queue import chunks, insert_ignoring, queue_changes
from clippings.storage.schema import clipping_copies, clippings, original_removals, originals


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
    #: The text's marks (``analysis.copies``): stored with the clipping, and how the
    #: clippings it may be a copy of are found.
    marks: tuple[int, ...] = ()


class _Known:
    """The clippings and kept copies that a batch's files could duplicate, read at
    once when the batch's transaction begins (it holds the write lock, so nobody else
    adds any meanwhile) and kept up to date with what the batch adds: the duplicate
    check of each file is then no statement of its own (a team archive's server is a
    round trip away). Answers as ``AddingStore._duplicate`` does."""

    def __init__(self, conn: Connection, batch: Sequence[NewClipping]) -> None:
        shas = sorted({new.sha256 for new in batch})
        hashes = sorted({new.text_hash for new in batch if new.text_hash})
        #: (id, sha256, part, text_hash) of each candidate clipping, by id.
        self.rows: list[tuple[int, str, int | None, str | None]] = []
        for chunk in chunks(shas):
            self.rows += self._read(conn, clippings.c.sha256.in_(chunk))
        for chunk in chunks(hashes):
            self.rows += self._read(conn, clippings.c.text_hash.in_(chunk))
        self.rows = sorted(set(self.rows))
        #: The clipping a file kept as a copy belongs to (the first such), by sha256.
        self.owners: dict[str, int] = {}
        for chunk in chunks(shas):
            for sha, owner in conn.execute(
                select(clipping_copies.c.sha256, clipping_copies.c.clipping_id)
                .where(clipping_copies.c.sha256.in_(chunk))
                .order_by(clipping_copies.c.id)
            ):
                self.owners.setdefault(str(sha), int(owner))

    @staticmethod
    def _read(
        conn: Connection, condition: ColumnElement[bool]
    ) -> list[tuple[int, str, int | None, str | None]]:
        found = conn.execute(
            select(
                clippings.c.id, clippings.c.sha256, clippings.c.part, clippings.c.text_hash
            ).where(condition)
        )
        return [
            (int(i), str(sha), None if part is None else int(part), text_hash)
            for i, sha, part, text_hash in found
        ]

    def duplicate(self, sha256: str, text_hash: str | None, part: int | None = -1) -> int | None:
        for clipping_id, sha, their_part, their_hash in self.rows:
            same_bytes = sha == sha256 and (part == -1 or their_part == part)
            if same_bytes or (text_hash and their_hash == text_hash):
                return clipping_id
        if part not in (-1, None):
            return None
        return self.owners.get(sha256)

    def added(self, clipping_id: int, new: NewClipping) -> None:
        self.rows.append((clipping_id, new.sha256, new.extracted.part, new.text_hash))

    def copied(self, clipping_id: int, sha256: str) -> None:
        self.owners.setdefault(sha256, clipping_id)


class CopyCheck(Protocol):
    """How an import recognises the same piece in another format (the import service
    compares the texts; ``storage`` finds the candidates by their marks)."""

    #: At most this many candidates are compared, those sharing the most marks first.
    limit: int

    def floor(self, mark_count: int) -> int:
        """How many marks a stored clipping must share with a text of ``mark_count``."""
        ...

    def worth(self, mark_count: int, stored_marks: int, shared: int) -> bool:
        """Whether a stored clipping of ``stored_marks`` marks, ``shared`` of them with
        a text of ``mark_count``, may be the same piece (False: ``reason`` would say
        None without reading its text)."""
        ...

    def reason(self, new: NewClipping, stored: StoredPiece) -> str | None:
        """Why ``new`` is the same piece as ``stored`` (shown to the user), or None."""
        ...


class Added(NamedTuple):
    """What became of one new clipping."""

    id: int
    #: A new clipping; else ``id`` is the clipping it duplicates.
    created: bool
    #: The file was kept as another original of clipping ``id``: why it is the same
    #: piece ("the same article as clipping 12 (web page)").
    copy_reason: str | None = None


class AddingStore:
    """Adding clippings (a part of ``ClippingStore``)."""

    if TYPE_CHECKING:

        def _reading(self) -> AbstractContextManager[Connection]: ...
        def _writing(self) -> AbstractContextManager[Connection]: ...
        def _attach(self, conn: Connection, ids: Sequence[int], name: str) -> list[int]: ...
        def _copy_candidates(
            self,
            conn: Connection,
            marks: Sequence[int],
            floor: int,
            limit: int,
            worth: Callable[[int, int], bool] | None = None,
        ) -> list[StoredPiece]: ...
        def _insert_marks(
            self, conn: Connection, clipping_id: int, marks: Iterable[int]
        ) -> None: ...
        def _copy_owner(self, conn: Connection, sha256: str) -> int | None: ...
        def _record_copy(
            self,
            conn: Connection,
            clipping_id: int,
            *,
            sha256: str,
            size: int,
            original_name: str,
            format: str,
        ) -> None: ...

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
        first = select(clippings.c.id).where(condition).order_by(clippings.c.id).limit(1)
        if part not in (-1, None):
            found = conn.execute(first).scalar()
            return None if found is None else int(found)
        # Or the same bytes kept as a copy of a clipping (a copy is a whole file): both
        # looked up in one statement (one round trip to a server).
        owner = (
            select(clipping_copies.c.clipping_id)
            .where(clipping_copies.c.sha256 == sha256)
            .order_by(clipping_copies.c.id)
            .limit(1)
        )
        found, copy_owner = conn.execute(
            select(first.scalar_subquery(), owner.scalar_subquery())
        ).one()
        if found is None:
            return None if copy_owner is None else int(copy_owner)
        return int(found)

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
        copies: CopyCheck | None = None,
    ) -> Added:
        """Store a clipping unless the archive has it already (``add_many`` of one)."""
        return self.add_many(
            [new],
            tag_names,
            store_originals=lambda stored: store_original() if stored else None,
            copies=copies,
        )[0]

    def add_many(
        self,
        batch: Sequence[NewClipping],
        tag_names: Iterable[str] = (),
        *,
        store_originals: Callable[[Sequence[int]], object],
        copies: CopyCheck | None = None,
    ) -> list[Added]:
        """Store a batch of clippings, each unless the archive has it already, in one
        transaction: what became of each, in order.

        Each clipping is checked against the archive and the batch's earlier ones (the
        same original, or the same normalised text) and, with ``copies``, against the
        live clippings whose marks it shares (the same piece in another format),
        inside the transaction that holds the write lock. A file of a single article
        that is the same text or piece as a clipping from other bytes is kept as a
        copy of that clipping (``Added.copy_reason``). ``store_originals`` gets the
        positions of the new clippings and copies and writes their originals' files;
        it runs before the commit, so a commit never points at a file that is not yet
        on disk. Any error rolls back the whole batch.
        """
        names = list(tag_names)
        outcomes: list[Added] = []
        with self._writing() as conn:
            known = _Known(conn, batch)
            for new in batch:
                outcomes.append(self._add_one(conn, new, names, copies, known))
            created = [added.created for added in outcomes]
            # A purge that has not yet removed these files must leave them now; and the
            # new clippings' queue rows: each at once for the batch.
            shas = sorted({new.sha256 for new, made in zip(batch, created, strict=True) if made})
            if shas:
                conn.execute(delete(original_removals).where(original_removals.c.sha256.in_(shas)))
            queue_changes(conn, [added.id for added in outcomes if added.created])
            store_originals(
                [n for n, added in enumerate(outcomes) if added.created or added.copy_reason]
            )
        return outcomes

    def _add_one(
        self,
        conn: Connection,
        new: NewClipping,
        names: list[str],
        copies: CopyCheck | None,
        known: _Known,
    ) -> Added:
        whole_file = new.extracted.part is None
        existing = known.duplicate(new.sha256, new.text_hash, new.extracted.part)
        if existing is not None:
            if copies is not None and whole_file and known.duplicate(new.sha256, None) is None:
                # The same text from other bytes (a file saved again): keep the file.
                self._keep_copy(conn, existing, new)
                known.copied(existing, new.sha256)
                return Added(existing, False, f"the same text as clipping {existing}")
            return Added(existing, False)
        if copies is not None and whole_file and new.marks:
            floor = copies.floor(len(new.marks))
            count = len(new.marks)
            for stored in self._copy_candidates(
                conn,
                new.marks,
                floor,
                copies.limit,
                lambda total, shared: copies.worth(count, total, shared),
            ):
                reason = copies.reason(new, stored)
                if reason:
                    self._keep_copy(conn, stored.id, new)
                    known.copied(stored.id, new.sha256)
                    return Added(stored.id, False, reason)
        clipping_id = self._insert(conn, new, names, queue=False)
        known.added(clipping_id, new)
        return Added(clipping_id, True)

    def _keep_copy(self, conn: Connection, clipping_id: int, new: NewClipping) -> None:
        self._record_copy(
            conn,
            clipping_id,
            sha256=new.sha256,
            size=new.size,
            original_name=new.original_name,
            format=new.extracted.format,
        )

    def _insert(
        self, conn: Connection, new: NewClipping, tag_names: Iterable[str], *, queue: bool = True
    ) -> int:
        """Store a new clipping; ``queue=False``: the caller queues it for the index and
        the analysis (``queue_changes``) and takes its original off the removals before
        the transaction ends."""
        ex = new.extracted
        now = _now()
        conn.execute(
            insert_ignoring(conn, originals).values(sha256=new.sha256, size=new.size, stored_at=now)
        )
        if queue:
            # A purge that has not yet removed this file must leave it now.
            conn.execute(delete(original_removals).where(original_removals.c.sha256 == new.sha256))
        # The outlet by its declared name and the page's domain (``outlets.py``): the
        # clipping shows the outlet's one name.
        outlet = resolve_outlet(conn, ex.outlet, ex.url)
        provenance = dict(ex.provenance)
        if outlet is not None and not ex.outlet:
            provenance["outlet"] = "url"
        clipping_id = _new_id(
            conn.execute(
                insert(clippings).values(
                    title=ex.title or new.original_name,
                    outlet=outlet.name if outlet else None,
                    outlet_id=outlet.id if outlet else None,
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
                    provenance=json.dumps(provenance, sort_keys=True),
                )
            )
        )
        self._insert_marks(conn, clipping_id, new.marks)
        for name in tag_names:
            self._attach(conn, [clipping_id], tag_name(name))
        if queue:
            queue_changes(conn, [clipping_id])
        return clipping_id


def _new_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])
