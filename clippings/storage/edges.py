"""The kept neighbours (edges) of related pieces: who is close to whom, and when the
lists were computed.

A part of ``ClippingStore``, beside the features and postings of ``analysis.py``
that the lists are computed from; ``clippings.services.related`` computes them and
stores them here, a batch per transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from sqlalchemy import Connection, delete, func, select

from clippings.storage.packing import posted_keys
from clippings.storage.queue import chunks, marks, run_driver_sql
from clippings.storage.schema import clipping_analysis, related_edges

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
else:
    from clippings.storage.packing import np

#: One kept neighbour: (other id, score, shared, relation or None, closeness or None,
#: story).
EdgeRow = tuple[int, float, float, str | None, float | None, bool]


class EdgeStore:
    """The lists of related pieces (a part of ``ClippingStore``)."""

    if TYPE_CHECKING:

        def _reading(self) -> AbstractContextManager[Connection]: ...
        def _writing(self) -> AbstractContextManager[Connection]: ...

    def edge_lists(self, ids: Sequence[int]) -> dict[int, list[EdgeRow]]:
        """The kept neighbours of each of these clippings (empty lists included)."""
        found: dict[int, list[EdgeRow]] = {i: [] for i in ids}
        with self._reading() as conn:
            for chunk in chunks(sorted(set(ids))):
                for (
                    clipping_id,
                    other,
                    score,
                    shared,
                    relation,
                    closeness,
                    story,
                ) in run_driver_sql(
                    conn,
                    "SELECT clipping_id, other_id, score, shared, relation, closeness, story "
                    f"FROM related_edges WHERE clipping_id IN ({marks(len(chunk))})",
                    tuple(chunk),
                ):
                    found[clipping_id].append(
                        (other, float(score), float(shared), relation, closeness, bool(story))
                    )
        return found

    def edge_holders(self, ids: Sequence[int]) -> dict[int, list[int]]:
        """For each of these clippings, the clippings whose lists hold it."""
        found: dict[int, list[int]] = {}
        with self._reading() as conn:
            for chunk in chunks(sorted(set(ids))):
                for holder, other in run_driver_sql(
                    conn,
                    "SELECT clipping_id, other_id FROM related_edges "
                    f"WHERE other_id IN ({marks(len(chunk))})",
                    tuple(chunk),
                ):
                    found.setdefault(other, []).append(holder)
        return found

    def last_serial(self) -> int:
        """The serial of the clipping analysed last."""
        with self._reading() as conn:
            return int(conn.execute(select(func.max(clipping_analysis.c.serial))).scalar() or 0)

    def edges_after(self, ids: Sequence[int]) -> dict[int, int]:
        """For each of these clippings whose edges were computed, the serial of the
        clipping analysed last then."""
        found: dict[int, int] = {}
        with self._reading() as conn:
            for chunk in chunks(sorted(set(ids))):
                for clipping_id, after in conn.execute(
                    select(clipping_analysis.c.clipping_id, clipping_analysis.c.edges_after).where(
                        clipping_analysis.c.clipping_id.in_(chunk),
                        clipping_analysis.c.edges_after.is_not(None),
                    )
                ):
                    found[int(clipping_id)] = int(after)
        return found

    def related_edges(self, clipping_id: int) -> tuple[int | None, list[EdgeRow]]:
        """When a clipping's edges were computed (the number of analysed clippings then,
        None if never) and its related pieces among them."""
        with self._reading() as conn:
            at = conn.execute(
                select(clipping_analysis.c.edges_at).where(
                    clipping_analysis.c.clipping_id == clipping_id,
                    clipping_analysis.c.counted.is_(True),
                )
            ).scalar()
            rows = conn.execute(
                select(related_edges).where(
                    related_edges.c.clipping_id == clipping_id,
                    related_edges.c.relation.is_not(None),
                )
            ).all()
        return (None if at is None else int(at)), [_edge(r) for r in rows]

    def story_links(
        self, ids: Sequence[int] | None = None
    ) -> dict[int, list[tuple[int, float, float]]]:
        """Each live analysed clipping's closest pieces for stories: (other, closeness,
        shared), read from the edges only (never a text); of these clippings only, or
        of all."""
        found: dict[int, list[tuple[int, float, float]]] = {}
        analysed = select(clipping_analysis.c.clipping_id).where(
            clipping_analysis.c.counted.is_(True)
        )
        links = select(
            related_edges.c.clipping_id,
            related_edges.c.other_id,
            related_edges.c.closeness,
            related_edges.c.shared,
        ).where(related_edges.c.story.is_(True))
        with self._reading() as conn:
            for chunk in [None] if ids is None else chunks(sorted(set(ids))):
                where = [] if chunk is None else [clipping_analysis.c.clipping_id.in_(chunk)]
                for clipping_id in conn.execute(analysed.where(*where)).scalars():
                    found[int(clipping_id)] = []
                where = [] if chunk is None else [related_edges.c.clipping_id.in_(chunk)]
                for clipping_id, other, closeness, shared in conn.execute(links.where(*where)):
                    kept = found.get(int(clipping_id))
                    if kept is not None:
                        kept.append((int(other), float(closeness or 0.0), float(shared)))
        return found

    def edges_toward(
        self, clipping_id: int, others: Sequence[int]
    ) -> dict[int, tuple[float, float]]:
        """The (score, shared) of each of these clippings' kept edges to ``clipping_id``
        (those that keep one)."""
        return {
            other: (float(score), float(shared))
            for other, score, shared, _relation in self._toward(clipping_id, others)
        }

    def relations_toward(self, clipping_id: int, others: Sequence[int]) -> dict[int, str]:
        """How each of these clippings' own lists label ``clipping_id`` (those that list it)."""
        return {
            other: str(relation)
            for other, _score, _shared, relation in self._toward(clipping_id, others)
            if relation is not None
        }

    def _toward(
        self, clipping_id: int, others: Sequence[int]
    ) -> list[tuple[int, float, float, str | None]]:
        """These clippings' kept edges to ``clipping_id``: (other, score, shared,
        relation)."""
        found = []
        with self._reading() as conn:
            for chunk in chunks(sorted(set(others))):
                for other, score, shared, relation in conn.execute(
                    select(
                        related_edges.c.clipping_id,
                        related_edges.c.score,
                        related_edges.c.shared,
                        related_edges.c.relation,
                    ).where(
                        related_edges.c.clipping_id.in_(chunk),
                        related_edges.c.other_id == clipping_id,
                    )
                ):
                    found.append((int(other), score, shared, relation))
        return found

    def save_edges(
        self,
        lists: Mapping[int, Sequence[EdgeRow]],
        computed: Mapping[int, int],
        postings: Mapping[int, npt.NDArray[np.int64]],
        done: Mapping[int, int],
        after: int = 0,
    ) -> None:
        """In one transaction: replace the kept neighbours of the clippings of ``lists``
        (skipping those no longer analysed and live), mark ``computed`` ones' edges as
        computed at that many analysed clippings (after the clipping of serial
        ``after``), list them under new ``postings``
        terms, and take their queue rows up to the ``done`` queue id off the queue."""
        with self._writing() as conn:
            ids = sorted(set(lists) | set(computed) | set(postings))
            present = {
                int(row.clipping_id): row.posted
                for chunk in chunks(ids)
                for row in conn.execute(
                    select(clipping_analysis.c.clipping_id, clipping_analysis.c.posted).where(
                        clipping_analysis.c.clipping_id.in_(chunk),
                        clipping_analysis.c.counted.is_(True),
                    )
                )
            }
            rows: list[tuple[int, int, float, float, str | None, float | None, bool]] = []
            replaced = [i for i in lists if i in present]
            for chunk in chunks(sorted(replaced)):
                conn.execute(delete(related_edges).where(related_edges.c.clipping_id.in_(chunk)))
            for clipping_id in replaced:
                rows.extend((clipping_id, *row) for row in lists[clipping_id])
            if rows:
                run_driver_sql(
                    conn,
                    "INSERT INTO related_edges "
                    "(clipping_id, other_id, score, shared, relation, closeness, story) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
            # Executemany, not a statement per row: a batch is one short transaction.
            unposted: list[tuple[int, int]] = []
            posted: list[tuple[int, int]] = []
            marks: list[tuple[bytes | None, int | None, int | None, int]] = []
            for clipping_id in ids:
                if clipping_id not in present:
                    continue
                keys = postings.get(clipping_id)
                data = present[clipping_id]
                if keys is not None:
                    before = set(posted_keys(present[clipping_id]))
                    unique = np.unique(np.asarray(keys, dtype=np.int64))
                    wanted = {int(k) for k in unique}
                    unposted.extend((t, clipping_id) for t in sorted(before - wanted))
                    posted.extend((t, clipping_id) for t in sorted(wanted - before))
                    data = unique.astype("<i8").tobytes()
                at = computed.get(clipping_id)
                marks.append((data, at, after if at is not None else None, clipping_id))
            if unposted:
                run_driver_sql(
                    conn, "DELETE FROM term_postings WHERE term = ? AND clipping_id = ?", unposted
                )
            if posted:
                run_driver_sql(
                    conn,
                    "INSERT INTO term_postings (term, clipping_id) VALUES (?, ?) "
                    "ON CONFLICT DO NOTHING",
                    posted,
                )
            if marks:
                run_driver_sql(
                    conn,
                    "UPDATE clipping_analysis SET posted = ?, "
                    "edges_at = coalesce(?, edges_at), edges_after = coalesce(?, edges_after) "
                    "WHERE clipping_id = ?",
                    marks,
                )
            if done:
                run_driver_sql(
                    conn,
                    "DELETE FROM analysis_queue WHERE clipping_id = ? AND id <= ?",
                    list(done.items()),
                )


def _edge(row: object) -> EdgeRow:
    r = row._mapping  # type: ignore[attr-defined]
    return (
        int(r["other_id"]),
        float(r["score"]),
        float(r["shared"]),
        None if r["relation"] is None else str(r["relation"]),
        None if r["closeness"] is None else float(r["closeness"]),
        bool(r["story"]),
    )
