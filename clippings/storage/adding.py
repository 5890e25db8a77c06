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

from sqlalchemy import (
    Connection,
    CursorResult,
    cast,
    delete,
    insert,
    literal,
    null,
    or_,
    select,
    union_all,
)

from clippings.model import Extracted, published_to_iso, published_utc, tag_name
from clippings.storage.copies import StoredPiece
from clippings.storage.outlets import resolve_outlet
from clippings.storage.queue import insert_ignoring, queue_changes
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


#: Files whose duplicates one statement reads (each sha256 twice and a text digest:
#: 900 values, within any SQLite's limit).
_CHUNK = 300


class _Known:
    """What a file could duplicate: the clippings of the same bytes or the same text,
    and the clippings that keep the same bytes as a copy, read in one statement.

    One file's check (``AddingStore.find_duplicate``) reads its own; a batch reads all
    its files' at once when its transaction begins (it holds the write lock, so nobody
    else adds any meanwhile) and notes what it adds itself, so that each file's check
    is no statement of its own (a team archive's server is a round trip away).
    """

    def __init__(self, conn: Connection, shas: Iterable[str], hashes: Iterable[str | None]):
        sha_list = sorted(set(shas))
        hash_list = sorted({h for h in hashes if h})
        #: The first clipping (lowest id) of some bytes, of an article of them, of a text.
        self.bytes: dict[str, int] = {}
        self.articles: dict[tuple[str, int | None], int] = {}
        self.texts: dict[str, int] = {}
        #: The first clipping that keeps some bytes as a copy.
        self.owners: dict[str, int] = {}
        found: list[tuple[int, int, int, str, int | None, str | None]] = []
        for n in range(0, max(len(sha_list), len(hash_list)), _CHUNK):
            some_shas, some_hashes = sha_list[n : n + _CHUNK], hash_list[n : n + _CHUNK]
            stored = select(
                literal(0),
                clippings.c.id,
                clippings.c.id,
                clippings.c.sha256,
                clippings.c.part,
                clippings.c.text_hash,
            ).where(
                # An empty list is left out: the planner keeps to the two indexes.
                or_(
                    *([clippings.c.sha256.in_(some_shas)] if some_shas else []),
                    *([clippings.c.text_hash.in_(some_hashes)] if some_hashes else []),
                )
            )
            kept = select(
                literal(1),
                clipping_copies.c.id,
                clipping_copies.c.clipping_id,
                clipping_copies.c.sha256,
                cast(null(), clippings.c.part.type),
                cast(null(), clippings.c.text_hash.type),
            ).where(clipping_copies.c.sha256.in_(some_shas or [""]))
            found += [tuple(row) for row in conn.execute(union_all(stored, kept))]
        for kind, _order, clipping_id, sha, part, text_hash in sorted(set(found)):
            if kind:
                self.owners.setdefault(str(sha), int(clipping_id))
            else:
                self._note(int(clipping_id), str(sha), part, text_hash)

    def _note(self, clipping_id: int, sha: str, part: int | None, text_hash: str | None) -> None:
        # Ids only grow: the first noted is the lowest.
        self.bytes.setdefault(sha, clipping_id)
        self.articles.setdefault((sha, None if part is None else int(part)), clipping_id)
        if text_hash:
            self.texts.setdefault(text_hash, clipping_id)

    def duplicate(self, sha256: str, text_hash: str | None, part: int | None = -1) -> int | None:
        """A clipping with the same bytes and, unless ``part`` is -1, the same article of
        them, or with the same normalised text (the first); else, for a whole file, the
        clipping that keeps the same bytes as a copy."""
        same = self.bytes.get(sha256) if part == -1 else self.articles.get((sha256, part))
        found = [i for i in (same, self.texts.get(text_hash or "")) if i is not None]
        if found:
            return min(found)
        return None if part not in (-1, None) else self.owners.get(sha256)

    def added(self, clipping_id: int, new: NewClipping) -> None:
        self._note(clipping_id, new.sha256, new.extracted.part, new.text_hash)

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

    def other_outlet(self, new: NewClipping, url: str | None, outlet: str | None) -> bool:
        """Whether ``new`` comes from another outlet than a clipping of this web
        address and outlet (the same text from two sites is two clippings)."""
        ...

    def same_text(self, clipping_id: int, format_name: str) -> str:
        """Why a file whose text is word for word that of clipping ``clipping_id`` (of
        this format) is that piece, in the words ``reason`` uses."""
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
        of them; or one with the same normalised text (``_Known.duplicate``)."""
        return _Known(conn, [sha256], [text_hash]).duplicate(sha256, text_hash, part)

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
            known = _Known(conn, [n.sha256 for n in batch], [n.text_hash for n in batch])
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
        if (
            existing is not None
            and copies is not None
            and known.duplicate(new.sha256, None, new.extracted.part) is None
            and copies.other_outlet(new, *self._source_of(conn, existing))
        ):
            # The same text from other bytes and another site or outlet: a wire story
            # two sites ran is two clippings (README), as ``copies.reason`` holds too.
            existing = None
            whole_file = False  # no copy of a clipping of another outlet either
        if existing is not None:
            if copies is not None and whole_file and known.duplicate(new.sha256, None) is None:
                # The same text from other bytes (a file saved again): keep the file.
                self._keep_copy(conn, existing, new)
                known.copied(existing, new.sha256)
                why = copies.same_text(existing, self._format_of(conn, existing))
                return Added(existing, False, why)
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

    def _source_of(self, conn: Connection, clipping_id: int) -> tuple[str | None, str | None]:
        """A stored clipping's web address and outlet."""
        row = conn.execute(
            select(clippings.c.url, clippings.c.outlet).where(clippings.c.id == clipping_id)
        ).first()
        return (row[0], row[1]) if row is not None else (None, None)

    def _format_of(self, conn: Connection, clipping_id: int) -> str:
        """A stored clipping's format ("html", "pdf")."""
        found: object = conn.execute(
            select(clippings.c.format).where(clippings.c.id == clipping_id)
        ).scalar()
        return str(found or "")

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
