"""What the search index is built and checked from, and the database's own checks.

A part of ``ClippingStore``: the documents search indexes, every clipping id in
batches (a rebuild), the revisions a check compares with the index's, the originals
in use (a check of the originals folder) and SQLite's integrity check.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, select

from clippings.model import IndexDocument, published_from_iso, tag_ancestors
from clippings.storage.queue import chunks
from clippings.storage.schema import clipping_copies, clippings, outlet_keys
from clippings.storage.tags import tags_of


class ArchiveChecks:
    """Reads for the index and for checks (a part of ``ClippingStore``)."""

    if TYPE_CHECKING:
        engine: Engine

        def _reading(self) -> AbstractContextManager[Connection]: ...

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
                    clippings.c.outlet_id,
                ).where(
                    clippings.c.id.in_(list(ids)),
                    clippings.c.trashed.is_(False),
                )
            ).all()
            tag_map = tags_of(conn, [row.id for row in rows])
            aliases: dict[int, list[str]] = {}
            outlet_ids = sorted({int(row.outlet_id) for row in rows if row.outlet_id is not None})
            for chunk in chunks(outlet_ids):
                for key in conn.execute(
                    select(outlet_keys.c.outlet_id, outlet_keys.c.key)
                    .where(outlet_keys.c.outlet_id.in_(chunk))
                    .order_by(outlet_keys.c.key)
                ):
                    # "name:the guardian" -> "the guardian"; "domain:theguardian.com" as is.
                    aliases.setdefault(int(key.outlet_id), []).append(str(key.key).split(":", 1)[1])
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
                outlet_names=tuple(aliases.get(row.outlet_id, ())) if row.outlet_id else (),
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
            return []  # a server checks its own pages (and its own backups)
        from clippings.storage import sqlite

        with self._reading() as conn:
            return sqlite.integrity_problems(conn)

    def original_hashes(self) -> dict[str, list[int]]:
        """Every original in use, with the clippings that use it (as their file or as a
        copy's)."""
        with self._reading() as conn:
            rows = list(conn.execute(select(clippings.c.sha256, clippings.c.id)).all())
            rows += conn.execute(
                select(clipping_copies.c.sha256, clipping_copies.c.clipping_id)
            ).all()
        used: dict[str, list[int]] = {}
        for sha, clipping_id in rows:
            used.setdefault(str(sha), []).append(int(clipping_id))
        return used
